package app_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	_ "github.com/portgate/portgate/gen/portgate/v1" // registers the descriptors
	"github.com/portgate/portgate/internal/app"
	"github.com/portgate/portgate/internal/auth"
	"github.com/portgate/portgate/internal/config"
)

// Every method of every service the server registers (portgate.v1, health,
// reflection) has an authorization rule, each rule's resource field exists
// in the request type, and the table names no method that does not exist.
func TestEveryRegisteredMethodHasARule(t *testing.T) {
	a, err := app.Build(config.Config{GRPCAddr: "bufconn"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Server.Shutdown(t.Context())
	methods := a.Server.Methods()
	if len(methods) < 18 {
		t.Fatalf("only %d methods registered: %v", len(methods), methods)
	}
	registered := map[string]bool{}
	for _, m := range methods {
		registered[m] = true
		rule, ok := auth.Rules[m]
		if !ok {
			t.Errorf("%s has no entry in auth.Rules", m)
			continue
		}
		if !rule.Public && !strings.HasPrefix(m, "/portgate.v1.") {
			t.Errorf("%s: non-portgate methods are public or not served", m)
		}
		svc, name, _ := strings.Cut(strings.TrimPrefix(m, "/"), "/")
		d, err := protoregistry.GlobalFiles.FindDescriptorByName(protoreflect.FullName(svc))
		if err != nil {
			t.Errorf("%s: %v", m, err)
			continue
		}
		md := d.(protoreflect.ServiceDescriptor).Methods().ByName(protoreflect.Name(name))
		if err := auth.CheckRule(rule, md.Input()); err != nil {
			t.Errorf("%s: %v", m, err)
		}
		// Provider discovery needs only a valid key (no scope); GetProvider
		// still names its provider so a provider-limited key sees only its own.
		if strings.HasPrefix(m, "/portgate.v1.") && m != "/portgate.v1.Providers/ListProviders" &&
			(rule.Resource == "" || (rule.Scope == "" && m != "/portgate.v1.Providers/GetProvider")) {
			t.Errorf("%s: a provider RPC needs a scope and a resource field: %+v", m, rule)
		}
	}
	for m := range auth.Rules {
		if !registered[m] {
			t.Errorf("auth.Rules names %s, which the server does not register", m)
		}
	}
}

// Live mode without a key configured does not start (app.Build refuses
// configurations made in code, not only config.Load).
func TestLiveModeWithoutKeysRefusesToBuild(t *testing.T) {
	_, err := app.Build(config.Config{GRPCAddr: "bufconn", ProviderSettings: map[string]string{"TELNYX_API_KEY": "KEYlive", "TELNYX_BASE_URL": "http://127.0.0.1:1/v2"}}, nil)
	if err == nil || !strings.Contains(err.Error(), "PORTGATE_AUTH=off") {
		t.Fatalf("Build = %v, want a refusal naming PORTGATE_AUTH=off", err)
	}
}

// A sandbox without keys starts, warning loudly; with keys it does not warn.
func TestSandboxWithoutKeysWarnsAtStartup(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, nil))
	a, err := app.Build(config.Config{GRPCAddr: "bufconn"}, logger)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Server.Shutdown(t.Context())
	if !strings.Contains(buf.String(), "level=WARN") || !strings.Contains(buf.String(), "NO AUTHENTICATION") {
		t.Errorf("no start-up warning:\n%s", buf.String())
	}

	buf.Reset()
	h, _ := auth.HashKey(strings.Repeat("k", 40))
	keys, err := auth.ParseKeys("ops:" + h + ":admin:")
	if err != nil {
		t.Fatal(err)
	}
	b, err := app.Build(config.Config{GRPCAddr: "bufconn", Keys: keys}, logger)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Server.Shutdown(t.Context())
	if strings.Contains(buf.String(), "AUTHENTICATION") && strings.Contains(buf.String(), "level=WARN") {
		t.Errorf("warned although keys are configured:\n%s", buf.String())
	}
}
