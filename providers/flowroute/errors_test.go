package flowroute_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/flowroute"
)

// stub serves one canned answer for every request.
func stub(t *testing.T, status int, header map[string]string, body string) *flowroute.Provider {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	p, err := flowroute.New(flowroute.Config{BaseURL: srv.URL, AccessKey: "a", SecretKey: "b", HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestErrorMapping(t *testing.T) {
	cases := []struct {
		name     string
		status   int
		header   map[string]string
		body     string
		code     providers.Code
		reason   string
		title    string
		errID    string
		retry    time.Duration
		viol     map[string]bool
		callKind string // "order" or "number"
	}{
		{name: "401", status: 401, body: `{"errors":[{"detail":"Authentication failed.","id":"abc","status":401,"title":"Unauthorized"}]}`,
			code: providers.CodeAuthFailed, reason: "PROVIDER_AUTH_FAILED", title: "Unauthorized", errID: "abc"},
		{name: "403 ActionNotAuthorized", status: 403, body: `{"errors":[{"status":403,"detail":"","title":"ActionNotAuthorizedError"}]}`,
			code: providers.CodeFailedPrecondition, reason: "PROVIDER_PERMISSION_DENIED", title: "ActionNotAuthorizedError"},
		{name: "403 other", status: 403, body: `{"errors":[{"status":403,"detail":"Please disassociate all numbers before deleting.","title":"This Route has numbers still associated to it."}]}`,
			code: providers.CodeFailedPrecondition, reason: "PROVIDER_PERMISSION_DENIED"},
		{name: "404 order", status: 404, body: `{"errors":[{"detail":"No such port order","status":404,"title":"Resource not found"}]}`,
			code: providers.CodeNotFound, reason: "PORT_ORDER_NOT_FOUND", title: "Resource not found"},
		{name: "404 number untitled", status: 404, body: `{"errors":[{"detail":"Could not find that resource on your account.","id":"x1","status":404}]}`,
			code: providers.CodeNotFound, reason: "NUMBER_NOT_FOUND", errID: "x1", callKind: "number"},
		{name: "404 unknown URL string status", status: 404, body: `{"errors":[{"status":"404 Not Found: The requested URL was not found on the server."}]}`,
			code: providers.CodeNotFound, reason: "PORT_ORDER_NOT_FOUND"},
		{name: "408", status: 408, body: ``, code: providers.CodeUnavailable},
		{name: "409", status: 409, body: `{"errors":[{"status":409,"title":"Conflict","detail":"dup"}]}`, code: providers.CodeAlreadyExists},
		{name: "422 object detail", status: 422, body: `{"errors":[{"status":422,"title":"Unprocessable Entity","detail":{"zip":["Not valid."],"numbers":{"1":["bad number"]}}}]}`,
			code: providers.CodeInvalidArgument, reason: "PROVIDER_VALIDATION_FAILED",
			viol: map[string]bool{"port_order.end_user.service_address.postal_code": true, "port_order.phone_numbers[1]": true}},
		{name: "400 string detail", status: 400, body: `{"errors":[{"status":400,"title":"Bad Request","detail":"Malformed"}]}`, code: providers.CodeInvalidArgument},
		{name: "429 retry-after", status: 429, header: map[string]string{"Retry-After": "7"}, body: `{"errors":[{"status":429,"title":"Too Many Requests"}]}`,
			code: providers.CodeRateLimited, retry: 7 * time.Second},
		{name: "413", status: 413, body: `{"errors":[{"status":413,"title":"Request Entity Too Large"}]}`,
			code: providers.CodeInvalidArgument, reason: "PROVIDER_VALIDATION_FAILED", title: "Request Entity Too Large"},
		{name: "405 (same as Telnyx: PROVIDER_ERROR)", status: 405, body: `{"errors":[{"status":405,"title":"Method Not Allowed"}]}`,
			code: providers.CodeUnknown, title: "Method Not Allowed"},
		{name: "415", status: 415, body: ``, code: providers.CodeUnknown},
		{name: "500 html", status: 500, body: `<html>oops</html>`, code: providers.CodeUnavailable},
		{name: "503", status: 503, body: ``, code: providers.CodeUnavailable},
		{name: "200 malformed", status: 200, body: `{"data":{"id":`, code: providers.CodeBadResponse},
		{name: "200 empty", status: 200, body: ``, code: providers.CodeBadResponse},
		{name: "200 no data", status: 200, body: `{"links":{}}`, code: providers.CodeBadResponse},
		{name: "200 wrong type", status: 200, body: `{"data":{"id":"1","attributes":{"numbers":"nope"}}}`, code: providers.CodeBadResponse},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := stub(t, c.status, c.header, c.body)
			var err error
			if c.callKind == "number" {
				_, err = p.GetNumber(context.Background(), "+13125550100")
			} else {
				_, err = p.GetPortOrder(context.Background(), "1")
			}
			pe := wantErr(t, err, c.code)
			if pe.HTTPStatus != c.status {
				t.Errorf("HTTPStatus = %d", pe.HTTPStatus)
			}
			if c.reason != "" && pe.Reason != c.reason {
				t.Errorf("Reason = %q, want %q", pe.Reason, c.reason)
			}
			if c.title != "" && pe.ProviderCode != c.title {
				t.Errorf("ProviderCode = %q", pe.ProviderCode)
			}
			if c.errID != "" && pe.ProviderErrorID != c.errID {
				t.Errorf("ProviderErrorID = %q", pe.ProviderErrorID)
			}
			if pe.RetryAfter != c.retry {
				t.Errorf("RetryAfter = %v", pe.RetryAfter)
			}
			if c.viol != nil {
				got := map[string]bool{}
				for _, v := range pe.Violations {
					got[v.Field] = true
				}
				for f := range c.viol {
					if !got[f] {
						t.Errorf("missing violation %q in %+v", f, pe.Violations)
					}
				}
			}
		})
	}
}

// The documented alternative wire shapes: flat data:[…] lists, flat
// business_documents, comments as strings, numeric ids.
func TestAlternativeShapes(t *testing.T) {
	order := `{"id":42323,"type":"portorder","attributes":{"status":"Canceled","numbers":["12065550100"],"group_id":38697,
	"billing_address":{"street":"1 Main","street2":null,"city":"Seattle","state":"WA","zip":"98101","country":"US"},
	"pin":"4321","provider_account":"123","last_4_ssn":"1234","presets":{"primary_route_id":7,"cnam_id":null},
	"comments":["Please fix the address"],
	"business_documents":[{"filename":"https://s3.example.com/port-order-docs/csr.pdf","status":"uploaded"},{"filename":"bill.pdf","status":"failed"}],
	"status_updated_at":"2018-07-31T21:34:17.576092+00:00","desired_completion_date":"2018-07-12"}}`
	p := stub(t, 200, nil, `{"data":[`+order+`],"links":{"self":"x"}}`)
	page, err := p.ListPortOrders(context.Background(), providers.PortOrderFilter{}, providers.ListQuery{Limit: 5})
	if err != nil || len(page.Orders) != 1 || (page.NextCursor != "") {
		t.Fatalf("flat list: %+v %v", page, err)
	}
	o := page.Orders[0]
	noSecrets(t, o)
	if o.ID != "42323" || o.State != providers.StateCancelled || o.PhoneNumbers[0] != "+12065550100" || o.GroupID != "38697" ||
		o.Configuration.ConnectionID != "7" || !o.EndUser.HasPIN || o.EndUser.ServiceAddress.ExtendedAddress != "" {
		t.Errorf("order = %+v", o)
	}
	if len(o.Comments) != 1 || o.Comments[0].Body != "Please fix the address" {
		t.Errorf("comments = %+v", o.Comments)
	}
	if o.UpdateTime.IsZero() || !o.RequestedFOCTime.Equal(time.Date(2018, 7, 12, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("times: %v %v", o.UpdateTime, o.RequestedFOCTime)
	}
	p = stub(t, 200, nil, `{"data":`+order+`}`)
	docs, err := p.ListDocuments(context.Background(), "42323")
	if err != nil || len(docs) != 2 {
		t.Fatalf("docs: %+v %v", docs, err)
	}
	if docs[0].Filename != "csr.pdf" || docs[0].Type != providers.DocumentCSR || docs[0].DownloadURL != "" || docs[1].Status != "failed" || docs[1].Type != providers.DocumentInvoice {
		t.Errorf("docs = %+v", docs)
	}
}

func TestListNumbersMalformed(t *testing.T) {
	// Lenient on provider output: an invalid number is kept raw and flagged.
	p := stub(t, 200, nil, `{"data":[{"id":"123","attributes":{"value":"123"}}]}`)
	pg, err := p.ListNumbers(context.Background(), providers.NumberFilter{}, providers.ListQuery{Limit: 5})
	if err != nil || len(pg.Numbers) != 1 || !pg.Numbers[0].PhoneNumberInvalid || pg.Numbers[0].RawPhoneNumber != "123" {
		t.Fatalf("ListNumbers with an invalid number: %+v, %v; want it kept raw and flagged", pg, err)
	}
	// A number without any value is still a bad response.
	p = stub(t, 200, nil, `{"data":[{"attributes":{}}]}`)
	_, err = p.ListNumbers(context.Background(), providers.NumberFilter{}, providers.ListQuery{Limit: 5})
	wantErr(t, err, providers.CodeBadResponse)
}
