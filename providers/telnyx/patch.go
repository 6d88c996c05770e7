package telnyx

import (
	"strings"
	"time"

	"github.com/portgate/portgate/providers"
)

// orderPatch builds an UpdatePortingOrder body from the neutral order.
// With a mask, exactly the masked fields are sent and an empty value is sent
// as null (clears it); fields Telnyx cannot store are violations. Without a
// mask, every field that is set is sent and fields Telnyx has no place for
// are skipped.
func orderPatch(o providers.PortOrder, mask []string) (map[string]any, []providers.FieldViolation) {
	explicit := len(mask) > 0
	patch := map[string]any{}
	var viol []providers.FieldViolation
	exact := func(field string) bool {
		for _, m := range mask {
			if m == field {
				return true
			}
		}
		return false
	}
	// unsupported flags a field Telnyx cannot store when the caller set it
	// or named it in the mask.
	unsupported := func(field, why string, set bool) {
		if explicit && (set || exact(field)) {
			viol = append(viol, providers.FieldViolation{Field: "port_order." + field, Description: why})
		}
	}
	want := func(field string, set bool) bool {
		if !explicit {
			return set
		}
		for _, m := range mask {
			if m == field || strings.HasPrefix(field, m+".") {
				return true
			}
		}
		return false
	}
	str := func(v string) any {
		if v == "" {
			return nil
		}
		return v
	}
	eu, addr, cfg := o.EndUser, o.EndUser.ServiceAddress, o.Configuration

	if explicit {
		known := append([]string{"end_user", "end_user.usage_type", "end_user.last_4_ssn", "losing_carrier"}, UpdatableOrderFields...)
		for _, m := range mask {
			ok := false
			for _, k := range known {
				if m == k || strings.HasPrefix(m, k+".") {
					ok = true
				}
			}
			if !ok {
				viol = append(viol, providers.FieldViolation{Field: "update_mask", Description: "unknown or read-only field " + m})
			}
		}
	}

	admin := []struct {
		field, wire, val string
	}{
		{providers.FieldEndUserEntityName, "entity_name", eu.EntityName},
		{providers.FieldEndUserAuthorizedPerson, "auth_person_name", eu.AuthorizedPerson},
		{providers.FieldEndUserBillingNumber, "billing_phone_number", eu.BillingTelephoneNumber},
		{providers.FieldEndUserAccountNumber, "account_number", eu.AccountNumber},
		{providers.FieldEndUserPIN, "pin_passcode", eu.PIN},
		{providers.FieldEndUserTaxIdentifier, "tax_identifier", eu.TaxIdentifier},
		{providers.FieldEndUserBusinessIdentifier, "business_identifier", eu.BusinessIdentifier},
	}
	for _, a := range admin {
		if want(a.field, a.val != "") {
			setPath(patch, str(a.val), "end_user", "admin", a.wire)
		}
	}
	loc := []struct{ wire, val string }{
		{"street_address", addr.StreetAddress}, {"extended_address", addr.ExtendedAddress},
		{"locality", addr.Locality}, {"administrative_area", addr.AdministrativeArea},
		{"postal_code", addr.PostalCode}, {"country_code", addr.CountryCode},
	}
	for _, l := range loc {
		if want(providers.FieldEndUserServiceAddress+"."+l.wire, l.val != "") {
			setPath(patch, str(l.val), "end_user", "location", l.wire)
		}
	}
	if want(providers.FieldEndUserUsageType, eu.UsageType != providers.UsageUnspecified) {
		unsupported(providers.FieldEndUserUsageType, "telnyx porting orders have no usage type", eu.UsageType != providers.UsageUnspecified)
	}
	if want(providers.FieldEndUserLast4SSN, eu.Last4SSN != "") {
		unsupported(providers.FieldEndUserLast4SSN, "telnyx porting orders have no SSN field", eu.Last4SSN != "")
	}
	if want(providers.FieldLosingCarrier, o.LosingCarrier != "") {
		unsupported(providers.FieldLosingCarrier, "telnyx determines the losing carrier itself", o.LosingCarrier != "")
	}
	if want(providers.FieldRequestedFOCTime, !o.RequestedFOCTime.IsZero()) {
		var v any
		if !o.RequestedFOCTime.IsZero() {
			v = o.RequestedFOCTime.UTC().Format(time.RFC3339)
		}
		setPath(patch, v, "activation_settings", "foc_datetime_requested")
	}
	if want(providers.FieldPortType, o.PortType != providers.PortTypeUnspecified) {
		var v any
		switch o.PortType {
		case providers.PortTypeFull:
			v = "full"
		case providers.PortTypePartial:
			v = "partial"
		}
		setPath(patch, v, "misc", "type")
	}
	if want(providers.FieldRemainingNumbersAction, o.RemainingNumbersAction != providers.RemainingUnspecified) {
		var v any
		switch o.RemainingNumbersAction {
		case providers.RemainingKeep:
			v = "keep"
		case providers.RemainingDisconnect:
			v = "disconnect"
		}
		setPath(patch, v, "misc", "remaining_numbers_action")
	}
	if want(providers.FieldNewBillingTelephoneNumber, o.NewBillingTelephoneNumber != "") {
		setPath(patch, str(o.NewBillingTelephoneNumber), "misc", "new_billing_phone_number")
	}
	// misc.type full means the other misc fields are omitted (D spec): when
	// switching to full, clear what a partial port left behind.
	if m, ok := patch["misc"].(map[string]any); ok && m["type"] == "full" {
		for _, k := range []string{"remaining_numbers_action", "new_billing_phone_number"} {
			if _, set := m[k]; !set {
				m[k] = nil
			}
		}
	}
	cfgs := []struct{ sub, wire, val string }{
		{"connection_id", "connection_id", cfg.ConnectionID},
		{"messaging_profile_id", "messaging_profile_id", cfg.MessagingProfileID},
		{"billing_group_id", "billing_group_id", cfg.BillingGroupID},
		{"emergency_address_id", "emergency_address_id", cfg.EmergencyAddressID},
	}
	for _, c := range cfgs {
		if want(providers.FieldConfiguration+"."+c.sub, c.val != "") {
			setPath(patch, str(c.val), "phone_number_configuration", c.wire)
		}
	}
	if want(providers.FieldConfiguration+".tags", len(cfg.Tags) > 0) {
		tags := cfg.Tags
		if tags == nil {
			tags = []string{}
		}
		setPath(patch, tags, "phone_number_configuration", "tags")
	}
	if want(providers.FieldConfiguration+".messaging_enabled", cfg.MessagingEnabled) {
		setPath(patch, cfg.MessagingEnabled, "messaging", "enable_messaging")
	}
	if want(providers.FieldConfiguration+".failover_route_id", cfg.FailoverRouteID != "") && cfg.FailoverRouteID != "" {
		unsupported("configuration.failover_route_id", "telnyx has no failover route on porting orders", true)
	}
	if want(providers.FieldConfiguration+".cnam_id", cfg.CNAMID != "") && cfg.CNAMID != "" {
		unsupported("configuration.cnam_id", "telnyx has no CNAM record on porting orders", true)
	}
	if want(providers.FieldConfiguration+".cnam_lookups_enabled", cfg.CNAMLookupsEnabled) && cfg.CNAMLookupsEnabled {
		unsupported("configuration.cnam_lookups_enabled", "telnyx has no CNAM lookups on porting orders", true)
	}
	if want(providers.FieldCustomerReference, o.CustomerReference != "") {
		patch["customer_reference"] = str(o.CustomerReference)
	}
	if want(providers.FieldStatusCallbackURL, o.StatusCallbackURL != "") {
		patch["webhook_url"] = str(o.StatusCallbackURL)
	}
	return patch, viol
}

func setPath(m map[string]any, v any, path ...string) {
	for _, k := range path[:len(path)-1] {
		next, ok := m[k].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[k] = next
		}
		m = next
	}
	m[path[len(path)-1]] = v
}
