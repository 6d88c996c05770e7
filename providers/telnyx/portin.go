package telnyx

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/portgate/portgate/providers"
)

// Port-in after submission (issue 14, slice portin): ReschedulePortOrder,
// ActivatePortOrder (FastPort on-demand activation jobs) and
// SupplyPortOrderRequirements, plus the activation, messaging port,
// additional steps and per-number statuses read from the order.

var (
	_ providers.Rescheduler         = (*Provider)(nil)
	_ providers.Activator           = (*Provider)(nil)
	_ providers.RequirementSupplier = (*Provider)(nil)
)

// Detail names in MissingDetails for the portin reads and writes.
const (
	detailActivation   = "activation"
	detailActivateTime = "activation.activate_time"
	detailAfterWrite   = "requirements"
)

// focWindowsOpen: the states in which the order can take a requested FOC
// time, so the allowed windows are read. Telnyx documents the windows for
// "a porting order" without naming states; portgate's guess (written in
// docs/mapping/telnyx.md) is every state before the port but cancellation.
func focWindowsOpen(s providers.State) bool {
	switch s {
	case providers.StateDraft, providers.StateSubmitted, providers.StateInProgress,
		providers.StateException, providers.StateFOCConfirmed:
		return true
	}
	return false
}

// wireNumberStatus is the status part of a PortingPhoneNumber, read as raw
// values (an odd type is dropped, never a failed read).
type wireNumberStatus struct {
	PortabilityStatus  json.RawMessage `json:"portability_status"`
	ActivationStatus   json.RawMessage `json:"activation_status"`
	RequirementsStatus json.RawMessage `json:"requirements_status"`
}

func appendNumberStatus(to []providers.NumberStatus, raw string, w wireNumberStatus) []providers.NumberStatus {
	n := number(raw)
	if n == "" {
		n = raw
	}
	return append(to, providers.NumberStatus{PhoneNumber: n, PortabilityStatus: rawString(w.PortabilityStatus),
		ActivationStatus: rawString(w.ActivationStatus), RequirementsStatus: rawString(w.RequirementsStatus)})
}

// mergeNumberStatuses adds the statuses of numbers not yet in have.
func mergeNumberStatuses(have, more []providers.NumberStatus) []providers.NumberStatus {
	seen := map[string]bool{}
	for _, s := range have {
		seen[s.PhoneNumber] = true
	}
	for _, s := range more {
		if !seen[s.PhoneNumber] {
			seen[s.PhoneNumber] = true
			have = append(have, s)
		}
	}
	return have
}

// rawString is a JSON string's value; anything else (null, a number, an
// object) is "".
func rawString(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}

var messagingPortStates = map[string]providers.MessagingPortState{
	"not_applicable":        providers.MessagingPortNotApplicable,
	"pending":               providers.MessagingPortPending,
	"activating":            providers.MessagingPortActivating,
	"exception":             providers.MessagingPortException,
	"canceled":              providers.MessagingPortCancelled,
	"cancelled":             providers.MessagingPortCancelled,
	"partial_port_complete": providers.MessagingPortPartiallyPorted,
	"ported":                providers.MessagingPortPorted,
}

// portInOf reads fast_port_eligible, activation_status, the messaging port
// and additional_steps. Lenient: an unknown messaging status is kept raw
// (state unspecified); an additional step that is not a string is kept as
// its JSON text.
func portInOf(w *wireOrder, st *providers.PortInStatus) {
	var fast bool
	if json.Unmarshal(w.ActivationSettings.FastPortEligible, &fast) == nil {
		st.FastPortEligible = fast
	}
	if as := rawString(w.ActivationSettings.ActivationStatus); as != "" {
		st.Activation = &providers.Activation{ProviderActivationStatus: as}
	}
	if mps := rawString(w.Messaging.MessagingPortStatus); mps != "" {
		st.MessagingPort = &providers.MessagingPort{State: messagingPortStates[mps], ProviderState: mps,
			Enabled: w.Messaging.EnableMessaging != nil && *w.Messaging.EnableMessaging}
	}
	var steps []json.RawMessage
	if json.Unmarshal(w.AdditionalSteps, &steps) == nil {
		for _, raw := range steps {
			if s := rawString(raw); s != "" {
				st.AdditionalSteps = append(st.AdditionalSteps, s)
			} else if t := strings.TrimSpace(string(raw)); t != "" && t != "null" {
				st.AdditionalSteps = append(st.AdditionalSteps, t)
			}
		}
	}
}

// wireJob is a porting_activation_job.
type wireJob struct {
	ID                string  `json:"id"`
	Status            string  `json:"status"`
	ActivationType    string  `json:"activation_type"`
	ActivateAt        *string `json:"activate_at"`
	ActivationWindows []struct {
		StartAt *string `json:"start_at"`
		EndAt   *string `json:"end_at"`
	} `json:"activation_windows"`
	CreatedAt *string `json:"created_at"`
}

func (j *wireJob) open() bool { return j.Status == "created" || j.Status == "in-process" }

var jobStates = map[string]providers.ActivationState{
	"created": providers.ActivationCreated, "in-process": providers.ActivationInProcess,
	"completed": providers.ActivationCompleted, "failed": providers.ActivationFailed,
}

var jobTypes = map[string]providers.ActivationType{
	"scheduled": providers.ActivationScheduled, "on-demand": providers.ActivationOnDemand,
}

// setJob puts job j on the order's activation (keeping the order's own
// activation_status).
func setJob(o *providers.PortOrder, j *wireJob) {
	a := &providers.Activation{}
	if o.PortIn.Activation != nil {
		a.ProviderActivationStatus = o.PortIn.Activation.ProviderActivationStatus
	}
	a.JobID, a.State, a.ProviderState = j.ID, jobStates[j.Status], j.Status
	a.Type, a.ActivateTime = jobTypes[j.ActivationType], parseTime(j.ActivateAt)
	for _, w := range j.ActivationWindows {
		start, end := parseTime(w.StartAt), parseTime(w.EndAt)
		if !start.IsZero() && !end.IsZero() && !end.Before(start) {
			a.Windows = append(a.Windows, providers.TimeWindow{Start: start, End: end})
		}
	}
	o.PortIn.Activation = a
}

// activationJobs lists the order's activation jobs (GET …/activation_jobs).
func (p *Provider) activationJobs(ctx context.Context, id string) ([]wireJob, error) {
	raws, err := p.all(ctx, orderPath(id)+"/activation_jobs", nil, orderCtx("list activation jobs"))
	if err != nil {
		return nil, err
	}
	var jobs []wireJob
	for _, raw := range raws {
		var j wireJob
		if json.Unmarshal(raw, &j) == nil && j.ID != "" {
			jobs = append(jobs, j)
		}
	}
	return jobs, nil
}

// latestJob is the open job if any, else the newest by created_at.
func latestJob(jobs []wireJob) *wireJob {
	var best *wireJob
	for i := range jobs {
		j := &jobs[i]
		switch {
		case best == nil:
			best = j
		case j.open() && !best.open():
			best = j
		case j.open() == best.open() && parseTime(j.CreatedAt).After(parseTime(best.CreatedAt)):
			best = j
		}
	}
	return best
}

// withActivation adds the activation job of a FastPort order once its FOC
// is confirmed (the only orders that have jobs). Lenient: a failed listing
// names "activation" in MissingDetails and keeps the order.
func (p *Provider) withActivation(ctx context.Context, o *providers.PortOrder) *providers.PortOrder {
	if !o.PortIn.FastPortEligible || (o.State != providers.StateFOCConfirmed && o.State != providers.StateCompleted) {
		return o
	}
	jobs, err := p.activationJobs(ctx, o.ID)
	if err != nil {
		o.MissingDetails = appendNew(o.MissingDetails, detailActivation)
		return o
	}
	if j := latestJob(jobs); j != nil {
		setJob(o, j)
	}
	return o
}

// afterWrite completes a write's answer with the order's details. The
// provider accepted the write: a failed detail read never fails it, it is
// named in MissingDetails.
func (p *Provider) afterWrite(ctx context.Context, o *providers.PortOrder) *providers.PortOrder {
	full, err := p.withDetails(ctx, o)
	if err != nil {
		o.MissingDetails = appendNew(o.MissingDetails, detailAfterWrite)
		return p.withActivation(ctx, o)
	}
	return p.withActivation(ctx, full)
}

// portInPointer names the fields of the portin requests for Telnyx's JSON
// pointers: /activation_settings/foc_datetime_requested → requested_foc_time,
// /requirements/2/field_value → requirements[2], /requirement_group_id,
// /activate_at → activate_time.
func portInPointer(ptr string) string {
	switch {
	case ptr == "/activation_settings/foc_datetime_requested":
		return "requested_foc_time"
	case ptr == "/requirement_group_id":
		return "requirement_group_id"
	case ptr == "/activate_at":
		return "activate_time"
	case strings.HasPrefix(ptr, "/requirements/"):
		i, _, _ := strings.Cut(strings.TrimPrefix(ptr, "/requirements/"), "/")
		return "requirements[" + i + "]"
	}
	return ""
}

// ReschedulePortOrder implements providers.Rescheduler:
// PATCH /porting_orders/{id} {activation_settings:{foc_datetime_requested}}.
func (p *Provider) ReschedulePortOrder(ctx context.Context, id string, foc time.Time) (*providers.PortOrder, error) {
	if err := OrderID.Check(Name, "port order", id); err != nil {
		return nil, err
	}
	body := map[string]any{"activation_settings": map[string]any{"foc_datetime_requested": foc.UTC().Format(time.RFC3339)}}
	ec := orderCtx("reschedule port order")
	ec.pointers = portInPointer
	o, err := p.orderCall(ctx, http.MethodPatch, orderPath(id), body, ec)
	if err != nil {
		return nil, err
	}
	return p.afterWrite(ctx, o), nil
}

// ActivatePortOrder implements providers.Activator:
// POST /porting_orders/{id}/actions/activate (202 {data: ActivationJob}),
// then, with at set, PATCH …/activation_jobs/{jobId} {activate_at}. An open
// job is reused rather than asking for a second one (a retry after a lost
// answer). Once Telnyx has accepted the activation, a failed follow-up
// (scheduling, re-reading) is reported in MissingDetails, never as an error.
func (p *Provider) ActivatePortOrder(ctx context.Context, id string, at time.Time) (*providers.PortOrder, error) {
	if err := OrderID.Check(Name, "port order", id); err != nil {
		return nil, err
	}
	jobs, err := p.activationJobs(ctx, id)
	if err != nil {
		return nil, err
	}
	var job *wireJob
	for i := range jobs {
		if jobs[i].open() {
			job = &jobs[i]
		}
	}
	if job != nil && !at.IsZero() {
		// The job's windows are known before the write: check here.
		tmp := &providers.PortOrder{}
		setJob(tmp, job)
		if len(tmp.PortIn.Activation.Windows) > 0 && !providers.InWindows(at, tmp.PortIn.Activation.Windows) {
			return nil, invalid("activate port order", []providers.FieldViolation{{Field: "activate_time",
				Description: "activate_time must fall inside the activation window of the order's activation job"}})
		}
	}
	if job == nil {
		var env struct {
			Data wireJob `json:"data"`
		}
		if err := p.call(ctx, http.MethodPost, orderPath(id)+"/actions/activate", nil, nil, &env, orderCtx("activate port order")); err != nil {
			return nil, err
		}
		job = &env.Data
	}
	var missing []string
	if !at.IsZero() && job.Status == "created" && job.ID != "" {
		var env struct {
			Data wireJob `json:"data"`
		}
		path := orderPath(id) + "/activation_jobs/" + url.PathEscape(job.ID)
		ec := orderCtx("schedule activation job")
		ec.pointers = portInPointer
		if err := p.call(ctx, http.MethodPatch, path, nil, map[string]any{"activate_at": at.UTC().Format(time.RFC3339)}, &env, ec); err != nil {
			missing = append(missing, detailActivateTime)
		} else if env.Data.ID != "" {
			job = &env.Data
		}
	}
	o, err := p.getOrder(ctx, id)
	if err != nil {
		// Accepted: answer what is known (the order was FOC-confirmed).
		o = &providers.PortOrder{ID: id, State: providers.StateFOCConfirmed, ProviderStatus: statusFOCDateConfirmed,
			MissingDetails: []string{providers.DetailState}}
		o.PortIn.FastPortEligible = true
	} else {
		o = p.afterWrite(ctx, o)
	}
	setJob(o, job)
	o.MissingDetails = appendNew(o.MissingDetails, missing...)
	return o, nil
}

// SupplyPortOrderRequirements implements providers.RequirementSupplier:
// PATCH /porting_orders/{id} {requirements:[{requirement_type_id,
// field_value}], requirement_group_id}. A document requirement's
// field_value is the document id (POST /documents, as
// CreatePortOrderDocument uploads it).
func (p *Provider) SupplyPortOrderRequirements(ctx context.Context, id string, upd providers.RequirementsUpdate) (*providers.PortOrder, error) {
	if err := OrderID.Check(Name, "port order", id); err != nil {
		return nil, err
	}
	body := map[string]any{}
	if len(upd.Values) > 0 {
		var reqs []any
		for _, v := range upd.Values {
			val := v.Text
			if v.DocumentID != "" {
				val = v.DocumentID
			}
			reqs = append(reqs, map[string]any{"requirement_type_id": v.TypeID, "field_value": val})
		}
		body["requirements"] = reqs
	}
	if upd.GroupID != "" {
		body["requirement_group_id"] = upd.GroupID
	}
	ec := orderCtx("supply port order requirements")
	ec.pointers = portInPointer
	o, err := p.orderCall(ctx, http.MethodPatch, orderPath(id), body, ec)
	if err != nil {
		return nil, err
	}
	return p.afterWrite(ctx, o), nil
}
