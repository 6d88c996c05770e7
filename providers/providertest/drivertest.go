package providertest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/portable"
)

// Harnesses seed state and faults through methods, so the suite could run
// against a provider's own test account (where magic number suffixes mean
// nothing). Each is optional: a case whose seeding interface the harness
// does not implement is skipped.

// OrderStateSeeder forces an existing order into a neutral state (the
// fake's SetOrderStatus with the provider's own status for s; on a test
// account, whatever the provider's support tooling offers).
type OrderStateSeeder interface {
	SeedOrderState(ctx context.Context, id string, s providers.State) error
}

// NumberSeeder puts an E.164 number on the account.
type NumberSeeder interface {
	SeedNumber(ctx context.Context, e164 string) error
}

// Fault is a provider failure a harness can inject.
type Fault struct {
	HTTPStatus int           // 429, 500, 503, ...
	Count      int           // how many requests fail (0 = 1)
	RetryAfter time.Duration // sent as Retry-After (whole seconds) when > 0
}

// FaultInjector makes the next requests to the provider fail.
type FaultInjector interface {
	InjectFault(ctx context.Context, f Fault) error
}

// OrderDeleter removes an order from the account, as an operator or the
// provider itself may do while a caller pages (no neutral operation deletes).
type OrderDeleter interface {
	DeleteOrder(ctx context.Context, id string) error
}

// AsTest checks the escape hatches of one adapter (go-cloud drivertest's
// AsTest): which concrete types Client.As and Client.ErrorAs expose.
type AsTest interface {
	// Name describes the test.
	Name() string
	// ClientCheck calls c.As with the adapter's documented types.
	ClientCheck(c *portable.Client) error
	// ErrorCheck calls c.ErrorAs on err, an error c returned (not found).
	ErrorCheck(c *portable.Client, err error) error
}

// testAs runs for every provider: the neutral error type and a
// nil target.
func testAs(t *testing.T, e *env) {
	f := e.open(t)
	if f.p.As(nil) {
		t.Error("Client.As(nil) = true")
	}
	var unknown struct{}
	if f.p.As(&unknown) {
		t.Error("Client.As(*struct{}) = true: an adapter must refuse types it does not document")
	}
	_, err := f.p.GetNumber(f.ctx, "+19999999999")
	if err == nil {
		t.Skip("GetNumber of an unseeded number succeeded; no error to inspect")
	}
	var pe *providers.Error
	if !f.p.ErrorAs(err, &pe) || pe.Provider != f.name {
		t.Errorf("Client.ErrorAs(%v, **providers.Error) = false or wrong provider (%+v)", err, pe)
	}
	if f.p.ErrorAs(nil, &pe) {
		t.Error("Client.ErrorAs(nil) = true")
	}
	for _, at := range e.as {
		t.Run(at.Name(), func(t *testing.T) {
			if err := at.ClientCheck(f.p); err != nil {
				t.Error(err)
			}
			if err2 := at.ErrorCheck(f.p, err); err2 != nil {
				t.Error(err2)
			}
		})
	}
}

// testPaginationConsistency walks the order list while orders are created
// (and, where the harness can, deleted) mid-walk: no order is listed twice,
// and every order that existed for the whole walk is listed.
func testPaginationConsistency(t *testing.T, e *env) {
	f := e.open(t)
	f.require(t, providers.OpCreatePortOrder, providers.OpListPortOrders)
	ref := uniqueRef("walk")
	var stable []string
	for range 6 {
		o := f.newOrder([]string{NewNumber("")})
		o.CustomerReference = ref
		stable = append(stable, f.create(t, o).Order.ID)
	}
	var doomed string
	if _, ok := f.h.(OrderDeleter); ok {
		o := f.newOrder([]string{NewNumber("")})
		o.CustomerReference = ref
		doomed = f.create(t, o).Order.ID
	}
	filter := providers.PortOrderFilter{CustomerReference: ref}
	seen := map[string]int{}
	cursor := ""
	for page := 0; ; page++ {
		if page == maxPages {
			t.Fatalf("ListPortOrders: still More after %d pages", maxPages)
		}
		p, err := f.p.ListPortOrders(f.ctx, filter, providers.ListQuery{Cursor: cursor, Limit: 2})
		if err != nil {
			t.Fatalf("ListPortOrders(page %d): %v", page, err)
		}
		for _, o := range p.Orders {
			seen[o.ID]++
		}
		if page == 0 { // mid-walk: one new order, one deletion of an unseen order
			o := f.newOrder([]string{NewNumber("")})
			o.CustomerReference = ref
			f.create(t, o)
			if doomed != "" && seen[doomed] == 0 {
				if err := f.h.(OrderDeleter).DeleteOrder(f.ctx, doomed); err != nil {
					t.Fatalf("DeleteOrder: %v", err)
				}
			}
		}
		cursor = p.NextCursor
		if p.NextCursor == "" || len(p.Orders) == 0 {
			break
		}
	}
	for id, n := range seen {
		if n > 1 {
			t.Errorf("order %s listed %d times in one walk", id, n)
		}
	}
	for _, id := range stable {
		if seen[id] == 0 {
			t.Errorf("order %s existed during the whole walk but was never listed (gap)", id)
		}
	}
}

// testSeededState forces orders into states through the harness and reads
// them back through the client.
func testSeededState(t *testing.T, e *env) {
	f := e.open(t)
	seeder, ok := f.h.(OrderStateSeeder)
	if !ok {
		t.Skip("harness does not implement OrderStateSeeder")
	}
	f.require(t, providers.OpCreatePortOrder, providers.OpGetPortOrder)
	for _, want := range []providers.State{providers.StateSubmitted, providers.StateException, providers.StateFOCConfirmed, providers.StateCompleted, providers.StateCancelled} {
		t.Run(want.String(), func(t *testing.T) {
			id := f.createDraft(t, NewNumber("")).ID
			if err := seeder.SeedOrderState(f.ctx, id, want); err != nil {
				t.Fatalf("SeedOrderState(%s): %v", want, err)
			}
			if got := f.get(t, id).State; got != want {
				t.Errorf("after SeedOrderState(%s): GetPortOrder state %s", want, got)
			}
		})
	}
}

// testSeededNumber seeds a number and reads it back.
func testSeededNumber(t *testing.T, e *env) {
	f := e.open(t)
	seeder, ok := f.h.(NumberSeeder)
	if !ok {
		t.Skip("harness does not implement NumberSeeder")
	}
	f.require(t, providers.OpGetNumber)
	n := NewNumber("")
	if _, err := f.p.GetNumber(f.ctx, n); providers.ErrorCode(err) != providers.CodeNotFound {
		t.Fatalf("GetNumber(%s) before seeding: %v, want NotFound", n, err)
	}
	if err := seeder.SeedNumber(f.ctx, n); err != nil {
		t.Fatalf("SeedNumber: %v", err)
	}
	got, err := f.p.GetNumber(f.ctx, n)
	if err != nil || got.PhoneNumber != n {
		t.Fatalf("GetNumber(%s) after seeding: %+v, %v", n, got, err)
	}
}

// testInjectedFault checks how provider failures reach the caller.
func testInjectedFault(t *testing.T, e *env) {
	for _, c := range []struct {
		fault Fault
		code  providers.Code
	}{
		{Fault{HTTPStatus: http.StatusServiceUnavailable}, providers.CodeUnavailable},
		{Fault{HTTPStatus: http.StatusTooManyRequests, RetryAfter: 2 * time.Second}, providers.CodeRateLimited},
	} {
		t.Run(strconv.Itoa(c.fault.HTTPStatus), func(t *testing.T) {
			f := e.open(t)
			inj, ok := f.h.(FaultInjector)
			if !ok {
				t.Skip("harness does not implement FaultInjector")
			}
			f.require(t, providers.OpListNumbers)
			if err := inj.InjectFault(f.ctx, c.fault); err != nil {
				t.Fatalf("InjectFault: %v", err)
			}
			_, err := f.p.ListNumbers(f.ctx, providers.NumberFilter{}, providers.ListQuery{Limit: 5})
			pe := f.wantCode(t, fmt.Sprintf("ListNumbers after an injected %d", c.fault.HTTPStatus), err, c.code, true)
			if pe != nil && !providers.Retryable(err) {
				t.Errorf("an injected %d is not Retryable: %v", c.fault.HTTPStatus, err)
			}
			if pe != nil && c.fault.RetryAfter > 0 && pe.RetryAfter < time.Second {
				t.Errorf("Retry-After %s not carried: RetryAfter = %s", c.fault.RetryAfter, pe.RetryAfter)
			}
			if _, err := f.p.ListNumbers(f.ctx, providers.NumberFilter{}, providers.ListQuery{Limit: 5}); err != nil {
				t.Errorf("ListNumbers after the fault passed: %v", err)
			}
		})
	}
}

// Faults is an http.Handler middleware a harness can put in front of its
// fake to implement FaultInjector when the fake has no fault hook of its
// own: the next requests answer the fault's status with an empty JSON body.
type Faults struct {
	Next    http.Handler
	mu      sync.Mutex
	pending []Fault
}

// InjectFault implements FaultInjector.
func (h *Faults) InjectFault(_ context.Context, f Fault) error {
	if f.HTTPStatus < 400 {
		return errors.New("providertest: a fault needs an HTTP error status")
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for range max(f.Count, 1) {
		h.pending = append(h.pending, f)
	}
	return nil
}

func (h *Faults) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	var f *Fault
	if len(h.pending) > 0 {
		f = &h.pending[0]
		h.pending = h.pending[1:]
	}
	h.mu.Unlock()
	if f == nil {
		h.Next.ServeHTTP(w, r)
		return
	}
	if f.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(max(f.RetryAfter/time.Second, 1))))
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(f.HTTPStatus)
	_, _ = w.Write([]byte(`{}`))
}

// DoerAsTest is the AsTest of an adapter whose escape hatches are its HTTP
// client (Client.As with *providers.Doer) and the neutral error
// (Client.ErrorAs with **providers.Error); any other type is refused.
type DoerAsTest struct{ Provider string }

func (a DoerAsTest) Name() string { return "verify As for " + a.Provider }

func (DoerAsTest) ClientCheck(c *portable.Client) error {
	var d providers.Doer
	if !c.As(&d) || d == nil {
		return errors.New("Client.As(*providers.Doer) = false")
	}
	var hc *http.Client
	if c.As(&hc) {
		return errors.New("Client.As(**http.Client) = true; only *providers.Doer is documented")
	}
	return nil
}

func (DoerAsTest) ErrorCheck(c *portable.Client, err error) error {
	var pe *providers.Error
	if !c.ErrorAs(err, &pe) || pe.Code != providers.CodeNotFound {
		return fmt.Errorf("Client.ErrorAs(**providers.Error) on %v: %+v", err, pe)
	}
	var hc *http.Client
	if c.ErrorAs(err, &hc) {
		return errors.New("Client.ErrorAs(**http.Client) = true")
	}
	return nil
}
