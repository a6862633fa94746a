package sim

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// MaxStoreys bounds the model size (3 degrees of freedom per floor; the
// eigen-analysis is cubic in that).
const MaxStoreys = 200

// Floor is the rigid diaphragm of one level: its mass, its mass moment of
// inertia about the vertical axis through its centre of mass, and where
// that centre is relative to the plan's geometric centre.
type Floor struct {
	Mass float64 `json:"mass_kg"`
	J    float64 `json:"j_kgm2"` // about the floor's own centre of mass
	EX   float64 `json:"ex_m"`   // centre of mass, x from the plan centre
	EY   float64 `json:"ey_m"`   // centre of mass, y from the plan centre
}

// Storey is the storey below a floor: its height and its stiffnesses at
// the centre of rigidity (the plan centre).
type Storey struct {
	Height float64 `json:"height_m"`
	KX     float64 `json:"kx_n_per_m"`
	KY     float64 `json:"ky_n_per_m"`
	KTheta float64 `json:"ktheta_nm_per_rad"` // about the centre of rigidity
}

// Building is an n-storey torsionally coupled shear building. Floors[i]
// and Storeys[i] belong to floor and storey i+1 (storey 1 joins the ground
// to floor 1).
type Building struct {
	LX      float64  `json:"lx_m"` // plan dimension along x
	LY      float64  `json:"ly_m"` // plan dimension along y
	Floors  []Floor  `json:"floors"`
	Storeys []Storey `json:"storeys"`
}

// N returns the number of storeys.
func (b *Building) N() int { return len(b.Floors) }

// Height returns the total height (sum of storey heights).
func (b *Building) Height() float64 {
	h := 0.0
	for _, s := range b.Storeys {
		h += s.Height
	}
	return h
}

func finitePos(v float64) bool { return v > 0 && !math.IsInf(v, 0) }
func finite(v float64) bool    { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// Validate checks that the building is a well-posed model; the error
// names the field (prefixed by "building.").
func (b *Building) Validate() error { return b.validate("building") }

func (b *Building) validate(p string) error {
	if !finitePos(b.LX) {
		return fieldErr(p+".lx_m", "plan dimension must be a positive finite number of metres, got %g", b.LX)
	}
	if !finitePos(b.LY) {
		return fieldErr(p+".ly_m", "plan dimension must be a positive finite number of metres, got %g", b.LY)
	}
	n := len(b.Floors)
	if n == 0 {
		return fieldErr(p+".floors", "a building needs at least one floor")
	}
	if n > MaxStoreys {
		return fieldErr(p+".floors", "%d floors is more than the %d this simulator handles", n, MaxStoreys)
	}
	if len(b.Storeys) != n {
		return fieldErr(p+".storeys", "%d storeys for %d floors: need one storey below each floor", len(b.Storeys), n)
	}
	for i, f := range b.Floors {
		q := fmt.Sprintf("%s.floors[%d]", p, i)
		switch {
		case !finitePos(f.Mass):
			return fieldErr(q+".mass_kg", "must be positive and finite, got %g", f.Mass)
		case !finitePos(f.J):
			return fieldErr(q+".j_kgm2", "must be positive and finite, got %g", f.J)
		case !finite(f.EX) || math.Abs(f.EX) > b.LX/2:
			return fieldErr(q+".ex_m", "centre of mass %g m is outside the plan (|ex| ≤ %g)", f.EX, b.LX/2)
		case !finite(f.EY) || math.Abs(f.EY) > b.LY/2:
			return fieldErr(q+".ey_m", "centre of mass %g m is outside the plan (|ey| ≤ %g)", f.EY, b.LY/2)
		}
	}
	for i, s := range b.Storeys {
		q := fmt.Sprintf("%s.storeys[%d]", p, i)
		switch {
		case !finitePos(s.Height):
			return fieldErr(q+".height_m", "must be positive and finite, got %g", s.Height)
		case !finitePos(s.KX):
			return fieldErr(q+".kx_n_per_m", "must be positive and finite, got %g", s.KX)
		case !finitePos(s.KY):
			return fieldErr(q+".ky_n_per_m", "must be positive and finite, got %g", s.KY)
		case !finitePos(s.KTheta):
			return fieldErr(q+".ktheta_nm_per_rad", "must be positive and finite, got %g", s.KTheta)
		}
	}
	return nil
}

// Damage scales the stiffness of one storey (1-based; storey 1 is between
// the ground and floor 1). A zero factor means 1 (that axis undamaged);
// FactorTheta 0 means the torsional stiffness follows the lateral factors
// (see the package doc). Several entries for one storey multiply.
type Damage struct {
	Storey      int     `json:"storey"`
	FactorX     float64 `json:"factor_x"`
	FactorY     float64 `json:"factor_y"`
	FactorTheta float64 `json:"factor_theta,omitempty"`
}

// factors returns the effective x, y, θ factors of d for storey s of b.
func (d Damage) factors(b *Building, s Storey) (fx, fy, ft float64) {
	fx, fy, ft = d.FactorX, d.FactorY, d.FactorTheta
	if fx == 0 {
		fx = 1
	}
	if fy == 0 {
		fy = 1
	}
	if ft == 0 {
		wx, wy := s.KX*b.LY*b.LY, s.KY*b.LX*b.LX
		ft = (fx*wx + fy*wy) / (wx + wy)
	}
	return fx, fy, ft
}

func validateDamage(p string, d []Damage, n int) error {
	for i, x := range d {
		q := fmt.Sprintf("%s[%d]", p, i)
		if x.Storey < 1 || x.Storey > n {
			return fieldErr(q+".storey", "%d is not a storey of this building (1..%d)", x.Storey, n)
		}
		for _, f := range []struct {
			name string
			v    float64
		}{{"factor_x", x.FactorX}, {"factor_y", x.FactorY}, {"factor_theta", x.FactorTheta}} {
			if !finite(f.v) || f.v < 0 {
				return fieldErr(q+"."+f.name, "must be a finite factor > 0 (0 = unchanged), got %g", f.v)
			}
		}
	}
	return nil
}

// Damaged returns a copy of b with the storey stiffnesses scaled by d. The
// receiver is not modified.
func (b *Building) Damaged(d ...Damage) (Building, error) {
	if err := b.Validate(); err != nil {
		return Building{}, err
	}
	if err := validateDamage("damage", d, b.N()); err != nil {
		return Building{}, err
	}
	out := b.clone()
	for _, x := range d {
		s := &out.Storeys[x.Storey-1]
		fx, fy, ft := x.factors(&out, *s)
		s.KX *= fx
		s.KY *= fy
		s.KTheta *= ft
	}
	return out, nil
}

func (b *Building) clone() Building {
	return Building{
		LX:      b.LX,
		LY:      b.LY,
		Floors:  append([]Floor(nil), b.Floors...),
		Storeys: append([]Storey(nil), b.Storeys...),
	}
}

// DOF returns the index in q of floor f's (1-based) component c: 0 = u_x,
// 1 = u_y, 2 = θ.
func DOF(floor, c int) int { return 3*(floor-1) + c }

// Matrices returns the stiffness and mass matrices (3n × 3n, degrees of
// freedom ordered u_x, u_y, θ per floor from floor 1 up, at each floor's
// centre of mass), or the validation error of b.
func (b *Building) Matrices() (k, m *mat.SymDense, err error) {
	if err := b.Validate(); err != nil {
		return nil, nil, err
	}
	n := b.N()
	nd := 3 * n
	kd := make([]float64, nd*nd)
	md := make([]float64, nd*nd)
	t := func(f int) [3][3]float64 { // CR motion from CM motion of floor f (1-based)
		e := b.Floors[f-1]
		return [3][3]float64{{1, 0, e.EY}, {0, 1, -e.EX}, {0, 0, 1}}
	}
	// add adds sign·T_aᵀ diag(ks) T_b into block (a, b).
	add := func(fa, fb int, sign float64, ks [3]float64) {
		ta, tb := t(fa), t(fb)
		for r := 0; r < 3; r++ {
			for c := 0; c < 3; c++ {
				s := 0.0
				for l := 0; l < 3; l++ {
					s += ta[l][r] * tb[l][c] * ks[l]
				}
				kd[DOF(fa, r)*nd+DOF(fb, c)] += sign * s
			}
		}
	}
	for i := 1; i <= n; i++ {
		s := b.Storeys[i-1]
		ks := [3]float64{s.KX, s.KY, s.KTheta}
		add(i, i, 1, ks)
		if i > 1 {
			add(i-1, i-1, 1, ks)
			add(i, i-1, -1, ks)
			add(i-1, i, -1, ks)
		}
		f := b.Floors[i-1]
		md[DOF(i, 0)*nd+DOF(i, 0)] = f.Mass
		md[DOF(i, 1)*nd+DOF(i, 1)] = f.Mass
		md[DOF(i, 2)*nd+DOF(i, 2)] = f.J
	}
	// (a,b) and (b,a) blocks are bitwise transposes: the same commutative
	// products are summed in the same order.
	return mat.NewSymDense(nd, kd), mat.NewSymDense(nd, md), nil
}
