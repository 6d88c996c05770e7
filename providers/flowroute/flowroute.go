// Package flowroute is the providers.Provider adapter for Flowroute API v2
// (Port-In API and Numbers API). See docs/mapping/flowroute.md for the field,
// status and error mapping; flowroutefake is its in-process fake.
package flowroute

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	segjson "github.com/segmentio/encoding/json"

	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/httpx"
)

// Name is the provider's resource id.
const Name = "flowroute"

// DefaultBaseURL is Flowroute's only (production) host.
const DefaultBaseURL = "https://api.flowroute.com"

const (
	// PortabilityBatchLimit is the most numbers sent in one portability check.
	PortabilityBatchLimit = 100
	// MaxDocumentBytes is the largest document UploadDocument accepts (10 MiB).
	MaxDocumentBytes = 10 << 20
	// maxPageSize is Flowroute's cap on limit.
	maxPageSize = 200
	// defaultListLimit is used when ListQuery.Limit is not positive.
	defaultListLimit = 50
)

// Config configures the adapter.
type Config struct {
	BaseURL              string // "" = DefaultBaseURL; tests point it at the fake
	AccessKey, SecretKey string
	HTTPClient           providers.Doer // nil = an *http.Client with timeouts
	// GroupCacheTTL bounds how long GetPortOrder trusts a remembered group
	// membership (RelatedOrders) of an unchanged order; 0 =
	// DefaultGroupCacheTTL, negative = always read the group.
	GroupCacheTTL time.Duration
}

// Provider is the Flowroute adapter. It is safe for concurrent use.
type Provider struct {
	base           string
	access, secret string
	// authValues is {"Basic " + base64(access:secret)}, the Authorization
	// header's value, shared by every request's header (never modified).
	authValues []string
	hc         providers.Doer
	groups     *groupCache
}

var (
	_ providers.Provider                = (*Provider)(nil)
	_ providers.PortOrderNumberModifier = (*Provider)(nil)
	_ providers.Commenter               = (*Provider)(nil)
	_ providers.DocumentStore           = (*Provider)(nil)
	_ providers.NumberUpdater           = (*Provider)(nil)
	_ providers.Aser                    = (*Provider)(nil)
)

// New validates cfg and builds the adapter.
func New(cfg Config) (*Provider, error) {
	base := cfg.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("flowroute: invalid BaseURL %q", cfg.BaseURL)
	}
	if v := strings.Trim(u.Path, "/"); v == "v2" || strings.HasPrefix(v, "v2.") || strings.HasSuffix(v, "/v2") {
		return nil, fmt.Errorf("flowroute: BaseURL %q ends in /%s, but the adapter adds /v2 to every path itself (requests would go to /%s/v2/... and answer 404); use the host only, e.g. %s", cfg.BaseURL, v, v, DefaultBaseURL)
	}
	if cfg.AccessKey == "" || cfg.SecretKey == "" {
		return nil, errors.New("flowroute: AccessKey and SecretKey are required")
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = httpx.DefaultClient()
	}
	ttl := cfg.GroupCacheTTL
	if ttl == 0 {
		ttl = DefaultGroupCacheTTL
	}
	auth := "Basic " + base64.StdEncoding.EncodeToString([]byte(cfg.AccessKey+":"+cfg.SecretKey))
	return &Provider{base: strings.TrimRight(base, "/"), access: cfg.AccessKey, secret: cfg.SecretKey, hc: hc,
		authValues: []string{auth}, groups: newGroupCache(ttl)}, nil
}

// Name implements providers.Provider.
func (p *Provider) Name() string { return Name }

// updatableOrderFields are the neutral mask paths UpdatePortOrder accepts:
// exactly what Flowroute documents as updatable (details: billing_name,
// usage_type, street…country, provider; presets: presets, alias).
var updatableOrderFields = []string{
	providers.FieldEndUserAuthorizedPerson, providers.FieldEndUserUsageType,
	providers.FieldEndUserServiceAddress, providers.FieldLosingCarrier,
	providers.FieldConfiguration, providers.FieldCustomerReference,
}

var updatableNumberFields = []string{
	providers.FieldNumberAlias, providers.FieldNumberCNAMLookupsEnabled, providers.FieldNumberMessagingEnabled,
	providers.FieldNumberConnectionID, providers.FieldNumberFailoverRouteID,
}

// Capabilities implements providers.Provider. Flowroute has no comment
// endpoint, so OpCreateComment is not listed.
func (p *Provider) Capabilities() providers.Capabilities {
	var ops []providers.Operation
	for _, op := range providers.AllOperations {
		if op != providers.OpCreateComment && !voiceMissing[op] && !portInMissing(op) && !noPortOutAPI[op] {
			ops = append(ops, op)
		}
	}
	return providers.Capabilities{
		PortOrderID:           OrderID,
		Operations:            ops,
		PortabilityBatchLimit: PortabilityBatchLimit,
		UpdatableOrderFields:  append([]string(nil), updatableOrderFields...),
		UpdatableNumberFields: append([]string(nil), updatableNumberFields...),
		MaxDocumentBytes:      MaxDocumentBytes,
		PortingRegions:        append([]string(nil), PortingRegions...),
	}
}

// resource says which NotFound reason a 404 maps to.
type resource int

const (
	resOrder resource = iota
	resNumber
	resOther
)

// response is a completed HTTP exchange with a 2xx status.
type response struct {
	status int
	header http.Header
	body   []byte
	// asked is the page size a list request asked for (0 = not a list):
	// list decoding sizes its item slice from it.
	asked int
}

var jsonValues = []string{"application/json"}

// call sends one request to the Flowroute API (Basic auth, JSON body) and
// returns the 2xx response or a *providers.Error.
func (p *Provider) call(ctx context.Context, method, path string, query url.Values, in any, res resource) (*response, error) {
	u := p.base + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return nil, &providers.Error{Code: providers.CodeUnknown, Provider: Name, Message: "encoding request", Err: err}
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return nil, &providers.Error{Code: providers.CodeUnknown, Provider: Name, Message: "building request", Err: err}
	}
	// The header's value slices are shared by every request (net/http
	// reads a request's header, never writes it): one map, no slice per
	// header per request. Authorization is req.SetBasicAuth(access,
	// secret), encoded once.
	if in != nil {
		req.Header = http.Header{"Authorization": p.authValues, "Accept": jsonValues, "Content-Type": jsonValues}
	} else {
		req.Header = http.Header{"Authorization": p.authValues, "Accept": jsonValues}
	}
	return p.send(ctx, req, res)
}

// send executes req and classifies the outcome.
func (p *Provider) send(ctx context.Context, req *http.Request, res resource) (*response, error) {
	resp, err := p.hc.Do(req)
	if err != nil {
		return nil, transportError(ctx, err)
	}
	defer resp.Body.Close()
	b, err := httpx.ReadBody(ctx, Name, resp)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, httpx.RequestRedactor(req, p.access, p.secret, p.access+":"+p.secret).Error(mapError(resp.StatusCode, resp.Header, b, res))
	}
	return &response{status: resp.StatusCode, header: resp.Header, body: b}, nil
}

// transportError maps a failed exchange: the caller's context wins, else Unavailable.
func transportError(ctx context.Context, err error) error {
	return httpx.TransportError(ctx, Name, "request failed: "+redactURL(err), err)
}

// redactURL drops the URL (and so any query) from *url.Error messages.
func redactURL(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Op + ": " + ue.Err.Error()
	}
	return err.Error()
}

// unmarshal decodes provider bodies (a variable so BenchmarkDecode* can
// compare decoders; docs/performance.md).
var unmarshal = unmarshalNoCopy

// unmarshalNoCopy is segjson.Unmarshal whose strings and raw messages point
// into body instead of being copied (one allocation per field less): the
// body is read for this one response and never reused, so it lives as long
// as the values decoded from it. Long-lived copies (caches) clone what they
// keep (groupCache.put). On any error it answers exactly what segjson.Unmarshal
// answers.
func unmarshalNoCopy(body []byte, v any) error {
	rest, err := segjson.Parse(body, v, segjson.DontCopyString|segjson.DontCopyRawMessage)
	if err != nil || len(rest) != 0 {
		return segjson.Unmarshal(body, v)
	}
	return nil
}

// decode unmarshals a successful body; failure is CodeBadResponse.
func decode(r *response, v any) error {
	if len(bytes.TrimSpace(r.body)) == 0 {
		return badResponse(r.status, "empty response body")
	}
	if err := unmarshal(r.body, v); err != nil {
		return &providers.Error{Code: providers.CodeBadResponse, Provider: Name, HTTPStatus: r.status,
			Message: "undecodable response body", Err: err}
	}
	return nil
}

func badResponse(status int, format string, args ...any) *providers.Error {
	return &providers.Error{Code: providers.CodeBadResponse, Provider: Name, HTTPStatus: status, Message: fmt.Sprintf(format, args...)}
}

// OrderID is the shape of Flowroute port order ids (decimal numbers sent as
// strings, e.g. "42361"; reference §2.3). Every method that addresses an
// order checks it before any request.
var OrderID = providers.NumericShape

// As exposes the adapter's HTTP client: i must be a *providers.Doer.
func (p *Provider) As(i any) bool { return providers.AsDoer(p.hc, i) }

// ErrorAs sets i, a **providers.Error, from err.
func (p *Provider) ErrorAs(err error, i any) bool { return providers.ErrorAsProviderError(err, i) }
