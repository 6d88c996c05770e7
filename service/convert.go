package service

import (
	"sort"
	"strings"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	pb "github.com/portgate/portgate/gen/portgate/v1"
	"github.com/portgate/portgate/internal/e164"
	"github.com/portgate/portgate/providers"
)

func ts(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}

func fromTS(t *timestamppb.Timestamp) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.AsTime()
}

func parsePhone(s, region string) (string, error) { return e164.Parse(s, region) }

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func stateToProto(s providers.State) pb.PortOrder_State {
	if v, ok := pb.PortOrder_State_value[s.String()]; ok {
		return pb.PortOrder_State(v)
	}
	return pb.PortOrder_STATE_UNSPECIFIED
}

func portOrderToProto(provider string, o *providers.PortOrder) *pb.PortOrder {
	if o == nil {
		return nil
	}
	out := &pb.PortOrder{
		Name:                      portOrderName(provider, o.ID),
		Provider:                  providerName(provider),
		ProviderOrderId:           o.ID,
		State:                     stateToProto(o.State),
		ProviderStatus:            o.ProviderStatus,
		PhoneNumbers:              append([]string(nil), o.PhoneNumbers...),
		EndUser:                   endUserToProto(o.EndUser),
		LosingCarrier:             o.LosingCarrier,
		RequestedFocTime:          ts(o.RequestedFOCTime),
		ConfirmedFocTime:          ts(o.ConfirmedFOCTime),
		PortType:                  pb.PortOrder_PortType(o.PortType),
		RemainingNumbersAction:    pb.PortOrder_RemainingNumbersAction(o.RemainingNumbersAction),
		NewBillingTelephoneNumber: o.NewBillingTelephoneNumber,
		Configuration:             configToProto(o.Configuration),
		CustomerReference:         o.CustomerReference,
		Description:               o.Description,
		StatusCallbackUri:         o.StatusCallbackURL,
		GroupId:                   o.GroupID,
		SupportKey:                o.SupportKey,
		CreateTime:                ts(o.CreateTime),
		UpdateTime:                ts(o.UpdateTime),
		RequirementsMet:           o.RequirementsMet,
		InvalidPhoneNumbers:       append([]string(nil), o.InvalidPhoneNumbers...),
		MissingDetails:            append([]string(nil), o.MissingDetails...),
	}
	for _, r := range o.Requirements {
		out.Requirements = append(out.Requirements, &pb.PortOrderRequirement{
			RequirementTypeId: r.TypeID, DisplayName: r.Name, Description: r.Description, ValueType: valueTypeToProto(r.ValueType),
			Status: pb.PortOrderRequirement_Status(r.Status), ProviderStatus: r.ProviderStatus})
	}
	for _, w := range o.AllowedFOCWindows {
		out.AllowedFocWindows = append(out.AllowedFocWindows, &pb.TimeWindow{StartTime: ts(w.Start), EndTime: ts(w.End)})
	}
	for _, d := range o.StateDetails {
		out.StateDetails = append(out.StateDetails, &pb.StateDetail{Code: d.Code, Description: d.Description})
	}
	for _, r := range o.RelatedOrders {
		out.RelatedOrders = append(out.RelatedOrders, portOrderName(provider, r))
	}
	out.Etag = portOrderETag(out)
	portInToProto(out, o) // after the etag: list and get answers keep one etag
	return out
}

// valueTypeToProto reads the provider's requirement value type ("document",
// "textual", "DOCUMENT", …) leniently.
func valueTypeToProto(s string) pb.PortOrderRequirement_ValueType {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "DOCUMENT", "FILE":
		return pb.PortOrderRequirement_DOCUMENT
	case "TEXT", "TEXTUAL", "STRING":
		return pb.PortOrderRequirement_TEXT
	}
	return pb.PortOrderRequirement_VALUE_TYPE_UNSPECIFIED
}

// endUserToProto never copies secrets: only the has_* flags leave the gateway.
func endUserToProto(u providers.EndUser) *pb.EndUser {
	out := &pb.EndUser{
		EntityName:             u.EntityName,
		AuthorizedPerson:       u.AuthorizedPerson,
		BillingTelephoneNumber: u.BillingTelephoneNumber,
		UsageType:              pb.EndUser_UsageType(u.UsageType),
		HasAccountNumber:       u.HasAccountNumber || u.AccountNumber != "",
		HasPin:                 u.HasPIN || u.PIN != "",
	}
	if !u.ServiceAddress.IsZero() {
		a := u.ServiceAddress
		out.ServiceAddress = &pb.PostalAddress{
			StreetAddress: a.StreetAddress, ExtendedAddress: a.ExtendedAddress, Locality: a.Locality,
			AdministrativeArea: a.AdministrativeArea, PostalCode: a.PostalCode, RegionCode: a.CountryCode,
		}
	}
	return out
}

func configToProto(c providers.NumberConfiguration) *pb.NumberConfiguration {
	return &pb.NumberConfiguration{
		ConnectionId: c.ConnectionID, FailoverRouteId: c.FailoverRouteID, MessagingProfileId: c.MessagingProfileID,
		MessagingEnabled: c.MessagingEnabled, CnamLookupsEnabled: c.CNAMLookupsEnabled, CnamId: c.CNAMID,
		EmergencyAddressId: c.EmergencyAddressID, BillingGroupId: c.BillingGroupID, Tags: append([]string(nil), c.Tags...),
	}
}

// portOrderFromProto converts a validated request order (numbers already E.164).
func portOrderFromProto(o *pb.PortOrder) providers.PortOrder {
	out := providers.PortOrder{
		PhoneNumbers:              append([]string(nil), o.GetPhoneNumbers()...),
		LosingCarrier:             o.GetLosingCarrier(),
		RequestedFOCTime:          fromTS(o.GetRequestedFocTime()),
		PortType:                  providers.PortType(o.GetPortType()),
		RemainingNumbersAction:    providers.RemainingNumbersAction(o.GetRemainingNumbersAction()),
		NewBillingTelephoneNumber: o.GetNewBillingTelephoneNumber(),
		CustomerReference:         o.GetCustomerReference(),
		StatusCallbackURL:         o.GetStatusCallbackUri(),
	}
	if u := o.GetEndUser(); u != nil {
		out.EndUser = providers.EndUser{
			EntityName: u.GetEntityName(), AuthorizedPerson: u.GetAuthorizedPerson(),
			BillingTelephoneNumber: u.GetBillingTelephoneNumber(), UsageType: providers.UsageType(u.GetUsageType()),
			AccountNumber: u.GetAccountNumber(), PIN: u.GetPin(), TaxIdentifier: u.GetTaxIdentifier(),
			BusinessIdentifier: u.GetBusinessIdentifier(), Last4SSN: u.GetSsnLast4(),
		}
		if a := u.GetServiceAddress(); a != nil {
			out.EndUser.ServiceAddress = providers.Address{
				StreetAddress: a.GetStreetAddress(), ExtendedAddress: a.GetExtendedAddress(), Locality: a.GetLocality(),
				AdministrativeArea: a.GetAdministrativeArea(), PostalCode: a.GetPostalCode(), CountryCode: a.GetRegionCode(),
			}
		}
	}
	if c := o.GetConfiguration(); c != nil {
		out.Configuration = providers.NumberConfiguration{
			ConnectionID: c.GetConnectionId(), FailoverRouteID: c.GetFailoverRouteId(), MessagingProfileID: c.GetMessagingProfileId(),
			MessagingEnabled: c.GetMessagingEnabled(), CNAMLookupsEnabled: c.GetCnamLookupsEnabled(), CNAMID: c.GetCnamId(),
			EmergencyAddressID: c.GetEmergencyAddressId(), BillingGroupID: c.GetBillingGroupId(), Tags: append([]string(nil), c.GetTags()...),
		}
	}
	return out
}

func commentToProto(order string, c providers.Comment) *pb.PortOrderComment {
	return &pb.PortOrderComment{Name: commentName(order, c.ID), Body: c.Body, Author: c.Author, CreateTime: ts(c.CreateTime)}
}

func documentToProto(order string, d providers.Document) *pb.PortOrderDocument {
	return &pb.PortOrderDocument{
		Name: documentName(order, d.ID), Type: pb.PortOrderDocument_Type(d.Type), Filename: d.Filename,
		ContentType: d.ContentType, Status: d.Status, DownloadUri: d.DownloadURL, CreateTime: ts(d.CreateTime),
		DownloadUriExpireTime: ts(d.DownloadExpireTime),
	}
}

func numberToProto(provider string, n *providers.Number) *pb.Number {
	if n == nil {
		return nil
	}
	out := &pb.Number{
		Name: numberName(provider, n.PhoneNumber), PhoneNumber: n.PhoneNumber, Provider: providerName(provider),
		ProviderStatus: n.Status, NumberType: n.NumberType, Alias: n.Alias,
		CnamLookupsEnabled: n.CNAMLookupsEnabled, MessagingEnabled: n.MessagingEnabled,
		MessagingProfileId: n.MessagingProfileID, ConnectionId: n.ConnectionID, FailoverRouteId: n.FailoverRouteID,
		EmergencyAddressId: n.EmergencyAddressID, Tags: append([]string(nil), n.Tags...), CreateTime: ts(n.CreateTime),
		RawPhoneNumber: n.RawPhoneNumber, PhoneNumberInvalid: n.PhoneNumberInvalid,
		MessagingProvisioning: messagingProvisioningToProto(n.MessagingProvisioning),
	}
	numberDetailsToProto(out, n.NumberDetails)
	numberVoiceToProto(provider, n, out)
	numberEmergencyToProto(provider, n, out) // issue 14 — e911
	out.Etag = numberETag(out)
	return out
}

func messagingProvisioningToProto(m providers.MessagingProvisioning) *pb.MessagingProvisioning {
	if m == (providers.MessagingProvisioning{}) {
		return nil
	}
	return &pb.MessagingProvisioning{State: pb.MessagingProvisioning_State(m.State), TaskId: m.TaskID,
		ProviderStatus: m.ProviderStatus, Reason: m.Reason}
}

func numberFromProto(n *pb.Number, e164 string) providers.Number {
	return providers.Number{
		PhoneNumber: e164, Alias: n.GetAlias(), CNAMLookupsEnabled: n.GetCnamLookupsEnabled(),
		MessagingEnabled: n.GetMessagingEnabled(), MessagingProfileID: n.GetMessagingProfileId(),
		ConnectionID: n.GetConnectionId(), FailoverRouteID: n.GetFailoverRouteId(), Tags: append([]string(nil), n.GetTags()...),
		PortOutPIN: n.GetPortOutPin(),
	}
}
