package providers

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
