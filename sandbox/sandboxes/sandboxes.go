// Package sandboxes runs the in-process provider fakes on loopback
// listeners (with their chaos injector) and is the registry the fakes
// register their starters in, by provider name. Only the sandbox wiring
// (internal/app, cmd) imports it; importing sandbox/sandboxes/builtin
// registers the fakes portgate ships.
package sandboxes

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/portgate/portgate/sandbox/chaos"
)

// Options configures an in-process fake.
type Options struct {
	Addr   string        // "" = 127.0.0.1:0
	Step   time.Duration // order progression interval
	Chaos  string        // fault spec (sandbox/chaos)
	Seed   int64         // chaos seed
	Logger *slog.Logger
	// WebhookURL (fakes that send webhooks): where the fake POSTs its
	// signed webhooks, besides each order's own webhook URL.
	WebhookURL string
}

// Sandbox is a running fake on a real loopback listener.
type Sandbox struct {
	URL   string
	Chaos *chaos.Injector
	// Advance moves every submitted order one step (tests, demos).
	Advance func()
	// PublicKey verifies the fake's webhook signatures (fakes that sign;
	// nil otherwise).
	PublicKey ed25519.PublicKey
	// Fake is the fake itself for its Go test hooks (Telnyx:
	// *telnyxfake.Fake with CreatePortOut, AdvancePortOuts); nil if unset.
	Fake  any
	srv   *http.Server
	close func()
}

// Close stops the listener and the fake.
// In-flight requests get a moment to finish; then connections are cut (a
// fake has nothing to lose).
func (s *Sandbox) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := s.srv.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		_ = s.srv.Close()
	}
	s.close()
	return nil
}

// Start serves h (a fake, behind o's chaos injector) on a loopback
// listener; closeFake is called on failure and by Close.
func Start(o Options, h http.Handler, advance, closeFake func()) (*Sandbox, error) {
	faults, err := chaos.Parse(o.Chaos)
	if err != nil {
		closeFake()
		return nil, fmt.Errorf("chaos spec %q: %w", o.Chaos, err)
	}
	inj := chaos.New(faults, o.Seed)
	addr := o.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	lis, err := net.Listen("tcp", addr)
	if err != nil {
		closeFake()
		return nil, err
	}
	srv := &http.Server{Handler: inj.Wrap(h), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(lis) }()
	return &Sandbox{URL: "http://" + lis.Addr().String(), Chaos: inj, Advance: advance, srv: srv, close: closeFake}, nil
}

// Starter starts a provider's fake and returns the adapter settings (by
// the adapter's setting keys, providers/registry) that point the adapter
// at it: its URL and the fake's own credentials.
type Starter func(Options) (*Sandbox, map[string]string, error)

var (
	mu       sync.RWMutex
	starters = map[string]Starter{}
)

// Register adds the starter of the fake for provider name. It panics on a
// duplicate.
func Register(name string, s Starter) {
	mu.Lock()
	defer mu.Unlock()
	if name == "" || s == nil {
		panic("sandboxes: Register needs a name and a starter")
	}
	if _, dup := starters[name]; dup {
		panic(fmt.Sprintf("sandboxes: %q registered twice", name))
	}
	starters[name] = s
}

// Lookup returns the starter registered for name.
func Lookup(name string) (Starter, bool) {
	mu.RLock()
	defer mu.RUnlock()
	s, ok := starters[name]
	return s, ok
}

// Names lists the registered fakes in name order.
func Names() []string {
	mu.RLock()
	defer mu.RUnlock()
	out := make([]string, 0, len(starters))
	for n := range starters {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}
