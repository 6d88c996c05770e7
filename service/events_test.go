package service_test

import (
	"bufio"
	"context"
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

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"

	pb "github.com/portgate/portgate/gen/portgate/v1"
	"github.com/portgate/portgate/internal/config"
	"github.com/portgate/portgate/internal/events"
	"github.com/portgate/portgate/internal/store"
	"github.com/portgate/portgate/internal/store/storetest"
)

var evBase = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// appendEvent stores one event the way the ingestion side does.
func appendEvent(t testing.TB, st store.Store, provider, order, id string, typ events.Type, p events.Payload, occur time.Time) int64 {
	t.Helper()
	raw, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	seq, isNew, err := st.AppendEvent(context.Background(), store.Event{Provider: provider, EventID: id,
		OrderName: "providers/" + provider + "/portOrders/" + order, Type: typ, Payload: raw, OccurredAt: occur, ReceivedAt: occur.Add(time.Second)})
	if err != nil || !isNew {
		t.Fatalf("append %s: %v new=%v", id, err, isNew)
	}
	return seq
}

func seqs(evs []*pb.PortOrderEvent) []int64 {
	out := make([]int64, len(evs))
	for i, e := range evs {
		out[i] = e.GetSequence()
	}
	return out
}

func TestEventsListGetFilterPages(t *testing.T) {
	e := start(t)
	ctx := context.Background()
	st := e.app.Store
	// 12 events: flowroute order 1 and telnyx order abc, alternating.
	for i := range 12 {
		prov, order := "flowroute", "1"
		if i%2 == 1 {
			prov, order = "telnyx", "abc"
		}
		typ, p := events.TypeStateChanged, events.Payload{OldState: "SUBMITTED", NewState: "IN_PROGRESS", ProviderStatus: "pending"}
		switch i % 3 {
		case 1:
			typ, p = events.TypeFOCDateChanged, events.Payload{NewState: "FOC_CONFIRMED", FOCDate: "2026-03-20T00:00:00Z"}
		case 2:
			typ, p = events.TypeExceptionRaised, events.Payload{NewState: "EXCEPTION", Exception: &events.Exception{Code: "invalid_pin", Message: "PIN does not match"},
				Raw: json.RawMessage(`{"data":{"id":"x","pin":"1234","nested":{"auth_token":"t0k","keep":"yes"},"list":[{"signature":"s","ok":1}]}}`)}
		}
		appendEvent(t, st, prov, order, fmt.Sprintf("ev-%d", i), typ, p, evBase.Add(time.Duration(i)*time.Hour))
	}

	// Per order.
	r, err := e.porting.ListPortOrderEvents(ctx, &pb.ListPortOrderEventsRequest{Parent: "providers/flowroute/portOrders/1"})
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(seqs(r.GetEvents())); got != "[1 3 5 7 9 11]" || r.GetNextPageToken() != "" {
		t.Fatalf("order events %s token %q", got, r.GetNextPageToken())
	}
	// One provider, every order.
	r, err = e.porting.ListPortOrderEvents(ctx, &pb.ListPortOrderEventsRequest{Parent: "providers/telnyx/portOrders/-"})
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(seqs(r.GetEvents())); got != "[2 4 6 8 10 12]" {
		t.Fatalf("telnyx events %s", got)
	}
	// Everything, in pages of 5.
	var all []int64
	tok := ""
	for pages := 0; ; pages++ {
		r, err := e.porting.ListPortOrderEvents(ctx, &pb.ListPortOrderEventsRequest{Parent: "providers/-/portOrders/-", PageSize: 5, PageToken: tok})
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, seqs(r.GetEvents())...)
		tok = r.GetNextPageToken()
		if tok == "" || pages > 5 {
			break
		}
	}
	if got := fmt.Sprint(all); got != "[1 2 3 4 5 6 7 8 9 10 11 12]" {
		t.Fatalf("paged %s", got)
	}
	// Filters: type, state and time range.
	for _, c := range []struct{ filter, want string }{
		{"type = FOC_DATE_CHANGED", "[2 5 8 11]"},
		{"state = EXCEPTION", "[3 6 9 12]"},
		{`type = STATE_CHANGED AND occur_time >= "2026-03-01T15:00:00Z"`, "[4 7 10]"},
		{`occur_time < "2026-03-01T14:00:00Z" OR type = EXCEPTION_RAISED`, "[1 2 3 6 9 12]"},
		{`NOT old_state = SUBMITTED AND receive_time > "2026-03-01T20:00:00Z"`, "[9 11 12]"},
	} {
		r, err := e.porting.ListPortOrderEvents(ctx, &pb.ListPortOrderEventsRequest{Parent: "providers/-/portOrders/-", Filter: c.filter})
		if err != nil {
			t.Fatalf("%s: %v", c.filter, err)
		}
		if got := fmt.Sprint(seqs(r.GetEvents())); got != c.want {
			t.Errorf("filter %s: got %s want %s", c.filter, got, c.want)
		}
	}
	// A page token is bound to its filter; bad filters are INVALID_FILTER.
	r, _ = e.porting.ListPortOrderEvents(ctx, &pb.ListPortOrderEventsRequest{Parent: "providers/-/portOrders/-", PageSize: 2, Filter: "type = FOC_DATE_CHANGED"})
	_, err = e.porting.ListPortOrderEvents(ctx, &pb.ListPortOrderEventsRequest{Parent: "providers/-/portOrders/-", PageSize: 2, PageToken: r.GetNextPageToken()})
	if _, ei := errorInfo(t, err); ei.GetReason() != "INVALID_PAGE_TOKEN" {
		t.Errorf("token for another filter: %v", ei)
	}
	for _, f := range []string{"type = NOPE", "colour = red", "occur_time > yesterday"} {
		_, err = e.porting.ListPortOrderEvents(ctx, &pb.ListPortOrderEventsRequest{Parent: "providers/-/portOrders/-", Filter: f})
		if st, ei := errorInfo(t, err); st.Code() != codes.InvalidArgument || ei.GetReason() != "INVALID_FILTER" {
			t.Errorf("filter %q: %v", f, err)
		}
	}
	for _, p := range []string{"providers/-/portOrders/1", "providers/flowroute", "providers/nope/portOrders/-"} {
		_, err = e.porting.ListPortOrderEvents(ctx, &pb.ListPortOrderEventsRequest{Parent: p})
		if st, _ := errorInfo(t, err); st.Code() != codes.InvalidArgument && st.Code() != codes.NotFound {
			t.Errorf("parent %q: %v", p, err)
		}
	}

	// Get: the neutral fields, with secrets scrubbed from the raw payload.
	ev, err := e.porting.GetPortOrderEvent(ctx, &pb.GetPortOrderEventRequest{Name: "providers/flowroute/portOrders/1/events/3"})
	if err != nil {
		t.Fatal(err)
	}
	if ev.GetType() != pb.PortOrderEvent_EXCEPTION_RAISED || ev.GetNewState() != pb.PortOrder_EXCEPTION || ev.GetException().GetCode() != "invalid_pin" ||
		ev.GetDescription() != "PIN does not match" || ev.GetSequence() != 3 || !ev.GetOccurTime().AsTime().Equal(evBase.Add(2*time.Hour)) ||
		!ev.GetReceiveTime().AsTime().Equal(evBase.Add(2*time.Hour+time.Second)) {
		t.Errorf("event 3: %v", ev)
	}
	raw, _ := json.Marshal(ev.GetProviderPayload().AsMap())
	if s := string(raw); strings.Contains(s, "1234") || strings.Contains(s, "t0k") || strings.Contains(s, "signature") || !strings.Contains(s, `"keep":"yes"`) {
		t.Errorf("provider payload not scrubbed: %s", s)
	}
	ev, err = e.porting.GetPortOrderEvent(ctx, &pb.GetPortOrderEventRequest{Name: "providers/telnyx/portOrders/abc/events/2"})
	if err != nil || ev.GetType() != pb.PortOrderEvent_FOC_DATE_CHANGED || !ev.GetFocTime().AsTime().Equal(time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("event 2: %v %v", ev, err)
	}
	// An event under another order's name does not exist.
	_, err = e.porting.GetPortOrderEvent(ctx, &pb.GetPortOrderEventRequest{Name: "providers/telnyx/portOrders/abc/events/3"})
	if st, ei := errorInfo(t, err); st.Code() != codes.NotFound || ei.GetReason() != "EVENT_NOT_FOUND" {
		t.Errorf("wrong order: %v", err)
	}
	// REST: Get and List through the real gateway.
	code, body := rest(t, "GET", e.base+"/v1/providers/flowroute/portOrders/1/events/5", nil)
	if code != 200 || body["type"] != "FOC_DATE_CHANGED" || body["sequence"] != "5" || body["name"] != "providers/flowroute/portOrders/1/events/5" {
		t.Errorf("REST get: %d %v", code, body)
	}
	code, body = rest(t, "GET", e.base+"/v1/providers/-/portOrders/-/events?filter=type%3DEXCEPTION_RAISED&pageSize=2", nil)
	if evs, _ := body["events"].([]any); code != 200 || len(evs) != 2 || body["nextPageToken"] == "" {
		t.Errorf("REST list: %d %v", code, body)
	}
}

// recvSeqs reads n events from a Watch stream.
func recvSeqs(t *testing.T, s pb.Porting_WatchPortOrderEventsClient, n int) []int64 {
	t.Helper()
	var out []int64
	for len(out) < n {
		m, err := s.Recv()
		if err != nil {
			t.Fatalf("recv after %v: %v", out, err)
		}
		if m.GetEvent() == nil { // heartbeat
			if m.GetHeartbeatTime() == nil {
				t.Fatalf("message with neither event nor heartbeat: %v", m)
			}
			continue
		}
		out = append(out, m.GetEvent().GetSequence())
	}
	return out
}

func span(from, to int64) string {
	var out []int64
	for i := from; i <= to; i++ {
		out = append(out, i)
	}
	return fmt.Sprint(out)
}

func TestWatchResumeNoGapNoDuplicateGRPC(t *testing.T) {
	e := start(t)
	st := e.app.Store
	for i := range 5 {
		appendEvent(t, st, "flowroute", "1", fmt.Sprintf("a%d", i), events.TypeStateChanged, events.Payload{NewState: "SUBMITTED"}, evBase)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s, err := e.porting.WatchPortOrderEvents(ctx, &pb.WatchPortOrderEventsRequest{Parent: "providers/-/portOrders/-"})
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(recvSeqs(t, s, 5)); got != span(1, 5) {
		t.Fatalf("replay %s", got)
	}
	// Live.
	for i := range 3 {
		appendEvent(t, st, "telnyx", "abc", fmt.Sprintf("b%d", i), events.TypeCommentAdded, events.Payload{Comment: "hi"}, evBase)
	}
	if got := fmt.Sprint(recvSeqs(t, s, 3)); got != span(6, 8) {
		t.Fatalf("live %s", got)
	}
	cancel()
	// Disconnected while more arrive, some of them concurrently with the
	// reconnect.
	for i := range 4 {
		appendEvent(t, st, "flowroute", "1", fmt.Sprintf("c%d", i), events.TypeOther, events.Payload{}, evBase)
	}
	ctx2, cancel2 := context.WithCancel(context.Background())
	defer cancel2()
	s, err = e.porting.WatchPortOrderEvents(ctx2, &pb.WatchPortOrderEventsRequest{Parent: "providers/-/portOrders/-", AfterSequence: 8})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range 20 {
			appendEvent(t, st, "telnyx", "abc", fmt.Sprintf("d%d", i), events.TypeOther, events.Payload{}, evBase)
		}
	})
	got := recvSeqs(t, s, 24)
	wg.Wait()
	if fmt.Sprint(got) != span(9, 32) {
		t.Fatalf("resumed %v", got)
	}
	// A per-order watch sees only its order.
	s, err = e.porting.WatchPortOrderEvents(ctx2, &pb.WatchPortOrderEventsRequest{Parent: "providers/flowroute/portOrders/1", AfterSequence: 5, Filter: "type = OTHER"})
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(recvSeqs(t, s, 4)); got != "[9 10 11 12]" {
		t.Fatalf("order watch %s", got)
	}
}

// watchREST opens the NDJSON Watch stream through the real gateway.
func watchREST(t *testing.T, ctx context.Context, url string) (*bufio.Scanner, io.Closer) {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
	resp, err := restClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("watch %s: %d %s", url, resp.StatusCode, b)
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	return sc, resp.Body
}

func restSeqs(t *testing.T, sc *bufio.Scanner, n int) []int64 {
	t.Helper()
	var out []int64
	for len(out) < n {
		if !sc.Scan() {
			t.Fatalf("stream ended after %v: %v", out, sc.Err())
		}
		var line struct {
			Result struct {
				Event struct {
					Sequence string `json:"sequence"`
					Name     string `json:"name"`
				} `json:"event"`
				HeartbeatTime string `json:"heartbeatTime"`
			} `json:"result"`
			Error map[string]any `json:"error"`
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil || line.Error != nil {
			t.Fatalf("line %q: %v", sc.Bytes(), err)
		}
		if line.Result.HeartbeatTime != "" {
			continue
		}
		n, _ := strconv.ParseInt(line.Result.Event.Sequence, 10, 64)
		if !strings.HasSuffix(line.Result.Event.Name, "/events/"+line.Result.Event.Sequence) {
			t.Fatalf("line %q", sc.Bytes())
		}
		out = append(out, n)
	}
	return out
}

func TestWatchResumeNoGapNoDuplicateREST(t *testing.T) {
	e := start(t)
	st := e.app.Store
	for i := range 3 {
		appendEvent(t, st, "telnyx", "abc", fmt.Sprintf("a%d", i), events.TypeStateChanged, events.Payload{NewState: "SUBMITTED"}, evBase)
	}
	ctx, cancel := context.WithCancel(context.Background())
	sc, body := watchREST(t, ctx, e.base+"/v1/providers/telnyx/portOrders/-/events:watch")
	if got := fmt.Sprint(restSeqs(t, sc, 3)); got != span(1, 3) {
		t.Fatalf("replay %s", got)
	}
	appendEvent(t, st, "telnyx", "abc", "live", events.TypeOther, events.Payload{}, evBase)
	if got := fmt.Sprint(restSeqs(t, sc, 1)); got != "[4]" {
		t.Fatalf("live %s", got)
	}
	cancel()
	body.Close()
	for i := range 5 {
		appendEvent(t, st, "telnyx", "abc", fmt.Sprintf("b%d", i), events.TypeOther, events.Payload{}, evBase)
	}
	ctx2, cancel2 := context.WithCancel(context.Background())
	defer cancel2()
	sc, body = watchREST(t, ctx2, e.base+"/v1/providers/telnyx/portOrders/-/events:watch?afterSequence=4")
	defer body.Close()
	appendEvent(t, st, "telnyx", "abc", "after", events.TypeOther, events.Payload{}, evBase)
	if got := fmt.Sprint(restSeqs(t, sc, 6)); got != span(5, 10) {
		t.Fatalf("resumed %s", got)
	}
}

// A consumer that stops reading is ended with ABORTED / WATCH_TOO_SLOW and
// resume_after = the last event it was handed; meanwhile ingestion and a
// second, reading stream carry on. Resuming from resume_after then loses
// nothing.
func TestWatchSlowConsumer(t *testing.T) {
	e := startWith(t, func(c *config.Config) { c.WatchBuffer = 4; c.WatchStall = 200 * time.Millisecond })
	st := e.app.Store
	// A connection with fixed, small HTTP/2 windows: the slow stream's
	// bytes back up after ~64 KiB instead of being buffered client-side.
	slowConn, err := e.app.Server.Dial(context.Background(), grpc.WithInitialWindowSize(64<<10), grpc.WithInitialConnWindowSize(64<<10))
	if err != nil {
		t.Fatal(err)
	}
	defer slowConn.Close()
	// Bounded: a stream that is never ended fails the test instead of
	// hanging it.
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	slow, err := pb.NewPortingClient(slowConn).WatchPortOrderEvents(ctx, &pb.WatchPortOrderEventsRequest{Parent: "providers/-/portOrders/-"})
	if err != nil {
		t.Fatal(err)
	}
	fast, err := e.porting.WatchPortOrderEvents(ctx, &pb.WatchPortOrderEventsRequest{Parent: "providers/-/portOrders/-"})
	if err != nil {
		t.Fatal(err)
	}
	// Both streams are live before anything is stored.
	waitSubscribers(ctx, t, e.app.Events, 2)
	const n = 300
	big := json.RawMessage(`{"blob":"` + strings.Repeat("x", 8<<10) + `"}`)
	fastDone := make(chan []int64, 1)
	go func() {
		var got []int64
		for len(got) < n {
			m, err := fast.Recv()
			if err != nil {
				break
			}
			if m.GetEvent() != nil {
				got = append(got, m.GetEvent().GetSequence())
			}
		}
		fastDone <- got
	}()
	for i := range n {
		appendEvent(t, st, "flowroute", "1", fmt.Sprintf("e%d", i), events.TypeOther, events.Payload{Raw: big}, evBase)
	}
	if got := <-fastDone; fmt.Sprint(got) != span(1, n) {
		t.Fatalf("fast stream got %d events, want %d", len(got), n)
	}
	// The slow stream is too slow only once its buffer has stayed full for
	// the stall timeout. Reading it as soon as the fast stream is done
	// would race that timeout (on a fast machine the fast stream finishes
	// within 200 ms, the slow one drains and is never ended): wait until
	// the server has ended it (its subscription is gone), reading nothing.
	waitSubscribers(ctx, t, e.app.Events, 1)
	// Now read the slow stream: its backlog, then the status.
	var last int64
	for {
		m, err := slow.Recv()
		if err == nil && m.GetEvent() == nil {
			continue // heartbeat
		}
		if err == nil {
			if m.GetEvent().GetSequence() != last+1 {
				t.Fatalf("slow stream: %d after %d", m.GetEvent().GetSequence(), last)
			}
			last = m.GetEvent().GetSequence()
			continue
		}
		st, ei := errorInfo(t, err)
		if st.Code() != codes.Aborted || ei.GetReason() != "WATCH_TOO_SLOW" {
			t.Fatalf("slow stream ended with %v", err)
		}
		if ei.GetMetadata()["resume_after"] != strconv.FormatInt(last, 10) {
			t.Fatalf("resume_after %q, last received %d", ei.GetMetadata()["resume_after"], last)
		}
		break
	}
	if last >= n {
		t.Fatalf("the slow stream was never behind (got all %d)", last)
	}
	resumed, err := e.porting.WatchPortOrderEvents(ctx, &pb.WatchPortOrderEventsRequest{Parent: "providers/-/portOrders/-", AfterSequence: last})
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(recvSeqs(t, resumed, int(n-last))); got != span(last+1, n) {
		t.Fatalf("resumed %s", got)
	}
}

// Two portgate processes on one PostgreSQL database: an event stored
// through instance A (as A's webhook endpoint would) reaches a Watch stream
// open on instance B.
func TestWatchAcrossReplicasPostgres(t *testing.T) {
	url := storetest.PostgresURL(t)
	a := startWith(t, func(c *config.Config) { c.DatabaseURL = url })
	b := startWith(t, func(c *config.Config) { c.DatabaseURL = url })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	appendEvent(t, a.app.Store, "flowroute", "1", "before", events.TypeStateChanged, events.Payload{NewState: "SUBMITTED"}, evBase)
	s, err := b.porting.WatchPortOrderEvents(ctx, &pb.WatchPortOrderEventsRequest{Parent: "providers/flowroute/portOrders/1"})
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(recvSeqs(t, s, 1)); got != "[1]" {
		t.Fatalf("replay on B: %s", got)
	}
	for i := range 3 {
		appendEvent(t, a.app.Store, "flowroute", "1", fmt.Sprintf("live%d", i), events.TypeOther, events.Payload{}, evBase)
	}
	if got := fmt.Sprint(recvSeqs(t, s, 3)); got != "[2 3 4]" {
		t.Fatalf("live on B: %s", got)
	}
}

// A provider-limited key sees only its providers' events: naming another
// provider or every provider is refused, and what it lists and watches
// under its own provider is that provider's only.
func TestEventsScopedToCaller(t *testing.T) {
	e := startWith(t, func(c *config.Config) { c.Keys = keyLines(t) })
	st := e.app.Store
	appendEvent(t, st, "flowroute", "1", "f1", events.TypeOther, events.Payload{}, evBase)
	appendEvent(t, st, "telnyx", "abc", "t1", events.TypeOther, events.Payload{}, evBase)
	ctx := withKey("telnyx")
	r, err := e.porting.ListPortOrderEvents(ctx, &pb.ListPortOrderEventsRequest{Parent: "providers/telnyx/portOrders/-"})
	if err != nil || fmt.Sprint(seqs(r.GetEvents())) != "[2]" {
		t.Fatalf("own provider: %v %v", r, err)
	}
	for _, p := range []string{"providers/flowroute/portOrders/1", "providers/-/portOrders/-"} {
		_, err := e.porting.ListPortOrderEvents(ctx, &pb.ListPortOrderEventsRequest{Parent: p})
		if st, _ := errorInfo(t, err); st.Code() != codes.PermissionDenied {
			t.Errorf("list %s: %v", p, err)
		}
		s, err := e.porting.WatchPortOrderEvents(ctx, &pb.WatchPortOrderEventsRequest{Parent: p})
		if err == nil {
			_, err = s.Recv()
		}
		if st, _ := errorInfo(t, err); st.Code() != codes.PermissionDenied {
			t.Errorf("watch %s: %v", p, err)
		}
	}
	_, err = e.porting.GetPortOrderEvent(ctx, &pb.GetPortOrderEventRequest{Name: "providers/flowroute/portOrders/1/events/1"})
	if st, _ := errorInfo(t, err); st.Code() != codes.PermissionDenied {
		t.Errorf("get: %v", err)
	}
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s, err := e.porting.WatchPortOrderEvents(wctx, &pb.WatchPortOrderEventsRequest{Parent: "providers/telnyx/portOrders/-"})
	if err != nil {
		t.Fatal(err)
	}
	appendEvent(t, st, "flowroute", "1", "f2", events.TypeOther, events.Payload{}, evBase)
	appendEvent(t, st, "telnyx", "abc", "t2", events.TypeOther, events.Payload{}, evBase)
	if got := fmt.Sprint(recvSeqs(t, s, 2)); got != "[2 4]" {
		t.Fatalf("watch: %s", got)
	}
}

// Through the whole app: an event is POSTed, signed, to PORTGATE_EVENTS_URL
// and the attempt shows in GetPortOrderEvent's delivery log (target
// without its query string).
func TestDeliveryLogThroughAPI(t *testing.T) {
	got := make(chan http.Header, 10)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Clone()
		w.WriteHeader(http.StatusOK)
	}))
	defer hook.Close()
	e := startWith(t, func(c *config.Config) {
		c.EventsURL = hook.URL + "/events?token=s3cret"
		c.EventsSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	})
	seq := appendEvent(t, e.app.Store, "telnyx", "abc", "t1", events.TypeCommentAdded, events.Payload{Comment: "hello"}, evBase)
	h := <-got
	if h.Get("webhook-id") != "msg_"+strconv.FormatInt(seq, 10) || !strings.HasPrefix(h.Get("webhook-signature"), "v1,") {
		t.Fatalf("headers %v", h)
	}
	name := fmt.Sprintf("providers/telnyx/portOrders/abc/events/%d", seq)
	for deadline := time.Now().Add(10 * time.Second); ; <-time.After(10 * time.Millisecond) {
		ev, err := e.porting.GetPortOrderEvent(context.Background(), &pb.GetPortOrderEventRequest{Name: name})
		if err != nil {
			t.Fatal(err)
		}
		if d := ev.GetDeliveries(); len(d) == 1 {
			if d[0].GetStatus() != pb.PortOrderEventDelivery_SUCCEEDED || d[0].GetHttpStatus() != 200 || d[0].GetTargetUri() != hook.URL+"/events" || d[0].GetAttempt() != 1 {
				t.Fatalf("delivery %v", d[0])
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("no delivery logged")
		}
	}
}

// Shutdown ends open Watch streams at once (UNAVAILABLE / SHUTTING_DOWN with
// resume_after) instead of waiting out the grace period for them.
func TestWatchEndsOnShutdown(t *testing.T) {
	e := startWith(t, func(c *config.Config) { c.ShutdownGrace = 20 * time.Second })
	appendEvent(t, e.app.Store, "telnyx", "abc", "t1", events.TypeOther, events.Payload{}, evBase)
	s, err := e.porting.WatchPortOrderEvents(context.Background(), &pb.WatchPortOrderEventsRequest{Parent: "providers/-/portOrders/-"})
	if err != nil {
		t.Fatal(err)
	}
	recvSeqs(t, s, 1)
	shut := make(chan error, 1)
	go func() { shut <- e.app.Server.Shutdown(context.Background()) }()
	for err == nil {
		var m *pb.WatchPortOrderEventsResponse
		if m, err = s.Recv(); err == nil && m.GetEvent() != nil {
			t.Fatalf("unexpected event %v", m)
		}
	}
	st, ei := errorInfo(t, err)
	if st.Code() != codes.Unavailable || ei.GetReason() != "SHUTTING_DOWN" || ei.GetMetadata()["resume_after"] != "1" {
		t.Fatalf("stream ended with %v %v", err, ei)
	}
	if err := <-shut; err != nil {
		t.Fatalf("shutdown: %v (the stream ran into the grace period)", err)
	}
}

// An idle stream (nothing stored yet) answers at once with a heartbeat, so
// a REST client gets its response headers and knows the stream is live.
func TestWatchIdleStreamHeartbeat(t *testing.T) {
	e := start(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sc, body := watchREST(t, ctx, e.base+"/v1/providers/-/portOrders/-/events:watch")
	defer body.Close()
	if !sc.Scan() || !strings.Contains(sc.Text(), "heartbeatTime") {
		t.Fatalf("first line %q %v", sc.Text(), sc.Err())
	}
	appendEvent(t, e.app.Store, "telnyx", "abc", "t1", events.TypeOther, events.Payload{}, evBase)
	if got := fmt.Sprint(restSeqs(t, sc, 1)); got != "[1]" {
		t.Fatalf("after heartbeat: %s", got)
	}
}

// waitSubscribers waits (bounded by ctx) until hub has n subscribers, i.e.
// until Watch streams have started or ended server-side.
func waitSubscribers(ctx context.Context, t *testing.T, hub *events.Hub, n int) {
	t.Helper()
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for hub.Subscribers() != n {
		select {
		case <-ctx.Done():
			t.Fatalf("watch subscribers: %d, want %d", hub.Subscribers(), n)
		case <-tick.C:
		}
	}
}
