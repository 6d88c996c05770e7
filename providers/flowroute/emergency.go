package flowroute

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/portgate/portgate/providers"
)

// E911 records and CNAM records (issue 14, e911): reference §3 "E911" and
// "CNAM". Shapes the reference does not show are guesses written down in
// docs/mapping/flowroute.md ("Emergency addresses and CNAM").

var (
	_ providers.EmergencyAddressManager  = (*Provider)(nil)
	_ providers.EmergencyAssigner        = (*Provider)(nil)
	_ providers.CallerIDNameManager      = (*Provider)(nil)
	_ providers.NumberCallerIDNameSetter = (*Provider)(nil)
)

// E911ID and CNAMID are the shapes of Flowroute's record ids (decimal
// numbers sent as strings); other ids are refused before any request.
var (
	E911ID = providers.NumericShape
	CNAMID = providers.NumericShape
)

type e911Attrs struct {
	Label             string `json:"label,omitempty"`
	FirstName         string `json:"first_name"`
	LastName          string `json:"last_name"`
	StreetNumber      string `json:"street_number"`
	StreetName        string `json:"street_name"`
	AddressType       string `json:"address_type,omitempty"`
	AddressTypeNumber string `json:"address_type_number,omitempty"`
	City              string `json:"city"`
	State             string `json:"state"`
	Country           string `json:"country"`
	Zip               string `json:"zip"`
}

type e911Data struct {
	ID         json.RawMessage `json:"id,omitempty"`
	Type       string          `json:"type"`
	Attributes e911Attrs       `json:"attributes"`
}

func e911Body(a providers.EmergencyAddress) map[string]any {
	return map[string]any{"data": e911Data{Type: "e911", Attributes: e911Attrs{
		Label: a.DisplayName, FirstName: a.FirstName, LastName: a.LastName,
		StreetNumber: a.StreetNumber, StreetName: a.StreetName,
		AddressType: a.UnitType, AddressTypeNumber: a.UnitNumber,
		City: a.Locality, State: strings.ToUpper(a.AdministrativeArea), Country: strings.ToUpper(a.CountryCode), Zip: a.PostalCode,
	}}}
}

func toAddress(status int, d *e911Data) (*providers.EmergencyAddress, error) {
	id := rawID(d.ID)
	if id == "" {
		return nil, badResponse(status, "E911 record without id")
	}
	at := d.Attributes
	return &providers.EmergencyAddress{
		ID: id, DisplayName: at.Label, FirstName: at.FirstName, LastName: at.LastName,
		StreetNumber: at.StreetNumber, StreetName: at.StreetName, UnitType: at.AddressType, UnitNumber: at.AddressTypeNumber,
		Locality: at.City, AdministrativeArea: at.State, PostalCode: at.Zip, CountryCode: at.Country,
	}, nil
}

func decodeAddress(r *response) (*providers.EmergencyAddress, error) {
	var env struct {
		Data *e911Data `json:"data"`
	}
	if err := decode(r, &env); err != nil {
		return nil, err
	}
	if env.Data == nil {
		return nil, badResponse(r.status, "response without data")
	}
	return toAddress(r.status, env.Data)
}

// invalidAddress re-labels Flowroute's refusal of an address.
func invalidAddress(err error) error {
	if pe, ok := err.(*providers.Error); ok && pe.Code == providers.CodeInvalidArgument {
		pe.Reason = providers.ReasonEmergencyAddressInvalid
		for i := range pe.Violations {
			f := pe.Violations[i].Field
			// mapError names Flowroute's attributes after the port order's
			// (zip → port_order.end_user.service_address.postal_code): an
			// E911 record's are named after the EmergencyAddress.
			if rest, ok := strings.CutPrefix(f, "port_order.end_user.service_address."); ok {
				f = rest
			} else if rest, ok := strings.CutPrefix(f, "port_order.customer_reference"); ok && rest == "" {
				f = "label"
			}
			if !strings.HasPrefix(f, "emergency_address.") {
				f = "emergency_address." + e911Field(f)
			}
			pe.Violations[i].Field = f
		}
	}
	return err
}

// e911Field maps a Flowroute E911 attribute to the neutral field name.
func e911Field(f string) string {
	switch f {
	case "label":
		return "display_name"
	case "address_type":
		return "unit_type"
	case "address_type_number":
		return "unit_number"
	case "city":
		return "locality"
	case "state":
		return "administrative_area"
	case "zip":
		return "postal_code"
	case "country":
		return "region_code"
	}
	return f
}

// CreateEmergencyAddress validates (POST /v2/e911s/validate) and then
// creates (POST /v2/e911s) the record.
func (p *Provider) CreateEmergencyAddress(ctx context.Context, a providers.EmergencyAddress) (*providers.EmergencyAddress, error) {
	body := e911Body(a)
	if _, err := p.call(ctx, http.MethodPost, "/v2/e911s/validate", nil, body, resOther); err != nil {
		return nil, invalidAddress(err)
	}
	r, err := p.call(ctx, http.MethodPost, "/v2/e911s", nil, body, resOther)
	if err != nil {
		return nil, invalidAddress(err)
	}
	return decodeAddress(r)
}

func addressNotFound(err error) error {
	if pe, ok := err.(*providers.Error); ok && pe.Code == providers.CodeNotFound && pe.Reason == "" {
		pe.Reason = "EMERGENCY_ADDRESS_NOT_FOUND"
	}
	return err
}

// GetEmergencyAddress reads GET /v2/e911s/{id}.
func (p *Provider) GetEmergencyAddress(ctx context.Context, id string) (*providers.EmergencyAddress, error) {
	if err := E911ID.Check(Name, "E911 record", id); err != nil {
		return nil, err
	}
	r, err := p.call(ctx, http.MethodGet, "/v2/e911s/"+url.PathEscape(id), nil, nil, resOther)
	if err != nil {
		return nil, addressNotFound(err)
	}
	return decodeAddress(r)
}

// ListEmergencyAddresses pages GET /v2/e911s (limit/offset).
func (p *Provider) ListEmergencyAddresses(ctx context.Context, q providers.ListQuery) (*providers.EmergencyAddressPage, error) {
	offset, err := providers.ParseOffsetCursor(Name, q.Cursor)
	if err != nil {
		return nil, err
	}
	items, more, err := pageThrough(ctx, p, "/v2/e911s", url.Values{}, offset, q.Limit, false, func(r *response) ([]*providers.EmergencyAddress, bool, error) {
		var env struct {
			Data  []e911Data `json:"data"`
			Links struct {
				Next string `json:"next"`
			} `json:"links"`
		}
		if err := decode(r, &env); err != nil {
			return nil, false, err
		}
		out := make([]*providers.EmergencyAddress, 0, len(env.Data))
		for i := range env.Data {
			a, err := toAddress(r.status, &env.Data[i])
			if err != nil {
				return nil, false, err
			}
			out = append(out, a)
		}
		return out, env.Links.Next != "", nil
	})
	if err != nil {
		return nil, err
	}
	page := &providers.EmergencyAddressPage{Addresses: items}
	if more {
		page.NextCursor = providers.OffsetCursor(offset + len(items))
	}
	return page, nil
}

// DeleteEmergencyAddress sends DELETE /v2/e911s/{id}. Flowroute refuses a
// record still assigned to a number (403, like a route still in use).
func (p *Provider) DeleteEmergencyAddress(ctx context.Context, id string) error {
	if err := E911ID.Check(Name, "E911 record", id); err != nil {
		return err
	}
	_, err := p.call(ctx, http.MethodDelete, "/v2/e911s/"+url.PathEscape(id), nil, nil, resOther)
	if pe, ok := err.(*providers.Error); ok && (pe.HTTPStatus == http.StatusForbidden || pe.HTTPStatus == http.StatusConflict ||
		pe.HTTPStatus == http.StatusUnprocessableEntity) {
		pe.Code = providers.CodeFailedPrecondition
		pe.Reason = providers.ReasonEmergencyAddressInUse
	}
	return addressNotFound(err)
}

// AssignEmergencyAddress sends PATCH /v2/numbers/{n}/relationships/e911s/{id}
// (204) and reads the number back.
func (p *Provider) AssignEmergencyAddress(ctx context.Context, e, id string) (*providers.Number, error) {
	if err := E911ID.Check(Name, "E911 record", id); err != nil {
		return nil, err
	}
	if err := providers.E164Shape.Check(Name, "phone number", e); err != nil {
		return nil, err
	}
	if _, err := p.call(ctx, http.MethodPatch, numberPath(e)+"/relationships/e911s/"+url.PathEscape(id), nil, nil, resNumber); err != nil {
		if pe, ok := err.(*providers.Error); ok && pe.HTTPStatus == http.StatusUnprocessableEntity {
			// "Cannot assign an E911 record to a number that does not
			// support emergency services." (reference §2.4)
			pe.Code = providers.CodeFailedPrecondition
			pe.Reason = providers.ReasonEmergencyNotSupported
		}
		return nil, err
	}
	return p.readBack(ctx, e)
}

// UnassignEmergencyAddress sends DELETE /v2/numbers/{n}/relationships/e911s.
func (p *Provider) UnassignEmergencyAddress(ctx context.Context, e string) (*providers.Number, error) {
	if err := providers.E164Shape.Check(Name, "phone number", e); err != nil {
		return nil, err
	}
	if _, err := p.call(ctx, http.MethodDelete, numberPath(e)+"/relationships/e911s", nil, nil, resNumber); err != nil {
		return nil, err
	}
	return p.readBack(ctx, e)
}

// readBack reads the number after an accepted write; a failed read is no
// failure of the write: the number is returned with what is known.
func (p *Provider) readBack(ctx context.Context, e string) (*providers.Number, error) {
	n, err := p.GetNumber(ctx, e)
	if err != nil {
		return &providers.Number{PhoneNumber: e, RawPhoneNumber: e}, nil
	}
	return n, nil
}

// ---- CNAM ----

type cnamData struct {
	ID         json.RawMessage `json:"id"`
	Type       string          `json:"type"`
	Attributes struct {
		Value            string `json:"value"`
		IsApproved       *bool  `json:"is_approved"`
		RejectionReason  string `json:"rejection_reason"`
		CreationDatetime string `json:"creation_datetime"`
		ApprovalDatetime string `json:"approval_datetime"`
	} `json:"attributes"`
}

func cnamState(approved *bool, rejection string) providers.CallerIDNameState {
	switch {
	case approved != nil && *approved:
		return providers.CallerIDNameApproved
	case rejection != "":
		return providers.CallerIDNameRejected
	case approved != nil:
		return providers.CallerIDNamePending
	}
	return providers.CallerIDNameStateUnspecified
}

func toCNAM(status int, d *cnamData) (*providers.CallerIDName, error) {
	id := rawID(d.ID)
	if id == "" {
		return nil, badResponse(status, "CNAM record without id")
	}
	at := d.Attributes
	return &providers.CallerIDName{ID: id, Value: at.Value, State: cnamState(at.IsApproved, at.RejectionReason),
		RejectionReason: at.RejectionReason, CreateTime: parseTime(at.CreationDatetime), ApproveTime: parseTime(at.ApprovalDatetime)}, nil
}

func decodeCNAM(r *response) (*providers.CallerIDName, error) {
	var env struct {
		Data *cnamData `json:"data"`
	}
	if err := decode(r, &env); err != nil {
		return nil, err
	}
	if env.Data == nil {
		return nil, badResponse(r.status, "response without data")
	}
	return toCNAM(r.status, env.Data)
}

func cnamNotFound(err error) error {
	if pe, ok := err.(*providers.Error); ok && pe.Code == providers.CodeNotFound && pe.Reason == "" {
		pe.Reason = "CALLER_ID_NAME_NOT_FOUND"
	}
	return err
}

// CreateCallerIDName sends POST /v2/cnams {"value": …}; the record starts
// unapproved (5–7 business days).
func (p *Provider) CreateCallerIDName(ctx context.Context, value string) (*providers.CallerIDName, error) {
	if !providers.ValidCallerIDName(value) {
		return nil, &providers.Error{Code: providers.CodeInvalidArgument, Provider: Name, Reason: providers.ReasonCallerIDNameInvalid,
			Message: "caller ID name: 1 to 15 letters, digits and spaces"}
	}
	r, err := p.call(ctx, http.MethodPost, "/v2/cnams", nil, map[string]string{"value": value}, resOther)
	if err != nil {
		if pe, ok := err.(*providers.Error); ok && pe.Code == providers.CodeInvalidArgument {
			pe.Reason = providers.ReasonCallerIDNameInvalid
		}
		return nil, err
	}
	return decodeCNAM(r)
}

// GetCallerIDName reads GET /v2/cnams/{id}.
func (p *Provider) GetCallerIDName(ctx context.Context, id string) (*providers.CallerIDName, error) {
	if err := CNAMID.Check(Name, "CNAM record", id); err != nil {
		return nil, err
	}
	r, err := p.call(ctx, http.MethodGet, "/v2/cnams/"+url.PathEscape(id), nil, nil, resOther)
	if err != nil {
		return nil, cnamNotFound(err)
	}
	return decodeCNAM(r)
}

// ListCallerIDNames pages GET /v2/cnams.
func (p *Provider) ListCallerIDNames(ctx context.Context, q providers.ListQuery) (*providers.CallerIDNamePage, error) {
	offset, err := providers.ParseOffsetCursor(Name, q.Cursor)
	if err != nil {
		return nil, err
	}
	items, more, err := pageThrough(ctx, p, "/v2/cnams", url.Values{}, offset, q.Limit, false, func(r *response) ([]*providers.CallerIDName, bool, error) {
		var env struct {
			Data  []cnamData `json:"data"`
			Links struct {
				Next string `json:"next"`
			} `json:"links"`
		}
		if err := decode(r, &env); err != nil {
			return nil, false, err
		}
		out := make([]*providers.CallerIDName, 0, len(env.Data))
		for i := range env.Data {
			c, err := toCNAM(r.status, &env.Data[i])
			if err != nil {
				return nil, false, err
			}
			out = append(out, c)
		}
		return out, env.Links.Next != "", nil
	})
	if err != nil {
		return nil, err
	}
	page := &providers.CallerIDNamePage{Records: items}
	if more {
		page.NextCursor = providers.OffsetCursor(offset + len(items))
	}
	return page, nil
}

// DeleteCallerIDName sends DELETE /v2/cnams/{id}.
func (p *Provider) DeleteCallerIDName(ctx context.Context, id string) error {
	if err := CNAMID.Check(Name, "CNAM record", id); err != nil {
		return err
	}
	_, err := p.call(ctx, http.MethodDelete, "/v2/cnams/"+url.PathEscape(id), nil, nil, resOther)
	return cnamNotFound(err)
}

// findCNAM returns the account's record with exactly value, if any.
func (p *Provider) findCNAM(ctx context.Context, value string) (*providers.CallerIDName, error) {
	cursor := ""
	for range 50 {
		page, err := p.ListCallerIDNames(ctx, providers.ListQuery{Cursor: cursor, Limit: maxPageSize})
		if err != nil {
			return nil, err
		}
		for _, c := range page.Records {
			if c.Value == value && c.State != providers.CallerIDNameRejected {
				return c, nil
			}
		}
		if page.NextCursor == "" {
			return nil, nil
		}
		cursor = page.NextCursor
	}
	return nil, nil
}

// SetNumberCallerIDName assigns a CNAM record
// (PATCH /v2/numbers/{n}/relationships/cnam/{id}). With a value instead of
// a record id it assigns the account's record with that value, creating one
// (pending approval) when there is none.
func (p *Provider) SetNumberCallerIDName(ctx context.Context, e, recordID, value string) (*providers.Number, error) {
	if err := providers.E164Shape.Check(Name, "phone number", e); err != nil {
		return nil, err
	}
	var rec *providers.CallerIDName
	if recordID == "" {
		var err error
		if rec, err = p.findCNAM(ctx, value); err != nil {
			return nil, err
		}
		if rec == nil {
			if rec, err = p.CreateCallerIDName(ctx, value); err != nil {
				return nil, err
			}
		}
		recordID = rec.ID
	}
	if err := CNAMID.Check(Name, "CNAM record", recordID); err != nil {
		return nil, err
	}
	if _, err := p.call(ctx, http.MethodPatch, numberPath(e)+"/relationships/cnam/"+url.PathEscape(recordID), nil, nil, resNumber); err != nil {
		return nil, err
	}
	n, _ := p.readBack(ctx, e)
	if rec != nil && n.Emergency.CallerIDName.RecordID == rec.ID && n.Emergency.CallerIDName.Value == "" {
		n.Emergency.CallerIDName.Value, n.Emergency.CallerIDName.State = rec.Value, rec.State
	}
	return n, nil
}

// ClearNumberCallerIDName sends DELETE /v2/numbers/{n}/relationships/cnam.
func (p *Provider) ClearNumberCallerIDName(ctx context.Context, e string) (*providers.Number, error) {
	if err := providers.E164Shape.Check(Name, "phone number", e); err != nil {
		return nil, err
	}
	if _, err := p.call(ctx, http.MethodDelete, numberPath(e)+"/relationships/cnam", nil, nil, resNumber); err != nil {
		return nil, err
	}
	return p.readBack(ctx, e)
}

// numberEmergency reads a number's E911 and CNAM relationships (and the
// CNAM record, when it is in "included").
func numberEmergency(d *numberData, included []includedData) providers.NumberEmergency {
	var ne providers.NumberEmergency
	if d.rel("e911_address") != "" {
		ne.Status = providers.EmergencyStatusEnabled
	} else {
		ne.Status = providers.EmergencyStatusDisabled
	}
	id := d.rel("cnam_preset")
	if id == "" {
		return ne
	}
	ne.CallerIDName.RecordID = id
	for _, inc := range included {
		if inc.Type != "cnam" || rawID(inc.ID) != id {
			continue
		}
		ne.CallerIDName.Value = firstString(inc.Attributes, "value")
		var approved *bool
		if raw, ok := inc.Attributes["is_approved"]; ok {
			var b bool
			if json.Unmarshal(raw, &b) == nil {
				approved = &b
			}
		}
		ne.CallerIDName.State = cnamState(approved, firstString(inc.Attributes, "rejection_reason"))
	}
	return ne
}
