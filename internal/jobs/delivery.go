package jobs

import (
	"context"
	"errors"
	"time"

	"github.com/riverqueue/river"
)

// DeliveryQueue is the River queue outbound event deliveries run on, apart
// from the periodic jobs so a slow receiver never delays a poll.
const DeliveryQueue = "event_delivery"

// deliveryWorkers is how many deliveries run at once per process.
const deliveryWorkers = 16

// DeliveryArgs is one outbound delivery: event Seq to Target. A job is
// unique by its arguments, so enqueueing a delivery twice (two replicas, a
// retried enqueue) makes one job.
type DeliveryArgs struct {
	Seq    int64  `json:"seq"`
	Target string `json:"target"`
}

// Kind is River's job kind.
func (DeliveryArgs) Kind() string { return "event_delivery" }

// Delivery configures the outbound delivery worker.
type Delivery struct {
	// Deliver makes attempt n (1-based) of one delivery; last reports that
	// no retry follows a failure. An error makes River retry after
	// Schedule[n-1]; after len(Schedule) retries the job is discarded.
	Deliver  func(ctx context.Context, a DeliveryArgs, n int, last bool) error
	Schedule []time.Duration
	// Timeout bounds one attempt (0 = 30s).
	Timeout time.Duration
}

type deliveryWorker struct {
	river.WorkerDefaults[DeliveryArgs]
	d Delivery
}

func (w *deliveryWorker) Work(ctx context.Context, j *river.Job[DeliveryArgs]) error {
	return w.d.Deliver(ctx, j.Args, j.Attempt, j.Attempt >= j.MaxAttempts)
}

// NextRetry follows the schedule, not River's default backoff.
func (w *deliveryWorker) NextRetry(j *river.Job[DeliveryArgs]) time.Time {
	i := min(max(j.Attempt-1, 0), len(w.d.Schedule)-1)
	return time.Now().Add(w.d.Schedule[i])
}

func (w *deliveryWorker) Timeout(*river.Job[DeliveryArgs]) time.Duration {
	if w.d.Timeout > 0 {
		return w.d.Timeout
	}
	return 30 * time.Second
}

// ErrNoDelivery is returned by Enqueue when the runner has no delivery
// worker.
var ErrNoDelivery = errors.New("jobs: outbound delivery is not configured")

// Enqueue inserts delivery jobs (unique by arguments: a delivery already
// enqueued is not enqueued again).
func (r *Runner) Enqueue(ctx context.Context, ds []DeliveryArgs) error {
	if r.enqueue == nil {
		return ErrNoDelivery
	}
	if len(ds) == 0 {
		return nil
	}
	return r.enqueue(ctx, ds)
}

func deliveryInsertOpts(d *Delivery) *river.InsertOpts {
	return &river.InsertOpts{Queue: DeliveryQueue, MaxAttempts: len(d.Schedule) + 1,
		UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

func insertParams(d *Delivery, ds []DeliveryArgs) []river.InsertManyParams {
	out := make([]river.InsertManyParams, len(ds))
	for i, a := range ds {
		out[i] = river.InsertManyParams{Args: a, InsertOpts: deliveryInsertOpts(d)}
	}
	return out
}
