package telnyx

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/registry"
)

func init() {
	registry.Register(registry.Adapter{
		Name: Name, DisplayName: "Telnyx",
		Settings: []registry.Setting{
			{Key: "api_key", Env: "TELNYX_API_KEY", Description: "Telnyx API v2 key (live mode, required while Telnyx is enabled)", Credential: true},
			{Key: "base_url", Env: "TELNYX_BASE_URL", Description: "Telnyx API base URL", Default: "https://api.telnyx.com/v2"},
			{Key: "public_key", Env: "TELNYX_PUBLIC_KEY", EnvOnly: true, Parse: parsePublicKey,
				Description: "Telnyx webhook public key, base64 as the Telnyx portal shows it; POST /webhooks/telnyx verifies every webhook with it in every mode; unset: the sandbox fake's key in sandbox mode, and in live mode every Telnyx webhook is refused (503 WEBHOOK_NOT_CONFIGURED)"},
			{Key: "webhook_tolerance", Env: "PORTGATE_TELNYX_WEBHOOK_TOLERANCE", Flag: "telnyx-webhook-tolerance", Default: "5m", Parse: registry.MinDuration(0),
				Description: "how far a Telnyx webhook's telnyx-timestamp may be from now, either way (older or newer: 401 WEBHOOK_TIMESTAMP_OUT_OF_RANGE)"},
			{Key: "sweep_interval", Env: "PORTGATE_TELNYX_SWEEP_INTERVAL", Flag: "telnyx-sweep-interval", Default: "15m", Parse: registry.MinDuration(10 * time.Second),
				Description: "how often Telnyx's porting events API (GET /v2/porting/events) is swept for events no webhook brought; at least 10s"},
			{Key: "sweep_lookback", Env: "PORTGATE_TELNYX_SWEEP_LOOKBACK", Flag: "telnyx-sweep-lookback", Default: "24h", Parse: registry.MinDuration(time.Minute),
				Description: "how far back each Telnyx sweep reads (at most 10,000 events per sweep); at least the sweep interval"},
		},
		Check: func(s registry.Settings) error {
			if s.Duration("sweep_lookback") < s.Duration("sweep_interval") {
				return fmt.Errorf("PORTGATE_TELNYX_SWEEP_LOOKBACK (%s) is shorter than PORTGATE_TELNYX_SWEEP_INTERVAL (%s): sweeps would miss events", s.Duration("sweep_lookback"), s.Duration("sweep_interval"))
			}
			return nil
		},
		New: func(s registry.Settings, hc providers.Doer) (providers.Provider, error) {
			return New(Config{BaseURL: s["base_url"], APIKey: s["api_key"], HTTPClient: hc})
		},
	})
}

// parsePublicKey checks TELNYX_PUBLIC_KEY: the base64 of a 32-byte Ed25519
// public key.
func parsePublicKey(v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", nil
	}
	k, err := base64.StdEncoding.DecodeString(v)
	if err != nil || len(k) != 32 {
		return "", errors.New("want the base64 of a 32-byte Ed25519 public key")
	}
	return v, nil
}
