package flowroute

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/portgate/portgate/providers"
)

// pageThrough reads path page by page (limit/offset, limit capped at
// maxPageSize) from offset until want items are gathered or the list ends.
// decodePage turns one answer into its items and whether it carried a next
// link. With byCount (port orders: Flowroute's documented list has no
// links.next) a full page also means more may follow, and the last request
// asks for one item beyond the window so More is exact; paging stops at the
// first short page. On a call error it returns the items read so far with
// the error, so a caller can treat a late 404 as the end of the list.
func pageThrough[T any](ctx context.Context, p *Provider, path string, base url.Values, offset, want int, byCount bool,
	decodePage func(*response) ([]T, bool, error)) (items []T, more bool, err error) {
	if want <= 0 {
		want = defaultListLimit
	}
	offset = max(offset, 0)
	items = []T{}
	for len(items) < want {
		need := want - len(items)
		ask := min(need, maxPageSize)
		if byCount && need < maxPageSize {
			ask = need + 1 // the extra item says whether more remain
		}
		q := url.Values{}
		for k, v := range base {
			q[k] = v
		}
		q.Set("limit", strconv.Itoa(ask))
		q.Set("offset", strconv.Itoa(offset))
		r, err := p.call(ctx, http.MethodGet, path, q, nil, resOther)
		if err != nil {
			return items, false, err
		}
		r.asked = ask
		got, next, err := decodePage(r)
		if err != nil {
			return nil, false, err
		}
		if byCount {
			next = next || len(got) >= ask
			if len(got) > need {
				got = got[:need]
			}
		}
		items = append(items, got...)
		offset += len(got)
		more = next && len(got) > 0
		if !more {
			break
		}
	}
	return items, more, nil
}

// orderPage decodes one page of /v2/portorders.
func orderPage(r *response) ([]*providers.PortOrder, bool, error) {
	items, next, err := decodeList(r)
	if err != nil {
		return nil, false, err
	}
	out := make([]*providers.PortOrder, 0, len(items))
	for i := range items {
		o, err := toOrder(r.status, &items[i])
		if err != nil {
			return nil, false, err
		}
		out = append(out, o)
	}
	return out, next != "", nil
}
