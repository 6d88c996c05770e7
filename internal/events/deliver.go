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

	"github.com/portgate/portgate/internal/store"
)

// Deliverer delivers stored events to callers' URLs until ctx ends. The
// Dispatcher below is the one implementation; a job queue can replace it.
type Deliverer interface {
	Run(ctx context.Context)
}

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

// Dispatcher POSTs every new event to its order's callback URL and to an
// optional deployment-wide URL, signed the Standard Webhooks way, retrying
// failures on RetrySchedule and logging every attempt in the store
// (GetPortOrderEvent shows them). One dispatcher per deployment delivers at
// a time: it holds a lease on the delivery cursor in the store; the others
// wait and take over when the lease runs out. Delivery is at least once: a
// dispatcher that dies after a POST but before recording it makes the next
// one POST again (receivers dedupe on webhook-id).
type Dispatcher struct {
	Store store.Store
	Hub   *Hub
	// Render turns a stored event into the JSON body's "data".
	Render func(store.Event) ([]byte, error)
	Secret Secret
	// EventsURL receives every event ("" = none).
	EventsURL string
	Client    *http.Client
	Logger    *slog.Logger
	// RetrySchedule (nil = DefaultRetrySchedule), Poll (0 = 1s) and Now
	// (nil = time.Now) are knobs for tests.
	RetrySchedule []time.Duration
	Poll          time.Duration
	Now           func() time.Time

	owner string
}

func (d *Dispatcher) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

// Run delivers until ctx ends.
func (d *Dispatcher) Run(ctx context.Context) {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	d.owner = hex.EncodeToString(b)
	if d.RetrySchedule == nil {
		d.RetrySchedule = DefaultRetrySchedule
	}
	if d.Poll <= 0 {
		d.Poll = time.Second
	}
	if d.Client == nil {
		d.Client = &http.Client{Timeout: DeliveryTimeout, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	sub := d.Hub.Subscribe()
	defer d.Hub.Unsubscribe(sub)
	t := time.NewTicker(d.Poll)
	defer t.Stop()
	for {
		more, err := d.step(ctx)
		if err != nil && ctx.Err() == nil {
			d.Logger.Warn("event delivery", "err", err)
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

// step makes first attempts for a batch of new events and retries what is
// due; more reports a full batch.
func (d *Dispatcher) step(ctx context.Context) (more bool, err error) {
	now := d.now()
	cursor, held, err := d.Store.AcquireDeliveryLease(ctx, d.owner, now, now.Add(deliveryLease))
	if err != nil || !held {
		return false, err
	}
	evs, err := d.Store.ListEvents(ctx, store.EventQuery{AfterSeq: cursor, Limit: deliveryBatch})
	if err != nil {
		return false, err
	}
	renew := func() (bool, error) {
		now := d.now()
		_, held, err := d.Store.AcquireDeliveryLease(ctx, d.owner, now, now.Add(deliveryLease))
		return held, err
	}
	for _, e := range evs {
		if held, err := renew(); err != nil || !held {
			return false, err
		}
		for _, target := range d.targets(ctx, e) {
			d.attempt(ctx, e, target, 1)
		}
		if err := d.Store.AdvanceDeliveryCursor(ctx, d.owner, e.Seq); err != nil {
			return false, err // lease lost: the new owner carries on
		}
	}
	due, err := d.Store.DueDeliveries(ctx, d.now(), deliveryBatch)
	if err != nil {
		return false, err
	}
	for _, a := range due {
		if held, err := renew(); err != nil || !held {
			return false, err
		}
		e, err := d.Store.GetEvent(ctx, a.EventSeq)
		if err != nil {
			return false, err
		}
		d.attempt(ctx, e, a.TargetURL, a.Attempt+1)
	}
	return len(evs) == deliveryBatch || len(due) == deliveryBatch, nil
}

func (d *Dispatcher) targets(ctx context.Context, e store.Event) []string {
	var out []string
	if u, err := d.Store.OrderCallback(ctx, e.OrderName); err == nil && u != "" {
		out = append(out, u)
	} else if err != nil && !errors.Is(err, store.ErrNotFound) {
		d.Logger.Warn("event delivery: reading the order's callback URL", "order", e.OrderName, "err", err)
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

// attempt makes one POST and logs it.
func (d *Dispatcher) attempt(ctx context.Context, e store.Event, target string, n int) {
	rec := store.DeliveryAttempt{EventSeq: e.Seq, TargetURL: target, Attempt: n}
	status, errText := d.post(ctx, e, target)
	rec.AttemptedAt = d.now()
	rec.HTTPStatus = status
	switch {
	case errText == "":
		rec.Status = store.DeliverySucceeded
	case n-1 < len(d.RetrySchedule):
		rec.Status, rec.Error = store.DeliveryFailed, errText
		rec.NextAttemptAt = rec.AttemptedAt.Add(d.RetrySchedule[n-1])
	default:
		rec.Status, rec.Error = store.DeliveryGaveUp, errText
	}
	if ctx.Err() != nil {
		return // shutting down: the attempt is retried by whoever runs next
	}
	if _, err := d.Store.AddDeliveryAttempt(ctx, rec); err != nil {
		d.Logger.Warn("event delivery: logging an attempt", "seq", e.Seq, "err", err)
	}
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
	resp, err := d.Client.Do(req)
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
