package resilience

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// policyKeys maps each spec key to a setter on Policy. Keys are documented in
// docs/resilience.md and the README (PORTGATE_RESILIENCE_<PROVIDER>).
var policyKeys = map[string]func(p *Policy, v string) error{
	"failures":       func(p *Policy, v string) error { return parseUint(v, &p.ConsecutiveFailures) },
	"failure_ratio":  func(p *Policy, v string) error { return parseFloat(v, &p.FailureRatio) },
	"min_requests":   func(p *Policy, v string) error { return parseUint(v, &p.MinRequests) },
	"open_timeout":   func(p *Policy, v string) error { return parseDur(v, &p.OpenTimeout) },
	"half_open":      func(p *Policy, v string) error { return parseUint(v, &p.HalfOpenProbes) },
	"interval":       func(p *Policy, v string) error { return parseDur(v, &p.Interval) },
	"max_attempts":   func(p *Policy, v string) error { return parseInt(v, &p.MaxAttempts) },
	"base_backoff":   func(p *Policy, v string) error { return parseDur(v, &p.BaseBackoff) },
	"max_backoff":    func(p *Policy, v string) error { return parseDur(v, &p.MaxBackoff) },
	"retry_budget":   func(p *Policy, v string) error { return parseFloat(v, &p.RetryBudget) },
	"timeout":        func(p *Policy, v string) error { return parseDur(v, &p.DefaultTimeout) },
	"max_concurrent": func(p *Policy, v string) error { return parseInt(v, &p.MaxConcurrent) },
	"max_queue":      func(p *Policy, v string) error { return parseInt(v, &p.MaxQueue) },
	"queue_timeout":  func(p *Policy, v string) error { return parseDur(v, &p.QueueTimeout) },
}

// ParsePolicy applies a spec such as
// "failures=3,open_timeout=10s,half_open=2,max_concurrent=16,timeout=5s"
// on top of base. Unknown keys, repeated keys and bad values are errors.
func ParsePolicy(spec string, base Policy) (Policy, error) {
	p := base
	seen := map[string]bool{}
	for _, kv := range strings.Split(spec, ",") {
		kv = strings.TrimSpace(kv)
		if kv == "" {
			continue
		}
		k, v, ok := strings.Cut(kv, "=")
		k = strings.TrimSpace(k)
		if !ok {
			return base, fmt.Errorf("resilience: %q is not key=value", kv)
		}
		set, known := policyKeys[k]
		if !known {
			return base, fmt.Errorf("resilience: unknown key %q (known: %s)", k, strings.Join(policyKeyNames(), ", "))
		}
		if seen[k] {
			return base, fmt.Errorf("resilience: key %q given twice", k)
		}
		seen[k] = true
		if err := set(&p, strings.TrimSpace(v)); err != nil {
			return base, fmt.Errorf("resilience: %s: %w", k, err)
		}
	}
	return p, nil
}

func policyKeyNames() []string {
	out := make([]string, 0, len(policyKeys))
	for k := range policyKeys {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func parseUint(v string, dst *uint32) error {
	n, err := strconv.ParseUint(v, 10, 32)
	if err != nil || n == 0 {
		return fmt.Errorf("want a positive integer, got %q", v)
	}
	*dst = uint32(n)
	return nil
}

func parseInt(v string, dst *int) error {
	n, err := strconv.Atoi(v)
	if err != nil {
		return fmt.Errorf("want an integer, got %q", v)
	}
	*dst = n
	return nil
}

func parseFloat(v string, dst *float64) error {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f <= 0 {
		return fmt.Errorf("want a positive number, got %q", v)
	}
	*dst = f
	return nil
}

func parseDur(v string, dst *time.Duration) error {
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return fmt.Errorf("want a positive duration, got %q", v)
	}
	*dst = d
	return nil
}
