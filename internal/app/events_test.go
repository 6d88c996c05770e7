package app_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	pb "github.com/portgate/portgate/gen/portgate/v1"
	"github.com/portgate/portgate/internal/app"
	"github.com/portgate/portgate/internal/config"
	"github.com/portgate/portgate/internal/events"
	"github.com/portgate/portgate/internal/ingest"
	"github.com/portgate/portgate/internal/store"
	"github.com/portgate/portgate/providers"
)

// waitEvent polls the store (the events are written by the webhook
// endpoints, asynchronously to the call that caused them) until an event
// of typ for order exists.
func waitEvent(t *testing.T, st store.Store, order, typ string) store.Event {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for time.Now().Before(deadline) {
		evs, err := st.ListEvents(context.Background(), store.EventQuery{OrderName: order})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			if e.Type == typ {
				return e
			}
		}
		<-tick.C
	}
	t.Fatalf("no %s event for %s within 20s", typ, order)
	return store.Event{}
}

// startSandbox builds and starts portgate in sandbox mode (the fakes' steps
// an hour apart, so nothing advances on its own), the configuration
// adjusted by edit; it stops at the end of the test.
func startSandbox(t *testing.T, edit func(*config.Config)) (*app.App, pb.PortingClient) {
	t.Helper()
	cfg := config.Config{Mode: config.ModeSandbox, GRPCAddr: "bufconn", HTTPAddr: "127.0.0.1:0",
		ShutdownGrace: time.Second, DefaultRegion: "US", SandboxStepInterval: time.Hour}
	if edit != nil {
		edit(&cfg)
	}
	a, err := app.Build(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Server.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Server.Shutdown(context.Background()) })
	conn, err := a.Server.Dial(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return a, pb.NewPortingClient(conn)
}

// In sandbox mode, orders created through portgate report to portgate's own
// webhook endpoints: the fakes deliver there with no set-up, the caller's
// status_callback_uri stays with portgate, and events land in the store.
func TestSandboxEventsArriveWithoutSetup(t *testing.T) {
	a, porting := startSandbox(t, nil)
	ctx := context.Background()
	const callerURL = "https://hooks.caller.test/portgate"

	for _, prov := range []string{"telnyx", "flowroute"} {
		t.Run(prov, func(t *testing.T) {
			req := createReq("")
			req.Parent = "providers/" + prov
			req.PortOrder.StatusCallbackUri = callerURL
			n := fmt.Sprintf("+1312555%04d", 5000+orderSeq.Add(1))
			req.PortOrder.PhoneNumbers, req.PortOrder.EndUser.BillingTelephoneNumber = []string{n}, n
			o, err := porting.CreatePortOrder(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			if o.GetStatusCallbackUri() != callerURL {
				t.Errorf("created order shows status_callback_uri %q, want the caller's %q", o.GetStatusCallbackUri(), callerURL)
			}
			got, err := porting.GetPortOrder(ctx, &pb.GetPortOrderRequest{Name: o.GetName()})
			if err != nil || got.GetStatusCallbackUri() != callerURL {
				t.Errorf("get shows status_callback_uri %q (%v), want %q", got.GetStatusCallbackUri(), err, callerURL)
			}
			tr, err := a.Store.GetTrackedOrder(ctx, o.GetName())
			if err != nil || tr.CallbackURI != callerURL || tr.Snapshot == nil {
				t.Fatalf("tracked order %+v %v", tr, err)
			}
			// The provider holds portgate's URL, never the caller's.
			id := o.GetName()[len("providers/"+prov+"/portOrders/"):]
			raw, err := a.Providers[prov].Resilience().Unwrap().(*ingest.CallbackProvider).Provider.GetPortOrder(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if raw.StatusCallbackURL == callerURL || raw.StatusCallbackURL == "" {
				t.Fatalf("provider callback URL %q: want portgate's own", raw.StatusCallbackURL)
			}
			switch prov {
			case "telnyx":
				if _, err := porting.CreatePortOrderComment(ctx, &pb.CreatePortOrderCommentRequest{Parent: o.GetName(),
					Comment: &pb.PortOrderComment{Body: "please expedite"}}); err != nil {
					t.Fatal(err)
				}
				e := waitEvent(t, a.Store, o.GetName(), events.TypeCommentAdded)
				if e.Provider != "telnyx" {
					t.Fatalf("event %+v", e)
				}
			case "flowroute":
				p := a.Providers[prov]
				if _, err := p.UploadDocument(ctx, id, providers.DocumentUpload{Type: providers.DocumentLOA, Filename: "loa.pdf",
					ContentType: "application/pdf", Content: []byte("%PDF-1.4\n%%EOF\n")}); err != nil {
					t.Fatal(err)
				}
				if _, err := p.SubmitPortOrder(ctx, id, providers.Signature{Name: "Jane Roe", Title: "Owner"}); err != nil {
					t.Fatal(err)
				}
				e := waitEvent(t, a.Store, o.GetName(), events.TypeStateChanged)
				if e.OrderName != ingest.OrderName("flowroute", id) {
					t.Fatalf("event %+v", e)
				}
			}
		})
	}
}
