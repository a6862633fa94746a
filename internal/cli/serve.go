package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/struna/struna/hub"
	"github.com/struna/struna/hub/store"
)

func newServe(env *Env) *cobra.Command {
	var db, addr, tiles string
	var rtcAddrs []string
	cmd := &cobra.Command{
		Use:   "serve [--db DB] [--addr HOST:PORT] [--tiles URL]",
		Short: "Run the coordination hub: HTTP/JSON API, live events and the web UI",
		Long: `serve runs the hub the coordination cell works from: field laptops push their
reports to it (struna push), the map shows every building's placard live, and teams
claim worksites without ever colliding.

DB is a SQLite file (created if missing) or a postgres://USER@HOST/NAME URL. Create
the first token with "struna token create --db DB --org ORG --role admin".
--tiles gives the web UI a map tile URL template (https://…/{z}/{x}/{y}.png); without
it the map has a plain background. Stop with Ctrl-C (SIGINT) or SIGTERM: requests in
flight finish first.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runServe(env, db, addr, tiles, rtcAddrs)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&db, "db", "struna-hub.db", "database: SQLite file path or postgres:// URL")
	fl.StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on (HOST:PORT; port 0 picks a free one)")
	fl.StringVar(&tiles, "tiles", "", "map tile URL template for the web UI, with {z}, {x} and {y}")
	fl.StringSliceVar(&rtcAddrs, "rtc-addr", nil, "local IP address the call audio rooms offer to browsers (repeatable; default loopback only)")
	return cmd
}

func runServe(env *Env, db, addr, tiles string, rtcAddrs []string) error {
	var ips []net.IP
	for _, a := range rtcAddrs {
		ip := net.ParseIP(a)
		if ip == nil {
			return usagef("--rtc-addr %q: not an IP address", a)
		}
		ips = append(ips, ip)
	}
	if tiles != "" {
		u, err := url.Parse(tiles)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || !strings.Contains(tiles, "{z}") ||
			!strings.Contains(tiles, "{x}") || !strings.Contains(tiles, "{y}") {
			return usagef("--tiles %q: want an http(s) URL template with {z}, {x} and {y}", tiles)
		}
	}
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return usagef("--addr %q: want HOST:PORT (%v)", addr, err)
	}
	ctx := contextOf(env)
	st, err := store.Open(ctx, db, store.Options{Now: env.Now})
	if err != nil {
		return err
	}
	defer st.Close()
	srv, err := hub.New(hub.Config{Store: st, Logger: env.Log, Now: env.Now, Tiles: tiles, RTCAddrs: ips})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("--addr %s: %w", addr, err)
	}
	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		// A report of a few MB over a poor field link may take minutes.
		ReadTimeout: 5 * time.Minute,
		IdleTimeout: 2 * time.Minute,
		ErrorLog:    slog.NewLogLogger(env.Log.Handler(), slog.LevelWarn),
	}
	// Event streams never end by themselves: end them when shutting down.
	hs.RegisterOnShutdown(srv.Close)
	fmt.Fprintf(env.Stdout, "struna hub: listening on http://%s (database: %s %s)\n", ln.Addr(), st.Kind(), showDSN(db))

	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serving: %w", err)
	case <-ctx.Done():
	}
	fmt.Fprintln(env.Stdout, "struna hub: shutting down")
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("shutting down: %w", err)
	}
	fmt.Fprintln(env.Stdout, "struna hub: stopped")
	return nil
}

// showDSN hides a PostgreSQL password.
func showDSN(dsn string) string {
	if !store.IsPostgres(dsn) {
		return dsn
	}
	if u, err := url.Parse(dsn); err == nil {
		return u.Redacted()
	}
	return "postgres://…"
}
