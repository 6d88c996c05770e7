package flowroute

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/portgate/portgate/providers"
)

// DefaultGroupCacheTTL is how long GetPortOrder trusts a remembered group
// membership of an order that has not changed (see groupCache).
const DefaultGroupCacheTTL = 30 * time.Second

// groupCacheGen bounds the group cache: at most 2×groupCacheGen orders.
const groupCacheGen = 4096

// groupCache remembers, per order id, the ids of the other orders of its
// group (RelatedOrders), so that a steady-state GetPortOrder makes one
// provider call instead of two. Only membership is remembered, never the
// order: GetPortOrder always reads the order itself, and an entry is used
// only while
//   - the order read now carries the same version (group_id, modified_at /
//     status_updated_at, status and numbers) as when the group was read:
//     any change to the order, however it was made, re-reads the group;
//   - it is younger than the TTL: a group that gains an order without this
//     order changing (a split made outside portgate) shows within the TTL.
//
// Every write through portgate (create, update, modify numbers, submit,
// cancel) re-reads the group and refreshes the entries of all its members.
// It holds at most 2×groupCacheGen entries (two generations: when the
// current one fills it becomes the previous one and the older is dropped).
type groupCache struct {
	ttl       time.Duration // <= 0: off
	now       func() time.Time
	mu        sync.Mutex
	cur, prev map[string]groupEntry
}

type groupEntry struct {
	version version
	related []string
	at      time.Time
}

func newGroupCache(ttl time.Duration) *groupCache {
	return &groupCache{ttl: ttl, now: time.Now, cur: map[string]groupEntry{}}
}

// version identifies the version of an order a membership was read with.
type version struct {
	group   string
	updated time.Time
	status  string
	numbers []string
}

// versionOf returns o's version; ok=false = o carries no group or no
// timestamp to tell versions apart (never cached).
func versionOf(o *providers.PortOrder) (version, bool) {
	if o.GroupID == "" || o.UpdateTime.IsZero() {
		return version{}, false
	}
	return version{group: o.GroupID, updated: o.UpdateTime, status: o.ProviderStatus, numbers: o.PhoneNumbers}, true
}

func (v version) same(o *providers.PortOrder) bool {
	return v.group == o.GroupID && v.updated.Equal(o.UpdateTime) && v.status == o.ProviderStatus &&
		slices.Equal(v.numbers, o.PhoneNumbers)
}

func (c *groupCache) get(o *providers.PortOrder) ([]string, bool) {
	if c == nil || c.ttl <= 0 {
		return nil, false
	}
	if o.GroupID == "" || o.UpdateTime.IsZero() {
		return nil, false
	}
	c.mu.Lock()
	e, ok := c.cur[o.ID]
	if !ok {
		e, ok = c.prev[o.ID]
	}
	c.mu.Unlock()
	if !ok || !e.version.same(o) || c.now().Sub(e.at) >= c.ttl {
		return nil, false
	}
	return append([]string(nil), e.related...), true
}

// put remembers each order's RelatedOrders (as just read from the group).
func (c *groupCache) put(orders ...*providers.PortOrder) {
	if c == nil || c.ttl <= 0 {
		return
	}
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, o := range orders {
		v, ok := versionOf(o)
		if !ok {
			continue
		}
		// Cloned: decoded strings point into the response body
		// (unmarshalNoCopy), which a cache entry must not keep alive.
		v.numbers = slices.Clone(v.numbers)
		for i, n := range v.numbers {
			v.numbers[i] = strings.Clone(n)
		}
		v.group, v.status = strings.Clone(v.group), strings.Clone(v.status)
		if len(c.cur) >= groupCacheGen {
			c.prev, c.cur = c.cur, make(map[string]groupEntry, groupCacheGen/4)
		}
		related := make([]string, len(o.RelatedOrders))
		for i, r := range o.RelatedOrders {
			related[i] = strings.Clone(r)
		}
		c.cur[strings.Clone(o.ID)] = groupEntry{version: v, related: related, at: now}
	}
}

func (c *groupCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.cur) + len(c.prev)
}

// withRelated fills RelatedOrders from the order's group, read now, and
// refreshes the cache for every member of the group. It never fails: it
// runs after reads and accepted writes alike, and a failed group lookup only
// leaves DetailRelatedOrders in MissingDetails.
func (p *Provider) withRelated(ctx context.Context, o *providers.PortOrder) (*providers.PortOrder, error) {
	all, err := p.group(ctx, o)
	if err != nil {
		o.MissingDetails = append(o.MissingDetails, providers.DetailRelatedOrders)
		return o, nil
	}
	o.RelatedOrders = nil
	self := false
	for _, x := range all {
		if x.ID != o.ID {
			o.RelatedOrders = append(o.RelatedOrders, x.ID)
		} else {
			self = true
		}
	}
	if self {
		// The group as listed includes o: remember every member's view.
		for _, x := range all {
			if x.ID != o.ID {
				x.RelatedOrders = nil
				for _, y := range all {
					if y.ID != x.ID {
						x.RelatedOrders = append(x.RelatedOrders, y.ID)
					}
				}
			}
		}
		p.groups.put(all...)
	}
	p.groups.put(o)
	return o, nil
}

// withRelatedCached is withRelated answered from the cache when the order
// has not changed since its group was read (see groupCache).
func (p *Provider) withRelatedCached(ctx context.Context, o *providers.PortOrder) (*providers.PortOrder, error) {
	if o.GroupID == "" {
		return p.withRelated(ctx, o)
	}
	if rel, ok := p.groups.get(o); ok {
		o.RelatedOrders = rel
		return o, nil
	}
	return p.withRelated(ctx, o)
}
