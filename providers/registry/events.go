package registry

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/portgate/portgate/internal/store"
	"github.com/portgate/portgate/providers"
)

// EventEnv is what an adapter's event sources are built from (wiring side).
type EventEnv struct {
	// Settings are the adapter's own settings, defaults applied.
	Settings Settings
	Store    store.Store
	Logger   *slog.Logger
	// Sandbox: the adapter runs against its in-process fake.
	Sandbox bool
	// SandboxPublicKey verifies the running fake's webhook signatures
	// (sandbox mode, fakes that sign; nil otherwise).
	SandboxPublicKey ed25519.PublicKey
	// PublicURL is portgate's own public base URL, read at use time ("" =
	// none: no callback URL can be given to the provider).
	PublicURL func() string
}

// EventSources are an adapter's ways of hearing about changes: portgate's
// own callback URL handed to the provider, webhook routes, periodic
// sync jobs.
type EventSources struct {
	// HookURL, when set, is the callback URL a new order is given ("" =
	// none right now); the wiring decorates the driver with it.
	HookURL func() string
	// Start builds the webhook routes (by http.ServeMux pattern) and the
	// periodic jobs from p, the provider's portable client (resilience
	// policy applied). Nil: none.
	Start func(p providers.Provider) (routes map[string]http.Handler, jobs []Job)
}

// Job is a periodic background job (run by River in internal/jobs).
type Job struct {
	Kind  string // River job kind, unique: "flowroute_poll"
	Every time.Duration
	Run   func(context.Context) error
}

// EventsFunc builds an adapter's event sources.
type EventsFunc func(EventEnv) (EventSources, error)

var eventFuncs = map[string]EventsFunc{}

// RegisterEvents declares the event sources of the adapter registered as
// name (internal/ingest/<provider>events registers its own). It panics on
// a duplicate.
func RegisterEvents(name string, f EventsFunc) {
	mu.Lock()
	defer mu.Unlock()
	if name == "" || f == nil {
		panic("registry: RegisterEvents needs a name and a func")
	}
	if _, dup := eventFuncs[name]; dup {
		panic(fmt.Sprintf("registry: events of %q registered twice", name))
	}
	eventFuncs[name] = f
}

// Events returns the event sources declared for name.
func Events(name string) (EventsFunc, bool) {
	mu.RLock()
	defer mu.RUnlock()
	f, ok := eventFuncs[name]
	return f, ok
}
