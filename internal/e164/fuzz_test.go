package e164

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParse: no input panics the normalizer; a failure wraps ErrInvalid; a
// success is E.164 ("+" and at most 15 digits) and a fixed point, whatever
// the default region. Seeds: testdata/fuzz/FuzzParse and below.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"+13125550100", "13125550100", "3125550100", "(312) 555-0100", "+1 312-555-0100 ext. 12",
		"+44 20 7183 8750", "020 7183 8750", "+", "++1", "1", "tel:+1-312-555-0100", "+1\u00a0312\u00a0555\u00a00100",
		"\uff0b\uff11\uff13\uff11\uff12\uff15\uff15\uff15\uff10\uff11\uff10\uff10", strings.Repeat("9", 300), "\xff\xfe",
	} {
		f.Add(s, uint8(0))
	}
	regions := []string{"US", "GB", "DE", "CA", "", "ZZ"}
	f.Fuzz(func(t *testing.T, s string, r uint8) {
		region := regions[int(r)%len(regions)]
		out, err := Parse(s, region)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Parse(%q, %q) = %v, want an error wrapping ErrInvalid", s, region, err)
			}
			return
		}
		if len(out) < 2 || len(out) > 16 || out[0] != '+' || strings.Trim(out[1:], "0123456789") != "" {
			t.Fatalf("Parse(%q, %q) = %q, not E.164", s, region, out)
		}
		for _, r2 := range []string{region, "US", "GB"} {
			if again, err := Parse(out, r2); err != nil || again != out {
				t.Fatalf("Parse(Parse(%q, %q) = %q, %q) = %q, %v; want a fixed point", s, region, out, r2, again, err)
			}
		}
	})
}
