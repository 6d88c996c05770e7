package providertest

import (
	"reflect"
	"strings"
	"testing"

	"github.com/portgate/portgate/internal/e164"
	"github.com/portgate/portgate/providers"
)

// testSearchAvailableNumbers: the inventory search answers valid E.164
// numbers within the limit, honours the area code, never offers a number on
// the account, is deterministic, and refuses every filter the provider
// does not declare before any call.
func testSearchAvailableNumbers(t *testing.T, e *env) {
	t.Run("Results", func(t *testing.T) {
		f := e.open(t)
		f.require(t, providers.OpSearchAvailableNumbers)
		q := providers.AvailableNumberQuery{RegionCode: "US", AreaCode: "312", Limit: 5}
		got, err := f.p.SearchAvailableNumbers(f.ctx, q)
		if err != nil {
			t.Fatalf("SearchAvailableNumbers(%+v): %v", q, err)
		}
		if len(got) == 0 || len(got) > q.Limit {
			t.Fatalf("%d results, want 1..%d", len(got), q.Limit)
		}
		for _, n := range got {
			if _, err := e164.Parse(n.PhoneNumber, ""); err != nil || n.PhoneNumberInvalid {
				t.Errorf("%q is not E.164", n.PhoneNumber)
			}
			if !strings.HasPrefix(n.PhoneNumber, "+1312") {
				t.Errorf("%s is outside area code 312", n.PhoneNumber)
			}
			if n.RegionCode != "US" {
				t.Errorf("%s: region %q", n.PhoneNumber, n.RegionCode)
			}
			if _, err := f.p.GetNumber(f.ctx, n.PhoneNumber); providers.ErrorCode(err) != providers.CodeNotFound {
				t.Errorf("offered %s is on the account (GetNumber: %v)", n.PhoneNumber, err)
			}
		}
		again, err := f.p.SearchAvailableNumbers(f.ctx, q)
		if err != nil || !reflect.DeepEqual(got, again) {
			t.Errorf("the same search answered differently: %v / %v (%v)", got, again, err)
		}
	})

	t.Run("TollFree", func(t *testing.T) {
		f := e.open(t)
		f.require(t, providers.OpSearchAvailableNumbers)
		q := providers.AvailableNumberQuery{RegionCode: "US", NumberType: providers.NumberTypeTollFree, Limit: 3}
		got, err := f.p.SearchAvailableNumbers(f.ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range got {
			if n.NumberType != providers.NumberTypeTollFree {
				t.Errorf("%s: type %v", n.PhoneNumber, n.NumberType)
			}
		}
	})

	t.Run("UndeclaredFiltersRefused", func(t *testing.T) {
		f := e.open(t)
		f.require(t, providers.OpSearchAvailableNumbers)
		sup := f.p.SearchSupport()
		all := map[string]providers.AvailableNumberQuery{
			providers.SearchFilterLocality:   {Locality: "Chicago"},
			providers.SearchFilterFeatures:   {Features: []providers.NumberFeature{providers.NumberFeatureFax}},
			providers.SearchFilterNumberType: {NumberType: providers.NumberTypeSharedCost},
		}
		for name, q := range all {
			q.RegionCode = "US"
			if len(sup.Unsupported(q)) == 0 {
				continue
			}
			_, err := f.p.SearchAvailableNumbers(f.ctx, q)
			var pe *providers.Error
			if !f.p.ErrorAs(err, &pe) || pe.Code != providers.CodeInvalidArgument || pe.Reason != "SEARCH_FILTER_UNSUPPORTED" ||
				len(pe.Violations) == 0 || pe.Violations[0].Field != name {
				t.Errorf("%s: %v, want INVALID_ARGUMENT SEARCH_FILTER_UNSUPPORTED naming %s", name, err, name)
			}
		}
	})
}
