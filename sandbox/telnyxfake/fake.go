// Package telnyxfake is an in-process Telnyx API v2 server ("sandbox") for
// porting orders, portability checks, documents and phone numbers. It keeps
// real state, speaks the documented wire format (paths under /v2, {"data":…}
// envelopes, {"errors":[…]} bodies, page[number]/page[size] pagination with
// meta) and signs porting_order.* webhooks with Ed25519 the way Telnyx does.
//
// Sandbox scenarios (scenarios.Suffix*) are honoured: not portable, exception
// after submit, split on create, fast portable, never on account.
//
// It offers no endpoint Telnyx does not document; the only fake-only
// extensions are the Go hooks Advance, SetOrderStatus, FailNext.
package telnyxfake

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"github.com/portgate/portgate/sandbox/scenarios"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/portgate/portgate/internal/uuid"
)

// Options configures a Fake.
type Options struct {
	APIKey            string             // bearer token it accepts; default "sandbox"
	StepInterval      time.Duration      // > 0: confirmed orders advance one state per interval (goroutine); 0: only Advance
	SeedNumbers       []string           // E.164 numbers on the account; nil = scenarios.SandboxNumbers
	SeedPortOuts      []string           // numbers put on the account, each with a pending port-out (deterministic ids, PortOutID)
	WebhookURL        string             // if set, porting_order.* events are POSTed here, signed
	WebhookPrivateKey ed25519.PrivateKey // nil = generated; PublicKey() exposes the public half
	Logger            *slog.Logger
}

// Detail is one status detail (exception reason) of a porting order.
type Detail struct {
	Code        string `json:"code"`
	Description string `json:"description"`
}

// Porting order statuses (status.value).
const (
	StatusDraft            = "draft"
	StatusInProcess        = "in-process"
	StatusSubmitted        = "submitted"
	StatusException        = "exception"
	StatusFOCDateConfirmed = "foc-date-confirmed"
	StatusPorted           = "ported"
	StatusCancelPending    = "cancel-pending"
	StatusCancelled        = "cancelled"
)

var allStatuses = []string{StatusDraft, StatusInProcess, StatusSubmitted, StatusException,
	StatusFOCDateConfirmed, StatusPorted, StatusCancelPending, StatusCancelled}

// FOCLead is how far ahead of "now" the fake confirms the FOC date when the
// order has no (future) requested FOC date. It is more than the 48 h cancel
// cut-off, so a foc-date-confirmed order can still be cancelled; request a
// FOC date less than 48 h ahead to exercise the cut-off.
const FOCLead = 72 * time.Hour

// CancelCutoff is the documented "no cancel within 48 h of FOC" window.
const CancelCutoff = 48 * time.Hour

// Fake is the sandbox server. It implements http.Handler; mount it on an
// httptest.Server and use URL+"/v2" as the base URL.
type Fake struct {
	apiKey string
	log    *slog.Logger
	priv   ed25519.PrivateKey
	pub    ed25519.PublicKey
	hookTo string
	client *http.Client

	mu        sync.Mutex
	seq       int
	orders    map[string]*order
	docs      map[string]*document
	links     map[string]signedLink // download_link token → document + expiry
	numbers   map[string]*number    // by numeric id
	byE164    map[string]*number
	nextNumID uint64
	failures  []failure
	events    []portingEvent // the events API's log, oldest first
	buy       buyState       // number orders and the purchasable inventory (number_orders.go)
	// addresses (emergency.go): by id, in creation order.
	addresses  map[string]*address
	addressSeq []string
	nextAddrID uint64
	portOuts   portOutBook // port-outs (portouts.go)
	closed     bool

	// clock is how far the fake's time runs ahead of the wall clock (ns):
	// Advance lets time pass up to a confirmed FOC date.
	clock atomic.Int64

	wg     sync.WaitGroup // webhook sends and the stepper
	stop   chan struct{}
	closeO sync.Once
}

type failure struct {
	status     int
	retryAfter time.Duration
}

// New builds a Fake. Call Close when done.
func New(opts Options) *Fake {
	f := &Fake{
		apiKey:    opts.APIKey,
		log:       opts.Logger,
		hookTo:    opts.WebhookURL,
		orders:    map[string]*order{},
		docs:      map[string]*document{},
		links:     map[string]signedLink{},
		numbers:   map[string]*number{},
		byE164:    map[string]*number{},
		nextNumID: 1293384261075731400,
		stop:      make(chan struct{}),
		client:    &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{}},
	}
	if f.apiKey == "" {
		f.apiKey = "sandbox"
	}
	if f.log == nil {
		f.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	f.priv = opts.WebhookPrivateKey
	if f.priv == nil {
		_, f.priv, _ = ed25519.GenerateKey(rand.Reader)
	}
	f.pub = f.priv.Public().(ed25519.PublicKey)
	seed := opts.SeedNumbers
	if seed == nil {
		seed = scenarios.SandboxNumbers
	}
	now := time.Now().UTC()
	for _, n := range seed {
		f.addNumber(n, "number_order", now)
	}
	f.seedPortOuts(opts.SeedPortOuts, now)
	if opts.StepInterval > 0 {
		f.wg.Add(1)
		go f.stepper(opts.StepInterval)
	}
	return f
}

func (f *Fake) stepper(every time.Duration) {
	defer f.wg.Done()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-f.stop:
			return
		case <-t.C:
			f.Tick()
		}
	}
}

// Close stops the stepper and waits for in-flight webhook sends. Idempotent.
func (f *Fake) Close() {
	f.closeO.Do(func() {
		f.mu.Lock()
		f.closed = true
		f.mu.Unlock()
		close(f.stop)
		f.wg.Wait()
		f.client.CloseIdleConnections()
	})
}

// PublicKey is the Ed25519 key that verifies the fake's webhook signatures.
func (f *Fake) PublicKey() ed25519.PublicKey { return f.pub }

// FailNext makes the next count authenticated requests fail with status and
// the documented error body (429 → code 10011 with Retry-After, 5xx → 10007,
// 408 → 10008). retryAfter is sent as Retry-After (whole seconds, min 1) on 429.
func (f *Fake) FailNext(status, count int, retryAfter time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for range count {
		f.failures = append(f.failures, failure{status: status, retryAfter: retryAfter})
	}
}

// now is the fake's time: the wall clock plus whatever Advance let pass.
func (f *Fake) now() time.Time { return time.Now().Add(time.Duration(f.clock.Load())).UTC() }

// Advance moves every non-terminal confirmed order one step:
// in-process→submitted→foc-date-confirmed→ported, cancel-pending→cancelled.
// An order holding a scenarios.SuffixException number goes
// submitted→exception (PASSCODE_PIN_INVALID) until it is PATCHed, which puts
// it back to submitted. Drafts and exceptions do not move.
//
// An order ports at its FOC date, not before: the timed stepper
// (StepInterval) leaves a foc-date-confirmed order there until the FOC date
// has come; Advance (the test and demo hook) lets the fake's time pass up to
// that FOC date first, so the walk completes without waiting days.
func (f *Fake) Advance() { f.advance(true) }

// Tick is one step of the timed stepper: like Advance, but time does not
// jump — a foc-date-confirmed order stays there until its FOC date.
func (f *Fake) Tick() { f.advance(false) }

func (f *Fake) advance(letTimePass bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.advanceEmergency()
	now := f.now()
	for _, o := range f.sortedOrders(true) {
		switch o.status {
		case StatusInProcess:
			f.setStatus(o, StatusSubmitted, nil, now)
		case StatusSubmitted:
			if o.hasSuffix(scenarios.SuffixException) && !o.exceptionFixed {
				f.setStatus(o, StatusException, []Detail{{Code: "PASSCODE_PIN_INVALID",
					Description: "The PIN/passcode provided does not match the losing carrier's records."}}, now)
				continue
			}
			foc := now.Add(FOCLead)
			if req, ok := o.focRequested(); ok && req.After(now) {
				foc = req
			}
			as := o.attrs["activation_settings"].(map[string]any)
			as["foc_datetime_actual"] = foc.Format(time.RFC3339)
			f.setStatus(o, StatusFOCDateConfirmed, nil, now)
		case StatusFOCDateConfirmed:
			if f.advanceActivation(o, letTimePass) {
				now = f.now()
				continue // an activation job drives the port
			}
			if foc, ok := o.focActual(); ok && foc.After(now) {
				if !letTimePass {
					continue // it ports at its FOC date
				}
				f.clock.Add(int64(foc.Sub(now)))
				now = f.now()
			}
			f.port(o, now)
		case StatusCancelPending:
			f.setStatus(o, StatusCancelled, nil, now)
		}
	}
	f.stepPortOuts(now)
	f.advanceNumberOrdersLocked(now) // issue 14 — buy
}

// port completes o: its numbers are active on the account. Caller holds f.mu.
func (f *Fake) port(o *order, now time.Time) {
	as := o.attrs["activation_settings"].(map[string]any)
	as["activation_status"] = "Active"
	f.setStatus(o, StatusPorted, nil, now)
	for _, n := range o.numbers {
		if _, ok := f.byE164[n]; !ok {
			f.addNumber(n, "port_request", now)
		}
	}
}

// SetFOCActual sets an order's confirmed FOC date (test hook: e.g. a FOC
// less than 48 h ahead, which a requested date inside the allowed windows
// cannot produce).
func (f *Fake) SetFOCActual(id string, t time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	o, ok := f.orders[id]
	if !ok {
		return fmt.Errorf("telnyxfake: no porting order %q", id)
	}
	o.attrs["activation_settings"].(map[string]any)["foc_datetime_actual"] = t.UTC().Format(time.RFC3339)
	return nil
}

// SetOrderStatus forces an order into status with details (test hook). It
// emits porting_order.status_changed like a real transition.
func (f *Fake) SetOrderStatus(id, status string, details ...Detail) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	o, ok := f.orders[id]
	if !ok {
		return fmt.Errorf("telnyxfake: no porting order %q", id)
	}
	valid := false
	for _, s := range allStatuses {
		valid = valid || s == status
	}
	if !valid {
		return fmt.Errorf("telnyxfake: unknown status %q", status)
	}
	if status != StatusDraft && o.supportKey == "" {
		f.assignKeys(o)
	}
	f.setStatus(o, status, details, f.now())
	return nil
}

// setStatus changes status and emits the webhook. Caller holds f.mu.
func (f *Fake) setStatus(o *order, status string, details []Detail, now time.Time) {
	o.status = status
	o.details = details
	o.updatedAt = now
	f.emitStatusChanged(o)
}

func (f *Fake) assignKeys(o *order) {
	o.supportKey = "sr_" + randHex(3)
	for _, other := range f.orders {
		if other.group == o.group && other.parentSupportKey != "" {
			o.parentSupportKey = other.parentSupportKey
		}
	}
	if o.parentSupportKey == "" {
		o.parentSupportKey = "pr_" + randHex(3)
	}
	if o.subRequestID == "" {
		o.subRequestID = uuid.New()
	}
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// SeedNumber puts an E.164 number on the account (test hook, like
// Options.SeedNumbers after start).
func (f *Fake) SeedNumber(e164 string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.addNumber(e164, "number_order", f.now())
}
