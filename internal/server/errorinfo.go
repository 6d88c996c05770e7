package server

import (
	"context"
	"errors"
	"github.com/portgate/portgate/internal/reasons"
	"net/http"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Reasons for errors the server itself produces (docs/errors.md).
const (
	ReasonInternal         = "INTERNAL_ERROR"     // recovered panic
	ReasonInvalidRequest   = "INVALID_REQUEST"    // REST body or parameters the gateway cannot decode
	ReasonRouteNotFound    = "ROUTE_NOT_FOUND"    // no REST route for the path
	ReasonMethodNotAllowed = "METHOD_NOT_ALLOWED" // the path exists with another HTTP method
	ReasonGateway          = "GATEWAY_ERROR"      // anything else the gateway raised without details
	ReasonShuttingDown     = "SHUTTING_DOWN"      // call cut off when the shutdown grace period ended
)

// withErrorInfo makes sure a status carries google.rpc.ErrorInfo (every
// portgate error does, per the API conventions): statuses raised below the
// services — by grpc-gateway or the recovery interceptor — get one with
// domain "portgate".
func withErrorInfo(err error) error {
	st := status.Convert(err)
	for _, d := range st.Details() {
		if _, ok := d.(*errdetails.ErrorInfo); ok {
			return err
		}
	}
	reason := ReasonGateway
	switch st.Code() {
	case codes.InvalidArgument:
		reason = ReasonInvalidRequest
	case codes.NotFound:
		reason = ReasonRouteNotFound
	case codes.Unimplemented:
		reason = ReasonMethodNotAllowed
	case codes.Internal:
		reason = ReasonInternal
	}
	withInfo, derr := st.WithDetails(&errdetails.ErrorInfo{Reason: reason, Domain: reasons.Domain})
	if derr != nil {
		return err
	}
	return withInfo.Err()
}

// gatewayErrorHandler is grpc-gateway's default handler after withErrorInfo.
// A body cut off at the size cap is answered 413 REQUEST_TOO_LARGE, whatever
// the decoder made of it; an HTTPStatusError keeps its HTTP status.
func gatewayErrorHandler(ctx context.Context, mux *runtime.ServeMux, m runtime.Marshaler, w http.ResponseWriter, r *http.Request, err error) {
	if c, ok := r.Context().Value(bodyCapKey{}).(*bodyCap); ok && c.hit.Load() {
		tooLarge(w, r, mux, c.limit)
		return
	}
	var hse *runtime.HTTPStatusError
	if errors.As(err, &hse) {
		err = &runtime.HTTPStatusError{HTTPStatus: hse.HTTPStatus, Err: withErrorInfo(hse.Err)}
	} else {
		err = withErrorInfo(err)
	}
	runtime.DefaultHTTPErrorHandler(ctx, mux, m, w, r, err)
}
