package flowroute

import (
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
