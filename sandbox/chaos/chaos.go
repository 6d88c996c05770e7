// Package chaos injects faults into HTTP handlers: latency, 5xx, bursts of
// 5xx, connection resets, hangs, 429s with Retry-After and malformed JSON.
// It wraps either provider fake (flowroutefake, telnyxfake) so the gateway's
// resilience layer can be exercised end to end, from tests or from sandbox
// mode via a spec string (see Parse).
package chaos

import (
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Faults describes what to inject. The zero value injects nothing.
type Faults struct {
	Latency, Jitter time.Duration // added before handling: Latency + uniform [0, Jitter)
	ErrorRate       float64       // probability of a 503 with the neutral error body
	ErrorBurst      int           // the next N requests fail with 503 (deterministic)
	ResetRate       float64       // probability of closing the connection without a response
	Hang            bool          // block until the request's context is done
	RateLimitRate   float64       // probability of a 429 with Retry-After
	RetryAfter      time.Duration // Retry-After of the 429s (whole seconds, rounded up; default 1s)
	MalformedRate   float64       // probability of a 200 with a truncated JSON body
}

// IsZero reports whether f injects nothing.
func (f Faults) IsZero() bool { return f == Faults{} }

// Bodies sent by the injector.
const (
	Body503       = `{"errors":[{"status":503,"title":"Service Unavailable","detail":"chaos"}]}`
	Body429       = `{"errors":[{"status":429,"title":"Too Many Requests","detail":"chaos"}]}`
	BodyMalformed = `{"data":{"id":"chaos","type":"chaos","attributes":{"status":"ok","phone_numbers":["+1312`
)

var keys = []string{"latency", "jitter", "error_rate", "burst", "reset_rate", "hang", "ratelimit_rate", "retry_after", "malformed_rate"}

// Parse reads a comma-separated spec such as
// "latency=200ms,jitter=50ms,error_rate=0.2,burst=5,reset_rate=0.1,hang=true,ratelimit_rate=0.5,retry_after=2s,malformed_rate=0.1".
// The empty spec (or "none") is no faults. Unknown keys, repeated keys,
// negative durations and rates outside [0, 1] are errors.
func Parse(spec string) (Faults, error) {
	var f Faults
	spec = strings.TrimSpace(spec)
	if spec == "" || spec == "none" {
		return f, nil
	}
	seen := map[string]bool{}
	for _, kv := range strings.Split(spec, ",") {
		kv = strings.TrimSpace(kv)
		k, v, ok := strings.Cut(kv, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || k == "" {
			return Faults{}, fmt.Errorf("chaos: %q: want key=value", kv)
		}
		if seen[k] {
			return Faults{}, fmt.Errorf("chaos: %q given twice", k)
		}
		seen[k] = true
		var err error
		switch k {
		case "latency":
			f.Latency, err = parseDuration(v)
		case "jitter":
			f.Jitter, err = parseDuration(v)
		case "retry_after":
			f.RetryAfter, err = parseDuration(v)
		case "error_rate":
			f.ErrorRate, err = parseRate(v)
		case "reset_rate":
			f.ResetRate, err = parseRate(v)
		case "ratelimit_rate":
			f.RateLimitRate, err = parseRate(v)
		case "malformed_rate":
			f.MalformedRate, err = parseRate(v)
		case "burst":
			f.ErrorBurst, err = strconv.Atoi(v)
			if err == nil && f.ErrorBurst < 0 {
				err = fmt.Errorf("negative")
			}
		case "hang":
			f.Hang, err = strconv.ParseBool(v)
		default:
			return Faults{}, fmt.Errorf("chaos: unknown key %q (known: %s)", k, strings.Join(sortedKeys(), ", "))
		}
		if err != nil {
			return Faults{}, fmt.Errorf("chaos: %s=%q: %v", k, v, err)
		}
	}
	return f, nil
}

func sortedKeys() []string {
	k := append([]string(nil), keys...)
	sort.Strings(k)
	return k
}

func parseDuration(v string) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err == nil && d < 0 {
		err = fmt.Errorf("negative duration")
	}
	return d, err
}

func parseRate(v string) (float64, error) {
	r, err := strconv.ParseFloat(v, 64)
	if err == nil && (math.IsNaN(r) || r < 0 || r > 1) {
		err = fmt.Errorf("rate must be in [0, 1]")
	}
	return r, err
}

// String is the spec Parse reads back into f (non-zero fields only, in a
// fixed order; "none" for no faults).
func (f Faults) String() string {
	var parts []string
	add := func(k, v string) { parts = append(parts, k+"="+v) }
	if f.Latency != 0 {
		add("latency", f.Latency.String())
	}
	if f.Jitter != 0 {
		add("jitter", f.Jitter.String())
	}
	if f.ErrorRate != 0 {
		add("error_rate", strconv.FormatFloat(f.ErrorRate, 'g', -1, 64))
	}
	if f.ErrorBurst != 0 {
		add("burst", strconv.Itoa(f.ErrorBurst))
	}
	if f.ResetRate != 0 {
		add("reset_rate", strconv.FormatFloat(f.ResetRate, 'g', -1, 64))
	}
	if f.Hang {
		add("hang", "true")
	}
	if f.RateLimitRate != 0 {
		add("ratelimit_rate", strconv.FormatFloat(f.RateLimitRate, 'g', -1, 64))
	}
	if f.RetryAfter != 0 {
		add("retry_after", f.RetryAfter.String())
	}
	if f.MalformedRate != 0 {
		add("malformed_rate", strconv.FormatFloat(f.MalformedRate, 'g', -1, 64))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ",")
}

// Injector applies Faults to requests. It is safe for concurrent use and
// deterministic for a given seed and request order.
type Injector struct {
	mu        sync.Mutex
	f         Faults
	burstLeft int
	rng       *rand.Rand
}

// New returns an injector applying f, its randomness seeded by seed.
func New(f Faults, seed int64) *Injector {
	i := &Injector{rng: rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))}
	i.Set(f)
	return i
}

// Set replaces the faults at runtime; ErrorBurst restarts its count.
func (i *Injector) Set(f Faults) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.f = f
	i.burstLeft = f.ErrorBurst
}

// Faults returns the current faults; ErrorBurst is the number of burst
// failures still to come.
func (i *Injector) Faults() Faults {
	i.mu.Lock()
	defer i.mu.Unlock()
	f := i.f
	f.ErrorBurst = i.burstLeft
	return f
}

type action int

const (
	actPass action = iota
	actHang
	actBurst
	actReset
	actRateLimit
	actError
	actMalformed
)

// decide draws the fate of one request. Every request draws the same
// random numbers in the same order whatever is configured, so a seed
// replays identically.
func (i *Injector) decide() (time.Duration, action, time.Duration) {
	i.mu.Lock()
	defer i.mu.Unlock()
	f := i.f
	jitter, reset, rl, er, mal := i.rng.Float64(), i.rng.Float64(), i.rng.Float64(), i.rng.Float64(), i.rng.Float64()
	delay := f.Latency + time.Duration(jitter*float64(f.Jitter))
	act := actPass
	switch {
	case f.Hang:
		act = actHang
	case i.burstLeft > 0:
		i.burstLeft--
		act = actBurst
	case reset < f.ResetRate:
		act = actReset
	case rl < f.RateLimitRate:
		act = actRateLimit
	case er < f.ErrorRate:
		act = actError
	case mal < f.MalformedRate:
		act = actMalformed
	}
	return delay, act, f.RetryAfter
}

// Wrap returns h behind the injector. Faults are read per request, so Set
// takes effect on the next request.
func (i *Injector) Wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		delay, act, retryAfter := i.decide()
		if delay > 0 {
			t := time.NewTimer(delay)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		switch act {
		case actHang:
			<-r.Context().Done()
		case actBurst, actError:
			writeJSON(w, http.StatusServiceUnavailable, Body503)
		case actReset:
			reset(w)
		case actRateLimit:
			secs := int64(math.Ceil(retryAfter.Seconds()))
			if secs < 1 {
				secs = 1
			}
			w.Header().Set("Retry-After", strconv.FormatInt(secs, 10))
			writeJSON(w, http.StatusTooManyRequests, Body429)
		case actMalformed:
			writeJSON(w, http.StatusOK, BodyMalformed)
		default:
			h.ServeHTTP(w, r)
		}
	})
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// reset closes the connection without a response: hijack and close on
// HTTP/1, abort the stream otherwise.
func reset(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}
