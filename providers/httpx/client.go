// Package httpx is the HTTP plumbing every provider adapter shares: the
// tuned transport and its timeouts, the response-body cap, otelhttp client
// spans (tracingTransport), transport-error classification and Retry-After parsing. Adapters
// keep only their wire formats and their status → code switch.
package httpx

import (
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/portgate/portgate/providers"
)

// ErrResponseTooLarge is returned (wrapped) by the capped transport when a
// provider response body exceeds Options.MaxResponseBytes.
var ErrResponseTooLarge = providers.ErrResponseTooLarge

// Options tunes the gateway's outbound HTTP client. Zero fields take the
// defaults shown.
type Options struct {
	DialTimeout           time.Duration // 5s
	KeepAlive             time.Duration // 30s TCP keep-alive period
	TLSHandshakeTimeout   time.Duration // 5s
	ResponseHeaderTimeout time.Duration // 10s
	IdleConnTimeout       time.Duration // 90s
	MaxIdleConnsPerHost   int           // 32 (one provider = one host: match MaxConcurrent)
	MaxConnsPerHost       int           // 0 = unlimited (the bulkhead bounds concurrency)
	MaxResponseBytes      int64         // 8 MiB; larger bodies fail with ErrResponseTooLarge
	// Timeout is http.Client.Timeout (0: none; deadlines come from the
	// request context, set by the resilience policy).
	Timeout   time.Duration
	TLSConfig *tls.Config
	// Base, when set, replaces the tuned transport (tests); the body cap still applies.
	Base http.RoundTripper
	// TracerProvider, when set, gives every provider HTTP request a client
	// span (tracingTransport, shaped like otelhttp's), child of the calling
	// request's span. No trace headers are sent to the providers: the trace
	// context stays inside portgate.
	TracerProvider trace.TracerProvider
}

func (o Options) withDefaults() Options {
	if o.DialTimeout <= 0 {
		o.DialTimeout = 5 * time.Second
	}
	if o.KeepAlive <= 0 {
		o.KeepAlive = 30 * time.Second
	}
	if o.TLSHandshakeTimeout <= 0 {
		o.TLSHandshakeTimeout = 5 * time.Second
	}
	if o.ResponseHeaderTimeout <= 0 {
		o.ResponseHeaderTimeout = 10 * time.Second
	}
	if o.IdleConnTimeout <= 0 {
		o.IdleConnTimeout = 90 * time.Second
	}
	if o.MaxIdleConnsPerHost <= 0 {
		o.MaxIdleConnsPerHost = 32
	}
	if o.MaxResponseBytes <= 0 {
		o.MaxResponseBytes = 8 << 20
	}
	return o
}

// NewClient returns a client with a gateway-tuned transport (per-host idle
// pool, dial/TLS/response-header timeouts, keep-alive, HTTP/2 attempted) and a
// response-body cap.
func NewClient(o Options) *http.Client {
	o = o.withDefaults()
	base := o.Base
	if base == nil {
		d := &net.Dialer{Timeout: o.DialTimeout, KeepAlive: o.KeepAlive}
		base = &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           d.DialContext,
			ForceAttemptHTTP2:     true,
			TLSClientConfig:       o.TLSConfig,
			TLSHandshakeTimeout:   o.TLSHandshakeTimeout,
			ResponseHeaderTimeout: o.ResponseHeaderTimeout,
			ExpectContinueTimeout: time.Second,
			IdleConnTimeout:       o.IdleConnTimeout,
			MaxIdleConns:          4 * o.MaxIdleConnsPerHost,
			MaxIdleConnsPerHost:   o.MaxIdleConnsPerHost,
			MaxConnsPerHost:       o.MaxConnsPerHost,
		}
	}
	if o.TracerProvider != nil {
		base = &tracingTransport{base: base, tracer: o.TracerProvider.Tracer(tracerName)}
	}
	return &http.Client{
		Transport: &CappedTransport{Base: base, MaxBytes: o.MaxResponseBytes},
		Timeout:   o.Timeout,
	}
}

// CappedTransport fails responses whose body is larger than MaxBytes: at
// once when Content-Length says so, otherwise with a read error once the
// limit is crossed.
type CappedTransport struct {
	Base     http.RoundTripper
	MaxBytes int64
}

// RoundTrip implements http.RoundTripper.
func (t *CappedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.Base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	if resp.ContentLength > t.MaxBytes {
		resp.Body.Close()
		return nil, fmt.Errorf("%w: Content-Length %d > %d", ErrResponseTooLarge, resp.ContentLength, t.MaxBytes)
	}
	resp.Body = &cappedBody{rc: resp.Body, left: t.MaxBytes, max: t.MaxBytes}
	return resp, nil
}

// CloseIdleConnections forwards to the base transport.
func (t *CappedTransport) CloseIdleConnections() {
	if c, ok := t.Base.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

type cappedBody struct {
	mu   sync.Mutex
	rc   io.ReadCloser
	left int64 // bytes still allowed
	max  int64
}

func (b *cappedBody) Read(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.left < 0 {
		return 0, fmt.Errorf("%w: more than %d bytes", ErrResponseTooLarge, b.max)
	}
	// Read one byte past the limit to detect overflow.
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	if b.left < 0 {
		return n + int(b.left), fmt.Errorf("%w: more than %d bytes", ErrResponseTooLarge, b.max)
	}
	return n, err
}

func (b *cappedBody) Close() error { return b.rc.Close() }
