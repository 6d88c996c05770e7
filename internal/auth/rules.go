package auth

import (
	"fmt"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Rule says what a caller needs to invoke one RPC.
type Rule struct {
	// Public RPCs need no key (health checks, reflection when enabled).
	Public bool
	// Scope the key must hold; "" = any valid key (ListProviders).
	Scope Scope
	// Resource is the request field naming the provider(s) addressed, as a
	// dotted path ("parent", "port_order.name"); a repeated string field
	// lists several (empty means every provider).
	// "" = the RPC addresses no provider.
	Resource string
}

// Rules maps every RPC the server registers, by full method name, to its
// Rule. A method missing here is refused (PERMISSION_DENIED): the table fails
// closed. A test checks every registered method has an entry.
var Rules = map[string]Rule{
	"/portgate.v1.Porting/CheckPortability":        {Scope: ScopePortingRead, Resource: "parent"},
	"/portgate.v1.Porting/CreatePortOrder":         {Scope: ScopePortingWrite, Resource: "parent"},
	"/portgate.v1.Porting/GetPortOrder":            {Scope: ScopePortingRead, Resource: "name"},
	"/portgate.v1.Porting/ListPortOrders":          {Scope: ScopePortingRead, Resource: "parent"},
	"/portgate.v1.Porting/UpdatePortOrder":         {Scope: ScopePortingWrite, Resource: "port_order.name"},
	"/portgate.v1.Porting/ModifyPortOrderNumbers":  {Scope: ScopePortingWrite, Resource: "name"},
	"/portgate.v1.Porting/SubmitPortOrder":         {Scope: ScopePortingWrite, Resource: "name"},
	"/portgate.v1.Porting/CancelPortOrder":         {Scope: ScopePortingWrite, Resource: "name"},
	"/portgate.v1.Porting/ListPortOrderComments":   {Scope: ScopePortingRead, Resource: "parent"},
	"/portgate.v1.Porting/CreatePortOrderComment":  {Scope: ScopePortingWrite, Resource: "parent"},
	"/portgate.v1.Porting/GetPortOrderComment":     {Scope: ScopePortingRead, Resource: "name"},
	"/portgate.v1.Porting/CreatePortOrderDocument": {Scope: ScopePortingWrite, Resource: "parent"},
	"/portgate.v1.Porting/GetPortOrderDocument":    {Scope: ScopePortingRead, Resource: "name"},
	"/portgate.v1.Porting/ListPortOrderDocuments":  {Scope: ScopePortingRead, Resource: "parent"},
	"/portgate.v1.Porting/ListPortOrderEvents":     {Scope: ScopeEventsRead, Resource: "parent"},
	"/portgate.v1.Porting/GetPortOrderEvent":       {Scope: ScopeEventsRead, Resource: "name"},
	"/portgate.v1.Porting/WatchPortOrderEvents":    {Scope: ScopeEventsRead, Resource: "parent"},

	"/portgate.v1.Numbers/GetNumber":    {Scope: ScopeNumbersRead, Resource: "name"},
	"/portgate.v1.Numbers/ListNumbers":  {Scope: ScopeNumbersRead, Resource: "parent"},
	"/portgate.v1.Numbers/UpdateNumber": {Scope: ScopeNumbersWrite, Resource: "number.name"},

	"/portgate.v1.Providers/ListProviders": {},
	"/portgate.v1.Providers/GetProvider":   {Resource: "name"},

	"/grpc.health.v1.Health/Check": {Public: true},
	"/grpc.health.v1.Health/Watch": {Public: true},
	"/grpc.health.v1.Health/List":  {Public: true},

	// Reflection describes the same schema /openapi.json serves; switch it
	// off (PORTGATE_GRPC_REFLECTION=off) to serve neither over gRPC.
	"/grpc.reflection.v1.ServerReflection/ServerReflectionInfo":      {Public: true},
	"/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo": {Public: true},
	"/portgate.v1.Numbers/SearchAvailableNumbers":                    {Scope: ScopeNumbersRead, Resource: "parent"},

	"/portgate.v1.Numbers/CreateNumberOrder": {Scope: ScopeNumbersWrite, Resource: "parent"},
	"/portgate.v1.Numbers/GetNumberOrder":    {Scope: ScopeNumbersRead, Resource: "name"},
	"/portgate.v1.Numbers/ListNumberOrders":  {Scope: ScopeNumbersRead, Resource: "parent"},
	"/portgate.v1.Numbers/ReleaseNumber":     {Scope: ScopeNumbersWrite, Resource: "name"},

	"/portgate.v1.Numbers/ListVoiceRoutes":       {Scope: ScopeNumbersRead, Resource: "parent"},
	"/portgate.v1.Numbers/GetVoiceRoute":         {Scope: ScopeNumbersRead, Resource: "name"},
	"/portgate.v1.Numbers/CreateVoiceRoute":      {Scope: ScopeNumbersWrite, Resource: "parent"},
	"/portgate.v1.Numbers/UpdateVoiceRoute":      {Scope: ScopeNumbersWrite, Resource: "voice_route.name"},
	"/portgate.v1.Numbers/DeleteVoiceRoute":      {Scope: ScopeNumbersWrite, Resource: "name"},
	"/portgate.v1.Numbers/ListMessagingProfiles": {Scope: ScopeNumbersRead, Resource: "parent"},
	"/portgate.v1.Numbers/GetMessagingProfile":   {Scope: ScopeNumbersRead, Resource: "name"},

	"/portgate.v1.Numbers/CreateEmergencyAddress":   {Scope: ScopeNumbersWrite, Resource: "parent"},
	"/portgate.v1.Numbers/GetEmergencyAddress":      {Scope: ScopeNumbersRead, Resource: "name"},
	"/portgate.v1.Numbers/ListEmergencyAddresses":   {Scope: ScopeNumbersRead, Resource: "parent"},
	"/portgate.v1.Numbers/DeleteEmergencyAddress":   {Scope: ScopeNumbersWrite, Resource: "name"},
	"/portgate.v1.Numbers/AssignEmergencyAddress":   {Scope: ScopeNumbersWrite, Resource: "name"},
	"/portgate.v1.Numbers/UnassignEmergencyAddress": {Scope: ScopeNumbersWrite, Resource: "name"},
	"/portgate.v1.Numbers/CreateCallerIdName":       {Scope: ScopeNumbersWrite, Resource: "parent"},
	"/portgate.v1.Numbers/GetCallerIdName":          {Scope: ScopeNumbersRead, Resource: "name"},
	"/portgate.v1.Numbers/ListCallerIdNames":        {Scope: ScopeNumbersRead, Resource: "parent"},
	"/portgate.v1.Numbers/DeleteCallerIdName":       {Scope: ScopeNumbersWrite, Resource: "name"},
	"/portgate.v1.Numbers/SetNumberCallerIdName":    {Scope: ScopeNumbersWrite, Resource: "name"},
	"/portgate.v1.Numbers/ClearNumberCallerIdName":  {Scope: ScopeNumbersWrite, Resource: "name"},

	"/portgate.v1.Porting/ReschedulePortOrder":         {Scope: ScopePortingWrite, Resource: "name"},
	"/portgate.v1.Porting/ActivatePortOrder":           {Scope: ScopePortingWrite, Resource: "name"},
	"/portgate.v1.Porting/SupplyPortOrderRequirements": {Scope: ScopePortingWrite, Resource: "name"},

	"/portgate.v1.Porting/ListPortOuts":              {Scope: ScopePortingRead, Resource: "parent"},
	"/portgate.v1.Porting/GetPortOut":                {Scope: ScopePortingRead, Resource: "name"},
	"/portgate.v1.Porting/AuthorizePortOut":          {Scope: ScopePortingWrite, Resource: "name"},
	"/portgate.v1.Porting/RejectPortOut":             {Scope: ScopePortingWrite, Resource: "name"},
	"/portgate.v1.Porting/GetPortOrderLoa":           {Scope: ScopePortingRead, Resource: "name"},
	"/portgate.v1.Porting/ListPortOutComments":       {Scope: ScopePortingRead, Resource: "parent"},
	"/portgate.v1.Porting/CreatePortOutComment":      {Scope: ScopePortingWrite, Resource: "parent"},
	"/portgate.v1.Porting/CreatePortOutDocument":     {Scope: ScopePortingWrite, Resource: "parent"},
	"/portgate.v1.Porting/ListPortOutRejectionCodes": {Scope: ScopePortingRead, Resource: "parent"},
}

// allProviders is the wildcard provider segment (service.AllProviders).
const allProviders = "-"

// providersOf returns the provider ids the request addresses through the
// rule's Resource field: "-" for every provider, "" for a name that names
// none (empty or not of the form providers/{p}/...; the service rejects those
// as INVALID_ARGUMENT before any provider call).
func providersOf(r Rule, req proto.Message) ([]string, error) {
	if r.Resource == "" || req == nil {
		return nil, nil
	}
	fd, msg, err := resolve(req.ProtoReflect().Descriptor(), r.Resource)
	if err != nil {
		return nil, err
	}
	m := req.ProtoReflect()
	for _, name := range msg {
		if !m.Has(name) {
			return []string{""}, nil
		}
		m = m.Get(name).Message()
	}
	if fd.IsList() {
		l := m.Get(fd).List()
		if l.Len() == 0 {
			return []string{allProviders}, nil
		}
		out := make([]string, l.Len())
		for i := range l.Len() {
			s := strings.TrimPrefix(l.Get(i).String(), "providers/")
			if j := strings.IndexByte(s, '/'); j >= 0 {
				s = s[:j]
			}
			out[i] = s
		}
		return out, nil
	}
	return []string{providerOfName(m.Get(fd).String())}, nil
}

// providerOfName reads p from "providers/{p}[/...]".
func providerOfName(s string) string {
	rest, ok := strings.CutPrefix(s, "providers/")
	if !ok {
		return ""
	}
	p, _, _ := strings.Cut(rest, "/")
	return p
}

// resolve walks a dotted field path: every element but the last must be a
// singular message field, the last a string field.
func resolve(md protoreflect.MessageDescriptor, path string) (protoreflect.FieldDescriptor, []protoreflect.FieldDescriptor, error) {
	parts := strings.Split(path, ".")
	var via []protoreflect.FieldDescriptor
	for i, p := range parts {
		fd := md.Fields().ByName(protoreflect.Name(p))
		if fd == nil {
			return nil, nil, fmt.Errorf("auth: %s has no field %q", md.FullName(), p)
		}
		if i == len(parts)-1 {
			if fd.Kind() != protoreflect.StringKind || fd.IsMap() {
				return nil, nil, fmt.Errorf("auth: %s.%s is not a string field", md.FullName(), p)
			}
			return fd, via, nil
		}
		if fd.Kind() != protoreflect.MessageKind || fd.IsList() || fd.IsMap() {
			return nil, nil, fmt.Errorf("auth: %s.%s is not a singular message field", md.FullName(), p)
		}
		via = append(via, fd)
		md = fd.Message()
	}
	return nil, nil, fmt.Errorf("auth: empty field path")
}

// CheckRule reports whether r's Resource path resolves in the request type md
// (for the table test).
func CheckRule(r Rule, md protoreflect.MessageDescriptor) error {
	if r.Resource == "" {
		return nil
	}
	_, _, err := resolve(md, r.Resource)
	return err
}
