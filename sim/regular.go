package sim

import (
	"math"
	"math/rand/v2"
)

// BuildingSpec describes a regular building from a few numbers. Build
// turns it into a Building; DefaultSpec gives the defaults.
type BuildingSpec struct {
	Storeys      int     // number of storeys, 1..MaxStoreys
	LX, LY       float64 // plan dimensions, m (default 20 × 15)
	StoreyHeight float64 // m (default 3)
	MassPerArea  float64 // floor mass per plan area, kg/m² (default 1000, i.e. 1 t/m²)
	// F1 is the target fundamental frequency in Hz of the complete coupled
	// model (default 10/N, the T ≈ 0.1·N rule). All stiffnesses are scaled
	// together so the lowest mode lands on it exactly.
	F1 float64
	// StiffnessRatioXY is k_x/k_y (default 1.3: stiffer along the long
	// side, so the first y and x modes are about 14 % apart).
	StiffnessRatioXY float64
	// TopStiffnessRatio is k_n/k_1; storey stiffness decreases linearly
	// from storey 1 to storey n (default 0.5; 1 = uniform).
	TopStiffnessRatio float64
	// TorsionFactor is c in k_θ = c·(k_x·L_y² + k_y·L_x²)/12 (default 2;
	// 1 = stiffness spread uniformly over the plan, 3 = on the perimeter).
	TorsionFactor float64
	// EccX, EccY are the centre-of-mass offsets as fractions of L_x, L_y
	// (default 0.05 each, the accidental eccentricity of EN 1998-1 §4.3.2).
	EccX, EccY float64
	// RandomEcc draws each floor's offsets uniformly in ±EccX·L_x, ±EccY·L_y
	// from a PCG stream seeded with EccSeed, instead of the same offset on
	// every floor.
	RandomEcc bool
	EccSeed   uint64
}

// Defaults of a regular building.
const (
	DefaultLX                = 20.0
	DefaultLY                = 15.0
	DefaultStoreyHeight      = 3.0
	DefaultMassPerArea       = 1000.0
	DefaultStiffnessRatioXY  = 1.3
	DefaultTopStiffnessRatio = 0.5
	DefaultTorsionFactor     = 2.0
	DefaultEcc               = 0.05
	DefaultZeta              = 0.02
)

// DefaultSpec returns the spec of a regular building with n storeys and
// every default filled in.
func DefaultSpec(n int) BuildingSpec {
	s := BuildingSpec{
		Storeys:           n,
		LX:                DefaultLX,
		LY:                DefaultLY,
		StoreyHeight:      DefaultStoreyHeight,
		MassPerArea:       DefaultMassPerArea,
		StiffnessRatioXY:  DefaultStiffnessRatioXY,
		TopStiffnessRatio: DefaultTopStiffnessRatio,
		TorsionFactor:     DefaultTorsionFactor,
		EccX:              DefaultEcc,
		EccY:              DefaultEcc,
	}
	if n > 0 {
		s.F1 = 10 / float64(n)
	}
	return s
}

// Option changes a BuildingSpec.
type Option func(*BuildingSpec)

// WithPlan sets the plan dimensions in metres.
func WithPlan(lx, ly float64) Option { return func(s *BuildingSpec) { s.LX, s.LY = lx, ly } }

// WithStoreyHeight sets the storey height in metres.
func WithStoreyHeight(h float64) Option { return func(s *BuildingSpec) { s.StoreyHeight = h } }

// WithMassPerArea sets the floor mass per plan area in kg/m².
func WithMassPerArea(q float64) Option { return func(s *BuildingSpec) { s.MassPerArea = q } }

// WithFundamental sets the target fundamental frequency in Hz.
func WithFundamental(f1 float64) Option { return func(s *BuildingSpec) { s.F1 = f1 } }

// WithStiffnessRatioXY sets k_x/k_y.
func WithStiffnessRatioXY(r float64) Option {
	return func(s *BuildingSpec) { s.StiffnessRatioXY = r }
}

// WithStiffnessProfile sets k_n/k_1 (1 = uniform).
func WithStiffnessProfile(topRatio float64) Option {
	return func(s *BuildingSpec) { s.TopStiffnessRatio = topRatio }
}

// WithTorsionFactor sets c in k_θ = c·(k_x·L_y² + k_y·L_x²)/12.
func WithTorsionFactor(c float64) Option { return func(s *BuildingSpec) { s.TorsionFactor = c } }

// WithEccentricity sets the centre-of-mass offsets as fractions of the
// plan dimensions (0, 0 = symmetric building).
func WithEccentricity(fx, fy float64) Option {
	return func(s *BuildingSpec) { s.EccX, s.EccY = fx, fy }
}

// WithRandomEccentricity draws each floor's offsets from a seeded stream.
func WithRandomEccentricity(seed uint64) Option {
	return func(s *BuildingSpec) { s.RandomEcc, s.EccSeed = true, seed }
}

// RegularBuilding builds DefaultSpec(storeys) changed by opts.
func RegularBuilding(storeys int, opts ...Option) (Building, error) {
	s := DefaultSpec(storeys)
	for _, o := range opts {
		o(&s)
	}
	return s.Build()
}

func (s BuildingSpec) validate() error {
	pos := func(field string, v float64) error {
		if !finitePos(v) {
			return fieldErr(field, "must be positive and finite, got %g", v)
		}
		return nil
	}
	if s.Storeys < 1 || s.Storeys > MaxStoreys {
		return fieldErr("storeys", "%d is not in 1..%d", s.Storeys, MaxStoreys)
	}
	for _, c := range []struct {
		f string
		v float64
	}{
		{"lx_m", s.LX}, {"ly_m", s.LY}, {"storey_height_m", s.StoreyHeight},
		{"mass_per_area_kg_m2", s.MassPerArea}, {"f1_hz", s.F1},
		{"stiffness_ratio_xy", s.StiffnessRatioXY}, {"top_stiffness_ratio", s.TopStiffnessRatio},
		{"torsion_factor", s.TorsionFactor},
	} {
		if err := pos(c.f, c.v); err != nil {
			return err
		}
	}
	if !finite(s.EccX) || s.EccX < 0 || s.EccX > 0.5 {
		return fieldErr("ecc_x", "must be a fraction of the plan in [0, 0.5], got %g", s.EccX)
	}
	if !finite(s.EccY) || s.EccY < 0 || s.EccY > 0.5 {
		return fieldErr("ecc_y", "must be a fraction of the plan in [0, 0.5], got %g", s.EccY)
	}
	return nil
}

// Build returns the building. Stiffnesses are first laid out with k_y,1 =
// 1 N/m, then all multiplied by (2π F1/ω_1)², which moves every frequency
// by the same factor and puts the first mode of the coupled model exactly
// on F1.
func (s BuildingSpec) Build() (Building, error) {
	if err := s.validate(); err != nil {
		return Building{}, err
	}
	n := s.Storeys
	b := Building{LX: s.LX, LY: s.LY, Floors: make([]Floor, n), Storeys: make([]Storey, n)}
	m := s.MassPerArea * s.LX * s.LY
	j := m * (s.LX*s.LX + s.LY*s.LY) / 12
	var rng *rand.Rand
	if s.RandomEcc {
		rng = rand.New(rand.NewPCG(s.EccSeed, streamEcc))
	}
	for i := range n {
		ex, ey := s.EccX*s.LX, s.EccY*s.LY
		if rng != nil {
			ex *= 2*rng.Float64() - 1
			ey *= 2*rng.Float64() - 1
		}
		b.Floors[i] = Floor{Mass: m, J: j, EX: ex, EY: ey}
		g := 1.0
		if n > 1 {
			g = 1 - (1-s.TopStiffnessRatio)*float64(i)/float64(n-1)
		}
		ky := g
		kx := s.StiffnessRatioXY * g
		kt := s.TorsionFactor * (kx*s.LY*s.LY + ky*s.LX*s.LX) / 12
		b.Storeys[i] = Storey{Height: s.StoreyHeight, KX: kx, KY: ky, KTheta: kt}
	}
	md, err := b.Modes()
	if err != nil {
		return Building{}, err
	}
	w1 := 2 * math.Pi * s.F1
	scale := (w1 / md.Omega[0]) * (w1 / md.Omega[0])
	for i := range b.Storeys {
		b.Storeys[i].KX *= scale
		b.Storeys[i].KY *= scale
		b.Storeys[i].KTheta *= scale
	}
	return b, nil
}
