package flowroute_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"testing"

	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/flowroute"
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
// method (and so to every Flowroute response decoder and to mapError): no
// panic, and every failure is a *providers.Error or a context error.
// Seeds: testdata/fuzz/FuzzResponses (documented shapes from the reference).
func FuzzResponses(f *testing.F) {
	f.Add(200, []byte(`{"data":{"id":"42361","type":"portorder","attributes":{"status":"pending","numbers":["+12065550100"],"group_id":"38697","business_documents":[{"data":[{"id":"1","type":"portorder-file","attributes":{"filename":"a.pdf","status":"complete"}}]}]}}}`))
	f.Add(200, []byte(`{"data":{"type":"portorder_list","attributes":{"orders":{"data":[{"attributes":{"id":"42323","alias":"My Order","status":"pending"}}]}}},"links":{"next":"https://x/v2/portorders?offset=1"}}`))
	f.Add(422, []byte(`{"errors":[{"id":"x","status":422,"title":"Unprocessable","detail":{"numbers":{"2":["bad"]},"pin":"no"}}]}`))
	f.Add(404, []byte(`{"errors":[{"id":"x","status":"Unknown URL"}]}`))
	f.Add(403, []byte(`<Error><Code>AccessDenied</Code><Message>m</Message><RequestId>r</RequestId></Error>`))
	f.Add(207, []byte(`{"data":{"id":"13125550100","type":"number","attributes":{"value":"13125550100"},"relationships":{"message_provision":{"data":null}}},"included":[{}]}`))
	f.Add(200, []byte(`{"data":[{"id":7,"attributes":null}],"links":{"next":7}}`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if status < 100 || status > 999 {
			status = 200 + (status%800+800)%800
		}
		p, err := flowroute.New(flowroute.Config{BaseURL: "https://api.flowroute.test", AccessKey: "a", SecretKey: "s", HTTPClient: cannedDoer{status, body}})
		if err != nil {
			t.Fatal(err)
		}
		exercise(t, p, "42361")
	})
}

// exercise calls every method once; it only checks that failures are typed.
func exercise(t *testing.T, p *flowroute.Provider, id string) {
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
	_, err = p.ListPortOrders(ctx, providers.PortOrderFilter{}, providers.ListQuery{Cursor: providers.OffsetCursor(3), Limit: 2})
	check("list", err)
	_, err = p.UpdatePortOrder(ctx, providers.PortOrderUpdate{ID: id, Order: o, Mask: []string{providers.FieldCustomerReference}})
	check("update", err)
	_, err = p.ModifyPortOrderNumbers(ctx, id, []string{"+13125550101"}, nil)
	check("modify", err)
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
	_, err = p.ListNumbers(ctx, providers.NumberFilter{}, providers.ListQuery{Cursor: providers.OffsetCursor(1), Limit: 3})
	check("list numbers", err)
	_, err = p.UpdateNumber(ctx, providers.NumberUpdate{Number: providers.Number{PhoneNumber: "+13125550100", Alias: "x"}, Mask: []string{providers.FieldNumberAlias}})
	check("update number", err)
}
