package providers

import (
	"fmt"
	"regexp"
)

// ReasonInvalidResourceID is the ErrorInfo reason for an id that cannot be
// one of the provider's (docs/errors.md).
const ReasonInvalidResourceID = "INVALID_RESOURCE_ID"

// IDShape is the documented form of one kind of provider id. The service
// checks caller-supplied ids against it before any provider call, and the
// adapters check again before building a URL, so ".." or "a/b" never reach
// a provider's path.
type IDShape struct {
	// Pattern must match the whole id; nil = any id (no documented shape).
	Pattern *regexp.Regexp
	// Description completes "must be …" in error messages, e.g. "a number".
	Description string
}

// Valid reports whether id has the shape (always true without a Pattern).
func (s IDShape) Valid(id string) bool {
	return s.Pattern == nil || s.Pattern.MatchString(id)
}

// Check returns nil for a valid id, else the InvalidArgument error adapters
// return (kind names the resource, e.g. "port order").
func (s IDShape) Check(provider, kind, id string) error {
	if s.Valid(id) {
		return nil
	}
	return InvalidID(provider, kind, id, s.Description)
}

// InvalidID is the error for an id that cannot be one of provider's.
func InvalidID(provider, kind, id, want string) *Error {
	return &Error{Code: CodeInvalidArgument, Provider: provider, Reason: ReasonInvalidResourceID,
		Message: fmt.Sprintf("%q is not a %s %s id: it must be %s", truncateID(id), provider, kind, want)}
}

// truncateID keeps error messages short whatever the caller sent.
func truncateID(id string) string {
	const max = 64
	if len(id) > max {
		return id[:max] + "…"
	}
	return id
}

// Common id shapes.
var (
	// UUIDShape is an RFC 4122 UUID in its 8-4-4-4-12 hex form.
	UUIDShape = IDShape{
		Pattern:     regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`),
		Description: "a UUID (8-4-4-4-12 hex digits)",
	}
	// E164Shape is a phone number in canonical E.164 (+ and 2–15 digits).
	E164Shape = IDShape{
		Pattern:     regexp.MustCompile(`^\+[1-9][0-9]{1,14}$`),
		Description: "an E.164 number (+ and up to 15 digits)",
	}
	// NumericShape is a positive decimal id that fits in 63 bits.
	NumericShape = IDShape{
		Pattern:     regexp.MustCompile(`^[1-9][0-9]{0,17}$`),
		Description: "a positive decimal number of at most 18 digits",
	}
)

// SafeSegment reports whether an id a provider sent back may be used as one
// URL path segment (after url.PathEscape): not empty, not "." or "..", no
// control characters. Providers are trusted to be lenient about, not to
// steer the adapter's next request elsewhere.
func SafeSegment(id string) bool {
	if id == "" || id == "." || id == ".." {
		return false
	}
	for _, r := range id {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}
