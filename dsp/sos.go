package dsp

import (
	"fmt"
	"math"
	"math/cmplx"
)

// SOS is a digital IIR filter as a cascade of second-order sections, each
// row [b0 b1 b2 a0 a1 a2] with a0 = 1, the layout of scipy.signal's
// output='sos'. The transfer function is
//
//	H(z) = Π_s (b0 + b1 z⁻¹ + b2 z⁻²) / (1 + a1 z⁻¹ + a2 z⁻²).
//
// Sections avoid the coefficient sensitivity of one high-order polynomial.
type SOS [][6]float64

// Response returns the complex frequency response H(e^{iω}) at f Hz for a
// sample rate of fs Hz, ω = 2πf/fs.
func (s SOS) Response(f, fs float64) complex128 {
	zi := cmplx.Exp(complex(0, -2*math.Pi*f/fs)) // z⁻¹
	zi2 := zi * zi
	h := complex(1, 0)
	for _, r := range s {
		num := complex(r[0], 0) + complex(r[1], 0)*zi + complex(r[2], 0)*zi2
		den := complex(r[3], 0) + complex(r[4], 0)*zi + complex(r[5], 0)*zi2
		h *= num / den
	}
	return h
}

// Filter applies the cascade causally with zero initial state (direct form
// II transposed in each section, as scipy.signal.sosfilt) and returns the
// output. Sections are normalised to a0 = 1; a section with a0 = 0 gives a
// non-finite output. dst is used when it has len(x) elements and may be x itself
// (in-place filtering); otherwise a new slice is allocated.
func (s SOS) Filter(dst, x []float64) []float64 {
	dst = resize(dst, len(x))
	copy(dst, x)
	zi := make([][2]float64, len(s))
	s.filterState(dst, zi)
	return dst
}

// filterState filters x in place through all sections, starting from (and
// updating) the per-section state zi.
func (s SOS) filterState(x []float64, zi [][2]float64) {
	// Two sections per pass, interleaved sample by sample: each section's
	// recursion is a serial chain of dependent multiply-adds, and running
	// two independent chains side by side lets the CPU overlap them, while
	// coefficients and states stay in registers. The arithmetic, and so
	// the result, is the same as one section at a time.
	si := 0
	for ; si+1 < len(s); si += 2 {
		b0, b1, b2, a1, a2 := coeffs(s[si])
		c0, c1, c2, d1, d2 := coeffs(s[si+1])
		z0, z1 := zi[si][0], zi[si][1]
		w0, w1 := zi[si+1][0], zi[si+1][1]
		for i, xn := range x {
			y := b0*xn + z0
			z0 = b1*xn - a1*y + z1
			z1 = b2*xn - a2*y
			v := c0*y + w0
			w0 = c1*y - d1*v + w1
			w1 = c2*y - d2*v
			x[i] = v
		}
		zi[si] = [2]float64{z0, z1}
		zi[si+1] = [2]float64{w0, w1}
	}
	if si < len(s) {
		b0, b1, b2, a1, a2 := coeffs(s[si])
		z0, z1 := zi[si][0], zi[si][1]
		for i, xn := range x {
			y := b0*xn + z0
			z0 = b1*xn - a1*y + z1
			z1 = b2*xn - a2*y
			x[i] = y
		}
		zi[si] = [2]float64{z0, z1}
	}
}

// coeffs returns a section's coefficients normalised to a0 = 1.
func coeffs(r [6]float64) (b0, b1, b2, a1, a2 float64) {
	if r[3] == 1 {
		return r[0], r[1], r[2], r[4], r[5]
	}
	a0 := r[3]
	return r[0] / a0, r[1] / a0, r[2] / a0, r[4] / a0, r[5] / a0
}

// check rejects an empty cascade, a section with a0 = 0 and non-finite
// coefficients.
func (s SOS) check(op string) error {
	if len(s) == 0 {
		return paramErr(op, "filter has no sections")
	}
	for i, r := range s {
		if r[3] == 0 {
			return paramErr(op, "section %d has a0 = 0", i)
		}
		for _, v := range r {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return paramErr(op, "section %d has a non-finite coefficient", i)
			}
		}
	}
	return nil
}

// steadyState returns the initial section states for a unit step input,
// scipy.signal.sosfilt_zi: each section's state is its lfilter_zi scaled
// by the DC gain of the sections before it.
func (s SOS) steadyState() [][2]float64 {
	zi := make([][2]float64, len(s))
	scale := 1.0
	for i, r := range s {
		b0, b1, b2, a1, a2 := coeffs(r)
		// Solve (I − Aᵀ) z = b[1:] − a[1:]·b0 for the 2×2 companion matrix A.
		B0 := b1 - a1*b0
		B1 := b2 - a2*b0
		z0 := (B0 + B1) / (1 + a1 + a2)
		z1 := B1 - a2*z0
		zi[i] = [2]float64{scale * z0, scale * z1}
		scale *= (b0 + b1 + b2) / (1 + a1 + a2)
	}
	return zi
}

// PadLen is the default edge extension of FiltFilt, as
// scipy.signal.sosfiltfilt: 3·(2·sections + 1 − min(zeros b2, zeros a2)),
// the last term discounting the pole and zero at the origin of an
// odd-order filter's first-order section.
func (s SOS) PadLen() int {
	var zb, za int
	for _, r := range s {
		if r[2] == 0 {
			zb++
		}
		if r[5] == 0 {
			za++
		}
	}
	return 3 * (2*len(s) + 1 - min(zb, za))
}

// FiltFilt filters x forward and then backward, so the result has zero
// phase and the squared magnitude response, exactly as
// scipy.signal.sosfiltfilt with its defaults: x is extended at both ends by
// PadLen samples of odd reflection (2·x[0] − x[k]), each pass starts from the
// steady state scaled to the first sample it sees, and the extension is cut
// off again. dst is used when it has len(x) elements and may be x itself.
// x must be longer than PadLen and finite coefficients are required.
func (s SOS) FiltFilt(dst, x []float64) ([]float64, error) {
	const op = "FiltFilt"
	if err := s.check(op); err != nil {
		return nil, err
	}
	edge := s.PadLen()
	n := len(x)
	if n <= edge {
		return nil, fmt.Errorf("dsp: %s: %d samples, need more than the padding length %d: %w", op, n, edge, ErrLength)
	}
	ext := make([]float64, n+2*edge)
	for i := range edge {
		ext[i] = 2*x[0] - x[edge-i]
		ext[n+edge+i] = 2*x[n-1] - x[n-2-i]
	}
	copy(ext[edge:], x)

	zi0 := s.steadyState()
	zi := make([][2]float64, len(s))
	set := func(v float64) {
		for i := range zi {
			zi[i] = [2]float64{zi0[i][0] * v, zi0[i][1] * v}
		}
	}
	set(ext[0])
	s.filterState(ext, zi)
	reverse(ext)
	set(ext[0])
	s.filterState(ext, zi)
	reverse(ext)
	dst = resize(dst, n)
	copy(dst, ext[edge:edge+n])
	return dst, nil
}

func reverse(x []float64) {
	for i, j := 0, len(x)-1; i < j; i, j = i+1, j-1 {
		x[i], x[j] = x[j], x[i]
	}
}

// resize returns dst if it has length n, else a new slice of length n.
func resize(dst []float64, n int) []float64 {
	if len(dst) == n {
		return dst
	}
	return make([]float64, n)
}
