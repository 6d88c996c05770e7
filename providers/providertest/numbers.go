package providertest

import (
	"fmt"
	"github.com/portgate/portgate/sandbox/scenarios"
	"slices"
	"strings"
	"testing"

	"github.com/portgate/portgate/providers"
)

// numberField is one neutral number update path the suite can fill and observe.
type numberField struct {
	set     func(n *providers.Number, cur *providers.Number)
	view    func(n *providers.Number) string
	coupled []string
}

var numberFields = map[string]numberField{
	providers.FieldNumberAlias: {
		set:  func(n, cur *providers.Number) { n.Alias = alt(cur.Alias, "conformance-alias-a", "conformance-alias-b") },
		view: func(n *providers.Number) string { return n.Alias },
	},
	providers.FieldNumberCNAMLookupsEnabled: {
		set:  func(n, cur *providers.Number) { n.CNAMLookupsEnabled = !cur.CNAMLookupsEnabled },
		view: func(n *providers.Number) string { return fmt.Sprint(n.CNAMLookupsEnabled) },
	},
	providers.FieldNumberMessagingEnabled: {
		set: func(n, cur *providers.Number) { n.MessagingEnabled = !cur.MessagingEnabled },
		// An enablement the provider accepted but has not finished
		// provisioning (Flowroute) reads as enabled-as-requested.
		view: func(n *providers.Number) string {
			return fmt.Sprint(n.MessagingEnabled || n.MessagingProvisioning.State == providers.MessagingProvisioningPending)
		},
		coupled: []string{providers.FieldNumberMessagingProfileID},
	},
	providers.FieldNumberMessagingProfileID: {
		set: func(n, cur *providers.Number) {
			n.MessagingProfileID = alt(cur.MessagingProfileID, "40017d2b-8d2a-4c4e-9a51-0c3f1b2a0001", "40017d2b-8d2a-4c4e-9a51-0c3f1b2a0002")
		},
		view:    func(n *providers.Number) string { return n.MessagingProfileID },
		coupled: []string{providers.FieldNumberMessagingEnabled},
	},
	providers.FieldNumberConnectionID: {
		set:  func(n, cur *providers.Number) { n.ConnectionID = alt(cur.ConnectionID, "7001", "7002") },
		view: func(n *providers.Number) string { return n.ConnectionID },
	},
	providers.FieldNumberFailoverRouteID: {
		set:  func(n, cur *providers.Number) { n.FailoverRouteID = alt(cur.FailoverRouteID, "7003", "7004") },
		view: func(n *providers.Number) string { return n.FailoverRouteID },
	},
	providers.FieldNumberEmergencyAddressID: {
		set:  func(n, cur *providers.Number) { n.EmergencyAddressID = alt(cur.EmergencyAddressID, "8001", "8002") },
		view: func(n *providers.Number) string { return n.EmergencyAddressID },
	},
	providers.FieldNumberTags: {
		set: func(n, cur *providers.Number) {
			n.Tags = []string{"conformance", alt(strings.Join(cur.Tags, ","), "tag-a", "tag-b")}
		},
		view: func(n *providers.Number) string { return strings.Join(sortedCopy(n.Tags), ",") },
	},
}

// walkNumbers pages through ListNumbers with the given page size, checking
// page invariants, and returns every number in list order.
func (f *fixture) walkNumbers(t *testing.T, filter providers.NumberFilter, limit int) []string {
	t.Helper()
	var all []string
	seen := map[string]bool{}
	cursor := ""
	for page := 0; ; page++ {
		if page == maxPages {
			t.Fatalf("ListNumbers: still More after %d pages", maxPages)
		}
		p, err := f.p.ListNumbers(f.ctx, filter, providers.ListQuery{Cursor: cursor, Limit: limit})
		if err != nil {
			t.Fatalf("ListNumbers(cursor %q, limit %d, filter %+v): %v", cursor, limit, filter, err)
		}
		if p == nil {
			t.Fatalf("ListNumbers(cursor %q): nil page, nil error", cursor)
		}
		if len(p.Numbers) > limit {
			t.Errorf("ListNumbers(cursor %q, limit %d): %d numbers, more than the limit", cursor, limit, len(p.Numbers))
		}
		for _, n := range p.Numbers {
			if seen[n.PhoneNumber] {
				t.Errorf("ListNumbers(cursor %q, limit %d): %s listed twice", cursor, limit, n.PhoneNumber)
			}
			seen[n.PhoneNumber] = true
			all = append(all, n.PhoneNumber)
		}
		if p.NextCursor == "" {
			checkE164(t, "ListNumbers", all)
			return all
		}
		if len(p.Numbers) == 0 {
			t.Fatalf("ListNumbers(cursor %q, limit %d): empty page with More = true", cursor, limit)
		}
		cursor = p.NextCursor
	}
}

func testNumbers(t *testing.T, e *env) {
	t.Run("GetSeeded", func(t *testing.T) {
		f := e.open(t)
		f.require(t, providers.OpGetNumber)
		for _, s := range scenarios.SandboxNumbers {
			n, err := f.p.GetNumber(f.ctx, s)
			if err != nil {
				t.Errorf("GetNumber(%s) (seeded): %v", s, err)
				continue
			}
			if n == nil || n.PhoneNumber != s {
				t.Errorf("GetNumber(%s): got %+v, want PhoneNumber %s", s, n, s)
			}
		}
	})

	t.Run("GetNotOnAccount", func(t *testing.T) {
		f := e.open(t)
		f.require(t, providers.OpGetNumber)
		n := NewNumber(scenarios.SuffixNotOnAccount)
		_, err := f.p.GetNumber(f.ctx, n)
		f.wantCode(t, fmt.Sprintf("GetNumber(%s) (SuffixNotOnAccount)", n), err, providers.CodeNotFound, true)
	})

	t.Run("List", func(t *testing.T) {
		f := e.open(t)
		f.require(t, providers.OpListNumbers)
		all := f.walkNumbers(t, providers.NumberFilter{}, 2)
		for _, s := range scenarios.SandboxNumbers {
			if !slices.Contains(all, s) {
				t.Errorf("ListNumbers walk (limit 2): seeded %s missing (gap); got %v", s, all)
			}
		}
	})

	t.Run("ListPrefix", func(t *testing.T) {
		f := e.open(t)
		f.require(t, providers.OpListNumbers)
		for _, prefix := range []string{"+1312", "+1206"} {
			got := f.walkNumbers(t, providers.NumberFilter{Prefix: prefix}, 2)
			for _, n := range got {
				if !strings.HasPrefix(n, prefix) {
					t.Errorf("ListNumbers(Prefix %q): %s does not match", prefix, n)
				}
			}
			for _, s := range scenarios.SandboxNumbers {
				if strings.HasPrefix(s, prefix) && !slices.Contains(got, s) {
					t.Errorf("ListNumbers(Prefix %q): seeded %s missing; got %v", prefix, s, got)
				}
			}
		}
	})

	t.Run("Update", func(t *testing.T) {
		f0 := e.open(t)
		f0.require(t, providers.OpGetNumber, providers.OpUpdateNumber)
		const num = "+13125550101"
		for _, path := range f0.caps.UpdatableNumberFields {
			t.Run(path, func(t *testing.T) {
				fld, ok := numberFields[path]
				if !ok {
					t.Skipf("the suite cannot fill %q", path)
				}
				f := e.open(t)
				before, err := f.p.GetNumber(f.ctx, num)
				if err != nil {
					t.Fatalf("GetNumber(%s): %v", num, err)
				}
				in := providers.Number{PhoneNumber: num}
				for _, other := range numberFields {
					other.set(&in, before)
				}
				f.useAccountIDs(t, &in, before)
				want := fld.view(&in)
				res, err := f.p.UpdateNumber(f.ctx, providers.NumberUpdate{
					Number: in, Mask: []string{path}, MessagingCallbackURL: "https://hooks.example.com/sms",
				})
				if err != nil {
					t.Fatalf("UpdateNumber(%s, mask %q): %v", num, path, err)
				}
				if res == nil || res.Number == nil {
					t.Fatalf("UpdateNumber(%s, mask %q): nil result, nil error", num, path)
				}
				if len(res.Failures) != 0 {
					t.Errorf("UpdateNumber(%s, mask %q): unexpected field failures %+v", num, path, res.Failures)
				}
				after, err := f.p.GetNumber(f.ctx, num)
				if err != nil {
					t.Fatalf("GetNumber(%s) after update: %v", num, err)
				}
				for _, o := range []struct {
					what string
					n    *providers.Number
				}{{"UpdateNumber", res.Number}, {"GetNumber after UpdateNumber", after}} {
					if o.n.PhoneNumber != num {
						t.Errorf("%s: PhoneNumber = %q, want %s", o.what, o.n.PhoneNumber, num)
					}
					if v := fld.view(o.n); v != want {
						t.Errorf("%s(mask %q): %s = %q, want %q", o.what, path, path, v, want)
					}
					for otherPath, other := range numberFields {
						if otherPath == path || slices.Contains(fld.coupled, otherPath) {
							continue
						}
						if v, w := other.view(o.n), other.view(before); v != w {
							t.Errorf("%s(mask %q): field %q outside the mask changed: %q, want untouched %q", o.what, path, otherPath, v, w)
						}
					}
				}
			})
		}
	})

	// SuffixMessagingFails: enabling messaging half-succeeds; the update
	// succeeds and reports a FieldFailure for messaging_enabled.
	messagingFails := func(t *testing.T, f *fixture) string {
		t.Helper()
		f.require(t, providers.OpUpdateNumber)
		if !slices.Contains(f.caps.UpdatableNumberFields, providers.FieldNumberMessagingEnabled) {
			t.Skipf("%s cannot update %s", f.name, providers.FieldNumberMessagingEnabled)
		}
		for _, s := range scenarios.SandboxNumbers {
			if scenarios.HasSuffix(s, scenarios.SuffixMessagingFails) {
				return s
			}
		}
		t.Fatal("no seeded SuffixMessagingFails number in scenarios.SandboxNumbers")
		return ""
	}
	checkMessagingFailure := func(t *testing.T, what string, res *providers.NumberUpdateResult, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: err = %v, want success with a field failure for %q", what, err, providers.FieldNumberMessagingEnabled)
		}
		if res == nil || res.Number == nil {
			t.Fatalf("%s: nil result, nil error", what)
		}
		i := slices.IndexFunc(res.Failures, func(ff providers.FieldFailure) bool { return ff.Field == providers.FieldNumberMessagingEnabled })
		if i < 0 {
			t.Fatalf("%s: Failures = %+v, want one for %q", what, res.Failures, providers.FieldNumberMessagingEnabled)
		}
		if r := res.Failures[i].Reason; r == "" || strings.ToUpper(r) != r || strings.Contains(r, " ") {
			t.Errorf("%s: FieldFailure.Reason = %q, want UPPER_SNAKE_CASE", what, r)
		}
	}

	t.Run("MessagingPartialFailure", func(t *testing.T) {
		f := e.open(t)
		num := messagingFails(t, f)
		res, err := f.p.UpdateNumber(f.ctx, providers.NumberUpdate{
			// The profile is what Telnyx-like providers enable messaging with.
			Number:               providers.Number{PhoneNumber: num, MessagingEnabled: true, MessagingProfileID: "40017d2b-8d2a-4c4e-9a51-0c3f1b2a0001"},
			Mask:                 []string{providers.FieldNumberMessagingEnabled},
			MessagingCallbackURL: "https://hooks.example.com/sms",
		})
		checkMessagingFailure(t, fmt.Sprintf("UpdateNumber(%s, mask [messaging_enabled]) (SuffixMessagingFails)", num), res, err)
	})

	t.Run("MessagingPartialFailureWithAlias", func(t *testing.T) {
		f := e.open(t)
		num := messagingFails(t, f)
		if !slices.Contains(f.caps.UpdatableNumberFields, providers.FieldNumberAlias) {
			t.Skipf("%s cannot update %s", f.name, providers.FieldNumberAlias)
		}
		alias := uniqueRef("half")
		res, err := f.p.UpdateNumber(f.ctx, providers.NumberUpdate{
			Number:               providers.Number{PhoneNumber: num, Alias: alias, MessagingEnabled: true, MessagingProfileID: "40017d2b-8d2a-4c4e-9a51-0c3f1b2a0001"},
			Mask:                 []string{providers.FieldNumberAlias, providers.FieldNumberMessagingEnabled},
			MessagingCallbackURL: "https://hooks.example.com/sms",
		})
		what := fmt.Sprintf("UpdateNumber(%s, mask [alias messaging_enabled]) (SuffixMessagingFails)", num)
		checkMessagingFailure(t, what, res, err)
		if res.Number.Alias != alias {
			t.Errorf("%s: Alias = %q, want %q (the half that succeeded)", what, res.Number.Alias, alias)
		}
		if f.caps.Supports(providers.OpGetNumber) {
			n, err := f.p.GetNumber(f.ctx, num)
			if err != nil {
				t.Fatalf("GetNumber(%s) after partial update: %v", num, err)
			}
			if n.Alias != alias {
				t.Errorf("GetNumber(%s) after partial update: Alias = %q, want %q", num, n.Alias, alias)
			}
		}
	})
}
