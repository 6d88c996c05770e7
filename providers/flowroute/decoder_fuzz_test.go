package flowroute

import (
	"encoding/json"
	"reflect"
	"testing"
)

// FuzzDecoderAgrees: the decoder used for provider bodies (unmarshal)
// reads every body as encoding/json does: the same value, and an error
// exactly when encoding/json fails.
func FuzzDecoderAgrees(f *testing.F) {
	for _, s := range []string{
		`{"data":{"id":"42000","type":"portorder","attributes":{"status":"pending","group_id":"7","numbers":["+13125550100",{"number":"13125550101"}],"billing_address":{"street":"1 Main"},"presets":{"cnam_id":5}}}}`,
		`{"data":{"id":42000,"attributes":{"STATUS":"Pending","status":"x","enable_cnam_lookups":true}}}`,
		`{"data":[{"id":"1"},{"id":"2"}],"links":{"next":"/v2/portorders?offset=10"}}`,
		`{"data":{"type":"portorder_list","attributes":{"orders":{"data":[{"id":"1","attributes":{"id":"1"}}]}}}}`,
		`{"data":{"attributes":{"alias":"caf\u00e9 \ud83d\ude00","company":"a\"b"}}}`,
		"{\"data\":{\"attributes\":{\"alias\":\"\xff\xfe\"}}}",
		`{"data":null}`, `[]`, `{"data":{"attributes":{"numbers":"x"}}}`, `{"data":{"id":"1",}}`, ` {"data":{}} `,
		`{"data":{"attributes":{"pin":1234}}}`, `{"data":{"id":"1","id":"2"}}`, `{"data":{"attributes":{"enable_cnam_lookups":null}}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var want, got orderEnvelope
		werr, gerr := json.Unmarshal(body, &want), unmarshal(body, &got)
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("order %q: encoding/json err %v, unmarshal err %v", body, werr, gerr)
		}
		if werr == nil && !reflect.DeepEqual(want, got) {
			t.Fatalf("order %q:\nencoding/json %+v\nunmarshal     %+v", body, want, got)
		}
		type listEnv struct {
			Data  json.RawMessage `json:"data"`
			Links struct {
				Next string `json:"next"`
			} `json:"links"`
		}
		var wl, gl listEnv
		werr, gerr = json.Unmarshal(body, &wl), unmarshal(body, &gl)
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("list %q: encoding/json err %v, unmarshal err %v", body, werr, gerr)
		}
		if werr == nil && !reflect.DeepEqual(wl, gl) {
			t.Fatalf("list %q:\nencoding/json %+v\nunmarshal     %+v", body, wl, gl)
		}
	})
}

// FuzzNestedListAgrees: the one-pass list decoder reads what the general
// one reads, whenever it answers.
func FuzzNestedListAgrees(f *testing.F) {
	for _, s := range []string{
		`{"data":{"type":"portorder_list","attributes":{"orders":{"data":[{"id":"1","attributes":{"id":"1","status":"pending"}},{"id":2}]}}},"links":{"next":"x"}}`,
		`{"data":{"attributes":{"orders":[{"id":"1"}]}}}`,
		`{"data":[{"id":"1"}]}`,
		`{"data":{"attributes":{"orders":null}}}`,
		`{"data":{"attributes":{"orders":{"data":null}}}}`,
		`{"data":{"attributes":{"orders":{"data":[]},"orders":{"data":[{"id":"3"}]}}}}`,
		`{"data":{"attributes":{"orders":{"data":[{"id":"1"}]}},"attributes":{"x":1}}}`,
		`{"data":null}`, `{"data":{"attributes":{"orders":{"data":[{"attributes":{"numbers":[1,"2"]}}]}}}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		items, next, ok := decodeNestedList(body, 0)
		// A size hint changes allocation only, never the answer.
		for _, hint := range []int{1, 11, 1000} {
			hi, hn, hok := decodeNestedList(body, hint)
			if hok != ok || hn != next || len(hi) != len(items) || (len(items) > 0 && !reflect.DeepEqual(hi, items)) {
				t.Fatalf("%q: with size hint %d: %v %q %+v; without: %v %q %+v", body, hint, hok, hn, hi, ok, next, items)
			}
		}
		if !ok {
			return
		}
		wantItems, wantNext, err := decodeListSlow(&response{status: 200, body: body})
		if err != nil {
			t.Fatalf("%q: one-pass decoder answered, the general one failed: %v", body, err)
		}
		if next != wantNext || !reflect.DeepEqual(items, wantItems) {
			t.Fatalf("%q:\none-pass %q %+v\ngeneral  %q %+v", body, next, items, wantNext, wantItems)
		}
	})
}
