package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/portgate/portgate/internal/auth"
)

// testKeyLine is the key line of testKey (SHA-256 of it).
var (
	testKey     = "pgk_0123456789abcdefghijklmnopqrstuvwxyzABCDEF"
	testKeyLine = func() string {
		h, _ := auth.HashKey(testKey)
		return "ci:" + h + ":porting.read:flowroute"
	}()
)

// Live mode (any provider credential) without a key refuses to start, with
// an error that names the way out; keys or PORTGATE_AUTH=off let it start.
func TestLiveModeNeedsKeys(t *testing.T) {
	live := []string{"TELNYX_API_KEY", "KEYlive", "PORTGATE_PROVIDERS", "telnyx"}
	_, err := Load(nil, env(live...))
	if err == nil {
		t.Fatal("live mode without API keys started")
	}
	for _, want := range []string{"PORTGATE_API_KEYS_FILE", "PORTGATE_AUTH=off"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
	if strings.Contains(err.Error(), "KEYlive") {
		t.Errorf("error leaks the provider key: %v", err)
	}
	if _, err := Load([]string{"--auth=off"}, env(live...)); err != nil {
		t.Errorf("PORTGATE_AUTH=off: %v", err)
	}
	c, err := Load(nil, env(append(live, "PORTGATE_API_KEYS", testKeyLine)...))
	if err != nil {
		t.Fatalf("with a key: %v", err)
	}
	if len(c.Keys) != 1 || c.Keys[0].ID != "ci" || c.AuthOpen() {
		t.Errorf("keys = %+v, open = %v", c.Keys, c.AuthOpen())
	}
	// The sandbox (no provider credential) may run without keys.
	c, err = Load(nil, env())
	if err != nil || !c.AuthOpen() {
		t.Errorf("sandbox without keys: open = %v, err = %v", c.AuthOpen(), err)
	}
}

func TestAuthSettings(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "keys")
	h, _ := auth.HashKey(testKey + "2")
	if err := os.WriteFile(file, []byte("# ops\nops:"+h+":admin:\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load([]string{"--api-keys-file", file, "--grpc-reflection=off"}, env("PORTGATE_API_KEYS", testKeyLine))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Keys) != 2 || !c.DisableReflection || c.APIKeysFile != file {
		t.Errorf("got %+v", c)
	}

	for _, tc := range []struct {
		args    []string
		env     []string
		mention string
	}{
		{env: []string{"PORTGATE_API_KEYS", "ci:nothex:porting.read:"}, mention: "PORTGATE_API_KEYS"},
		{env: []string{"PORTGATE_API_KEYS", testKeyLine + ";" + testKeyLine}, mention: "twice"},
		{args: []string{"--api-keys-file", filepath.Join(dir, "missing")}, mention: "--api-keys-file"},
		{env: []string{"PORTGATE_API_KEYS", testKeyLine, "PORTGATE_AUTH", "off"}, mention: "PORTGATE_AUTH=off"},
		{env: []string{"PORTGATE_AUTH", "maybe"}, mention: "PORTGATE_AUTH"},
		{env: []string{"PORTGATE_GRPC_REFLECTION", "yes"}, mention: "PORTGATE_GRPC_REFLECTION"},
		{env: []string{"PORTGATE_TLS_CERT_FILE", "c.pem"}, mention: "PORTGATE_TLS_KEY_FILE"},
		{env: []string{"PORTGATE_TLS_CLIENT_CA_FILE", "ca.pem"}, mention: "PORTGATE_TLS_CERT_FILE"},
	} {
		_, err := Load(tc.args, env(tc.env...))
		if err == nil || !strings.Contains(err.Error(), tc.mention) {
			t.Errorf("%v %v: error %v, want one mentioning %s", tc.args, tc.env, err, tc.mention)
		}
	}
}
