package e164

import (
	"errors"
	"testing"
)

func TestParse(t *testing.T) {
	ok := map[string]string{
		"+13125550100":     "+13125550100",
		"13125550100":      "+13125550100",
		"3125550100":       "+13125550100",
		"(312) 555-0100":   "+13125550100",
		"+1 312-555-0100":  "+13125550100",
		"+44 20 7183 8750": "+442071838750",
		" +18005550100 ":   "+18005550100",
	}
	for in, want := range ok {
		got, err := Parse(in, "")
		if err != nil || got != want {
			t.Errorf("Parse(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "abc", "+1206555444", "12345", "+999123"} {
		if got, err := Parse(bad, ""); !errors.Is(err, ErrInvalid) {
			t.Errorf("Parse(%q) = %q, %v; want ErrInvalid", bad, got, err)
		}
	}
}

func TestToNANP11(t *testing.T) {
	if got := ToNANP11("+13125550100"); got != "13125550100" {
		t.Fatalf("got %q", got)
	}
}
