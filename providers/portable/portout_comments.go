package portable

import (
	"context"
	"strings"

	"github.com/portgate/portgate/providers"
)

func (c *Client) portOutCommenter(op providers.Operation) (providers.PortOutCommenter, error) {
	m, ok := c.drv.(providers.PortOutCommenter)
	if !ok || !c.caps.Supports(op) {
		return nil, c.missing(op)
	}
	return m, nil
}

// ListPortOutComments lists a port-out's comments (providers.PortOutCommenter).
func (c *Client) ListPortOutComments(ctx context.Context, portOutID string) ([]providers.Comment, error) {
	m, err := c.portOutCommenter(providers.OpListPortOutComments)
	if err != nil {
		return nil, err
	}
	if err := c.requirePortOutID(portOutID); err != nil {
		return nil, err
	}
	return run(c, ctx, providers.OpListPortOutComments, func(ctx context.Context) ([]providers.Comment, error) {
		return m.ListPortOutComments(ctx, portOutID)
	})
}

// CreatePortOutComment adds a comment to a port-out. It is a write: the
// resilience layer never retries it.
func (c *Client) CreatePortOutComment(ctx context.Context, portOutID, body string) (*providers.Comment, error) {
	m, err := c.portOutCommenter(providers.OpCreatePortOutComment)
	if err != nil {
		return nil, err
	}
	if err := c.requirePortOutID(portOutID); err != nil {
		return nil, err
	}
	if strings.TrimSpace(body) == "" {
		return nil, c.invalid("comment.body", "a comment needs a body")
	}
	return run(c, ctx, providers.OpCreatePortOutComment, func(ctx context.Context) (*providers.Comment, error) {
		return m.CreatePortOutComment(ctx, portOutID, body)
	})
}

// AttachPortOutDocument uploads and attaches a supporting document to a
// port-out (providers.PortOutDocumentAttacher). A write: never retried.
func (c *Client) AttachPortOutDocument(ctx context.Context, portOutID string, doc providers.DocumentUpload) (*providers.Document, error) {
	m, ok := c.drv.(providers.PortOutDocumentAttacher)
	if !ok || !c.caps.Supports(providers.OpCreatePortOutDocument) {
		return nil, c.missing(providers.OpCreatePortOutDocument)
	}
	if err := c.requirePortOutID(portOutID); err != nil {
		return nil, err
	}
	if doc.Type != providers.DocumentLOA && doc.Type != providers.DocumentInvoice {
		return nil, c.invalid("document.type", "a port-out takes an LOA or an INVOICE")
	}
	if len(doc.Content) == 0 {
		return nil, c.invalid("document.content", "a document needs content")
	}
	if lim := c.caps.MaxDocumentBytes; lim > 0 && int64(len(doc.Content)) > lim {
		return nil, c.invalid("document.content", "%d bytes; %s accepts at most %d", len(doc.Content), c.name, lim)
	}
	return run(c, ctx, providers.OpCreatePortOutDocument, func(ctx context.Context) (*providers.Document, error) {
		return m.AttachPortOutDocument(ctx, portOutID, doc)
	})
}

// ListPortOutRejectionCodes lists the codes a port-out may be rejected with
// (providers.PortOutRejectionLister).
func (c *Client) ListPortOutRejectionCodes(ctx context.Context, portOutID string) ([]providers.PortOutRejectionCode, error) {
	m, ok := c.drv.(providers.PortOutRejectionLister)
	if !ok || !c.caps.Supports(providers.OpListPortOutRejectionCodes) {
		return nil, c.missing(providers.OpListPortOutRejectionCodes)
	}
	if err := c.requirePortOutID(portOutID); err != nil {
		return nil, err
	}
	return run(c, ctx, providers.OpListPortOutRejectionCodes, func(ctx context.Context) ([]providers.PortOutRejectionCode, error) {
		return m.ListPortOutRejectionCodes(ctx, portOutID)
	})
}
