package flowrouteevents

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"testing"

	"github.com/portgate/portgate/internal/events"
	"github.com/portgate/portgate/internal/ingest"
	"github.com/portgate/portgate/internal/store"
	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/flowroute"
	"github.com/portgate/portgate/sandbox/flowroutefake"
)

// The poller finds a change no callback reported: the order was created
// through portgate with no callback URL at all.
func TestPollerFindsChangesWithoutCallback(t *testing.T) {
	ctx := context.Background()
	st, err := store.OpenSQLite(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	fake := flowroutefake.New(flowroutefake.Options{})
	srv := httptest.NewServer(fake)
	defer func() { srv.Close(); fake.Close() }()
	raw, err := flowroute.New(flowroute.Config{BaseURL: srv.URL, AccessKey: flowroutefake.DefaultAccessKey, SecretKey: flowroutefake.DefaultSecretKey, HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	p := &ingest.CallbackProvider{Provider: raw, Store: st} // no hook URL: no callbacks
	const n = "+13125557001"
	res, err := p.CreatePortOrder(ctx, providers.CreatePortOrderRequest{Order: providers.PortOrder{
		PhoneNumbers: []string{n}, LosingCarrier: "Verizon",
		EndUser: providers.EndUser{EntityName: "Acme", AuthorizedPerson: "Jane Roe", BillingTelephoneNumber: n, UsageType: providers.UsageBusiness,
			ServiceAddress: providers.Address{StreetAddress: "1 Main St", Locality: "Chicago", AdministrativeArea: "IL", PostalCode: "60601", CountryCode: "US"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	id := res.Order.ID
	poll := Poll(st, raw, slog.New(slog.DiscardHandler))
	if err := poll(ctx); err != nil {
		t.Fatal(err)
	}
	name := ingest.OrderName("flowroute", id)
	if evs, _ := st.ListEvents(ctx, store.EventQuery{OrderName: name}); len(evs) != 0 {
		t.Fatalf("unchanged order produced events: %+v", evs)
	}
	if _, err := raw.UploadDocument(ctx, id, providers.DocumentUpload{Type: providers.DocumentLOA, Filename: "loa.pdf", ContentType: "application/pdf", Content: []byte("%PDF-1.4\n%%EOF\n")}); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.SubmitPortOrder(ctx, id, providers.Signature{Name: "Jane Roe", Title: "Owner"}); err != nil {
		t.Fatal(err)
	}
	if err := poll(ctx); err != nil {
		t.Fatal(err)
	}
	evs, _ := st.ListEvents(ctx, store.EventQuery{OrderName: name})
	if len(evs) != 1 || evs[0].Type != events.TypeStateChanged {
		t.Fatalf("after submit: %+v", evs)
	}
	// Polling again (a second replica, a retry) stores nothing new.
	if err := poll(ctx); err != nil {
		t.Fatal(err)
	}
	if again, _ := st.ListEvents(ctx, store.EventQuery{OrderName: name}); len(again) != 1 {
		t.Fatalf("second poll: %d events", len(again))
	}
}
