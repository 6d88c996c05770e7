package providers

import (
	"context"
	"time"
)

// Voice routing, messaging profiles and port-out protection (issue 14,
// slice voice).
//
// A VoiceRoute is where a number's inbound calls go: a Flowroute route
// (GET/POST /v2/routes, PATCH/DELETE /v2/routes/{id}) or a Telnyx
// connection (GET /v2/connections[/{id}]). A number names its primary and
// failover route by id (Number.ConnectionID, Number.FailoverRouteID).

// VoiceRouteType is the neutral kind of a voice route.
type VoiceRouteType int

// Voice route kinds.
const (
	VoiceRouteTypeUnspecified     VoiceRouteType = iota // unknown or not mapped: see VoiceRoute.ProviderType
	VoiceRouteTypeSIPRegistration                       // the endpoint registers (Flowroute sip-reg, Telnyx credential_connection)
	VoiceRouteTypeSIPHost                               // calls are sent to a host or IP (Flowroute host, Telnyx ip/fqdn_connection)
	VoiceRouteTypeSIPURI                                // calls are sent to a SIP URI (Flowroute uri)
	VoiceRouteTypePhoneNumber                           // calls are forwarded to a phone number (Flowroute number)
)

// Neutral VoiceRoute field paths for UpdateVoiceRoute masks.
const (
	FieldVoiceRouteDisplayName    = "display_name"
	FieldVoiceRouteTarget         = "target"
	FieldVoiceRouteEdgeStrategyID = "edge_strategy_id"
)

// FieldNumberPortOutPIN is the neutral UpdateNumber path of the port-out
// PIN (Telnyx external_pin). Input only: never read back, never logged.
const FieldNumberPortOutPIN = "port_out_pin"

// VoiceRoute is a route or connection on the provider account.
type VoiceRoute struct {
	ID             string
	Type           VoiceRouteType
	ProviderType   string // raw: Flowroute route_type, Telnyx record_type
	DisplayName    string // Flowroute alias, Telnyx connection_name
	Target         string // Flowroute value (host, URI or number); empty for Telnyx
	EdgeStrategyID string // Flowroute edge_strategy_id
	Default        bool   // Flowroute's built-in sip-reg route "0"
	Active         bool   // Telnyx active; Flowroute routes are always usable (true)
	CreateTime     time.Time
	UpdateTime     time.Time
}

// VoiceRoutePage is one window of routes.
type VoiceRoutePage struct {
	Routes     []*VoiceRoute
	NextCursor string
}

// MessagingProfile is a Telnyx messaging profile.
type MessagingProfile struct {
	ID         string
	Name       string
	Enabled    bool
	CreateTime time.Time
	UpdateTime time.Time
}

// MessagingProfilePage is one window of messaging profiles.
type MessagingProfilePage struct {
	Profiles   []*MessagingProfile
	NextCursor string
}

// VoiceRouteReader is implemented by providers whose routes can be read
// (OpListVoiceRoutes, OpGetVoiceRoute). GetVoiceRoute must return
// CodeNotFound for an unknown id.
type VoiceRouteReader interface {
	ListVoiceRoutes(ctx context.Context, q ListQuery) (*VoiceRoutePage, error)
	GetVoiceRoute(ctx context.Context, id string) (*VoiceRoute, error)
}

// VoiceRouteWriter is implemented by providers that create, change and
// delete routes through their API (OpCreateVoiceRoute, OpUpdateVoiceRoute,
// OpDeleteVoiceRoute). DeleteVoiceRoute answers CodeFailedPrecondition while
// numbers still use the route.
type VoiceRouteWriter interface {
	CreateVoiceRoute(ctx context.Context, r VoiceRoute) (*VoiceRoute, error)
	UpdateVoiceRoute(ctx context.Context, r VoiceRoute, mask []string) (*VoiceRoute, error)
	DeleteVoiceRoute(ctx context.Context, id string) error
}

// MessagingProfileReader is implemented by providers with messaging
// profiles (OpListMessagingProfiles, OpGetMessagingProfile).
type MessagingProfileReader interface {
	ListMessagingProfiles(ctx context.Context, q ListQuery) (*MessagingProfilePage, error)
	GetMessagingProfile(ctx context.Context, id string) (*MessagingProfile, error)
}

// implementsVoice is Implements for the voice slice's operations.
func implementsVoice(p Provider, op Operation) (ok, known bool) {
	switch op {
	case OpListVoiceRoutes, OpGetVoiceRoute:
		_, ok = p.(VoiceRouteReader)
	case OpCreateVoiceRoute, OpUpdateVoiceRoute, OpDeleteVoiceRoute:
		_, ok = p.(VoiceRouteWriter)
	case OpListMessagingProfiles, OpGetMessagingProfile:
		_, ok = p.(MessagingProfileReader)
	case OpSetPortOutPIN:
		_, ok = p.(NumberUpdater)
	default:
		return false, false
	}
	return ok, true
}
