package service_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	pb "github.com/portgate/portgate/gen/portgate/v1"
)

// FuzzRESTBody sends arbitrary bodies to the REST routes that take one,
// through the real gateway (and on to the sandboxes when a body decodes).
// Whatever the body, the answer is JSON; a failure is a google.rpc.Status
// with a message and an ErrorInfo that is neither a recovered panic
// (INTERNAL_ERROR) nor an unexplained gateway error (GATEWAY_ERROR).
// Seeds: testdata/fuzz/FuzzRESTBody and below.
func FuzzRESTBody(f *testing.F) {
	e := start(f)
	ctx := context.Background()
	orders := map[string]string{}
	for _, prov := range []string{"flowroute", "telnyx"} {
		o, err := e.porting.CreatePortOrder(ctx, &pb.CreatePortOrderRequest{Parent: "providers/" + prov, PortOrder: validOrder(freshNumber(""))})
		if err != nil {
			f.Fatal(err)
		}
		orders[prov] = o.GetName()
	}
	routes := []struct{ method, path string }{
		{"POST", "/v1/providers/flowroute/portOrders"},
		{"POST", "/v1/providers/telnyx/portOrders"},
		{"POST", "/v1/providers/-:checkPortability"},
		{"PATCH", "/v1/" + orders["telnyx"] + "?updateMask=customerReference"},
		{"PATCH", "/v1/" + orders["flowroute"]},
		{"POST", "/v1/" + orders["flowroute"] + ":modifyNumbers"},
		{"POST", "/v1/" + orders["telnyx"] + ":submit"},
		{"POST", "/v1/" + orders["telnyx"] + ":cancel"},
		{"POST", "/v1/" + orders["telnyx"] + "/comments"},
		{"POST", "/v1/" + orders["telnyx"] + "/documents"},
		{"PATCH", "/v1/providers/telnyx/numbers/%2B13125550100"},
	}
	order, _ := json.Marshal(map[string]any{"phoneNumbers": []string{"+13125550123"}, "customerReference": "fuzz"})
	for i, body := range []string{
		string(order), `{}`, ``, `{"phoneNumbers":["+13125550100"]}`, `{"body":"hello"}`,
		`{"type":"LOA","filename":"loa.pdf","content":"JVBERi0xLjQ="}`, `{"add":["+13125550101"],"remove":[]}`,
		`{"signerName":"Jane Roe","signerTitle":"CTO"}`, `{"alias":"main","tags":["a"]}`,
		`{"customerReference":"\ud800"}`, `{} xyz`, `[1,2,3]`, `null`, `"str"`, `{"phoneNumbers":5}`,
		`{"endUser":{"pin":"` + strings.Repeat("9", 40) + `"}}`, strings.Repeat("[", 5000),
	} {
		f.Add(uint(i), []byte(body))
	}
	f.Fuzz(func(t *testing.T, route uint, body []byte) {
		r := routes[route%uint(len(routes))]
		req, err := http.NewRequest(r.method, e.base+r.path, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := restClient.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", r.method, r.path, err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		var out map[string]any
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("%s %s %q: HTTP %d with a non-JSON body %q", r.method, r.path, body, resp.StatusCode, raw)
		}
		if resp.StatusCode < 400 {
			return
		}
		ei := detail(out, "type.googleapis.com/google.rpc.ErrorInfo")
		msg, _ := out["message"].(string)
		if _, ok := out["code"].(float64); !ok || msg == "" || ei == nil {
			t.Fatalf("%s %s %q: HTTP %d without a google.rpc.Status: %s", r.method, r.path, body, resp.StatusCode, raw)
		}
		if reason := ei["reason"]; reason == "INTERNAL_ERROR" || reason == "GATEWAY_ERROR" {
			t.Fatalf("%s %s %q: HTTP %d %s", r.method, r.path, body, resp.StatusCode, raw)
		}
	})
}
