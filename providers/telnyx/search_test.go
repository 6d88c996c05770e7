package telnyx_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sync"
	"testing"

	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/portable"
	"github.com/portgate/portgate/providers/telnyx"
)

// docAvailable is the spec's AvailablePhoneNumber example (costs as
// strings, region_information, features[{name}]) plus odd members: an
// unknown feature and region type, a number cost, an invalid number.
const docAvailable = `{"data":[
 {"best_effort":false,"cost_information":{"currency":"USD","monthly_cost":"6.54","upfront_cost":"3.21"},
  "features":[{"name":"sms"},{"name":"voice"},{"name":"hd_voice"}],"phone_number":"+19705555098","quickship":true,
  "record_type":"available_phone_number","region_information":[{"region_name":"US","region_type":"country_code"},
  {"region_name":"co","region_type":"state"},{"region_name":"FORT COLLINS","region_type":"rate_center"},
  {"region_name":"Fort Collins","region_type":"location"},{"region_name":"x","region_type":"lata"}],"reservable":true,"vanity_format":""},
 {"best_effort":true,"cost_information":{"currency":"USD","monthly_cost":1,"upfront_cost":"free"},"features":[],
  "phone_number":"+1970","record_type":"available_phone_number","region_information":[]}],
 "meta":{"best_effort_results":1,"total_results":2}}`

func TestSearchAvailableNumbersDocumentedShape(t *testing.T) {
	var mu sync.Mutex
	var got []url.Values
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.URL.Query())
		mu.Unlock()
		if r.Method != http.MethodGet || r.URL.Path != "/v2/available_phone_numbers" {
			w.WriteHeader(404)
			_, _ = io.WriteString(w, `{"errors":[{"code":"10005","title":"Resource not found"}]}`)
			return
		}
		_, _ = io.WriteString(w, docAvailable)
	}))
	defer srv.Close()
	p, err := telnyx.New(telnyx.Config{BaseURL: srv.URL + "/v2", APIKey: "k", HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	res, err := portable.New(p).SearchAvailableNumbers(ctx(t), providers.AvailableNumberQuery{
		RegionCode: "US", AreaCode: "970", StartsWith: "970555", Contains: "50", EndsWith: "98", Locality: "Fort Collins",
		RateCenter: "FORT COLLINS", AdministrativeArea: "co", NumberType: providers.NumberTypeLocal,
		Features: []providers.NumberFeature{providers.NumberFeatureSMS, providers.NumberFeatureVoice}, Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("%d requests", len(got))
	}
	q := got[0]
	for k, want := range map[string]string{"filter[country_code]": "US", "filter[national_destination_code]": "970",
		"filter[phone_number][starts_with]": "555", "filter[phone_number][contains]": "50", "filter[phone_number][ends_with]": "98",
		"filter[locality]": "Fort Collins", "filter[rate_center]": "FORT COLLINS", "filter[administrative_area]": "CO",
		"filter[phone_number_type]": "local", "filter[limit]": "2"} {
		if q.Get(k) != want {
			t.Errorf("%s = %q, want %q", k, q.Get(k), want)
		}
	}
	if f := q["filter[features]"]; !slices.Equal(f, []string{"sms", "voice"}) {
		t.Errorf("filter[features] = %v", f)
	}
	if len(res) != 2 {
		t.Fatalf("%d results", len(res))
	}
	a := res[0]
	if a.PhoneNumber != "+19705555098" || a.RegionCode != "US" || a.AdministrativeArea != "CO" || a.RateCenter != "FORT COLLINS" ||
		a.Locality != "Fort Collins" || !slices.Equal(a.Features, []providers.NumberFeature{providers.NumberFeatureSMS, providers.NumberFeatureVoice}) ||
		!slices.Equal(a.ProviderFeatures, []string{"hd_voice"}) || a.UpfrontCost != (providers.Price{Amount: "3.21", Currency: "USD"}) ||
		a.MonthlyCost != (providers.Price{Amount: "6.54", Currency: "USD"}) || a.ProviderAttributes["quickship"] != "true" ||
		a.ProviderAttributes["region_information.lata"] != "x" {
		t.Errorf("first: %+v", a)
	}
	// Lenient: odd values are kept raw and flagged, never a failed search.
	b := res[1]
	if !b.PhoneNumberInvalid || b.RawPhoneNumber != "+1970" || !b.BestEffort || b.MonthlyCost.Amount != "1" ||
		b.UpfrontCost.Amount != "" || b.ProviderAttributes["upfront_cost"] != `"free"` || b.RegionCode != "US" {
		t.Errorf("second: %+v", b)
	}
}

func TestNumberDetailsFromPhoneNumberDetailed(t *testing.T) {
	for status, want := range map[string]providers.NumberState{
		"active": providers.NumberStateActive, "purchase-pending": providers.NumberStatePurchasePending,
		"port-out-pending": providers.NumberStatePortOutPending, "deleted": providers.NumberStateReleased,
		"requirement-info-pending": providers.NumberStateProvisionPending, "brand-new": providers.NumberStateUnspecified,
	} {
		body := `{"data":[{"id":"1293384261075731499","record_type":"phone_number","phone_number":"+13125550100","status":"` + status +
			`","phone_number_type":"toll_free","country_iso_alpha2":"us","emergency_enabled":true,"tags":[]}],"meta":{"page_number":1,"page_size":250,"total_pages":1,"total_results":1}}`
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, body) }))
		p, _ := telnyx.New(telnyx.Config{BaseURL: srv.URL + "/v2", APIKey: "k", HTTPClient: srv.Client()})
		n, err := portable.New(p).GetNumber(ctx(t), "+13125550100")
		srv.Close()
		if err != nil {
			t.Fatal(err)
		}
		if n.State != want || n.Status != status || n.Type != providers.NumberTypeTollFree || n.RegionCode != "US" ||
			!slices.Equal(n.Features, []providers.NumberFeature{providers.NumberFeatureEmergency}) {
			t.Errorf("%s: %+v", status, n.NumberDetails)
		}
	}
}
