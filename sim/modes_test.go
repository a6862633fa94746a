package sim

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// Uniform fixed-free shear chain: ω_j = 2√(k/m)·sin((2j−1)π/(2(2n+1)))
// (e.g. Chopra, Dynamics of Structures, uniform shear building). Without
// eccentricity x, y and θ decouple into three such chains.
func TestUniformChainFrequencies(t *testing.T) {
	for _, n := range []int{1, 2, 5, 12} {
		m, jm := 3e5, 3e5*(400.0+225)/12
		kx, ky, kt := 4.1e8, 2.7e8, 9.0e10
		md := mustModes(t, uniform(n, m, jm, kx, ky, kt, 0, 0))
		if md.Len() != 3*n {
			t.Fatalf("n=%d: %d modes", n, md.Len())
		}
		got := map[string][]float64{}
		for k := range md.Len() {
			d := md.Direction(k)
			got[d] = append(got[d], md.Omega[k])
			x, y, th := md.EnergyFractions(k)
			if math.Max(x, math.Max(y, th)) < 1-1e-12 {
				t.Errorf("n=%d mode %d not pure without eccentricity: %g %g %g", n, k, x, y, th)
			}
		}
		for _, c := range []struct {
			dir  string
			k, m float64
		}{{"x", kx, m}, {"y", ky, m}, {"torsion", kt, jm}} {
			w := got[c.dir]
			if len(w) != n {
				t.Fatalf("n=%d: %d %s modes, want %d", n, len(w), c.dir, n)
			}
			for j := 1; j <= n; j++ {
				want := 2 * math.Sqrt(c.k/c.m) * math.Sin(float64(2*j-1)*math.Pi/float64(2*(2*n+1)))
				if e := relErr(w[j-1], want); e > 1e-10 {
					t.Errorf("n=%d %s mode %d: ω=%.15g want %.15g (rel %g)", n, c.dir, j, w[j-1], want, e)
				}
			}
		}
	}
}

// One-storey torsionally coupled system (Chopra, unsymmetric-plan one-storey system): with the centre of
// mass at (e, 0) from the centre of rigidity, u_x is uncoupled (ω² =
// k_x/m) and (u_y, θ) satisfy m·J·ω⁴ − (k_y·J + m·(k_θ + k_y·e²))·ω² +
// k_y·k_θ = 0, derived by hand from the strain energy ½k_y(u_y − eθ)² +
// ½k_θθ².
func TestOneStoreyTorsionalCoupling(t *testing.T) {
	m, jm := 2e5, 2e5*(400.0+225)/12
	kx, ky, kt := 3e8, 2e8, 2.5e10
	for _, e := range []float64{0.5, 1, 3} {
		for _, alongY := range []bool{false, true} {
			ex, ey := e, 0.0
			kc, ku := ky, kx // coupled lateral and uncoupled stiffness
			if alongY {
				ex, ey = 0, e
				kc, ku = kx, ky
			}
			md := mustModes(t, uniform(1, m, jm, kx, ky, kt, ex, ey))
			a, bq, c := m*jm, -(kc*jm + m*(kt+kc*e*e)), kc*kt
			disc := math.Sqrt(bq*bq - 4*a*c)
			w2lo, w2hi := 2*c/(-bq+disc), (-bq+disc)/(2*a) // without cancellation
			want := []float64{math.Sqrt(w2lo), math.Sqrt(w2hi), math.Sqrt(ku / m)}
			slices.Sort(want)
			for k := range 3 {
				if r := relErr(md.Omega[k], want[k]); r > 1e-10 {
					t.Errorf("e=%g alongY=%v mode %d: ω=%.15g want %.15g", e, alongY, k, md.Omega[k], want[k])
				}
			}
		}
	}
}

// The assembled K must give the strain energy of the storeys computed
// directly from the rigid-diaphragm kinematics at the centre of rigidity
// (x = y = 0): u_x(0,0) = u_x + e_y·θ, u_y(0,0) = u_y − e_x·θ.
func TestStiffnessEnergyAndSymmetry(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	b, err := RegularBuilding(4, WithRandomEccentricity(3), WithEccentricity(0.2, 0.15))
	if err != nil {
		t.Fatal(err)
	}
	k, mm, _ := b.Matrices()
	nd := 3 * b.N()
	for i := range nd {
		for j := range nd {
			if k.At(i, j) != k.At(j, i) || mm.At(i, j) != mm.At(j, i) {
				t.Fatalf("not symmetric at %d,%d", i, j)
			}
		}
	}
	for range 20 {
		q := make([]float64, nd)
		for i := range q {
			q[i] = rng.NormFloat64()
		}
		qv := mat.NewVecDense(nd, q)
		got := 0.5 * mat.Inner(qv, k, qv)
		want := 0.0
		var prev [3]float64
		for f := 1; f <= b.N(); f++ {
			fl := b.Floors[f-1]
			ux, uy, th := q[DOF(f, 0)], q[DOF(f, 1)], q[DOF(f, 2)]
			cr := [3]float64{ux - (0-fl.EY)*th, uy + (0-fl.EX)*th, th}
			s := b.Storeys[f-1]
			dx, dy, dt := cr[0]-prev[0], cr[1]-prev[1], cr[2]-prev[2]
			want += 0.5 * (s.KX*dx*dx + s.KY*dy*dy + s.KTheta*dt*dt)
			prev = cr
		}
		if relErr(got, want) > 1e-12 {
			t.Fatalf("strain energy %g, direct %g", got, want)
		}
	}
}

// Mass orthonormality ΦᵀMΦ = I and ΦᵀKΦ = diag(ω²) for an eccentric
// building whose modes couple.
func TestOrthogonality(t *testing.T) {
	b, err := RegularBuilding(6, WithRandomEccentricity(11), WithEccentricity(0.15, 0.1))
	if err != nil {
		t.Fatal(err)
	}
	md := mustModes(t, b)
	k, m, _ := b.Matrices()
	var mp, kp, pm, pk mat.Dense
	mp.Mul(m, md.Phi)
	pm.Mul(md.Phi.T(), &mp)
	kp.Mul(k, md.Phi)
	pk.Mul(md.Phi.T(), &kp)
	coupled := 0
	for i := range md.Len() {
		x, y, th := md.EnergyFractions(i)
		if math.Max(x, math.Max(y, th)) < 0.95 {
			coupled++
		}
		for j := range md.Len() {
			want := 0.0
			if i == j {
				want = 1
			}
			if math.Abs(pm.At(i, j)-want) > 1e-12 {
				t.Errorf("ΦᵀMΦ[%d,%d] = %g", i, j, pm.At(i, j))
			}
			w2 := md.Omega[i] * md.Omega[i]
			if math.Abs(pk.At(i, j)-want*w2) > 1e-10*md.Omega[md.Len()-1]*md.Omega[md.Len()-1] {
				t.Errorf("ΦᵀKΦ[%d,%d] = %g, want %g", i, j, pk.At(i, j), want*w2)
			}
		}
		if i > 0 && md.Omega[i] < md.Omega[i-1] {
			t.Errorf("frequencies not ascending at %d", i)
		}
	}
	if coupled == 0 {
		t.Errorf("15 %% eccentricity left every mode pure: no coupling")
	}
}

// Halving the stiffness of the only storey lowers every frequency by √0.5
// (K → K/2 with M unchanged), the torsional one included.
func TestDamageOneStorey(t *testing.T) {
	b, err := RegularBuilding(1)
	if err != nil {
		t.Fatal(err)
	}
	d, err := b.Damaged(Damage{Storey: 1, FactorX: 0.5, FactorY: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	m0, m1 := mustModes(t, b), mustModes(t, d)
	for k := range 3 {
		if r := relErr(m1.Omega[k], m0.Omega[k]*math.Sqrt(0.5)); r > 1e-12 {
			t.Errorf("mode %d: %g → %g, ratio %g", k, m0.Freq(k), m1.Freq(k), m1.Omega[k]/m0.Omega[k])
		}
	}
	if b.Storeys[0].KX == d.Storeys[0].KX {
		t.Error("Damaged modified its receiver or did nothing")
	}
	// Damage on one axis only: the other axis's uncoupled frequency stays.
	s, _ := RegularBuilding(1, WithEccentricity(0, 0))
	dx, _ := s.Damaged(Damage{Storey: 1, FactorX: 0.5})
	a, c := mustModes(t, s), mustModes(t, dx)
	for k := range 3 {
		for j := range 3 {
			if a.Direction(k) == "y" && c.Direction(j) == "y" && relErr(a.Omega[k], c.Omega[j]) > 1e-12 {
				t.Errorf("y mode moved under x-only damage: %g → %g", a.Freq(k), c.Freq(j))
			}
			if a.Direction(k) == "x" && c.Direction(j) == "x" && relErr(c.Omega[j], a.Omega[k]*math.Sqrt(0.5)) > 1e-12 {
				t.Errorf("x mode %g → %g, want ×√0.5", a.Freq(k), c.Freq(j))
			}
		}
	}
}

func TestRegularBuildingTuned(t *testing.T) {
	for _, n := range []int{1, 3, 10, 25} {
		b, err := RegularBuilding(n)
		if err != nil {
			t.Fatal(err)
		}
		md := mustModes(t, b)
		if r := relErr(md.Freq(0), 10/float64(n)); r > 1e-12 {
			t.Errorf("n=%d: f1 = %.15g, want %g", n, md.Freq(0), 10/float64(n))
		}
		if math.Abs(b.Height()-3*float64(n)) > 1e-12 {
			t.Errorf("height %g", b.Height())
		}
		if m := b.Floors[0].Mass; relErr(m, 1000*20*15) > 1e-15 {
			t.Errorf("floor mass %g", m)
		}
		if n > 1 && relErr(b.Storeys[n-1].KX/b.Storeys[0].KX, 0.5) > 1e-12 {
			t.Errorf("top/bottom stiffness %g", b.Storeys[n-1].KX/b.Storeys[0].KX)
		}
	}
	b, _ := RegularBuilding(5, WithFundamental(1.7), WithPlan(30, 12))
	if md := mustModes(t, b); relErr(md.Freq(0), 1.7) > 1e-12 {
		t.Errorf("f1 = %g", md.Freq(0))
	}
	// Random eccentricity is seeded and bounded.
	r1, _ := RegularBuilding(8, WithRandomEccentricity(5))
	r2, _ := RegularBuilding(8, WithRandomEccentricity(5))
	r3, _ := RegularBuilding(8, WithRandomEccentricity(6))
	if !slices.Equal(r1.Floors, r2.Floors) || slices.Equal(r1.Floors, r3.Floors) {
		t.Error("random eccentricity not a function of the seed")
	}
	for _, f := range r1.Floors {
		if math.Abs(f.EX) > 1 || math.Abs(f.EY) > 0.75 {
			t.Errorf("eccentricity %g,%g beyond 5 %%", f.EX, f.EY)
		}
	}
}

// The diaphragm kinematics must be the small-angle limit of a true rigid
// rotation about the centre of mass (sign check of a_x = ü_x − (y−y_cm)θ̈,
// a_y = ü_y + (x−x_cm)θ̈).
func TestPointKinematics(t *testing.T) {
	b := uniform(2, 1, 1, 1, 1, 1, 1.5, -0.7)
	const th = 1e-7
	for _, p := range [][2]float64{{4, 3}, {-8, 6}, {0, 0}, {-2, -7}} {
		rx, ry := p[0]-1.5, p[1]+0.7 // from the CM
		dx := rx*math.Cos(th) - ry*math.Sin(th) - rx
		dy := rx*math.Sin(th) + ry*math.Cos(th) - ry
		cx, _ := pointRow(&b, 2, p[0], p[1], AxisX)
		cy, _ := pointRow(&b, 2, p[0], p[1], AxisY)
		if math.Abs(cx[2]*th-dx) > 1e-12 || math.Abs(cy[2]*th-dy) > 1e-12 {
			t.Errorf("point %v: linear (%g, %g), rotation (%g, %g)", p, cx[2]*th, cy[2]*th, dx, dy)
		}
		if cx[0] != 1 || cx[1] != 0 || cy[0] != 0 || cy[1] != 1 {
			t.Errorf("translation rows %v %v", cx, cy)
		}
	}
	if _, ok := pointRow(&b, 0, 1, 1, AxisX); ok {
		t.Error("ground floor sees the structure")
	}
	if _, ok := pointRow(&b, 1, 1, 1, AxisZ); ok {
		t.Error("z sees the structure")
	}
}

func TestNormalize(t *testing.T) {
	cases := []struct{ in, max, unit []float64 }{
		{[]float64{1, -2, 0.5}, []float64{-0.5, 1, -0.25}, nil},
		{[]float64{3, 4}, []float64{0.75, 1}, []float64{0.6, 0.8}},
		{[]float64{-1, 1}, []float64{1, -1}, nil}, // tie: first wins
		{[]float64{0, 0}, []float64{0, 0}, []float64{0, 0}},
	}
	for _, c := range cases {
		if got := NormalizeMaxAbs(c.in); !slices.Equal(got, c.max) {
			t.Errorf("NormalizeMaxAbs(%v) = %v, want %v", c.in, got, c.max)
		}
		if c.unit != nil {
			got := NormalizeUnit(c.in)
			for i := range got {
				if math.Abs(got[i]-c.unit[i]) > 1e-15 {
					t.Errorf("NormalizeUnit(%v) = %v, want %v", c.in, got, c.unit)
				}
			}
		}
	}
}

func TestModalMassRatiosSumToOne(t *testing.T) {
	b, _ := RegularBuilding(7, WithEccentricity(0.1, 0.08))
	md := mustModes(t, b)
	var sx, sy float64
	for k := range md.Len() {
		x, y := md.ModalMassRatio(k)
		sx += x
		sy += y
	}
	if math.Abs(sx-1) > 1e-12 || math.Abs(sy-1) > 1e-12 {
		t.Errorf("modal mass ratios sum to %g, %g", sx, sy)
	}
}
