// Package restjson writes protobuf messages as JSON, with output equivalent
// to protojson's (google.golang.org/protobuf/encoding/protojson with the
// default MarshalOptions: lowerCamelCase names, unpopulated fields omitted,
// enums as names, 64-bit integers as strings), only faster.
//
// It exists for performance (issue 13): protojson.Marshal was about 10 % of
// portgate's CPU in profiles of a REST GetPortOrder (order.RangeFields
// sorting the fields of every message, protoreflect.Value boxing, its general
// encoder). This encoder precomputes, per message type, the fields in
// protojson's order with their quoted names, and appends straight into one
// byte slice.
//
// "Equivalent" means equal once both outputs are compacted (json.Compact):
// protojson inserts random spaces on purpose, this package never does.
// Wherever protojson would fail (invalid UTF-8, out-of-range Timestamp or
// Duration, a FieldMask path it refuses, a NaN Value, ...) the encoder gives
// up, so the caller can run protojson and report its error. It never
// handles message types that can contain google.protobuf.Any, extensions or
// required fields (see Supported): those are left to protojson.
package restjson

import (
	"cmp"
	"encoding/base64"
	"math"
	"slices"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// Supported reports whether Append and Marshal handle messages of type md.
func Supported(md protoreflect.MessageDescriptor) bool {
	return planFor(md).supported
}

// Append appends the JSON encoding of m to dst. If the encoder cannot write
// m as protojson would (an unsupported type, or a value protojson refuses),
// it returns dst unchanged and false.
func Append(dst []byte, m proto.Message) ([]byte, bool) {
	e := getEncoder()
	defer putEncoder(e)
	out, ok := e.top(dst, m)
	if !ok {
		return dst, false
	}
	return out, true
}

// Marshal returns the JSON encoding of m, or false as Append does. The
// result is a new slice of exactly the encoded length (the encoding itself
// happens in a pooled buffer).
func Marshal(m proto.Message) ([]byte, bool) {
	e := getEncoder()
	defer putEncoder(e)
	b, ok := e.top(e.buf[:0], m)
	e.buf = b[:0]
	if !ok {
		return nil, false
	}
	return append([]byte(nil), b...), true
}

// top appends m as a top-level value: {} for nil, false for a type left to
// protojson.
func (e *encoder) top(b []byte, m proto.Message) ([]byte, bool) {
	if m == nil {
		return append(b, '{', '}'), true
	}
	rm := m.ProtoReflect()
	p := planFor(rm.Descriptor())
	if !p.supported {
		return b, false
	}
	return e.message(b, p, rm)
}

// encoder holds scratch space reused across calls.
type encoder struct {
	buf     []byte
	vals    []protoreflect.Value // populated fields of the messages being written, by index
	base    int                  // where the current message's fields start in vals
	entries []entry              // map entries being written (a stack)
	collect func(protoreflect.FieldDescriptor, protoreflect.Value) bool
	addKey  func(protoreflect.MapKey, protoreflect.Value) bool
}

type entry struct {
	k protoreflect.MapKey
	v protoreflect.Value
}

var encoders = sync.Pool{New: func() any {
	e := new(encoder)
	e.collect = func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		if fd.IsExtension() {
			return true // not in plan.fields; supported types have none
		}
		e.vals[e.base+fd.Index()] = v
		return true
	}
	e.addKey = func(k protoreflect.MapKey, v protoreflect.Value) bool {
		e.entries = append(e.entries, entry{k, v})
		return true
	}
	return e
}}

func getEncoder() *encoder { return encoders.Get().(*encoder) }

func putEncoder(e *encoder) {
	if cap(e.buf) > 1<<20 {
		e.buf = nil // do not keep a document-sized buffer
	}
	clear(e.vals[:cap(e.vals)])
	e.vals = e.vals[:0]
	clear(e.entries[:cap(e.entries)])
	e.entries = e.entries[:0]
	encoders.Put(e)
}

// message writes m, whose type has plan p.
func (e *encoder) message(b []byte, p *plan, m protoreflect.Message) ([]byte, bool) {
	switch p.wkt {
	case wktTimestamp:
		return e.timestamp(b, p, m)
	case wktDuration:
		return e.duration(b, p, m)
	case wktWrapper:
		f := &p.fields[0]
		return e.singular(b, f, m.Get(f.fd))
	case wktStruct:
		f := &p.fields[0]
		return e.mapValue(b, f, m.Get(f.fd).Map())
	case wktListValue:
		f := &p.fields[0]
		return e.listValue(b, f, m.Get(f.fd).List())
	case wktValue:
		fd := m.WhichOneof(p.kindOneof)
		if fd == nil {
			return b, false // protojson: none of the oneof fields is set
		}
		v := m.Get(fd)
		if fd.Number() == 2 { // number_value
			if f := v.Float(); math.IsNaN(f) || math.IsInf(f, 0) {
				return b, false
			}
		}
		return e.singular(b, &p.fields[fd.Index()], v)
	case wktFieldMask:
		return fieldMask(b, m.Get(p.fields[0].fd).List())
	}

	// The populated fields go into e.vals[base:base+n] by declaration index
	// (protojson's order); nested messages use the space after them.
	n := len(p.fields)
	base := len(e.vals)
	e.vals = slices.Grow(e.vals, n)[:base+n]
	e.base = base
	m.Range(e.collect)

	b = append(b, '{')
	first := true
	ok := true
	for i := range p.fields {
		v := e.vals[base+i]
		if !v.IsValid() {
			continue
		}
		e.vals[base+i] = protoreflect.Value{}
		if !ok {
			continue // clear the rest
		}
		f := &p.fields[i]
		if !first {
			b = append(b, ',')
		}
		first = false
		b = append(b, f.name...)
		switch {
		case f.isMap:
			b, ok = e.mapValue(b, f, v.Map())
		case f.list:
			b, ok = e.listValue(b, f, v.List())
		default:
			b, ok = e.singular(b, f, v)
		}
	}
	e.vals = e.vals[:base]
	if !ok {
		return b, false
	}
	return append(b, '}'), true
}

func (e *encoder) listValue(b []byte, f *field, l protoreflect.List) ([]byte, bool) {
	b = append(b, '[')
	for i, n := 0, l.Len(); i < n; i++ {
		if i > 0 {
			b = append(b, ',')
		}
		var ok bool
		if b, ok = e.singular(b, f, l.Get(i)); !ok {
			return b, false
		}
	}
	return append(b, ']'), true
}

// boolRank orders false before true.
func boolRank(v bool) int {
	if v {
		return 1
	}
	return 0
}

// mapValue writes a map with protojson's key order (order.GenericKeyOrder):
// false before true, integers numerically, strings bytewise.
func (e *encoder) mapValue(b []byte, f *field, mp protoreflect.Map) ([]byte, bool) {
	start := len(e.entries)
	mp.Range(e.addKey)
	es := e.entries[start:]
	switch f.key {
	case protoreflect.BoolKind:
		slices.SortFunc(es, func(x, y entry) int { return cmp.Compare(boolRank(x.k.Bool()), boolRank(y.k.Bool())) })
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind,
		protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		slices.SortFunc(es, func(x, y entry) int { return cmp.Compare(x.k.Int(), y.k.Int()) })
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind, protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		slices.SortFunc(es, func(x, y entry) int { return cmp.Compare(x.k.Uint(), y.k.Uint()) })
	default:
		slices.SortFunc(es, func(x, y entry) int { return cmp.Compare(x.k.String(), y.k.String()) })
	}
	ok := true
	b = append(b, '{')
	for i := start; ok && i < len(e.entries); i++ {
		if i > start {
			b = append(b, ',')
		}
		k, v := e.entries[i].k, e.entries[i].v // e.entries may grow below
		switch f.key {
		case protoreflect.BoolKind:
			if k.Bool() {
				b = append(b, `"true"`...)
			} else {
				b = append(b, `"false"`...)
			}
		case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind,
			protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
			b = append(b, '"')
			b = strconv.AppendInt(b, k.Int(), 10)
			b = append(b, '"')
		case protoreflect.Uint32Kind, protoreflect.Fixed32Kind, protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
			b = append(b, '"')
			b = strconv.AppendUint(b, k.Uint(), 10)
			b = append(b, '"')
		default:
			b, ok = appendString(b, k.String())
		}
		if !ok {
			break
		}
		b = append(b, ':')
		b, ok = e.singular(b, f.val, v)
	}
	clear(e.entries[start:])
	e.entries = e.entries[:start]
	if !ok {
		return b, false
	}
	return append(b, '}'), true
}

// singular writes one value of f's kind (a field, list element or map value).
func (e *encoder) singular(b []byte, f *field, v protoreflect.Value) ([]byte, bool) {
	switch f.kind {
	case protoreflect.BoolKind:
		if v.Bool() {
			return append(b, "true"...), true
		}
		return append(b, "false"...), true
	case protoreflect.StringKind:
		return appendString(b, v.String())
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		return strconv.AppendInt(b, v.Int(), 10), true
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		return strconv.AppendUint(b, v.Uint(), 10), true
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		b = append(b, '"')
		b = strconv.AppendInt(b, v.Int(), 10)
		return append(b, '"'), true
	case protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		b = append(b, '"')
		b = strconv.AppendUint(b, v.Uint(), 10)
		return append(b, '"'), true
	case protoreflect.FloatKind:
		return appendFloat(b, v.Float(), 32), true
	case protoreflect.DoubleKind:
		return appendFloat(b, v.Float(), 64), true
	case protoreflect.BytesKind:
		b = append(b, '"')
		b = base64.StdEncoding.AppendEncode(b, v.Bytes())
		return append(b, '"'), true
	case protoreflect.EnumKind:
		if f.null {
			return append(b, "null"...), true
		}
		n := v.Enum()
		if n >= 0 && int(n) < len(f.enum) && f.enum[n] != nil {
			return append(b, f.enum[n]...), true
		}
		if ev := f.fd.Enum().Values().ByNumber(n); ev != nil {
			return appendString(b, string(ev.Name()))
		}
		return strconv.AppendInt(b, int64(n), 10), true
	case protoreflect.MessageKind, protoreflect.GroupKind:
		return e.message(b, f.msg, v.Message())
	}
	return b, false
}

const (
	maxTimestampSeconds  = 253402300799
	minTimestampSeconds  = -62135596800
	maxDurationSeconds   = 315576000000
	maxNanos             = 999999999
	nanosPerMillisecond  = 1000000
	nanosPerMicrosecond  = 1000
	fractionDigitsAll    = 9
	fractionDigitsMillis = 3
	fractionDigitsMicros = 6
)

func (e *encoder) secondsNanos(p *plan, m protoreflect.Message) (int64, int64) {
	switch x := m.Interface().(type) {
	case *timestamppb.Timestamp:
		return x.GetSeconds(), int64(x.GetNanos())
	case *durationpb.Duration:
		return x.GetSeconds(), int64(x.GetNanos())
	}
	return m.Get(p.seconds).Int(), m.Get(p.nanos).Int()
}

// timestamp writes RFC 3339 in UTC with 0, 3, 6 or 9 fractional digits.
func (e *encoder) timestamp(b []byte, p *plan, m protoreflect.Message) ([]byte, bool) {
	secs, nanos := e.secondsNanos(p, m)
	if secs < minTimestampSeconds || secs > maxTimestampSeconds || nanos < 0 || nanos > maxNanos {
		return b, false
	}
	// The fraction is protojson's (0, 3, 6 or 9 digits), not a layout's.
	b = time.Unix(secs, 0).UTC().AppendFormat(append(b, '"'), "2006-01-02T15:04:05")
	b = appendFraction(b, nanos)
	return append(b, 'Z', '"'), true
}

// duration writes seconds with 0, 3, 6 or 9 fractional digits and "s".
func (e *encoder) duration(b []byte, p *plan, m protoreflect.Message) ([]byte, bool) {
	secs, nanos := e.secondsNanos(p, m)
	if secs < -maxDurationSeconds || secs > maxDurationSeconds || nanos < -maxNanos || nanos > maxNanos ||
		(secs > 0 && nanos < 0) || (secs < 0 && nanos > 0) {
		return b, false
	}
	b = append(b, '"')
	if secs < 0 || nanos < 0 {
		b = append(b, '-')
		secs, nanos = -secs, -nanos
	}
	b = strconv.AppendInt(b, secs, 10)
	b = appendFraction(b, nanos)
	return append(b, 's', '"'), true
}

// appendFraction writes nanos (0 ≤ nanos ≤ 999999999) as protojson does:
// nothing for 0, else '.' and 3, 6 or 9 digits.
func appendFraction(b []byte, nanos int64) []byte {
	switch {
	case nanos == 0:
		return b
	case nanos%nanosPerMillisecond == 0:
		return appendDigits(append(b, '.'), nanos/nanosPerMillisecond, fractionDigitsMillis)
	case nanos%nanosPerMicrosecond == 0:
		return appendDigits(append(b, '.'), nanos/nanosPerMicrosecond, fractionDigitsMicros)
	}
	return appendDigits(append(b, '.'), nanos, fractionDigitsAll)
}

// appendDigits writes 0 ≤ n as exactly width decimal digits (n < 10^width).
func appendDigits(b []byte, n int64, width int) []byte {
	var d [fractionDigitsAll]byte
	for i := width - 1; i >= 0; i-- {
		d[i] = byte('0' + n%10)
		n /= 10
	}
	return append(b, d[:width]...)
}

// fieldMask writes the paths in lowerCamelCase joined by ",", or gives up on
// a path protojson refuses: not a valid full name, or one whose camel case
// does not convert back to it.
func fieldMask(b []byte, paths protoreflect.List) ([]byte, bool) {
	b = append(b, '"')
	for i, n := 0, paths.Len(); i < n; i++ {
		if i > 0 {
			b = append(b, ',')
		}
		s := paths.Get(i).String()
		if !validFullName(s) {
			return b, false
		}
		start := len(b)
		wasUnderscore := false
		for j := 0; j < len(s); j++ {
			c := s[j]
			if c != '_' {
				if wasUnderscore && 'a' <= c && c <= 'z' {
					c -= 'a' - 'A'
				}
				b = append(b, c)
			}
			wasUnderscore = c == '_'
		}
		if !snakeIs(b[start:], s) {
			return b, false
		}
	}
	return append(b, '"'), true
}

// snakeIs reports whether the snake case of camel (protojson's
// strs.JSONSnakeCase) is s.
func snakeIs(camel []byte, s string) bool {
	j := 0
	for _, c := range camel {
		if 'A' <= c && c <= 'Z' {
			if j+1 >= len(s) || s[j] != '_' || s[j+1] != c+('a'-'A') {
				return false
			}
			j += 2
			continue
		}
		if j >= len(s) || s[j] != c {
			return false
		}
		j++
	}
	return j == len(s)
}

// validFullName is protoreflect.FullName.IsValid: dot-separated identifiers.
func validFullName(s string) bool {
	ident := false // inside an identifier
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
			ident = true
		case '0' <= c && c <= '9':
			if !ident {
				return false
			}
		case c == '.':
			if !ident {
				return false
			}
			ident = false
		default:
			return false
		}
	}
	return ident
}

// appendFloat is protojson's: NaN and infinities as strings, 'e' format
// outside [1e-6, 1e21) with a two-digit exponent kept as short as
// encoding/json's.
func appendFloat(b []byte, n float64, bitSize int) []byte {
	switch {
	case math.IsNaN(n):
		return append(b, `"NaN"`...)
	case math.IsInf(n, +1):
		return append(b, `"Infinity"`...)
	case math.IsInf(n, -1):
		return append(b, `"-Infinity"`...)
	}
	format := byte('f')
	if abs := math.Abs(n); abs != 0 {
		if bitSize == 64 && (abs < 1e-6 || abs >= 1e21) ||
			bitSize == 32 && (float32(abs) < 1e-6 || float32(abs) >= 1e21) {
			format = 'e'
		}
	}
	b = strconv.AppendFloat(b, n, format, -1, bitSize)
	if format == 'e' {
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

const hex = "0123456789abcdef"

// appendString writes s as a JSON string exactly as protojson does (only
// '"', '\\' and control characters escaped; \b \f \n \r \t by name, others
// as \u00XX), or returns false if s is not valid UTF-8.
func appendString(b []byte, s string) ([]byte, bool) {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				return b, false
			}
			i += size
			continue
		}
		if c >= ' ' && c != '"' && c != '\\' {
			i++
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\b':
			b = append(b, '\\', 'b')
		case '\f':
			b = append(b, '\\', 'f')
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
		i++
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"'), true
}
