package telnyx

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/portgate/portgate/providers"
)

var _ providers.PortOutRejectionLister = (*Provider)(nil)

// ListPortOutRejectionCodes implements providers.PortOutRejectionLister with
// GET /portouts/rejections/{id} ({code, description, reason_required}). A
// code that is not an integer (number or numeric string) cannot be sent as
// rejection_code and is left out rather than failing the list.
func (p *Provider) ListPortOutRejectionCodes(ctx context.Context, id string) ([]providers.PortOutRejectionCode, error) {
	if err := PortOutID.Check(Name, "port-out", id); err != nil {
		return nil, err
	}
	var out struct {
		Data []struct {
			Code           json.RawMessage `json:"code"`
			Description    string          `json:"description"`
			ReasonRequired bool            `json:"reason_required"`
		} `json:"data"`
	}
	if err := p.call(ctx, http.MethodGet, "/portouts/rejections/"+url.PathEscape(id), nil, nil, &out,
		portOutCtx("list port-out rejection codes")); err != nil {
		return nil, err
	}
	res := make([]providers.PortOutRejectionCode, 0, len(out.Data))
	for _, r := range out.Data {
		c, err := strconv.Atoi(strings.Trim(string(r.Code), `"`))
		if err != nil {
			continue
		}
		res = append(res, providers.PortOutRejectionCode{Code: c, Description: r.Description, ReasonRequired: r.ReasonRequired})
	}
	return res, nil
}
