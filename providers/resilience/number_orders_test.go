package resilience

import (
	"context"
	"testing"

	"github.com/portgate/portgate/providers"
)

// Purchases and releases are never retried (a retry could buy twice);
// number order reads are.
func TestBuyOperationsRetryPolicy(t *testing.T) {
	rec := &recorder{}
	p := Wrap(newScripted(), Policy{MaxAttempts: 4, ConsecutiveFailures: 100}, WithSleep(rec.sleep), WithJitter(noJitter))
	for op, want := range map[providers.Operation]int{
		providers.OpCreateNumberOrder: 1, providers.OpReleaseNumber: 1,
		providers.OpGetNumberOrder: 4, providers.OpListNumberOrders: 4,
	} {
		calls := 0
		_, err := Call(p, context.Background(), op, func(context.Context) (struct{}, error) {
			calls++
			return struct{}{}, perr(providers.CodeUnavailable)
		})
		wantCode(t, err, providers.CodeUnavailable)
		if calls != want {
			t.Errorf("%s: %d calls after UNAVAILABLE, want %d", op, calls, want)
		}
	}
}
