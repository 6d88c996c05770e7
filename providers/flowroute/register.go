package flowroute

import (
	"errors"
	"strings"
	"time"

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
			{Key: "callback_token", Env: "PORTGATE_FLOWROUTE_CALLBACK_TOKEN", Secret: true, Parse: parseCallbackToken,
				Description: "secret last path segment of the Flowroute status callback URL (/webhooks/flowroute/{token}), at least 24 characters of [A-Za-z0-9_-], the same on every replica; any other token is 404; unset: a random token per process in sandbox mode, and in live mode the callback route is off and orders get no status_url (the poller still finds every change)"},
			{Key: "poll_interval", Env: "PORTGATE_FLOWROUTE_POLL_INTERVAL", Flag: "flowroute-poll-interval", Default: "5m", Parse: registry.MinDuration(10 * time.Second),
				Description: "how often every open Flowroute order portgate knows is re-read (callbacks get lost); at least 10s"},
		},
		New: func(s registry.Settings, hc providers.Doer) (providers.Provider, error) {
			return New(Config{BaseURL: s["base_url"], AccessKey: s["access_key"], SecretKey: s["secret_key"], HTTPClient: hc})
		},
	})
}

// parseCallbackToken checks PORTGATE_FLOWROUTE_CALLBACK_TOKEN.
func parseCallbackToken(v string) (string, error) {
	if v == "" {
		return "", nil
	}
	if len(v) < 24 || len(v) > 128 || strings.Trim(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") != "" {
		return "", errors.New("want 24 to 128 characters of A-Z a-z 0-9 _ -")
	}
	return v, nil
}
