package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Migrations are numbered SQL files per dialect (migrations/DIALECT/NNNN_what.sql),
// applied in order, each in its own transaction with its row in
// schema_migrations, so a crash mid-migration leaves the previous version.
// A migration once released is never edited: a change is a new file.
//
//go:embed migrations
var migrationFS embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

func migrations(dialect string) ([]migration, error) {
	dir := path.Join("migrations", dialect)
	ents, err := fs.ReadDir(migrationFS, dir)
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range ents {
		n := e.Name()
		num, _, ok := strings.Cut(n, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 || !strings.HasSuffix(n, ".sql") {
			return nil, fmt.Errorf("migration %s/%s: name is not NNNN_what.sql", dir, n)
		}
		b, err := migrationFS.ReadFile(path.Join(dir, n))
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: n, sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i := 1; i < len(ms); i++ {
		if ms[i].version == ms[i-1].version {
			return nil, fmt.Errorf("migrations %s and %s have the same version", ms[i-1].name, ms[i].name)
		}
	}
	return ms, nil
}

// SchemaVersion is the newest migration this build knows.
func SchemaVersion() int {
	ms, err := migrations("sqlite")
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].version
}

func migrate(ctx context.Context, b backend, now func() time.Time) error {
	ms, err := migrations(b.kind())
	if err != nil {
		return err
	}
	for _, m := range ms {
		if err := applyMigration(ctx, b, m, now()); err != nil {
			return fmt.Errorf("database migration %s: %w", m.name, err)
		}
	}
	// A database written by a newer struna must not be used by an older one.
	var newest int64
	if err := b.queryRow(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&newest); err != nil {
		return fmt.Errorf("database migrations: %w", err)
	}
	if n := len(ms); n > 0 && newest > int64(ms[n-1].version) {
		return fmt.Errorf("database schema version %d is newer than this struna's %d: upgrade struna", newest, ms[n-1].version)
	}
	return nil
}

func applyMigration(ctx context.Context, b backend, m migration, at time.Time) (err error) {
	t, err := b.begin(ctx)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			t.rollback(context.WithoutCancel(ctx))
		}
	}()
	if l := b.migrationLock(); l != "" {
		if _, err := t.exec(ctx, l); err != nil {
			return err
		}
	}
	if _, err := t.exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
  version    BIGINT PRIMARY KEY,
  name       TEXT NOT NULL,
  applied_ns BIGINT NOT NULL
)`); err != nil {
		return err
	}
	var n int64
	if err := t.queryRow(ctx, "SELECT COUNT(*) FROM schema_migrations WHERE version = $1", int64(m.version)).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return t.rollback(ctx)
	}
	if _, err := t.exec(ctx, m.sql); err != nil {
		return err
	}
	if _, err := t.exec(ctx, "INSERT INTO schema_migrations (version, name, applied_ns) VALUES ($1, $2, $3)",
		int64(m.version), m.name, at.UnixNano()); err != nil {
		return err
	}
	return t.commit(ctx)
}
