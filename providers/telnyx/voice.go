package telnyx

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/portgate/portgate/providers"
)

// Voice routes are Telnyx connections (GET /v2/connections,
// GET /v2/connections/{id}); messaging profiles are GET /v2/messaging_profiles
// and GET /v2/messaging_profiles/{id}. Creating, changing or deleting a
// connection is a separate typed API per connection kind (ip, fqdn,
// credential, …): portgate does not offer it on Telnyx, so
// Create/Update/DeleteVoiceRoute answer PROVIDER_CAPABILITY_MISSING
// (docs/mapping/telnyx.md). Port-out protection is the phone number's
// external_pin (UpdateNumber path port_out_pin).

// voiceMissing are the voice slice's operations Telnyx is not offered for.
var voiceMissing = map[providers.Operation]bool{
	providers.OpCreateVoiceRoute: true, providers.OpUpdateVoiceRoute: true, providers.OpDeleteVoiceRoute: true,
}

// connectionTypes maps a connection's record_type to the neutral kind.
var connectionTypes = map[string]providers.VoiceRouteType{
	"credential_connection": providers.VoiceRouteTypeSIPRegistration,
	"ip_connection":         providers.VoiceRouteTypeSIPHost,
	"fqdn_connection":       providers.VoiceRouteTypeSIPHost,
}

type wireConnection struct {
	ID             json.RawMessage `json:"id"`
	RecordType     string          `json:"record_type"`
	Active         *bool           `json:"active"`
	ConnectionName *string         `json:"connection_name"`
	CreatedAt      *string         `json:"created_at"`
	UpdatedAt      *string         `json:"updated_at"`
}

// toRoute is lenient: unknown record types are kept raw, unspecified.
func (w *wireConnection) toRoute() *providers.VoiceRoute {
	id := string(w.ID)
	var sid string
	if json.Unmarshal(w.ID, &sid) == nil {
		id = sid
	}
	r := &providers.VoiceRoute{ID: id, ProviderType: w.RecordType, Type: connectionTypes[w.RecordType],
		DisplayName: s(w.ConnectionName), Active: w.Active == nil || *w.Active,
		CreateTime: parseTime(w.CreatedAt), UpdateTime: parseTime(w.UpdatedAt)}
	return r
}

type wireMessagingProfile struct {
	ID        string  `json:"id"`
	Name      *string `json:"name"`
	Enabled   *bool   `json:"enabled"`
	CreatedAt *string `json:"created_at"`
	UpdatedAt *string `json:"updated_at"`
}

func voiceCtx(op string) errCtx { return errCtx{op: op, resource: "voice_route"} }

func profileCtx(op string) errCtx { return errCtx{op: op, resource: "messaging_profile"} }

// checkSegment refuses an id that cannot be one URL path segment.
func checkSegment(kind, id string) error {
	if id == "" || !providers.SafeSegment(id) {
		return providers.InvalidID(Name, kind, id, "a non-empty Telnyx id without '/', '?', '#' or '%'")
	}
	return nil
}

// notFoundAs names the resource in a 404.
func notFoundAs(err error, reason string) error {
	if pe, ok := err.(*providers.Error); ok && pe.Code == providers.CodeNotFound {
		pe.Reason = reason
	}
	return err
}

// ListVoiceRoutes implements providers.VoiceRouteReader (oldest first).
func (p *Provider) ListVoiceRoutes(ctx context.Context, lq providers.ListQuery) (*providers.VoiceRoutePage, error) {
	raws, next, err := p.window(ctx, "/connections", url.Values{"sort": {"created_at"}}, lq, voiceCtx("list connections"))
	if err != nil {
		return nil, err
	}
	page := &providers.VoiceRoutePage{Routes: make([]*providers.VoiceRoute, 0, len(raws)), NextCursor: next}
	for _, raw := range raws {
		var w wireConnection
		if err := json.Unmarshal(raw, &w); err != nil {
			return nil, &providers.Error{Code: providers.CodeBadResponse, Provider: Name, Message: "undecodable connection", Err: err}
		}
		page.Routes = append(page.Routes, w.toRoute())
	}
	return page, nil
}

// GetVoiceRoute implements providers.VoiceRouteReader.
func (p *Provider) GetVoiceRoute(ctx context.Context, id string) (*providers.VoiceRoute, error) {
	if err := checkSegment("connection", id); err != nil {
		return nil, err
	}
	var out struct {
		Data wireConnection `json:"data"`
	}
	if err := p.call(ctx, http.MethodGet, "/connections/"+url.PathEscape(id), nil, nil, &out, voiceCtx("get connection")); err != nil {
		return nil, notFoundAs(err, "VOICE_ROUTE_NOT_FOUND")
	}
	return out.Data.toRoute(), nil
}

func (w *wireMessagingProfile) toProfile() *providers.MessagingProfile {
	return &providers.MessagingProfile{ID: w.ID, Name: s(w.Name), Enabled: w.Enabled == nil || *w.Enabled,
		CreateTime: parseTime(w.CreatedAt), UpdateTime: parseTime(w.UpdatedAt)}
}

// ListMessagingProfiles implements providers.MessagingProfileReader.
func (p *Provider) ListMessagingProfiles(ctx context.Context, lq providers.ListQuery) (*providers.MessagingProfilePage, error) {
	raws, next, err := p.window(ctx, "/messaging_profiles", url.Values{}, lq, profileCtx("list messaging profiles"))
	if err != nil {
		return nil, err
	}
	page := &providers.MessagingProfilePage{Profiles: make([]*providers.MessagingProfile, 0, len(raws)), NextCursor: next}
	for _, raw := range raws {
		var w wireMessagingProfile
		if err := json.Unmarshal(raw, &w); err != nil {
			return nil, &providers.Error{Code: providers.CodeBadResponse, Provider: Name, Message: "undecodable messaging profile", Err: err}
		}
		page.Profiles = append(page.Profiles, w.toProfile())
	}
	return page, nil
}

// GetMessagingProfile implements providers.MessagingProfileReader.
func (p *Provider) GetMessagingProfile(ctx context.Context, id string) (*providers.MessagingProfile, error) {
	if err := checkSegment("messaging profile", id); err != nil {
		return nil, err
	}
	var out struct {
		Data wireMessagingProfile `json:"data"`
	}
	if err := p.call(ctx, http.MethodGet, "/messaging_profiles/"+url.PathEscape(id), nil, nil, &out, profileCtx("get messaging profile")); err != nil {
		return nil, notFoundAs(err, "MESSAGING_PROFILE_NOT_FOUND")
	}
	return out.Data.toProfile(), nil
}
