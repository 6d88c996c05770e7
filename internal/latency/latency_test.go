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
