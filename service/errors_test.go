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
