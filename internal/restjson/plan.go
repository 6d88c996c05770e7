package restjson

import (
	"sync"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// wkt says how a message type is written: as an object of its fields, or
// with one of protojson's well-known-type mappings.
type wkt uint8

const (
	wktNone wkt = iota
	wktTimestamp
	wktDuration
	wktWrapper
	wktStruct
	wktListValue
	wktValue
	wktFieldMask
)

// plan is what the encoder needs to know about a message type, computed once
// per descriptor.
type plan struct {
	md        protoreflect.MessageDescriptor
	wkt       wkt
	supported bool    // false: leave the type to protojson
	fields    []field // every non-extension field, in declaration order
	seconds   protoreflect.FieldDescriptor
	nanos     protoreflect.FieldDescriptor
	kindOneof protoreflect.OneofDescriptor // google.protobuf.Value
}

// field is one field of a plan (or the value of a map field).
type field struct {
	fd    protoreflect.FieldDescriptor
	name  []byte // `"jsonName":`
	kind  protoreflect.Kind
	list  bool
	isMap bool
	null  bool     // enum google.protobuf.NullValue: written as null
	enum  [][]byte // quoted value names by number (dense, small numbers)
	msg   *plan    // message and group kinds
	key   protoreflect.Kind
	val   *field // map value
}

var (
	plans   sync.Map // protoreflect.MessageDescriptor → *plan
	buildMu sync.Mutex
)

// planFor returns the plan for md, building it (and the plans of every
// message type it refers to) on first use.
func planFor(md protoreflect.MessageDescriptor) *plan {
	if p, ok := plans.Load(md); ok {
		return p.(*plan)
	}
	buildMu.Lock()
	defer buildMu.Unlock()
	if p, ok := plans.Load(md); ok {
		return p.(*plan)
	}
	building := map[protoreflect.MessageDescriptor]*plan{}
	p := build(md, building)
	for _, q := range building {
		q.supported = supported(q.md)
	}
	for d, q := range building {
		plans.Store(d, q)
	}
	return p
}

func build(md protoreflect.MessageDescriptor, building map[protoreflect.MessageDescriptor]*plan) *plan {
	if p, ok := plans.Load(md); ok {
		return p.(*plan)
	}
	if p, ok := building[md]; ok {
		return p // a cycle: filled in by the caller up the stack
	}
	p := &plan{md: md, wkt: wktOf(md.FullName())}
	building[md] = p
	fds := md.Fields()
	p.fields = make([]field, fds.Len())
	for i := range p.fields {
		fd := fds.Get(i)
		f := &p.fields[i]
		describe(f, fd, building)
		f.list = fd.IsList()
		f.isMap = fd.IsMap()
		if f.isMap {
			f.key = fd.MapKey().Kind()
			f.val = new(field)
			describe(f.val, fd.MapValue(), building)
		}
		if name, ok := appendString(nil, fd.JSONName()); ok {
			f.name = append(name, ':')
		}
	}
	switch p.wkt {
	case wktTimestamp, wktDuration:
		p.seconds, p.nanos = fds.ByNumber(1), fds.ByNumber(2)
	case wktValue:
		p.kindOneof = md.Oneofs().ByName("kind")
	}
	return p
}

// describe fills in how a single value of fd is written.
func describe(f *field, fd protoreflect.FieldDescriptor, building map[protoreflect.MessageDescriptor]*plan) {
	f.fd = fd
	f.kind = fd.Kind()
	switch f.kind {
	case protoreflect.EnumKind:
		ed := fd.Enum()
		if ed.FullName() == "google.protobuf.NullValue" {
			f.null = true
			break
		}
		vals := ed.Values()
		for i := 0; i < vals.Len(); i++ {
			v := vals.Get(i)
			n := v.Number()
			if n < 0 || n >= 1024 {
				continue // rare; found with ByNumber when writing
			}
			for int(n) >= len(f.enum) {
				f.enum = append(f.enum, nil)
			}
			if f.enum[n] == nil { // aliases: the name ByNumber gives
				f.enum[n], _ = appendString(nil, string(vals.ByNumber(n).Name()))
			}
		}
	case protoreflect.MessageKind, protoreflect.GroupKind:
		f.msg = build(fd.Message(), building)
	}
}

func wktOf(name protoreflect.FullName) wkt {
	if name.Parent() != "google.protobuf" {
		return wktNone
	}
	switch name.Name() {
	case "Timestamp":
		return wktTimestamp
	case "Duration":
		return wktDuration
	case "BoolValue", "Int32Value", "Int64Value", "UInt32Value", "UInt64Value",
		"FloatValue", "DoubleValue", "StringValue", "BytesValue":
		return wktWrapper
	case "Struct":
		return wktStruct
	case "ListValue":
		return wktListValue
	case "Value":
		return wktValue
	case "FieldMask":
		return wktFieldMask
	}
	return wktNone
}

// supported reports whether the encoder writes every message of type md as
// protojson would: no message type reachable from md is google.protobuf.Any
// (protojson resolves and expands it), has extensions (written with their
// full names after the fields), has required fields (protojson then checks
// initialization) or is a MessageSet, and every field's JSON name is valid
// UTF-8. Every reachable type is visited, so cycles need no special case.
func supported(md protoreflect.MessageDescriptor) bool {
	seen := map[protoreflect.MessageDescriptor]bool{}
	var ok func(md protoreflect.MessageDescriptor) bool
	ok = func(md protoreflect.MessageDescriptor) bool {
		if seen[md] {
			return true
		}
		seen[md] = true
		if md.FullName() == "google.protobuf.Any" || md.ExtensionRanges().Len() > 0 || md.RequiredNumbers().Len() > 0 {
			return false
		}
		if opts, isMS := md.Options().(interface{ GetMessageSetWireFormat() bool }); isMS && opts.GetMessageSetWireFormat() {
			return false
		}
		fds := md.Fields()
		for i := 0; i < fds.Len(); i++ {
			fd := fds.Get(i)
			if _, valid := appendString(nil, fd.JSONName()); !valid {
				return false
			}
			if fd.IsMap() {
				fd = fd.MapValue()
			}
			if m := fd.Message(); m != nil && !ok(m) {
				return false
			}
		}
		return true
	}
	return ok(md)
}
