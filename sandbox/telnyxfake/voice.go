package telnyxfake

import (
	"net/http"
	"time"
)

// Connections and messaging profiles (issue 14, slice voice): the account
// holds a fixed set of each (portgate offers no way to create them on
// Telnyx). GET /v2/connections[/{id}] and GET /v2/messaging_profiles[/{id}]
// answer them; PATCH /v2/phone_numbers/{id} refuses a connection_id and
// PATCH /v2/phone_numbers/{id}/messaging a messaging_profile_id that is not
// on the account (422, pointer at the field: a guess, docs/mapping/telnyx.md).

// SandboxConnection is a connection on the fake's account.
type SandboxConnection struct {
	ID, RecordType, Name string
	Active               bool
}

// SandboxConnections are the connections on the fake's account.
var SandboxConnections = []SandboxConnection{
	{ID: "1293384261075731499", RecordType: "credential_connection", Name: "office-pbx", Active: true},
	{ID: "1293384261075731500", RecordType: "ip_connection", Name: "sip-trunk", Active: true},
	{ID: "1293384261075731501", RecordType: "fqdn_connection", Name: "fqdn-trunk", Active: false},
}

// SandboxMessagingProfile is a messaging profile on the fake's account.
type SandboxMessagingProfile struct {
	ID, Name string
	Enabled  bool
}

// SandboxMessagingProfiles are the messaging profiles on the fake's account.
var SandboxMessagingProfiles = []SandboxMessagingProfile{
	{ID: "4001767e-ce0f-4cae-9d5f-0d5e636e7809", Name: "default", Enabled: true},
	{ID: "4001932b-5b4c-4a8e-a5a1-2b2e6b7f0c11", Name: "alerts", Enabled: true},
}

// voiceEpoch is when the sandbox's connections and profiles were created.
var voiceEpoch = time.Date(2024, 1, 2, 15, 4, 5, 0, time.UTC)

func hasConnection(id string) bool {
	for _, c := range SandboxConnections {
		if c.ID == id {
			return true
		}
	}
	return false
}

func hasMessagingProfile(id string) bool {
	for _, p := range SandboxMessagingProfiles {
		if p.ID == id {
			return true
		}
	}
	return false
}

func renderConnection(c SandboxConnection) any {
	return map[string]any{"id": c.ID, "record_type": c.RecordType, "active": c.Active, "connection_name": c.Name,
		"anchorsite_override": "Latency", "outbound_voice_profile_id": nil, "webhook_event_url": nil,
		"webhook_event_failover_url": nil, "webhook_api_version": "2", "created_at": ts(voiceEpoch), "updated_at": ts(voiceEpoch)}
}

func renderMessagingProfile(p SandboxMessagingProfile) any {
	return map[string]any{"id": p.ID, "record_type": "messaging_profile", "name": p.Name, "enabled": p.Enabled,
		"webhook_url": nil, "webhook_failover_url": nil, "webhook_api_version": "2", "whitelisted_destinations": []string{"US"},
		"number_pool_settings": nil, "url_shortener_settings": nil, "created_at": ts(voiceEpoch), "updated_at": ts(voiceEpoch)}
}

var connectionSorts = map[string]bool{"created_at": true, "-created_at": true, "connection_name": true,
	"-connection_name": true, "active": true, "-active": true}

func (f *Fake) listConnections(w http.ResponseWriter, r *http.Request, _ []string) {
	num, size, ok := page(w, r)
	if !ok {
		return
	}
	if s := r.URL.Query().Get("sort"); s != "" && !connectionSorts[s] {
		writeErrs(w, http.StatusBadRequest, paramItem("10015", "Bad Request", "unsupported sort "+s, "sort"))
		return
	}
	// All sandbox connections share one created_at: the declared order is
	// the created_at order.
	writePage(w, num, size, SandboxConnections, renderConnection)
}

func (f *Fake) getConnection(w http.ResponseWriter, _ *http.Request, args []string) {
	for _, c := range SandboxConnections {
		if c.ID == args[0] {
			writeJSON(w, http.StatusOK, map[string]any{"data": renderConnection(c)})
			return
		}
	}
	writeErrs(w, http.StatusNotFound, notFound("connection"))
}

func (f *Fake) listMessagingProfiles(w http.ResponseWriter, r *http.Request, _ []string) {
	num, size, ok := page(w, r)
	if !ok {
		return
	}
	writePage(w, num, size, SandboxMessagingProfiles, renderMessagingProfile)
}

func (f *Fake) getMessagingProfile(w http.ResponseWriter, _ *http.Request, args []string) {
	for _, p := range SandboxMessagingProfiles {
		if p.ID == args[0] {
			writeJSON(w, http.StatusOK, map[string]any{"data": renderMessagingProfile(p)})
			return
		}
	}
	writeErrs(w, http.StatusNotFound, notFound("messaging profile"))
}
