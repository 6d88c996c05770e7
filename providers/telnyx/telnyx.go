// Package telnyx is the Telnyx API v2 adapter: porting orders, portability
// checks, documents and phone numbers behind providers.Provider.
//
// Wire facts come from /work/shared/reference/telnyx.md; the field-by-field
// mapping is docs/mapping/telnyx.md. The sandbox counterpart is
// sandbox/telnyxfake.
package telnyx

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/httpx"
)

// Name is the provider's resource id.
const Name = "telnyx"

// DefaultBaseURL is the production API root (it includes /v2).
const DefaultBaseURL = "https://api.telnyx.com/v2"

// PortabilityBatchLimit is the most numbers one CheckPortability call sends.
// Telnyx publishes no limit; 100 keeps one request small and matches the
// ≤100 limit of the neighbouring additional_documents endpoint.
const PortabilityBatchLimit = 100

// MaxDocumentBytes is the largest document UploadDocument accepts (10 MiB).
const MaxDocumentBytes = 10 << 20

// maxPageSize is Telnyx's page[size] maximum.
const maxPageSize = 250

// Config configures the adapter.
type Config struct {
	BaseURL    string           // includes /v2; tests: fakeServer.URL + "/v2"
	APIKey     string           // bearer token
	HTTPClient providers.Doer   // nil = a sane *http.Client with timeouts
	Now        func() time.Time // nil = time.Now; used for the 48 h cancel cut-off
}

// Provider is the Telnyx adapter. It is safe for concurrent use.
type Provider struct {
	base   string
	apiKey string
	client providers.Doer
	now    func() time.Time
	ids    sync.Map // E.164 → numeric phone number id
}

var (
	_ providers.Provider      = (*Provider)(nil)
	_ providers.Commenter     = (*Provider)(nil)
	_ providers.DocumentStore = (*Provider)(nil)
	_ providers.NumberUpdater = (*Provider)(nil)
	_ providers.Aser          = (*Provider)(nil)
)

// New validates cfg and builds the adapter.
func New(cfg Config) (*Provider, error) {
	base := cfg.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("telnyx: invalid BaseURL %q", base)
	}
	if cfg.APIKey == "" {
		return nil, errors.New("telnyx: APIKey is required")
	}
	p := &Provider{base: strings.TrimSuffix(base, "/"), apiKey: cfg.APIKey, client: cfg.HTTPClient, now: cfg.Now}
	if p.client == nil {
		p.client = httpx.DefaultClient()
	}
	if p.now == nil {
		p.now = time.Now
	}
	return p, nil
}

// Name implements providers.Provider.
func (p *Provider) Name() string { return Name }

// UpdatableOrderFields are the neutral paths UpdatePortOrder accepts.
var UpdatableOrderFields = []string{
	providers.FieldEndUserEntityName, providers.FieldEndUserAuthorizedPerson, providers.FieldEndUserBillingNumber,
	providers.FieldEndUserServiceAddress, providers.FieldEndUserAccountNumber, providers.FieldEndUserPIN,
	providers.FieldEndUserTaxIdentifier, providers.FieldEndUserBusinessIdentifier,
	providers.FieldRequestedFOCTime, providers.FieldPortType, providers.FieldRemainingNumbersAction,
	providers.FieldNewBillingTelephoneNumber, providers.FieldConfiguration, providers.FieldCustomerReference,
	providers.FieldStatusCallbackURL,
}

// UpdatableNumberFields are the neutral paths UpdateNumber accepts.
var UpdatableNumberFields = []string{
	providers.FieldNumberAlias, providers.FieldNumberTags, providers.FieldNumberConnectionID,
	providers.FieldNumberMessagingProfileID, providers.FieldNumberMessagingEnabled,
	providers.FieldNumberPortOutPIN,
}

// Capabilities implements providers.Provider.
func (p *Provider) Capabilities() providers.Capabilities {
	// Telnyx v2 documents no way to change the numbers of an existing
	// order: ModifyPortOrderNumbers is not offered, sandbox or live.
	var ops []providers.Operation
	for _, op := range providers.AllOperations {
		// No CNAM record objects either (issue 14, e911): the number's
		// CNAM listing is set directly (SetNumberCallerIDName).
		if op != providers.OpModifyPortOrderNumbers && !voiceMissing[op] && !cnamRecordOp(op) {
			ops = append(ops, op)
		}
	}
	return providers.Capabilities{
		PortOrderID:           OrderID,
		Operations:            ops,
		PortabilityBatchLimit: PortabilityBatchLimit,
		UpdatableOrderFields:  append([]string(nil), UpdatableOrderFields...),
		UpdatableNumberFields: append([]string(nil), UpdatableNumberFields...),
		MaxDocumentBytes:      MaxDocumentBytes,
		PortOrderDetails: []string{providers.DetailRequirementsMet, providers.DetailRequirements,
			providers.DetailAllowedFOCWindows},
	}
}

// rawBody is a non-JSON request body (multipart uploads).
type rawBody struct {
	contentType string
	data        []byte
}

// call sends one request and decodes a 2xx JSON body into out (nil = discard).
func (p *Provider) call(ctx context.Context, method, path string, q url.Values, body any, out any, ec errCtx) error {
	target := p.base + path
	if len(q) > 0 {
		target += "?" + q.Encode()
	}
	var rd io.Reader
	contentType := ""
	switch b := body.(type) {
	case nil:
	case rawBody:
		rd, contentType = bytes.NewReader(b.data), b.contentType
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			return &providers.Error{Code: providers.CodeUnknown, Provider: Name, Message: "encode request", Err: err}
		}
		rd, contentType = bytes.NewReader(buf), "application/json"
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rd)
	if err != nil {
		return &providers.Error{Code: providers.CodeUnknown, Provider: Name, Message: "build request", Err: err}
	}
	req.Header.Set("Authorization", "Bearer "+p.apiKey)
	req.Header.Set("Accept", "application/json")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return transportError(ctx, err)
	}
	defer resp.Body.Close()
	data, err := httpx.ReadBody(ctx, Name, resp)
	if err != nil {
		return err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		// Whatever the provider (or a proxy) echoed of the request — the
		// Authorization header, the body's PIN or account number — is
		// scrubbed before the error leaves the adapter.
		return httpx.RequestRedactor(req, p.apiKey).Error(mapError(resp.StatusCode, resp.Header, data, ec))
	}
	if out == nil || resp.StatusCode == http.StatusNoContent {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return &providers.Error{Code: providers.CodeBadResponse, Provider: Name, HTTPStatus: resp.StatusCode,
			Message: fmt.Sprintf("undecodable %s %s response", method, ec.op), Err: err}
	}
	return nil
}

func transportError(ctx context.Context, err error) error {
	return httpx.TransportError(ctx, Name, "telnyx unreachable", err)
}

// listEnvelope is a paginated list answer.
type listEnvelope struct {
	Data []json.RawMessage `json:"data"`
	Meta struct {
		PageNumber   int `json:"page_number"`
		PageSize     int `json:"page_size"`
		TotalPages   int `json:"total_pages"`
		TotalResults int `json:"total_results"`
	} `json:"meta"`
}

// A Telnyx list cursor is "page.size.skip": Telnyx page number page of
// size size, from its skip-th item. Callers treat it as opaque.
func cursorOf(page, size, skip int) string { return fmt.Sprintf("%d.%d.%d", page, size, skip) }

// parseCursor reads a cursor back as an offset into the list.
func parseCursor(c string) (int, error) {
	if c == "" {
		return 0, nil
	}
	var page, size, skip int
	if n, err := fmt.Sscanf(c, "%d.%d.%d", &page, &size, &skip); err != nil || n != 3 || cursorOf(page, size, skip) != c ||
		page < 1 || page > 1_000_000 || size < 1 || size > maxPageSize || skip < 0 || skip >= size {
		return 0, &providers.Error{Code: providers.CodeInvalidArgument, Provider: Name, Reason: "INVALID_PAGE_TOKEN",
			Message: "list cursor is not one telnyx issued"}
	}
	return (page-1)*size + skip, nil
}

// window fetches the 1–2 pages of size Limit that cover the Limit items
// from lq.Cursor (the caller sets a stable oldest-first sort in q), and the
// cursor of the item after them ("" = none).
func (p *Provider) window(ctx context.Context, path string, q url.Values, lq providers.ListQuery, ec errCtx) ([]json.RawMessage, string, error) {
	limit := lq.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, maxPageSize)
	offset, err := parseCursor(lq.Cursor)
	if err != nil {
		return nil, "", err
	}
	first := offset/limit + 1
	skip := offset % limit
	fetch := func(num int) (*listEnvelope, error) {
		var env listEnvelope
		if err := p.call(ctx, http.MethodGet, path, pageQuery(q, num, limit), nil, &env, ec); err != nil {
			return nil, err
		}
		return &env, nil
	}
	env, err := fetch(first)
	if err != nil {
		return nil, "", err
	}
	total := env.Meta.TotalResults
	var items []json.RawMessage
	if skip < len(env.Data) {
		items = append(items, env.Data[skip:]...)
	}
	if skip > 0 && len(items) < limit && first*limit < total {
		next, err := fetch(first + 1)
		if err != nil {
			return nil, "", err
		}
		items = append(items, next.Data...)
	}
	if len(items) > limit {
		items = items[:limit]
	}
	if end := offset + len(items); end < total {
		return items, cursorOf(end/limit+1, limit, end%limit), nil
	}
	return items, "", nil
}

// all fetches every page of a (small) list, at most maxPages pages.
func (p *Provider) all(ctx context.Context, path string, q url.Values, ec errCtx) ([]json.RawMessage, error) {
	const maxPages = 40
	var out []json.RawMessage
	for num := 1; num <= maxPages; num++ {
		var env listEnvelope
		if err := p.call(ctx, http.MethodGet, path, pageQuery(q, num, maxPageSize), nil, &env, ec); err != nil {
			return nil, err
		}
		out = append(out, env.Data...)
		if len(env.Data) == 0 || num >= env.Meta.TotalPages {
			break
		}
	}
	return out, nil
}

// OrderID is the shape of Telnyx porting order ids (UUIDs, reference §4).
// Every method that addresses an order checks it before any request, so a
// caller's ".." never becomes GET /v2/porting_orders/...
var OrderID = providers.UUIDShape

// As exposes the adapter's HTTP client: i must be a *providers.Doer.
func (p *Provider) As(i any) bool { return providers.AsDoer(p.client, i) }

// ErrorAs sets i, a **providers.Error, from err.
func (p *Provider) ErrorAs(err error, i any) bool { return providers.ErrorAsProviderError(err, i) }

// pageQuery is a copy of q asking for page num of size items.
func pageQuery(q url.Values, num, size int) url.Values {
	out := make(url.Values, len(q)+2)
	for k, v := range q {
		out[k] = v
	}
	out.Set("page[number]", fmt.Sprint(num))
	out.Set("page[size]", fmt.Sprint(size))
	return out
}
