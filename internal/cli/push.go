package cli

import (
	"fmt"
	"net/url"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/struna/struna/hub/push"
)

type pushFlags struct {
	hub, token, spool string
	flush             bool
	timeout           time.Duration
}

func newPush(env *Env) *cobra.Command {
	var f pushFlags
	cmd := &cobra.Command{
		Use:   "push REPORT.json... --hub URL --token T | push --flush --hub URL --token T",
		Short: "Send assessment reports to the hub; keep them in a spool while it is unreachable",
		Long: `push sends each report.json to the hub. If the hub cannot be reached (no route,
a timeout, a server error) the report is copied into the spool directory and push
says so and exits 0: the survey is safe. "push --flush" sends everything in the
spool, removing each report only after the hub has stored it; run it when the link
is back (with report files too, the spool goes first). The hub stores each report
once, so sending one again is harmless.

--hub and --token default to $STRUNA_HUB and $STRUNA_TOKEN (a token on the command
line is visible to other users of the machine). The spool defaults to
$XDG_STATE_HOME/struna/spool or ~/.local/state/struna/spool.
Exit codes: 0 all sent or safely spooled, 1 a report was refused or could not be
read (or --flush could not reach the hub), 2 bad usage.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runPush(env, &f, args)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.hub, "hub", os.Getenv("STRUNA_HUB"), "hub base URL, e.g. http://10.1.0.2:8080")
	fl.StringVar(&f.token, "token", os.Getenv("STRUNA_TOKEN"), "bearer token (role field or higher)")
	fl.StringVar(&f.spool, "spool", "", "spool directory (default $XDG_STATE_HOME/struna/spool)")
	fl.BoolVar(&f.flush, "flush", false, "send the reports waiting in the spool")
	fl.DurationVar(&f.timeout, "timeout", 30*time.Second, "give up on the hub after this long per report")
	return cmd
}

func runPush(env *Env, f *pushFlags, files []string) error {
	if len(files) == 0 && !f.flush {
		return usagef("give REPORT.json files to send, or --flush")
	}
	if f.hub == "" || f.token == "" {
		return usagef("--hub and --token are required (or $STRUNA_HUB and $STRUNA_TOKEN)")
	}
	if u, err := url.Parse(f.hub); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usagef("--hub %q: want http(s)://HOST[:PORT]", f.hub)
	}
	if f.timeout <= 0 {
		return usagef("--timeout %s: must be positive", f.timeout)
	}
	if f.spool == "" {
		d, err := push.DefaultSpoolDir()
		if err != nil {
			return usagef("%v", err)
		}
		f.spool = d
	}
	c := &push.Client{Hub: f.hub, Token: f.token, Spool: f.spool}
	c.HTTP = push.HTTPClient(f.timeout)
	ctx := contextOf(env)
	failed := 0
	var flushErr error
	if f.flush {
		results, err := c.Flush(ctx)
		sent := 0
		for _, r := range results {
			switch r.Outcome {
			case push.Sent, push.Known:
				sent++
				fmt.Fprintf(env.Stdout, "%s: %s (report %s, building %s, placard %s)\n", r.Name, r.Outcome, r.ID, r.BuildingID, r.Placard)
				if r.Err != nil {
					fmt.Fprintf(env.Stderr, "struna: %s: %v\n", r.Name, r.Err)
				}
			case push.Rejected:
				failed++
				fmt.Fprintf(env.Stderr, "struna: %s: %v (left in the spool)\n", r.Name, r.Err)
			}
		}
		fmt.Fprintf(env.Stdout, "flushed %d of %d spooled reports from %s\n", sent, len(results), f.spool)
		flushErr = err
	}
	for _, name := range files {
		body, err := os.ReadFile(name)
		if err != nil {
			failed++
			fmt.Fprintf(env.Stderr, "struna: %v\n", err)
			continue
		}
		r := c.Push(ctx, name, body)
		switch r.Outcome {
		case push.Sent, push.Known:
			fmt.Fprintf(env.Stdout, "%s: %s (report %s, building %s, placard %s)\n", name, r.Outcome, r.ID, r.BuildingID, r.Placard)
		case push.Spooled:
			fmt.Fprintf(env.Stderr, "struna: warning: %s: %v; kept in the spool as %s (the survey is safe; send it later with struna push --flush)\n", name, r.Err, r.SpoolPath)
		default:
			failed++
			fmt.Fprintf(env.Stderr, "struna: %s: %v\n", name, r.Err)
		}
	}
	switch {
	case flushErr != nil:
		return flushErr
	case failed > 0:
		return fmt.Errorf("%d report(s) not sent (see above)", failed)
	}
	return nil
}
