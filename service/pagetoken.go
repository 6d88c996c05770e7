package service

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
)

const (
	pageTokenVersion = 1
	defaultPageSize  = 50
	maxPageSize      = 250
)

// pageToken is the opaque AIP-158 token: versioned, base64url JSON, bound to
// the parent and filter it was issued for. Offsets holds one cursor per
// provider (a raw offset into that provider's oldest-first list); a provider
// absent from Offsets is exhausted.
type pageToken struct {
	V       int            `json:"v"`
	Binding string         `json:"b"`
	Offsets map[string]int `json:"o"`
}

func binding(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}

func encodePageToken(bind string, offsets map[string]int) string {
	if len(offsets) == 0 {
		return ""
	}
	b, _ := json.Marshal(pageToken{V: pageTokenVersion, Binding: bind, Offsets: offsets})
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodePageToken returns nil offsets for the first page ("" token).
func decodePageToken(tok, bind string) (map[string]int, error) {
	if tok == "" {
		return nil, nil
	}
	bad := func(desc string) error {
		return invalidArgument(ReasonInvalidPageToken, fieldViolation{"page_token", desc})
	}
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return nil, bad("not a page token issued by this API")
	}
	var pt pageToken
	if err := json.Unmarshal(raw, &pt); err != nil || pt.V != pageTokenVersion || pt.Offsets == nil {
		return nil, bad("not a page token issued by this API")
	}
	if pt.Binding != bind {
		return nil, bad("page token was issued for a different parent or filter")
	}
	for _, off := range pt.Offsets {
		if off < 0 {
			return nil, bad("corrupt page token")
		}
	}
	return pt.Offsets, nil
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
