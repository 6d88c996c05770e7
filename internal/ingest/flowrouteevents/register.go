package flowrouteevents

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/portgate/portgate/internal/ingest"
	"github.com/portgate/portgate/internal/store"
	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/flowroute"
	"github.com/portgate/portgate/providers/registry"
)

// Flowroute's event sources: the status callback (an unsigned hint, so it
// only triggers a re-read) and the poller that re-reads every open order
// (callbacks get lost).
func init() { registry.RegisterEvents(flowroute.Name, Sources) }

// DefaultPollEvery is the poll interval of hand-built configurations
// (config.Load applies the setting's own default).
const DefaultPollEvery = 5 * time.Minute

// Sources builds Flowroute's event sources from its settings
// (callback_token, poll_interval).
func Sources(env registry.EventEnv) (registry.EventSources, error) {
	logger := env.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	token := env.Settings["callback_token"]
	if token == "" && env.Sandbox {
		token = randomToken()
	}
	every := env.Settings.Duration("poll_interval")
	if every <= 0 {
		every = DefaultPollEvery
	}
	hook := func() string {
		if env.PublicURL == nil || token == "" {
			return ""
		}
		u := env.PublicURL()
		if u == "" {
			return ""
		}
		return u + FlowroutePrefix + token
	}
	start := func(p providers.Provider) (map[string]http.Handler, []registry.Job) {
		if token == "" {
			logger.Warn("Flowroute status callbacks off (PORTGATE_FLOWROUTE_CALLBACK_TOKEN unset); the poller still re-reads open orders", "every", every.String())
		}
		routes := map[string]http.Handler{FlowroutePattern: FlowrouteHandler(FlowrouteOptions{
			Rereader: &ingest.Rereader{Store: env.Store, Provider: p}, Token: token, Logger: logger})}
		return routes, []registry.Job{{Kind: "flowroute_poll", Every: every, Run: Poll(env.Store, p, logger)}}
	}
	return registry.EventSources{HookURL: hook, Start: start}, nil
}

func randomToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// pollPageSize is how many open orders the poller reads from the store at once.
const pollPageSize = 200

// Poll re-reads every open Flowroute order portgate tracks. One order's
// failure does not stop the others; the run fails (River retries it) only
// when every re-read failed.
func Poll(st store.Store, p providers.Provider, logger *slog.Logger) func(context.Context) error {
	rr := &ingest.Rereader{Store: st, Provider: p}
	prefix := strings.TrimSuffix(ingest.OrderName(flowroute.Name, ""), "-")
	return func(ctx context.Context) error {
		after, tried, failed, added := "", 0, 0, 0
		var last error
		for {
			page, err := st.ListOpenOrders(ctx, flowroute.Name, after, pollPageSize)
			if err != nil {
				return err
			}
			for _, o := range page {
				id := strings.TrimPrefix(o.OrderName, prefix)
				tried++
				n, err := rr.Reread(ctx, id)
				if err != nil && !errors.Is(err, ingest.ErrOrderGone) {
					failed++
					last = err
					if ctx.Err() != nil {
						return ctx.Err()
					}
					continue
				}
				added += n
			}
			if len(page) < pollPageSize {
				break
			}
			after = page[len(page)-1].OrderName
		}
		logger.Debug("flowroute poll", "orders", tried, "failed", failed, "new_events", added)
		if tried > 0 && failed == tried {
			return fmt.Errorf("flowroute poll: all %d re-reads failed, last: %w", tried, last)
		}
		return nil
	}
}
