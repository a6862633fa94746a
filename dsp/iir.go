package dsp

import (
	"fmt"
	"math"
	"math/cmplx"
	"sort"
)

// BandKind says which frequencies a filter passes.
type BandKind int

// Band kinds.
const (
	LowPass BandKind = iota
	HighPass
	BandPass
)

func (k BandKind) String() string {
	switch k {
	case LowPass:
		return "lowpass"
	case HighPass:
		return "highpass"
	case BandPass:
		return "bandpass"
	}
	return "unknown"
}

// Band is the pass band of a filter in Hz: Low is the cut-off of a low-pass
// or high-pass filter; a band-pass filter passes Low..High. Cut-offs are the
// −3 dB points for Butterworth filters and the ripple-band edges for
// Chebyshev filters.
type Band struct {
	Kind      BandKind
	Low, High float64
}

// Lowpass is the band below fc Hz.
func Lowpass(fc float64) Band { return Band{Kind: LowPass, Low: fc} }

// Highpass is the band above fc Hz.
func Highpass(fc float64) Band { return Band{Kind: HighPass, Low: fc} }

// Bandpass is the band f1..f2 Hz.
func Bandpass(f1, f2 float64) Band { return Band{Kind: BandPass, Low: f1, High: f2} }

func (b Band) String() string {
	if b.Kind == BandPass {
		return fmt.Sprintf("bandpass %g–%g Hz", b.Low, b.High)
	}
	return fmt.Sprintf("%v %g Hz", b.Kind, b.Low)
}

// minPoleDistance is the closest a digital pole may come to z = ±1: at
// 1e-5 the DC (or Nyquist) gain of a section, |1 ∓ p|², still has about
// eight correct digits.
const minPoleDistance = 1e-5

// maxOrder bounds the prototype order: beyond it the bilinear-transformed
// poles crowd the unit circle and the design is numerically meaningless.
const maxOrder = 64

// Butterworth designs a digital Butterworth filter of the given order, as
// scipy.signal.butter(order, band, btype, fs=fs, output='sos'): the analog
// prototype's poles on the unit circle, transformed to the (pre-warped) band,
// mapped by the bilinear transform and paired into second-order sections.
// A band-pass filter of order N has 2N poles. The response at each cut-off
// is 1/√2 (−3 dB).
func Butterworth(order int, band Band, fs float64) (SOS, error) {
	const op = "Butterworth"
	if order < 1 || order > maxOrder {
		return nil, paramErr(op, "order %d out of range 1..%d", order, maxOrder)
	}
	z, p, k := buttap(order)
	return design(op, z, p, k, band, fs)
}

// Chebyshev1 designs a digital Chebyshev type I filter with rippleDB of
// pass-band ripple, as scipy.signal.cheby1(order, rippleDB, band, btype,
// fs=fs, output='sos'). The band edges are where the response leaves the
// ripple band.
func Chebyshev1(order int, rippleDB float64, band Band, fs float64) (SOS, error) {
	const op = "Chebyshev1"
	if order < 1 || order > maxOrder {
		return nil, paramErr(op, "order %d out of range 1..%d", order, maxOrder)
	}
	if !(rippleDB > 0) || math.IsInf(rippleDB, 0) {
		return nil, paramErr(op, "ripple %g dB must be positive and finite", rippleDB)
	}
	z, p, k := cheb1ap(order, rippleDB)
	return design(op, z, p, k, band, fs)
}

// design transforms the analog low-pass prototype (cut-off 1 rad/s) to the
// digital band (scipy.signal.iirfilter with analog=False).
func design(op string, z, p []complex128, k float64, band Band, fs float64) (SOS, error) {
	if !(fs > 0) || math.IsInf(fs, 0) {
		return nil, paramErr(op, "sample rate %g Hz must be positive and finite", fs)
	}
	nyq := fs / 2
	check := func(name string, f float64) error {
		if !(f > 0 && f < nyq) {
			return paramErr(op, "%s frequency %g Hz must be inside (0, %g) (Nyquist of fs=%g)", name, f, nyq, fs)
		}
		return nil
	}
	// Pre-warp the band edges so the digital filter has them exactly where
	// asked: the bilinear transform with fs'=2 maps ω_a = 4·tan(π·Wn/2).
	warp := func(f float64) float64 { return 4 * math.Tan(math.Pi*(2*f/fs)/2) }
	switch band.Kind {
	case LowPass, HighPass:
		if err := check("cut-off", band.Low); err != nil {
			return nil, err
		}
		wo := warp(band.Low)
		if band.Kind == LowPass {
			z, p, k = lp2lp(z, p, k, wo)
		} else {
			z, p, k = lp2hp(z, p, k, wo)
		}
	case BandPass:
		if err := check("low", band.Low); err != nil {
			return nil, err
		}
		if err := check("high", band.High); err != nil {
			return nil, err
		}
		if !(band.Low < band.High) {
			return nil, paramErr(op, "band-pass low %g Hz must be below high %g Hz", band.Low, band.High)
		}
		w1, w2 := warp(band.Low), warp(band.High)
		z, p, k = lp2bp(z, p, k, math.Sqrt(w1*w2), w2-w1)
	default:
		return nil, paramErr(op, "unknown band kind %d", int(band.Kind))
	}
	z, p, k = bilinear(z, p, k, 2)
	// Poles crowding z = 1 (a cut-off tiny against fs) or z = −1 (a
	// cut-off at Nyquist) make the section polynomials lose their meaning
	// in float64: 1 + a1 + a2 = |1 − p|² falls to rounding level and the
	// filter is wrong or unstable. Refuse rather than filter badly.
	for _, v := range p {
		if !(cmplx.Abs(v) < 1) || cmplx.Abs(1-v) < minPoleDistance || cmplx.Abs(1+v) < minPoleDistance {
			return nil, paramErr(op, "%v is too narrow for a stable design at fs=%g Hz (a pole within %g of z=±1); decimate first", band, fs, minPoleDistance)
		}
	}
	sos, err := zpk2sos(z, p, k)
	if err != nil {
		return nil, fmt.Errorf("dsp: %s: %w", op, err)
	}
	return sos, nil
}

// buttap is the Butterworth analog prototype: N poles evenly on the left
// half of the unit circle; the middle one (odd N) exactly −1.
func buttap(n int) ([]complex128, []complex128, float64) {
	p := make([]complex128, 0, n)
	for m := -n + 1; m < n; m += 2 {
		p = append(p, -cmplx.Exp(complex(0, math.Pi*float64(m)/float64(2*n))))
	}
	return nil, p, 1
}

// cheb1ap is the Chebyshev type I analog prototype with rp dB ripple: poles
// on an ellipse, gain set so the even-order DC response is −rp dB.
func cheb1ap(n int, rp float64) ([]complex128, []complex128, float64) {
	eps := math.Sqrt(math.Pow(10, 0.1*rp) - 1)
	mu := 1 / float64(n) * math.Asinh(1/eps)
	p := make([]complex128, 0, n)
	for m := -n + 1; m < n; m += 2 {
		theta := math.Pi * float64(m) / float64(2*n)
		p = append(p, -cmplx.Sinh(complex(mu, theta)))
	}
	prod := complex(1, 0)
	for _, v := range p {
		prod *= -v
	}
	k := real(prod)
	if n%2 == 0 {
		k /= math.Sqrt(1 + eps*eps)
	}
	return nil, p, k
}

func lp2lp(z, p []complex128, k, wo float64) ([]complex128, []complex128, float64) {
	degree := len(p) - len(z)
	zl := make([]complex128, len(z))
	pl := make([]complex128, len(p))
	for i, v := range z {
		zl[i] = complex(wo, 0) * v
	}
	for i, v := range p {
		pl[i] = complex(wo, 0) * v
	}
	return zl, pl, k * math.Pow(wo, float64(degree))
}

func lp2hp(z, p []complex128, k, wo float64) ([]complex128, []complex128, float64) {
	degree := len(p) - len(z)
	zh := make([]complex128, 0, len(z)+degree)
	ph := make([]complex128, len(p))
	nz, np := complex(1, 0), complex(1, 0)
	for _, v := range z {
		zh = append(zh, complex(wo, 0)/v)
		nz *= -v
	}
	for i, v := range p {
		ph[i] = complex(wo, 0) / v
		np *= -v
	}
	// Zeros at infinity of the low-pass move to the origin.
	for range degree {
		zh = append(zh, 0)
	}
	return zh, ph, k * real(nz/np)
}

func lp2bp(z, p []complex128, k, wo, bw float64) ([]complex128, []complex128, float64) {
	degree := len(p) - len(z)
	shift := func(r []complex128) []complex128 {
		out := make([]complex128, 2*len(r))
		w2 := complex(wo*wo, 0)
		for i, v := range r {
			v = v * complex(bw/2, 0)
			s := cmplx.Sqrt(v*v - w2)
			out[i] = v + s
			out[len(r)+i] = v - s
		}
		return out
	}
	zb := shift(z)
	pb := shift(p)
	for range degree {
		zb = append(zb, 0)
	}
	return zb, pb, k * math.Pow(bw, float64(degree))
}

// bilinear maps s-plane poles and zeros to the z plane, s = 2fs(z−1)/(z+1);
// zeros at infinity go to Nyquist (z = −1).
func bilinear(z, p []complex128, k, fs float64) ([]complex128, []complex128, float64) {
	degree := len(p) - len(z)
	fs2 := complex(2*fs, 0)
	zz := make([]complex128, 0, len(z)+degree)
	pz := make([]complex128, len(p))
	nz, np := complex(1, 0), complex(1, 0)
	for _, v := range z {
		zz = append(zz, (fs2+v)/(fs2-v))
		nz *= fs2 - v
	}
	for i, v := range p {
		pz[i] = (fs2 + v) / (fs2 - v)
		np *= fs2 - v
	}
	for range degree {
		zz = append(zz, -1)
	}
	return zz, pz, k * real(nz/np)
}

// cplxreal splits roots into complex ones (one of each conjugate pair, the
// one with positive imaginary part, averaged with its partner) and real
// ones, sorted as scipy.signal._cplxreal does so that zpk2sos pairs them
// identically.
func cplxreal(z []complex128) (zc []complex128, zr []float64, err error) {
	const tol = 100 * 2.220446049250313e-16
	s := append([]complex128(nil), z...)
	sort.SliceStable(s, func(a, b int) bool {
		if real(s[a]) != real(s[b]) {
			return real(s[a]) < real(s[b])
		}
		return math.Abs(imag(s[a])) < math.Abs(imag(s[b]))
	})
	var zp, zn []complex128
	for _, v := range s {
		switch {
		case math.Abs(imag(v)) <= tol*cmplx.Abs(v):
			zr = append(zr, real(v))
		case imag(v) > 0:
			zp = append(zp, v)
		default:
			zn = append(zn, v)
		}
	}
	if len(zp) != len(zn) {
		return nil, nil, fmt.Errorf("complex root without its conjugate")
	}
	// Runs of (nearly) equal real part are ordered by |imag|.
	for start := 0; start < len(zp); {
		stop := start + 1
		for stop < len(zp) && real(zp[stop])-real(zp[stop-1]) <= tol*cmplx.Abs(zp[stop-1]) {
			stop++
		}
		for _, chunk := range [][]complex128{zp[start:stop], zn[start:stop]} {
			sort.SliceStable(chunk, func(a, b int) bool { return math.Abs(imag(chunk[a])) < math.Abs(imag(chunk[b])) })
		}
		start = stop
	}
	zc = make([]complex128, len(zp))
	for i := range zp {
		if cmplx.Abs(zp[i]-cmplx.Conj(zn[i])) > tol*cmplx.Abs(zn[i]) {
			return nil, nil, fmt.Errorf("complex root without its conjugate")
		}
		zc[i] = (zp[i] + cmplx.Conj(zn[i])) / 2
	}
	return zc, zr, nil
}

// zpk2sos groups digital poles and zeros into second-order sections with
// scipy.signal.zpk2sos's 'nearest' pairing: the pole closest to the unit
// circle goes last, paired with its nearest zero, which keeps the sections'
// gains moderate and the cascade well conditioned.
func zpk2sos(z, p []complex128, k float64) (SOS, error) {
	if len(z) == 0 && len(p) == 0 {
		return SOS{{k, 0, 0, 1, 0, 0}}, nil
	}
	for len(p) < len(z) {
		p = append(p, 0)
	}
	for len(z) < len(p) {
		z = append(z, 0)
	}
	nsec := (len(p) + 1) / 2
	if len(p)%2 == 1 {
		p = append(p, 0)
		z = append(z, 0)
	}
	zc, zr, err := cplxreal(z)
	if err != nil {
		return nil, err
	}
	pc, pr, err := cplxreal(p)
	if err != nil {
		return nil, err
	}
	// Roots in scipy's order: complex (upper half) first, then real.
	zs := make([]complex128, 0, len(zc)+len(zr))
	zs = append(zs, zc...)
	for _, v := range zr {
		zs = append(zs, complex(v, 0))
	}
	ps := make([]complex128, 0, len(pc)+len(pr))
	ps = append(ps, pc...)
	for _, v := range pr {
		ps = append(ps, complex(v, 0))
	}
	isReal := func(v complex128) bool { return imag(v) == 0 }
	countReal := func(r []complex128) int {
		n := 0
		for _, v := range r {
			if isReal(v) {
				n++
			}
		}
		return n
	}
	worst := func(r []complex128, idx []int) int {
		best, bi := math.Inf(1), -1
		for _, i := range idx {
			d := math.Abs(1 - cmplx.Abs(r[i]))
			if d < best {
				best, bi = d, i
			}
		}
		return bi
	}
	all := func(r []complex128) []int {
		idx := make([]int, len(r))
		for i := range idx {
			idx[i] = i
		}
		return idx
	}
	// nearest returns the index of the root in fro closest to to, among
	// real, complex or any roots; -1 if there is none.
	nearest := func(fro []complex128, to complex128, which int) int {
		order := all(fro)
		sort.SliceStable(order, func(a, b int) bool { return cmplx.Abs(fro[order[a]]-to) < cmplx.Abs(fro[order[b]]-to) })
		for _, i := range order {
			switch which {
			case 0: // any
				return i
			case 1: // real
				if isReal(fro[i]) {
					return i
				}
			case 2: // complex
				if !isReal(fro[i]) {
					return i
				}
			}
		}
		return -1
	}
	del := func(r []complex128, i int) []complex128 { return append(r[:i:i], r[i+1:]...) }
	errPair := fmt.Errorf("cannot pair poles and zeros into sections")

	sos := make(SOS, nsec)
	for si := nsec - 1; si >= 0; si-- {
		i1 := worst(ps, all(ps))
		if i1 < 0 {
			return nil, errPair
		}
		p1 := ps[i1]
		ps = del(ps, i1)
		switch {
		case isReal(p1) && countReal(ps) == 0:
			// Last remaining real pole: pair with the nearest real zero.
			j := nearest(zs, p1, 1)
			if j < 0 {
				return nil, errPair
			}
			z1 := zs[j]
			zs = del(zs, j)
			sos[si] = singleSection([]complex128{z1, 0}, []complex128{p1, 0})
		case len(ps)+1 == len(zs) && !isReal(p1) && countReal(ps) == 1 && countReal(zs) == 1:
			// One real pole and one real zero left: p1 must take a
			// complex zero.
			j := nearest(zs, p1, 2)
			if j < 0 {
				return nil, errPair
			}
			z1 := zs[j]
			zs = del(zs, j)
			sos[si] = singleSection([]complex128{z1, cmplx.Conj(z1)}, []complex128{p1, cmplx.Conj(p1)})
		default:
			var p2 complex128
			if isReal(p1) {
				var realIdx []int
				for i, v := range ps {
					if isReal(v) {
						realIdx = append(realIdx, i)
					}
				}
				i2 := worst(ps, realIdx)
				if i2 < 0 {
					return nil, errPair
				}
				p2 = ps[i2]
				ps = del(ps, i2)
			} else {
				p2 = cmplx.Conj(p1)
			}
			if len(zs) == 0 {
				sos[si] = singleSection(nil, []complex128{p1, p2})
				break
			}
			j := nearest(zs, p1, 0)
			z1 := zs[j]
			zs = del(zs, j)
			if !isReal(z1) {
				sos[si] = singleSection([]complex128{z1, cmplx.Conj(z1)}, []complex128{p1, p2})
				break
			}
			if len(zs) == 0 {
				sos[si] = singleSection([]complex128{z1}, []complex128{p1, p2})
				break
			}
			j2 := nearest(zs, p1, 1)
			if j2 < 0 {
				return nil, errPair
			}
			z2 := zs[j2]
			zs = del(zs, j2)
			sos[si] = singleSection([]complex128{z1, z2}, []complex128{p1, p2})
		}
	}
	if len(ps) != 0 || len(zs) != 0 {
		return nil, errPair
	}
	for c := range 3 {
		sos[0][c] *= k
	}
	return sos, nil
}

// singleSection is one row [b0 b1 b2 1 a1 a2] from at most two zeros and
// two poles, right-aligned as scipy's _single_zpksos.
func singleSection(z, p []complex128) [6]float64 {
	var s [6]float64
	b := poly(z)
	a := poly(p)
	for i, v := range b {
		s[3-len(b)+i] = v
	}
	for i, v := range a {
		s[6-len(a)+i] = v
	}
	return s
}

// poly expands Π (x − r) for at most two roots that are real or a conjugate
// pair, so the coefficients are real.
func poly(r []complex128) []float64 {
	c := []complex128{1}
	for _, v := range r {
		n := make([]complex128, len(c)+1)
		for i := range n {
			if i < len(c) {
				n[i] += c[i]
			}
			if i > 0 {
				n[i] += -v * c[i-1]
			}
		}
		c = n
	}
	out := make([]float64, len(c))
	for i, v := range c {
		out[i] = real(v)
	}
	return out
}
