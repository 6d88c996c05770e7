package telnyx

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/portgate/portgate/providers"
)

// Caller ID name on GetNumber (issue 14, telnyx CNAM read): Telnyx keeps a
// number's CNAM listing in its voice settings, not in the phone number
// record. GetNumber reads GET /phone_numbers/{id}/voice once more;
// ListNumbers does not (one call per number) and leaves caller_id_name
// unset (docs/mapping/telnyx.md "Emergency addresses and CNAM").

// readCNAMListing fills n's caller ID name from the number's voice
// settings. A failed call fails the read (it is a read: nothing to keep, the
// caller retries; an unset name would read as "none"). Odd answers are
// lenient: a body of another shape, a listing that is not enabled, has no
// string details, or has fields of another type leaves the name unset;
// details outside Telnyx's own rule are kept as sent.
func (p *Provider) readCNAMListing(ctx context.Context, e164 string, n *providers.Number) error {
	id, _, err := p.resolve(ctx, e164)
	if err != nil {
		return err
	}
	var raw json.RawMessage // any JSON answer is decoded leniently below
	if err := p.call(ctx, http.MethodGet, numberPath(id)+"/voice", nil, nil, &raw, numberCtx("get voice settings")); err != nil {
		if pe, ok := err.(*providers.Error); ok && pe.Code == providers.CodeNotFound {
			p.ids.Delete(e164)
			return notOnAccount(e164)
		}
		return err
	}
	var out struct {
		Data struct {
			CNAMListing struct {
				Enabled any `json:"cnam_listing_enabled"`
				Details any `json:"cnam_listing_details"`
			} `json:"cnam_listing"`
		} `json:"data"`
	}
	_ = json.Unmarshal(raw, &out) // another shape: unset, never an error
	listing := out.Data.CNAMListing
	n.Emergency.CallerIDName = providers.NumberCallerIDName{}
	if on, _ := listing.Enabled.(bool); on {
		n.Emergency.CallerIDName.Value, _ = listing.Details.(string)
	}
	return nil
}
