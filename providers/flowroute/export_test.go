package flowroute

import "time"

// SetClock replaces the group cache's clock (TTL tests).
func SetClock(p *Provider, now func() time.Time) { p.groups.now = now }

// GroupCacheLen is the number of orders the group cache remembers.
func GroupCacheLen(p *Provider) int { return p.groups.len() }

const GroupCacheGen = groupCacheGen
