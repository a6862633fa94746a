package modal

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/cmplx"
	"runtime"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"
)

// SSIOptions sets up covariance-driven stochastic subspace identification.
type SSIOptions struct {
	BlockRows int     // i: the block Hankel has i block rows and i block columns (lags 1..2i−1)
	MinOrder  int     // lowest model order (default 2)
	MaxOrder  int     // highest model order (≤ i·refs)
	OrderStep int     // default 2: each physical mode takes two states
	Dt        float64 // sample interval of the correlations, s
}

// SSIResult is a stabilization diagram's raw material: the poles of every
// model order.
type SSIResult struct {
	Orders         []int
	Poles          [][]Pole  // Poles[k] are the poles of Orders[k], one per complex-conjugate pair
	SingularValues []float64 // leading singular values of the block Hankel matrix
}

// SSICov identifies poles of every model order from output correlation
// functions (covariance-driven SSI; Peeters & De Roeck, "Reference-based
// stochastic subspace identification for output-only modal analysis",
// MSSP 13(6), 1999).
//
// corr(k) returns R_k = E[y(t+k) y_ref(t)ᵀ] as an n×r row-major slice for
// lags k = 1..2i−1 (computed once per lag, never by re-forming the data
// Hankel). The block Hankel H (i·n × i·r, H_ab = R_{a+b+1}) is factorized
// by a truncated SVD into the observability matrix O = U₁Σ₁^½; then,
// following Döhler & Mevel, "Fast multi-order computation of system
// matrices in subspace-based system identification", Control Engineering
// Practice 20(9), 2012, one QR of O↑ = QR gives S = QᵀO↓ and the state
// matrix of every order j as A_j = R[:j,:j]⁻¹ S[:j,:j], at the cost of a
// j×j triangular solve each. Poles are λ of A_j mapped to s = ln(λ)/Δt; shapes
// are C_j ψ with C_j the first block row of O.
func SSICov(ctx context.Context, corr func(k int) []float64, n, r int, opts SSIOptions) (*SSIResult, error) {
	i := opts.BlockRows
	if n < 1 || r < 1 || r > n {
		return nil, fmt.Errorf("modal: SSI needs n ≥ 1 channels and 1 ≤ refs ≤ n (got n=%d refs=%d)", n, r)
	}
	if i < 2 {
		return nil, fmt.Errorf("modal: SSI block rows %d: need at least 2", i)
	}
	if opts.Dt <= 0 {
		return nil, errors.New("modal: SSI sample interval must be positive")
	}
	if opts.MinOrder <= 0 {
		opts.MinOrder = 2
	}
	if opts.OrderStep <= 0 {
		opts.OrderStep = 2
	}
	maxOrd := min(opts.MaxOrder, (i-1)*n, i*r)
	if opts.MaxOrder <= 0 {
		maxOrd = min((i-1)*n, i*r)
	}
	if maxOrd < opts.MinOrder {
		return nil, fmt.Errorf("modal: SSI max order %d below min order %d (block rows %d, refs %d)", maxOrd, opts.MinOrder, i, r)
	}

	h := mat.NewDense(i*n, i*r, nil)
	for k := 1; k <= 2*i-1; k++ {
		rk := corr(k)
		if len(rk) != n*r {
			return nil, fmt.Errorf("modal: correlation at lag %d has %d values, want %d", k, len(rk), n*r)
		}
		for a := max(0, k-i); a <= min(i-1, k-1); a++ {
			b := k - 1 - a
			for p := range n {
				for q := range r {
					h.Set(a*n+p, b*r+q, rk[p*r+q])
				}
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	u, sv, err := leadingSVD(h, maxOrd)
	if err != nil {
		return nil, err
	}
	// O = U₁ Σ₁^½ (i·n × maxOrd).
	obs := mat.NewDense(i*n, maxOrd, nil)
	for row := range i * n {
		for c := range maxOrd {
			obs.Set(row, c, u.At(row, c)*math.Sqrt(sv[c]))
		}
	}
	up := mat.DenseCopyOf(obs.Slice(0, (i-1)*n, 0, maxOrd)) // O↑
	down := mat.DenseCopyOf(obs.Slice(n, i*n, 0, maxOrd))   // O↓
	rr, s := qrShift(up, down)
	res := &SSIResult{SingularValues: sv}
	for ord := opts.MinOrder; ord <= maxOrd; ord += opts.OrderStep {
		res.Orders = append(res.Orders, ord)
	}
	res.Poles = make([][]Pole, len(res.Orders))
	// Orders are independent once R and S are known: spread them over the
	// cores, largest first so the slowest start early. Each result goes to
	// its own slot, so the outcome does not depend on scheduling.
	work := make(chan int, len(res.Orders))
	for k := len(res.Orders) - 1; k >= 0; k-- {
		work <- k
	}
	close(work)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(res.Orders)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var eig mat.Eigen
			for k := range work {
				if ctx.Err() != nil {
					return
				}
				res.Poles[k] = orderPoles(&eig, rr, s, obs, res.Orders[k], n, opts.Dt)
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return res, nil
}

// orderPoles returns the poles of model order ord: eigenvalues of A_ord
// mapped to continuous time, one per complex-conjugate pair, with shapes
// C_ord ψ. A failed eigen-decomposition gives no poles for that order.
func orderPoles(eig *mat.Eigen, rr, s, obs *mat.Dense, ord, n int, dt float64) []Pole {
	a := solveUpper(rr, s, ord)
	if !eig.Factorize(a, mat.EigenRight) {
		return nil
	}
	vals := eig.Values(nil)
	var vecs mat.CDense
	eig.VectorsTo(&vecs)
	var poles []Pole
	for k, lam := range vals {
		if imag(lam) <= 0 { // keep one of each conjugate pair; real poles are not modes
			continue
		}
		sc := cmplx.Log(lam) / complex(dt, 0)
		wn := cmplx.Abs(sc)
		p := Pole{Order: ord, FHz: wn / (2 * math.Pi), Zeta: -real(sc) / wn}
		p.Shape = make([]complex128, n)
		for ch := range n {
			var v complex128
			for c := range ord {
				v += complex(obs.At(ch, c), 0) * vecs.At(c, k)
			}
			p.Shape[ch] = v
		}
		NormalizeShape(p.Shape)
		p.MPC, p.MPD = MPC(p.Shape), MPD(p.Shape)
		poles = append(poles, p)
	}
	return poles
}

// qrShift factorizes O↑ = QR (Householder) and returns R (maxOrd×maxOrd,
// upper triangular) and S = QᵀO↓ (maxOrd×maxOrd).
func qrShift(up, down *mat.Dense) (*mat.Dense, *mat.Dense) {
	rows, cols := up.Dims()
	g := up.RawMatrix()
	tau := make([]float64, min(rows, cols))
	work := make([]float64, 1)
	lapack64.Geqrf(g, tau, work, -1)
	work = make([]float64, max(int(work[0]), 1))
	lapack64.Geqrf(g, tau, work, len(work))
	// Qᵀ O↓ without forming Q.
	d := down.RawMatrix()
	lapack64.Ormqr(blas.Left, blas.Trans, g, tau, d, work, -1)
	if w := int(work[0]); w > len(work) {
		work = make([]float64, w)
	}
	lapack64.Ormqr(blas.Left, blas.Trans, g, tau, d, work, len(work))
	k := min(rows, cols)
	r := mat.NewDense(k, cols, nil)
	for a := range k {
		for b := a; b < cols; b++ {
			r.Set(a, b, up.At(a, b))
		}
	}
	return r, mat.DenseCopyOf(down.Slice(0, k, 0, cols))
}

// solveUpper returns A_j = R[:j,:j]⁻¹ S[:j,:j].
func solveUpper(r, s *mat.Dense, j int) *mat.Dense {
	a := mat.DenseCopyOf(s.Slice(0, j, 0, j))
	rr := r.Slice(0, j, 0, j).(*mat.Dense).RawMatrix()
	tri := blas64.Triangular{Uplo: blas.Upper, Diag: blas.NonUnit, N: j, Stride: rr.Stride, Data: rr.Data}
	blas64.Trsm(blas.Left, blas.NoTrans, 1, tri, a.RawMatrix())
	return a
}
