package resilience

import (
	"testing"
	"time"
)

func TestParsePolicy(t *testing.T) {
	p, err := ParsePolicy("failures=3, open_timeout=10s,half_open=2,max_concurrent=16,max_queue=-1,timeout=5s,max_attempts=1", DefaultPolicy())
	if err != nil {
		t.Fatal(err)
	}
	if p.ConsecutiveFailures != 3 || p.OpenTimeout != 10*time.Second || p.HalfOpenProbes != 2 || p.MaxConcurrent != 16 ||
		p.MaxQueue != -1 || p.DefaultTimeout != 5*time.Second || p.MaxAttempts != 1 {
		t.Fatalf("parsed %+v", p)
	}
	if p.Interval != DefaultPolicy().Interval {
		t.Fatalf("unspecified key changed: %v", p.Interval)
	}
	if got, err := ParsePolicy("", DefaultPolicy()); err != nil || got != DefaultPolicy() {
		t.Fatalf("empty spec: %+v %v", got, err)
	}
	for _, bad := range []string{"nope=1", "failures", "failures=0", "failures=2,failures=3", "open_timeout=soon", "timeout=-1s", "failure_ratio=x"} {
		if _, err := ParsePolicy(bad, DefaultPolicy()); err == nil {
			t.Errorf("ParsePolicy(%q) accepted", bad)
		}
	}
}
