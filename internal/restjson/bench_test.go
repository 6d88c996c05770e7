package restjson_test

import (
	"fmt"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "github.com/portgate/portgate/gen/portgate/v1"
	"github.com/portgate/portgate/internal/restjson"
)

// benchOrder is a port order as GetPortOrder answers it, every field the
// service fills set.
func benchOrder(id int) *pb.PortOrder {
	t0 := time.Date(2026, 3, 14, 15, 9, 26, 535000000, time.UTC)
	name := fmt.Sprintf("providers/telnyx/portOrders/6f1c2a9e-%04d-4b8e-9d3f-2c7a1e5b8d40", id)
	return &pb.PortOrder{
		Name:            name,
		Provider:        "providers/telnyx",
		ProviderOrderId: fmt.Sprintf("6f1c2a9e-%04d-4b8e-9d3f-2c7a1e5b8d40", id),
		State:           pb.PortOrder_EXCEPTION,
		ProviderStatus:  "exception",
		StateDetails: []*pb.StateDetail{
			{Code: "LOA_SIGNATURE_MISMATCH", Description: "The authorized person's name does not match the \"losing carrier\" records."},
			{Code: "CSR_REQUIRED", Description: "Upload a customer service record."},
		},
		PhoneNumbers: []string{"+13125550101", "+13125550102", "+13125550103", "+13125550104"},
		EndUser: &pb.EndUser{
			EntityName:             "Acme Widgets & Co.",
			AuthorizedPerson:       "José Müller",
			BillingTelephoneNumber: "+13125550100",
			UsageType:              pb.EndUser_BUSINESS,
			ServiceAddress: &pb.PostalAddress{
				StreetAddress: "233 S Wacker Dr", ExtendedAddress: "Suite 4400", Locality: "Chicago",
				AdministrativeArea: "IL", PostalCode: "60606", RegionCode: "US",
			},
			AccountNumber:    "ACCT-0042-7781",
			HasAccountNumber: true,
			HasPin:           true,
		},
		LosingCarrier:             "AT&T Illinois",
		RequestedFocTime:          timestamppb.New(t0.Add(14 * 24 * time.Hour).Truncate(time.Hour)),
		ConfirmedFocTime:          timestamppb.New(t0.Add(15 * 24 * time.Hour).Truncate(time.Hour)),
		PortType:                  pb.PortOrder_PARTIAL,
		RemainingNumbersAction:    pb.PortOrder_KEEP,
		NewBillingTelephoneNumber: "+13125550199",
		Configuration: &pb.NumberConfiguration{
			ConnectionId: "1293384261075731499", MessagingProfileId: "40017f8e-49bd-4f16-9e3d-ef103f916228",
			MessagingEnabled: true, CnamLookupsEnabled: true, EmergencyAddressId: "1315261609962112019",
			Tags: []string{"chicago", "sales"},
		},
		CustomerReference: "crm-88231",
		Description:       "Partial port of the Chicago sales lines",
		StatusCallbackUri: "https://hooks.example.com/portgate/telnyx?token=abc",
		GroupId:           "grp-7781",
		SupportKey:        "sr_a8e2f1",
		RelatedOrders:     []string{name + "-split-1", name + "-split-2"},
		CreateTime:        timestamppb.New(t0),
		UpdateTime:        timestamppb.New(t0.Add(36*time.Hour + 123456789)),
		RequirementsMet:   false,
		Requirements: []*pb.PortOrderRequirement{
			{RequirementTypeId: "53970723-fbff-4f46-a975-f62be6c1a585", DisplayName: "Latest Invoice", Description: "A copy of the latest invoice from the losing carrier.", ValueType: pb.PortOrderRequirement_DOCUMENT, Status: pb.PortOrderRequirement_REJECTED, ProviderStatus: "rejected"},
			{RequirementTypeId: "7e6c2c4f-8b7e-4a55-a5b4-6e2d0f1d2e3a", DisplayName: "Letter of Authorization", Description: "Signed LOA.", ValueType: pb.PortOrderRequirement_DOCUMENT, Status: pb.PortOrderRequirement_MET, ProviderStatus: "approved"},
		},
		AllowedFocWindows: []*pb.TimeWindow{
			{StartTime: timestamppb.New(t0.Add(14 * 24 * time.Hour)), EndTime: timestamppb.New(t0.Add(14*24*time.Hour + 8*time.Hour))},
			{StartTime: timestamppb.New(t0.Add(15 * 24 * time.Hour)), EndTime: timestamppb.New(t0.Add(15*24*time.Hour + 8*time.Hour))},
		},
		MissingDetails:   []string{"comments"},
		Etag:             `W/"9f2c1e"`,
		FastPortEligible: false,
		WaitingOn: []*pb.PortOrderWaitingOn{
			{Reason: pb.PortOrderWaitingOn_DOCUMENTS, Description: "Upload the latest invoice.", ProviderStep: "documents"},
		},
		NumberStatuses: []*pb.PortOrderNumberStatus{
			{PhoneNumber: "+13125550101", PortabilityStatus: "confirmed", ActivationStatus: "pending", RequirementsStatus: "requirements-info-exception"},
			{PhoneNumber: "+13125550102", PortabilityStatus: "confirmed", ActivationStatus: "pending", RequirementsStatus: "approved"},
		},
	}
}

func benchList() *pb.ListPortOrdersResponse {
	l := &pb.ListPortOrdersResponse{NextPageToken: "eyJwcm92aWRlciI6InRlbG55eCIsInBhZ2UiOjJ9"}
	for i := range 10 {
		o := benchOrder(i)
		o.Requirements, o.AllowedFocWindows = nil, nil // list results leave them empty
		l.PortOrders = append(l.PortOrders, o)
	}
	return l
}

func BenchmarkMarshal(b *testing.B) {
	for _, c := range []struct {
		name string
		m    proto.Message
	}{{"PortOrder", benchOrder(1)}, {"ListPortOrders10", benchList()}} {
		if err := compare(c.m); err != nil {
			b.Fatal(err)
		}
		b.Run(c.name+"/protojson", func(b *testing.B) {
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				out, err := protojson.Marshal(c.m)
				if err != nil {
					b.Fatal(err)
				}
				n = len(out)
			}
			b.SetBytes(int64(n))
		})
		b.Run(c.name+"/restjson", func(b *testing.B) {
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				out, ok := restjson.Marshal(c.m)
				if !ok {
					b.Fatal("gave up")
				}
				n = len(out)
			}
			b.SetBytes(int64(n))
		})
	}
}
