package flowrouteevents

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/portgate/portgate/internal/ingest"
	"log/slog"
	"net/http"
	"strings"

	"google.golang.org/grpc/codes"
)

// FlowroutePattern is the callback route; {token} is the per-deployment
// secret (PORTGATE_FLOWROUTE_CALLBACK_TOKEN).
const (
	FlowroutePattern = "POST /webhooks/flowroute/{token}"
	FlowroutePrefix  = "/webhooks/flowroute/"
)

// FlowrouteOptions configure the Flowroute status callback endpoint.
type FlowrouteOptions struct {
	Rereader *ingest.Rereader
	// Token must match the path's last segment; "" refuses every callback.
	Token        string
	MaxBodyBytes int64 // 0 = ingest.DefaultMaxBodyBytes
	Logger       *slog.Logger
}

// FlowrouteHandler is POST /webhooks/flowroute/{token}. The callback is
// unsigned, so it is only a hint: the order it names is re-read through the
// provider and only what the re-read shows becomes events. 200 means the
// re-read's events are stored.
func FlowrouteHandler(o FlowrouteOptions) http.Handler {
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = ingest.DefaultMaxBodyBytes
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok := r.PathValue("token")
		if tok == "" {
			tok = strings.TrimPrefix(r.URL.Path, FlowroutePrefix)
		}
		if o.Token == "" || subtle.ConstantTimeCompare([]byte(tok), []byte(o.Token)) != 1 {
			ingest.WriteError(w, http.StatusNotFound, codes.NotFound, ingest.ReasonRouteNotFound, "no REST route for "+r.Method+" "+FlowroutePrefix+"…; see /openapi.json")
			return
		}
		body, ok := ingest.ReadBody(w, r, o.MaxBodyBytes, "callback")
		if !ok {
			return
		}
		id, err := flowrouteOrderID(body)
		if err != nil {
			ingest.WriteError(w, http.StatusBadRequest, codes.InvalidArgument, ingest.ReasonMalformed, err.Error())
			return
		}
		n, err := o.Rereader.Reread(r.Context(), id)
		switch {
		case errors.Is(err, ingest.ErrOrderGone):
			// Nothing to show: a hint about an order the provider doesn't know.
		case err != nil:
			o.Logger.Warn("flowroute callback: re-read failed", "order", id, "err", err)
			ingest.WriteError(w, http.StatusServiceUnavailable, codes.Unavailable, ingest.ReasonRereadFailed,
				"the order could not be re-read or its events stored; send the callback again")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = fmt.Fprintf(w, `{"new_events":%d}`, n)
	})
}

// flowrouteOrderID reads the order id from a status callback: documented as
// {"data":{"attributes":{"resource_id":…}}}, a number by the field docs and
// a string in the example; decoded leniently.
func flowrouteOrderID(body []byte) (string, error) {
	var cb struct {
		Data struct {
			Attributes struct {
				ResourceType string          `json:"resource_type"`
				ResourceID   json.RawMessage `json:"resource_id"`
			} `json:"attributes"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &cb); err != nil {
		return "", errors.New("callback body is not the Flowroute status callback JSON")
	}
	raw := bytes.TrimSpace(cb.Data.Attributes.ResourceID)
	var id string
	if len(raw) > 0 && raw[0] == '"' {
		_ = json.Unmarshal(raw, &id)
	} else {
		var n json.Number
		if json.Unmarshal(raw, &n) == nil {
			id = n.String()
		}
	}
	if id == "" || len(id) > 64 || strings.ContainsAny(id, "/?#% ") {
		return "", errors.New("callback names no port order (data.attributes.resource_id)")
	}
	return id, nil
}
