package service

import (
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/portgate/portgate/providers"
)

// A provider that echoes a secret in its error text must not leak it.
func TestRedactSecretsFromProviderErrors(t *testing.T) {
	perr := &providers.Error{Code: providers.CodeInvalidArgument, Provider: "telnyx", HTTPStatus: 422, ProviderCode: "10015",
		Message:    "PIN 98765 does not match account 555-ACCT-42",
		Violations: []providers.FieldViolation{{Field: "port_order.end_user.pin", Description: "98765 is not the passcode"}}}
	err := redact(toStatus("telnyx", perr, "", ""), orderSecrets(providers.EndUser{PIN: "98765", AccountNumber: "555-ACCT-42"})...)
	st := status.Convert(err)
	if st.Code() != codes.InvalidArgument {
		t.Fatalf("code %v", st.Code())
	}
	all := st.Message()
	var info *errdetails.ErrorInfo
	for _, d := range st.Details() {
		switch d := d.(type) {
		case *errdetails.BadRequest:
			for _, v := range d.GetFieldViolations() {
				all += " " + v.GetDescription()
			}
		case *errdetails.ErrorInfo:
			info = d
		}
	}
	if strings.Contains(all, "98765") || strings.Contains(all, "555-ACCT-42") || !strings.Contains(all, "[REDACTED]") {
		t.Fatalf("secrets leaked or not redacted: %q", all)
	}
	if info == nil || info.GetReason() != "PROVIDER_VALIDATION_FAILED" || info.GetMetadata()["provider_code"] != "10015" {
		t.Fatalf("details lost: %v", st.Details())
	}
	if got := redact(err); got != err {
		t.Fatal("redact without secrets must return the error unchanged")
	}
}

// The ErrorInfo domain names who said no: the provider when it answered
// (including a malformed answer found after decoding), portgate when the
// gateway refused on its own.
func TestErrorDomain(t *testing.T) {
	cases := []struct {
		name   string
		err    *providers.Error
		code   codes.Code
		domain string
		status string // provider_status metadata, "" = absent
	}{
		{"provider 422", &providers.Error{Code: providers.CodeInvalidArgument, Provider: "flowroute", HTTPStatus: 422}, codes.InvalidArgument, "portgate.dev", "422"},
		{"malformed, status known", &providers.Error{Code: providers.CodeBadResponse, Provider: "telnyx", HTTPStatus: 200}, codes.Internal, "portgate.dev", "200"},
		{"malformed, found after decoding", &providers.Error{Code: providers.CodeBadResponse, Provider: "telnyx"}, codes.Internal, "portgate.dev", ""},
		{"not on the account (lookup answered 200)", &providers.Error{Code: providers.CodeNotFound, Provider: "telnyx", HTTPStatus: 200, Reason: "NUMBER_NOT_FOUND"}, codes.NotFound, "portgate.dev", "200"},
		{"circuit open", &providers.Error{Code: providers.CodeCircuitOpen, Provider: "flowroute"}, codes.Unavailable, "portgate.dev", ""},
		{"local state check", &providers.Error{Code: providers.CodeFailedPrecondition, Provider: "telnyx", CurrentState: providers.StateCompleted}, codes.FailedPrecondition, "portgate.dev", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := status.Convert(toStatus(c.err.Provider, c.err, "", ""))
			var info *errdetails.ErrorInfo
			for _, d := range st.Details() {
				if ei, ok := d.(*errdetails.ErrorInfo); ok {
					info = ei
				}
			}
			if st.Code() != c.code || info.GetDomain() != c.domain || info.GetMetadata()["provider_status"] != c.status ||
				info.GetMetadata()["provider"] != "providers/"+c.err.Provider {
				t.Fatalf("got %v %v, want %v domain %s provider_status %q", st.Code(), info, c.code, c.domain, c.status)
			}
		})
	}
}
