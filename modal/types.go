package modal

import (
	"math"
	"math/cmplx"
)

// Pole is one eigenvalue of an identified model (one model order of
// SSI-cov, or one peak of FDD), with its physical reading.
type Pole struct {
	Order int          // model order it came from (0 for FDD)
	FHz   float64      // damped natural frequency |s|/2π
	Zeta  float64      // damping ratio −Re(s)/|s|
	Shape []complex128 // mode shape at the channels, unit max-modulus, largest component real positive
	MPC   float64      // modal phase collinearity, 1 for a real (normal) mode (Pappa et al. 1993)
	MPD   float64      // mean phase deviation in degrees, 0 for a real mode (Reynders et al. 2012)
}

// Mode is an identified structural mode (or a harmonic, when Harmonic is
// set) with its uncertainty.
type Mode struct {
	FHz     float64      `json:"f_hz"`
	Zeta    float64      `json:"zeta"`
	FStdHz  float64      `json:"f_std_hz"`
	ZetaStd float64      `json:"zeta_std"`
	MPC     float64      `json:"mpc"`
	MPD     float64      `json:"mpd"`
	Shape   []complex128 `json:"-"`
	// ShapeStd is the standard error of each shape component (of the real
	// part, after normalisation), from the scatter over independent time
	// segments; nil when it could not be estimated.
	ShapeStd []float64 `json:"-"`
	Methods  []string  `json:"methods"`
	Poles    int       `json:"poles,omitempty"` // stable poles in its cluster (SSI)
	Harmonic bool      `json:"harmonic,omitempty"`
	// Unresolved marks a mode that stands for two close modes the record
	// cannot separate (Bayesian FFT, see refineClose): its frequency lies
	// between theirs and its shape mixes them.
	Unresolved bool `json:"unresolved_pair,omitempty"`
	// spreadMeasured: FStdHz and ZetaStd hold a spread measured on this
	// record (scatter over independent segments, or a posterior), not only
	// the cluster's spread over model orders (see uncertaintyFloor).
	spreadMeasured bool
	// segmentsFound is how many of the record's independent segments the
	// mode was found in again (0: not split, or not found).
	segmentsFound int
}

// NormalizeShape scales a shape in place to unit maximum modulus with the
// largest component real and positive, so shapes from different methods
// and surveys compare directly.
func NormalizeShape(v []complex128) {
	k, best := -1, 0.0
	for i, c := range v {
		if a := cmplx.Abs(c); a > best {
			k, best = i, a
		}
	}
	if k < 0 {
		return
	}
	rot := cmplx.Conj(v[k]) / complex(best*best, 0) // = 1/v[k]
	for i := range v {
		v[i] *= rot
	}
}

// MPC is the modal phase collinearity of a complex shape (Pappa, Elliott &
// Schenk 1993): 1 when all components share one phase line (a classically
// damped mode), lower for complex, noisy or spurious ones.
func MPC(v []complex128) float64 {
	sxx, syy, sxy := scatter(v)
	if sxx+syy == 0 {
		return 0
	}
	// Eigenvalues of [[sxx, sxy], [sxy, syy]]; MPC = ((λ1−λ2)/(λ1+λ2))².
	d := math.Sqrt((sxx-syy)*(sxx-syy) + 4*sxy*sxy)
	r := d / (sxx + syy)
	return r * r
}

// MPD is the mean phase deviation (degrees) of a complex shape from its
// best straight phase line, weighted by modulus (Reynders, Houbrechts & De
// Roeck 2012, eq. 12): 0 for a real mode.
func MPD(v []complex128) float64 {
	// Best line through the origin: principal direction of the points.
	sxx, syy, sxy := scatter(v)
	theta := 0.5 * math.Atan2(2*sxy, sxx-syy)
	ux, uy := math.Cos(theta), math.Sin(theta)
	var num, den float64
	for _, c := range v {
		a := cmplx.Abs(c)
		if a == 0 {
			continue
		}
		cos := math.Abs(real(c)*ux+imag(c)*uy) / a
		num += a * math.Acos(math.Min(cos, 1))
		den += a
	}
	if den == 0 {
		return 90
	}
	return num / den * 180 / math.Pi
}

// scatter returns the second moments of the components in the complex
// plane, Σre², Σim², Σre·im: the matrix whose principal direction is a
// shape's phase line.
func scatter(v []complex128) (sxx, syy, sxy float64) {
	for _, c := range v {
		x, y := real(c), imag(c)
		sxx += x * x
		syy += y * y
		sxy += x * y
	}
	return sxx, syy, sxy
}
