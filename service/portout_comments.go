package service

import (
	"context"
	"strings"

	pb "github.com/portgate/portgate/gen/portgate/v1"
	"github.com/portgate/portgate/providers"
)

func portOutCommentToProto(portOut string, c providers.Comment) *pb.PortOutComment {
	return &pb.PortOutComment{Name: commentName(portOut, c.ID), Body: c.Body, Author: c.Author, CreateTime: ts(c.CreateTime)}
}

// ListPortOutComments pages a port-out's comments (providers return them
// whole; the gateway pages them).
func (s *PortingServer) ListPortOutComments(ctx context.Context, req *pb.ListPortOutCommentsRequest) (*pb.ListPortOutCommentsResponse, error) {
	if _, _, err := parsePortOutName("parent", req.GetParent()); err != nil {
		return nil, err
	}
	size, err := pageSize(req.GetPageSize())
	if err != nil {
		return nil, err
	}
	bind := binding{kind: "portOutComments", parent: req.GetParent()}
	offs, err := s.c.tokens.decode(req.GetPageToken(), bind, []string{"_"})
	if err != nil {
		return nil, err
	}
	b, id, err := s.c.portOutTarget("parent", req.GetParent(), providers.OpListPortOutComments)
	if err != nil {
		return nil, err
	}
	cs, err := b.Provider.ListPortOutComments(ctx, id)
	if err != nil {
		return nil, toStatus(b.Provider.Name(), err, ReasonPortOutNotFound, req.GetParent())
	}
	start, end, next := window(len(cs), offs["_"].S, size)
	resp := &pb.ListPortOutCommentsResponse{NextPageToken: s.c.tokens.encode(bind, next)}
	for _, c := range cs[start:end] {
		resp.Comments = append(resp.Comments, portOutCommentToProto(req.GetParent(), c))
	}
	return resp, nil
}

// CreatePortOutComment adds a comment to a port-out (idempotent by request_id).
func (s *PortingServer) CreatePortOutComment(ctx context.Context, req *pb.CreatePortOutCommentRequest) (*pb.PortOutComment, error) {
	return do(ctx, s.c, "CreatePortOutComment", req, func(ctx context.Context, _ func(string)) (*pb.PortOutComment, error) {
		b, id, err := s.c.portOutTarget("parent", req.GetParent(), providers.OpCreatePortOutComment)
		if err != nil {
			return nil, err
		}
		if err := validateRequestID(req.GetRequestId()); err != nil {
			return nil, err
		}
		body := strings.TrimSpace(req.GetComment().GetBody())
		if body == "" {
			return nil, invalidArgument(ReasonInvalidArgument, fieldViolation{"comment.body", "a comment needs a body"})
		}
		c, err := b.Provider.CreatePortOutComment(ctx, id, body)
		if err != nil {
			return nil, toStatus(b.Provider.Name(), err, ReasonPortOutNotFound, req.GetParent())
		}
		return portOutCommentToProto(req.GetParent(), *c), nil
	}, nil)
}

var portOutDocTypes = map[pb.PortOutDocument_Type]providers.DocumentType{
	pb.PortOutDocument_LOA:     providers.DocumentLOA,
	pb.PortOutDocument_INVOICE: providers.DocumentInvoice,
}

// CreatePortOutDocument uploads and attaches a supporting document
// (idempotent by request_id).
func (s *PortingServer) CreatePortOutDocument(ctx context.Context, req *pb.CreatePortOutDocumentRequest) (*pb.PortOutDocument, error) {
	return do(ctx, s.c, "CreatePortOutDocument", req, func(ctx context.Context, _ func(string)) (*pb.PortOutDocument, error) {
		b, id, err := s.c.portOutTarget("parent", req.GetParent(), providers.OpCreatePortOutDocument)
		if err != nil {
			return nil, err
		}
		if err := validateRequestID(req.GetRequestId()); err != nil {
			return nil, err
		}
		in := req.GetDocument()
		typ, ok := portOutDocTypes[in.GetType()]
		if !ok {
			return nil, invalidArgument(ReasonInvalidArgument, fieldViolation{"document.type", "must be LOA or INVOICE"})
		}
		d, err := b.Provider.AttachPortOutDocument(ctx, id, providers.DocumentUpload{Type: typ, Filename: in.GetFilename(),
			ContentType: in.GetContentType(), Content: in.GetContent()})
		if err != nil {
			return nil, toStatus(b.Provider.Name(), err, ReasonPortOutNotFound, req.GetParent())
		}
		return &pb.PortOutDocument{Name: documentName(req.GetParent(), d.ID), Type: in.GetType(), Filename: in.GetFilename(),
			ContentType: in.GetContentType(), CreateTime: ts(d.CreateTime)}, nil
	}, nil)
}

// ListPortOutRejectionCodes lists the provider codes RejectPortOut accepts
// for the port-out.
func (s *PortingServer) ListPortOutRejectionCodes(ctx context.Context, req *pb.ListPortOutRejectionCodesRequest) (*pb.ListPortOutRejectionCodesResponse, error) {
	b, id, err := s.c.portOutTarget("parent", req.GetParent(), providers.OpListPortOutRejectionCodes)
	if err != nil {
		return nil, err
	}
	rcs, err := b.Provider.ListPortOutRejectionCodes(ctx, id)
	if err != nil {
		return nil, toStatus(b.Provider.Name(), err, ReasonPortOutNotFound, req.GetParent())
	}
	resp := &pb.ListPortOutRejectionCodesResponse{}
	for _, rc := range rcs {
		resp.RejectionCodes = append(resp.RejectionCodes, &pb.PortOutRejectionCode{Code: int32(rc.Code),
			Description: rc.Description, ReasonRequired: rc.ReasonRequired})
	}
	return resp, nil
}
