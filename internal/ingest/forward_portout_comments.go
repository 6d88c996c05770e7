package ingest

import (
	"context"

	"github.com/portgate/portgate/providers"
)

// Port-out comment forwards (see forward.go).

func (c *CallbackProvider) ListPortOutComments(ctx context.Context, id string) ([]providers.Comment, error) {
	m, ok := c.Provider.(providers.PortOutCommenter)
	if !ok {
		return nil, providers.CapabilityMissing(c.Name(), providers.OpListPortOutComments)
	}
	return m.ListPortOutComments(ctx, id)
}

func (c *CallbackProvider) CreatePortOutComment(ctx context.Context, id, body string) (*providers.Comment, error) {
	m, ok := c.Provider.(providers.PortOutCommenter)
	if !ok {
		return nil, providers.CapabilityMissing(c.Name(), providers.OpCreatePortOutComment)
	}
	return m.CreatePortOutComment(ctx, id, body)
}

func (c *CallbackProvider) AttachPortOutDocument(ctx context.Context, id string, doc providers.DocumentUpload) (*providers.Document, error) {
	m, ok := c.Provider.(providers.PortOutDocumentAttacher)
	if !ok {
		return nil, providers.CapabilityMissing(c.Name(), providers.OpCreatePortOutDocument)
	}
	return m.AttachPortOutDocument(ctx, id, doc)
}

func (c *CallbackProvider) ListPortOutRejectionCodes(ctx context.Context, id string) ([]providers.PortOutRejectionCode, error) {
	m, ok := c.Provider.(providers.PortOutRejectionLister)
	if !ok {
		return nil, providers.CapabilityMissing(c.Name(), providers.OpListPortOutRejectionCodes)
	}
	return m.ListPortOutRejectionCodes(ctx, id)
}
