// Package builtin registers the provider adapters portgate ships. It is the
// one place (besides main) that names them all; import it for its side
// effect.
package builtin

import (
	_ "github.com/portgate/portgate/providers/flowroute" // registers "flowroute"
	_ "github.com/portgate/portgate/providers/telnyx"    // registers "telnyx"
)
