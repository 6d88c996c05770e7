package service

import (
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"sync"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"

	pb "github.com/portgate/portgate/gen/portgate/v1"
)

// AIP-154 etags. They are weak ("W/…"): computed from the resource as the
// gateway reports it, so list and get answers carry the same etag; parts only
// some reads fill (requirements, FOC windows, routing, related orders,
// missing details) are left out.

func etagOf(m proto.Message) string {
	bp := etagBufs.Get().(*[]byte)
	defer etagBufs.Put(bp)
	b, err := proto.MarshalOptions{Deterministic: true}.MarshalAppend((*bp)[:0], m)
	if err != nil {
		return ""
	}
	if cap(b) <= maxPooledETagBuf {
		*bp = b
	}
	sum := sha256.Sum256(b)
	// One allocation: W/" + 16 base64 characters + ".
	var out strings.Builder
	out.Grow(3 + base64.RawURLEncoding.EncodedLen(12) + 1)
	out.WriteString(`W/"`)
	var enc [16]byte
	base64.RawURLEncoding.Encode(enc[:], sum[:12])
	out.Write(enc[:])
	out.WriteByte('"')
	return out.String()
}

// etagBufs are the marshal buffers etags are hashed from (a resource's
// encoding, reused instead of allocated per resource; buffers past
// maxPooledETagBuf are not kept).
var etagBufs = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

const maxPooledETagBuf = 64 << 10

// portOrderETag hashes o without the fields that vary by read path; o is
// restored before it returns.
func portOrderETag(o *pb.PortOrder) string {
	etag, routing, reqs, windows, related, missing, met := o.Etag, o.Routing, o.Requirements, o.AllowedFocWindows, o.RelatedOrders, o.MissingDetails, o.RequirementsMet
	o.Etag, o.Routing, o.Requirements, o.AllowedFocWindows, o.RelatedOrders, o.MissingDetails, o.RequirementsMet = "", nil, nil, nil, nil, nil, false
	tag := etagOf(o)
	o.Etag, o.Routing, o.Requirements, o.AllowedFocWindows, o.RelatedOrders, o.MissingDetails, o.RequirementsMet = etag, routing, reqs, windows, related, missing, met
	return tag
}

func numberETag(n *pb.Number) string {
	// caller_id_name is left out: Telnyx fills it on GetNumber only (its
	// voice settings), and only Set/ClearNumberCallerIdName change it.
	etag, cid := n.Etag, n.CallerIdName
	n.Etag, n.CallerIdName = "", nil
	tag := etagOf(n)
	n.Etag, n.CallerIdName = etag, cid
	return tag
}

// checkETag refuses a mutation whose etag no longer matches the resource
// (ABORTED, ETAG_MISMATCH), before any provider write. An empty etag is no
// precondition.
func checkETag(field, want, current, name string) error {
	if want == "" || want == current {
		return nil
	}
	return gatewayError(codes.Aborted, ReasonETagMismatch,
		field+": the resource changed since it was read (etag "+want+", now "+current+"): read it again and retry",
		map[string]string{"resource": name})
}
