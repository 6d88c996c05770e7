package flowroutefake

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"github.com/portgate/portgate/sandbox/scenarios"
	"net/http"
	"time"

	"github.com/portgate/portgate/internal/uuid"
)

// CustomerID is the customer_id the fake puts in status callbacks.
const CustomerID = "33fd5ce0a4b54e0f8e2f2d1a6c5e9b10"

// statusCallbackBody is Flowroute's documented port status callback
// (reference §2.6): a JSON:API-like po_status_change object, unsigned.
func statusCallbackBody(o *order, now time.Time, url string) []byte {
	id := uuid.New()
	iso := now.UTC().Format("2006-01-02T15:04:05.000000+00:00")
	body, _ := json.Marshal(map[string]any{"data": map[string]any{
		"id": id, "type": "po_status_change", "timestamp": now.UTC().Format("2006-01-02T15:04:05.000Z"),
		"attributes": map[string]any{
			"type": "event", "event_type": "status_change", "version": "1.0", "id": id,
			"resource_type": "portorders", "resource_id": o.id, "status": o.status,
			"message":     fmt.Sprintf("Port Order #%s has been %s.", o.id, statusPhrase(o.status)),
			"customer_id": CustomerID, "at": iso, "timestamp": iso, "url_override": url,
		}}})
	return body
}

func statusPhrase(s string) string {
	switch s {
	case StatusPending:
		return "created"
	case StatusProcessing:
		return "moved to processing"
	case StatusReview:
		return "moved to review"
	case StatusHardCancel:
		return "hard canceled"
	}
	return s
}

type callback struct {
	to   string
	body []byte
}

// notifyLocked queues a status callback to o's status_url, if it has one.
// One goroutine at a time drains the queue, so callbacks arrive in the
// order the changes happened and a slow receiver never holds up the API;
// Close waits for the queue to drain. Flowroute documents no retries, so
// there are none. Caller holds f.mu.
func (f *Fake) notifyLocked(o *order, now time.Time) {
	if o.statusURL == nil || *o.statusURL == "" || f.closed {
		return
	}
	to := *o.statusURL
	if scenarios.ReservedCallbackURL(to) {
		f.log.Info("flowroutefake: status callback not sent to a reserved documentation host", "url", to)
		return
	}
	f.hookQueue = append(f.hookQueue, callback{to: to, body: statusCallbackBody(o, now, to)})
	if !f.hookBusy {
		f.hookBusy = true
		f.hooks.Add(1)
		go f.drainCallbacks()
	}
}

func (f *Fake) drainCallbacks() {
	defer f.hooks.Done()
	for {
		f.mu.Lock()
		if len(f.hookQueue) == 0 {
			f.hookBusy = false
			f.mu.Unlock()
			return
		}
		cb := f.hookQueue[0]
		f.hookQueue = f.hookQueue[1:]
		f.mu.Unlock()
		f.deliver(cb)
	}
}

func (f *Fake) deliver(cb callback) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, cb.to, bytes.NewReader(cb.body))
	if err != nil {
		f.log.Warn("flowroutefake: bad status_url", "err", err)
		return
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Go-http-client/1.1")
	resp, err := f.client.Do(req)
	if err != nil {
		f.log.Warn("flowroutefake: status callback failed", "err", err)
		return
	}
	_ = resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		f.log.Warn("flowroutefake: status callback not accepted", "status", resp.StatusCode)
	}
}
