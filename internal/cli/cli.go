// Package cli holds struna's command-line interface: flags, wiring and
// output only. The work is done by the packages it calls.
//
// Exit codes follow DESIGN §4: 0 success, 1 bad data (a file, record or
// field is wrong), 2 bad usage (flags or arguments).
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// Env is what a command may touch: its streams, a clock and a logger. Tests
// pass buffers and a fixed clock.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Now            func() time.Time
	Log            *slog.Logger

	ctx context.Context
}

func (e *Env) defaults() {
	if e.Now == nil {
		e.Now = time.Now
	}
	if e.Log == nil {
		e.Log = slog.New(slog.NewTextHandler(e.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	if e.Stdin == nil {
		e.Stdin = strings.NewReader("")
	}
}

// isTerminal reports whether w is a terminal (for progress bars).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// usageError marks errors that are the caller's flags or arguments (exit 2).
type usageError struct{ error }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// Main runs the CLI with args and returns the exit code.
func Main(ctx context.Context, args []string, env Env) int {
	env.defaults()
	env.ctx = ctx
	root := newRoot(&env)
	root.SetArgs(args)
	root.SetIn(env.Stdin)
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	fmt.Fprintln(env.Stderr, "struna: "+err.Error())
	var ue usageError
	if errors.As(err, &ue) || isCobraUsage(err) {
		return 2
	}
	return 1
}

// isCobraUsage recognises cobra's own flag and argument errors.
func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown flag", "unknown shorthand", "unknown command", "accepts ", "requires at least", "invalid argument", "flag needs an argument", "required flag"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

func newRoot(env *Env) *cobra.Command {
	root := &cobra.Command{
		Use:   "struna",
		Short: "Post-earthquake building assessment from ambient vibration, and relief coordination",
		Long: `struna tells rescuers which damaged buildings are safe to enter, from a few
minutes of vibration recorded on site, and coordinates the relief operation.

Exit codes: 0 success, 1 bad data, 2 bad usage.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.CompletionOptions.DisableDefaultCmd = true
	root.AddCommand(newAssess(env), newDemo(env), newInspect(env), newModal(env), newSimulate(env), newVersion(env), newServe(env), newPush(env), newToken(env))
	return root
}

// Version is set at build time with -ldflags "-X github.com/struna/struna/internal/cli.Version=...".
var Version = "dev"

func newVersion(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintln(env.Stdout, "struna", Version)
			return err
		},
	}
}

// contextOf returns the context of the running command.
func contextOf(env *Env) context.Context {
	if env.ctx != nil {
		return env.ctx
	}
	return context.Background()
}

// timeOf is the duration of n samples at rate fs.
func timeOf(n int, fs float64) time.Duration {
	return time.Duration(math.Round(float64(n) / fs * 1e9))
}
