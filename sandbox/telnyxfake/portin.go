package telnyxfake

import (
	"fmt"
	"net/http"
	"sort"
	"time"

	"github.com/portgate/portgate/internal/uuid"
)

// Port-in after submission (issue 14, slice portin): rescheduling the FOC
// date, FastPort on-demand activation jobs, and requirement values.
//
// Documented (Telnyx OpenAPI ActivatePortingOrder; on-demand activation
// guide): POST /porting_orders/{id}/actions/activate answers 202 with a
// porting_activation_job, US FastPort orders only, once the order is
// foc-date-confirmed; the activation runs inside a window on the FOC date.
// GET …/activation_jobs[/{jobId}] read jobs; PATCH …/activation_jobs/{jobId}
// {activate_at} schedules one. Where Telnyx is silent the fake's rules are
// written down in docs/mapping/telnyx.md ("Port-in: reschedule, activate,
// requirements"):
//   - activation window: [foc_datetime_actual, foc_datetime_actual+8h];
//   - a created job runs at activate_at on Advance (in-process), and the
//     next Advance completes it: the order is ported;
//   - foc_datetime_requested may be PATCHed in draft, exception, in-process,
//     submitted and foc-date-confirmed (not within 48 h of a confirmed FOC);
//     on a foc-date-confirmed order it sends the order back to submitted
//     for the losing carrier to confirm the new date;
//   - requirements / requirement_group_id may be PATCHed in every open state.

// ActivationWindow is how long after foc_datetime_actual an on-demand
// activation may run (the fake's choice; Telnyx varies it by country).
const ActivationWindow = 8 * time.Hour

type activationJob struct {
	id         string
	status     string // created | in-process | completed | failed
	typ        string // on-demand | scheduled
	activateAt time.Time
	winStart   time.Time
	winEnd     time.Time
	createdAt  time.Time
	updatedAt  time.Time
}

func (j *activationJob) render() map[string]any {
	return map[string]any{"id": j.id, "status": j.status, "activation_type": j.typ,
		"activate_at":        ts(j.activateAt),
		"activation_windows": []any{map[string]any{"start_at": ts(j.winStart), "end_at": ts(j.winEnd)}},
		"record_type":        "porting_activation_job", "created_at": ts(j.createdAt), "updated_at": ts(j.updatedAt)}
}

// openJob is the order's created or in-process job, if any.
func (o *order) openJob() *activationJob {
	for _, j := range o.jobs {
		if j.status == "created" || j.status == "in-process" {
			return j
		}
	}
	return nil
}

// focWindowsFor are the allowed FOC windows of o: none once the order is
// ported, cancelled or being cancelled (no FOC time can be requested then).
func focWindowsFor(o *order, now time.Time) [][2]time.Time {
	switch o.status {
	case StatusPorted, StatusCancelled, StatusCancelPending:
		return nil
	}
	return focWindowsAt(now)
}

// patchOnlyKeys are what an order past draft/exception still takes.
var patchOnlyKeys = map[string]bool{"activation_settings": true, "requirements": true, "requirement_group_id": true}

// patchRefusal says why o cannot take body (""= it can).
func (f *Fake) patchRefusal(o *order, body map[string]any) string {
	switch o.status {
	case StatusDraft, StatusException:
		return ""
	case StatusInProcess, StatusSubmitted, StatusFOCDateConfirmed:
		for k := range body {
			if !patchOnlyKeys[k] {
				return fmt.Sprintf("Porting order in status %s can only change activation_settings.foc_datetime_requested and requirements; %s can not be updated.", o.status, k)
			}
		}
		if _, ok := body["activation_settings"]; ok && o.status == StatusFOCDateConfirmed {
			if foc, ok := o.focActual(); ok && foc.Sub(f.now()) < CancelCutoff {
				return "The FOC date can not be changed within 48 hours of the confirmed FOC date."
			}
		}
		return ""
	}
	return fmt.Sprintf("Porting order in status %s can not be updated.", o.status)
}

// afterPatch applies what a PATCH past submission means: a new requested
// FOC on a foc-date-confirmed order goes back to the losing carrier.
func (f *Fake) afterPatch(o *order, body map[string]any, prevStatus string, now time.Time) {
	as, ok := body["activation_settings"].(map[string]any)
	if !ok || prevStatus != StatusFOCDateConfirmed || str(as["foc_datetime_requested"]) == "" {
		return
	}
	o.attrs["activation_settings"].(map[string]any)["foc_datetime_actual"] = nil
	for _, j := range o.jobs {
		if j.status == "created" {
			j.status, j.updatedAt = "failed", now
		}
	}
	f.setStatus(o, StatusSubmitted, nil, now)
}

// checkRequirements validates requirements[] and requirement_group_id
// against the order: each item names one of the order's requirement types
// and a string field_value; a document requirement's value must be a
// document on the account. The fake has no requirement groups, so every
// requirement_group_id is unknown.
func (f *Fake) checkRequirements(o *order, body map[string]any) []apiError {
	var errs []apiError
	if v, ok := body["requirement_group_id"]; ok && v != nil {
		id := str(v)
		if !isUUID(id) {
			errs = append(errs, badRequest("requirement_group_id must be a UUID", "/requirement_group_id"))
		} else {
			errs = append(errs, errItem("10005", "Resource not found", "requirement group "+id+" not found", "/requirement_group_id"))
		}
	}
	arr, _ := body["requirements"].([]any)
	for i, it := range arr {
		ptr := fmt.Sprintf("/requirements/%d", i)
		m, ok := it.(map[string]any)
		if !ok {
			errs = append(errs, badRequest("each requirement must be an object", ptr))
			continue
		}
		tid, _ := m["requirement_type_id"].(string)
		val, okVal := m["field_value"].(string)
		if tid == "" {
			errs = append(errs, errItem("10004", "Missing required parameter", "requirement_type_id is required", ptr+"/requirement_type_id"))
			continue
		}
		if !okVal || val == "" {
			errs = append(errs, errItem("10004", "Missing required parameter", "field_value is required", ptr+"/field_value"))
			continue
		}
		rt, known := requirementTypes[tid]
		if !known {
			errs = append(errs, errItem("10015", "Invalid requirement", "requirement type "+tid+" is not a requirement of this porting order", ptr+"/requirement_type_id"))
			continue
		}
		if rt.fieldType == "document" && f.docs[val] == nil {
			errs = append(errs, errItem("10005", "Resource not found", "document "+val+" not found", ptr+"/field_value"))
		}
	}
	return errs
}

type requirementType struct {
	id, name, docKey, fieldType string
}

// requirementTypes are the fake's US porting requirements: the LOA and the
// invoice, both documents (documents.loa / documents.invoice fill them too).
var requirementTypes = map[string]requirementType{
	"0b1f6e2c-0000-4000-8000-00000000010a": {"0b1f6e2c-0000-4000-8000-00000000010a", "Letter of Authorization", "loa", "document"},
	"0b1f6e2c-0000-4000-8000-00000000010b": {"0b1f6e2c-0000-4000-8000-00000000010b", "Invoice", "invoice", "document"},
}

// docValue is the document id on file for docKey: documents.<key>, or the
// value supplied through requirements[] for the matching requirement.
func (o *order) docValue(docKey string) string {
	d, _ := o.attrs["documents"].(map[string]any)
	if v := str(d[docKey]); v != "" {
		return v
	}
	reqs, _ := o.attrs["requirements"].([]any)
	for i := len(reqs) - 1; i >= 0; i-- {
		m, _ := reqs[i].(map[string]any)
		if rt, ok := requirementTypes[str(m["requirement_type_id"])]; ok && rt.docKey == docKey {
			return str(m["field_value"])
		}
	}
	return ""
}

// mergeRequirements keeps one value per requirement type, the latest.
func mergeRequirements(cur any, patch []any) []any {
	byID := map[string]map[string]any{}
	var order []string
	add := func(v any) {
		m, _ := v.(map[string]any)
		id := str(m["requirement_type_id"])
		if id == "" {
			return
		}
		if _, seen := byID[id]; !seen {
			order = append(order, id)
		}
		byID[id] = map[string]any{"requirement_type_id": id, "field_value": m["field_value"], "field_type": requirementTypes[id].fieldType}
	}
	prev, _ := cur.([]any)
	for _, v := range prev {
		add(v)
	}
	for _, v := range patch {
		add(v)
	}
	out := []any{}
	for _, id := range order {
		out = append(out, byID[id])
	}
	return out
}

func (f *Fake) activateOrder(w http.ResponseWriter, _ *http.Request, args []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	o, ok := f.lookupOrder(w, args[0])
	if !ok {
		return
	}
	if !o.fastPortable {
		writeErrs(w, http.StatusUnprocessableEntity, statusRefusal("Only FastPort orders can be activated on demand; this porting order is not fast_port_eligible."))
		return
	}
	for _, n := range o.numbers {
		if countryOf(n) != "US" {
			writeErrs(w, http.StatusUnprocessableEntity, statusRefusal("On-demand activation is limited to US FastPort orders."))
			return
		}
	}
	if o.status != StatusFOCDateConfirmed {
		writeErrs(w, http.StatusUnprocessableEntity, statusRefusal(
			fmt.Sprintf("Porting orders can be activated once their FOC date is confirmed; this one is %s.", o.status)))
		return
	}
	if o.openJob() != nil {
		writeErrs(w, http.StatusUnprocessableEntity, statusRefusal("This porting order already has an activation job in progress."))
		return
	}
	foc, _ := o.focActual()
	now := f.now()
	at := foc
	if now.After(at) {
		at = now
	}
	j := &activationJob{id: uuid.New(), status: "created", typ: "on-demand", activateAt: at,
		winStart: foc, winEnd: foc.Add(ActivationWindow), createdAt: now, updatedAt: now}
	o.jobs = append(o.jobs, j)
	o.updatedAt = now
	writeJSON(w, http.StatusAccepted, map[string]any{"data": j.render()})
}

func (f *Fake) listActivationJobs(w http.ResponseWriter, r *http.Request, args []string) {
	num, size, ok := page(w, r)
	if !ok {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	o, ok := f.lookupOrder(w, args[0])
	if !ok {
		return
	}
	jobs := append([]*activationJob(nil), o.jobs...)
	sort.SliceStable(jobs, func(a, b int) bool { return jobs[a].createdAt.After(jobs[b].createdAt) })
	writePage(w, num, size, jobs, func(j *activationJob) any { return j.render() })
}

func (f *Fake) lookupJob(w http.ResponseWriter, args []string) (*order, *activationJob, bool) {
	o, ok := f.lookupOrder(w, args[0])
	if !ok {
		return nil, nil, false
	}
	for _, j := range o.jobs {
		if j.id == args[1] {
			return o, j, true
		}
	}
	writeErrs(w, http.StatusNotFound, notFound("Porting activation job "+args[1]))
	return nil, nil, false
}

func (f *Fake) getActivationJob(w http.ResponseWriter, _ *http.Request, args []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, j, ok := f.lookupJob(w, args); ok {
		writeJSON(w, http.StatusOK, map[string]any{"data": j.render()})
	}
}

func (f *Fake) patchActivationJob(w http.ResponseWriter, r *http.Request, args []string) {
	body, ok := decodeBody(w, r)
	if !ok {
		return
	}
	for k := range body {
		if k != "activate_at" {
			writeErrs(w, http.StatusUnprocessableEntity, badRequest("/"+k+" is not an updatable attribute", "/"+k))
			return
		}
	}
	raw, isStr := body["activate_at"].(string)
	at, err := time.Parse(time.RFC3339, raw)
	if !isStr || err != nil {
		writeErrs(w, http.StatusUnprocessableEntity, errItem("10004", "Missing required parameter",
			"activate_at is required (ISO 8601 date-time)", "/activate_at"))
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	o, j, ok := f.lookupJob(w, args)
	if !ok {
		return
	}
	if j.status != "created" {
		writeErrs(w, http.StatusUnprocessableEntity, statusRefusal("Only created activation jobs can be rescheduled; this one is "+j.status+"."))
		return
	}
	if at.Before(j.winStart) || at.After(j.winEnd) || at.Before(f.now()) {
		writeErrs(w, http.StatusUnprocessableEntity, badRequest("activate_at must fall inside the job's activation window and not in the past", "/activate_at"))
		return
	}
	now := f.now()
	j.activateAt, j.typ, j.updatedAt = at.UTC(), "scheduled", now
	o.updatedAt = now
	writeJSON(w, http.StatusOK, map[string]any{"data": j.render()})
}

// advanceActivation moves o's open job one step (caller holds f.mu):
// created → in-process at activate_at (time passes up to it on Advance),
// in-process → completed with the order ported. It reports whether o had
// a job to move.
func (f *Fake) advanceActivation(o *order, letTimePass bool) bool {
	j := o.openJob()
	if j == nil {
		return false
	}
	now := f.now()
	switch j.status {
	case "created":
		if j.activateAt.After(now) {
			if !letTimePass {
				return true
			}
			f.clock.Add(int64(j.activateAt.Sub(now)))
			now = f.now()
		}
		j.status, j.updatedAt = "in-process", now
		o.attrs["activation_settings"].(map[string]any)["activation_status"] = "Activate RDY"
		o.updatedAt = now
	case "in-process":
		j.status, j.updatedAt = "completed", now
		f.port(o, now)
	}
	return true
}
