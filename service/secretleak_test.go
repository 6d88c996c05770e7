package service_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	pb "github.com/portgate/portgate/gen/portgate/v1"
	"github.com/portgate/portgate/internal/config"
	"github.com/portgate/portgate/internal/uuid"
)

// Known secrets. Digit-only ones are matched as whole tokens (not inside a
// longer run of digits, hex or a decimal) so a timestamp or UUID that
// happens to contain them is not a false alarm.
const (
	leakPIN      = "975318"
	leakSSN      = "8642"
	leakAccount  = "ACCT-SECRET-55501234"
	leakTaxID    = "TAXID-SECRET-98-7654321"
	leakBizID    = "BIZID-SECRET-44120"
	leakCallKey  = "caller-api-key-SECRET-0f1e2d3c"
	leakTelnyx   = "KEYtelnyxLeakTestSECRETabcdef"
	leakFRAccess = "fr-access-SECRET-7744"
	leakFRSecret = "fr-secret-SECRET-9f8e7d6c"
	leakPortOut  = "PORTOUT-PIN-SECRET-73194" // Number.port_out_pin (Telnyx external_pin)
)

func leakPatterns() map[string]*regexp.Regexp {
	basic := base64.StdEncoding.EncodeToString([]byte(leakFRAccess + ":" + leakFRSecret))
	out := map[string]*regexp.Regexp{}
	for _, s := range []string{leakAccount, leakTaxID, leakBizID, leakCallKey, leakTelnyx, leakFRAccess, leakFRSecret, basic, leakPortOut} {
		out[s] = regexp.MustCompile(regexp.QuoteMeta(s))
	}
	for _, s := range []string{leakPIN, leakSSN} {
		out[s] = regexp.MustCompile(`(^|[^0-9A-Za-z.])` + s + `([^0-9A-Za-z.]|$)`)
	}
	return out
}

// uuidRE matches UUIDs (request ids, idempotency tokens): their 4-hex-digit
// groups can spell a 4-digit secret by chance ("…-8642-…"), so they are
// masked before the search.
var uuidRE = regexp.MustCompile(`(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

func findLeaks(text string) []string {
	text = uuidRE.ReplaceAllString(text, "<uuid>")
	var out []string
	for s, re := range leakPatterns() {
		if re.MatchString(text) {
			out = append(out, s)
		}
	}
	return out
}

// syncBuffer is a log sink shared by the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startLogged runs the whole app from cfg, logging JSON at debug level to logs.
func startLogged(t *testing.T, cfg config.Config, logs io.Writer) *env {
	t.Helper()
	return startApp(t, cfg, slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
}

func secretOrder(numbers ...string) *pb.PortOrder {
	o := validOrder(numbers...)
	o.EndUser.Pin = leakPIN
	o.EndUser.AccountNumber = leakAccount
	o.EndUser.SsnLast4 = leakSSN
	o.EndUser.TaxIdentifier = leakTaxID
	o.EndUser.BusinessIdentifier = leakBizID
	return o
}

// transcript collects everything that leaves the server towards a caller.
type transcript struct {
	t *testing.T
	b strings.Builder
}

func (tr *transcript) grpc(call string, resp proto.Message, err error) {
	fmt.Fprintf(&tr.b, "\n== gRPC %s\n", call)
	if resp != nil {
		b, _ := protojson.Marshal(resp)
		tr.b.Write(b)
	}
	if err != nil {
		st := status.Convert(err)
		b, _ := protojson.Marshal(st.Proto())
		tr.b.WriteString(st.Message())
		tr.b.Write(b)
	}
}

func (tr *transcript) rest(method, url string, body any) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, url, rd)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+leakCallKey)
	req.Header.Set("X-Api-Key", leakCallKey)
	resp, err := restClient.Do(req)
	if err != nil {
		tr.t.Fatalf("REST %s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	fmt.Fprintf(&tr.b, "\n== REST %s %s %d\n%s\n", method, req.URL.Path, resp.StatusCode, raw) // the query is the caller's own
	for k, vs := range resp.Header {
		fmt.Fprintf(&tr.b, "%s: %s\n", k, strings.Join(vs, ","))
	}
}

// everyRPC sends the secrets through every RPC (and its error paths), over
// gRPC (with the caller's API key in metadata) and REST. Secrets go in the
// secret fields (PIN, account number, SSN last 4, tax and business ids) and
// in the caller's credentials; a secret the caller types into a plain field
// of another RPC (a phone number, a filter) cannot be known as one, except
// within the same port order, whose errors are scrubbed of its secrets.
func everyRPC(t *testing.T, e *env, prov string, tr *transcript) {
	ctx := metadata.AppendToOutgoingContext(context.Background(), "authorization", "Bearer "+leakCallKey, "x-api-key", leakCallKey)
	parent := "providers/" + prov
	n1, n2 := freshNumber(""), freshNumber("")
	o, err := e.porting.CreatePortOrder(ctx, &pb.CreatePortOrderRequest{Parent: parent, PortOrder: secretOrder(n1), RequestId: uuid.New()})
	tr.grpc("CreatePortOrder", o, err)
	name := o.GetName()
	if name == "" {
		name = parent + "/portOrders/" + map[string]string{"flowroute": "4242", "telnyx": "00000000-0000-4000-8000-0000000000a1"}[prov]
	}
	// Error paths carrying every secret.
	bad := secretOrder("555-12")
	r1, err := e.porting.CreatePortOrder(ctx, &pb.CreatePortOrderRequest{Parent: parent, PortOrder: bad, RequestId: uuid.New()})
	tr.grpc("CreatePortOrder bad number", r1, err)
	bad = secretOrder(n2)
	bad.EndUser.BillingTelephoneNumber = leakPIN
	r1, err = e.porting.CreatePortOrder(ctx, &pb.CreatePortOrderRequest{Parent: parent, PortOrder: bad, RequestId: uuid.New()})
	tr.grpc("CreatePortOrder PIN as billing number", r1, err)
	r1, err = e.porting.CreatePortOrder(ctx, &pb.CreatePortOrderRequest{Parent: "providers/-", PortOrder: secretOrder(freshNumber("")), RequestId: uuid.New()})
	tr.grpc("CreatePortOrder providers/-", r1, err)
	r1, err = e.porting.GetPortOrder(ctx, &pb.GetPortOrderRequest{Name: name})
	tr.grpc("GetPortOrder", r1, err)
	lo, err := e.porting.ListPortOrders(ctx, &pb.ListPortOrdersRequest{Parent: parent, Filter: `customer_reference = "ref-x"`})
	tr.grpc("ListPortOrders", lo, err)
	lo, err = e.porting.ListPortOrders(ctx, &pb.ListPortOrdersRequest{Parent: parent, PageToken: leakAccount})
	tr.grpc("ListPortOrders secret token", lo, err)
	upd := secretOrder(n1)
	upd.Name = name
	r1, err = e.porting.UpdatePortOrder(ctx, &pb.UpdatePortOrderRequest{PortOrder: upd, RequestId: uuid.New(),
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"end_user.pin", "end_user.account_number"}}})
	tr.grpc("UpdatePortOrder", r1, err)
	r1, err = e.porting.UpdatePortOrder(ctx, &pb.UpdatePortOrderRequest{PortOrder: upd, RequestId: uuid.New(),
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"end_user.pin", leakAccount}}})
	tr.grpc("UpdatePortOrder bad mask", r1, err)
	upd.EndUser.BillingTelephoneNumber = leakSSN
	r1, err = e.porting.UpdatePortOrder(ctx, &pb.UpdatePortOrderRequest{PortOrder: upd, RequestId: uuid.New(),
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"end_user.billing_telephone_number", "end_user.pin"}}})
	tr.grpc("UpdatePortOrder SSN as number", r1, err)
	r1, err = e.porting.ModifyPortOrderNumbers(ctx, &pb.ModifyPortOrderNumbersRequest{Name: name, Add: []string{n2, "555-12"}})
	tr.grpc("ModifyPortOrderNumbers", r1, err)
	cs, err := e.porting.ListPortOrderComments(ctx, &pb.ListPortOrderCommentsRequest{Parent: name})
	tr.grpc("ListPortOrderComments", cs, err)
	c, err := e.porting.CreatePortOrderComment(ctx, &pb.CreatePortOrderCommentRequest{Parent: name, Comment: &pb.PortOrderComment{Body: "hello"}})
	tr.grpc("CreatePortOrderComment", c, err)
	d, err := e.porting.CreatePortOrderDocument(ctx, &pb.CreatePortOrderDocumentRequest{Parent: name,
		Document: &pb.PortOrderDocument{Type: pb.PortOrderDocument_INVOICE, Filename: "bill.pdf", ContentType: "application/pdf", Content: []byte("%PDF bill")}})
	tr.grpc("CreatePortOrderDocument", d, err)
	ds, err := e.porting.ListPortOrderDocuments(ctx, &pb.ListPortOrderDocumentsRequest{Parent: name})
	tr.grpc("ListPortOrderDocuments", ds, err)
	r1, err = e.porting.SubmitPortOrder(ctx, &pb.SubmitPortOrderRequest{Name: name, SignerName: "Jane Roe", SignerTitle: "CEO"})
	tr.grpc("SubmitPortOrder", r1, err)
	r1, err = e.porting.CancelPortOrder(ctx, &pb.CancelPortOrderRequest{Name: name})
	tr.grpc("CancelPortOrder", r1, err)
	cp, err := e.porting.CheckPortability(ctx, &pb.CheckPortabilityRequest{Parent: "providers/-", PhoneNumbers: []string{n1, "555-12"}})
	tr.grpc("CheckPortability", cp, err)
	cp, err = e.porting.CheckPortability(ctx, &pb.CheckPortabilityRequest{Parent: parent, PhoneNumbers: []string{n1}})
	tr.grpc("CheckPortability one", cp, err)
	num, err := e.numbers.GetNumber(ctx, &pb.GetNumberRequest{Name: parent + "/numbers/+13125550100"})
	tr.grpc("GetNumber", num, err)
	num, err = e.numbers.GetNumber(ctx, &pb.GetNumberRequest{Name: parent + "/numbers/555"})
	tr.grpc("GetNumber secret", num, err)
	ln, err := e.numbers.ListNumbers(ctx, &pb.ListNumbersRequest{Parent: parent})
	tr.grpc("ListNumbers", ln, err)
	un, err := e.numbers.UpdateNumber(ctx, &pb.UpdateNumberRequest{Number: &pb.Number{Name: parent + "/numbers/+13125550100", Alias: "front"},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"alias"}}})
	tr.grpc("UpdateNumber", un, err)
	// The port-out PIN: set (Telnyx), refused (Flowroute), with a bad mask
	// and a bad route next to it; then read back.
	un, err = e.numbers.UpdateNumber(ctx, &pb.UpdateNumberRequest{Number: &pb.Number{Name: parent + "/numbers/+13125550100", PortOutPin: leakPortOut},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"port_out_pin"}}})
	tr.grpc("UpdateNumber port_out_pin", un, err)
	un, err = e.numbers.UpdateNumber(ctx, &pb.UpdateNumberRequest{Number: &pb.Number{Name: parent + "/numbers/+13125550100", PortOutPin: leakPortOut,
		VoiceRoute: parent + "/voiceRoutes/" + leakPortOut}})
	tr.grpc("UpdateNumber port_out_pin bad route", un, err)
	un, err = e.numbers.UpdateNumber(ctx, &pb.UpdateNumberRequest{Number: &pb.Number{Name: parent + "/numbers/+13125550100", PortOutPin: leakPortOut},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"port_out_pin", leakPortOut}}})
	tr.grpc("UpdateNumber port_out_pin bad mask", un, err)
	num, err = e.numbers.GetNumber(ctx, &pb.GetNumberRequest{Name: parent + "/numbers/+13125550100"})
	tr.grpc("GetNumber after port_out_pin", num, err)
	lp, err := e.provs.ListProviders(ctx, &pb.ListProvidersRequest{})
	tr.grpc("ListProviders", lp, err)

	// REST, the same secrets.
	ro := map[string]any{"phoneNumbers": []string{freshNumber("")}, "losingCarrier": "Verizon", "portType": "FULL",
		"endUser": map[string]any{"entityName": "Acme", "authorizedPerson": "Jane Roe", "billingTelephoneNumber": n1, "usageType": "BUSINESS",
			"pin": leakPIN, "accountNumber": leakAccount, "last4Ssn": leakSSN, "taxIdentifier": leakTaxID, "businessIdentifier": leakBizID,
			"serviceAddress": map[string]any{"streetAddress": "1 Main St", "locality": "Chicago", "administrativeArea": "IL", "postalCode": "60601", "regionCode": "US"}}}
	tr.rest("POST", e.base+"/v1/"+parent+"/portOrders", ro)
	ro["phoneNumbers"] = []string{leakPIN}
	tr.rest("POST", e.base+"/v1/"+parent+"/portOrders", ro)
	tr.rest("PATCH", e.base+"/v1/"+name+"?updateMask=endUser.pin,endUser.accountNumber", ro)
	tr.rest("PATCH", e.base+"/v1/"+name+"?updateMask=endUser.pin,"+leakAccount, ro)
	tr.rest("GET", e.base+"/v1/"+name, nil)
	tr.rest("GET", e.base+"/v1/"+parent+"/portOrders?pageToken="+leakAccount, nil)
	tr.rest("POST", e.base+"/v1/providers/-:checkPortability", map[string]any{"phoneNumbers": []string{"555-12", n1}})
	tr.rest("GET", e.base+"/v1/"+parent+"/numbers/555", nil)
	tr.rest("PATCH", e.base+"/v1/"+parent+"/numbers/13125550100?updateMask=portOutPin", map[string]any{"portOutPin": leakPortOut})
	tr.rest("PATCH", e.base+"/v1/"+parent+"/numbers/13125550100?updateMask=portOutPin,"+leakPortOut, map[string]any{"portOutPin": leakPortOut})
	tr.rest("GET", e.base+"/v1/"+parent+"/numbers/13125550100", nil)
}

func assertNoLeaks(t *testing.T, what, text string) {
	t.Helper()
	if leaks := findLeaks(text); len(leaks) > 0 {
		for _, l := range leaks {
			re := leakPatterns()[l]
			text := uuidRE.ReplaceAllString(text, "<uuid>")
			loc := re.FindStringIndex(text)
			lo, hi := max(loc[0]-300, 0), min(loc[1]+200, len(text))
			t.Errorf("%s leaks %q: …%s…", what, l, text[lo:hi])
		}
	}
}

// TestNoSecretsLeakSandbox: every RPC against the sandboxes, secrets in.
func TestNoSecretsLeakSandbox(t *testing.T) {
	logs := &syncBuffer{}
	data := t.TempDir()
	e := startLogged(t, config.Config{DataDir: data}, logs)
	tr := &transcript{t: t}
	for _, prov := range []string{"flowroute", "telnyx"} {
		everyRPC(t, e, prov, tr)
	}
	if !strings.Contains(tr.b.String(), "portOrders/") || !strings.Contains(logs.String(), "CreatePortOrder") {
		t.Fatalf("the scenario did not run: %s", tr.b.String()[:min(2000, tr.b.Len())])
	}
	assertNoLeaks(t, "responses", tr.b.String())
	assertNoLeaks(t, "logs", logs.String())
	assertHealthy(t, e)
	assertStoreClean(t, e, data)
}

// assertStoreClean shuts the app down (so the SQLite file and its WAL are
// complete) and looks for secrets in every byte of the data directory: the
// stored request_id outcomes must be as clean as the responses.
func assertStoreClean(t *testing.T, e *env, dir string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := e.app.Server.Shutdown(ctx); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	var all strings.Builder
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		all.Write(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if all.Len() == 0 {
		t.Fatal("the store wrote nothing: the scenario did not reach it")
	}
	assertNoLeaks(t, "store", all.String())
}

// echoProvider answers every request with the provider's documented error
// shape, echoing the request's Authorization header, every header, the
// query and the body.
func echoProvider(t *testing.T, telnyxShape bool) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var hdrs []string
		for k, vs := range r.Header {
			hdrs = append(hdrs, k+": "+strings.Join(vs, ","))
		}
		raw, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(r.Header.Get("Authorization"), "Basic "))
		echo := fmt.Sprintf("request %s %s?%s Authorization: %s (%s) headers [%s] body %s", r.Method, r.URL.Path, r.URL.RawQuery,
			r.Header.Get("Authorization"), raw, strings.Join(hdrs, "; "), body)
		w.Header().Set("Content-Type", "application/json")
		if telnyxShape {
			w.WriteHeader(422)
			json.NewEncoder(w).Encode(map[string]any{"errors": []any{
				map[string]any{"code": "10015", "title": r.Header.Get("Authorization"), "detail": echo},
				map[string]any{"code": "10015", "title": "Invalid", "detail": echo, "source": map[string]any{"pointer": "/end_user/admin/pin_passcode"}},
			}})
			return
		}
		w.WriteHeader(422)
		json.NewEncoder(w).Encode(map[string]any{"errors": []any{map[string]any{"id": r.Header.Get("Authorization"), "status": 422,
			"title": string(raw), "detail": map[string]any{"pin": []string{echo}, "provider_account": echo}}}})
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestNoSecretsLeakEchoingProviders: both providers live against stubs
// that echo everything back in their errors.
func TestNoSecretsLeakEchoingProviders(t *testing.T) {
	fr, tx := echoProvider(t, false), echoProvider(t, true)
	logs := &syncBuffer{}
	data := t.TempDir()
	e := startLogged(t, config.Config{
		ProviderSettings: map[string]string{"FLOWROUTE_ACCESS_KEY": leakFRAccess, "FLOWROUTE_SECRET_KEY": leakFRSecret, "FLOWROUTE_BASE_URL": fr.URL,
			"TELNYX_API_KEY": leakTelnyx, "TELNYX_BASE_URL": tx.URL + "/v2"},
		AuthOff: true, // the caller's key still travels in metadata and headers
		DataDir: data,
	}, logs)
	tr := &transcript{t: t}
	for _, prov := range []string{"flowroute", "telnyx"} {
		everyRPC(t, e, prov, tr)
	}
	if !strings.Contains(tr.b.String(), "REDACTED") {
		t.Fatalf("the echoing providers were not reached: %s", tr.b.String()[:min(3000, tr.b.Len())])
	}
	assertNoLeaks(t, "responses", tr.b.String())
	assertNoLeaks(t, "logs", logs.String())
	assertHealthy(t, e)
	assertStoreClean(t, e, data)
}
