package service

import (
	"os"
	"strings"
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	pb "github.com/portgate/portgate/gen/portgate/v1"
)

// requestFields returns every field reachable from the request message of
// every RPC of the three services.
func requestFields(t *testing.T) map[protoreflect.FullName]protoreflect.FieldDescriptor {
	t.Helper()
	out := map[protoreflect.FullName]protoreflect.FieldDescriptor{}
	seen := map[protoreflect.FullName]bool{}
	var walk func(md protoreflect.MessageDescriptor)
	walk = func(md protoreflect.MessageDescriptor) {
		if seen[md.FullName()] {
			return
		}
		seen[md.FullName()] = true
		for i := 0; i < md.Fields().Len(); i++ {
			fd := md.Fields().Get(i)
			out[fd.FullName()] = fd
			if fd.Message() != nil {
				walk(fd.Message())
			}
		}
	}
	files := []protoreflect.FileDescriptor{pb.File_portgate_v1_porting_proto, pb.File_portgate_v1_numbers_proto, pb.File_portgate_v1_providers_proto}
	n := 0
	for _, f := range files {
		for i := 0; i < f.Services().Len(); i++ {
			sd := f.Services().Get(i)
			for j := 0; j < sd.Methods().Len(); j++ {
				walk(sd.Methods().Get(j).Input())
				n++
			}
		}
	}
	if n < 15 {
		t.Fatalf("found only %d RPCs; is a service missing from this test?", n)
	}
	return out
}

// TestEveryRequestFieldHasALimit: a new string, bytes or repeated field in
// any request message fails here until fieldLimits declares its maximum; a
// row for a field no request carries fails too.
func TestEveryRequestFieldHasALimit(t *testing.T) {
	fields := requestFields(t)
	for name, fd := range fields {
		lim, ok := fieldLimits[name]
		needBytes := fd.Kind() == protoreflect.StringKind || fd.Kind() == protoreflect.BytesKind
		needEntries := fd.IsList() || fd.IsMap()
		if !needBytes && !needEntries {
			if ok {
				t.Errorf("fieldLimits[%s]: the field is neither string, bytes nor repeated", name)
			}
			continue
		}
		if !ok {
			t.Errorf("fieldLimits has no row for %s (%v, repeated=%v): declare its maximum in service/limits.go and the README", name, fd.Kind(), fd.IsList())
			continue
		}
		if needBytes && lim.MaxBytes <= 0 {
			t.Errorf("fieldLimits[%s].MaxBytes = %d, want > 0", name, lim.MaxBytes)
		}
		if needEntries && lim.MaxEntries <= 0 {
			t.Errorf("fieldLimits[%s].MaxEntries = %d, want > 0", name, lim.MaxEntries)
		}
		if !needEntries && lim.MaxEntries != 0 {
			t.Errorf("fieldLimits[%s].MaxEntries = %d on a singular field", name, lim.MaxEntries)
		}
	}
	for name := range fieldLimits {
		if _, ok := fields[name]; !ok {
			t.Errorf("fieldLimits[%s]: no request message has this field", name)
		}
	}
}

// The README's Limits table is LimitsMarkdown, verbatim.
func TestREADMELimitsTable(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), LimitsMarkdown()) {
		t.Errorf("README.md lacks the current limits table; paste service.LimitsMarkdown():\n%s", LimitsMarkdown())
	}
}

// withinLimits (the allocation-free check CheckLimits runs first) agrees
// with walkLimits on every request message: at each string, bytes and
// repeated field's limit and one past it, on the top-level message.
func TestWithinLimitsAgreesWithWalk(t *testing.T) {
	files := []protoreflect.FileDescriptor{pb.File_portgate_v1_porting_proto, pb.File_portgate_v1_numbers_proto, pb.File_portgate_v1_providers_proto}
	checked := 0
	for _, f := range files {
		for i := 0; i < f.Services().Len(); i++ {
			sd := f.Services().Get(i)
			for j := 0; j < sd.Methods().Len(); j++ {
				in := sd.Methods().Get(j).Input()
				mt, err := protoregistry.GlobalTypes.FindMessageByName(in.FullName())
				if err != nil {
					t.Fatal(err)
				}
				for k := 0; k < in.Fields().Len(); k++ {
					fd := in.Fields().Get(k)
					lim, ok := fieldLimits[fd.FullName()]
					if !ok {
						lim = fallbackLimit
					}
					for _, over := range []int{0, 1} {
						m := mt.New()
						switch {
						case fd.IsMap():
							continue
						case fd.IsList():
							if fd.Kind() != protoreflect.StringKind {
								continue
							}
							l := m.Mutable(fd).List()
							for n := 0; n < lim.MaxEntries+over; n++ {
								l.Append(protoreflect.ValueOfString("x"))
							}
						case fd.Kind() == protoreflect.StringKind:
							m.Set(fd, protoreflect.ValueOfString(strings.Repeat("x", lim.MaxBytes+over)))
						case fd.Kind() == protoreflect.BytesKind:
							m.Set(fd, protoreflect.ValueOfBytes(make([]byte, lim.MaxBytes+over)))
						default:
							continue
						}
						walked := true
						walkLimits(m, "", func(string, string, FieldLimit) { walked = false })
						if got := withinLimits(m); got != walked {
							t.Errorf("%s with %s at limit+%d: withinLimits %v, walkLimits %v", in.FullName(), fd.Name(), over, got, walked)
						}
						if over == 1 && walked {
							t.Errorf("%s.%s at limit+1 passed", in.FullName(), fd.Name())
						}
						checked++
					}
				}
			}
		}
	}
	if checked < 20 {
		t.Fatalf("checked only %d cases", checked)
	}
}
