package telnyxevents

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/portgate/portgate/internal/ingest"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/portgate/portgate/internal/events"
	"github.com/portgate/portgate/internal/store"
	"github.com/portgate/portgate/providers/telnyx"
)

// Telnyx webhook headers.
const (
	HeaderTelnyxSignature = "telnyx-signature-ed25519"
	HeaderTelnyxTimestamp = "telnyx-timestamp"
)

// DefaultTelnyxTolerance is how far a webhook's timestamp may be from now,
// either way.
const DefaultTelnyxTolerance = 5 * time.Minute

// TelnyxPath is the webhook route.
const TelnyxPath = "/webhooks/telnyx"

// TelnyxOptions configure the Telnyx webhook endpoint.
type TelnyxOptions struct {
	Store store.Store
	// PublicKey verifies signatures; nil answers every delivery 503 (fail
	// closed, never accept unsigned events).
	PublicKey ed25519.PublicKey
	// Tolerance bounds |now - telnyx-timestamp|; 0 = DefaultTelnyxTolerance.
	Tolerance time.Duration
	// MaxBodyBytes caps a body; 0 = DefaultMaxBodyBytes.
	MaxBodyBytes int64
	Now          func() time.Time
	Logger       *slog.Logger
}

// ParsePublicKey decodes a base64 Ed25519 public key (as the Telnyx portal
// shows it).
func ParsePublicKey(b64 string) (ed25519.PublicKey, error) {
	k, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return nil, errors.New("not base64")
	}
	if len(k) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("%d bytes, want an Ed25519 public key of %d", len(k), ed25519.PublicKeySize)
	}
	return ed25519.PublicKey(k), nil
}

// TelnyxHandler is POST /webhooks/telnyx.
func TelnyxHandler(o TelnyxOptions) http.Handler {
	if o.Tolerance <= 0 {
		o.Tolerance = DefaultTelnyxTolerance
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = ingest.DefaultMaxBodyBytes
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(o.PublicKey) != ed25519.PublicKeySize {
			ingest.WriteError(w, http.StatusServiceUnavailable, codes.FailedPrecondition, ingest.ReasonNotConfigured,
				"Telnyx webhooks are not accepted: TELNYX_PUBLIC_KEY is not set")
			return
		}
		body, ok := ingest.ReadBody(w, r, o.MaxBodyBytes, "webhook")
		if !ok {
			return
		}
		now := o.Now()
		if code, reason, msg := verifyTelnyx(o.PublicKey, r.Header, body, now, o.Tolerance); code != 0 {
			ingest.WriteError(w, code, codes.Unauthenticated, reason, msg)
			return
		}
		if telnyxNumberOrderEvent(body) { // issue 14 — buy: not a port order event
			ackNumberOrderEvent(w)
			return
		}
		ev, err := TelnyxWebhookEvent(body, now)
		if err != nil {
			ingest.WriteError(w, http.StatusBadRequest, codes.InvalidArgument, ingest.ReasonMalformed, err.Error())
			return
		}
		seq, isNew, err := appendTelnyx(r.Context(), o.Store, ev)
		if err == nil && ev.Type == events.TypeOrderSplit {
			err = trackSplit(r, o.Store, ev, now)
		}
		if err != nil {
			o.Logger.Warn("telnyx webhook: storing the event failed", "event_id", ev.EventID, "err", err)
			ingest.WriteError(w, http.StatusServiceUnavailable, codes.Unavailable, ingest.ReasonStoreUnavailable, "the event could not be stored; deliver it again")
			return
		}
		ingest.WriteOK(w, seq, isNew)
	})
}

// verifyTelnyx checks the headers; code 0 = good.
func verifyTelnyx(pub ed25519.PublicKey, h http.Header, body []byte, now time.Time, tolerance time.Duration) (int, string, string) {
	sigB64, tsRaw := h.Get(HeaderTelnyxSignature), h.Get(HeaderTelnyxTimestamp)
	if sigB64 == "" || tsRaw == "" {
		return http.StatusUnauthorized, ingest.ReasonSignatureInvalid, "missing " + HeaderTelnyxSignature + " or " + HeaderTelnyxTimestamp + " header"
	}
	ts, err := strconv.ParseInt(tsRaw, 10, 64)
	if err != nil {
		return http.StatusUnauthorized, ingest.ReasonTimestampInvalid, HeaderTelnyxTimestamp + " is not Unix seconds"
	}
	if d := math.Abs(float64(now.Unix() - ts)); d > tolerance.Seconds() {
		return http.StatusUnauthorized, ingest.ReasonTimestampInvalid,
			fmt.Sprintf("%s is %.0fs from now; at most %s either way is accepted", HeaderTelnyxTimestamp, d, tolerance)
	}
	sig, err := base64.StdEncoding.DecodeString(sigB64)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return http.StatusUnauthorized, ingest.ReasonSignatureInvalid, HeaderTelnyxSignature + " is not a base64 Ed25519 signature"
	}
	msg := make([]byte, 0, len(tsRaw)+1+len(body))
	msg = append(append(append(msg, tsRaw...), '|'), body...)
	if !ed25519.Verify(pub, msg, sig) {
		return http.StatusUnauthorized, ingest.ReasonSignatureInvalid, "signature does not verify with the configured Telnyx public key"
	}
	return 0, "", ""
}

// telnyxWire is the event as delivered: the {data:{...},meta} envelope's
// data, the flat shape, or an events API record.
type telnyxWire struct {
	ID             string          `json:"id"`
	EventType      string          `json:"event_type"`
	OccurredAt     string          `json:"occurred_at"`
	CreatedAt      string          `json:"created_at"`
	PortingOrderID string          `json:"porting_order_id"`
	Payload        json.RawMessage `json:"payload"`
}

// TelnyxWebhookEvent parses a webhook body (enveloped or flat).
func TelnyxWebhookEvent(body []byte, now time.Time) (store.Event, error) {
	var env struct {
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return store.Event{}, errors.New("webhook body is not a JSON object")
	}
	inner := body
	if d := bytes.TrimSpace(env.Data); len(d) > 0 && d[0] == '{' {
		inner = d
	}
	var w telnyxWire
	if err := json.Unmarshal(inner, &w); err != nil {
		return store.Event{}, errors.New("webhook event is not a JSON object")
	}
	if w.ID == "" {
		// Never drop a signed event: a body without an id is deduped by its
		// content.
		w.ID = ingest.DerivedID("telnyx-body", string(body))
	}
	return TelnyxEvent(w, now), nil
}

// TelnyxRecord is one record of GET /v2/porting/events (or a webhook).
type TelnyxRecord = telnyxWire

// TelnyxEvent maps one Telnyx porting event to the neutral event.
func TelnyxEvent(w telnyxWire, now time.Time) store.Event {
	if isPortOutEvent(w.EventType) {
		return telnyxPortOutEvent(w, now)
	}
	p := events.Payload{Raw: ingest.Redact(w.Payload)}
	typ := events.TypeOther
	orderID := w.PortingOrderID
	var pl struct {
		ID             string `json:"id"`
		PortingOrderID string `json:"porting_order_id"`
		Status         struct {
			Value   string `json:"value"`
			Details []struct {
				Code        string `json:"code"`
				Description string `json:"description"`
			} `json:"details"`
		} `json:"status"`
		Comment struct {
			Body string `json:"body"`
		} `json:"comment"`
		From struct {
			ID string `json:"id"`
		} `json:"from"`
		To struct {
			ID string `json:"id"`
		} `json:"to"`
		Messaging struct {
			MessagingPortStatus string `json:"messaging_port_status"`
		} `json:"messaging"`
	}
	_ = json.Unmarshal(w.Payload, &pl) // lenient: what doesn't parse stays in Raw
	switch w.EventType {
	case "porting_order.status_changed":
		orderID = firstNonEmpty(pl.ID, orderID)
		p.ProviderStatus = pl.Status.Value
		if st := telnyx.StateOf(pl.Status.Value); st != 0 {
			p.NewState = st.String()
		}
		typ = events.TypeStateChanged
		if pl.Status.Value == "exception" {
			typ = events.TypeExceptionRaised
			p.Exception = &events.Exception{}
			if len(pl.Status.Details) > 0 {
				p.Exception.Code, p.Exception.Message = pl.Status.Details[0].Code, pl.Status.Details[0].Description
			}
		}
	case "porting_order.new_comment":
		orderID = firstNonEmpty(pl.PortingOrderID, orderID)
		typ, p.Comment = events.TypeCommentAdded, pl.Comment.Body
	case "porting_order.split":
		orderID = firstNonEmpty(pl.From.ID, orderID)
		typ = events.TypeOrderSplit
	case "porting_order.deleted":
		orderID = firstNonEmpty(pl.ID, orderID)
		typ, p.ProviderStatus = events.TypeStateChanged, "deleted"
	case "porting_order.messaging_changed":
		orderID = firstNonEmpty(pl.ID, orderID)
		typ, p.ProviderStatus = events.TypeNumbersChanged, pl.Messaging.MessagingPortStatus
	case "porting_order.loa_updated":
		typ = events.TypeDocumentChanged
	default: // sharing_token_expired and anything Telnyx adds later
		orderID = firstNonEmpty(orderID, pl.ID)
	}
	if p.Raw == nil || string(p.Raw) == "null" {
		// Keep the event type visible even when the payload is null.
		p.Raw, _ = json.Marshal(map[string]any{"event_type": w.EventType})
	} else if typ == events.TypeOther {
		p.Raw, _ = json.Marshal(map[string]any{"event_type": w.EventType, "payload": p.Raw})
	}
	occurred := parseTime(firstNonEmpty(w.OccurredAt, w.CreatedAt))
	if occurred.IsZero() {
		occurred = now
	}
	return store.Event{Provider: telnyx.Name, EventID: w.ID, OrderName: ingest.OrderName(telnyx.Name, orderID),
		Type: typ, Payload: ingest.MarshalPayload(p), OccurredAt: occurred, ReceivedAt: now}
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC()
	}
	if n, err := strconv.ParseFloat(s, 64); err == nil {
		return time.UnixMicro(int64(n * 1e6)).UTC()
	}
	return time.Time{}
}

// trackSplit tracks the order a split created with its parent's callback
// URL, so the caller keeps hearing about the numbers that moved.
func trackSplit(r *http.Request, st store.Store, ev store.Event, now time.Time) error {
	var p events.Payload
	if json.Unmarshal(ev.Payload, &p) != nil {
		return nil
	}
	var pl struct {
		To struct {
			ID string `json:"id"`
		} `json:"to"`
	}
	if json.Unmarshal(p.Raw, &pl) != nil || pl.To.ID == "" {
		return nil
	}
	cb := ""
	if parent, err := st.GetTrackedOrder(r.Context(), ev.OrderName); err == nil {
		cb = parent.CallbackURI
	}
	return st.TrackOrder(r.Context(), ingest.OrderName(telnyx.Name, pl.To.ID), telnyx.Name, cb, now)
}
