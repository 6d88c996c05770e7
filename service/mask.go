package service

import (
	"fmt"
	"strings"
	"unicode"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/portgate/portgate/providers"
)

// orderFieldPaths are the PortOrder paths an update_mask may name; nested
// paths below an entry collapse onto it (end_user.service_address.locality →
// end_user.service_address).
var orderFieldPaths = []string{
	providers.FieldEndUserEntityName, providers.FieldEndUserAuthorizedPerson, providers.FieldEndUserBillingNumber,
	providers.FieldEndUserUsageType, providers.FieldEndUserServiceAddress, providers.FieldEndUserAccountNumber,
	providers.FieldEndUserPIN, providers.FieldEndUserTaxIdentifier, providers.FieldEndUserBusinessIdentifier,
	providers.FieldEndUserLast4SSN, providers.FieldLosingCarrier, providers.FieldRequestedFOCTime,
	providers.FieldPortType, providers.FieldRemainingNumbersAction, providers.FieldNewBillingTelephoneNumber,
	providers.FieldConfiguration, providers.FieldCustomerReference, providers.FieldStatusCallbackURL,
}

var numberFieldPaths = []string{
	providers.FieldNumberAlias, providers.FieldNumberCNAMLookupsEnabled, providers.FieldNumberMessagingEnabled,
	providers.FieldNumberMessagingProfileID, providers.FieldNumberConnectionID, providers.FieldNumberFailoverRouteID,
	providers.FieldNumberTags, providers.FieldNumberPortOutPIN,
}

// snake converts a lowerCamelCase JSON path segment to its proto name.
func snake(s string) string {
	var b strings.Builder
	for i, r := range s {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('_')
			}
			b.WriteRune(unicode.ToLower(r))
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func canonicalPath(p string, known []string) (string, bool) {
	segs := strings.Split(p, ".")
	for i := range segs {
		segs[i] = snake(segs[i])
	}
	p = strings.Join(segs, ".")
	if p == "end_user.last4_ssn" {
		p = providers.FieldEndUserLast4SSN
	}
	for _, k := range known {
		if p == k || strings.HasPrefix(p, k+".") {
			return k, true
		}
	}
	return "", false
}

// setPaths lists the known paths populated in m (an empty update_mask means
// "every field that is set").
func setPaths(m proto.Message, known []string) []string {
	var out []string
	var walk func(prefix string, m protoreflect.Message)
	walk = func(prefix string, m protoreflect.Message) {
		m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
			p := prefix + string(fd.Name())
			if k, ok := canonicalPath(p, known); ok {
				if !contains(out, k) {
					out = append(out, k)
				}
				return true
			}
			if fd.Kind() == protoreflect.MessageKind && !fd.IsList() && !fd.IsMap() {
				walk(p+".", v.Message())
			}
			return true
		})
	}
	walk("", m.ProtoReflect())
	return out
}

// resolveMask validates update_mask paths against the known paths and what
// the provider can update.
func resolveMask(m proto.Message, paths, known, updatable []string, provider, maskField string) ([]string, error) {
	if len(paths) == 0 {
		paths = setPaths(m, known)
		if len(paths) == 0 {
			return nil, invalidArgument(ReasonInvalidUpdateMask, fieldViolation{maskField, "nothing to update: set update_mask or at least one updatable field"})
		}
	}
	var out []string
	var vs []fieldViolation
	for _, p := range paths {
		k, ok := canonicalPath(p, known)
		switch {
		case !ok:
			vs = append(vs, fieldViolation{maskField, fmt.Sprintf("%q is not an updatable field (updatable: %s)", p, strings.Join(known, ", "))})
		case !contains(updatable, k):
			vs = append(vs, fieldViolation{maskField, fmt.Sprintf("%s cannot update %q (it can update: %s)", provider, k, strings.Join(updatable, ", "))})
		case !contains(out, k):
			out = append(out, k)
		}
	}
	if len(vs) > 0 {
		return nil, invalidArgument(ReasonInvalidUpdateMask, vs...)
	}
	return out, nil
}

func orderMask(m proto.Message, paths, updatable []string, provider string) ([]string, error) {
	return resolveMask(m, paths, orderFieldPaths, updatable, provider, "update_mask")
}
