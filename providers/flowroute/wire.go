package flowroute

import (
	"bytes"
	"encoding/json"
	"net/url"
	"path"
	"strings"
	"time"
	"unsafe"

	"github.com/portgate/portgate/internal/e164"
	"github.com/portgate/portgate/providers"
)

// ---- wire types (responses) ----

type orderData struct {
	ID         json.RawMessage `json:"id"`
	Type       string          `json:"type"`
	Attributes orderAttrs      `json:"attributes"`
}

type address struct {
	Street  string `json:"street"`
	Street2 string `json:"street2"`
	City    string `json:"city"`
	State   string `json:"state"`
	Zip     string `json:"zip"`
	Country string `json:"country"`
}

type orderAttrs struct {
	ID                    json.RawMessage   `json:"id"`
	Alias                 string            `json:"alias"`
	Status                string            `json:"status"`
	StatusUpdatedAt       string            `json:"status_updated_at"`
	StatusURL             string            `json:"status_url"`
	GroupID               json.RawMessage   `json:"group_id"`
	Numbers               []json.RawMessage `json:"numbers"`
	BillingName           string            `json:"billing_name"`
	BillingNumber         string            `json:"billing_number"`
	Company               string            `json:"company"`
	UsageType             string            `json:"usage_type"`
	BillingAddress        address           `json:"billing_address"`
	Provider              string            `json:"provider"`
	ProviderAccount       string            `json:"provider_account"`
	PIN                   string            `json:"pin"`
	DesiredCompletionDate string            `json:"desired_completion_date"`
	CompletionDate        string            `json:"completion_date"`
	EnableCNAMLookups     bool              `json:"enable_cnam_lookups"`
	Comments              []json.RawMessage `json:"comments"`
	Presets               orderPresets      `json:"presets"`
	BusinessDocuments     []json.RawMessage `json:"business_documents"`
	CreatedAt             string            `json:"created_at"`
	ModifiedAt            string            `json:"modified_at"`
}

// orderPresets are the number settings an order applies at completion
// (ids that may be strings or numbers). A struct, not a map: decoding a map
// per order was the largest single allocation of a GetPortOrder (issue 13).
type orderPresets struct {
	PrimaryRouteID  json.RawMessage `json:"primary_route_id"`
	FailoverRouteID json.RawMessage `json:"failover_route_id"`
	CNAMID          json.RawMessage `json:"cnam_id"`
	E911ID          json.RawMessage `json:"e911_id"`
}

type orderEnvelope struct {
	Data *orderData `json:"data"`
}

// plainString decodes a JSON string of printable ASCII without escapes
// (ids, numbers, timestamps) without encoding/json: for such a literal the
// value is the bytes between the quotes — not copied: like the strings the
// decoder leaves in the body (unmarshalNoCopy), it points into the response
// body, which is read for this one response and never reused; whatever
// keeps such a string for long clones it (groupCache, the e164 memos).
// ok=false = ask encoding/json.
func plainString(raw []byte) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return "", false
	}
	for _, c := range raw[1 : len(raw)-1] {
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return "", false
		}
	}
	if len(raw) == 2 {
		return "", true
	}
	return unsafe.String(&raw[1], len(raw)-2), true
}

// plainUint reports whether raw is a JSON integer literal of digits only
// (json.Number would read it back unchanged).
func plainUint(raw []byte) bool {
	if len(raw) == 0 || len(raw) > 20 || (raw[0] == '0' && len(raw) > 1) {
		return false
	}
	for _, c := range raw {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// rawID reads a JSON:API id that may be a string or a number.
func rawID(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	if s, ok := plainString(raw); ok {
		return s
	}
	if plainUint(raw) {
		return string(raw)
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02",
}

// parseTime reads Flowroute's mixed timestamp formats; zero when absent or unreadable.
func parseTime(s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

// stateOf maps a raw Flowroute status to the neutral state.
func stateOf(status string) providers.State {
	switch strings.ToLower(strings.TrimSpace(status)) {
	case "pending":
		return providers.StateDraft
	case "processing":
		return providers.StateSubmitted
	case "submitted", "review":
		return providers.StateInProgress
	case "accepted":
		return providers.StateFOCConfirmed
	case "rejected":
		return providers.StateException
	case "completed":
		return providers.StateCompleted
	case "cancelled", "canceled", "abandoned", "hard_canceled":
		return providers.StateCancelled
	}
	return providers.StateUnspecified
}

// statusesOf is the inverse of stateOf, used for list pushdown.
func statusesOf(s providers.State) []string {
	switch s {
	case providers.StateDraft:
		return []string{"pending"}
	case providers.StateSubmitted:
		return []string{"processing"}
	case providers.StateInProgress:
		return []string{"submitted", "review"}
	case providers.StateFOCConfirmed:
		return []string{"accepted"}
	case providers.StateException:
		return []string{"rejected"}
	case providers.StateCompleted:
		return []string{"completed"}
	case providers.StateCancelled:
		return []string{"cancelled", "canceled", "abandoned", "hard_canceled"}
	}
	return nil
}

// porting numbers: a string, or an object carrying the number.
func wireNumber(raw json.RawMessage) string {
	if s, ok := plainString(raw); ok {
		return s
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) == nil {
		for _, k := range []string{"number", "value", "tn", "phone_number", "id"} {
			if v, ok := obj[k]; ok {
				if s := rawID(v); s != "" {
					return s
				}
			}
		}
	}
	return ""
}

// lenientNumber normalizes a number Flowroute sent: NANP forms first, then
// the digits read as a full international number (Flowroute writes non-NANP
// numbers as digits without "+", e.g. "447700900123"). ok is false when
// neither is a valid number; the caller keeps the raw form and flags it.
func lenientNumber(raw string) (string, bool) {
	if e, err := e164.FromProvider(raw); err == nil {
		return e, true
	}
	t := strings.TrimSpace(raw)
	if t != "" && !strings.HasPrefix(t, "+") {
		if e, err := e164.Parse("+"+t, ""); err == nil {
			return e, true
		}
	}
	return "", false
}

// toOrder maps a wire port order to the neutral model. Secrets (pin,
// provider_account, last_4_ssn) are never copied: only the Has* flags.
func toOrder(status int, d *orderData) (*providers.PortOrder, error) {
	a := &d.Attributes
	id := rawID(d.ID)
	if id == "" {
		id = rawID(a.ID)
	}
	if id == "" {
		return nil, badResponse(status, "port order without id")
	}
	o := &providers.PortOrder{
		ID:                id,
		State:             stateOf(a.Status),
		ProviderStatus:    a.Status,
		LosingCarrier:     a.Provider,
		CustomerReference: a.Alias,
		StatusCallbackURL: a.StatusURL,
		GroupID:           rawID(a.GroupID),
		RequestedFOCTime:  parseTime(a.DesiredCompletionDate),
		ConfirmedFOCTime:  parseTime(a.CompletionDate),
		CreateTime:        parseTime(a.CreatedAt),
	}
	o.UpdateTime = parseTime(a.ModifiedAt)
	if su := parseTime(a.StatusUpdatedAt); su.After(o.UpdateTime) {
		o.UpdateTime = su
	}
	if o.UpdateTime.IsZero() {
		o.UpdateTime = o.CreateTime
	}
	for _, raw := range a.Numbers {
		n := wireNumber(raw)
		if n == "" {
			n = strings.TrimSpace(string(raw))
		}
		if e, ok := lenientNumber(n); ok {
			o.PhoneNumbers = append(o.PhoneNumbers, e)
		} else {
			o.InvalidPhoneNumbers = append(o.InvalidPhoneNumbers, n)
		}
	}
	eu := &o.EndUser
	eu.AuthorizedPerson = a.BillingName
	eu.EntityName = a.Company
	if eu.EntityName == "" {
		eu.EntityName = a.BillingName
	}
	if a.BillingNumber != "" {
		if e, ok := lenientNumber(a.BillingNumber); ok {
			eu.BillingTelephoneNumber = e
		} else {
			o.InvalidPhoneNumbers = append(o.InvalidPhoneNumbers, a.BillingNumber)
		}
	}
	switch strings.ToLower(a.UsageType) {
	case "business":
		eu.UsageType = providers.UsageBusiness
	case "residential":
		eu.UsageType = providers.UsageResidential
	}
	eu.ServiceAddress = providers.Address{
		StreetAddress: a.BillingAddress.Street, ExtendedAddress: a.BillingAddress.Street2,
		Locality: a.BillingAddress.City, AdministrativeArea: a.BillingAddress.State,
		PostalCode: a.BillingAddress.Zip, CountryCode: a.BillingAddress.Country,
	}
	eu.HasPIN = a.PIN != ""
	eu.HasAccountNumber = a.ProviderAccount != ""
	c := &o.Configuration
	c.CNAMLookupsEnabled = a.EnableCNAMLookups
	c.ConnectionID = rawID(a.Presets.PrimaryRouteID)
	c.FailoverRouteID = rawID(a.Presets.FailoverRouteID)
	c.CNAMID = rawID(a.Presets.CNAMID)
	c.EmergencyAddressID = rawID(a.Presets.E911ID)
	o.Comments = toComments(a.Comments)
	if o.State == providers.StateException {
		sd := providers.StateDetail{Code: "rejected", Description: "The port order was rejected; fix it and resubmit."}
		if n := len(o.Comments); n > 0 {
			sd.Description = o.Comments[n-1].Body
		}
		o.StateDetails = []providers.StateDetail{sd}
	}
	return o, nil
}

func firstString(obj map[string]json.RawMessage, keys ...string) string {
	for _, k := range keys {
		if v, ok := obj[k]; ok {
			var s string
			if json.Unmarshal(v, &s) == nil && s != "" {
				return s
			}
			if s := rawID(v); s != "" {
				return s
			}
		}
	}
	return ""
}

// toComments reads comments[]: plain strings or objects (shape undocumented).
func toComments(raws []json.RawMessage) []providers.Comment {
	out := make([]providers.Comment, 0, len(raws))
	for i, raw := range raws {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			out = append(out, providers.Comment{ID: itoa(i + 1), Body: s, Author: "system"})
			continue
		}
		var obj map[string]json.RawMessage
		if json.Unmarshal(raw, &obj) != nil {
			continue
		}
		c := providers.Comment{
			ID:         firstString(obj, "id"),
			Body:       firstString(obj, "body", "comment", "text", "message", "content"),
			Author:     firstString(obj, "author", "created_by", "user"),
			CreateTime: parseTime(firstString(obj, "created_at", "timestamp", "date")),
		}
		if c.ID == "" {
			c.ID = itoa(i + 1)
		}
		if c.Author == "" {
			c.Author = "system"
		}
		out = append(out, c)
	}
	return out
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

type fileData struct {
	ID         json.RawMessage `json:"id"`
	Type       string          `json:"type"`
	Attributes struct {
		Filename    string `json:"filename"`
		Status      string `json:"status"`
		OriginalURL string `json:"original_url"`
		CreatedAt   string `json:"created_at"`
	} `json:"attributes"`
}

// toDocuments reads business_documents in both documented shapes: flat
// {filename,status} items, or wrappers {data:[portorder-file…]}.
func toDocuments(raws []json.RawMessage) []providers.Document {
	out := []providers.Document{}
	add := func(id, filename, status, created string) {
		d := providers.Document{ID: id, Filename: filename, Status: status, CreateTime: parseTime(created)}
		if u, err := url.Parse(filename); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
			// Not a download link: nothing says it works without
			// credentials (only DocumentDownloadLink's file link does).
			d.Filename = path.Base(u.Path)
		}
		d.Type = guessType(d.Filename)
		out = append(out, d)
	}
	for _, raw := range raws {
		var obj map[string]json.RawMessage
		if json.Unmarshal(raw, &obj) != nil {
			continue
		}
		if data, ok := obj["data"]; ok {
			var list []fileData
			if json.Unmarshal(data, &list) != nil {
				var one fileData
				if json.Unmarshal(data, &one) != nil {
					continue
				}
				list = []fileData{one}
			}
			for _, f := range list {
				add(rawID(f.ID), f.Attributes.Filename, f.Attributes.Status, f.Attributes.CreatedAt)
			}
			continue
		}
		add(firstString(obj, "id"), firstString(obj, "filename"), firstString(obj, "status"), firstString(obj, "created_at"))
	}
	return out
}

// guessType classifies a document by its name; Flowroute stores no type.
func guessType(name string) providers.DocumentType {
	l := strings.ToLower(name)
	switch {
	case strings.Contains(l, "loa"):
		return providers.DocumentLOA
	case strings.Contains(l, "csr"):
		return providers.DocumentCSR
	case strings.Contains(l, "invoice") || strings.Contains(l, "bill"):
		return providers.DocumentInvoice
	}
	return providers.DocumentOther
}

// decodeList reads a port order list in either shape: flat data:[…] or the
// documented {data:{type:"portorder_list",attributes:{orders:{data:[…]}}}}.
func decodeList(r *response) ([]orderData, string, error) {
	if items, next, ok := decodeNestedList(r.body, r.asked); ok {
		return items, next, nil
	}
	return decodeListSlow(r)
}

// decodeNestedList reads the documented nested shape in one pass (the
// general decoder below scans the body once per level). ok=false = not
// that shape, or not decodable: decodeListSlow decides.
//
// sizeHint (the page size asked for) sizes the item slice up front: an
// order's wire struct is ~1 KB, and the decoder's own growth (10, then 20,
// ...) allocated 30 items' worth for the 11 a page of 10 asks for. A page
// that decodes to no item is decoded again without the presized
// containers, so an absent data/orders member reads exactly as before (not
// as an empty page).
func decodeNestedList(body []byte, sizeHint int) ([]orderData, string, bool) {
	if sizeHint > 0 {
		env := nestedList{Data: &nestedListData{}}
		env.Data.Attributes.Orders = &nestedOrders{Data: make([]orderData, 0, min(sizeHint, maxPageSize))}
		if unmarshal(body, &env) == nil && env.Data != nil && env.Data.Attributes.Orders != nil && len(env.Data.Attributes.Orders.Data) > 0 {
			return env.Data.Attributes.Orders.Data, env.Links.Next, true
		}
	}
	var env nestedList
	if unmarshal(body, &env) != nil || env.Data == nil || env.Data.Attributes.Orders == nil {
		return nil, "", false
	}
	return env.Data.Attributes.Orders.Data, env.Links.Next, true
}

// nestedList is the documented list shape: data.attributes.orders.data[].
type nestedList struct {
	Data  *nestedListData `json:"data"`
	Links struct {
		Next string `json:"next"`
	} `json:"links"`
}

type nestedListData struct {
	Attributes struct {
		Orders *nestedOrders `json:"orders"`
	} `json:"attributes"`
}

type nestedOrders struct {
	Data []orderData `json:"data"`
}

func decodeListSlow(r *response) ([]orderData, string, error) {
	var env struct {
		Data  json.RawMessage `json:"data"`
		Links struct {
			Next string `json:"next"`
		} `json:"links"`
	}
	if err := decode(r, &env); err != nil {
		return nil, "", err
	}
	data := bytes.TrimSpace(env.Data)
	var items []orderData
	switch {
	case len(data) == 0 || string(data) == "null":
		return nil, "", badResponse(r.status, "list response without data")
	case data[0] == '[':
		if err := unmarshal(data, &items); err != nil {
			return nil, "", &providers.Error{Code: providers.CodeBadResponse, Provider: Name, HTTPStatus: r.status, Message: "undecodable port order list", Err: err}
		}
	default:
		var nested struct {
			Attributes struct {
				Orders json.RawMessage `json:"orders"`
			} `json:"attributes"`
		}
		if err := unmarshal(data, &nested); err != nil {
			return nil, "", &providers.Error{Code: providers.CodeBadResponse, Provider: Name, HTTPStatus: r.status, Message: "undecodable port order list", Err: err}
		}
		orders := bytes.TrimSpace(nested.Attributes.Orders)
		if len(orders) > 0 && orders[0] == '[' {
			if err := unmarshal(orders, &items); err != nil {
				return nil, "", &providers.Error{Code: providers.CodeBadResponse, Provider: Name, HTTPStatus: r.status, Message: "undecodable port order list", Err: err}
			}
		} else {
			var od struct {
				Data []orderData `json:"data"`
			}
			if err := unmarshal(orders, &od); err != nil {
				return nil, "", &providers.Error{Code: providers.CodeBadResponse, Provider: Name, HTTPStatus: r.status, Message: "undecodable port order list", Err: err}
			}
			items = od.Data
		}
	}
	return items, env.Links.Next, nil
}

// ---- numbers ----

type relationship struct {
	Data *struct {
		ID   json.RawMessage `json:"id"`
		Type string          `json:"type"`
	} `json:"data"`
}

type numberData struct {
	ID         json.RawMessage `json:"id"`
	Type       string          `json:"type"`
	Attributes struct {
		Value              json.RawMessage `json:"value"`
		Alias              string          `json:"alias"`
		CNAMLookupsEnabled bool            `json:"cnam_lookups_enabled"`
		MessagingEnabled   bool            `json:"messaging_enabled"`
		NumberType         string          `json:"number_type"`
		Status             string          `json:"status"`
		CreatedAt          string          `json:"created_at"`
		numberDetailsWire                  // issue 14 search
	} `json:"attributes"`
	Relationships map[string]relationship `json:"relationships"`
}

func (d *numberData) rel(name string) string {
	r, ok := d.Relationships[name]
	if !ok || r.Data == nil {
		return ""
	}
	return rawID(r.Data.ID)
}

func toNumber(status int, d *numberData, included []includedData) (*providers.Number, error) {
	v := rawID(d.Attributes.Value)
	if v == "" {
		v = rawID(d.ID)
	}
	if v == "" {
		return nil, badResponse(status, "number without value")
	}
	e, ok := lenientNumber(v)
	if !ok {
		e = v
	}
	return &providers.Number{
		PhoneNumber:           e,
		RawPhoneNumber:        v,
		PhoneNumberInvalid:    !ok,
		Status:                d.Attributes.Status,
		NumberType:            d.Attributes.NumberType,
		Alias:                 d.Attributes.Alias,
		CNAMLookupsEnabled:    d.Attributes.CNAMLookupsEnabled,
		MessagingEnabled:      d.Attributes.MessagingEnabled,
		ConnectionID:          d.rel("primary_route"),
		FailoverRouteID:       d.rel("failover_route"),
		EmergencyAddressID:    d.rel("e911_address"),
		CreateTime:            parseTime(d.Attributes.CreatedAt),
		MessagingProvisioning: messagingProvisioning(d, included),
		NumberDetails:         numberDetails(d.Attributes.Status, d.Attributes.NumberType, d.Attributes.numberDetailsWire),
		Emergency:             numberEmergency(d, included),
	}, nil
}

// includedData is one member of a JSON:API "included" list.
type includedData struct {
	ID         json.RawMessage            `json:"id"`
	Type       string                     `json:"type"`
	Attributes map[string]json.RawMessage `json:"attributes"`
}

// messagingProvisioning reads the message provisioning task Flowroute
// attaches while enabling messaging: relationships.message_provision plus a
// message_provisioning_status member of "included" (reference §3). Task
// status words are not documented; "failed"/"error" is FAILED, a finished
// word is COMPLETE, anything else is PENDING while messaging_enabled is
// still false (the safe reading: messaging is not on yet).
func messagingProvisioning(d *numberData, included []includedData) providers.MessagingProvisioning {
	task := d.rel("message_provision")
	var status, reason string
	found := false
	for _, inc := range included {
		if !strings.HasPrefix(inc.Type, "message_provision") {
			continue
		}
		if id := rawID(inc.ID); task == "" || id == task {
			task = id
			status = firstString(inc.Attributes, "status", "state")
			reason = firstString(inc.Attributes, "reason", "detail", "error", "message")
			found = true
			break
		}
	}
	if task == "" && status == "" {
		return providers.MessagingProvisioning{}
	}
	mp := providers.MessagingProvisioning{TaskID: task, ProviderStatus: status, Reason: reason}
	if !found {
		return mp // a task id without its status: state not reported
	}
	switch strings.ToLower(status) {
	case "failed", "failure", "error":
		mp.State = providers.MessagingProvisioningFailed
	case "successful", "success", "succeeded", "complete", "completed", "done", "enabled":
		mp.State = providers.MessagingProvisioningComplete
	default:
		if d.Attributes.MessagingEnabled {
			mp.State = providers.MessagingProvisioningComplete
		} else {
			mp.State = providers.MessagingProvisioningPending
		}
	}
	return mp
}
