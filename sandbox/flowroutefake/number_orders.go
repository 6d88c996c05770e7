package flowroutefake

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/portgate/portgate/internal/e164"
	"github.com/portgate/portgate/sandbox/scenarios"
)

// Purchase (POST /v2/numbers/{id}) and release (DELETE /v2/numbers/{id}).

// soldLocked reports whether the 11-digit v was bought from the inventory
// already (f.sold, lazily made). Caller holds f.mu.
func (f *Fake) availableLocked(v string) bool {
	if f.sold[v] {
		return false
	}
	if _, owned := f.numbers[v]; owned {
		return false
	}
	if slices.ContainsFunc(AvailableNumbers, func(e string) bool { return e164.ToNANP11(e) == v }) {
		return true
	}
	return slices.ContainsFunc(inventory(), func(n availableNumber) bool { return n.value == v })
}

func (f *Fake) notThere(w http.ResponseWriter, r *http.Request) {
	f.writeErr(w, r, http.StatusNotFound, map[string]any{"detail": "Could not find that resource on your account.", "id": f.traceID(), "status": 404})
}

// purchaseNumber answers POST /v2/numbers/{id}: 201 with the number (as
// GET shows it); 207 when messaging_enabled was asked for and provisioning
// fails (a SuffixMessagingFails number) — the number IS bought; 404 for a
// number not in the inventory; 422 for a malformed id or body.
func (f *Fake) purchaseNumber(w http.ResponseWriter, r *http.Request, id string) {
	if len(id) != 11 || strings.Trim(id, "0123456789") != "" {
		f.validation(w, r, map[string][]string{"id": {"Not a valid 11-digit phone number."}})
		return
	}
	var body map[string]json.RawMessage
	b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		f.badRequest(w, r, "Malformed JSON body.")
		return
	}
	if len(strings.TrimSpace(string(b))) > 0 {
		if err := json.Unmarshal(b, &body); err != nil {
			f.badRequest(w, r, "Malformed JSON body.")
			return
		}
	}
	errs := map[string][]string{}
	var cnam, messaging bool
	for k, raw := range body {
		switch k {
		case "cnam_lookups_enabled", "messaging_enabled":
			var v bool
			if err := json.Unmarshal(raw, &v); err != nil {
				errs[k] = []string{"Not a valid boolean."}
			}
			if k == "cnam_lookups_enabled" {
				cnam = v
			} else {
				messaging = v
			}
		default:
			errs[k] = []string{"Unknown field."}
		}
	}
	if len(errs) > 0 {
		f.validation(w, r, errs)
		return
	}
	f.mu.Lock()
	if !f.availableLocked(id) {
		f.mu.Unlock()
		f.notThere(w, r)
		return
	}
	if f.sold == nil {
		f.sold = map[string]bool{}
	}
	f.sold[id] = true
	f.addNumberLocked("+"+id, time.Now().UTC(), nil, nil, cnam)
	n := f.numbers[id]
	failed := false
	if messaging {
		f.nextTaskID++
		n.messageTask = fmt.Sprintf("8afe0a20108c4219bc37cca8%08x", f.nextTaskID)
		n.messageStatus = taskProcessing
		if strings.HasSuffix(id, scenarios.SuffixMessagingFails) {
			failed = true
			n.messageStatus = taskFailed
		}
	}
	f.mu.Unlock()
	if !failed {
		f.writeNumber(w, r, n, http.StatusCreated, nil)
		return
	}
	f.writeNumber(w, r, n, http.StatusMultiStatus, map[string]any{
		"errors": []any{map[string]any{
			"id": f.traceID(), "status": 503, "title": "Message Provision API unavailable",
			"detail": "The number was purchased but messaging could not be enabled: the Message Provision API returned an error. Retry later.",
			"source": map[string]any{"pointer": "/messaging_enabled"},
		}},
	})
}

// releaseNumber answers DELETE /v2/numbers/{id}: 204, the number leaves the
// account. A number still arriving by a port order (port-pending) is
// refused with the documented 403 ActionNotAuthorizedError shape (our
// guess: Flowroute documents no rule; docs/mapping/flowroute.md).
func (f *Fake) releaseNumber(w http.ResponseWriter, r *http.Request, n *number) {
	f.mu.Lock()
	if n.portPending != "" {
		f.mu.Unlock()
		f.writeErr(w, r, http.StatusForbidden, map[string]any{"detail": "", "status": 403, "title": "ActionNotAuthorizedError"})
		return
	}
	delete(f.numbers, n.value)
	if i := slices.Index(f.numberSeq, n.value); i >= 0 {
		f.numberSeq = slices.Delete(f.numberSeq, i, i+1)
	}
	f.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}
