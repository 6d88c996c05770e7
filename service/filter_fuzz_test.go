package service

import (
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/portgate/portgate/providers"
)

// FuzzParseFilter: no filter text can panic the parser, the evaluator or the
// pushdown, and every refusal is INVALID_ARGUMENT / INVALID_FILTER. Seeds:
// testdata/fuzz/FuzzParseFilter and the f.Add calls below.
func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{
		``, `state = DRAFT`, `state = COMPLETED OR state = CANCELLED`,
		`NOT state = DRAFT`, `-state = DRAFT`, `(phone_number : "555") AND create_time >= "2024-01-01T00:00:00Z"`,
		`customer_reference = "ref-*"`, `phone_number = "+13125550100"`, `alias = "a\"b"`,
		strings.Repeat("(", 40) + `state = DRAFT` + strings.Repeat(")", 40),
		strings.Repeat("NOT ", 40) + `state = DRAFT`, `state = "`, `state != `, `((((`, `)`,
	} {
		f.Add(s)
	}
	order := &providers.PortOrder{State: providers.StateDraft, PhoneNumbers: []string{"+13125550100"}, CustomerReference: "ref-1", CreateTime: time.Unix(1700000000, 0)}
	number := &providers.Number{PhoneNumber: "+13125550100", Alias: "main"}
	f.Fuzz(func(t *testing.T, s string) {
		for _, fields := range []map[string]filterField{portOrderFilterFields, numberFilterFields} {
			e, err := parseFilter(s, fields, "US")
			if err != nil {
				st := status.Convert(err)
				if st.Code() != codes.InvalidArgument || len(st.Details()) == 0 {
					t.Fatalf("parseFilter(%q): %v, want INVALID_ARGUMENT with details", s, err)
				}
				if ei, ok := st.Details()[0].(*errdetails.ErrorInfo); !ok || ei.GetReason() != ReasonInvalidFilter {
					t.Fatalf("parseFilter(%q): details %v, want ErrorInfo INVALID_FILTER", s, st.Details())
				}
				continue
			}
			if len(s) > MaxFilterBytes {
				t.Fatalf("parseFilter accepted a %d-byte filter (max %d)", len(s), MaxFilterBytes)
			}
			e.eval(portOrderRecord(order))
			e.eval(numberRecord(number))
			pushdownOrders(e)
			pushdownNumbers(e)
		}
	})
}

// TestParseFilterBounds: 800,000 "(" once overflowed the stack and killed the
// process; with the stack capped at 64 MiB here, a regression fails this test
// quickly instead of eating memory. Both bounds answer INVALID_FILTER.
func TestParseFilterBounds(t *testing.T) {
	defer debug.SetMaxStack(debug.SetMaxStack(64 << 20))
	for _, c := range []struct{ filter, mention string }{
		{strings.Repeat("(", 800_000), "at most 2000"},
		{strings.Repeat("(", 1000), "32 levels"},
		{strings.Repeat("NOT (", 17) + "state = DRAFT" + strings.Repeat(")", 17), "32 levels"},
	} {
		_, err := parseFilter(c.filter, portOrderFilterFields, "US")
		st := status.Convert(err)
		if st.Code() != codes.InvalidArgument || !strings.Contains(st.Message(), c.mention) {
			t.Errorf("%d-byte filter: %v, want INVALID_ARGUMENT mentioning %q", len(c.filter), err, c.mention)
		}
	}
	ok := strings.Repeat("NOT (", 16) + "state = DRAFT" + strings.Repeat(")", 16)
	if _, err := parseFilter(ok, portOrderFilterFields, "US"); err != nil {
		t.Errorf("32 levels: %v", err)
	}
}
