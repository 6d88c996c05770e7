package flowroute

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/portgate/portgate/internal/e164"
	"github.com/portgate/portgate/providers"
)

func orderPath(id string) string { return "/v2/portorders/" + url.PathEscape(id) }

// editable statuses per attribute group (reference §2.1).
var (
	detailStatuses = map[string]bool{"pending": true, "rejected": true}
	presetStatuses = map[string]bool{"pending": true, "processing": true, "submitted": true,
		"rejected": true, "review": true, "accepted": true}
)

// CheckPortability implements providers.Provider: one request for at most
// PortabilityBatchLimit numbers.
func (p *Provider) CheckPortability(ctx context.Context, numbers []string) ([]providers.PortabilityResult, error) {
	if len(numbers) == 0 {
		return []providers.PortabilityResult{}, nil
	}
	if len(numbers) > PortabilityBatchLimit {
		return nil, &providers.Error{Code: providers.CodeInvalidArgument, Provider: Name,
			Message:    fmt.Sprintf("at most %d numbers per portability check", PortabilityBatchLimit),
			Violations: []providers.FieldViolation{{Field: "phone_numbers", Description: fmt.Sprintf("at most %d numbers", PortabilityBatchLimit)}}}
	}
	out := make([]providers.PortabilityResult, len(numbers))
	var ask []string
	for i, n := range numbers {
		out[i] = providers.PortabilityResult{PhoneNumber: n}
		if region, ok := portingRegion(n); !ok {
			out[i].Reason = outsideRegions(region)
		} else {
			ask = append(ask, n)
		}
	}
	if len(ask) == 0 {
		return out, nil
	}
	r, err := p.call(ctx, http.MethodPost, "/v2/portorders/portability", nil, map[string]any{"numbers": ask}, resOther)
	if err != nil {
		return nil, err
	}
	var env struct {
		Data *struct {
			Portable    []string `json:"portable"`
			Nonportable []string `json:"nonportable"`
			Hyper       []string `json:"hypernetwork_enabled"`
		} `json:"data"`
	}
	if err := decode(r, &env); err != nil {
		return nil, err
	}
	if env.Data == nil {
		return nil, badResponse(r.status, "portability response without data")
	}
	// Lenient: a number Flowroute writes in a form that does not normalize
	// is kept raw; it matches no requested number, which then reads
	// "not reported by Flowroute".
	set := func(list []string) map[string]bool {
		m := map[string]bool{}
		for _, n := range list {
			if e, ok := lenientNumber(n); ok {
				m[e] = true
			} else {
				m[n] = true
			}
		}
		return m
	}
	portable, nonportable, hyper := set(env.Data.Portable), set(env.Data.Nonportable), set(env.Data.Hyper)
	for i, n := range numbers {
		if out[i].Reason != "" {
			continue
		}
		res := &out[i]
		switch {
		case portable[n] || hyper[n]:
			res.Portable = true
			res.FastPortable = hyper[n]
		case nonportable[n]:
			res.Reason = "not portable to Flowroute"
		default:
			res.Reason = "not reported by Flowroute"
		}
	}
	return out, nil
}

// PortingRegions are the regions whose numbers Flowroute ports: "US and
// Canadian numbers only" (reference §2.2, create country US|CA).
var PortingRegions = []string{"US", "CA"}

// portingRegion returns the ISO region of an E.164 number and whether
// Flowroute ports numbers from it.
func portingRegion(e string) (string, bool) {
	region := e164.Region(e)
	if region == "" {
		return "", false
	}
	return region, slices.Contains(PortingRegions, region)
}

func outsideRegions(region string) string {
	if region == "" || region == "ZZ" {
		region = "an unknown region"
	}
	return fmt.Sprintf("Flowroute ports %s numbers only; this number is from %s", strings.Join(PortingRegions, " and "), region)
}

// CreatePortOrder implements providers.Provider. The request carries the
// address flat; a split create is found through GET ?group_id=.
func (p *Provider) CreatePortOrder(ctx context.Context, req providers.CreatePortOrderRequest) (*providers.CreatePortOrderResult, error) {
	var bad []providers.FieldViolation
	for i, n := range req.Order.PhoneNumbers {
		if region, ok := portingRegion(n); !ok {
			bad = append(bad, providers.FieldViolation{Field: fmt.Sprintf("port_order.phone_numbers[%d]", i), Description: outsideRegions(region)})
		}
	}
	if len(bad) > 0 {
		return nil, &providers.Error{Code: providers.CodeInvalidArgument, Provider: Name, Reason: "REGION_NOT_SUPPORTED",
			Message: "Flowroute ports US and Canadian numbers only", Violations: bad}
	}
	attrs := createAttrs(&req.Order)
	r, err := p.call(ctx, http.MethodPost, "/v2/portorders", nil,
		map[string]any{"data": map[string]any{"type": "portorder", "attributes": attrs}}, resOther)
	if err != nil {
		return nil, err
	}
	// From here on Flowroute has accepted the order: no answer may invite a
	// retry (there is no idempotency key; a retry is a second order).
	created, err := decodeCreated(r)
	if err != nil {
		return nil, acceptedUnconfirmed(r.status, err)
	}
	primary := created[0]
	if len(req.Order.PhoneNumbers) > 0 {
		for _, o := range created {
			if slices.Contains(o.PhoneNumbers, req.Order.PhoneNumbers[0]) {
				primary = o
				break
			}
		}
	}
	if req.OnAccepted != nil {
		req.OnAccepted(primary.ID)
	}
	siblings, gerr := p.group(ctx, primary)
	if gerr != nil {
		primary.MissingDetails = append(primary.MissingDetails, providers.DetailRelatedOrders)
		siblings = nil
	}
	res := &providers.CreatePortOrderResult{Order: primary}
	seen := map[string]bool{primary.ID: true}
	for _, s := range append(siblings, created...) {
		if !seen[s.ID] {
			seen[s.ID] = true
			res.Related = append(res.Related, s)
		}
	}
	linkRelated(append([]*providers.PortOrder{primary}, res.Related...))
	if gerr == nil { // remember only a membership actually read
		p.groups.put(append([]*providers.PortOrder{primary}, res.Related...)...)
	}
	return res, nil
}

// linkRelated sets each order's RelatedOrders to the others' ids.
func linkRelated(orders []*providers.PortOrder) {
	for _, o := range orders {
		o.RelatedOrders = nil
		for _, x := range orders {
			if x.ID != o.ID {
				o.RelatedOrders = append(o.RelatedOrders, x.ID)
			}
		}
	}
}

// maxGroup bounds how many orders of one group are read.
const maxGroup = 10000

// group returns every order sharing o's group_id (o included, as listed).
func (p *Provider) group(ctx context.Context, o *providers.PortOrder) ([]*providers.PortOrder, error) {
	if o.GroupID == "" {
		return nil, nil
	}
	out, _, err := pageThrough(ctx, p, "/v2/portorders", url.Values{"group_id": {o.GroupID}}, 0, maxGroup, true, orderPage)
	if providers.ErrorCode(err) == providers.CodeNotFound {
		return out, nil
	}
	return out, err
}

// decodeCreated reads a create answer: one order (what the fake sends), or
// "the new order(s)" as a list in either list shape (the docs allow a split
// create to answer several; the shape is unconfirmed).
func decodeCreated(r *response) ([]*providers.PortOrder, error) {
	var probe struct {
		Data json.RawMessage `json:"data"`
	}
	if err := decode(r, &probe); err != nil {
		return nil, err
	}
	d := bytes.TrimSpace(probe.Data)
	isList := len(d) > 0 && d[0] == '['
	if !isList && len(d) > 0 && d[0] == '{' {
		var t struct {
			Type string `json:"type"`
		}
		isList = json.Unmarshal(d, &t) == nil && t.Type == "portorder_list"
	}
	if !isList {
		o, err := decodeOrder(r)
		if err != nil {
			return nil, err
		}
		return []*providers.PortOrder{o}, nil
	}
	orders, _, err := orderPage(r)
	if err != nil {
		return nil, err
	}
	if len(orders) == 0 {
		return nil, badResponse(r.status, "create answered an empty order list")
	}
	return orders, nil
}

// acceptedUnconfirmed is the error for a 2xx create whose answer cannot be
// read: the order exists at Flowroute, so the error is not retryable and
// says how to find the order.
func acceptedUnconfirmed(status int, err error) *providers.Error {
	return &providers.Error{Code: providers.CodeBadResponse, Provider: Name, HTTPStatus: status, Reason: "PORT_ORDER_ACCEPTED_UNCONFIRMED",
		Message: fmt.Sprintf("flowroute accepted the port order (HTTP %d) but its answer could not be read; do not retry: list port orders filtered by phone number to find it", status),
		Err:     err}
}

func decodeOrder(r *response) (*providers.PortOrder, error) {
	var env orderEnvelope
	if err := decode(r, &env); err != nil {
		return nil, err
	}
	if env.Data == nil {
		return nil, badResponse(r.status, "response without data")
	}
	return toOrder(r.status, env.Data)
}

// getOrder reads one order without its group.
func (p *Provider) getOrder(ctx context.Context, id string) (*providers.PortOrder, error) {
	if strings.TrimSpace(id) == "" {
		return nil, &providers.Error{Code: providers.CodeNotFound, Provider: Name, Reason: "PORT_ORDER_NOT_FOUND", Message: "empty port order id"}
	}
	r, err := p.call(ctx, http.MethodGet, orderPath(id), nil, nil, resOrder)
	if err != nil {
		return nil, err
	}
	return decodeOrder(r)
}

// GetPortOrder implements providers.Provider: one provider call in the
// steady state; the group is read again only when the order changed or its
// membership is older than Config.GroupCacheTTL (groups.go).
func (p *Provider) GetPortOrder(ctx context.Context, id string) (*providers.PortOrder, error) {
	if err := OrderID.Check(Name, "port order", id); err != nil {
		return nil, err
	}
	o, err := p.getOrder(ctx, id)
	if err != nil {
		return nil, err
	}
	return p.withRelatedCached(ctx, o)
}

// ListPortOrders implements providers.Provider. States push down only when
// they name exactly one Flowroute status; RelatedOrders is not filled here.
func (p *Provider) ListPortOrders(ctx context.Context, filter providers.PortOrderFilter, q providers.ListQuery) (*providers.PortOrderPage, error) {
	base := url.Values{}
	var statuses []string
	for _, s := range filter.States {
		statuses = append(statuses, statusesOf(s)...)
	}
	if len(statuses) == 1 {
		base.Set("status", statuses[0])
	}
	if filter.PhoneNumber != "" {
		base.Set("numbers", filter.PhoneNumber)
	}
	if filter.CustomerReference != "" {
		base.Set("alias", filter.CustomerReference)
	}
	if !filter.CreatedAfter.IsZero() {
		base.Set("created_after", filter.CreatedAfter.UTC().Format("2006-01-02T15:04:05.999999Z07:00"))
	}
	if !filter.CreatedBefore.IsZero() {
		base.Set("created_before", filter.CreatedBefore.UTC().Format("2006-01-02T15:04:05.999999Z07:00"))
	}
	offset, err := providers.ParseOffsetCursor(Name, q.Cursor)
	if err != nil {
		return nil, err
	}
	orders, more, err := pageThrough(ctx, p, "/v2/portorders", base, offset, q.Limit, true, orderPage)
	if err != nil {
		var pe *providers.Error
		if !errors.As(err, &pe) || pe.Code != providers.CodeNotFound || pe.ProviderCode == "" {
			return nil, err
		}
		// No port orders on the account (or none past offset): Flowroute
		// answers 404, which is the end of the list to the caller.
		more = false
	}
	page := &providers.PortOrderPage{Orders: orders}
	if more {
		page.NextCursor = providers.OffsetCursor(offset + len(orders))
	}
	return page, nil
}

func dateOnly(o *providers.PortOrder) any {
	if o.RequestedFOCTime.IsZero() {
		return nil
	}
	return o.RequestedFOCTime.UTC().Format("2006-01-02")
}

func usageType(u providers.UsageType) string {
	switch u {
	case providers.UsageBusiness:
		return "Business"
	case providers.UsageResidential:
		return "Residential"
	}
	return ""
}

func presets(c *providers.NumberConfiguration) map[string]any {
	v := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	return map[string]any{"primary_route_id": v(c.ConnectionID), "failover_route_id": v(c.FailoverRouteID),
		"cnam_id": v(c.CNAMID), "e911_id": v(c.EmergencyAddressID)}
}

func putAddress(attrs map[string]any, a providers.Address) {
	attrs["street"] = a.StreetAddress
	attrs["street2"] = a.ExtendedAddress
	attrs["city"] = a.Locality
	attrs["state"] = a.AdministrativeArea
	attrs["zip"] = a.PostalCode
	attrs["country"] = a.CountryCode
}

// createAttrs is the flat create body. Neutral fields Flowroute cannot store
// (tax/business identifiers, port type, remaining-numbers action, new BTN,
// description, messaging profile, billing group, tags) are not sent.
func createAttrs(o *providers.PortOrder) map[string]any {
	eu := &o.EndUser
	billingName := eu.AuthorizedPerson
	if billingName == "" {
		billingName = eu.EntityName
	}
	attrs := map[string]any{
		"numbers":      append([]string{}, o.PhoneNumbers...),
		"billing_name": billingName,
		"provider":     o.LosingCarrier,
	}
	putAddress(attrs, eu.ServiceAddress)
	set := func(k, v string) {
		if v != "" {
			attrs[k] = v
		}
	}
	if attrs["street2"] == "" {
		delete(attrs, "street2")
	}
	if attrs["zip"] == "" {
		delete(attrs, "zip")
	}
	set("company", eu.EntityName)
	set("billing_number", eu.BillingTelephoneNumber)
	set("usage_type", usageType(eu.UsageType))
	set("provider_account", eu.AccountNumber)
	set("pin", eu.PIN)
	set("last_4_ssn", eu.Last4SSN)
	set("alias", o.CustomerReference)
	set("status_url", o.StatusCallbackURL)
	if d := dateOnly(o); d != nil {
		attrs["desired_completion_date"] = d
	}
	c := &o.Configuration
	if c.ConnectionID != "" || c.FailoverRouteID != "" || c.CNAMID != "" || c.EmergencyAddressID != "" {
		attrs["presets"] = presets(c)
	}
	if c.CNAMLookupsEnabled {
		attrs["enable_cnam_lookups"] = true
	}
	return attrs
}

// fieldGroup: 1 = details (pending/rejected), 2 = presets (pending..accepted).
// Only fields Flowroute documents as updatable (P:update-port-order-details,
// P:update-port-order-presets).
var orderFieldGroup = map[string]int{
	providers.FieldEndUserAuthorizedPerson: 1, providers.FieldEndUserUsageType: 1,
	providers.FieldEndUserServiceAddress: 1, providers.FieldLosingCarrier: 1,
	providers.FieldConfiguration: 2, providers.FieldCustomerReference: 2,
}

// createOnlyFields are stored by Flowroute at create (they come back on the
// order) but are not documented as updatable: an update refuses them with
// PROVIDER_CAPABILITY_MISSING instead of sending an undocumented attribute.
var createOnlyFields = map[string]string{
	providers.FieldEndUserEntityName:    "company",
	providers.FieldEndUserBillingNumber: "billing_number",
	providers.FieldEndUserAccountNumber: "provider_account",
	providers.FieldEndUserPIN:           "pin",
	providers.FieldEndUserLast4SSN:      "last_4_ssn",
	providers.FieldRequestedFOCTime:     "desired_completion_date",
	providers.FieldStatusCallbackURL:    "status_url",
}

// defaultMask is the mask for an empty Mask: every supported field that is set.
func defaultMask(o *providers.PortOrder) []string {
	eu := &o.EndUser
	var m []string
	add := func(set bool, f string) {
		if set {
			m = append(m, f)
		}
	}
	add(eu.EntityName != "", providers.FieldEndUserEntityName)
	add(eu.AuthorizedPerson != "", providers.FieldEndUserAuthorizedPerson)
	add(eu.BillingTelephoneNumber != "", providers.FieldEndUserBillingNumber)
	add(eu.UsageType != providers.UsageUnspecified, providers.FieldEndUserUsageType)
	add(!eu.ServiceAddress.IsZero(), providers.FieldEndUserServiceAddress)
	add(eu.AccountNumber != "", providers.FieldEndUserAccountNumber)
	add(eu.PIN != "", providers.FieldEndUserPIN)
	add(eu.Last4SSN != "", providers.FieldEndUserLast4SSN)
	add(o.LosingCarrier != "", providers.FieldLosingCarrier)
	add(!o.RequestedFOCTime.IsZero(), providers.FieldRequestedFOCTime)
	c := &o.Configuration
	add(c.ConnectionID != "" || c.FailoverRouteID != "" || c.CNAMID != "" || c.EmergencyAddressID != "" || c.CNAMLookupsEnabled, providers.FieldConfiguration)
	add(o.CustomerReference != "", providers.FieldCustomerReference)
	add(o.StatusCallbackURL != "", providers.FieldStatusCallbackURL)
	return m
}

// UpdatePortOrder implements providers.Provider.
func (p *Provider) UpdatePortOrder(ctx context.Context, upd providers.PortOrderUpdate) (*providers.PortOrder, error) {
	if err := OrderID.Check(Name, "port order", upd.ID); err != nil {
		return nil, err
	}
	mask := upd.Mask
	if len(mask) == 0 {
		mask = defaultMask(&upd.Order)
	}
	var bad, missing []providers.FieldViolation
	var missingNames []string
	needDetails, needPresets := false, false
	for i, f := range mask {
		switch orderFieldGroup[f] {
		case 1:
			needDetails = true
		case 2:
			needPresets = true
		default:
			v := providers.FieldViolation{Field: fmt.Sprintf("update_mask.paths[%d]", i),
				Description: fmt.Sprintf("flowroute cannot update %q", f)}
			if attr, ok := createOnlyFields[f]; ok {
				v.Description = fmt.Sprintf("flowroute documents no update of %q (%s): it can only be set at create", f, attr)
				missing = append(missing, v)
				missingNames = append(missingNames, f)
				continue
			}
			bad = append(bad, v)
		}
	}
	if len(missing) > 0 && len(bad) == 0 {
		return nil, &providers.Error{Code: providers.CodeUnimplemented, Provider: Name, Reason: "PROVIDER_CAPABILITY_MISSING",
			Message:    fmt.Sprintf("flowroute cannot update %s after create (updatable: %s)", strings.Join(missingNames, ", "), strings.Join(updatableOrderFields, ", ")),
			Violations: missing}
	}
	bad = append(bad, missing...)
	if len(bad) > 0 {
		return nil, &providers.Error{Code: providers.CodeInvalidArgument, Provider: Name, Reason: "PROVIDER_VALIDATION_FAILED",
			Message: "update mask names fields flowroute cannot store", Violations: bad}
	}
	if len(mask) == 0 {
		return nil, &providers.Error{Code: providers.CodeInvalidArgument, Provider: Name,
			Message: "nothing to update", Violations: []providers.FieldViolation{{Field: "update_mask", Description: "no field to update"}}}
	}
	cur, err := p.getOrder(ctx, upd.ID)
	if err != nil {
		return nil, err
	}
	if (needDetails && !detailStatuses[strings.ToLower(cur.ProviderStatus)]) || (needPresets && !presetStatuses[strings.ToLower(cur.ProviderStatus)]) {
		return nil, invalidTransition(cur, "update")
	}
	o := &upd.Order
	eu := &o.EndUser
	if slices.Contains(mask, providers.FieldConfiguration) && o.Configuration.CNAMLookupsEnabled != cur.Configuration.CNAMLookupsEnabled {
		return nil, &providers.Error{Code: providers.CodeUnimplemented, Provider: Name, Reason: "PROVIDER_CAPABILITY_MISSING",
			Message:    "flowroute documents no update of configuration.cnam_lookups_enabled (enable_cnam_lookups): it can only be set at create",
			Violations: []providers.FieldViolation{{Field: "port_order.configuration.cnam_lookups_enabled", Description: "can only be set at create"}}}
	}
	attrs := map[string]any{}
	for _, f := range mask {
		switch f {
		case providers.FieldEndUserAuthorizedPerson:
			attrs["billing_name"] = eu.AuthorizedPerson
		case providers.FieldEndUserUsageType:
			if u := usageType(eu.UsageType); u != "" {
				attrs["usage_type"] = u
			} else {
				return nil, &providers.Error{Code: providers.CodeInvalidArgument, Provider: Name, Message: "usage type required",
					Violations: []providers.FieldViolation{{Field: "port_order.end_user.usage_type", Description: "must be BUSINESS or RESIDENTIAL"}}}
			}
		case providers.FieldEndUserServiceAddress:
			putAddress(attrs, eu.ServiceAddress)
		case providers.FieldLosingCarrier:
			attrs["provider"] = o.LosingCarrier
		case providers.FieldConfiguration:
			attrs["presets"] = presets(&o.Configuration)
		case providers.FieldCustomerReference:
			attrs["alias"] = o.CustomerReference
		}
	}
	r, err := p.call(ctx, http.MethodPatch, orderPath(upd.ID), nil,
		map[string]any{"data": map[string]any{"type": "portorder", "attributes": attrs}}, resOrder)
	if err != nil {
		return nil, err
	}
	out, err := decodeOrder(r)
	if err != nil {
		return nil, err
	}
	return p.withRelated(ctx, out)
}

func invalidTransition(o *providers.PortOrder, action string) *providers.Error {
	e := providers.InvalidTransition(Name, o.State, action)
	e.Message += fmt.Sprintf(" (flowroute status %q)", o.ProviderStatus)
	return e
}

// ModifyPortOrderNumbers implements providers.Provider (pending only).
func (p *Provider) ModifyPortOrderNumbers(ctx context.Context, id string, add, remove []string) (*providers.PortOrder, error) {
	if err := OrderID.Check(Name, "port order", id); err != nil {
		return nil, err
	}
	cur, err := p.getOrder(ctx, id)
	if err != nil {
		return nil, err
	}
	if strings.ToLower(cur.ProviderStatus) != "pending" {
		return nil, invalidTransition(cur, "modify the numbers of")
	}
	if add == nil {
		add = []string{}
	}
	if remove == nil {
		remove = []string{}
	}
	r, err := p.call(ctx, http.MethodPatch, orderPath(id)+"/relationships/numbers", nil,
		map[string]any{"add": add, "remove": remove}, resOrder)
	if err != nil {
		return nil, err
	}
	out, err := decodeOrder(r)
	if err != nil {
		return nil, err
	}
	return p.withRelated(ctx, out)
}

// SubmitPortOrder implements providers.Provider: GET /loa, then POST /loa
// with the same payload plus the signature. Pending → processing,
// rejected → review (resubmit).
func (p *Provider) SubmitPortOrder(ctx context.Context, id string, sig providers.Signature) (*providers.PortOrder, error) {
	if err := OrderID.Check(Name, "port order", id); err != nil {
		return nil, err
	}
	var bad []providers.FieldViolation
	if strings.TrimSpace(sig.Name) == "" {
		bad = append(bad, providers.FieldViolation{Field: "signature.name", Description: "required"})
	}
	if strings.TrimSpace(sig.Title) == "" {
		bad = append(bad, providers.FieldViolation{Field: "signature.title", Description: "required"})
	}
	if len(bad) > 0 {
		return nil, &providers.Error{Code: providers.CodeInvalidArgument, Provider: Name, Message: "signature required", Violations: bad}
	}
	cur, err := p.getOrder(ctx, id)
	if err != nil {
		return nil, err
	}
	if !detailStatuses[strings.ToLower(cur.ProviderStatus)] {
		return nil, invalidTransition(cur, "submit")
	}
	form, err := p.readLOA(ctx, id)
	if err != nil {
		return nil, err
	}
	attrs := map[string]any{}
	for k, v := range form {
		attrs[k] = v
	}
	attrs["signature_name"] = sig.Name
	attrs["signature_title"] = sig.Title
	r, err := p.call(ctx, http.MethodPost, orderPath(id)+"/loa", nil,
		map[string]any{"data": map[string]any{"type": "loa", "attributes": attrs}}, resOrder)
	if err != nil {
		return nil, err
	}
	var out *providers.PortOrder
	if len(bytes.TrimSpace(r.body)) > 0 {
		if out, err = decodeOrder(r); err != nil {
			return nil, err
		}
	} else {
		// Documented alternative: 201 with an empty body. The LOA is
		// signed: a failed re-read returns the order as known before,
		// marked, never an error inviting a second submit.
		if out, err = p.getOrder(ctx, id); err != nil {
			cur.MissingDetails = append(cur.MissingDetails, providers.DetailState)
			out = cur
		}
	}
	return p.withRelated(ctx, out)
}

// CancelPortOrder implements providers.Provider: pending → cancelled,
// rejected → abandoned; anything else needs Flowroute support.
func (p *Provider) CancelPortOrder(ctx context.Context, id string) (*providers.PortOrder, error) {
	if err := OrderID.Check(Name, "port order", id); err != nil {
		return nil, err
	}
	cur, err := p.getOrder(ctx, id)
	if err != nil {
		return nil, err
	}
	switch strings.ToLower(cur.ProviderStatus) {
	case "pending", "rejected":
	default:
		return nil, invalidTransition(cur, "cancel")
	}
	r, err := p.call(ctx, http.MethodPatch, orderPath(id)+"/status", nil,
		map[string]any{"data": map[string]any{"type": "portorder", "attributes": map[string]any{"status": "cancelled"}}}, resOrder)
	if err != nil {
		return nil, err
	}
	out, err := p.getOrder(ctx, id)
	if err != nil {
		// Cancelled at Flowroute: answer with what the PATCH said, never
		// with an error.
		out = cur
		var st struct {
			Data *struct {
				Attributes struct {
					Status string `json:"status"`
				} `json:"attributes"`
			} `json:"data"`
		}
		if json.Unmarshal(r.body, &st) == nil && st.Data != nil && st.Data.Attributes.Status != "" {
			out.ProviderStatus, out.State = st.Data.Attributes.Status, stateOf(st.Data.Attributes.Status)
		} else {
			out.MissingDetails = append(out.MissingDetails, providers.DetailState)
		}
	}
	return p.withRelated(ctx, out)
}

// ListComments implements providers.Provider from the comments[] attribute.
func (p *Provider) ListComments(ctx context.Context, orderID string) ([]providers.Comment, error) {
	if err := OrderID.Check(Name, "port order", orderID); err != nil {
		return nil, err
	}
	o, err := p.getOrder(ctx, orderID)
	if err != nil {
		return nil, err
	}
	return o.Comments, nil
}

// CreateComment implements providers.Provider: Flowroute has no comment endpoint.
func (p *Provider) CreateComment(context.Context, string, string) (*providers.Comment, error) {
	return nil, providers.CapabilityMissing(Name, providers.OpCreateComment)
}

// UploadDocument implements providers.Provider: POST upload_file, then PUT
// the bytes to the returned short-lived URL (without Flowroute credentials).
func (p *Provider) UploadDocument(ctx context.Context, orderID string, doc providers.DocumentUpload) (*providers.Document, error) {
	if err := OrderID.Check(Name, "port order", orderID); err != nil {
		return nil, err
	}
	var bad []providers.FieldViolation
	if len(doc.Content) == 0 {
		bad = append(bad, providers.FieldViolation{Field: "document.content", Description: "required"})
	}
	if len(doc.Content) > MaxDocumentBytes {
		bad = append(bad, providers.FieldViolation{Field: "document.content", Description: fmt.Sprintf("at most %d bytes", MaxDocumentBytes)})
	}
	name := strings.TrimSpace(doc.Filename)
	if name == "" {
		bad = append(bad, providers.FieldViolation{Field: "document.filename", Description: "required"})
	}
	if len(bad) > 0 {
		return nil, &providers.Error{Code: providers.CodeInvalidArgument, Provider: Name, Message: "invalid document", Violations: bad}
	}
	cur, err := p.getOrder(ctx, orderID)
	if err != nil {
		return nil, err
	}
	if !detailStatuses[strings.ToLower(cur.ProviderStatus)] {
		return nil, invalidTransition(cur, "add a document to")
	}
	r, err := p.call(ctx, http.MethodPost, orderPath(orderID)+"/upload_file", nil, map[string]any{"filename": name}, resOrder)
	if err != nil {
		return nil, err
	}
	var env struct {
		Data *fileURL `json:"data"`
	}
	if err := decode(r, &env); err != nil {
		return nil, err
	}
	if env.Data == nil || env.Data.Attributes.URL == "" {
		return nil, badResponse(r.status, "upload_file response without url")
	}
	u, err := url.Parse(env.Data.Attributes.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, badResponse(r.status, "upload_file returned an invalid url")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, u.String(), bytes.NewReader(doc.Content))
	if err != nil {
		return nil, &providers.Error{Code: providers.CodeUnknown, Provider: Name, Message: "building upload request", Err: err}
	}
	if doc.ContentType != "" {
		req.Header.Set("Content-Type", doc.ContentType)
	}
	if _, err := p.send(ctx, req, resOther); err != nil {
		return nil, err
	}
	return &providers.Document{
		ID: rawID(env.Data.ID), Type: doc.Type, Filename: name, ContentType: doc.ContentType, Status: "uploaded",
	}, nil
}

type fileURL struct {
	ID         json.RawMessage `json:"id"`
	Attributes struct {
		URL     string `json:"url"`
		Expires string `json:"expires"`
	} `json:"attributes"`
}

var _ providers.DocumentLinker = (*Provider)(nil)

// DocumentDownloadLink implements providers.DocumentLinker with
// GET /v2/portorders/{id}/files/{file_id}, answered with a portorder-file-url
// whose attributes.url is a short-lived pre-signed S3 link expiring at
// attributes.expires (an expires portgate cannot read leaves ExpireTime
// zero). A document listed without an id has no link to ask for.
func (p *Provider) DocumentDownloadLink(ctx context.Context, orderID, documentID string) (providers.DocumentLink, bool, error) {
	var none providers.DocumentLink
	if err := OrderID.Check(Name, "port order", orderID); err != nil {
		return none, false, err
	}
	if strings.TrimSpace(documentID) == "" {
		return none, false, nil
	}
	r, err := p.call(ctx, http.MethodGet, orderPath(orderID)+"/files/"+url.PathEscape(documentID), nil, nil, resOrder)
	if err != nil {
		return none, false, err
	}
	var env struct {
		Data *fileURL `json:"data"`
	}
	if err := decode(r, &env); err != nil {
		return none, false, err
	}
	if env.Data == nil || env.Data.Attributes.URL == "" {
		return none, false, nil // lenient on output: no link offered
	}
	if u, err := url.Parse(env.Data.Attributes.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return none, false, badResponse(r.status, "file response with an invalid url")
	}
	return providers.DocumentLink{URL: env.Data.Attributes.URL, ExpireTime: parseTime(env.Data.Attributes.Expires)}, true, nil
}

// ListDocuments implements providers.Provider from business_documents.
func (p *Provider) ListDocuments(ctx context.Context, orderID string) ([]providers.Document, error) {
	if err := OrderID.Check(Name, "port order", orderID); err != nil {
		return nil, err
	}
	if strings.TrimSpace(orderID) == "" {
		return nil, &providers.Error{Code: providers.CodeNotFound, Provider: Name, Reason: "PORT_ORDER_NOT_FOUND", Message: "empty port order id"}
	}
	r, err := p.call(ctx, http.MethodGet, orderPath(orderID), nil, nil, resOrder)
	if err != nil {
		return nil, err
	}
	var env orderEnvelope
	if err := decode(r, &env); err != nil {
		return nil, err
	}
	if env.Data == nil {
		return nil, badResponse(r.status, "response without data")
	}
	return toDocuments(env.Data.Attributes.BusinessDocuments), nil
}
