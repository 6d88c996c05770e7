package portgate_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/portgate/portgate"
	pb "github.com/portgate/portgate/gen/portgate/v1"
)

// TestRESTContract pins every RPC's HTTP binding: the REST paths are part
// of the published contract (issue 3), so a proto edit that moves one must
// fail here, not in a client.
func TestRESTContract(t *testing.T) {
	want := map[string]string{
		"portgate.v1.Porting.CheckPortability":        "POST /v1/{parent=providers/*}:checkPortability body=*",
		"portgate.v1.Porting.CreatePortOrder":         "POST /v1/{parent=providers/*}/portOrders body=port_order",
		"portgate.v1.Porting.GetPortOrder":            "GET /v1/{name=providers/*/portOrders/*}",
		"portgate.v1.Porting.ListPortOrders":          "GET /v1/{parent=providers/*}/portOrders",
		"portgate.v1.Porting.UpdatePortOrder":         "PATCH /v1/{port_order.name=providers/*/portOrders/*} body=port_order",
		"portgate.v1.Porting.ModifyPortOrderNumbers":  "POST /v1/{name=providers/*/portOrders/*}:modifyNumbers body=*",
		"portgate.v1.Porting.SubmitPortOrder":         "POST /v1/{name=providers/*/portOrders/*}:submit body=*",
		"portgate.v1.Porting.CancelPortOrder":         "POST /v1/{name=providers/*/portOrders/*}:cancel body=*",
		"portgate.v1.Porting.ListPortOrderComments":   "GET /v1/{parent=providers/*/portOrders/*}/comments",
		"portgate.v1.Porting.CreatePortOrderComment":  "POST /v1/{parent=providers/*/portOrders/*}/comments body=comment",
		"portgate.v1.Porting.CreatePortOrderDocument": "POST /v1/{parent=providers/*/portOrders/*}/documents body=document",
		"portgate.v1.Porting.GetPortOrderComment":     "GET /v1/{name=providers/*/portOrders/*/comments/*}",
		"portgate.v1.Porting.GetPortOrderDocument":    "GET /v1/{name=providers/*/portOrders/*/documents/*}",
		"portgate.v1.Providers.GetProvider":           "GET /v1/{name=providers/*}",
		"portgate.v1.Porting.ListPortOrderDocuments":  "GET /v1/{parent=providers/*/portOrders/*}/documents",
		"portgate.v1.Porting.ListPortOrderEvents":     "GET /v1/{parent=providers/*/portOrders/*}/events",
		"portgate.v1.Porting.GetPortOrderEvent":       "GET /v1/{name=providers/*/portOrders/*/events/*}",
		"portgate.v1.Porting.WatchPortOrderEvents":    "GET /v1/{parent=providers/*/portOrders/*}/events:watch",
		"portgate.v1.Providers.ListProviders":         "GET /v1/providers",
		"portgate.v1.Numbers.GetNumber":               "GET /v1/{name=providers/*/numbers/*}",
		"portgate.v1.Numbers.ListNumbers":             "GET /v1/{parent=providers/*}/numbers",
		"portgate.v1.Numbers.UpdateNumber":            "PATCH /v1/{number.name=providers/*/numbers/*} body=number",
		"portgate.v1.Numbers.SearchAvailableNumbers":  "GET /v1/{parent=providers/*}/availableNumbers:search",

		"portgate.v1.Numbers.CreateNumberOrder": "POST /v1/{parent=providers/*}/numberOrders body=number_order",
		"portgate.v1.Numbers.GetNumberOrder":    "GET /v1/{name=providers/*/numberOrders/*}",
		"portgate.v1.Numbers.ListNumberOrders":  "GET /v1/{parent=providers/*}/numberOrders",
		"portgate.v1.Numbers.ReleaseNumber":     "POST /v1/{name=providers/*/numbers/*}:release body=*",

		"portgate.v1.Numbers.ListVoiceRoutes":       "GET /v1/{parent=providers/*}/voiceRoutes",
		"portgate.v1.Numbers.GetVoiceRoute":         "GET /v1/{name=providers/*/voiceRoutes/*}",
		"portgate.v1.Numbers.CreateVoiceRoute":      "POST /v1/{parent=providers/*}/voiceRoutes body=voice_route",
		"portgate.v1.Numbers.UpdateVoiceRoute":      "PATCH /v1/{voice_route.name=providers/*/voiceRoutes/*} body=voice_route",
		"portgate.v1.Numbers.DeleteVoiceRoute":      "DELETE /v1/{name=providers/*/voiceRoutes/*}",
		"portgate.v1.Numbers.ListMessagingProfiles": "GET /v1/{parent=providers/*}/messagingProfiles",
		"portgate.v1.Numbers.GetMessagingProfile":   "GET /v1/{name=providers/*/messagingProfiles/*}",

		"portgate.v1.Numbers.CreateEmergencyAddress":   "POST /v1/{parent=providers/*}/emergencyAddresses body=emergency_address",
		"portgate.v1.Numbers.GetEmergencyAddress":      "GET /v1/{name=providers/*/emergencyAddresses/*}",
		"portgate.v1.Numbers.ListEmergencyAddresses":   "GET /v1/{parent=providers/*}/emergencyAddresses",
		"portgate.v1.Numbers.DeleteEmergencyAddress":   "DELETE /v1/{name=providers/*/emergencyAddresses/*}",
		"portgate.v1.Numbers.AssignEmergencyAddress":   "POST /v1/{name=providers/*/numbers/*}:assignEmergencyAddress body=*",
		"portgate.v1.Numbers.UnassignEmergencyAddress": "POST /v1/{name=providers/*/numbers/*}:unassignEmergencyAddress body=*",
		"portgate.v1.Numbers.CreateCallerIdName":       "POST /v1/{parent=providers/*}/callerIdNames body=caller_id_name",
		"portgate.v1.Numbers.GetCallerIdName":          "GET /v1/{name=providers/*/callerIdNames/*}",
		"portgate.v1.Numbers.ListCallerIdNames":        "GET /v1/{parent=providers/*}/callerIdNames",
		"portgate.v1.Numbers.DeleteCallerIdName":       "DELETE /v1/{name=providers/*/callerIdNames/*}",
		"portgate.v1.Numbers.SetNumberCallerIdName":    "POST /v1/{name=providers/*/numbers/*}:setCallerIdName body=*",
		"portgate.v1.Numbers.ClearNumberCallerIdName":  "POST /v1/{name=providers/*/numbers/*}:clearCallerIdName body=*",

		"portgate.v1.Porting.ReschedulePortOrder":         "POST /v1/{name=providers/*/portOrders/*}:reschedule body=*",
		"portgate.v1.Porting.ActivatePortOrder":           "POST /v1/{name=providers/*/portOrders/*}:activate body=*",
		"portgate.v1.Porting.SupplyPortOrderRequirements": "POST /v1/{name=providers/*/portOrders/*}:supplyRequirements body=*",

		"portgate.v1.Porting.ListPortOuts":              "GET /v1/{parent=providers/*}/portOuts",
		"portgate.v1.Porting.GetPortOut":                "GET /v1/{name=providers/*/portOuts/*}",
		"portgate.v1.Porting.AuthorizePortOut":          "POST /v1/{name=providers/*/portOuts/*}:authorize body=*",
		"portgate.v1.Porting.RejectPortOut":             "POST /v1/{name=providers/*/portOuts/*}:reject body=*",
		"portgate.v1.Porting.GetPortOrderLoa":           "GET /v1/{name=providers/*/portOrders/*/loa}",
		"portgate.v1.Porting.ListPortOutComments":       "GET /v1/{parent=providers/*/portOuts/*}/comments",
		"portgate.v1.Porting.CreatePortOutComment":      "POST /v1/{parent=providers/*/portOuts/*}/comments body=comment",
		"portgate.v1.Porting.CreatePortOutDocument":     "POST /v1/{parent=providers/*/portOuts/*}/documents body=document",
		"portgate.v1.Porting.ListPortOutRejectionCodes": "GET /v1/{parent=providers/*/portOuts/*}/rejectionCodes",
	}
	got := map[string]string{}
	for _, fd := range []protoreflect.FileDescriptor{pb.File_portgate_v1_porting_proto, pb.File_portgate_v1_numbers_proto, pb.File_portgate_v1_providers_proto} {
		for i := 0; i < fd.Services().Len(); i++ {
			s := fd.Services().Get(i)
			for j := 0; j < s.Methods().Len(); j++ {
				m := s.Methods().Get(j)
				rule, _ := proto.GetExtension(m.Options(), annotations.E_Http).(*annotations.HttpRule)
				got[string(m.FullName())] = binding(rule)
			}
		}
	}
	for rpc, w := range want {
		if got[rpc] != w {
			t.Errorf("%s: binding %q, want %q", rpc, got[rpc], w)
		}
	}
	for rpc, g := range got {
		if _, ok := want[rpc]; !ok {
			t.Errorf("%s (%s) is not in the pinned contract; add it here", rpc, g)
		}
	}
}

func binding(r *annotations.HttpRule) string {
	if r == nil {
		return "none"
	}
	var s string
	switch p := r.GetPattern().(type) {
	case *annotations.HttpRule_Get:
		s = "GET " + p.Get
	case *annotations.HttpRule_Post:
		s = "POST " + p.Post
	case *annotations.HttpRule_Patch:
		s = "PATCH " + p.Patch
	case *annotations.HttpRule_Put:
		s = "PUT " + p.Put
	case *annotations.HttpRule_Delete:
		s = "DELETE " + p.Delete
	default:
		s = fmt.Sprintf("%T", p)
	}
	if r.GetBody() != "" {
		s += " body=" + r.GetBody()
	}
	if len(r.GetAdditionalBindings()) > 0 {
		s += fmt.Sprintf(" +%d bindings", len(r.GetAdditionalBindings()))
	}
	return s
}

// TestOpenAPIDocument checks the embedded document served at /openapi.json
// is the generated one with its configured title and every path prefix.
func TestOpenAPIDocument(t *testing.T) {
	var doc struct {
		Swagger string `json:"swagger"`
		Info    struct {
			Title   string `json:"title"`
			Version string `json:"version"`
		} `json:"info"`
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(portgate.OpenAPI, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Swagger != "2.0" || doc.Info.Title != "portgate API" || doc.Info.Version != "v1" {
		t.Errorf("header: swagger %q title %q version %q", doc.Swagger, doc.Info.Title, doc.Info.Version)
	}
	for _, p := range []string{"/v1/{parent}:checkPortability", "/v1/providers", "/v1/{name}", "/v1/{parent}/portOrders", "/v1/{name}:submit", "/v1/{number.name}"} {
		if doc.Paths[p] == nil {
			t.Errorf("path %s missing from the OpenAPI document", p)
		}
	}
}

// TestFieldBehaviors is api-linter's core-0203 rules checked by hand (AIP-203,
// AIP-155): every field of the contract declares its behaviour, and every
// request_id is annotated as a UUID4.
func TestFieldBehaviors(t *testing.T) {
	var walk func(md protoreflect.MessageDescriptor)
	walk = func(md protoreflect.MessageDescriptor) {
		for i := 0; i < md.Messages().Len(); i++ {
			walk(md.Messages().Get(i))
		}
		for i := 0; i < md.Fields().Len(); i++ {
			f := md.Fields().Get(i)
			fb, _ := proto.GetExtension(f.Options(), annotations.E_FieldBehavior).([]annotations.FieldBehavior)
			if len(fb) == 0 {
				t.Errorf("%s has no google.api.field_behavior", f.FullName())
			}
			if strings.HasSuffix(string(f.Name()), "_url") {
				t.Errorf("%s: URIs end in _uri (AIP-140)", f.FullName())
			}
			if f.Name() == "request_id" {
				fi, _ := proto.GetExtension(f.Options(), annotations.E_FieldInfo).(*annotations.FieldInfo)
				if fi.GetFormat() != annotations.FieldInfo_UUID4 {
					t.Errorf("%s is not annotated (google.api.field_info).format = UUID4", f.FullName())
				}
			}
		}
	}
	for _, fd := range []protoreflect.FileDescriptor{pb.File_portgate_v1_porting_proto, pb.File_portgate_v1_numbers_proto,
		pb.File_portgate_v1_providers_proto, pb.File_portgate_v1_port_order_proto} {
		for i := 0; i < fd.Messages().Len(); i++ {
			walk(fd.Messages().Get(i))
		}
	}
}

// TestStandardMethodShapes is api-linter's core-0131/0133/0134 rules checked
// by hand: Get, Create and Update return the resource itself.
func TestStandardMethodShapes(t *testing.T) {
	for _, fd := range []protoreflect.FileDescriptor{pb.File_portgate_v1_porting_proto, pb.File_portgate_v1_numbers_proto, pb.File_portgate_v1_providers_proto} {
		for i := 0; i < fd.Services().Len(); i++ {
			ms := fd.Services().Get(i).Methods()
			for j := 0; j < ms.Len(); j++ {
				m := ms.Get(j)
				name := string(m.Name())
				for _, verb := range []string{"Get", "Create", "Update"} {
					if resource, ok := strings.CutPrefix(name, verb); ok && string(m.Output().Name()) != resource {
						t.Errorf("%s returns %s, want the resource %s", m.FullName(), m.Output().Name(), resource)
					}
				}
			}
		}
	}
}
