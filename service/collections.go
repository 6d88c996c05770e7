package service

import (
	"context"

	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/portable"
)

// listPlain is listTop for a provider-owned collection with no filter
// (voice routes, messaging profiles, emergency addresses, caller ID names):
// one provider's items, or for providers/- every provider's, merged by
// less. With skipMissing, providers/- leaves out a provider without op
// instead of reporting it unreachable.
func listPlain[T any](ctx context.Context, c *core, kind string, op providers.Operation, skipMissing bool,
	parent string, pageSz int32, token string, less func(a, b T) bool,
	list func(context.Context, *portable.Client, providers.ListQuery) ([]T, string, error)) (*listResult[T], string, error) {
	all := parent == providerName(AllProviders)
	return listTop(ctx, c, listSpec[T]{
		kind: kind, fields: map[string]filterField{},
		record: func(T) filterRecord { return func(string) []any { return nil } },
		less:   less,
		fetch: func(expr) func(context.Context, *portable.Client, providers.ListQuery) ([]T, string, error) {
			return func(ctx context.Context, p *portable.Client, q providers.ListQuery) ([]T, string, error) {
				if all && skipMissing && !p.Supports(op) {
					return nil, "", nil
				}
				return list(ctx, p, q)
			}
		},
	}, parent, pageSz, token, "")
}

// child resolves a provider-owned resource name ("providers/{p}/{kind}/{id}")
// to its provider's backend.
func (c *core) child(field, name, kind, pattern string) (prov, id string, b *Backend, err error) {
	if prov, id, err = parseChild(field, name, kind, pattern); err != nil {
		return "", "", nil, err
	}
	if b, err = c.backend(field, prov); err != nil {
		return "", "", nil, err
	}
	return prov, id, b, nil
}
