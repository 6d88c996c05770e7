// Package builtin registers the provider adapters portgate ships and
// their event sources (webhook routes, sync jobs). It is the one place
// (besides main) that names them all; import it for its side effect.
package builtin

import (
	_ "github.com/portgate/portgate/internal/ingest/flowrouteevents" // events of "flowroute"
	_ "github.com/portgate/portgate/internal/ingest/telnyxevents"    // events of "telnyx"
	_ "github.com/portgate/portgate/providers/flowroute"             // registers "flowroute"
	_ "github.com/portgate/portgate/providers/telnyx"                // registers "telnyx"
)
