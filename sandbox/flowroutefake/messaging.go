package flowroutefake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/portgate/portgate/sandbox/scenarios"
)

// Message provisioning (reference §3): POST /v2/message-provision
// {numbers[], action:"enable"|"disable", callback_url, email} → 201 with a
// task; GET /v2/message-provision/status/{task_id}. Results are split into
// successful, processing and failed. The PATCH of a number with
// messaging_enabled starts the same kind of task (its id is the number's
// message_provision relationship), so the status URL answers for it too.
// The bodies' exact shape is not documented: ours is in
// docs/mapping/flowroute.md (a guess the adapter does not depend on; it
// reads provisioning from the number).

// msgTask remembers a bulk task's action and the numbers it could not
// start (not on the account: failed at once).
type msgTask struct {
	action string
	failed []string
}

func (f *Fake) serveMessageProvision(w http.ResponseWriter, r *http.Request, seg []string) {
	switch {
	case len(seg) == 0 && r.Method == http.MethodPost:
		f.provisionMessaging(w, r)
	case len(seg) == 2 && seg[0] == "status" && r.Method == http.MethodGet:
		f.provisionStatus(w, r, seg[1])
	case len(seg) == 0 || (len(seg) == 2 && seg[0] == "status"):
		f.methodNotAllowed(w, r)
	default:
		f.urlNotFound(w)
	}
}

func (f *Fake) provisionMessaging(w http.ResponseWriter, r *http.Request) {
	var body map[string]json.RawMessage
	if err := readBody(r, &body); err != nil {
		f.badRequest(w, r, "Malformed JSON body.")
		return
	}
	errs := map[string][]string{}
	var numbers []string
	var action string
	for k, raw := range body {
		switch k {
		case "numbers":
			if json.Unmarshal(raw, &numbers) != nil || len(numbers) == 0 {
				errs[k] = []string{"Must be a non-empty list of numbers."}
			}
		case "action":
			if json.Unmarshal(raw, &action) != nil || (action != "enable" && action != "disable") {
				errs[k] = []string{"Must be one of: enable, disable."}
			}
		case "callback_url":
			var s string
			if json.Unmarshal(raw, &s) != nil {
				errs[k] = []string{"Not a valid string."}
			} else if u, err := url.Parse(s); s != "" && (err != nil || (u.Scheme != "http" && u.Scheme != "https")) {
				errs[k] = []string{"Not a valid URL."}
			}
		case "email":
			var s string
			if json.Unmarshal(raw, &s) != nil || (s != "" && !strings.Contains(s, "@")) {
				errs[k] = []string{"Not a valid email address."}
			}
		default:
			errs[k] = []string{"Unknown field."}
		}
	}
	for _, k := range []string{"numbers", "action"} {
		if _, ok := body[k]; !ok {
			errs[k] = []string{"Missing data for required field."}
		}
	}
	if len(errs) > 0 {
		f.validation(w, r, errs)
		return
	}
	f.mu.Lock()
	f.nextTaskID++
	task := fmt.Sprintf("8afe0a20108c4219bc37cca8%08x", f.nextTaskID)
	t := &msgTask{action: action}
	for _, v := range numbers {
		n, ok := f.numbers[strings.TrimPrefix(v, "+")]
		if !ok || strings.HasSuffix(v, scenarios.SuffixNotOnAccount) {
			t.failed = append(t.failed, v)
			continue
		}
		n.messageTask = task
		switch {
		case action == "disable":
			n.messaging, n.messageStatus = false, taskSuccessful
		case n.messaging:
			n.messageStatus = taskSuccessful
		case strings.HasSuffix(n.value, scenarios.SuffixMessagingFails):
			n.messageStatus = taskFailed
		default:
			n.messageStatus = taskProcessing
		}
	}
	if f.msgTasks == nil {
		f.msgTasks = map[string]*msgTask{}
	}
	f.msgTasks[task] = t
	data := f.taskDataLocked(baseURL(r), task)
	f.mu.Unlock()
	writeJSON(w, r, http.StatusCreated, map[string]any{"data": data})
}

// taskDataLocked renders a task with its numbers split by status.
func (f *Fake) taskDataLocked(base, task string) map[string]any {
	split := map[string][]string{taskSuccessful: {}, taskProcessing: {}, taskFailed: {}}
	action := "enable"
	if t := f.msgTasks[task]; t != nil {
		action = t.action
		split[taskFailed] = append(split[taskFailed], t.failed...)
	}
	for _, v := range f.numberSeq {
		if n := f.numbers[v]; n.messageTask == task && n.messageStatus != "" {
			split[n.messageStatus] = append(split[n.messageStatus], n.value)
		}
	}
	return map[string]any{"id": task, "type": "message_provision",
		"attributes": map[string]any{"action": action, "successful": split[taskSuccessful],
			"processing": split[taskProcessing], "failed": split[taskFailed]},
		"links": map[string]any{"self": base + "/v2/message-provision/status/" + task}}
}

func (f *Fake) provisionStatus(w http.ResponseWriter, r *http.Request, task string) {
	f.mu.Lock()
	known := f.msgTasks[task] != nil
	for _, n := range f.numbers {
		known = known || n.messageTask == task
	}
	var data map[string]any
	if known {
		data = f.taskDataLocked(baseURL(r), task)
	}
	f.mu.Unlock()
	if !known {
		f.writeErr(w, r, http.StatusNotFound, map[string]any{"detail": "Could not find that resource on your account.", "id": f.traceID(), "status": 404})
		return
	}
	writeJSON(w, r, http.StatusOK, map[string]any{"data": data})
}
