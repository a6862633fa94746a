package cli

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/struna/struna/qc"
	"github.com/struna/struna/seis/seisio"
)

// inputFlags are the flags shared by commands that read sensor files.
type inputFlags struct {
	fs    float64
	start string
}

func (f *inputFlags) add(cmd *cobra.Command) {
	cmd.Flags().Float64Var(&f.fs, "fs", 0, "sample rate (Hz) of CSV files that have no time column")
	cmd.Flags().StringVar(&f.start, "start", "", "start time (RFC 3339) of CSV files that have no time column (default 1970-01-01T00:00:00Z)")
}

func (f *inputFlags) options() (seisio.Options, error) {
	o := seisio.Options{SampleRate: f.fs}
	if f.fs < 0 {
		return o, usagef("--fs %g: must be positive", f.fs)
	}
	if f.start != "" {
		t, err := time.Parse(time.RFC3339Nano, f.start)
		if err != nil {
			return o, usagef("--start %q: not an RFC 3339 time (e.g. 2026-11-25T10:00:00Z)", f.start)
		}
		o.Start = t.UTC()
	}
	return o, nil
}

// InspectChannel is one entry of `struna inspect --json` (DESIGN §4).
type InspectChannel struct {
	ID           string    `json:"id"`
	SampleRateHz float64   `json:"sample_rate_hz"`
	Start        time.Time `json:"start"`
	End          time.Time `json:"end"`
	Samples      int       `json:"samples"`
	Gaps         int       `json:"gaps"`
	Overlaps     int       `json:"overlaps"`
	Segments     int       `json:"segments"`
	Units        string    `json:"units,omitempty"`
	Flags        []qc.Flag `json:"flags"`
}

// InspectFile is one input file of `struna inspect --json`.
type InspectFile struct {
	Path     string   `json:"path"`
	Format   string   `json:"format"`
	Traces   int      `json:"records"`
	Warnings []string `json:"warnings,omitempty"`
}

// InspectOutput is the whole `struna inspect --json` document.
type InspectOutput struct {
	Channels []InspectChannel `json:"channels"`
	Files    []InspectFile    `json:"files"`
	Skipped  []string         `json:"skipped,omitempty"`
}

func newInspect(env *Env) *cobra.Command {
	var (
		asJSON bool
		fmin   float64
		in     inputFlags
	)
	cmd := &cobra.Command{
		Use:   "inspect [--json] PATH...",
		Short: "List the channels of sensor files with their rates, spans, gaps and quality flags",
		Long: `inspect reads miniSEED 2/3, SAC (binary or alpha) and CSV files, or directories of
them, merges records into channels and prints, per channel, the sample rate, span,
sample count, gaps and quality-control flags (clipping, dead or flat channels,
spikes, NaN/Inf, sample-rate mismatch, too short for --fmin).`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts, err := in.options()
			if err != nil {
				return err
			}
			if fmin <= 0 {
				return usagef("--fmin %g: must be positive", fmin)
			}
			set, err := seisio.Read(args, opts)
			if err != nil {
				return err
			}
			out := inspect(set, qc.Options{FMin: fmin})
			if asJSON {
				enc := json.NewEncoder(env.Stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(out)
			}
			return printInspect(env, out)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (DESIGN §4 contract)")
	cmd.Flags().Float64Var(&fmin, "fmin", 0.5, "lowest frequency of interest (Hz), for the record-length check")
	in.add(cmd)
	return cmd
}

func inspect(set *seisio.Set, o qc.Options) InspectOutput {
	flags := qc.Check(set.Channels, o)
	out := InspectOutput{Channels: []InspectChannel{}, Skipped: set.Skipped}
	for i := range set.Channels {
		c := &set.Channels[i]
		ic := InspectChannel{
			ID: c.ID.String(), SampleRateHz: c.SampleRate, Start: c.Start(), End: c.End(),
			Samples: c.Samples(), Gaps: c.NumGaps(), Overlaps: c.NumOverlaps(), Segments: len(c.Segments),
			Units: c.Units, Flags: flags[i],
		}
		if ic.Flags == nil {
			ic.Flags = []qc.Flag{}
		}
		if c.SampleRate <= 0 {
			ic.Samples = len(c.Text)
		}
		out.Channels = append(out.Channels, ic)
	}
	for _, f := range set.Files {
		inf := InspectFile{Path: f.Path, Format: string(f.Format), Traces: f.Traces}
		for _, w := range f.Warnings {
			inf.Warnings = append(inf.Warnings, w.Error())
		}
		out.Files = append(out.Files, inf)
	}
	return out
}

func printInspect(env *Env, out InspectOutput) error {
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CHANNEL\tRATE Hz\tSTART\tEND\tSAMPLES\tGAPS\tQC")
	for _, c := range out.Channels {
		var q []string
		for _, f := range c.Flags {
			q = append(q, fmt.Sprintf("%s(%s)", f.Code, f.Severity))
		}
		qs := "ok"
		if len(q) > 0 {
			qs = strings.Join(q, " ")
		}
		fmt.Fprintf(tw, "%s\t%g\t%s\t%s\t%d\t%d\t%s\n", c.ID, c.SampleRateHz,
			c.Start.Format("2006-01-02T15:04:05.000000000Z"), c.End.Format("2006-01-02T15:04:05.000000000Z"), c.Samples, c.Gaps, qs)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, c := range out.Channels {
		for _, f := range c.Flags {
			if f.Severity != qc.Info {
				fmt.Fprintf(env.Stdout, "%s: %s: %s\n", c.ID, f.Code, f.Detail)
			}
		}
	}
	for _, f := range out.Files {
		for _, w := range f.Warnings {
			fmt.Fprintf(env.Stderr, "warning: %s\n", w)
		}
	}
	if len(out.Skipped) > 0 {
		fmt.Fprintf(env.Stderr, "skipped %d file(s) that are not sensor records: %s\n", len(out.Skipped), strings.Join(out.Skipped, ", "))
	}
	return nil
}
