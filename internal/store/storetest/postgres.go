package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvDatabaseURL names the PostgreSQL server the tests use (.ci/run sets
// it). Its database need not exist: PostgresURL creates one per test.
const EnvDatabaseURL = "PORTGATE_TEST_DATABASE_URL"

// PostgresURL creates a fresh database on the server EnvDatabaseURL points
// at, drops it when t ends, and returns its URL, so tests never see each
// other's rows. Without EnvDatabaseURL the test is skipped, except under CI
// (CI=true), where it fails: the PostgreSQL half of the suite must run there.
// An unreachable server is a failure, never a skip.
func PostgresURL(t testing.TB) string {
	t.Helper()
	raw := os.Getenv(EnvDatabaseURL)
	if raw == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is unset under CI: the PostgreSQL store tests must run (.ci/run sets it)", EnvDatabaseURL)
		}
		t.Skipf("%s unset: skipping the PostgreSQL half (set it, e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable)", EnvDatabaseURL)
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		t.Fatalf("%s: want a postgres:// URL", EnvDatabaseURL)
	}
	admin := *u
	admin.Path = "/postgres"
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin.String())
	if err != nil {
		t.Fatalf("PostgreSQL at %s unreachable: %v", u.Host, err)
	}
	defer conn.Close(context.Background())
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	name := "portgate_test_" + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, admin.String())
		if err != nil {
			t.Errorf("drop test database %s: %v", name, err)
			return
		}
		defer conn.Close(context.Background())
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
	})
	db := *u
	db.Path = "/" + name
	return db.String()
}
