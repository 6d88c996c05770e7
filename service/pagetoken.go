package service

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
)

const (
	pageTokenVersion = 3
	defaultPageSize  = 50
	maxPageSize      = 250
	// maxTokenOffset bounds every offset a page token may carry, even a
	// correctly signed one (defence in depth: a leaked key must not let a
	// caller send absurd page numbers to a provider).
	maxTokenOffset = 10_000_000
	// maxTokenCursor bounds one provider cursor inside a token.
	maxTokenCursor = 256
	// maxPageTokenLen bounds what decodePageToken reads (genuine tokens are
	// well under 200 bytes).
	maxPageTokenLen = 1024
	// MinPageTokenKeyLen is the shortest PORTGATE_PAGE_TOKEN_KEY accepted.
	MinPageTokenKeyLen = 32
	macLen             = sha256.Size
)

// pageToken is the opaque AIP-158 token: base64url of versioned JSON followed
// by its HMAC-SHA256 under the deployment's page-token key, so a caller can
// neither forge nor alter one. The MAC covers the payload and the binding
// (list kind, parent, filter, order_by), so a token only works for the list
// it was issued for; page_size may change between pages (AIP-158). Pos
// holds one position per provider: the provider's own opaque list cursor
// and how many items of that page were already returned; a provider absent
// from Pos is exhausted. Child lists (comments, documents), which the
// gateway pages itself, use key "_" with S as the offset.
type pageToken struct {
	V   int                  `json:"v"`
	Pos map[string]cursorPos `json:"p"`
}

// cursorPos is a position in one provider's list.
type cursorPos struct {
	C string `json:"c,omitempty"` // the provider's cursor of a page ("" = first)
	S int    `json:"s,omitempty"` // items of that page already returned
}

// pageTokens signs and checks page tokens with one key.
type pageTokens struct{ key []byte }

// newPageTokens uses key, or a random per-process key when key is empty
// (random reports that, for the start-up warning).
func newPageTokens(key []byte) (pt *pageTokens, random bool, err error) {
	if len(key) == 0 {
		k := make([]byte, 32)
		if _, err := rand.Read(k); err != nil {
			return nil, false, fmt.Errorf("service: page token key: %w", err)
		}
		return &pageTokens{key: k}, true, nil
	}
	if len(key) < MinPageTokenKeyLen {
		return nil, false, fmt.Errorf("service: page token key must be at least %d bytes", MinPageTokenKeyLen)
	}
	return &pageTokens{key: append([]byte(nil), key...)}, false, nil
}

// binding names the list a token belongs to: kind, parent, filter, order_by.
type binding struct{ kind, parent, filter, orderBy string }

func (p *pageTokens) mac(b binding, payload []byte) []byte {
	h := hmac.New(sha256.New, p.key)
	for _, s := range []string{"portgate-page-token", b.kind, b.parent, b.filter, b.orderBy} {
		fmt.Fprintf(h, "%d:%s;", len(s), s)
	}
	h.Write(payload)
	return h.Sum(nil)
}

func (p *pageTokens) encode(b binding, pos map[string]cursorPos) string {
	if len(pos) == 0 {
		return ""
	}
	payload, _ := json.Marshal(pageToken{V: pageTokenVersion, Pos: pos})
	return base64.RawURLEncoding.EncodeToString(append(payload, p.mac(b, payload)...))
}

// decode returns nil offsets for the first page ("" token). allowed are the
// cursor keys the list can have (provider ids, or "_" for child lists); a
// token naming anything else, or an offset out of range, is refused even
// when its MAC is right.
func (p *pageTokens) decode(tok string, b binding, allowed []string) (map[string]cursorPos, error) {
	if tok == "" {
		return nil, nil
	}
	bad := func(desc string) error {
		return invalidArgument(ReasonInvalidPageToken, fieldViolation{"page_token", desc})
	}
	notOurs := bad("not a page token issued by this API for this list (a token only works with the parent, filter and order_by it came from)")
	if len(tok) > maxPageTokenLen {
		return nil, notOurs
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(tok) // Strict: one encoding per token
	if err != nil || len(raw) <= macLen {
		return nil, notOurs
	}
	payload, sum := raw[:len(raw)-macLen], raw[len(raw)-macLen:]
	if !hmac.Equal(sum, p.mac(b, payload)) {
		return nil, notOurs
	}
	var pt pageToken
	if err := json.Unmarshal(payload, &pt); err != nil || pt.V != pageTokenVersion || len(pt.Pos) == 0 {
		return nil, bad("corrupt page token")
	}
	for k, pos := range pt.Pos {
		if !contains(allowed, k) {
			return nil, bad("page token names a provider this list does not have")
		}
		if pos.S < 0 || pos.S > maxTokenOffset || len(pos.C) > maxTokenCursor {
			return nil, bad("page token offset out of range")
		}
	}
	return pt.Pos, nil
}

// pageSize applies AIP-158 defaults: 0 → 50, >250 → 250, negative → error.
func pageSize(n int32) (int, error) {
	switch {
	case n < 0:
		return 0, invalidArgument(ReasonInvalidArgument, fieldViolation{"page_size", "must not be negative"})
	case n == 0:
		return defaultPageSize, nil
	case n > maxPageSize:
		return maxPageSize, nil
	}
	return int(n), nil
}
