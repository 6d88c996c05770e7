package telnyxevents_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sort"
	"sync/atomic"
	"testing"
	"time"

	"github.com/portgate/portgate/internal/events"
	"github.com/portgate/portgate/internal/ingest"
	"github.com/portgate/portgate/internal/ingest/telnyxevents"
	"github.com/portgate/portgate/internal/store"
	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/providertest"
	"github.com/portgate/portgate/providers/telnyx"
	"github.com/portgate/portgate/sandbox/telnyxfake"
)

// Webhooks get lost: every other delivery fails. The sweep of the events
// API fills the gaps, and events that came both ways are stored once.
func TestTelnyxSweepFillsGaps(t *testing.T) {
	st := sqliteStore(t)
	delivered := make(chan int, 100)
	var n atomic.Int64
	var h http.Handler // set below, once the fake's key is known
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1)%2 == 0 {
			w.WriteHeader(http.StatusServiceUnavailable) // lost
			delivered <- 503
			return
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		w.WriteHeader(rec.Code)
		delivered <- rec.Code
	}))
	defer hook.Close()
	fake := telnyxfake.New(telnyxfake.Options{APIKey: "k", WebhookURL: hook.URL + telnyxevents.TelnyxPath})
	h = telnyxevents.TelnyxHandler(telnyxevents.TelnyxOptions{Store: st, PublicKey: fake.PublicKey()})
	srv := httptest.NewServer(fake)
	defer func() { srv.Close(); fake.Close() }()
	p, err := telnyx.New(telnyx.Config{BaseURL: srv.URL + "/v2", APIKey: "k", HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	num := providertest.NewNumber("")
	res, err := p.CreatePortOrder(ctx, providers.CreatePortOrderRequest{Order: providers.PortOrder{PhoneNumbers: []string{num}}})
	if err != nil {
		t.Fatal(err)
	}
	id := res.Order.ID
	const comments = 6
	for i := range comments {
		if _, err := p.CreateComment(ctx, id, "comment "+string(rune('a'+i))); err != nil {
			t.Fatal(err)
		}
	}
	timeout := time.After(20 * time.Second)
	for range comments {
		select {
		case code := <-delivered:
			if code != 200 && code != 503 {
				t.Fatalf("delivery answered %d", code)
			}
		case <-timeout:
			t.Fatal("webhooks not delivered within 20s")
		}
	}
	before := countEvents(t, st)
	if before == 0 || before >= comments {
		t.Fatalf("%d events via webhooks; want some but not all of %d", before, comments)
	}
	added, err := telnyxevents.SweepTelnyx(ctx, st, p, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if added != comments-before {
		t.Fatalf("sweep added %d, want %d", added, comments-before)
	}
	// A second sweep finds nothing new.
	if again, err := telnyxevents.SweepTelnyx(ctx, st, p, time.Hour, time.Now()); err != nil || again != 0 {
		t.Fatalf("second sweep: %d, %v", again, err)
	}
	api, err := p.ListPortingEvents(ctx, telnyx.PortingEventsQuery{PortingOrderID: id})
	if err != nil {
		t.Fatal(err)
	}
	var want, got []string
	for _, e := range api {
		want = append(want, e.ID)
	}
	evs, _ := st.ListEvents(ctx, store.EventQuery{OrderName: ingest.OrderName("telnyx", id)})
	for _, e := range evs {
		got = append(got, e.EventID)
		if e.Type != events.TypeCommentAdded {
			t.Errorf("event %s type %s", e.EventID, e.Type)
		}
	}
	sort.Strings(want)
	sort.Strings(got)
	if len(want) != comments || len(got) != comments {
		t.Fatalf("events API %v, stored %v", want, got)
	}
	for i := range want {
		if want[i] != got[i] {
			t.Fatalf("events API %v, stored %v", want, got)
		}
	}
}

func TestTelnyxFakeEventsAPIFilters(t *testing.T) {
	fake := telnyxfake.New(telnyxfake.Options{APIKey: "k"})
	srv := httptest.NewServer(fake)
	defer func() { srv.Close(); fake.Close() }()
	get := func(q string) int {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/v2/porting/events"+q, nil)
		req.Header.Set("Authorization", "Bearer k")
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		return resp.StatusCode
	}
	for q, want := range map[string]int{"": 200, "?filter[type]=porting_order.split": 200, "?filter[type]=nope": 422,
		"?filter[created_at][gte]=yesterday": 422, "?page[size]=0": 422} {
		if got := get(q); got != want {
			t.Errorf("GET /v2/porting/events%s: %d, want %d", q, got, want)
		}
	}
}
