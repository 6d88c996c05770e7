package portable

import (
	"context"
	"fmt"
	"strings"

	"github.com/portgate/portgate/providers"
)

// ReasonSearchFilterUnsupported: a SearchAvailableNumbers filter (or filter
// value) the provider cannot express; refused before any call.
const ReasonSearchFilterUnsupported = "SEARCH_FILTER_UNSUPPORTED"

// SearchSupport is what the driver's inventory search can express (zero
// when the driver has no search).
func (c *Client) SearchSupport() providers.SearchSupport {
	s, ok := c.drv.(providers.AvailableNumberSearcher)
	if !ok || !c.caps.Supports(providers.OpSearchAvailableNumbers) {
		return providers.SearchSupport{}
	}
	return s.SearchSupport()
}

// SearchAvailableNumbers searches the provider's inventory
// (providers.AvailableNumberSearcher). A filter the provider cannot express
// is INVALID_ARGUMENT / SEARCH_FILTER_UNSUPPORTED naming the field and the
// provider, before any call; Limit is clamped to 1..MaxSearchResults.
func (c *Client) SearchAvailableNumbers(ctx context.Context, q providers.AvailableNumberQuery) ([]*providers.AvailableNumber, error) {
	s, ok := c.drv.(providers.AvailableNumberSearcher)
	if !ok || !c.caps.Supports(providers.OpSearchAvailableNumbers) {
		return nil, c.missing(providers.OpSearchAvailableNumbers)
	}
	if q.RegionCode == "" {
		return nil, c.invalid("region_code", "a region code (ISO 3166-1 alpha-2) is required")
	}
	if q.AreaCode != "" && q.StartsWith != "" && !strings.HasPrefix(q.StartsWith, q.AreaCode) {
		return nil, c.invalid("starts_with", "must begin with area_code %q", q.AreaCode)
	}
	if bad := s.SearchSupport().Unsupported(q); len(bad) > 0 {
		return nil, unsupportedSearch(c.name, bad)
	}
	if q.Limit <= 0 {
		q.Limit = providers.DefaultSearchResults
	}
	q.Limit = min(q.Limit, providers.MaxSearchResults)
	res, err := run(c, ctx, providers.OpSearchAvailableNumbers, func(ctx context.Context) ([]*providers.AvailableNumber, error) {
		return s.SearchAvailableNumbers(ctx, q)
	})
	if err != nil {
		return nil, err
	}
	if len(res) > q.Limit {
		res = res[:q.Limit]
	}
	return res, nil
}

func unsupportedSearch(provider string, fields []string) error {
	e := &providers.Error{Code: providers.CodeInvalidArgument, Provider: provider, Reason: ReasonSearchFilterUnsupported,
		Message: fmt.Sprintf("%s cannot search by %s", provider, strings.Join(fields, ", "))}
	for _, f := range fields {
		e.Violations = append(e.Violations, providers.FieldViolation{Field: f, Description: fmt.Sprintf("%s cannot search by %s (or by this value)", provider, f)})
	}
	return e
}
