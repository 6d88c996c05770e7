package providertest

import (
	"context"
	"github.com/portgate/portgate/sandbox/scenarios"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/portgate/portgate/internal/e164"
	"github.com/portgate/portgate/providers"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestNewNumber(t *testing.T) {
	seen := map[string]bool{}
	for _, suffix := range []string{"", scenarios.SuffixNotPortable, scenarios.SuffixException, scenarios.SuffixSplit, scenarios.SuffixFastPortable, scenarios.SuffixNotOnAccount} {
		for range 300 {
			n := NewNumber(suffix)
			if got, err := e164.Parse(n, ""); err != nil || got != n {
				t.Fatalf("NewNumber(%q) = %q: not valid E.164 (%v)", suffix, n, err)
			}
			if seen[n] {
				t.Fatalf("NewNumber(%q) = %q twice", suffix, n)
			}
			seen[n] = true
			if suffix == "" && strings.Contains(n[len(n)-4:len(n)-2], "99") {
				t.Fatalf("NewNumber(\"\") = %q ends in a scenario suffix", n)
			}
			if suffix != "" && !scenarios.HasSuffix(n, suffix) {
				t.Fatalf("NewNumber(%q) = %q", suffix, n)
			}
		}
	}
}

func TestTransitions(t *testing.T) {
	S := func(s string) providers.State {
		st, ok := providers.ParseState(s)
		if !ok {
			t.Fatalf("unknown state %q", s)
		}
		return st
	}
	for _, c := range []struct {
		from, to string
		want     bool
	}{
		{"DRAFT", "SUBMITTED", true},
		{"DRAFT", "IN_PROGRESS", false},
		{"DRAFT", "DRAFT", false},
		{"SUBMITTED", "FOC_CONFIRMED", true},
		{"SUBMITTED", "COMPLETED", false},
		{"IN_PROGRESS", "IN_PROGRESS", true},
		{"EXCEPTION", "SUBMITTED", true},
		{"FOC_CONFIRMED", "COMPLETED", true},
		{"FOC_CONFIRMED", "CANCELLED", false},
		{"CANCEL_PENDING", "CANCELLED", true},
		{"COMPLETED", "COMPLETED", true},
		{"COMPLETED", "CANCELLED", false},
		{"CANCELLED", "CANCELLED", true},
	} {
		if got := transitionAllowed(S(c.from), S(c.to)); got != c.want {
			t.Errorf("transitionAllowed(%s, %s) = %v, want %v", c.from, c.to, got, c.want)
		}
	}
	for s := providers.StateDraft; s <= providers.StateCancelled; s++ {
		if _, ok := allowedNext[s]; !ok {
			t.Errorf("allowedNext has no entry for %v", s)
		}
	}
}

func TestUnknownID(t *testing.T) {
	for _, id := range []string{"42361", "3b0c1c4e-8f9a-4d2b-9c1e-2f4a5b6c7d8e", "abc"} {
		u := unknownID(id)
		if u == id || u == "" {
			t.Errorf("unknownID(%q) = %q", id, u)
		}
		if len(id) == 36 && (len(u) != 36 || u[8] != '-' || u[13] != '-' || u[:24] != id[:24]) {
			t.Errorf("unknownID(%q) = %q lost the UUID shape", id, u)
		}
	}
}

// A nil harness skips every case: the suite itself must not fail or leak.
func TestNilHarnessSkips(t *testing.T) {
	RunConformanceTests(t, func(context.Context, *testing.T) (Harness, error) { return nil, nil })
}
