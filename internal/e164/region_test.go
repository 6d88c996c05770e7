package e164

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"unsafe"

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

// The memos keep their own copy of a number: a number may be a string that
// points into a provider's response body (flowroute's plainString), and a
// memo entry must not keep that whole body alive.
func TestMemosDoNotRetainTheirInput(t *testing.T) {
	known.reset()
	body := []byte(`{"number":"+13125550199","region":"+13125550198"}`)
	num := unsafe.String(&body[11], 12)
	reg := unsafe.String(&body[36], 12)
	if got, err := Parse(num, "US"); err != nil || got != "+13125550199" {
		t.Fatalf("Parse = %q, %v", got, err)
	}
	_ = Region(reg)
	inBody := func(s string) bool {
		p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
		lo := uintptr(unsafe.Pointer(&body[0]))
		return p >= lo && p < lo+uintptr(len(body))
	}
	known.mu.RLock()
	for k := range known.cur {
		if inBody(k) {
			t.Errorf("known memo keeps %q inside the caller's buffer", k)
		}
	}
	known.mu.RUnlock()
	regionMemos.mu.RLock()
	for k := range regionMemos.cur {
		if inBody(k) {
			t.Errorf("region memo keeps %q inside the caller's buffer", k)
		}
	}
	regionMemos.mu.RUnlock()
}
