package store

import (
	"context"
	"fmt"
	"runtime"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// pgDB is PostgreSQL through a pgx pool. Transactions run at READ
// COMMITTED: every conditional write is a single UPDATE or INSERT … ON
// CONFLICT, which PostgreSQL re-evaluates on the latest row version after a
// concurrent writer commits, so no stronger isolation is needed.
type pgDB struct {
	pool *pgxpool.Pool
	pgQuerier
}

func openPostgres(ctx context.Context, dsn string) (backend, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// pgx's message may quote the DSN with its password; say less.
		return nil, fmt.Errorf("database: cannot parse the postgres:// URL: %v", redact(err))
	}
	// pgx's default pool (4 connections on 2 cores) queues a busy hub's
	// token lookups behind its writes; a DSN may still set pool_max_conns.
	if !strings.Contains(dsn, "pool_max_conns") {
		cfg.MaxConns = int32(max(16, 4*runtime.GOMAXPROCS(0)))
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("database %s: %v", cfg.ConnConfig.Host, redact(err))
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("database %s/%s: %w", cfg.ConnConfig.Host, cfg.ConnConfig.Database, err)
	}
	return &pgDB{pool: pool, pgQuerier: pgQuerier{pool}}, nil
}

func redact(err error) string {
	s := err.Error()
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}

func (p *pgDB) begin(ctx context.Context) (tx, error) {
	t, err := p.pool.Begin(ctx)
	if err != nil {
		return nil, err
	}
	return pgTx{pgQuerier{t}, t}, nil
}

func (p *pgDB) ping(ctx context.Context) error { return p.pool.Ping(ctx) }
func (p *pgDB) close() error                   { p.pool.Close(); return nil }
func (p *pgDB) kind() string                   { return "postgres" }
func (p *pgDB) forUpdate() string              { return " FOR UPDATE" }

// The lock key is arbitrary; it only has to be the same for every struna.
func (p *pgDB) migrationLock() string { return "SELECT pg_advisory_xact_lock(7308199482)" }

// pgConn is what *pgxpool.Pool and pgx.Tx have in common.
type pgConn interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

type pgQuerier struct{ c pgConn }

func (q pgQuerier) exec(ctx context.Context, s string, args ...any) (int64, error) {
	tag, err := q.c.Exec(ctx, s, args...)
	if err != nil {
		return 0, err
	}
	return tag.RowsAffected(), nil
}

func (q pgQuerier) query(ctx context.Context, s string, args ...any) (rows, error) {
	r, err := q.c.Query(ctx, s, args...)
	if err != nil {
		return nil, err
	}
	return r, nil
}

func (q pgQuerier) queryRow(ctx context.Context, s string, args ...any) row {
	return q.c.QueryRow(ctx, s, args...)
}

type pgTx struct {
	pgQuerier
	t pgx.Tx
}

func (t pgTx) commit(ctx context.Context) error   { return t.t.Commit(ctx) }
func (t pgTx) rollback(ctx context.Context) error { return t.t.Rollback(ctx) }
