package flowroutefake

import (
	"encoding/json"
	"fmt"
	"github.com/portgate/portgate/sandbox/scenarios"
	"io"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/portgate/portgate/internal/e164"
)

// Attribute groups of PATCH /v2/portorders/{id}.
var (
	// detailAttrs and presetAttrs are what PATCH /v2/portorders/{id}
	// documents as updatable (P:update-port-order-details,
	// P:update-port-order-presets); anything else is refused there.
	detailAttrs = map[string]bool{
		"street": true, "street2": true, "city": true, "state": true, "zip": true, "country": true,
		"billing_name": true, "provider": true, "usage_type": true, "loa_details": true,
	}
	presetAttrs = map[string]bool{"presets": true, "alias": true}
	// createOnlyAttrs are accepted at create (they appear on the documented
	// order; inferred writable there) but not documented as updatable.
	createOnlyAttrs = map[string]bool{
		"billing_number": true, "company": true, "provider_account": true, "pin": true, "last_4_ssn": true,
		"desired_completion_date": true, "enable_cnam_lookups": true, "status_url": true,
	}
	// statuses in which details / presets may change.
	detailStatuses = map[string]bool{StatusPending: true, StatusRejected: true}
	presetStatuses = map[string]bool{StatusPending: true, StatusProcessing: true, StatusSubmitted: true,
		StatusRejected: true, StatusReview: true, StatusAccepted: true}
	requiredCreate = []string{"billing_name", "street", "city", "state", "country", "provider"}
	presetKeys     = []string{"alias", "cnam_id", "e911_id", "primary_route_id", "failover_route_id"}
)

func (f *Fake) routePorting(w http.ResponseWriter, r *http.Request, seg []string) {
	m := r.Method
	switch {
	case len(seg) == 0:
		switch m {
		case http.MethodPost:
			f.createOrder(w, r)
		case http.MethodGet:
			f.listOrders(w, r)
		default:
			f.methodNotAllowed(w, r)
		}
		return
	case len(seg) == 1 && seg[0] == "portability":
		if m != http.MethodPost {
			f.methodNotAllowed(w, r)
			return
		}
		f.portability(w, r)
		return
	}
	id := seg[0]
	f.mu.Lock()
	_, ok := f.orders[id]
	f.mu.Unlock()
	if !ok {
		f.writeErr(w, r, http.StatusNotFound, map[string]any{"detail": "No such port order", "status": 404, "title": "Resource not found"})
		return
	}
	rest := strings.Join(seg[1:], "/")
	switch {
	case rest == "" && m == http.MethodGet:
		f.getOrder(w, r, id, http.StatusOK)
	case rest == "" && m == http.MethodPatch:
		f.patchOrder(w, r, id)
	case rest == "status" && m == http.MethodGet:
		f.getStatus(w, r, id)
	case rest == "status" && m == http.MethodPatch:
		f.patchStatus(w, r, id)
	case rest == "relationships/numbers" && m == http.MethodPatch:
		f.modifyNumbers(w, r, id)
	case rest == "loa" && m == http.MethodGet:
		f.getLOA(w, r, id)
	case rest == "loa" && m == http.MethodPost:
		f.postLOA(w, r, id)
	case rest == "upload_file" && m == http.MethodPost:
		f.uploadFile(w, r, id)
	case rest == "files" && m == http.MethodPost:
		f.pullFile(w, r, id)
	case len(seg) == 3 && seg[1] == "files" && m == http.MethodGet:
		f.getFile(w, r, id, seg[2])
	case rest == "" || rest == "status" || rest == "relationships/numbers" || rest == "loa" || rest == "upload_file" || rest == "files":
		f.methodNotAllowed(w, r)
	default:
		f.urlNotFound(w)
	}
}

// ---- rendering ----

func (f *Fake) renderOrderLocked(o *order, base string) map[string]any {
	presets := map[string]any{}
	for _, k := range presetKeys {
		presets[k] = nullable(o.presets[k])
	}
	comments := []any{}
	for _, c := range o.comments {
		comments = append(comments, map[string]any{"id": c.id, "body": c.body, "author": c.author, "created_at": ts(c.created)})
	}
	docs := []any{}
	var fileData []any
	for _, fl := range o.files {
		fileData = append(fileData, map[string]any{
			"id": fl.id, "type": "portorder-file",
			"attributes": map[string]any{"filename": fl.filename, "status": fl.status},
			"links":      map[string]any{"self": base + "/v2/portorders/" + o.id + "/files/" + fl.id},
		})
	}
	if len(fileData) > 0 {
		docs = append(docs, map[string]any{"data": fileData})
	}
	var statusUpdated any
	if o.statusUpdated != nil {
		statusUpdated = ts(*o.statusUpdated)
	}
	numbers := append([]string{}, o.numbers...)
	attrs := map[string]any{
		"alias": nullable(o.alias), "status": o.status, "status_updated_at": statusUpdated,
		"status_url": nullable(o.statusURL), "group_id": o.groupID, "numbers": numbers,
		"billing_name": o.billingName, "billing_number": o.billingNumber, "company": o.company,
		"usage_type": o.usageType,
		"billing_address": map[string]any{"street": o.street, "street2": nullable(o.street2), "city": o.city,
			"state": o.state, "zip": o.zip, "country": o.country},
		"provider": o.provider, "provider_account": o.providerAccount, "pin": o.pin, "last_4_ssn": o.last4SSN,
		"desired_completion_date": emptyNull(o.desiredDate), "completion_date": emptyNull(o.completionDate),
		"enable_cnam_lookups": o.enableCNAM,
		"cost":                strconv.FormatFloat(7.5*float64(len(o.numbers)), 'f', -1, 64),
		"loa_details":         map[string]any{"email": o.loaEmail, "cc": o.loaCC},
		"comments":            comments, "presets": presets, "business_documents": docs,
		"created_at": ts(o.created), "modified_at": ts(o.modified),
	}
	return map[string]any{"id": o.id, "type": "portorder", "attributes": attrs,
		"links": map[string]any{"self": base + "/v2/portorders/" + o.id}}
}

func emptyNull(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (f *Fake) getOrder(w http.ResponseWriter, r *http.Request, id string, status int) {
	f.mu.Lock()
	data := f.renderOrderLocked(f.orders[id], baseURL(r))
	f.mu.Unlock()
	writeJSON(w, r, status, map[string]any{"data": data, "links": map[string]any{"self": baseURL(r) + "/v2/portorders/" + id}})
}

// ---- create / list ----

type attrBody struct {
	Data struct {
		Type       string                     `json:"type"`
		Attributes map[string]json.RawMessage `json:"attributes"`
	} `json:"data"`
}

func (f *Fake) createOrder(w http.ResponseWriter, r *http.Request) {
	var body attrBody
	if err := readBody(r, &body); err != nil {
		f.badRequest(w, r, "Malformed JSON body.")
		return
	}
	attrs := body.Data.Attributes
	errs := map[string][]string{}
	if body.Data.Type != "portorder" {
		errs["type"] = []string{"Must be portorder."}
	}
	for _, k := range requiredCreate {
		if raw, ok := attrs[k]; !ok || string(raw) == "null" || string(raw) == `""` {
			errs[k] = []string{"Missing data for required field."}
		}
	}
	var nums []string
	if raw, ok := attrs["numbers"]; !ok {
		errs["numbers"] = []string{"Missing data for required field."}
	} else if err := json.Unmarshal(raw, &nums); err != nil {
		errs["numbers"] = []string{"Not a valid list."}
	} else if msgs := validateNumbers(nums, true); len(msgs) > 0 {
		errs["numbers"] = msgs
	} else if len(nums) == 0 {
		errs["numbers"] = []string{"At least one number is required."}
	}
	o := &order{status: StatusPending, presets: map[string]*string{}}
	for k, raw := range attrs {
		if k == "numbers" {
			continue
		}
		if !detailAttrs[k] && !presetAttrs[k] && !createOnlyAttrs[k] {
			errs[k] = []string{"Unknown field."}
			continue
		}
		if msg := applyAttr(o, k, raw); msg != "" {
			errs[k] = []string{msg}
		}
	}
	f.mu.Lock()
	f.checkRoutesLocked(o, errs)
	f.mu.Unlock()
	if len(errs) > 0 {
		f.validation(w, r, errs)
		return
	}
	var main, split []string
	seen := map[string]bool{}
	for _, n := range nums {
		if seen[n] {
			continue
		}
		seen[n] = true
		if scenarios.HasSuffix(n, scenarios.SuffixSplit) {
			split = append(split, n)
		} else {
			main = append(main, n)
		}
	}
	now := time.Now().UTC()
	f.mu.Lock()
	group := strconv.Itoa(f.nextGroup)
	f.nextGroup++
	var primary string
	for _, set := range [][]string{main, split} {
		if len(set) == 0 {
			continue
		}
		c := *o
		c.presets = map[string]*string{}
		for k, v := range o.presets {
			c.presets[k] = v
		}
		c.numbers = set
		c.id = strconv.Itoa(f.nextOrder)
		f.nextOrder++
		c.groupID = group
		c.created, c.modified = now, now
		f.orders[c.id] = &c
		f.orderSeq = append(f.orderSeq, c.id)
		for _, n := range set {
			if n == nums[0] {
				primary = c.id
			}
		}
		f.addPendingNumbersLocked(&c, now)
		f.notifyLocked(&c, now) // a callback on creation (status pending)
	}
	f.mu.Unlock()
	f.getOrder(w, r, primary, http.StatusCreated)
}

// validateNumbers checks porting-format numbers (E.164 with "+").
func validateNumbers(nums []string, portable bool) []string {
	var msgs []string
	for _, n := range nums {
		e, err := e164.Parse(n, "")
		if err != nil || !strings.HasPrefix(n, "+") || e != n {
			msgs = append(msgs, fmt.Sprintf("%s is not a valid E.164 phone number.", n))
			continue
		}
		if portable && scenarios.HasSuffix(n, scenarios.SuffixNotPortable) {
			msgs = append(msgs, fmt.Sprintf("%s is not portable: No coverage.", n))
		}
	}
	return msgs
}

// applyAttr sets one request attribute on o; it returns a field error message.
func applyAttr(o *order, k string, raw json.RawMessage) string {
	str := func() (string, bool) {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", false
		}
		return s, true
	}
	switch k {
	case "presets":
		var p map[string]json.RawMessage
		if err := json.Unmarshal(raw, &p); err != nil {
			return "Not a valid mapping type."
		}
		for pk, pv := range p {
			ok := false
			for _, allowed := range presetKeys {
				ok = ok || allowed == pk
			}
			if !ok {
				return fmt.Sprintf("Unknown preset %q.", pk)
			}
			switch {
			case string(pv) == "null":
				o.presets[pk] = nil
			default:
				var s string
				if err := json.Unmarshal(pv, &s); err != nil {
					return fmt.Sprintf("Preset %q is not a valid string id.", pk)
				}
				if s == "" {
					o.presets[pk] = nil
				} else {
					o.presets[pk] = strPtr(s)
				}
			}
		}
		return ""
	case "enable_cnam_lookups":
		if err := json.Unmarshal(raw, &o.enableCNAM); err != nil {
			return "Not a valid boolean."
		}
		return ""
	case "loa_details":
		var d struct{ Email, CC string }
		if err := json.Unmarshal(raw, &d); err != nil {
			return "Not a valid mapping type."
		}
		o.loaEmail, o.loaCC = d.Email, d.CC
		return ""
	case "alias", "status_url", "street2":
		if string(raw) == "null" {
			*nullableField(o, k) = nil
			return ""
		}
		s, ok := str()
		if !ok {
			return "Not a valid string."
		}
		if k == "status_url" && s != "" {
			if u, err := url.Parse(s); err != nil || (u.Scheme != "http" && u.Scheme != "https") {
				return "Not a valid URL."
			}
		}
		*nullableField(o, k) = strPtr(s)
		return ""
	}
	s, ok := str()
	if !ok {
		return "Not a valid string."
	}
	switch k {
	case "street":
		o.street = s
	case "city":
		o.city = s
	case "state":
		if len(s) != 2 {
			return "Must be a 2-letter state code."
		}
		o.state = strings.ToUpper(s)
	case "zip":
		o.zip = s
	case "country":
		if s != "US" && s != "CA" {
			return "Must be one of: US, CA."
		}
		o.country = s
	case "billing_name":
		o.billingName = s
	case "billing_number":
		o.billingNumber = s
	case "company":
		o.company = s
	case "provider":
		o.provider = s
	case "provider_account":
		o.providerAccount = s
	case "pin":
		o.pin = s
	case "last_4_ssn":
		if s != "" && len(s) != 4 {
			return "Must be 4 digits."
		}
		o.last4SSN = s
	case "usage_type":
		l := strings.ToLower(s)
		if l != "business" && l != "residential" {
			return "Must be one of: Business, Residential."
		}
		o.usageType = l
	case "desired_completion_date":
		if s != "" {
			if _, err := time.Parse("2006-01-02", s); err != nil {
				return "Not a valid date."
			}
		}
		o.desiredDate = s
	}
	return ""
}

func nullableField(o *order, k string) **string {
	switch k {
	case "alias":
		return &o.alias
	case "status_url":
		return &o.statusURL
	}
	return &o.street2
}

func (f *Fake) listOrders(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.orderSeq) == 0 {
		f.writeErr(w, r, http.StatusNotFound, map[string]any{"detail": "No port orders found.", "id": f.traceIDLocked(), "status": 404, "title": "Resource not found"})
		return
	}
	errs := map[string][]string{}
	parseT := func(k string) time.Time {
		s := q.Get(k)
		if s == "" {
			return time.Time{}
		}
		for _, l := range []string{time.RFC3339Nano, "2006-01-02"} {
			if t, err := time.Parse(l, s); err == nil {
				return t
			}
		}
		errs[k] = []string{"Not a valid datetime."}
		return time.Time{}
	}
	after, before := parseT("created_after"), parseT("created_before")
	statuses := splitList(q.Get("status"))
	wantNums := splitList(q.Get("numbers"))
	if len(errs) > 0 {
		f.validationLocked(w, r, errs)
		return
	}
	var out []*order
	for _, id := range f.orderSeq {
		o := f.orders[id]
		if len(statuses) > 0 && !contains(statuses, o.status) {
			continue
		}
		if a := q.Get("alias"); a != "" && (o.alias == nil || *o.alias != a) {
			continue
		}
		if g := q.Get("group_id"); g != "" && o.groupID != g {
			continue
		}
		if len(wantNums) > 0 {
			hit := false
			for _, n := range wantNums {
				hit = hit || contains(o.numbers, n)
			}
			if !hit {
				continue
			}
		}
		if !after.IsZero() && !o.created.After(after) {
			continue
		}
		if !before.IsZero() && !o.created.Before(before) {
			continue
		}
		out = append(out, o)
	}
	win, next, perr := page(r, out)
	if perr != nil {
		f.validationLocked(w, r, perr)
		return
	}
	base := baseURL(r)
	items := []any{}
	for _, o := range win {
		d := f.renderOrderLocked(o, base)
		d["attributes"].(map[string]any)["id"] = o.id
		items = append(items, d)
	}
	attrs := map[string]any{"orders": map[string]any{"data": items}}
	if g := q.Get("group_id"); g != "" && q.Has("status") && q.Get("status") == "" {
		attrs["group_id"] = g
		attrs["group_status"] = groupStatus(out)
	}
	// The documented list carries no links at all (P:searching-for-port-orders):
	// a client pages by offset until a short page.
	_ = next
	writeJSON(w, r, http.StatusOK, map[string]any{"data": map[string]any{"type": "portorder_list", "attributes": attrs}})
}

func groupStatus(orders []*order) string {
	var action, progress, done, cancelled int
	for _, o := range orders {
		switch o.status {
		case StatusPending, StatusRejected:
			action++
		case StatusProcessing, StatusSubmitted, StatusAccepted, StatusReview:
			progress++
		case StatusCompleted:
			done++
		default:
			cancelled++
		}
	}
	switch {
	case action > 0:
		return "Requires Action"
	case progress > 0:
		return "In Progress"
	case done > 0:
		return "Completed"
	}
	return "Canceled"
}

func (f *Fake) validationLocked(w http.ResponseWriter, r *http.Request, fields map[string][]string) {
	writeJSON(w, r, http.StatusUnprocessableEntity, map[string]any{"errors": []any{map[string]any{
		"detail": fields, "id": f.traceIDLocked(), "status": 422, "title": "Unprocessable Entity"}}})
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// ---- updates ----

func (f *Fake) patchOrder(w http.ResponseWriter, r *http.Request, id string) {
	var body attrBody
	if err := readBody(r, &body); err != nil {
		f.badRequest(w, r, "Malformed JSON body.")
		return
	}
	attrs := body.Data.Attributes
	if raw, ok := attrs["status"]; ok {
		var s string
		_ = json.Unmarshal(raw, &s)
		f.cancel(w, r, id, s, true)
		return
	}
	errs := map[string][]string{}
	if body.Data.Type != "portorder" {
		errs["type"] = []string{"Must be portorder."}
	}
	if len(attrs) == 0 {
		errs["attributes"] = []string{"At least one attribute is required."}
	}
	var needDetails, needPresets bool
	for k := range attrs {
		switch {
		case detailAttrs[k]:
			needDetails = true
		case presetAttrs[k]:
			needPresets = true
		case k == "numbers":
			errs[k] = []string{"Numbers are changed through /relationships/numbers."}
		case createOnlyAttrs[k]:
			errs[k] = []string{"This field cannot be updated."}
		default:
			errs[k] = []string{"Unknown field."}
		}
	}
	if len(errs) > 0 {
		f.validation(w, r, errs)
		return
	}
	f.mu.Lock()
	o := f.orders[id]
	if (needDetails && !detailStatuses[o.status]) || (needPresets && !presetStatuses[o.status]) {
		st := o.status
		f.mu.Unlock()
		f.forbidden(w, r, "Forbidden", fmt.Sprintf("Port order %s cannot be updated in status %s.", id, st))
		return
	}
	c := *o
	c.presets = map[string]*string{}
	for k, v := range o.presets {
		c.presets[k] = v
	}
	for k, raw := range attrs {
		if msg := applyAttr(&c, k, raw); msg != "" {
			errs[k] = []string{msg}
		}
	}
	f.checkRoutesLocked(&c, errs)
	if len(errs) > 0 {
		f.mu.Unlock()
		f.validation(w, r, errs)
		return
	}
	c.modified = time.Now().UTC()
	*o = c
	f.mu.Unlock()
	f.getOrder(w, r, id, http.StatusOK)
}

func (f *Fake) getStatus(w http.ResponseWriter, r *http.Request, id string) {
	f.mu.Lock()
	o := f.orders[id]
	var su any
	if o.statusUpdated != nil {
		su = ts(*o.statusUpdated)
	}
	st := o.status
	f.mu.Unlock()
	writeJSON(w, r, http.StatusOK, map[string]any{"data": map[string]any{"id": id, "type": "portorder",
		"attributes": map[string]any{"status": st, "status_updated_at": su}}})
}

func (f *Fake) patchStatus(w http.ResponseWriter, r *http.Request, id string) {
	var body attrBody
	if err := readBody(r, &body); err != nil {
		f.badRequest(w, r, "Malformed JSON body.")
		return
	}
	var s string
	if raw, ok := body.Data.Attributes["status"]; ok {
		_ = json.Unmarshal(raw, &s)
	}
	f.cancel(w, r, id, s, false)
}

func (f *Fake) cancel(w http.ResponseWriter, r *http.Request, id, want string, fullOrder bool) {
	if want != "cancelled" { // the documented spelling only
		f.validation(w, r, map[string][]string{"status": {"Must be cancelled."}})
		return
	}
	f.mu.Lock()
	o := f.orders[id]
	now := time.Now().UTC()
	switch o.status {
	case StatusPending:
		f.setStatusLocked(o, StatusCancelled, now)
	case StatusRejected:
		f.setStatusLocked(o, StatusAbandoned, now)
	default:
		st := o.status
		f.mu.Unlock()
		f.forbidden(w, r, "Forbidden", fmt.Sprintf("Port orders in status %s cannot be cancelled through the API; contact support.", st))
		return
	}
	st, su := o.status, ts(*o.statusUpdated)
	f.mu.Unlock()
	if fullOrder {
		f.getOrder(w, r, id, http.StatusOK)
		return
	}
	writeJSON(w, r, http.StatusOK, map[string]any{"data": map[string]any{"id": id, "type": "portorder",
		"attributes": map[string]any{"status": st, "status_updated_at": su}}})
}

func (f *Fake) modifyNumbers(w http.ResponseWriter, r *http.Request, id string) {
	var body struct {
		Add    []string `json:"add"`
		Remove []string `json:"remove"`
	}
	if err := readBody(r, &body); err != nil {
		f.badRequest(w, r, "Malformed JSON body.")
		return
	}
	errs := map[string][]string{}
	if msgs := validateNumbers(body.Add, true); len(msgs) > 0 {
		errs["add"] = msgs
	}
	f.mu.Lock()
	o := f.orders[id]
	if o.status != StatusPending {
		st := o.status
		f.mu.Unlock()
		f.forbidden(w, r, "Forbidden", fmt.Sprintf("Numbers can only be changed while the port order is pending (status %s).", st))
		return
	}
	nums := append([]string{}, o.numbers...)
	for _, n := range body.Remove {
		i := indexOf(nums, n)
		if i < 0 {
			errs["remove"] = append(errs["remove"], fmt.Sprintf("%s is not on this port order.", n))
			continue
		}
		nums = append(nums[:i], nums[i+1:]...)
	}
	for _, n := range body.Add {
		if indexOf(nums, n) < 0 {
			nums = append(nums, n)
		}
	}
	if len(nums) == 0 && len(errs) == 0 {
		errs["numbers"] = []string{"A port order needs at least one number."}
	}
	if len(errs) > 0 {
		f.mu.Unlock()
		f.validation(w, r, errs)
		return
	}
	o.numbers = nums
	o.modified = time.Now().UTC()
	f.dropPendingNumbersLocked(o)
	f.addPendingNumbersLocked(o, o.modified)
	f.mu.Unlock()
	f.getOrder(w, r, id, http.StatusOK)
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// ---- LOA (submit) ----

func (f *Fake) loaAttrsLocked(o *order) map[string]any {
	ten := make([]string, 0, len(o.numbers))
	for _, n := range o.numbers {
		ten = append(ten, strings.TrimPrefix(n, "+1"))
	}
	return map[string]any{
		"numbers": ten, "billing_name": o.billingName, "street": o.street, "street2": nullable(o.street2),
		"city": o.city, "state": o.state, "zip": o.zip, "country": o.country, "provider": o.provider,
		"usage_type": o.usageType, "company": o.company,
		"loa_copy": "I authorize Flowroute to act as my agent to port the numbers listed above from " + o.provider + ".",
	}
}

func (f *Fake) getLOA(w http.ResponseWriter, r *http.Request, id string) {
	f.mu.Lock()
	o := f.orders[id]
	if !detailStatuses[o.status] {
		st := o.status
		f.mu.Unlock()
		f.forbidden(w, r, "Forbidden", fmt.Sprintf("No LOA to sign for a port order in status %s.", st))
		return
	}
	attrs := f.loaAttrsLocked(o)
	f.mu.Unlock()
	writeJSON(w, r, http.StatusOK, map[string]any{"data": map[string]any{"id": id, "type": "loa", "attributes": attrs}})
}

func (f *Fake) postLOA(w http.ResponseWriter, r *http.Request, id string) {
	var body struct {
		Data struct {
			Type       string         `json:"type"`
			Attributes map[string]any `json:"attributes"`
		} `json:"data"`
	}
	if err := readBody(r, &body); err != nil {
		f.badRequest(w, r, "Malformed JSON body.")
		return
	}
	errs := map[string][]string{}
	if body.Data.Type != "loa" {
		errs["type"] = []string{"Must be loa."}
	}
	for _, k := range []string{"signature_name", "signature_title"} {
		if s, _ := body.Data.Attributes[k].(string); strings.TrimSpace(s) == "" {
			errs[k] = []string{"Missing data for required field."}
		}
	}
	if len(errs) > 0 {
		f.validation(w, r, errs)
		return
	}
	f.mu.Lock()
	o := f.orders[id]
	now := time.Now().UTC()
	switch o.status {
	case StatusPending:
		f.setStatusLocked(o, StatusProcessing, now)
	case StatusRejected:
		f.setStatusLocked(o, StatusReview, now)
	default:
		st := o.status
		f.mu.Unlock()
		f.forbidden(w, r, "Forbidden", fmt.Sprintf("The LOA cannot be signed for a port order in status %s.", st))
		return
	}
	fl := &file{id: strconv.Itoa(f.nextFile), orderID: id, filename: fmt.Sprintf("LOA-%s-%d.pdf", id, len(o.files)+1),
		status: "uploaded", created: now, data: []byte("%PDF-1.4 signed LOA")}
	f.nextFile++
	o.files = append(o.files, fl)
	f.mu.Unlock()
	f.getOrder(w, r, id, http.StatusOK)
}

// ---- documents ----

func (f *Fake) uploadFile(w http.ResponseWriter, r *http.Request, id string) {
	var body struct {
		Filename string `json:"filename"`
	}
	if err := readBody(r, &body); err != nil {
		f.badRequest(w, r, "Malformed JSON body.")
		return
	}
	name := path.Base(strings.TrimSpace(body.Filename))
	if name == "" || name == "." || name == "/" {
		f.validation(w, r, map[string][]string{"filename": {"Missing data for required field."}})
		return
	}
	f.mu.Lock()
	o := f.orders[id]
	if !detailStatuses[o.status] {
		st := o.status
		f.mu.Unlock()
		f.forbidden(w, r, "Forbidden", fmt.Sprintf("Documents cannot be added to a port order in status %s.", st))
		return
	}
	fl := &file{id: strconv.Itoa(f.nextFile), orderID: id, filename: name, status: "pending", created: time.Now().UTC()}
	f.nextFile++
	token := f.tokenLocked()
	f.uploads[token] = fl
	f.mu.Unlock()
	base := baseURL(r)
	writeJSON(w, r, http.StatusOK, map[string]any{"data": map[string]any{
		"id": fl.id, "type": "portorder-file-url",
		"attributes": map[string]any{"url": base + s3Prefix + "upload/" + token, "expires": ts(time.Now().Add(15 * time.Minute))},
		"links":      map[string]any{"self": base + "/v2/portorders/" + id + "/files/" + fl.id},
	}})
}

func (f *Fake) tokenLocked() string {
	t := fmt.Sprintf("tok%08d", f.nextToken)
	f.nextToken++
	return t
}

func (f *Fake) pullFile(w http.ResponseWriter, r *http.Request, id string) {
	var body struct {
		URL string `json:"url"`
	}
	if err := readBody(r, &body); err != nil {
		f.badRequest(w, r, "Malformed JSON body.")
		return
	}
	u, err := url.Parse(body.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		f.validation(w, r, map[string][]string{"url": {"Not a valid URL."}})
		return
	}
	name := u.Query().Get("filename")
	if name == "" {
		name = path.Base(u.Path)
	}
	f.mu.Lock()
	o := f.orders[id]
	if !detailStatuses[o.status] {
		st := o.status
		f.mu.Unlock()
		f.forbidden(w, r, "Forbidden", fmt.Sprintf("Documents cannot be added to a port order in status %s.", st))
		return
	}
	fl := &file{id: strconv.Itoa(f.nextFile), orderID: id, filename: name, status: "pending", originalURL: body.URL, created: time.Now().UTC()}
	f.nextFile++
	o.files = append(o.files, fl)
	f.mu.Unlock()
	writeJSON(w, r, http.StatusOK, map[string]any{"data": map[string]any{
		"id": fl.id, "type": "portorder-file",
		"attributes": map[string]any{"filename": name, "file": nil, "original_url": body.URL, "status": "pending"},
	}})
}

func (f *Fake) getFile(w http.ResponseWriter, r *http.Request, id, fid string) {
	f.mu.Lock()
	var fl *file
	for _, x := range f.orders[id].files {
		if x.id == fid {
			fl = x
		}
	}
	if fl == nil {
		f.mu.Unlock()
		f.writeErr(w, r, http.StatusNotFound, map[string]any{"detail": "No such file", "status": 404, "title": "Resource not found"})
		return
	}
	token := f.tokenLocked()
	f.downloads[token] = fl
	f.mu.Unlock()
	base := baseURL(r)
	writeJSON(w, r, http.StatusOK, map[string]any{"data": map[string]any{
		"id": fid, "type": "portorder-file-url",
		"attributes": map[string]any{"url": base + s3Prefix + "download/" + token, "expires": ts(time.Now().Add(15 * time.Minute))},
		"links":      map[string]any{"self": base + "/v2/portorders/" + id + "/files/" + fid},
	}})
}

// serveS3 plays the presigned S3 URLs: PUT /_s3/upload/{token} stores the
// bytes (200, empty body), GET /_s3/download/{token} returns them. Errors are
// S3-style XML.
func (f *Fake) serveS3(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, s3Prefix)
	kind, token, _ := strings.Cut(rest, "/")
	switch {
	case kind == "upload" && r.Method == http.MethodPut:
		data, err := readCapped(r)
		if err != nil {
			s3Error(w, http.StatusBadRequest, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size")
			return
		}
		f.mu.Lock()
		fl, ok := f.uploads[token]
		if ok {
			delete(f.uploads, token)
			fl.data = data
			fl.status = "uploaded"
			o := f.orders[fl.orderID]
			o.files = append(o.files, fl)
			o.modified = time.Now().UTC()
		}
		f.mu.Unlock()
		if !ok {
			s3Error(w, http.StatusForbidden, "AccessDenied", "Request has expired or the signature is invalid")
			return
		}
		w.WriteHeader(http.StatusOK)
	case kind == "download" && r.Method == http.MethodGet:
		f.mu.Lock()
		fl, ok := f.downloads[token]
		var data []byte
		if ok {
			data = append([]byte{}, fl.data...)
		}
		f.mu.Unlock()
		if !ok {
			s3Error(w, http.StatusForbidden, "AccessDenied", "Request has expired or the signature is invalid")
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		_, _ = w.Write(data)
	default:
		s3Error(w, http.StatusMethodNotAllowed, "MethodNotAllowed", "The specified method is not allowed against this resource.")
	}
}

func readCapped(r *http.Request) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r.Body, MaxUploadBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxUploadBytes {
		return nil, fmt.Errorf("too large")
	}
	return data, nil
}

func s3Error(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+`<Error><Code>%s</Code><Message>%s</Message><RequestId>4442587FB7D0A2F9</RequestId></Error>`, code, msg)
}

// ---- portability ----

func (f *Fake) portability(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Numbers []string `json:"numbers"`
	}
	if err := readBody(r, &body); err != nil {
		f.badRequest(w, r, "Malformed JSON body.")
		return
	}
	if len(body.Numbers) == 0 {
		f.validation(w, r, map[string][]string{"numbers": {"Missing data for required field."}})
		return
	}
	if msgs := validateNumbers(body.Numbers, false); len(msgs) > 0 {
		f.validation(w, r, map[string][]string{"numbers": msgs})
		return
	}
	portable, nonportable, hyper := []string{}, []string{}, []string{}
	for _, n := range body.Numbers {
		switch {
		case scenarios.HasSuffix(n, scenarios.SuffixNotPortable):
			nonportable = append(nonportable, n)
		case scenarios.HasSuffix(n, scenarios.SuffixFastPortable):
			portable = append(portable, n)
			hyper = append(hyper, n)
		default:
			portable = append(portable, n)
		}
	}
	writeJSON(w, r, http.StatusOK, map[string]any{"data": map[string]any{
		"portable": portable, "nonportable": nonportable, "hypernetwork_enabled": hyper}})
}

// checkRoutesLocked refuses preset route ids the account does not have.
func (f *Fake) checkRoutesLocked(o *order, errs map[string][]string) {
	for _, k := range []string{"primary_route_id", "failover_route_id"} {
		if id := o.presets[k]; id != nil && !f.routes[*id] {
			errs["presets"] = append(errs["presets"], fmt.Sprintf("Route %s (%s) does not exist on this account.", *id, k))
		}
	}
}
