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
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

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
		GRPCAddr: ":9090", HTTPAddr: ":8080", LogLevel: "info", LogFormat: "text", DefaultRegion: "US",
		FlowrouteBaseURL: "https://api.flowroute.com", TelnyxBaseURL: "https://api.telnyx.com/v2",
		SandboxStepInterval: 10 * time.Second, ProviderPreference: []string{"flowroute", "telnyx"},
		ProviderTimeout: 10 * time.Second, ShutdownGrace: 10 * time.Second,
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
		"PORTGATE_SANDBOX_CHAOS_FLOWROUTE", "rate=0.1",
		"PORTGATE_SANDBOX_CHAOS_TELNYX", "latency=1s",
		"PORTGATE_PROVIDER_PREFERENCE", " Telnyx , flowroute ",
		"PORTGATE_PROVIDER_TIMEOUT", "3s",
		"PORTGATE_SHUTDOWN_GRACE", "1m",
	))
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		GRPCAddr: "127.0.0.1:7000", HTTPAddr: "127.0.0.1:7001", LogLevel: "debug", LogFormat: "json", DefaultRegion: "GB",
		FlowrouteAccessKey: "fr-access", FlowrouteSecretKey: "fr-secret", FlowrouteBaseURL: "http://localhost:1234",
		TelnyxAPIKey: "KEYabc", TelnyxBaseURL: "http://localhost:5678/v2",
		SandboxStepInterval: 250 * time.Millisecond, SandboxChaosFlowroute: "rate=0.1", SandboxChaosTelnyx: "latency=1s",
		ProviderPreference: []string{"telnyx", "flowroute"}, ProviderTimeout: 3 * time.Second, ShutdownGrace: time.Minute,
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
		{args: []string{"--no-such-flag"}, mention: "no-such-flag"},
		{args: []string{"stray"}, mention: "stray"},
		{args: []string{"--telnyx-api-key=x"}, mention: "telnyx-api-key"}, // secrets are env-only
	} {
		_, err := Load(tc.args, env(tc.env...))
		if err == nil || !strings.Contains(err.Error(), tc.mention) {
			t.Errorf("Load(%v, %v) = %v, want error naming %s", tc.args, tc.env, err, tc.mention)
		}
	}
	if _, err := Load([]string{"-h"}, env()); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: %v", err)
	}
}

func TestBadURLDoesNotEchoCredentials(t *testing.T) {
	_, err := Load(nil, env("TELNYX_BASE_URL", "https://user:hunter2@api.telnyx.com"))
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error = %v", err)
	}
}

func TestRedacted(t *testing.T) {
	c, err := Load(nil, env("FLOWROUTE_ACCESS_KEY", "fr-access-1", "FLOWROUTE_SECRET_KEY", "fr-secret-1"))
	if err != nil {
		t.Fatal(err)
	}
	r := c.Redacted()
	if r["FLOWROUTE_ACCESS_KEY"] != "set" || r["FLOWROUTE_SECRET_KEY"] != "set" || r["TELNYX_API_KEY"] != "unset" {
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
func TestREADMEMentionsEverySetting(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if os.IsNotExist(err) {
		t.Log("README.md does not exist yet; skipping the README check")
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range Table() {
		if !strings.Contains(string(readme), s.Env) {
			t.Errorf("README.md does not mention %s; paste config.MarkdownTable()", s.Env)
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
