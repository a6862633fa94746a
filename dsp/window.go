package dsp

import "math"

// WindowKind names a spectral window (taper).
type WindowKind int

// Windows, with the coefficients of scipy.signal.windows.
const (
	Hann     WindowKind = iota // raised cosine, 0.5 − 0.5·cos
	Hamming                    // 0.54 − 0.46·cos
	Blackman                   // 0.42 − 0.5·cos + 0.08·cos 2
	FlatTop                    // five-term flat top (amplitude-accurate peaks)
	Tukey                      // tapered cosine with α = 0.5; see TukeyWindow for other α
	Rectangular
)

func (k WindowKind) String() string {
	switch k {
	case Hann:
		return "hann"
	case Hamming:
		return "hamming"
	case Blackman:
		return "blackman"
	case FlatTop:
		return "flattop"
	case Tukey:
		return "tukey"
	case Rectangular:
		return "boxcar"
	}
	return "unknown"
}

// Window returns the n-point window of the given kind. sym=false gives the
// periodic ("DFT-even") window used for spectral estimation, which is the
// symmetric window of n+1 points without its last point; sym=true gives the
// symmetric window used for FIR design. An unknown kind or n ≤ 0 returns nil.
func Window(kind WindowKind, n int, sym bool) []float64 {
	switch kind {
	case Hann:
		return generalCosine(n, sym, 0.5, 0.5)
	case Hamming:
		return generalCosine(n, sym, 0.54, 0.46)
	case Blackman:
		return generalCosine(n, sym, 0.42, 0.50, 0.08)
	case FlatTop:
		// scipy.signal.windows.flattop (D'Antona & Ferrero, 2006).
		return generalCosine(n, sym, 0.21557895, 0.41663158, 0.277263158, 0.083578947, 0.006947368)
	case Tukey:
		return TukeyWindow(n, 0.5, sym)
	case Rectangular:
		if n <= 0 {
			return nil
		}
		w := make([]float64, n)
		for i := range w {
			w[i] = 1
		}
		return w
	}
	return nil
}

// extend returns the length of the symmetric window to compute and whether
// to drop its last point (periodic window).
func extend(n int, sym bool) (int, bool) {
	if sym {
		return n, false
	}
	return n + 1, true
}

// generalCosine is Σ_k (−1)^k a_k cos(2πk i/(m−1)), written as scipy does
// with the phase running from −π to π.
func generalCosine(n int, sym bool, a ...float64) []float64 {
	if n <= 0 {
		return nil
	}
	if n == 1 {
		return []float64{1}
	}
	m, trunc := extend(n, sym)
	w := make([]float64, m)
	for i := range w {
		// numpy.linspace(−π, π, m): start + i·step, with the last point exact.
		fac := -math.Pi + float64(i)*(2*math.Pi/float64(m-1))
		if i == m-1 {
			fac = math.Pi
		}
		var s float64
		for k, ak := range a {
			s += ak * math.Cos(float64(k)*fac)
		}
		w[i] = s
	}
	if trunc {
		w = w[:n]
	}
	return w
}

// TukeyWindow returns the n-point tapered-cosine window: a fraction alpha of
// the window is inside the cosine tapers (alpha ≤ 0 is rectangular, alpha ≥ 1
// is Hann), as scipy.signal.windows.tukey.
func TukeyWindow(n int, alpha float64, sym bool) []float64 {
	if n <= 0 {
		return nil
	}
	if n == 1 {
		return []float64{1}
	}
	if !(alpha > 0) { // also catches NaN
		return Window(Rectangular, n, sym)
	}
	if alpha >= 1 {
		return Window(Hann, n, sym)
	}
	m, trunc := extend(n, sym)
	w := make([]float64, m)
	fm := float64(m - 1)
	width := int(math.Floor(alpha * fm / 2))
	for i := range w {
		fi := float64(i)
		switch {
		case i <= width:
			w[i] = 0.5 * (1 + math.Cos(math.Pi*(-1+2*fi/alpha/fm)))
		case i < m-width-1:
			w[i] = 1
		default:
			w[i] = 0.5 * (1 + math.Cos(math.Pi*(-2/alpha+1+2*fi/alpha/fm)))
		}
	}
	if trunc {
		w = w[:n]
	}
	return w
}

// KaiserWindow returns the n-point Kaiser window with shape parameter beta,
// I0(β·√(1−(2i/(m−1)−1)²))/I0(β), as scipy.signal.windows.kaiser.
func KaiserWindow(n int, beta float64, sym bool) []float64 {
	if n <= 0 {
		return nil
	}
	if n == 1 {
		return []float64{1}
	}
	m, trunc := extend(n, sym)
	w := make([]float64, m)
	alpha := float64(m-1) / 2
	den := besselI0(beta)
	for i := range w {
		r := (float64(i) - alpha) / alpha
		w[i] = besselI0(beta*math.Sqrt(1-r*r)) / den
	}
	if trunc {
		w = w[:n]
	}
	return w
}

// besselI0 is the modified Bessel function of the first kind, order 0, by
// its power series Σ ((x/2)^k / k!)². All terms are positive, so the sum is
// accurate to a few ulps; it converges quickly for the β of window design
// (|x| ≲ 50).
func besselI0(x float64) float64 {
	q := x * x / 4
	sum, term := 1.0, 1.0
	for k := 1; k < 500; k++ {
		term *= q / float64(k*k)
		sum += term
		if term < sum*1e-17 {
			break
		}
	}
	return sum
}
