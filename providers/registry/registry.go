// Package registry is where provider adapters register by name with their
// own settings (after go-cloud's URLMux): the environment variables they
// read and their constructor. Wiring (internal/app) and configuration
// (internal/config) loop over the registry instead of naming adapters.
// Importing providers/registry/builtin registers the adapters portgate
// ships.
package registry

import (
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/portgate/portgate/providers"
)

// Setting is one provider setting, read from the environment.
type Setting struct {
	Key         string // the adapter's own name for it: "access_key"
	Env         string // FLOWROUTE_ACCESS_KEY
	Description string
	Default     string
	// Credential settings are required in live mode and never logged.
	Credential bool
	// Secret settings are never logged or given a flag (credentials are
	// always secret) but are not required.
	Secret bool
	// Flag is the command-line flag without dashes; "" = derived from Env
	// for settings that are neither credential nor secret.
	Flag string
	// EnvOnly settings get no flag.
	EnvOnly bool
	// Parse checks a value and returns it normalized; nil: a base URL for
	// settings that are neither credential nor secret, anything otherwise.
	Parse func(string) (string, error)
}

// MinDuration is a Parse for a duration of at least least, normalized to
// time.Duration's String form.
func MinDuration(least time.Duration) func(string) (string, error) {
	return func(v string) (string, error) {
		d, err := time.ParseDuration(v)
		if err != nil {
			return "", fmt.Errorf("invalid duration %q", v)
		}
		if d <= 0 {
			return "", fmt.Errorf("duration %q must be positive", v)
		}
		if d < least {
			return "", fmt.Errorf("duration %q is under %s", v, least)
		}
		return d.String(), nil
	}
}

// Duration reads a duration setting; 0 when unset or invalid.
func (s Settings) Duration(key string) time.Duration {
	d, _ := time.ParseDuration(s[key])
	return d
}

// Settings are setting values by Key.
type Settings map[string]string

// Adapter describes one provider adapter.
type Adapter struct {
	Name        string // resource id: "flowroute"
	DisplayName string // "Flowroute"
	Settings    []Setting
	// Check, when set, checks settings that depend on each other (values
	// by Key, defaults applied); its error names the environment variables.
	Check func(s Settings) error
	// New builds the adapter from its settings (defaults applied) and the
	// gateway's HTTP client.
	New func(s Settings, hc providers.Doer) (providers.Provider, error)
}

var (
	mu       sync.RWMutex
	adapters = map[string]Adapter{}
)

// Register adds a. It panics on an empty or duplicate name, or a missing
// constructor: both are programming errors found at start-up.
func Register(a Adapter) {
	mu.Lock()
	defer mu.Unlock()
	if a.Name == "" || a.New == nil {
		panic("registry: adapter needs a Name and New")
	}
	if _, dup := adapters[a.Name]; dup {
		panic(fmt.Sprintf("registry: adapter %q registered twice", a.Name))
	}
	adapters[a.Name] = a
}

// Lookup returns the adapter registered as name.
func Lookup(name string) (Adapter, bool) {
	mu.RLock()
	defer mu.RUnlock()
	a, ok := adapters[name]
	return a, ok
}

// Names lists the registered adapters in name order.
func Names() []string {
	mu.RLock()
	defer mu.RUnlock()
	out := make([]string, 0, len(adapters))
	for n := range adapters {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// Resolve fills defaults into s and reports credential settings that are
// missing, by environment variable.
func (a Adapter) Resolve(s Settings) (Settings, []string) {
	out := Settings{}
	var missing []string
	for _, st := range a.Settings {
		v := s[st.Key]
		if v == "" {
			v = st.Default
		}
		if v == "" && st.Credential {
			missing = append(missing, st.Env)
		}
		out[st.Key] = v
	}
	return out, missing
}

// FromEnv reads a's settings from getenv.
func (a Adapter) FromEnv(getenv func(string) string) Settings {
	s := Settings{}
	for _, st := range a.Settings {
		if v := getenv(st.Env); v != "" {
			s[st.Key] = v
		}
	}
	return s
}
