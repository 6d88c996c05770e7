package flowrouteevents_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/portgate/portgate/internal/events"
	"github.com/portgate/portgate/internal/ingest"
	"github.com/portgate/portgate/internal/ingest/flowrouteevents"
	"github.com/portgate/portgate/internal/store"
	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/flowroute"
	"github.com/portgate/portgate/providers/providertest"
	"github.com/portgate/portgate/sandbox/flowroutefake"
)

const cbToken = "s3cr3t-callback-token-0123456789"

type flowrouteRig struct {
	fake  *flowroutefake.Fake
	p     *flowroute.Provider
	st    store.Store
	rr    *ingest.Rereader
	hook  *httptest.Server
	calls chan int // status of every callback the hook answered
}

func newFlowrouteRig(t *testing.T) *flowrouteRig {
	t.Helper()
	fake := flowroutefake.New(flowroutefake.Options{StepInterval: 0})
	srv := httptest.NewServer(fake)
	t.Cleanup(func() { srv.Close(); fake.Close() })
	p, err := flowroute.New(flowroute.Config{BaseURL: srv.URL, AccessKey: flowroutefake.DefaultAccessKey, SecretKey: flowroutefake.DefaultSecretKey, HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	r := &flowrouteRig{fake: fake, p: p, st: sqliteStore(t), calls: make(chan int, 100)}
	r.rr = &ingest.Rereader{Store: r.st, Provider: p}
	mux := http.NewServeMux()
	h := flowrouteevents.FlowrouteHandler(flowrouteevents.FlowrouteOptions{Rereader: r.rr, Token: cbToken})
	mux.Handle(flowrouteevents.FlowroutePattern, http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
		r.calls <- rec.Code
	}))
	r.hook = httptest.NewServer(mux)
	t.Cleanup(r.hook.Close)
	return r
}

func (r *flowrouteRig) createSubmitted(t *testing.T, statusURL string) string {
	t.Helper()
	ctx := context.Background()
	n := providertest.NewNumber("")
	res, err := r.p.CreatePortOrder(ctx, providers.CreatePortOrderRequest{Order: providers.PortOrder{
		PhoneNumbers: []string{n}, LosingCarrier: "Verizon", StatusCallbackURL: statusURL,
		EndUser: providers.EndUser{EntityName: "Acme Widgets LLC", AuthorizedPerson: "Jane Roe", BillingTelephoneNumber: n,
			UsageType: providers.UsageBusiness, PIN: "7319", AccountNumber: "ACCT-1",
			ServiceAddress: providers.Address{StreetAddress: "311 W Superior St", Locality: "Chicago", AdministrativeArea: "IL", PostalCode: "60654", CountryCode: "US"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	id := res.Order.ID
	if _, err := r.p.UploadDocument(ctx, id, providers.DocumentUpload{Type: providers.DocumentLOA, Filename: "loa.pdf", ContentType: "application/pdf",
		Content: []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.p.SubmitPortOrder(ctx, id, providers.Signature{Name: "Jane Roe", Title: "Owner"}); err != nil {
		t.Fatal(err)
	}
	return id
}

func (r *flowrouteRig) events(t *testing.T, id string) []store.Event {
	evs, err := r.st.ListEvents(context.Background(), store.EventQuery{OrderName: ingest.OrderName("flowroute", id)})
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// The fake's status callback makes portgate re-read the order; the event
// carries what the re-read showed, never what the callback claimed.
func TestFlowrouteCallbackRereads(t *testing.T) {
	r := newFlowrouteRig(t)
	id := r.createSubmitted(t, r.hook.URL+flowrouteevents.FlowroutePrefix+cbToken)
	// Submitting sent a callback: drain them until the re-read shows the
	// current state.
	deadline := time.After(20 * time.Second)
	waitCallback := func() {
		select {
		case code := <-r.calls:
			if code != 200 {
				t.Fatalf("callback answered %d", code)
			}
		case <-deadline:
			t.Fatal("no status callback within 20s")
		}
	}
	waitCallback()
	evs := r.events(t, id)
	if len(evs) == 0 || evs[0].Type != events.TypeStateChanged {
		t.Fatalf("after submit: events %+v", evs)
	}
	before := len(evs)
	r.fake.Advance()
	o, _ := r.p.GetPortOrder(context.Background(), id)
	// Callbacks arrive in order; the one for the advance makes the last
	// state event show the order's current state (what the re-read saw).
	for {
		waitCallback()
		evs = r.events(t, id)
		var p events.Payload
		last := evs[len(evs)-1]
		_ = json.Unmarshal(last.Payload, &p)
		if len(evs) > before && p.NewState == o.State.String() {
			break
		}
	}
	for _, e := range evs {
		if bytes.Contains(e.Payload, []byte("7319")) || bytes.Contains(e.Payload, []byte("ACCT-1")) {
			t.Fatalf("secret in %s", e.Payload)
		}
	}
	// The same callback again (a duplicate delivery) adds nothing.
	n := len(evs)
	body := `{"data":{"type":"po_status_change","attributes":{"resource_type":"portorders","resource_id":` + id + `,"status":"completed"}}}`
	resp, err := http.Post(r.hook.URL+flowrouteevents.FlowroutePrefix+cbToken, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	<-r.calls
	if got := len(r.events(t, id)); got != n || resp.StatusCode != 200 {
		t.Fatalf("duplicate callback: %d, events %d -> %d", resp.StatusCode, n, got)
	}
}

func TestFlowrouteCallbackToken(t *testing.T) {
	r := newFlowrouteRig(t)
	body := `{"data":{"attributes":{"resource_id":"1"}}}`
	for _, tok := range []string{"wrong", cbToken + "x", strings.ToUpper(cbToken)} {
		resp, err := http.Post(r.hook.URL+flowrouteevents.FlowroutePrefix+tok, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		<-r.calls
		if resp.StatusCode != http.StatusNotFound {
			t.Fatalf("token %q: %d, want 404", tok, resp.StatusCode)
		}
	}
	// No token configured: every callback is refused.
	h := flowrouteevents.FlowrouteHandler(flowrouteevents.FlowrouteOptions{Rereader: r.rr})
	req := httptest.NewRequest(http.MethodPost, flowrouteevents.FlowroutePrefix+"x", strings.NewReader(body))
	req.SetPathValue("token", "")
	if w := serve(h, req); w.Code != http.StatusNotFound {
		t.Fatalf("no token configured: %d", w.Code)
	}
	// Malformed bodies are 400.
	for _, b := range []string{`[]`, `{"data":{"attributes":{}}}`, `{"data":{"attributes":{"resource_id":"../x"}}}`} {
		resp, _ := http.Post(r.hook.URL+flowrouteevents.FlowroutePrefix+cbToken, "application/json", strings.NewReader(b))
		_ = resp.Body.Close()
		<-r.calls
		if resp.StatusCode != 400 {
			t.Fatalf("%s: %d, want 400", b, resp.StatusCode)
		}
	}
	if n := countEvents(t, r.st); n != 0 {
		t.Fatalf("%d events stored", n)
	}
}

// Without any callback, re-reading (what the poller does) finds changes.
func TestRereadFindsChangesWithoutCallback(t *testing.T) {
	r := newFlowrouteRig(t)
	id := r.createSubmitted(t, "")
	ctx := context.Background()
	n, err := r.rr.Reread(ctx, id)
	if err != nil || n != 1 {
		t.Fatalf("first read: %d events, %v", n, err)
	}
	if n, _ := r.rr.Reread(ctx, id); n != 0 {
		t.Fatalf("unchanged order produced %d events", n)
	}
	for range 6 {
		r.fake.Advance()
		if _, err := r.rr.Reread(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	o, _ := r.p.GetPortOrder(ctx, id)
	evs := r.events(t, id)
	var last events.Payload
	var sawFOC bool
	for _, e := range evs {
		if e.Type == events.TypeFOCDateChanged {
			sawFOC = true
		}
		if e.Type == events.TypeStateChanged || e.Type == events.TypeExceptionRaised {
			_ = json.Unmarshal(e.Payload, &last)
		}
	}
	if last.NewState != o.State.String() {
		t.Fatalf("last state event %s, order %s (events %d)", last.NewState, o.State, len(evs))
	}
	if !o.ConfirmedFOCTime.IsZero() && !sawFOC {
		t.Fatal("FOC date confirmed but no FOC_DATE_CHANGED")
	}
	tr, err := r.st.GetTrackedOrder(ctx, ingest.OrderName("flowroute", id))
	if err != nil || tr.Open != !o.State.Terminal() {
		t.Fatalf("tracked %+v %v, order %s", tr, err, o.State)
	}
}

func sqliteStore(t testing.TB) store.Store {
	t.Helper()
	st, err := store.OpenSQLite(context.Background(), t.TempDir()+"/t.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
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
