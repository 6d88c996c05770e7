package app

import (
	"strings"
	"testing"

	"github.com/portgate/portgate/internal/config"
	"github.com/portgate/portgate/providers/registry"
	"github.com/portgate/portgate/sandbox/sandboxes"
)

// Every setting a registered adapter declares is a documented config
// setting (same variable, secret when it is a credential), and every
// registered adapter can be started as a sandbox and declares its event
// sources.
func TestRegistryMatchesConfig(t *testing.T) {
	table := map[string]config.Setting{}
	for _, s := range config.Table() {
		table[s.Env] = s
	}
	names := registry.Names()
	if strings.Join(names, ",") != strings.Join(config.KnownProviders(), ",") {
		t.Fatalf("registered %v, config knows %v", names, config.KnownProviders())
	}
	for _, n := range names {
		ad, _ := registry.Lookup(n)
		if ad.DisplayName == "" {
			t.Errorf("%s: no DisplayName", n)
		}
		if _, ok := sandboxes.Lookup(n); !ok {
			t.Errorf("%s: no sandbox starter", n)
		}
		if _, ok := registry.Events(n); !ok {
			t.Errorf("%s: no event sources registered", n)
		}
		for _, st := range ad.Settings {
			cs, ok := table[st.Env]
			if !ok {
				t.Errorf("%s: setting %s is not a config setting", n, st.Env)
				continue
			}
			if (st.Credential || st.Secret) != cs.Secret {
				t.Errorf("%s: %s credential=%v but config secret=%v", n, st.Env, st.Credential, cs.Secret)
			}
		}
		for _, env := range []string{"PORTGATE_SANDBOX_CHAOS_", "PORTGATE_RESILIENCE_"} {
			if _, ok := table[env+strings.ToUpper(n)]; !ok {
				t.Errorf("%s: no %s%s setting", n, env, strings.ToUpper(n))
			}
		}
	}
}

func TestRegisterRefusesDuplicates(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("registering flowroute twice did not panic")
		}
	}()
	ad, _ := registry.Lookup("flowroute")
	registry.Register(ad)
}
