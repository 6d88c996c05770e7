package flowroutefake

import "github.com/portgate/portgate/sandbox/sandboxes"

func init() {
	sandboxes.Register("flowroute", func(o sandboxes.Options) (*sandboxes.Sandbox, map[string]string, error) {
		sb, err := Start(o)
		if err != nil {
			return nil, nil, err
		}
		return sb, map[string]string{"base_url": sb.URL, "access_key": DefaultAccessKey, "secret_key": DefaultSecretKey}, nil
	})
}

// Start runs the fake (default credentials) on a loopback port.
func Start(o sandboxes.Options) (*sandboxes.Sandbox, error) {
	f := New(Options{AccessKey: DefaultAccessKey, SecretKey: DefaultSecretKey, StepInterval: o.Step, Logger: o.Logger})
	return sandboxes.Start(o, f, f.Advance, f.Close)
}
