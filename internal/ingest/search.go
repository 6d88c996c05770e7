package ingest

import (
	"context"

	"github.com/portgate/portgate/providers"
)

// SearchSupport forwards providers.AvailableNumberSearcher (zero when the
// wrapped driver has no inventory search).
func (c *CallbackProvider) SearchSupport() providers.SearchSupport {
	m, ok := c.Provider.(providers.AvailableNumberSearcher)
	if !ok {
		return providers.SearchSupport{}
	}
	return m.SearchSupport()
}

// SearchAvailableNumbers forwards providers.AvailableNumberSearcher.
func (c *CallbackProvider) SearchAvailableNumbers(ctx context.Context, q providers.AvailableNumberQuery) ([]*providers.AvailableNumber, error) {
	m, ok := c.Provider.(providers.AvailableNumberSearcher)
	if !ok {
		return nil, providers.CapabilityMissing(c.Name(), providers.OpSearchAvailableNumbers)
	}
	return m.SearchAvailableNumbers(ctx, q)
}
