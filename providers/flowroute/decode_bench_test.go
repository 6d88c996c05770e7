package flowroute

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	segjson "github.com/segmentio/encoding/json"

	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/sandbox/flowroutefake"
)

// benchBodies creates 10 orders (one split) in the fake and returns the
// raw bodies of GET /v2/portorders/{id} and of a list page of 10.
func benchBodies(b *testing.B) (order, list []byte) {
	b.Helper()
	fake := flowroutefake.New(flowroutefake.Options{AccessKey: "k", SecretKey: "s"})
	srv := httptest.NewServer(fake)
	b.Cleanup(func() { srv.Close(); fake.Close() })
	p, err := New(Config{BaseURL: srv.URL, AccessKey: "k", SecretKey: "s", HTTPClient: srv.Client()})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	var id string
	for i := 0; i < 11; i++ {
		nums := []string{fmt.Sprintf("+131255510%02d", 2*i), fmt.Sprintf("+131255510%02d", 2*i+1)}
		if i == 0 {
			nums = append(nums, "+13125559904")
		}
		res, err := p.CreatePortOrder(ctx, providers.CreatePortOrderRequest{Order: providers.PortOrder{
			PhoneNumbers: nums, LosingCarrier: "Verizon",
			EndUser: providers.EndUser{EntityName: "Acme", AuthorizedPerson: "Jane Roe", BillingTelephoneNumber: nums[0],
				UsageType: providers.UsageBusiness, PIN: "1234",
				ServiceAddress: providers.Address{StreetAddress: "1 Main St", Locality: "Chicago", AdministrativeArea: "IL", PostalCode: "60601", CountryCode: "US"}},
		}})
		if err != nil {
			b.Fatal(err)
		}
		if i == 0 {
			id = res.Order.ID
		}
	}
	get := func(path string) []byte {
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		req.SetBasicAuth("k", "s")
		resp, err := srv.Client().Do(req)
		if err != nil {
			b.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return body
	}
	return get(orderPath(id)), get("/v2/portorders?limit=11&offset=0") // what a page of 10 asks for (one more says whether more remain)
}

// BenchmarkDecodeOrder: one GetPortOrder body to a providers.PortOrder
// (JSON decoding, timestamps, E.164 normalization).
func BenchmarkDecodeOrder(b *testing.B) {
	order, _ := benchBodies(b)
	b.SetBytes(int64(len(order)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeOrder(&response{status: 200, body: order}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeListPage: a page of 10 orders (ListPortOrders).
func BenchmarkDecodeListPage(b *testing.B) {
	_, list := benchBodies(b)
	b.SetBytes(int64(len(list)))
	b.ReportAllocs()
	for b.Loop() {
		out, _, err := orderPage(&response{status: 200, body: list, asked: 11})
		if err != nil || len(out) != 10 {
			b.Fatal(len(out), err)
		}
	}
}

// BenchmarkDecoders compares encoding/json with the decoder portgate uses
// for provider bodies (segmentio/encoding/json; docs/performance.md).
//
//	go test -run '^$' -bench Decoders -count 3 ./providers/flowroute/
func BenchmarkDecoders(b *testing.B) {
	order, list := benchBodies(b)
	defer func(u func([]byte, any) error) { unmarshal = u }(unmarshal)
	for _, d := range []struct {
		name string
		fn   func([]byte, any) error
	}{{"encoding_json", json.Unmarshal}, {"segmentio", segjson.Unmarshal}, {"segmentio_nocopy", unmarshalNoCopy}} {
		unmarshal = d.fn
		b.Run("order/"+d.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := decodeOrder(&response{status: 200, body: order}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("list/"+d.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := orderPage(&response{status: 200, body: list, asked: 11}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
