// Package resilience wraps a providers.Provider with the per-provider
// protections the gateway needs so that one slow or failing carrier cannot
// take the other down: a circuit breaker (sony/gobreaker/v2), retries with
// full-jitter exponential backoff for idempotent reads, a default deadline
// and a bulkhead (bounded concurrency plus a bounded wait queue).
//
// See docs/resilience.md for the settings, what counts as a failure and the
// retry rules.
package resilience

import "time"

// Policy configures one wrapped provider. Zero fields take the defaults of
// DefaultPolicy, so Policy{MaxAttempts: 1} is a valid "no retries" policy.
type Policy struct {
	// Breaker (one per provider).

	// ConsecutiveFailures trips the breaker after N consecutive failures (default 5).
	ConsecutiveFailures uint32
	// FailureRatio trips the breaker when failures/(failures+successes) ≥ ratio
	// once at least MinRequests calls were counted in the current interval
	// (defaults 0.5 over ≥ 20). A ratio > 1 disables ratio tripping.
	FailureRatio float64
	MinRequests  uint32
	// OpenTimeout is how long the breaker stays open before it lets a
	// half-open probe through (default 30s).
	OpenTimeout time.Duration
	// HalfOpenProbes is the number of requests admitted while half-open; that
	// many consecutive successes close the breaker (default 1).
	HalfOpenProbes uint32
	// Interval resets the closed-state counts (default 60s).
	Interval time.Duration

	// Retries (idempotent reads only).

	// MaxAttempts is the total number of attempts of a read, first one
	// included (default 3; 1 disables retries).
	MaxAttempts int
	// BaseBackoff and MaxBackoff bound the full-jitter exponential backoff:
	// delay n (1-based) is uniform in [0, min(MaxBackoff, BaseBackoff·2^(n-1))),
	// raised to the provider's Retry-After when that is larger (defaults 100ms / 2s).
	BaseBackoff, MaxBackoff time.Duration
	// RetryBudget caps retries at this fraction of calls (default 0.2). It is
	// a token bucket: every call adds RetryBudget tokens (up to
	// RetryBudgetBurst), every retry spends one.
	RetryBudget float64
	// RetryBudgetBurst is the size of the retry token bucket, which starts full
	// (default 10).
	RetryBudgetBurst float64

	// Deadlines and bulkhead.

	// DefaultTimeout bounds a call whose context has no deadline (default 10s).
	DefaultTimeout time.Duration
	// MaxConcurrent calls run at once (default 32).
	MaxConcurrent int
	// MaxQueue callers may wait for a slot beyond MaxConcurrent (default 64;
	// negative: no queue). Beyond that → CodeOverloaded.
	MaxQueue int
	// QueueTimeout is the longest a caller waits in the queue (default 1s).
	QueueTimeout time.Duration
}

// DefaultPolicy returns the documented defaults.
func DefaultPolicy() Policy {
	return Policy{
		ConsecutiveFailures: 5,
		FailureRatio:        0.5,
		MinRequests:         20,
		OpenTimeout:         30 * time.Second,
		HalfOpenProbes:      1,
		Interval:            60 * time.Second,
		MaxAttempts:         3,
		BaseBackoff:         100 * time.Millisecond,
		MaxBackoff:          2 * time.Second,
		RetryBudget:         0.2,
		RetryBudgetBurst:    10,
		DefaultTimeout:      10 * time.Second,
		MaxConcurrent:       32,
		MaxQueue:            64,
		QueueTimeout:        time.Second,
	}
}

// withDefaults fills zero fields from DefaultPolicy.
func (p Policy) withDefaults() Policy {
	d := DefaultPolicy()
	if p.ConsecutiveFailures == 0 {
		p.ConsecutiveFailures = d.ConsecutiveFailures
	}
	if p.FailureRatio <= 0 {
		p.FailureRatio = d.FailureRatio
	}
	if p.MinRequests == 0 {
		p.MinRequests = d.MinRequests
	}
	if p.OpenTimeout <= 0 {
		p.OpenTimeout = d.OpenTimeout
	}
	if p.HalfOpenProbes == 0 {
		p.HalfOpenProbes = d.HalfOpenProbes
	}
	if p.Interval <= 0 {
		p.Interval = d.Interval
	}
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = d.MaxAttempts
	}
	if p.BaseBackoff <= 0 {
		p.BaseBackoff = d.BaseBackoff
	}
	if p.MaxBackoff <= 0 {
		p.MaxBackoff = d.MaxBackoff
	}
	if p.MaxBackoff < p.BaseBackoff {
		p.MaxBackoff = p.BaseBackoff
	}
	if p.RetryBudget <= 0 {
		p.RetryBudget = d.RetryBudget
	}
	if p.RetryBudgetBurst <= 0 {
		p.RetryBudgetBurst = d.RetryBudgetBurst
	}
	if p.DefaultTimeout <= 0 {
		p.DefaultTimeout = d.DefaultTimeout
	}
	if p.MaxConcurrent <= 0 {
		p.MaxConcurrent = d.MaxConcurrent
	}
	if p.MaxQueue == 0 {
		p.MaxQueue = d.MaxQueue
	} else if p.MaxQueue < 0 {
		p.MaxQueue = 0
	}
	if p.QueueTimeout <= 0 {
		p.QueueTimeout = d.QueueTimeout
	}
	return p
}
