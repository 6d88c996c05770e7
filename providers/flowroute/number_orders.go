package flowroute

import (
	"context"
	"net/http"

	"github.com/portgate/portgate/providers"
)

// Buying and releasing numbers. Flowroute keeps no order object: it sells
// one number per POST /v2/numbers/{id} (201; 207 when the number was bought
// but messaging provisioning failed) and releases with DELETE
// /v2/numbers/{id} (204; 404 when the number is not on the account). The
// neutral NumberOrder is built and stored by the service (NumberPurchaser).

var (
	_ providers.NumberPurchaser = (*Provider)(nil)
	_ providers.NumberReleaser  = (*Provider)(nil)
)

// PurchaseNumber implements providers.NumberPurchaser. The optional
// attributes are sent flat (cnam_lookups_enabled, messaging_enabled), like
// PATCH /v2/numbers/{id}; with neither set the request has no body.
func (p *Provider) PurchaseNumber(ctx context.Context, np providers.NumberPurchase) (*providers.NumberPurchaseResult, error) {
	if err := providers.E164Shape.Check(Name, "phone number", np.PhoneNumber); err != nil {
		return nil, err
	}
	var body map[string]any
	if np.CNAMLookupsEnabled || np.MessagingEnabled {
		body = map[string]any{}
		if np.CNAMLookupsEnabled {
			body["cnam_lookups_enabled"] = true
		}
		if np.MessagingEnabled {
			body["messaging_enabled"] = true
		}
	}
	var in any
	if body != nil {
		in = body
	}
	r, err := p.call(ctx, http.MethodPost, numberPath(np.PhoneNumber), nil, in, resNumber)
	if err != nil {
		return nil, err
	}
	res := &providers.NumberPurchaseResult{}
	if r.status == http.StatusMultiStatus {
		ff := multiStatusFailure(r.body)
		ff.Message = "flowroute bought the number but could not enable messaging (207 Multi-Status): " + ff.Message
		res.Failures = append(res.Failures, ff)
	}
	n, err := decodeNumber(r)
	if err != nil {
		// Bought all the same (2xx): report the number without details
		// rather than fail a completed purchase.
		n = &providers.Number{PhoneNumber: np.PhoneNumber}
	}
	res.Number = n
	return res, nil
}

// ReleaseNumber implements providers.NumberReleaser: GET (the record to
// return, and a clear NOT_FOUND), then DELETE (204, no body). The returned
// number is the last record Flowroute sent, with its status cleared
// (Flowroute reports none after a release).
func (p *Provider) ReleaseNumber(ctx context.Context, e string) (*providers.Number, error) {
	n, err := p.GetNumber(ctx, e)
	if err != nil {
		return nil, err
	}
	if _, err := p.call(ctx, http.MethodDelete, numberPath(e), nil, nil, resNumber); err != nil {
		return nil, err
	}
	n.Status = ""
	return n, nil
}
