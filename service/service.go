// Package service implements the portgate.v1 gRPC services: request
// validation, routing by resource name, neutral↔proto conversion and error
// mapping. It knows *portable.Client, never HTTP.
package service

import (
	"fmt"
	"log/slog"
	"time"

	"google.golang.org/grpc/codes"

	pb "github.com/portgate/portgate/gen/portgate/v1"
	"github.com/portgate/portgate/internal/e164"
	"github.com/portgate/portgate/internal/events"
	"github.com/portgate/portgate/internal/store"
	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/portable"
)

// Backend is one configured provider as the service sees it. Handlers call
// the provider only through its portable client (validation, capability
// checks, resilience, spans and error wrapping happen there, once).
type Backend struct {
	Provider    *portable.Client
	DisplayName string
	Mode        pb.Provider_Mode
	// Health reports the provider's breaker state; nil = always SERVING.
	Health func() (pb.Provider_Health, time.Time)

	// caps is Provider.Capabilities(), read once by New: capabilities are
	// static, and the adapters return fresh copies on every call.
	caps providers.Capabilities
}

// capabilities returns the provider's capabilities (read once by New).
func (b *Backend) capabilities() providers.Capabilities { return b.caps }

// DefaultPortabilityConcurrency is how many provider calls one
// CheckPortability runs at once when Options.PortabilityConcurrency is 0.
const DefaultPortabilityConcurrency = 4

// Options configures the services.
type Options struct {
	// Backends in preference order (the first breaks ties for providers/-).
	Backends []Backend
	// DefaultRegion for numbers written without a country code ("" = US).
	DefaultRegion string
	// PortabilityConcurrency bounds concurrent provider calls per
	// CheckPortability (0 = DefaultPortabilityConcurrency).
	PortabilityConcurrency int
	Logger                 *slog.Logger
	// SecurityNotice, when set, says callers need no API key; ListProviders
	// reports it (authentication_disabled, security_notice).
	SecurityNotice string
	// Store keeps request_id outcomes (required).
	Store store.Store
	// IdempotencyTTL is how long an outcome is kept (0 = DefaultIdempotencyTTL).
	IdempotencyTTL time.Duration
	// Events wakes Watch streams when events are appended; whoever passes
	// it runs Hub.Run (nil = a private hub nothing notifies: streams then
	// poll the store every WatchPoll).
	Events *events.Hub
	// WatchBuffer (0 = DefaultWatchBuffer), WatchStall (0 =
	// DefaultWatchStall) and WatchPoll (0 = no per-stream polling with
	// Events set, DefaultWatchPoll without) tune WatchPortOrderEvents.
	WatchBuffer int
	WatchStall  time.Duration
	WatchPoll   time.Duration
	// PageTokenKey signs page tokens (HMAC-SHA256; at least
	// MinPageTokenKeyLen bytes). Empty = a random per-process key: tokens
	// then do not survive a restart or work across replicas.
	PageTokenKey []byte
}

// core is shared by the three service implementations.
type core struct {
	order    []string
	backends map[string]*Backend
	region   string
	conc     int
	log      *slog.Logger
	idem     *idempotency
	notice   string
	events   store.Store
	watch    watchConfig
	tokens   *pageTokens
}

// Services holds the three gRPC service implementations.
type Services struct {
	Porting   *PortingServer
	Numbers   *NumbersServer
	Providers *ProvidersServer
}

// New validates opts and builds the services.
func New(opts Options) (*Services, error) {
	c := &core{backends: map[string]*Backend{}, region: opts.DefaultRegion, conc: opts.PortabilityConcurrency, log: opts.Logger, notice: opts.SecurityNotice}
	if opts.Store == nil {
		return nil, fmt.Errorf("service: no store")
	}
	if c.region == "" {
		c.region = e164.DefaultRegion
	}
	if c.conc <= 0 {
		c.conc = DefaultPortabilityConcurrency
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	c.idem = &idempotency{st: opts.Store, ttl: opts.IdempotencyTTL, log: c.log}
	if c.idem.ttl <= 0 {
		c.idem.ttl = DefaultIdempotencyTTL
	}
	c.events = opts.Store
	c.watch = watchConfig{hub: opts.Events, buffer: opts.WatchBuffer, stall: opts.WatchStall, poll: opts.WatchPoll, heartbeat: WatchHeartbeat}
	if c.watch.hub == nil {
		// Nothing feeds a private hub: each stream polls the store itself.
		c.watch.hub = events.NewHub()
		if c.watch.poll <= 0 {
			c.watch.poll = DefaultWatchPoll
		}
	}
	if c.watch.buffer <= 0 {
		c.watch.buffer = DefaultWatchBuffer
	}
	if c.watch.stall <= 0 {
		c.watch.stall = DefaultWatchStall
	}
	tokens, random, err := newPageTokens(opts.PageTokenKey)
	if err != nil {
		return nil, err
	}
	c.tokens = tokens
	if random {
		c.log.Warn("PORTGATE_PAGE_TOKEN_KEY is unset: page tokens are signed with a random per-process key; " +
			"they stop working after a restart and on other replicas (set the key on every replica)")
	}
	for i := range opts.Backends {
		b := opts.Backends[i]
		if b.Provider == nil {
			return nil, fmt.Errorf("service: backend %d has no provider", i)
		}
		name := b.Provider.Name()
		if name == "" || name == AllProviders {
			return nil, fmt.Errorf("service: invalid provider name %q", name)
		}
		if _, dup := c.backends[name]; dup {
			return nil, fmt.Errorf("service: provider %q configured twice", name)
		}
		b.caps = b.Provider.Capabilities()
		c.backends[name] = &b
		c.order = append(c.order, name)
	}
	if len(c.order) == 0 {
		return nil, fmt.Errorf("service: no providers configured")
	}
	return &Services{Porting: &PortingServer{c: c}, Numbers: &NumbersServer{c: c}, Providers: &ProvidersServer{c: c}}, nil
}

// backend resolves a provider id from a parent or name ("-" is not allowed here).
func (c *core) backend(field, name string) (*Backend, error) {
	if b, ok := c.backends[name]; ok {
		return b, nil
	}
	return nil, gatewayError(codes.NotFound, ReasonUnknownProvider,
		fmt.Sprintf("%s: provider %q is not configured (configured: %v)", field, name, c.order),
		map[string]string{"provider": providerName(name)})
}

// targets resolves "-" to every provider, otherwise the one named.
func (c *core) targets(field, name string) ([]*Backend, error) {
	if name == AllProviders {
		out := make([]*Backend, 0, len(c.order))
		for _, n := range c.order {
			out = append(out, c.backends[n])
		}
		return out, nil
	}
	b, err := c.backend(field, name)
	if err != nil {
		return nil, err
	}
	return []*Backend{b}, nil
}

func (c *core) health(b *Backend) (pb.Provider_Health, time.Time) {
	if b.Health == nil {
		return pb.Provider_SERVING, time.Time{}
	}
	return b.Health()
}

// normalizeNumbers validates every number; all failures are reported at once.
func (c *core) normalizeNumbers(field string, in []string, allowDup bool) ([]string, error) {
	out := make([]string, 0, len(in))
	seen := map[string]int{}
	var vs []fieldViolation
	for i, s := range in {
		n, err := e164.Parse(s, c.region)
		if err != nil {
			vs = append(vs, fieldViolation{fmt.Sprintf("%s[%d]", field, i), fmt.Sprintf("%q is not a valid phone number", s)})
			continue
		}
		if j, dup := seen[n]; dup {
			if !allowDup {
				vs = append(vs, fieldViolation{fmt.Sprintf("%s[%d]", field, i), fmt.Sprintf("duplicate of %s[%d] (%s)", field, j, n)})
			}
			continue
		}
		seen[n] = i
		out = append(out, n)
	}
	if len(vs) > 0 {
		return nil, invalidArgument(ReasonInvalidPhone, vs...)
	}
	return out, nil
}

// optionalNumber normalizes a single optional number field.
func (c *core) optionalNumber(field string, s *string) error {
	if *s == "" {
		return nil
	}
	n, err := e164.Parse(*s, c.region)
	if err != nil {
		return invalidArgument(ReasonInvalidPhone, fieldViolation{field, fmt.Sprintf("%q is not a valid phone number", *s)})
	}
	*s = n
	return nil
}

func (c *core) requireCapability(b *Backend, op providers.Operation) error {
	if b.capabilities().Supports(op) {
		return nil
	}
	return toStatus(b.Provider.Name(), providers.CapabilityMissing(b.Provider.Name(), op), "", "")
}
