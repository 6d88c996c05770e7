package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/portgate/portgate/internal/config"
)

func noEnv(string) string { return "" }

// --help and -h print every setting (flag, variable, default, meaning) to
// stdout and exit 0; a bad flag exits 2 with the usage on stderr.
func TestHelpAndBadFlags(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"-help"}} {
		var out, errOut bytes.Buffer
		if code := run(args, nil, &out, &errOut, noEnv); code != 0 {
			t.Errorf("%v: exit %d, want 0; stderr %s", args, code, errOut.String())
		}
		help := out.String()
		if strings.Contains(help+errOut.String(), "flag: help requested") {
			t.Errorf("%v: prints %q", args, "flag: help requested")
		}
		for _, s := range config.Table() {
			if !strings.Contains(help, s.Env) || !strings.Contains(help, s.Description) {
				t.Errorf("%v: help lacks %s or its meaning", args, s.Env)
			}
			if s.Flag != "" && !strings.Contains(help, "--"+s.Flag) {
				t.Errorf("%v: help lacks --%s", args, s.Flag)
			}
			if s.Default != "" && !strings.Contains(help, "(default: "+s.Default+")") {
				t.Errorf("%v: help lacks the default of %s", args, s.Env)
			}
		}
	}
	for _, args := range [][]string{{"--no-such-flag"}, {"stray"}, {"--grpc-addr"}} {
		var out, errOut bytes.Buffer
		if code := run(args, nil, &out, &errOut, noEnv); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
		if !strings.Contains(errOut.String(), "Usage: portgate") || !strings.Contains(errOut.String(), "PORTGATE_GRPC_ADDR") {
			t.Errorf("%v: no usage on stderr:\n%s", args, errOut.String())
		}
		if out.Len() != 0 {
			t.Errorf("%v: wrote to stdout: %s", args, out.String())
		}
	}
}

// Bad settings: every problem at once, naming the flag or variable used,
// exit 2, and nothing starts (the addresses below would fail to bind if
// anything tried).
func TestBadSettingsReportedBeforeStart(t *testing.T) {
	env := map[string]string{
		"PORTGATE_MODE":                 "live",
		"PORTGATE_SANDBOX_CHAOS_TELNYX": "latency=soon",
		"PORTGATE_GRPC_ADDR":            "256.0.0.1:1",
	}
	var out, errOut bytes.Buffer
	code := run([]string{"--provider-preference=acme"}, nil, &out, &errOut, func(k string) string { return env[k] })
	if code != 2 {
		t.Fatalf("exit %d, want 2; stderr %s", code, errOut.String())
	}
	msg := errOut.String()
	for _, want := range []string{"--provider-preference", "PORTGATE_SANDBOX_CHAOS_TELNYX", "FLOWROUTE_ACCESS_KEY", "TELNYX_API_KEY", "PORTGATE_MODE", "nothing was started"} {
		if !strings.Contains(msg, want) {
			t.Errorf("stderr lacks %s:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "portgate starting") {
		t.Errorf("started despite bad settings:\n%s", msg)
	}
}
