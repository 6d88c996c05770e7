package restjson_test

import (
	"math"
	"math/rand/v2"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// populator fills messages with random values chosen to hit the corners of
// protojson's encoding: escapes, invalid UTF-8, integer limits, special
// floats, unknown enum numbers, out-of-range Timestamps and Durations,
// refused FieldMask paths, NaN Values, nesting to maxDepth.
type populator struct {
	r   *rand.Rand
	bad bool // also make values protojson refuses
}

const maxDepth = 3

var stringPieces = []string{
	"", "a", "hello world", "portgate", "+15555550100", "providers/flowroute/portOrders/42",
	"\x00", "\x01", "\x1f", "\x7f", "\b\f\n\r\t", `"`, `\`, `\"`, "/", "<>&", "<script>",
	"\u2028", "\u2029", "é", "日本語", "😀", "\U0010FFFF", "\ufffd", "\u0080", "a\u00a0b",
}

// invalid UTF-8 (protojson refuses these): a stray byte, a surrogate, a
// truncated sequence.
var badPieces = []string{"\xff", "\xed\xa0\x80", "\xe6\x97"}

func (p *populator) str() string {
	n := p.r.IntN(5)
	s := ""
	for range n {
		if p.bad && p.r.IntN(40) == 0 {
			s += badPieces[p.r.IntN(len(badPieces))]
			continue
		}
		s += stringPieces[p.r.IntN(len(stringPieces))]
	}
	return s
}

func (p *populator) bytes() []byte {
	b := make([]byte, p.r.IntN(12))
	for i := range b {
		b[i] = byte(p.r.Uint32())
	}
	return b
}

func (p *populator) int32() int32 {
	switch p.r.IntN(7) {
	case 0:
		return 0
	case 1:
		return 1
	case 2:
		return -1
	case 3:
		return math.MaxInt32
	case 4:
		return math.MinInt32
	}
	return int32(p.r.Uint32())
}

func (p *populator) int64() int64 {
	switch p.r.IntN(8) {
	case 0:
		return 0
	case 1:
		return -1
	case 2:
		return math.MaxInt64
	case 3:
		return math.MinInt64
	case 4:
		return 1<<53 + 1
	case 5:
		return int64(p.int32())
	}
	return int64(p.r.Uint64())
}

func (p *populator) uint64() uint64 {
	switch p.r.IntN(5) {
	case 0:
		return 0
	case 1:
		return 1
	case 2:
		return math.MaxUint64
	case 3:
		return math.MaxUint32
	}
	return p.r.Uint64()
}

var floats = []float64{
	0, math.Copysign(0, -1), 1, -1, 0.1, 1.5, -2.25, 1e-6, 1e-7, 9.999999e-7, 1e20, 1e21, -1e21, 1e300, 1e-300,
	math.MaxFloat64, math.SmallestNonzeroFloat64, math.MaxFloat32, math.SmallestNonzeroFloat32,
	123456789, 1 << 53, 3.4028234663852886e+38, 1.17549435e-38,
	math.NaN(), math.Inf(1), math.Inf(-1),
}

func (p *populator) float() float64 {
	if p.r.IntN(4) == 0 {
		return (p.r.Float64() - 0.5) * math.Pow(10, float64(p.r.IntN(60)-30))
	}
	return floats[p.r.IntN(len(floats))]
}

// finite is a float protojson accepts in a google.protobuf.Value.
func (p *populator) finite() float64 {
	for {
		if f := p.float(); !math.IsNaN(f) && !math.IsInf(f, 0) {
			return f
		}
	}
}

func (p *populator) enum(ed protoreflect.EnumDescriptor) protoreflect.EnumNumber {
	vals := ed.Values()
	if p.r.IntN(5) == 0 || vals.Len() == 0 {
		unknown := []protoreflect.EnumNumber{-1, 99, 1000, 5001, math.MaxInt32, math.MinInt32}
		return unknown[p.r.IntN(len(unknown))]
	}
	return vals.Get(p.r.IntN(vals.Len())).Number()
}

const (
	maxTimestampSeconds = 253402300799
	minTimestampSeconds = -62135596800
	maxDurationSeconds  = 315576000000
)

func (p *populator) nanos() int64 {
	switch p.r.IntN(7) {
	case 0:
		return 0
	case 1:
		return int64(p.r.IntN(1000)) * 1e6
	case 2:
		return int64(p.r.IntN(1e6)) * 1e3
	case 3:
		return 999999999
	case 4:
		return 1
	}
	return int64(p.r.IntN(1e9))
}

// timestamp returns seconds and nanos: mostly valid, sometimes just out of
// range.
func (p *populator) timestamp() (int64, int64) {
	secs := []int64{0, -1, 1, 1700000000, minTimestampSeconds, maxTimestampSeconds, p.r.Int64N(maxTimestampSeconds-minTimestampSeconds) + minTimestampSeconds}
	s, n := secs[p.r.IntN(len(secs))], p.nanos()
	if !p.bad {
		return s, n
	}
	switch p.r.IntN(12) {
	case 0:
		s = []int64{minTimestampSeconds - 1, maxTimestampSeconds + 1, math.MinInt64, math.MaxInt64}[p.r.IntN(4)]
	case 1:
		n = []int64{-1, 1e9, math.MinInt32, math.MaxInt32}[p.r.IntN(4)]
	}
	return s, n
}

func (p *populator) duration() (int64, int64) {
	secs := []int64{0, 1, -1, 60, maxDurationSeconds, -maxDurationSeconds, p.r.Int64N(2*maxDurationSeconds) - maxDurationSeconds}
	s, n := secs[p.r.IntN(len(secs))], p.nanos()
	if s < 0 || (s == 0 && p.r.IntN(2) == 0) {
		n = -n
	}
	if !p.bad {
		return s, n
	}
	switch p.r.IntN(12) {
	case 0:
		s = []int64{maxDurationSeconds + 1, -maxDurationSeconds - 1, math.MinInt64}[p.r.IntN(3)]
	case 1:
		n = []int64{1e9, -1e9}[p.r.IntN(2)]
	case 2:
		if s != 0 && n != 0 {
			n = -n // signs disagree
		}
	}
	return s, n
}

var fieldMaskPaths = []string{
	"name", "end_user", "end_user.service_address", "phone_numbers", "a.b_c.d",
	"requested_foc_time", "x1", "_a", "a1_b", "ab.cd_ef",
	// refused by protojson:
	"", "a_1", "fooBar", "foo__bar", "foo_", "1abc", "a..b", ".a", "a.", "a-b", "a_B", "é",
}

func (p *populator) message(m protoreflect.Message, depth int) {
	md := m.Descriptor()
	fds := md.Fields()
	switch md.FullName() {
	case "google.protobuf.Timestamp":
		s, n := p.timestamp()
		m.Set(fds.ByNumber(1), protoreflect.ValueOfInt64(s))
		m.Set(fds.ByNumber(2), protoreflect.ValueOfInt32(int32(n)))
		return
	case "google.protobuf.Duration":
		s, n := p.duration()
		m.Set(fds.ByNumber(1), protoreflect.ValueOfInt64(s))
		m.Set(fds.ByNumber(2), protoreflect.ValueOfInt32(int32(n)))
		return
	case "google.protobuf.FieldMask":
		l := m.Mutable(fds.ByNumber(1)).List()
		for range p.r.IntN(4) {
			path := fieldMaskPaths[p.r.IntN(len(fieldMaskPaths))]
			if !p.bad || p.r.IntN(2) == 0 {
				path = fieldMaskPaths[p.r.IntN(10)] // valid
			}
			l.Append(protoreflect.ValueOfString(path))
		}
		return
	case "google.protobuf.Value":
		p.value(m, depth)
		return
	}
	for i := 0; i < fds.Len(); i++ {
		if p.r.IntN(2) == 0 {
			continue
		}
		fd := fds.Get(i)
		switch {
		case fd.IsMap():
			mp := m.Mutable(fd).Map()
			for range p.r.IntN(4) {
				mp.Set(p.mapKey(fd.MapKey()), p.single(mp.NewValue, fd.MapValue(), depth))
			}
		case fd.IsList():
			l := m.Mutable(fd).List()
			for range p.r.IntN(4) {
				l.Append(p.single(l.NewElement, fd, depth))
			}
		default:
			if fd.Message() != nil && depth >= maxDepth && p.r.IntN(2) == 0 {
				continue
			}
			m.Set(fd, p.single(func() protoreflect.Value { return m.NewField(fd) }, fd, depth))
		}
	}
}

// value fills a google.protobuf.Value: one kind, rarely none (refused) or a
// NaN/infinite number (refused).
func (p *populator) value(m protoreflect.Message, depth int) {
	fds := m.Descriptor().Fields()
	if p.bad && p.r.IntN(30) == 0 {
		return // no kind
	}
	kinds := 6
	if depth >= maxDepth {
		kinds = 4
	}
	switch p.r.IntN(kinds) {
	case 0:
		m.Set(fds.ByName("null_value"), protoreflect.ValueOfEnum(0))
	case 1:
		f := p.finite()
		if p.bad && p.r.IntN(20) == 0 {
			f = []float64{math.NaN(), math.Inf(1), math.Inf(-1)}[p.r.IntN(3)]
		}
		m.Set(fds.ByName("number_value"), protoreflect.ValueOfFloat64(f))
	case 2:
		m.Set(fds.ByName("string_value"), protoreflect.ValueOfString(p.str()))
	case 3:
		m.Set(fds.ByName("bool_value"), protoreflect.ValueOfBool(p.r.IntN(2) == 0))
	case 4:
		fd := fds.ByName("struct_value")
		v := m.NewField(fd)
		p.message(v.Message(), depth+1)
		m.Set(fd, v)
	case 5:
		fd := fds.ByName("list_value")
		v := m.NewField(fd)
		p.message(v.Message(), depth+1)
		m.Set(fd, v)
	}
}

func (p *populator) mapKey(fd protoreflect.FieldDescriptor) protoreflect.MapKey {
	switch fd.Kind() {
	case protoreflect.BoolKind:
		return protoreflect.ValueOfBool(p.r.IntN(2) == 0).MapKey()
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		return protoreflect.ValueOfInt32(p.int32()).MapKey()
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		return protoreflect.ValueOfInt64(p.int64()).MapKey()
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		return protoreflect.ValueOfUint32(uint32(p.uint64())).MapKey()
	case protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		return protoreflect.ValueOfUint64(p.uint64()).MapKey()
	}
	return protoreflect.ValueOfString(p.str()).MapKey()
}

// single returns one value of fd's kind; newMsg makes an empty message of
// the right type for message kinds.
func (p *populator) single(newMsg func() protoreflect.Value, fd protoreflect.FieldDescriptor, depth int) protoreflect.Value {
	switch fd.Kind() {
	case protoreflect.BoolKind:
		return protoreflect.ValueOfBool(p.r.IntN(2) == 0)
	case protoreflect.StringKind:
		return protoreflect.ValueOfString(p.str())
	case protoreflect.BytesKind:
		return protoreflect.ValueOfBytes(p.bytes())
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		return protoreflect.ValueOfInt32(p.int32())
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		return protoreflect.ValueOfInt64(p.int64())
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		return protoreflect.ValueOfUint32(uint32(p.uint64()))
	case protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		return protoreflect.ValueOfUint64(p.uint64())
	case protoreflect.FloatKind:
		return protoreflect.ValueOfFloat32(float32(p.float()))
	case protoreflect.DoubleKind:
		return protoreflect.ValueOfFloat64(p.float())
	case protoreflect.EnumKind:
		return protoreflect.ValueOfEnum(p.enum(fd.Enum()))
	}
	v := newMsg()
	if depth < maxDepth || fd.Message().FullName() == "google.protobuf.Value" { // an empty Value is refused
		p.message(v.Message(), depth+1)
	}
	return v
}
