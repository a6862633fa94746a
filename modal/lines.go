package modal

import (
	"math"
	"slices"
)

// Machine lines out of the record. A rotating machine's steady forced
// response is a sinusoid at the machine's frequency. It never decays in the
// correlation functions, so SSI spends its lowest orders on it, and where
// a mode lies within a few of its half-power bands of the line, the poles
// of those orders mix the two: the mode is lost, or its damping biased,
// and the mixed pole looks like neither. Once the line is recognised
// (isHarmonic), it is subtracted: the sinusoid of every channel fitted by
// least squares at the frequency that maximises the record's periodogram,
// summed over channels, near the recognised line — the maximum-likelihood
// estimate of a sinusoid's frequency in noise (Rife & Boorstyn, IEEE
// Trans. Inf. Theory 20(5), 1974). Taking harmonics out before the modal
// analysis is the usual remedy (Brincker & Ventura, "Introduction to
// Operational Modal Analysis", Wiley 2015, on harmonics); what goes with the line
// is the broadband response's share of one frequency line (1/T), nothing a
// mode's half-power band would miss.
//
// The fit is over the whole record at one frequency: a machine whose speed
// wanders by more than 1/T leaves a residue, which is then recognised as a
// harmonic again, as it was before.

// lineSearchWidth is how far (relative) from a recognised harmonic's pole
// frequency the periodogram is searched for its line: a pole that mixed the
// line with a mode sits a little off it.
const lineSearchWidth = 0.01

// removeLines returns a copy of x (channels, sampled at fs) with the
// sinusoids near the given frequencies subtracted, and for each of them
// the refined frequency of the line removed there (0 where none stands
// out; two poles of one line share it).
func removeLines(x [][]float64, fs float64, near []float64) ([][]float64, []float64) {
	out := make([][]float64, len(x))
	for i := range x {
		out[i] = slices.Clone(x[i])
	}
	at := make([]float64, len(near))
	n := len(x[0])
	if n < 16 {
		return out, at
	}
	tspan := float64(n) / fs
	sp := recordSpectrum(x, fs)
	for i, f0 := range near {
		half := math.Max(lineSearchWidth*f0, 4/tspan)
		if f0-half <= 0 || f0+half >= fs/2 {
			continue
		}
		if j := slices.IndexFunc(at[:i], func(g float64) bool { return g > 0 && math.Abs(g-f0) <= half }); j >= 0 {
			at[i] = at[j] // two poles of one line
			continue
		}
		if f, ok := refineLine(out, sp, fs, f0-half, f0+half); ok {
			subtractSine(out, fs, f)
			at[i] = f
		}
	}
	return out, at
}

// linePower is the periodogram at f summed over channels: Σ_c |Σ_t x_c(t)
// e^{−i2πft}|².
func linePower(x [][]float64, fs, f float64, c, s []float64) float64 {
	phasors(fs, f, c, s)
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
// section search on the exact periodogram over the lines either side, to
// a hundredth of the resolution. ok is false when no line stands out.
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
	for b-a > sp.df/100 {
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

// subtractSine removes from every channel, in place, its least-squares
// sinusoid at f (the 2×2 normal equations in the cosine and sine, exact
// for any record length).
func subtractSine(x [][]float64, fs, f float64) {
	n := len(x[0])
	c, s := make([]float64, n), make([]float64, n)
	phasors(fs, f, c, s)
	var cc, ss, cs float64
	for t := range c {
		cc += c[t] * c[t]
		ss += s[t] * s[t]
		cs += c[t] * s[t]
	}
	det := cc*ss - cs*cs
	if !(det > 0) {
		return
	}
	for _, ch := range x {
		var xc, xs float64
		for t, v := range ch {
			xc += v * c[t]
			xs += v * s[t]
		}
		a := (ss*xc - cs*xs) / det
		b := (cc*xs - cs*xc) / det
		for t := range ch {
			ch[t] -= a*c[t] + b*s[t]
		}
	}
}
