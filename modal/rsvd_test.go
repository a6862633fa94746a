package modal

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestLeadingSVD(t *testing.T) {
	// A rank-20 matrix with decaying singular values plus small noise, large
	// enough to take the randomized path; compare with gonum's full SVD.
	r := rand.New(rand.NewPCG(1, 2))
	const rows, cols, rank = 400, 300, 20
	a := mat.NewDense(rows, rank, nil)
	b := mat.NewDense(rank, cols, nil)
	for i := range rows {
		for j := range rank {
			a.Set(i, j, r.NormFloat64()*math.Pow(0.7, float64(j)))
		}
	}
	for i := range rank {
		for j := range cols {
			b.Set(i, j, r.NormFloat64())
		}
	}
	h := mat.NewDense(rows, cols, nil)
	h.Mul(a, b)
	for i := range rows {
		for j := range cols {
			h.Set(i, j, h.At(i, j)+1e-6*r.NormFloat64())
		}
	}
	const k = 12
	u, s, err := leadingSVD(h, k)
	if err != nil {
		t.Fatal(err)
	}
	var full mat.SVD
	full.Factorize(h, mat.SVDThin)
	want := full.Values(nil)
	var uf mat.Dense
	full.UTo(&uf)
	for i := range k {
		if math.Abs(s[i]-want[i]) > 1e-9*want[0] {
			t.Errorf("σ%d = %v, want %v", i, s[i], want[i])
		}
		// Same singular vector up to sign.
		dot := 0.0
		for j := range rows {
			dot += u.At(j, i) * uf.At(j, i)
		}
		if math.Abs(math.Abs(dot)-1) > 1e-6 {
			t.Errorf("u%d differs from the exact singular vector: |dot| = %v", i, math.Abs(dot))
		}
	}
}
