package dsp

import (
	"fmt"
	"math/bits"

	"gonum.org/v1/gonum/dsp/fourier"
	"gonum.org/v1/gonum/mat"
)

// CorrelationOptions configures Correlations. The zero value gives the
// unbiased estimate.
type CorrelationOptions struct {
	// Biased divides every lag by N instead of N−k. The biased estimate
	// has lower variance at long lags and is positive semi-definite; the
	// unbiased one has no bias but its tail is noisy.
	Biased bool
	// BlockLen is the FFT length used block by block; 0 chooses it from
	// the maximum lag. Exposed for testing and tuning; any value above
	// maxLag gives the same result to rounding.
	BlockLen int
}

// CorrelationMatrix holds the output correlation functions of n channels
// for lags 0..MaxLag: R_ij(k) = Data[k·n·n + i·n + j].
type CorrelationMatrix struct {
	N      int       // number of channels
	MaxLag int       // largest lag, samples
	Data   []float64 // (MaxLag+1)·N·N, lag-major, row-major in a lag
}

// At returns R_ij(k); it panics when an index is out of range, as
// mat.Dense.At does.
func (c *CorrelationMatrix) At(k, i, j int) float64 {
	return c.Data[(k*c.N+i)*c.N+j]
}

// Lag returns the n×n matrix R(k), row-major, as a view into Data.
func (c *CorrelationMatrix) Lag(k int) []float64 {
	nn := c.N * c.N
	return c.Data[k*nn : (k+1)*nn : (k+1)*nn]
}

// LagMatrix returns R(k) as a *mat.Dense sharing Data (changes to one show
// in the other), the block SSI-cov stacks into its Hankel matrix.
func (c *CorrelationMatrix) LagMatrix(k int) *mat.Dense {
	return mat.NewDense(c.N, c.N, c.Lag(k))
}

// Correlations estimates the correlation functions of all channel pairs for
// lags 0..maxLag,
//
//	R_ij(k) = 1/(N−k) · Σ_{t=0}^{N−1−k} x_i(t+k)·x_j(t)     (unbiased)
//
// or with 1/N (opts.Biased). With this convention R(k) = E[y(t+k) y(t)ᵀ],
// the output covariance Λ_k of stochastic subspace identification
// (Brincker & Ventura §8.2, Peeters & De Roeck 1999), and R_ji(k) =
// R_ij(−k). The input is used as given: remove the mean first for
// covariances.
//
// The sums are computed by FFT, block by block (overlap-add of the cross
// products): the record is cut into blocks of L = M − maxLag samples; each
// block of x_j, zero-padded to M, and the same block of x_i extended by the
// maxLag samples that follow it are transformed once per channel, and
// conj(FFT(x_j block))·FFT(x_i extended block) is summed over blocks for
// every pair before one inverse FFT per pair. Because the padded length M is
// at least L + maxLag there is no circular wrap-around, so the result equals
// the direct sum to rounding, at O(n²·N) multiply-adds plus O(n·N·log M) for
// the transforms instead of O(n²·N·maxLag).
//
// Errors: no channels, unequal lengths, non-finite samples, maxLag < 0 or
// ≥ N.
func Correlations(x [][]float64, maxLag int, opts CorrelationOptions) (*CorrelationMatrix, error) {
	const op = "Correlations"
	npts, err := checkChannels(op, x)
	if err != nil {
		return nil, err
	}
	if maxLag < 0 || maxLag >= npts {
		return nil, fmt.Errorf("dsp: %s: maximum lag %d must be in 0..%d (samples − 1): %w", op, maxLag, npts-1, ErrParam)
	}
	m := opts.BlockLen
	if m == 0 {
		// A block several times the lag keeps the overlap overhead
		// (M/(M−maxLag)) small while the accumulator stays cache-sized.
		m = nextPow2(max(8*(maxLag+1), 64))
		if whole := nextPow2(npts + maxLag); whole < m {
			m = whole
		}
	}
	if m > maxFFT {
		return nil, paramErr(op, "block length %d exceeds %d", m, maxFFT)
	}
	if m <= maxLag {
		return nil, paramErr(op, "block length %d must exceed the maximum lag %d", m, maxLag)
	}
	n := len(x)
	blk := m - maxLag
	nf := m/2 + 1

	const batchCap = 16
	pa := newBatch(n, nf, batchCap) // blocks of x_j, zero-padded
	pe := newBatch(n, nf, batchCap) // the same blocks extended by maxLag samples
	accRe := make([]float64, nf*n*n)
	accIm := make([]float64, nf*n*n)
	fft := fourier.NewFFT(m)
	buf := make([]float64, m)
	coefA := make([]complex128, nf)
	coefE := make([]complex128, nf)
	for t0 := 0; t0 < npts; t0 += blk {
		endA := min(t0+blk, npts)
		endE := min(t0+blk+maxLag, npts)
		for c := range n {
			clear(buf)
			copy(buf, x[c][t0:endA])
			fft.Coefficients(coefA, buf)
			pa.put(c, coefA)
			if endE > endA {
				copy(buf[endA-t0:], x[c][endA:endE])
				fft.Coefficients(coefE, buf)
				pe.put(c, coefE)
			} else {
				pe.put(c, coefA)
			}
		}
		pa.fill++
		pe.fill++
		if pa.fill == batchCap {
			// Σ conj(E_i)·A_j = conj(Σ conj(A_j)·E_i): the conjugate is
			// taken once per pair below.
			crossAccumulate(accRe, accIm, pe, pa, false)
		}
	}
	crossAccumulate(accRe, accIm, pe, pa, false)

	out := &CorrelationMatrix{N: n, MaxLag: maxLag, Data: make([]float64, (maxLag+1)*n*n)}
	spec := make([]complex128, nf)
	seq := make([]float64, m)
	nn := n * n
	for i := range n {
		for j := range n {
			for k := range nf {
				idx := k*nn + i*n + j
				spec[k] = complex(accRe[idx], -accIm[idx])
			}
			fft.Sequence(seq, spec)
			for k := 0; k <= maxLag; k++ {
				d := float64(npts - k)
				if opts.Biased {
					d = float64(npts)
				}
				out.Data[k*nn+i*n+j] = seq[k] / (float64(m) * d)
			}
		}
	}
	return out, nil
}

func nextPow2(v int) int {
	if v <= 1 {
		return 1
	}
	return 1 << bits.Len(uint(v-1))
}
