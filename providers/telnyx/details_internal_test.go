package telnyx

import (
	"testing"

	"github.com/portgate/portgate/providers"
)

func TestRequirementStatus(t *testing.T) {
	for _, c := range []struct {
		raw      string
		hasValue bool
		want     providers.RequirementStatus
	}{
		{"approved", true, providers.RequirementMet},
		{"pending", false, providers.RequirementMissing},
		{"pending", true, providers.RequirementUnderReview},
		{"requirement-info-under-review", true, providers.RequirementUnderReview},
		{"requirement-info-exception", true, providers.RequirementRejected},
		{"rejected", true, providers.RequirementRejected},
		{"", false, providers.RequirementMissing},
		{"some-new-status", true, providers.RequirementUnderReview},
	} {
		if got := requirementStatus(c.raw, c.hasValue); got != c.want {
			t.Errorf("requirementStatus(%q, %v) = %v, want %v", c.raw, c.hasValue, got, c.want)
		}
	}
}
