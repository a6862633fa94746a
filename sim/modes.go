package sim

import (
	"errors"
	"math"
	"sort"

	"gonum.org/v1/gonum/mat"
)

// Modes is the undamped modal model of a building: K φ = ω² M φ.
type Modes struct {
	// Omega holds the circular frequencies ω_k (rad/s) in ascending order.
	Omega []float64
	// Phi holds the mode shapes as columns (3n × 3n), mass normalised
	// (Φᵀ M Φ = I), degrees of freedom ordered as in Building.Matrices.
	// Each column's sign makes its largest mass-weighted component
	// √M·φ positive.
	Phi *mat.Dense
	// Mass holds the diagonal of M.
	Mass []float64
}

// Len returns the number of modes (3 per storey).
func (m *Modes) Len() int { return len(m.Omega) }

// Freq returns f_k = ω_k/2π in Hz.
func (m *Modes) Freq(k int) float64 { return m.Omega[k] / (2 * math.Pi) }

// Modes solves the eigenproblem of the building as the symmetric problem
// (M^{-1/2} K M^{-1/2}) v = ω² v.
func (b *Building) Modes() (*Modes, error) {
	k, m, err := b.Matrices()
	if err != nil {
		return nil, err
	}
	nd := k.SymmetricDim()
	mass := make([]float64, nd)
	is := make([]float64, nd) // M^{-1/2}
	for i := range nd {
		mass[i] = m.At(i, i)
		is[i] = 1 / math.Sqrt(mass[i])
	}
	a := mat.NewSymDense(nd, nil)
	for i := range nd {
		for j := i; j < nd; j++ {
			a.SetSym(i, j, k.At(i, j)*is[i]*is[j])
		}
	}
	for i := range nd {
		for j := i; j < nd; j++ {
			if !finite(a.At(i, j)) {
				return nil, errors.New("building: stiffness over mass overflows (values too extreme)")
			}
		}
	}
	var es mat.EigenSym
	if !es.Factorize(a, true) {
		return nil, errors.New("building: eigen-decomposition did not converge")
	}
	lam := es.Values(nil)
	var v mat.Dense
	es.VectorsTo(&v)
	order := make([]int, nd)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(x, y int) bool { return lam[order[x]] < lam[order[y]] })

	out := &Modes{Omega: make([]float64, nd), Phi: mat.NewDense(nd, nd, nil), Mass: mass}
	col := make([]float64, nd)
	for c, src := range order {
		// Eigenvalues are accurate to about eps·λ_max, so a ratio below
		// 1e-12 would leave the lowest modes as rounding noise.
		if !(lam[src] > 1e-12*lam[order[nd-1]]) || math.IsInf(lam[src], 0) {
			return nil, errors.New("building: the stiffness over mass ratios span too many orders of magnitude for float64 (lowest mode lost to rounding)")
		}
		out.Omega[c] = math.Sqrt(lam[src])
		for i := range nd {
			col[i] = v.At(i, src) // = √M φ
		}
		if col[argMaxAbs(col)] < 0 {
			for i := range col {
				col[i] = -col[i]
			}
		}
		for i := range nd {
			out.Phi.Set(i, c, col[i]*is[i])
		}
	}
	return out, nil
}

// argMaxAbs returns the index of the largest |x_i|; among components equal
// to it within a relative 1e-9 the first wins, so that the choice does not
// hinge on rounding in symmetric layouts.
func argMaxAbs(x []float64) int {
	mx := 0.0
	for _, v := range x {
		mx = math.Max(mx, math.Abs(v))
	}
	for i, v := range x {
		if math.Abs(v) >= mx*(1-1e-9) {
			return i
		}
	}
	return 0
}

// EnergyFractions returns the share of mode k's kinetic energy (equal to
// its mass-normalised φᵀMφ = 1) in x translation, y translation and
// torsion. They add up to 1.
func (m *Modes) EnergyFractions(k int) (x, y, theta float64) {
	nd := len(m.Omega)
	for i := 0; i < nd; i++ {
		e := m.Mass[i] * m.Phi.At(i, k) * m.Phi.At(i, k)
		switch i % 3 {
		case 0:
			x += e
		case 1:
			y += e
		default:
			theta += e
		}
	}
	return x, y, theta
}

// Direction names the dominant motion of mode k: "x", "y" or "torsion",
// by its kinetic energy fractions.
func (m *Modes) Direction(k int) string {
	x, y, t := m.EnergyFractions(k)
	switch {
	case x >= y && x >= t:
		return "x"
	case y >= t:
		return "y"
	}
	return "torsion"
}

// ModalMassRatio returns the effective modal mass of mode k for ground
// motion along x and along y as a fraction of the total mass: Γ²/Σm with
// Γ = φᵀ M r (Chopra, modal analysis for ground motion). Over all modes each adds up to 1.
func (m *Modes) ModalMassRatio(k int) (x, y float64) {
	var gx, gy, tot float64
	for i := 0; i < len(m.Omega); i++ {
		switch i % 3 {
		case 0:
			gx += m.Mass[i] * m.Phi.At(i, k)
			tot += m.Mass[i]
		case 1:
			gy += m.Mass[i] * m.Phi.At(i, k)
		}
	}
	return gx * gx / tot, gy * gy / tot
}

// participation returns Γ_k = φ_kᵀ M r for ground motion along axis c
// (0 = x, 1 = y).
func (m *Modes) participation(c int) []float64 {
	g := make([]float64, len(m.Omega))
	for k := range g {
		for i := c; i < len(m.Omega); i += 3 {
			g[k] += m.Mass[i] * m.Phi.At(i, k)
		}
	}
	return g
}

// ExpandZeta returns n damping ratios from a per-mode list whose last value
// repeats; an empty list gives DefaultZeta for every mode.
func ExpandZeta(zeta []float64, n int) []float64 {
	out := make([]float64, n)
	for k := range out {
		switch {
		case len(zeta) == 0:
			out[k] = DefaultZeta
		case k < len(zeta):
			out[k] = zeta[k]
		default:
			out[k] = zeta[len(zeta)-1]
		}
	}
	return out
}
