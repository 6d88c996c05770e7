package service_test

import (
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "github.com/portgate/portgate/gen/portgate/v1"
	"github.com/portgate/portgate/sandbox/flowroutefake"
	"github.com/portgate/portgate/sandbox/scenarios"
	"github.com/portgate/portgate/sandbox/telnyxfake"
)

// inventoryNext hands out each fake inventory number once per env.
var inventoryNext sync.Map // *env + provider → *atomic.Int64

type inventoryKey struct {
	e    *env
	prov string
}

// buyable returns a number from provider's sandbox inventory that no other
// call for this env returned (plain: never a scenario suffix).
func buyable(t *testing.T, e *env, provider string) string {
	t.Helper()
	inv := flowroutefake.AvailableNumbers
	if provider == "telnyx" {
		inv = telnyxfake.AvailableNumbers
	}
	v, _ := inventoryNext.LoadOrStore(inventoryKey{e, provider}, new(atomic.Int64))
	for {
		i := v.(*atomic.Int64).Add(1) - 1
		if int(i) >= len(inv) {
			t.Fatalf("the %s sandbox inventory (%d numbers) is used up in this test", provider, len(inv))
		}
		if !scenarios.HasSuffix(inv[i], scenarios.SuffixMessagingFails) {
			return inv[i]
		}
	}
}

func buyOne(t *testing.T, e *env, provider string) *pb.NumberOrder {
	t.Helper()
	o, err := e.numbers.CreateNumberOrder(t.Context(), &pb.CreateNumberOrderRequest{Parent: "providers/" + provider,
		NumberOrder: &pb.NumberOrder{PhoneNumbers: []string{buyable(t, e, provider)}}})
	if err != nil {
		t.Fatalf("setup: buy on %s: %v", provider, err)
	}
	return o
}

func digitsOf(e164 string) string { return strings.TrimPrefix(e164, "+") }

// Flowroute has no order object: portgate buys number by number, keeps the
// order, and reports per-number outcomes (PARTIAL with reasons).
func TestNumberOrderFlowroutePartial(t *testing.T) {
	e := start(t)
	good := buyable(t, e, "flowroute")
	missing := freshNumber("") // not in the inventory: Flowroute 404
	o, err := e.numbers.CreateNumberOrder(t.Context(), &pb.CreateNumberOrderRequest{Parent: "providers/flowroute",
		NumberOrder: &pb.NumberOrder{PhoneNumbers: []string{good, missing}, CustomerReference: "partial"}})
	if err != nil {
		t.Fatal(err)
	}
	if o.GetState() != pb.NumberOrder_PARTIAL || !o.GetSynthesized() || len(o.GetNumbers()) != 2 {
		t.Fatalf("order: %v", o)
	}
	if n := o.GetNumbers()[0]; n.GetState() != pb.NumberOrderNumber_SUCCESS || n.GetNumber() != "providers/flowroute/numbers/"+digitsOf(good) {
		t.Errorf("bought number: %v", n)
	}
	if n := o.GetNumbers()[1]; n.GetState() != pb.NumberOrderNumber_FAILED || n.GetReason() == "" || n.GetProviderStatus() != "404" {
		t.Errorf("missing number: %v", n)
	}
	// The order is portgate's: it reads back the same from the store.
	got, err := e.numbers.GetNumberOrder(t.Context(), &pb.GetNumberOrderRequest{Name: o.GetName()})
	if err != nil || got.GetState() != pb.NumberOrder_PARTIAL || got.GetCustomerReference() != "partial" {
		t.Fatalf("get: %v %v", got, err)
	}
}

// A retry with the same request_id never buys twice: it answers the first order.
func TestNumberOrderRequestIDNeverBuysTwice(t *testing.T) {
	e := start(t)
	for prov, id := range map[string]string{"flowroute": "3f0e8c52-8d4b-4a53-9a3e-6f2b1c0d9e7a", "telnyx": "5b1d2f43-7c6e-4e21-8a9b-0c3d4e5f6a7b"} {
		req := &pb.CreateNumberOrderRequest{Parent: "providers/" + prov, RequestId: id,
			NumberOrder: &pb.NumberOrder{PhoneNumbers: []string{buyable(t, e, prov)}}}
		first, err := e.numbers.CreateNumberOrder(t.Context(), req)
		if err != nil {
			t.Fatalf("%s: %v", prov, err)
		}
		again, err := e.numbers.CreateNumberOrder(t.Context(), req)
		if err != nil || again.GetName() != first.GetName() {
			t.Fatalf("%s retry: %v %v, want %s", prov, again, err, first.GetName())
		}
		list, err := e.numbers.ListNumberOrders(t.Context(), &pb.ListNumberOrdersRequest{Parent: "providers/" + prov})
		if err != nil || len(list.GetNumberOrders()) != 1 {
			t.Fatalf("%s: %d orders after a retry (%v), want 1", prov, len(list.GetNumberOrders()), err)
		}
	}
}

// Options a provider cannot apply, and too many numbers, are refused
// before any purchase.
func TestNumberOrderStrictInput(t *testing.T) {
	e := start(t)
	for _, c := range []struct {
		name string
		req  *pb.CreateNumberOrderRequest
	}{
		{"flowroute connection_id", &pb.CreateNumberOrderRequest{Parent: "providers/flowroute",
			NumberOrder: &pb.NumberOrder{PhoneNumbers: []string{flowroutefake.AvailableNumbers[0]}, ConnectionId: "1234"}}},
		{"telnyx messaging_enabled", &pb.CreateNumberOrderRequest{Parent: "providers/telnyx",
			NumberOrder: &pb.NumberOrder{PhoneNumbers: []string{telnyxfake.AvailableNumbers[0]}, MessagingEnabled: true}}},
		{"providers/-", &pb.CreateNumberOrderRequest{Parent: "providers/-",
			NumberOrder: &pb.NumberOrder{PhoneNumbers: []string{telnyxfake.AvailableNumbers[0]}}}},
		{"too many", &pb.CreateNumberOrderRequest{Parent: "providers/flowroute",
			NumberOrder: &pb.NumberOrder{PhoneNumbers: manyNumbers(101)}}},
	} {
		_, err := e.numbers.CreateNumberOrder(t.Context(), c.req)
		if status.Code(err) != codes.InvalidArgument {
			t.Errorf("%s: %v, want INVALID_ARGUMENT", c.name, err)
		}
	}
	// Nothing was bought.
	for _, n := range []string{flowroutefake.AvailableNumbers[0], telnyxfake.AvailableNumbers[0]} {
		for _, prov := range []string{"flowroute", "telnyx"} {
			if _, err := e.numbers.GetNumber(t.Context(), &pb.GetNumberRequest{Name: "providers/" + prov + "/numbers/" + digitsOf(n)}); status.Code(err) != codes.NotFound {
				t.Errorf("%s on %s after refused orders: %v, want NOT_FOUND", n, prov, err)
			}
		}
	}
}

func manyNumbers(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = freshNumber("")
	}
	return out
}

// The README tour over REST: buy two numbers on each provider, read the
// order, release one.
func TestReadmeBuyAndReleaseTour(t *testing.T) {
	e := start(t)
	for _, prov := range []string{"flowroute", "telnyx"} {
		a, b := buyable(t, e, prov), buyable(t, e, prov)
		code, o := rest(t, http.MethodPost, e.base+"/v1/providers/"+prov+"/numberOrders",
			map[string]any{"phoneNumbers": []string{a, b}, "customerReference": "tour"})
		if code != http.StatusOK {
			t.Fatalf("%s buy: %d %v", prov, code, o)
		}
		name, _ := o["name"].(string)
		want := "SUCCESS"
		if prov == "telnyx" {
			want = "PENDING" // asynchronous: the sandbox step completes it
			if o["state"] != want {
				t.Fatalf("telnyx order: %v", o)
			}
			e.app.Sandboxes[prov].Advance()
			want = "SUCCESS"
		}
		code, o = rest(t, http.MethodGet, e.base+"/v1/"+name, nil)
		if code != http.StatusOK || o["state"] != want || len(o["numbers"].([]any)) != 2 {
			t.Fatalf("%s read order: %d %v", prov, code, o)
		}
		code, n := rest(t, http.MethodPost, e.base+"/v1/providers/"+prov+"/numbers/"+digitsOf(a)+":release",
			map[string]any{"confirmPhoneNumber": digitsOf(a)})
		if code != http.StatusOK || n["phoneNumber"] != a || n["releaseTime"] == nil {
			t.Fatalf("%s release: %d %v", prov, code, n)
		}
		if code, _ := rest(t, http.MethodGet, e.base+"/v1/providers/"+prov+"/numbers/"+digitsOf(a), nil); code != http.StatusNotFound {
			t.Errorf("%s: released number still readable (%d)", prov, code)
		}
		if code, _ := rest(t, http.MethodGet, e.base+"/v1/providers/"+prov+"/numbers/"+digitsOf(b), nil); code != http.StatusOK {
			t.Errorf("%s: kept number not readable (%d)", prov, code)
		}
	}
}

// ListProviders reports the new operations for both providers.
func TestProvidersReportBuyOperations(t *testing.T) {
	e := start(t)
	for _, prov := range []string{"flowroute", "telnyx"} {
		p, err := e.provs.GetProvider(t.Context(), &pb.GetProviderRequest{Name: "providers/" + prov})
		if err != nil {
			t.Fatal(err)
		}
		ops := strings.Join(p.GetCapabilities().GetOperations(), ",")
		for _, op := range []string{"CreateNumberOrder", "GetNumberOrder", "ListNumberOrders", "ReleaseNumber"} {
			if !strings.Contains(","+ops+",", ","+op+",") {
				t.Errorf("%s: %s missing from capabilities.operations %s", prov, op, ops)
			}
		}
	}
}

// What SearchAvailableNumbers offers can be bought, and a bought number is
// no longer offered (one inventory per sandbox).
func TestBuyWhatSearchFinds(t *testing.T) {
	e := start(t)
	for _, prov := range []string{"flowroute", "telnyx"} {
		found, err := e.numbers.SearchAvailableNumbers(t.Context(), &pb.SearchAvailableNumbersRequest{Parent: "providers/" + prov, RegionCode: "US", AreaCode: "312"})
		if err != nil || len(found.GetAvailableNumbers()) == 0 {
			t.Fatalf("%s search: %v %v", prov, found, err)
		}
		n := found.GetAvailableNumbers()[0].GetPhoneNumber()
		o, err := e.numbers.CreateNumberOrder(t.Context(), &pb.CreateNumberOrderRequest{Parent: "providers/" + prov,
			NumberOrder: &pb.NumberOrder{PhoneNumbers: []string{n}}})
		if err != nil || o.GetState() == pb.NumberOrder_FAILED {
			t.Fatalf("%s buy %s: %v %v", prov, n, o, err)
		}
		again, err := e.numbers.SearchAvailableNumbers(t.Context(), &pb.SearchAvailableNumbersRequest{Parent: "providers/" + prov, RegionCode: "US", AreaCode: "312"})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range again.GetAvailableNumbers() {
			if a.GetPhoneNumber() == n {
				t.Errorf("%s: bought %s is still offered", prov, n)
			}
		}
	}
}
