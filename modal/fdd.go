package modal

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/dsp/fourier"

	"github.com/struna/struna/dsp"
)

// FDDOptions configures frequency domain decomposition.
type FDDOptions struct {
	FMin, FMax float64 // band searched, Hz
	// MinProminence is how far (dB) a peak of a singular value must rise
	// above the higher of the troughs on either side (default 3 dB).
	MinProminence float64
	// MinCoherence is the MAC a peak's singular vector must keep with its
	// neighbouring lines (default 0.9): a mode dominates a band of lines
	// with one shape, noise does not.
	MinCoherence float64
	// BellMAC bounds the SDOF bell of EFDD (default 0.8, Brincker et al.).
	BellMAC float64
	// MinDominance is the ratio by which a peak's singular value must
	// exceed the next one at the peak (default 4, i.e. 6 dB).
	MinDominance float64
	// Window is the taper used for the spectral matrix (nil: periodic
	// Hann of 2·(lines−1) points, dsp's default); EFDD divides the SDOF
	// correlation by the window's own correlation to undo its bias.
	Window []float64
}

// FDDResult holds the singular value spectra and the picked peaks.
type FDDResult struct {
	Freqs []float64   // lines in the band
	SV    [][]float64 // SV[j][k]: j-th singular value at line k (j < min(n,3))
	Peaks []Mode      // picked modes with EFDD frequency and damping
	// Lines[i] are the indices of the SDOF bell of Peaks[i] into Freqs.
	Bells [][]int
}

// FDD runs frequency domain decomposition (Brincker, Zhang & Andersen,
// "Modal identification of output-only systems using frequency domain
// decomposition", Smart Mater. Struct. 10, 2001) and the enhanced FDD
// (Brincker, Ventura & Andersen, "Damping estimation by frequency domain
// decomposition", IMAC 2001): per line, G(f) = U S Uᴴ; modes are
// prominent, shape-coherent peaks of the first singular value, and of the
// second where it carries a shape orthogonal to the first (closely spaced
// modes); each peak's SDOF bell (lines whose singular vector has MAC ≥
// BellMAC with the peak's) is taken back to the time domain by inverse FFT,
// where zero crossings give the damped frequency and the logarithmic
// decrement of the extrema gives damping.
func FDD(ctx context.Context, g *dsp.SpectralMatrix, opts FDDOptions) (*FDDResult, error) {
	if g == nil || g.N < 1 || len(g.Freqs) < 8 {
		return nil, errors.New("modal: FDD needs a spectral matrix with at least 8 lines")
	}
	if opts.MinProminence <= 0 {
		opts.MinProminence = 3
	}
	if opts.MinCoherence <= 0 {
		opts.MinCoherence = 0.9
	}
	if opts.MinDominance <= 0 {
		opts.MinDominance = 4
	}
	if opts.BellMAC <= 0 {
		opts.BellMAC = 0.8
	}
	if opts.FMax <= 0 {
		opts.FMax = g.Freqs[len(g.Freqs)-1]
	}
	n := g.N
	freqs, lines, sv, vecs, err := singularSpectra(ctx, g, opts.FMin, opts.FMax, min(n, 3))
	if err != nil {
		return nil, err
	}
	nsv := len(sv)
	res := &FDDResult{Freqs: freqs, SV: sv}

	coherent := func(j, i int) bool {
		lo, hi := max(i-2, 0), min(i+2, len(lines)-1)
		m, c := 0.0, 0
		for q := lo; q <= hi; q++ {
			if q != i {
				m += MAC(vecs[j][i], vecs[j][q])
				c++
			}
		}
		return c > 0 && m/float64(c) >= opts.MinCoherence
	}
	var peaks []peak
	for _, i := range prominentPeaks(res.SV[0], opts.MinProminence, 2) {
		if n == 1 || coherent(0, i) {
			peaks = append(peaks, peak{i, 0})
		}
	}
	if nsv > 1 {
		for _, i := range prominentPeaks(res.SV[1], opts.MinProminence, 2) {
			if !coherent(1, i) {
				continue
			}
			// A second mode under the first: its shape differs from every
			// first-singular-value peak nearby.
			dup := false
			for _, p := range peaks {
				if MAC(vecs[1][i], vecs[p.j][p.i]) > 0.5 || p.i == i && p.j == 1 {
					dup = true
					break
				}
			}
			// The second singular value also peaks where the first one's
			// mode leaks; require it to stand out from s1's shoulder.
			if !dup && res.SV[1][i] > 0.1*res.SV[0][i] {
				peaks = append(peaks, peak{i, 1})
			}
		}
	}

	nfft := 2 * (len(g.Freqs) - 1)
	win := opts.Window
	if win == nil {
		win = dsp.Window(dsp.Hann, nfft, false)
	}
	wcorr := windowCorrelation(win, nfft)
	fft := fourier.NewFFT(nfft)
	df := g.Freqs[1] - g.Freqs[0]
	// A mode's peak is the top of its own SDOF bell; a ripple on the
	// shoulder of a stronger mode shares that mode's shape and so lies in
	// its bell below the top.
	bell := func(p peak) []bellLine { return sdofBell(vecs, res.SV, p.i, p.j, opts.BellMAC) }
	kept := peaks[:0]
	for _, p := range peaks {
		top := true
		for _, b := range bell(p) {
			if res.SV[b.j][b.i] > res.SV[p.j][p.i] {
				top = false
				break
			}
		}
		// Rank one: where a mode dominates, its singular value stands well
		// above the next one (noise and leakage of neighbours give ratios
		// near 1).
		// A resonance shows its half-power band within its own bell.
		if top {
			top = halfPowerInside(res.SV, bell(p), p)
		}
		if top && (p.j+1 >= nsv || res.SV[p.j][p.i] >= opts.MinDominance*res.SV[p.j+1][p.i]) {
			kept = append(kept, p)
		}
	}
	peaks = kept
	for _, p := range peaks {
		shape := slices.Clone(vecs[p.j][p.i])
		NormalizeShape(shape)
		m := Mode{FHz: res.Freqs[p.i], Shape: shape, MPC: MPC(shape), MPD: MPD(shape), Methods: []string{"fdd"}}
		bl := bell(p)
		f, z, ok := efdd(fft, bl, lines, res.SV, nfft, df, wcorr)
		if !ok {
			continue // no decaying correlation: not a structural mode
		}
		// Ambient vibration of buildings shows damping of a few per cent;
		// a "mode" wider than 10 % is a hump of mixed modes or noise.
		if z > 0.10 {
			continue
		}
		m.FHz, m.Zeta = f, z
		idx := make([]int, len(bl))
		for q, b := range bl {
			idx[q] = b.i
		}
		res.Peaks = append(res.Peaks, m)
		res.Bells = append(res.Bells, idx)
	}
	order := make([]int, len(res.Peaks))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmpFloat(res.Peaks[a].FHz, res.Peaks[b].FHz) })
	pk, bl := make([]Mode, len(order)), make([][]int, len(order))
	for q, i := range order {
		pk[q], bl[q] = res.Peaks[i], res.Bells[i]
	}
	res.Peaks, res.Bells = pk, bl
	return res, nil
}

// singularSpectra decomposes every line of g between fmin and fmax: the
// nsv largest singular values (eigenvalues: G is Hermitian and positive
// semi-definite) and their vectors, per line.
func singularSpectra(ctx context.Context, g *dsp.SpectralMatrix, fmin, fmax float64, nsv int) (freqs []float64, lines []int, sv [][]float64, vecs [][][]complex128, err error) {
	for k, f := range g.Freqs {
		if f >= fmin && f <= fmax && k > 0 {
			lines = append(lines, k)
		}
	}
	if len(lines) < 5 {
		return nil, nil, nil, nil, fmt.Errorf("modal: FDD band %g–%g Hz holds %d spectral lines; need at least 5", fmin, fmax, len(lines))
	}
	sv = make([][]float64, nsv)
	vecs = make([][][]complex128, nsv) // vecs[j][i]: j-th singular vector at lines[i]
	for j := range nsv {
		sv[j] = make([]float64, len(lines))
		vecs[j] = make([][]complex128, len(lines))
	}
	var he HermitianEigen
	for i, k := range lines {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, nil, nil, nil, err
			}
		}
		if err := he.Factorize(g.N, g.Line(k)); err != nil {
			return nil, nil, nil, nil, fmt.Errorf("modal: FDD at %.4g Hz: %w", g.Freqs[k], err)
		}
		freqs = append(freqs, g.Freqs[k])
		for j := range nsv {
			sv[j][i] = math.Max(he.Values()[j], 0)
			vecs[j][i] = slices.Clone(he.Vector(j))
		}
	}
	return freqs, lines, sv, vecs, nil
}

// prominentPeaks returns local maxima of s whose topographic prominence in
// dB (as scipy.signal.peak_prominences) is at least minDB. The dB curve is
// first smoothed over 2·half+1 lines: a Welch estimate from a few tens of
// segments ripples by a dB or two from line to line, and those ripples
// must not count as peaks. Each peak is then placed on the highest raw
// line within half lines of the smoothed maximum.
func prominentPeaks(s []float64, minDB float64, half int) []int {
	raw := make([]float64, len(s))
	for i, v := range s {
		raw[i] = 10 * math.Log10(math.Max(v, 1e-300))
	}
	db := make([]float64, len(s))
	for i := range raw {
		lo, hi := max(i-half, 0), min(i+half, len(raw)-1)
		sum := 0.0
		for q := lo; q <= hi; q++ {
			sum += raw[q]
		}
		db[i] = sum / float64(hi-lo+1)
	}
	var out []int
	for i := 1; i+1 < len(db); i++ {
		if !(db[i] > db[i-1] && db[i] >= db[i+1]) {
			continue
		}
		// Walk left and right to the nearest higher point; the lowest
		// trough on each side before it bounds the prominence.
		left := db[i]
		for q := i - 1; q >= 0 && db[q] <= db[i]; q-- {
			left = math.Min(left, db[q])
		}
		right := db[i]
		for q := i + 1; q < len(db) && db[q] <= db[i]; q++ {
			right = math.Min(right, db[q])
		}
		if db[i]-math.Max(left, right) >= minDB {
			best := i
			for q := max(i-half, 0); q <= min(i+half, len(raw)-1); q++ {
				if raw[q] > raw[best] {
					best = q
				}
			}
			if len(out) == 0 || out[len(out)-1] != best {
				out = append(out, best)
			}
		}
	}
	return out
}

// halfPowerInside reports whether the bell reaches below half the peak's
// power on both sides of the peak.
func halfPowerInside(sv [][]float64, bell []bellLine, p peak) bool {
	half := sv[p.j][p.i] / 2
	left, right := false, false
	for _, b := range bell {
		if sv[b.j][b.i] <= half {
			if b.i < p.i {
				left = true
			} else if b.i > p.i {
				right = true
			}
		}
	}
	return left && right
}

// peak is a candidate mode: line i of singular value j.
type peak struct{ i, j int }

type bellLine struct {
	i, j int // line index into Freqs, singular value index
}

// sdofBell collects the lines around a peak whose best-matching singular
// vector keeps MAC ≥ minMAC with the peak's vector.
func sdofBell(vecs [][][]complex128, sv [][]float64, i0, j0 int, minMAC float64) []bellLine {
	ref := vecs[j0][i0]
	bell := []bellLine{{i0, j0}}
	for _, step := range []int{-1, 1} {
		for i := i0 + step; i >= 0 && i < len(vecs[0]); i += step {
			bj, best := -1, minMAC
			for j := range vecs {
				if m := MAC(ref, vecs[j][i]); m >= best {
					bj, best = j, m
				}
			}
			if bj < 0 {
				break
			}
			bell = append(bell, bellLine{i, bj})
		}
	}
	slices.SortFunc(bell, func(a, b bellLine) int { return a.i - b.i })
	return bell
}

// windowCorrelation is the normalised autocorrelation of the window,
// c(τ) = Σ w(t)w(t+τ) / Σ w², the factor by which windowing shapes a
// correlation function estimated from a Welch spectrum.
func windowCorrelation(w []float64, n int) []float64 {
	c := make([]float64, n/2)
	var w2 float64
	for _, v := range w {
		w2 += v * v
	}
	for tau := range c {
		s := 0.0
		for t := 0; t+tau < len(w); t++ {
			s += w[t] * w[t+tau]
		}
		c[tau] = s / w2
	}
	return c
}

// efdd takes the SDOF bell to the time domain and estimates the natural
// frequency and damping from its correlation function: zero crossings (a
// line fit of crossing time against half-period count) give the damped
// frequency; extrema between 90 % and 20 % of the initial value (Brincker
// & Ventura 2015, §10.3 practice) give the decay rate by a line fit of
// ln|r|. Returns ok=false when the function does not show a clean decay.
func efdd(fft *fourier.FFT, bell []bellLine, lines []int, sv [][]float64, nfft int, df float64, wcorr []float64) (fHz, zeta float64, ok bool) {
	if len(bell) < 3 {
		return 0, 0, false
	}
	spec := make([]complex128, nfft/2+1)
	for _, b := range bell {
		spec[lines[b.i]] = complex(sv[b.j][b.i], 0)
	}
	r := fft.Sequence(nil, spec)
	r = r[:nfft/2]
	if r[0] <= 0 {
		return 0, 0, false
	}
	dt := 1 / (df * float64(nfft))
	r0 := r[0]
	for t := range r {
		if wcorr[t] < 0.05 { // the window leaves nothing to correct beyond here
			r = r[:t]
			break
		}
		r[t] /= wcorr[t] * r0
	}
	// Zero crossings by linear interpolation.
	var zc []float64
	for t := 1; t < len(r); t++ {
		if (r[t-1] > 0) != (r[t] > 0) {
			zc = append(zc, (float64(t-1)+r[t-1]/(r[t-1]-r[t]))*dt)
		}
	}
	// Extrema of |r| between crossings, with parabolic refinement.
	type ext struct{ t, a float64 }
	var ex []ext
	for q := 0; q+1 < len(zc); q++ {
		lo, hi := int(math.Ceil(zc[q]/dt)), int(math.Floor(zc[q+1]/dt))
		bi := -1
		for t := max(lo, 1); t <= hi && t+1 < len(r); t++ {
			if bi < 0 || math.Abs(r[t]) > math.Abs(r[bi]) {
				bi = t
			}
		}
		if bi < 1 || bi+1 >= len(r) {
			continue
		}
		a, b, c := math.Abs(r[bi-1]), math.Abs(r[bi]), math.Abs(r[bi+1])
		den := a - 2*b + c
		off := 0.0
		if den != 0 {
			off = 0.5 * (a - c) / den
		}
		ex = append(ex, ext{(float64(bi) + off) * dt, b - 0.25*(a-c)*off})
	}
	var tx, lx []float64
	for _, e := range ex {
		if e.a <= 0.9 && e.a >= 0.2 {
			tx = append(tx, e.t)
			lx = append(lx, math.Log(e.a))
		} else if e.a < 0.2 {
			break
		}
	}
	if len(tx) < 3 || len(zc) < 4 {
		return 0, 0, false
	}
	slope, _ := lineFit(tx, lx) // −σ = −ζωn
	// Crossings used: those up to the last extremum fitted.
	var ci, ct []float64
	for q, t := range zc {
		if t <= tx[len(tx)-1]+dt {
			ci = append(ci, float64(q))
			ct = append(ct, t)
		}
	}
	if len(ct) < 3 {
		return 0, 0, false
	}
	halfT, _ := lineFit(ci, ct)
	if halfT <= 0 || slope >= 0 {
		return 0, 0, false
	}
	wd := math.Pi / halfT
	sigma := -slope
	wn := math.Hypot(wd, sigma)
	return wn / (2 * math.Pi), sigma / wn, true
}

// lineFit returns the least-squares slope and intercept of y on x.
func lineFit(x, y []float64) (slope, intercept float64) {
	n := float64(len(x))
	var sx, sy, sxx, sxy float64
	for i := range x {
		sx += x[i]
		sy += y[i]
		sxx += x[i] * x[i]
		sxy += x[i] * y[i]
	}
	d := n*sxx - sx*sx
	if d == 0 {
		return 0, sy / n
	}
	slope = (n*sxy - sx*sy) / d
	return slope, (sy - slope*sx) / n
}
