package dsp

import (
	"errors"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestDetrendLine(t *testing.T) {
	for _, n := range []int{2, 3, 10, 1001} {
		x := make([]float64, n)
		for i := range x {
			x[i] = 3.25 - 0.7*float64(i)
		}
		Detrend(x)
		for i, v := range x {
			if math.Abs(v) > 1e-12*float64(n) {
				t.Fatalf("n=%d: residual %g at %d after removing a line", n, v, i)
			}
		}
	}
	// A line plus a centred alternating signal keeps the alternating part
	// (odd n: (−1)^i is orthogonal to the line only approximately, so use
	// a symmetric zero-mean, zero-slope pattern).
	x := []float64{1, -1, -1, 1}
	want := append([]float64(nil), x...)
	for i := range x {
		x[i] += 2 + 0.5*float64(i)
	}
	Detrend(x)
	for i := range x {
		if math.Abs(x[i]-want[i]) > 1e-14 {
			t.Fatalf("Detrend kept %v, want %v", x, want)
		}
	}
	y := []float64{1, 2, 3, 6}
	Demean(y)
	if y[0] != -2 || y[3] != 3 {
		t.Fatalf("Demean: %v", y)
	}
	Detrend(nil)
	Demean(nil)
	one := []float64{5}
	Detrend(one)
	if one[0] != 0 {
		t.Fatalf("Detrend of one sample: %v", one)
	}
}

// sectionPoles returns the roots of z² + a1 z + a2 for every section.
func sectionPoles(s SOS) []complex128 {
	var p []complex128
	for _, r := range s {
		a1, a2 := r[4]/r[3], r[5]/r[3]
		if a2 == 0 { // first-order section
			p = append(p, complex(-a1, 0))
			continue
		}
		d := cmplx.Sqrt(complex(a1*a1-4*a2, 0))
		p = append(p, (complex(-a1, 0)+d)/2, (complex(-a1, 0)-d)/2)
	}
	return p
}

func TestButterworthAnalytic(t *testing.T) {
	fs := 200.0
	for _, order := range []int{1, 2, 3, 4, 5, 8, 12} {
		for _, fc := range []float64{0.5, 10, 49, 90} {
			lp, err := Butterworth(order, Lowpass(fc), fs)
			if err != nil {
				t.Fatal(err)
			}
			hp, err := Butterworth(order, Highpass(fc), fs)
			if err != nil {
				t.Fatal(err)
			}
			// −3 dB at the cut-off, thanks to pre-warping.
			for name, s := range map[string]SOS{"lowpass": lp, "highpass": hp} {
				if g := cmplx.Abs(s.Response(fc, fs)); math.Abs(g-1/math.Sqrt2) > 1e-9 {
					t.Errorf("order %d %s fc=%g: |H(fc)| = %.12f, want 1/√2", order, name, fc, g)
				}
			}
			if g := cmplx.Abs(lp.Response(0, fs)); math.Abs(g-1) > 1e-9 {
				t.Errorf("order %d lowpass: |H(0)| = %g", order, g)
			}
			if g := cmplx.Abs(hp.Response(fs/2, fs)); math.Abs(g-1) > 1e-9 {
				t.Errorf("order %d highpass: |H(Nyquist)| = %g", order, g)
			}
			if g := cmplx.Abs(lp.Response(fs/2, fs)); g > 1e-9 {
				t.Errorf("order %d lowpass: |H(Nyquist)| = %g, want 0", order, g)
			}
			// The analog poles lie on |s| = Ω; the bilinear map
			// s = 4(z−1)/(z+1) takes that circle to the Apollonius circle
			// |z−1|/|z+1| = r, r = Ω/4 = tan(π·fc/fs), centred at
			// (1+r²)/(1−r²) with radius 2r/|1−r²|.
			r := math.Tan(math.Pi * fc / fs)
			c := (1 + r*r) / (1 - r*r)
			rho := 2 * r / math.Abs(1-r*r)
			for _, s := range []SOS{lp, hp} {
				p := sectionPoles(s)
				if len(p) != 2*len(s) && len(p) != order {
					t.Errorf("order %d: %d poles", order, len(p))
				}
				for _, z := range p {
					if cmplx.Abs(z) >= 1 {
						t.Errorf("order %d fc=%g: unstable pole %v", order, fc, z)
					}
					if d := math.Abs(cmplx.Abs(z-complex(c, 0)) - rho); d > 1e-9*math.Max(1, rho) {
						t.Errorf("order %d fc=%g: pole %v off its circle by %g", order, fc, z, d)
					}
				}
			}
		}
		// Band-pass: 2N poles, −3 dB at both edges, unit gain at the
		// geometric centre of the pre-warped band.
		bp, err := Butterworth(order, Bandpass(2, 25), fs)
		if err != nil {
			t.Fatal(err)
		}
		if got := len(sectionPoles(bp)); got != 2*order {
			t.Errorf("band-pass order %d: %d poles, want %d", order, got, 2*order)
		}
		for _, f := range []float64{2, 25} {
			if g := cmplx.Abs(bp.Response(f, fs)); math.Abs(g-1/math.Sqrt2) > 1e-9 {
				t.Errorf("band-pass order %d: |H(%g)| = %.12f", order, f, g)
			}
		}
		w1, w2 := math.Tan(math.Pi*2/fs), math.Tan(math.Pi*25/fs)
		f0 := math.Atan(math.Sqrt(w1*w2)) * fs / math.Pi
		if g := cmplx.Abs(bp.Response(f0, fs)); math.Abs(g-1) > 1e-9 {
			t.Errorf("band-pass order %d: |H(f0=%g)| = %g, want 1", order, f0, g)
		}
	}
}

func TestChebyshevRipple(t *testing.T) {
	// Order 8 (even): the response starts at −rp dB at DC, stays within
	// the ripple band to the edge, where it is exactly −rp dB.
	s, err := Chebyshev1(8, 0.05, Lowpass(0.4), 2)
	if err != nil {
		t.Fatal(err)
	}
	lo := math.Pow(10, -0.05/20)
	for f := 0.0; f <= 0.4; f += 0.001 {
		g := cmplx.Abs(s.Response(f, 2))
		if g > 1+1e-9 || g < lo-1e-9 {
			t.Fatalf("|H(%g)| = %g outside the ripple band [%g, 1]", f, g, lo)
		}
	}
	if g := cmplx.Abs(s.Response(0.4, 2)); math.Abs(g-lo) > 1e-9 {
		t.Errorf("|H(edge)| = %g, want %g", g, lo)
	}
}

func TestFilterInPlaceAndImpulse(t *testing.T) {
	s, err := Butterworth(4, Bandpass(1, 10), 100)
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float64, 4096)
	x[0] = 1
	h := s.Filter(nil, x)
	// The impulse response's DFT is the frequency response.
	var acc complex128
	f := 5.0
	for n, v := range h {
		acc += complex(v, 0) * cmplx.Exp(complex(0, -2*math.Pi*f*float64(n)/100))
	}
	if d := cmplx.Abs(acc - s.Response(f, 100)); d > 1e-9 {
		t.Errorf("DFT of impulse response %v, Response %v", acc, s.Response(f, 100))
	}
	// Sections scaled by a0 ≠ 1 describe the same filter.
	scaled := make(SOS, len(s))
	for i, r := range s {
		for c := range r {
			scaled[i][c] = 2.5 * r[c]
		}
	}
	hs := scaled.Filter(nil, x)
	for i := range hs {
		if math.Abs(hs[i]-h[i]) > 1e-12 {
			t.Fatalf("a0-scaled sections differ at %d: %g vs %g", i, hs[i], h[i])
		}
	}
	y := append([]float64(nil), x...)
	s.Filter(y, y)
	for i := range y {
		if y[i] != h[i] {
			t.Fatal("in-place Filter differs from out-of-place")
		}
	}
}

func TestFiltFiltZeroPhase(t *testing.T) {
	fs, f0 := 100.0, 4.0
	s, err := Butterworth(4, Bandpass(1, 10), fs)
	if err != nil {
		t.Fatal(err)
	}
	n := 4000
	x := make([]float64, n)
	for i := range x {
		x[i] = math.Sin(2*math.Pi*f0*float64(i)/fs + 0.3)
	}
	y, err := s.FiltFilt(nil, x)
	if err != nil {
		t.Fatal(err)
	}
	g2 := math.Pow(cmplx.Abs(s.Response(f0, fs)), 2)
	// Least-squares fit y ≈ a·sin + b·cos of the input's phase over the
	// middle half: zero phase means b = 0 and a = |H|².
	var ss, sc, cc, ys, yc float64
	for i := n / 4; i < 3*n/4; i++ {
		ph := 2*math.Pi*f0*float64(i)/fs + 0.3
		sn, cs := math.Sin(ph), math.Cos(ph)
		ss += sn * sn
		sc += sn * cs
		cc += cs * cs
		ys += y[i] * sn
		yc += y[i] * cs
	}
	det := ss*cc - sc*sc
	a := (ys*cc - yc*sc) / det
	b := (yc*ss - ys*sc) / det
	if math.Abs(b) > 1e-6 || math.Abs(a-g2) > 1e-6 {
		t.Errorf("FiltFilt of a pass-band sinusoid: a=%g (want |H|²=%g), b=%g (want 0: phase %g rad)", a, g2, b, math.Atan2(b, a))
	}
	// Compare with causal filtering, which does shift the phase.
	yc1 := s.Filter(nil, x)
	var d float64
	for i := n / 4; i < 3*n/4; i++ {
		d = max(d, math.Abs(yc1[i]-y[i]))
	}
	if d < 0.1 {
		t.Errorf("causal and zero-phase outputs agree to %g: the test cannot see phase", d)
	}
}

func TestDecimateSinusoid(t *testing.T) {
	fs, f0 := 100.0, 1.0
	n := 3000
	x := make([]float64, n)
	for i := range x {
		x[i] = 2 * math.Sin(2*math.Pi*f0*float64(i)/fs)
	}
	for _, q := range []int{2, 5, 10} {
		y, err := Decimate(x, q)
		if err != nil {
			t.Fatal(err)
		}
		if len(y) != (n+q-1)/q {
			t.Fatalf("q=%d: %d samples", q, len(y))
		}
		// Forward-backward Chebyshev: |H|² within (0.05 dB)² of 1, no
		// delay. The ends carry the padding transient.
		for i := len(y) / 10; i < 9*len(y)/10; i++ {
			want := 2 * math.Sin(2*math.Pi*f0*float64(i*q)/fs)
			if math.Abs(y[i]-want) > 2*0.012 {
				t.Fatalf("q=%d sample %d: %g, want %g", q, i, y[i], want)
			}
		}
	}
	// A tone above the new Nyquist is removed, not aliased.
	for i := range x {
		x[i] = math.Sin(2 * math.Pi * 30 * float64(i) / fs)
	}
	y, err := Decimate(x, 5) // new Nyquist 10 Hz
	if err != nil {
		t.Fatal(err)
	}
	for i := len(y) / 4; i < 3*len(y)/4; i++ {
		if math.Abs(y[i]) > 1e-3 {
			t.Fatalf("30 Hz tone leaked into 20 Hz output: %g at %d", y[i], i)
		}
	}
}

func TestResampleSinusoid(t *testing.T) {
	fs, f0 := 100.0, 2.0
	n := 2000
	x := make([]float64, n)
	for i := range x {
		x[i] = math.Cos(2 * math.Pi * f0 * float64(i) / fs)
	}
	for _, r := range [][2]int{{1, 2}, {3, 2}, {2, 5}, {4, 1}} {
		y, err := Resample(x, r[0], r[1])
		if err != nil {
			t.Fatal(err)
		}
		fs2 := fs * float64(r[0]) / float64(r[1])
		// Away from the ends the output is the same cosine at the new
		// rate: no delay, unit gain (Kaiser β=5 ripple is ~1e-3).
		for i := len(y) / 10; i < 9*len(y)/10; i++ {
			want := math.Cos(2 * math.Pi * f0 * float64(i) / fs2)
			if math.Abs(y[i]-want) > 3e-3 {
				t.Fatalf("%d/%d sample %d: %g, want %g", r[0], r[1], i, y[i], want)
			}
		}
	}
}

func TestDecimationPlan(t *testing.T) {
	for _, c := range []struct {
		fs, fmax float64
		want     []int
	}{
		{200, 20, []int{4}},
		{1000, 25, []int{8, 2}},
		{100, 30, nil},
		{200, 1, []int{10, 8}},
		{250, 2.6, []int{9, 4}}, // 38 → 36 = 3·3·2·2 (37, 38 have primes > 7)
	} {
		got, err := DecimationPlan(c.fs, c.fmax)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(c.want) {
			t.Errorf("DecimationPlan(%g, %g) = %v, want %v", c.fs, c.fmax, got, c.want)
			continue
		}
		prod := 1
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("DecimationPlan(%g, %g) = %v, want %v", c.fs, c.fmax, got, c.want)
			}
			prod *= got[i]
		}
		if prod > 1 && 0.4*c.fs/float64(prod) < c.fmax {
			t.Errorf("plan %v puts %g Hz outside the pass band", got, c.fmax)
		}
	}
	for _, bad := range [][2]float64{{0, 1}, {100, 0}, {math.NaN(), 1}, {100, math.Inf(1)}} {
		if _, err := DecimationPlan(bad[0], bad[1]); !errors.Is(err, ErrParam) {
			t.Errorf("DecimationPlan(%v): err %v", bad, err)
		}
	}
}

func TestWelchSinusoidParseval(t *testing.T) {
	fs := 64.0
	n, nper := 8192, 512
	for _, amp := range []float64{1, 3.5} {
		// On a bin: the Hann-windowed periodogram holds exactly the
		// variance A²/2.
		f0 := 10 * fs / float64(nper)
		x := make([]float64, n)
		for i := range x {
			x[i] = amp * math.Sin(2*math.Pi*f0*float64(i)/fs)
		}
		s, err := CrossSpectra([][]float64{x}, fs, WelchOptions{SegmentLen: nper})
		if err != nil {
			t.Fatal(err)
		}
		df := s.Freqs[1] - s.Freqs[0]
		var sum float64
		for _, v := range s.PSD(0) {
			sum += v
		}
		if got, want := sum*df, amp*amp/2; math.Abs(got-want) > 1e-12*want {
			t.Errorf("A=%g on bin: ∫PSD = %.15g, want A²/2 = %g", amp, got, want)
		}
		// Off a bin the window's leakage stays inside the spectrum.
		f0 = 10.37 * fs / float64(nper)
		for i := range x {
			x[i] = amp * math.Sin(2*math.Pi*f0*float64(i)/fs)
		}
		s, err = CrossSpectra([][]float64{x}, fs, WelchOptions{SegmentLen: nper, Detrend: DetrendNone})
		if err != nil {
			t.Fatal(err)
		}
		sum = 0
		for _, v := range s.PSD(0) {
			sum += v
		}
		if got, want := sum*df, amp*amp/2; math.Abs(got-want) > 1e-2*want {
			t.Errorf("A=%g off bin: ∫PSD = %g, want ≈ %g", amp, got, want)
		}
	}
}

func TestWelchWhiteNoise(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	fs, sigma := 200.0, 1.7
	n := 1 << 18
	x := make([]float64, n)
	for i := range x {
		x[i] = sigma * rng.NormFloat64()
	}
	s, err := CrossSpectra([][]float64{x}, fs, WelchOptions{SegmentLen: 256})
	if err != nil {
		t.Fatal(err)
	}
	psd := s.PSD(0)
	var mean float64
	for _, v := range psd[1 : len(psd)-1] {
		mean += v
	}
	mean /= float64(len(psd) - 2)
	want := 2 * sigma * sigma / fs
	// 127 lines × 2047 half-overlapping segments: the mean is within
	// well under 1 % of the truth.
	if math.Abs(mean-want) > 0.01*want {
		t.Errorf("white noise PSD level %g, want 2σ²/fs = %g", mean, want)
	}
	// Each line on its own is within ±15 % (about 6 standard errors for
	// ~1500 equivalent averages). Lines 1 and 2 are left out: removing
	// each segment's mean before the Hann window also removes part of
	// them (the window's main lobe), a known bias scipy shares.
	for k, v := range psd[3 : len(psd)-1] {
		if math.Abs(v-want) > 0.15*want {
			t.Errorf("line %d: %g, want ≈ %g", k+3, v, want)
		}
	}
}

func TestCrossSpectrumDelayPhase(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	fs := 100.0
	d := 3 // delay, samples
	n := 1 << 16
	w := make([]float64, n+d)
	for i := range w {
		w[i] = rng.NormFloat64()
	}
	// ch1(t) = ch0(t − τ), τ = d/fs.
	ch0 := w[d:]
	ch1 := w[:n]
	s, err := CrossSpectra([][]float64{ch0, ch1}, fs, WelchOptions{SegmentLen: 1024})
	if err != nil {
		t.Fatal(err)
	}
	tau := float64(d) / fs
	for k, f := range s.Freqs {
		if f == 0 || f > 0.45*fs {
			continue
		}
		got := cmplx.Phase(s.At(k, 0, 1))
		want := -2 * math.Pi * f * tau
		diff := math.Remainder(got-want, 2*math.Pi)
		if math.Abs(diff) > 0.05 {
			t.Fatalf("f=%g: phase %g, want −2πfτ = %g", f, got, want)
		}
		if g := s.At(k, 1, 0); g != cmplx.Conj(s.At(k, 0, 1)) {
			t.Fatalf("line %d not Hermitian", k)
		}
	}
	// A delayed copy is fully coherent (up to the small bias of a delay
	// that is not a whole segment); independent noise is not.
	coh := s.Coherence(0, 1)
	for k := 1; k < len(coh)-1; k++ {
		if coh[k] < 0.98 || coh[k] > 1+1e-12 {
			t.Fatalf("coherence of delayed copy at line %d: %g", k, coh[k])
		}
	}
	other := make([]float64, n)
	for i := range other {
		other[i] = rng.NormFloat64()
	}
	s, err = CrossSpectra([][]float64{ch0, other}, fs, WelchOptions{SegmentLen: 1024})
	if err != nil {
		t.Fatal(err)
	}
	var mean float64
	coh = s.Coherence(0, 1)
	for _, v := range coh {
		mean += v
	}
	// E[γ²] ≈ 1/(equivalent averages) ≈ 0.01 here.
	if mean /= float64(len(coh)); mean > 0.05 {
		t.Errorf("coherence of independent noise averages %g", mean)
	}
}

func TestEmbedTo(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	x := make([][]float64, 4)
	for c := range x {
		x[c] = make([]float64, 4096)
		for i := range x[c] {
			x[c][i] = rng.NormFloat64()
			if c > 0 {
				x[c][i] += 0.5 * x[c-1][i]
			}
		}
	}
	s, err := CrossSpectra(x, 50, WelchOptions{SegmentLen: 128})
	if err != nil {
		t.Fatal(err)
	}
	var e mat.SymDense
	k := 10
	s.EmbedTo(&e, k)
	var eig mat.EigenSym
	if !eig.Factorize(&e, true) {
		t.Fatal("EigenSym failed")
	}
	vals := eig.Values(nil)
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	g := s.Line(k)
	n := s.N
	for c, lam := range vals {
		// u + iv must be an eigenvector of G with eigenvalue λ.
		u := make([]complex128, n)
		for i := range n {
			u[i] = complex(vecs.At(i, c), vecs.At(n+i, c))
		}
		for i := range n {
			var gu complex128
			for j := range n {
				gu += g[i*n+j] * u[j]
			}
			if cmplx.Abs(gu-complex(lam, 0)*u[i]) > 1e-10*math.Abs(vals[len(vals)-1]) {
				t.Fatalf("eigenpair %d of the embedding is not one of G", c)
			}
		}
	}
	// Each eigenvalue appears twice.
	for c := 0; c < len(vals); c += 2 {
		if math.Abs(vals[c]-vals[c+1]) > 1e-10*math.Abs(vals[len(vals)-1]) {
			t.Fatalf("eigenvalues not paired: %v", vals)
		}
	}
	var re, im mat.Dense
	s.RealImagTo(&re, &im, k)
	if re.At(1, 2) != real(s.At(k, 1, 2)) || im.At(2, 1) != imag(s.At(k, 2, 1)) {
		t.Fatal("RealImagTo does not match At")
	}
}

// directCorr is the O(N·maxLag) definition.
func directCorr(x [][]float64, maxLag int, biased bool) []float64 {
	n, N := len(x), len(x[0])
	out := make([]float64, (maxLag+1)*n*n)
	for k := 0; k <= maxLag; k++ {
		for i := range n {
			for j := range n {
				var s float64
				for t := 0; t+k < N; t++ {
					s += x[i][t+k] * x[j][t]
				}
				d := float64(N - k)
				if biased {
					d = float64(N)
				}
				out[(k*n+i)*n+j] = s / d
			}
		}
	}
	return out
}

func TestCorrelationsDirect(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, c := range []struct{ nch, n, maxLag, block int }{
		{1, 1, 0, 0},
		{2, 10, 9, 0},
		{3, 1000, 40, 0},
		{3, 1000, 40, 64},   // many blocks, last one partial
		{4, 1537, 200, 256}, // block barely above the lag
		{4, 1537, 200, 0},
		{5, 3000, 1, 0},
	} {
		x := make([][]float64, c.nch)
		for i := range x {
			x[i] = make([]float64, c.n)
			for t := range x[i] {
				x[i][t] = rng.NormFloat64() + 0.3*float64(i)
				if t > 0 {
					x[i][t] += 0.8 * x[i][t-1]
				}
			}
		}
		for _, biased := range []bool{false, true} {
			r, err := Correlations(x, c.maxLag, CorrelationOptions{Biased: biased, BlockLen: c.block})
			if err != nil {
				t.Fatal(err)
			}
			want := directCorr(x, c.maxLag, biased)
			// Scale: √(R_ii(0)·R_jj(0)) bounds every |R_ij(k)| (biased).
			n := c.nch
			for k := 0; k <= c.maxLag; k++ {
				for i := range n {
					for j := range n {
						scale := math.Sqrt(want[i*n+i] * want[j*n+j])
						idx := (k*n+i)*n + j
						if d := math.Abs(r.Data[idx] - want[idx]); d > 1e-12*scale*float64(c.n)/float64(c.n-k) {
							t.Fatalf("%+v biased=%v R_%d%d(%d) = %.17g, direct %.17g", c, biased, i, j, k, r.Data[idx], want[idx])
						}
					}
				}
			}
			if r.At(c.maxLag, n-1, 0) != r.Lag(c.maxLag)[(n-1)*n] || r.LagMatrix(0).At(0, n-1) != r.At(0, 0, n-1) {
				t.Fatal("accessors disagree")
			}
		}
	}
}

func TestErrors(t *testing.T) {
	good := [][]float64{make([]float64, 1000), make([]float64, 1000)}
	nan := [][]float64{make([]float64, 1000), make([]float64, 1000)}
	nan[1][17] = math.NaN()
	inf := [][]float64{make([]float64, 1000)}
	inf[0][3] = math.Inf(-1)
	uneq := [][]float64{make([]float64, 1000), make([]float64, 999)}
	for _, c := range []struct {
		name string
		err  error
		want error
	}{
		{"cs unequal", errOf(CrossSpectra(uneq, 10, WelchOptions{})), ErrLength},
		{"cs nan", errOf(CrossSpectra(nan, 10, WelchOptions{})), ErrNotFinite},
		{"cs inf", errOf(CrossSpectra(inf, 10, WelchOptions{})), ErrNotFinite},
		{"cs segment too long", errOf(CrossSpectra(good, 10, WelchOptions{SegmentLen: 1001})), ErrLength},
		{"cs no channels", errOf(CrossSpectra(nil, 10, WelchOptions{})), ErrLength},
		{"cs empty", errOf(CrossSpectra([][]float64{{}}, 10, WelchOptions{})), ErrLength},
		{"cs fs", errOf(CrossSpectra(good, 0, WelchOptions{})), ErrParam},
		{"cs fs nan", errOf(CrossSpectra(good, math.NaN(), WelchOptions{})), ErrParam},
		{"cs overlap", errOf(CrossSpectra(good, 10, WelchOptions{SegmentLen: 100, Overlap: 100})), ErrParam},
		{"cs overlap neg", errOf(CrossSpectra(good, 10, WelchOptions{SegmentLen: 100, Overlap: -5})), ErrParam},
		{"cs nfft", errOf(CrossSpectra(good, 10, WelchOptions{SegmentLen: 100, NFFT: 50})), ErrParam},
		{"cs window", errOf(CrossSpectra(good, 10, WelchOptions{SegmentLen: 100, Window: make([]float64, 99)})), ErrParam},
		{"cs window zero", errOf(CrossSpectra(good, 10, WelchOptions{SegmentLen: 100, Window: make([]float64, 100)})), ErrParam},
		{"cs segment neg", errOf(CrossSpectra(good, 10, WelchOptions{SegmentLen: -4})), ErrParam},
		{"cs detrend", errOf(CrossSpectra(good, 10, WelchOptions{Detrend: 9})), ErrParam},
		{"cs scaling", errOf(CrossSpectra(good, 10, WelchOptions{Scaling: 9})), ErrParam},
		{"corr unequal", errOf(Correlations(uneq, 5, CorrelationOptions{})), ErrLength},
		{"corr nan", errOf(Correlations(nan, 5, CorrelationOptions{})), ErrNotFinite},
		{"corr lag", errOf(Correlations(good, 1000, CorrelationOptions{})), ErrParam},
		{"corr lag neg", errOf(Correlations(good, -1, CorrelationOptions{})), ErrParam},
		{"corr block", errOf(Correlations(good, 10, CorrelationOptions{BlockLen: 10})), ErrParam},
		{"butter order", errOf(Butterworth(0, Lowpass(1), 10)), ErrParam},
		{"butter nyquist", errOf(Butterworth(2, Lowpass(5), 10)), ErrParam},
		{"butter zero", errOf(Butterworth(2, Highpass(0), 10)), ErrParam},
		{"butter nan", errOf(Butterworth(2, Lowpass(math.NaN()), 10)), ErrParam},
		{"butter band order", errOf(Butterworth(2, Bandpass(3, 2), 10)), ErrParam},
		{"butter fs", errOf(Butterworth(2, Lowpass(1), math.Inf(1))), ErrParam},
		{"butter kind", errOf(Butterworth(2, Band{Kind: 7, Low: 1}, 10)), ErrParam},
		{"butter too narrow", errOf(Butterworth(4, Highpass(1e-6), 1000)), ErrParam},
		{"butter at nyquist", errOf(Butterworth(4, Lowpass(499.99999), 1000)), ErrParam},
		{"cheby ripple", errOf(Chebyshev1(2, 0, Lowpass(1), 10)), ErrParam},
		{"filtfilt short", errOf(mustButter(t).FiltFilt(nil, make([]float64, 9))), ErrLength},
		{"filtfilt empty sos", errOf(SOS{}.FiltFilt(nil, make([]float64, 100))), ErrParam},
		{"filtfilt a0", errOf(SOS{{1, 0, 0, 0, 0, 0}}.FiltFilt(nil, make([]float64, 100))), ErrParam},
		{"filtfilt nan coef", errOf(SOS{{math.NaN(), 0, 0, 1, 0, 0}}.FiltFilt(nil, make([]float64, 100))), ErrParam},
		{"decimate q", errOf(Decimate(good[0], 0)), ErrParam},
		{"decimate nan", errOf(Decimate(nan[1], 2)), ErrNotFinite},
		{"decimate short", errOf(Decimate(make([]float64, 27), 2)), ErrLength},
		{"resample q", errOf(Resample(good[0], 0, 2)), ErrParam},
		{"resample big", errOf(Resample(good[0], 1<<20, 3)), ErrParam},
		{"resample nan", errOf(Resample(nan[1], 2, 3)), ErrNotFinite},
	} {
		if !errors.Is(c.err, c.want) {
			t.Errorf("%s: error %v, want %v", c.name, c.err, c.want)
		}
	}
	// The message says where.
	_, err := CrossSpectra(nan, 10, WelchOptions{})
	if got := err.Error(); got != "dsp: CrossSpectra: channel 1 sample 17 is NaN: sample is not finite" {
		t.Errorf("message %q", got)
	}
}

func mustButter(t *testing.T) SOS {
	s, err := Butterworth(2, Lowpass(1), 10) // one section: PadLen 9
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func errOf[T any](_ T, err error) error { return err }

func TestCloseRelDetects(t *testing.T) {
	// The comparison helper must see a 1e-9 relative change.
	a := []float64{1, 2, 3}
	b := []float64{1, 2 + 3e-9, 3}
	if ok, _, _ := closeRel(b, a, 1e-10); ok {
		t.Fatal("closeRel missed a difference")
	}
	if ok, _, _ := closeRel(a[:2], a, 1); ok {
		t.Fatal("closeRel missed a length difference")
	}
}
