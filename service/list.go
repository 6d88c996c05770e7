package service

import (
	"context"
	"sync"
)

// maxFetchesPerPage bounds provider round trips for one page when the
// gateway-side filter discards most items; the page may then be short, with a
// next_page_token (AIP-158 allows that).
const maxFetchesPerPage = 8

// fetchFunc reads a raw page of one provider's oldest-first list from an
// opaque provider cursor ("" = the start); next is the cursor after it ("" =
// the end).
type fetchFunc[T any] func(ctx context.Context, b *Backend, cursor string, limit int) (items []T, next string, err error)

type cursorItem[T any] struct {
	v     T
	after *cursorPos // the position just past this item; nil = end of list
}

type providerRun[T any] struct {
	b       *Backend
	start   cursorPos
	matched []cursorItem[T]
	end     *cursorPos // position scanned to; nil = the list is exhausted
	err     error
}

// collect reads up to size matching items from one provider starting at
// pos: the page at pos.C, less its first pos.S items (already returned).
func collect[T any](ctx context.Context, b *Backend, pos cursorPos, size int, fetch fetchFunc[T], match func(T) bool) providerRun[T] {
	run := providerRun[T]{b: b, start: pos}
	end := pos
	run.end = &end
	for i := 0; i < maxFetchesPerPage && len(run.matched) < size; i++ {
		items, next, err := fetch(ctx, b, pos.C, size-len(run.matched)+pos.S)
		if err != nil {
			run.err = err
			return run
		}
		skip := min(pos.S, len(items))
		for j, it := range items[skip:] {
			var after *cursorPos
			switch idx := skip + j + 1; {
			case idx < len(items):
				after = &cursorPos{C: pos.C, S: idx}
			case next != "":
				after = &cursorPos{C: next}
			}
			if match(it) {
				run.matched = append(run.matched, cursorItem[T]{v: it, after: after})
			}
		}
		if next == "" || len(items) == skip {
			run.end = nil
			return run
		}
		pos = cursorPos{C: next}
		end := pos
		run.end = &end
	}
	return run
}

// listResult is one merged page.
type listResult[T any] struct {
	items       []providerItem[T]
	next        map[string]cursorPos // nil = last page
	unreachable []string
}

type providerItem[T any] struct {
	provider string
	v        T
}

// listAcross pages through one or more providers. offsets is the decoded page
// token: one provider cursor position per provider (nil = first page: every
// provider from its start). Per provider it takes a
// prefix of that provider's list (k-way merge by less), so walking pages has
// no gaps or duplicates even if providers order differently than less.
// With one backend, its error is returned; with several, a failing provider
// is reported in unreachable and retried from the same cursor next page.
func listAcross[T any](ctx context.Context, backends []*Backend, offsets map[string]cursorPos, size int,
	fetch fetchFunc[T], match func(T) bool, less func(a, b T) bool) (*listResult[T], error) {
	var active []*Backend
	for _, b := range backends {
		if offsets == nil {
			active = append(active, b)
		} else if _, ok := offsets[b.Provider.Name()]; ok {
			active = append(active, b)
		}
	}
	runs := make([]providerRun[T], len(active))
	run := func(i int) {
		runs[i] = collect(ctx, active[i], offsets[active[i].Provider.Name()], size, fetch, match)
	}
	if len(active) == 1 {
		// One provider (a providers/NAME parent): on the caller's goroutine,
		// whose stack has already grown through the handler chain (a fresh
		// goroutine grew its stack on every page: ~6 % of a page's CPU).
		run(0)
	} else {
		var wg sync.WaitGroup
		for i := range active {
			wg.Go(func() { run(i) })
		}
		wg.Wait()
	}

	res := &listResult[T]{}
	failed := 0
	for _, r := range runs {
		if r.err != nil {
			failed++
		}
	}
	if failed > 0 && failed == len(runs) {
		return nil, runs[0].err // nothing reachable: the call fails
	}
	taken := make([]int, len(runs))
	for len(res.items) < size {
		best := -1
		for i := range runs {
			if runs[i].err != nil || taken[i] >= len(runs[i].matched) {
				continue
			}
			if best < 0 || less(runs[i].matched[taken[i]].v, runs[best].matched[taken[best]].v) {
				best = i
			}
		}
		if best < 0 {
			break
		}
		res.items = append(res.items, providerItem[T]{provider: runs[best].b.Provider.Name(), v: runs[best].matched[taken[best]].v})
		taken[best]++
	}
	next := map[string]cursorPos{}
	for i, r := range runs {
		name := r.b.Provider.Name()
		switch {
		case r.err != nil:
			res.unreachable = append(res.unreachable, providerName(name))
			next[name] = r.start
		case taken[i] == len(r.matched):
			// Everything matching up to r.end was returned.
			if r.end != nil {
				next[name] = *r.end
			}
		case taken[i] == 0:
			next[name] = r.start
		default:
			next[name] = *r.matched[taken[i]-1].after
		}
	}
	if len(next) > 0 {
		res.next = next
	}
	return res, nil
}
