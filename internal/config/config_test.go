package config

import (
	"errors"
	"flag"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	_ "github.com/portgate/portgate/providers/registry/builtin" // the shipped adapters declare their settings
	"github.com/portgate/portgate/sandbox/chaos"
)

func TestMain(m *testing.M) {
	// The sandbox wiring (internal/app) installs this in production.
	ValidateSandboxSpec = func(spec string) error { _, err := chaos.Parse(spec); return err }
	goleak.VerifyTestMain(m)
}

func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

func TestDefaults(t *testing.T) {
	c, err := Load(nil, env())
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		Mode: ModeSandbox, Providers: []string{"flowroute", "telnyx"},
		GRPCAddr: ":9090", HTTPAddr: ":8080", LogLevel: "info", LogFormat: "text", DefaultRegion: "US",
		ProviderSettings: map[string]string{"FLOWROUTE_BASE_URL": "https://api.flowroute.com", "TELNYX_BASE_URL": "https://api.telnyx.com/v2",
			"PORTGATE_TELNYX_WEBHOOK_TOLERANCE": "5m0s", "PORTGATE_FLOWROUTE_POLL_INTERVAL": "5m0s",
			"PORTGATE_TELNYX_SWEEP_INTERVAL": "15m0s", "PORTGATE_TELNYX_SWEEP_LOOKBACK": "24h0m0s"},
		SandboxStepInterval: 10 * time.Second, ProviderPreference: []string{"flowroute", "telnyx"},
		ProviderTimeout: 10 * time.Second, ShutdownGrace: 10 * time.Second, MaxRequestBytes: 16 << 20, WatchBuffer: 256, WatchStall: 30 * time.Second,
		DataDir: "data", IdempotencyTTL: 24 * time.Hour,
	}
	if !equal(c, want) {
		t.Errorf("defaults:\n got %+v\nwant %+v", c, want)
	}
}

func equal(a, b Config) bool { return reflect.DeepEqual(a, b) }

func TestEnvOnly(t *testing.T) {
	c, err := Load(nil, env(
		"PORTGATE_GRPC_ADDR", "127.0.0.1:7000",
		"PORTGATE_HTTP_ADDR", "127.0.0.1:7001",
		"PORTGATE_LOG_LEVEL", "DEBUG",
		"PORTGATE_LOG_FORMAT", "json",
		"PORTGATE_DEFAULT_REGION", "gb",
		"FLOWROUTE_ACCESS_KEY", "fr-access",
		"FLOWROUTE_SECRET_KEY", "fr-secret",
		"FLOWROUTE_BASE_URL", "http://localhost:1234/",
		"TELNYX_API_KEY", "KEYabc",
		"TELNYX_BASE_URL", "http://localhost:5678/v2",
		"PORTGATE_SANDBOX_STEP", "250ms",
		"PORTGATE_PROVIDERS", "telnyx, flowroute",
		"PORTGATE_ADMIN_ADDR", "127.0.0.1:7002",
		"PORTGATE_PPROF", "true",
		"OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318",
		"PORTGATE_PROVIDER_PREFERENCE", " Telnyx , flowroute ",
		"PORTGATE_PROVIDER_TIMEOUT", "3s",
		"PORTGATE_SHUTDOWN_GRACE", "1m",
		"PORTGATE_AUTH", "OFF", // live mode needs keys or this
		"PORTGATE_DATA_DIR", "/var/lib/portgate",
		"PORTGATE_DATABASE_URL", "postgres://pg:secret@db:5432/portgate?sslmode=require",
		"PORTGATE_IDEMPOTENCY_TTL", "72h",
		"PORTGATE_MAX_REQUEST_BYTES", "1048576",
		"PORTGATE_PUBLIC_URL", "https://portgate.example.com/",
		"TELNYX_PUBLIC_KEY", "6Pvnrvm0zLPsi0Y6qYRjNoLiJUwKt6W6G0RPb9B1JNI=",
		"PORTGATE_TELNYX_WEBHOOK_TOLERANCE", "1m",
		"PORTGATE_FLOWROUTE_CALLBACK_TOKEN", "abcdefghijklmnopqrstuvwxyz_-0123",
		"PORTGATE_FLOWROUTE_POLL_INTERVAL", "30s",
		"PORTGATE_TELNYX_SWEEP_INTERVAL", "1m",
		"PORTGATE_TELNYX_SWEEP_LOOKBACK", "2h",
	))
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		Mode: ModeLive, Providers: []string{"telnyx", "flowroute"}, AdminAddr: "127.0.0.1:7002", Pprof: true, OTLPEndpoint: "http://127.0.0.1:4318",
		GRPCAddr: "127.0.0.1:7000", HTTPAddr: "127.0.0.1:7001", LogLevel: "debug", LogFormat: "json", DefaultRegion: "GB",
		ProviderSettings: map[string]string{"FLOWROUTE_ACCESS_KEY": "fr-access", "FLOWROUTE_SECRET_KEY": "fr-secret", "FLOWROUTE_BASE_URL": "http://localhost:1234",
			"TELNYX_API_KEY": "KEYabc", "TELNYX_BASE_URL": "http://localhost:5678/v2",
			"TELNYX_PUBLIC_KEY": "6Pvnrvm0zLPsi0Y6qYRjNoLiJUwKt6W6G0RPb9B1JNI=", "PORTGATE_TELNYX_WEBHOOK_TOLERANCE": "1m0s",
			"PORTGATE_FLOWROUTE_CALLBACK_TOKEN": "abcdefghijklmnopqrstuvwxyz_-0123", "PORTGATE_FLOWROUTE_POLL_INTERVAL": "30s",
			"PORTGATE_TELNYX_SWEEP_INTERVAL": "1m0s", "PORTGATE_TELNYX_SWEEP_LOOKBACK": "2h0m0s"},
		SandboxStepInterval: 250 * time.Millisecond,
		ProviderPreference:  []string{"telnyx", "flowroute"}, ProviderTimeout: 3 * time.Second, ShutdownGrace: time.Minute,
		AuthOff: true,
		DataDir: "/var/lib/portgate", DatabaseURL: "postgres://pg:secret@db:5432/portgate?sslmode=require", IdempotencyTTL: 72 * time.Hour,
		MaxRequestBytes: 1 << 20, WatchBuffer: 256, WatchStall: 30 * time.Second,
		PublicURL: "https://portgate.example.com",
	}
	if !equal(c, want) {
		t.Errorf("env:\n got %+v\nwant %+v", c, want)
	}
}

func TestFlagsOverrideEnv(t *testing.T) {
	c, err := Load(
		[]string{"--grpc-addr", ":1", "--http-addr=", "-log-level=warn", "--sandbox-step=1s", "--provider-preference=telnyx"},
		env("PORTGATE_GRPC_ADDR", ":2", "PORTGATE_HTTP_ADDR", ":3", "PORTGATE_LOG_LEVEL", "debug", "PORTGATE_SANDBOX_STEP", "5s", "PORTGATE_PROVIDER_TIMEOUT", "4s"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if c.GRPCAddr != ":1" || c.HTTPAddr != "" || c.LogLevel != "warn" || c.SandboxStepInterval != time.Second ||
		!slices.Equal(c.ProviderPreference, []string{"telnyx"}) {
		t.Errorf("flags did not win: %+v", c)
	}
	if c.ProviderTimeout != 4*time.Second {
		t.Errorf("env without a flag lost: %v", c.ProviderTimeout)
	}
}

func TestInvalidValues(t *testing.T) {
	for _, tc := range []struct {
		args    []string
		env     []string
		mention string
	}{
		{env: []string{"PORTGATE_SANDBOX_STEP", "fast"}, mention: "PORTGATE_SANDBOX_STEP"},
		{env: []string{"PORTGATE_PROVIDER_TIMEOUT", "-1s"}, mention: "PORTGATE_PROVIDER_TIMEOUT"},
		{env: []string{"PORTGATE_RESILIENCE_FLOWROUTE", "failures=0"}, mention: "PORTGATE_RESILIENCE_FLOWROUTE"},
		{env: []string{"PORTGATE_RESILIENCE_TELNYX", "bogus=1"}, mention: "PORTGATE_RESILIENCE_TELNYX"},
		{env: []string{"PORTGATE_SHUTDOWN_GRACE", "0s"}, mention: "PORTGATE_SHUTDOWN_GRACE"},
		{args: []string{"--shutdown-grace=soon"}, mention: "--shutdown-grace"},
		{env: []string{"PORTGATE_MAX_REQUEST_BYTES", "big"}, mention: "PORTGATE_MAX_REQUEST_BYTES"},
		{env: []string{"PORTGATE_MAX_REQUEST_BYTES", "1KiB"}, mention: "PORTGATE_MAX_REQUEST_BYTES"},
		{args: []string{"--max-request-bytes=2048MiB"}, mention: "--max-request-bytes"},
		{env: []string{"PORTGATE_LOG_LEVEL", "loud"}, mention: "PORTGATE_LOG_LEVEL"},
		{env: []string{"PORTGATE_LOG_FORMAT", "xml"}, mention: "PORTGATE_LOG_FORMAT"},
		{env: []string{"PORTGATE_DEFAULT_REGION", "ZZ"}, mention: "PORTGATE_DEFAULT_REGION"},
		{env: []string{"PORTGATE_GRPC_ADDR", "9090"}, mention: "PORTGATE_GRPC_ADDR"},
		{args: []string{"--grpc-addr="}, mention: "--grpc-addr"},
		{env: []string{"TELNYX_BASE_URL", "ftp://x"}, mention: "TELNYX_BASE_URL"},
		{env: []string{"FLOWROUTE_BASE_URL", "api.flowroute.com"}, mention: "FLOWROUTE_BASE_URL"},
		{env: []string{"PORTGATE_PROVIDER_PREFERENCE", "telnyx,telnyx"}, mention: "PORTGATE_PROVIDER_PREFERENCE"},
		{env: []string{"PORTGATE_PROVIDER_PREFERENCE", "telnyx,,flowroute"}, mention: "PORTGATE_PROVIDER_PREFERENCE"},
		{env: []string{"FLOWROUTE_ACCESS_KEY", "only-half"}, mention: "FLOWROUTE_SECRET_KEY"},
		{env: []string{"PORTGATE_MODE", "prod"}, mention: "PORTGATE_MODE"},
		{args: []string{"--mode=prod"}, mention: "--mode"},
		{env: []string{"PORTGATE_PROVIDERS", "bandwidth"}, mention: "PORTGATE_PROVIDERS"},
		{args: []string{"--providers="}, mention: "--providers"},
		{env: []string{"PORTGATE_PROVIDER_PREFERENCE", "telnyx,bandwidth"}, mention: "PORTGATE_PROVIDER_PREFERENCE"},
		{args: []string{"--provider-preference=acme"}, mention: "--provider-preference"},
		{env: []string{"PORTGATE_SANDBOX_CHAOS_FLOWROUTE", "rate=0.1"}, mention: "PORTGATE_SANDBOX_CHAOS_FLOWROUTE"},
		{args: []string{"--sandbox-chaos-telnyx=error_rate=2"}, mention: "--sandbox-chaos-telnyx"},
		{env: []string{"PORTGATE_PPROF", "yes please"}, mention: "PORTGATE_PPROF"},
		{env: []string{"PORTGATE_ADMIN_ADDR", "9091"}, mention: "PORTGATE_ADMIN_ADDR"},
		{args: []string{"--otlp-endpoint=collector:4318"}, mention: "--otlp-endpoint"},
		{args: []string{"--no-such-flag"}, mention: "no-such-flag"},
		{args: []string{"stray"}, mention: "stray"},
		{args: []string{"--telnyx-api-key=x"}, mention: "telnyx-api-key"}, // secrets are env-only
		{args: []string{"--database-url=x"}, mention: "database-url"},     // env-only: it holds a password
		{env: []string{"PORTGATE_IDEMPOTENCY_TTL", "30s"}, mention: "PORTGATE_IDEMPOTENCY_TTL"},
		{env: []string{"PORTGATE_IDEMPOTENCY_TTL", "forever"}, mention: "PORTGATE_IDEMPOTENCY_TTL"},
		{env: []string{"PORTGATE_DATABASE_URL", "mysql://u:pw@h/db"}, mention: "PORTGATE_DATABASE_URL"},
	} {
		_, err := Load(tc.args, env(tc.env...))
		if err == nil || !strings.Contains(err.Error(), tc.mention) {
			t.Errorf("Load(%v, %v) = %v, want error naming %s", tc.args, tc.env, err, tc.mention)
		}
	}
	if _, err := Load([]string{"-h"}, env()); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: %v", err)
	}
	for _, args := range [][]string{{"--no-such-flag"}, {"stray"}} {
		if _, err := Load(args, env()); !errors.Is(err, ErrUsage) {
			t.Errorf("%v: %v, want ErrUsage", args, err)
		}
	}
}

// Every problem is reported at once, each naming where its value came from.
func TestAllErrorsTogether(t *testing.T) {
	_, err := Load([]string{"--sandbox-step=soon", "--provider-preference=acme"}, env(
		"PORTGATE_SANDBOX_STEP", "1s", // overridden by the flag: not blamed
		"PORTGATE_LOG_LEVEL", "loud",
		"PORTGATE_SANDBOX_CHAOS_TELNYX", "latency=fast",
		"PORTGATE_RESILIENCE_FLOWROUTE", "failures=0",
	))
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	for _, want := range []string{"--sandbox-step", "--provider-preference", "PORTGATE_LOG_LEVEL", "PORTGATE_SANDBOX_CHAOS_TELNYX", "PORTGATE_RESILIENCE_FLOWROUTE"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %s:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "PORTGATE_SANDBOX_STEP") {
		t.Errorf("error blames the environment for a flag's value:\n%s", msg)
	}
	if n := strings.Count(msg, "\n") + 1; n != 5 {
		t.Errorf("%d errors, want 5:\n%s", n, msg)
	}
}

func TestModeDefault(t *testing.T) {
	c, err := Load(nil, env())
	if err != nil || c.Mode != ModeSandbox {
		t.Fatalf("no credentials: mode %q, %v", c.Mode, err)
	}
	c, err = Load(nil, env("FLOWROUTE_ACCESS_KEY", "a", "FLOWROUTE_SECRET_KEY", "b", "TELNYX_API_KEY", "k", "PORTGATE_AUTH", "off"))
	if err != nil || c.Mode != ModeLive {
		t.Fatalf("all credentials: mode %q, %v", c.Mode, err)
	}
	if ign := c.IgnoredCredentials(); len(ign) != 0 {
		t.Errorf("live mode ignores %v", ign)
	}
	c, err = Load([]string{"--mode=sandbox"}, env("TELNYX_API_KEY", "k"))
	if err != nil || c.Mode != ModeSandbox {
		t.Fatalf("explicit sandbox: mode %q, %v", c.Mode, err)
	}
	if ign := c.IgnoredCredentials(); !slices.Equal(ign, []string{"TELNYX_API_KEY"}) {
		t.Errorf("sandbox mode with a key: ignored %v, want the key named", ign)
	}
}

// A deployment that forgets one credential does not silently fall back to a
// sandbox: live mode refuses to start, naming the missing setting.
func TestLiveModeFailsClosed(t *testing.T) {
	for _, tc := range []struct {
		name     string
		args     []string
		env      []string
		mentions []string
	}{
		{"one credential set: live by default, the other provider's missing",
			nil, []string{"TELNYX_API_KEY", "k"}, []string{"FLOWROUTE_ACCESS_KEY", "FLOWROUTE_SECRET_KEY", "live mode", "PORTGATE_PROVIDERS=telnyx"}},
		{"explicit live with nothing",
			[]string{"--mode=live"}, nil, []string{"--mode", "FLOWROUTE_ACCESS_KEY", "FLOWROUTE_SECRET_KEY", "TELNYX_API_KEY"}},
		{"explicit live via env, Telnyx missing",
			nil, []string{"PORTGATE_MODE", "live", "FLOWROUTE_ACCESS_KEY", "a", "FLOWROUTE_SECRET_KEY", "b"}, []string{"PORTGATE_MODE", "TELNYX_API_KEY"}},
		{"half-set Flowroute",
			nil, []string{"PORTGATE_MODE", "live", "FLOWROUTE_ACCESS_KEY", "a", "TELNYX_API_KEY", "k"}, []string{"FLOWROUTE_SECRET_KEY"}},
		{"half-set Flowroute in sandbox mode is a mistake too",
			[]string{"--mode=sandbox"}, []string{"FLOWROUTE_SECRET_KEY", "b"}, []string{"FLOWROUTE_ACCESS_KEY"}},
		{"chaos in live mode",
			[]string{"--sandbox-chaos-flowroute=error_rate=0.5"}, []string{"TELNYX_API_KEY", "k", "PORTGATE_PROVIDERS", "telnyx"}, []string{"--sandbox-chaos-flowroute"}},
	} {
		_, err := Load(tc.args, env(tc.env...))
		if err == nil {
			t.Errorf("%s: started", tc.name)
			continue
		}
		for _, m := range tc.mentions {
			if !strings.Contains(err.Error(), m) {
				t.Errorf("%s: error does not name %s:\n%v", tc.name, m, err)
			}
		}
	}
	// Switching the provider without credentials off is the way out.
	c, err := Load([]string{"--providers=telnyx"}, env("TELNYX_API_KEY", "k", "PORTGATE_AUTH", "off"))
	if err != nil || c.Mode != ModeLive || !slices.Equal(c.EnabledProviders(), []string{"telnyx"}) || c.ProviderEnabled("flowroute") {
		t.Fatalf("flowroute off: %+v %v", c, err)
	}
}

func TestBadURLDoesNotEchoCredentials(t *testing.T) {
	_, err := Load(nil, env("TELNYX_BASE_URL", "https://user:hunter2@api.telnyx.com"))
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error = %v", err)
	}
	_, err = Load(nil, env("PORTGATE_DATABASE_URL", "mysql://user:hunter2@db/portgate"))
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("database URL error = %v", err)
	}
}

func TestRedacted(t *testing.T) {
	c, err := Load(nil, env("FLOWROUTE_ACCESS_KEY", "fr-access-1", "FLOWROUTE_SECRET_KEY", "fr-secret-1", "PORTGATE_PROVIDERS", "flowroute", "PORTGATE_API_KEYS", testKeyLine))
	if err != nil {
		t.Fatal(err)
	}
	r := c.Redacted()
	if r["FLOWROUTE_ACCESS_KEY"] != "set" || r["FLOWROUTE_SECRET_KEY"] != "set" || r["TELNYX_API_KEY"] != "unset" || r["PORTGATE_API_KEYS"] != "set" {
		t.Errorf("secrets: %v", r)
	}
	if r["PORTGATE_GRPC_ADDR"] != ":9090" || r["PORTGATE_PROVIDER_PREFERENCE"] != "flowroute,telnyx" || r["PORTGATE_SANDBOX_STEP"] != "10s" {
		t.Errorf("plain values: %v", r)
	}
	for k, v := range r {
		if strings.Contains(v, "fr-") {
			t.Errorf("%s leaks a secret: %q", k, v)
		}
	}
	if len(r) != len(Table()) {
		t.Errorf("Redacted has %d keys, Table %d", len(r), len(Table()))
	}
}

func TestTableIsConsistent(t *testing.T) {
	envs, flags := map[string]bool{}, map[string]bool{}
	for _, s := range Table() {
		if envs[s.Env] || (s.Flag != "" && flags[s.Flag]) {
			t.Errorf("duplicate %s / %s", s.Env, s.Flag)
		}
		envs[s.Env], flags[s.Flag] = true, true
		if s.Description == "" {
			t.Errorf("%s has no description", s.Env)
		}
		if s.Secret && (s.Flag != "" || s.Default != "") {
			t.Errorf("secret %s must be env-only without default", s.Env)
		}
		if !strings.Contains(MarkdownTable(), "`"+s.Env+"`") {
			t.Errorf("MarkdownTable lacks %s", s.Env)
		}
	}
}

func TestLogger(t *testing.T) {
	var b strings.Builder
	c, err := Load([]string{"--log-format=json", "--log-level=warn"}, env())
	if err != nil {
		t.Fatal(err)
	}
	l := c.Logger(&b)
	l.Info("hidden")
	l.Warn("shown")
	if out := b.String(); strings.Contains(out, "hidden") || !strings.Contains(out, `"msg":"shown"`) {
		t.Errorf("logger output %q", out)
	}
}

// README.md documents every environment variable.
var updateREADME = flag.Bool("update-readme", false, "rewrite README.md's settings table from MarkdownTable")

// The README's settings table is MarkdownTable, verbatim, between the
// markers; `go test ./internal/config -run README -update-readme` rewrites it.
func TestREADMEMentionsEverySetting(t *testing.T) {
	const begin, end = "<!-- settings:begin (generated by config.MarkdownTable) -->\n", "<!-- settings:end -->"
	// The README is part of the repository: a missing one is a failure, not
	// a pass.
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatalf("reading the README: %v", err)
	}
	text := string(readme)
	i, j := strings.Index(text, begin), strings.Index(text, end)
	if i < 0 || j < i {
		t.Fatalf("README.md lacks the settings table markers %q … %q", begin, end)
	}
	if *updateREADME {
		text = text[:i+len(begin)] + MarkdownTable() + text[j:]
		if err := os.WriteFile("../../README.md", []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if got := text[i+len(begin) : j]; got != MarkdownTable() {
		t.Errorf("README.md's settings table is not config.MarkdownTable(); run go test ./internal/config -run README -update-readme")
	}
	for _, s := range Table() {
		if !strings.Contains(text, s.Env) {
			t.Errorf("README.md does not mention %s", s.Env)
		}
	}
}

func TestPageTokenKey(t *testing.T) {
	if _, err := Load(nil, env("PORTGATE_PAGE_TOKEN_KEY", "short")); err == nil || !strings.Contains(err.Error(), "PORTGATE_PAGE_TOKEN_KEY") {
		t.Fatalf("short key: %v", err)
	}
	c, err := Load(nil, env("PORTGATE_PAGE_TOKEN_KEY", strings.Repeat("k", 32)))
	if err != nil || c.PageTokenKey != strings.Repeat("k", 32) {
		t.Fatalf("32-byte key: %v %q", err, c.PageTokenKey)
	}
	if got := c.Redacted()["PORTGATE_PAGE_TOKEN_KEY"]; got != "set" {
		t.Fatalf("Redacted shows %q", got)
	}
}

// The provider event settings live in the adapters' registrations
// (providers/registry) and keep their validation.
func TestProviderEventSettingsValidated(t *testing.T) {
	for _, tc := range []struct{ env, val, want string }{
		{"PORTGATE_FLOWROUTE_CALLBACK_TOKEN", "short", "PORTGATE_FLOWROUTE_CALLBACK_TOKEN: want 24 to 128 characters"},
		{"TELNYX_PUBLIC_KEY", "bm90IGEga2V5", "TELNYX_PUBLIC_KEY: want the base64 of a 32-byte Ed25519 public key"},
		{"PORTGATE_FLOWROUTE_POLL_INTERVAL", "5s", `PORTGATE_FLOWROUTE_POLL_INTERVAL: duration "5s" is under 10s`},
		{"PORTGATE_TELNYX_WEBHOOK_TOLERANCE", "-1m", `PORTGATE_TELNYX_WEBHOOK_TOLERANCE: duration "-1m" must be positive`},
		{"PORTGATE_TELNYX_SWEEP_LOOKBACK", "1h", "PORTGATE_TELNYX_SWEEP_LOOKBACK (1h0m0s) is shorter than PORTGATE_TELNYX_SWEEP_INTERVAL (2h0m0s)"},
	} {
		_, err := Load(nil, env(tc.env, tc.val, "PORTGATE_TELNYX_SWEEP_INTERVAL", "2h"))
		if tc.env != "PORTGATE_TELNYX_SWEEP_LOOKBACK" {
			_, err = Load(nil, env(tc.env, tc.val))
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s=%s: got %v, want %q", tc.env, tc.val, err, tc.want)
		}
	}
	if _, err := Load([]string{"--flowroute-poll-interval=20s", "--telnyx-sweep-interval=1m", "--telnyx-sweep-lookback=1h", "--telnyx-webhook-tolerance=1m"}, env()); err != nil {
		t.Errorf("flags: %v", err)
	}
}
