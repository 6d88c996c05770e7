package app_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	pb "github.com/portgate/portgate/gen/portgate/v1"
	"github.com/portgate/portgate/internal/config"
	"github.com/portgate/portgate/internal/events"
	"github.com/portgate/portgate/internal/store"
)

// Outbound delivery through the whole app (River jobs): an event reaches
// the order's status_callback_url and PORTGATE_EVENTS_URL, and the delivery
// log records both.
func TestOutboundDeliveryThroughApp(t *testing.T) {
	got := make(chan string, 10)
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.URL.Path + " " + r.Header.Get("webhook-id")
		w.WriteHeader(http.StatusNoContent)
	}))
	defer recv.Close()
	a, porting := startSandbox(t, func(c *config.Config) {
		c.Providers = []string{"telnyx"}
		c.EventsSecret, c.EventsURL = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", recv.URL+"/all"
	})
	ctx := context.Background()
	req := createReq("")
	req.Parent = "providers/telnyx"
	req.PortOrder.StatusCallbackUri = recv.URL + "/order"
	n := fmt.Sprintf("+1312555%04d", 5000+orderSeq.Add(1))
	req.PortOrder.PhoneNumbers, req.PortOrder.EndUser.BillingTelephoneNumber = []string{n}, n
	o, err := porting.CreatePortOrder(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := porting.CreatePortOrderComment(ctx, &pb.CreatePortOrderCommentRequest{Parent: o.GetName(),
		Comment: &pb.PortOrderComment{Body: "please expedite"}}); err != nil {
		t.Fatal(err)
	}
	e := waitEvent(t, a.Store, o.GetName(), events.TypeCommentAdded)
	want := map[string]bool{"/order " + events.MessageID(e.Seq): true, "/all " + events.MessageID(e.Seq): true}
	for len(want) > 0 {
		select {
		case g := <-got:
			delete(want, g)
		case <-time.After(20 * time.Second):
			t.Fatalf("not delivered within 20s: %v", want)
		}
	}
	for deadline := time.Now().Add(10 * time.Second); ; <-time.After(10 * time.Millisecond) {
		log, err := a.Store.ListDeliveryAttempts(ctx, e.Seq)
		if err != nil {
			t.Fatal(err)
		}
		ok := 0
		for _, d := range log {
			if d.Status == store.DeliverySucceeded {
				ok++
			}
		}
		if ok == 2 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("delivery log %+v", log)
		}
	}
}
