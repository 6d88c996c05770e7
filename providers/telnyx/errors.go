package telnyx

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/httpx"
)

// errCtx tells mapError what the failed call was about.
type errCtx struct {
	op       string              // short operation name for messages
	resource string              // "port_order" or "number": reason of a 404 and prefix of violations
	pointers func(string) string // provider JSON pointer → neutral field path ("" = use default)
	// stateful marks calls on an order whose state was read just before
	// (PATCH, confirm, cancel, DELETE, attach document): current is then
	// reported with the error. It does not change the classification.
	stateful bool
	current  providers.State
}

// wireError is one item of the documented envelope. code is documented as a
// string and detail as text; both are decoded leniently (a numeric code or an
// object detail must not turn the answer into a bad response).
type wireError struct {
	Code   json.RawMessage `json:"code"`
	Title  json.RawMessage `json:"title"`
	Detail json.RawMessage `json:"detail"`
	Source json.RawMessage `json:"source"`
	Meta   json.RawMessage `json:"meta"`
}

// text renders a JSON scalar as text: strings unquoted, numbers as written,
// objects and arrays compact (at most 300 bytes); null or absent → "".
func text(raw json.RawMessage) string {
	raw = json.RawMessage(strings.TrimSpace(string(raw)))
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var str string
	if json.Unmarshal(raw, &str) == nil {
		return str
	}
	var buf bytes.Buffer
	if json.Compact(&buf, raw) != nil {
		return ""
	}
	out := buf.String()
	if len(out) > 300 {
		out = out[:300] + "…"
	}
	return out
}

// Porting error codes (developers.telnyx.com/docs/numbers/porting/api-errors):
// 80xxx are porting-specific; every porting error carries meta.retryable;
// source.pointer "/" marks a request-level error (no field).

// mapError is the ONE place a Telnyx error answer becomes a providers.Error.
//
// The HTTP status gives the kind; the documented retry signals then decide
// whether retrying can help: meta.retryable (porting errors), else the
// x-should-retry header (what the official SDKs obey), else the SDKs'
// default (408, 409, 429, 5xx retryable). A retryable answer is Unavailable
// (or RateLimited); a non-retryable 5xx/408/409 is not reported as
// retryable.
func mapError(status int, h http.Header, body []byte, ec errCtx) *providers.Error {
	var env struct {
		Errors []wireError `json:"errors"`
	}
	e := &providers.Error{Provider: Name, HTTPStatus: status}
	if err := json.Unmarshal(body, &env); err != nil || len(env.Errors) == 0 {
		if status >= 500 || status == http.StatusTooManyRequests || status == http.StatusRequestTimeout ||
			status == http.StatusUnauthorized || status == http.StatusForbidden || status == http.StatusNotFound ||
			(len(strings.TrimSpace(string(body))) == 0 &&
				(status == http.StatusBadRequest || status == http.StatusConflict || status == http.StatusUnprocessableEntity)) {
			// The status alone is enough: the spec documents bodyless 401 and
			// 422 on porting paths (400/409 likewise when empty). A body that
			// is there but not JSON stays a bad response.
			e.Message = fmt.Sprintf("%s: HTTP %d", ec.op, status)
			env.Errors = nil
		} else {
			e.Code = providers.CodeBadResponse
			e.Message = fmt.Sprintf("%s: HTTP %d with an undecodable error body", ec.op, status)
			return e
		}
	}
	var msgs []string
	var retryable *bool
	for _, we := range env.Errors {
		code := text(we.Code)
		if e.ProviderCode == "" {
			e.ProviderCode = code
		}
		m := text(we.Detail)
		if m == "" {
			m = text(we.Title)
		}
		if m == "" {
			m = code
		}
		msgs = append(msgs, m)
		var meta struct {
			Retryable *bool `json:"retryable"`
		}
		if json.Unmarshal(we.Meta, &meta) == nil && meta.Retryable != nil && retryable == nil {
			retryable = meta.Retryable
		}
		var src struct {
			Pointer string `json:"pointer"`
		}
		_ = json.Unmarshal(we.Source, &src)
		if ptr := src.Pointer; ptr != "" && ptr != "/" { // "/" = the request as a whole
			e.Violations = append(e.Violations, providers.FieldViolation{Field: fieldFor(ptr, ec), Description: m})
		}
	}
	if len(msgs) > 0 {
		e.Message = ec.op + ": " + strings.Join(msgs, "; ")
	}
	if retryable == nil {
		switch strings.ToLower(strings.TrimSpace(h.Get("x-should-retry"))) {
		case "true":
			retryable = new(true)
		case "false":
			retryable = new(false)
		}
	}
	switch {
	case status == http.StatusBadRequest || status == http.StatusUnprocessableEntity ||
		status == http.StatusRequestEntityTooLarge:
		e.Code = providers.CodeInvalidArgument
	case status == http.StatusUnauthorized:
		e.Code = providers.CodeAuthFailed
	case status == http.StatusForbidden:
		// Typically "porting not enabled or verified on this account": the
		// account is not in the state the call needs. Not the caller's
		// fault, not an internal error, not retryable.
		e.Code = providers.CodeFailedPrecondition
		e.Reason = "PROVIDER_PERMISSION_DENIED"
	case status == http.StatusNotFound:
		e.Code = providers.CodeNotFound
		switch ec.resource {
		case "port_order":
			e.Reason = "PORT_ORDER_NOT_FOUND"
		case "number":
			e.Reason = "NUMBER_NOT_FOUND"
		}
	case status == http.StatusRequestTimeout || status == http.StatusConflict || status >= 500:
		e.Code = providers.CodeUnavailable
	case status == http.StatusTooManyRequests:
		e.Code = providers.CodeRateLimited
	default:
		e.Code = providers.CodeUnknown
	}
	switch {
	case retryable != nil && *retryable && e.Code != providers.CodeRateLimited:
		e.Code = providers.CodeUnavailable
	case retryable != nil && !*retryable && (e.Code == providers.CodeUnavailable || e.Code == providers.CodeRateLimited):
		// Telnyx says retrying the same request cannot succeed.
		if status == http.StatusConflict {
			e.Code = providers.CodeAlreadyExists
		} else {
			e.Code = providers.CodeUnknown
		}
	}
	if e.Code == providers.CodeUnavailable || e.Code == providers.CodeRateLimited {
		e.RetryAfter = httpx.RetryAfter(h)
	}
	if e.Code == providers.CodeRateLimited && e.RetryAfter <= 0 {
		e.RetryAfter = time.Second
	}
	if ec.stateful {
		e.CurrentState = ec.current
	}
	return e
}

// orderPointerFields maps PortingOrder JSON pointers to neutral field paths.
var orderPointerFields = map[string]string{
	"/end_user/admin/entity_name":                      "end_user.entity_name",
	"/end_user/admin/auth_person_name":                 "end_user.authorized_person",
	"/end_user/admin/billing_phone_number":             "end_user.billing_telephone_number",
	"/end_user/admin/account_number":                   "end_user.account_number",
	"/end_user/admin/pin_passcode":                     "end_user.pin",
	"/end_user/admin/tax_identifier":                   "end_user.tax_identifier",
	"/end_user/admin/business_identifier":              "end_user.business_identifier",
	"/end_user/location/street_address":                "end_user.service_address.street_address",
	"/end_user/location/extended_address":              "end_user.service_address.extended_address",
	"/end_user/location/locality":                      "end_user.service_address.locality",
	"/end_user/location/administrative_area":           "end_user.service_address.administrative_area",
	"/end_user/location/postal_code":                   "end_user.service_address.postal_code",
	"/end_user/location/country_code":                  "end_user.service_address.region_code",
	"/misc":                                            "port_type",
	"/misc/type":                                       "port_type",
	"/misc/remaining_numbers_action":                   "remaining_numbers_action",
	"/misc/new_billing_phone_number":                   "new_billing_telephone_number",
	"/activation_settings/foc_datetime_requested":      "requested_foc_time",
	"/phone_number_configuration/connection_id":        "configuration.connection_id",
	"/phone_number_configuration/messaging_profile_id": "configuration.messaging_profile_id",
	"/phone_number_configuration/billing_group_id":     "configuration.billing_group_id",
	"/phone_number_configuration/emergency_address_id": "configuration.emergency_address_id",
	"/phone_number_configuration/tags":                 "configuration.tags",
	"/messaging/enable_messaging":                      "configuration.messaging_enabled",
	"/customer_reference":                              "customer_reference",
	"/webhook_url":                                     "status_callback_uri",
	"/documents/loa":                                   "documents.loa",
	"/documents/invoice":                               "documents.invoice",
	"/phone_numbers":                                   "phone_numbers",
}

var numberPointerFields = map[string]string{
	"/customer_reference":   "alias",
	"/tags":                 "tags",
	"/connection_id":        "connection_id",
	"/messaging_profile_id": "messaging_profile_id",
	"/external_pin":         "port_out_pin",
}

// fieldFor maps a JSON pointer to a neutral field path:
// /phone_numbers/2 → port_order.phone_numbers[2],
// /end_user/admin/entity_name → port_order.end_user.entity_name.
func fieldFor(ptr string, ec errCtx) string {
	if ec.pointers != nil {
		if f := ec.pointers(ptr); f != "" {
			return f
		}
	}
	prefix := ec.resource
	table := orderPointerFields
	if ec.resource == "number" {
		table = numberPointerFields
	}
	path := ""
	if f, ok := table[ptr]; ok {
		path = f
	} else {
		path = pointerToPath(ptr)
	}
	if prefix == "" {
		return path
	}
	return prefix + "." + path
}

// pointerToPath turns /a/b/3/c into a.b[3].c.
func pointerToPath(ptr string) string {
	var b strings.Builder
	for _, part := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		if _, err := strconv.Atoi(part); err == nil && b.Len() > 0 {
			b.WriteString("[" + part + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(part)
	}
	return b.String()
}
