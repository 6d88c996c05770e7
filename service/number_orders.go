package service

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "github.com/portgate/portgate/gen/portgate/v1"
	"github.com/portgate/portgate/internal/store"
	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/portable"
)

// Buying and releasing numbers (issue 14, slice buy).
//
// Telnyx keeps number orders itself: CreateNumberOrder is one POST and the
// order is read back from Telnyx. Flowroute sells one number per request
// and keeps no order: portgate synthesizes the NumberOrder and keeps it in
// its store (table number_orders). Crash safety of a synthesized order:
//
//  1. the order is stored with every number PENDING before the first
//     purchase (and, with a request_id, recorded as the request's
//     resource, so a retry resumes it instead of starting a new order);
//  2. before each purchase the number is stored as "purchasing", after it
//     as SUCCESS or FAILED;
//  3. resuming (a retry with the same request_id after the first call died)
//     first settles every "purchasing" number by reading it on the account
//     (GET /v2/numbers/{id}): on the account → SUCCESS; not there → it was
//     not bought and is bought now; then buys the numbers still PENDING.
//
// GetNumberOrder never buys: it reports a "purchasing" number as SUCCESS
// when the number is on the account, else PENDING.

// Reasons raised here.
const (
	ReasonNumberOrderNotFound         = "NUMBER_ORDER_NOT_FOUND"
	ReasonReleaseConfirmationMismatch = "RELEASE_CONFIRMATION_MISMATCH"
	ReasonNumberDeletionLocked        = providers.ReasonNumberDeletionLocked
	ReasonNumberOrderIncomplete       = "NUMBER_ORDER_INCOMPLETE"
)

// MaxNumberOrderNumbers is the most numbers one CreateNumberOrder buys
// (portgate's limit, enforced before any provider call: Flowroute numbers
// are bought one request each within the caller's deadline).
const MaxNumberOrderNumbers = 100

// purchasing is the stored per-number state while its purchase is in flight.
const purchasing = "PURCHASING"

func numberOrderName(p, id string) string { return "providers/" + p + "/numberOrders/" + id }

func parseNumberOrderName(field, s string) (provider, id string, err error) {
	parts := strings.Split(s, "/")
	if len(parts) != 4 || parts[0] != "providers" || parts[2] != "numberOrders" || parts[1] == "" || parts[1] == AllProviders || parts[3] == "" {
		return "", "", invalidArgument(ReasonInvalidArgument, fieldViolation{field, "must be providers/{provider}/numberOrders/{number_order}"})
	}
	if !portable.NumberOrderID.Valid(parts[3]) {
		return "", "", invalidArgument(providers.ReasonInvalidResourceID, fieldViolation{field, "the number order id must be " + portable.NumberOrderID.Description})
	}
	return parts[1], parts[3], nil
}

// storedNumberOrder is the JSON snapshot of a synthesized order.
type storedNumberOrder struct {
	ID                 string             `json:"id"`
	Numbers            []storedOrderEntry `json:"numbers"`
	CustomerReference  string             `json:"customer_reference,omitempty"`
	MessagingEnabled   bool               `json:"messaging_enabled,omitempty"`
	CNAMLookupsEnabled bool               `json:"cnam_lookups_enabled,omitempty"`
	CreateTime         time.Time          `json:"create_time"`
	UpdateTime         time.Time          `json:"update_time"`
}

type storedOrderEntry struct {
	PhoneNumber    string `json:"phone_number"`
	State          string `json:"state"` // PENDING, PURCHASING, SUCCESS, FAILED
	Reason         string `json:"reason,omitempty"`
	ProviderStatus string `json:"provider_status,omitempty"`
}

// newOrderID is a UUID whose first 48 bits are the time in milliseconds
// (UUIDv7 layout), so stored orders list in creation order.
func newOrderID(now time.Time) string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	ms := uint64(now.UnixMilli())
	for i := 0; i < 6; i++ {
		b[i] = byte(ms >> (40 - 8*i))
	}
	b[6] = b[6]&0x0f | 0x70
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func (o *storedNumberOrder) toProvider() *providers.NumberOrder {
	out := &providers.NumberOrder{ID: o.ID, CustomerReference: o.CustomerReference, MessagingEnabled: o.MessagingEnabled,
		CNAMLookupsEnabled: o.CNAMLookupsEnabled, CreateTime: o.CreateTime, UpdateTime: o.UpdateTime}
	var pending, ok, failed int
	for _, e := range o.Numbers {
		n := providers.NumberOrderNumber{PhoneNumber: e.PhoneNumber, Reason: e.Reason, ProviderStatus: e.ProviderStatus}
		switch e.State {
		case string(providers.NumberPurchaseSuccess):
			n.State = providers.NumberPurchaseSuccess
			ok++
		case string(providers.NumberPurchaseFailed):
			n.State = providers.NumberPurchaseFailed
			failed++
		default:
			n.State = providers.NumberPurchasePending
			pending++
		}
		out.Numbers = append(out.Numbers, n)
	}
	switch {
	case pending > 0:
		out.State = providers.NumberOrderPending
	case ok > 0 && failed > 0:
		out.State = providers.NumberOrderPartial
	case ok > 0:
		out.State = providers.NumberOrderSuccess
	default:
		out.State = providers.NumberOrderFailed
	}
	return out
}

func numberOrderToProto(prov string, o *providers.NumberOrder, synthesized bool) *pb.NumberOrder {
	out := &pb.NumberOrder{
		Name: numberOrderName(prov, o.ID), Provider: providerName(prov), ProviderStatus: o.ProviderStatus,
		ConnectionId: o.ConnectionID, MessagingProfileId: o.MessagingProfileID, BillingGroupId: o.BillingGroupID,
		CustomerReference: o.CustomerReference, MessagingEnabled: o.MessagingEnabled, CnamLookupsEnabled: o.CNAMLookupsEnabled,
		Synthesized: synthesized, CreateTime: ts(o.CreateTime), UpdateTime: ts(o.UpdateTime),
	}
	switch o.State {
	case providers.NumberOrderPending:
		out.State = pb.NumberOrder_PENDING
	case providers.NumberOrderSuccess:
		out.State = pb.NumberOrder_SUCCESS
	case providers.NumberOrderPartial:
		out.State = pb.NumberOrder_PARTIAL
	case providers.NumberOrderFailed:
		out.State = pb.NumberOrder_FAILED
	}
	for _, n := range o.Numbers {
		out.PhoneNumbers = append(out.PhoneNumbers, n.PhoneNumber)
		pn := &pb.NumberOrderNumber{PhoneNumber: n.PhoneNumber, Reason: n.Reason, ProviderStatus: n.ProviderStatus}
		switch n.State {
		case providers.NumberPurchasePending:
			pn.State = pb.NumberOrderNumber_PENDING
		case providers.NumberPurchaseSuccess:
			pn.State = pb.NumberOrderNumber_SUCCESS
			pn.Number = numberName(prov, n.PhoneNumber)
		case providers.NumberPurchaseFailed:
			pn.State = pb.NumberOrderNumber_FAILED
		}
		out.Numbers = append(out.Numbers, pn)
	}
	return out
}

// CreateNumberOrder buys numbers. With a request_id a retry never buys
// twice: it answers (or, after a crash, finishes) the first order.
func (s *NumbersServer) CreateNumberOrder(ctx context.Context, req *pb.CreateNumberOrderRequest) (*pb.NumberOrder, error) {
	return do(ctx, s.c, "CreateNumberOrder", req, func(ctx context.Context, accepted func(string)) (*pb.NumberOrder, error) {
		return s.createNumberOrder(ctx, req, accepted)
	}, s.resumeNumberOrder)
}

func (s *NumbersServer) createNumberOrder(ctx context.Context, req *pb.CreateNumberOrderRequest, accepted func(string)) (*pb.NumberOrder, error) {
	prov, err := parseParent("parent", req.GetParent())
	if err != nil {
		return nil, err
	}
	if prov == AllProviders {
		return nil, invalidArgument(ReasonInvalidArgument, fieldViolation{"parent", "numbers are bought from one provider: use providers/{provider}"})
	}
	if err := validateRequestID(req.GetRequestId()); err != nil {
		return nil, err
	}
	no := req.GetNumberOrder()
	if len(no.GetPhoneNumbers()) == 0 {
		return nil, invalidArgument(ReasonInvalidArgument, fieldViolation{"number_order.phone_numbers", "at least one number is required"})
	}
	numbers, err := s.c.normalizeNumbers("number_order.phone_numbers", no.GetPhoneNumbers(), false)
	if err != nil {
		return nil, err
	}
	b, err := s.c.backend("parent", prov)
	if err != nil {
		return nil, err
	}
	if err := s.c.requireCapability(b, providers.OpCreateNumberOrder); err != nil {
		return nil, err
	}
	orderer := b.Provider.NumberOrderer()
	// Strict on input: an option this provider cannot apply is refused
	// before any purchase rather than silently dropped.
	var vs []fieldViolation
	unsupported := func(set bool, field, why string) {
		if set {
			vs = append(vs, fieldViolation{"number_order." + field, why})
		}
	}
	if orderer {
		why := prov + " sets this per number after the purchase (UpdateNumber), not on the order"
		unsupported(no.GetMessagingEnabled(), "messaging_enabled", why+"; set messaging_profile_id instead")
		unsupported(no.GetCnamLookupsEnabled(), "cnam_lookups_enabled", why)
	} else {
		why := prov + " has no such purchase option"
		unsupported(no.GetConnectionId() != "", "connection_id", why+"; route the numbers with UpdateNumber after buying")
		unsupported(no.GetMessagingProfileId() != "", "messaging_profile_id", why+"; use messaging_enabled")
		unsupported(no.GetBillingGroupId() != "", "billing_group_id", why)
	}
	if len(vs) > 0 {
		return nil, invalidArgument(ReasonInvalidArgument, vs...)
	}
	if orderer {
		o, err := b.Provider.CreateNumberOrder(ctx, providers.NumberOrderRequest{PhoneNumbers: numbers,
			ConnectionID: no.GetConnectionId(), MessagingProfileID: no.GetMessagingProfileId(), BillingGroupID: no.GetBillingGroupId(),
			CustomerReference: no.GetCustomerReference(), RequestID: req.GetRequestId(),
			OnAccepted: func(id string) { accepted(numberOrderName(prov, id)) }})
		if err != nil {
			return nil, toStatus(prov, err, ReasonNumberOrderNotFound, "")
		}
		s.c.log.InfoContext(ctx, "number order created", "provider", prov, "order", o.ID, "numbers", len(numbers))
		return numberOrderToProto(prov, o, false), nil
	}
	now := time.Now().UTC()
	so := &storedNumberOrder{ID: newOrderID(now), CustomerReference: no.GetCustomerReference(),
		MessagingEnabled: no.GetMessagingEnabled(), CNAMLookupsEnabled: no.GetCnamLookupsEnabled(), CreateTime: now, UpdateTime: now}
	for _, n := range numbers {
		so.Numbers = append(so.Numbers, storedOrderEntry{PhoneNumber: n, State: string(providers.NumberPurchasePending)})
	}
	if err := s.putOrder(ctx, prov, so); err != nil {
		// Nothing was bought: the caller may retry.
		return nil, gatewayError(codes.Unavailable, ReasonIdempotencyUnavailable,
			"the number order could not be recorded; nothing was bought, retry later", nil)
	}
	accepted(numberOrderName(prov, so.ID))
	s.c.log.InfoContext(ctx, "number order created", "provider", prov, "order", so.ID, "numbers", len(numbers), "synthesized", true)
	out, settled := s.runSynthesized(ctx, b, prov, so)
	if !settled && req.GetRequestId() != "" {
		// Not an outcome to remember: the request_id keeps the order as its
		// resource, so a retry resumes it (settles and finishes the purchases).
		return nil, incomplete(out)
	}
	return out, nil
}

// incomplete is the answer when a synthesized order could not be finished
// (the caller's deadline, the store, or a purchase whose outcome could not
// be read back): retry with the same request_id to finish it.
func incomplete(o *pb.NumberOrder) error {
	return gatewayError(codes.Unavailable, ReasonNumberOrderIncomplete,
		fmt.Sprintf("number order %s is recorded but not finished (some purchases are pending or their outcome is not known yet); "+
			"retry with the same request_id to finish it, or read it with GetNumberOrder", o.GetName()),
		map[string]string{"number_order": o.GetName()},
		&errdetails.RetryInfo{RetryDelay: durationpb.New(idemRetryDelay)})
}

// putOrder stores a synthesized order's snapshot (detached from the
// caller's context: a purchase the provider made must be recorded even when
// the caller went away).
func (s *NumbersServer) putOrder(ctx context.Context, prov string, so *storedNumberOrder) error {
	so.UpdateTime = time.Now().UTC()
	snap, err := json.Marshal(so)
	if err != nil {
		return err
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), idemStoreTimeout)
	defer cancel()
	err = s.c.events.PutNumberOrder(sctx, store.NumberOrderRecord{OrderName: numberOrderName(prov, so.ID), Provider: prov,
		Snapshot: snap, CreatedAt: so.CreateTime, UpdatedAt: so.UpdateTime})
	if err != nil {
		s.c.log.ErrorContext(ctx, "number order: storing the order failed", "order", so.ID, "err", err)
	}
	return err
}

func (s *NumbersServer) loadOrder(ctx context.Context, prov, id string) (*storedNumberOrder, error) {
	rec, err := s.c.events.GetNumberOrder(ctx, numberOrderName(prov, id))
	if errors.Is(err, store.ErrNotFound) {
		return nil, gatewayError(codes.NotFound, ReasonNumberOrderNotFound,
			fmt.Sprintf("number order %s not found", numberOrderName(prov, id)), map[string]string{"provider": providerName(prov)})
	}
	if err != nil {
		return nil, gatewayError(codes.Unavailable, ReasonIdempotencyUnavailable, "the number order store is unavailable; retry later", nil)
	}
	var so storedNumberOrder
	if err := json.Unmarshal(rec.Snapshot, &so); err != nil {
		return nil, gatewayError(codes.Internal, "INTERNAL_ERROR", "stored number order unreadable", nil)
	}
	return &so, nil
}

// onAccount settles a number whose purchase outcome is unknown by reading
// it: (true, nil) on the account, (false, nil) not there.
func onAccount(ctx context.Context, p *portable.Client, n string) (bool, error) {
	_, err := p.GetNumber(ctx, n)
	switch providers.ErrorCode(err) {
	case providers.CodeUnknown:
		if err == nil {
			return true, nil
		}
	case providers.CodeNotFound:
		return false, nil
	}
	return false, err
}

// outcomeUnknown reports whether a failed purchase may have happened all
// the same (the request may have reached the provider).
func outcomeUnknown(err error) bool {
	switch providers.ErrorCode(err) {
	case providers.CodeUnavailable, providers.CodeDeadlineExceeded, providers.CodeCanceled, providers.CodeUnknown, providers.CodeBadResponse:
		return true
	}
	return false
}

// runSynthesized buys the order's unsettled numbers one by one, storing
// the order before and after each purchase, and returns the order and
// whether every number is settled (SUCCESS or FAILED).
func (s *NumbersServer) runSynthesized(ctx context.Context, b *Backend, prov string, so *storedNumberOrder) (*pb.NumberOrder, bool) {
	for i := range so.Numbers {
		e := &so.Numbers[i]
		if e.State == purchasing {
			// A purchase of an earlier attempt never reported back.
			on, err := onAccount(ctx, b.Provider, e.PhoneNumber)
			if err != nil {
				break // cannot tell yet: stays pending, a retry settles it
			}
			if on {
				e.State, e.Reason = string(providers.NumberPurchaseSuccess), ""
				_ = s.putOrder(ctx, prov, so)
				continue
			}
			e.State = string(providers.NumberPurchasePending) // not bought: buy it now
		}
		if e.State != string(providers.NumberPurchasePending) {
			continue
		}
		if ctx.Err() != nil {
			break
		}
		e.State = purchasing
		if err := s.putOrder(ctx, prov, so); err != nil {
			e.State = string(providers.NumberPurchasePending)
			break // never buy what could not be recorded first
		}
		res, err := b.Provider.PurchaseNumber(ctx, providers.NumberPurchase{PhoneNumber: e.PhoneNumber,
			MessagingEnabled: so.MessagingEnabled, CNAMLookupsEnabled: so.CNAMLookupsEnabled})
		switch {
		case err == nil:
			e.State, e.ProviderStatus = string(providers.NumberPurchaseSuccess), "201"
			for _, f := range res.Failures {
				e.ProviderStatus = "207"
				e.Reason = f.Message
			}
		case outcomeUnknown(err):
			on, gerr := onAccount(context.WithoutCancel(ctx), b.Provider, e.PhoneNumber)
			switch {
			case gerr != nil:
				// Still unknown: stays "purchasing" (reported PENDING).
				e.Reason = "purchase outcome unknown (" + providers.ErrorCode(err).String() + "); retry with the same request_id to settle it"
			case on:
				e.State, e.Reason = string(providers.NumberPurchaseSuccess), ""
			default:
				e.State, e.Reason = string(providers.NumberPurchaseFailed), purchaseFailure(err)
			}
		default:
			e.State, e.Reason = string(providers.NumberPurchaseFailed), purchaseFailure(err)
		}
		if pe := (*providers.Error)(nil); errors.As(err, &pe) && pe.HTTPStatus != 0 {
			e.ProviderStatus = fmt.Sprint(pe.HTTPStatus)
		}
		_ = s.putOrder(ctx, prov, so)
	}
	o := so.toProvider()
	return numberOrderToProto(prov, o, true), o.State != providers.NumberOrderPending
}

func purchaseFailure(err error) string {
	pe := providers.AsError("", err)
	msg := pe.Message
	if msg == "" {
		msg = pe.Code.String()
	}
	return msg
}

// resumeNumberOrder answers a retry whose order was already accepted: a
// provider-kept order is read back; a synthesized one is finished.
func (s *NumbersServer) resumeNumberOrder(ctx context.Context, name string) (*pb.NumberOrder, error) {
	prov, id, err := parseNumberOrderName("name", name)
	if err != nil {
		return nil, err
	}
	b, err := s.c.backend("name", prov)
	if err != nil {
		return nil, err
	}
	if b.Provider.NumberOrderer() {
		return s.GetNumberOrder(ctx, &pb.GetNumberOrderRequest{Name: name})
	}
	so, err := s.loadOrder(ctx, prov, id)
	if err != nil {
		return nil, err
	}
	out, settled := s.runSynthesized(ctx, b, prov, so)
	if !settled {
		return nil, incomplete(out)
	}
	return out, nil
}

// GetNumberOrder reads one order (from Telnyx, or portgate's store).
func (s *NumbersServer) GetNumberOrder(ctx context.Context, req *pb.GetNumberOrderRequest) (*pb.NumberOrder, error) {
	prov, id, err := parseNumberOrderName("name", req.GetName())
	if err != nil {
		return nil, err
	}
	b, err := s.c.backend("name", prov)
	if err != nil {
		return nil, err
	}
	if err := s.c.requireCapability(b, providers.OpGetNumberOrder); err != nil {
		return nil, err
	}
	if b.Provider.NumberOrderer() {
		o, err := b.Provider.GetNumberOrder(ctx, id)
		if err != nil {
			return nil, toStatus(prov, err, ReasonNumberOrderNotFound, req.GetName())
		}
		return numberOrderToProto(prov, o, false), nil
	}
	so, err := s.loadOrder(ctx, prov, id)
	if err != nil {
		return nil, err
	}
	// Report, never buy: a number whose purchase never reported back is
	// SUCCESS when it is on the account.
	for i := range so.Numbers {
		if e := &so.Numbers[i]; e.State == purchasing {
			if on, err := onAccount(ctx, b.Provider, e.PhoneNumber); err == nil && on {
				e.State, e.Reason = string(providers.NumberPurchaseSuccess), ""
			}
		}
	}
	return numberOrderToProto(prov, so.toProvider(), true), nil
}

// ListNumberOrders lists one provider's orders, oldest first.
func (s *NumbersServer) ListNumberOrders(ctx context.Context, req *pb.ListNumberOrdersRequest) (*pb.ListNumberOrdersResponse, error) {
	res, next, err := listTop(ctx, s.c, listSpec[*providers.NumberOrder]{
		kind: "numberOrders", fields: map[string]filterField{}, record: func(*providers.NumberOrder) filterRecord {
			return func(string) []any { return nil }
		},
		less: func(a, b *providers.NumberOrder) bool {
			if !a.CreateTime.Equal(b.CreateTime) {
				return a.CreateTime.Before(b.CreateTime)
			}
			return a.ID < b.ID
		},
		fetch: func(expr) func(context.Context, *portable.Client, providers.ListQuery) ([]*providers.NumberOrder, string, error) {
			return func(ctx context.Context, p *portable.Client, q providers.ListQuery) ([]*providers.NumberOrder, string, error) {
				if !p.Supports(providers.OpListNumberOrders) {
					return nil, "", providers.CapabilityMissing(p.Name(), providers.OpListNumberOrders)
				}
				if p.NumberOrderer() {
					page, err := p.ListNumberOrders(ctx, q)
					if err != nil {
						return nil, "", err
					}
					return page.Orders, page.NextCursor, nil
				}
				return s.listStored(ctx, p.Name(), q)
			}
		},
	}, req.GetParent(), req.GetPageSize(), req.GetPageToken(), "")
	if err != nil {
		return nil, err
	}
	resp := &pb.ListNumberOrdersResponse{NextPageToken: next}
	for _, it := range res.items {
		b, _ := s.c.backend("parent", it.provider)
		resp.NumberOrders = append(resp.NumberOrders, numberOrderToProto(it.provider, it.v, b == nil || !b.Provider.NumberOrderer()))
	}
	return resp, nil
}

// listStored pages the store: the cursor is the last order name returned.
func (s *NumbersServer) listStored(ctx context.Context, prov string, q providers.ListQuery) ([]*providers.NumberOrder, string, error) {
	limit := q.Limit
	if limit <= 0 || limit > maxPageSize {
		limit = maxPageSize
	}
	recs, err := s.c.events.ListNumberOrders(ctx, prov, q.Cursor, limit)
	if err != nil {
		return nil, "", providers.Errorf(prov, providers.CodeUnavailable, "number order store: %v", err)
	}
	out := make([]*providers.NumberOrder, 0, len(recs))
	for _, r := range recs {
		var so storedNumberOrder
		if json.Unmarshal(r.Snapshot, &so) != nil {
			continue
		}
		out = append(out, so.toProvider())
	}
	next := ""
	if len(recs) == limit {
		next = recs[len(recs)-1].OrderName
	}
	return out, next, nil
}

// ReleaseNumber gives a number back to its provider. confirm_phone_number
// must repeat the number's digits; Telnyx's deletion lock is honoured before
// any DELETE (FAILED_PRECONDITION, NUMBER_DELETION_LOCKED).
func (s *NumbersServer) ReleaseNumber(ctx context.Context, req *pb.ReleaseNumberRequest) (*pb.Number, error) {
	return do(ctx, s.c, "ReleaseNumber", req, func(ctx context.Context, _ func(string)) (*pb.Number, error) {
		return s.releaseNumber(ctx, req)
	}, nil)
}

func (s *NumbersServer) releaseNumber(ctx context.Context, req *pb.ReleaseNumberRequest) (*pb.Number, error) {
	prov, number, err := parseNumberName("name", req.GetName(), s.c.region)
	if err != nil {
		return nil, err
	}
	confirm := strings.TrimPrefix(strings.TrimSpace(req.GetConfirmPhoneNumber()), "+")
	if confirm != strings.TrimPrefix(number, "+") {
		return nil, gatewayError(codes.InvalidArgument, ReasonReleaseConfirmationMismatch,
			fmt.Sprintf("confirm_phone_number must repeat the E.164 digits of the number to release (%s)", strings.TrimPrefix(number, "+")),
			map[string]string{"number": numberName(prov, number)},
			&errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{{Field: "confirm_phone_number",
				Description: "must be " + strings.TrimPrefix(number, "+") + " (releasing cannot be undone)"}}})
	}
	b, err := s.c.backend("name", prov)
	if err != nil {
		return nil, err
	}
	if err := s.c.requireCapability(b, providers.OpReleaseNumber); err != nil {
		return nil, err
	}
	n, err := b.Provider.ReleaseNumber(ctx, number)
	if err != nil {
		return nil, toStatus(prov, err, ReasonNumberNotFound, numberName(prov, number))
	}
	out := numberToProto(prov, n)
	out.ReleaseTime = timestamppb.New(time.Now().UTC())
	out.Etag = ""
	s.c.log.InfoContext(ctx, "number released", "provider", prov, "number", out.GetName())
	return out, nil
}
