package app_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "github.com/portgate/portgate/gen/portgate/v1"
	"github.com/portgate/portgate/internal/app"
	"github.com/portgate/portgate/internal/config"
	"github.com/portgate/portgate/internal/store/storetest"
	"github.com/portgate/portgate/sandbox/chaos"
	"github.com/portgate/portgate/sandbox/flowroutefake"
)

// liveFlowroute is the Flowroute fake behind a real listener, standing in
// for the real API so several app instances (live mode) share one account.
// It counts create calls and can fail the read that follows a create.
type liveFlowroute struct {
	URL     string
	creates atomic.Int64
	// orderReads counts GET /v2/portorders/{id} (one per re-read).
	orderReads atomic.Int64
	// failGroupReads answers GET /v2/portorders?group_id=… (the read that
	// follows an accepted create) with 503.
	failGroupReads atomic.Bool
	// hold, when set, keeps every create waiting until it is closed.
	hold atomic.Pointer[chan struct{}]
	// arrived gets a value when a held create reaches the fake.
	arrived chan struct{}
}

const liveKey, liveSecret = "live-key", "live-secret"

func startLiveFlowroute(t *testing.T) *liveFlowroute {
	t.Helper()
	f := flowroutefake.New(flowroutefake.Options{AccessKey: liveKey, SecretKey: liveSecret})
	lf := &liveFlowroute{arrived: make(chan struct{}, 1)}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/v2/portorders/") {
			lf.orderReads.Add(1)
		}
		if r.URL.Path == "/v2/portorders" {
			if r.Method == http.MethodPost {
				lf.creates.Add(1)
				if h := lf.hold.Load(); h != nil {
					select {
					case lf.arrived <- struct{}{}:
					default:
					}
					select {
					case <-*h:
					case <-r.Context().Done():
						return
					}
				}
			}
			if r.Method == http.MethodGet && r.URL.Query().Get("group_id") != "" && lf.failGroupReads.Load() {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusServiceUnavailable)
				_, _ = w.Write([]byte(chaos.Body503))
				return
			}
		}
		f.ServeHTTP(w, r)
	}))
	t.Cleanup(func() { srv.Close(); f.Close() })
	lf.URL = srv.URL
	return lf
}

// startApp builds and starts portgate in live Flowroute mode against lf on
// the given store settings; stop shuts it down (idempotent).
func startApp(t *testing.T, lf *liveFlowroute, dataDir, dbURL string) (pb.PortingClient, func()) {
	t.Helper()
	return startAppWith(t, lf, dataDir, dbURL, nil)
}

// startAppWith is startApp with the configuration adjusted by edit.
func startAppWith(t *testing.T, lf *liveFlowroute, dataDir, dbURL string, edit func(*config.Config)) (pb.PortingClient, func()) {
	t.Helper()
	cfg := config.Config{
		GRPCAddr: "bufconn", ShutdownGrace: time.Second,
		Providers: []string{"flowroute"}, AuthOff: true, ProviderSettings: map[string]string{"FLOWROUTE_ACCESS_KEY": liveKey, "FLOWROUTE_SECRET_KEY": liveSecret, "FLOWROUTE_BASE_URL": lf.URL},
		DataDir: dataDir, DatabaseURL: dbURL, IdempotencyTTL: time.Hour,
	}
	if edit != nil {
		edit(&cfg)
	}
	a, err := app.Build(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := a.Server.Start(ctx); err != nil {
		t.Fatal(err)
	}
	conn, err := a.Server.Dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	stop := func() {
		once.Do(func() {
			_ = conn.Close()
			if err := a.Server.Shutdown(context.Background()); err != nil {
				t.Errorf("shutdown: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	return pb.NewPortingClient(conn), stop
}

var orderSeq atomic.Int64

func createReq(requestID string) *pb.CreatePortOrderRequest {
	n := fmt.Sprintf("+1312555%04d", 3000+orderSeq.Add(1))
	return &pb.CreatePortOrderRequest{
		Parent: "providers/flowroute", RequestId: requestID,
		PortOrder: &pb.PortOrder{
			PhoneNumbers: []string{n},
			EndUser: &pb.EndUser{
				EntityName: "Acme Widgets", AuthorizedPerson: "Jane Roe", BillingTelephoneNumber: n,
				UsageType: pb.EndUser_BUSINESS, AccountNumber: "ACCT-1234", Pin: "4321",
				ServiceAddress: &pb.PostalAddress{StreetAddress: "1 Main St", Locality: "Chicago", AdministrativeArea: "IL", PostalCode: "60601", RegionCode: "US"},
			},
			LosingCarrier: "Verizon", PortType: pb.PortOrder_FULL,
		},
	}
}

// ordersFor counts the provider's orders holding the request's number.
func ordersFor(t *testing.T, c pb.PortingClient, req *pb.CreatePortOrderRequest) int {
	t.Helper()
	list, err := c.ListPortOrders(context.Background(), &pb.ListPortOrdersRequest{Parent: "providers/flowroute",
		Filter: fmt.Sprintf("phone_number = %q", req.GetPortOrder().GetPhoneNumbers()[0])})
	if err != nil {
		t.Fatal(err)
	}
	return len(list.GetPortOrders())
}

// TestIdempotencySurvivesRestart: a create repeated with its request_id
// after a restart on the same SQLite file returns the first order; the
// provider sees one create.
func TestIdempotencySurvivesRestart(t *testing.T) {
	lf := startLiveFlowroute(t)
	dir := t.TempDir()
	req := createReq("3f0c7a52-9f7e-4b0e-8a51-2d4f6b8c1e01")

	c, stop := startApp(t, lf, dir, "")
	first, err := c.CreatePortOrder(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	stop()

	c, _ = startApp(t, lf, dir, "")
	again, err := c.CreatePortOrder(context.Background(), req)
	if err != nil {
		t.Fatalf("repeat after restart: %v", err)
	}
	if again.GetName() != first.GetName() {
		t.Fatalf("repeat after restart returned %s, first call %s", again.GetName(), first.GetName())
	}
	if n := lf.creates.Load(); n != 1 {
		t.Fatalf("provider saw %d creates, want 1", n)
	}
	if n := ordersFor(t, c, req); n != 1 {
		t.Fatalf("%d provider orders for the number, want 1", n)
	}
}

// TestIdempotencyDifferentRequestRefused: one request_id, two different
// requests: the second is refused with a reason naming the reuse, and never
// reaches the provider.
func TestIdempotencyDifferentRequestRefused(t *testing.T) {
	lf := startLiveFlowroute(t)
	c, _ := startApp(t, lf, t.TempDir(), "")
	req := createReq("0b7e3c1a-6d2f-4e8a-9c5b-7a1d3e5f7b02")
	if _, err := c.CreatePortOrder(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	other := createReq(req.GetRequestId())
	_, err := c.CreatePortOrder(context.Background(), other)
	if st := status.Convert(err); st.Code() != codes.InvalidArgument || !containsReason(err, "REQUEST_ID_REUSED") {
		t.Fatalf("same request_id, different request: %v", err)
	}
	// A different method under the same request_id is a different request too.
	_, err = c.CancelPortOrder(context.Background(), &pb.CancelPortOrderRequest{Name: "providers/flowroute/portOrders/1", RequestId: req.GetRequestId()})
	if !containsReason(err, "REQUEST_ID_REUSED") {
		t.Fatalf("same request_id, other method: %v", err)
	}
	if n := lf.creates.Load(); n != 1 {
		t.Fatalf("provider saw %d creates, want 1", n)
	}
}

// TestIdempotencyConcurrentDuplicatesTwoReplicas: 1,000 concurrent creates
// with one request_id through two portgate instances sharing PostgreSQL
// make exactly one provider order, and every caller gets it.
func TestIdempotencyConcurrentDuplicatesTwoReplicas(t *testing.T) {
	dbURL := storetest.PostgresURL(t)
	lf := startLiveFlowroute(t)
	c1, _ := startApp(t, lf, "", dbURL)
	c2, _ := startApp(t, lf, "", dbURL)
	req := createReq("5c2e8f14-7b3d-4a6e-9f1c-2d8b4e6a0c03")

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	const n = 1000
	names := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		c := c1
		if i%2 == 1 {
			c = c2
		}
		wg.Go(func() {
			<-start
			o, err := c.CreatePortOrder(ctx, req)
			names[i], errs[i] = o.GetName(), err
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
		if names[i] != names[0] {
			t.Fatalf("call %d got %s, call 0 got %s", i, names[i], names[0])
		}
	}
	if got := lf.creates.Load(); got != 1 {
		t.Fatalf("provider saw %d creates, want 1", got)
	}
	if got := ordersFor(t, c1, req); got != 1 {
		t.Fatalf("%d provider orders, want 1", got)
	}
}

// TestIdempotencyAcceptedCreateNeverForgotten: the provider accepts the
// create but the read that follows fails. The caller is not told the create
// failed (the order comes back, its related orders marked missing); a retry
// with the same request_id returns that order instead of creating a second
// one.
func TestIdempotencyAcceptedCreateNeverForgotten(t *testing.T) {
	lf := startLiveFlowroute(t)
	c, _ := startApp(t, lf, t.TempDir(), "")
	req := createReq("8e4a2c6f-1d3b-4f5a-8c7e-9b0d2f4a6c04")
	lf.failGroupReads.Store(true)
	first, err := c.CreatePortOrder(context.Background(), req)
	if err != nil || first.GetName() == "" || !slices.Contains(first.GetMissingDetails(), "related_orders") {
		t.Fatalf("create whose follow-up read failed: %v %v, want the order with missing_details related_orders", first, err)
	}
	lf.failGroupReads.Store(false)
	o, err := c.CreatePortOrder(context.Background(), req)
	if err != nil {
		t.Fatalf("retry: %v", err)
	}
	if o.GetName() != first.GetName() || o.GetPhoneNumbers()[0] != req.GetPortOrder().GetPhoneNumbers()[0] {
		t.Fatalf("retry returned %v, want %s", o, first.GetName())
	}
	if n := lf.creates.Load(); n != 1 {
		t.Fatalf("provider saw %d creates, want 1", n)
	}
	if n := ordersFor(t, c, req); n != 1 {
		t.Fatalf("%d provider orders for the number, want 1", n)
	}
	// And from now on the outcome is stored: a third call is a replay.
	again, err := c.CreatePortOrder(context.Background(), req)
	if err != nil || again.GetName() != o.GetName() {
		t.Fatalf("replay: %v %v", again.GetName(), err)
	}
}

// TestIdempotencyRepeatWhileInProgress: a repeat whose deadline comes while
// the first call is still at the provider gets ABORTED + REQUEST_IN_PROGRESS
// with RetryInfo (not a second provider call); once the first call is done,
// a repeat gets its outcome.
func TestIdempotencyRepeatWhileInProgress(t *testing.T) {
	lf := startLiveFlowroute(t)
	c, _ := startApp(t, lf, t.TempDir(), "")
	req := createReq("2a9d4b6c-8e0f-4a1b-9c3d-5e7f9a1b3c05")
	release := make(chan struct{})
	lf.hold.Store(&release)

	type result struct {
		o   *pb.PortOrder
		err error
	}
	first := make(chan result, 1)
	go func() {
		o, err := c.CreatePortOrder(context.Background(), req)
		first <- result{o, err}
	}()
	// Wait until the first call is at the provider.
	select {
	case r := <-first:
		t.Fatalf("first call returned early: %v", r.err)
	case <-lf.arrived:
	}
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	_, err := c.CreatePortOrder(ctx, req)
	cancel()
	st := status.Convert(err)
	if st.Code() != codes.Aborted || !containsReason(err, "REQUEST_IN_PROGRESS") {
		t.Fatalf("repeat while in progress: %v", err)
	}
	var retry *errdetails.RetryInfo
	for _, d := range st.Details() {
		if r, ok := d.(*errdetails.RetryInfo); ok {
			retry = r
		}
	}
	if retry == nil || retry.GetRetryDelay().AsDuration() <= 0 {
		t.Fatalf("no RetryInfo: %v", st.Details())
	}
	close(release)
	r := <-first
	if r.err != nil {
		t.Fatal(r.err)
	}
	again, err := c.CreatePortOrder(context.Background(), req)
	if err != nil || again.GetName() != r.o.GetName() {
		t.Fatalf("repeat after completion: %v %v", again.GetName(), err)
	}
	if n := lf.creates.Load(); n != 1 {
		t.Fatalf("provider saw %d creates, want 1", n)
	}
}
