package resilience

import (
	"errors"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the resilience layer's Prometheus collectors. One Metrics is
// shared by every wrapped provider; series are labelled by provider.
type Metrics struct {
	breakerState *prometheus.GaugeVec
	calls        *prometheus.CounterVec
	retries      *prometheus.CounterVec
	rejections   *prometheus.CounterVec
	duration     *prometheus.HistogramVec
	inFlight     *prometheus.GaugeVec
	queued       *prometheus.GaugeVec
}

// NewMetrics creates the collectors and registers them with reg (nil: not
// registered). Registering twice with the same registry reuses the
// collectors already there.
//
//	portgate_provider_breaker_state{provider}          0 closed, 1 half-open, 2 open
//	portgate_provider_calls_total{provider,op,code}    code "OK" on success
//	portgate_provider_retries_total{provider,op,code}  code of the error that was retried
//	portgate_provider_rejections_total{provider,op,code} CircuitOpen / Overloaded, no provider call made
//	portgate_provider_call_duration_seconds{provider,op,code} whole call: queueing, attempts and backoff
//	portgate_provider_bulkhead_in_flight{provider}     calls holding a bulkhead slot
//	portgate_provider_bulkhead_queue_depth{provider}   calls waiting for a slot
//
// Label values come from closed sets only: provider names, the
// providers.Operation names and providers.Code names (plus "OK"); never a
// phone number, an order id or a key.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		breakerState: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "portgate_provider_breaker_state",
			Help: "Circuit breaker state per provider: 0 closed, 1 half-open, 2 open.",
		}, []string{"provider"}),
		calls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "portgate_provider_calls_total",
			Help: "Calls through the resilience layer by provider, operation and outcome code.",
		}, []string{"provider", "op", "code"}),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "portgate_provider_retries_total",
			Help: "Retried attempts by provider, operation and the code that caused the retry.",
		}, []string{"provider", "op", "code"}),
		rejections: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "portgate_provider_rejections_total",
			Help: "Calls rejected without reaching the provider (circuit open, overloaded).",
		}, []string{"provider", "op", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "portgate_provider_call_duration_seconds",
			Help:    "Duration of calls through the resilience layer (queueing, every attempt and backoff) by provider, operation and outcome code.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"provider", "op", "code"}),
		inFlight: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "portgate_provider_bulkhead_in_flight",
			Help: "Calls holding one of the provider's bulkhead slots.",
		}, []string{"provider"}),
		queued: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "portgate_provider_bulkhead_queue_depth",
			Help: "Calls waiting in the provider's bulkhead queue for a slot.",
		}, []string{"provider"}),
	}
	if reg != nil {
		m.breakerState = register(reg, m.breakerState)
		m.calls = register(reg, m.calls)
		m.retries = register(reg, m.retries)
		m.rejections = register(reg, m.rejections)
		m.duration = register(reg, m.duration)
		m.inFlight = register(reg, m.inFlight)
		m.queued = register(reg, m.queued)
	}
	return m
}

func register[C prometheus.Collector](reg prometheus.Registerer, c C) C {
	if err := reg.Register(c); err != nil {
		var are prometheus.AlreadyRegisteredError
		if errors.As(err, &are) {
			if existing, ok := are.ExistingCollector.(C); ok {
				return existing
			}
		}
		panic(err)
	}
	return c
}

func (m *Metrics) setState(provider string, v float64) {
	if m != nil {
		m.breakerState.WithLabelValues(provider).Set(v)
	}
}

// initProvider creates the provider's gauge series at 0.
func (m *Metrics) initProvider(provider string) {
	if m != nil {
		m.breakerState.WithLabelValues(provider).Set(0)
		m.inFlight.WithLabelValues(provider).Set(0)
		m.queued.WithLabelValues(provider).Set(0)
	}
}

func (m *Metrics) call(provider, op, code string, start time.Time) {
	if m != nil {
		m.calls.WithLabelValues(provider, op, code).Inc()
		m.duration.WithLabelValues(provider, op, code).Observe(time.Since(start).Seconds())
	}
}

func (m *Metrics) slot(provider string, delta float64) {
	if m != nil {
		m.inFlight.WithLabelValues(provider).Add(delta)
	}
}

func (m *Metrics) queue(provider string, delta float64) {
	if m != nil {
		m.queued.WithLabelValues(provider).Add(delta)
	}
}

func (m *Metrics) retry(provider, op, code string) {
	if m != nil {
		m.retries.WithLabelValues(provider, op, code).Inc()
	}
}

func (m *Metrics) reject(provider, op, code string) {
	if m != nil {
		m.rejections.WithLabelValues(provider, op, code).Inc()
	}
}
