package e164

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

// reference is Parse as it was before the fast path: the library alone.
func reference(s, region string) (string, error) {
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

// agree checks Parse against reference twice: with the memo as it is, and
// again now that Parse may have remembered s.
func agree(t *testing.T, s, region string) {
	t.Helper()
	want, wantErr := reference(s, region)
	for round := 0; round < 2; round++ {
		got, err := Parse(s, region)
		if got != want || (err == nil) != (wantErr == nil) || (err != nil && err.Error() != wantErr.Error()) {
			t.Fatalf("round %d: Parse(%q, %q) = %q, %v; the library says %q, %v", round, s, region, got, err, want, wantErr)
		}
	}
}

var regions = []string{"", "US", "CA", "GB", "DE", "JM"}

func FuzzFastPathAgrees(f *testing.F) {
	for _, s := range []string{"+13125550100", "13125550100", "3125550100", "+12025550123", "+18005550100",
		"+16495550100", "+113125550100", "+1312555010", "+442071838750", "+4402071838750", "+390612345678",
		"+8613812345678", "1312555010", "2125550100", "+19995550100", "+1 312 555 0100", "+10000000000"} {
		for i := range regions {
			f.Add(s, uint8(i))
		}
	}
	f.Fuzz(func(t *testing.T, s string, r uint8) {
		agree(t, s, regions[int(r)%len(regions)])
	})
}

// TestFastPathAgreesNANP: random ten-digit NANP numbers in every shape the
// fast path takes (and their neighbours it must refuse), across regions.
func TestFastPathAgreesNANP(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	n := 400
	if testing.Short() {
		n = 100
	}
	for i := 0; i < n; i++ {
		ten := fmt.Sprintf("%010d", rng.Uint64N(1e10))
		region := regions[rng.IntN(len(regions))]
		for _, s := range []string{"+1" + ten, "1" + ten, ten, "+11" + ten, "+1" + ten[:9]} {
			agree(t, s, region)
		}
	}
}

func TestMemoBounded(t *testing.T) {
	known.reset()
	defer known.reset()
	for i := 0; i < 3*memoGen; i++ {
		known.add(fmt.Sprintf("+1312%07d", i))
	}
	if got := known.len(); got > 2*memoGen {
		t.Fatalf("memo holds %d numbers; bound %d", got, 2*memoGen)
	}
}

func BenchmarkParse(b *testing.B) {
	for _, c := range []struct{ name, in string }{
		{"E164_NANP", "+13125550100"},
		{"NANP11", "13125550100"},
		{"E164_GB", "+442071838750"},
		{"formatted", "(312) 555-0100"},
	} {
		b.Run(c.name+"/library", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := reference(c.in, "US"); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(c.name+"/Parse", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse(c.in, "US"); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(c.name+"/Parse_cold", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				known.reset()
				if _, err := Parse(c.in, "US"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
