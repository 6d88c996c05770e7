package telnyxevents_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/portgate/portgate/internal/events"
	"github.com/portgate/portgate/internal/ingest"
	"github.com/portgate/portgate/internal/ingest/telnyxevents"
	"github.com/portgate/portgate/internal/store"
	"github.com/portgate/portgate/internal/store/storetest"
)

func sqliteStore(t testing.TB) store.Store {
	t.Helper()
	st, err := store.OpenSQLite(context.Background(), t.TempDir()+"/t.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

func pgStore(t testing.TB) store.Store {
	t.Helper()
	st, err := store.OpenPostgres(context.Background(), storetest.PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

type signer struct {
	priv ed25519.PrivateKey
	pub  ed25519.PublicKey
}

func newSigner(t testing.TB) signer {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return signer{priv, pub}
}

func (s signer) request(body []byte, at time.Time) *http.Request {
	ts := strconv.FormatInt(at.Unix(), 10)
	r := httptest.NewRequest(http.MethodPost, telnyxevents.TelnyxPath, bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set(telnyxevents.HeaderTelnyxTimestamp, ts)
	r.Header.Set(telnyxevents.HeaderTelnyxSignature, base64.StdEncoding.EncodeToString(ed25519.Sign(s.priv, append([]byte(ts+"|"), body...))))
	return r
}

func statusChanged(eventID, orderID, status string) []byte {
	b, _ := json.Marshal(map[string]any{
		"data": map[string]any{"event_type": "porting_order.status_changed", "id": eventID, "occurred_at": "2026-01-11T16:08:31.804886Z",
			"record_type": "event", "payload": map[string]any{"id": orderID, "customer_reference": "ref", "support_key": "sr_123456",
				"status": map[string]any{"value": status, "details": []any{map[string]any{"code": "ACCOUNT_NUMBER_MISMATCH", "description": "bad account"}}}}},
		"meta": map[string]any{"attempt": 1, "delivered_to": "https://example.com/hook"}})
	return b
}

func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func countEvents(t testing.TB, st store.Store) int {
	t.Helper()
	n, after := 0, int64(0)
	for {
		evs, err := st.ListEvents(context.Background(), store.EventQuery{AfterSeq: after, Limit: store.MaxListLimit})
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) == 0 {
			return n
		}
		n += len(evs)
		after = evs[len(evs)-1].Seq
	}
}

func TestTelnyxSignatureMatrix(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	good, other := newSigner(t), newSigner(t)
	body := statusChanged("ev-1", "ord-1", "submitted")
	tampered := bytes.Replace(body, []byte("submitted"), []byte("cancelled"), 1)
	cases := []struct {
		name   string
		req    func() *http.Request
		want   int
		reason string
	}{
		{"good", func() *http.Request { return good.request(body, now) }, 200, ""},
		{"good at the window's edge", func() *http.Request { return good.request(body, now.Add(-5*time.Minute)) }, 200, ""},
		{"bad signature", func() *http.Request {
			r := good.request(body, now)
			r.Header.Set(telnyxevents.HeaderTelnyxSignature, base64.StdEncoding.EncodeToString(make([]byte, 64)))
			return r
		}, 401, ingest.ReasonSignatureInvalid},
		{"signature not base64", func() *http.Request {
			r := good.request(body, now)
			r.Header.Set(telnyxevents.HeaderTelnyxSignature, "!!")
			return r
		}, 401, ingest.ReasonSignatureInvalid},
		{"wrong key", func() *http.Request { return other.request(body, now) }, 401, ingest.ReasonSignatureInvalid},
		{"stale timestamp", func() *http.Request { return good.request(body, now.Add(-5*time.Minute-time.Second)) }, 401, ingest.ReasonTimestampInvalid},
		{"future timestamp", func() *http.Request { return good.request(body, now.Add(5*time.Minute+time.Second)) }, 401, ingest.ReasonTimestampInvalid},
		{"timestamp not a number", func() *http.Request {
			r := good.request(body, now)
			r.Header.Set(telnyxevents.HeaderTelnyxTimestamp, "yesterday")
			return r
		}, 401, ingest.ReasonTimestampInvalid},
		{"missing signature", func() *http.Request {
			r := good.request(body, now)
			r.Header.Del(telnyxevents.HeaderTelnyxSignature)
			return r
		}, 401, ingest.ReasonSignatureInvalid},
		{"missing timestamp", func() *http.Request {
			r := good.request(body, now)
			r.Header.Del(telnyxevents.HeaderTelnyxTimestamp)
			return r
		}, 401, ingest.ReasonSignatureInvalid},
		{"timestamp changed after signing", func() *http.Request {
			r := good.request(body, now)
			r.Header.Set(telnyxevents.HeaderTelnyxTimestamp, strconv.FormatInt(now.Unix()-1, 10))
			return r
		}, 401, ingest.ReasonSignatureInvalid},
		{"tampered body", func() *http.Request {
			r := good.request(body, now)
			r.Body = http.NoBody
			r2 := httptest.NewRequest(http.MethodPost, telnyxevents.TelnyxPath, bytes.NewReader(tampered))
			r2.Header = r.Header
			return r2
		}, 401, ingest.ReasonSignatureInvalid},
		{"re-serialized body", func() *http.Request {
			var v any
			_ = json.Unmarshal(body, &v)
			re, _ := json.MarshalIndent(v, "", " ")
			r := good.request(body, now)
			r2 := httptest.NewRequest(http.MethodPost, telnyxevents.TelnyxPath, bytes.NewReader(re))
			r2.Header = r.Header
			return r2
		}, 401, ingest.ReasonSignatureInvalid},
		{"oversized body", func() *http.Request {
			return good.request(bytes.Repeat([]byte(" "), ingest.DefaultMaxBodyBytes+1), now)
		}, 413, ingest.ReasonTooLarge},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st := sqliteStore(t)
			h := telnyxevents.TelnyxHandler(telnyxevents.TelnyxOptions{Store: st, PublicKey: good.pub, Now: func() time.Time { return now }})
			w := serve(h, tc.req())
			if w.Code != tc.want {
				t.Fatalf("status %d, want %d: %s", w.Code, tc.want, w.Body)
			}
			want := 0
			if tc.want == 200 {
				want = 1
			} else {
				var s struct {
					Details []struct {
						Reason string `json:"reason"`
					} `json:"details"`
				}
				if err := json.Unmarshal(w.Body.Bytes(), &s); err != nil || len(s.Details) == 0 || s.Details[0].Reason != tc.reason {
					t.Fatalf("body %s: want reason %s", w.Body, tc.reason)
				}
			}
			if n := countEvents(t, st); n != want {
				t.Fatalf("%d events stored, want %d", n, want)
			}
		})
	}
}

func TestTelnyxNoKeyFailsClosed(t *testing.T) {
	st := sqliteStore(t)
	s := newSigner(t)
	w := serve(telnyxevents.TelnyxHandler(telnyxevents.TelnyxOptions{Store: st}), s.request(statusChanged("e", "o", "submitted"), time.Now()))
	if w.Code != http.StatusServiceUnavailable || countEvents(t, st) != 0 {
		t.Fatalf("status %d, %d events: want 503 and nothing stored", w.Code, countEvents(t, st))
	}
}

func TestTelnyxReplayStoredOnce(t *testing.T) {
	st := sqliteStore(t)
	s := newSigner(t)
	h := telnyxevents.TelnyxHandler(telnyxevents.TelnyxOptions{Store: st, PublicKey: s.pub})
	body := statusChanged("ev-replay", "ord-1", "exception")
	for i := range 3 {
		if w := serve(h, s.request(body, time.Now())); w.Code != 200 {
			t.Fatalf("delivery %d: %d %s", i, w.Code, w.Body)
		}
	}
	evs, _ := st.ListEvents(context.Background(), store.EventQuery{})
	if len(evs) != 1 {
		t.Fatalf("%d events, want 1", len(evs))
	}
	e := evs[0]
	if e.Type != events.TypeExceptionRaised || e.OrderName != "providers/telnyx/portOrders/ord-1" || e.EventID != "ev-replay" {
		t.Fatalf("event %+v", e)
	}
	var p events.Payload
	if err := json.Unmarshal(e.Payload, &p); err != nil {
		t.Fatal(err)
	}
	if p.NewState != "EXCEPTION" || p.ProviderStatus != "exception" || p.Exception == nil || p.Exception.Code != "ACCOUNT_NUMBER_MISMATCH" {
		t.Fatalf("payload %s", e.Payload)
	}
	if !e.OccurredAt.Equal(time.Date(2026, 1, 11, 16, 8, 31, 804886000, time.UTC)) {
		t.Fatalf("occurred_at %v", e.OccurredAt)
	}
}

// Every porting_order.* type, in both envelope shapes; unknown types are
// stored as OTHER, never dropped; secrets never reach the store.
func TestTelnyxEventTypes(t *testing.T) {
	flat := func(id, typ string, payload any) []byte {
		b, _ := json.Marshal(map[string]any{"id": id, "event_type": typ, "occurred_at": "2026-01-11T16:08:31Z",
			"urls": []string{"https://x"}, "organization_id": "org", "format": "v2", "payload": payload})
		return b
	}
	wrapped := func(id, typ string, payload any) []byte {
		b, _ := json.Marshal(map[string]any{"data": map[string]any{"id": id, "event_type": typ, "occurred_at": "2026-01-11T16:08:31Z",
			"record_type": "event", "payload": payload}, "meta": map[string]any{"attempt": 1}})
		return b
	}
	cases := []struct {
		body              []byte
		typ, order, check string
	}{
		{wrapped("1", "porting_order.status_changed", map[string]any{"id": "o1", "status": map[string]any{"value": "foc-date-confirmed"}}), events.TypeStateChanged, "o1", "FOC_CONFIRMED"},
		{wrapped("2", "porting_order.new_comment", map[string]any{"porting_order_id": "o2", "comment": map[string]any{"id": "c", "body": "hello", "user_type": "admin"}}), events.TypeCommentAdded, "o2", "hello"},
		{wrapped("3", "porting_order.split", map[string]any{"from": map[string]any{"id": "o3"}, "to": map[string]any{"id": "o4"}}), events.TypeOrderSplit, "o3", "o4"},
		{flat("4", "porting_order.deleted", map[string]any{"id": "o5", "customer_reference": "r", "deleted_at": "2026-01-11T16:08:31Z"}), events.TypeStateChanged, "o5", "deleted"},
		{flat("5", "porting_order.messaging_changed", map[string]any{"id": "o6", "messaging": map[string]any{"messaging_port_status": "ported"}}), events.TypeNumbersChanged, "o6", "ported"},
		{wrapped("6", "porting_order.loa_updated", nil), events.TypeDocumentChanged, "-", "loa_updated"},
		{wrapped("7", "porting_order.sharing_token_expired", nil), events.TypeOther, "-", "sharing_token_expired"},
		{wrapped("8", "porting_order.something_new", map[string]any{"id": "o9", "pin": "1234", "end_user": map[string]any{"admin": map[string]any{"account_number": "99", "pin_passcode": "77"}}}), events.TypeOther, "o9", "something_new"},
	}
	st := sqliteStore(t)
	s := newSigner(t)
	h := telnyxevents.TelnyxHandler(telnyxevents.TelnyxOptions{Store: st, PublicKey: s.pub})
	for _, tc := range cases {
		if w := serve(h, s.request(tc.body, time.Now())); w.Code != 200 {
			t.Fatalf("%s: %d %s", tc.body, w.Code, w.Body)
		}
	}
	evs, _ := st.ListEvents(context.Background(), store.EventQuery{})
	if len(evs) != len(cases) {
		t.Fatalf("%d events, want %d", len(evs), len(cases))
	}
	for i, tc := range cases {
		e := evs[i]
		if e.Type != tc.typ || e.OrderName != "providers/telnyx/portOrders/"+tc.order {
			t.Errorf("case %d: type %s order %s, want %s %s", i, e.Type, e.OrderName, tc.typ, tc.order)
		}
		if !bytes.Contains(e.Payload, []byte(tc.check)) {
			t.Errorf("case %d: payload %s lacks %q", i, e.Payload, tc.check)
		}
		for _, secret := range []string{"1234", `"99"`, `"77"`} {
			if bytes.Contains(e.Payload, []byte(secret)) {
				t.Errorf("case %d: payload %s keeps a secret %s", i, e.Payload, secret)
			}
		}
	}
}

// failingStore fails (or is cancelled) on AppendEvent.
type failingStore struct {
	store.Store
	err error
}

func (f failingStore) AppendEvent(ctx context.Context, e store.Event) (int64, bool, error) {
	return 0, false, f.err
}

// A delivery whose store write fails is never acknowledged: the provider
// keeps it and delivers again; a 2xx always means the row exists.
func TestTelnyxAckOnlyAfterCommit(t *testing.T) {
	st := sqliteStore(t)
	s := newSigner(t)
	body := statusChanged("ev-crash", "o", "submitted")
	for _, err := range []error{errors.New("disk full"), context.Canceled} {
		h := telnyxevents.TelnyxHandler(telnyxevents.TelnyxOptions{Store: failingStore{st, err}, PublicKey: s.pub})
		if w := serve(h, s.request(body, time.Now())); w.Code/100 == 2 {
			t.Fatalf("store error %v acknowledged with %d", err, w.Code)
		}
	}
	// A request whose context is cancelled mid-handling (the process going
	// away): whatever the answer, a 2xx implies the row exists.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	h := telnyxevents.TelnyxHandler(telnyxevents.TelnyxOptions{Store: st, PublicKey: s.pub})
	w := serve(h, s.request(body, time.Now()).WithContext(ctx))
	if _, err := st.GetEventByID(context.Background(), "telnyx", "ev-crash"); (err == nil) != (w.Code == 200) {
		t.Fatalf("answered %d but stored=%v", w.Code, err == nil)
	}
	// The redelivery is stored.
	if w := serve(h, s.request(body, time.Now())); w.Code != 200 {
		t.Fatalf("redelivery: %d", w.Code)
	}
	if _, err := st.GetEventByID(context.Background(), "telnyx", "ev-crash"); err != nil {
		t.Fatal(err)
	}
}

func TestTelnyxBurstSQLite(t *testing.T)   { testBurst(t, sqliteStore(t)) }
func TestTelnyxBurstPostgres(t *testing.T) { testBurst(t, pgStore(t)) }

// 10,000 deliveries of 7,000 distinct events (random duplicates, random
// order, 32 concurrent senders) over real HTTP: each event stored once,
// none lost, sequences 1..7000 contiguous.
func testBurst(t *testing.T, st store.Store) {
	const distinct, deliveries, senders = 7000, 10000, 32
	s := newSigner(t)
	srv := httptest.NewServer(telnyxevents.TelnyxHandler(telnyxevents.TelnyxOptions{Store: st, PublicKey: s.pub,
		Logger: slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))}))
	defer srv.Close()
	var redelivered atomic.Int64
	defer func() { t.Logf("%d deliveries answered 503 and redelivered", redelivered.Load()) }()
	rng := mrand.New(mrand.NewPCG(1, 2))
	plan := make([]int, 0, deliveries)
	for i := range distinct {
		plan = append(plan, i)
	}
	for len(plan) < deliveries {
		plan = append(plan, rng.IntN(distinct))
	}
	rng.Shuffle(len(plan), func(i, j int) { plan[i], plan[j] = plan[j], plan[i] })
	work := make(chan int)
	var wg sync.WaitGroup
	errs := make(chan error, senders)
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: senders}}
	// A safety bound, not a timing assertion: under -race on a loaded
	// 2-core machine 10,000 signed deliveries into SQLite take minutes. Stop
	// well before go test's own timeout so the failure names this test.
	deadline := time.Now().Add(8 * time.Minute)
	if d, ok := t.Deadline(); ok && d.Add(-30*time.Second).Before(deadline) {
		deadline = d.Add(-30 * time.Second)
	}
	for range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				body := statusChanged(fmt.Sprintf("burst-%05d", i), fmt.Sprintf("o%d", i%50), "submitted")
				// Like the provider: a non-2xx answer is delivered again.
				var status int
				for attempt := range 5 {
					req := s.request(body, time.Now())
					req.RequestURI = ""
					req.URL, _ = req.URL.Parse(srv.URL + telnyxevents.TelnyxPath)
					req.Host = ""
					resp, err := client.Do(req)
					if err != nil {
						errs <- err
						return
					}
					_ = resp.Body.Close()
					status = resp.StatusCode
					if status == 200 {
						break
					}
					if status != http.StatusServiceUnavailable {
						break
					}
					redelivered.Add(1)
					_ = attempt
				}
				if status != 200 {
					errs <- fmt.Errorf("delivery of %d: %d after retries", i, status)
					return
				}
			}
		}()
	}
	for _, i := range plan {
		if time.Now().After(deadline) {
			t.Fatalf("burst still running at its safety bound (%s)", deadline.Format(time.TimeOnly))
		}
		select {
		case work <- i:
		case err := <-errs:
			close(work)
			wg.Wait()
			t.Fatal(err)
		}
	}
	close(work)
	wg.Wait()
	select {
	case err := <-errs:
		t.Fatal(err)
	default:
	}
	seen := map[string]bool{}
	want := int64(1)
	after := int64(0)
	for {
		evs, err := st.ListEvents(context.Background(), store.EventQuery{AfterSeq: after, Limit: store.MaxListLimit})
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) == 0 {
			break
		}
		for _, e := range evs {
			if e.Seq != want {
				t.Fatalf("sequence %d after %d: not contiguous", e.Seq, want-1)
			}
			want++
			if seen[e.EventID] {
				t.Fatalf("event %s stored twice", e.EventID)
			}
			seen[e.EventID] = true
		}
		after = evs[len(evs)-1].Seq
	}
	if len(seen) != distinct {
		t.Fatalf("%d distinct events stored, want %d", len(seen), distinct)
	}
}

// The order a split creates is tracked with its parent's callback URL.
func TestTelnyxSplitTracksChild(t *testing.T) {
	st := sqliteStore(t)
	s := newSigner(t)
	ctx := context.Background()
	if err := st.TrackOrder(ctx, "providers/telnyx/portOrders/parent", "telnyx", "https://caller.test/cb", time.Now()); err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]any{"data": map[string]any{"id": "split-1", "event_type": "porting_order.split",
		"occurred_at": "2026-01-11T16:08:31Z", "payload": map[string]any{"from": map[string]any{"id": "parent"}, "to": map[string]any{"id": "child"}}}})
	h := telnyxevents.TelnyxHandler(telnyxevents.TelnyxOptions{Store: st, PublicKey: s.pub})
	if w := serve(h, s.request(body, time.Now())); w.Code != 200 {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	child, err := st.GetTrackedOrder(ctx, "providers/telnyx/portOrders/child")
	if err != nil || child.CallbackURI != "https://caller.test/cb" {
		t.Fatalf("child %+v %v", child, err)
	}
}
