package flowroute_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/flowroute"
	"github.com/portgate/portgate/providers/providertest"
	"github.com/portgate/portgate/sandbox/flowroutefake"
)

// conformanceHarness runs the adapter against flowroutefake over real HTTP.
type conformanceHarness struct {
	*providertest.Faults // InjectFault: Flowroute's fake has no fault hook
	fake                 *flowroutefake.Fake
	srv                  *httptest.Server
	p                    *flowroute.Provider
}

func newConformanceHarness(_ context.Context, _ *testing.T) (providertest.Harness, error) {
	const access, secret = "conf-key", "conformance-secret-0123456789abc"
	fake := flowroutefake.New(flowroutefake.Options{AccessKey: access, SecretKey: secret, StepInterval: 0})
	faults := &providertest.Faults{Next: fake}
	srv := httptest.NewServer(faults)
	p, err := flowroute.New(flowroute.Config{BaseURL: srv.URL, AccessKey: access, SecretKey: secret, HTTPClient: srv.Client()})
	if err != nil {
		srv.Close()
		fake.Close()
		return nil, err
	}
	return &conformanceHarness{Faults: faults, fake: fake, srv: srv, p: p}, nil
}

func (h *conformanceHarness) Provider() providers.Provider { return h.p }

func (h *conformanceHarness) Advance(context.Context) error {
	h.fake.Advance()
	return nil
}

// ValidOrder fills Flowroute's required create attributes: billing_name
// (authorized person), street, city, state, country and provider.
func (h *conformanceHarness) ValidOrder(numbers []string) providers.PortOrder {
	return providers.PortOrder{
		PhoneNumbers:  numbers,
		LosingCarrier: "Verizon",
		EndUser: providers.EndUser{
			EntityName:             "Acme Widgets LLC",
			AuthorizedPerson:       "Jane Roe",
			BillingTelephoneNumber: numbers[0],
			UsageType:              providers.UsageBusiness,
			ServiceAddress: providers.Address{
				StreetAddress: "311 W Superior St", Locality: "Chicago", AdministrativeArea: "IL",
				PostalCode: "60654", CountryCode: "US",
			},
		},
	}
}

func (h *conformanceHarness) Close() {
	h.srv.Close()
	h.fake.Close()
}

func TestConformance(t *testing.T) {
	providertest.RunConformanceTests(t, newConformanceHarness, providertest.DoerAsTest{Provider: "Flowroute"})
}

// statusOf is the Flowroute status the harness forces for a neutral state.
var statusOf = map[providers.State]string{
	providers.StateDraft:        flowroutefake.StatusPending,
	providers.StateSubmitted:    flowroutefake.StatusProcessing,
	providers.StateInProgress:   flowroutefake.StatusSubmitted,
	providers.StateFOCConfirmed: flowroutefake.StatusAccepted,
	providers.StateException:    flowroutefake.StatusRejected,
	providers.StateCompleted:    flowroutefake.StatusCompleted,
	providers.StateCancelled:    flowroutefake.StatusCancelled,
}

func (h *conformanceHarness) SeedOrderState(_ context.Context, id string, st providers.State) error {
	status, ok := statusOf[st]
	if !ok {
		return fmt.Errorf("no Flowroute status for %s", st)
	}
	return h.fake.SetOrderStatus(id, status)
}

func (h *conformanceHarness) SeedNumber(_ context.Context, n string) error {
	return h.fake.SeedNumber(n)
}

// AvailableNumbers is the fake's seeded inventory (providertest.Inventory).
func (h *conformanceHarness) AvailableNumbers(context.Context) []string {
	return flowroutefake.AvailableNumbers
}
