package portable

import (
	"io"

	"github.com/portgate/portgate/providers"
)

// ReasonClientClosed is the ErrorInfo reason of every call made after
// Close.
const ReasonClientClosed = "PROVIDER_CLIENT_CLOSED"

// Close releases what the driver holds (it calls the driver's Close when
// the driver is an io.Closer, once). Calls already running finish; every
// call that would reach the driver after Close fails without calling it:
// CodeUnavailable (gRPC UNAVAILABLE, retryable elsewhere: this process is
// shutting the provider down) with reason PROVIDER_CLIENT_CLOSED. Argument
// validation, which touches nothing, still answers first. Close is
// idempotent; a second Close returns nil.
func (c *Client) Close() error {
	if c.closed.Swap(true) {
		return nil
	}
	if cl, ok := c.drv.(io.Closer); ok {
		return cl.Close()
	}
	return nil
}

// closedErr is the error of a call after Close; nil while open.
func (c *Client) closedErr() error {
	if !c.closed.Load() {
		return nil
	}
	return &providers.Error{Code: providers.CodeUnavailable, Provider: c.name, Reason: ReasonClientClosed,
		Message: c.name + ": the provider client is closed (the gateway is shutting this provider down); retry against a running gateway"}
}
