package sim

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// sdof is the exact discretisation of one mode with a first-order hold of
// the modal force p. The state is s = (η, η̇/ω), scaled so that the state
// matrix ω[0 1; −1 −2ζ] has entries of one size:
//
//	s_{j+1} = Φ s_j + b0·p_j + b1·p_{j+1},
//	η̈_j   = p_j + c·s_j.
type sdof struct {
	w, z   float64
	phi    [2][2]float64
	b0, b1 [2]float64
	c      [2]float64 // η̈ = p + c·s: c = (−ω², −2ζω²)
}

// discretize returns the exact FOH discretisation of η̈ + 2ζωη̇ + ω²η = p
// at step h, from Van Loan's block exponential
//
//	exp([A B 0; 0 0 1; 0 0 0]·h) = [Φ Γ₀ Λ; 0 1 1; 0 0 1]
//
// with A = ω[0 1; −1 −2ζ], B = (0, ω) acting on v = p/ω² (so every entry of
// the block matrix is O(ωh) or 1), v linear between samples with increment
// v_{j+1} − v_j; then b0 = (Γ₀ − Λ)/ω², b1 = Λ/ω².
func discretize(w, z, h float64) sdof {
	wh := w * h
	m := mat.NewDense(4, 4, []float64{
		0, wh, 0, 0,
		-wh, -2 * z * wh, wh, 0,
		0, 0, 0, 1,
		0, 0, 0, 0,
	})
	var e mat.Dense
	e.Exp(m)
	w2 := w * w
	d := sdof{w: w, z: z}
	for r := range 2 {
		d.phi[r][0] = e.At(r, 0)
		d.phi[r][1] = e.At(r, 1)
		g0, l := e.At(r, 2), e.At(r, 3)
		d.b0[r] = (g0 - l) / w2
		d.b1[r] = l / w2
	}
	d.c = [2]float64{-w2, -2 * z * w2}
	return d
}

func (d *sdof) finite() bool {
	for _, v := range []float64{d.phi[0][0], d.phi[0][1], d.phi[1][0], d.phi[1][1], d.b0[0], d.b0[1], d.b1[0], d.b1[1], d.c[0], d.c[1]} {
		if !finite(v) {
			return false
		}
	}
	return true
}

// g returns the noise input of the shifted state z_j = s_j − b1·p_j, which
// obeys z_{j+1} = Φ z_j + g·p_j with z_j independent of p_j.
func (d *sdof) g() [2]float64 {
	return [2]float64{
		d.phi[0][0]*d.b1[0] + d.phi[0][1]*d.b1[1] + d.b0[0],
		d.phi[1][0]*d.b1[0] + d.phi[1][1]*d.b1[1] + d.b0[1],
	}
}

// dfeed returns d in η̈_j = c·z_j + d·p_j.
func (d *sdof) dfeed() float64 { return 1 + d.c[0]*d.b1[0] + d.c[1]*d.b1[1] }

// stationaryCov returns the stationary covariance (2N × 2N, row-major) of
// the shifted modal states z = (z_1, …, z_N) driven by modal forces of
// covariance sp (N × N, row-major). Block (j,k) solves the Stein equation
// P_jk = Φ_j P_jk Φ_kᵀ + g_j g_kᵀ Σ_jk, i.e. (I − Φ_k ⊗ Φ_j) vec P_jk =
// vec(g_j g_kᵀ) Σ_jk with column-major vec.
func stationaryCov(sd []sdof, sp []float64) []float64 {
	n := len(sd)
	p := make([]float64, 4*n*n)
	gs := make([][2]float64, n)
	for j := range sd {
		gs[j] = sd[j].g()
	}
	for j := 0; j < n; j++ {
		for k := j; k < n; k++ {
			s := sp[j*n+k]
			if s == 0 {
				continue
			}
			var a [4][4]float64
			var rhs [4]float64
			fj, fk := &sd[j].phi, &sd[k].phi
			for c1 := range 2 {
				for r1 := range 2 {
					row := 2*c1 + r1
					rhs[row] = gs[j][r1] * gs[k][c1] * s
					for c2 := range 2 {
						for r2 := range 2 {
							col := 2*c2 + r2
							a[row][col] = -fk[c1][c2] * fj[r1][r2]
						}
					}
					a[row][row]++
				}
			}
			x := solve4(a, rhs)
			for c := range 2 {
				for r := range 2 {
					v := x[2*c+r]
					p[(2*j+r)*2*n+2*k+c] = v
					p[(2*k+c)*2*n+2*j+r] = v
				}
			}
		}
	}
	return p
}

// solve4 solves a 4×4 system by Gaussian elimination with partial pivoting.
// The matrices here are I − Φ_k ⊗ Φ_j with spectral radius of the Kronecker
// product below 1, hence never singular.
func solve4(a [4][4]float64, b [4]float64) [4]float64 {
	for c := range 4 {
		piv := c
		for r := c + 1; r < 4; r++ {
			if math.Abs(a[r][c]) > math.Abs(a[piv][c]) {
				piv = r
			}
		}
		a[c], a[piv] = a[piv], a[c]
		b[c], b[piv] = b[piv], b[c]
		for r := c + 1; r < 4; r++ {
			f := a[r][c] / a[c][c]
			for k := c; k < 4; k++ {
				a[r][k] -= f * a[c][k]
			}
			b[r] -= f * b[c]
		}
	}
	var x [4]float64
	for r := 3; r >= 0; r-- {
		s := b[r]
		for k := r + 1; k < 4; k++ {
			s -= a[r][k] * x[k]
		}
		x[r] = s / a[r][r]
	}
	return x
}

// accVariance returns the stationary variance of Σ_k r_k η̈_k at a sample
// time, given the shifted-state covariance p and the force covariance sp:
// η̈_k = c_k·z_k + d_k·p_k with z and p at the same instant independent.
func accVariance(sd []sdof, p, sp, r []float64) float64 {
	n := len(sd)
	v := 0.0
	for j := 0; j < n; j++ {
		if r[j] == 0 {
			continue
		}
		dj := sd[j].dfeed()
		for k := 0; k < n; k++ {
			if r[k] == 0 {
				continue
			}
			cz := 0.0
			for a := range 2 {
				for b := range 2 {
					cz += sd[j].c[a] * p[(2*j+a)*2*n+2*k+b] * sd[k].c[b]
				}
			}
			v += r[j] * r[k] * (cz + dj*sd[k].dfeed()*sp[j*n+k])
		}
	}
	return v
}
