package telnyx_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/telnyx"
)

type e911Answer struct {
	status int
	body   string
}

const stubNumber = `{"id":"1293384261075731499","record_type":"phone_number","phone_number":"+13125550100","status":"active",
 "emergency_enabled":true,"emergency_address_id":"1293384261075731001","emergency_status":"active","tags":[]}`

// e911Stub answers "METHOD path" (path without /v2) with the canned reply
// and records the calls.
func e911Stub(t *testing.T, routes map[string]e911Answer) (*telnyx.Provider, *[]string) {
	t.Helper()
	var mu sync.Mutex
	var calls []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Method + " " + r.URL.Path[len("/v2"):]
		mu.Lock()
		calls = append(calls, key)
		mu.Unlock()
		a, ok := routes[key]
		if !ok {
			a = e911Answer{404, `{"errors":[{"code":"10005","title":"Resource not found","detail":"not found"}]}`}
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(a.status)
		_, _ = w.Write([]byte(a.body))
	}))
	t.Cleanup(srv.Close)
	p, err := telnyx.New(telnyx.Config{BaseURL: srv.URL + "/v2", APIKey: "k", HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	return p, &calls
}

func austin() providers.EmergencyAddress {
	return providers.EmergencyAddress{FirstName: "Alfred", LastName: "Foster", BusinessName: "Toy-O'Kon", StreetNumber: "600",
		StreetName: "Congress Avenue", UnitType: "14th", UnitNumber: "Floor", Locality: "Austin", AdministrativeArea: "TX",
		PostalCode: "78701", CountryCode: "US"}
}

// The documented validate answer {result: invalid, errors[]} stops the
// create, naming the neutral fields.
func TestAddressValidationInvalid(t *testing.T) {
	p, calls := e911Stub(t, map[string]e911Answer{
		"POST /addresses/actions/validate": {200, `{"data":{"record_type":"address_validation","result":"invalid","suggested":{"postal_code":"78701"},
			"errors":[{"code":"10015","title":"Invalid postal code","detail":"The postal code does not match the locality.","source":{"pointer":"/postal_code"}}]}}`},
	})
	_, err := p.CreateEmergencyAddress(context.Background(), austin())
	var pe *providers.Error
	if !errors.As(err, &pe) || pe.Code != providers.CodeInvalidArgument || pe.Reason != providers.ReasonEmergencyAddressInvalid {
		t.Fatalf("err = %v", err)
	}
	if len(pe.Violations) != 1 || pe.Violations[0].Field != "emergency_address.postal_code" {
		t.Errorf("violations %+v", pe.Violations)
	}
	if len(*calls) != 1 {
		t.Errorf("calls %v: nothing may be created after a refused validation", *calls)
	}
}

// The documented address record (the SDK examples') reads back into the
// neutral fields.
func TestAddressCreateDocumentedShape(t *testing.T) {
	p, _ := e911Stub(t, map[string]e911Answer{
		"POST /addresses/actions/validate": {200, `{"data":{"record_type":"address_validation","result":"valid","suggested":{},"errors":[]}}`},
		"POST /addresses": {200, `{"data":{"id":"1293384261075731499","record_type":"address","customer_reference":"MY REF","first_name":"Alfred",
			"last_name":"Foster","business_name":"Toy-O'Kon","phone_number":"+12125559000","street_address":"600 Congress Avenue",
			"extended_address":"14th Floor","locality":"Austin","administrative_area":"TX","neighborhood":null,"borough":null,
			"postal_code":"78701","country_code":"US","address_book":true,"validate_address":true,
			"created_at":"2018-02-02T22:25:27.521Z","updated_at":"2018-02-02T22:25:27.521Z"}}`},
	})
	a, err := p.CreateEmergencyAddress(context.Background(), austin())
	if err != nil {
		t.Fatal(err)
	}
	if a.ID != "1293384261075731499" || a.StreetNumber != "600" || a.StreetName != "Congress Avenue" || a.UnitType != "14th" ||
		a.UnitNumber != "Floor" || a.DisplayName != "MY REF" || a.CreateTime.IsZero() {
		t.Errorf("%+v", a)
	}
}

// enable_emergency: 200 or 202, with or without a body; the number read
// back says where emergency stands.
func TestEnableEmergencyAnswers(t *testing.T) {
	for _, a := range []e911Answer{{202, `{"data":{"id":"1293384261075731499","record_type":"voice_settings","emergency":{"emergency_enabled":true,
		"emergency_address_id":"1293384261075731001","emergency_status":"provisioning"}}}`}, {200, `{}`}, {202, ``}} {
		p, calls := e911Stub(t, map[string]e911Answer{
			"GET /phone_numbers": {200, `{"data":[` + stubNumber + `],"meta":{"page_number":1,"page_size":250,"total_pages":1,"total_results":1}}`},
			"POST /phone_numbers/1293384261075731499/actions/enable_emergency": a,
			"GET /phone_numbers/1293384261075731499":                           {200, `{"data":` + stubNumber + `}`},
		})
		n, err := p.AssignEmergencyAddress(context.Background(), "+13125550100", "1293384261075731001")
		if err != nil || n.EmergencyAddressID != "1293384261075731001" || n.Emergency.Status != providers.EmergencyStatusEnabled {
			t.Errorf("%d %q: %+v, %v (calls %v)", a.status, a.body, n, err, *calls)
		}
	}
}

// An unknown emergency_status word is kept raw, never an error.
func TestOddEmergencyStatus(t *testing.T) {
	odd := `{"id":"1293384261075731499","phone_number":"+13125550100","status":"active","emergency_enabled":true,
		"emergency_address_id":"1","emergency_status":"pending-review"}`
	p, _ := e911Stub(t, map[string]e911Answer{
		"GET /phone_numbers":                           {200, `{"data":[` + odd + `],"meta":{"page_number":1,"page_size":250,"total_pages":1,"total_results":1}}`},
		"GET /phone_numbers/1293384261075731499/voice": {200, voiceSettings("")},
	})
	n, err := p.GetNumber(context.Background(), "+13125550100")
	if err != nil || n.Emergency.Status != providers.EmergencyStatusUnspecified || n.Emergency.ProviderStatus != "pending-review" {
		t.Errorf("%+v, %v", n, err)
	}
}

func TestAddressDeleteInUse(t *testing.T) {
	p, _ := e911Stub(t, map[string]e911Answer{
		"DELETE /addresses/1": {422, `{"errors":[{"code":"10015","title":"Address in use","detail":"The address is in use."}]}`},
	})
	err := p.DeleteEmergencyAddress(context.Background(), "1")
	var pe *providers.Error
	if !errors.As(err, &pe) || pe.Code != providers.CodeFailedPrecondition || pe.Reason != providers.ReasonEmergencyAddressInUse {
		t.Errorf("err = %v", err)
	}
}

// The CNAM listing: value checked before any call; a record name is not
// something Telnyx has.
func TestCNAMListing(t *testing.T) {
	p, calls := e911Stub(t, map[string]e911Answer{
		"GET /phone_numbers": {200, `{"data":[` + stubNumber + `],"meta":{"page_number":1,"page_size":250,"total_pages":1,"total_results":1}}`},
		"PATCH /phone_numbers/1293384261075731499/voice": {200, `{"data":{"id":"1293384261075731499","record_type":"voice_settings",
			"cnam_listing":{"cnam_listing_enabled":true,"cnam_listing_details":"ACME"}}}`},
		"GET /phone_numbers/1293384261075731499": {200, `{"data":` + stubNumber + `}`},
	})
	n, err := p.SetNumberCallerIDName(context.Background(), "+13125550100", "", "ACME")
	if err != nil || n.Emergency.CallerIDName.Value != "ACME" {
		t.Fatalf("%+v, %v", n, err)
	}
	before := len(*calls)
	if _, err := p.SetNumberCallerIDName(context.Background(), "+13125550100", "", "ACME & CO"); providers.ErrorCode(err) != providers.CodeInvalidArgument {
		t.Errorf("invalid value: %v", err)
	}
	if _, err := p.SetNumberCallerIDName(context.Background(), "+13125550100", "11201", ""); providers.ErrorCode(err) != providers.CodeUnimplemented {
		t.Errorf("record id: %v", err)
	}
	if len(*calls) != before {
		t.Errorf("calls %v after refused input", (*calls)[before:])
	}
}
