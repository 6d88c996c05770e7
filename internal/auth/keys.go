// Package auth authenticates portgate's callers with API keys and authorizes
// each RPC by scope and provider. One gRPC interceptor ([Authenticator])
// covers gRPC and REST alike: the REST gateway dials the gRPC server and
// forwards the caller's Authorization / x-api-key header as metadata.
//
// Keys are never stored: the gateway keeps the SHA-256 of each key (keys are
// 256-bit random strings from [NewKey], so a fast hash is enough; a slow
// password hash such as bcrypt or argon2 protects low-entropy secrets, which
// these are not, and would cost milliseconds on every call). Presented keys
// are hashed and compared with every stored hash in constant time.
package auth

import (
	"bufio"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
)

// Scope is one permission a key can hold.
type Scope string

// Scopes. Admin implies every other scope.
const (
	ScopePortingRead  Scope = "porting.read"
	ScopePortingWrite Scope = "porting.write"
	ScopeNumbersRead  Scope = "numbers.read"
	ScopeNumbersWrite Scope = "numbers.write"
	ScopeEventsRead   Scope = "events.read"
	ScopeAdmin        Scope = "admin"
)

// AllScopes lists every scope in documentation order.
var AllScopes = []Scope{ScopePortingRead, ScopePortingWrite, ScopeNumbersRead, ScopeNumbersWrite, ScopeEventsRead, ScopeAdmin}

// KeyPrefix starts every key NewKey makes, so a leaked key is recognizable
// (secret scanners) and never confused with a provider credential.
const KeyPrefix = "pgk_"

// minKeyLen is the shortest key HashKey accepts: a key is a bearer secret and
// must not be guessable (NewKey's are 47 characters).
const minKeyLen = 32

// Key is one configured API key: its id (logged, used to scope idempotency
// records), the SHA-256 of the secret, its scopes and, when non-empty, the
// only providers it may address.
type Key struct {
	ID        string
	Hash      [sha256.Size]byte
	Scopes    []Scope
	Providers []string // provider ids ("flowroute"); empty = every provider
}

// HasScope reports whether the key holds s (admin holds every scope).
func (k *Key) HasScope(s Scope) bool {
	return slices.Contains(k.Scopes, s) || slices.Contains(k.Scopes, ScopeAdmin)
}

// AllowsProvider reports whether the key may address provider p.
func (k *Key) AllowsProvider(p string) bool {
	return len(k.Providers) == 0 || slices.Contains(k.Providers, p)
}

// Limited reports whether the key is limited to some providers.
func (k *Key) Limited() bool { return len(k.Providers) > 0 }

// NewKey returns a fresh random API key: "pgk_" + 32 random bytes, base64url.
func NewKey() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand panics instead)
	return KeyPrefix + base64.RawURLEncoding.EncodeToString(b)
}

// HashKey returns the hex SHA-256 of key as stored in a key line. It refuses
// keys shorter than 32 characters.
func HashKey(key string) (string, error) {
	if len(key) < minKeyLen {
		return "", fmt.Errorf("auth: a key must be at least %d characters (use a generated one)", minKeyLen)
	}
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:]), nil
}

// FormatKey renders k as one key line, the format ParseKeys reads.
func FormatKey(k Key) string {
	scopes := make([]string, len(k.Scopes))
	for i, s := range k.Scopes {
		scopes[i] = string(s)
	}
	return k.ID + ":" + hex.EncodeToString(k.Hash[:]) + ":" + strings.Join(scopes, ",") + ":" + strings.Join(k.Providers, ",")
}

// ParseKeys reads key lines: one key per line (or separated by ';' in an
// environment variable), each
//
//	id:sha256hex:scope[,scope...]:[provider[,provider...]]
//
// e.g. "ci:9f86d0…:porting.read,numbers.read:flowroute". The id is
// [A-Za-z0-9._-]{1,64}; the hash is the 64-hex SHA-256 of the key (see
// HashKey); providers are ids ("flowroute") or names ("providers/flowroute"),
// empty = every provider. Blank lines and lines starting with '#' are
// skipped. Errors name the line, never a hash.
func ParseKeys(src string) ([]Key, error) {
	var out []Key
	var errs []error
	sc := bufio.NewScanner(strings.NewReader(strings.ReplaceAll(src, ";", "\n")))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, err := parseKeyLine(line)
		if err != nil {
			errs = append(errs, fmt.Errorf("key %d: %w", n, err))
			continue
		}
		out = append(out, k)
	}
	if err := sc.Err(); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

// LoadKeyFile reads a file of key lines (see ParseKeys).
func LoadKeyFile(path string) ([]Key, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseKeys(string(b))
}

func parseKeyLine(line string) (Key, error) {
	f := strings.Split(line, ":")
	if len(f) != 4 {
		return Key{}, errors.New("want id:sha256hex:scopes:providers (providers may be empty)")
	}
	var k Key
	k.ID = strings.TrimSpace(f[0])
	if !validID(k.ID) {
		return Key{}, fmt.Errorf("id %q: want 1-64 of A-Z a-z 0-9 . _ -", k.ID)
	}
	h, err := hex.DecodeString(strings.TrimSpace(f[1]))
	if err != nil || len(h) != sha256.Size {
		return Key{}, fmt.Errorf("key %q: the hash must be 64 hex digits (SHA-256 of the key, see `portgate hash-key`), not the key itself", k.ID)
	}
	copy(k.Hash[:], h)
	for _, s := range strings.Split(f[2], ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if !slices.Contains(AllScopes, Scope(s)) {
			return Key{}, fmt.Errorf("key %q: unknown scope %q (known: %s)", k.ID, s, scopeList())
		}
		if !slices.Contains(k.Scopes, Scope(s)) {
			k.Scopes = append(k.Scopes, Scope(s))
		}
	}
	if len(k.Scopes) == 0 {
		return Key{}, fmt.Errorf("key %q: no scopes (known: %s)", k.ID, scopeList())
	}
	for _, p := range strings.Split(f[3], ",") {
		p = strings.TrimPrefix(strings.TrimSpace(p), "providers/")
		if p == "" {
			continue
		}
		if p == "-" || strings.Trim(p, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
			return Key{}, fmt.Errorf("key %q: invalid provider %q", k.ID, p)
		}
		if !slices.Contains(k.Providers, p) {
			k.Providers = append(k.Providers, p)
		}
	}
	return k, nil
}

func validID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
		default:
			return false
		}
	}
	return true
}

func scopeList() string {
	s := make([]string, len(AllScopes))
	for i, sc := range AllScopes {
		s[i] = string(sc)
	}
	return strings.Join(s, ", ")
}

// Keyring is a validated set of keys.
type Keyring struct{ keys []Key }

// NewKeyring checks that ids and hashes are unique.
func NewKeyring(keys []Key) (*Keyring, error) {
	ids := map[string]bool{}
	hashes := map[[sha256.Size]byte]string{}
	for _, k := range keys {
		if ids[k.ID] {
			return nil, fmt.Errorf("auth: key id %q configured twice", k.ID)
		}
		ids[k.ID] = true
		if other, dup := hashes[k.Hash]; dup {
			return nil, fmt.Errorf("auth: keys %q and %q have the same hash (the same key)", other, k.ID)
		}
		hashes[k.Hash] = k.ID
	}
	return &Keyring{keys: slices.Clone(keys)}, nil
}

// Len is the number of keys.
func (r *Keyring) Len() int { return len(r.keys) }

// Lookup hashes presented and compares it with every stored hash in
// constant time (no early exit), returning the matching key.
func (r *Keyring) Lookup(presented string) (*Key, bool) {
	sum := sha256.Sum256([]byte(presented))
	found := -1
	for i := range r.keys {
		if subtle.ConstantTimeCompare(sum[:], r.keys[i].Hash[:]) == 1 {
			found = i
		}
	}
	if found < 0 {
		return nil, false
	}
	return &r.keys[found], true
}
