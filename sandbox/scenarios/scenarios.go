package scenarios

import "strings"

// Sandbox scenarios: both fakes (flowroute, telnyx) react to these number
// suffixes the same way, so tests and users get the same behaviour from
// either provider. Any valid number works; only the last four digits matter.
const (
	// SuffixNotPortable: the portability check says not portable
	// (reason "No coverage"); create refuses the number with a field error.
	SuffixNotPortable = "9901"
	// SuffixException: after submit the order moves to the provider's
	// exception state (Flowroute rejected, Telnyx exception) instead of
	// progressing to FOC.
	SuffixException = "9902"
	// SuffixMessagingFails: enabling messaging on this number half-succeeds
	// (Flowroute 207 Multi-Status); the update reports a field failure.
	SuffixMessagingFails = "9903"
	// SuffixSplit: numbers with this suffix are split into their own order at
	// create (another underlying carrier), linked as a related order.
	SuffixSplit = "9904"
	// SuffixFastPortable: portable and fast-portable.
	SuffixFastPortable = "9905"
	// SuffixNotOnAccount: number lookups answer 404 even for seeded numbers.
	SuffixNotOnAccount = "9909"
)

// HasSuffix reports whether the E.164 number ends in suffix.
func HasSuffix(e164, suffix string) bool { return strings.HasSuffix(e164, suffix) }

// SandboxNumbers are the numbers each fake seeds on its account at start,
// so ListNumbers/GetNumber/UpdateNumber work out of the box.
var SandboxNumbers = []string{
	"+13125550100", "+13125550101", "+13125550102", "+12065550100", "+12065559903", "+18005550100",
}

// ReservedCallbackURL reports whether a webhook/callback URL points at a
// name reserved for documentation or testing (RFC 2606/6761: example.com,
// example.net, example.org and their subdomains, and the .example, .invalid
// and .test TLDs). The sandboxes log instead of delivering to such URLs, so
// tests and README examples never send traffic to the internet.
func ReservedCallbackURL(raw string) bool {
	host := raw
	if i := strings.Index(host, "://"); i >= 0 {
		host = host[i+3:]
	}
	if i := strings.IndexAny(host, "/?#"); i >= 0 {
		host = host[:i]
	}
	if i := strings.LastIndex(host, "@"); i >= 0 {
		host = host[i+1:]
	}
	if i := strings.LastIndex(host, ":"); i >= 0 && !strings.HasSuffix(host, "]") {
		host = host[:i]
	}
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	for _, d := range []string{"example.com", "example.net", "example.org"} {
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	for _, tld := range []string{".example", ".invalid", ".test"} {
		if strings.HasSuffix(host, tld) || host == tld[1:] {
			return true
		}
	}
	return false
}
