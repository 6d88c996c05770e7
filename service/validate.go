package service

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"buf.build/go/protovalidate"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
)

// The contract declares its request rules next to the fields
// (buf.validate annotations in proto/portgate/v1: required fields, UUID
// request ids, document types, blank signer names). ValidateRequest is the
// one place they are enforced, for gRPC and REST alike, before any handler
// or provider call; handlers keep only checks that depend on the method or
// the provider (phone numbers on create, provider capabilities, id shapes).
var contractValidator = sync.OnceValues(func() (protovalidate.Validator, error) { return protovalidate.New() })

// ValidateRequest is the server's request validator (internal/server
// Validator): the field limits (CheckLimits), then the contract's
// protovalidate rules. Violations are INVALID_ARGUMENT with a BadRequest
// entry per field.
func ValidateRequest(ctx context.Context, req any) error {
	if err := CheckLimits(ctx, req); err != nil {
		return err
	}
	m, ok := req.(proto.Message)
	if !ok {
		return nil
	}
	v, err := contractValidator()
	if err != nil {
		return status.Errorf(codes.Internal, "request validation rules do not compile: %v", err)
	}
	err = v.Validate(m)
	if err == nil {
		return nil
	}
	var ve *protovalidate.ValidationError // declared here: errors.As makes it escape
	switch {
	case errors.As(err, &ve):
		vs := make([]fieldViolation, 0, len(ve.Violations))
		for _, x := range ve.Violations {
			vs = append(vs, fieldViolation{protovalidate.FieldPathString(x.Proto.GetField()), violationText(x)})
		}
		return invalidArgument(ReasonInvalidArgument, vs...)
	default:
		return status.Errorf(codes.Internal, "request validation failed to run: %v", err)
	}
}

// violationText words a protovalidate violation for callers.
func violationText(x *protovalidate.Violation) string {
	switch x.Proto.GetRuleId() {
	case "required":
		return "required"
	case "string.pattern":
		if x.RuleValue.IsValid() && x.RuleValue.String() == `\S` {
			return "required: must not be blank"
		}
		if x.RuleValue.IsValid() && x.RuleValue.String() == `^[^/\\]*[^/\\\s][^/\\]*$` {
			return "must be a file name without directories"
		}
	case "string.uuid":
		return "must be a UUID (AIP-155)"
	case "enum.defined_only":
		return fmt.Sprintf("%v is not a defined value", x.FieldValue.Interface())
	}
	return x.Proto.GetMessage()
}
