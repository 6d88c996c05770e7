package portable_test

import (
	"testing"

	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/portable"
)

// closingCore is a driver that owns resources (io.Closer).
type closingCore struct {
	core
	closes int
}

func (c *closingCore) Close() error { c.closes++; return nil }

// After Close, no call reaches the driver: every call fails cleanly with
// CodeUnavailable / PROVIDER_CLIENT_CLOSED naming the provider.
// (Argument validation, which touches nothing, still answers first.)
func TestCallAfterCloseFailsCleanly(t *testing.T) {
	d := &closingCore{}
	c := portable.New(d)
	if _, err := c.GetPortOrder(t.Context(), "1"); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if d.closes != 1 {
		t.Fatalf("driver closed %d times, want 1", d.closes)
	}
	d.calls = 0
	for name, err := range map[string]error{
		"get":     second(c.GetPortOrder(t.Context(), "1")),
		"list":    second(c.ListPortOrders(t.Context(), providers.PortOrderFilter{}, providers.ListQuery{})),
		"check":   second(c.CheckPortability(t.Context(), []string{"+13125550100"})),
		"create":  second(c.CreatePortOrder(t.Context(), providers.CreatePortOrderRequest{Order: providers.PortOrder{PhoneNumbers: []string{"+13125550100"}}})),
		"numbers": second(c.ListNumbers(t.Context(), providers.NumberFilter{}, providers.ListQuery{})),
		"events":  second(c.ListPortingEvents(t.Context(), providers.PortingEventsQuery{})),
	} {
		var pe *providers.Error
		if !c.ErrorAs(err, &pe) || pe.Code != providers.CodeUnavailable || pe.Reason != portable.ReasonClientClosed || pe.Provider != "core" {
			t.Errorf("%s after Close: %v", name, err)
		}
	}
	if d.calls != 0 {
		t.Fatalf("driver called %d times after Close", d.calls)
	}
}
