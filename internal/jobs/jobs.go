// Package jobs runs portgate's background work on River
// (github.com/riverqueue/river): periodic jobs (the Flowroute poller, the
// Telnyx reconciliation sweep, the idempotency expiry sweep), each unique
// per period, retried with backoff, and enqueued only by the elected leader,
// so N replicas sharing PostgreSQL run each period's work once.
//
// On PostgreSQL River shares the store's pool (riverpgxv5) and its tables
// live beside the store's. On SQLite River (riversqlite, on
// modernc.org/sqlite) gets its own database file next to the store's
// (jobs.db) with one connection, as its driver documentation asks: River's
// maintenance runs concurrently and SQLite has one writer, so sharing the
// store's file would make webhook ingestion wait on River's writes. River's
// migrations (rivermigrate) run at start-up, after the store's goose ones.
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	_ "modernc.org/sqlite" // driver "sqlite"
)

// Job is one periodic task.
type Job struct {
	// Kind names the job (River's job kind), e.g. "flowroute_poll".
	Kind  string
	Every time.Duration
	// Timeout bounds one run; 0 = 5 minutes.
	Timeout time.Duration
	Run     func(ctx context.Context) error
}

// MaxAttempts is how often a failed run is tried (River's backoff between).
const MaxAttempts = 5

// Options configure Start.
type Options struct {
	// Pool selects PostgreSQL (shared with the store).
	Pool *pgxpool.Pool
	// SQLitePath is River's own SQLite file when Pool is nil; "" = in memory.
	SQLitePath string
	Jobs       []Job
	Logger     *slog.Logger
	// ID names this process in River's leader election ("" = River's).
	ID string
	// Delivery, when set, runs outbound event deliveries (Runner.Enqueue)
	// on their own queue, retried on Delivery.Schedule.
	Delivery *Delivery
	// FetchPoll is how often an idle queue looks for new jobs (0 = River's
	// 1s). On PostgreSQL inserts also notify every replica; on SQLite, which
	// has no notifications, River wakes its own queue on every insert made
	// through this client (deliveries, periodic runs), so the poll only
	// picks up retries that come due. Each poll of River's SQLite queue
	// re-prepares its fetch statement (modernc): at 100ms that was ~4 % of a
	// core spent idle, and per request under load (issue 13).
	FetchPoll time.Duration
}

// Runner is a started River client.
type Runner struct {
	stop    func(context.Context) error
	close   func() error
	enqueue func(context.Context, []DeliveryArgs) error
}

// Start migrates River's schema and starts its client.
func Start(ctx context.Context, o Options) (*Runner, error) {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Pool != nil {
		if err := migratePostgres(ctx, o.Pool); err != nil {
			return nil, err
		}
		return start(ctx, riverpgxv5.New(o.Pool), o, func() error { return nil })
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Set("_txlock", "immediate")
	dsn := "file::memory:"
	if o.SQLitePath != "" {
		q.Add("_pragma", "journal_mode(WAL)")
		dsn = "file:" + (&url.URL{Path: o.SQLitePath}).EscapedPath()
	}
	db, err := sql.Open("sqlite", dsn+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("jobs: sqlite: %w", err)
	}
	db.SetMaxOpenConns(1) // riversqlite: one connection avoids SQLITE_BUSY
	db.SetConnMaxIdleTime(0)
	db.SetConnMaxLifetime(0)
	drv := riversqlite.New(db)
	if err := migrate(ctx, drv); err != nil {
		_ = db.Close()
		return nil, err
	}
	r, err := start(ctx, drv, o, db.Close)
	if err != nil {
		_ = db.Close()
	}
	return r, err
}

// migrateLockKey serializes River migrations of replicas starting together
// (rivermigrate takes no lock of its own).
const migrateLockKey = 0x706f7274_72697672 // "portrivr"

func migratePostgres(ctx context.Context, pool *pgxpool.Pool) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("jobs: migrate: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, int64(migrateLockKey)); err != nil {
		return fmt.Errorf("jobs: migrate lock: %w", err)
	}
	defer func() {
		_, _ = conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, int64(migrateLockKey))
	}()
	return migrate(ctx, riverpgxv5.New(pool))
}

func migrate[TTx any](ctx context.Context, drv riverdriver.Driver[TTx]) error {
	m, err := rivermigrate.New(drv, nil)
	if err != nil {
		return fmt.Errorf("jobs: migrate: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("jobs: migrate: %w", err)
	}
	return nil
}

// periodicArgs is every job's arguments: its kind only.
type periodicArgs struct {
	JobKind string `json:"kind"`
}

func (a periodicArgs) Kind() string { return a.JobKind }

// worker runs one Job.
type worker struct {
	river.WorkerDefaults[periodicArgs]
	job Job
}

func (w *worker) Work(ctx context.Context, _ *river.Job[periodicArgs]) error { return w.job.Run(ctx) }

func (w *worker) Timeout(*river.Job[periodicArgs]) time.Duration {
	if w.job.Timeout > 0 {
		return w.job.Timeout
	}
	return 5 * time.Minute
}

func start[TTx any](ctx context.Context, drv riverdriver.Driver[TTx], o Options, closeDB func() error) (*Runner, error) {
	workers := river.NewWorkers()
	var periodic []*river.PeriodicJob
	seen := map[string]bool{}
	for _, j := range o.Jobs {
		if j.Every <= 0 || j.Run == nil || j.Kind == "" || seen[j.Kind] {
			return nil, fmt.Errorf("jobs: job %q needs a unique Kind, Every and Run", j.Kind)
		}
		seen[j.Kind] = true
		args := periodicArgs{JobKind: j.Kind}
		river.AddWorkerArgs(workers, args, &worker{job: j})
		every := j.Every
		periodic = append(periodic, river.NewPeriodicJob(river.PeriodicInterval(every),
			func() (river.JobArgs, *river.InsertOpts) {
				// Unique per period: a leader change mid-period (or two
				// leaders for an instant) still enqueues the period's run
				// once.
				return args, &river.InsertOpts{MaxAttempts: MaxAttempts, UniqueOpts: river.UniqueOpts{ByPeriod: every}}
			}, &river.PeriodicJobOpts{RunOnStart: true, ID: j.Kind}))
	}
	queues := map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 4}}
	if d := o.Delivery; d != nil {
		if d.Deliver == nil || len(d.Schedule) == 0 {
			return nil, errors.New("jobs: delivery needs Deliver and a Schedule")
		}
		river.AddWorker(workers, &deliveryWorker{d: *d})
		queues[DeliveryQueue] = river.QueueConfig{MaxWorkers: deliveryWorkers}
	}
	client, err := river.NewClient(drv, &river.Config{
		ID: o.ID,
		// River's own INFO lines (client started, leadership) are noise
		// in portgate's log; its warnings and errors pass.
		Logger:            slog.New(warnAndUp{o.Logger.Handler()}),
		PeriodicJobs:      periodic,
		Queues:            queues,
		Workers:           workers,
		MaxAttempts:       MaxAttempts,
		FetchPollInterval: o.FetchPoll,
	})
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	// River stops the client when Start's context ends: ctx bounds the
	// start-up only (callers pass a timeout), Close stops the client.
	if err := client.Start(context.WithoutCancel(ctx)); err != nil {
		return nil, fmt.Errorf("jobs: start: %w", err)
	}
	r := &Runner{stop: client.Stop, close: closeDB}
	if d := o.Delivery; d != nil {
		r.enqueue = func(ctx context.Context, ds []DeliveryArgs) error {
			if _, err := client.InsertMany(ctx, insertParams(d, ds)); err != nil {
				return fmt.Errorf("jobs: enqueue deliveries: %w", err)
			}
			return nil
		}
	}
	return r, nil
}

// Close stops the client (running jobs get 10 seconds to finish) and closes River's own SQLite database, if any.
func (r *Runner) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := r.stop(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		err = fmt.Errorf("jobs: stop: running jobs did not finish in 10s")
	}
	return errors.Join(err, r.close())
}

// warnAndUp drops records below WARN.
type warnAndUp struct{ slog.Handler }

func (h warnAndUp) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn && h.Handler.Enabled(ctx, l)
}

func (h warnAndUp) WithAttrs(as []slog.Attr) slog.Handler { return warnAndUp{h.Handler.WithAttrs(as)} }
func (h warnAndUp) WithGroup(n string) slog.Handler       { return warnAndUp{h.Handler.WithGroup(n)} }
