// Package e164 is the one normalizer for every phone number that enters or
// leaves portgate (github.com/nyaruka/phonenumbers underneath).
package e164

import (
	"errors"
	"fmt"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// DefaultRegion is used for numbers written without a country code.
var DefaultRegion = "US"

// ErrInvalid is wrapped by every Parse failure.
var ErrInvalid = errors.New("invalid phone number")

// Parse normalizes s (E.164, 11-digit NANP, national or formatted) to E.164
// in the given default region ("" = DefaultRegion). It fails for anything
// that is not a valid, dialable number.
func Parse(s, region string) (string, error) {
	if region == "" {
		region = DefaultRegion
	}
	raw := strings.TrimSpace(s)
	if raw == "" {
		return "", fmt.Errorf("%w: empty", ErrInvalid)
	}
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, raw)
	// 11-digit NANP without "+" ("13125550100"): phonenumbers would read the
	// leading 1 as a national prefix only in some regions; make it explicit.
	if !strings.HasPrefix(raw, "+") && len(digits) == 11 && digits[0] == '1' && region == "US" {
		raw = "+" + digits
	}
	n, err := phonenumbers.Parse(raw, region)
	if err != nil {
		return "", fmt.Errorf("%w: %q: %v", ErrInvalid, s, err)
	}
	if !phonenumbers.IsValidNumber(n) {
		return "", fmt.Errorf("%w: %q is not a valid number", ErrInvalid, s)
	}
	return phonenumbers.Format(n, phonenumbers.E164), nil
}

// MustParse is Parse for constants in tests and fakes; it panics on error.
func MustParse(s string) string {
	out, err := Parse(s, "")
	if err != nil {
		panic(err)
	}
	return out
}

// ToNANP11 renders an E.164 NANP number as the 11 digits Flowroute's Numbers
// API uses ("+13125550100" → "13125550100"). Other numbers lose only the "+".
func ToNANP11(e164 string) string { return strings.TrimPrefix(e164, "+") }

// FromProvider normalizes a number a provider sent (11 digits, 10 digits or
// E.164) to E.164. Provider data is trusted less than it looks: an invalid
// number is an error, not a pass-through.
func FromProvider(s string) (string, error) { return Parse(s, "US") }
