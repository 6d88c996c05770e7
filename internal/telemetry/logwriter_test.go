package telemetry

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

type countingWriter struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	writes int
	wrote  chan struct{}
}

func (c *countingWriter) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.writes++
	n, err := c.buf.Write(p)
	select {
	case c.wrote <- struct{}{}:
	default:
	}
	return n, err
}

func (c *countingWriter) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf.String()
}

// Lines from many goroutines come out whole, batched, and all of them once
// Close returns.
func TestLogWriterBatchesAndCloseFlushesEverything(t *testing.T) {
	out := &countingWriter{wrote: make(chan struct{}, 1)}
	w := NewLogWriter(out, time.Hour) // only Close or the size cap flush
	l := slog.New(slog.NewTextHandler(w, nil))
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 1000 {
				l.Info("finished call", "g", g, "i", i, "pad", strings.Repeat("x", 40))
			}
		}()
	}
	wg.Wait()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 8000 {
		t.Fatalf("got %d lines, want 8000", len(lines))
	}
	seen := map[string]bool{}
	for _, line := range lines {
		if !strings.HasPrefix(line, "time=") || !strings.HasSuffix(line, strings.Repeat("x", 40)) {
			t.Fatalf("torn line %q", line)
		}
		seen[line[strings.Index(line, " g="):]] = true
	}
	if len(seen) != 8000 {
		t.Errorf("%d distinct lines, want 8000", len(seen))
	}
	if out.writes >= 8000/10 {
		t.Errorf("%d writes for 8000 lines: not batched", out.writes)
	}
	// After Close, writes go straight through.
	l.Info("after close")
	if !strings.Contains(out.String(), "after close") {
		t.Error("write after Close lost")
	}
}

// A lone line is written within the flush interval, without Close.
func TestLogWriterFlushesAfterInterval(t *testing.T) {
	out := &countingWriter{wrote: make(chan struct{}, 1)}
	w := NewLogWriter(out, 10*time.Millisecond)
	defer w.Close()
	fmt.Fprintln(w, "one line")
	select {
	case <-out.wrote:
	case <-time.After(5 * time.Second):
		t.Fatal("line not flushed by the timer")
	}
	if out.String() != "one line\n" {
		t.Errorf("got %q", out.String())
	}
}
