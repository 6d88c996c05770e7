package service

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Limits on what a request may carry, declared once for the whole contract:
// every string, bytes and repeated field reachable from a request message has
// a row in fieldLimits, keyed by the proto field's full name (a test walks
// every RPC's request type and fails on a field without one). CheckLimits
// enforces them in one interceptor (internal/server "validate"), for gRPC and
// REST alike, before any handler runs and so before any provider call. The
// README "Limits" table is LimitsMarkdown.
//
// Lengths are in bytes (strings as UTF-8). A repeated field has both a most
// entries and a per-entry length. Output-only fields are limited too, but
// generously, so that a resource read from portgate can be sent back in an
// update.

// FieldLimit is the declared maximum of one field.
type FieldLimit struct {
	// MaxBytes bounds a string or bytes value (each entry of a repeated one).
	MaxBytes int
	// MaxEntries bounds a repeated field (0 for singular fields).
	MaxEntries int
	// Reason overrides ReasonLimitExceeded in ErrorInfo.
	Reason string
}

// ReasonLimitExceeded: a field is longer, or a list has more entries, than
// its declared limit (BadRequest names each field).
const ReasonLimitExceeded = "LIMIT_EXCEEDED"

// Shared sizes.
const (
	limName      = 256  // resource names and parents
	limRequestID = 64   // UUIDs are 36
	limPageToken = 2048 // opaque page tokens
	limNumber    = 64   // one phone number in any accepted form
	limNumbers   = 1000 // phone numbers in one request
	// MaxPortabilityNumbers is the most numbers one CheckPortability takes;
	// the gateway chunks them to each provider's batch limit.
	MaxPortabilityNumbers = 10000
	limText               = 256  // names of people, companies, carriers; short labels
	limLongText           = 4000 // free text (comments, provider descriptions)
	limID                 = 128  // provider-side ids (connections, profiles, routes)
	limURL                = 2048 // callback URLs
	limTags               = 32   // tags on a number or an order's configuration
	limOutputs            = 1000 // entries of an output-only list echoed back
	limMaskPaths          = 64   // update_mask paths
	limETag               = 64   // etags are W/"<16 base64url characters>"
	// MaxDocumentBytes is the largest document content any provider accepts.
	MaxDocumentBytes = 10 << 20
)

var fieldLimits = map[protoreflect.FullName]FieldLimit{
	// Porting requests.
	"portgate.v1.CheckPortabilityRequest.phone_numbers":     {MaxBytes: limNumber, MaxEntries: MaxPortabilityNumbers},
	"portgate.v1.CheckPortabilityRequest.parent":            {MaxBytes: limName},
	"portgate.v1.CreatePortOrderRequest.parent":             {MaxBytes: limName},
	"portgate.v1.CreatePortOrderRequest.request_id":         {MaxBytes: limRequestID},
	"portgate.v1.GetPortOrderRequest.name":                  {MaxBytes: limName},
	"portgate.v1.ListPortOrdersRequest.parent":              {MaxBytes: limName},
	"portgate.v1.ListPortOrdersRequest.page_token":          {MaxBytes: limPageToken},
	"portgate.v1.ListPortOrdersRequest.filter":              {MaxBytes: MaxFilterBytes},
	"portgate.v1.UpdatePortOrderRequest.request_id":         {MaxBytes: limRequestID},
	"portgate.v1.ModifyPortOrderNumbersRequest.name":        {MaxBytes: limName},
	"portgate.v1.ModifyPortOrderNumbersRequest.add":         {MaxBytes: limNumber, MaxEntries: limNumbers},
	"portgate.v1.ModifyPortOrderNumbersRequest.remove":      {MaxBytes: limNumber, MaxEntries: limNumbers},
	"portgate.v1.ModifyPortOrderNumbersRequest.request_id":  {MaxBytes: limRequestID},
	"portgate.v1.SubmitPortOrderRequest.name":               {MaxBytes: limName},
	"portgate.v1.SubmitPortOrderRequest.signer_name":        {MaxBytes: limText},
	"portgate.v1.SubmitPortOrderRequest.signer_title":       {MaxBytes: limText},
	"portgate.v1.SubmitPortOrderRequest.request_id":         {MaxBytes: limRequestID},
	"portgate.v1.CancelPortOrderRequest.name":               {MaxBytes: limName},
	"portgate.v1.CancelPortOrderRequest.request_id":         {MaxBytes: limRequestID},
	"portgate.v1.ListPortOrderCommentsRequest.parent":       {MaxBytes: limName},
	"portgate.v1.ListPortOrderCommentsRequest.page_token":   {MaxBytes: limPageToken},
	"portgate.v1.CreatePortOrderCommentRequest.parent":      {MaxBytes: limName},
	"portgate.v1.CreatePortOrderCommentRequest.request_id":  {MaxBytes: limRequestID},
	"portgate.v1.CreatePortOrderDocumentRequest.parent":     {MaxBytes: limName},
	"portgate.v1.CreatePortOrderDocumentRequest.request_id": {MaxBytes: limRequestID},
	"portgate.v1.ListPortOrderDocumentsRequest.parent":      {MaxBytes: limName},
	"portgate.v1.ListPortOrderDocumentsRequest.page_token":  {MaxBytes: limPageToken},
	"portgate.v1.ListPortOrderEventsRequest.parent":         {MaxBytes: limName},
	"portgate.v1.ListPortOrderEventsRequest.page_token":     {MaxBytes: limPageToken},
	"portgate.v1.ListPortOrderEventsRequest.filter":         {MaxBytes: MaxFilterBytes},
	"portgate.v1.GetPortOrderEventRequest.name":             {MaxBytes: limName},
	"portgate.v1.WatchPortOrderEventsRequest.parent":        {MaxBytes: limName},
	"portgate.v1.WatchPortOrderEventsRequest.filter":        {MaxBytes: MaxFilterBytes},
	"google.protobuf.FieldMask.paths":                       {MaxBytes: limMaskPaths, MaxEntries: 64},
	"portgate.v1.PortOrder.name":                            {MaxBytes: limName},
	"portgate.v1.PortOrder.phone_numbers":                   {MaxBytes: limNumber, MaxEntries: limNumbers},
	"portgate.v1.PortOrder.losing_carrier":                  {MaxBytes: limText},
	"portgate.v1.PortOrder.new_billing_telephone_number":    {MaxBytes: limNumber},
	"portgate.v1.PortOrder.customer_reference":              {MaxBytes: limText},
	"portgate.v1.PortOrder.status_callback_uri":             {MaxBytes: limURL},
	"portgate.v1.PortOrder.etag":                            {MaxBytes: limETag},
	"portgate.v1.PortOrder.provider":                        {MaxBytes: limText},                         // output only
	"portgate.v1.PortOrder.provider_order_id":               {MaxBytes: limID},                           // output only
	"portgate.v1.PortOrder.provider_status":                 {MaxBytes: limText},                         // output only
	"portgate.v1.PortOrder.state_details":                   {MaxEntries: limOutputs},                    // output only
	"portgate.v1.PortOrder.description":                     {MaxBytes: limLongText},                     // output only
	"portgate.v1.PortOrder.group_id":                        {MaxBytes: limID},                           // output only
	"portgate.v1.PortOrder.support_key":                     {MaxBytes: limID},                           // output only
	"portgate.v1.PortOrder.related_orders":                  {MaxBytes: limName, MaxEntries: limOutputs}, // output only
	"portgate.v1.PortOrder.requirements":                    {MaxEntries: limOutputs},                    // output only
	"portgate.v1.PortOrder.allowed_foc_windows":             {MaxEntries: limOutputs},                    // output only
	"portgate.v1.PortOrder.missing_details":                 {MaxBytes: limText, MaxEntries: limOutputs}, // output only
	"portgate.v1.PortOrder.invalid_phone_numbers":           {MaxBytes: limText, MaxEntries: limNumbers}, // output only
	"portgate.v1.StateDetail.code":                          {MaxBytes: limText},
	"portgate.v1.StateDetail.description":                   {MaxBytes: limLongText},
	"portgate.v1.PortOrderRequirement.requirement_type_id":  {MaxBytes: limID},
	"portgate.v1.PortOrderRequirement.display_name":         {MaxBytes: limText},
	"portgate.v1.PortOrderRequirement.description":          {MaxBytes: limLongText},
	"portgate.v1.PortOrderRequirement.provider_status":      {MaxBytes: limText},
	"portgate.v1.RoutingDecision.provider":                  {MaxBytes: limText},
	"portgate.v1.RoutingDecision.reason":                    {MaxBytes: limLongText},
	"portgate.v1.EndUser.entity_name":                       {MaxBytes: limText},
	"portgate.v1.EndUser.authorized_person":                 {MaxBytes: limText},
	"portgate.v1.EndUser.billing_telephone_number":          {MaxBytes: limNumber},
	"portgate.v1.EndUser.account_number":                    {MaxBytes: 64},
	"portgate.v1.EndUser.pin":                               {MaxBytes: 32},
	"portgate.v1.EndUser.tax_identifier":                    {MaxBytes: 64},
	"portgate.v1.EndUser.business_identifier":               {MaxBytes: 64},
	"portgate.v1.EndUser.ssn_last4":                         {MaxBytes: 4},
	"portgate.v1.PostalAddress.street_address":              {MaxBytes: limText},
	"portgate.v1.PostalAddress.extended_address":            {MaxBytes: limText},
	"portgate.v1.PostalAddress.locality":                    {MaxBytes: 128},
	"portgate.v1.PostalAddress.administrative_area":         {MaxBytes: 64},
	"portgate.v1.PostalAddress.postal_code":                 {MaxBytes: 32},
	"portgate.v1.PostalAddress.region_code":                 {MaxBytes: 8},
	"portgate.v1.NumberConfiguration.connection_id":         {MaxBytes: limID},
	"portgate.v1.NumberConfiguration.failover_route_id":     {MaxBytes: limID},
	"portgate.v1.NumberConfiguration.messaging_profile_id":  {MaxBytes: limID},
	"portgate.v1.NumberConfiguration.cnam_id":               {MaxBytes: limID},
	"portgate.v1.NumberConfiguration.emergency_address_id":  {MaxBytes: limID},
	"portgate.v1.NumberConfiguration.billing_group_id":      {MaxBytes: limID},
	"portgate.v1.NumberConfiguration.tags":                  {MaxBytes: limText, MaxEntries: limTags},
	"portgate.v1.PortOrderComment.name":                     {MaxBytes: limName},
	"portgate.v1.PortOrderComment.body":                     {MaxBytes: limLongText},
	"portgate.v1.PortOrderComment.author":                   {MaxBytes: limText}, // output only
	"portgate.v1.PortOrderDocument.name":                    {MaxBytes: limName},
	"portgate.v1.PortOrderDocument.filename":                {MaxBytes: limText},
	"portgate.v1.PortOrderDocument.content_type":            {MaxBytes: 128},
	"portgate.v1.PortOrderDocument.content":                 {MaxBytes: MaxDocumentBytes, Reason: ReasonDocumentTooLarge},
	"portgate.v1.PortOrderDocument.status":                  {MaxBytes: limText}, // output only
	"portgate.v1.PortOrderDocument.download_uri":            {MaxBytes: limURL},  // output only

	// Numbers requests.
	"portgate.v1.GetNumberRequest.name":                             {MaxBytes: limName},
	"portgate.v1.ListNumbersRequest.parent":                         {MaxBytes: limName},
	"portgate.v1.ListNumbersRequest.page_token":                     {MaxBytes: limPageToken},
	"portgate.v1.ListNumbersRequest.filter":                         {MaxBytes: MaxFilterBytes},
	"portgate.v1.Number.name":                                       {MaxBytes: limName},
	"portgate.v1.Number.alias":                                      {MaxBytes: 64}, // Flowroute's documented maximum
	"portgate.v1.Number.messaging_profile_id":                       {MaxBytes: limID},
	"portgate.v1.Number.etag":                                       {MaxBytes: limETag},
	"portgate.v1.UpdateNumberRequest.request_id":                    {MaxBytes: limRequestID},
	"portgate.v1.UpdateNumberRequest.messaging_callback_uri":        {MaxBytes: limURL},
	"portgate.v1.GetProviderRequest.name":                           {MaxBytes: limName},
	"portgate.v1.ListProvidersRequest.page_token":                   {MaxBytes: limPageToken},
	"portgate.v1.GetPortOrderCommentRequest.name":                   {MaxBytes: limName},
	"portgate.v1.GetPortOrderDocumentRequest.name":                  {MaxBytes: limName},
	"portgate.v1.ModifyPortOrderNumbersRequest.etag":                {MaxBytes: limETag},
	"portgate.v1.SubmitPortOrderRequest.etag":                       {MaxBytes: limETag},
	"portgate.v1.CancelPortOrderRequest.etag":                       {MaxBytes: limETag},
	"portgate.v1.Number.connection_id":                              {MaxBytes: limID},
	"portgate.v1.Number.failover_route_id":                          {MaxBytes: limID},
	"portgate.v1.Number.tags":                                       {MaxBytes: limText, MaxEntries: limTags},
	"portgate.v1.Number.phone_number":                               {MaxBytes: limNumber},   // output only
	"portgate.v1.Number.provider":                                   {MaxBytes: limText},     // output only
	"portgate.v1.Number.provider_status":                            {MaxBytes: limText},     // output only
	"portgate.v1.Number.number_type":                                {MaxBytes: limText},     // output only
	"portgate.v1.Number.emergency_address_id":                       {MaxBytes: limID},       // output only
	"portgate.v1.Number.raw_phone_number":                           {MaxBytes: limText},     // output only
	"portgate.v1.MessagingProvisioning.task_id":                     {MaxBytes: limID},       // output only
	"portgate.v1.MessagingProvisioning.reason":                      {MaxBytes: limLongText}, // output only
	"portgate.v1.MessagingProvisioning.provider_status":             {MaxBytes: limText},     // output only
	"portgate.v1.SearchAvailableNumbersRequest.parent":              {MaxBytes: limName},
	"portgate.v1.SearchAvailableNumbersRequest.region_code":         {MaxBytes: 2},
	"portgate.v1.SearchAvailableNumbersRequest.area_code":           {MaxBytes: 6},
	"portgate.v1.SearchAvailableNumbersRequest.starts_with":         {MaxBytes: 14},
	"portgate.v1.SearchAvailableNumbersRequest.contains":            {MaxBytes: 14},
	"portgate.v1.SearchAvailableNumbersRequest.ends_with":           {MaxBytes: 14},
	"portgate.v1.SearchAvailableNumbersRequest.locality":            {MaxBytes: limText},
	"portgate.v1.SearchAvailableNumbersRequest.rate_center":         {MaxBytes: limText},
	"portgate.v1.SearchAvailableNumbersRequest.administrative_area": {MaxBytes: 2},
	"portgate.v1.SearchAvailableNumbersRequest.features":            {MaxEntries: 5},     // each NumberFeature once
	"portgate.v1.Number.region_code":                                {MaxBytes: limText}, // output only
	"portgate.v1.Number.administrative_area":                        {MaxBytes: limText}, // output only
	"portgate.v1.Number.rate_center":                                {MaxBytes: limText}, // output only
	"portgate.v1.Number.locality":                                   {MaxBytes: limText}, // output only
	"portgate.v1.Number.features":                                   {MaxEntries: 16},    // output only
	"portgate.v1.Price.amount":                                      {MaxBytes: limText}, // output only
	"portgate.v1.Price.currency_code":                               {MaxBytes: limText}, // output only

	"portgate.v1.CreateNumberOrderRequest.parent":           {MaxBytes: limName},
	"portgate.v1.CreateNumberOrderRequest.request_id":       {MaxBytes: limRequestID},
	"portgate.v1.NumberOrder.name":                          {MaxBytes: limName},
	"portgate.v1.NumberOrder.provider":                      {MaxBytes: limName}, // output only
	"portgate.v1.NumberOrder.provider_status":               {MaxBytes: limText}, // output only
	"portgate.v1.NumberOrder.phone_numbers":                 {MaxBytes: limNumber, MaxEntries: MaxNumberOrderNumbers},
	"portgate.v1.NumberOrder.numbers":                       {MaxEntries: MaxNumberOrderNumbers}, // output only
	"portgate.v1.NumberOrder.connection_id":                 {MaxBytes: limID},
	"portgate.v1.NumberOrder.messaging_profile_id":          {MaxBytes: limID},
	"portgate.v1.NumberOrder.billing_group_id":              {MaxBytes: limID},
	"portgate.v1.NumberOrder.customer_reference":            {MaxBytes: limText},
	"portgate.v1.NumberOrderNumber.phone_number":            {MaxBytes: limNumber},   // output only
	"portgate.v1.NumberOrderNumber.reason":                  {MaxBytes: limLongText}, // output only
	"portgate.v1.NumberOrderNumber.provider_status":         {MaxBytes: limText},     // output only
	"portgate.v1.NumberOrderNumber.number":                  {MaxBytes: limName},     // output only
	"portgate.v1.GetNumberOrderRequest.name":                {MaxBytes: limName},
	"portgate.v1.ListNumberOrdersRequest.parent":            {MaxBytes: limName},
	"portgate.v1.ListNumberOrdersRequest.page_token":        {MaxBytes: limPageToken},
	"portgate.v1.ReleaseNumberRequest.name":                 {MaxBytes: limName},
	"portgate.v1.ReleaseNumberRequest.confirm_phone_number": {MaxBytes: limNumber},
	"portgate.v1.ReleaseNumberRequest.request_id":           {MaxBytes: limRequestID},

	"portgate.v1.Number.voice_route":                      {MaxBytes: limName},
	"portgate.v1.Number.failover_voice_route":             {MaxBytes: limName},
	"portgate.v1.Number.port_out_pin":                     {MaxBytes: 32},      // input only, secret
	"portgate.v1.Number.messaging_profile":                {MaxBytes: limName}, // output only
	"portgate.v1.VoiceRoute.name":                         {MaxBytes: limName},
	"portgate.v1.VoiceRoute.provider":                     {MaxBytes: limText}, // output only
	"portgate.v1.VoiceRoute.provider_type":                {MaxBytes: limText}, // output only
	"portgate.v1.VoiceRoute.display_name":                 {MaxBytes: 255},
	"portgate.v1.VoiceRoute.target":                       {MaxBytes: 255},
	"portgate.v1.VoiceRoute.edge_strategy_id":             {MaxBytes: limID},
	"portgate.v1.ListVoiceRoutesRequest.parent":           {MaxBytes: limName},
	"portgate.v1.ListVoiceRoutesRequest.page_token":       {MaxBytes: limPageToken},
	"portgate.v1.GetVoiceRouteRequest.name":               {MaxBytes: limName},
	"portgate.v1.CreateVoiceRouteRequest.parent":          {MaxBytes: limName},
	"portgate.v1.CreateVoiceRouteRequest.request_id":      {MaxBytes: limRequestID},
	"portgate.v1.UpdateVoiceRouteRequest.request_id":      {MaxBytes: limRequestID},
	"portgate.v1.DeleteVoiceRouteRequest.name":            {MaxBytes: limName},
	"portgate.v1.DeleteVoiceRouteRequest.request_id":      {MaxBytes: limRequestID},
	"portgate.v1.ListMessagingProfilesRequest.parent":     {MaxBytes: limName},
	"portgate.v1.ListMessagingProfilesRequest.page_token": {MaxBytes: limPageToken},
	"portgate.v1.GetMessagingProfileRequest.name":         {MaxBytes: limName},

	"portgate.v1.CreateEmergencyAddressRequest.parent":            {MaxBytes: limName},
	"portgate.v1.CreateEmergencyAddressRequest.request_id":        {MaxBytes: limRequestID},
	"portgate.v1.GetEmergencyAddressRequest.name":                 {MaxBytes: limName},
	"portgate.v1.ListEmergencyAddressesRequest.parent":            {MaxBytes: limName},
	"portgate.v1.ListEmergencyAddressesRequest.page_token":        {MaxBytes: limPageToken},
	"portgate.v1.DeleteEmergencyAddressRequest.name":              {MaxBytes: limName},
	"portgate.v1.DeleteEmergencyAddressRequest.request_id":        {MaxBytes: limRequestID},
	"portgate.v1.AssignEmergencyAddressRequest.name":              {MaxBytes: limName},
	"portgate.v1.AssignEmergencyAddressRequest.emergency_address": {MaxBytes: limName},
	"portgate.v1.AssignEmergencyAddressRequest.request_id":        {MaxBytes: limRequestID},
	"portgate.v1.UnassignEmergencyAddressRequest.name":            {MaxBytes: limName},
	"portgate.v1.UnassignEmergencyAddressRequest.request_id":      {MaxBytes: limRequestID},
	"portgate.v1.CreateCallerIdNameRequest.parent":                {MaxBytes: limName},
	"portgate.v1.CreateCallerIdNameRequest.request_id":            {MaxBytes: limRequestID},
	"portgate.v1.GetCallerIdNameRequest.name":                     {MaxBytes: limName},
	"portgate.v1.ListCallerIdNamesRequest.parent":                 {MaxBytes: limName},
	"portgate.v1.ListCallerIdNamesRequest.page_token":             {MaxBytes: limPageToken},
	"portgate.v1.DeleteCallerIdNameRequest.name":                  {MaxBytes: limName},
	"portgate.v1.DeleteCallerIdNameRequest.request_id":            {MaxBytes: limRequestID},
	"portgate.v1.SetNumberCallerIdNameRequest.name":               {MaxBytes: limName},
	"portgate.v1.SetNumberCallerIdNameRequest.caller_id_name":     {MaxBytes: limName},
	"portgate.v1.SetNumberCallerIdNameRequest.value":              {MaxBytes: 15}, // both providers' CNAM maximum
	"portgate.v1.SetNumberCallerIdNameRequest.request_id":         {MaxBytes: limRequestID},
	"portgate.v1.ClearNumberCallerIdNameRequest.name":             {MaxBytes: limName},
	"portgate.v1.ClearNumberCallerIdNameRequest.request_id":       {MaxBytes: limRequestID},
	"portgate.v1.EmergencyAddress.name":                           {MaxBytes: limName},
	"portgate.v1.EmergencyAddress.provider":                       {MaxBytes: limText}, // output only
	"portgate.v1.EmergencyAddress.display_name":                   {MaxBytes: limText},
	"portgate.v1.EmergencyAddress.first_name":                     {MaxBytes: limText},
	"portgate.v1.EmergencyAddress.last_name":                      {MaxBytes: limText},
	"portgate.v1.EmergencyAddress.business_name":                  {MaxBytes: limText},
	"portgate.v1.EmergencyAddress.street_number":                  {MaxBytes: 32},
	"portgate.v1.EmergencyAddress.street_name":                    {MaxBytes: limText},
	"portgate.v1.EmergencyAddress.unit_type":                      {MaxBytes: 32},
	"portgate.v1.EmergencyAddress.unit_number":                    {MaxBytes: 32},
	"portgate.v1.EmergencyAddress.locality":                       {MaxBytes: limText},
	"portgate.v1.EmergencyAddress.administrative_area":            {MaxBytes: limText},
	"portgate.v1.EmergencyAddress.postal_code":                    {MaxBytes: 32},
	"portgate.v1.EmergencyAddress.region_code":                    {MaxBytes: 2},
	"portgate.v1.CallerIdName.name":                               {MaxBytes: limName},
	"portgate.v1.CallerIdName.provider":                           {MaxBytes: limText},     // output only
	"portgate.v1.CallerIdName.value":                              {MaxBytes: 15},          // both providers' CNAM maximum
	"portgate.v1.CallerIdName.rejection_reason":                   {MaxBytes: limLongText}, // output only
	"portgate.v1.Number.emergency_address":                        {MaxBytes: limName},     // output only
	"portgate.v1.NumberCallerIdName.value":                        {MaxBytes: 15},          // output only
	"portgate.v1.NumberCallerIdName.caller_id_name":               {MaxBytes: limName},     // output only

	"portgate.v1.ReschedulePortOrderRequest.name":                         {MaxBytes: limName},
	"portgate.v1.ReschedulePortOrderRequest.request_id":                   {MaxBytes: limRequestID},
	"portgate.v1.ReschedulePortOrderRequest.etag":                         {MaxBytes: limETag},
	"portgate.v1.ActivatePortOrderRequest.name":                           {MaxBytes: limName},
	"portgate.v1.ActivatePortOrderRequest.request_id":                     {MaxBytes: limRequestID},
	"portgate.v1.SupplyPortOrderRequirementsRequest.name":                 {MaxBytes: limName},
	"portgate.v1.SupplyPortOrderRequirementsRequest.requirements":         {MaxEntries: 50},
	"portgate.v1.SupplyPortOrderRequirementsRequest.requirement_group_id": {MaxBytes: limID},
	"portgate.v1.SupplyPortOrderRequirementsRequest.request_id":           {MaxBytes: limRequestID},
	"portgate.v1.SupplyPortOrderRequirementsRequest.etag":                 {MaxBytes: limETag},
	"portgate.v1.PortOrderRequirementValue.requirement_type_id":           {MaxBytes: limID},
	"portgate.v1.PortOrderRequirementValue.text_value":                    {MaxBytes: limLongText},
	"portgate.v1.PortOrderRequirementValue.document":                      {MaxBytes: limName},
	"portgate.v1.PortOrder.waiting_on":                                    {MaxEntries: limOutputs},                    // output only
	"portgate.v1.PortOrderWaitingOn.description":                          {MaxBytes: limLongText},                     // output only
	"portgate.v1.PortOrderWaitingOn.provider_step":                        {MaxBytes: limText},                         // output only
	"portgate.v1.PortOrder.additional_steps":                              {MaxBytes: limText, MaxEntries: limOutputs}, // output only
	"portgate.v1.PortOrder.number_statuses":                               {MaxEntries: limOutputs * 10},               // output only
	"portgate.v1.PortOrderNumberStatus.phone_number":                      {MaxBytes: limText},                         // output only
	"portgate.v1.PortOrderNumberStatus.portability_status":                {MaxBytes: limText},                         // output only
	"portgate.v1.PortOrderNumberStatus.activation_status":                 {MaxBytes: limText},                         // output only
	"portgate.v1.PortOrderNumberStatus.requirements_status":               {MaxBytes: limText},                         // output only
	"portgate.v1.PortOrderActivation.job_id":                              {MaxBytes: limID},                           // output only
	"portgate.v1.PortOrderActivation.provider_state":                      {MaxBytes: limText},                         // output only
	"portgate.v1.PortOrderActivation.provider_activation_status":          {MaxBytes: limText},                         // output only
	"portgate.v1.PortOrderActivation.windows":                             {MaxEntries: limOutputs},                    // output only
	"portgate.v1.PortOrderMessagingPort.provider_state":                   {MaxBytes: limText},                         // output only

	"portgate.v1.ListPortOutsRequest.parent":                  {MaxBytes: limName},
	"portgate.v1.ListPortOutsRequest.page_token":              {MaxBytes: limPageToken},
	"portgate.v1.ListPortOutsRequest.filter":                  {MaxBytes: MaxFilterBytes},
	"portgate.v1.GetPortOutRequest.name":                      {MaxBytes: limName},
	"portgate.v1.AuthorizePortOutRequest.name":                {MaxBytes: limName},
	"portgate.v1.AuthorizePortOutRequest.reason":              {MaxBytes: limLongText},
	"portgate.v1.AuthorizePortOutRequest.request_id":          {MaxBytes: limRequestID},
	"portgate.v1.RejectPortOutRequest.name":                   {MaxBytes: limName},
	"portgate.v1.RejectPortOutRequest.reason":                 {MaxBytes: limLongText},
	"portgate.v1.RejectPortOutRequest.request_id":             {MaxBytes: limRequestID},
	"portgate.v1.GetPortOrderLoaRequest.name":                 {MaxBytes: limName},
	"portgate.v1.GetPortOrderLoaRequest.loa_configuration_id": {MaxBytes: limID},
	"portgate.v1.ListPortOutCommentsRequest.parent":           {MaxBytes: limName},
	"portgate.v1.ListPortOutCommentsRequest.page_token":       {MaxBytes: limPageToken},
	"portgate.v1.CreatePortOutCommentRequest.parent":          {MaxBytes: limName},
	"portgate.v1.CreatePortOutCommentRequest.request_id":      {MaxBytes: limRequestID},
	"portgate.v1.PortOutComment.name":                         {MaxBytes: limName},
	"portgate.v1.PortOutComment.body":                         {MaxBytes: limLongText},
	"portgate.v1.PortOutComment.author":                       {MaxBytes: limText}, // output only
	"portgate.v1.CreatePortOutDocumentRequest.parent":         {MaxBytes: limName},
	"portgate.v1.CreatePortOutDocumentRequest.request_id":     {MaxBytes: limRequestID},
	"portgate.v1.PortOutDocument.name":                        {MaxBytes: limName},
	"portgate.v1.PortOutDocument.filename":                    {MaxBytes: limText},
	"portgate.v1.PortOutDocument.content_type":                {MaxBytes: 128},
	"portgate.v1.ListPortOutRejectionCodesRequest.parent":     {MaxBytes: limName},
	"portgate.v1.PortOutDocument.content":                     {MaxBytes: MaxDocumentBytes, Reason: ReasonDocumentTooLarge},
}

// fallbackLimit applies to a field missing from fieldLimits (a test makes
// sure none is).
var fallbackLimit = FieldLimit{MaxBytes: limText, MaxEntries: 100}

// CheckLimits returns INVALID_ARGUMENT with a BadRequest violation for every
// field of req over its limit (LIMIT_EXCEEDED, or the row's own reason when
// every violation shares it), or nil. Non-proto values pass.
func CheckLimits(_ context.Context, req any) error {
	m, ok := req.(proto.Message)
	if !ok {
		return nil
	}
	if withinLimits(m.ProtoReflect()) {
		return nil // the common case, without building a path per field
	}
	var vs []fieldViolation
	reasons := map[string]bool{}
	walkLimits(m.ProtoReflect(), "", func(path, desc string, lim FieldLimit) {
		vs = append(vs, fieldViolation{path, desc})
		r := lim.Reason
		if r == "" {
			r = ReasonLimitExceeded
		}
		reasons[r] = true
	})
	if len(vs) == 0 {
		return nil
	}
	reason := ReasonLimitExceeded
	if len(reasons) == 1 {
		for r := range reasons {
			reason = r
		}
	}
	return invalidArgument(reason, vs...)
}

// withinLimits reports whether walkLimits would find nothing to report; it
// checks the same conditions without allocating.
func withinLimits(m protoreflect.Message) bool {
	fields := m.Descriptor().Fields()
	for i := 0; i < fields.Len(); i++ {
		fd := fields.Get(i)
		if !m.Has(fd) {
			continue
		}
		lim, ok := fieldLimits[fd.FullName()]
		if !ok {
			lim = fallbackLimit
		}
		v := m.Get(fd)
		switch {
		case fd.IsMap():
			if v.Map().Len() > lim.MaxEntries {
				return false
			}
		case fd.IsList():
			l := v.List()
			if l.Len() > lim.MaxEntries {
				return false
			}
			for j := 0; j < l.Len(); j++ {
				if !valueWithinLimits(fd, l.Get(j), lim) {
					return false
				}
			}
		default:
			if !valueWithinLimits(fd, v, lim) {
				return false
			}
		}
	}
	return true
}

func valueWithinLimits(fd protoreflect.FieldDescriptor, v protoreflect.Value, lim FieldLimit) bool {
	switch fd.Kind() {
	case protoreflect.StringKind:
		return len(v.String()) <= lim.MaxBytes
	case protoreflect.BytesKind:
		return len(v.Bytes()) <= lim.MaxBytes
	case protoreflect.MessageKind, protoreflect.GroupKind:
		return withinLimits(v.Message())
	}
	return true
}

func walkLimits(m protoreflect.Message, prefix string, bad func(path, desc string, lim FieldLimit)) {
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		path := prefix + string(fd.Name())
		lim, ok := fieldLimits[fd.FullName()]
		if !ok {
			lim = fallbackLimit
		}
		switch {
		case fd.IsMap():
			// No request message has a map; bound them like lists anyway.
			if n := v.Map().Len(); n > lim.MaxEntries {
				bad(path, fmt.Sprintf("has %d entries; at most %d are allowed", n, lim.MaxEntries), lim)
			}
		case fd.IsList():
			l := v.List()
			if l.Len() > lim.MaxEntries {
				bad(path, fmt.Sprintf("has %d entries; at most %d are allowed", l.Len(), lim.MaxEntries), lim)
				return true // do not report every entry of a list that is too long anyway
			}
			for i := 0; i < l.Len(); i++ {
				checkValue(fd, l.Get(i), fmt.Sprintf("%s[%d]", path, i), lim, bad)
			}
		default:
			checkValue(fd, v, path, lim, bad)
		}
		return true
	})
}

func checkValue(fd protoreflect.FieldDescriptor, v protoreflect.Value, path string, lim FieldLimit, bad func(path, desc string, lim FieldLimit)) {
	switch fd.Kind() {
	case protoreflect.StringKind:
		if n := len(v.String()); n > lim.MaxBytes {
			bad(path, fmt.Sprintf("is %d bytes long; at most %d are allowed", n, lim.MaxBytes), lim)
		}
	case protoreflect.BytesKind:
		if n := len(v.Bytes()); n > lim.MaxBytes {
			bad(path, fmt.Sprintf("is %d bytes long; at most %d are allowed", n, lim.MaxBytes), lim)
		}
	case protoreflect.MessageKind, protoreflect.GroupKind:
		walkLimits(v.Message(), path+".", bad)
	}
}

// LimitsMarkdown renders fieldLimits as the README's "Limits" table (one row
// per field, sorted by name).
func LimitsMarkdown() string {
	names := make([]string, 0, len(fieldLimits))
	for n := range fieldLimits {
		names = append(names, string(n))
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString("| Field | Max bytes (each) | Max entries |\n|---|---|---|\n")
	for _, n := range names {
		lim := fieldLimits[protoreflect.FullName(n)]
		by, en := "", ""
		if lim.MaxBytes > 0 {
			by = fmt.Sprint(lim.MaxBytes)
		}
		if lim.MaxEntries > 0 {
			en = fmt.Sprint(lim.MaxEntries)
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", strings.TrimPrefix(n, "portgate.v1."), by, en)
	}
	return b.String()
}
