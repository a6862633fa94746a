package sim

import (
	"math"
	"math/cmplx"

	"gonum.org/v1/gonum/dsp/fourier"
)

// csd is a minimal Welch estimate for the tests: Hann window, 50 %
// overlap, nseg-point segments; g[bin][i*n+j] is the (unscaled) averaged
// cross spectrum of channels i and j. df = fs/nseg.
func csd(data [][]float64, nseg int) [][]complex128 {
	n := len(data)
	fft := fourier.NewFFT(nseg)
	w := make([]float64, nseg)
	for i := range w {
		w[i] = 0.5 - 0.5*math.Cos(2*math.Pi*float64(i)/float64(nseg))
	}
	nb := nseg/2 + 1
	g := make([][]complex128, nb)
	for b := range g {
		g[b] = make([]complex128, n*n)
	}
	seg := make([]float64, nseg)
	coef := make([][]complex128, n)
	for start := 0; start+nseg <= len(data[0]); start += nseg / 2 {
		for c := range n {
			x := data[c][start : start+nseg]
			mean := 0.0
			for _, v := range x {
				mean += v
			}
			mean /= float64(nseg)
			for i, v := range x {
				seg[i] = (v - mean) * w[i]
			}
			coef[c] = fft.Coefficients(coef[c], seg)
		}
		for b := range nb {
			for i := range n {
				for j := range n {
					g[b][i*n+j] += coef[i][b] * cmplx.Conj(coef[j][b])
				}
			}
		}
	}
	return g
}

// trace returns Σ_i G_ii per bin: the summed auto-spectra.
func trace(g [][]complex128, n int) []float64 {
	out := make([]float64, len(g))
	for b := range g {
		for i := range n {
			out[b] += real(g[b][i*n+i])
		}
	}
	return out
}

// dominantReal returns the dominant eigenvector of the real part of a
// Hermitian n×n matrix by power iteration (for a lightly damped, well
// separated mode at its peak the cross-spectral matrix is ≈ |·|² φφᵀ).
func dominantReal(g []complex128, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = 1 + 0.1*float64(i)
	}
	for range 500 {
		nv := make([]float64, n)
		norm := 0.0
		for i := range n {
			for j := range n {
				nv[i] += real(g[i*n+j]) * v[j]
			}
			norm += nv[i] * nv[i]
		}
		norm = math.Sqrt(norm)
		for i := range nv {
			nv[i] /= norm
		}
		v = nv
	}
	return v
}

func mac(a, b []float64) float64 {
	var ab, aa, bb float64
	for i := range a {
		ab += a[i] * b[i]
		aa += a[i] * a[i]
		bb += b[i] * b[i]
	}
	return ab * ab / (aa * bb)
}
