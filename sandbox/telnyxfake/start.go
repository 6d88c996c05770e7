package telnyxfake

import "github.com/portgate/portgate/sandbox/sandboxes"

// DefaultAPIKey is the sandbox's API key (Authorization: Bearer).
const DefaultAPIKey = "sandbox"

func init() {
	sandboxes.Register("telnyx", func(o sandboxes.Options) (*sandboxes.Sandbox, map[string]string, error) {
		sb, err := Start(o)
		if err != nil {
			return nil, nil, err
		}
		return sb, map[string]string{"base_url": sb.URL + "/v2", "api_key": DefaultAPIKey}, nil
	})
}

// Start runs the fake (DefaultAPIKey) on a loopback port; its webhooks are
// signed with the Sandbox's PublicKey.
func Start(o sandboxes.Options) (*sandboxes.Sandbox, error) {
	f := New(Options{APIKey: DefaultAPIKey, StepInterval: o.Step, WebhookURL: o.WebhookURL, Logger: o.Logger,
		SeedPortOuts: SandboxPortOutNumbers})
	sb, err := sandboxes.Start(o, f, f.Advance, f.Close)
	if err != nil {
		return nil, err
	}
	sb.PublicKey = f.PublicKey()
	sb.Fake = f
	return sb, nil
}
