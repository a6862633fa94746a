package cli

import (
	"encoding/json"
	"fmt"
	"math/cmplx"
	"text/tabwriter"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/struna/struna/modal"
	"github.com/struna/struna/qc"
	"github.com/struna/struna/report"
	"github.com/struna/struna/seis"
	"github.com/struna/struna/seis/seisio"
)

// ModalMode is one mode of `struna modal --json` (DESIGN §4).
type ModalMode struct {
	FHz     float64             `json:"f_hz"`
	Zeta    float64             `json:"zeta"`
	FStdHz  float64             `json:"f_std_hz"`
	ZetaStd float64             `json:"zeta_std"`
	MPC     float64             `json:"mpc"`
	MPD     float64             `json:"mpd_deg"`
	Methods []string            `json:"methods"`
	Shape   []report.ShapeValue `json:"shape"`
	// UnresolvedPair: two close modes the record cannot separate.
	UnresolvedPair bool `json:"unresolved_pair,omitempty"`
}

// ModalOutput is the document `struna modal --json` prints.
type ModalOutput struct {
	Modes      []ModalMode      `json:"modes"`
	Harmonics  []ModalMode      `json:"harmonics"`
	Channels   []string         `json:"channels"`
	Excluded   []string         `json:"excluded_channels,omitempty"`
	Provenance modal.Provenance `json:"provenance"`
	Notes      []string         `json:"notes"`
}

func newModal(env *Env) *cobra.Command {
	var (
		asJSON     bool
		fmin, fmax float64
		method     string
		preset     string
		in         inputFlags
	)
	cmd := &cobra.Command{
		Use:   "modal [--json] [--fmin F] [--fmax F] [--method fdd|ssi|auto] PATH...",
		Short: "Identify natural frequencies, damping and mode shapes from ambient vibration",
		Long: `modal reads simultaneous records of several channels, drops channels that fail
quality control, and identifies the structure's modes with no tuning: the band is
found from the data unless --fmin/--fmax are given, decimation, segment length,
block rows and model orders are chosen from the record and reported as provenance.
--method auto (default) runs SSI-cov with automated stabilization and FDD/EFDD and
merges them; harmonics from machinery are recognised and listed apart.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts, err := in.options()
			if err != nil {
				return err
			}
			m := modal.Method(method)
			if m != modal.MethodAuto && m != modal.MethodSSI && m != modal.MethodFDD {
				return usagef("--method %q: want auto, ssi or fdd", method)
			}
			ps, err := modal.PresetByName(preset)
			if err != nil {
				return usageError{err}
			}
			if fmin < 0 || fmax < 0 || (fmax > 0 && fmin >= fmax) {
				return usagef("--fmin %g --fmax %g: need 0 ≤ fmin < fmax", fmin, fmax)
			}
			set, err := seisio.Read(args, opts)
			if err != nil {
				return err
			}
			al, excluded, err := usableChannels(set, fmin)
			if err != nil {
				return err
			}
			var bar *progressbar.ProgressBar
			mo := modal.Options{FMin: fmin, FMax: fmax, Method: m, Preset: ps}
			if isTerminal(env.Stderr) && !asJSON {
				bar = progressbar.NewOptions(100, progressbar.OptionSetWriter(env.Stderr), progressbar.OptionSetDescription("identifying modes"), progressbar.OptionClearOnFinish())
				mo.Progress = func(f float64) { _ = bar.Set(int(100 * f)) }
			}
			res, err := modal.Identify(cmd.Context(), al.Data, al.SampleRate, mo)
			if bar != nil {
				_ = bar.Finish()
			}
			if err != nil {
				return err
			}
			out := modalOutput(res, al, excluded)
			if asJSON {
				enc := json.NewEncoder(env.Stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(out)
			}
			return printModal(env, out)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&asJSON, "json", false, "print JSON (DESIGN §4 contract)")
	fl.Float64Var(&fmin, "fmin", 0, "lowest frequency of interest, Hz (default: half the first peak found in the data)")
	fl.Float64Var(&fmax, "fmax", 0, "highest frequency of interest, Hz (default: ten times the first peak, below 0.4 of the sample rate)")
	fl.StringVar(&method, "method", "auto", "fdd, ssi or auto (both, merged)")
	fl.StringVar(&preset, "preset", "strict", "stabilization preset: strict (Δf<1 %, Δζ<5 %, MAC>0.98) or loose (5 %, 10 %, 0.95)")
	in.add(cmd)
	return cmd
}

// usableChannels runs QC and aligns the channels that pass it; channels
// with errors (dead, clipped, NaN, too short…) are excluded and named.
func usableChannels(set *seisio.Set, fmin float64) (*seis.Aligned, []string, error) {
	flags := qc.Check(set.Channels, qc.Options{FMin: fmin})
	var keep []seis.Channel
	var excluded []string
	for i, c := range set.Channels {
		if c.SampleRate <= 0 {
			continue
		}
		if qc.Worst(flags[i]) == qc.Error {
			for _, f := range flags[i] {
				if f.Severity == qc.Error {
					excluded = append(excluded, fmt.Sprintf("%s: %s: %s", c.ID, f.Code, f.Detail))
					break
				}
			}
			continue
		}
		keep = append(keep, c)
	}
	if len(keep) == 0 {
		if len(excluded) > 0 {
			return nil, excluded, fmt.Errorf("no channel passed quality control: %s", excluded[0])
		}
		return nil, nil, fmt.Errorf("no data channels in the input")
	}
	al, err := seis.Align(keep)
	if err != nil {
		return nil, excluded, err
	}
	return al, excluded, nil
}

func toModalMode(m modal.Mode, ids []seis.SourceID) ModalMode {
	mm := ModalMode{FHz: m.FHz, Zeta: m.Zeta, FStdHz: m.FStdHz, ZetaStd: m.ZetaStd, MPC: m.MPC, MPD: m.MPD, Methods: m.Methods, UnresolvedPair: m.Unresolved}
	for i, c := range m.Shape {
		sv := report.ShapeValue{Channel: ids[i].String(), Re: real(c), Im: imag(c)}
		if i < len(m.ShapeStd) {
			sv.Std = m.ShapeStd[i]
		}
		mm.Shape = append(mm.Shape, sv)
	}
	return mm
}

func modalOutput(res *modal.Result, al *seis.Aligned, excluded []string) ModalOutput {
	out := ModalOutput{Modes: []ModalMode{}, Harmonics: []ModalMode{}, Provenance: res.Provenance, Notes: res.Notes, Excluded: excluded}
	if out.Notes == nil {
		out.Notes = []string{}
	}
	for _, id := range al.IDs {
		out.Channels = append(out.Channels, id.String())
	}
	for _, m := range res.Modes {
		out.Modes = append(out.Modes, toModalMode(m, al.IDs))
	}
	for _, m := range res.Harmonics {
		out.Harmonics = append(out.Harmonics, toModalMode(m, al.IDs))
	}
	return out
}

func printModal(env *Env, out ModalOutput) error {
	p := out.Provenance
	fmt.Fprintf(env.Stdout, "%d channels, %.0f s at %g Hz, band %.3g–%.3g Hz, decimated to %.4g Hz\n",
		len(out.Channels), p.DurationS, p.SampleRateHz, p.FMinHz, p.FMaxHz, p.DecimatedToHz)
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "MODE\tf Hz\t± Hz\tζ %\t± %\tMPC\tMETHODS\tLARGEST AT")
	for i, m := range out.Modes {
		big := ""
		best := -1.0
		for _, s := range m.Shape {
			if a := cmplx.Abs(complex(s.Re, s.Im)); a > best {
				best, big = a, s.Channel
			}
		}
		if m.UnresolvedPair {
			big += " (two close modes, not separable)"
		}
		fmt.Fprintf(tw, "%d\t%.4f\t%.4f\t%.2f\t%.2f\t%.3f\t%v\t%s\n", i+1, m.FHz, m.FStdHz, 100*m.Zeta, 100*m.ZetaStd, m.MPC, m.Methods, big)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, h := range out.Harmonics {
		fmt.Fprintf(env.Stdout, "harmonic (machinery, not a structural mode): %.4f Hz\n", h.FHz)
	}
	for _, e := range out.Excluded {
		fmt.Fprintf(env.Stdout, "excluded %s\n", e)
	}
	for _, n := range out.Notes {
		fmt.Fprintf(env.Stdout, "note: %s\n", n)
	}
	if len(out.Modes) == 0 && len(out.Notes) == 0 {
		fmt.Fprintln(env.Stdout, "no modes found")
	}
	return nil
}
