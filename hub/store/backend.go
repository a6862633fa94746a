package store

import "context"

// The SQL is shared by both databases: placeholders are $1, $2, … (SQLite
// reads $N as the N-th argument), times are int64 Unix nanoseconds, and
// conditional writes use forms both dialects have (ON CONFLICT, RETURNING,
// row values). backend hides the two drivers behind the few calls the SQL
// needs.

type rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close()
}

type row interface {
	Scan(dest ...any) error
}

type querier interface {
	exec(ctx context.Context, q string, args ...any) (int64, error)
	query(ctx context.Context, q string, args ...any) (rows, error)
	queryRow(ctx context.Context, q string, args ...any) row
}

type tx interface {
	querier
	commit(ctx context.Context) error
	rollback(ctx context.Context) error
}

type backend interface {
	querier                                // reads, outside any transaction
	begin(ctx context.Context) (tx, error) // a write transaction
	ping(ctx context.Context) error
	close() error
	kind() string
	// forUpdate is the clause that locks a selected row until the end of
	// the transaction ("" where writers are serialised anyway).
	forUpdate() string
	// migrationLock is a statement run first in each migration
	// transaction so that two processes do not migrate at once.
	migrationLock() string
}
