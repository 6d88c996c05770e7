// Package ingest turns what the providers tell portgate about port orders —
// Telnyx's signed webhooks, Flowroute's unsigned status callbacks, and what
// re-reads, pollers and sweeps find — into neutral events in the store
// (internal/events shapes, store.AppendEvent).
//
// Every handler answers 2xx only after the store committed the event, so a
// provider that saw 2xx can forget the delivery; anything else is non-2xx
// and the provider (or the next poll or sweep) tries again. Event ids are
// the provider's own (Telnyx) or derived deterministically from what
// changed (Flowroute), so an event seen twice, or both ways, is stored once.
package ingest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/portgate/portgate/internal/reasons"
	"io"
	"net/http"
	"strings"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/portgate/portgate/internal/events"
)

// Reasons of the errors the webhook endpoints answer (docs/errors.md).
const (
	ReasonSignatureInvalid = "WEBHOOK_SIGNATURE_INVALID" // missing, malformed or wrong Telnyx signature
	ReasonTimestampInvalid = "WEBHOOK_TIMESTAMP_OUT_OF_RANGE"
	ReasonMalformed        = "WEBHOOK_MALFORMED"       // body is not the JSON shape the provider sends
	ReasonTooLarge         = "REQUEST_TOO_LARGE"       // body over the webhook cap
	ReasonNotConfigured    = "WEBHOOK_NOT_CONFIGURED"  // no key to verify with (fail closed)
	ReasonStoreUnavailable = "EVENT_STORE_UNAVAILABLE" // the event could not be stored; retry
	ReasonRereadFailed     = "PROVIDER_REREAD_FAILED"  // a Flowroute callback's re-read failed; retry
	ReasonRouteNotFound    = "ROUTE_NOT_FOUND"         // bad Flowroute callback token (indistinguishable from no route)
)

// DefaultMaxBodyBytes caps a webhook body. Telnyx porting events and
// Flowroute callbacks are a few KiB.
const DefaultMaxBodyBytes = 256 << 10

// OrderName is the neutral resource name of a provider's port order.
func OrderName(provider, id string) string {
	if id == "" {
		id = "-"
	}
	return "providers/" + provider + "/portOrders/" + id
}

// ReadBody reads at most limit bytes of r's body; otherwise it answers the
// caller itself (413 over the limit, 400 unreadable) and reports false.
// what names the body in those answers ("webhook", "callback").
func ReadBody(w http.ResponseWriter, r *http.Request, limit int64, what string) ([]byte, bool) {
	tooLarge := r.ContentLength > limit // refused before reading
	var b []byte
	var err error
	if !tooLarge {
		b, err = io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
		var mbe *http.MaxBytesError
		tooLarge = errors.As(err, &mbe)
	}
	if tooLarge {
		WriteError(w, http.StatusRequestEntityTooLarge, codes.InvalidArgument, ReasonTooLarge,
			fmt.Sprintf("%s body larger than %d bytes", what, limit))
		return nil, false
	}
	if err != nil {
		WriteError(w, http.StatusBadRequest, codes.InvalidArgument, ReasonMalformed, what+" body could not be read")
		return nil, false
	}
	return b, true
}

// WriteError answers a google.rpc.Status JSON with ErrorInfo (domain
// portgate), the shape every portgate REST error has.
func WriteError(w http.ResponseWriter, httpStatus int, code codes.Code, reason, msg string) {
	st := status.New(code, msg)
	if d, err := st.WithDetails(&errdetails.ErrorInfo{Reason: reason, Domain: reasons.Domain}); err == nil {
		st = d
	}
	b, _ := protojson.Marshal(st.Proto())
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(httpStatus)
	_, _ = w.Write(b)
}

func WriteOK(w http.ResponseWriter, seq int64, isNew bool) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = fmt.Fprintf(w, `{"sequence":%d,"duplicate":%t}`, seq, !isNew)
}

// secretKeys are dropped from raw provider payloads before they are stored:
// port PINs, SSNs, account numbers, credentials.
var secretKeys = []string{"pin", "ssn", "account_number", "account_pin", "passcode", "password",
	"secret", "token", "authorization", "auth", "api_key", "private_key", "tax_identifier"}

func isSecretKey(k string) bool {
	k = strings.ToLower(k)
	for _, s := range secretKeys {
		if k == s || strings.HasSuffix(k, "_"+s) || strings.HasPrefix(k, s+"_") || strings.Contains(k, "_"+s+"_") {
			return true
		}
	}
	return false
}

// Redact returns raw with every object member whose key names a secret
// removed, at any depth. Invalid JSON is replaced by null (never stored raw).
func Redact(raw []byte) json.RawMessage {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return json.RawMessage("null")
	}
	out, err := json.Marshal(redact(v))
	if err != nil {
		return json.RawMessage("null")
	}
	return out
}

func redact(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			if isSecretKey(k) {
				delete(t, k)
				continue
			}
			t[k] = redact(e)
		}
	case []any:
		for i, e := range t {
			t[i] = redact(e)
		}
	}
	return v
}

// DerivedID is a deterministic event id for a change portgate derived
// itself: the same change seen twice gets the same id.
func DerivedID(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return "pg_" + hex.EncodeToString(h.Sum(nil))[:32]
}

func MarshalPayload(p events.Payload) []byte {
	b, err := json.Marshal(p)
	if err != nil { // only a broken Raw could do this
		p.Raw = nil
		b, _ = json.Marshal(p)
	}
	return b
}
