package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "github.com/portgate/portgate/gen/portgate/v1"
	"github.com/portgate/portgate/internal/auth"
	"github.com/portgate/portgate/internal/events"
	"github.com/portgate/portgate/internal/store"
)

// Event reasons (docs/errors.md).
const (
	ReasonEventNotFound = "EVENT_NOT_FOUND"
	// ReasonWatchTooSlow ends a Watch stream whose consumer fell behind;
	// ErrorInfo metadata resume_after is the last sequence sent: reconnect
	// with after_sequence set to it.
	ReasonWatchTooSlow = "WATCH_TOO_SLOW"
	ReasonStoreError   = "STORE_ERROR"
	// ReasonShuttingDown ends Watch streams when the server shuts down
	// (UNAVAILABLE, RetryInfo, resume_after).
	ReasonShuttingDown = "SHUTTING_DOWN"
)

// Watch defaults (README "Events").
const (
	// DefaultWatchBuffer is how many events a Watch stream holds for a
	// consumer that has not taken them yet.
	DefaultWatchBuffer = 256
	// DefaultWatchStall is how long a full buffer may stay full before the
	// stream is ended with WATCH_TOO_SLOW.
	DefaultWatchStall = 30 * time.Second
	// DefaultWatchPoll is how often a Watch stream looks for new events
	// itself when no running hub feeds it.
	DefaultWatchPoll = 2 * time.Second
	// eventScanRows bounds how many stored events one List page examines;
	// a filter matching little returns a short page with a token.
	eventScanRows  = 5000
	eventReadBatch = 250
	seqSplit       = 1_000_000
)

var eventTypeValues = func() []string {
	var out []string
	for i := 1; i < len(pb.PortOrderEvent_Type_name); i++ {
		out = append(out, pb.PortOrderEvent_Type_name[int32(i)])
	}
	return out
}()

// eventFilterFields are the filterable PortOrderEvent fields ("state" is
// new_state).
var eventFilterFields = map[string]filterField{
	"type":         {kind: kindEnum, values: eventTypeValues},
	"state":        {kind: kindEnum, values: stateValues},
	"new_state":    {kind: kindEnum, values: stateValues},
	"old_state":    {kind: kindEnum, values: stateValues},
	"occur_time":   {kind: kindTime},
	"receive_time": {kind: kindTime},
}

func eventRecord(e *pb.PortOrderEvent) filterRecord {
	return func(field string) []any {
		switch field {
		case "type":
			return []any{e.GetType().String()}
		case "state", "new_state":
			return []any{e.GetNewState().String()}
		case "old_state":
			return []any{e.GetOldState().String()}
		case "occur_time":
			return []any{e.GetOccurTime().AsTime()}
		case "receive_time":
			return []any{e.GetReceiveTime().AsTime()}
		}
		return nil
	}
}

// eventSelector is a parsed events parent plus filter plus the caller's
// provider scope.
type eventSelector struct {
	provider string // "-" = every provider
	order    string // full order name, or "" = every order
	filter   expr
	caller   *auth.Key
}

// eventSelector reads providers/{p|-}/portOrders/{o|-} and the filter.
func (c *core) eventSelector(ctx context.Context, parent, filter string) (*eventSelector, error) {
	parts := strings.Split(parent, "/")
	if len(parts) != 4 || parts[0] != "providers" || parts[2] != "portOrders" || parts[1] == "" || parts[3] == "" {
		return nil, invalidArgument(ReasonInvalidArgument, fieldViolation{"parent", "must be providers/{provider}/portOrders/{port_order}; either may be - (every provider, every order)"})
	}
	sel := &eventSelector{provider: parts[1], caller: auth.CallerFromContext(ctx)}
	if sel.provider == AllProviders && parts[3] != AllProviders {
		return nil, invalidArgument(ReasonInvalidArgument, fieldViolation{"parent", "providers/- names every provider; a port order lives at one: use providers/{provider}/portOrders/{port_order} or providers/-/portOrders/-"})
	}
	if sel.provider != AllProviders {
		if _, err := c.backend("parent", sel.provider); err != nil {
			return nil, err
		}
	}
	if parts[3] != AllProviders {
		sel.order = parent
	}
	e, err := parseFilter(filter, eventFilterFields, c.region)
	if err != nil {
		return nil, err
	}
	sel.filter = e
	return sel, nil
}

// stored reports whether a stored event is in the selector's parent and the
// caller may see it (before conversion).
func (s *eventSelector) stored(e store.Event) bool {
	if s.order != "" && e.OrderName != s.order {
		return false
	}
	if s.provider != AllProviders && e.Provider != s.provider {
		return false
	}
	if s.caller != nil && !s.caller.AllowsProvider(e.Provider) {
		return false
	}
	return true
}

func (s *eventSelector) match(e *pb.PortOrderEvent) bool { return s.filter.eval(eventRecord(e)) }

// eventToProto converts a stored event; a payload portgate cannot read is
// served with what the row itself says (lenient on stored provider output).
func eventToProto(e store.Event) *pb.PortOrderEvent {
	out := &pb.PortOrderEvent{
		Name:        fmt.Sprintf("%s/events/%d", e.OrderName, e.Seq),
		Type:        pb.PortOrderEvent_OTHER,
		Sequence:    e.Seq,
		OccurTime:   timestamppb.New(e.OccurredAt),
		ReceiveTime: timestamppb.New(e.ReceivedAt),
	}
	if v, ok := pb.PortOrderEvent_Type_value[e.Type]; ok && v != 0 {
		out.Type = pb.PortOrderEvent_Type(v)
	}
	var p events.Payload
	if json.Unmarshal(e.Payload, &p) != nil {
		return out
	}
	out.OldState = pb.PortOrder_State(pb.PortOrder_State_value[p.OldState])
	out.NewState = pb.PortOrder_State(pb.PortOrder_State_value[p.NewState])
	out.ProviderStatus = p.ProviderStatus
	if p.FOCDate != "" {
		if t, err := time.Parse(time.RFC3339, p.FOCDate); err == nil {
			out.FocTime = timestamppb.New(t)
		}
	}
	out.Description = p.Comment
	if p.Exception != nil {
		out.Exception = &pb.PortOrderEvent_Exception{Code: p.Exception.Code, Message: p.Exception.Message}
		if out.Description == "" {
			out.Description = p.Exception.Message
		}
	}
	if len(p.Raw) > 0 {
		var m map[string]any
		if json.Unmarshal(p.Raw, &m) == nil {
			if st, err := structpb.NewStruct(scrubSecrets(m)); err == nil {
				out.ProviderPayload = st
			}
		}
	}
	return out
}

// EventJSON is the JSON of a stored event as the API serves it (the
// outbound delivery body's "data").
func EventJSON(e store.Event) ([]byte, error) {
	return protojson.Marshal(eventToProto(e))
}

// secretKey reports whether a raw payload key names a secret: credentials,
// signatures and the losing account's PIN / passcode / tax id.
func secretKey(k string) bool {
	k = strings.ToLower(k)
	for _, s := range []string{"secret", "token", "password", "passcode", "signature", "authorization", "api_key", "apikey", "ssn", "tax_id", "account_pin"} {
		if strings.Contains(k, s) {
			return true
		}
	}
	return k == "pin" || strings.HasSuffix(k, "_pin") || strings.HasPrefix(k, "pin_")
}

// scrubSecrets removes secret keys at any depth (the producers remove them
// too; this is the last line before a caller sees the payload).
func scrubSecrets(m map[string]any) map[string]any {
	for k, v := range m {
		if secretKey(k) {
			delete(m, k)
			continue
		}
		m[k] = scrubValue(v)
	}
	return m
}

func scrubValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		return scrubSecrets(x)
	case []any:
		for i := range x {
			x[i] = scrubValue(x[i])
		}
	}
	return v
}

func storeErr(err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return gatewayError(codes.Canceled, "CANCELLED", "request cancelled", nil)
	}
	return gatewayError(codes.Unavailable, ReasonStoreError, "the event store is unavailable; retry later", nil)
}

// ListPortOrderEvents pages stored events by sequence.
func (s *PortingServer) ListPortOrderEvents(ctx context.Context, req *pb.ListPortOrderEventsRequest) (*pb.ListPortOrderEventsResponse, error) {
	sel, err := s.c.eventSelector(ctx, req.GetParent(), req.GetFilter())
	if err != nil {
		return nil, err
	}
	size, err := pageSize(req.GetPageSize())
	if err != nil {
		return nil, err
	}
	bind := binding{kind: "portOrderEvents", parent: req.GetParent(), filter: req.GetFilter()}
	offsets, err := s.c.tokens.decode(req.GetPageToken(), bind, []string{"seq_hi", "seq_lo"})
	if err != nil {
		return nil, err
	}
	after := int64(offsets["seq_hi"].S)*seqSplit + int64(offsets["seq_lo"].S)
	resp := &pb.ListPortOrderEventsResponse{Events: []*pb.PortOrderEvent{}}
	scanned := 0
	for {
		batch, err := s.c.events.ListEvents(ctx, store.EventQuery{AfterSeq: after, OrderName: sel.order, Limit: eventReadBatch})
		if err != nil {
			return nil, storeErr(err)
		}
		for _, e := range batch {
			after = e.Seq
			scanned++
			if sel.stored(e) {
				if pe := eventToProto(e); sel.match(pe) {
					resp.Events = append(resp.Events, pe)
				}
			}
			if len(resp.Events) == size || scanned >= eventScanRows {
				// The sequence travels in two offsets (each page-token
				// offset is capped well below an int64).
				resp.NextPageToken = s.c.tokens.encode(bind, map[string]cursorPos{"seq_hi": {S: int(after / seqSplit)}, "seq_lo": {S: int(after % seqSplit)}})
				return resp, nil
			}
		}
		if len(batch) < eventReadBatch {
			return resp, nil
		}
	}
}

// parseEventName reads providers/{p}/portOrders/{o}/events/{seq}.
func parseEventName(name string) (order string, seq int64, err error) {
	i := strings.LastIndex(name, "/events/")
	bad := invalidArgument(ReasonInvalidArgument, fieldViolation{"name", "must be providers/{provider}/portOrders/{port_order}/events/{sequence}"})
	if i < 0 {
		return "", 0, bad
	}
	order = name[:i]
	if _, _, err := parsePortOrderName("name", order); err != nil {
		return "", 0, bad
	}
	seq, perr := strconv.ParseInt(name[i+len("/events/"):], 10, 64)
	if perr != nil || seq <= 0 {
		return "", 0, bad
	}
	return order, seq, nil
}

// GetPortOrderEvent returns one event with its delivery log.
func (s *PortingServer) GetPortOrderEvent(ctx context.Context, req *pb.GetPortOrderEventRequest) (*pb.PortOrderEvent, error) {
	order, seq, err := parseEventName(req.GetName())
	if err != nil {
		return nil, err
	}
	sel, err := s.c.eventSelector(ctx, order, "")
	if err != nil {
		return nil, err
	}
	notFound := gatewayError(codes.NotFound, ReasonEventNotFound, fmt.Sprintf("event %s not found", req.GetName()), map[string]string{"name": req.GetName()})
	e, err := s.c.events.GetEvent(ctx, seq)
	if errors.Is(err, store.ErrNotFound) {
		return nil, notFound
	}
	if err != nil {
		return nil, storeErr(err)
	}
	if !sel.stored(e) {
		return nil, notFound
	}
	out := eventToProto(e)
	ds, err := s.c.events.ListDeliveryAttempts(ctx, seq)
	if err != nil {
		return nil, storeErr(err)
	}
	for _, d := range ds {
		out.Deliveries = append(out.Deliveries, deliveryToProto(d))
	}
	return out, nil
}

func deliveryToProto(d store.DeliveryAttempt) *pb.PortOrderEventDelivery {
	out := &pb.PortOrderEventDelivery{
		TargetUri:   publicURL(d.TargetURL),
		Attempt:     int32(d.Attempt),
		Status:      pb.PortOrderEventDelivery_Status(pb.PortOrderEventDelivery_Status_value[strings.ToUpper(d.Status)]),
		HttpStatus:  int32(d.HTTPStatus),
		Error:       d.Error,
		AttemptTime: timestamppb.New(d.AttemptedAt),
	}
	if !d.NextAttemptAt.IsZero() {
		out.NextAttemptTime = timestamppb.New(d.NextAttemptAt)
	}
	return out
}

// publicURL drops user info and query (where callers put tokens).
func publicURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return ""
	}
	u.User, u.RawQuery, u.Fragment = nil, "", ""
	return u.String()
}

// WatchPortOrderEvents replays stored events after after_sequence, then
// follows new ones. Reading (from the store) and sending (to the client)
// run apart, joined by a bounded buffer: a consumer that leaves the buffer
// full for the stall timeout is ended with ABORTED / WATCH_TOO_SLOW and
// resume_after, the last sequence handed to it; nothing it does slows
// ingestion or other streams.
func (s *PortingServer) WatchPortOrderEvents(req *pb.WatchPortOrderEventsRequest, stream pb.Porting_WatchPortOrderEventsServer) error {
	ctx := stream.Context()
	sel, err := s.c.eventSelector(ctx, req.GetParent(), req.GetFilter())
	if err != nil {
		return err
	}
	if req.GetAfterSequence() < 0 {
		return invalidArgument(ReasonInvalidArgument, fieldViolation{"after_sequence", "must not be negative"})
	}
	w := s.c.watch
	sub := w.hub.Subscribe()
	defer w.hub.Unsubscribe(sub)

	var lastSent atomic.Int64
	lastSent.Store(req.GetAfterSequence())
	buf := make(chan *pb.WatchPortOrderEventsResponse, w.buffer)
	sendDone := make(chan error, 1)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sendCtx, stopSender := context.WithCancel(ctx)
	senderExited := make(chan struct{})
	go func() {
		defer close(senderExited)
		for {
			select {
			case <-sendCtx.Done():
				sendDone <- nil
				return
			case m := <-buf:
				if err := stream.Send(m); err != nil {
					sendDone <- err
					return
				}
				if m.GetEvent() != nil {
					lastSent.Store(m.GetEvent().GetSequence())
				}
			}
		}
	}()
	// resumeAfter leaves the hub, stops the sender and returns the last
	// sequence it handed to gRPC, queued ahead of the status that ends the
	// stream. A sender stuck in Send (a stalled consumer) is waited for
	// until that Send finishes or the stream itself ends (the client goes
	// away, or a hard stop after the shutdown grace): only then is the
	// answer exact — a message in flight is either counted and delivered
	// before the status, or never delivered. The stream stays open but holds
	// nothing up meanwhile: it is no longer subscribed, and reads nothing.
	resumeAfter := func() string {
		w.hub.Unsubscribe(sub)
		stopSender()
		select {
		case <-senderExited:
		case <-stream.Context().Done():
		}
		return strconv.FormatInt(lastSent.Load(), 10)
	}
	tooSlow := func() error {
		after := resumeAfter()
		return gatewayError(codes.Aborted, ReasonWatchTooSlow,
			fmt.Sprintf("the stream fell too far behind (%d events waited longer than %s); reconnect with after_sequence=%s", w.buffer, w.stall, after),
			map[string]string{"resume_after": after})
	}
	closing := func() error {
		after := resumeAfter()
		return gatewayError(codes.Unavailable, ReasonShuttingDown,
			"the server is shutting down; reconnect (to any replica) with after_sequence="+after,
			map[string]string{"resume_after": after}, &errdetails.RetryInfo{RetryDelay: durationpb.New(time.Second)})
	}
	var pollC <-chan time.Time
	if w.poll > 0 {
		poll := time.NewTicker(w.poll)
		defer poll.Stop()
		pollC = poll.C
	}
	// Heartbeats: once caught up, then after every idle period. Skipped
	// (not queued) when the buffer is full: the consumer is busy anyway.
	heartbeat := time.NewTimer(w.heartbeat)
	defer heartbeat.Stop()
	beat := func() {
		select {
		case buf <- &pb.WatchPortOrderEventsResponse{HeartbeatTime: timestamppb.Now()}:
		default:
		}
		heartbeat.Reset(w.heartbeat)
	}
	caughtUp := false
	var stall *time.Timer
	pos := req.GetAfterSequence()
	for {
		batch, err := s.c.events.ListEvents(ctx, store.EventQuery{AfterSeq: pos, OrderName: sel.order, Limit: eventReadBatch})
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return storeErr(err)
		}
		for _, e := range batch {
			pos = e.Seq
			if !sel.stored(e) {
				continue
			}
			pe := eventToProto(e)
			if !sel.match(pe) {
				continue
			}
			m := &pb.WatchPortOrderEventsResponse{Event: pe}
			heartbeat.Reset(w.heartbeat)
			select {
			case buf <- m:
				continue
			default:
			}
			if stall == nil {
				stall = time.NewTimer(w.stall)
			} else {
				stall.Reset(w.stall)
			}
			select {
			case buf <- m:
				stall.Stop()
			case <-stall.C:
				return tooSlow()
			case <-w.hub.Done():
				return closing()
			case err := <-sendDone:
				return err
			case <-ctx.Done():
				return nil
			}
		}
		if len(batch) == eventReadBatch {
			continue
		}
		if !caughtUp {
			caughtUp = true
			beat()
		}
		select {
		case <-sub.C:
		case <-heartbeat.C:
			beat()
		case <-pollC:
		case <-w.hub.Done():
			return closing()
		case err := <-sendDone:
			return err
		case <-ctx.Done():
			return nil
		}
	}
}

// watchConfig is shared by all Watch streams.
type watchConfig struct {
	hub       *events.Hub
	buffer    int
	stall     time.Duration
	poll      time.Duration
	heartbeat time.Duration
}

// WatchHeartbeat is the idle time after which a Watch stream sends a
// heartbeat.
const WatchHeartbeat = 30 * time.Second
