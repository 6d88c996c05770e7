package telnyx

import (
	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/registry"
)

func init() {
	registry.Register(registry.Adapter{
		Name: Name, DisplayName: "Telnyx",
		Settings: []registry.Setting{
			{Key: "api_key", Env: "TELNYX_API_KEY", Description: "Telnyx API v2 key (live mode, required while Telnyx is enabled)", Credential: true},
			{Key: "base_url", Env: "TELNYX_BASE_URL", Description: "Telnyx API base URL", Default: "https://api.telnyx.com/v2"},
		},
		New: func(s registry.Settings, hc providers.Doer) (providers.Provider, error) {
			return New(Config{BaseURL: s["base_url"], APIKey: s["api_key"], HTTPClient: hc})
		},
	})
}
