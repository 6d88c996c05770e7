package providertest

import (
	"slices"
	"testing"

	"github.com/portgate/portgate/providers"
)

// Conformance cases for voice routes, messaging profiles and the port-out
// PIN (issue 14, slice voice).

// unknownRouteID is an id no sandbox account holds.
const unknownRouteID = "999999991"

// callVoiceOp is callOp for the voice slice's operations.
func callVoiceOp(f *fixture, op providers.Operation) error {
	ctx, p := f.ctx, f.p
	var err error
	switch op {
	case providers.OpListVoiceRoutes:
		_, err = p.ListVoiceRoutes(ctx, providers.ListQuery{Limit: 5})
	case providers.OpGetVoiceRoute:
		_, err = p.GetVoiceRoute(ctx, unknownRouteID)
		if providers.ErrorCode(err) == providers.CodeNotFound {
			err = nil
		}
	case providers.OpCreateVoiceRoute:
		_, err = p.CreateVoiceRoute(ctx, providers.VoiceRoute{Type: providers.VoiceRouteTypeSIPHost, Target: "sip.probe.example.com", DisplayName: "probe"})
	case providers.OpUpdateVoiceRoute:
		_, err = p.UpdateVoiceRoute(ctx, providers.VoiceRoute{ID: unknownRouteID, DisplayName: "probe"}, []string{providers.FieldVoiceRouteDisplayName})
	case providers.OpDeleteVoiceRoute:
		err = p.DeleteVoiceRoute(ctx, unknownRouteID)
	case providers.OpListMessagingProfiles:
		_, err = p.ListMessagingProfiles(ctx, providers.ListQuery{Limit: 5})
	case providers.OpGetMessagingProfile:
		_, err = p.GetMessagingProfile(ctx, unknownRouteID)
		if providers.ErrorCode(err) == providers.CodeNotFound {
			err = nil
		}
	case providers.OpSetPortOutPIN:
		_, err = p.UpdateNumber(ctx, providers.NumberUpdate{Number: providers.Number{PhoneNumber: NewNumber(""), PortOutPIN: "2468"},
			Mask: []string{providers.FieldNumberPortOutPIN}})
	}
	return err
}

// allRoutes walks ListVoiceRoutes two at a time.
func (f *fixture) allRoutes(t *testing.T) []*providers.VoiceRoute {
	t.Helper()
	var out []*providers.VoiceRoute
	cursor := ""
	for range maxPages {
		pg, err := f.p.ListVoiceRoutes(f.ctx, providers.ListQuery{Limit: 2, Cursor: cursor})
		if err != nil {
			t.Fatalf("ListVoiceRoutes(cursor %q): %v", cursor, err)
		}
		out = append(out, pg.Routes...)
		if cursor = pg.NextCursor; cursor == "" {
			return out
		}
	}
	t.Fatalf("ListVoiceRoutes did not end in %d pages", maxPages)
	return nil
}

// useAccountIDs replaces the route and messaging profile ids in n with ids
// the account really holds (the provider's own lists), so an update names
// existing objects; cur is the number before the update.
func (f *fixture) useAccountIDs(t *testing.T, n, cur *providers.Number) {
	t.Helper()
	if f.caps.Supports(providers.OpListVoiceRoutes) {
		var ids []string
		for _, r := range f.allRoutes(t) {
			if !r.Default {
				ids = append(ids, r.ID)
			}
		}
		if len(ids) >= 2 {
			n.ConnectionID = alt(cur.ConnectionID, ids[0], ids[1])
			n.FailoverRouteID = alt(cur.FailoverRouteID, ids[len(ids)-1], ids[len(ids)-2])
		}
	}
	if f.caps.Supports(providers.OpListMessagingProfiles) {
		pg, err := f.p.ListMessagingProfiles(f.ctx, providers.ListQuery{Limit: 10})
		if err != nil {
			t.Fatalf("ListMessagingProfiles: %v", err)
		}
		switch {
		case len(pg.Profiles) >= 2:
			n.MessagingProfileID = alt(cur.MessagingProfileID, pg.Profiles[0].ID, pg.Profiles[1].ID)
		case len(pg.Profiles) == 1:
			n.MessagingProfileID = pg.Profiles[0].ID
		}
	}
}

func testVoiceRoutes(t *testing.T, e *env) {
	t.Run("ListGet", func(t *testing.T) {
		f := e.open(t)
		f.require(t, providers.OpListVoiceRoutes, providers.OpGetVoiceRoute)
		all := f.allRoutes(t)
		if len(all) == 0 {
			t.Fatal("ListVoiceRoutes: the sandbox account has no routes")
		}
		seen := map[string]bool{}
		for _, r := range all {
			if r.ID == "" || seen[r.ID] {
				t.Errorf("ListVoiceRoutes: empty or repeated id %q", r.ID)
			}
			seen[r.ID] = true
			got, err := f.p.GetVoiceRoute(f.ctx, r.ID)
			if err != nil {
				t.Fatalf("GetVoiceRoute(%s): %v", r.ID, err)
			}
			if got.ID != r.ID || got.Type != r.Type || got.DisplayName != r.DisplayName || got.Target != r.Target {
				t.Errorf("GetVoiceRoute(%s) = %+v, listed as %+v", r.ID, got, r)
			}
		}
		_, err := f.p.GetVoiceRoute(f.ctx, unknownRouteID)
		if pe := f.wantCode(t, "GetVoiceRoute(unknown)", err, providers.CodeNotFound, false); pe != nil && pe.Reason != "VOICE_ROUTE_NOT_FOUND" {
			t.Errorf("GetVoiceRoute(unknown): reason %q, want VOICE_ROUTE_NOT_FOUND", pe.Reason)
		}
	})

	t.Run("AssignUnknown", func(t *testing.T) {
		f := e.open(t)
		f.require(t, providers.OpUpdateNumber, providers.OpListVoiceRoutes)
		if !slices.Contains(f.caps.UpdatableNumberFields, providers.FieldNumberConnectionID) {
			t.Skipf("%s cannot update %s", f.name, providers.FieldNumberConnectionID)
		}
		_, err := f.p.UpdateNumber(f.ctx, providers.NumberUpdate{Number: providers.Number{PhoneNumber: "+13125550101", ConnectionID: unknownRouteID},
			Mask: []string{providers.FieldNumberConnectionID}})
		f.wantCode(t, "UpdateNumber(connection_id unknown)", err, providers.CodeInvalidArgument, true)
	})

	t.Run("Lifecycle", func(t *testing.T) {
		f := e.open(t)
		f.require(t, providers.OpListVoiceRoutes)
		if !f.caps.Supports(providers.OpCreateVoiceRoute) {
			_, err := f.p.CreateVoiceRoute(f.ctx, providers.VoiceRoute{Type: providers.VoiceRouteTypeSIPHost, Target: "sip.example.com"})
			if pe := f.wantCode(t, "CreateVoiceRoute (not offered)", err, providers.CodeUnimplemented, false); pe != nil && pe.Reason != "PROVIDER_CAPABILITY_MISSING" {
				t.Errorf("CreateVoiceRoute: reason %q, want PROVIDER_CAPABILITY_MISSING", pe.Reason)
			}
			return
		}
		f.require(t, providers.OpGetVoiceRoute, providers.OpUpdateVoiceRoute, providers.OpDeleteVoiceRoute, providers.OpUpdateNumber, providers.OpGetNumber)
		_, err := f.p.CreateVoiceRoute(f.ctx, providers.VoiceRoute{Target: "sip.example.com"})
		f.wantCode(t, "CreateVoiceRoute(no type)", err, providers.CodeInvalidArgument, false)

		r, err := f.p.CreateVoiceRoute(f.ctx, providers.VoiceRoute{Type: providers.VoiceRouteTypeSIPHost, Target: "sip.conformance.example.com:5060", DisplayName: "conformance"})
		if err != nil {
			t.Fatalf("CreateVoiceRoute: %v", err)
		}
		if r.ID == "" || r.Type != providers.VoiceRouteTypeSIPHost || r.Target != "sip.conformance.example.com:5060" || r.DisplayName != "conformance" {
			t.Fatalf("CreateVoiceRoute = %+v", r)
		}
		if got, err := f.p.GetVoiceRoute(f.ctx, r.ID); err != nil || got.Target != r.Target {
			t.Fatalf("GetVoiceRoute(%s) = %+v, %v", r.ID, got, err)
		}
		u, err := f.p.UpdateVoiceRoute(f.ctx, providers.VoiceRoute{ID: r.ID, DisplayName: "renamed"}, []string{providers.FieldVoiceRouteDisplayName})
		if err != nil || u.DisplayName != "renamed" || u.Target != r.Target {
			t.Fatalf("UpdateVoiceRoute = %+v, %v", u, err)
		}
		const num = "+13125550101"
		res, err := f.p.UpdateNumber(f.ctx, providers.NumberUpdate{Number: providers.Number{PhoneNumber: num, ConnectionID: r.ID},
			Mask: []string{providers.FieldNumberConnectionID}})
		if err != nil || res.Number.ConnectionID != r.ID {
			t.Fatalf("UpdateNumber(connection_id %s) = %+v, %v", r.ID, res, err)
		}
		err = f.p.DeleteVoiceRoute(f.ctx, r.ID)
		if pe := f.wantCode(t, "DeleteVoiceRoute(in use)", err, providers.CodeFailedPrecondition, true); pe != nil && pe.Reason != "VOICE_ROUTE_IN_USE" {
			t.Errorf("DeleteVoiceRoute(in use): reason %q, want VOICE_ROUTE_IN_USE", pe.Reason)
		}
		if n, err := f.p.GetNumber(f.ctx, num); err != nil || n.ConnectionID != r.ID {
			t.Fatalf("GetNumber after refused delete = %+v, %v", n, err)
		}
		if _, err := f.p.UpdateNumber(f.ctx, providers.NumberUpdate{Number: providers.Number{PhoneNumber: num},
			Mask: []string{providers.FieldNumberConnectionID}}); err != nil {
			t.Fatalf("UpdateNumber(clear connection_id): %v", err)
		}
		if err := f.p.DeleteVoiceRoute(f.ctx, r.ID); err != nil {
			t.Fatalf("DeleteVoiceRoute(%s): %v", r.ID, err)
		}
		_, err = f.p.GetVoiceRoute(f.ctx, r.ID)
		f.wantCode(t, "GetVoiceRoute(deleted)", err, providers.CodeNotFound, false)
		err = f.p.DeleteVoiceRoute(f.ctx, r.ID)
		f.wantCode(t, "DeleteVoiceRoute(deleted)", err, providers.CodeNotFound, true)
	})
}

func testMessagingProfiles(t *testing.T, e *env) {
	f := e.open(t)
	if !f.caps.Supports(providers.OpListMessagingProfiles) {
		_, err := f.p.ListMessagingProfiles(f.ctx, providers.ListQuery{})
		if pe := f.wantCode(t, "ListMessagingProfiles (not offered)", err, providers.CodeUnimplemented, false); pe != nil && pe.Reason != "PROVIDER_CAPABILITY_MISSING" {
			t.Errorf("reason %q, want PROVIDER_CAPABILITY_MISSING", pe.Reason)
		}
		return
	}
	f.require(t, providers.OpGetMessagingProfile)
	pg, err := f.p.ListMessagingProfiles(f.ctx, providers.ListQuery{Limit: 1})
	if err != nil || len(pg.Profiles) != 1 {
		t.Fatalf("ListMessagingProfiles(limit 1) = %+v, %v", pg, err)
	}
	var all []*providers.MessagingProfile
	for cursor := ""; ; {
		pg, err := f.p.ListMessagingProfiles(f.ctx, providers.ListQuery{Limit: 1, Cursor: cursor})
		if err != nil {
			t.Fatalf("ListMessagingProfiles(cursor %q): %v", cursor, err)
		}
		all = append(all, pg.Profiles...)
		if cursor = pg.NextCursor; cursor == "" || len(all) > maxPages {
			break
		}
	}
	for _, p := range all {
		got, err := f.p.GetMessagingProfile(f.ctx, p.ID)
		if err != nil || got.ID != p.ID || got.Name != p.Name {
			t.Errorf("GetMessagingProfile(%s) = %+v, %v; listed %+v", p.ID, got, err, p)
		}
	}
	_, err = f.p.GetMessagingProfile(f.ctx, unknownRouteID)
	if pe := f.wantCode(t, "GetMessagingProfile(unknown)", err, providers.CodeNotFound, true); pe != nil && pe.Reason != "MESSAGING_PROFILE_NOT_FOUND" {
		t.Errorf("reason %q, want MESSAGING_PROFILE_NOT_FOUND", pe.Reason)
	}
}

func testPortOutPIN(t *testing.T, e *env) {
	f := e.open(t)
	const num = "+13125550101"
	upd := providers.NumberUpdate{Number: providers.Number{PhoneNumber: num, PortOutPIN: "8642"}, Mask: []string{providers.FieldNumberPortOutPIN}}
	if !f.caps.Supports(providers.OpSetPortOutPIN) {
		_, err := f.p.UpdateNumber(f.ctx, upd)
		if pe := f.wantCode(t, "UpdateNumber(port_out_pin, not offered)", err, providers.CodeUnimplemented, false); pe != nil && pe.Reason != "PROVIDER_CAPABILITY_MISSING" {
			t.Errorf("reason %q, want PROVIDER_CAPABILITY_MISSING", pe.Reason)
		}
		return
	}
	f.require(t, providers.OpGetNumber)
	res, err := f.p.UpdateNumber(f.ctx, upd)
	if err != nil {
		t.Fatalf("UpdateNumber(port_out_pin): %v", err)
	}
	if !res.Number.PortOutPINSet || res.Number.PortOutPIN != "" {
		t.Errorf("after setting: PortOutPINSet %v, PortOutPIN %q; want true and never read back", res.Number.PortOutPINSet, res.Number.PortOutPIN)
	}
	n, err := f.p.GetNumber(f.ctx, num)
	if err != nil || !n.PortOutPINSet || n.PortOutPIN != "" {
		t.Fatalf("GetNumber = %+v, %v", n, err)
	}
	res, err = f.p.UpdateNumber(f.ctx, providers.NumberUpdate{Number: providers.Number{PhoneNumber: num}, Mask: []string{providers.FieldNumberPortOutPIN}})
	if err != nil || res.Number.PortOutPINSet {
		t.Fatalf("UpdateNumber(clear port_out_pin) = %+v, %v", res, err)
	}
}
