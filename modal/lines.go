package modal

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// Machine lines out of the record. A rotating machine's steady forced
// response is a sinusoid at the machine's frequency. It never decays in the
// correlation functions, so SSI spends its lowest orders on it, and where
// a mode lies within a few of its half-power bands of the line, the poles
// of those orders mix the two: the mode is lost, or its damping biased,
// and the mixed pole looks like neither; a strong line swamps SSI and FDD
// altogether. Lines are therefore taken out before the modes are sought,
// in two stages (Identify): those that stand far out of the spectrum
// (strongLines), then those SSI's poles and the kurtosis test recognise
// (isHarmonic). Each is located where the record's Hann-weighted
// periodogram, summed over channels, peaks near it — the maximum-likelihood
// estimate of a sinusoid's frequency in noise (Rife & Boorstyn, IEEE
// Trans. Inf. Theory 20(5), 1974) — and every channel's least-squares
// sinusoid at that frequency is subtracted from the detrended record
// before any filtering. Taking harmonics out before the modal analysis is
// the usual remedy (Brincker & Ventura, "Introduction to Operational Modal
// Analysis", Wiley 2015, on harmonics); what goes with the line is the
// broadband response's share of one frequency line (1/T), nothing a
// mode's half-power band would miss.
//
// The fit is over the whole record at one frequency: a machine whose speed
// wanders by more than 1/T leaves a residue, which is reported as a
// harmonic (FDD still shows its peak) and never as a mode.

// lineSearchWidth is how far (relative) from a recognised harmonic's pole
// frequency the periodogram is searched for its line: a pole that mixed the
// line with a mode sits a little off it.
const lineSearchWidth = 0.01

// locateLines finds, near each given frequency, the line of x (channels
// sampled at fs) that stands out there, to a millionth of the record's
// resolution; 0 where none does. The lines found are taken out of a
// working copy before the next is sought, so that two machines a fraction
// of a per cent apart are two lines, and two poles of one line are one
// (the second finds nothing left). Near each frequency it is the
// strongest line within the search width that is found. gate is the
// record's weight where bursts were left out (nil for none).
func locateLines(x [][]float64, fs float64, near, gate []float64) []float64 {
	at := make([]float64, len(near))
	n := len(x[0])
	if n < 16 {
		return at
	}
	tspan := float64(n) / fs
	work := make([][]float64, len(x))
	for c := range x {
		work[c] = slices.Clone(x[c])
	}
	var sp *spectrum
	for i, f0 := range near {
		half := math.Max(lineSearchWidth*f0, 4/tspan)
		if f0-half <= 0 || f0+half >= fs/2 {
			continue
		}
		if sp == nil {
			sp = recordSpectrum(work, fs)
		}
		if f, ok := refineLine(work, sp, fs, f0-half, f0+half); ok {
			at[i] = f
			// All lines found so far, fitted together: one at a time,
			// each would leak into the other's fit.
			for c := range x {
				copy(work[c], x[c])
			}
			subtractLines(work, fs, at, gate)
			sp = nil
		}
	}
	// Where several lines were found, each is located once more with the
	// others taken out: a line's frequency found in the presence of its
	// neighbour is pulled by it, and a strong line subtracted a little
	// off its frequency leaves itself behind.
	if found := slices.DeleteFunc(slices.Clone(at), func(f float64) bool { return f == 0 }); len(found) > 1 {
		res := 1 / tspan
		for i, f := range at {
			if f == 0 || slices.Index(at, f) < i {
				continue
			}
			others := slices.DeleteFunc(slices.Clone(at), func(g float64) bool { return g == f })
			for c := range x {
				copy(work[c], x[c])
			}
			subtractLines(work, fs, others, gate)
			if g, ok := refineLine(work, recordSpectrum(work, fs), fs, f-3*res, f+3*res); ok {
				for j := range at {
					if at[j] == f {
						at[j] = g
					}
				}
			}
		}
	}
	return at
}

// subtractLines removes from every channel of x, in place, its
// least-squares fit of sinusoids at the frequencies (0s and repeats
// skipped), all fitted together: two machines a fraction of a per cent
// apart leak into each other's fit when fitted one at a time. Where bursts
// were left out (gate, nil for none), the sinusoids are fitted and taken
// out through the same gate, so that the gaps stay empty. It is applied
// to the record before any filtering: a filter's start and end transients
// of a strong sinusoid are not sinusoidal and would stay behind.
func subtractLines(x [][]float64, fs float64, freqs, gate []float64) {
	var fk []float64
	for _, f := range freqs {
		if f > 0 && !slices.Contains(fk, f) {
			fk = append(fk, f)
		}
	}
	if len(fk) == 0 || len(x) == 0 {
		return
	}
	n := len(x[0])
	m := 2 * len(fk)
	basis := make([][]float64, m) // cos and sin of each line
	for k, f := range fk {
		basis[2*k], basis[2*k+1] = make([]float64, n), make([]float64, n)
		phasors(fs, f, basis[2*k], basis[2*k+1])
		for t, g := range gate { // nil: no gate
			basis[2*k][t] *= g
			basis[2*k+1][t] *= g
		}
	}
	gram := mat.NewSymDense(m, nil)
	for i := range m {
		for j := i; j < m; j++ {
			s := 0.0
			for t, v := range basis[i] {
				s += v * basis[j][t]
			}
			gram.SetSym(i, j, s)
		}
	}
	var chol mat.Cholesky
	if !chol.Factorize(gram) {
		return // lines closer than the record resolves: nothing to fit apart
	}
	rhs := mat.NewVecDense(m, nil)
	var coef mat.VecDense
	for _, ch := range x {
		for i := range m {
			s := 0.0
			for t, v := range ch {
				s += v * basis[i][t]
			}
			rhs.SetVec(i, s)
		}
		if err := chol.SolveVecTo(&coef, rhs); err != nil {
			continue
		}
		for i := range m {
			a := coef.AtVec(i)
			for t := range ch {
				ch[t] -= a * basis[i][t]
			}
		}
	}
}

// linePower is the Hann-windowed periodogram at f summed over channels:
// Σ_c |Σ_t w(t) x_c(t) e^{−i2πft}|². c and s are work space; the window is
// folded into them. The window keeps the record's ends — where filters
// leave transients of a strong line — from pulling the peak.
func linePower(x [][]float64, fs, f float64, c, s []float64) float64 {
	phasors(fs, f, c, s)
	n := float64(len(c))
	for t := range c {
		w := 0.5 * (1 - math.Cos(2*math.Pi*float64(t)/n))
		c[t] *= w
		s[t] *= w
	}
	p := 0.0
	for _, ch := range x {
		var re, im float64
		for t, v := range ch {
			re += v * c[t]
			im += v * s[t]
		}
		p += re*re + im*im
	}
	return p
}

// phasors fills c and s with cos and sin of 2πft at the sample times.
func phasors(fs, f float64, c, s []float64) {
	w := 2 * math.Pi * f / fs
	for t := range c {
		s[t], c[t] = math.Sincos(w * float64(t))
	}
}

// lineProminence is how far above the median of the searched stretch the
// summed periodogram must peak for a line to be there: the largest of
// some fifty independent noise lines (exponentially distributed about
// their mean) reaches it about once in five hundred stretches.
const lineProminence = 10

// refineLine finds the frequency in [lo, hi] where the summed periodogram
// peaks: the strongest line of the record's FFT there (sp), then golden-
// section search on the exact Hann-weighted periodogram over the lines
// either side, to a millionth of the resolution (a strong line subtracted
// at a frequency off by 1e-7 would leave −57 dB of itself over 20 min,
// still above the modes of a machine 90 dB over them). ok is false when
// no line stands out.
func refineLine(x [][]float64, sp *spectrum, fs, lo, hi float64) (f float64, ok bool) {
	k0, k1 := int(math.Ceil(lo/sp.df)), int(math.Floor(hi/sp.df))
	k0, k1 = max(k0, 1), min(k1, len(sp.z[0])-1)
	if k1-k0 < 4 {
		return 0, false
	}
	grid := make([]float64, 0, k1-k0+1)
	best, bestP := k0, -1.0
	for k := k0; k <= k1; k++ {
		p := 0.0
		for _, z := range sp.z {
			p += real(z[k])*real(z[k]) + imag(z[k])*imag(z[k])
		}
		grid = append(grid, p)
		if p > bestP {
			best, bestP = k, p
		}
	}
	slices.Sort(grid)
	if bestP < lineProminence*grid[len(grid)/2] {
		return 0, false
	}
	n := len(x[0])
	c, s := make([]float64, n), make([]float64, n)
	a, b := float64(best-1)*sp.df, float64(best+1)*sp.df
	const g = 0.6180339887498949
	u, v := b-g*(b-a), a+g*(b-a)
	pu, pv := linePower(x, fs, u, c, s), linePower(x, fs, v, c, s)
	for b-a > sp.df*1e-6 {
		if pu > pv {
			b, v, pv = v, u, pu
			u = b - g*(b-a)
			pu = linePower(x, fs, u, c, s)
		} else {
			a, u, pu = u, v, pv
			v = a + g*(b-a)
			pv = linePower(x, fs, v, c, s)
		}
	}
	return (a + b) / 2, true
}

// Lines that stand far out of the spectrum are taken out before any mode
// is sought: a strong machine (a generator running beside the rescuers)
// can swamp SSI's orders and FDD's first singular value so that no pole
// of it is recognised as a harmonic and the modes near it are lost. On the
// record's own FFT (Hann window, resolution 1/T) a sinusoid is two or
// three lines high above their neighbours, while a resonance spreads over
// its half-power band, 2ζf·T lines — wide where the record can resolve
// damping at all.

const (
	// strongLineRatio is how far (20 dB) a line must stand above the
	// median of its neighbourhood, in the channel-normalised sum.
	strongLineRatio = 100
	// lineFlank is where, in lines either side, a sinusoid's leakage has
	// fallen below 1/strongLineFlank of its peak (Hann window: −28 dB at
	// 2.5 lines off a line midway between two).
	lineFlank       = 3
	strongLineFlank = 30
	// minResonanceLines: only where a mode of 0.5 % damping would span at
	// least this many lines (its half-power half-width ζ f T) is a peak
	// that has fallen 15 dB four lines off too narrow for such a mode (a
	// bell one line wide is down only 12 dB there, before the window
	// widens it further); below, a line cannot be told from a mode.
	minResonanceLines = 1
	minDamping        = 0.005
)

// strongLines finds the lines of x's spectrum in [fmin, fmax] that stand
// far out of their neighbourhood and are too narrow for a resonance. It
// returns them as harmonics (frequency of the FFT line; locateLines
// refines it), with the line's complex amplitude over the channels as
// shape.
func strongLines(x [][]float64, fs, fmin, fmax float64) []Mode {
	// Hann-windowed, so that a strong line's own leakage (a rectangular
	// window's falls off only as 1/Δk²) does not raise its neighbourhood.
	n := smooth235(len(x[0]))
	hann := make([][]float64, len(x))
	for c := range x {
		hann[c] = make([]float64, n)
		for i := range n {
			hann[c][i] = x[c][i] * 0.5 * (1 - math.Cos(2*math.Pi*float64(i)/float64(n)))
		}
	}
	sp := recordSpectrum(hann, fs)
	nl := len(sp.z[0])
	tspan := 1 / sp.df
	norm := make([]float64, len(x))
	for c, ch := range x {
		for _, v := range ch {
			norm[c] += v * v
		}
		if norm[c] > 0 {
			norm[c] = 1 / norm[c]
		}
	}
	p := make([]float64, nl)
	for k := range nl {
		for c, z := range sp.z {
			p[k] += norm[c] * (real(z[k])*real(z[k]) + imag(z[k])*imag(z[k]))
		}
	}
	k0, k1 := max(int(math.Ceil(fmin/sp.df)), lineFlank+1), min(int(math.Floor(fmax/sp.df)), nl-lineFlank-2)
	var out []Mode
	for k := k0; k <= k1; k++ {
		f := float64(k) * sp.df
		if p[k] < p[k-1] || p[k] < p[k+1] {
			continue
		}
		// Narrow: beyond the flanks the power has fallen away on both
		// sides (the twin line of a sinusoid midway between two lines is
		// within them). Checked first: it is cheap and few lines pass.
		// Where the record is too short for width to tell a line from a
		// lightly damped mode, the amplitude distribution tells (below).
		resolved := minDamping*f*tspan >= minResonanceLines
		if resolved && (p[k-lineFlank-1]*strongLineFlank > p[k] || p[k+lineFlank+1]*strongLineFlank > p[k]) {
			continue
		}
		// Neighbourhood: ±1 % of f (at least 20 lines), the line's own
		// leakage excluded.
		w := max(20, int(0.01*f*tspan))
		var nb []float64
		for j := max(1, k-w); j <= min(nl-1, k+w); j++ {
			if j < k-lineFlank || j > k+lineFlank {
				nb = append(nb, p[j])
			}
		}
		if len(nb) < 10 {
			continue
		}
		slices.Sort(nb)
		if p[k] < strongLineRatio*nb[len(nb)/2] {
			continue
		}
		line := sp.lineAt(f)
		if !resolved && !isHarmonic(x, fs, line) {
			continue
		}
		out = append(out, line)
		k += lineFlank // its twin and leakage are the same line
	}
	return out
}

// lineAt is a line found in the spectrum at f as a harmonic: its shape is
// the FFT line nearest f over the channels.
func (sp *spectrum) lineAt(f float64) Mode {
	k := min(int(math.Round(f/sp.df)), len(sp.z[0])-1)
	shape := make([]complex128, len(sp.z))
	for c, z := range sp.z {
		shape[c] = z[k]
	}
	NormalizeShape(shape)
	return Mode{FHz: f, Shape: shape, MPC: MPC(shape), MPD: MPD(shape), Methods: []string{"spectrum"}, Harmonic: true}
}
