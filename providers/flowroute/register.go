package flowroute

import (
	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/registry"
)

func init() {
	registry.Register(registry.Adapter{
		Name: Name, DisplayName: "Flowroute",
		Settings: []registry.Setting{
			{Key: "access_key", Env: "FLOWROUTE_ACCESS_KEY", Description: "Flowroute API access key (live mode, required while Flowroute is enabled)", Credential: true},
			{Key: "secret_key", Env: "FLOWROUTE_SECRET_KEY", Description: "Flowroute API secret key", Credential: true},
			{Key: "base_url", Env: "FLOWROUTE_BASE_URL", Description: "Flowroute API base URL", Default: "https://api.flowroute.com"},
		},
		New: func(s registry.Settings, hc providers.Doer) (providers.Provider, error) {
			return New(Config{BaseURL: s["base_url"], AccessKey: s["access_key"], SecretKey: s["secret_key"], HTTPClient: hc})
		},
	})
}
