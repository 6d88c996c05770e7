package events

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/portgate/portgate/internal/jobs"
	"github.com/portgate/portgate/internal/store"
)

// DefaultRetrySchedule is the wait before each retry (the Standard Webhooks
// suggestion): attempt 1 at once, then these; after the last the delivery
// gives up.
var DefaultRetrySchedule = []time.Duration{5 * time.Second, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 5 * time.Hour, 10 * time.Hour, 10 * time.Hour}

// Delivery limits.
const (
	DeliveryTimeout   = 10 * time.Second
	deliveryLease     = 30 * time.Second
	deliveryBatch     = 100
	maxDeliveryErrLen = 200
)

// Secret is a Standard Webhooks signing secret.
type Secret []byte

// ParseSecret reads "whsec_" + base64.
func ParseSecret(s string) (Secret, error) {
	rest, ok := strings.CutPrefix(s, "whsec_")
	b, err := base64.StdEncoding.DecodeString(rest)
	if !ok || err != nil || len(b) < 24 || len(b) > 64 {
		return nil, errors.New("events: signing secret must be whsec_ followed by base64 of 24 to 64 bytes")
	}
	return b, nil
}

// Sign returns the webhook-signature header value for one message:
// "v1," + base64(HMAC-SHA256(secret, id + "." + timestamp + "." + body)).
func (s Secret) Sign(id string, ts int64, body []byte) string {
	m := hmac.New(sha256.New, s)
	fmt.Fprintf(m, "%s.%d.", id, ts)
	m.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// Dispatcher hands every new event to the job queue, one job per target
// (the order's callback URL and an optional deployment-wide URL), and makes
// each attempt those jobs run (Attempt): a POST signed the Standard
// Webhooks way, logged in the store (GetPortOrderEvent shows the log). The
// queue (River) retries a failed attempt on RetrySchedule and gives up
// after the last.
//
// Enqueueing follows the delivery cursor in the store: one dispatcher per
// deployment enqueues at a time (it holds a lease on the cursor; the others
// wait and take over when the lease runs out), enqueues a batch of events
// and then advances the cursor. A dispatcher that dies in between makes the
// next one enqueue the batch again, which the queue's uniqueness absorbs.
// Delivery is at least once: an attempt that dies after its POST but before
// River records the job done is made again (receivers dedupe on webhook-id).
type Dispatcher struct {
	Store store.Store
	Hub   *Hub
	// Render turns a stored event into the JSON body's "data".
	Render func(store.Event) ([]byte, error)
	Secret Secret
	// EventsURL receives every event ("" = none).
	EventsURL string
	// Enqueue makes deliveries durable jobs (jobs.Runner.Enqueue: River
	// jobs unique by (event, target), whose worker calls Attempt).
	Enqueue func(ctx context.Context, ds []jobs.DeliveryArgs) error
	Client  *http.Client
	Logger  *slog.Logger
	// RetrySchedule (nil = DefaultRetrySchedule) is the wait before each
	// retry; the job queue applies it, Attempt logs it.
	RetrySchedule []time.Duration
	// Poll (0 = 1s) and Now (nil = time.Now) are knobs for tests.
	Poll time.Duration
	Now  func() time.Time

	owner string
}

func (d *Dispatcher) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

// Schedule is the retry schedule in force.
func (d *Dispatcher) Schedule() []time.Duration {
	if d.RetrySchedule == nil {
		return DefaultRetrySchedule
	}
	return d.RetrySchedule
}

func (d *Dispatcher) client() *http.Client {
	if d.Client == nil {
		return defaultClient
	}
	return d.Client
}

var defaultClient = &http.Client{Timeout: DeliveryTimeout, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func (d *Dispatcher) logger() *slog.Logger {
	if d.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return d.Logger
}

// Run enqueues new events until ctx ends.
func (d *Dispatcher) Run(ctx context.Context) {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	d.owner = hex.EncodeToString(b)
	if d.Poll <= 0 {
		d.Poll = time.Second
	}
	sub := d.Hub.Subscribe()
	defer d.Hub.Unsubscribe(sub)
	t := time.NewTicker(d.Poll)
	defer t.Stop()
	for {
		more, err := d.step(ctx)
		if err != nil && ctx.Err() == nil {
			d.logger().Warn("event delivery: enqueueing", "err", err)
		}
		if more && err == nil {
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-sub.C:
		case <-t.C:
		}
	}
}

// step enqueues the deliveries of a batch of new events; more reports a
// full batch.
func (d *Dispatcher) step(ctx context.Context) (more bool, err error) {
	now := d.now()
	cursor, held, err := d.Store.AcquireDeliveryLease(ctx, d.owner, now, now.Add(deliveryLease))
	if err != nil || !held {
		return false, err
	}
	evs, err := d.Store.ListEvents(ctx, store.EventQuery{AfterSeq: cursor, Limit: deliveryBatch})
	if err != nil || len(evs) == 0 {
		return false, err
	}
	var ds []jobs.DeliveryArgs
	for _, e := range evs {
		for _, target := range d.targets(ctx, e) {
			ds = append(ds, jobs.DeliveryArgs{Seq: e.Seq, Target: target})
		}
	}
	if err := d.Enqueue(ctx, ds); err != nil {
		return false, err
	}
	// Lease lost: the new owner enqueues the batch again (unique jobs).
	if err := d.Store.AdvanceDeliveryCursor(ctx, d.owner, evs[len(evs)-1].Seq); err != nil {
		return false, err
	}
	return len(evs) == deliveryBatch, nil
}

func (d *Dispatcher) targets(ctx context.Context, e store.Event) []string {
	var out []string
	if u, err := d.Store.OrderCallback(ctx, e.OrderName); err == nil && u != "" {
		out = append(out, u)
	} else if err != nil && !errors.Is(err, store.ErrNotFound) {
		d.logger().Warn("event delivery: reading the order's callback URL", "order", e.OrderName, "err", err)
	}
	if d.EventsURL != "" && (len(out) == 0 || out[0] != d.EventsURL) {
		out = append(out, d.EventsURL)
	}
	return out
}

// MessageID is the webhook-id of an event: the same on every retry.
func MessageID(seq int64) string { return "msg_" + strconv.FormatInt(seq, 10) }

// Envelope is the body POSTed: the Standard Webhooks shape.
func envelope(e store.Event, data []byte) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, `{"type":"port_order_event.%s","timestamp":%q,"data":`, strings.ToLower(e.Type), e.ReceivedAt.UTC().Format(time.RFC3339Nano))
	b.Write(data)
	b.WriteString("}")
	return b.Bytes()
}

// Attempt makes attempt n of one delivery and logs it; last reports that
// no retry follows a failure (the log says gave_up). It returns an error
// when the POST failed, so the job queue retries it.
// It is the jobs.Delivery worker's Deliver.
func (d *Dispatcher) Attempt(ctx context.Context, del jobs.DeliveryArgs, n int, last bool) error {
	e, err := d.Store.GetEvent(ctx, del.Seq)
	if err != nil {
		return fmt.Errorf("event delivery: reading event %d: %w", del.Seq, err)
	}
	rec := store.DeliveryAttempt{EventSeq: e.Seq, TargetURL: del.Target, Attempt: n}
	status, errText := d.post(ctx, e, del.Target)
	rec.AttemptedAt = d.now()
	rec.HTTPStatus = status
	sched := d.Schedule()
	switch {
	case errText == "":
		rec.Status = store.DeliverySucceeded
	case !last && n-1 < len(sched):
		rec.Status, rec.Error = store.DeliveryFailed, errText
		rec.NextAttemptAt = rec.AttemptedAt.Add(sched[n-1])
	default:
		rec.Status, rec.Error = store.DeliveryGaveUp, errText
	}
	if ctx.Err() != nil {
		return ctx.Err() // shutting down: the job runs again
	}
	if _, err := d.Store.AddDeliveryAttempt(ctx, rec); err != nil {
		d.logger().Warn("event delivery: logging an attempt", "seq", e.Seq, "err", err)
	}
	if errText != "" {
		return errors.New("event delivery: " + errText)
	}
	return nil
}

func (d *Dispatcher) post(ctx context.Context, e store.Event, target string) (int, string) {
	data, err := d.Render(e)
	if err != nil {
		return 0, "rendering the event: " + err.Error()
	}
	body := envelope(e, data)
	id := MessageID(e.Seq)
	ts := d.now().Unix()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return 0, "invalid target URL"
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "portgate-events/1")
	req.Header.Set("webhook-id", id)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("webhook-signature", d.Secret.Sign(id, ts, body))
	resp, err := d.client().Do(req)
	if err != nil {
		// url.Error repeats the URL, which may carry the caller's token.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return 0, truncate(err.Error())
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return resp.StatusCode, "HTTP " + strconv.Itoa(resp.StatusCode)
	}
	return resp.StatusCode, ""
}

func truncate(s string) string {
	if len(s) > maxDeliveryErrLen {
		return s[:maxDeliveryErrLen]
	}
	return s
}
