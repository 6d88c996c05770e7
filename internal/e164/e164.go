// Package e164 is the one normalizer for every phone number that enters or
// leaves portgate (github.com/nyaruka/phonenumbers underneath).
package e164

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/nyaruka/phonenumbers"
)

// DefaultRegion is used for numbers written without a country code.
var DefaultRegion = "US"

// ErrInvalid is wrapped by every Parse failure.
var ErrInvalid = errors.New("invalid phone number")

// Parse normalizes s (E.164, 11-digit NANP, national or formatted) to E.164
// in the given default region ("" = DefaultRegion). It fails for anything
// that is not a valid, dialable number.
//
// Numbers already canonical take a fast path that gives the same answer as
// the full parse (FuzzFastPathAgrees): a valid E.164 number seen before is
// answered from a bounded memo, and a NANP number (+1, then ten digits
// starting 2-9) is checked with the library's validity rules without its
// text parser. Everything else goes through phonenumbers.Parse.
func Parse(s, region string) (string, error) {
	if region == "" {
		region = DefaultRegion
	}
	raw := strings.TrimSpace(s)
	if raw == "" {
		return "", fmt.Errorf("%w: empty", ErrInvalid)
	}
	if isCanonical(raw) && known.has(raw) {
		return raw, nil
	}
	// 11-digit NANP without "+" ("13125550100"): phonenumbers would read the
	// leading 1 as a national prefix only in some regions; make it explicit.
	if !strings.HasPrefix(raw, "+") && region == "US" {
		if d := digitsOf(raw); len(d) == 11 && d[0] == '1' {
			raw = "+" + d
		}
	}
	if e, ok := fastNANP(raw, region); ok {
		return e, nil
	}
	out, err := parseSlow(s, raw, region)
	if err == nil && out == raw && isCanonical(raw) {
		known.add(raw)
	}
	return out, err
}

// parseSlow is the full library parse of raw (s is quoted in errors).
func parseSlow(s, raw, region string) (string, error) {
	n, err := phonenumbers.Parse(raw, region)
	if err != nil {
		return "", fmt.Errorf("%w: %q: %v", ErrInvalid, s, err)
	}
	if !phonenumbers.IsValidNumber(n) {
		return "", fmt.Errorf("%w: %q is not a valid number", ErrInvalid, s)
	}
	out := phonenumbers.Format(n, phonenumbers.E164)
	// The library accepts some national numbers (DE) that come out longer
	// than E.164 allows; nobody can route those.
	if len(out)-1 > maxDigits {
		return "", fmt.Errorf("%w: %q has more than %d digits with its country code", ErrInvalid, s, maxDigits)
	}
	return out, nil
}

func digitsOf(s string) string {
	allDigits := true
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			allDigits = false
			break
		}
	}
	if allDigits {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// maxDigits is E.164's limit: at most 15 digits, country code included.
const maxDigits = 15

// isCanonical reports whether s has the E.164 shape: "+" and 7 to 15
// ASCII digits, the first not 0.
func isCanonical(s string) bool {
	if len(s) < 8 || len(s) > 1+maxDigits || s[0] != '+' || s[1] == '0' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// fastNANP answers "+1NXXNXXXXXX" (N = 2-9) and, in region US, the bare
// ten digits "NXXNXXXXXX". For these the library's parse finds country code
// 1, strips no national prefix (the US prefix is "1", and the number starts
// 2-9) and keeps the ten digits as the national number; so the number it
// validates and formats is the one built here. ok=false means "ask the
// full parse" (including for invalid numbers, so errors read the same).
func fastNANP(raw, region string) (string, bool) {
	var ten string
	switch {
	case len(raw) == 12 && raw[0] == '+' && raw[1] == '1':
		ten = raw[2:]
	case len(raw) == 10 && region == "US":
		ten = raw
	default:
		return "", false
	}
	if ten[0] < '2' || ten[0] > '9' {
		return "", false
	}
	var nat uint64
	for i := 0; i < len(ten); i++ {
		c := ten[i]
		if c < '0' || c > '9' {
			return "", false
		}
		nat = nat*10 + uint64(c-'0')
	}
	e := "+1" + ten
	if len(raw) == 12 {
		e = raw
	}
	if known.has(e) {
		return e, true
	}
	cc := int32(1)
	n := &phonenumbers.PhoneNumber{CountryCode: &cc, NationalNumber: &nat}
	if !phonenumbers.IsValidNumber(n) {
		return "", false
	}
	known.add(e)
	return e, true
}

// memo remembers valid canonical numbers. Parse is a pure function of its
// input, so a remembered answer is the answer; the memo only bounds how
// often the library's validity patterns run. It holds at most 2×memoGen
// numbers: when the current generation fills, it becomes the previous one
// and the older generation is dropped.
type memo struct {
	mu        sync.RWMutex
	cur, prev map[string]struct{}
}

const memoGen = 16384

var known = &memo{cur: map[string]struct{}{}}

func (m *memo) has(s string) bool {
	m.mu.RLock()
	_, ok := m.cur[s]
	if !ok {
		_, ok = m.prev[s]
	}
	m.mu.RUnlock()
	return ok
}

func (m *memo) add(s string) {
	m.mu.Lock()
	if len(m.cur) >= memoGen {
		m.prev, m.cur = m.cur, make(map[string]struct{}, memoGen/4)
	}
	m.cur[strings.Clone(s)] = struct{}{} // s may point into a provider body: keep only the number
	m.mu.Unlock()
}

func (m *memo) len() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.cur) + len(m.prev)
}

func (m *memo) reset() {
	m.mu.Lock()
	m.cur, m.prev = map[string]struct{}{}, nil
	m.mu.Unlock()
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

// Region returns the ISO region (e.g. "US", "CA", "PR") the phone-number
// library assigns to the E.164 number e — phonenumbers.Parse(e, "") then
// GetRegionCodeForNumber — or "" when the library cannot parse it. A "+1"
// number of ten digits starting 2-9 skips the text parse (it yields exactly
// that country code and national number, as in fastNANP), and answers are
// remembered in a bounded memo (the function is pure), so a portability
// check of many numbers does not run the region patterns for each one again.
func Region(e string) string {
	if r, ok := regionMemos.get(e); ok {
		return r
	}
	var n *phonenumbers.PhoneNumber
	if nat, ok := nanpNational(e); ok {
		cc := int32(1)
		n = &phonenumbers.PhoneNumber{CountryCode: &cc, NationalNumber: &nat}
	} else {
		var err error
		if n, err = phonenumbers.Parse(e, ""); err != nil {
			return ""
		}
	}
	r := phonenumbers.GetRegionCodeForNumber(n)
	regionMemos.put(strings.Clone(e), r)
	return r
}

// nanpNational returns the national number of "+1NXXXXXXXXX" (N = 2-9).
func nanpNational(e string) (uint64, bool) {
	if len(e) != 12 || e[0] != '+' || e[1] != '1' || e[2] < '2' || e[2] > '9' {
		return 0, false
	}
	var nat uint64
	for i := 2; i < len(e); i++ {
		c := e[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		nat = nat*10 + uint64(c-'0')
	}
	return nat, true
}

// regionMemo is memo with an answer per number (at most 2×memoGen).
type regionMemo struct {
	mu        sync.RWMutex
	cur, prev map[string]string
}

var regionMemos = &regionMemo{cur: map[string]string{}}

func (m *regionMemo) get(s string) (string, bool) {
	m.mu.RLock()
	r, ok := m.cur[s]
	if !ok {
		r, ok = m.prev[s]
	}
	m.mu.RUnlock()
	return r, ok
}

func (m *regionMemo) put(s, r string) {
	m.mu.Lock()
	if len(m.cur) >= memoGen {
		m.prev, m.cur = m.cur, make(map[string]string, memoGen/4)
	}
	m.cur[strings.Clone(s)] = r // s may point into a provider body: keep only the number
	m.mu.Unlock()
}
