package providers

import "context"

// PortOutCommenter is implemented by providers with comments on port-outs
// (OpListPortOutComments, OpCreatePortOutComment).
type PortOutCommenter interface {
	// ListPortOutComments returns every comment, oldest first; CodeNotFound
	// for an unknown port-out.
	ListPortOutComments(ctx context.Context, portOutID string) ([]Comment, error)
	CreatePortOutComment(ctx context.Context, portOutID, body string) (*Comment, error)
}

// PortOutDocumentAttacher is implemented by providers that take supporting
// documents on a port-out (OpCreatePortOutDocument). The Document returned
// has the id of the attachment on the port-out.
type PortOutDocumentAttacher interface {
	// AttachPortOutDocument uploads doc (DocumentLOA or DocumentInvoice) and
	// attaches it; CodeNotFound for an unknown port-out, before any upload.
	AttachPortOutDocument(ctx context.Context, portOutID string, doc DocumentUpload) (*Document, error)
}

// PortOutRejectionCode is a provider code a port-out may be rejected with.
type PortOutRejectionCode struct {
	Code           int
	Description    string
	ReasonRequired bool
}

// PortOutRejectionLister is implemented by providers that list the
// rejection codes eligible for a port-out (OpListPortOutRejectionCodes).
type PortOutRejectionLister interface {
	// ListPortOutRejectionCodes returns CodeNotFound for an unknown port-out.
	ListPortOutRejectionCodes(ctx context.Context, portOutID string) ([]PortOutRejectionCode, error)
}
