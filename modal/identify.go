package modal

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/cmplx"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/struna/struna/dsp"
	"golang.org/x/sync/errgroup"
)

// Method selects the identification method.
type Method string

// Methods. Auto runs both and merges them.
const (
	MethodFDD  Method = "fdd"
	MethodSSI  Method = "ssi"
	MethodAuto Method = "auto"
)

// Options for Identify. Everything not given is chosen from the data and
// reported in Result.Provenance; nothing needs tuning.
type Options struct {
	FMin, FMax float64 // band of interest, Hz (0: chosen from the data)
	Method     Method  // default auto
	Preset     StabilizationPreset
	Refs       []int // reference channels for SSI (default all)
	// Segments is how many independent time segments the record is cut
	// into for the uncertainty of f and ζ (default 4; 1 disables).
	Segments int
	// Progress, if set, is called with a fraction in [0, 1] as work advances.
	Progress func(done float64)

	// skipPeaks are spectral peaks already recognised as harmonics, which
	// must not set the band; firstHint, if set, is the first mode found by
	// a previous pass, which sets it instead of the spectrum's first peak.
	skipPeaks []float64
	firstHint float64
	rechoices int // times the band was chosen again without a line
	// preLines are strong lines a pass with bursts found, to be taken out
	// of the record before it is gated.
	preLines []Mode
	// gate is the weight of every decimated sample (1; 0 in bursts left
	// out, with tapers), nil when nothing was left out: SSI's correlations
	// are normalised by it (gateScale).
	gate []float64
}

// Provenance records every choice Identify made, for the report.
type Provenance struct {
	SampleRateHz    float64 `json:"sample_rate_hz"`
	DecimatedToHz   float64 `json:"decimated_to_hz"`
	Decimation      []int   `json:"decimation"`
	FMinHz          float64 `json:"fmin_hz"`
	FMaxHz          float64 `json:"fmax_hz"`
	BandFromData    bool    `json:"band_from_data"`
	FirstPeakHz     float64 `json:"first_peak_hz,omitempty"`
	HighPassHz      float64 `json:"highpass_hz"`
	DurationS       float64 `json:"duration_s"`
	WelchSegment    int     `json:"welch_segment"`
	WelchResolution float64 `json:"welch_resolution_hz"`
	WelchAverages   int     `json:"welch_averages"`
	BlockRows       int     `json:"ssi_block_rows"`
	MaxOrder        int     `json:"ssi_max_order"`
	Refs            []int   `json:"ssi_refs"`
	Preset          string  `json:"stabilization_preset"`
	Segments        int     `json:"uncertainty_segments"`
	Method          string  `json:"method"`
	// LinesRemovedHz are the machine lines subtracted from the record
	// before the modes were identified (see lines.go).
	LinesRemovedHz []float64 `json:"lines_removed_hz,omitempty"`
	// BurstsMaskedS is how much of the record (s) was left out as bursts
	// far above the ambient level (see bursts.go).
	BurstsMaskedS float64 `json:"bursts_masked_s,omitempty"`
}

// Result of an identification.
type Result struct {
	Modes      []Mode // structural modes, sorted by frequency
	Harmonics  []Mode // peaks recognised as forced harmonics (machinery)
	Provenance Provenance
	SSI        *SSIResult // stabilization diagram of the record without its machine lines (nil when SSI did not run)
	Stable     [][]bool
	FDD        *FDDResult // singular value spectra and peaks of the record as recorded, lines included (nil when FDD did not run)
	Notes      []string   // why modes may be missing, in plain words
}

// ErrNoData is returned for input that cannot be analysed at all.
var ErrNoData = errors.New("no usable data")

// Identify finds the modes of a structure from simultaneous ambient
// records y (channels × samples, one sample rate fs). It removes mean and
// trend, high-passes below the band, decimates to the band of interest,
// runs SSI-cov with automated stabilization and clustering and/or
// FDD/EFDD, recognises harmonics, merges the methods, and estimates the
// spread of f and ζ over independent time segments.
func Identify(ctx context.Context, y [][]float64, fs float64, opts Options) (*Result, error) {
	if len(y) == 0 {
		return nil, fmt.Errorf("%w: no channels", ErrNoData)
	}
	n := len(y[0])
	for i := range y {
		if len(y[i]) != n {
			return nil, fmt.Errorf("channel %d has %d samples, channel 0 has %d: channels must be aligned", i, len(y[i]), n)
		}
		for t, v := range y[i] {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("channel %d sample %d is %v", i, t, v)
			}
		}
	}
	if !(fs > 0) {
		return nil, fmt.Errorf("sample rate %g Hz must be positive", fs)
	}
	if opts.Method == "" {
		opts.Method = MethodAuto
	}
	if opts.Preset.Name == "" {
		opts.Preset = Strict
	}
	if opts.Segments <= 0 {
		opts.Segments = 4
	}
	progress := func(f float64) {
		if opts.Progress != nil {
			opts.Progress(f)
		}
	}
	res := &Result{}
	pv := &res.Provenance
	pv.SampleRateHz, pv.DurationS, pv.Method, pv.Preset, pv.Segments = fs, float64(n)/fs, string(opts.Method), opts.Preset.Name, opts.Segments
	if n < 64 {
		return nil, fmt.Errorf("%w: %d samples are too few for any analysis", ErrNoData, n)
	}

	// Work on a detrended copy.
	x := make([][]float64, len(y))
	for i := range y {
		x[i] = slices.Clone(y[i])
		dsp.Detrend(x[i])
		if allZero(x[i]) {
			return nil, fmt.Errorf("%w: channel %d is constant", ErrNoData, i)
		}
	}

	// Strong lines found by a previous pass where bursts were gated: out
	// of the record before the gating (see below, after the strong-line
	// search).
	var preFound []Mode
	if len(opts.preLines) > 0 {
		var fs0 []float64
		for _, l := range opts.preLines {
			fs0 = append(fs0, l.FHz)
		}
		subtractLines(x, fs, fs0, nil)
		pv.LinesRemovedHz = append(pv.LinesRemovedHz, fs0...)
		preFound = opts.preLines
	}

	// Bursts out (bursts.go), before anything is estimated from the record.
	opts.gate = nil
	var gate []float64 // at the record's rate
	if spans := burstSpans(x, fs); len(spans) > 0 {
		masked := maskedLength(spans)
		if float64(masked) > maxMasked*float64(n) {
			res.Notes = append(res.Notes, fmt.Sprintf("bursts far above the ambient level fill %.0f %% of the record: it is not an ambient record, and the modes below may be biased by them; record again when the site is quiet", 100*float64(masked)/float64(n)))
		} else {
			maskSpans(x, spans, int(0.5*fs))
			gate = make([]float64, n)
			for i := range gate {
				gate[i] = 1
			}
			maskSpans([][]float64{gate}, spans, int(0.5*fs))
			pv.BurstsMaskedS = float64(masked) / fs
			res.Notes = append(res.Notes, fmt.Sprintf("%d bursts far above the ambient level (knocks, hammering, debris, an aftershock: %.0f s in all) were left out of the record", len(spans), pv.BurstsMaskedS))
		}
	}

	// Band of interest: from the caller, else from the data's first peak.
	fmin, fmax := opts.FMin, opts.FMax
	if fmax <= 0 || fmax > fs/2.5 {
		if fmax > fs/2.5 {
			res.Notes = append(res.Notes, fmt.Sprintf("fmax %g Hz lowered to %g Hz (anti-aliasing margin at %g Hz sampling)", fmax, fs/2.5, fs))
		}
		fmax = 0
	}
	if fmin <= 0 || fmax <= 0 {
		f1, err := firstPeak(x, fs, fmin, fmax, opts.skipPeaks)
		if err != nil {
			return nil, err
		}
		if opts.firstHint > 0 {
			f1 = opts.firstHint
		}
		if f1 <= 0 {
			res.Notes = append(res.Notes, "no spectral peak stands out of the noise: the records hold no identifiable structural response")
			return res, nil
		}
		pv.FirstPeakHz, pv.BandFromData = f1, true
		if fmin <= 0 {
			fmin = 0.5 * f1
		}
		if fmax <= 0 {
			fmax = math.Min(10*f1, fs/2.5)
		}
	}
	if fmin >= fmax {
		return nil, fmt.Errorf("band %g–%g Hz is empty", fmin, fmax)
	}
	pv.FMinHz, pv.FMaxHz = fmin, fmax
	progress(0.1)

	// High-pass below the band and decimate down to it.
	pv.HighPassHz = 0.5 * fmin
	hp, err := dsp.Butterworth(4, dsp.Highpass(pv.HighPassHz), fs)
	if err != nil {
		return nil, err
	}
	plan, err := dsp.DecimationPlan(fs, fmax)
	if err != nil {
		return nil, err
	}
	pv.Decimation = plan
	fsd := fs
	for _, q := range plan {
		fsd /= float64(q)
	}
	pv.DecimatedToHz = fsd
	// det keeps the detrended record: machine lines found later are
	// subtracted there, before filtering, and it is filtered again.
	det := x
	prepare := func() ([][]float64, error) {
		out := make([][]float64, len(det))
		err := eachChannel(ctx, len(det), func(i int) error {
			var err error
			if out[i], err = hp.FiltFilt(nil, det[i]); err != nil {
				return err
			}
			for _, q := range plan {
				if out[i], err = dsp.Decimate(out[i], q); err != nil {
					return err
				}
			}
			return nil
		})
		return out, err
	}
	if x, err = prepare(); err != nil {
		return nil, err
	}
	if gate != nil {
		q := 1
		for _, d := range plan {
			q *= d
		}
		opts.gate = make([]float64, len(x[0]))
		for j := range opts.gate {
			opts.gate[j] = gate[min(j*q, n-1)]
		}
	}
	// removeLines locates lines near the given frequencies on the
	// decimated record, subtracts them from the detrended one and
	// prepares it again; it returns the line found near each (0: none).
	removeLines := func(near []float64) ([]float64, error) {
		at := locateLines(x, fsd, near, opts.gate)
		if !slices.ContainsFunc(at, func(f float64) bool { return f > 0 }) {
			return at, nil
		}
		subtractLines(det, fs, at, gate)
		var err error
		x, err = prepare()
		return at, err
	}
	nd := len(x[0])
	cycles := float64(nd) / fsd * fmin
	if cycles < 50 {
		return nil, fmt.Errorf("%w: %.0f s of data hold only %.0f cycles of %.3g Hz (at least 50, better 500, are needed)", ErrNoData, float64(n)/fs, cycles, fmin)
	}
	progress(0.2)

	// Lines that stand far out of the spectrum out first (lines.go). The
	// spectra reported are the record's as recorded, lines included.
	var recorded *FDDResult
	var strongFound []Mode // lines taken out before the first pass
	if strong := strongLines(x, fsd, fmin, fmax); len(strong) > 0 {
		if opts.Method != MethodSSI {
			var scratch Result
			if _, err := runFDD(ctx, x, fsd, fmin, fmax, &scratch); err != nil {
				return nil, err
			}
			recorded = scratch.FDD
		}
		near := make([]float64, len(strong))
		for i, h := range strong {
			near[i] = h.FHz
		}
		at, err := removeLines(near)
		if err != nil {
			return nil, err
		}
		for i, f := range at {
			if f > 0 && !slices.Contains(pv.LinesRemovedHz, f) {
				strong[i].FHz = f
				pv.LinesRemovedHz = append(pv.LinesRemovedHz, f)
				strongFound = append(strongFound, strong[i])
			}
		}
	}
	// Lines gated with the bursts are smeared over the whole spectrum by
	// the gaps, and can set the band from a false peak: take them out of
	// the ungated record and start again.
	if gate != nil && len(strongFound) > 0 && len(opts.preLines) == 0 {
		again := opts
		again.preLines = strongFound
		again.skipPeaks, again.rechoices, again.firstHint = nil, 0, 0
		return identifyAgain(ctx, y, fs, again, "machine lines were taken out before the bursts were left out")
	}
	strongFound = append(preFound, strongFound...)
	if again, why, ok := bandWithoutLine(opts, pv, strongFound); ok {
		return identifyAgain(ctx, y, fs, again, why)
	}
	if err := findModes(ctx, x, fsd, fmin, fmax, opts, res, progress); err != nil {
		return nil, err
	}
	// Harmonics SSI (and the test of its poles) recognised out too (see
	// lines.go) and the modes found again on the cleaned record; every
	// line stays reported as a harmonic. A harmonic near a line already
	// removed, or near one already listed, is the same line.
	same := func(list []Mode) func(Mode) bool {
		return func(h Mode) bool {
			return slices.ContainsFunc(list, func(l Mode) bool { return math.Abs(l.FHz-h.FHz) <= math.Max(0.01*l.FHz, 2*h.Zeta*h.FHz) })
		}
	}
	lines := slices.Clone(strongFound)
	var fresh []int
	for _, h := range res.Harmonics {
		if !same(lines)(h) {
			fresh = append(fresh, len(lines))
			lines = append(lines, h)
		}
	}
	if again, why, ok := bandWithoutLine(opts, pv, lines); ok {
		return identifyAgain(ctx, y, fs, again, why)
	}
	if len(fresh) > 0 {
		near := make([]float64, len(fresh))
		for j, i := range fresh {
			near[j] = lines[i].FHz
		}
		if recorded == nil {
			recorded = res.FDD
		}
		at, err := removeLines(near)
		if err != nil {
			return nil, err
		}
		again := false
		for j, f := range at {
			// The line's own frequency: a pole that mixed it with a
			// mode sat a little off it.
			if f > 0 {
				lines[fresh[j]].FHz = f
				if !slices.Contains(pv.LinesRemovedHz, f) {
					pv.LinesRemovedHz = append(pv.LinesRemovedHz, f)
					again = true
				}
			}
		}
		if again {
			res.Modes, res.Harmonics = nil, nil
			if err := findModes(ctx, x, fsd, fmin, fmax, opts, res, func(float64) {}); err != nil {
				return nil, err
			}
			for _, h := range res.Harmonics {
				if !same(lines)(h) {
					lines = append(lines, h)
				}
			}
		}
	}
	slices.SortFunc(lines, func(a, b Mode) int { return cmpFloat(a.FHz, b.FHz) })
	res.Harmonics = lines
	// A broad, weak first mode may not stand out of the summed spectra
	// while a higher one does: the band then starts above the first mode's
	// half-power band, which biases it. Choose the band again from the
	// lowest mode found (once).
	if pv.BandFromData && opts.firstHint == 0 && len(res.Modes) > 0 && res.Modes[0].FHz < 0.85*pv.FirstPeakHz {
		again := opts
		again.firstHint = res.Modes[0].FHz
		return identifyAgain(ctx, y, fs, again, fmt.Sprintf("the strongest low peak, %.4g Hz, is not the first mode: the band was set from the mode found at %.4g Hz", pv.FirstPeakHz, res.Modes[0].FHz))
	}
	split := false
	if opts.Segments > 1 && opts.Method != MethodFDD {
		split = segmentSpread(ctx, x, fsd, fmin, fmax, opts, res)
	}
	if opts.Method == MethodAuto {
		refineClose(ctx, x, fsd, fmin, fmax, pv.FirstPeakHz, opts.Segments, res)
	}
	if len(x) == 1 {
		unsplit := ""
		switch {
		case opts.Method == MethodFDD:
			unsplit = "FDD alone does not look at parts of the record (run method auto or ssi)"
		case opts.Segments < 2:
			unsplit = "the record was not split (segments < 2)"
		case !split:
			unsplit = fmt.Sprintf("this record is too short to split (at least %.0f minutes are needed: four parts of 50 cycles of %.3g Hz)", math.Ceil(4*50/fmin/60), fmin)
		}
		singleChannel(res, unsplit, opts.Segments)
	}
	for i := range res.Modes {
		uncertaintyFloor(&res.Modes[i], pv.DurationS-pv.BurstsMaskedS)
	}
	if len(res.Modes) == 0 {
		res.Notes = append(res.Notes, fmt.Sprintf("no structural mode found between %.3g and %.3g Hz", fmin, fmax))
	}
	if recorded != nil {
		res.FDD = recorded
	}
	progress(1)
	return res, nil
}

// findModes runs the methods on the prepared record, merges them and
// sorts what they found into structural modes and harmonics (appended to
// res.Modes and res.Harmonics; res.SSI and res.FDD are this run's).
func findModes(ctx context.Context, x [][]float64, fsd, fmin, fmax float64, opts Options, res *Result, progress func(float64)) error {
	// The two methods are independent (each writes its own fields of
	// res): run them side by side.
	var ssiModes, fddModes []Mode
	g, gctx := errgroup.WithContext(ctx)
	if opts.Method != MethodFDD {
		g.Go(func() error {
			var err error
			ssiModes, err = runSSI(gctx, x, fsd, fmin, fmax, opts, res)
			return err
		})
	}
	if opts.Method != MethodSSI {
		g.Go(func() error {
			var err error
			fddModes, err = runFDD(gctx, x, fsd, fmin, fmax, res)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	progress(0.7)

	var modes []Mode
	switch opts.Method {
	case MethodSSI:
		modes = ssiModes
	case MethodFDD:
		modes = fddModes
	default:
		modes = consensus(ssiModes, fddModes)
	}

	// Harmonics out; uncertainty over segments for the rest.
	harm := make([]bool, len(modes))
	for i, m := range modes {
		harm[i] = isHarmonic(x, fsd, m)
	}
	for i, m := range modes {
		// A damped pole (ζ ≥ 1 %) whose half-power band holds a lighter
		// "harmonic" is a structural mode next to the machine's line: the
		// narrow-band kurtosis test saw the line's sine, not the mode.
		if harm[i] && m.Zeta >= 0.01 {
			for j, h := range modes {
				if j != i && harm[j] && h.Zeta < m.Zeta/4 && math.Abs(h.FHz-m.FHz) <= m.Zeta*m.FHz {
					harm[i] = false
					break
				}
			}
		}
	}
	// A damped pole whose band holds a sine is a harmonic only if the sine
	// is at the pole: a machine's line a few per cent off (one whose
	// speed wanders has no pole of its own) makes the band's amplitude
	// distribution a sine's while the pole is the building's. The line
	// found there is reported instead, to be taken out.
	var sp *spectrum
	var lines []Mode
	for i, m := range modes {
		if !harm[i] || m.Zeta < 0.01 {
			continue
		}
		if sp == nil {
			sp = recordSpectrum(x, fsd)
		}
		bw := math.Max(0.01*m.FHz, 2*m.Zeta*m.FHz)
		f, ok := refineLine(x, sp, fsd, m.FHz-bw, m.FHz+bw)
		if ok && math.Abs(f-m.FHz) <= 0.5*m.Zeta*m.FHz {
			continue
		}
		harm[i] = false
		if ok && !slices.ContainsFunc(lines, func(l Mode) bool { return math.Abs(l.FHz-f) < 2*sp.df }) {
			lines = append(lines, sp.lineAt(f))
		}
	}
	res.Harmonics = append(res.Harmonics, lines...)
	for i, m := range modes {
		if harm[i] {
			m.Harmonic = true
			res.Harmonics = append(res.Harmonics, m)
			continue
		}
		res.Modes = append(res.Modes, m)
	}
	return nil
}

// bandWithoutLine: a machine's line can be the lowest strong peak, and a
// band set from it can leave the building's first mode at its low edge,
// or outside. When a harmonic sits at the peak the band was set from, it
// returns the options to choose the band again without it (at most three
// times), and why.
func bandWithoutLine(opts Options, pv *Provenance, harmonics []Mode) (Options, string, bool) {
	if !pv.BandFromData || opts.firstHint > 0 || opts.rechoices >= 3 {
		// A band set from a mode found (firstHint) is not a line's,
		// whatever line lies near it.
		return opts, "", false
	}
	for _, h := range harmonics {
		if math.Abs(h.FHz-pv.FirstPeakHz)/pv.FirstPeakHz < 0.01 {
			// Every line found is set aside, not only this one: a
			// machine's harmonics would otherwise set the band one by
			// one, each stronger than the modes.
			again := opts
			again.rechoices++
			again.skipPeaks = append(slices.Clone(opts.skipPeaks), pv.FirstPeakHz)
			for _, l := range harmonics {
				again.skipPeaks = append(again.skipPeaks, l.FHz)
			}
			return again, fmt.Sprintf("the lowest strong peak, %.4g Hz, is a machine's harmonic: the band was set from the next peak", h.FHz), true
		}
	}
	return opts, "", false
}

// identifyAgain runs Identify with a band chosen anew and says why.
func identifyAgain(ctx context.Context, y [][]float64, fs float64, opts Options, why string) (*Result, error) {
	r, err := Identify(ctx, y, fs, opts)
	if err != nil {
		return nil, err
	}
	r.Notes = append(r.Notes, why)
	return r, nil
}

func allZero(x []float64) bool {
	for _, v := range x {
		if v != 0 {
			return false
		}
	}
	return true
}

// firstPeak estimates the building's first frequency: the lowest
// prominent peak of the summed, variance-normalised auto-spectra between
// lo (default 0.1 Hz, a period of 10 s: beyond any tower) and hi
// (default fs/2.5, at most 20 Hz: no building's first mode lies
// higher). Only the band of interest is set from
// it, so a resolution of about a twentieth of the frequency suffices, and
// auto-spectra alone (no cross terms, no decomposition) keep it cheap.
// Closely spaced x and y modes, which defeat FDD's mode tests, still make
// one peak here. Two passes keep the FFTs short: a copy decimated to
// about 2.5·hi with 0.02 Hz resolution for peaks above 2 Hz, and one
// decimated further to about 6 Hz with lo/20 resolution for the peaks
// below.
func firstPeak(x [][]float64, fs, lo, hi float64, skip []float64) (float64, error) {
	f, err := firstPeakOn(x, fs, lo, hi, skip, false)
	if err != nil || f > 0 {
		return f, err
	}
	// Nothing stands out on the channels' variances: a machine's line
	// can hold nearly all of a channel's variance, and on that scale the
	// modes vanish under channels that record only noise (ground-level
	// sensors). A second look on each channel's spectral level.
	return firstPeakOn(x, fs, lo, hi, skip, true)
}

// firstPeakOn is firstPeak with the channels' spectra summed each on its
// variance, or (byLevel) on its median spectral level with the lines
// already recognised set aside.
func firstPeakOn(x [][]float64, fs, lo, hi float64, skip []float64, byLevel bool) (float64, error) {
	if lo <= 0 {
		lo = 0.1
	}
	if hi <= 0 {
		hi = math.Min(fs/2.5, 20)
	}
	const split = 2.0
	n := len(x[0])
	type peak struct{ f, p float64 }
	var cands []peak
	// Constant channels carry nothing; norm is each channel's scale in
	// the sum (set by the first pass of search).
	vars := make([]float64, len(x))
	for i, ch := range x {
		for _, v := range ch {
			vars[i] += v * v
		}
		vars[i] /= float64(len(ch))
	}
	norm := make([]float64, len(x))
	search := func(y [][]float64, rate, flo, fhi float64, seg int) error {
		if seg > len(y[0]) || seg < 64 {
			return nil
		}
		psd := make([][]float64, len(y))
		var freqs []float64
		var once sync.Once
		err := eachChannel(context.Background(), len(y), func(i int) error {
			if vars[i] == 0 {
				return nil
			}
			g, err := dsp.CrossSpectra([][]float64{y[i]}, rate, dsp.WelchOptions{SegmentLen: seg})
			if err != nil {
				return err
			}
			psd[i] = g.PSD(0)
			once.Do(func() { freqs = g.Freqs })
			return nil
		})
		if err != nil {
			return err
		}
		if freqs == nil {
			return nil
		}
		k0, k1 := 1, len(freqs)
		for k, f := range freqs {
			if f < flo {
				k0 = k + 1
			}
			if f > fhi {
				k1 = k
				break
			}
		}
		if k1-k0 < 5 {
			return nil
		}
		// Each channel enters on its variance or (byLevel) its typical
		// spectral level, the median of its PSD over the first stretch
		// searched; both passes use the same (density is preserved by
		// decimation).
		var sum []float64
		for i, p := range psd { // in channel order: the sum is the same every run
			if p == nil {
				continue
			}
			if norm[i] == 0 {
				norm[i] = vars[i]
				if byLevel {
					med := slices.Clone(p[k0:k1])
					slices.Sort(med)
					norm[i] = med[len(med)/2]
				}
			}
			if !(norm[i] > 0) {
				continue
			}
			if sum == nil {
				sum = make([]float64, len(p))
			}
			for k, v := range p {
				sum[k] += v / norm[i]
			}
		}
		if sum == nil {
			return nil
		}
		// Lines already recognised are set aside with their leakage:
		// the stretch around each takes the band's median level, so
		// that neither the line nor its sidelobes are peaks, nor set
		// the scale the modes are measured against.
		if byLevel && len(skip) > 0 {
			med := slices.Clone(sum[k0:k1])
			slices.Sort(med)
			for k := k0; k < k1; k++ {
				if slices.ContainsFunc(skip, func(h float64) bool { return math.Abs(freqs[k]-h) <= math.Max(0.03*h, 5*rate/float64(seg)) }) {
					sum[k] = med[len(med)/2]
				}
			}
		}
		band := sum[k0:k1]
		// The sum over channels of independent noise ripples far less than
		// one channel's Welch estimate: a 4 dB prominence over three-line
		// smoothing stands well clear of it, and keeps narrow, lightly
		// damped first modes that wider smoothing would flatten.
		for _, i := range prominentPeaks(band, 4, 1) {
			f := freqs[k0+i]
			if !slices.ContainsFunc(skip, func(h float64) bool { return math.Abs(f-h) <= math.Max(0.01*h, 1.5*rate/float64(seg)) }) {
				cands = append(cands, peak{f, band[i]})
			}
		}
		return nil
	}
	decimate := func(y [][]float64, rate, fmax float64) ([][]float64, float64, error) {
		plan, err := dsp.DecimationPlan(rate, fmax)
		if err != nil {
			return nil, 0, err
		}
		for _, q := range plan {
			next := make([][]float64, len(y))
			err := eachChannel(context.Background(), len(y), func(i int) error {
				var err error
				next[i], err = dsp.Decimate(y[i], q)
				return err
			})
			if err != nil {
				return nil, 0, err
			}
			y, rate = next, rate/float64(q)
		}
		return y, rate, nil
	}
	y, rate, err := decimate(x, fs, hi)
	if err != nil {
		return 0, err
	}
	if hi > split {
		seg := pow2Floor(min(int(50*rate), n/8)) // 0.02 Hz: a 1 %-damped mode at 2 Hz spans two lines
		if err := search(y, rate, math.Max(lo, split), hi, seg); err != nil {
			return 0, err
		}
	}
	if lo < split {
		if y, rate, err = decimate(y, rate, 1.2*split); err != nil {
			return 0, err
		}
		seg := pow2Floor(min(int(20*rate/lo), len(y[0])/8))
		if err := search(y, rate, lo, math.Min(1.2*split, hi), seg); err != nil {
			return 0, err
		}
	}
	if len(cands) == 0 {
		return 0, nil
	}
	strongest := 0.0
	for _, c := range cands {
		strongest = math.Max(strongest, c.p)
	}
	// The lowest peak that carries real energy: at least 1 % of the
	// strongest, so that a faint ripple at the band's low end is not taken.
	best := math.Inf(1)
	for _, c := range cands {
		if c.p >= 0.01*strongest && c.f < best {
			best = c.f
		}
	}
	return best, nil
}

func pow2Floor(v int) int {
	p := 1
	for p*2 <= v {
		p *= 2
	}
	return p
}

// ssiSetup chooses block rows and the largest model order from the data:
// the Hankel's 2i−1 lags should span about two periods of the first mode
// (fmin is half of it by default), so i·Δt is one period. Longer lags add
// estimation noise of the correlations and, on the KOMA shear frame, bias
// damping low; shorter ones lose the lowest mode's resolution. The order
// must leave room for every mode in the band (two states each) plus noise
// modes.
func ssiSetup(nch, nref int, fsd, fmin float64) (blockRows, maxOrder int) {
	blockRows = int(math.Ceil(0.5 * fsd / fmin))
	maxOrder = 120
	// Enough rows for the order: (i−1)·n ≥ maxOrder and i·r ≥ maxOrder.
	need := max(maxOrder/nch+1, (maxOrder+nref-1)/nref)
	blockRows = min(max(blockRows, need, 10), 200)
	maxOrder = min(maxOrder, (blockRows-1)*nch, blockRows*nref)
	maxOrder -= maxOrder % 2
	return blockRows, maxOrder
}

func runSSI(ctx context.Context, x [][]float64, fsd, fmin, fmax float64, opts Options, res *Result) ([]Mode, error) {
	ssi, stable, err := ssiPoles(ctx, x, fsd, fmin, opts, &res.Provenance, 2)
	if err != nil {
		return nil, err
	}
	res.SSI, res.Stable = ssi, stable
	return clusterBand(ssi, stable, fmin, fmax), nil
}

// ssiPoles runs SSI-cov with the data-driven setup. orderStep 2 visits
// every model order; the segment runs of the uncertainty estimate use 4,
// halving the eigen-decompositions, since they only re-measure modes
// already found.
func ssiPoles(ctx context.Context, x [][]float64, fsd, fmin float64, opts Options, pv *Provenance, orderStep int) (*SSIResult, [][]bool, error) {
	nch := len(x)
	refs := opts.Refs
	if len(refs) == 0 {
		refs = make([]int, nch)
		for i := range refs {
			refs[i] = i
		}
	}
	for _, r := range refs {
		if r < 0 || r >= nch {
			return nil, nil, fmt.Errorf("reference channel %d out of range 0..%d", r, nch-1)
		}
	}
	br, mo := ssiSetup(nch, len(refs), fsd, fmin)
	if 2*br >= len(x[0]) {
		return nil, nil, fmt.Errorf("%w: %d samples after decimation are too few for %d block rows", ErrNoData, len(x[0]), br)
	}
	if pv != nil {
		pv.BlockRows, pv.MaxOrder, pv.Refs = br, mo, refs
	}
	c, err := dsp.Correlations(x, 2*br, dsp.CorrelationOptions{})
	if err != nil {
		return nil, nil, err
	}
	buf := make([]float64, nch*len(refs))
	scale := gateScale(opts.gate, 2*br)
	corr := func(k int) []float64 {
		lag := c.Lag(k)
		for i := range nch {
			for q, r := range refs {
				buf[i*len(refs)+q] = lag[i*nch+r] * scale[k]
			}
		}
		return buf
	}
	ssi, err := SSICov(ctx, corr, nch, len(refs), SSIOptions{BlockRows: br, MaxOrder: mo, Dt: 1 / fsd, OrderStep: orderStep})
	if err != nil {
		return nil, nil, err
	}
	return ssi, opts.Preset.Stable(ssi.Poles), nil
}

func clusterBand(ssi *SSIResult, stable [][]bool, fmin, fmax float64) []Mode {
	var out []Mode
	for _, m := range Cluster(ssi.Poles, stable, ClusterOptions{}) {
		if m.FHz >= fmin && m.FHz <= fmax {
			m.Methods = []string{"ssi"}
			out = append(out, m)
		}
	}
	return out
}

func runFDD(ctx context.Context, x [][]float64, fsd, fmin, fmax float64, res *Result) ([]Mode, error) {
	n := len(x[0])
	// Resolution fine enough for the half-power band of a lightly damped
	// (1 %) lowest mode to span several lines, but at least 15 segments
	// (with half overlap) so that peaks stand out of the estimate's ripple.
	seg := pow2Floor(min(int(200*fsd/fmin), n/8))
	seg = max(seg, 64)
	g, err := dsp.CrossSpectra(x, fsd, dsp.WelchOptions{SegmentLen: seg})
	if err != nil {
		return nil, err
	}
	res.Provenance.WelchSegment, res.Provenance.WelchResolution, res.Provenance.WelchAverages = seg, fsd/float64(seg), g.Segments
	r, err := FDD(ctx, g, FDDOptions{FMin: fmin, FMax: fmax})
	if err != nil {
		return nil, err
	}
	res.FDD = r
	return r.Peaks, nil
}

// consensus merges SSI modes (frequency, damping and shape taken from
// SSI, the more accurate estimator for damping) with FDD peaks found at
// the same frequency (within 3 %) and shape (MAC ≥ 0.9). An FDD peak SSI
// did not find is kept only when it is strongly rank-one; SSI modes are
// kept on their own (their clusters already had to persist over orders).
func consensus(ssi, fdd []Mode) []Mode {
	used := make([]bool, len(fdd))
	out := make([]Mode, 0, len(ssi))
	for _, m := range ssi {
		for j, p := range fdd {
			if !used[j] && math.Abs(p.FHz-m.FHz)/m.FHz < 0.03 && MAC(p.Shape, m.Shape) >= 0.9 {
				used[j] = true
				m.Methods = append(m.Methods, p.Methods...)
				break
			}
		}
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b Mode) int { return cmpFloat(a.FHz, b.FHz) })
	return out
}

// isHarmonic recognises a forced sinusoid (rotating machinery): narrow-band
// filtered around the peak, a harmonic has the bimodal amplitude
// distribution of a sine (kurtosis 1.5) while a resonance driven by broadband
// noise stays Gaussian (kurtosis 3) (Brincker, Andersen & Møller, "An
// indicator for separation of structural and harmonic modes in output-only
// modal testing", IMAC 2000). A pole with almost no damping is a further
// sign.
func isHarmonic(x [][]float64, fs float64, m Mode) bool {
	ch := 0
	for i, c := range m.Shape {
		if cmplx.Abs(c) > cmplx.Abs(m.Shape[ch]) {
			ch = i
		}
	}
	if ch >= len(x) {
		return false
	}
	bw := math.Max(0.01*m.FHz, 2*m.Zeta*m.FHz)
	lo, hi := m.FHz-bw, m.FHz+bw
	if lo <= 0 || hi >= fs/2 {
		return false
	}
	bp, err := dsp.Butterworth(2, dsp.Bandpass(lo, hi), fs)
	if err != nil {
		return false
	}
	y, err := bp.FiltFilt(nil, x[ch])
	if err != nil {
		return false
	}
	k := kurtosis(y[len(y)/20 : len(y)-len(y)/20])
	return k < 2.0 || (m.Zeta < 0.002 && k < 2.6)
}

func kurtosis(x []float64) float64 {
	var m float64
	for _, v := range x {
		m += v
	}
	m /= float64(len(x))
	var m2, m4 float64
	for _, v := range x {
		d := (v - m) * (v - m)
		m2 += d
		m4 += d * d
	}
	m2 /= float64(len(x))
	m4 /= float64(len(x))
	if m2 == 0 {
		return 0
	}
	return m4 / (m2 * m2)
}

// segmentSpread cuts the record into independent segments, identifies each
// by SSI, and sets each mode's FStdHz and ZetaStd to the larger of the
// cluster spread and the standard error implied by the segment scatter
// (scatter/√K: the full record averages K segments' worth of data). It
// reports whether the record was long enough to split (50 cycles of fmin
// in each segment).
func segmentSpread(ctx context.Context, x [][]float64, fsd, fmin, fmax float64, opts Options, res *Result) bool {
	k := opts.Segments
	n := len(x[0]) / k
	if float64(n)/fsd*fmin < 50 {
		res.Notes = append(res.Notes, "record too short to split for uncertainty; spreads are from clustering only")
		return false
	}
	fsegs := make([][]float64, len(res.Modes))
	zsegs := make([][]float64, len(res.Modes))
	ssegs := make([][][]float64, len(res.Modes)) // real parts of aligned segment shapes
	// Segments are independent: identify them concurrently, then collect
	// in segment order so the result does not depend on scheduling.
	found := make([][]Mode, k)
	var wg sync.WaitGroup
	for s := range k {
		wg.Add(1)
		go func() {
			defer wg.Done()
			seg := make([][]float64, len(x))
			for i := range x {
				seg[i] = x[i][s*n : (s+1)*n]
			}
			so := opts
			if so.gate != nil {
				so.gate = so.gate[s*n : (s+1)*n]
			}
			ssi, stable, err := ssiPoles(ctx, seg, fsd, fmin, so, nil, 4)
			if err == nil {
				found[s] = clusterBand(ssi, stable, fmin, fmax)
			}
		}()
	}
	wg.Wait()
	for s := range k {
		for _, mt := range Track(res.Modes, found[s], TrackOptions{MinMAC: 0.9, MaxDF: 0.05}) {
			fsegs[mt.Ref] = append(fsegs[mt.Ref], found[s][mt.Cur].FHz)
			zsegs[mt.Ref] = append(zsegs[mt.Ref], found[s][mt.Cur].Zeta)
			ssegs[mt.Ref] = append(ssegs[mt.Ref], alignTo(res.Modes[mt.Ref].Shape, found[s][mt.Cur].Shape))
		}
	}
	for i := range res.Modes {
		res.Modes[i].segmentsFound = len(fsegs[i])
		if len(fsegs[i]) >= 2 {
			se := math.Sqrt(float64(len(fsegs[i])))
			res.Modes[i].FStdHz = math.Max(res.Modes[i].FStdHz, std(fsegs[i])/se)
			res.Modes[i].ZetaStd = math.Max(res.Modes[i].ZetaStd, std(zsegs[i])/se)
			res.Modes[i].spreadMeasured = true
			ch := make([]float64, len(ssegs[i]))
			res.Modes[i].ShapeStd = make([]float64, len(res.Modes[i].Shape))
			for c := range res.Modes[i].ShapeStd {
				for k, sh := range ssegs[i] {
					ch[k] = sh[c]
				}
				res.Modes[i].ShapeStd[c] = std(ch) / se
			}
		}
	}
	return true
}

// singleChannel keeps, of the modes found on a single channel, those
// found again in most of the record's independent segments (at least
// three of four). One channel has no mode shape, so neither the
// stabilization's MAC nor the clustering can tell a structural mode from
// a noise pole that happens to be stable over model orders: on simulated
// buildings, channel by channel, 19 of 171 modes reported below 4·f1 were
// not modes; 17 of them were found in at most two of the four segments,
// 140 of the 152 true ones in three or four. A record too short to split
// confirms nothing, so nothing is reported; the note says how long a
// record would do. unsplit, when not empty, says why the record was not
// split.
func singleChannel(res *Result, unsplit string, segments int) {
	need := (3*segments + 3) / 4
	if unsplit != "" {
		if len(res.Modes) > 0 {
			res.Notes = append(res.Notes, fmt.Sprintf("one channel: without mode shapes a mode is told from noise only by being found again in independent parts of the record, and %s; the %d candidate modes are not reported — record longer, or with more channels", unsplit, len(res.Modes)))
		}
		res.Modes = nil
		return
	}
	kept := res.Modes[:0]
	var dropped []string
	for _, m := range res.Modes {
		if m.segmentsFound >= need {
			kept = append(kept, m)
		} else {
			dropped = append(dropped, fmt.Sprintf("%.4g Hz", m.FHz))
		}
	}
	res.Modes = kept
	if len(dropped) > 0 {
		res.Notes = append(res.Notes, fmt.Sprintf("one channel: without mode shapes a mode is told from noise only by being found again in independent parts of the record; %s, found in fewer than %d of the %d segments, are not reported", strings.Join(dropped, ", "), need, segments))
	}
}

// uncertaintyFloor raises a mode's standard errors to what struna's
// estimators reach from T seconds of ambient data. The reference is Au's
// uncertainty law for a well-separated mode ("Uncertainty law in ambient
// modal identification — Part I: Theory", MSSP 48, 2014; Au, Brownjohn &
// Mottershead, MSSP 102, 2018), whose coefficients of variation tend to
// δf = √(ζ/(2π N_c)) and δζ = √(1/(2π ζ N_c)) with N_c = f·T cycles when the
// whole resonance band is used and the signal-to-noise ratio is high: the
// least any estimator can reach. SSI-cov is not that estimator: on the
// accuracy sweep's buildings its errors are 1.29–1.53 (f) and 1.46–1.54
// (ζ) times the law RMS over four draws of 48 scenarios, at every SNR
// (neighbouring modes and finite lags cost efficiency; on one isolated
// mode 1.0–1.45). So the floor is the law times what the errors were
// measured to be:
//   - lawFactorAlone (1.5) where nothing else was measured (the record is
//     too short to split, or the mode was not found in enough segments):
//     the floor is then the whole standard error;
//   - lawFactorMeasured (1.25) where a segment scatter or a posterior was
//     measured: four segments give the scatter only three degrees of
//     freedom, so it alone often falls short. With both floors the errors
//     are 0.88–1.00 (f) and 0.84–0.93 (ζ) reported standard errors RMS
//     over the four draws, 4 and 1 of 1 032 beyond 3σ (with the bare law
//     as floor: 1.02–1.15 and 0.97–1.02, 11 and 7 beyond 3σ).
func uncertaintyFloor(m *Mode, durationS float64) {
	if !(m.FHz > 0) || !(m.Zeta > 0) || !(durationS > 0) {
		return
	}
	c := lawFactorAlone
	if m.spreadMeasured {
		c = lawFactorMeasured
	}
	df, dz := uncertaintyLaw(m.FHz, m.Zeta, durationS)
	m.FStdHz = math.Max(m.FStdHz, c*m.FHz*df)
	m.ZetaStd = math.Max(m.ZetaStd, c*m.Zeta*dz)
}

// uncertaintyLaw returns Au's asymptotic coefficients of variation of the
// frequency and damping of a well-separated mode (f Hz, damping ζ) seen
// for T seconds: √(ζ/(2π N_c)) and √(1/(2π ζ N_c)), N_c = f·T.
func uncertaintyLaw(f, zeta, durationS float64) (df, dz float64) {
	nc := f * durationS
	return math.Sqrt(zeta / (2 * math.Pi * nc)), math.Sqrt(1 / (2 * math.Pi * zeta * nc))
}

// Multiples of the uncertainty law that struna's standard errors are never
// below (see uncertaintyFloor).
const (
	lawFactorAlone    = 1.5
	lawFactorMeasured = 1.25
)

// alignTo scales shape v (complex, any phase and size) to best match the
// reference ref in the least-squares sense, v·a with a = vᴴref / vᴴv, and
// returns the real parts: the components of v on ref's normalisation.
func alignTo(ref, v []complex128) []float64 {
	var num complex128
	var den float64
	for i := range v {
		num += cmplx.Conj(v[i]) * ref[i]
		den += real(v[i])*real(v[i]) + imag(v[i])*imag(v[i])
	}
	out := make([]float64, len(v))
	if den == 0 {
		return out
	}
	a := num / complex(den, 0)
	for i := range v {
		out[i] = real(v[i] * a)
	}
	return out
}

// eachChannel runs f for channels 0..n−1 on as many workers as the
// machine has cores (channels are filtered and transformed independently);
// the first error is returned and stops the channels not yet started.
func eachChannel(ctx context.Context, n int, f func(i int) error) error {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i := range n {
		g.Go(func() error {
			if err := ctx.Err(); err != nil {
				return err
			}
			return f(i)
		})
	}
	return g.Wait()
}
