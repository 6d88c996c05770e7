package store

import "github.com/jackc/pgx/v5/pgxpool"

// PgxPool returns the PostgreSQL pool behind s, or nil for SQLite: River
// (internal/jobs) shares it.
func PgxPool(s Store) *pgxpool.Pool {
	if pg, ok := s.(*pgStore); ok {
		return pg.pool
	}
	return nil
}
