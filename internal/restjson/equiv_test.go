package restjson_test

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/dynamicpb"

	_ "github.com/portgate/portgate/gen/portgate/v1"
	"github.com/portgate/portgate/internal/restjson"
)

// testType is a message type under test and how to make an empty one.
type testType struct {
	name string
	new  func() protoreflect.Message
}

// testTypes lists every message type of the portgate API (package
// portgate.v1, nested types included), every message type they reach
// (google.rpc.Status, google.protobuf.Any, Timestamp, FieldMask, Struct,
// ...), the other well-known types, all as generated Go types, plus the
// kitchen-sink types and the well-known types as dynamicpb messages (the
// encoder's reflection path).
var testTypes = func() []testType {
	seen := map[protoreflect.FullName]bool{}
	var out []testType
	var visit func(md protoreflect.MessageDescriptor)
	visit = func(md protoreflect.MessageDescriptor) {
		if seen[md.FullName()] {
			return
		}
		seen[md.FullName()] = true
		if !md.IsMapEntry() {
			mt, err := protoregistry.GlobalTypes.FindMessageByName(md.FullName())
			if err != nil {
				panic(fmt.Sprintf("%s has no Go type: %v", md.FullName(), err))
			}
			out = append(out, testType{string(md.FullName()), mt.New})
		}
		for i := 0; i < md.Messages().Len(); i++ {
			visit(md.Messages().Get(i))
		}
		for i := 0; i < md.Fields().Len(); i++ {
			if m := md.Fields().Get(i).Message(); m != nil {
				visit(m)
			}
		}
	}
	var files []protoreflect.FileDescriptor
	protoregistry.GlobalFiles.RangeFilesByPackage("portgate.v1", func(fd protoreflect.FileDescriptor) bool {
		files = append(files, fd)
		return true
	})
	sort.Slice(files, func(i, j int) bool { return files[i].Path() < files[j].Path() })
	for _, fd := range files {
		for i := 0; i < fd.Messages().Len(); i++ {
			visit(fd.Messages().Get(i))
		}
	}
	wkts := []protoreflect.FullName{"Timestamp", "Duration", "FieldMask", "Empty", "Struct", "Value", "ListValue", "Any",
		"BoolValue", "Int32Value", "Int64Value", "UInt32Value", "UInt64Value", "FloatValue", "DoubleValue", "StringValue", "BytesValue"}
	for _, w := range wkts {
		d, err := protoregistry.GlobalFiles.FindDescriptorByName("google.protobuf." + w)
		if err != nil {
			panic(err)
		}
		visit(d.(protoreflect.MessageDescriptor))
		md := d.(protoreflect.MessageDescriptor)
		out = append(out, testType{"dynamic " + string(md.FullName()), dynamicpb.NewMessageType(md).New})
	}
	for i := 0; i < kitchenFile.Messages().Len(); i++ {
		md := kitchenFile.Messages().Get(i)
		out = append(out, testType{"dynamic " + string(md.FullName()), dynamicpb.NewMessageType(md).New})
	}
	return out
}()

// compare checks the encoder against protojson on m: if protojson succeeds,
// the encoder must too (unless the type is unsupported) and the compacted
// outputs must be equal; if protojson fails, the encoder must give up. It
// also checks that Append keeps what dst held.
func compare(m proto.Message) error {
	md := m.ProtoReflect().Descriptor()
	want, werr := protojson.Marshal(m)
	got, ok := restjson.Marshal(m)
	prefix := []byte(`prefix`)
	appended, aok := restjson.Append(prefix, m)
	switch {
	case aok != ok:
		return fmt.Errorf("Append ok=%v, Marshal ok=%v", aok, ok)
	case !bytes.HasPrefix(appended, []byte(`prefix`)) || (ok && !bytes.Equal(appended[len(prefix):], got)) || (!ok && len(appended) != len(prefix)):
		return fmt.Errorf("Append(%q) = %q, Marshal = %q", prefix, appended, got)
	}
	if !restjson.Supported(md) {
		if ok {
			return fmt.Errorf("%s is unsupported, yet the encoder wrote %s", md.FullName(), got)
		}
		return nil
	}
	if werr != nil {
		if ok {
			return fmt.Errorf("protojson fails (%v) but the encoder wrote %s", werr, got)
		}
		return nil
	}
	if !ok {
		return fmt.Errorf("the encoder gave up; protojson wrote %s", want)
	}
	var cw, cg bytes.Buffer
	if err := json.Compact(&cw, want); err != nil {
		return fmt.Errorf("protojson's output %s: %v", want, err)
	}
	if err := json.Compact(&cg, got); err != nil {
		return fmt.Errorf("the encoder's output is not JSON (%v): %s", err, got)
	}
	if !bytes.Equal(cw.Bytes(), cg.Bytes()) {
		return fmt.Errorf("outputs differ\nprotojson: %s\nencoder:   %s", cw.Bytes(), cg.Bytes())
	}
	return nil
}

func describe(m proto.Message) string {
	return prototext.MarshalOptions{AllowPartial: true, EmitUnknown: true}.Format(m)
}

// Every message type of the API, and the kitchen-sink types, agree with
// protojson on many random instances (and on the empty one).
func TestAgreesWithProtojson(t *testing.T) {
	const perType = 300
	var supported, unsupported []string
	outcomes := map[string]int{}
	for ti, tt := range testTypes {
		if restjson.Supported(tt.new().Descriptor()) {
			supported = append(supported, tt.name)
		} else {
			unsupported = append(unsupported, tt.name)
		}
		p := &populator{r: rand.New(rand.NewPCG(uint64(ti), 13))}
		for i := 0; i <= perType; i++ {
			m := tt.new()
			if i > 0 {
				p.bad = i%4 == 0
				p.message(m, 0)
			}
			if err := compare(m.Interface()); err != nil {
				t.Fatalf("%s #%d: %v\nmessage:\n%s", tt.name, i, err, describe(m.Interface()))
			}
			if _, werr := protojson.Marshal(m.Interface()); werr != nil {
				outcomes["protojson fails"]++
				if tt.name == "dynamic kitchen.Kitchen" {
					outcomes["kitchen fails"]++
				}
			} else {
				outcomes["protojson succeeds"]++
			}
		}
	}
	t.Logf("%d types supported, %d left to protojson: %v; outcomes %v", len(supported), len(unsupported), unsupported, outcomes)
	if len(supported) < 50 {
		t.Errorf("only %d supported types: %v", len(supported), supported)
	}
}

// Types that can reach google.protobuf.Any, also through a cycle, are left
// to protojson; recursive types without Any are not.
func TestSupported(t *testing.T) {
	for name, want := range map[protoreflect.FullName]bool{
		"kitchen.Kitchen": true, "kitchen.Loop": true, "kitchen.CycleA": false, "kitchen.CycleB": false,
		"google.protobuf.Any": false, "google.rpc.Status": false, "google.protobuf.Struct": true,
		"portgate.v1.PortOrder": true, "portgate.v1.ListPortOrdersResponse": true,
	} {
		var md protoreflect.MessageDescriptor
		if d := kitchenFile.Messages().ByName(name.Name()); name.Parent() == "kitchen" && d != nil {
			md = d
		} else {
			d, err := protoregistry.GlobalFiles.FindDescriptorByName(name)
			if err != nil {
				t.Fatal(err)
			}
			md = d.(protoreflect.MessageDescriptor)
		}
		if got := restjson.Supported(md); got != want {
			t.Errorf("Supported(%s) = %v, want %v", name, got, want)
		}
	}
}

// Hand-picked cases whose protojson output is spelled out, so a change in
// protojson shows up here too.
func TestKnownOutputs(t *testing.T) {
	kitchen := kitchenFile.Messages().ByName("Kitchen")
	newK := func() protoreflect.Message { return dynamicpb.NewMessage(kitchen) }
	set := func(m protoreflect.Message, name string, v protoreflect.Value) protoreflect.Message {
		m.Set(kitchen.Fields().ByName(protoreflect.Name(name)), v)
		return m
	}
	cases := []struct {
		m    protoreflect.Message
		want string // "" = the encoder gives up
	}{
		{newK(), `{}`},
		{set(newK(), "s_INT64", protoreflect.ValueOfInt64(-9007199254740993)), `{"sINT64":"-9007199254740993"}`},
		{set(newK(), "s_DOUBLE", protoreflect.ValueOfFloat64(1e21)), `{"sDOUBLE":1e+21}`},
		{set(newK(), "s_DOUBLE", protoreflect.ValueOfFloat64(1e-7)), `{"sDOUBLE":1e-7}`},
		{set(newK(), "s_FLOAT", protoreflect.ValueOfFloat32(0.1)), `{"sFLOAT":0.1}`},
		{set(newK(), "s_STRING", protoreflect.ValueOfString("a\"\\\x01\u2028<é>")), `{"sSTRING":"a\"\\\u0001` + "\u2028" + `<é>"}`},
		{set(newK(), "s_STRING", protoreflect.ValueOfString("bad\xff")), ``},
		{set(newK(), "color", protoreflect.ValueOfEnum(1)), `{"color":"RED"}`},
		{set(newK(), "color", protoreflect.ValueOfEnum(7)), `{"color":7}`},
		{set(newK(), "null", protoreflect.ValueOfEnum(0)), `{}`},
		{set(newK(), "o_null", protoreflect.ValueOfEnum(0)), `{"oNull":null}`},
		{set(newK(), "custom_json", protoreflect.ValueOfString("x")), `{"custom-JSON name":"x"}`},
	}
	for i, c := range cases {
		got, ok := restjson.Marshal(c.m.Interface())
		if c.want == "" {
			if ok {
				t.Errorf("#%d: wrote %s, want to give up", i, got)
			}
			continue
		}
		if !ok || string(got) != c.want {
			t.Errorf("#%d: got %s (ok=%v), want %s", i, got, ok, c.want)
		}
		if err := compare(c.m.Interface()); err != nil {
			t.Errorf("#%d: %v", i, err)
		}
	}
}

// byteSource is a rand.Source reading the fuzzer's bytes, so the fuzzer
// steers the populator's choices; after them it goes on with splitmix64 (a
// constant source would make rand's rejection sampling loop forever).
type byteSource struct {
	b     []byte
	state uint64
}

func (s *byteSource) Uint64() uint64 {
	if len(s.b) > 0 {
		var x [8]byte
		n := copy(x[:], s.b)
		s.b = s.b[n:]
		v := binary.LittleEndian.Uint64(x[:])
		s.state ^= v
		return v
	}
	s.state += 0x9e3779b97f4a7c15
	z := s.state
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

func FuzzAgreesWithProtojson(f *testing.F) {
	for i := range 8 {
		f.Add(uint16(i), []byte(fmt.Sprintf("seed %d: some bytes for the populator to read", i)))
	}
	f.Fuzz(func(t *testing.T, which uint16, data []byte) {
		tt := testTypes[int(which)%len(testTypes)]
		m := tt.new()
		p := &populator{r: rand.New(&byteSource{b: data}), bad: which&0x8000 != 0}
		p.message(m, 0)
		if err := compare(m.Interface()); err != nil {
			t.Fatalf("%s: %v\nmessage:\n%s", tt.name, err, describe(m.Interface()))
		}
	})
}
