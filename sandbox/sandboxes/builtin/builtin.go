// Package builtin registers the sandbox fakes portgate ships; import it
// for its side effect (the sandbox wiring only).
package builtin

import (
	_ "github.com/portgate/portgate/sandbox/flowroutefake" // registers "flowroute"
	_ "github.com/portgate/portgate/sandbox/telnyxfake"    // registers "telnyx"
)
