package resilience

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the resilience layer's Prometheus collectors. One Metrics is
// shared by every wrapped provider; series are labelled by provider.
type Metrics struct {
	breakerState *prometheus.GaugeVec
	calls        *prometheus.CounterVec
	retries      *prometheus.CounterVec
	rejections   *prometheus.CounterVec
}

// NewMetrics creates the collectors and registers them with reg (nil: not
// registered). Registering twice with the same registry reuses the
// collectors already there.
//
//	portgate_provider_breaker_state{provider}          0 closed, 1 half-open, 2 open
//	portgate_provider_calls_total{provider,op,code}    code "OK" on success
//	portgate_provider_retries_total{provider,op,code}  code of the error that was retried
//	portgate_provider_rejections_total{provider,op,code} CircuitOpen / Overloaded, no provider call made
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
	}
	if reg != nil {
		m.breakerState = register(reg, m.breakerState)
		m.calls = register(reg, m.calls)
		m.retries = register(reg, m.retries)
		m.rejections = register(reg, m.rejections)
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

func (m *Metrics) call(provider, op, code string) {
	if m != nil {
		m.calls.WithLabelValues(provider, op, code).Inc()
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
