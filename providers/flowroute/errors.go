package flowroute

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/httpx"
)

// wireError is one element of Flowroute's {"errors":[…]}. status and detail
// are raw: status is a number or (unknown URL) a string, detail a string or
// (validation) an object keyed by field.
type wireError struct {
	ID     string          `json:"id"`
	Status json.RawMessage `json:"status"`
	Title  string          `json:"title"`
	Detail json.RawMessage `json:"detail"`
}

// s3Error is the XML error body of the presigned upload URL.
type s3Error struct {
	Code      string `xml:"Code"`
	Message   string `xml:"Message"`
	RequestID string `xml:"RequestId"`
}

// fieldPaths maps Flowroute attribute names to neutral field paths.
var fieldPaths = map[string]string{
	"numbers":                 "port_order.phone_numbers",
	"add":                     "add_phone_numbers",
	"remove":                  "remove_phone_numbers",
	"billing_name":            "port_order.end_user.authorized_person",
	"company":                 "port_order.end_user.entity_name",
	"billing_number":          "port_order.end_user.billing_telephone_number",
	"usage_type":              "port_order.end_user.usage_type",
	"street":                  "port_order.end_user.service_address.street_address",
	"street2":                 "port_order.end_user.service_address.extended_address",
	"city":                    "port_order.end_user.service_address.locality",
	"state":                   "port_order.end_user.service_address.administrative_area",
	"zip":                     "port_order.end_user.service_address.postal_code",
	"country":                 "port_order.end_user.service_address.region_code",
	"provider":                "port_order.losing_carrier",
	"provider_account":        "port_order.end_user.account_number",
	"pin":                     "port_order.end_user.pin",
	"last_4_ssn":              "port_order.end_user.ssn_last4",
	"desired_completion_date": "port_order.requested_foc_time",
	"presets":                 "port_order.configuration",
	"enable_cnam_lookups":     "port_order.configuration.cnam_lookups_enabled",
	"alias":                   "port_order.customer_reference",
	"status_url":              "port_order.status_callback_uri",
	"signature_name":          "signature.name",
	"signature_title":         "signature.title",
	"filename":                "document.filename",
	"url":                     "document.url",
	"cnam_lookups_enabled":    "number.cnam_lookups_enabled",
	"messaging_enabled":       "number.messaging_enabled",
	"messaging_callback_url":  "messaging_callback_url",
}

func neutralField(name string) string {
	if p, ok := fieldPaths[name]; ok {
		return p
	}
	return name
}

// mapError turns a non-2xx Flowroute answer into a *providers.Error. It is
// the one place HTTP statuses become neutral codes.
func mapError(status int, h http.Header, body []byte, res resource) *providers.Error {
	e := &providers.Error{Provider: Name, HTTPStatus: status}
	var env struct {
		Errors []wireError `json:"errors"`
	}
	var we wireError
	var detailText string
	trimmed := strings.TrimSpace(string(body))
	switch {
	case strings.HasPrefix(trimmed, "{") && json.Unmarshal(body, &env) == nil && len(env.Errors) > 0:
		we = env.Errors[0]
		e.ProviderCode = we.Title
		e.ProviderErrorID = we.ID
		detailText, e.Violations = parseDetail(we.Detail)
		if detailText == "" {
			var s string
			if json.Unmarshal(we.Status, &s) == nil {
				detailText = s // unknown-URL quirk: the message lives in status
			}
		}
	case strings.HasPrefix(trimmed, "<"):
		var se s3Error
		if xml.Unmarshal(body, &se) == nil {
			e.ProviderCode, e.ProviderErrorID, detailText = se.Code, se.RequestID, se.Message
		}
	}
	msg := detailText
	if msg == "" {
		msg = we.Title
	}
	if msg == "" {
		msg = http.StatusText(status)
	}
	e.Message = fmt.Sprintf("flowroute answered %d: %s", status, msg)

	switch {
	case status == http.StatusBadRequest || status == http.StatusUnprocessableEntity ||
		status == http.StatusRequestEntityTooLarge:
		e.Code = providers.CodeInvalidArgument
		e.Reason = "PROVIDER_VALIDATION_FAILED"
	case status == http.StatusUnauthorized:
		e.Code = providers.CodeAuthFailed
		e.Reason = "PROVIDER_AUTH_FAILED"
	case status == http.StatusForbidden:
		// Flowroute's 403 means "this account may not do this"
		// (ActionNotAuthorizedError, porting not enabled, a route still in
		// use, an expired upload URL), never a state-machine refusal: the
		// adapter checks states itself before every write.
		e.Code = providers.CodeFailedPrecondition
		e.Reason = "PROVIDER_PERMISSION_DENIED"
		if detailText == "" {
			e.Message = fmt.Sprintf("flowroute answered %d: %s: the account is not allowed to do this (is porting enabled on this Flowroute account?)", status, msg)
		}
	case status == http.StatusNotFound:
		e.Code = providers.CodeNotFound
		switch res {
		case resOrder:
			e.Reason = "PORT_ORDER_NOT_FOUND"
		case resNumber:
			e.Reason = "NUMBER_NOT_FOUND"
		}
	case status == http.StatusRequestTimeout:
		e.Code = providers.CodeUnavailable
		e.Reason = "PROVIDER_UNAVAILABLE"
	case status == http.StatusConflict:
		e.Code = providers.CodeAlreadyExists
	case status == http.StatusTooManyRequests:
		e.Code = providers.CodeRateLimited
		e.Reason = "PROVIDER_RATE_LIMITED"
		e.RetryAfter = httpx.RetryAfter(h)
	case status >= 500:
		e.Code = providers.CodeUnavailable
		e.Reason = "PROVIDER_UNAVAILABLE"
	default: // 405, 410, 415, …: the provider refused in a way no caller can fix

		e.Code = providers.CodeUnknown
	}
	return e
}

// parseDetail reads detail as a string, or as an object keyed by field whose
// values are message lists, strings, or objects keyed by list index.
func parseDetail(raw json.RawMessage) (string, []providers.FieldViolation) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s, nil
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil {
		return strings.TrimSpace(string(raw)), nil
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var vs []providers.FieldViolation
	var parts []string
	for _, k := range keys {
		field := neutralField(k)
		for _, v := range violationsFor(field, obj[k]) {
			vs = append(vs, v)
			parts = append(parts, k+": "+v.Description)
		}
	}
	return strings.Join(parts, "; "), vs
}

func violationsFor(field string, raw json.RawMessage) []providers.FieldViolation {
	var list []string
	if json.Unmarshal(raw, &list) == nil {
		out := make([]providers.FieldViolation, 0, len(list))
		for _, m := range list {
			out = append(out, providers.FieldViolation{Field: field, Description: m})
		}
		return out
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return []providers.FieldViolation{{Field: field, Description: s}}
	}
	var byIndex map[string]json.RawMessage
	if json.Unmarshal(raw, &byIndex) == nil {
		keys := make([]string, 0, len(byIndex))
		for k := range byIndex {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			a, errA := strconv.Atoi(keys[i])
			b, errB := strconv.Atoi(keys[j])
			if errA == nil && errB == nil {
				return a < b
			}
			return keys[i] < keys[j]
		})
		var out []providers.FieldViolation
		for _, k := range keys {
			sub := field + "." + k
			if _, err := strconv.Atoi(k); err == nil {
				sub = field + "[" + k + "]"
			}
			out = append(out, violationsFor(sub, byIndex[k])...)
		}
		return out
	}
	return []providers.FieldViolation{{Field: field, Description: strings.TrimSpace(string(raw))}}
}
