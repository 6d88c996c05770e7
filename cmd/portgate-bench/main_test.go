package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 100; i++ {
		d = append(d, time.Duration(i)*time.Microsecond)
	}
	for p, want := range map[float64]float64{0.5: 50, 0.9: 90, 0.99: 99, 1: 100} {
		if got := percentile(d, p); got != want {
			t.Errorf("p%v = %v, want %v", p*100, got, want)
		}
	}
	if percentile(nil, 0.5) != 0 {
		t.Error("empty")
	}
}

func TestProcCPU(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc")
	}
	if _, err := procCPU(os.Getpid()); err != nil {
		t.Fatal(err)
	}
}

// TestSmoke runs the whole tool briefly (about a minute with the build).
// Off by default: PORTGATE_BENCH_SMOKE=1 go test ./cmd/portgate-bench/
func TestSmoke(t *testing.T) {
	if os.Getenv("PORTGATE_BENCH_SMOKE") == "" {
		t.Skip("set PORTGATE_BENCH_SMOKE=1 to run the benchmark tool end to end")
	}
	out := filepath.Join(t.TempDir(), "r.json")
	cmd := exec.Command("go", "run", "./cmd/portgate-bench", "-duration", "400ms", "-warmup", "100ms", "-c", "1,4",
		"-portability-n", "500", "-json", out)
	cmd.Dir = "../.."
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	var rep Report
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Cells) != 4*2*4 || rep.Portability == nil {
		t.Fatalf("%d cells, portability %v", len(rep.Cells), rep.Portability)
	}
	for _, c := range rep.Cells {
		if c.Requests == 0 || c.Errors > 0 {
			t.Errorf("%s %s c=%d: %d requests, %d errors (%s)", c.Op, c.Target, c.Concurrency, c.Requests, c.Errors, c.FirstError)
		}
	}
}
