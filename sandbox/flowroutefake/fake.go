// Package flowroutefake is an in-process fake of the Flowroute API v2
// (porting and numbers) as described in shared/reference/flowroute.md. It
// keeps real state behind a mutex, honours the sandbox number suffixes of
// package providers, and is shared by the adapter tests and sandbox mode.
// Every status change POSTs Flowroute's unsigned po_status_change callback
// to the order's status_url (callbacks.go).
//
// Choices where the real API is undocumented (all "inferred", see
// docs/mapping/flowroute.md):
//   - POST /v2/portorders answers 201 with the order holding the first
//     requested number; split-off orders share its group_id.
//   - POST /v2/portorders/{id}/loa answers 200 with the full port order.
//   - GET /v2/portorders answers the documented nested "portorder_list" shape.
//   - The FOC date is the attribute "completion_date"; "created_at" is set.
//   - comments[] items are {id, body, author, created_at}.
//   - business_documents uses the wrapped form
//     [{data:[{id,type:"portorder-file",attributes:{filename,status},links}]}].
//   - 207 on PATCH /v2/numbers/{n}: the updated number plus an "errors"
//     member describing the messaging provisioning failure.
package flowroutefake

import (
	"encoding/json"
	"fmt"
	"github.com/portgate/portgate/sandbox/scenarios"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/portgate/portgate/internal/e164"
)

// Options configures a Fake.
type Options struct {
	AccessKey, SecretKey string        // Basic auth credentials it accepts; defaults "sandbox" / "sandbox-secret"
	StepInterval         time.Duration // > 0: submitted orders advance one state per interval on their own; 0: only Advance moves them
	SeedNumbers          []string      // E.164 numbers on the account at start; nil = scenarios.SandboxNumbers
	Routes               []string      // route ids on the account besides the default "0"; nil = SandboxRoutes
	Logger               *slog.Logger  // nil = discard
}

// Default credentials.
const (
	DefaultAccessKey = "sandbox"
	DefaultSecretKey = "sandbox-secret"
	// MaxUploadBytes is the largest document the fake's upload URL accepts.
	MaxUploadBytes = 10 << 20
)

// SandboxRoutes are the voice route ids the fake's account has by default,
// besides Flowroute's default sip-reg route "0". Route ids are strings and
// must exist (presets and number route relationships).
var SandboxRoutes = []string{"7001", "7002", "7003", "7004"}

// Raw Flowroute port order statuses.
const (
	StatusPending    = "pending"
	StatusProcessing = "processing"
	StatusSubmitted  = "submitted"
	StatusAccepted   = "accepted"
	StatusRejected   = "rejected"
	StatusReview     = "review"
	StatusCompleted  = "completed"
	StatusCancelled  = "cancelled"
	StatusAbandoned  = "abandoned"
	StatusHardCancel = "hard_canceled"
)

var knownStatuses = map[string]bool{
	StatusPending: true, StatusProcessing: true, StatusSubmitted: true, StatusAccepted: true,
	StatusRejected: true, StatusReview: true, StatusCompleted: true, StatusCancelled: true,
	StatusAbandoned: true, StatusHardCancel: true,
}

// Fake is the in-process Flowroute server. It implements http.Handler.
type Fake struct {
	access, secret string
	log            *slog.Logger

	mu         sync.Mutex
	orders     map[string]*order
	orderSeq   []string
	numbers    map[string]*number  // key: 11 digits
	routes     map[string]bool     // route ids on the account
	routeInfo  map[string]*route   // route details (voice.go)
	msgTasks   map[string]*msgTask // bulk message provisioning tasks (messaging.go)
	nextRoute  int
	numberSeq  []string
	sold       map[string]bool  // inventory numbers bought (issue 14 — buy; number_orders.go)
	em         *emergencyState  // E911 and CNAM records (emergency.go)
	uploads    map[string]*file // token → file awaiting its bytes
	downloads  map[string]*file // token → file
	nextOrder  int
	nextGroup  int
	nextFile   int
	nextCmt    int
	nextTrace  int
	nextToken  int
	nextTaskID int

	client    *http.Client   // status callbacks
	hooks     sync.WaitGroup // the callback drainer, while it runs
	hookQueue []callback     // under mu: callbacks not yet sent, in order
	hookBusy  bool           // under mu: a drainer is running
	closed    bool           // under mu: no more callbacks

	stop      chan struct{}
	done      chan struct{}
	closeOnce sync.Once
}

type comment struct {
	id, body, author string
	created          time.Time
}

type file struct {
	id, orderID, filename, status, originalURL string
	data                                       []byte
	created                                    time.Time
}

type order struct {
	id, status, groupID               string
	alias, statusURL                  *string
	numbers                           []string
	billingName, billingNumber        string
	company, usageType                string
	street, city, state, zip, country string
	street2                           *string
	provider, providerAccount, pin    string
	last4SSN                          string
	desiredDate, completionDate       string
	enableCNAM                        bool
	loaEmail, loaCC                   string
	presets                           map[string]*string
	comments                          []comment
	files                             []*file
	created, modified                 time.Time
	statusUpdated                     *time.Time
}

type number struct {
	value                   string // 11 digits
	alias                   *string
	cnam, messaging         bool
	primaryRoute, failRoute *string
	messageTask             string
	messageStatus           string // the task's status (processing, failed, successful)
	portPending             string // id of the open port order that brought the number, "" once ported
	created                 time.Time
}

// New builds a Fake. Call Close when done if StepInterval > 0 or orders
// carry a status_url (Close waits for callbacks in flight).
func New(opts Options) *Fake {
	f := &Fake{
		access: opts.AccessKey, secret: opts.SecretKey, log: opts.Logger,
		orders: map[string]*order{}, numbers: map[string]*number{},
		uploads: map[string]*file{}, downloads: map[string]*file{},
		nextOrder: 42000, nextGroup: 38000, nextFile: 7000, nextCmt: 1, nextToken: 1,
		stop: make(chan struct{}), done: make(chan struct{}),
		client: &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{}},
	}
	if f.access == "" {
		f.access = DefaultAccessKey
	}
	if f.secret == "" {
		f.secret = DefaultSecretKey
	}
	if f.log == nil {
		f.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	f.routes = map[string]bool{"0": true}
	routes := opts.Routes
	if routes == nil {
		routes = SandboxRoutes
	}
	for _, id := range routes {
		f.routes[id] = true
	}
	seed := opts.SeedNumbers
	if seed == nil {
		seed = scenarios.SandboxNumbers
	}
	now := time.Now().UTC()
	for _, n := range seed {
		e, err := e164.Parse(n, "")
		if err != nil {
			continue
		}
		f.addNumberLocked(e, now, nil, nil, false)
	}
	if opts.StepInterval > 0 {
		go f.run(opts.StepInterval)
	} else {
		close(f.done)
	}
	return f
}

func (f *Fake) run(d time.Duration) {
	defer close(f.done)
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-f.stop:
			return
		case <-t.C:
			f.Advance()
		}
	}
}

// Close stops the StepInterval goroutine and waits for status callbacks in
// flight; it is idempotent.
func (f *Fake) Close() {
	f.closeOnce.Do(func() { close(f.stop) })
	<-f.done
	f.mu.Lock()
	f.closed = true
	f.mu.Unlock()
	f.hooks.Wait()
	f.client.CloseIdleConnections()
}

func (f *Fake) addNumberLocked(e string, now time.Time, primary, failover *string, cnam bool) {
	v := e164.ToNANP11(e)
	if _, ok := f.numbers[v]; ok {
		return
	}
	if primary == nil {
		primary = strPtr("0")
	}
	f.numbers[v] = &number{value: v, primaryRoute: primary, failRoute: failover, cnam: cnam, created: now}
	f.numberSeq = append(f.numberSeq, v)
}

// Advance moves every non-terminal, post-submit order one step:
// processing→submitted (or →rejected for a SuffixException number),
// submitted→accepted (sets completion_date), accepted→completed (the numbers
// join the account), review→submitted.
func (f *Fake) Advance() {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := time.Now().UTC()
	for _, id := range f.orderSeq {
		o := f.orders[id]
		switch o.status {
		case StatusProcessing:
			if o.hasSuffix(scenarios.SuffixException) {
				f.setStatusLocked(o, StatusRejected, now)
				f.addCommentLocked(o, "system", "Port order rejected by the losing carrier: the account information (billing name, address or account number) does not match the customer service record. Correct the order and resubmit the LOA.", now)
			} else {
				f.setStatusLocked(o, StatusSubmitted, now)
			}
		case StatusReview:
			f.setStatusLocked(o, StatusSubmitted, now)
		case StatusSubmitted:
			o.completionDate = now.AddDate(0, 0, 7).Format("2006-01-02")
			f.setStatusLocked(o, StatusAccepted, now)
		case StatusAccepted:
			f.setStatusLocked(o, StatusCompleted, now)
			for _, n := range o.numbers {
				if num := f.numbers[e164.ToNANP11(n)]; num != nil && num.portPending == o.id {
					num.portPending = ""
					num.primaryRoute, num.failRoute, num.cnam = o.presets["primary_route_id"], o.presets["failover_route_id"], o.enableCNAM
					if num.primaryRoute == nil {
						num.primaryRoute = strPtr("0")
					}
					continue
				}
				f.addNumberLocked(n, now, o.presets["primary_route_id"], o.presets["failover_route_id"], o.enableCNAM)
			}
		}
	}
	// CNAM records under review are approved (or rejected).
	f.advanceEmergencyLocked(now)
	// Messaging provisioning tasks in progress finish.
	for _, v := range f.numberSeq {
		if n := f.numbers[v]; n.messageStatus == taskProcessing {
			n.messageStatus = taskSuccessful
			n.messaging = true
		}
	}
}

// addPendingNumbersLocked lists an open port order's numbers on the account
// at once, as Flowroute does (SUP 272584): they show status PORT_PENDING and
// do not work until the port completes.
func (f *Fake) addPendingNumbersLocked(o *order, now time.Time) {
	for _, n := range o.numbers {
		v := e164.ToNANP11(n)
		if _, ok := f.numbers[v]; ok {
			continue
		}
		f.numbers[v] = &number{value: v, portPending: o.id, created: now}
		f.numberSeq = append(f.numberSeq, v)
	}
}

// dropPendingNumbersLocked removes numbers an ended (cancelled, abandoned)
// or edited port order no longer brings.
func (f *Fake) dropPendingNumbersLocked(o *order) {
	keep := f.numberSeq[:0]
	for _, v := range f.numberSeq {
		n := f.numbers[v]
		if n.portPending == o.id && (o.status != StatusPending && o.status != StatusProcessing && o.status != StatusSubmitted &&
			o.status != StatusAccepted && o.status != StatusRejected && o.status != StatusReview || !contains(o.numbers, "+"+v)) {
			delete(f.numbers, v)
			continue
		}
		keep = append(keep, v)
	}
	f.numberSeq = keep
}

// SetOrderStatus forces a raw status on an order (test hook). A forced
// "rejected" adds a system comment, as a real rejection does.
func (f *Fake) SetOrderStatus(id, status string) error {
	if !knownStatuses[status] {
		return fmt.Errorf("flowroutefake: unknown status %q", status)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	o, ok := f.orders[id]
	if !ok {
		return fmt.Errorf("flowroutefake: no port order %q", id)
	}
	now := time.Now().UTC()
	if status == StatusAccepted && o.completionDate == "" {
		o.completionDate = now.AddDate(0, 0, 7).Format("2006-01-02")
	}
	f.setStatusLocked(o, status, now)
	if status == StatusRejected {
		f.addCommentLocked(o, "system", "Port order rejected: status forced by test hook.", now)
	}
	return nil
}

func (f *Fake) setStatusLocked(o *order, status string, now time.Time) {
	changed := o.status != "" && o.status != status
	o.status = status
	t := now
	o.statusUpdated = &t
	o.modified = now
	f.log.Info("flowroutefake: port order status", "id", o.id, "status", status)
	if changed {
		f.notifyLocked(o, now)
	}
	if status == StatusCancelled || status == StatusAbandoned || status == StatusHardCancel {
		f.dropPendingNumbersLocked(o)
	}
}

func (f *Fake) addCommentLocked(o *order, author, body string, now time.Time) {
	o.comments = append(o.comments, comment{id: strconv.Itoa(f.nextCmt), author: author, body: body, created: now})
	f.nextCmt++
}

func (o *order) hasSuffix(s string) bool {
	for _, n := range o.numbers {
		if scenarios.HasSuffix(n, s) {
			return true
		}
	}
	return false
}

// ---- HTTP plumbing ----

const s3Prefix = "/_s3/"

// ServeHTTP implements http.Handler.
func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, s3Prefix) {
		f.serveS3(w, r)
		return
	}
	if !strings.HasPrefix(r.URL.Path, "/v2/") {
		f.urlNotFound(w)
		return
	}
	user, pass, ok := r.BasicAuth()
	if !ok || user != f.access || pass != f.secret {
		f.writeErr(w, r, http.StatusUnauthorized, map[string]any{
			"detail": "Authentication failed.", "id": f.traceID(), "status": 401, "title": "Unauthorized"})
		return
	}
	if r.Body != nil && r.ContentLength != 0 {
		if ct := r.Header.Get("Content-Type"); ct != "" && !strings.Contains(ct, "json") {
			f.writeErr(w, r, http.StatusUnsupportedMediaType, map[string]any{
				"detail": "Content-Type must be application/json or application/vnd.api+json.", "id": f.traceID(),
				"status": 415, "title": "Unsupported Media Type"})
			return
		}
	}
	seg := strings.Split(strings.Trim(strings.TrimPrefix(r.URL.Path, "/v2/"), "/"), "/")
	switch seg[0] {
	case "portorders":
		f.routePorting(w, r, seg[1:])
	case "numbers":
		f.routeNumbers(w, r, seg[1:])
	case "routes":
		f.serveRoutes(w, r, seg[1:])
	case "message-provision":
		f.serveMessageProvision(w, r, seg[1:])
	case "e911s":
		f.routeE911s(w, r, seg[1:])
	case "cnams":
		f.routeCNAMs(w, r, seg[1:])
	default:
		f.urlNotFound(w)
	}
}

func (f *Fake) traceID() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.traceIDLocked()
}

func (f *Fake) traceIDLocked() string {
	f.nextTrace++
	return fmt.Sprintf("7fc8c70a-ca58-430c-b383-%012x", f.nextTrace)
}

func contentType(r *http.Request) string {
	if strings.Contains(r.Header.Get("Accept"), "vnd.api+json") || strings.Contains(r.Header.Get("Content-Type"), "vnd.api+json") {
		return "application/vnd.api+json"
	}
	return "application/json"
}

func writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", contentType(r))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func (f *Fake) writeErr(w http.ResponseWriter, r *http.Request, status int, e map[string]any) {
	writeJSON(w, r, status, map[string]any{"errors": []any{e}})
}

// urlNotFound reproduces the unknown-URL quirk: status is a string, no title.
func (f *Fake) urlNotFound(w http.ResponseWriter) {
	b, _ := json.Marshal(map[string]any{"errors": []any{map[string]any{
		"detail": "The requested URL was not found on the server.",
		"id":     f.traceID(),
		"status": "404 Not Found: The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.",
	}}})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusNotFound)
	_, _ = w.Write(b)
}

func (f *Fake) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	f.writeErr(w, r, http.StatusMethodNotAllowed, map[string]any{
		"detail": "The method is not allowed for the requested URL.", "id": f.traceID(), "status": 405, "title": "Method Not Allowed"})
}

// validation answers 422 with detail keyed by field.
func (f *Fake) validation(w http.ResponseWriter, r *http.Request, fields map[string][]string) {
	f.writeErr(w, r, http.StatusUnprocessableEntity, map[string]any{
		"detail": fields, "id": f.traceID(), "status": 422, "title": "Unprocessable Entity"})
}

func (f *Fake) forbidden(w http.ResponseWriter, r *http.Request, title, detail string) {
	f.writeErr(w, r, http.StatusForbidden, map[string]any{"detail": detail, "id": f.traceID(), "status": 403, "title": title})
}

func (f *Fake) badRequest(w http.ResponseWriter, r *http.Request, detail string) {
	f.writeErr(w, r, http.StatusBadRequest, map[string]any{"detail": detail, "id": f.traceID(), "status": 400, "title": "Bad Request"})
}

func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func readBody(r *http.Request, v any) error {
	b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return err
	}
	if len(strings.TrimSpace(string(b))) == 0 {
		return fmt.Errorf("empty body")
	}
	return json.Unmarshal(b, v)
}

// pageBodyLocked is one page of items in Flowroute's list envelope ({data,
// links.self, links.next while more remain}), or ok=false after answering a
// bad limit/offset with the documented validation error. Caller holds f.mu.
func pageBodyLocked[T any](f *Fake, w http.ResponseWriter, r *http.Request, items []T, render func(T) any) (map[string]any, bool) {
	win, next, perr := page(r, items)
	if perr != nil {
		f.validationLocked(w, r, perr)
		return nil, false
	}
	data := []any{}
	for _, it := range win {
		data = append(data, render(it))
	}
	links := map[string]any{"self": selfLink(r)}
	if next != "" {
		links["next"] = next
	}
	return map[string]any{"data": data, "links": links}, true
}

// page applies limit/offset; it returns the window, the next link (or "")
// and ok=false with a field error map when the parameters are invalid.
func page[T any](r *http.Request, items []T) ([]T, string, map[string][]string) {
	q := r.URL.Query()
	limit, offset := 10, 0
	errs := map[string][]string{}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 200 {
			errs["limit"] = []string{"Must be between 1 and 200."}
		}
		limit = n
	}
	if s := q.Get("offset"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			errs["offset"] = []string{"Must be greater than or equal to 0."}
		}
		offset = n
	}
	if len(errs) > 0 {
		return nil, "", errs
	}
	if offset > len(items) {
		offset = len(items)
	}
	end := offset + limit
	if end > len(items) {
		end = len(items)
	}
	next := ""
	if end < len(items) {
		nq := r.URL.Query()
		nq.Set("offset", strconv.Itoa(end))
		nq.Set("limit", strconv.Itoa(limit))
		next = baseURL(r) + r.URL.Path + "?" + nq.Encode()
	}
	return items[offset:end], next, nil
}

func selfLink(r *http.Request) string {
	s := baseURL(r) + r.URL.Path
	if r.URL.RawQuery != "" {
		s += "?" + r.URL.RawQuery
	}
	return s
}

func strPtr(s string) *string { return &s }

func nullable(p *string) any {
	if p == nil {
		return nil
	}
	return *p
}

func ts(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000+00:00") }

// SeedNumber puts an E.164 number on the account (test hook, like
// Options.SeedNumbers after start).
func (f *Fake) SeedNumber(n string) error {
	e, err := e164.Parse(n, "")
	if err != nil {
		return fmt.Errorf("flowroutefake: %w", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.addNumberLocked(e, time.Now().UTC(), nil, nil, false)
	return nil
}
