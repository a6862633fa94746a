package modal

import (
	"errors"
	"math"
	"math/cmplx"

	"gonum.org/v1/gonum/mat"
)

// HermitianEigen holds the eigen-decomposition of an n×n Hermitian matrix G
// = A + iB, computed from the real symmetric 2n×2n matrix
//
//	M = [[A, −B], [B, A]]
//
// which has every eigenvalue of G twice; an eigenvector [u; v] of M gives
// the eigenvector u + iv of G (DESIGN §2.3: gonum has no complex
// eigensolver). Each pair of M's eigenvectors spans one complex direction,
// so vectors are taken in descending order and kept when they are not
// complex-parallel to those already kept.
type HermitianEigen struct {
	n    int
	m    *mat.SymDense
	es   mat.EigenSym
	vals []float64
	vecs []complex128 // column-major: vector k is vecs[k*n:(k+1)*n]
}

// Factorize decomposes the n×n Hermitian matrix g (row-major). Only the
// upper triangle is read. It reuses its storage across calls.
func (h *HermitianEigen) Factorize(n int, g []complex128) error {
	if len(g) < n*n {
		return errors.New("modal: Hermitian matrix too short")
	}
	if h.n != n || h.m == nil {
		h.n = n
		h.m = mat.NewSymDense(2*n, nil)
		h.vals = make([]float64, n)
		h.vecs = make([]complex128, n*n)
	}
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			a, b := real(g[i*n+j]), imag(g[i*n+j])
			if i == j {
				b = 0
			}
			h.m.SetSym(i, j, a)
			h.m.SetSym(n+i, n+j, a)
			// M[i][n+j] = −B[i][j]; M[j][n+i] = −B[j][i] = B[i][j].
			h.m.SetSym(i, n+j, -b)
			h.m.SetSym(j, n+i, b)
		}
	}
	if ok := h.es.Factorize(h.m, true); !ok {
		return errors.New("modal: Hermitian eigen-decomposition did not converge")
	}
	vals := h.es.Values(nil)
	var ev mat.Dense
	h.es.VectorsTo(&ev)
	// Descending order.
	kept := 0
	cand := make([]complex128, n)
	for k := 2*n - 1; k >= 0 && kept < n; k-- {
		for i := 0; i < n; i++ {
			cand[i] = complex(ev.At(i, k), ev.At(n+i, k))
		}
		// Remove components along kept vectors (complex Gram–Schmidt).
		for p := 0; p < kept; p++ {
			w := h.vecs[p*n : (p+1)*n]
			var dot complex128
			for i := range w {
				dot += cmplx.Conj(w[i]) * cand[i]
			}
			for i := range w {
				cand[i] -= dot * w[i]
			}
		}
		norm := 0.0
		for _, c := range cand {
			norm += real(c)*real(c) + imag(c)*imag(c)
		}
		norm = math.Sqrt(norm)
		if norm < 0.5 { // the pair partner of a vector already kept
			continue
		}
		w := h.vecs[kept*n : (kept+1)*n]
		for i := range w {
			w[i] = cand[i] / complex(norm, 0)
		}
		h.vals[kept] = vals[k]
		kept++
	}
	if kept < n {
		return errors.New("modal: Hermitian eigen-decomposition lost a direction")
	}
	return nil
}

// Values returns the eigenvalues in descending order (shared storage).
func (h *HermitianEigen) Values() []float64 { return h.vals }

// Vector returns the unit eigenvector of the k-th largest eigenvalue
// (shared storage).
func (h *HermitianEigen) Vector(k int) []complex128 { return h.vecs[k*h.n : (k+1)*h.n] }
