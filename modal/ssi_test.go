package modal

import (
	"context"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// exactSystem is a discrete stochastic state-space model x' = A x + w,
// y = C x whose modes are known, with its exact output correlations
// R_k = C A^(k−1) G, G = A Σ Cᵀ, Σ = A Σ Aᵀ + Q (Van Overschee & De Moor
// 1996, ch. 3). SSI run on exact correlations must return the exact poles.
type exactSystem struct {
	a, c  *mat.Dense
	g     *mat.Dense
	modes []Mode // true f, ζ and shapes C·ψ
	dt    float64
}

func newExactSystem(t *testing.T, fs, zs []float64, n int, dt float64, seed uint64) *exactSystem {
	r := rand.New(rand.NewPCG(seed, 9))
	m := len(fs)
	a := mat.NewDense(2*m, 2*m, nil)
	for k := range m {
		w := 2 * math.Pi * fs[k]
		s := complex(-zs[k]*w, w*math.Sqrt(1-zs[k]*zs[k]))
		lam := cmplx.Exp(s * complex(dt, 0))
		// Real block with eigenvalues λ, λ̄.
		a.Set(2*k, 2*k, real(lam))
		a.Set(2*k, 2*k+1, imag(lam))
		a.Set(2*k+1, 2*k, -imag(lam))
		a.Set(2*k+1, 2*k+1, real(lam))
	}
	// Outputs read the first state of each mode's block times a real
	// shape: classically damped (real) modes, as in a building.
	c := mat.NewDense(n, 2*m, nil)
	for i := range n {
		for k := range m {
			c.Set(i, 2*k, r.NormFloat64())
		}
	}
	// Σ by the doubling iteration (Smith 1968): Σ ← Σ + Aₖ Σ Aₖᵀ, Aₖ ← Aₖ².
	sigma := mat.NewDense(2*m, 2*m, nil)
	for i := range 2 * m {
		sigma.Set(i, i, 1) // Q = I
	}
	ak := mat.DenseCopyOf(a)
	var tmp, tmp2 mat.Dense
	for range 60 {
		tmp.Mul(ak, sigma)
		tmp2.Mul(&tmp, ak.T())
		sigma.Add(sigma, &tmp2)
		ak.Mul(ak, ak)
	}
	g := mat.NewDense(2*m, n, nil)
	tmp.Mul(a, sigma)
	g.Mul(&tmp, c.T())
	// True modes: eigenvectors of A mapped by C.
	var eig mat.Eigen
	eig.Factorize(a, mat.EigenRight)
	vals := eig.Values(nil)
	var vecs mat.CDense
	eig.VectorsTo(&vecs)
	var modes []Mode
	for k, lam := range vals {
		if imag(lam) <= 0 {
			continue
		}
		sc := cmplx.Log(lam) / complex(dt, 0)
		shape := make([]complex128, n)
		for i := range n {
			for j := range 2 * m {
				shape[i] += complex(c.At(i, j), 0) * vecs.At(j, k)
			}
		}
		NormalizeShape(shape)
		modes = append(modes, Mode{FHz: cmplx.Abs(sc) / (2 * math.Pi), Zeta: -real(sc) / cmplx.Abs(sc), Shape: shape})
	}
	slices.SortFunc(modes, func(x, y Mode) int { return cmpFloat(x.FHz, y.FHz) })
	return &exactSystem{a: a, c: c, g: g, modes: modes, dt: dt}
}

// corr returns R_k for all outputs against the reference outputs refs.
func (s *exactSystem) corr(refs []int) func(k int) []float64 {
	n, _ := s.c.Dims()
	return func(k int) []float64 {
		ak := mat.NewDense(s.a.RawMatrix().Rows, s.a.RawMatrix().Cols, nil)
		for i := range ak.RawMatrix().Rows {
			ak.Set(i, i, 1)
		}
		for range k - 1 {
			ak.Mul(ak, s.a)
		}
		var ca, r mat.Dense
		ca.Mul(s.c, ak)
		r.Mul(&ca, s.g)
		out := make([]float64, 0, n*len(refs))
		for i := range n {
			for _, j := range refs {
				out = append(out, r.At(i, j))
			}
		}
		return out
	}
}

func TestSSICovExactCorrelations(t *testing.T) {
	fs := []float64{2.0, 5.3, 9.1}
	zs := []float64{0.02, 0.03, 0.015}
	sys := newExactSystem(t, fs, zs, 6, 0.02, 1)
	for _, refs := range [][]int{{0, 1, 2, 3, 4, 5}, {1, 4}} {
		res, err := SSICov(context.Background(), sys.corr(refs), 6, len(refs), SSIOptions{BlockRows: 20, MaxOrder: 12, Dt: sys.dt})
		if err != nil {
			t.Fatal(err)
		}
		k := slices.Index(res.Orders, 6)
		if k < 0 {
			t.Fatalf("order 6 missing: %v", res.Orders)
		}
		poles := res.Poles[k]
		slices.SortFunc(poles, func(x, y Pole) int { return cmpFloat(x.FHz, y.FHz) })
		if len(poles) != 3 {
			t.Fatalf("refs %v: order 6 gave %d poles, want 3", refs, len(poles))
		}
		for j, p := range poles {
			m := sys.modes[j]
			if math.Abs(p.FHz-m.FHz)/m.FHz > 1e-8 || math.Abs(p.Zeta-m.Zeta)/m.Zeta > 1e-6 {
				t.Errorf("refs %v pole %d: f %.10f ζ %.10f, want %.10f %.10f", refs, j, p.FHz, p.Zeta, m.FHz, m.Zeta)
			}
			if mac := MAC(p.Shape, m.Shape); mac < 1-1e-8 {
				t.Errorf("refs %v pole %d: MAC %v", refs, j, mac)
			}
		}
		// Higher orders keep the true poles (the rest is numerical noise).
		last := res.Poles[len(res.Poles)-1]
		for _, m := range sys.modes {
			found := false
			for _, p := range last {
				if math.Abs(p.FHz-m.FHz)/m.FHz < 1e-6 {
					found = true
				}
			}
			if !found {
				t.Errorf("refs %v: order %d lost the %.3f Hz mode", refs, res.Orders[len(res.Orders)-1], m.FHz)
			}
		}
	}
}

func TestSSICovBadInput(t *testing.T) {
	ctx := context.Background()
	one := func(int) []float64 { return []float64{1} }
	for _, tc := range []struct {
		n, r int
		o    SSIOptions
	}{
		{0, 0, SSIOptions{BlockRows: 10, Dt: 1}},
		{2, 3, SSIOptions{BlockRows: 10, Dt: 1}},
		{1, 1, SSIOptions{BlockRows: 1, Dt: 1}},
		{1, 1, SSIOptions{BlockRows: 10}},
		{2, 2, SSIOptions{BlockRows: 10, Dt: 1}}, // correlation of the wrong size
	} {
		if _, err := SSICov(ctx, one, tc.n, tc.r, tc.o); err == nil {
			t.Errorf("n=%d r=%d %+v accepted", tc.n, tc.r, tc.o)
		}
	}
}
