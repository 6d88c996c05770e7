// Package config loads portgate's settings from the environment, with
// command-line flags overriding. Every setting is one row of [Table]; the
// README's configuration table is generated from (and checked against) it.
package config

import (
	"github.com/portgate/portgate/providers/resilience"

	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/nyaruka/phonenumbers"
)

// Config is the process configuration.
type Config struct {
	GRPCAddr, HTTPAddr string
	LogLevel           string // debug, info, warn, error
	LogFormat          string // text, json
	DefaultRegion      string // ISO 3166 region for numbers without a country code

	FlowrouteAccessKey, FlowrouteSecretKey, FlowrouteBaseURL string
	TelnyxAPIKey, TelnyxBaseURL                              string

	// SandboxStepInterval is how fast sandbox port orders progress.
	SandboxStepInterval time.Duration
	// SandboxChaosFlowroute / SandboxChaosTelnyx are fault specs for the
	// sandbox fakes (parsed by providers/chaos).
	SandboxChaosFlowroute, SandboxChaosTelnyx string
	// ProviderPreference breaks ties for providers/- ("choose for me").
	ProviderPreference []string
	// ProviderTimeout is the default per-call deadline to a provider.
	ProviderTimeout time.Duration
	// ResilienceFlowroute / ResilienceTelnyx override the per-provider
	// resilience policy (see resilience.ParsePolicy), e.g. "failures=3,open_timeout=10s".
	ResilienceFlowroute, ResilienceTelnyx string
	ShutdownGrace                         time.Duration
	// PageTokenKey signs list page tokens (HMAC-SHA256). Empty = a random
	// per-process key (tokens do not survive restarts or cross replicas).
	PageTokenKey string
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

var settings = []Setting{
	{
		Env: "PORTGATE_GRPC_ADDR", Flag: "grpc-addr", Default: ":9090",
		Description: "gRPC listen address",
		set:         func(c *Config, v string) error { c.GRPCAddr = v; return checkAddr(v, false) },
		get:         func(c Config) string { return c.GRPCAddr },
	},
	{
		Env: "PORTGATE_HTTP_ADDR", Flag: "http-addr", Default: ":8080",
		Description: "REST gateway, /healthz, /metrics and /openapi.json listen address (--http-addr= disables)",
		set:         func(c *Config, v string) error { c.HTTPAddr = v; return checkAddr(v, true) },
		get:         func(c Config) string { return c.HTTPAddr },
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
	{
		Env: "FLOWROUTE_ACCESS_KEY", Description: "Flowroute API access key; unset = the in-process Flowroute sandbox", Secret: true,
		set: func(c *Config, v string) error { c.FlowrouteAccessKey = v; return nil },
		get: func(c Config) string { return c.FlowrouteAccessKey },
	},
	{
		Env: "FLOWROUTE_SECRET_KEY", Description: "Flowroute API secret key", Secret: true,
		set: func(c *Config, v string) error { c.FlowrouteSecretKey = v; return nil },
		get: func(c Config) string { return c.FlowrouteSecretKey },
	},
	{
		Env: "FLOWROUTE_BASE_URL", Flag: "flowroute-base-url", Default: "https://api.flowroute.com",
		Description: "Flowroute API base URL",
		set:         func(c *Config, v string) (err error) { c.FlowrouteBaseURL, err = baseURL(v); return err },
		get:         func(c Config) string { return c.FlowrouteBaseURL },
	},
	{
		Env: "TELNYX_API_KEY", Description: "Telnyx API v2 key; unset = the in-process Telnyx sandbox", Secret: true,
		set: func(c *Config, v string) error { c.TelnyxAPIKey = v; return nil },
		get: func(c Config) string { return c.TelnyxAPIKey },
	},
	{
		Env: "TELNYX_BASE_URL", Flag: "telnyx-base-url", Default: "https://api.telnyx.com/v2",
		Description: "Telnyx API base URL",
		set:         func(c *Config, v string) (err error) { c.TelnyxBaseURL, err = baseURL(v); return err },
		get:         func(c Config) string { return c.TelnyxBaseURL },
	},
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
	{
		Env: "PORTGATE_SANDBOX_CHAOS_FLOWROUTE", Flag: "sandbox-chaos-flowroute",
		Description: "sandbox mode: fault spec for the Flowroute fake (see providers/chaos)",
		set:         func(c *Config, v string) error { c.SandboxChaosFlowroute = v; return nil },
		get:         func(c Config) string { return c.SandboxChaosFlowroute },
	},
	{
		Env: "PORTGATE_SANDBOX_CHAOS_TELNYX", Flag: "sandbox-chaos-telnyx",
		Description: "sandbox mode: fault spec for the Telnyx fake (see providers/chaos)",
		set:         func(c *Config, v string) error { c.SandboxChaosTelnyx = v; return nil },
		get:         func(c Config) string { return c.SandboxChaosTelnyx },
	},
	{
		Env: "PORTGATE_PROVIDER_PREFERENCE", Flag: "provider-preference", Default: "flowroute,telnyx",
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
	{
		Env: "PORTGATE_RESILIENCE_FLOWROUTE", Flag: "resilience-flowroute",
		Description: "Flowroute breaker/retry/bulkhead overrides, e.g. failures=3,open_timeout=10s,half_open=1,max_concurrent=16 (docs/resilience.md)",
		set:         func(c *Config, v string) error { c.ResilienceFlowroute = v; return validPolicy(v) },
		get:         func(c Config) string { return c.ResilienceFlowroute },
	},
	{
		Env: "PORTGATE_RESILIENCE_TELNYX", Flag: "resilience-telnyx",
		Description: "Telnyx breaker/retry/bulkhead overrides, same keys",
		set:         func(c *Config, v string) error { c.ResilienceTelnyx = v; return validPolicy(v) },
		get:         func(c Config) string { return c.ResilienceTelnyx },
	},
	{
		Env: "PORTGATE_SHUTDOWN_GRACE", Flag: "shutdown-grace", Default: "10s",
		Description: "how long shutdown waits for in-flight calls before forcing",
		set:         func(c *Config, v string) (err error) { c.ShutdownGrace, err = positiveDuration(v); return err },
		get:         func(c Config) string { return c.ShutdownGrace.String() },
	},
}

// minPageTokenKeyLen mirrors service.MinPageTokenKeyLen (config does not
// import service).
const minPageTokenKeyLen = 32

// Table returns every setting in documentation order.
func Table() []Setting {
	out := make([]Setting, len(settings))
	copy(out, settings)
	return out
}

// Load reads settings from getenv, then lets flags in args (without the
// program name) override them. Empty environment variables count as unset. A
// bad value is an error naming the variable or flag it came from. -h/--help
// returns flag.ErrHelp.
func Load(args []string, getenv func(string) string) (Config, error) {
	fs := flag.NewFlagSet("portgate", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	flagVals := map[string]*string{}
	for _, s := range settings {
		if s.Flag != "" {
			flagVals[s.Flag] = fs.String(s.Flag, s.Default, s.Description)
		}
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return Config{}, err
		}
		return Config{}, fmt.Errorf("config: %w", err)
	}
	if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("config: unexpected argument %q", fs.Arg(0))
	}
	setFlags := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { setFlags[f.Name] = true })

	var c Config
	var errs []error
	for _, s := range settings {
		val, from := s.Default, s.Env+" default"
		if v := getenv(s.Env); v != "" {
			val, from = v, s.Env
		}
		if s.Flag != "" && setFlags[s.Flag] {
			val, from = *flagVals[s.Flag], "--"+s.Flag
		}
		if err := s.set(&c, strings.TrimSpace(val)); err != nil {
			errs = append(errs, fmt.Errorf("config: %s: %w", from, err))
		}
	}
	if (c.FlowrouteAccessKey == "") != (c.FlowrouteSecretKey == "") {
		errs = append(errs, errors.New("config: FLOWROUTE_ACCESS_KEY and FLOWROUTE_SECRET_KEY must be set together"))
	}
	if err := errors.Join(errs...); err != nil {
		return Config{}, err
	}
	return c, nil
}

// Redacted returns every setting by environment variable name, with secrets
// shown only as "set" or "unset", for the startup log line.
func (c Config) Redacted() map[string]string {
	out := make(map[string]string, len(settings))
	for _, s := range settings {
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
	for _, s := range settings {
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

// Usage writes flag help, including environment-only settings, to w.
func Usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: portgate [flags]\n\nEvery flag can also be set by its environment variable; flags win.")
	for _, s := range settings {
		name := "(env only)"
		if s.Flag != "" {
			name = "--" + s.Flag
		}
		def := ""
		if s.Default != "" {
			def = fmt.Sprintf(" (default %q)", s.Default)
		}
		fmt.Fprintf(w, "  %-28s %-34s %s%s\n", name, s.Env, s.Description, def)
	}
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
		if p == "" || strings.Trim(p, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
			return nil, fmt.Errorf("invalid provider name %q in %q", p, v)
		}
		if seen[p] {
			return nil, fmt.Errorf("provider %q listed twice", p)
		}
		seen[p] = true
		out = append(out, p)
	}
	return out, nil
}

func validPolicy(spec string) error {
	_, err := resilience.ParsePolicy(spec, resilience.DefaultPolicy())
	return err
}
