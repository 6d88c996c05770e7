package telnyx

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/portgate/portgate/providers"
)

// Emergency addresses (/v2/addresses, /v2/addresses/actions/validate),
// emergency enablement (POST /v2/phone_numbers/{id}/actions/enable_emergency)
// and the CNAM listing of the number's voice settings
// (GET|PATCH /v2/phone_numbers/{id}/voice), issue 14 (e911). Telnyx has no
// CNAM record objects: the record operations are not offered.

var (
	_ providers.EmergencyAddressManager  = (*Provider)(nil)
	_ providers.EmergencyAssigner        = (*Provider)(nil)
	_ providers.NumberCallerIDNameSetter = (*Provider)(nil)
)

func addressCtx(op string) errCtx {
	return errCtx{op: op, resource: "emergency_address", pointers: addressPointer}
}

// addressPointer maps an address JSON pointer to the neutral field path.
func addressPointer(ptr string) string {
	switch strings.TrimPrefix(ptr, "/") {
	case "first_name":
		return "emergency_address.first_name"
	case "last_name":
		return "emergency_address.last_name"
	case "business_name":
		return "emergency_address.business_name"
	case "street_address":
		return "emergency_address.street_name"
	case "extended_address":
		return "emergency_address.unit_number"
	case "locality":
		return "emergency_address.locality"
	case "administrative_area":
		return "emergency_address.administrative_area"
	case "postal_code":
		return "emergency_address.postal_code"
	case "country_code":
		return "emergency_address.region_code"
	case "customer_reference":
		return "emergency_address.display_name"
	}
	return ""
}

type wireAddress struct {
	ID                 string  `json:"id"`
	CustomerReference  *string `json:"customer_reference"`
	FirstName          *string `json:"first_name"`
	LastName           *string `json:"last_name"`
	BusinessName       *string `json:"business_name"`
	StreetAddress      *string `json:"street_address"`
	ExtendedAddress    *string `json:"extended_address"`
	Locality           *string `json:"locality"`
	AdministrativeArea *string `json:"administrative_area"`
	PostalCode         *string `json:"postal_code"`
	CountryCode        *string `json:"country_code"`
	CreatedAt          *string `json:"created_at"`
}

// splitLead splits "600 Congress Ave" into "600" and "Congress Ave" when the
// first word starts with a digit; otherwise everything is the rest.
func splitLead(s string, digitFirst bool) (string, string) {
	s = strings.TrimSpace(s)
	head, rest, ok := strings.Cut(s, " ")
	if !ok || (digitFirst && (head == "" || head[0] < '0' || head[0] > '9')) {
		return "", s
	}
	return head, strings.TrimSpace(rest)
}

func toAddress(w *wireAddress) (*providers.EmergencyAddress, error) {
	if w.ID == "" {
		return nil, &providers.Error{Code: providers.CodeBadResponse, Provider: Name, Message: "address without id"}
	}
	a := &providers.EmergencyAddress{
		ID: w.ID, DisplayName: s(w.CustomerReference), FirstName: s(w.FirstName), LastName: s(w.LastName),
		BusinessName: s(w.BusinessName), Locality: s(w.Locality), AdministrativeArea: s(w.AdministrativeArea),
		PostalCode: s(w.PostalCode), CountryCode: s(w.CountryCode), CreateTime: parseTime(w.CreatedAt),
	}
	a.StreetNumber, a.StreetName = splitLead(s(w.StreetAddress), true)
	if ext := s(w.ExtendedAddress); ext != "" {
		a.UnitType, a.UnitNumber = splitLead(ext, false)
		if a.UnitType == "" {
			a.UnitNumber = ext
		}
	}
	return a, nil
}

func streetAddress(a providers.EmergencyAddress) string {
	return strings.TrimSpace(a.StreetNumber + " " + a.StreetName)
}

func extendedAddress(a providers.EmergencyAddress) string {
	return strings.TrimSpace(a.UnitType + " " + a.UnitNumber)
}

// CreateEmergencyAddress validates the address (POST
// /addresses/actions/validate), then creates it (POST /addresses with
// validate_address true).
func (p *Provider) CreateEmergencyAddress(ctx context.Context, a providers.EmergencyAddress) (*providers.EmergencyAddress, error) {
	check := map[string]any{"country_code": strings.ToUpper(a.CountryCode), "street_address": streetAddress(a), "postal_code": a.PostalCode}
	if v := extendedAddress(a); v != "" {
		check["extended_address"] = v
	}
	if a.Locality != "" {
		check["locality"] = a.Locality
	}
	if a.AdministrativeArea != "" {
		check["administrative_area"] = a.AdministrativeArea
	}
	var res struct {
		Data struct {
			Result    string            `json:"result"`
			Errors    []json.RawMessage `json:"errors"`
			Suggested map[string]any    `json:"suggested"`
		} `json:"data"`
	}
	if err := p.call(ctx, http.MethodPost, "/addresses/actions/validate", nil, check, &res, addressCtx("validate address")); err != nil {
		return nil, invalidAddress(err)
	}
	if strings.EqualFold(res.Data.Result, "invalid") {
		e := &providers.Error{Code: providers.CodeInvalidArgument, Provider: Name, Reason: providers.ReasonEmergencyAddressInvalid,
			HTTPStatus: http.StatusOK, Message: "validate address: telnyx found the address invalid"}
		for _, raw := range res.Data.Errors {
			var we wireError
			if json.Unmarshal(raw, &we) != nil {
				continue
			}
			field := "emergency_address"
			var src struct {
				Pointer string `json:"pointer"`
			}
			if json.Unmarshal(we.Source, &src) == nil {
				if f := addressPointer(src.Pointer); f != "" {
					field = f
				}
			}
			d := text(we.Detail)
			if d == "" {
				d = text(we.Title)
			}
			e.Violations = append(e.Violations, providers.FieldViolation{Field: field, Description: d})
			e.Message += "; " + d
		}
		return nil, e
	}
	business := a.BusinessName
	if business == "" {
		business = strings.TrimSpace(a.FirstName + " " + a.LastName)
	}
	body := map[string]any{
		"first_name": a.FirstName, "last_name": a.LastName, "business_name": business,
		"street_address": streetAddress(a), "locality": a.Locality, "country_code": strings.ToUpper(a.CountryCode),
		"postal_code": a.PostalCode, "validate_address": true,
	}
	if v := extendedAddress(a); v != "" {
		body["extended_address"] = v
	}
	if a.AdministrativeArea != "" {
		body["administrative_area"] = a.AdministrativeArea
	}
	if a.DisplayName != "" {
		body["customer_reference"] = a.DisplayName
	}
	var out struct {
		Data wireAddress `json:"data"`
	}
	if err := p.call(ctx, http.MethodPost, "/addresses", nil, body, &out, addressCtx("create address")); err != nil {
		return nil, invalidAddress(err)
	}
	return toAddress(&out.Data)
}

func invalidAddress(err error) error {
	if pe, ok := err.(*providers.Error); ok && pe.Code == providers.CodeInvalidArgument {
		pe.Reason = providers.ReasonEmergencyAddressInvalid
	}
	return err
}

func addressNotFound(err error) error {
	if pe, ok := err.(*providers.Error); ok && pe.Code == providers.CodeNotFound && pe.Reason == "" {
		pe.Reason = "EMERGENCY_ADDRESS_NOT_FOUND"
	}
	return err
}

func checkAddressID(id string) error {
	if !providers.SafeSegment(id) {
		return &providers.Error{Code: providers.CodeInvalidArgument, Provider: Name, Reason: "INVALID_RESOURCE_ID",
			Message: "emergency address id cannot be used in a URL"}
	}
	return nil
}

// GetEmergencyAddress reads GET /addresses/{id}.
func (p *Provider) GetEmergencyAddress(ctx context.Context, id string) (*providers.EmergencyAddress, error) {
	if err := checkAddressID(id); err != nil {
		return nil, err
	}
	var out struct {
		Data wireAddress `json:"data"`
	}
	if err := p.call(ctx, http.MethodGet, "/addresses/"+url.PathEscape(id), nil, nil, &out, addressCtx("get address")); err != nil {
		return nil, addressNotFound(err)
	}
	return toAddress(&out.Data)
}

// ListEmergencyAddresses pages GET /addresses (page[number]/page[size]).
func (p *Provider) ListEmergencyAddresses(ctx context.Context, lq providers.ListQuery) (*providers.EmergencyAddressPage, error) {
	raws, next, err := p.window(ctx, "/addresses", url.Values{}, lq, addressCtx("list addresses"))
	if err != nil {
		return nil, err
	}
	page := &providers.EmergencyAddressPage{NextCursor: next}
	for _, raw := range raws {
		var w wireAddress
		if err := json.Unmarshal(raw, &w); err != nil {
			return nil, &providers.Error{Code: providers.CodeBadResponse, Provider: Name, Message: "undecodable address", Err: err}
		}
		a, err := toAddress(&w)
		if err != nil {
			return nil, err
		}
		page.Addresses = append(page.Addresses, a)
	}
	return page, nil
}

// DeleteEmergencyAddress sends DELETE /addresses/{id}; Telnyx refuses an
// address a number still uses (422).
func (p *Provider) DeleteEmergencyAddress(ctx context.Context, id string) error {
	if err := checkAddressID(id); err != nil {
		return err
	}
	err := p.call(ctx, http.MethodDelete, "/addresses/"+url.PathEscape(id), nil, nil, nil, addressCtx("delete address"))
	if pe, ok := err.(*providers.Error); ok && (pe.HTTPStatus == http.StatusUnprocessableEntity || pe.HTTPStatus == http.StatusConflict) {
		pe.Code = providers.CodeFailedPrecondition
		pe.Reason = providers.ReasonEmergencyAddressInUse
	}
	return addressNotFound(err)
}

// emergencyStatus maps Telnyx's emergency_status words.
func emergencyStatus(status string, enabled *bool) providers.EmergencyStatus {
	switch strings.ToLower(status) {
	case "active":
		return providers.EmergencyStatusEnabled
	case "provisioning":
		return providers.EmergencyStatusPending
	case "deprovisioning":
		return providers.EmergencyStatusDeprovisioning
	case "disabled":
		return providers.EmergencyStatusDisabled
	case "":
		if enabled != nil && !*enabled {
			return providers.EmergencyStatusDisabled
		}
	}
	return providers.EmergencyStatusUnspecified // odd word: kept raw in ProviderStatus
}

func (p *Provider) enableEmergency(ctx context.Context, e164 string, enabled bool, addressID string) (*providers.Number, error) {
	id, _, err := p.resolve(ctx, e164)
	if err != nil {
		return nil, err
	}
	body := map[string]any{"emergency_enabled": enabled, "emergency_address_id": addressID}
	ec := errCtx{op: "enable emergency", resource: "number", pointers: func(ptr string) string {
		if ptr == "/emergency_address_id" {
			return "emergency_address"
		}
		return ""
	}}
	// The answer (202 with the voice settings) is not decoded: any 2xx is
	// the acceptance, whatever its body, and the number is read back.
	if err := p.call(ctx, http.MethodPost, numberPath(id)+"/actions/enable_emergency", nil, body, nil, ec); err != nil {
		return nil, err
	}
	n, err := p.getNumber(ctx, e164)
	if err != nil {
		// Accepted: the write is not failed by a read-back.
		n = &providers.Number{PhoneNumber: e164, RawPhoneNumber: e164}
		if enabled {
			n.EmergencyAddressID, n.Emergency.Status = addressID, providers.EmergencyStatusPending
		} else {
			n.Emergency.Status = providers.EmergencyStatusDeprovisioning
		}
	}
	return n, nil
}

// AssignEmergencyAddress enables emergency on the number with the address;
// Telnyx provisions it asynchronously (emergency_status "provisioning").
func (p *Provider) AssignEmergencyAddress(ctx context.Context, e164, addressID string) (*providers.Number, error) {
	if err := providers.E164Shape.Check(Name, "phone number", e164); err != nil {
		return nil, err
	}
	if err := checkAddressID(addressID); err != nil {
		return nil, err
	}
	return p.enableEmergency(ctx, e164, true, addressID)
}

// UnassignEmergencyAddress disables emergency on the number (the action
// requires the address it is disabled for: the number's current one). A
// number without an address is returned unchanged.
func (p *Provider) UnassignEmergencyAddress(ctx context.Context, e164 string) (*providers.Number, error) {
	if err := providers.E164Shape.Check(Name, "phone number", e164); err != nil {
		return nil, err
	}
	n, err := p.getNumber(ctx, e164)
	if err != nil {
		return nil, err
	}
	if n.EmergencyAddressID == "" {
		return n, nil
	}
	return p.enableEmergency(ctx, e164, false, n.EmergencyAddressID)
}

// SetNumberCallerIDName enables the number's CNAM listing with the value
// (PATCH /phone_numbers/{id}/voice). Telnyx has no CNAM records.
func (p *Provider) SetNumberCallerIDName(ctx context.Context, e164, recordID, value string) (*providers.Number, error) {
	if recordID != "" {
		return nil, providers.CapabilityMissing(Name, providers.OpGetCallerIDName)
	}
	if !providers.ValidCallerIDName(value) {
		return nil, &providers.Error{Code: providers.CodeInvalidArgument, Provider: Name, Reason: providers.ReasonCallerIDNameInvalid,
			Message: "caller ID name: 1 to 15 letters, digits and spaces"}
	}
	return p.patchCNAMListing(ctx, e164, map[string]any{"cnam_listing_enabled": true, "cnam_listing_details": value})
}

// ClearNumberCallerIDName disables the number's CNAM listing.
func (p *Provider) ClearNumberCallerIDName(ctx context.Context, e164 string) (*providers.Number, error) {
	return p.patchCNAMListing(ctx, e164, map[string]any{"cnam_listing_enabled": false})
}

func (p *Provider) patchCNAMListing(ctx context.Context, e164 string, listing map[string]any) (*providers.Number, error) {
	if err := providers.E164Shape.Check(Name, "phone number", e164); err != nil {
		return nil, err
	}
	id, _, err := p.resolve(ctx, e164)
	if err != nil {
		return nil, err
	}
	ec := errCtx{op: "update voice settings", resource: "number", pointers: func(ptr string) string {
		if strings.HasPrefix(ptr, "/cnam_listing") {
			return "value"
		}
		return ""
	}}
	// Any 2xx is the acceptance; its body (the voice settings) is not
	// needed: the listing is what was sent.
	if err := p.call(ctx, http.MethodPatch, numberPath(id)+"/voice", nil, map[string]any{"cnam_listing": listing}, nil, ec); err != nil {
		if pe, ok := err.(*providers.Error); ok && pe.Code == providers.CodeInvalidArgument {
			pe.Reason = providers.ReasonCallerIDNameInvalid
		}
		return nil, err
	}
	n, err := p.getNumber(ctx, e164)
	if err != nil {
		n = &providers.Number{PhoneNumber: e164, RawPhoneNumber: e164}
	}
	n.Emergency.CallerIDName = providers.NumberCallerIDName{}
	if on, _ := listing["cnam_listing_enabled"].(bool); on {
		n.Emergency.CallerIDName.Value, _ = listing["cnam_listing_details"].(string)
	}
	return n, nil
}

// numberEmergency reads the phone number record's emergency fields.
func numberEmergency(w *wireNumber) providers.NumberEmergency {
	return providers.NumberEmergency{Status: emergencyStatus(s(w.EmergencyStatus), w.EmergencyEnabled), ProviderStatus: s(w.EmergencyStatus)}
}

// cnamRecordOp reports the CNAM record operations Telnyx does not offer.
func cnamRecordOp(op providers.Operation) bool {
	switch op {
	case providers.OpCreateCallerIDName, providers.OpGetCallerIDName, providers.OpListCallerIDNames, providers.OpDeleteCallerIDName:
		return true
	}
	return false
}
