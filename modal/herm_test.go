package modal

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"
)

// randomHermitian builds G = Σ λ_k w_k w_kᴴ from known eigenpairs.
func randomHermitian(r *rand.Rand, n int, lambdas []float64) ([]complex128, [][]complex128) {
	// Random unitary basis by complex Gram–Schmidt.
	var basis [][]complex128
	for len(basis) < n {
		v := make([]complex128, n)
		for i := range v {
			v[i] = complex(r.NormFloat64(), r.NormFloat64())
		}
		for _, w := range basis {
			var d complex128
			for i := range w {
				d += cmplx.Conj(w[i]) * v[i]
			}
			for i := range w {
				v[i] -= d * w[i]
			}
		}
		var nn float64
		for _, c := range v {
			nn += real(c * cmplx.Conj(c))
		}
		for i := range v {
			v[i] /= complex(math.Sqrt(nn), 0)
		}
		basis = append(basis, v)
	}
	g := make([]complex128, n*n)
	for k, w := range basis {
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				g[i*n+j] += complex(lambdas[k], 0) * w[i] * cmplx.Conj(w[j])
			}
		}
	}
	return g, basis
}

func TestHermitianEigen(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for _, lambdas := range [][]float64{
		{9, 5, 3, 1, 0.5, 0.1},
		{4, 4, 2, 1, 1, 0}, // repeated eigenvalues: each complex direction exactly once
		{1e3, 1e-3, 1e-6},
	} {
		n := len(lambdas)
		g, basis := randomHermitian(r, n, lambdas)
		var h HermitianEigen
		if err := h.Factorize(n, g); err != nil {
			t.Fatal(err)
		}
		for k, want := range lambdas {
			if got := h.Values()[k]; math.Abs(got-want) > 1e-10*math.Max(1, lambdas[0]) {
				t.Errorf("λ%d = %v, want %v", k, got, want)
			}
			// G v = λ v.
			v := h.Vector(k)
			for i := 0; i < n; i++ {
				var gv complex128
				for j := 0; j < n; j++ {
					gv += g[i*n+j] * v[j]
				}
				if cmplx.Abs(gv-complex(h.Values()[k], 0)*v[i]) > 1e-9*math.Max(1, lambdas[0]) {
					t.Fatalf("G v ≠ λ v for k=%d", k)
				}
			}
		}
		// Distinct eigenvalues: the vector matches the known one up to phase.
		if lambdas[0] != lambdas[1] {
			if m := MAC(h.Vector(0), basis[0]); m < 1-1e-10 {
				t.Errorf("MAC of first vector = %v", m)
			}
		}
		// Orthonormal set.
		for a := 0; a < n; a++ {
			for b := 0; b < n; b++ {
				var d complex128
				for i := 0; i < n; i++ {
					d += cmplx.Conj(h.Vector(a)[i]) * h.Vector(b)[i]
				}
				want := 0.0
				if a == b {
					want = 1
				}
				if cmplx.Abs(d-complex(want, 0)) > 1e-9 {
					t.Fatalf("⟨v%d, v%d⟩ = %v", a, b, d)
				}
			}
		}
	}
}

func TestMAC(t *testing.T) {
	a := []complex128{1, 2i, -3}
	b := []complex128{2i, -4, -6i} // a times 2i
	if m := MAC(a, b); math.Abs(m-1) > 1e-15 {
		t.Errorf("MAC of parallel complex vectors = %v", m)
	}
	if m := MAC([]complex128{1, 0}, []complex128{0, 1}); m != 0 {
		t.Errorf("MAC of orthogonal vectors = %v", m)
	}
	if m := RealMAC([]float64{1, 1}, []float64{1, 0}); math.Abs(m-0.5) > 1e-15 {
		t.Errorf("RealMAC = %v, want 0.5", m)
	}
	if MAC(a, a[:2]) != 0 || RealMAC(nil, nil) != 0 {
		t.Error("mismatched or empty vectors must give 0")
	}
}
