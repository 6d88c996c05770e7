// Package config loads portgate's settings from the environment, with
// command-line flags overriding. Every setting is one row of [Table]; the
// README's configuration table is generated from (and checked against) it.
package config

import (
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/nyaruka/phonenumbers"

	"github.com/portgate/portgate/internal/auth"
	"github.com/portgate/portgate/providers/registry"
	"github.com/portgate/portgate/providers/resilience"
)

// Modes (Config.Mode).
const (
	// ModeSandbox runs every enabled provider against its in-process fake;
	// provider credentials are ignored (and a warning says so).
	ModeSandbox = "sandbox"
	// ModeLive runs every enabled provider against its real API; a missing
	// or half-set credential of an enabled provider is a start-up error.
	ModeLive = "live"
)

// KnownProviders lists every provider portgate can run: the adapters
// registered in providers/registry (PORTGATE_PROVIDERS,
// PORTGATE_PROVIDER_PREFERENCE accept these names).
func KnownProviders() []string { return registry.Names() }

// ErrUsage marks command-line errors (unknown flag, stray argument): the
// caller prints the usage and exits 2.
var ErrUsage = errors.New("bad command line")

// Config is the process configuration.
type Config struct {
	// Mode is ModeSandbox or ModeLive. Load always sets it; a zero Config
	// (tests) means the default: live when any provider credential is set.
	Mode string
	// Providers are the enabled providers (PORTGATE_PROVIDERS); nil = all.
	Providers []string

	GRPCAddr, HTTPAddr string
	// AdminAddr, when set, serves /metrics and /debug/pprof on their own
	// listener instead of HTTPAddr.
	AdminAddr string
	// Pprof enables net/http/pprof at /debug/pprof (admin listener when
	// AdminAddr is set, else the HTTP listener).
	Pprof bool
	// OTLPEndpoint, when set, exports traces over OTLP/HTTP to it.
	OTLPEndpoint  string
	LogLevel      string // debug, info, warn, error
	LogFormat     string // text, json
	DefaultRegion string // ISO 3166 region for numbers without a country code

	// ProviderSettings holds each provider adapter's own settings
	// (credentials, base URL) by environment variable, e.g.
	// FLOWROUTE_ACCESS_KEY: the adapter declares them when it registers
	// (providers/registry); this package names no provider.
	ProviderSettings map[string]string

	// SandboxStepInterval is how fast sandbox port orders progress.
	SandboxStepInterval time.Duration
	// SandboxChaos are fault specs for the sandbox fakes
	// (PORTGATE_SANDBOX_CHAOS_<PROVIDER>), by provider name.
	SandboxChaos map[string]string
	// ProviderPreference breaks ties for providers/- ("choose for me").
	ProviderPreference []string
	// ProviderTimeout is the default per-call deadline to a provider.
	ProviderTimeout time.Duration
	// Resilience overrides each provider's resilience policy
	// (PORTGATE_RESILIENCE_<PROVIDER>; see resilience.ParsePolicy), e.g.
	// "failures=3,open_timeout=10s", by provider name.
	Resilience    map[string]string
	ShutdownGrace time.Duration

	// APIKeys is PORTGATE_API_KEYS as given (key lines: hashes, never keys);
	// APIKeysFile the path of a key-line file. Keys holds both, parsed.
	APIKeys, APIKeysFile string
	Keys                 []auth.Key
	// AuthOff (PORTGATE_AUTH=off) serves every caller without a key: only
	// behind a mesh that already authenticates callers.
	AuthOff bool
	// DisableReflection (PORTGATE_GRPC_REFLECTION=off) turns gRPC reflection off.
	DisableReflection bool
	// TLS for both listeners; TLSClientCAFile turns on mutual TLS.
	TLSCertFile, TLSKeyFile, TLSClientCAFile string
	// DataDir holds the SQLite store (portgate.db) when DatabaseURL is
	// unset; "" = an in-memory store that forgets everything on restart.
	DataDir string
	// DatabaseURL selects the PostgreSQL store (needed for replicas).
	DatabaseURL string
	// IdempotencyTTL is how long a request_id's outcome is kept.
	IdempotencyTTL time.Duration
	// MaxRequestBytes caps a REST request body and a received gRPC message.
	MaxRequestBytes int64

	// Events in (internal/ingest).
	// PublicURL is where providers reach portgate's HTTP listener; orders
	// created through portgate get PublicURL + the webhook path as their
	// callback. "" in sandbox mode = the HTTP listener's own address.
	PublicURL string
	// PageTokenKey signs list page tokens (HMAC-SHA256). Empty = a random
	// per-process key (tokens do not survive restarts or cross replicas).
	PageTokenKey string
	// EventsURL receives every event (Standard Webhooks), besides each
	// order's own callback URL.
	EventsURL string
	// EventsSecret signs outbound event deliveries ("whsec_" + base64).
	EventsSecret string
	// WatchBuffer is how many events a Watch stream holds for its consumer.
	WatchBuffer int
	// WatchStall is how long a Watch stream's buffer may stay full before
	// the stream is ended (WATCH_TOO_SLOW).
	WatchStall time.Duration
}

// Setting is one configuration knob.
type Setting struct {
	Env     string // environment variable
	Flag    string // command-line flag without dashes; "" = environment only (secrets)
	Default string
	// Description is one line for --help and the README.
	Description string
	// Secret values are never printed: Redacted shows "set"/"unset".
	Secret bool

	set func(*Config, string) error
	get func(Config) string
}

var staticSettings = []Setting{
	{
		Env: "PORTGATE_MODE", Flag: "mode",
		Description: "sandbox (in-process provider fakes) or live (real provider APIs); unset = live when any provider credential is set, else sandbox",
		set: func(c *Config, v string) error {
			c.Mode = strings.ToLower(v)
			if c.Mode == "" {
				return nil // resolved after every setting is read
			}
			return oneOf(c.Mode, ModeSandbox, ModeLive)
		},
		get: func(c Config) string { return c.Mode },
	},
	{
		Env: "PORTGATE_PROVIDERS", Flag: "providers", Default: markerAllProviders,
		Description: "comma-separated providers to run; leave one out to switch it off (live mode then needs no credentials for it)",
		set: func(c *Config, v string) (err error) {
			c.Providers, err = providerList(v)
			if err == nil && len(c.Providers) == 0 {
				err = errors.New("at least one provider is required")
			}
			return err
		},
		get: func(c Config) string { return strings.Join(c.Providers, ",") },
	},
	{
		Env: "PORTGATE_GRPC_ADDR", Flag: "grpc-addr", Default: ":9090",
		Description: "gRPC listen address",
		set:         func(c *Config, v string) error { c.GRPCAddr = v; return checkAddr(v, false) },
		get:         func(c Config) string { return c.GRPCAddr },
	},
	{
		Env: "PORTGATE_HTTP_ADDR", Flag: "http-addr", Default: ":8080",
		Description: "REST gateway, /healthz, /openapi.json (and /metrics unless PORTGATE_ADMIN_ADDR is set) listen address (--http-addr= disables)",
		set:         func(c *Config, v string) error { c.HTTPAddr = v; return checkAddr(v, true) },
		get:         func(c Config) string { return c.HTTPAddr },
	},
	{
		Env: "PORTGATE_ADMIN_ADDR", Flag: "admin-addr",
		Description: "separate listen address for /metrics and /debug/pprof (unset = they are served on PORTGATE_HTTP_ADDR)",
		set:         func(c *Config, v string) error { c.AdminAddr = v; return checkAddr(v, true) },
		get:         func(c Config) string { return c.AdminAddr },
	},
	{
		Env: "PORTGATE_PPROF", Flag: "pprof", Default: "false",
		Description: "serve Go profiling at /debug/pprof (on the admin address when set); off by default",
		set: func(c *Config, v string) (err error) {
			c.Pprof, err = strconv.ParseBool(v)
			if err != nil {
				return fmt.Errorf("invalid boolean %q: want true or false", v)
			}
			return nil
		},
		get: func(c Config) string { return strconv.FormatBool(c.Pprof) },
	},
	{
		Env: "OTEL_EXPORTER_OTLP_ENDPOINT", Flag: "otlp-endpoint",
		Description: "OTLP/HTTP collector base URL for traces, e.g. http://127.0.0.1:4318 (unset = traces are not exported; the other OTEL_EXPORTER_OTLP_* variables apply)",
		set: func(c *Config, v string) (err error) {
			if v == "" {
				c.OTLPEndpoint = ""
				return nil
			}
			c.OTLPEndpoint, err = baseURL(v)
			return err
		},
		get: func(c Config) string { return c.OTLPEndpoint },
	},
	{
		Env: "PORTGATE_LOG_LEVEL", Flag: "log-level", Default: "info",
		Description: "log level: debug, info, warn or error",
		set: func(c *Config, v string) error {
			c.LogLevel = strings.ToLower(v)
			return oneOf(c.LogLevel, "debug", "info", "warn", "error")
		},
		get: func(c Config) string { return c.LogLevel },
	},
	{
		Env: "PORTGATE_LOG_FORMAT", Flag: "log-format", Default: "text",
		Description: "log format: text or json",
		set: func(c *Config, v string) error {
			c.LogFormat = strings.ToLower(v)
			return oneOf(c.LogFormat, "text", "json")
		},
		get: func(c Config) string { return c.LogFormat },
	},
	{
		Env: "PORTGATE_DEFAULT_REGION", Flag: "default-region", Default: "US",
		Description: "region (ISO 3166-1 alpha-2) for phone numbers given without a country code",
		set: func(c *Config, v string) error {
			c.DefaultRegion = strings.ToUpper(v)
			if phonenumbers.GetCountryCodeForRegion(c.DefaultRegion) == 0 {
				return fmt.Errorf("unknown region %q", v)
			}
			return nil
		},
		get: func(c Config) string { return c.DefaultRegion },
	},
	{Env: markerProviderSettings},
	{
		Env: "PORTGATE_PAGE_TOKEN_KEY", Secret: true,
		Description: "key (at least 32 bytes) that signs list page tokens; the same on every replica. Unset = a random key per process: tokens stop working after a restart or on another replica",
		set: func(c *Config, v string) error {
			c.PageTokenKey = v
			if v != "" && len(v) < minPageTokenKeyLen {
				return fmt.Errorf("must be at least %d bytes (e.g. openssl rand -hex 32)", minPageTokenKeyLen)
			}
			return nil
		},
		get: func(c Config) string { return c.PageTokenKey },
	},
	{
		Env: "PORTGATE_SANDBOX_STEP", Flag: "sandbox-step", Default: "10s",
		Description: "sandbox mode: how often a sandbox port order advances one state",
		set:         func(c *Config, v string) (err error) { c.SandboxStepInterval, err = positiveDuration(v); return err },
		get:         func(c Config) string { return c.SandboxStepInterval.String() },
	},
	{Env: markerSandboxChaos},
	{
		Env: "PORTGATE_PROVIDER_PREFERENCE", Flag: "provider-preference", Default: markerAllProviders,
		Description: "comma-separated provider order used to break ties for providers/-",
		set:         func(c *Config, v string) (err error) { c.ProviderPreference, err = providerList(v); return err },
		get:         func(c Config) string { return strings.Join(c.ProviderPreference, ",") },
	},
	{
		Env: "PORTGATE_PROVIDER_TIMEOUT", Flag: "provider-timeout", Default: "10s",
		Description: "default deadline for one provider API call",
		set:         func(c *Config, v string) (err error) { c.ProviderTimeout, err = positiveDuration(v); return err },
		get:         func(c Config) string { return c.ProviderTimeout.String() },
	},
	{Env: markerResilience},
	{
		Env: "PORTGATE_DATA_DIR", Flag: "data-dir", Default: "data",
		Description: "directory of the embedded SQLite store (portgate.db), created if missing, relative to the working directory; used when PORTGATE_DATABASE_URL is unset; --data-dir= keeps state in memory only",
		set:         func(c *Config, v string) error { c.DataDir = v; return nil },
		get:         func(c Config) string { return c.DataDir },
	},
	{
		Env: "PORTGATE_DATABASE_URL", Description: "PostgreSQL URL (postgres://user:pass@host:5432/db?sslmode=require) for the store instead of SQLite; required to run several replicas", Secret: true,
		set: func(c *Config, v string) error { c.DatabaseURL = v; return databaseURL(v) },
		get: func(c Config) string { return c.DatabaseURL },
	},
	{
		Env: "PORTGATE_IDEMPOTENCY_TTL", Flag: "idempotency-ttl", Default: "24h",
		Description: "how long a mutation's request_id and outcome are kept (never evicted earlier); at least 1m",
		set: func(c *Config, v string) (err error) {
			c.IdempotencyTTL, err = positiveDuration(v)
			if err == nil && c.IdempotencyTTL < time.Minute {
				err = fmt.Errorf("duration %q is under 1m", v)
			}
			return err
		},
		get: func(c Config) string { return c.IdempotencyTTL.String() },
	},
	{
		Env: "PORTGATE_MAX_REQUEST_BYTES", Flag: "max-request-bytes", Default: "16MiB",
		Description: "largest REST request body (larger: 413 REQUEST_TOO_LARGE) and gRPC request message; bytes, or with a KiB/MiB suffix; keep room for a 10 MiB document (13.4 MiB in base64)",
		set:         func(c *Config, v string) (err error) { c.MaxRequestBytes, err = byteSize(v); return err },
		get:         func(c Config) string { return strconv.FormatInt(c.MaxRequestBytes, 10) },
	},
	{
		Env: "PORTGATE_PUBLIC_URL", Flag: "public-url",
		Description: "base URL at which the providers reach this gateway's HTTP listener (https://portgate.example.com); orders created through portgate get it + /webhooks/flowroute/{token} as Flowroute status_url and + /webhooks/telnyx as Telnyx webhook_url; unset: the HTTP listener's address in sandbox mode, no provider callbacks in live mode (pollers and sweeps still find every change)",
		set: func(c *Config, v string) (err error) {
			if v == "" {
				c.PublicURL = ""
				return nil
			}
			c.PublicURL, err = baseURL(v)
			return err
		},
		get: func(c Config) string { return c.PublicURL },
	},
	{
		Env: "PORTGATE_SHUTDOWN_GRACE", Flag: "shutdown-grace", Default: "10s",
		Description: "how long shutdown waits for in-flight calls before forcing",
		set:         func(c *Config, v string) (err error) { c.ShutdownGrace, err = positiveDuration(v); return err },
		get:         func(c Config) string { return c.ShutdownGrace.String() },
	},
	{
		Env: "PORTGATE_API_KEYS", Secret: true,
		Description: "API keys as key lines `id:sha256hex:scopes:providers`, separated by `;` (README \"Security\"; `portgate hash-key` makes one)",
		set: func(c *Config, v string) error {
			c.APIKeys = v
			keys, err := auth.ParseKeys(v)
			c.Keys = append(c.Keys, keys...)
			return err
		},
		get: func(c Config) string { return c.APIKeys },
	},
	{
		Env: "PORTGATE_API_KEYS_FILE", Flag: "api-keys-file",
		Description: "file of API key lines, one per line (`#` comments); adds to PORTGATE_API_KEYS",
		set: func(c *Config, v string) error {
			c.APIKeysFile = v
			if v == "" {
				return nil
			}
			keys, err := auth.LoadKeyFile(v)
			c.Keys = append(c.Keys, keys...)
			return err
		},
		get: func(c Config) string { return c.APIKeysFile },
	},
	{
		Env: "PORTGATE_AUTH", Flag: "auth", Default: "on",
		Description: "on: callers need an API key (a sandbox without keys runs open, with a warning); off: no authentication at all, for deployments behind a mesh that authenticates callers",
		set: func(c *Config, v string) error {
			v = strings.ToLower(v)
			c.AuthOff = v == "off"
			return oneOf(v, "on", "off")
		},
		get: func(c Config) string { return onOff(!c.AuthOff) },
	},
	{
		Env: "PORTGATE_GRPC_REFLECTION", Flag: "grpc-reflection", Default: "on",
		Description: "gRPC server reflection (open to every caller, like /openapi.json): on or off",
		set: func(c *Config, v string) error {
			v = strings.ToLower(v)
			c.DisableReflection = v == "off"
			return oneOf(v, "on", "off")
		},
		get: func(c Config) string { return onOff(!c.DisableReflection) },
	},
	{
		Env: "PORTGATE_TLS_CERT_FILE", Flag: "tls-cert-file",
		Description: "PEM certificate (chain) for TLS on the gRPC and HTTP listeners; unset = plaintext",
		set:         func(c *Config, v string) error { c.TLSCertFile = v; return nil },
		get:         func(c Config) string { return c.TLSCertFile },
	},
	{
		Env: "PORTGATE_TLS_KEY_FILE", Flag: "tls-key-file",
		Description: "PEM private key of PORTGATE_TLS_CERT_FILE",
		set:         func(c *Config, v string) error { c.TLSKeyFile = v; return nil },
		get:         func(c Config) string { return c.TLSKeyFile },
	},
	{
		Env: "PORTGATE_TLS_CLIENT_CA_FILE", Flag: "tls-client-ca-file",
		Description: "PEM CA bundle: set = mutual TLS, every client must present a certificate it signed",
		set:         func(c *Config, v string) error { c.TLSClientCAFile = v; return nil },
		get:         func(c Config) string { return c.TLSClientCAFile },
	},
	{
		Env: "PORTGATE_EVENTS_URL", Flag: "events-url",
		Description: "http(s) URL that receives every port order event as a signed Standard Webhooks POST (besides each order's status_callback_uri); needs PORTGATE_EVENTS_SECRET",
		set: func(c *Config, v string) error {
			c.EventsURL = v
			if v == "" {
				return nil
			}
			u, err := url.Parse(v)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return fmt.Errorf("must be an http:// or https:// URL")
			}
			return nil
		},
		get: func(c Config) string { return c.EventsURL },
	},
	{
		Env: "PORTGATE_EVENTS_SECRET", Secret: true,
		Description: "Standard Webhooks signing secret for outbound events: whsec_ + base64 of 24 to 64 random bytes (e.g. echo whsec_$(openssl rand -base64 32)); unset = events are not delivered outbound",
		set: func(c *Config, v string) error {
			c.EventsSecret = v
			if v == "" {
				return nil
			}
			b, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(v, "whsec_"))
			if !strings.HasPrefix(v, "whsec_") || err != nil || len(b) < 24 || len(b) > 64 {
				return fmt.Errorf("must be whsec_ followed by base64 of 24 to 64 bytes")
			}
			return nil
		},
		get: func(c Config) string { return c.EventsSecret },
	},
	{
		Env: "PORTGATE_WATCH_BUFFER", Flag: "watch-buffer", Default: "256",
		Description: "events a WatchPortOrderEvents stream holds for a consumer that has not taken them yet (1..10000)",
		set: func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 10000 {
				return fmt.Errorf("must be an integer from 1 to 10000")
			}
			c.WatchBuffer = n
			return nil
		},
		get: func(c Config) string { return strconv.Itoa(c.WatchBuffer) },
	},
	{
		Env: "PORTGATE_WATCH_STALL", Flag: "watch-stall", Default: "30s",
		Description: "how long a Watch stream's buffer may stay full before the stream is ended with ABORTED / WATCH_TOO_SLOW (resume_after = last sequence sent)",
		set:         func(c *Config, v string) (err error) { c.WatchStall, err = positiveDuration(v); return err },
		get:         func(c Config) string { return c.WatchStall.String() },
	},
}

// minPageTokenKeyLen mirrors service.MinPageTokenKeyLen (config does not
// import service).
const minPageTokenKeyLen = 32

// Placeholders in staticSettings where each registered provider's settings
// are generated (allSettings), in registry order.
const (
	markerProviderSettings = "<provider settings>"
	markerSandboxChaos     = "<provider sandbox chaos>"
	markerResilience       = "<provider resilience>"
	markerAllProviders     = "<all providers>"
)

func chaosEnv(p string) string      { return "PORTGATE_SANDBOX_CHAOS_" + strings.ToUpper(p) }
func resilienceEnv(p string) string { return "PORTGATE_RESILIENCE_" + strings.ToUpper(p) }

// credentials lists the environment variables of a's credential settings.
func credentials(a registry.Adapter) []string {
	var out []string
	for _, st := range a.Settings {
		if st.Credential {
			out = append(out, st.Env)
		}
	}
	return out
}

// putSetting stores a non-empty value (an unset setting leaves no key).
func putSetting(m *map[string]string, k, v string) {
	if v == "" {
		return
	}
	if *m == nil {
		*m = map[string]string{}
	}
	(*m)[k] = v
}

// allSettings is staticSettings with each registered provider's settings,
// chaos spec and resilience policy generated at the placeholders.
func allSettings() []Setting {
	names := KnownProviders()
	var out []Setting
	for _, s := range staticSettings {
		switch s.Env {
		case markerProviderSettings:
			for _, p := range names {
				ad, _ := registry.Lookup(p)
				for _, st := range ad.Settings {
					env := st.Env
					secret := st.Credential || st.Secret
					set := Setting{Env: env, Description: st.Description, Default: st.Default, Secret: secret,
						get: func(c Config) string { return c.ProviderSettings[env] }}
					parse := st.Parse
					if parse == nil && !secret {
						parse = baseURL // the adapter's API endpoint
					}
					set.set = func(c *Config, v string) error {
						if parse == nil || v == "" {
							putSetting(&c.ProviderSettings, env, v)
							return nil
						}
						u, err := parse(v)
						if err != nil {
							u = v
						}
						putSetting(&c.ProviderSettings, env, u)
						return err
					}
					if !secret && !st.EnvOnly {
						set.Flag = st.Flag
						if set.Flag == "" {
							set.Flag = strings.ToLower(strings.ReplaceAll(env, "_", "-"))
						}
					}
					out = append(out, set)
				}
			}
		case markerSandboxChaos:
			for _, p := range names {
				ad, _ := registry.Lookup(p)
				out = append(out, Setting{Env: chaosEnv(p), Flag: "sandbox-chaos-" + p,
					Description: "sandbox mode: fault spec for the " + ad.DisplayName + " fake (see sandbox/chaos)",
					set: func(c *Config, v string) error {
						putSetting(&c.SandboxChaos, p, v)
						return validChaos(v)
					},
					get: func(c Config) string { return c.SandboxChaos[p] }})
			}
		case markerResilience:
			for _, p := range names {
				ad, _ := registry.Lookup(p)
				out = append(out, Setting{Env: resilienceEnv(p), Flag: "resilience-" + p,
					Description: ad.DisplayName + " breaker/retry/bulkhead overrides, e.g. failures=3,open_timeout=10s,half_open=1,max_concurrent=16 (docs/resilience.md)",
					set: func(c *Config, v string) error {
						putSetting(&c.Resilience, p, v)
						return validPolicy(v)
					},
					get: func(c Config) string { return c.Resilience[p] }})
			}
		default:
			if s.Default == markerAllProviders {
				s.Default = strings.Join(names, ",")
			}
			out = append(out, s)
		}
	}
	return out
}

// Value is the effective value of the setting read from env ("" when no
// setting reads env). Wiring uses it to hand each registered provider
// adapter the settings it declares (providers/registry), by name.
func (c Config) Value(env string) string {
	for _, st := range allSettings() {
		if st.Env == env {
			return st.get(c)
		}
	}
	return ""
}

// AdapterSettings are provider p's own settings (providers/registry) by
// the adapter's Key, defaults applied.
func (c Config) AdapterSettings(p string) registry.Settings {
	ad, _ := registry.Lookup(p)
	s := registry.Settings{}
	for _, st := range ad.Settings {
		if v := c.ProviderSettings[st.Env]; v != "" {
			s[st.Key] = v
		}
	}
	out, _ := ad.Resolve(s)
	return out
}

// Table returns every setting in documentation order.
func Table() []Setting {
	out := allSettings()
	return out
}

// Load reads settings from getenv, then lets flags in args (without the
// program name) override them. Empty environment variables count as unset.
// Every problem is reported at once (errors.Join), each naming the flag or
// the variable the value actually came from. -h/--help returns
// flag.ErrHelp; an unknown flag or a stray argument returns an error
// wrapping ErrUsage.
func Load(args []string, getenv func(string) string) (Config, error) {
	fs := flag.NewFlagSet("portgate", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	flagVals := map[string]*flagValue{}
	for _, s := range allSettings() {
		if s.Flag != "" {
			v := &flagValue{s: s.Default, isBool: s.isBool()}
			flagVals[s.Flag] = v
			fs.Var(v, s.Flag, s.Description)
		}
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return Config{}, err
		}
		return Config{}, fmt.Errorf("%w: %w", ErrUsage, err)
	}
	if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("%w: unexpected argument %q", ErrUsage, fs.Arg(0))
	}
	setFlags := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { setFlags[f.Name] = true })

	var c Config
	var errs []error
	from := map[string]string{} // Env → where its value came from
	for _, s := range allSettings() {
		val, src := s.Default, s.Env+" default"
		if v := getenv(s.Env); v != "" {
			val, src = v, s.Env
		}
		if s.Flag != "" && setFlags[s.Flag] {
			val, src = flagVals[s.Flag].s, "--"+s.Flag
		}
		from[s.Env] = src
		if err := s.set(&c, strings.TrimSpace(val)); err != nil {
			errs = append(errs, fmt.Errorf("config: %s: %w", src, err))
		}
	}
	errs = append(errs, c.resolveMode(from)...)
	if (c.TLSCertFile == "") != (c.TLSKeyFile == "") {
		errs = append(errs, errors.New("config: PORTGATE_TLS_CERT_FILE and PORTGATE_TLS_KEY_FILE must be set together"))
	}
	if c.TLSClientCAFile != "" && c.TLSCertFile == "" {
		errs = append(errs, errors.New("config: PORTGATE_TLS_CLIENT_CA_FILE (mutual TLS) needs PORTGATE_TLS_CERT_FILE and PORTGATE_TLS_KEY_FILE"))
	}
	for _, p := range KnownProviders() {
		ad, _ := registry.Lookup(p)
		if ad.Check == nil {
			continue
		}
		if err := ad.Check(c.AdapterSettings(p)); err != nil {
			errs = append(errs, fmt.Errorf("config: %w", err))
		}
	}
	errs = append(errs, CheckAuth(c))
	if err := errors.Join(errs...); err != nil {
		return Config{}, err
	}
	return c, nil
}

// resolveMode fills in an unset Mode and checks the settings that depend on
// each other: credentials against the mode and the enabled providers, chaos
// specs against the mode.
func (c *Config) resolveMode(from map[string]string) []error {
	var errs []error
	for _, p := range KnownProviders() {
		ad, _ := registry.Lookup(p)
		creds := credentials(ad)
		missing := c.MissingCredentials(p)
		if len(creds) > 1 && len(missing) > 0 && len(missing) < len(creds) {
			var set []string
			for _, env := range creds {
				if !contains(missing, env) {
					set = append(set, env)
				}
			}
			errs = append(errs, fmt.Errorf("config: %s is set but %s is not: %s needs both",
				strings.Join(set, " and "), strings.Join(missing, " and "), ad.DisplayName))
		}
	}
	modeFrom := from["PORTGATE_MODE"]
	if c.Mode == "" {
		c.Mode = DefaultMode(*c)
		modeFrom = "live mode (chosen because a provider credential is set; PORTGATE_MODE=sandbox to run the fakes)"
		if c.Mode == ModeSandbox {
			modeFrom = "sandbox mode (chosen because no provider credential is set)"
		}
	} else {
		modeFrom = c.Mode + " mode (" + modeFrom + ")"
	}
	if c.Mode == ModeLive {
		for _, p := range c.EnabledProviders() {
			if missing := c.MissingCredentials(p); len(missing) > 0 {
				verb := "is"
				if len(missing) > 1 {
					verb = "are"
				}
				errs = append(errs, fmt.Errorf("config: %s: %s %s not set, and %s is enabled (%s); set it, or switch %s off with %s",
					modeFrom, strings.Join(missing, " and "), verb, p, from["PORTGATE_PROVIDERS"], p, providersHint(c.EnabledProviders(), p)))
			}
		}
		for _, p := range KnownProviders() {
			if c.SandboxChaos[p] != "" {
				errs = append(errs, fmt.Errorf("config: %s: chaos applies only to the sandbox fakes, but this is %s", from[chaosEnv(p)], modeFrom))
			}
		}
	}
	return errs
}

// providersHint suggests the PORTGATE_PROVIDERS value without p.
func providersHint(enabled []string, p string) string {
	var rest []string
	for _, e := range enabled {
		if e != p {
			rest = append(rest, e)
		}
	}
	if len(rest) == 0 {
		return "PORTGATE_PROVIDERS (at least one provider must stay on)"
	}
	return "PORTGATE_PROVIDERS=" + strings.Join(rest, ",")
}

// DefaultMode is the mode an unset PORTGATE_MODE means: live when any
// provider credential is set, sandbox when none is.
func DefaultMode(c Config) string {
	for _, p := range KnownProviders() {
		ad, _ := registry.Lookup(p)
		for _, env := range credentials(ad) {
			if c.ProviderSettings[env] != "" {
				return ModeLive
			}
		}
	}
	return ModeSandbox
}

// EffectiveMode is Mode, or DefaultMode when Mode is unset (hand-built
// configs in tests).
func (c Config) EffectiveMode() string {
	if c.Mode == "" {
		return DefaultMode(c)
	}
	return c.Mode
}

// EnabledProviders is Providers, or every known provider when unset.
func (c Config) EnabledProviders() []string {
	if len(c.Providers) == 0 {
		return KnownProviders()
	}
	return c.Providers
}

// ProviderEnabled reports whether name is among EnabledProviders.
func (c Config) ProviderEnabled(name string) bool {
	for _, p := range c.EnabledProviders() {
		if p == name {
			return true
		}
	}
	return false
}

// MissingCredentials names the credential variables of provider that are
// not set.
func (c Config) MissingCredentials(provider string) []string {
	ad, _ := registry.Lookup(provider)
	var out []string
	for _, env := range credentials(ad) {
		if c.ProviderSettings[env] == "" {
			out = append(out, env)
		}
	}
	return out
}

// IgnoredCredentials names the credential variables that are set but unused
// because the mode is sandbox or their provider is switched off; the app
// logs a warning for each.
func (c Config) IgnoredCredentials() []string {
	var out []string
	for _, p := range KnownProviders() {
		if c.EffectiveMode() == ModeLive && c.ProviderEnabled(p) {
			continue
		}
		ad, _ := registry.Lookup(p)
		all := credentials(ad)
		missing := c.MissingCredentials(p)
		for _, env := range all {
			if !contains(missing, env) {
				out = append(out, env)
			}
		}
	}
	return out
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// flagValue is a string flag that can act as a boolean flag (--pprof).
type flagValue struct {
	s      string
	isBool bool
}

func (f *flagValue) String() string     { return f.s }
func (f *flagValue) Set(v string) error { f.s = v; return nil }
func (f *flagValue) IsBoolFlag() bool   { return f.isBool }

func (s Setting) isBool() bool { return s.Default == "false" || s.Default == "true" }

// CheckAuth is the authentication part of the configuration: key ids and
// keys unique, PORTGATE_AUTH=off not combined with keys, and live mode
// refuses to run without keys unless authentication is off explicitly.
// Load runs it; app.Build runs it again for configurations built in code.
func CheckAuth(c Config) error {
	if _, err := auth.NewKeyring(c.Keys); err != nil {
		return fmt.Errorf("config: PORTGATE_API_KEYS / PORTGATE_API_KEYS_FILE: %w", err)
	}
	if c.AuthOff && len(c.Keys) > 0 {
		return errors.New("config: PORTGATE_AUTH=off but API keys are configured (PORTGATE_API_KEYS / PORTGATE_API_KEYS_FILE): remove one")
	}
	if c.EffectiveMode() == ModeLive && len(c.Keys) == 0 && !c.AuthOff {
		return errors.New("config: live mode needs API keys: set PORTGATE_API_KEYS_FILE or PORTGATE_API_KEYS " +
			"(see `portgate hash-key`), or PORTGATE_AUTH=off if a mesh in front already authenticates callers")
	}
	return nil
}

// AuthOpen reports whether callers need no key: authentication switched
// off, or a sandbox without keys. Start-up warns about it; ListProviders
// says so.
func (c Config) AuthOpen() bool { return c.AuthOff || len(c.Keys) == 0 }

// Redacted returns every setting by environment variable name, with secrets
// shown only as "set" or "unset", for the startup log line.
func (c Config) Redacted() map[string]string {
	out := map[string]string{}
	for _, s := range allSettings() {
		v := s.get(c)
		if s.Secret {
			if v == "" {
				v = "unset"
			} else {
				v = "set"
			}
		}
		out[s.Env] = v
	}
	return out
}

// Level returns LogLevel as a slog.Level.
func (c Config) Level() slog.Level {
	var l slog.Level
	if err := l.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return slog.LevelInfo
	}
	return l
}

// Logger returns a logger writing to w in LogFormat at LogLevel.
func (c Config) Logger(w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.Level()}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// MarkdownTable renders Table as the README's configuration table.
func MarkdownTable() string {
	var b strings.Builder
	b.WriteString("| Environment | Flag | Default | Description |\n|---|---|---|---|\n")
	for _, s := range allSettings() {
		flagCol, def := "", s.Default
		if s.Flag != "" {
			flagCol = "`--" + s.Flag + "`"
		}
		if def != "" {
			def = "`" + def + "`"
		}
		desc := s.Description
		if s.Secret {
			desc += " (secret: environment only, never logged)"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", s.Env, flagCol, def, desc)
	}
	return b.String()
}

// Usage writes the help text to w: every setting with its flag, its
// environment variable, its default and its meaning.
func Usage(w io.Writer) {
	fmt.Fprintln(w, `Usage: portgate [flags]
       portgate sandbox [flags]   run only the provider fakes (portgate sandbox -h)

Every setting is an environment variable; its flag, when it has one, overrides it.
Secrets are environment-only and never logged.

Settings:`)
	for _, s := range allSettings() {
		name := "(environment only)"
		if s.Flag != "" {
			name = "--" + s.Flag
			if !s.isBool() {
				name += " value"
			}
		}
		def := "unset"
		if s.Default != "" {
			def = s.Default
		}
		fmt.Fprintf(w, "  %s\n      %s  (default: %s)\n      %s\n", name, s.Env, def, s.Description)
	}
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

func checkAddr(v string, emptyOK bool) error {
	if v == "" {
		if emptyOK {
			return nil
		}
		return errors.New("address is required")
	}
	if _, _, err := net.SplitHostPort(v); err != nil {
		return fmt.Errorf("invalid address %q: want host:port", v)
	}
	return nil
}

func oneOf(v string, allowed ...string) error {
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return fmt.Errorf("invalid value %q: want one of %s", v, strings.Join(allowed, ", "))
}

func positiveDuration(v string) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("invalid duration %q", v)
	}
	if d <= 0 {
		return 0, fmt.Errorf("duration %q must be positive", v)
	}
	return d, nil
}

func baseURL(v string) (string, error) {
	u, err := url.Parse(v)
	if err == nil && u.User != nil {
		return "", errors.New("base URL must not contain credentials") // and must not echo them
	}
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("invalid base URL %q: want http(s)://host[/path]", v)
	}
	return strings.TrimRight(v, "/"), nil
}

func providerList(v string) ([]string, error) {
	if v == "" {
		return nil, nil
	}
	var out []string
	seen := map[string]bool{}
	for _, p := range strings.Split(v, ",") {
		p = strings.ToLower(strings.TrimSpace(p))
		if !contains(KnownProviders(), p) {
			return nil, fmt.Errorf("unknown provider %q in %q (known: %s)", p, v, strings.Join(KnownProviders(), ", "))
		}
		if seen[p] {
			return nil, fmt.Errorf("provider %q listed twice", p)
		}
		seen[p] = true
		out = append(out, p)
	}
	return out, nil
}

// ValidateSandboxSpec checks a sandbox fault spec (PORTGATE_SANDBOX_CHAOS_*).
// The sandbox wiring (internal/app) sets it, so this package never imports
// the sandbox tree; unset, any spec is accepted here and refused when the
// sandbox starts.
var ValidateSandboxSpec = func(string) error { return nil }

func validChaos(spec string) error { return ValidateSandboxSpec(spec) }

// databaseURL checks the shape of a PostgreSQL URL without echoing it (it
// may hold a password).
func databaseURL(v string) error {
	if v == "" {
		return nil
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || u.Host == "" {
		return errors.New("want postgres://[user[:password]@]host[:port]/database[?options]")
	}
	return nil
}

// byteSize parses "1048576", "64KiB" or "16MiB" (at least 64 KiB, at most 1 GiB).
func byteSize(v string) (int64, error) {
	num, mult := v, int64(1)
	for suffix, m := range map[string]int64{"KiB": 1 << 10, "MiB": 1 << 20} {
		if strings.HasSuffix(v, suffix) {
			num, mult = strings.TrimSuffix(v, suffix), m
		}
	}
	n, err := strconv.ParseInt(strings.TrimSpace(num), 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("invalid size %q: want bytes, or a number with KiB or MiB", v)
	}
	if n > (1<<30)/mult || n*mult < 64<<10 {
		return 0, fmt.Errorf("size %q out of range: 64KiB to 1024MiB", v)
	}
	return n * mult, nil
}

func validPolicy(spec string) error {
	_, err := resilience.ParsePolicy(spec, resilience.DefaultPolicy())
	return err
}
