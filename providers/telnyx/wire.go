package telnyx

import (
	"encoding/json"
	"slices"
	"time"

	"github.com/portgate/portgate/internal/e164"
	"github.com/portgate/portgate/providers"
)

// Telnyx porting order status values (status.value).
const (
	statusDraft            = "draft"
	statusInProcess        = "in-process"
	statusSubmitted        = "submitted"
	statusException        = "exception"
	statusFOCDateConfirmed = "foc-date-confirmed"
	statusPorted           = "ported"
	statusCancelPending    = "cancel-pending"
	statusCancelled        = "cancelled"
)

var statusToState = map[string]providers.State{
	statusDraft:            providers.StateDraft,
	statusInProcess:        providers.StateSubmitted,
	statusSubmitted:        providers.StateInProgress,
	statusException:        providers.StateException,
	statusFOCDateConfirmed: providers.StateFOCConfirmed,
	statusPorted:           providers.StateCompleted,
	statusCancelPending:    providers.StateCancelPending,
	statusCancelled:        providers.StateCancelled,
}

// StateOf maps a Telnyx status.value to the neutral State (Unspecified for unknown values).
func StateOf(status string) providers.State { return statusToState[status] }

// StatusOf is the inverse of StateOf.
func StatusOf(s providers.State) (string, bool) {
	for k, v := range statusToState {
		if v == s {
			return k, true
		}
	}
	return "", false
}

type wireOrder struct {
	ID     string `json:"id"`
	Status struct {
		Value   string `json:"value"`
		Details []struct {
			Code        string `json:"code"`
			Description string `json:"description"`
		} `json:"details"`
	} `json:"status"`
	SupportKey            *string `json:"support_key"`
	ParentSupportKey      *string `json:"parent_support_key"`
	CustomerReference     *string `json:"customer_reference"`
	Description           *string `json:"description"`
	OldServiceProviderOCN *string `json:"old_service_provider_ocn"`
	ActivationSettings    struct {
		FOCRequested *string `json:"foc_datetime_requested"`
		FOCActual    *string `json:"foc_datetime_actual"`
		// issue 14 — portin (read leniently by portInOf)
		FastPortEligible json.RawMessage `json:"fast_port_eligible"`
		ActivationStatus json.RawMessage `json:"activation_status"`
	} `json:"activation_settings"`
	EndUser struct {
		Admin struct {
			EntityName         *string `json:"entity_name"`
			AuthPersonName     *string `json:"auth_person_name"`
			BillingPhoneNumber *string `json:"billing_phone_number"`
			AccountNumber      *string `json:"account_number"`
			PinPasscode        *string `json:"pin_passcode"`
		} `json:"admin"`
		Location struct {
			StreetAddress      *string `json:"street_address"`
			ExtendedAddress    *string `json:"extended_address"`
			Locality           *string `json:"locality"`
			AdministrativeArea *string `json:"administrative_area"`
			PostalCode         *string `json:"postal_code"`
			CountryCode        *string `json:"country_code"`
		} `json:"location"`
	} `json:"end_user"`
	Misc *struct {
		Type                   *string `json:"type"`
		RemainingNumbersAction *string `json:"remaining_numbers_action"`
		NewBillingPhoneNumber  *string `json:"new_billing_phone_number"`
	} `json:"misc"`
	PhoneNumberConfiguration struct {
		ConnectionID       *string  `json:"connection_id"`
		MessagingProfileID *string  `json:"messaging_profile_id"`
		BillingGroupID     *string  `json:"billing_group_id"`
		EmergencyAddressID *string  `json:"emergency_address_id"`
		Tags               []string `json:"tags"`
	} `json:"phone_number_configuration"`
	Messaging struct {
		EnableMessaging     *bool           `json:"enable_messaging"`
		MessagingPortStatus json.RawMessage `json:"messaging_port_status"` // portin: portInOf
	} `json:"messaging"`
	AdditionalSteps json.RawMessage `json:"additional_steps"` // portin: portInOf
	Documents       struct {
		LOA     *string `json:"loa"`
		Invoice *string `json:"invoice"`
	} `json:"documents"`
	WebhookURL   *string `json:"webhook_url"`
	PhoneNumbers []struct {
		PhoneNumber string  `json:"phone_number"`
		CarrierName *string `json:"carrier_name"`
		wireNumberStatus
	} `json:"phone_numbers"`
	PortingPhoneNumbersCount int    `json:"porting_phone_numbers_count"`
	RequirementsMet          bool   `json:"requirements_met"`
	CreatedAt                string `json:"created_at"`
	UpdatedAt                string `json:"updated_at"`
}

func s(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func parseTime(v *string) time.Time {
	if v == nil || *v == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, *v)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

// number normalizes a provider number; a value that is not a number is kept raw.
func number(v string) string {
	if v == "" {
		return ""
	}
	n, err := e164.FromProvider(v)
	if err != nil {
		return v
	}
	return n
}

// addNumber adds one provider number to o leniently: normalized to E.164
// when it can be (Telnyx's own examples lack the "+"), otherwise kept as sent
// in InvalidPhoneNumbers. A provider number never fails an answer.
func addNumber(o *providers.PortOrder, raw string) {
	if n, err := e164.FromProvider(raw); err == nil {
		if !slices.Contains(o.PhoneNumbers, n) {
			o.PhoneNumbers = append(o.PhoneNumbers, n)
		}
		return
	}
	if !slices.Contains(o.InvalidPhoneNumbers, raw) {
		o.InvalidPhoneNumbers = append(o.InvalidPhoneNumbers, raw)
	}
}

// numberCount is how many numbers o holds, parsed or not.
func numberCount(o *providers.PortOrder) int { return len(o.PhoneNumbers) + len(o.InvalidPhoneNumbers) }

// toOrder maps a wire order to the neutral model. Secrets never cross.
func toOrder(w *wireOrder) (*providers.PortOrder, error) {
	if w.ID == "" {
		return nil, &providers.Error{Code: providers.CodeBadResponse, Provider: Name, Message: "porting order without id"}
	}
	o := &providers.PortOrder{
		ID:                w.ID,
		State:             StateOf(w.Status.Value),
		ProviderStatus:    w.Status.Value,
		CustomerReference: s(w.CustomerReference),
		Description:       s(w.Description),
		StatusCallbackURL: s(w.WebhookURL),
		RequirementsMet:   w.RequirementsMet,
		SupportKey:        s(w.SupportKey),
		GroupID:           s(w.ParentSupportKey),
		RequestedFOCTime:  parseTime(w.ActivationSettings.FOCRequested),
		ConfirmedFOCTime:  parseTime(w.ActivationSettings.FOCActual),
		CreateTime:        parseTime(&w.CreatedAt),
		UpdateTime:        parseTime(&w.UpdatedAt),
	}
	for _, d := range w.Status.Details {
		o.StateDetails = append(o.StateDetails, providers.StateDetail{Code: d.Code, Description: d.Description})
	}
	for _, pn := range w.PhoneNumbers {
		addNumber(o, pn.PhoneNumber)
		o.PortIn.NumberStatuses = appendNumberStatus(o.PortIn.NumberStatuses, pn.PhoneNumber, pn.wireNumberStatus)
		if c := s(pn.CarrierName); c != "" && o.LosingCarrier == "" {
			o.LosingCarrier = c
		}
	}
	if o.LosingCarrier == "" {
		o.LosingCarrier = s(w.OldServiceProviderOCN)
	}
	a, l := w.EndUser.Admin, w.EndUser.Location
	o.EndUser = providers.EndUser{
		EntityName:             s(a.EntityName),
		AuthorizedPerson:       s(a.AuthPersonName),
		BillingTelephoneNumber: number(s(a.BillingPhoneNumber)),
		ServiceAddress: providers.Address{
			StreetAddress: s(l.StreetAddress), ExtendedAddress: s(l.ExtendedAddress), Locality: s(l.Locality),
			AdministrativeArea: s(l.AdministrativeArea), PostalCode: s(l.PostalCode), CountryCode: s(l.CountryCode),
		},
		HasAccountNumber: s(a.AccountNumber) != "",
		HasPIN:           s(a.PinPasscode) != "",
	}
	if m := w.Misc; m != nil {
		switch s(m.Type) {
		case "full":
			o.PortType = providers.PortTypeFull
		case "partial":
			o.PortType = providers.PortTypePartial
		}
		switch s(m.RemainingNumbersAction) {
		case "keep":
			o.RemainingNumbersAction = providers.RemainingKeep
		case "disconnect":
			o.RemainingNumbersAction = providers.RemainingDisconnect
		}
		o.NewBillingTelephoneNumber = number(s(m.NewBillingPhoneNumber))
	}
	c := w.PhoneNumberConfiguration
	o.Configuration = providers.NumberConfiguration{
		ConnectionID:       s(c.ConnectionID),
		MessagingProfileID: s(c.MessagingProfileID),
		BillingGroupID:     s(c.BillingGroupID),
		EmergencyAddressID: s(c.EmergencyAddressID),
		Tags:               c.Tags,
		MessagingEnabled:   w.Messaging.EnableMessaging != nil && *w.Messaging.EnableMessaging,
	}
	portInOf(w, &o.PortIn)
	return o, nil
}

type wireNumber struct {
	ID                 string   `json:"id"`
	PhoneNumber        string   `json:"phone_number"`
	Status             string   `json:"status"`
	PhoneNumberType    string   `json:"phone_number_type"`
	CustomerReference  *string  `json:"customer_reference"`
	ConnectionID       *string  `json:"connection_id"`
	MessagingProfileID *string  `json:"messaging_profile_id"`
	EmergencyAddressID *string  `json:"emergency_address_id"`
	EmergencyEnabled   *bool    `json:"emergency_enabled"`
	EmergencyStatus    *string  `json:"emergency_status"`
	Tags               []string `json:"tags"`
	CreatedAt          *string  `json:"created_at"`
	PurchasedAt        *string  `json:"purchased_at"`
	numberDetailsWire           // issue 14 search
	// ExternalPIN is read only to report whether one is set; its value
	// never leaves the adapter.
	ExternalPIN *string `json:"external_pin"`
}

func toNumber(w *wireNumber) (*providers.Number, error) {
	// Lenient: a number the phone library rejects is kept as sent and
	// flagged; it never fails the answer (or the page) it is in.
	n, err := e164.FromProvider(w.PhoneNumber)
	invalid := err != nil
	if invalid {
		n = w.PhoneNumber
	}
	created := parseTime(w.CreatedAt)
	if created.IsZero() {
		created = parseTime(w.PurchasedAt)
	}
	return &providers.Number{
		PhoneNumber:        n,
		RawPhoneNumber:     w.PhoneNumber,
		PhoneNumberInvalid: invalid,
		Status:             w.Status,
		NumberType:         w.PhoneNumberType,
		Alias:              s(w.CustomerReference),
		MessagingProfileID: s(w.MessagingProfileID),
		MessagingEnabled:   s(w.MessagingProfileID) != "",
		ConnectionID:       s(w.ConnectionID),
		EmergencyAddressID: s(w.EmergencyAddressID),
		Tags:               w.Tags,
		CreateTime:         created,
		NumberDetails:      numberDetails(w.Status, w.PhoneNumberType, w.numberDetailsWire, w.EmergencyEnabled),
		PortOutPINSet:      s(w.ExternalPIN) != "",
		Emergency:          numberEmergency(w),
	}, nil
}

// detailPhoneNumbers in PortOrder.MissingDetails: PhoneNumbers holds what
// could be read, not every number of the order.
const detailPhoneNumbers = "phone_numbers"
