// Package reasons is portgate's one list of google.rpc.ErrorInfo reasons and
// their one domain. Every error portgate answers with carries Domain — the
// domain of its resource types (portgate.dev/PortOrder, …) — whether the
// gateway or a provider refused the call; which provider, and its own HTTP
// status and code, are in ErrorInfo.metadata (docs/errors.md).
//
// Packages keep named constants for the reasons they raise; a test
// (reasons_test.go at the repository root) requires every reason string in
// the code to be listed here and every entry here to be documented in
// docs/errors.md.
package reasons

// Domain is the ErrorInfo domain of every portgate error.
const Domain = "portgate.dev"

// All lists every ErrorInfo reason, sorted.
var All = []string{
	"ALREADY_EXISTS",
	"API_KEY_INVALID",
	"API_KEY_MISSING",
	"AUTH_RULE_MISCONFIGURED",
	"CANCELLED",
	"COMMENT_NOT_FOUND",
	"DOCUMENT_NOT_FOUND",
	"DOCUMENT_TOO_LARGE",
	"ETAG_MISMATCH",
	"EVENT_NOT_FOUND",
	"EVENT_STORE_UNAVAILABLE",
	"GATEWAY_ERROR",
	"IDEMPOTENCY_STORE_UNAVAILABLE",
	"INTERNAL_ERROR",
	"INVALID_ARGUMENT",
	"INVALID_FILTER",
	"INVALID_PAGE_TOKEN",
	"INVALID_PHONE_NUMBER",
	"INVALID_REQUEST",
	"INVALID_RESOURCE_ID",
	"INVALID_STATE_TRANSITION",
	"INVALID_UPDATE_MASK",
	"LIMIT_EXCEEDED",
	"MESSAGING_PROFILE_NOT_FOUND",
	"MESSAGING_PROVISIONING_FAILED",
	"METHOD_NOT_ALLOWED",
	"METHOD_NOT_AUTHORIZED",
	"METHOD_NOT_IMPLEMENTED",
	"NOT_FOUND",
	"NO_PROVIDER_CAN_PORT",
	"NUMBER_DELETION_LOCKED",
	"NUMBER_NOT_FOUND",
	"NUMBER_ORDER_INCOMPLETE",
	"NUMBER_ORDER_NOT_FOUND",
	"PORT_ORDER_ACCEPTED_READ_FAILED",
	"PORT_ORDER_ACCEPTED_UNCONFIRMED",
	"PORT_ORDER_NOT_FOUND",
	"PROVIDER_AUTH_FAILED",
	"PROVIDER_BAD_RESPONSE",
	"PROVIDER_CAPABILITY_MISSING",
	"PROVIDER_CIRCUIT_OPEN",
	"PROVIDER_ERROR",
	"PROVIDER_NOT_ALLOWED",
	"PROVIDER_OVERLOADED",
	"PROVIDER_PERMISSION_DENIED",
	"PROVIDER_RATE_LIMITED",
	"PROVIDER_REREAD_FAILED",
	"PROVIDER_TIMEOUT",
	"PROVIDER_UNAVAILABLE",
	"PROVIDER_VALIDATION_FAILED",
	"REGION_NOT_SUPPORTED",
	"RELEASE_CONFIRMATION_MISMATCH",
	"REQUEST_ID_REUSED",
	"REQUEST_IN_PROGRESS",
	"REQUEST_TOO_LARGE",
	"ROUTE_NOT_FOUND",
	"SCOPE_MISSING",
	"SHUTTING_DOWN",
	"STORE_ERROR",
	"UNKNOWN_PROVIDER",
	"VOICE_ROUTE_IN_USE",
	"VOICE_ROUTE_NOT_FOUND",
	"WATCH_TOO_SLOW",
	"WEBHOOK_MALFORMED",
	"WEBHOOK_NOT_CONFIGURED",
	"WEBHOOK_SIGNATURE_INVALID",
	"WEBHOOK_TIMESTAMP_OUT_OF_RANGE",
}
