package service

import (
	"errors"
	"fmt"
	"github.com/portgate/portgate/internal/reasons"
	"strconv"
	"strings"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/protoadapt"
	"google.golang.org/protobuf/types/known/durationpb"

	pb "github.com/portgate/portgate/gen/portgate/v1"
	"github.com/portgate/portgate/providers"
)

// DomainGateway is the ErrorInfo domain of every error: portgate's one
// domain, whether the gateway or a provider refused the call (the provider
// is in metadata: provider, provider_status, provider_code).
const DomainGateway = reasons.Domain

// Gateway-raised reasons (docs/errors.md lists every reason).
const (
	ReasonInvalidArgument   = "INVALID_ARGUMENT"
	ReasonInvalidPhone      = "INVALID_PHONE_NUMBER"
	ReasonUnknownProvider   = "UNKNOWN_PROVIDER"
	ReasonInvalidPageToken  = "INVALID_PAGE_TOKEN"
	ReasonInvalidFilter     = "INVALID_FILTER"
	ReasonInvalidUpdateMask = "INVALID_UPDATE_MASK"
	ReasonDocumentTooLarge  = "DOCUMENT_TOO_LARGE"
	ReasonNoProvider        = "NO_PROVIDER_CAN_PORT"
	ReasonNotImplemented    = "METHOD_NOT_IMPLEMENTED"
	ReasonPortOrderNotFound = "PORT_ORDER_NOT_FOUND"
	ReasonNumberNotFound    = "NUMBER_NOT_FOUND"
	ReasonETagMismatch      = "ETAG_MISMATCH"
	ReasonCommentNotFound   = "COMMENT_NOT_FOUND"
	ReasonDocumentNotFound  = "DOCUMENT_NOT_FOUND"
	// ReasonInvalidResourceID: an id that cannot be the provider's
	// (Flowroute: a number; Telnyx: a UUID), refused before any call.
	ReasonInvalidResourceID = providers.ReasonInvalidResourceID
)

// errorRule is one row of the provider-error table: neutral code → gRPC code,
// default reason and whether retrying later can help. docs/errors.md mirrors it.
type errorRule struct {
	grpc      codes.Code
	reason    string
	retryable bool
}

var errorTable = map[providers.Code]errorRule{
	providers.CodeInvalidArgument:    {codes.InvalidArgument, "PROVIDER_VALIDATION_FAILED", false},
	providers.CodeNotFound:           {codes.NotFound, "NOT_FOUND", false},
	providers.CodeAlreadyExists:      {codes.AlreadyExists, "ALREADY_EXISTS", false},
	providers.CodeFailedPrecondition: {codes.FailedPrecondition, "INVALID_STATE_TRANSITION", false},
	providers.CodeAuthFailed:         {codes.Internal, "PROVIDER_AUTH_FAILED", false},
	providers.CodeRateLimited:        {codes.ResourceExhausted, "PROVIDER_RATE_LIMITED", true},
	providers.CodeUnavailable:        {codes.Unavailable, "PROVIDER_UNAVAILABLE", true},
	providers.CodeBadResponse:        {codes.Internal, "PROVIDER_BAD_RESPONSE", false},
	providers.CodeUnimplemented:      {codes.Unimplemented, "PROVIDER_CAPABILITY_MISSING", false},
	providers.CodeCircuitOpen:        {codes.Unavailable, "PROVIDER_CIRCUIT_OPEN", true},
	providers.CodeOverloaded:         {codes.ResourceExhausted, "PROVIDER_OVERLOADED", true},
	providers.CodeCanceled:           {codes.Canceled, "CANCELLED", false},
	providers.CodeDeadlineExceeded:   {codes.DeadlineExceeded, "PROVIDER_TIMEOUT", false},
	providers.CodeUnknown:            {codes.Internal, "PROVIDER_ERROR", false},
}

// toStatus converts an adapter error into the gRPC status callers see. It is
// the only place provider errors become gRPC errors. notFoundReason names the
// resource kind the call addressed (PORT_ORDER_NOT_FOUND, NUMBER_NOT_FOUND);
// subject is the resource name, used in PreconditionFailure.
func toStatus(provider string, err error, notFoundReason, subject string) error {
	if err == nil {
		return nil
	}
	if _, ok := status.FromError(err); ok && !isProviderError(err) {
		return err // already a gRPC status (gateway validation)
	}
	pe := providers.AsError(provider, err)
	if pe.Provider == "" {
		pe.Provider = provider
	}
	rule, ok := errorTable[pe.Code]
	if !ok {
		rule = errorTable[providers.CodeUnknown]
	}
	reason := rule.reason
	if pe.Reason != "" {
		reason = pe.Reason
	} else if pe.Code == providers.CodeNotFound && notFoundReason != "" {
		reason = notFoundReason
	}
	// One domain (AIP-193: the service's); whether the provider itself
	// answered shows in metadata.provider_status.
	domain := DomainGateway
	md := map[string]string{"provider": providerName(pe.Provider)}
	if pe.HTTPStatus != 0 {
		md["provider_status"] = strconv.Itoa(pe.HTTPStatus)
	}
	if pe.ProviderCode != "" {
		md["provider_code"] = pe.ProviderCode
	}
	if pe.ProviderErrorID != "" {
		md["provider_error_id"] = pe.ProviderErrorID
	}
	if pe.CurrentState != providers.StateUnspecified {
		md["current_state"] = pe.CurrentState.String()
	}
	msg := pe.Message
	switch {
	case msg == "":
		msg = fmt.Sprintf("%s: %s", pe.Provider, pe.Code)
	case !strings.HasPrefix(msg, pe.Provider):
		msg = fmt.Sprintf("%s: %s", pe.Provider, msg)
	}
	details := []protoDetail{&errdetails.ErrorInfo{Reason: reason, Domain: domain, Metadata: md}}
	if len(pe.Violations) > 0 {
		br := &errdetails.BadRequest{}
		for _, v := range pe.Violations {
			br.FieldViolations = append(br.FieldViolations, &errdetails.BadRequest_FieldViolation{Field: v.Field, Description: v.Description})
		}
		details = append(details, br)
	}
	if pe.Code == providers.CodeFailedPrecondition {
		desc := msg
		details = append(details, &errdetails.PreconditionFailure{Violations: []*errdetails.PreconditionFailure_Violation{{
			Type: "STATE", Subject: subject, Description: desc,
		}}})
	}
	if rule.retryable {
		delay := pe.RetryAfter
		if delay <= 0 {
			delay = time.Second
		}
		details = append(details, &errdetails.RetryInfo{RetryDelay: durationpb.New(delay)})
	}
	return newStatus(rule.grpc, msg, details...)
}

func isProviderError(err error) bool {
	var pe *providers.Error
	return errors.As(err, &pe)
}

type protoDetail = protoadapt.MessageV1

// newStatus builds a status with details; a detail that cannot be attached is
// dropped rather than losing the error.
func newStatus(c codes.Code, msg string, details ...protoDetail) error {
	st := status.New(c, msg)
	for _, d := range details {
		if withD, err := st.WithDetails(d); err == nil {
			st = withD
		}
	}
	return st.Err()
}

// gatewayError is an error the gateway raises itself (domain portgate).
func gatewayError(c codes.Code, reason, msg string, md map[string]string, extra ...protoDetail) error {
	details := append([]protoDetail{&errdetails.ErrorInfo{Reason: reason, Domain: DomainGateway, Metadata: md}}, extra...)
	return newStatus(c, msg, details...)
}

// fieldViolation is one BadRequest entry.
type fieldViolation struct{ field, desc string }

// invalidArgument is INVALID_ARGUMENT with ErrorInfo and a BadRequest detail.
func invalidArgument(reason string, vs ...fieldViolation) error {
	br := &errdetails.BadRequest{}
	msg := ""
	for i, v := range vs {
		br.FieldViolations = append(br.FieldViolations, &errdetails.BadRequest_FieldViolation{Field: v.field, Description: v.desc})
		if i == 0 {
			msg = v.field + ": " + v.desc
		}
	}
	if len(vs) > 1 {
		msg = fmt.Sprintf("%s (and %d more)", msg, len(vs)-1)
	}
	return gatewayError(codes.InvalidArgument, reason, msg, nil, br)
}

// minRedactLen: shorter values (e.g. a 2-digit code) would blank out
// unrelated text; PINs are 4+ digits.
const minRedactLen = providers.MinSecretLen

// redact strips the caller's secrets (PIN, account number, …) from an error's
// message and BadRequest descriptions: providers sometimes echo an invalid
// input in their error text, and secrets must never leave in responses.
func redact(err error, secrets ...string) error {
	var live []string
	for _, s := range secrets {
		if len(s) >= minRedactLen {
			live = append(live, s)
		}
	}
	if err == nil || len(live) == 0 {
		return err
	}
	scrub := providers.NewRedactor(live...).String // the adapters' helper
	st := status.Convert(err)
	clean := status.New(st.Code(), scrub(st.Message()))
	for _, d := range st.Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, v := range br.GetFieldViolations() {
				v.Description = scrub(v.GetDescription())
			}
		}
		if m, ok := d.(protoDetail); ok {
			if withD, derr := clean.WithDetails(m); derr == nil {
				clean = withD
			}
		}
	}
	return clean.Err()
}

// protoSecrets are the input-only values of a request's end user: every
// error of the RPC (the gateway's own validation included, which may echo a
// field the caller mistakenly filled with a secret) is scrubbed of them.
func protoSecrets(u *pb.EndUser) []string {
	return []string{u.GetPin(), u.GetAccountNumber(), u.GetTaxIdentifier(), u.GetBusinessIdentifier(), u.GetSsnLast4()}
}

// orderSecrets are the input-only values of a request order.
func orderSecrets(u providers.EndUser) []string {
	return []string{u.PIN, u.AccountNumber, u.TaxIdentifier, u.BusinessIdentifier, u.Last4SSN}
}
