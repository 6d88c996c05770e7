package httpx

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/portgate/portgate/providers"
)

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, c := range []struct {
		h    map[string]string
		want time.Duration
	}{
		{nil, 0},
		{map[string]string{"Retry-After": "3"}, 3 * time.Second},
		{map[string]string{"Retry-After": "1.5"}, 1500 * time.Millisecond},
		{map[string]string{"Retry-After": " 2 "}, 2 * time.Second},
		{map[string]string{"Retry-After": now.Add(10 * time.Second).Format(http.TimeFormat)}, 10 * time.Second},
		{map[string]string{"Retry-After": now.Add(-time.Minute).Format(http.TimeFormat)}, 0},
		{map[string]string{"Retry-After": "soon"}, 0},
		{map[string]string{"Retry-After": "-4"}, 0},
		{map[string]string{"Retry-After-Ms": "250", "Retry-After": "9"}, 250 * time.Millisecond},
		{map[string]string{"x-ratelimit-reset": "7"}, 7 * time.Second},
		{map[string]string{"Retry-After": "99999999999999"}, 0},
	} {
		h := http.Header{}
		for k, v := range c.h {
			h.Set(k, v)
		}
		if got := retryAfterAt(h, now); got != c.want {
			t.Errorf("%v: %s, want %s", c.h, got, c.want)
		}
	}
}

func TestReadBodyCaps(t *testing.T) {
	resp := &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader(strings.Repeat("x", MaxResponseBytes+1)))}
	_, err := ReadBody(context.Background(), "p", resp)
	if providers.ErrorCode(err) != providers.CodeBadResponse {
		t.Fatalf("%v", err)
	}
	resp = &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader("ok"))}
	if b, err := ReadBody(context.Background(), "p", resp); err != nil || string(b) != "ok" {
		t.Fatalf("%q %v", b, err)
	}
}

func TestTransportError(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if c := TransportError(ctx, "p", "x", errors.New("boom")).Code; c != providers.CodeCanceled {
		t.Fatal(c)
	}
	if c := TransportError(context.Background(), "p", "x", providers.ErrResponseTooLarge).Code; c != providers.CodeBadResponse {
		t.Fatal(c)
	}
	if c := TransportError(context.Background(), "p", "x", errors.New("reset")).Code; c != providers.CodeUnavailable {
		t.Fatal(c)
	}
}

func TestRequestRedactor(t *testing.T) {
	req, _ := http.NewRequest(http.MethodPost, "https://p.example/x?signature=qsecret123", strings.NewReader(`{"pin_passcode":"8642","name":"ok"}`))
	req.Header.Set("Authorization", "Bearer tok-abcdef")
	red := RequestRedactor(req, "cred-12345")
	err := red.Error(&providers.Error{Code: providers.CodeInvalidArgument, Provider: "p",
		Message: "echo: Bearer tok-abcdef pin 8642 cred-12345 signature=qsecret123 name ok"})
	msg := err.Error()
	for _, s := range []string{"tok-abcdef", "8642", "cred-12345", "qsecret123"} {
		if strings.Contains(msg, s) {
			t.Errorf("%q survived: %s", s, msg)
		}
	}
	if !strings.Contains(msg, "name ok") {
		t.Errorf("over-redacted: %s", msg)
	}
}

// readAll agrees with io.ReadAll whatever the announced length says.
func TestReadAllAgrees(t *testing.T) {
	body := bytes.Repeat([]byte("0123456789"), 500)
	for _, n := range []int{0, 1, 511, 512, 513, 4999, 5000} {
		for _, cl := range []int64{-1, 0, 1, int64(n) - 1, int64(n), int64(n) + 1, 1 << 40} {
			got, err := readAll(iotest.OneByteReader(bytes.NewReader(body[:n])), cl)
			if err != nil || !bytes.Equal(got, body[:n]) {
				t.Errorf("n=%d cl=%d: %d bytes, %v", n, cl, len(got), err)
			}
			got, err = readAll(iotest.HalfReader(bytes.NewReader(body[:n])), cl)
			if err != nil || !bytes.Equal(got, body[:n]) {
				t.Errorf("half n=%d cl=%d: %d bytes, %v", n, cl, len(got), err)
			}
		}
	}
	if _, err := readAll(iotest.ErrReader(io.ErrUnexpectedEOF), 10); err != io.ErrUnexpectedEOF {
		t.Errorf("err = %v", err)
	}
	if a := testing.AllocsPerRun(100, func() { _, _ = readAll(bytes.NewReader(body), int64(len(body))) }); a > 2 {
		t.Errorf("%v allocations for a body of announced length, want ≤ 2", a)
	}
	// Unannounced (chunked): one exact-size copy out of a pooled buffer.
	if a := testing.AllocsPerRun(100, func() { _, _ = readAll(bytes.NewReader(body), -1) }); a > 2 {
		t.Errorf("%v allocations for a body of unannounced length, want ≤ 2", a)
	}
	if got, _ := readAll(bytes.NewReader(body), -1); cap(got) != len(body) {
		t.Errorf("unannounced body: cap %d for %d bytes, want exact", cap(got), len(body))
	}
	// The copy handed out never shares the pooled buffer.
	a, _ := readAll(bytes.NewReader(body[:100]), -1)
	_, _ = readAll(bytes.NewReader(bytes.Repeat([]byte("x"), 100)), -1)
	if !bytes.Equal(a, body[:100]) {
		t.Error("a later read changed an earlier body")
	}
}
