package telnyx_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/telnyx"
)

// docPortOut is the PortoutDetails example of the Telnyx reference
// (GET /portouts/{id}), verbatim but for the id and status.
func docPortOut(id, status string) string {
	return `{"id":"` + id + `","record_type":"portout","phone_numbers":["+35312345678"],"authorized_name":"McPortersen",
"carrier_name":"test","current_carrier":"telnyx","end_user_name":"McPortersen","city":"Chicago","state":"IL","zip":"00000",
"lsr":["https://example.com/files/lsr.pdf"],"pon":"00000000","reason":null,"rejection_code":1002,
"service_address":"000 Example Street","foc_date":"2018-02-02T22:25:27.521Z","requested_foc_date":"2018-02-02T22:25:27.521Z",
"spid":"0ccc7b54-4df3-4bca-a65a-3da1ecc777f0","support_key":"PO_764725","status":"` + status + `","already_ported":false,
"user_id":"7865816a-ee85-4e50-b19e-52983dcc6d4a","vendor":"0e66ed3b-37e6-4fed-93d6-a30ce2493661",
"created_at":"2018-02-02T22:25:27.521Z","inserted_at":"2018-02-02T22:25:27.521Z","updated_at":"2018-02-02T22:25:27.521Z","host_messaging":false}`
}

const stubPortOutID = "0ccc7b54-4df3-4bca-a65a-3da1ecc777f0"

// portOutStub answers as the Telnyx reference shows: GET /portouts/{id},
// GET /portouts (list with meta), GET /portouts/rejections/{id} (the one
// documented code), PATCH /portouts/{id}/{status}, and the LOA template.
func portOutStub(t *testing.T, status string) (*telnyx.Provider, func() []stubCall) {
	var mu sync.Mutex
	var calls []stubCall
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		calls = append(calls, stubCall{r.Method, r.URL.Path, r.URL.RawQuery, string(b)})
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == "GET" && r.URL.Path == "/v2/portouts":
			io.WriteString(w, `{"data":[`+docPortOut(stubPortOutID, status)+`],"meta":{"total_pages":1,"total_results":1,"page_number":1,"page_size":25}}`)
		case r.Method == "GET" && r.URL.Path == "/v2/portouts/rejections/"+stubPortOutID:
			io.WriteString(w, `{"data":[{"code":1002,"description":"Invalid PIN","reason_required":false}]}`)
		case r.Method == "GET" && r.URL.Path == "/v2/portouts/"+stubPortOutID:
			io.WriteString(w, `{"data":`+docPortOut(stubPortOutID, status)+`}`)
		case r.Method == "PATCH" && strings.HasPrefix(r.URL.Path, "/v2/portouts/"+stubPortOutID+"/"):
			io.WriteString(w, `{"data":`+docPortOut(stubPortOutID, strings.TrimPrefix(r.URL.Path, "/v2/portouts/"+stubPortOutID+"/"))+`}`)
		case r.Method == "GET" && strings.HasSuffix(r.URL.Path, "/loa_template"):
			w.Header().Set("Content-Type", "application/pdf")
			io.WriteString(w, "%PDF-1.4\n%%EOF\n")
		default:
			w.WriteHeader(404)
			io.WriteString(w, `{"errors":[{"code":"10005","title":"Resource not found","detail":"x"}]}`)
		}
	}))
	t.Cleanup(srv.Close)
	p, err := telnyx.New(telnyx.Config{BaseURL: srv.URL + "/v2", APIKey: "k", HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	return p, func() []stubCall { mu.Lock(); defer mu.Unlock(); return append([]stubCall(nil), calls...) }
}

func TestPortOutDocumentedShape(t *testing.T) {
	ctx := context.Background()
	p, _ := portOutStub(t, "rejected")
	po, err := p.GetPortOut(ctx, stubPortOutID)
	if err != nil {
		t.Fatal(err)
	}
	if po.State != providers.PortOutRejected || po.ProviderStatus != "rejected" || po.RejectionCode != 1002 ||
		po.PhoneNumbers[0] != "+35312345678" || po.WinningCarrier != "test" || po.SupportKey != "PO_764725" ||
		po.ServiceAddress != "000 Example Street, Chicago, IL, 00000" || po.FOCTime.IsZero() || po.CreateTime.IsZero() {
		t.Errorf("%+v", po)
	}
	// An undocumented status is kept raw, never a failure.
	p, _ = portOutStub(t, "on-hold")
	page, err := p.ListPortOuts(ctx, providers.PortOutFilter{}, providers.ListQuery{Limit: 10})
	if err != nil || len(page.PortOuts) != 1 || page.PortOuts[0].State != providers.PortOutStateUnspecified || page.PortOuts[0].ProviderStatus != "on-hold" {
		t.Fatalf("%+v %v", page, err)
	}
}

func TestPortOutDecideWire(t *testing.T) {
	ctx := context.Background()
	p, calls := portOutStub(t, "pending")
	po, err := p.DecidePortOut(ctx, providers.PortOutDecision{ID: stubPortOutID, Reason: "PIN mismatch", RejectionCode: 1002})
	if err != nil || po.State != providers.PortOutRejectedPending {
		t.Fatalf("%+v %v", po, err)
	}
	var patch stubCall
	for _, c := range calls() {
		if c.method == "PATCH" {
			patch = c
		}
	}
	var body map[string]any
	_ = json.Unmarshal([]byte(patch.body), &body)
	if patch.path != "/v2/portouts/"+stubPortOutID+"/rejected-pending" || body["reason"] != "PIN mismatch" || len(body) != 1 {
		t.Errorf("PATCH %s %s", patch.path, patch.body)
	}
	// A code Telnyx does not list: refused, nothing written.
	p, calls = portOutStub(t, "pending")
	_, err = p.DecidePortOut(ctx, providers.PortOutDecision{ID: stubPortOutID, Reason: "x", RejectionCode: 1234})
	var pe *providers.Error
	if !p.ErrorAs(err, &pe) || pe.Code != providers.CodeInvalidArgument || pe.Reason != "PORT_OUT_REJECTION_CODE_INVALID" {
		t.Fatalf("%v", err)
	}
	for _, c := range calls() {
		if c.method == "PATCH" {
			t.Errorf("wrote %v", c)
		}
	}
	// Authorize sends the documented required reason (empty) and host_messaging.
	p, calls = portOutStub(t, "pending")
	if po, err = p.DecidePortOut(ctx, providers.PortOutDecision{ID: stubPortOutID, Authorize: true, HostMessaging: true}); err != nil || po.State != providers.PortOutAuthorized {
		t.Fatalf("%+v %v", po, err)
	}
	for _, c := range calls() {
		if c.method == "PATCH" && (c.path != "/v2/portouts/"+stubPortOutID+"/authorized" || c.body != `{"host_messaging":true,"reason":""}`) {
			t.Errorf("PATCH %s %s", c.path, c.body)
		}
	}
	// Not pending: refused before any write.
	p, calls = portOutStub(t, "ported")
	_, err = p.DecidePortOut(ctx, providers.PortOutDecision{ID: stubPortOutID, Authorize: true})
	if providers.ErrorCode(err) != providers.CodeFailedPrecondition || len(calls()) != 1 {
		t.Fatalf("%v %v", err, calls())
	}
}

func TestPortOrderLOATemplateWire(t *testing.T) {
	p, calls := portOutStub(t, "pending")
	const order = "6d6ba6b4-9e3c-4b6b-8f2e-0d8c6f1a2b3c"
	loa, err := p.GetPortOrderLOA(context.Background(), order, "a1b2c3d4-0000-4000-8000-000000000001")
	if err != nil || loa.ContentType != "application/pdf" || !strings.HasPrefix(string(loa.Content), "%PDF-") {
		t.Fatalf("%+v %v", loa, err)
	}
	if c := calls()[0]; c.path != "/v2/porting_orders/"+order+"/loa_template" || c.query != "loa_configuration_id=a1b2c3d4-0000-4000-8000-000000000001" {
		t.Errorf("%+v", c)
	}
}
