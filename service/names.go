package service

import (
	"net/url"
	"strings"

	"github.com/portgate/portgate/internal/e164"
)

// AllProviders is the wildcard provider segment: every provider (lists,
// portability) or "choose for me" (create).
const AllProviders = "-"

func providerName(p string) string      { return "providers/" + p }
func portOrderName(p, id string) string { return "providers/" + p + "/portOrders/" + id }
func numberName(p, number string) string {
	return "providers/" + p + "/numbers/" + strings.TrimPrefix(number, "+")
}
func commentName(order, id string) string  { return order + "/comments/" + id }
func documentName(order, id string) string { return order + "/documents/" + id }

// parseParent reads "providers/{p}" and returns p.
func parseParent(field, s string) (string, error) {
	parts := strings.Split(s, "/")
	if len(parts) != 2 || parts[0] != "providers" || parts[1] == "" {
		return "", invalidArgument(ReasonInvalidArgument, fieldViolation{field, "must be providers/{provider} or providers/-"})
	}
	return parts[1], nil
}

// parsePortOrderName reads "providers/{p}/portOrders/{id}".
func parsePortOrderName(field, s string) (provider, id string, err error) {
	parts := strings.Split(s, "/")
	if len(parts) == 4 && parts[1] == AllProviders {
		return "", "", invalidArgument(ReasonInvalidArgument, fieldViolation{field, "providers/- names every provider; a port order lives at one: use providers/{provider}/portOrders/{port_order}"})
	}
	if len(parts) != 4 || parts[0] != "providers" || parts[2] != "portOrders" || parts[1] == "" || parts[3] == "" {
		return "", "", invalidArgument(ReasonInvalidArgument, fieldViolation{field, "must be providers/{provider}/portOrders/{port_order}"})
	}
	return parts[1], parts[3], nil
}

// parseNumberName reads "providers/{p}/numbers/{number}" and normalizes the
// number to E.164. The canonical segment is the E.164 digits without "+"
// (13125550100); "+1312…", "%2B1312…" and national forms ("(312) …") are
// accepted too. A digits-only segment of 11 or more digits is read as
// international first.
func parseNumberName(field, s, region string) (provider, number string, err error) {
	parts := strings.SplitN(s, "/", 4)
	if len(parts) == 4 && parts[1] == AllProviders {
		return "", "", invalidArgument(ReasonInvalidArgument, fieldViolation{field, "providers/- names every provider; a number is addressed at one: use providers/{provider}/numbers/{E.164 digits, e.g. 13125550100}"})
	}
	if len(parts) != 4 || parts[0] != "providers" || parts[2] != "numbers" || parts[1] == "" || parts[3] == "" {
		return "", "", invalidArgument(ReasonInvalidArgument, fieldViolation{field, "must be providers/{provider}/numbers/{E.164 digits, e.g. 13125550100}"})
	}
	raw := parts[3]
	if u, uerr := url.PathUnescape(raw); uerr == nil {
		raw = u
	}
	if len(raw) >= 11 && isDigits(raw) {
		if n, perr := e164.Parse("+"+raw, region); perr == nil {
			return parts[1], n, nil
		}
	}
	n, perr := e164.Parse(raw, region)
	if perr != nil {
		return "", "", invalidArgument(ReasonInvalidPhone, fieldViolation{field, perr.Error()})
	}
	return parts[1], n, nil
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// parseChildName reads "providers/{p}/portOrders/{id}/{kind}/{child}" and
// returns the port order's name and the child id.
func parseChildName(field, s, kind string) (order, id string, err error) {
	parts := strings.Split(s, "/")
	if len(parts) != 6 || parts[4] != kind || parts[5] == "" {
		return "", "", invalidArgument(ReasonInvalidArgument, fieldViolation{field, "must be providers/{provider}/portOrders/{port_order}/" + kind + "/{id}"})
	}
	return strings.Join(parts[:4], "/"), parts[5], nil
}
