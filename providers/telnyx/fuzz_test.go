package telnyx_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"testing"

	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/telnyx"
)

// cannedDoer answers every request in memory with one status and body: the
// fuzzer's bytes reach every decoder and mapError without a network.
type cannedDoer struct {
	status int
	body   []byte
}

func (d cannedDoer) Do(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	return &http.Response{StatusCode: d.status, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(bytes.NewReader(d.body)), Request: r}, nil
}

// FuzzResponses feeds arbitrary status codes and bodies to every adapter
// method (and so to every Telnyx response decoder and to mapError): no
// panic, and every failure is a *providers.Error or a context error.
// Seeds: testdata/fuzz/FuzzResponses (documented shapes from the reference).
func FuzzResponses(f *testing.F) {
	f.Add(200, []byte(`{"data":{"id":"00000000-0000-4000-8000-0000000000a1","status":{"value":"draft","details":[]},"phone_numbers":[{"phone_number":"+13125550100"}]},"meta":{}}`))
	f.Add(200, []byte(`{"data":[{"id":"x"}],"meta":{"page_number":1,"page_size":1,"total_pages":9223372036854775807,"total_results":9223372036854775807}}`))
	f.Add(422, []byte(`{"errors":[{"code":"10015","title":"Bad","detail":"d","source":{"pointer":"/end_user/admin/pin_passcode"}}]}`))
	f.Add(429, []byte(`{"errors":[]}`))
	f.Add(200, []byte(`{"data":null}`))
	f.Add(201, []byte(`{"data":[{"id":"00000000-0000-4000-8000-0000000000a1","status":{"value":"in-process"},"porting_phone_numbers_count":-1}]}`))
	f.Add(200, []byte(`{"data":{"phone_numbers":[{"phone_number":null}],"documents":{"loa":7},"activation_settings":{"foc_datetime_requested":"garbage"}}}`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if status < 100 || status > 999 {
			status = 200 + (status%800+800)%800
		}
		p, err := telnyx.New(telnyx.Config{BaseURL: "https://api.telnyx.test/v2", APIKey: "k", HTTPClient: cannedDoer{status, body}})
		if err != nil {
			t.Fatal(err)
		}
		exercise(t, p, "00000000-0000-4000-8000-0000000000a1")
	})
}

// exercise calls every method once; it only checks that failures are typed.
func exercise(t *testing.T, p *telnyx.Provider, id string) {
	ctx := context.Background()
	check := func(what string, err error) {
		var pe *providers.Error
		if err != nil && !errors.As(err, &pe) {
			t.Errorf("%s: untyped error %T %v", what, err, err)
		}
	}
	o := providers.PortOrder{PhoneNumbers: []string{"+13125550100"}, CustomerReference: "r",
		EndUser: providers.EndUser{EntityName: "A", PIN: "1234", AccountNumber: "acct"}}
	_, err := p.CheckPortability(ctx, []string{"+13125550100"})
	check("portability", err)
	_, err = p.CreatePortOrder(ctx, providers.CreatePortOrderRequest{Order: o})
	check("create", err)
	_, err = p.GetPortOrder(ctx, id)
	check("get", err)
	_, err = p.ListPortOrders(ctx, providers.PortOrderFilter{}, providers.ListQuery{Cursor: "2.2.1", Limit: 2})
	check("list", err)
	_, err = p.UpdatePortOrder(ctx, providers.PortOrderUpdate{ID: id, Order: o, Mask: []string{providers.FieldCustomerReference}})
	check("update", err)
	_, err = p.SubmitPortOrder(ctx, id, providers.Signature{Name: "a", Title: "b"})
	check("submit", err)
	_, err = p.CancelPortOrder(ctx, id)
	check("cancel", err)
	_, err = p.ListComments(ctx, id)
	check("comments", err)
	if p.Capabilities().Supports(providers.OpCreateComment) {
		_, err = p.CreateComment(ctx, id, "hi")
		check("comment", err)
	}
	_, err = p.UploadDocument(ctx, id, providers.DocumentUpload{Type: providers.DocumentType(1), Filename: "a.pdf", ContentType: "application/pdf", Content: []byte("%PDF")})
	check("upload", err)
	_, err = p.ListDocuments(ctx, id)
	check("documents", err)
	_, err = p.GetNumber(ctx, "+13125550100")
	check("get number", err)
	_, err = p.ListNumbers(ctx, providers.NumberFilter{}, providers.ListQuery{Cursor: "1.3.1", Limit: 3})
	check("list numbers", err)
	_, err = p.UpdateNumber(ctx, providers.NumberUpdate{Number: providers.Number{PhoneNumber: "+13125550100", Alias: "x"}, Mask: []string{providers.FieldNumberAlias}})
	check("update number", err)
}
