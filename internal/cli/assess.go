package cli

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/struna/struna/assess"
	"github.com/struna/struna/modal"
	"github.com/struna/struna/qc"
	"github.com/struna/struna/report"
	"github.com/struna/struna/seis/seisio"
	"github.com/struna/struna/survey"
)

type assessFlags struct {
	survey, baseline, policy, out string
	fmin, fmax                    float64
	in                            inputFlags
}

func newAssess(env *Env) *cobra.Command {
	var f assessFlags
	cmd := &cobra.Command{
		Use:   "assess --survey SURVEY.json [--baseline REPORT.json] --out DIR PATH...",
		Short: "Assess a building from its vibration records: modes, condition category, placard, report",
		Long: `assess reads the records (miniSEED, SAC, CSV; files or directories), checks every
channel, identifies the building's modes with no tuning, compares them with the
best reference available (a baseline report of the same building, else code period
formulas), applies the decision policy and writes DIR/report.json and DIR/report.html.

The verdict: technical-condition category (normative, working, limited, emergency),
placard (green, yellow, red), confidence and reasons. Visible severe damage or
collapse is red whatever the vibration says; a damaged gas or electrical supply
restricts entry; data too poor to judge never gets a placard better than yellow.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			rep, err := runAssess(env, &f, args)
			if err != nil {
				return err
			}
			fmt.Fprintln(env.Stdout, summaryLine(rep, f.out))
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.survey, "survey", "", "survey file (DESIGN §4): building, sensors, observations (required)")
	fl.StringVar(&f.baseline, "baseline", "", "report.json of an earlier survey of the same building")
	fl.StringVar(&f.policy, "policy", "", "decision policy file (default: the embedded policy)")
	fl.StringVar(&f.out, "out", "", "output directory for report.json and report.html (required)")
	fl.Float64Var(&f.fmin, "fmin", 0, "lowest frequency of interest, Hz (default: from the data)")
	fl.Float64Var(&f.fmax, "fmax", 0, "highest frequency of interest, Hz (default: from the data)")
	f.in.add(cmd)
	return cmd
}

func summaryLine(r *report.Report, out string) string {
	reason := ""
	if len(r.Reasons) > 0 {
		reason = " — " + r.Reasons[0]
	}
	return fmt.Sprintf("%s: %s (%s), confidence %.0f %%%s\nreport: %s", r.Building.ID, strings.ToUpper(r.Placard), r.Category, 100*r.Confidence, reason, filepath.Join(out, "report.html"))
}

func runAssess(env *Env, f *assessFlags, paths []string) (*report.Report, error) {
	if f.survey == "" || f.out == "" {
		return nil, usagef("--survey and --out are required")
	}
	if f.fmin < 0 || f.fmax < 0 || (f.fmax > 0 && f.fmin >= f.fmax) {
		return nil, usagef("--fmin %g --fmax %g: need 0 ≤ fmin < fmax", f.fmin, f.fmax)
	}
	opts, err := f.in.options()
	if err != nil {
		return nil, err
	}
	sv, err := readSurvey(f.survey)
	if err != nil {
		return nil, err
	}
	var base *report.Report
	if f.baseline != "" {
		fh, err := os.Open(f.baseline)
		if err != nil {
			return nil, err
		}
		base, err = report.Decode(fh, f.baseline)
		fh.Close()
		if err != nil {
			return nil, err
		}
	}
	pol, err := assess.DefaultPolicy()
	if err != nil {
		return nil, err
	}
	if f.policy != "" {
		fh, err := os.Open(f.policy)
		if err != nil {
			return nil, err
		}
		pol, err = assess.DecodePolicy(fh, f.policy)
		fh.Close()
		if err != nil {
			return nil, err
		}
	}
	set, err := seisio.Read(paths, opts)
	if err != nil {
		return nil, err
	}
	flags := qc.Check(set.Channels, qc.Options{FMin: f.fmin})

	var bar *progressbar.ProgressBar
	mo := modal.Options{FMin: f.fmin, FMax: f.fmax}
	if isTerminal(env.Stderr) {
		bar = progressbar.NewOptions(100, progressbar.OptionSetWriter(env.Stderr), progressbar.OptionSetDescription("assessing"), progressbar.OptionClearOnFinish())
		mo.Progress = func(x float64) { _ = bar.Set(int(90 * x)) }
	}
	in := assess.Input{Survey: sv, Policy: pol, Baseline: base, Now: env.Now(), Software: report.Software{Name: "struna", Version: Version}}
	for _, fl := range set.Files {
		in.Files = append(in.Files, fl.Path)
	}
	used := map[string]bool{}
	al, _, alignErr := usableChannels(set, f.fmin)
	if alignErr == nil {
		for _, id := range al.IDs {
			used[id.String()] = true
		}
		in.Start = al.Start
		in.End = al.Start.Add(timeOf(len(al.Data[0]), al.SampleRate))
		res, err := modal.Identify(contextOf(env), al.Data, al.SampleRate, mo)
		if err != nil && !isNoData(err) {
			return nil, err
		}
		if res != nil {
			ids := make([]string, len(al.IDs))
			for i, id := range al.IDs {
				ids[i] = id.String()
			}
			in.Modes = assess.ReportModes(res.Modes, ids)
			in.Harmonics = assess.ReportModes(res.Harmonics, ids)
			in.Provenance = res.Provenance
			in.Notes = res.Notes
			in.Plots = plotsOf(res)
		} else {
			in.Notes = []string{err.Error()}
		}
	} else {
		in.Notes = []string{alignErr.Error()}
		if len(set.Channels) > 0 {
			in.Start, in.End = set.Channels[0].Start(), set.Channels[0].End()
		}
	}
	for i, c := range set.Channels {
		rc := report.Channel{ID: c.ID.String(), SampleRateHz: c.SampleRate, Samples: c.Samples(), Gaps: c.NumGaps(), Used: used[c.ID.String()], Flags: []report.Flag{}}
		for _, fl := range flags[i] {
			rc.Flags = append(rc.Flags, report.Flag{Code: fl.Code, Severity: string(fl.Severity), Detail: fl.Detail})
		}
		in.Channels = append(in.Channels, rc)
	}
	rep, err := assess.Assess(in)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(f.out, 0o755); err != nil {
		return nil, err
	}
	if err := writeJSON(filepath.Join(f.out, "report.json"), rep); err != nil {
		return nil, err
	}
	var page bytes.Buffer
	if err := report.RenderHTML(&page, rep); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(f.out, "report.html"), page.Bytes(), 0o644); err != nil {
		return nil, err
	}
	if bar != nil {
		_ = bar.Finish()
	}
	return rep, nil
}

func readSurvey(path string) (*survey.Survey, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	return survey.Decode(fh, path)
}

func isNoData(err error) bool {
	return err != nil && strings.Contains(err.Error(), modal.ErrNoData.Error())
}

// plotsOf decimates the identification's spectra and stabilization
// diagram for the report: at most ~1500 spectrum points (the maximum of
// each group, so peaks survive) and the poles in the band.
func plotsOf(res *modal.Result) report.Plots {
	var p report.Plots
	if r := res.FDD; r != nil && len(r.Freqs) > 0 {
		step := max(1, len(r.Freqs)/1500)
		for i := 0; i < len(r.Freqs); i += step {
			j := min(i+step, len(r.Freqs))
			best := i
			for k := i; k < j; k++ {
				if r.SV[0][k] > r.SV[0][best] {
					best = k
				}
			}
			p.SpectrumHz = append(p.SpectrumHz, r.Freqs[best])
			p.SV1dB = append(p.SV1dB, db(r.SV[0][best]))
			if len(r.SV) > 1 {
				p.SV2dB = append(p.SV2dB, db(r.SV[1][best]))
			}
		}
	}
	if s := res.SSI; s != nil {
		lo, hi := res.Provenance.FMinHz, res.Provenance.FMaxHz
		for k, ps := range s.Poles {
			for i, q := range ps {
				if q.FHz >= lo && q.FHz <= hi {
					p.Poles = append(p.Poles, report.PlotPole{FHz: q.FHz, Order: q.Order, Stable: res.Stable[k][i]})
				}
			}
		}
	}
	return p
}

func db(v float64) float64 {
	if v <= 0 {
		return -300
	}
	return math.Round(100*10*math.Log10(v)) / 100
}
