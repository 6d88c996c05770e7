// Package providertest is the conformance suite every providers.Provider
// adapter runs against its in-process fake (after google/go-cloud's
// blob/drivertest).
//
// The suite talks to the adapter only through the portable client
// (providers/portable.Client, the type the gateway uses), so a
// failure means the gateway would see the provider behave differently from
// the others: a state outside the neutral state machine, a secret echoed back,
// a list page with a gap, an error without the provider's name.
//
// # Plugging in a new provider
//
// In the adapter's package, add a conformance_test.go with a harness:
//
//	type harness struct {
//		srv  *httptest.Server
//		fake *acmefake.Fake
//		p    *acme.Provider
//	}
//
//	func newHarness(ctx context.Context, t *testing.T) (providertest.Harness, error) {
//		fake := acmefake.New(acmefake.Options{APIKey: "k", StepInterval: 0})
//		srv := httptest.NewServer(fake)
//		p, err := acme.New(acme.Config{BaseURL: srv.URL, APIKey: "k", HTTPClient: srv.Client()})
//		if err != nil {
//			srv.Close()
//			fake.Close()
//			return nil, err
//		}
//		return &harness{srv: srv, fake: fake, p: p}, nil
//	}
//
//	func (h *harness) Provider() providers.Provider          { return h.p }
//	func (h *harness) Advance(ctx context.Context) error     { h.fake.Advance(); return nil }
//	func (h *harness) ValidOrder(nums []string) providers.PortOrder { /* fill required fields */ }
//	func (h *harness) Close()                                { h.srv.Close(); h.fake.Close() }
//
//	func TestConformance(t *testing.T) { providertest.RunConformanceTests(t, newHarness, providertest.DoerAsTest{Provider: "Acme"}) }
//
// A harness seeds state and faults through methods rather than magic
// numbers, so the suite can also run against a provider's own test
// account: OrderStateSeeder, NumberSeeder, FaultInjector (Faults is a
// ready-made middleware) and OrderDeleter are optional; a case whose
// interface is missing is skipped. an AsTest (DoerAsTest for adapters that expose their HTTP client) checks the
// concrete types Client.As and Client.ErrorAs expose for the adapter.
// broken_test.go runs the suite against a deliberately broken driver in a
// sub-process and asserts that it fails.
//
// The fake must run with StepInterval 0 so that orders move only when the
// suite calls Advance, and must honour the sandbox scenarios in
// sandbox/scenarios (SuffixNotPortable, SuffixException, SuffixSplit, ...)
// and seed scenarios.SandboxNumbers.
//
// # What the suite relies on
//
//   - Every case gets a fresh harness (HarnessMaker is called once per
//     subtest); returning (nil, nil) skips the case.
//   - ValidOrder returns an order the provider accepts at create and at
//     submit. The suite adds a PIN, an account number and a unique customer
//     reference when ValidOrder leaves them empty, and uploads an LOA before
//     submitting when the provider supports UploadDocument, as a client would.
//   - Capabilities() is the contract: operations outside Operations must
//     answer CodeUnimplemented (PROVIDER_CAPABILITY_MISSING), listed ones must
//     not; cases for missing operations are skipped; every path in
//     UpdatableOrderFields / UpdatableNumberFields the suite knows is updated
//     and read back, with every other field checked untouched.
//   - Numbers are generated per test with NewNumber, so cases never share
//     numbers even when a harness is shared.
//   - Observed states must follow the neutral state machine (DRAFT →
//     SUBMITTED → IN_PROGRESS/EXCEPTION → FOC_CONFIRMED → COMPLETED, with
//     cancellation edges); an order must complete within a bounded number of
//     Advance steps.
package providertest
