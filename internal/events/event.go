// Package events holds the neutral shape of port order events that
// portgate stores (internal/store's AppendEvent) and serves.
//
// Producers (webhooks, callbacks, pollers, sweeps) store one store.Event per
// provider event with Type set to one of the Type constants and Payload set
// to the JSON encoding of a Payload.
package events

import "encoding/json"

// Type is the neutral event type, stored as store.Event.Type.
type Type = string

// Event types.
const (
	TypeStateChanged        Type = "STATE_CHANGED"
	TypeFOCDateChanged      Type = "FOC_DATE_CHANGED"
	TypeExceptionRaised     Type = "EXCEPTION_RAISED"
	TypeCommentAdded        Type = "COMMENT_ADDED"
	TypeDocumentChanged     Type = "DOCUMENT_CHANGED"
	TypeRequirementsChanged Type = "REQUIREMENTS_CHANGED"
	TypeNumbersChanged      Type = "NUMBERS_CHANGED"
	TypeOrderSplit          Type = "ORDER_SPLIT"
	TypeOther               Type = "OTHER"
)

// Payload is the JSON stored as store.Event.Payload.
type Payload struct {
	// OldState and NewState are neutral providers.State names, e.g. "SUBMITTED".
	OldState string `json:"old_state,omitempty"`
	NewState string `json:"new_state,omitempty"`
	// ProviderStatus is the provider's own status string.
	ProviderStatus string `json:"provider_status,omitempty"`
	// FOCDate is RFC 3339.
	FOCDate   string     `json:"foc_date,omitempty"`
	Exception *Exception `json:"exception,omitempty"`
	Comment   string     `json:"comment,omitempty"`
	// Raw is the provider payload with secrets removed.
	Raw json.RawMessage `json:"raw,omitempty"`
}

// Exception is a provider-reported problem with an order.
type Exception struct {
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
}
