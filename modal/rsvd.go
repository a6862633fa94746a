package modal

import (
	"errors"
	"math/rand/v2"

	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"
)

// leadingSVD returns the k leading left singular vectors (as columns of a
// rows×k matrix) and singular values of h.
//
// Only the leading triplets are needed by SSI, so for large matrices it
// uses the randomized range finder with power iterations (Halko, Martinsson
// & Tropp, "Finding structure with randomness", SIAM Review 53(2), 2011,
// Algorithms 4.4 and 5.1): a few matrix products and QR factorizations of
// rows×(k+10) matrices, then an exact SVD of a small (k+10)×cols matrix.
// The Gaussian test matrix comes from a fixed seed, so results are
// deterministic. Small matrices get gonum's full thin SVD.
func leadingSVD(h *mat.Dense, k int) (*mat.Dense, []float64, error) {
	rows, cols := h.Dims()
	k = min(k, rows, cols)
	l := k + 10
	if l >= min(rows, cols)/2 {
		var svd mat.SVD
		if !svd.Factorize(h, mat.SVDThinU) {
			return nil, nil, errors.New("modal: SVD of the block Hankel matrix did not converge")
		}
		var u mat.Dense
		svd.UTo(&u)
		return mat.DenseCopyOf(u.Slice(0, rows, 0, k)), svd.Values(nil)[:k], nil
	}
	r := rand.New(rand.NewPCG(0x5354, 0x52554e41))
	omega := mat.NewDense(cols, l, nil)
	for i := range cols {
		for j := range l {
			omega.Set(i, j, r.NormFloat64())
		}
	}
	y := mat.NewDense(rows, l, nil)
	y.Mul(h, omega)
	q := orth(y)
	z := mat.NewDense(cols, l, nil)
	for range 3 { // power iterations sharpen the spectrum's decay
		z.Mul(h.T(), q)
		qz := orth(z)
		y.Mul(h, qz)
		q = orth(y)
	}
	b := mat.NewDense(l, cols, nil)
	b.Mul(q.T(), h)
	var svd mat.SVD
	if !svd.Factorize(b, mat.SVDThinU) {
		return nil, nil, errors.New("modal: SVD of the projected Hankel matrix did not converge")
	}
	var ub mat.Dense
	svd.UTo(&ub)
	u := mat.NewDense(rows, k, nil)
	u.Mul(q, ub.Slice(0, l, 0, k))
	return u, svd.Values(nil)[:k], nil
}

// orth returns an orthonormal basis of a's columns: the thin Q of a
// Householder QR (LAPACK dgeqrf + dorgqr), formed only for a's columns.
func orth(a *mat.Dense) *mat.Dense {
	q := mat.DenseCopyOf(a)
	g := q.RawMatrix()
	tau := make([]float64, min(g.Rows, g.Cols))
	work := make([]float64, 1)
	lapack64.Geqrf(g, tau, work, -1)
	work = make([]float64, int(work[0]))
	lapack64.Geqrf(g, tau, work, len(work))
	lapack64.Orgqr(g, tau, work, -1)
	if n := int(work[0]); n > len(work) {
		work = make([]float64, n)
	}
	lapack64.Orgqr(g, tau, work, len(work))
	return q
}
