package service_test

import (
	"encoding/base64"
	"testing"
	"time"
)

// TestPortInTourREST is the README "Port-in: reschedule, activate,
// requirements" tour over REST: a Telnyx FastPort order whose invoice is
// supplied as a requirement value, submitted, rescheduled inside its
// allowed FOC windows (FOC_DATE_CHANGED), activated on demand and ported.
func TestPortInTourREST(t *testing.T) {
	e := start(t)
	pdf := base64.StdEncoding.EncodeToString([]byte("%PDF-1.4\n"))
	n := freshNumber("9905")
	code, o := rest(t, "POST", e.base+"/v1/providers/telnyx/portOrders", map[string]any{
		"phoneNumbers": []string{n},
		"endUser": map[string]any{"entityName": "Acme Widgets", "authorizedPerson": "Jane Roe", "billingTelephoneNumber": n,
			"serviceAddress": map[string]any{"streetAddress": "1 Main St", "locality": "Chicago", "administrativeArea": "IL", "postalCode": "60601", "regionCode": "US"}},
		"losingCarrier": "Verizon", "portType": "FULL",
	})
	if code != 200 || o["fastPortEligible"] != true {
		t.Fatalf("create: %d %v", code, o)
	}
	name := o["name"].(string)
	get := func() map[string]any {
		t.Helper()
		code, o := rest(t, "GET", e.base+"/v1/"+name, nil)
		if code != 200 {
			t.Fatalf("get: %d %v", code, o)
		}
		return o
	}
	reasons := func(o map[string]any) map[string]bool {
		out := map[string]bool{}
		ws, _ := o["waitingOn"].([]any)
		for _, w := range ws {
			out[w.(map[string]any)["reason"].(string)] = true
		}
		return out
	}
	if w := reasons(get()); !w["DOCUMENTS"] || !w["SIGNATURE"] {
		t.Fatalf("draft waiting on %v, want DOCUMENTS and SIGNATURE", w)
	}
	if code, d := rest(t, "POST", e.base+"/v1/"+name+"/documents", map[string]any{"type": "LOA", "filename": "loa.pdf", "contentType": "application/pdf", "content": pdf}); code != 200 {
		t.Fatalf("LOA: %d %v", code, d)
	}
	code, doc := rest(t, "POST", e.base+"/v1/"+name+"/documents", map[string]any{"type": "OTHER", "filename": "invoice-scan.pdf", "contentType": "application/pdf", "content": pdf})
	if code != 200 {
		t.Fatalf("document: %d %v", code, doc)
	}
	var invoiceReq string
	for _, r := range get()["requirements"].([]any) {
		if r := r.(map[string]any); r["displayName"] == "Invoice" {
			invoiceReq = r["requirementTypeId"].(string)
		}
	}
	code, body := rest(t, "POST", e.base+"/v1/"+name+":supplyRequirements", map[string]any{
		"requirements": []any{map[string]any{"requirementTypeId": invoiceReq, "textValue": "not a document"}}})
	if code != 400 {
		t.Fatalf("text for a document requirement: %d %v", code, body)
	}
	code, o = rest(t, "POST", e.base+"/v1/"+name+":supplyRequirements", map[string]any{
		"requirements": []any{map[string]any{"requirementTypeId": invoiceReq, "document": doc["name"]}}})
	if code != 200 || o["requirementsMet"] != true || reasons(o)["DOCUMENTS"] {
		t.Fatalf("supply the invoice: %d %v", code, o)
	}
	if code, o = rest(t, "POST", e.base+"/v1/"+name+":submit", map[string]any{"signerName": "Jane Roe", "signerTitle": "CTO"}); code != 200 || o["state"] != "SUBMITTED" {
		t.Fatalf("submit: %d %v", code, o)
	}

	// Reschedule: checked against the order's windows before any write.
	code, body = rest(t, "POST", e.base+"/v1/"+name+":reschedule", map[string]any{"requestedFocTime": time.Now().Add(time.Hour).UTC().Format(time.RFC3339)})
	if ei := detail(body, "type.googleapis.com/google.rpc.ErrorInfo"); code != 400 || ei["reason"] != "PORTIN_FOC_OUTSIDE_WINDOWS" {
		t.Fatalf("reschedule outside the windows: %d %v", code, body)
	}
	wins := get()["allowedFocWindows"].([]any)
	start, _ := time.Parse(time.RFC3339, wins[len(wins)-1].(map[string]any)["startTime"].(string))
	want := start.Add(time.Hour).UTC()
	code, o = rest(t, "POST", e.base+"/v1/"+name+":reschedule", map[string]any{"requestedFocTime": want.Format(time.RFC3339)})
	if got, _ := time.Parse(time.RFC3339, str(o["requestedFocTime"])); code != 200 || !got.Equal(want) {
		t.Fatalf("reschedule: %d %v", code, o)
	}
	code, evs := rest(t, "GET", e.base+"/v1/"+name+"/events", nil)
	foundFOC := false
	for _, ev := range evs["events"].([]any) {
		ev := ev.(map[string]any)
		if got, _ := time.Parse(time.RFC3339, str(ev["focTime"])); ev["type"] == "FOC_DATE_CHANGED" && got.Equal(want) {
			foundFOC = true
		}
	}
	if code != 200 || !foundFOC {
		t.Fatalf("no FOC_DATE_CHANGED for %v: %d %v", want, code, evs)
	}

	// The losing carrier confirms the requested FOC; the order waits for activation.
	for i := 0; i < 5 && o["state"] != "FOC_CONFIRMED"; i++ {
		e.app.Sandboxes["telnyx"].Advance()
		o = get()
	}
	if got, _ := time.Parse(time.RFC3339, str(o["confirmedFocTime"])); o["state"] != "FOC_CONFIRMED" || !got.Equal(want) || !reasons(o)["ACTIVATION"] {
		t.Fatalf("after the carrier confirmed: %v", o)
	}
	code, o = rest(t, "POST", e.base+"/v1/"+name+":activate", map[string]any{})
	a, _ := o["activation"].(map[string]any)
	if code != 200 || a["type"] != "ON_DEMAND" || a["state"] != "CREATED" || a["jobId"] == "" {
		t.Fatalf("activate: %d %v", code, o)
	}
	for i := 0; i < 5 && o["state"] != "COMPLETED"; i++ {
		e.app.Sandboxes["telnyx"].Advance()
		o = get()
	}
	a, _ = o["activation"].(map[string]any)
	if o["state"] != "COMPLETED" || a["state"] != "COMPLETED" {
		t.Fatalf("after activation: %v", o)
	}
	if w := o["waitingOn"].([]any); len(w) != 1 || w[0].(map[string]any)["reason"] != "NOTHING" {
		t.Fatalf("ported order waiting on %v", w)
	}
}

func str(v any) string { s, _ := v.(string); return s }
