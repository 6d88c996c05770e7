package flowroute

import (
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/portgate/portgate/providers"
)

func TestGroupCacheBounded(t *testing.T) {
	c := newGroupCache(time.Minute)
	at := time.Unix(1700000000, 0)
	for i := 0; i < 3*groupCacheGen; i++ {
		c.put(&providers.PortOrder{ID: strconv.Itoa(i), GroupID: "g", UpdateTime: at, RelatedOrders: []string{"x"}})
	}
	if n := c.len(); n > 2*groupCacheGen {
		t.Fatalf("cache holds %d orders; bound %d", n, 2*groupCacheGen)
	}
	last := &providers.PortOrder{ID: strconv.Itoa(3*groupCacheGen - 1), GroupID: "g", UpdateTime: at}
	if rel, ok := c.get(last); !ok || len(rel) != 1 {
		t.Fatalf("latest entry lost: %v %v", rel, ok)
	}
	// No timestamp: nothing to tell versions apart, never cached.
	c.put(&providers.PortOrder{ID: "nots", GroupID: "g"})
	if _, ok := c.get(&providers.PortOrder{ID: "nots", GroupID: "g"}); ok {
		t.Fatal("an order without timestamps was cached")
	}
}

// FuzzPlainLiterals: the literal fast paths read what encoding/json reads.
func FuzzPlainLiterals(f *testing.F) {
	for _, s := range []string{`"42000"`, `42000`, `"+13125550100"`, `"a\"b"`, `"\u00e9"`, `007`, `0`, `-1`, `1e3`, `"é"`, "\"\x01\"", `"`, `""`, `null`, `12345678901234567890123`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		if s, ok := plainString(raw); ok {
			var want string
			if err := json.Unmarshal(raw, &want); err != nil || want != s {
				t.Fatalf("plainString(%q) = %q; encoding/json: %q, %v", raw, s, want, err)
			}
		}
		if plainUint(raw) {
			var n json.Number
			if err := json.Unmarshal(raw, &n); err != nil || n.String() != string(raw) {
				t.Fatalf("plainUint(%q); encoding/json: %q, %v", raw, n, err)
			}
		}
	})
}
