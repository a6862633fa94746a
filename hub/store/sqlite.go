package store

import (
	"context"
	"database/sql"
	"fmt"
	"runtime"
	"strings"
	"time"

	_ "modernc.org/sqlite" // database/sql driver "sqlite"
)

// sqliteDB keeps two pools on one file: a single writer connection, so
// write transactions queue in Go instead of failing with SQLITE_BUSY, and a
// few read-only connections, which WAL lets run beside the writer. Write
// transactions start with BEGIN IMMEDIATE (they take the write lock at
// once, so a transaction never has to upgrade a read lock and deadlock),
// and busy_timeout covers another process (struna token create) writing to
// the same file.
//
// Checkpoints (copying the WAL back into the database file) run from a
// connection of their own every checkpointEvery, not inside whichever
// commit crosses the WAL size threshold: a 180 kB report would otherwise
// now and then wait for megabytes of checkpoint I/O, and every write
// queued behind it too. A busy hub always has some reader on the WAL, so
// the WAL would never start over and grow without bound (checkpoint
// starvation, sqlite.org/wal.html §"Avoiding Excessively Large WAL
// Files"); past restartFrames a RESTART checkpoint briefly holds writers
// back until the readers have moved to the database file, and the WAL
// starts over (and is cut back to journal_size_limit).
type sqliteDB struct {
	dbQuerier
	w, r, ckpt *sql.DB
	stop       chan struct{}
	done       chan struct{}
}

const (
	checkpointEvery = 500 * time.Millisecond
	restartFrames   = 8192 // 32 MiB of 4 KiB pages
)

func openSQLite(ctx context.Context, path string, noSync bool) (backend, error) {
	if path == "" {
		return nil, fmt.Errorf("database: empty path")
	}
	if strings.ContainsAny(path, "?#") || strings.HasPrefix(path, "file:") {
		return nil, fmt.Errorf("database %s: give a plain file path (no URI, no '?' or '#')", path)
	}
	sync := "FULL" // a commit is on disk before it is acknowledged
	if noSync {
		sync = "OFF"
	}
	// modernc takes "path?params" and passes the path to SQLite as is.
	common := "_busy_timeout=10000"
	wdsn := path + "?" + common + "&_journal_mode=WAL&_synchronous=" + sync +
		"&_foreign_keys=1&_txlock=immediate&_pragma=wal_autocheckpoint(0)&_pragma=journal_size_limit(67108864)"
	w, err := sql.Open("sqlite", wdsn)
	if err != nil {
		return nil, fmt.Errorf("database %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	// Connect the writer first: it sets the WAL journal mode, which is
	// persistent, before any reader opens the file.
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("database %s: %w", path, err)
	}
	var mode string
	if err := w.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || !strings.EqualFold(mode, "wal") {
		w.Close()
		return nil, fmt.Errorf("database %s: cannot use WAL journal (mode %q): %v", path, mode, err)
	}
	r, err := sql.Open("sqlite", path+"?"+common+"&_query_only=1")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("database %s: %w", path, err)
	}
	n := max(4, 2*runtime.GOMAXPROCS(0))
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	// A RESTART that cannot finish within 2 s gives up and tries again
	// later rather than hold writers back longer.
	ckpt, err := sql.Open("sqlite", path+"?_busy_timeout=2000&_synchronous="+sync)
	if err != nil {
		w.Close()
		r.Close()
		return nil, fmt.Errorf("database %s: %w", path, err)
	}
	ckpt.SetMaxOpenConns(1)
	db := &sqliteDB{dbQuerier: dbQuerier{r}, w: w, r: r, ckpt: ckpt, stop: make(chan struct{}), done: make(chan struct{})}
	go db.checkpoints()
	return db, nil
}

// checkpoints copies committed WAL frames into the database file in the
// background. PASSIVE never blocks the writer or readers; it copies what
// no reader still needs, and the WAL is reused from its start once all of
// it has been copied.
func (s *sqliteDB) checkpoints() {
	defer close(s.done)
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			var busy, frames, copied int64
			if s.ckpt.QueryRow("PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &frames, &copied) == nil && frames >= restartFrames {
				s.ckpt.Exec("PRAGMA wal_checkpoint(RESTART)")
			}
		}
	}
}

func (s *sqliteDB) begin(ctx context.Context) (tx, error) {
	t, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	return sqlTx{dbQuerier{t}, t}, nil
}

func (s *sqliteDB) ping(ctx context.Context) error {
	if err := s.w.PingContext(ctx); err != nil {
		return err
	}
	return s.r.PingContext(ctx)
}

func (s *sqliteDB) close() error {
	close(s.stop)
	<-s.done
	// The last connection to close checkpoints and removes the WAL itself.
	s.ckpt.Close()
	err := s.r.Close()
	if e := s.w.Close(); err == nil {
		err = e
	}
	return err
}

func (s *sqliteDB) kind() string          { return "sqlite" }
func (s *sqliteDB) forUpdate() string     { return "" }
func (s *sqliteDB) migrationLock() string { return "" }

// sqlConn is what *sql.DB and *sql.Tx have in common.
type sqlConn interface {
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

type dbQuerier struct{ c sqlConn }

func (d dbQuerier) exec(ctx context.Context, q string, args ...any) (int64, error) {
	res, err := d.c.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (d dbQuerier) query(ctx context.Context, q string, args ...any) (rows, error) {
	r, err := d.c.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return sqlRows{r}, nil
}

func (d dbQuerier) queryRow(ctx context.Context, q string, args ...any) row {
	return d.c.QueryRowContext(ctx, q, args...)
}

type sqlRows struct{ *sql.Rows }

func (r sqlRows) Close() { r.Rows.Close() }

type sqlTx struct {
	dbQuerier
	t *sql.Tx
}

func (t sqlTx) commit(context.Context) error   { return t.t.Commit() }
func (t sqlTx) rollback(context.Context) error { return t.t.Rollback() }
