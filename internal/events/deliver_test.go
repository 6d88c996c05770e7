package events_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/portgate/portgate/internal/events"
	"github.com/portgate/portgate/internal/jobs"
	"github.com/portgate/portgate/internal/store"
	"github.com/portgate/portgate/internal/store/storetest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const testSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" // the Standard Webhooks example secret

// verify is a reference Standard Webhooks verifier written from the
// specification, independent of the signing code: the signed content is
// "{webhook-id}.{webhook-timestamp}.{body}", the key is the base64 part of
// the whsec_ secret, webhook-signature is a space-separated list of
// "v1,{base64 HMAC-SHA256}", the timestamp must be within 5 minutes.
func verify(secret string, h http.Header, body []byte, now time.Time) error {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return err
	}
	id, tsText, sigs := h.Get("webhook-id"), h.Get("webhook-timestamp"), h.Get("webhook-signature")
	if id == "" || tsText == "" || sigs == "" {
		return fmt.Errorf("missing headers")
	}
	ts, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil {
		return fmt.Errorf("bad timestamp")
	}
	if d := now.Sub(time.Unix(ts, 0)); d > 5*time.Minute || d < -5*time.Minute {
		return fmt.Errorf("timestamp outside tolerance")
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + tsText + "." + string(body)))
	want := mac.Sum(nil)
	for _, s := range strings.Split(sigs, " ") {
		v, sig, ok := strings.Cut(s, ",")
		if !ok || v != "v1" {
			continue
		}
		got, err := base64.StdEncoding.DecodeString(sig)
		if err == nil && hmac.Equal(got, want) {
			return nil
		}
	}
	return fmt.Errorf("no matching signature")
}

type received struct {
	id     string
	body   []byte
	header http.Header
}

// hook is a callback receiver failing the first failFirst calls per id.
type hook struct {
	mu        sync.Mutex
	failFirst int
	calls     map[string]int
	got       chan received
}

func newHook(t *testing.T, failFirst int) (*hook, *httptest.Server) {
	h := &hook{failFirst: failFirst, calls: map[string]int{}, got: make(chan received, 100)}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		id := r.Header.Get("webhook-id")
		h.mu.Lock()
		h.calls[id]++
		n := h.calls[id]
		h.mu.Unlock()
		if n <= h.failFirst {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		h.got <- received{id: id, body: body, header: r.Header.Clone()}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	return h, srv
}

func openStore(t *testing.T) store.Store {
	st, err := store.Open(context.Background(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

func appendEv(t *testing.T, st store.Store, id string) int64 {
	p, _ := json.Marshal(events.Payload{NewState: "FOC_CONFIRMED"})
	now := time.Now().UTC()
	seq, _, err := st.AppendEvent(context.Background(), store.Event{Provider: "telnyx", EventID: id, OrderName: "providers/telnyx/portOrders/abc",
		Type: events.TypeFOCDateChanged, Payload: p, OccurredAt: now, ReceivedAt: now})
	if err != nil {
		t.Fatal(err)
	}
	return seq
}

func render(e store.Event) ([]byte, error) {
	return json.Marshal(map[string]any{"sequence": strconv.FormatInt(e.Seq, 10), "name": fmt.Sprintf("%s/events/%d", e.OrderName, e.Seq)})
}

// startDispatcher runs one replica's delivery: a dispatcher enqueueing on a
// River client (on the store's PostgreSQL pool, or an in-memory SQLite
// database of its own) whose worker makes the attempts.
func startDispatcher(t *testing.T, st store.Store, hub *events.Hub, eventsURL string, schedule []time.Duration) {
	secret, err := events.ParseSecret(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	d := &events.Dispatcher{Store: st, Hub: hub, Render: render, Secret: secret, EventsURL: eventsURL, RetrySchedule: schedule, Poll: 20 * time.Millisecond}
	r, err := jobs.Start(context.Background(), jobs.Options{Pool: store.PgxPool(st), FetchPoll: 100 * time.Millisecond,
		Delivery: &jobs.Delivery{Schedule: d.Schedule(), Deliver: d.Attempt}})
	if err != nil {
		t.Fatal(err)
	}
	d.Enqueue = r.Enqueue
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); d.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-done
		if err := r.Close(); err != nil {
			t.Error(err)
		}
	})
}

// Every event reaches the order's callback URL and the deployment-wide
// URL, signed so that a verifier written from the spec accepts it; a
// target that fails is retried until it succeeds, and every attempt is in
// the delivery log.
func TestDeliverySignedRetriedLogged(t *testing.T) {
	st := openStore(t)
	hub := events.NewHub()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	runDone := make(chan struct{})
	go func() { defer close(runDone); hub.Run(ctx, st, 20*time.Millisecond) }()
	defer func() { cancel(); <-runDone }()

	orderHook, orderSrv := newHook(t, 2) // fails twice, then succeeds
	allHook, allSrv := newHook(t, 0)
	if err := st.SetOrderCallback(ctx, "providers/telnyx/portOrders/abc", orderSrv.URL+"/cb?token=caller-secret"); err != nil {
		t.Fatal(err)
	}
	startDispatcher(t, st, hub, allSrv.URL+"/all", []time.Duration{time.Millisecond, time.Millisecond, time.Millisecond})
	seq := appendEv(t, st, "e1")

	for _, h := range []*hook{allHook, orderHook} {
		r := <-h.got
		if err := verify(testSecret, r.header, r.body, time.Now()); err != nil {
			t.Fatalf("reference verifier: %v (headers %v)", err, r.header)
		}
		if r.id != events.MessageID(seq) {
			t.Fatalf("webhook-id %q", r.id)
		}
		var env struct {
			Type string         `json:"type"`
			Data map[string]any `json:"data"`
		}
		if err := json.Unmarshal(r.body, &env); err != nil || env.Type != "port_order_event.foc_date_changed" || env.Data["sequence"] != strconv.FormatInt(seq, 10) {
			t.Fatalf("body %s", r.body)
		}
		// A tampered body or another secret is refused by the verifier.
		if verify(testSecret, r.header, append(r.body, ' '), time.Now()) == nil ||
			verify("whsec_"+base64.StdEncoding.EncodeToString([]byte("another-secret-of-24-bytes!")), r.header, r.body, time.Now()) == nil {
			t.Fatal("verifier accepts a tampered message")
		}
	}
	orderHook.mu.Lock()
	calls := orderHook.calls[events.MessageID(seq)]
	orderHook.mu.Unlock()
	if calls != 3 {
		t.Fatalf("order callback called %d times, want 3", calls)
	}
	// The log: the success is recorded right after the POST is answered;
	// wait for it through the store, not the clock.
	var log []store.DeliveryAttempt
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		var err error
		if log, err = st.ListDeliveryAttempts(ctx, seq); err != nil {
			t.Fatal(err)
		}
		if len(log) == 4 {
			break
		}
		<-time.After(5 * time.Millisecond)
	}
	var order []string
	for _, a := range log {
		if strings.Contains(a.TargetURL, "/cb") {
			order = append(order, fmt.Sprintf("%d:%s:%d", a.Attempt, a.Status, a.HTTPStatus))
		} else if a.Status != store.DeliverySucceeded || a.Attempt != 1 {
			t.Errorf("events URL attempt %+v", a)
		}
	}
	if got := strings.Join(order, " "); got != "1:failed:503 2:failed:503 3:succeeded:204" {
		t.Fatalf("order callback log: %s (all: %+v)", got, log)
	}
}

// A target that never succeeds is given up after the schedule.
func TestDeliveryGivesUp(t *testing.T) {
	st := openStore(t)
	hub := events.NewHub()
	_, srv := newHook(t, 1000)
	startDispatcher(t, st, hub, srv.URL, []time.Duration{time.Millisecond, time.Millisecond})
	seq := appendEv(t, st, "e1")
	hub.Notify(seq)
	for deadline := time.Now().Add(10 * time.Second); ; <-time.After(5 * time.Millisecond) {
		log, err := st.ListDeliveryAttempts(context.Background(), seq)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(log); n > 0 && log[n-1].Status == store.DeliveryGaveUp {
			if n != 3 || log[n-1].Error != "HTTP 503" {
				t.Fatalf("log %+v", log)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("never gave up: %+v", log)
		}
	}
}

// Two replicas (two dispatchers, two River clients) on one PostgreSQL
// database: each event is delivered once.
func TestDeliveryOnceAcrossReplicas(t *testing.T) {
	st, err := store.OpenPostgres(context.Background(), storetest.PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	hub := events.NewHub()
	h, srv := newHook(t, 0)
	startDispatcher(t, st, hub, srv.URL, nil)
	startDispatcher(t, st, hub, srv.URL, nil)
	const n = 30
	for i := range n {
		hub.Notify(appendEv(t, st, fmt.Sprintf("e%d", i)))
	}
	seen := map[string]bool{}
	for range n {
		r := <-h.got
		if seen[r.id] {
			t.Fatalf("%s delivered twice", r.id)
		}
		seen[r.id] = true
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for id, c := range h.calls {
		if c != 1 {
			t.Errorf("%s: %d calls", id, c)
		}
	}
}
