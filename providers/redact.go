package providers

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
)

// Redacted replaces every secret a Redactor finds.
const Redacted = "[REDACTED]"

// MinSecretLen: shorter literal secrets are not replaced (a 2-digit value
// would blank out unrelated text); PINs and SSN last-4 are 4+ characters.
const MinSecretLen = 4

// Redactor scrubs credentials and caller secrets from provider text (error
// messages, violation descriptions, provider codes) before it leaves an
// adapter. Providers, or anything in the path, sometimes echo the request:
// its Authorization header, its body. Both adapters' error mapping goes
// through one Redactor built per call from the adapter's own credentials
// and the secrets in the request body (SecretsFromJSON).
//
// It replaces, in this order:
//   - each literal secret (and its URL-, JSON- and base64-encoded forms);
//   - "Basic …", "Bearer …" and "Digest …" credentials;
//   - the value after authorization / api_key / access_key / secret_key /
//     password / token / signature / credential keys ("k: v", "k=v", "k":"v").
type Redactor struct {
	literals []string
}

// NewRedactor builds a Redactor for the given literal secrets (short or
// empty ones are ignored).
func NewRedactor(secrets ...string) Redactor {
	var r Redactor
	seen := map[string]bool{}
	add := func(s string) {
		if len(s) >= MinSecretLen && !seen[s] {
			seen[s] = true
			r.literals = append(r.literals, s)
		}
	}
	for _, s := range secrets {
		add(s)
		if len(s) < MinSecretLen {
			continue
		}
		add(url.QueryEscape(s))
		add(url.PathEscape(s))
		if b, err := json.Marshal(s); err == nil {
			add(strings.Trim(string(b), `"`))
		}
		add(base64.StdEncoding.EncodeToString([]byte(s)))
		add(base64.RawStdEncoding.EncodeToString([]byte(s)))
	}
	// Longest first, so a secret containing another is replaced whole.
	for i := 1; i < len(r.literals); i++ {
		for j := i; j > 0 && len(r.literals[j]) > len(r.literals[j-1]); j-- {
			r.literals[j], r.literals[j-1] = r.literals[j-1], r.literals[j]
		}
	}
	return r
}

// With returns a Redactor that also knows secrets.
func (r Redactor) With(secrets ...string) Redactor {
	return NewRedactor(append(append([]string(nil), r.literals...), secrets...)...)
}

var (
	authSchemeRE = regexp.MustCompile(`(?i)\b(basic|bearer|digest)(\s+)[A-Za-z0-9._~+/=:-]{4,}`)
	secretKVRE   = regexp.MustCompile(`(?i)\b((?:proxy-)?authorization|x-api-key|api[_-]?key|apikey|access[_-]?key|secret[_-]?key|secret|password|passwd|x-amz-signature|x-amz-credential|x-amz-security-token|signature|credential|access_token|auth_token|token)("?\s*[:=]\s*"?)((?:(?:basic|bearer|digest)\s+)?[^"\s,;&}\[\]]+)`)
)

// String scrubs s.
func (r Redactor) String(s string) string {
	if s == "" {
		return s
	}
	for _, lit := range r.literals {
		s = strings.ReplaceAll(s, lit, Redacted)
	}
	s = secretKVRE.ReplaceAllString(s, "${1}${2}"+Redacted)
	return authSchemeRE.ReplaceAllString(s, "${1}${2}"+Redacted)
}

// Error scrubs everything of e that can reach a caller or a log: Message,
// ProviderCode, ProviderErrorID, Reason and violation descriptions. The
// underlying Err is dropped when its text would leak.
func (r Redactor) Error(e *Error) *Error {
	if e == nil {
		return nil
	}
	e.Message = r.String(e.Message)
	e.ProviderCode = r.String(e.ProviderCode)
	e.ProviderErrorID = r.String(e.ProviderErrorID)
	e.Reason = r.String(e.Reason)
	for i := range e.Violations {
		e.Violations[i].Description = r.String(e.Violations[i].Description)
	}
	if e.Err != nil && r.String(e.Err.Error()) != e.Err.Error() {
		e.Err = nil
	}
	return e
}

// secretKeys are request-body keys whose values are secrets (neutral and
// both providers' wire names).
var secretKeys = map[string]bool{
	"pin": true, "pin_passcode": true, "passcode": true,
	"last_4_ssn": true, "ssn": true, "last4ssn": true,
	"account_number": true, "provider_account": true, "account_pin": true,
	"tax_identifier": true, "business_identifier": true,
	"password": true, "secret": true, "api_key": true, "token": true,
	"external_pin": true, "port_out_pin": true,
}

// SecretsFromJSON returns the string values under secret keys (PIN, SSN
// last 4, account numbers, tax ids…) anywhere in a JSON request body.
func SecretsFromJSON(body []byte) []string {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return nil
	}
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch t := v.(type) {
		case map[string]any:
			for k, x := range t {
				if s, ok := x.(string); ok && secretKeys[strings.ToLower(k)] {
					out = append(out, s)
					continue
				}
				walk(x)
			}
		case []any:
			for _, x := range t {
				walk(x)
			}
		}
	}
	walk(v)
	return out
}

// secretQueryKey matches query parameters that carry credentials (presigned
// URLs: X-Amz-Signature, X-Amz-Credential, X-Amz-Security-Token; api keys).
var secretQueryKey = regexp.MustCompile(`(?i)signature|credential|token|key|secret|password`)

// SecretsFromQuery returns the values of credential-like query parameters.
func SecretsFromQuery(q url.Values) []string {
	var out []string
	for k, vs := range q {
		if secretQueryKey.MatchString(k) {
			out = append(out, vs...)
		}
	}
	return out
}
