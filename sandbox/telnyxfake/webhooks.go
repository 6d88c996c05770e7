package telnyxfake

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"github.com/portgate/portgate/sandbox/scenarios"
	"net/http"
	"strconv"
	"time"

	"github.com/portgate/portgate/internal/uuid"
)

// Webhook headers (D go lib/webhook_verification.go).
const (
	HeaderSignature = "telnyx-signature-ed25519"
	HeaderTimestamp = "telnyx-timestamp"
)

// Sign returns the header value Telnyx sends: base64(Ed25519(ts + "|" + body)).
func Sign(priv ed25519.PrivateKey, timestamp string, body []byte) string {
	msg := append([]byte(timestamp+"|"), body...)
	return base64.StdEncoding.EncodeToString(ed25519.Sign(priv, msg))
}

// Verify checks a webhook signature against pub (exact raw body bytes).
func Verify(pub ed25519.PublicKey, signature, timestamp string, body []byte) bool {
	sig, err := base64.StdEncoding.DecodeString(signature)
	if err != nil || len(sig) != ed25519.SignatureSize || len(pub) != ed25519.PublicKeySize {
		return false
	}
	return ed25519.Verify(pub, append([]byte(timestamp+"|"), body...), sig)
}

// destinations are the configured WebhookURL plus the order's webhook_url.
func (f *Fake) destinations(o *order) []string {
	var out []string
	if f.hookTo != "" {
		out = append(out, f.hookTo)
	}
	if o != nil {
		if u := str(o.attrs["webhook_url"]); u != "" && u != f.hookTo {
			out = append(out, u)
		}
	}
	return out
}

func (f *Fake) emitStatusChanged(o *order) {
	details := []any{}
	for _, d := range o.details {
		details = append(details, map[string]any{"code": d.Code, "description": d.Description})
	}
	f.emit("porting_order.status_changed", map[string]any{"id": o.id,
		"customer_reference": o.attrs["customer_reference"], "support_key": nilIfEmpty(o.supportKey),
		"updated_at": ts(o.updatedAt), "webhook_url": o.attrs["webhook_url"],
		"status": map[string]any{"value": o.status, "details": details}}, o)
}

// emit records the event (events API) and sends the standard {data,meta}
// envelope. Caller holds f.mu; the body is serialized here so later state
// changes cannot race with the send.
func (f *Fake) emit(eventType string, payload map[string]any, o *order) {
	id, at := uuid.New(), time.Now().UTC()
	f.recordEvent(id, eventType, payload, at)
	f.deliverEvent(id, eventType, payload, at, o, false)
}

// emitFlat is emit with the flat envelope the docs show for
// deleted/messaging_changed.
func (f *Fake) emitFlat(eventType string, payload map[string]any, o *order) {
	id, at := uuid.New(), time.Now().UTC()
	f.recordEvent(id, eventType, payload, at)
	f.deliverEvent(id, eventType, payload, at, o, true)
}

// deliverEvent sends one event to every destination. Caller holds f.mu.
func (f *Fake) deliverEvent(id, eventType string, payload map[string]any, at time.Time, o *order, flat bool) {
	for _, to := range f.destinations(o) {
		var body []byte
		if flat {
			body, _ = json.Marshal(map[string]any{"id": id, "event_type": eventType, "occurred_at": ts(at),
				"urls": []string{to}, "organization_id": "4f5a1c2e-0000-4000-8000-0000000000aa", "format": "v2",
				"payload": payload})
		} else {
			body, _ = json.Marshal(map[string]any{
				"data": map[string]any{"event_type": eventType, "id": id, "occurred_at": ts(at),
					"record_type": "event", "payload": payload},
				"meta": map[string]any{"attempt": 1, "delivered_to": to}})
		}
		f.send(to, body)
	}
}

// send delivers asynchronously (never blocks the request path); Close waits.
// Caller holds f.mu.
func (f *Fake) send(to string, body []byte) {
	if f.closed {
		return
	}
	if scenarios.ReservedCallbackURL(to) {
		f.log.Info("telnyxfake: webhook not sent to a reserved documentation host", "url", to)
		return
	}
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		ts := strconv.FormatInt(time.Now().Unix(), 10)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, to, bytes.NewReader(body))
		if err != nil {
			f.log.Warn("telnyxfake: bad webhook url", "err", err)
			return
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(HeaderTimestamp, ts)
		req.Header.Set(HeaderSignature, Sign(f.priv, ts, body))
		resp, err := f.client.Do(req)
		if err != nil {
			f.log.Warn("telnyxfake: webhook delivery failed", "err", err)
			return
		}
		_ = resp.Body.Close()
		if resp.StatusCode/100 != 2 {
			f.log.Warn("telnyxfake: webhook not accepted", "status", resp.StatusCode)
		}
	}()
}
