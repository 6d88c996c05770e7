package restjson_test

import (
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
	_ "google.golang.org/protobuf/types/known/anypb"
	_ "google.golang.org/protobuf/types/known/durationpb"
	_ "google.golang.org/protobuf/types/known/emptypb"
	_ "google.golang.org/protobuf/types/known/fieldmaskpb"
	_ "google.golang.org/protobuf/types/known/structpb"
	_ "google.golang.org/protobuf/types/known/timestamppb"
	_ "google.golang.org/protobuf/types/known/wrapperspb"
)

// The portgate API uses few of the kinds protojson handles (no floats, no
// oneofs, only map<string, string>), so the tests also run over a test-only
// message type that has them all: every scalar kind, explicit presence, a
// oneof, maps with every key kind, an enum with an alias, a negative and a
// large number, google.protobuf.NullValue, every well-known type, recursion,
// and types whose cycle reaches google.protobuf.Any (unsupported).
var kitchenFile = func() protoreflect.FileDescriptor {
	T := descriptorpb.FieldDescriptorProto_Type_value
	field := func(name string, num int32, typ string, typeName string, repeated bool) *descriptorpb.FieldDescriptorProto {
		f := &descriptorpb.FieldDescriptorProto{
			Name:   proto.String(name),
			Number: proto.Int32(num),
			Type:   descriptorpb.FieldDescriptorProto_Type(T["TYPE_"+typ]).Enum(),
			Label:  descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum(),
		}
		if typeName != "" {
			f.TypeName = proto.String(typeName)
		}
		if repeated {
			f.Label = descriptorpb.FieldDescriptorProto_LABEL_REPEATED.Enum()
		}
		return f
	}
	kitchen := &descriptorpb.DescriptorProto{Name: proto.String("Kitchen")}
	add := func(f *descriptorpb.FieldDescriptorProto) *descriptorpb.FieldDescriptorProto {
		kitchen.Field = append(kitchen.Field, f)
		return f
	}
	scalars := []string{"BOOL", "INT32", "SINT32", "SFIXED32", "UINT32", "FIXED32", "INT64", "SINT64",
		"SFIXED64", "UINT64", "FIXED64", "FLOAT", "DOUBLE", "STRING", "BYTES"}
	for i, s := range scalars {
		add(field("s_"+s, int32(1+i), s, "", false))
		add(field("rep_"+s, int32(101+i), s, "", true))
		opt := add(field("opt_"+s, int32(201+i), s, "", false))
		opt.Proto3Optional = proto.Bool(true)
		opt.OneofIndex = proto.Int32(int32(1 + i)) // after "choice"
	}
	kitchen.OneofDecl = append(kitchen.OneofDecl, &descriptorpb.OneofDescriptorProto{Name: proto.String("choice")})
	for _, s := range scalars {
		kitchen.OneofDecl = append(kitchen.OneofDecl, &descriptorpb.OneofDescriptorProto{Name: proto.String("_opt_" + s)})
	}
	add(field("color", 30, "ENUM", ".kitchen.Color", false))
	add(field("colors", 31, "ENUM", ".kitchen.Color", true))
	add(field("null", 32, "ENUM", ".google.protobuf.NullValue", false))
	add(field("nulls", 33, "ENUM", ".google.protobuf.NullValue", true))
	add(field("child", 34, "MESSAGE", ".kitchen.Kitchen", false))
	add(field("children", 35, "MESSAGE", ".kitchen.Kitchen", true))
	for i, name := range []string{"o_string", "o_child", "o_null", "o_int64"} {
		typ, tn := []string{"STRING", "MESSAGE", "ENUM", "INT64"}[i], []string{"", ".kitchen.Kitchen", ".google.protobuf.NullValue", ""}[i]
		add(field(name, int32(40+i), typ, tn, false)).OneofIndex = proto.Int32(0)
	}
	wkts := []string{"Timestamp", "Duration", "FieldMask", "Empty", "Struct", "Value", "ListValue",
		"BoolValue", "Int32Value", "Int64Value", "UInt32Value", "UInt64Value", "FloatValue", "DoubleValue", "StringValue", "BytesValue"}
	for i, w := range wkts {
		add(field("wkt_"+w, int32(50+i), "MESSAGE", ".google.protobuf."+w, false))
		add(field("rep_wkt_"+w, int32(150+i), "MESSAGE", ".google.protobuf."+w, true))
	}
	type mapSpec struct{ key, val, valType string }
	maps := []mapSpec{
		{"BOOL", "STRING", ""}, {"INT32", "DOUBLE", ""}, {"SINT32", "FLOAT", ""}, {"SFIXED32", "BYTES", ""},
		{"INT64", "MESSAGE", ".kitchen.Kitchen"}, {"SINT64", "ENUM", ".kitchen.Color"}, {"SFIXED64", "INT64", ""},
		{"UINT32", "UINT64", ""}, {"FIXED32", "BOOL", ""}, {"UINT64", "ENUM", ".google.protobuf.NullValue"},
		{"FIXED64", "MESSAGE", ".google.protobuf.Value"}, {"STRING", "STRING", ""}, {"STRING", "MESSAGE", ".google.protobuf.Timestamp"},
	}
	for i, m := range maps {
		entry := "Map" + string(rune('A'+i)) + "Entry"
		kitchen.NestedType = append(kitchen.NestedType, &descriptorpb.DescriptorProto{
			Name:    proto.String(entry),
			Field:   []*descriptorpb.FieldDescriptorProto{field("key", 1, m.key, "", false), field("value", 2, m.val, m.valType, false)},
			Options: &descriptorpb.MessageOptions{MapEntry: proto.Bool(true)},
		})
		add(field("map_"+string(rune('a'+i)), int32(300+i), "MESSAGE", ".kitchen.Kitchen."+entry, true))
	}
	add(field("custom_json", 400, "STRING", "", false)).JsonName = proto.String("custom-JSON name")

	fdp := &descriptorpb.FileDescriptorProto{
		Name:    proto.String("kitchen/kitchen.proto"),
		Package: proto.String("kitchen"),
		Syntax:  proto.String("proto3"),
		Dependency: []string{"google/protobuf/timestamp.proto", "google/protobuf/duration.proto",
			"google/protobuf/field_mask.proto", "google/protobuf/empty.proto", "google/protobuf/struct.proto",
			"google/protobuf/wrappers.proto", "google/protobuf/any.proto"},
		EnumType: []*descriptorpb.EnumDescriptorProto{{
			Name: proto.String("Color"),
			Value: []*descriptorpb.EnumValueDescriptorProto{
				{Name: proto.String("COLOR_UNSPECIFIED"), Number: proto.Int32(0)},
				{Name: proto.String("RED"), Number: proto.Int32(1)},
				{Name: proto.String("CRIMSON"), Number: proto.Int32(1)}, // alias: written RED
				{Name: proto.String("BLUE"), Number: proto.Int32(-2)},
				{Name: proto.String("BIG"), Number: proto.Int32(5000)},
			},
			Options: &descriptorpb.EnumOptions{AllowAlias: proto.Bool(true)},
		}},
		MessageType: []*descriptorpb.DescriptorProto{
			kitchen,
			// A cycle through which google.protobuf.Any is reachable: both
			// unsupported. Loop is a cycle without: supported.
			{Name: proto.String("CycleA"), Field: []*descriptorpb.FieldDescriptorProto{field("b", 1, "MESSAGE", ".kitchen.CycleB", false), field("s", 2, "STRING", "", false)}},
			{Name: proto.String("CycleB"), Field: []*descriptorpb.FieldDescriptorProto{field("a", 1, "MESSAGE", ".kitchen.CycleA", false), field("any", 2, "MESSAGE", ".google.protobuf.Any", false)}},
			{Name: proto.String("Loop"), Field: []*descriptorpb.FieldDescriptorProto{field("next", 1, "MESSAGE", ".kitchen.Loop", false), field("s", 2, "STRING", "", false)}},
		},
	}
	fd, err := protodesc.NewFile(fdp, protoregistry.GlobalFiles)
	if err != nil {
		panic(err)
	}
	return fd
}()
