package latency

import (
	"sync/atomic"
	"testing"
	"time"
)

func TestPairedCallsBothStreamsOncePerTick(t *testing.T) {
	var a, b atomic.Int64
	m, s := Paired(7, 0, func() { a.Add(1) }, func() { b.Add(1) })
	if a.Load() != 7 || b.Load() != 7 || len(m) != 7 || len(s) != 7 {
		t.Fatalf("calls %d/%d, samples %d/%d; want 7 each", a.Load(), b.Load(), len(m), len(s))
	}
}

func TestPercentileMS(t *testing.T) {
	d := []time.Duration{4 * time.Millisecond, time.Millisecond, 3 * time.Millisecond, 2 * time.Millisecond, 5 * time.Millisecond}
	if got := PercentileMS(d, 0.5); got != 3 {
		t.Errorf("p50 = %v, want 3", got)
	}
	if got := PercentileMS(d, 1); got != 5 {
		t.Errorf("p100 = %v, want 5", got)
	}
	if d[0] != 4*time.Millisecond {
		t.Error("PercentileMS reordered its input")
	}
	if PercentileMS(nil, 0.99) != 0 {
		t.Error("no samples: want 0")
	}
}

type metrics map[string]float64

func (m metrics) ReportMetric(v float64, unit string) { m[unit] = v }

func TestOutageReport(t *testing.T) {
	ms := func(v ...int) []time.Duration {
		var d []time.Duration
		for _, x := range v {
			d = append(d, time.Duration(x)*time.Millisecond)
		}
		return d
	}
	m := metrics{}
	Outage{BaseHealthy: ms(2, 2, 4), BaseOther: ms(8, 8, 8), Healthy: ms(1, 1, 2), Open: ms(1, 1, 1)}.Report(m, "flaky")
	want := metrics{"base_p50_ms": 2, "base_p99_ms": 2, "base_flaky_p99_ms": 8, "open_p50_ms": 1, "open_p99_ms": 1,
		"healthy_p50_ms": 1, "healthy_p99_ms": 1, "healthy_p50_ratio": 0.5, "healthy_p99_ratio": 0.5, "open_p99_ratio": 0.125}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s = %v, want %v", k, m[k], v)
		}
	}
	if len(m) != len(want) {
		t.Errorf("reported %d metrics, want %d: %v", len(m), len(want), m)
	}
}
