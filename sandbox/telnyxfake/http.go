package telnyxfake

import (
	"encoding/json"
	"fmt"
	"github.com/nyaruka/phonenumbers"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/portgate/portgate/internal/e164"
)

// apiError is one item of the documented {"errors":[…]} envelope.
type apiError struct {
	Code   string         `json:"code"`
	Title  string         `json:"title"`
	Detail string         `json:"detail"`
	Source map[string]any `json:"source,omitempty"`
	Meta   map[string]any `json:"meta,omitempty"`
}

func errItem(code, title, detail, pointer string) apiError {
	e := apiError{Code: code, Title: title, Detail: detail,
		Meta: map[string]any{"url": "https://developers.telnyx.com/docs/overview/errors/" + code}}
	if pointer != "" {
		e.Source = map[string]any{"pointer": pointer}
	}
	return e
}

func paramItem(code, title, detail, param string) apiError {
	e := errItem(code, title, detail, "")
	e.Source = map[string]any{"parameter": param}
	return e
}

func notFound(what string) apiError {
	return errItem("10005", "Resource not found", what+" not found", "")
}

func badRequest(detail, pointer string) apiError {
	return errItem("10015", "Bad Request", detail, pointer)
}

// statusRefusal is a state-machine refusal: 422, request-level (pointer "/").
func statusRefusal(detail string) apiError {
	return errItem("10015", "Invalid porting order status", detail, "")
}

const maxBody = 16 << 20 // documents are ≤ 10 MiB, base64 grows by 4/3

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeErrs answers with the documented porting error envelope: code,
// title, detail and meta.retryable always present (true only for 408, 429
// and 5xx), source.pointer "/" when the error is about the request as a
// whole (developers.telnyx.com/docs/numbers/porting/api-errors).
func writeErrs(w http.ResponseWriter, status int, errs ...apiError) {
	retryable := status == http.StatusRequestTimeout || status == http.StatusTooManyRequests || status >= 500
	for i := range errs {
		e := &errs[i]
		if e.Detail == "" {
			e.Detail = e.Title
		}
		if e.Source == nil {
			e.Source = map[string]any{"pointer": "/"}
		}
		meta := map[string]any{"retryable": retryable}
		for k, v := range e.Meta {
			meta[k] = v
		}
		e.Meta = meta
	}
	writeJSON(w, status, map[string]any{"errors": errs})
}

// ServeHTTP answers Telnyx API v2 requests under /v2.
func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("x-ratelimit-limit", "100")
	h.Set("x-ratelimit-remaining", "99")
	h.Set("x-ratelimit-reset", "1")
	if token, ok := strings.CutPrefix(r.URL.Path, signedPrefix); ok {
		f.serveSigned(w, r, token) // a pre-signed URL: the token is the credential
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+f.apiKey {
		writeErrs(w, http.StatusUnauthorized, errItem("10009", "Authentication failed",
			"The required authentication headers were either invalid or not included in the request.", ""))
		return
	}
	if fl, ok := f.takeFailure(); ok {
		f.writeFailure(w, fl)
		return
	}
	path, ok := strings.CutPrefix(r.URL.Path, "/v2/")
	if !ok {
		writeErrs(w, http.StatusNotFound, notFound("route"))
		return
	}
	seg := strings.Split(strings.TrimSuffix(path, "/"), "/")
	f.route(w, r, seg)
}

func (f *Fake) takeFailure() (failure, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.failures) == 0 {
		return failure{}, false
	}
	fl := f.failures[0]
	f.failures = f.failures[1:]
	return fl, true
}

func (f *Fake) writeFailure(w http.ResponseWriter, fl failure) {
	switch {
	case fl.status == http.StatusTooManyRequests:
		secs := int(math.Ceil(fl.retryAfter.Seconds()))
		if secs < 1 {
			secs = 1
		}
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		w.Header().Set("x-ratelimit-remaining", "0")
		w.Header().Set("x-ratelimit-reset", strconv.Itoa(secs))
		writeErrs(w, fl.status, errItem("10011", "Too many requests", "Rate limit exceeded.", ""))
	case fl.status == http.StatusRequestTimeout:
		writeErrs(w, fl.status, errItem("10008", "Timeout", "The request timed out.", ""))
	case fl.status >= 500:
		writeErrs(w, fl.status, errItem("10007", "Unexpected error", "An unexpected error occurred.", ""))
	default:
		writeErrs(w, fl.status, badRequest("Injected failure.", ""))
	}
}

type route struct {
	method string
	parts  []string // "*" matches one segment
	h      func(w http.ResponseWriter, r *http.Request, args []string)
}

func (f *Fake) routes() []route {
	return []route{
		{"POST", []string{"portability_checks"}, f.portabilityCheck},
		{"GET", []string{"porting_orders", "exception_types"}, f.exceptionTypes},
		{"GET", []string{"porting_orders"}, f.listOrders},
		{"POST", []string{"porting_orders"}, f.createOrders},
		{"GET", []string{"porting_orders", "*"}, f.getOrder},
		{"PATCH", []string{"porting_orders", "*"}, f.patchOrder},
		{"DELETE", []string{"porting_orders", "*"}, f.deleteOrder},
		{"POST", []string{"porting_orders", "*", "actions", "confirm"}, f.confirmOrder},
		{"POST", []string{"porting_orders", "*", "actions", "cancel"}, f.cancelOrder},
		{"GET", []string{"porting_orders", "*", "comments"}, f.listComments},
		{"POST", []string{"porting_orders", "*", "comments"}, f.createComment},
		{"GET", []string{"porting_orders", "*", "additional_documents"}, f.listAdditionalDocs},
		{"POST", []string{"porting_orders", "*", "additional_documents"}, f.createAdditionalDocs},
		{"DELETE", []string{"porting_orders", "*", "additional_documents", "*"}, f.deleteAdditionalDoc},
		{"GET", []string{"porting_orders", "*", "allowed_foc_windows"}, f.focWindows},
		{"GET", []string{"porting_orders", "*", "requirements"}, f.requirements},
		{"GET", []string{"porting_orders", "*", "sub_request"}, f.subRequest},
		{"POST", []string{"porting_orders", "*", "actions", "activate"}, f.activateOrder},
		{"GET", []string{"porting_orders", "*", "activation_jobs"}, f.listActivationJobs},
		{"GET", []string{"porting_orders", "*", "activation_jobs", "*"}, f.getActivationJob},
		{"PATCH", []string{"porting_orders", "*", "activation_jobs", "*"}, f.patchActivationJob},
		{"GET", []string{"porting_phone_numbers"}, f.listPortingPhoneNumbers},
		{"GET", []string{"porting", "events"}, f.listEvents},
		{"GET", []string{"porting", "events", "*"}, f.getEvent},
		{"POST", []string{"porting", "events", "*", "republish"}, f.republish},
		{"POST", []string{"documents"}, f.uploadDocument},
		{"GET", []string{"documents", "*"}, f.getDocument},
		{"GET", []string{"documents", "*", "download"}, f.downloadDocument},
		{"GET", []string{"documents", "*", "download_link"}, f.documentLink},
		{"GET", []string{"phone_numbers"}, f.listNumbers},
		{"GET", []string{"phone_numbers", "messaging"}, f.listNumbersMessaging}, // before phone_numbers/{id}
		{"GET", []string{"phone_numbers", "*"}, f.getNumber},
		{"PATCH", []string{"phone_numbers", "*"}, f.patchNumber},
		{"GET", []string{"phone_numbers", "*", "messaging"}, f.getNumberMessaging},
		{"PATCH", []string{"phone_numbers", "*", "messaging"}, f.patchNumberMessaging},
		// issue 14 — buy
		{"DELETE", []string{"phone_numbers", "*"}, f.deleteNumber},
		{"GET", []string{"number_orders"}, f.listNumberOrders},
		{"POST", []string{"number_orders"}, f.createNumberOrder},
		{"GET", []string{"number_orders", "*"}, f.getNumberOrder},
		{"GET", []string{"available_phone_numbers"}, f.searchAvailable}, // issue 14 search
		{"GET", []string{"connections"}, f.listConnections},
		{"GET", []string{"connections", "*"}, f.getConnection},
		{"GET", []string{"messaging_profiles"}, f.listMessagingProfiles},
		{"GET", []string{"messaging_profiles", "*"}, f.getMessagingProfile},
		// issue 14 — e911 (emergency.go)
		{"GET", []string{"phone_numbers", "*", "voice"}, f.getNumberVoice},
		{"PATCH", []string{"phone_numbers", "*", "voice"}, f.patchNumberVoice},
		{"POST", []string{"phone_numbers", "*", "actions", "enable_emergency"}, f.enableEmergency},
		{"POST", []string{"addresses", "actions", "validate"}, f.validateAddress},
		{"GET", []string{"addresses"}, f.listAddresses},
		{"POST", []string{"addresses"}, f.createAddress},
		{"GET", []string{"addresses", "*"}, f.getAddress},
		{"DELETE", []string{"addresses", "*"}, f.deleteAddress},
		// issue 14 — portout (portouts.go, portout_extras.go, loa.go)
		{"GET", []string{"portouts"}, f.listPortOuts},
		{"GET", []string{"portouts", "events"}, f.listPortOutEvents}, // before portouts/{id}
		{"GET", []string{"portouts", "*"}, f.getPortOut},
		{"PATCH", []string{"portouts", "*", "*"}, f.patchPortOutStatus},
		{"GET", []string{"portouts", "rejections", "*"}, f.portOutRejections},
		{"GET", []string{"portouts", "*", "comments"}, f.listPortOutComments},
		{"POST", []string{"portouts", "*", "comments"}, f.createPortOutComment},
		{"GET", []string{"portouts", "*", "supporting_documents"}, f.listPortOutDocs},
		{"POST", []string{"portouts", "*", "supporting_documents"}, f.createPortOutDocs},
		{"GET", []string{"porting_orders", "*", "loa_template"}, f.loaTemplate},
	}
}

func (f *Fake) route(w http.ResponseWriter, r *http.Request, seg []string) {
	pathMatched := false
	for _, rt := range f.routes() {
		if len(rt.parts) != len(seg) {
			continue
		}
		var args []string
		ok := true
		for i, p := range rt.parts {
			if p == "*" {
				args = append(args, seg[i])
			} else if p != seg[i] {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		pathMatched = true
		if rt.method == r.Method {
			rt.h(w, r, args)
			return
		}
	}
	if pathMatched {
		writeErrs(w, http.StatusMethodNotAllowed, badRequest("Method not allowed.", ""))
		return
	}
	writeErrs(w, http.StatusNotFound, notFound("route /v2/"+strings.Join(seg, "/")))
}

// decodeBody reads a JSON object body. On failure it writes the error.
func decodeBody(w http.ResponseWriter, r *http.Request) (map[string]any, bool) {
	b, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		writeErrs(w, http.StatusBadRequest, badRequest("could not read body", ""))
		return nil, false
	}
	var m map[string]any
	if len(strings.TrimSpace(string(b))) == 0 {
		return map[string]any{}, true
	}
	if err := json.Unmarshal(b, &m); err != nil || m == nil {
		writeErrs(w, http.StatusBadRequest, badRequest("The request body is not a JSON object.", ""))
		return nil, false
	}
	return m, true
}

// page parses page[number] / page[size] (size default 20, capped at 250).
func page(w http.ResponseWriter, r *http.Request) (num, size int, ok bool) {
	num, size = 1, 20
	q := r.URL.Query()
	if v := q.Get("page[number]"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			writeErrs(w, http.StatusUnprocessableEntity, paramItem("10015", "Bad Request", "page[number] must be an integer >= 1", "page[number]"))
			return 0, 0, false
		}
		num = n
	}
	if v := q.Get("page[size]"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			writeErrs(w, http.StatusUnprocessableEntity, paramItem("10015", "Bad Request", "page[size] must be an integer >= 1", "page[size]"))
			return 0, 0, false
		}
		size = min(n, 250)
	}
	return num, size, true
}

func pageMeta(num, size, total int) map[string]any {
	return map[string]any{"page_number": num, "page_size": size,
		"total_pages": (total + size - 1) / size, "total_results": total}
}

// writePage answers a list with page num of items, each rendered, and the
// meta block Telnyx sends beside it.
func writePage[T any](w http.ResponseWriter, num, size int, items []T, render func(T) any) {
	lo := len(items) // a page past the end (any num, however large) is empty
	if num-1 < len(items)/size+1 {
		lo = min((num-1)*size, len(items))
	}
	hi := min(lo+size, len(items))
	data := make([]any, 0, hi-lo)
	for _, it := range items[lo:hi] {
		data = append(data, render(it))
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": data, "meta": pageMeta(num, size, len(items))})
}

func ts(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format("2006-01-02T15:04:05.000000Z")
}

// isE164 accepts only canonical +E.164 (what Telnyx calls "+E.164").
func isE164(s string) bool {
	n, err := e164.Parse(s, "")
	return err == nil && n == s
}

func phoneNumberType(e164 string) string {
	for _, p := range []string{"+1800", "+1888", "+1877", "+1866", "+1855", "+1844", "+1833"} {
		if strings.HasPrefix(e164, p) {
			return "toll_free"
		}
	}
	return "local"
}

// countryOf is the ISO 3166-1 alpha-2 country of a +E.164 number; the fake
// only holds NANP numbers and reports them as US, like country_iso_alpha2.
func countryOf(e164 string) string {
	n, err := phonenumbers.Parse(e164, "")
	if err != nil {
		return ""
	}
	return phonenumbers.GetRegionCodeForNumber(n)
}

// isUUID reports whether s is a canonical UUID (8-4-4-4-12 hex).
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, r := range s {
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if r != '-' {
				return false
			}
		case (r < '0' || r > '9') && (r < 'a' || r > 'f') && (r < 'A' || r > 'F'):
			return false
		}
	}
	return true
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func orderMeta(id string) map[string]any {
	return map[string]any{"phone_numbers_url": fmt.Sprintf("/v2/porting_phone_numbers?filter[porting_order_id]=%s", id)}
}

// filterKeys are the wire names of one list filter: path is dotted (e.g.
// "misc.type"), ops are optional operator segments (e.g. "contains"). The
// first is the spec25 form, filter[misc.type][contains]; the second the
// deepObject form the official SDKs send, filter[misc][type][contains].
func filterKeys(path string, ops ...string) []string {
	suffix := ""
	for _, op := range ops {
		suffix += "[" + op + "]"
	}
	spec25 := "filter[" + path + "]" + suffix
	sdk := "filter[" + strings.ReplaceAll(path, ".", "][") + "]" + suffix
	if sdk == spec25 {
		return []string{spec25}
	}
	return []string{spec25, sdk}
}

// filterParam is the value of a scalar list filter in either wire form.
func filterParam(q url.Values, path string, ops ...string) string {
	for _, k := range filterKeys(path, ops...) {
		if v := q.Get(k); v != "" {
			return v
		}
	}
	return ""
}

// filterValues collects an array-valued filter in every form clients send:
// repeated keys, the "[]" suffix (filter[status][in][]=a&…) and the
// comma-separated form of the SDKs (filter[status][in]=a,b).
func filterValues(q url.Values, path string, ops ...string) []string {
	var out []string
	for _, k := range filterKeys(path, ops...) {
		for _, key := range []string{k, k + "[]"} {
			for _, v := range q[key] {
				for _, part := range strings.Split(v, ",") {
					if part = strings.TrimSpace(part); part != "" {
						out = append(out, part)
					}
				}
			}
		}
	}
	return out
}
