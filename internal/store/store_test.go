package store_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/portgate/portgate/internal/store"
	"github.com/portgate/portgate/internal/store/storetest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestSQLiteContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := store.Open(context.Background(), store.Options{DataDir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		return s
	})
}

func TestSQLiteInMemoryContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := store.Open(context.Background(), store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		return s
	})
}

func TestPostgresContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := store.Open(context.Background(), store.Options{DatabaseURL: storetest.PostgresURL(t)})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		if s.Dialect() != "postgres" {
			t.Fatalf("dialect %s", s.Dialect())
		}
		return s
	})
}

// A SQLite file keeps its rows across a close and reopen; reopening runs
// no migration twice.
func TestSQLiteSurvivesReopen(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "nested", "data")
	s, err := store.Open(ctx, store.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	key := store.IdemKey{RequestID: "keep"}
	if _, err := s.Claim(ctx, store.IdemRecord{Key: key, Method: "m", RequestHash: []byte("h"), State: store.InProgress, Token: "a",
		LeaseUntil: now.Add(time.Minute), CreatedAt: now, ExpiresAt: now.Add(time.Hour)}, now); err != nil {
		t.Fatal(err)
	}
	if err := s.Complete(ctx, key, "a", 0, []byte("kept"), now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = store.Open(ctx, store.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got, err := s.GetIdempotency(ctx, key); err != nil || string(got.Outcome) != "kept" {
		t.Fatalf("after reopen: %+v %v", got, err)
	}
}

// Replicas starting together migrate one database once, without errors.
func TestPostgresConcurrentMigrations(t *testing.T) {
	url := storetest.PostgresURL(t)
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Go(func() {
			s, err := store.Open(context.Background(), store.Options{DatabaseURL: url})
			if err != nil {
				errs <- err
				return
			}
			_ = s.Close()
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

func TestPostgresBadURLKeepsSecrets(t *testing.T) {
	_, err := store.Open(context.Background(), store.Options{DatabaseURL: "postgres://u:hunter2@127.0.0.1:1/x?sslmode=disable&connect_timeout=1"})
	if err == nil {
		t.Fatal("unreachable database accepted")
	}
	if s := err.Error(); contains(s, "hunter2") {
		t.Fatalf("password in error: %s", s)
	}
	_, err = store.Open(context.Background(), store.Options{DatabaseURL: "postgres://u:hunter2@[::1/x"})
	if err == nil || contains(err.Error(), "hunter2") {
		t.Fatalf("bad URL: %v", err)
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
