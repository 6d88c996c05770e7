package providers_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/flowroute"
	"github.com/portgate/portgate/providers/telnyx"
)

// Known secrets sent through the adapters.
const (
	telnyxKey    = "KEYtelnyxAbCdEfGhIjKlMnOpSECRET"
	frAccess     = "fr-access-77441"
	frSecret     = "fr-secret-9f8e7d6c5b4a"
	secretPIN    = "975318"
	secretAcct   = "ACCT-55501234"
	secretSSN    = "6789"
	secretTaxID  = "98-7654321"
	secretBizID  = "BIZ-ID-44120"
	orderUUID    = "00000000-0000-4000-8000-0000000000a1"
	flowrouteOID = "4242"
)

func secretsIn(s string) []string {
	var found []string
	basic := base64.StdEncoding.EncodeToString([]byte(frAccess + ":" + frSecret))
	for _, sec := range []string{telnyxKey, frAccess, frSecret, basic, secretPIN, secretAcct, secretSSN, secretTaxID, secretBizID} {
		if strings.Contains(s, sec) {
			found = append(found, sec)
		}
	}
	return found
}

// echoServer answers every request with an error that echoes the request's
// Authorization header and body, in the provider's documented error shape:
// as detail text and as a field violation.
func echoServer(t *testing.T, shape func(auth, body string) (int, any)) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		status, v := shape(r.Header.Get("Authorization"), string(b))
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(v)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func order() providers.PortOrder {
	return providers.PortOrder{
		PhoneNumbers: []string{"+13125550100"}, LosingCarrier: "Verizon", PortType: providers.PortTypeFull,
		CustomerReference: "ref-1",
		EndUser: providers.EndUser{EntityName: "Acme", AuthorizedPerson: "Jane Roe", BillingTelephoneNumber: "+13125550100",
			UsageType: providers.UsageBusiness, AccountNumber: secretAcct, PIN: secretPIN, Last4SSN: secretSSN,
			TaxIdentifier: secretTaxID, BusinessIdentifier: secretBizID,
			ServiceAddress: providers.Address{StreetAddress: "1 Main St", Locality: "Chicago", AdministrativeArea: "IL", PostalCode: "60601", CountryCode: "US"}},
	}
}

// leakText is everything of an error that can leave the adapter.
func leakText(err error) string {
	if err == nil {
		return ""
	}
	var b strings.Builder
	b.WriteString(err.Error())
	pe := providers.AsError("", err)
	fmt.Fprintf(&b, "|%s|%s|%s|%s", pe.Message, pe.ProviderCode, pe.ProviderErrorID, pe.Reason)
	for _, v := range pe.Violations {
		b.WriteString("|" + v.Field + "|" + v.Description)
	}
	if pe.Err != nil {
		b.WriteString("|" + pe.Err.Error())
	}
	return b.String()
}

func TestProviderErrorsRedactCredentialsAndSecrets(t *testing.T) {
	ctx := context.Background()
	shapes := map[string]func(auth, body string) (int, any){
		"telnyx detail": func(auth, body string) (int, any) {
			return 422, map[string]any{"errors": []any{map[string]any{"code": "10015", "title": "Bad Request " + auth,
				"detail": "got Authorization: " + auth + " body " + body, "source": map[string]any{"pointer": "/end_user/admin/pin_passcode"}}}}
		},
		"telnyx 401": func(auth, body string) (int, any) {
			return 401, map[string]any{"errors": []any{map[string]any{"code": "10009", "title": "Authentication failed",
				"detail": "bad key " + strings.TrimPrefix(auth, "Bearer ") + " in " + body}}}
		},
		"flowroute string": func(auth, body string) (int, any) {
			return 400, map[string]any{"errors": []any{map[string]any{"id": auth, "status": 400, "title": auth,
				"detail": "Authorization=" + auth + "; request " + body}}}
		},
		"flowroute fields": func(auth, body string) (int, any) {
			return 422, map[string]any{"errors": []any{map[string]any{"id": "x", "status": 422, "title": "Unprocessable Entity",
				"detail": map[string]any{"pin": []string{"pin in " + body + " is wrong"}, "provider_account": auth}}}}
		},
		"flowroute 401": func(auth, body string) (int, any) {
			raw, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(auth, "Basic "))
			return 401, map[string]any{"errors": []any{map[string]any{"id": "x", "status": 401, "title": "Unauthorized",
				"detail": "credentials " + string(raw) + " rejected"}}}
		},
	}
	for name, shape := range shapes {
		t.Run(name, func(t *testing.T) {
			srv := echoServer(t, shape)
			var p providers.Provider
			var err error
			if strings.HasPrefix(name, "telnyx") {
				p, err = telnyx.New(telnyx.Config{BaseURL: srv.URL + "/v2", APIKey: telnyxKey})
			} else {
				p, err = flowroute.New(flowroute.Config{BaseURL: srv.URL, AccessKey: frAccess, SecretKey: frSecret})
			}
			if err != nil {
				t.Fatal(err)
			}
			id := orderUUID
			if p.Name() == "flowroute" {
				id = flowrouteOID
			}
			errs := map[string]error{}
			_, errs["create"] = p.CreatePortOrder(ctx, providers.CreatePortOrderRequest{Order: order()})
			o := order()
			_, errs["update"] = p.UpdatePortOrder(ctx, providers.PortOrderUpdate{ID: id, Order: o,
				Mask: []string{providers.FieldEndUserPIN, providers.FieldEndUserAccountNumber}})
			_, errs["get"] = p.GetPortOrder(ctx, id)
			_, errs["list"] = p.ListPortOrders(ctx, providers.PortOrderFilter{}, providers.ListQuery{Limit: 5})
			_, errs["portability"] = p.CheckPortability(ctx, []string{"+13125550100"})
			for call, err := range errs {
				if err == nil {
					t.Errorf("%s: no error from a provider that always fails", call)
					continue
				}
				if leaks := secretsIn(leakText(err)); len(leaks) > 0 {
					t.Errorf("%s: error leaks %q:\n%s", call, leaks, leakText(err))
				}
			}
		})
	}
}

func TestRedactText(t *testing.T) {
	r := providers.NewRedactor("s3cr3t-value")
	for in, want := range map[string]string{
		"Authorization: Bearer abc.def-ghi":        "Authorization: [REDACTED]",
		`{"authorization":"Basic Zm9vOmJhcg=="}`:   `{"authorization":"[REDACTED]"}`,
		"token Bearer abcdefgh1234 rejected":       "token Bearer [REDACTED] rejected",
		"key=s3cr3t-value&x=1":                     "key=[REDACTED]&x=1",
		"plain text stays":                         "plain text stays",
		"pin: Too short.":                          "pin: Too short.",
		"signature_name: required; +13125550100":   "signature_name: required; +13125550100",
		"pin_passcode is invalid":                  "pin_passcode is invalid",
		"api_key: sk_live_123456 and more":         "api_key: [REDACTED] and more",
		"X-Amz-Signature=abcdef0123456789&X-Amz-A": "X-Amz-Signature=[REDACTED]&X-Amz-A",
	} {
		if got := r.String(in); got != want {
			t.Errorf("String(%q) = %q, want %q", in, got, want)
		}
	}
}
