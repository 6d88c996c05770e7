package service

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"

	pb "github.com/portgate/portgate/gen/portgate/v1"
	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/portable"
)

// PortingServer implements portgate.v1.Porting.
type PortingServer struct {
	pb.UnimplementedPortingServer
	c *core
}

var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func validateRequestID(id string) error {
	if id == "" || uuidRE.MatchString(id) {
		return nil
	}
	return invalidArgument(ReasonInvalidArgument, fieldViolation{"request_id", "must be a UUID (AIP-155)"})
}

// CheckPortability fans out to every requested provider in batches.
func (s *PortingServer) CheckPortability(ctx context.Context, req *pb.CheckPortabilityRequest) (*pb.CheckPortabilityResponse, error) {
	inputs := make(map[string]string, len(req.GetPhoneNumbers()))
	numbers := make([]string, 0, len(req.GetPhoneNumbers()))
	var vs []fieldViolation
	for i, raw := range req.GetPhoneNumbers() {
		n, err := parsePhone(raw, s.c.region)
		if err != nil {
			vs = append(vs, fieldViolation{fmt.Sprintf("phone_numbers[%d]", i), fmt.Sprintf("%q is not a valid phone number", raw)})
			continue
		}
		if _, dup := inputs[n]; !dup {
			inputs[n] = raw
			numbers = append(numbers, n)
		}
	}
	if len(vs) > 0 {
		return nil, invalidArgument(ReasonInvalidPhone, vs...)
	}
	prov, err := parseParent("parent", req.GetParent())
	if err != nil {
		return nil, err
	}
	backends, err := s.c.targets("parent", prov)
	if err != nil {
		return nil, err
	}
	verdicts := s.c.checkPortability(ctx, backends, numbers)
	resp := &pb.CheckPortabilityResponse{
		Results:         make([]*pb.PortabilityResult, 0, len(numbers)*len(backends)),
		Recommendations: make([]*pb.PortabilityRecommendation, 0, len(numbers)),
	}
	// Numbers every provider answered "portable" for, with the same
	// fast-portable flags, get the same recommendation (the providers'
	// health is read once per answer): worked out once per pattern, not
	// once per number (10,000 numbers are typically one or two patterns).
	// A refusal names the number and is worked out for it.
	type rec struct{ prov, reason string }
	same := map[string]rec{}
	pattern := make([]byte, len(backends))
	one := make([]string, 1)
	for _, n := range numbers {
		allPortable := true
		for i, b := range backends {
			r := verdicts[b.Provider.Name()][n]
			r.Input = inputs[n]
			resp.Results = append(resp.Results, r)
			switch {
			case r.Error != nil || !r.Portable:
				allPortable = false
			case r.FastPortable:
				pattern[i] = 'F'
			default:
				pattern[i] = 'P'
			}
		}
		var rc rec
		if got, ok := same[string(pattern)]; ok && allPortable {
			rc = got
		} else {
			one[0] = n
			rc.prov, rc.reason, _ = s.c.recommend(backends, verdicts, one)
			if allPortable {
				same[string(pattern)] = rc
			}
		}
		resp.Recommendations = append(resp.Recommendations, &pb.PortabilityRecommendation{PhoneNumber: n, RecommendedProvider: rc.prov, Reason: rc.reason})
	}
	return resp, nil
}

// CreatePortOrder validates, routes (providers/- picks a provider) and creates.
func (s *PortingServer) CreatePortOrder(ctx context.Context, req *pb.CreatePortOrderRequest) (*pb.PortOrder, error) {
	return do(ctx, s.c, "CreatePortOrder", req, func(ctx context.Context, accepted func(string)) (*pb.PortOrder, error) {
		o, err := s.createPortOrder(ctx, req, accepted)
		return o, redact(err, protoSecrets(req.GetPortOrder().GetEndUser())...)
	}, s.resumeCreate)
}

// resumeCreate answers a create whose order the provider already accepted
// (name recorded by an earlier attempt) by reading that order.
func (s *PortingServer) resumeCreate(ctx context.Context, name string) (*pb.PortOrder, error) {
	return s.GetPortOrder(ctx, &pb.GetPortOrderRequest{Name: name})
}

func (s *PortingServer) createPortOrder(ctx context.Context, req *pb.CreatePortOrderRequest, accepted func(name string)) (*pb.PortOrder, error) {
	prov, err := parseParent("parent", req.GetParent())
	if err != nil {
		return nil, err
	}
	if err := validateRequestID(req.GetRequestId()); err != nil {
		return nil, err
	}
	po := req.GetPortOrder()
	if len(po.GetPhoneNumbers()) == 0 {
		return nil, invalidArgument(ReasonInvalidArgument, fieldViolation{"port_order.phone_numbers", "at least one number is required"})
	}
	numbers, err := s.c.normalizeNumbers("port_order.phone_numbers", po.GetPhoneNumbers(), false)
	if err != nil {
		return nil, err
	}
	order := portOrderFromProto(po)
	order.PhoneNumbers = numbers
	if err := s.c.normalizeOrderNumbers(&order, "port_order."); err != nil {
		return nil, err
	}
	var routing *pb.RoutingDecision
	var b *Backend
	if prov == AllProviders {
		b, routing, err = s.c.route(ctx, numbers)
		if err != nil {
			return nil, err
		}
	} else if b, err = s.c.backend("parent", prov); err != nil {
		return nil, err
	}
	name := b.Provider.Name()
	if err := s.c.requireCapability(b, providers.OpCreatePortOrder); err != nil {
		return nil, err
	}
	res, err := b.Provider.CreatePortOrder(ctx, providers.CreatePortOrderRequest{Order: order, RequestID: req.GetRequestId(),
		OnAccepted: func(id string) { accepted(portOrderName(name, id)) }})
	if err != nil {
		return nil, redact(toStatus(name, err, ReasonPortOrderNotFound, ""), orderSecrets(order.EndUser)...)
	}
	if res == nil || res.Order == nil {
		return nil, toStatus(name, providers.Errorf(name, providers.CodeBadResponse, "create returned no order"), "", "")
	}
	out := portOrderToProto(name, res.Order)
	for _, r := range res.Related {
		rn := portOrderName(name, r.ID)
		if !contains(out.RelatedOrders, rn) {
			out.RelatedOrders = append(out.RelatedOrders, rn)
		}
	}
	out.Routing = routing
	s.c.log.InfoContext(ctx, "port order created", "provider", name, "order", out.Name, "numbers", len(numbers), "related", len(res.Related))
	return out, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// normalizeOrderNumbers normalizes the optional number fields of an order.
func (c *core) normalizeOrderNumbers(o *providers.PortOrder, prefix string) error {
	if err := c.optionalNumber(prefix+"end_user.billing_telephone_number", &o.EndUser.BillingTelephoneNumber); err != nil {
		return err
	}
	return c.optionalNumber(prefix+"new_billing_telephone_number", &o.NewBillingTelephoneNumber)
}

// GetPortOrder reads one order.
func (s *PortingServer) GetPortOrder(ctx context.Context, req *pb.GetPortOrderRequest) (*pb.PortOrder, error) {
	b, id, err := s.c.orderTarget("name", req.GetName())
	if err != nil {
		return nil, err
	}
	o, err := b.Provider.GetPortOrder(ctx, id)
	if err != nil {
		return nil, toStatus(b.Provider.Name(), err, ReasonPortOrderNotFound, req.GetName())
	}
	return portOrderToProto(b.Provider.Name(), o), nil
}

func (c *core) orderTarget(field, name string) (*Backend, string, error) {
	prov, id, err := parsePortOrderName(field, name)
	if err != nil {
		return nil, "", err
	}
	b, err := c.backend(field, prov)
	if err != nil {
		return nil, "", err
	}
	// The provider's documented id shape, checked before any call: a
	// malformed name is INVALID_ARGUMENT (AIP-193), not a NOT_FOUND the
	// provider would have to be asked for.
	if shape := b.capabilities().PortOrderID; !shape.Valid(id) {
		return nil, "", gatewayError(codes.InvalidArgument, providers.ReasonInvalidResourceID,
			fmt.Sprintf("%s: %q is not a %s port order id: it must be %s", field, truncate(id, 64), prov, shape.Description),
			map[string]string{"provider": providerName(prov)},
			&errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{{Field: field,
				Description: fmt.Sprintf("the port order id must be %s", shape.Description)}}})
	}
	return b, id, nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// UpdatePortOrder applies update_mask.
func (s *PortingServer) UpdatePortOrder(ctx context.Context, req *pb.UpdatePortOrderRequest) (*pb.PortOrder, error) {
	return do(ctx, s.c, "UpdatePortOrder", req, func(ctx context.Context, _ func(string)) (*pb.PortOrder, error) {
		o, err := s.updatePortOrder(ctx, req)
		return o, redact(err, protoSecrets(req.GetPortOrder().GetEndUser())...)
	}, nil)
}

func (s *PortingServer) updatePortOrder(ctx context.Context, req *pb.UpdatePortOrderRequest) (*pb.PortOrder, error) {
	po := req.GetPortOrder()
	b, id, err := s.c.orderTarget("port_order.name", po.GetName())
	if err != nil {
		return nil, err
	}
	if err := validateRequestID(req.GetRequestId()); err != nil {
		return nil, err
	}
	mask, err := orderMask(po, req.GetUpdateMask().GetPaths(), b.capabilities().UpdatableOrderFields, b.Provider.Name())
	if err != nil {
		return nil, err
	}
	upd := portOrderFromProto(po)
	if err := s.c.normalizeOrderNumbers(&upd, "port_order."); err != nil {
		return nil, err
	}
	if err := s.c.checkOrderETag(ctx, b, id, "port_order.etag", po.GetEtag(), po.GetName()); err != nil {
		return nil, err
	}
	o, err := b.Provider.UpdatePortOrder(ctx, providers.PortOrderUpdate{ID: id, Order: upd, Mask: mask})
	if err != nil {
		return nil, redact(toStatus(b.Provider.Name(), err, ReasonPortOrderNotFound, po.GetName()), orderSecrets(upd.EndUser)...)
	}
	return portOrderToProto(b.Provider.Name(), o), nil
}

// ModifyPortOrderNumbers adds and removes numbers.
func (s *PortingServer) ModifyPortOrderNumbers(ctx context.Context, req *pb.ModifyPortOrderNumbersRequest) (*pb.PortOrder, error) {
	return do(ctx, s.c, "ModifyPortOrderNumbers", req, func(ctx context.Context, _ func(string)) (*pb.PortOrder, error) {
		return s.modifyPortOrderNumbers(ctx, req)
	}, nil)
}

func (s *PortingServer) modifyPortOrderNumbers(ctx context.Context, req *pb.ModifyPortOrderNumbersRequest) (*pb.PortOrder, error) {
	b, id, err := s.c.orderTarget("name", req.GetName())
	if err != nil {
		return nil, err
	}
	if err := validateRequestID(req.GetRequestId()); err != nil {
		return nil, err
	}
	if len(req.GetAdd()) == 0 && len(req.GetRemove()) == 0 {
		return nil, invalidArgument(ReasonInvalidArgument, fieldViolation{"add", "add or remove at least one number"})
	}
	add, err := s.c.normalizeNumbers("add", req.GetAdd(), false)
	if err != nil {
		return nil, err
	}
	remove, err := s.c.normalizeNumbers("remove", req.GetRemove(), false)
	if err != nil {
		return nil, err
	}
	for i, n := range remove {
		if contains(add, n) {
			return nil, invalidArgument(ReasonInvalidArgument, fieldViolation{fmt.Sprintf("remove[%d]", i), n + " is also in add"})
		}
	}
	if err := s.c.requireCapability(b, providers.OpModifyPortOrderNumbers); err != nil {
		return nil, err
	}
	if err := s.c.checkOrderETag(ctx, b, id, "etag", req.GetEtag(), req.GetName()); err != nil {
		return nil, err
	}
	o, err := b.Provider.ModifyPortOrderNumbers(ctx, id, add, remove)
	if err != nil {
		return nil, toStatus(b.Provider.Name(), err, ReasonPortOrderNotFound, req.GetName())
	}
	return portOrderToProto(b.Provider.Name(), o), nil
}

// SubmitPortOrder signs and submits.
func (s *PortingServer) SubmitPortOrder(ctx context.Context, req *pb.SubmitPortOrderRequest) (*pb.PortOrder, error) {
	return do(ctx, s.c, "SubmitPortOrder", req, func(ctx context.Context, _ func(string)) (*pb.PortOrder, error) { return s.submitPortOrder(ctx, req) }, nil)
}

func (s *PortingServer) submitPortOrder(ctx context.Context, req *pb.SubmitPortOrderRequest) (*pb.PortOrder, error) {
	b, id, err := s.c.orderTarget("name", req.GetName())
	if err != nil {
		return nil, err
	}
	if err := validateRequestID(req.GetRequestId()); err != nil {
		return nil, err
	}
	if err := s.c.checkOrderETag(ctx, b, id, "etag", req.GetEtag(), req.GetName()); err != nil {
		return nil, err
	}
	o, err := b.Provider.SubmitPortOrder(ctx, id, providers.Signature{Name: req.GetSignerName(), Title: req.GetSignerTitle()})
	if err != nil {
		return nil, toStatus(b.Provider.Name(), err, ReasonPortOrderNotFound, req.GetName())
	}
	return portOrderToProto(b.Provider.Name(), o), nil
}

// CancelPortOrder cancels.
func (s *PortingServer) CancelPortOrder(ctx context.Context, req *pb.CancelPortOrderRequest) (*pb.PortOrder, error) {
	return do(ctx, s.c, "CancelPortOrder", req, func(ctx context.Context, _ func(string)) (*pb.PortOrder, error) { return s.cancelPortOrder(ctx, req) }, nil)
}

func (s *PortingServer) cancelPortOrder(ctx context.Context, req *pb.CancelPortOrderRequest) (*pb.PortOrder, error) {
	b, id, err := s.c.orderTarget("name", req.GetName())
	if err != nil {
		return nil, err
	}
	if err := validateRequestID(req.GetRequestId()); err != nil {
		return nil, err
	}
	if err := s.c.checkOrderETag(ctx, b, id, "etag", req.GetEtag(), req.GetName()); err != nil {
		return nil, err
	}
	o, err := b.Provider.CancelPortOrder(ctx, id)
	if err != nil {
		return nil, toStatus(b.Provider.Name(), err, ReasonPortOrderNotFound, req.GetName())
	}
	return portOrderToProto(b.Provider.Name(), o), nil
}

// ListPortOrderComments pages the provider's comments.
func (s *PortingServer) ListPortOrderComments(ctx context.Context, req *pb.ListPortOrderCommentsRequest) (*pb.ListPortOrderCommentsResponse, error) {
	cs, next, err := pageChildren(ctx, s.c, "comments", providers.OpListComments, req.GetParent(), req.GetPageSize(), req.GetPageToken(), (*portable.Client).ListComments)
	if err != nil {
		return nil, err
	}
	resp := &pb.ListPortOrderCommentsResponse{NextPageToken: next}
	for _, c := range cs {
		resp.Comments = append(resp.Comments, commentToProto(req.GetParent(), c))
	}
	return resp, nil
}

// pageChildren lists children of a port order (comments, documents) that
// providers return whole, and pages them in the gateway.
func pageChildren[T any](ctx context.Context, c *core, kind string, op providers.Operation, parent string, pageSz int32, token string,
	list func(*portable.Client, context.Context, string) ([]T, error)) ([]T, string, error) {
	b, id, err := c.orderTarget("parent", parent)
	if err != nil {
		return nil, "", err
	}
	size, err := pageSize(pageSz)
	if err != nil {
		return nil, "", err
	}
	bind := binding{kind: kind, parent: parent}
	offs, err := c.tokens.decode(token, bind, []string{"_"})
	if err != nil {
		return nil, "", err
	}
	if err := c.requireCapability(b, op); err != nil {
		return nil, "", err
	}
	items, err := list(b.Provider, ctx, id)
	if err != nil {
		return nil, "", toStatus(b.Provider.Name(), err, ReasonPortOrderNotFound, parent)
	}
	start, end, next := window(len(items), offs["_"].S, size)
	return items[start:end], c.tokens.encode(bind, next), nil
}

// window slices an in-memory list for a page; next is nil on the last page.
func window(n, off, size int) (start, end int, next map[string]cursorPos) {
	start = min(off, n)
	end = min(start+size, n)
	if end < n {
		next = map[string]cursorPos{"_": {S: end}}
	}
	return start, end, next
}

// CreatePortOrderComment adds a comment.
func (s *PortingServer) CreatePortOrderComment(ctx context.Context, req *pb.CreatePortOrderCommentRequest) (*pb.PortOrderComment, error) {
	return do(ctx, s.c, "CreatePortOrderComment", req, func(ctx context.Context, _ func(string)) (*pb.PortOrderComment, error) {
		return s.createPortOrderComment(ctx, req)
	}, nil)
}

func (s *PortingServer) createPortOrderComment(ctx context.Context, req *pb.CreatePortOrderCommentRequest) (*pb.PortOrderComment, error) {
	b, id, err := s.c.orderTarget("parent", req.GetParent())
	if err != nil {
		return nil, err
	}
	if err := validateRequestID(req.GetRequestId()); err != nil {
		return nil, err
	}
	// Required and bounded by the contract (ValidateRequest, before this handler).
	body := strings.TrimSpace(req.GetComment().GetBody())
	if err := s.c.requireCapability(b, providers.OpCreateComment); err != nil {
		return nil, err
	}
	c, err := b.Provider.CreateComment(ctx, id, body)
	if err != nil {
		return nil, toStatus(b.Provider.Name(), err, ReasonPortOrderNotFound, req.GetParent())
	}
	return commentToProto(req.GetParent(), *c), nil
}

// CreatePortOrderDocument attaches a document.
func (s *PortingServer) CreatePortOrderDocument(ctx context.Context, req *pb.CreatePortOrderDocumentRequest) (*pb.PortOrderDocument, error) {
	return do(ctx, s.c, "CreatePortOrderDocument", req, func(ctx context.Context, _ func(string)) (*pb.PortOrderDocument, error) {
		return s.createPortOrderDocument(ctx, req)
	}, nil)
}

func (s *PortingServer) createPortOrderDocument(ctx context.Context, req *pb.CreatePortOrderDocumentRequest) (*pb.PortOrderDocument, error) {
	b, id, err := s.c.orderTarget("parent", req.GetParent())
	if err != nil {
		return nil, err
	}
	if err := validateRequestID(req.GetRequestId()); err != nil {
		return nil, err
	}
	// type, filename and content are required by the contract (ValidateRequest).
	d := req.GetDocument()
	caps := b.capabilities()
	if limit := caps.MaxDocumentBytes; limit > 0 && int64(len(d.GetContent())) > limit {
		return nil, invalidArgument(ReasonDocumentTooLarge, fieldViolation{"document.content",
			fmt.Sprintf("%d bytes is over %s's limit of %d bytes", len(d.GetContent()), b.Provider.Name(), limit)})
	}
	if err := s.c.requireCapability(b, providers.OpUploadDocument); err != nil {
		return nil, err
	}
	ct := d.GetContentType()
	if ct == "" {
		ct = "application/octet-stream"
	}
	doc, err := b.Provider.UploadDocument(ctx, id, providers.DocumentUpload{
		Type: providers.DocumentType(d.GetType()), Filename: d.GetFilename(), ContentType: ct, Content: d.GetContent(),
	})
	if err != nil {
		return nil, toStatus(b.Provider.Name(), err, ReasonPortOrderNotFound, req.GetParent())
	}
	return documentToProto(req.GetParent(), *doc), nil
}

// ListPortOrderDocuments pages the order's documents.
func (s *PortingServer) ListPortOrderDocuments(ctx context.Context, req *pb.ListPortOrderDocumentsRequest) (*pb.ListPortOrderDocumentsResponse, error) {
	ds, next, err := pageChildren(ctx, s.c, "documents", providers.OpListDocuments, req.GetParent(), req.GetPageSize(), req.GetPageToken(), (*portable.Client).ListDocuments)
	if err != nil {
		return nil, err
	}
	b, id, err := s.c.orderTarget("parent", req.GetParent())
	if err != nil {
		return nil, err
	}
	resp := &pb.ListPortOrderDocumentsResponse{NextPageToken: next}
	for _, d := range ds {
		if err := linkDocument(ctx, b, id, req.GetParent(), &d); err != nil {
			return nil, err
		}
		resp.Documents = append(resp.Documents, documentToProto(req.GetParent(), d))
	}
	return resp, nil
}

// linkDocument sets d's download link from the provider's credential-free
// link (providers.DocumentLinker), the only link a document shows, the same
// way for ListPortOrderDocuments and GetPortOrderDocument.
func linkDocument(ctx context.Context, b *Backend, orderID, order string, d *providers.Document) error {
	d.DownloadURL, d.DownloadExpireTime = "", time.Time{}
	link, ok, err := b.Provider.DocumentDownloadLink(ctx, orderID, d.ID)
	if err != nil {
		return toStatus(b.Provider.Name(), err, ReasonDocumentNotFound, documentName(order, d.ID))
	}
	if ok {
		d.DownloadURL, d.DownloadExpireTime = link.URL, link.ExpireTime
	}
	return nil
}

// GetPortOrderComment reads one comment. Providers return an order's
// comments whole, so this finds it in the order's list.
func (s *PortingServer) GetPortOrderComment(ctx context.Context, req *pb.GetPortOrderCommentRequest) (*pb.PortOrderComment, error) {
	order, cid, err := parseChildName("name", req.GetName(), "comments")
	if err != nil {
		return nil, err
	}
	b, id, err := s.c.orderTarget("name", order)
	if err != nil {
		return nil, err
	}
	if err := s.c.requireCapability(b, providers.OpListComments); err != nil {
		return nil, err
	}
	cs, err := b.Provider.ListComments(ctx, id)
	if err != nil {
		return nil, toStatus(b.Provider.Name(), err, ReasonPortOrderNotFound, order)
	}
	for _, c := range cs {
		if c.ID == cid {
			return commentToProto(order, c), nil
		}
	}
	return nil, gatewayError(codes.NotFound, ReasonCommentNotFound, fmt.Sprintf("%s: no such comment", req.GetName()),
		map[string]string{"provider": providerName(b.Provider.Name())})
}

// GetPortOrderDocument reads one document's metadata (with the provider's
// download link when it offers one), found in the order's document list.
func (s *PortingServer) GetPortOrderDocument(ctx context.Context, req *pb.GetPortOrderDocumentRequest) (*pb.PortOrderDocument, error) {
	order, did, err := parseChildName("name", req.GetName(), "documents")
	if err != nil {
		return nil, err
	}
	b, id, err := s.c.orderTarget("name", order)
	if err != nil {
		return nil, err
	}
	if err := s.c.requireCapability(b, providers.OpListDocuments); err != nil {
		return nil, err
	}
	ds, err := b.Provider.ListDocuments(ctx, id)
	if err != nil {
		return nil, toStatus(b.Provider.Name(), err, ReasonPortOrderNotFound, order)
	}
	for _, d := range ds {
		if d.ID == did {
			if err := linkDocument(ctx, b, id, order, &d); err != nil {
				return nil, err
			}
			return documentToProto(order, d), nil
		}
	}
	return nil, gatewayError(codes.NotFound, ReasonDocumentNotFound, fmt.Sprintf("%s: no such document", req.GetName()),
		map[string]string{"provider": providerName(b.Provider.Name())})
}

// checkOrderETag reads the order and refuses the call when want is set and
// stale (AIP-154), before the provider write.
func (c *core) checkOrderETag(ctx context.Context, b *Backend, id, field, want, name string) error {
	if want == "" {
		return nil
	}
	o, err := b.Provider.GetPortOrder(ctx, id)
	if err != nil {
		return toStatus(b.Provider.Name(), err, ReasonPortOrderNotFound, name)
	}
	return checkETag(field, want, portOrderToProto(b.Provider.Name(), o).GetEtag(), name)
}
