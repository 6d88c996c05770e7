package e164

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

func libraryRegion(e string) string {
	n, err := phonenumbers.Parse(e, "")
	if err != nil {
		return ""
	}
	return phonenumbers.GetRegionCodeForNumber(n)
}

// Region answers what the library answers, cold and warm, for NANP numbers
// across area codes (US, Canada, the Caribbean, invalid ones) and others.
func TestRegionAgreesWithLibrary(t *testing.T) {
	nums := []string{"+13125550100", "+14165550100", "+17875550100", "+18765550100", "+12045550100", "+19005550100",
		"+18005550100", "+12125550100", "+11235550100", "+442071838750", "+33142685300", "+1312555010", "+1312555010x",
		"", "+", "+999", "13125550100"}
	r := rand.New(rand.NewPCG(1, 2))
	for range 3000 {
		nums = append(nums, fmt.Sprintf("+1%d%09d", 2+r.IntN(8), r.IntN(1_000_000_000)))
	}
	for pass := range 2 { // cold, then from the memo
		for _, e := range nums {
			if got, want := Region(e), libraryRegion(e); got != want {
				t.Fatalf("pass %d: Region(%q) = %q, library %q", pass, e, got, want)
			}
		}
	}
}
