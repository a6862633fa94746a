package dsp

import (
	"fmt"
	"math"
	"math/cmplx"

	"gonum.org/v1/gonum/dsp/fourier"
	"gonum.org/v1/gonum/mat"
)

// SegmentDetrend says what is removed from each segment before windowing.
type SegmentDetrend int

// Segment detrending (scipy.signal.welch's detrend argument). The zero value
// removes the mean, as scipy's default.
const (
	DetrendConstant SegmentDetrend = iota // subtract the segment mean
	DetrendLinear                         // subtract the least-squares line
	DetrendNone                           // leave the segment as it is
)

// Scaling chooses the units of a spectral estimate.
type Scaling int

// Scalings (scipy.signal.welch's scaling argument).
const (
	// Density is the (cross) spectral density in units²/Hz: the sum over
	// frequency lines times the line spacing is the variance (covariance).
	Density Scaling = iota
	// Spectrum is the power spectrum in units²: a sinusoid of amplitude A
	// at a line's frequency shows A²/2 there (one-sided).
	Spectrum
)

// maxFFT bounds FFT lengths taken from options, so that a wrong option
// gives an error instead of exhausting memory.
const maxFFT = 1 << 26

// NoOverlap as WelchOptions.Overlap asks for segments that do not overlap.
const NoOverlap = -1

// DefaultSegmentLen is the segment length used when WelchOptions.SegmentLen
// is zero (scipy.signal.welch's nperseg default).
const DefaultSegmentLen = 256

// WelchOptions configures CrossSpectra. The zero value is scipy.signal.csd's
// default: 256-sample segments overlapping by half, periodic Hann window,
// mean removed from each segment, one-sided density.
type WelchOptions struct {
	// SegmentLen is the number of samples per segment (nperseg); 0 means
	// DefaultSegmentLen. It sets the frequency resolution fs/SegmentLen.
	SegmentLen int
	// Overlap is the number of samples shared by consecutive segments
	// (noverlap); 0 means SegmentLen/2, NoOverlap means none.
	Overlap int
	// NFFT is the FFT length, ≥ SegmentLen; segments are zero-padded to
	// it. 0 means SegmentLen.
	NFFT int
	// Window is the taper applied to each segment, of SegmentLen points;
	// nil means the periodic Hann window.
	Window []float64
	// Detrend is what is removed from each segment before windowing.
	Detrend SegmentDetrend
	// Scaling is Density (units²/Hz) or Spectrum (units²).
	Scaling Scaling
	// TwoSided returns all NFFT lines in FFT order (0, positive, then
	// negative frequencies, as numpy.fft.fftfreq) without the one-sided
	// doubling. The default is one-sided: lines 0..NFFT/2, every line
	// except DC and Nyquist doubled.
	TwoSided bool
}

// SpectralMatrix is the cross-spectral density matrix G(f) of n channels at
// each frequency line: G_ij(f_k) = Data[k·n·n + i·n + j]. Each line is
// Hermitian, G_ji = conj(G_ij), with the real auto-spectra on the diagonal.
// The convention is scipy.signal.csd(x_i, x_j): G_ij = E[conj(X_i)·X_j]
// times the scaling, so for x_j(t) = x_i(t − τ) the phase of G_ij(f) is
// −2πfτ.
type SpectralMatrix struct {
	Freqs    []float64    // frequency of each line, Hz
	N        int          // number of channels
	Segments int          // number of segments averaged
	Data     []complex128 // len(Freqs)·N·N, line-major, row-major in a line
}

// At returns G_ij at frequency line k. Like mat.Dense.At it panics when an
// index is out of range (a programming error, not bad data).
func (s *SpectralMatrix) At(k, i, j int) complex128 {
	return s.Data[(k*s.N+i)*s.N+j]
}

// Line returns the n×n matrix at line k, row-major, as a view into Data.
func (s *SpectralMatrix) Line(k int) []complex128 {
	nn := s.N * s.N
	return s.Data[k*nn : (k+1)*nn : (k+1)*nn]
}

// PSD returns the auto-spectrum G_ii of channel i at every line.
func (s *SpectralMatrix) PSD(i int) []float64 {
	out := make([]float64, len(s.Freqs))
	for k := range out {
		out[k] = real(s.At(k, i, i))
	}
	return out
}

// Coherence returns the magnitude-squared coherence of channels i and j at
// every line, |G_ij|² / (G_ii·G_jj), in [0, 1]: the fraction of j's power
// at that frequency that is linearly explained by i (Bendat & Piersol
// §5.2.5). Lines where either auto-spectrum is zero give 0.
func (s *SpectralMatrix) Coherence(i, j int) []float64 {
	out := make([]float64, len(s.Freqs))
	for k := range out {
		d := real(s.At(k, i, i)) * real(s.At(k, j, j))
		if d > 0 {
			g := s.At(k, i, j)
			out[k] = (real(g)*real(g) + imag(g)*imag(g)) / d
		}
	}
	return out
}

// RealImagTo writes the real part A (symmetric) and the imaginary part B
// (antisymmetric) of line k into re and im, resizing them when they are
// empty or of the wrong size. Either may be nil.
func (s *SpectralMatrix) RealImagTo(re, im *mat.Dense, k int) {
	n := s.N
	line := s.Line(k)
	for _, d := range []*mat.Dense{re, im} {
		if d == nil {
			continue
		}
		if r, c := d.Dims(); r != n || c != n {
			d.Reset()
			d.ReuseAs(n, n)
		}
	}
	for i := range n {
		for j := range n {
			v := line[i*n+j]
			if re != nil {
				re.Set(i, j, real(v))
			}
			if im != nil {
				im.Set(i, j, imag(v))
			}
		}
	}
}

// EmbedTo writes the 2n×2n real symmetric matrix [[A, −B], [B, A]] of line
// k, G = A + iB, into dst (resized when empty or of the wrong size). It has
// the eigenvalues of the Hermitian G, each twice, and an eigenvector
// [u; v] of it gives the eigenvector u + iv of G, so gonum's real symmetric
// eigensolver (mat.EigenSym) and SVD serve for FDD.
func (s *SpectralMatrix) EmbedTo(dst *mat.SymDense, k int) {
	n := s.N
	if dst.SymmetricDim() != 2*n {
		dst.Reset()
		dst.ReuseAsSym(2 * n)
	}
	line := s.Line(k)
	for i := range n {
		for j := i; j < n; j++ {
			v := line[i*n+j]
			a, b := real(v), imag(v)
			dst.SetSym(i, j, a)
			dst.SetSym(n+i, n+j, a)
			// Upper-right block −B: (i, n+j) = −B_ij, (j, n+i) = −B_ji = B_ij.
			dst.SetSym(i, n+j, -b)
			dst.SetSym(j, n+i, b)
		}
	}
}

// CrossSpectra estimates the cross-spectral density matrix of all channels
// by Welch's method of averaged modified periodograms (Welch 1967; Bendat &
// Piersol §11.5; Brincker & Ventura §8.3). Each channel is cut into
// segments of opts.SegmentLen samples with opts.Overlap samples in common;
// each segment is detrended, windowed, and transformed by one real FFT, and
// the products conj(X_i)·X_j of all channel pairs (upper triangle; the lower
// is its conjugate) are averaged over segments. Trailing samples that do not
// fill a segment are not used, as in scipy.
//
// The result matches scipy.signal.csd(x[i], x[j], fs, ...) with the same
// options for every pair (i, j). Errors: no channels, channels of unequal
// length, a NaN or infinite sample, a segment longer than the record, bad
// options.
func CrossSpectra(x [][]float64, fs float64, opts WelchOptions) (*SpectralMatrix, error) {
	const op = "CrossSpectra"
	if !(fs > 0) || math.IsInf(fs, 0) {
		return nil, paramErr(op, "sample rate %g Hz must be positive and finite", fs)
	}
	nper := opts.SegmentLen
	if nper == 0 {
		nper = DefaultSegmentLen
	}
	if nper < 1 {
		return nil, paramErr(op, "segment length %d must be positive", nper)
	}
	nover := opts.Overlap
	switch {
	case nover == 0:
		nover = nper / 2
	case nover == NoOverlap:
		nover = 0
	case nover < 0 || nover >= nper:
		return nil, paramErr(op, "overlap %d must be in 0..%d (segment length − 1)", nover, nper-1)
	}
	nfft := opts.NFFT
	if nfft == 0 {
		nfft = nper
	}
	if nfft < nper {
		return nil, paramErr(op, "NFFT %d is shorter than the segment length %d", nfft, nper)
	}
	if nfft > maxFFT {
		return nil, paramErr(op, "NFFT %d exceeds %d", nfft, maxFFT)
	}
	win := opts.Window
	if win == nil {
		win = Window(Hann, nper, false)
	}
	if len(win) != nper {
		return nil, paramErr(op, "window has %d points, segment length is %d", len(win), nper)
	}
	var sumW, sumW2 float64
	for _, w := range win {
		if math.IsNaN(w) || math.IsInf(w, 0) {
			return nil, paramErr(op, "window has a non-finite value")
		}
		sumW += w
		sumW2 += w * w
	}
	if sumW2 == 0 {
		return nil, paramErr(op, "window is all zeros")
	}
	switch opts.Detrend {
	case DetrendConstant, DetrendLinear, DetrendNone:
	default:
		return nil, paramErr(op, "unknown detrend %d", int(opts.Detrend))
	}
	var scale float64
	switch opts.Scaling {
	case Density:
		scale = 1 / (fs * sumW2)
	case Spectrum:
		scale = 1 / (sumW * sumW)
	default:
		return nil, paramErr(op, "unknown scaling %d", int(opts.Scaling))
	}

	npts, err := checkChannels(op, x)
	if err != nil {
		return nil, err
	}
	if nper > npts {
		return nil, fmt.Errorf("dsp: %s: segment length %d is longer than the %d samples of each channel: %w", op, nper, npts, ErrLength)
	}
	n := len(x)
	step := nper - nover
	nseg := (npts - nover) / step
	nf := nfft/2 + 1

	const batchCap = 8
	b := newBatch(n, nf, batchCap)
	accRe := make([]float64, nf*n*n)
	accIm := make([]float64, nf*n*n)
	fft := fourier.NewFFT(nfft)
	seg := make([]float64, nfft)
	coef := make([]complex128, nf)
	for s := range nseg {
		off := s * step
		for c := range n {
			copy(seg, x[c][off:off+nper])
			switch opts.Detrend {
			case DetrendConstant:
				Demean(seg[:nper])
			case DetrendLinear:
				Detrend(seg[:nper])
			}
			for i, w := range win {
				seg[i] *= w
			}
			clear(seg[nper:])
			fft.Coefficients(coef, seg)
			b.put(c, coef)
		}
		b.fill++
		if b.fill == batchCap {
			crossAccumulate(accRe, accIm, b, b, true)
		}
	}
	crossAccumulate(accRe, accIm, b, b, true)

	scale /= float64(nseg)
	out := &SpectralMatrix{N: n, Segments: nseg}
	nn := n * n
	line := func(k int) (re, im []float64) { return accRe[k*nn : (k+1)*nn], accIm[k*nn : (k+1)*nn] }
	if !opts.TwoSided {
		out.Freqs = make([]float64, nf)
		out.Data = make([]complex128, nf*nn)
		for k := range nf {
			out.Freqs[k] = float64(k) * fs / float64(nfft)
			sc := scale
			if k > 0 && !(nfft%2 == 0 && k == nf-1) {
				sc *= 2
			}
			re, im := line(k)
			fillHermitian(out.Data[k*nn:(k+1)*nn], re, im, n, sc, false)
		}
		return out, nil
	}
	out.Freqs = make([]float64, nfft)
	out.Data = make([]complex128, nfft*nn)
	for k := range nfft {
		// numpy.fft.fftfreq order.
		kk := k
		if k > (nfft-1)/2 {
			kk = k - nfft
		}
		out.Freqs[k] = float64(kk) * fs / float64(nfft)
		if k < nf {
			re, im := line(k)
			fillHermitian(out.Data[k*nn:(k+1)*nn], re, im, n, scale, false)
		} else {
			// X(−f) = conj X(f) for real signals, so G(−f) = Gᵀ(f).
			re, im := line(nfft - k)
			fillHermitian(out.Data[k*nn:(k+1)*nn], re, im, n, scale, true)
		}
	}
	return out, nil
}

// fillHermitian writes the n×n Hermitian line from its upper triangle,
// scaled, transposed when asked.
func fillHermitian(dst []complex128, re, im []float64, n int, scale float64, transpose bool) {
	for i := range n {
		dst[i*n+i] = complex(re[i*n+i]*scale, 0)
		for j := i + 1; j < n; j++ {
			v := complex(re[i*n+j]*scale, im[i*n+j]*scale)
			if transpose {
				v = cmplx.Conj(v)
			}
			dst[i*n+j] = v
			dst[j*n+i] = cmplx.Conj(v)
		}
	}
}
