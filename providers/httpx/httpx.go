package httpx

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/portgate/portgate/providers"
)

// MaxResponseBytes is the largest provider response body an adapter reads
// (the transport cap of NewClient is the same by default).
const MaxResponseBytes = 8 << 20

// StandaloneTimeout bounds a whole exchange for an adapter built without a
// client (tests, tools); the gateway's client has none and relies on the
// resilience policy's deadline instead.
const StandaloneTimeout = 60 * time.Second

// DefaultClient is the client an adapter uses when its Config has none:
// the same tuned transport and body cap as the gateway's, plus an overall
// timeout because no resilience policy sets deadlines.
func DefaultClient() *http.Client { return NewClient(Options{Timeout: StandaloneTimeout}) }

// ReadBody reads resp's body up to MaxResponseBytes. A failed read is a
// TransportError; a larger body is CodeBadResponse (retrying fetches the
// same body).
func ReadBody(ctx context.Context, provider string, resp *http.Response) ([]byte, error) {
	b, err := readAll(io.LimitReader(resp.Body, MaxResponseBytes+1), resp.ContentLength)
	if err != nil {
		return nil, TransportError(ctx, provider, "reading the response failed", err)
	}
	if len(b) > MaxResponseBytes {
		return nil, &providers.Error{Code: providers.CodeBadResponse, Provider: provider, HTTPStatus: resp.StatusCode,
			Message: fmt.Sprintf("response body exceeds %d bytes", MaxResponseBytes)}
	}
	return b, nil
}

// readAll is io.ReadAll with the buffer sized from the response's
// Content-Length when it gave one within the cap (one allocation instead of
// io.ReadAll's 512-byte start and its growth steps); a body longer than
// announced still reads whole, and a missing length reads as readUnknown.
func readAll(r io.Reader, contentLength int64) ([]byte, error) {
	if contentLength < 0 || contentLength > MaxResponseBytes {
		return readUnknown(r)
	}
	return readInto(r, make([]byte, 0, contentLength+1)) // +1: the read that sees EOF needs room
}

// readUnknown reads a body of unannounced length (chunked) through a
// pooled scratch buffer and returns an exact-size copy: one allocation of
// the body's size, where io.ReadAll's growth from 512 bytes left two to
// three times a list page's size in garbage.
func readUnknown(r io.Reader) ([]byte, error) {
	bp := scratch.Get().(*[]byte)
	b, err := readInto(r, (*bp)[:0])
	out := make([]byte, len(b))
	copy(out, b)
	if cap(b) <= maxScratch {
		*bp = b
		scratch.Put(bp)
	}
	return out, err
}

// readInto appends everything r gives to b (growing it as append does)
// until EOF, which is not an error.
func readInto(r io.Reader, b []byte) ([]byte, error) {
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err != nil {
			if err == io.EOF {
				err = nil
			}
			return b, err
		}
	}
}

var scratch = sync.Pool{New: func() any { b := make([]byte, 0, 32<<10); return &b }}

// maxScratch: larger scratch buffers (rare, huge bodies) are not kept.
const maxScratch = 1 << 20

// TransportError classifies a failed HTTP exchange: the caller's context
// ending → Canceled/DeadlineExceeded, an oversized body → BadResponse,
// anything else (refused, reset, timeout) → Unavailable. msg must not
// contain the URL or credentials.
func TransportError(ctx context.Context, provider, msg string, err error) *providers.Error {
	switch {
	case ctx.Err() != nil:
		return &providers.Error{Code: providers.ErrorCode(ctx.Err()), Provider: provider, Message: ctx.Err().Error(), Err: ctx.Err()}
	case errors.Is(err, providers.ErrResponseTooLarge):
		return &providers.Error{Code: providers.CodeBadResponse, Provider: provider, Message: "response body too large", Err: err}
	}
	return &providers.Error{Code: providers.CodeUnavailable, Provider: provider, Message: msg, Err: err}
}

// RetryAfter reads how long to wait from a provider's response headers:
// Retry-After-Ms, then Retry-After (seconds, fractional allowed, or an HTTP
// date), then x-ratelimit-reset (seconds until the window resets). Zero
// when none says.
func RetryAfter(h http.Header) time.Duration { return retryAfterAt(h, time.Now()) }

func retryAfterAt(h http.Header, now time.Time) time.Duration {
	seconds := func(v string) time.Duration {
		if s, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && s > 0 && s < 1e9 {
			return time.Duration(s * float64(time.Second))
		}
		return 0
	}
	if v := h.Get("Retry-After-Ms"); v != "" {
		if ms, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && ms > 0 && ms < 1e12 {
			return time.Duration(ms * float64(time.Millisecond))
		}
	}
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if d := seconds(v); d > 0 {
			return d
		}
		if t, err := http.ParseTime(v); err == nil {
			if d := t.Sub(now); d > 0 {
				return d
			}
		}
	}
	if v := h.Get("x-ratelimit-reset"); v != "" {
		return seconds(v)
	}
	return 0
}

// maxRedactBody bounds how much of a request body is searched for secrets
// (JSON bodies are small; uploads are not JSON).
const maxRedactBody = 1 << 20

// RequestRedactor knows every secret req carried: the adapter's
// credentials, the Authorization header, secrets in a JSON body and
// credential-like query parameters (presigned URLs). Adapters pass their
// mapped provider errors through it, so whatever a provider or a proxy
// echoed of the request never leaves the adapter.
func RequestRedactor(req *http.Request, credentials ...string) providers.Redactor {
	secrets := append([]string{req.Header.Get("Authorization")}, credentials...)
	if req.GetBody != nil {
		if rc, err := req.GetBody(); err == nil {
			body, _ := io.ReadAll(io.LimitReader(rc, maxRedactBody))
			rc.Close()
			secrets = append(secrets, providers.SecretsFromJSON(body)...)
		}
	}
	return providers.NewRedactor(append(secrets, providers.SecretsFromQuery(req.URL.Query())...)...)
}
