package ingest

import (
	"context"

	"github.com/portgate/portgate/providers"
)

// CallbackProvider decorates the core driver interface; these forward the
// optional interfaces (providers.Commenter, ...) to the wrapped driver, so
// the portable client still finds them. An operation the wrapped driver
// lacks is PROVIDER_CAPABILITY_MISSING (the portable client also drops it
// from the capabilities unless the driver declares it).

func (c *CallbackProvider) ModifyPortOrderNumbers(ctx context.Context, id string, add, remove []string) (*providers.PortOrder, error) {
	m, ok := c.Provider.(providers.PortOrderNumberModifier)
	if !ok {
		return nil, providers.CapabilityMissing(c.Name(), providers.OpModifyPortOrderNumbers)
	}
	o, err := m.ModifyPortOrderNumbers(ctx, id, add, remove)
	return c.fix(ctx, o), err
}

func (c *CallbackProvider) ListComments(ctx context.Context, orderID string) ([]providers.Comment, error) {
	m, ok := c.Provider.(providers.Commenter)
	if !ok {
		return nil, providers.CapabilityMissing(c.Name(), providers.OpListComments)
	}
	return m.ListComments(ctx, orderID)
}

func (c *CallbackProvider) CreateComment(ctx context.Context, orderID, body string) (*providers.Comment, error) {
	m, ok := c.Provider.(providers.Commenter)
	if !ok {
		return nil, providers.CapabilityMissing(c.Name(), providers.OpCreateComment)
	}
	return m.CreateComment(ctx, orderID, body)
}

func (c *CallbackProvider) UploadDocument(ctx context.Context, orderID string, doc providers.DocumentUpload) (*providers.Document, error) {
	m, ok := c.Provider.(providers.DocumentStore)
	if !ok {
		return nil, providers.CapabilityMissing(c.Name(), providers.OpUploadDocument)
	}
	return m.UploadDocument(ctx, orderID, doc)
}

func (c *CallbackProvider) ListDocuments(ctx context.Context, orderID string) ([]providers.Document, error) {
	m, ok := c.Provider.(providers.DocumentStore)
	if !ok {
		return nil, providers.CapabilityMissing(c.Name(), providers.OpListDocuments)
	}
	return m.ListDocuments(ctx, orderID)
}

// DocumentDownloadLink forwards providers.DocumentLinker; ok is false when
// the wrapped driver offers no credential-free link.
func (c *CallbackProvider) DocumentDownloadLink(ctx context.Context, orderID, documentID string) (providers.DocumentLink, bool, error) {
	m, ok := c.Provider.(providers.DocumentLinker)
	if !ok {
		return providers.DocumentLink{}, false, nil
	}
	return m.DocumentDownloadLink(ctx, orderID, documentID)
}

func (c *CallbackProvider) UpdateNumber(ctx context.Context, upd providers.NumberUpdate) (*providers.NumberUpdateResult, error) {
	m, ok := c.Provider.(providers.NumberUpdater)
	if !ok {
		return nil, providers.CapabilityMissing(c.Name(), providers.OpUpdateNumber)
	}
	return m.UpdateNumber(ctx, upd)
}

func (c *CallbackProvider) As(i any) bool {
	a, ok := c.Provider.(providers.Aser)
	return ok && a.As(i)
}

func (c *CallbackProvider) ErrorAs(err error, i any) bool {
	a, ok := c.Provider.(providers.Aser)
	return ok && a.ErrorAs(err, i)
}
