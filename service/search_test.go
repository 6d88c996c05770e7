package service_test

import (
	"os"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"

	pb "github.com/portgate/portgate/gen/portgate/v1"
	"github.com/portgate/portgate/sandbox/chaos"
)

// readmeSearchLines returns the grpcurl and curl lines of the README's
// "Search available numbers" subsection, verbatim.
func readmeSearchLines(t *testing.T) (grpcurl, curl string) {
	t.Helper()
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	i := strings.Index(s, "### Search available numbers")
	if i < 0 {
		t.Fatal("README has no Search available numbers subsection")
	}
	sec := s[i+1:]
	if j := strings.Index(sec, "\n### "); j >= 0 {
		sec = sec[:j]
	}
	for _, l := range strings.Split(sec, "\n") {
		switch {
		case strings.HasPrefix(l, "grpcurl "):
			grpcurl = l
		case strings.HasPrefix(l, "curl "):
			curl = l
		}
	}
	if grpcurl == "" || curl == "" {
		t.Fatalf("README search subsection lacks a grpcurl or curl line")
	}
	return grpcurl, curl
}

// TestREADMESearchAvailableNumbers runs the README's search lines: the
// grpcurl request through gRPC, the curl URL through the REST gateway.
func TestREADMESearchAvailableNumbers(t *testing.T) {
	e := start(t)
	grpcLine, curlLine := readmeSearchLines(t)

	// grpcurl -plaintext -d '<json>' localhost:9090 portgate.v1.Numbers/SearchAvailableNumbers
	body := grpcLine[strings.Index(grpcLine, "'")+1 : strings.LastIndex(grpcLine, "'")]
	if !strings.HasSuffix(grpcLine, " localhost:9090 portgate.v1.Numbers/SearchAvailableNumbers") {
		t.Fatalf("grpcurl line calls something else: %s", grpcLine)
	}
	req := &pb.SearchAvailableNumbersRequest{}
	if err := protojson.Unmarshal([]byte(body), req); err != nil {
		t.Fatalf("README grpcurl body: %v", err)
	}
	resp, err := e.numbers.SearchAvailableNumbers(t.Context(), req)
	if err != nil {
		t.Fatal(err)
	}
	providersSeen := map[string]bool{}
	prev := ""
	for _, n := range resp.GetAvailableNumbers() {
		providersSeen[n.GetProvider()] = true
		if !strings.HasPrefix(n.GetPhoneNumber(), "+1312") || n.GetMonthlyCost().GetAmount() == "" || n.GetPhoneNumber() < prev {
			t.Errorf("result %v (after %s)", n, prev)
		}
		prev = n.GetPhoneNumber()
	}
	if len(resp.GetAvailableNumbers()) != int(req.GetQuantity()) || len(resp.GetUnreachable()) != 0 || len(resp.GetSkippedProviders()) != 0 ||
		!providersSeen["providers/flowroute"] || !providersSeen["providers/telnyx"] {
		t.Errorf("merged search: %v", resp)
	}

	// curl -s "localhost:8080/v1/…"
	url := curlLine[strings.Index(curlLine, `"`)+1 : strings.LastIndex(curlLine, `"`)]
	url = strings.Replace(url, "localhost:8080", strings.TrimPrefix(e.base, "http://"), 1)
	code, out := rest(t, "GET", "http://"+url, nil)
	if code != 200 {
		t.Fatalf("README curl: %d %v", code, out)
	}
	nums, _ := out["availableNumbers"].([]any)
	if len(nums) != 3 {
		t.Fatalf("README curl: %v", out)
	}
	for _, x := range nums {
		n := x.(map[string]any)
		feats, _ := n["features"].([]any)
		has := false
		for _, f := range feats {
			has = has || f == "NUMBER_FEATURE_SMS"
		}
		if n["provider"] != "providers/telnyx" || !has || n["monthlyCost"].(map[string]any)["currencyCode"] != "USD" {
			t.Errorf("curl result %v", n)
		}
	}
}

// TestSearchAvailableNumbersMergedSkipsUnsupported: on providers/- a
// provider that cannot express a filter is skipped and named; on that one
// provider the same search is INVALID_ARGUMENT SEARCH_FILTER_UNSUPPORTED
// naming the field.
func TestSearchAvailableNumbersMergedSkipsUnsupported(t *testing.T) {
	e := start(t)
	resp, err := e.numbers.SearchAvailableNumbers(t.Context(), &pb.SearchAvailableNumbersRequest{
		Parent: "providers/-", RegionCode: "US", Locality: "Chicago", Quantity: 2})
	if err != nil {
		t.Fatal(err)
	}
	if sk := resp.GetSkippedProviders(); len(sk) != 1 || sk[0].GetProvider() != "providers/flowroute" || sk[0].GetFields()[0] != "locality" {
		t.Errorf("skipped: %v", sk)
	}
	if n := resp.GetAvailableNumbers(); len(n) != 2 || n[0].GetProvider() != "providers/telnyx" || n[0].GetLocality() != "Chicago" {
		t.Errorf("results: %v", n)
	}
	_, err = e.numbers.SearchAvailableNumbers(t.Context(), &pb.SearchAvailableNumbersRequest{
		Parent: "providers/flowroute", RegionCode: "US", Features: []pb.NumberFeature{pb.NumberFeature_NUMBER_FEATURE_FAX}})
	st, ei := errorInfo(t, err)
	if st.Code() != codes.InvalidArgument || ei.GetReason() != "SEARCH_FILTER_UNSUPPORTED" || !strings.Contains(st.Message(), "features") {
		t.Errorf("%v %v", st, ei)
	}
	// Strict input: bad digits, a quantity over the maximum, starts_with
	// outside area_code are refused before any provider call.
	for name, req := range map[string]*pb.SearchAvailableNumbersRequest{
		"digits":      {Parent: "providers/telnyx", RegionCode: "US", Contains: "55*"},
		"quantity":    {Parent: "providers/telnyx", RegionCode: "US", Quantity: 101},
		"starts_with": {Parent: "providers/telnyx", RegionCode: "US", AreaCode: "312", StartsWith: "415"},
		"region":      {Parent: "providers/telnyx", RegionCode: "us"},
	} {
		if _, err := e.numbers.SearchAvailableNumbers(t.Context(), req); codes.InvalidArgument != statusCode(err) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestNumberDetails: GetNumber shows the neutral state, type, region and
// costs on both providers.
func TestNumberDetails(t *testing.T) {
	e := start(t)
	for _, prov := range []string{"flowroute", "telnyx"} {
		n, err := e.numbers.GetNumber(t.Context(), &pb.GetNumberRequest{Name: "providers/" + prov + "/numbers/13125550100"})
		if err != nil {
			t.Fatal(err)
		}
		if n.GetState() != pb.NumberState_NUMBER_STATE_ACTIVE || n.GetType() != pb.NumberType_NUMBER_TYPE_LOCAL || n.GetRegionCode() != "US" {
			t.Errorf("%s: %v", prov, n)
		}
		if prov == "flowroute" && (n.GetAdministrativeArea() != "IL" || n.GetRateCenter() == "" || n.GetMonthlyCost().GetAmount() != "1.25" || n.GetSetupCost().GetAmount() != "1") {
			t.Errorf("flowroute details: %v", n)
		}
	}
}

func statusCode(err error) codes.Code { return status.Code(err) }

// TestSearchCapabilityListed: ListProviders reports the operation for both
// providers.
func TestSearchCapabilityListed(t *testing.T) {
	e := start(t)
	resp, err := e.provs.ListProviders(t.Context(), &pb.ListProvidersRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.GetProviders()) != 2 {
		t.Fatalf("%v", resp)
	}
	for _, p := range resp.GetProviders() {
		found := false
		for _, op := range p.GetCapabilities().GetOperations() {
			found = found || op == "SearchAvailableNumbers"
		}
		if !found {
			t.Errorf("%s: operations %v lack SearchAvailableNumbers", p.GetName(), p.GetCapabilities().GetOperations())
		}
	}
}

// TestSearchAvailableNumbersOutage: on providers/- a failing provider is
// listed in unreachable and the other still answers; on that one provider
// the search is an error.
func TestSearchAvailableNumbersOutage(t *testing.T) {
	e := start(t)
	e.app.Sandboxes["flowroute"].Chaos.Set(chaos.Faults{ErrorRate: 1})
	resp, err := e.numbers.SearchAvailableNumbers(t.Context(), &pb.SearchAvailableNumbersRequest{
		Parent: "providers/-", RegionCode: "US", AreaCode: "312", Quantity: 4})
	if err != nil {
		t.Fatal(err)
	}
	if u := resp.GetUnreachable(); len(u) != 1 || u[0] != "providers/flowroute" {
		t.Errorf("unreachable: %v", u)
	}
	if n := resp.GetAvailableNumbers(); len(n) != 4 || n[0].GetProvider() != "providers/telnyx" {
		t.Errorf("results: %v", n)
	}
	_, err = e.numbers.SearchAvailableNumbers(t.Context(), &pb.SearchAvailableNumbersRequest{Parent: "providers/flowroute", RegionCode: "US"})
	if c := statusCode(err); c != codes.Unavailable {
		t.Errorf("flowroute alone during the outage: %v", err)
	}
}
