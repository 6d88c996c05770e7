package flowroute_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"

	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/flowroute"
)

// e911Answer is one canned reply of a documented-shape stub.
type e911Answer struct {
	status int
	body   string
}

// e911Stub answers "METHOD path" with the canned reply (404 otherwise) and
// records the calls made.
func e911Stub(t *testing.T, routes map[string]e911Answer) (*flowroute.Provider, *[]string) {
	t.Helper()
	var mu sync.Mutex
	var calls []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Method + " " + r.URL.Path
		mu.Lock()
		calls = append(calls, key)
		mu.Unlock()
		a, ok := routes[key]
		if !ok {
			a = e911Answer{404, `{"errors":[{"detail":"Could not find that resource on your account.","id":"x","status":404}]}`}
		}
		w.Header().Set("Content-Type", "application/vnd.api+json")
		w.WriteHeader(a.status)
		_, _ = w.Write([]byte(a.body))
	}))
	t.Cleanup(srv.Close)
	p, err := flowroute.New(flowroute.Config{BaseURL: srv.URL, AccessKey: "a", SecretKey: "b", HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	return p, &calls
}

func austinAddress() providers.EmergencyAddress {
	return providers.EmergencyAddress{FirstName: "Jane", LastName: "Roe", StreetNumber: "600", StreetName: "Congress Ave",
		Locality: "Austin", AdministrativeArea: "tx", PostalCode: "78701", CountryCode: "us"}
}

// The documented record shape (JSON:API, numeric id) is read whatever 2xx
// the validate call answers (204 in the fake; a body is fine too).
func TestE911CreateDocumentedShape(t *testing.T) {
	p, calls := e911Stub(t, map[string]e911Answer{
		"POST /v2/e911s/validate": {200, `{"data":{"type":"e911","attributes":{}}}`},
		"POST /v2/e911s": {201, `{"data":{"id":20930,"type":"e911","attributes":{"label":"HQ","first_name":"Jane","last_name":"Roe",
			"street_number":"600","street_name":"Congress Ave","address_type":"Suite","address_type_number":"200","city":"Austin",
			"state":"TX","country":"US","zip":"78701"},"links":{"self":"https://api.flowroute.com/v2/e911s/20930"}}}`},
	})
	a, err := p.CreateEmergencyAddress(context.Background(), austinAddress())
	if err != nil {
		t.Fatal(err)
	}
	if a.ID != "20930" || a.UnitType != "Suite" || a.UnitNumber != "200" || a.AdministrativeArea != "TX" || a.DisplayName != "HQ" {
		t.Errorf("%+v", a)
	}
	if len(*calls) != 2 || (*calls)[0] != "POST /v2/e911s/validate" {
		t.Errorf("calls %v: validate must come first", *calls)
	}
}

// A refused validation stops the create and names the neutral fields.
func TestE911ValidationRefused(t *testing.T) {
	p, calls := e911Stub(t, map[string]e911Answer{
		"POST /v2/e911s/validate": {422, `{"errors":[{"detail":{"zip":["Invalid ZIP code."]},"id":"x","status":422,"title":"Unprocessable Entity"}]}`},
	})
	_, err := p.CreateEmergencyAddress(context.Background(), austinAddress())
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

// Deleting a record in use: 403 (the fake's guess) or 422/409 all read as
// EMERGENCY_ADDRESS_IN_USE.
func TestE911DeleteInUse(t *testing.T) {
	for _, status := range []int{403, 409, 422} {
		p, _ := e911Stub(t, map[string]e911Answer{
			"DELETE /v2/e911s/20930": {status, `{"errors":[{"detail":"This E911 address is assigned to one or more phone numbers.","id":"x","status":` + strconv.Itoa(status) + `}]}`},
		})
		err := p.DeleteEmergencyAddress(context.Background(), "20930")
		var pe *providers.Error
		if !errors.As(err, &pe) || pe.Code != providers.CodeFailedPrecondition || pe.Reason != providers.ReasonEmergencyAddressInUse {
			t.Errorf("%d: err = %v", status, err)
		}
	}
}

// The documented 422 on assign is EMERGENCY_NOT_SUPPORTED; an accepted
// assign whose read-back fails is still a success.
func TestE911Assign(t *testing.T) {
	p, _ := e911Stub(t, map[string]e911Answer{
		"PATCH /v2/numbers/18005550100/relationships/e911s/20930": {422, `{"errors":[{"detail":"Cannot assign an E911 record to a number that does not support emergency services.","id":"x","status":422}]}`},
		"PATCH /v2/numbers/13125550100/relationships/e911s/20930": {204, ``},
		"GET /v2/numbers/13125550100":                             {503, `{"errors":[{"detail":"down","id":"x","status":503}]}`},
	})
	_, err := p.AssignEmergencyAddress(context.Background(), "+18005550100", "20930")
	var pe *providers.Error
	if !errors.As(err, &pe) || pe.Code != providers.CodeFailedPrecondition || pe.Reason != providers.ReasonEmergencyNotSupported {
		t.Errorf("toll-free: err = %v", err)
	}
	n, err := p.AssignEmergencyAddress(context.Background(), "+13125550100", "20930")
	if err != nil || n.PhoneNumber != "+13125550100" {
		t.Errorf("accepted assign with a failed read-back: %+v, %v", n, err)
	}
	if _, err := p.AssignEmergencyAddress(context.Background(), "+13125550100", "../x"); providers.ErrorCode(err) != providers.CodeInvalidArgument {
		t.Errorf("malformed id: %v", err)
	}
}

// CNAM states from the record's attributes; an attribute Flowroute leaves
// out reads as UNSPECIFIED, never an error.
func TestCNAMStates(t *testing.T) {
	p, _ := e911Stub(t, map[string]e911Answer{
		"GET /v2/cnams/1": {200, `{"data":{"id":"1","type":"cnam","attributes":{"value":"ACME","is_approved":false,"rejection_reason":null,"creation_datetime":"2026-01-02T03:04:05.000000+00:00"}}}`},
		"GET /v2/cnams/2": {200, `{"data":{"id":"2","type":"cnam","attributes":{"value":"ACME","is_approved":true,"approval_datetime":"2026-01-09T03:04:05.000000+00:00"}}}`},
		"GET /v2/cnams/3": {200, `{"data":{"id":"3","type":"cnam","attributes":{"value":"POLICE","is_approved":false,"rejection_reason":"Prohibited term."}}}`},
		"GET /v2/cnams/4": {200, `{"data":{"id":"4","type":"cnam","attributes":{"value":"ACME"}}}`},
	})
	want := map[string]providers.CallerIDNameState{"1": providers.CallerIDNamePending, "2": providers.CallerIDNameApproved,
		"3": providers.CallerIDNameRejected, "4": providers.CallerIDNameStateUnspecified}
	for id, st := range want {
		c, err := p.GetCallerIDName(context.Background(), id)
		if err != nil || c.State != st {
			t.Errorf("%s: %+v, %v; want state %v", id, c, err, st)
		}
	}
	if c, _ := p.GetCallerIDName(context.Background(), "2"); c.ApproveTime.IsZero() {
		t.Error("approval_datetime not read")
	}
	if _, err := p.CreateCallerIDName(context.Background(), "ACME & CO"); providers.ErrorCode(err) != providers.CodeInvalidArgument {
		t.Errorf("invalid value reached the provider: %v", err)
	}
}
