package telemetry

import (
	"io"
	"sync"
	"time"
)

// LogWriter buffers log output and writes it in batches: at most FlushAfter
// after the first unwritten line, as soon as MaxBuffered bytes are waiting,
// and on Flush/Close. Each Write is kept whole (a slog handler writes one
// record per Write), so lines never interleave. Under load this turns one
// write syscall per access-log line into one per batch (docs/performance.md).
//
// Close (or Flush) before the process exits, or the last FlushAfter of
// lines is lost; cmd/portgate closes it when run returns.
type LogWriter struct {
	out        io.Writer
	flushAfter time.Duration

	mu     sync.Mutex
	buf    []byte
	timer  *time.Timer
	closed bool
	err    error // first write error, returned by later calls
}

// Defaults for NewLogWriter.
const (
	DefaultLogFlushAfter = 50 * time.Millisecond
	maxLogBuffered       = 64 << 10
)

// NewLogWriter returns a LogWriter over out; flushAfter ≤ 0 means
// DefaultLogFlushAfter.
func NewLogWriter(out io.Writer, flushAfter time.Duration) *LogWriter {
	if flushAfter <= 0 {
		flushAfter = DefaultLogFlushAfter
	}
	return &LogWriter{out: out, flushAfter: flushAfter}
}

// Write buffers p (after Close it writes through).
func (w *LogWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return w.out.Write(p)
	}
	if w.err != nil {
		return 0, w.err
	}
	w.buf = append(w.buf, p...)
	if len(w.buf) >= maxLogBuffered {
		if err := w.flushLocked(); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	if w.timer == nil {
		w.timer = time.AfterFunc(w.flushAfter, func() { _ = w.Flush() })
	}
	return len(p), nil
}

// Flush writes everything buffered.
func (w *LogWriter) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.flushLocked()
}

func (w *LogWriter) flushLocked() error {
	if w.timer != nil {
		w.timer.Stop()
		w.timer = nil
	}
	if len(w.buf) == 0 || w.err != nil {
		return w.err
	}
	_, err := w.out.Write(w.buf)
	w.buf = w.buf[:0]
	if cap(w.buf) > 4*maxLogBuffered {
		w.buf = nil
	}
	if err != nil {
		w.err = err
	}
	return err
}

// Close flushes and makes later writes go straight through.
func (w *LogWriter) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	err := w.flushLocked()
	w.closed = true
	return err
}
