package providers

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Code is the closed set of neutral error kinds. service/errors.go maps each
// to a gRPC code and an ErrorInfo reason; adapters map provider answers to a
// Code in one place each.
type Code int

const (
	CodeUnknown            Code = iota
	CodeInvalidArgument         // provider rejected the input (422, 400 with field detail)
	CodeNotFound                // no such order / number
	CodeAlreadyExists           // duplicate
	CodeFailedPrecondition      // state machine refused
	CodeAuthFailed              // provider credentials wrong (401/403)
	CodeRateLimited             // 429
	CodeUnavailable             // 5xx, connection failures, timeouts
	CodeBadResponse             // malformed or unexpected provider response
	CodeUnimplemented           // capability missing
	CodeCircuitOpen             // breaker open, no call made
	CodeOverloaded              // bulkhead full
	CodeCanceled                // caller went away
	CodeDeadlineExceeded        // caller's deadline passed
)

var codeNames = map[Code]string{
	CodeUnknown: "Unknown", CodeInvalidArgument: "InvalidArgument", CodeNotFound: "NotFound",
	CodeAlreadyExists: "AlreadyExists", CodeFailedPrecondition: "FailedPrecondition",
	CodeAuthFailed: "AuthFailed", CodeRateLimited: "RateLimited", CodeUnavailable: "Unavailable",
	CodeBadResponse: "BadResponse", CodeUnimplemented: "Unimplemented", CodeCircuitOpen: "CircuitOpen",
	CodeOverloaded: "Overloaded", CodeCanceled: "Canceled", CodeDeadlineExceeded: "DeadlineExceeded",
}

func (c Code) String() string {
	if n, ok := codeNames[c]; ok {
		return n
	}
	return fmt.Sprintf("Code(%d)", int(c))
}

// FieldViolation points at a neutral field path the provider rejected.
type FieldViolation struct {
	Field       string // e.g. "port_order.phone_numbers[2]"
	Description string
}

// Error is the one error type adapters return.
type Error struct {
	Code     Code
	Provider string
	// Reason overrides the default ErrorInfo reason for Code (optional).
	Reason          string
	Message         string
	HTTPStatus      int    // provider's HTTP status, 0 if no response
	ProviderCode    string // provider's own error code (Telnyx "10015", Flowroute title)
	ProviderErrorID string // provider's support trace id
	Violations      []FieldViolation
	RetryAfter      time.Duration // > 0 when retrying later can succeed
	// CurrentState is set on state-machine refusals when known.
	CurrentState State
	Err          error // underlying cause, never sent to callers
}

func (e *Error) Error() string {
	msg := e.Message
	if msg == "" && e.Err != nil {
		msg = e.Err.Error()
	}
	if e.Provider != "" {
		return fmt.Sprintf("%s: %s: %s", e.Provider, e.Code, msg)
	}
	return fmt.Sprintf("%s: %s", e.Code, msg)
}

func (e *Error) Unwrap() error { return e.Err }

// ErrResponseTooLarge is wrapped by HTTP transports that cap response
// bodies; adapters report it as CodeBadResponse (retrying fetches the same body).
var ErrResponseTooLarge = errors.New("provider response body too large")

// ErrorCode extracts the Code of err; context errors map to Canceled/DeadlineExceeded.
func ErrorCode(err error) Code {
	if err == nil {
		return CodeUnknown
	}
	var pe *Error
	if errors.As(err, &pe) {
		return pe.Code
	}
	switch {
	case errors.Is(err, context.Canceled):
		return CodeCanceled
	case errors.Is(err, context.DeadlineExceeded):
		return CodeDeadlineExceeded
	}
	return CodeUnknown
}

// AsError returns err as *Error, wrapping foreign errors as CodeUnknown (or the context code).
func AsError(provider string, err error) *Error {
	var pe *Error
	if errors.As(err, &pe) {
		return pe
	}
	return &Error{Code: ErrorCode(err), Provider: provider, Message: err.Error(), Err: err}
}

// Errorf builds an *Error.
func Errorf(provider string, code Code, format string, args ...any) *Error {
	return &Error{Code: code, Provider: provider, Message: fmt.Sprintf(format, args...)}
}

// CapabilityMissing is the error for an operation a provider does not offer.
func CapabilityMissing(provider string, op Operation) *Error {
	return &Error{Code: CodeUnimplemented, Provider: provider, Reason: "PROVIDER_CAPABILITY_MISSING",
		Message: fmt.Sprintf("provider %q does not support %s", provider, op)}
}

// InvalidTransition is the error for a state-machine refusal.
func InvalidTransition(provider string, current State, action string) *Error {
	return &Error{Code: CodeFailedPrecondition, Provider: provider, Reason: "INVALID_STATE_TRANSITION",
		CurrentState: current, Message: fmt.Sprintf("cannot %s a port order in state %s", action, current)}
}

// Retryable reports whether the same call may succeed later without change.
func Retryable(err error) bool {
	switch ErrorCode(err) {
	case CodeRateLimited, CodeUnavailable, CodeCircuitOpen, CodeOverloaded:
		return true
	}
	return false
}
