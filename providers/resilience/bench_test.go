package resilience_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/sony/gobreaker/v2"

	"github.com/portgate/portgate/internal/latency"
	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/httpx"
	"github.com/portgate/portgate/providers/resilience"
	"github.com/portgate/portgate/sandbox/chaos"
)

// httpProvider is a minimal adapter: GetNumber is GET {base}/numbers/{n}.
type httpProvider struct {
	providers.Unimplemented
	base   string
	client *http.Client
}

func (p *httpProvider) Name() string                         { return p.ProviderName }
func (p *httpProvider) Capabilities() providers.Capabilities { return providers.Capabilities{} }

func (p *httpProvider) GetNumber(ctx context.Context, e164 string) (*providers.Number, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.base+"/numbers/"+e164, nil)
	if err != nil {
		return nil, err
	}
	resp, err := p.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, providers.AsError(p.ProviderName, ctx.Err())
		}
		return nil, &providers.Error{Code: providers.CodeUnavailable, Provider: p.ProviderName, Err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, &providers.Error{Code: providers.CodeUnavailable, Provider: p.ProviderName, Err: err}
	}
	if resp.StatusCode != http.StatusOK {
		return nil, &providers.Error{Code: providers.CodeUnavailable, Provider: p.ProviderName, HTTPStatus: resp.StatusCode}
	}
	var v struct {
		Number string `json:"number"`
	}
	if err := json.Unmarshal(body, &v); err != nil {
		return nil, &providers.Error{Code: providers.CodeBadResponse, Provider: p.ProviderName, Err: err}
	}
	return &providers.Number{PhoneNumber: v.Number}, nil
}

func numberHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = fmt.Fprintf(w, `{"number":%q}`, r.URL.Path[len("/numbers/"):])
	})
}

// phase runs n measured calls to healthy beside one call to other each
// (latency.Paired, back to back) and returns both latency sets.
func phase(n int, healthy, other *resilience.Provider) (healthyLat, otherLat []time.Duration) {
	ctx := context.Background()
	return latency.Paired(n, 0, func() {
		if _, err := healthy.GetNumber(ctx, "+13125550101"); err != nil {
			panic(err)
		}
	}, func() { _, _ = other.GetNumber(ctx, "+13125550100") })
}

// BenchmarkOutage measures, in one run, the no-fault baseline and an outage
// of one provider (every request 503, breaker open): latency of the open
// breaker's rejections and of the healthy provider's calls beside it.
//
//	go test -run '^$' -bench BenchmarkOutage -benchtime 5000x ./providers/resilience/
func BenchmarkOutage(b *testing.B) {
	inj := chaos.New(chaos.Faults{}, 1)
	down := httptest.NewServer(inj.Wrap(numberHandler()))
	defer down.Close()
	up := httptest.NewServer(numberHandler())
	defer up.Close()
	client := httpx.NewClient(httpx.Options{})
	defer client.CloseIdleConnections()

	quiet := resilience.WithLogger(slog.New(slog.DiscardHandler))
	pol := resilience.Policy{OpenTimeout: time.Hour, MaxAttempts: 1}
	a := resilience.Wrap(&httpProvider{Unimplemented: providers.Unimplemented{ProviderName: "flaky"}, base: down.URL, client: client}, pol, quiet)
	h := resilience.Wrap(&httpProvider{Unimplemented: providers.Unimplemented{ProviderName: "healthy"}, base: up.URL, client: client}, pol, quiet)

	// Warm both connection pools.
	phase(200, h, a)

	b.ResetTimer()
	baseHealthy, baseOther := phase(b.N, h, a)

	inj.Set(chaos.Faults{ErrorRate: 1})
	for a.BreakerState() != gobreaker.StateOpen {
		_, _ = a.GetNumber(context.Background(), "+13125550100")
	}
	outHealthy, open := phase(b.N, h, a)
	b.StopTimer()
	if a.BreakerState() != gobreaker.StateOpen {
		b.Fatal("breaker closed during the outage")
	}

	latency.Outage{BaseHealthy: baseHealthy, BaseOther: baseOther, Healthy: outHealthy, Open: open}.Report(b, "flaky")
}
