package portable_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/portable"
)

// core implements only the core interface, yet declares every operation.
type core struct {
	calls int
	err   error
}

func (c *core) Name() string { return "core" }
func (c *core) Capabilities() providers.Capabilities {
	return providers.Capabilities{Operations: providers.AllOperations, PortabilityBatchLimit: 2}
}
func (c *core) CheckPortability(context.Context, []string) ([]providers.PortabilityResult, error) {
	c.calls++
	return nil, c.err
}
func (c *core) CreatePortOrder(context.Context, providers.CreatePortOrderRequest) (*providers.CreatePortOrderResult, error) {
	c.calls++
	return nil, c.err
}
func (c *core) GetPortOrder(context.Context, string) (*providers.PortOrder, error) {
	c.calls++
	return &providers.PortOrder{}, c.err
}
func (c *core) ListPortOrders(context.Context, providers.PortOrderFilter, providers.ListQuery) (*providers.PortOrderPage, error) {
	c.calls++
	return &providers.PortOrderPage{}, c.err
}
func (c *core) UpdatePortOrder(context.Context, providers.PortOrderUpdate) (*providers.PortOrder, error) {
	c.calls++
	return nil, c.err
}
func (c *core) SubmitPortOrder(context.Context, string, providers.Signature) (*providers.PortOrder, error) {
	c.calls++
	return nil, c.err
}
func (c *core) CancelPortOrder(context.Context, string) (*providers.PortOrder, error) {
	c.calls++
	return nil, c.err
}
func (c *core) GetNumber(context.Context, string) (*providers.Number, error) {
	c.calls++
	return nil, c.err
}
func (c *core) ListNumbers(context.Context, providers.NumberFilter, providers.ListQuery) (*providers.NumberPage, error) {
	c.calls++
	return nil, c.err
}

func TestOptionalInterfaceMissingIsCapabilityMissing(t *testing.T) {
	d := &core{}
	c := portable.New(d)
	if c.Supports(providers.OpListComments) || c.Supports(providers.OpUpdateNumber) || !c.Supports(providers.OpGetPortOrder) {
		t.Fatalf("Supports: %+v", c.Capabilities().Operations)
	}
	for name, err := range map[string]error{
		"comments": second(c.ListComments(t.Context(), "1")),
		"modify":   second(c.ModifyPortOrderNumbers(t.Context(), "1", []string{"+13125550100"}, nil)),
		"upload":   second(c.UploadDocument(t.Context(), "1", providers.DocumentUpload{Content: []byte("x")})),
		"number":   second(c.UpdateNumber(t.Context(), providers.NumberUpdate{Number: providers.Number{PhoneNumber: "+13125550100"}})),
	} {
		var pe *providers.Error
		if !c.ErrorAs(err, &pe) || pe.Code != providers.CodeUnimplemented || pe.Reason != "PROVIDER_CAPABILITY_MISSING" || pe.Provider != "core" {
			t.Errorf("%s: %v", name, err)
		}
	}
	if d.calls != 0 {
		t.Fatalf("driver called %d times", d.calls)
	}
}

func TestValidatesBeforeCalling(t *testing.T) {
	d := &core{}
	c := portable.New(d)
	for name, err := range map[string]error{
		"empty id":  second(c.GetPortOrder(t.Context(), "")),
		"batch":     second(c.CheckPortability(t.Context(), []string{"+13125550100", "+13125550101", "+13125550102"})),
		"no number": second(c.CheckPortability(t.Context(), nil)),
		"cursor":    second(c.ListPortOrders(t.Context(), providers.PortOrderFilter{}, providers.ListQuery{Cursor: strings.Repeat("x", 300)})),
		"mask":      second(c.UpdatePortOrder(t.Context(), providers.PortOrderUpdate{ID: "1", Mask: []string{"alias"}})),
	} {
		if providers.ErrorCode(err) != providers.CodeInvalidArgument {
			t.Errorf("%s: %v, want InvalidArgument", name, err)
		}
	}
	if d.calls != 0 {
		t.Fatalf("driver called %d times", d.calls)
	}
}

func TestWrapsForeignErrors(t *testing.T) {
	d := &core{err: errors.New("boom")}
	_, err := portable.New(d).GetPortOrder(t.Context(), "1")
	var pe *providers.Error
	if !errors.As(err, &pe) || pe.Provider != "core" || pe.Code != providers.CodeUnknown {
		t.Fatalf("%#v", err)
	}
	d.err = context.Canceled
	_, err = portable.New(d).GetPortOrder(t.Context(), "1")
	if providers.ErrorCode(err) != providers.CodeCanceled {
		t.Fatalf("%v", err)
	}
}

func TestAsWithoutEscapeHatches(t *testing.T) {
	c := portable.New(&core{})
	var doer providers.Doer
	if c.As(&doer) || c.As(nil) || c.ErrorAs(nil, &doer) {
		t.Fatal("As on a driver without As")
	}
}

func second[T any](_ T, err error) error { return err }
