package modal

import (
	"math"
	"math/rand/v2"
	"testing"
)

// syntheticPoles makes a stabilization diagram: each true mode appears at
// every order with tiny jitter, plus scattered noise poles.
func syntheticPoles(r *rand.Rand, truth []Mode, orders, noisePerOrder int) [][]Pole {
	var out [][]Pole
	for k := 0; k < orders; k++ {
		var ps []Pole
		for _, m := range truth {
			s := make([]complex128, len(m.Shape))
			for i, c := range m.Shape {
				s[i] = c + complex(1e-3*r.NormFloat64(), 1e-3*r.NormFloat64())
			}
			ps = append(ps, Pole{Order: 2 * (k + 1), FHz: m.FHz * (1 + 1e-4*r.NormFloat64()), Zeta: m.Zeta * (1 + 0.005*r.NormFloat64()), Shape: s, MPC: MPC(s), MPD: MPD(s)})
		}
		for j := 0; j < noisePerOrder; j++ {
			s := make([]complex128, len(truth[0].Shape))
			for i := range s {
				s[i] = complex(r.NormFloat64(), r.NormFloat64())
			}
			ps = append(ps, Pole{Order: 2 * (k + 1), FHz: 0.5 + 20*r.Float64(), Zeta: 0.2 * r.Float64(), Shape: s, MPC: MPC(s), MPD: MPD(s)})
		}
		out = append(out, ps)
	}
	return out
}

func TestStabilizeAndCluster(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	truth := []Mode{
		{FHz: 2.00, Zeta: 0.02, Shape: shapeOf(0.2, 0.5, 0.8, 1)},
		{FHz: 2.02, Zeta: 0.03, Shape: shapeOf(1, 0.2, -0.5, -0.3)}, // 1 % away from the first
		{FHz: 6.10, Zeta: 0.015, Shape: shapeOf(-1, -0.3, 0.4, 1)},
	}
	poles := syntheticPoles(r, truth, 30, 6)
	stable := Strict.Stable(poles)
	nStable := 0
	for k := range stable {
		for _, s := range stable[k] {
			if s {
				nStable++
			}
		}
	}
	if nStable < 3*25 {
		t.Fatalf("only %d stable poles", nStable)
	}
	modes := Cluster(poles, stable, ClusterOptions{})
	if len(modes) != len(truth) {
		for _, m := range modes {
			t.Logf("mode %.4f Hz ζ %.4f poles %d", m.FHz, m.Zeta, m.Poles)
		}
		t.Fatalf("found %d modes, want %d", len(modes), len(truth))
	}
	for i, m := range modes {
		if e := math.Abs(m.FHz-truth[i].FHz) / truth[i].FHz; e > 1e-3 {
			t.Errorf("mode %d: f = %v, want %v", i, m.FHz, truth[i].FHz)
		}
		if e := math.Abs(m.Zeta-truth[i].Zeta) / truth[i].Zeta; e > 0.02 {
			t.Errorf("mode %d: ζ = %v, want %v", i, m.Zeta, truth[i].Zeta)
		}
		if mac := MAC(m.Shape, truth[i].Shape); mac < 0.999 {
			t.Errorf("mode %d: MAC = %v", i, mac)
		}
		if m.Poles > 30 {
			t.Errorf("mode %d merged %d poles from 30 orders: same-order poles were merged", i, m.Poles)
		}
		if m.FStdHz <= 0 || m.FStdHz > 1e-3*m.FHz {
			t.Errorf("mode %d: f std = %v", i, m.FStdHz)
		}
	}
}

func TestHardCriteria(t *testing.T) {
	s := shapeOf(1, 0.5)
	mk := func(f, z float64) Pole { return Pole{FHz: f, Zeta: z, Shape: s, MPC: 1} }
	poles := [][]Pole{{mk(2, 0.02), mk(3, 0.25), mk(4, -0.01)}, {mk(2, 0.02), mk(3, 0.25), mk(4, -0.01)}}
	st := Strict.Stable(poles)
	if !st[1][0] || st[1][1] || st[1][2] {
		t.Fatalf("stable = %v: want only the 2 Hz pole (ζ 25 %% and negative ζ are not physical)", st[1])
	}
	if st[0][0] {
		t.Fatal("the lowest order has nothing to be stable against")
	}
}
