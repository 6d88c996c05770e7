package telnyx_test

import (
	"context"
	"strings"
	"testing"

	"github.com/portgate/portgate/providers"
)

const stubList = `{"data":[` + stubNumber + `],"meta":{"page_number":1,"page_size":250,"total_pages":1,"total_results":1}}`

// voiceSettings is GET /phone_numbers/{id}/voice as the Telnyx reference
// documents it (PhoneNumberWithVoiceSettings), with the given cnam_listing.
func voiceSettings(cnam string) string {
	return `{"data":{"id":"1293384261075731499","record_type":"voice_settings","phone_number":"+13125550100",
		"connection_id":"1d0e6cb8-8668-4c2b-a34e-2a7b2d5f3e3c","customer_reference":"customer-reference","tech_prefix_enabled":false,
		"translated_number":"+13035559999","usage_payment_method":"pay-per-minute","inbound_call_screening":"disabled",
		"call_forwarding":{"call_forwarding_enabled":true,"forwards_to":"+13035559123","forwarding_type":"always"},
		"call_recording":{"inbound_call_recording_enabled":true,"inbound_call_recording_format":"wav","inbound_call_recording_channels":"single"},
		"media_features":{"rtp_auto_adjust_enabled":true,"accept_any_rtp_packets_enabled":true,"t38_fax_gateway_enabled":true},
		"emergency":{"emergency_enabled":true,"emergency_address_id":"1293384261075731001","emergency_status":"active"}` + cnam + `}}`
}

// TestGetNumberReadsCNAMListing: GetNumber fills caller_id_name from the
// voice settings' cnam_listing (one more call); odd listings are kept as
// sent or left unset, never an error; ListNumbers makes no voice call.
func TestGetNumberReadsCNAMListing(t *testing.T) {
	for _, c := range []struct{ name, cnam, want string }{
		{"enabled", `,"cnam_listing":{"cnam_listing_enabled":true,"cnam_listing_details":"ACME WIDGETS"}`, "ACME WIDGETS"},
		{"disabled keeps details", `,"cnam_listing":{"cnam_listing_enabled":false,"cnam_listing_details":"OLD NAME"}`, ""},
		{"enabled null details", `,"cnam_listing":{"cnam_listing_enabled":true,"cnam_listing_details":null}`, ""},
		{"odd details kept raw", `,"cnam_listing":{"cnam_listing_enabled":true,"cnam_listing_details":"Acme & Co, Inc."}`, "Acme & Co, Inc."},
		{"odd types", `,"cnam_listing":{"cnam_listing_enabled":"yes","cnam_listing_details":7}`, ""},
		{"no listing", ``, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, calls := e911Stub(t, map[string]e911Answer{
				"GET /phone_numbers":                           {200, stubList},
				"GET /phone_numbers/1293384261075731499/voice": {200, voiceSettings(c.cnam)},
			})
			n, err := p.GetNumber(context.Background(), "+13125550100")
			if err != nil || n.Emergency.CallerIDName.Value != c.want || n.Emergency.CallerIDName.RecordID != "" ||
				n.Emergency.CallerIDName.State != providers.CallerIDNameStateUnspecified {
				t.Fatalf("%+v, %v (calls %v)", n, err, *calls)
			}
			if n.EmergencyAddressID != "1293384261075731001" || n.Emergency.Status != providers.EmergencyStatusEnabled {
				t.Errorf("number fields lost: %+v", n)
			}
			if got := strings.Join(*calls, ","); !strings.Contains(got, "GET /phone_numbers/1293384261075731499/voice") {
				t.Errorf("no voice settings read: %s", got)
			}
		})
	}
	t.Run("list makes no voice call", func(t *testing.T) {
		p, calls := e911Stub(t, map[string]e911Answer{"GET /phone_numbers": {200, stubList}})
		pg, err := p.ListNumbers(context.Background(), providers.NumberFilter{}, providers.ListQuery{Limit: 10})
		if err != nil || len(pg.Numbers) != 1 || pg.Numbers[0].Emergency.CallerIDName != (providers.NumberCallerIDName{}) {
			t.Fatalf("%+v, %v", pg, err)
		}
		for _, c := range *calls {
			if strings.HasSuffix(c, "/voice") {
				t.Errorf("voice call from ListNumbers: %v", *calls)
			}
		}
	})
	t.Run("failed voice read fails the read", func(t *testing.T) {
		p, _ := e911Stub(t, map[string]e911Answer{
			"GET /phone_numbers":                           {200, stubList},
			"GET /phone_numbers/1293384261075731499/voice": {503, `{"errors":[{"code":"10011","title":"Service unavailable","detail":"try later"}]}`},
		})
		if _, err := p.GetNumber(context.Background(), "+13125550100"); providers.ErrorCode(err) != providers.CodeUnavailable {
			t.Fatalf("voice 503: %v (want UNAVAILABLE)", err)
		}
	})
}

// A voice-settings answer of another shape (here: a list) leaves the name
// unset; it never fails the read.
func TestGetNumberOddVoiceSettingsShape(t *testing.T) {
	p, _ := e911Stub(t, map[string]e911Answer{
		"GET /phone_numbers":                           {200, stubList},
		"GET /phone_numbers/1293384261075731499/voice": {200, `{"data":[{"cnam_listing":{"cnam_listing_enabled":true,"cnam_listing_details":"X"}}]}`},
	})
	n, err := p.GetNumber(context.Background(), "+13125550100")
	if err != nil || n.Emergency.CallerIDName != (providers.NumberCallerIDName{}) || n.PhoneNumber != "+13125550100" {
		t.Fatalf("%+v, %v", n, err)
	}
}
