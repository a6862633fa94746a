package dsp

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// lcgUniform mirrors make_golden.py's lcg_uniform: Knuth's MMIX LCG, top 53
// bits as a uniform in [0, 1) (exact in float64).
func lcgUniform(seed uint64, n int) []float64 {
	out := make([]float64, n)
	s := seed
	for i := range out {
		s = s*6364136223846793005 + 1442695040888963407
		out[i] = float64(s>>11) / 9007199254740992.0
	}
	return out
}

// goldenInput mirrors make_golden.py's make_input bit for bit. The explicit
// float64 conversions forbid fused multiply-adds, which Python does not use.
func goldenInput(seed uint64, n, nch int) [][]float64 {
	e1 := lcgUniform(seed, n)
	e2 := lcgUniform(seed+1, n)
	y1 := make([]float64, n)
	y2 := make([]float64, n)
	at := func(y []float64, t int) float64 {
		if t < 0 {
			return 0
		}
		return y[t]
	}
	for t := range n {
		y1[t] = float64(1.8*at(y1, t-1)) - float64(0.95*at(y1, t-2)) + (e1[t] - 0.5)
		y2[t] = float64(0.6*at(y2, t-1)) - float64(0.9*at(y2, t-2)) + (e2[t] - 0.5)
	}
	mix := [][2]float64{{1.0, 0.5}, {0.75, -1.25}, {-0.5, 2.0}, {1.5, 0.25}}
	x := make([][]float64, nch)
	for c := range nch {
		u := lcgUniform(seed+10+uint64(c), n)
		m := mix[c%len(mix)]
		x[c] = make([]float64, n)
		for t := range n {
			x[c][t] = float64(m[0]*y1[t]) + float64(m[1]*y2[t]) + float64(0.1*(u[t]-0.5)) + float64(0.01*float64(t))
		}
	}
	return x
}

type goldenMeta struct {
	Scipy string `json:"scipy"`
	Input struct {
		Seed     uint64      `json:"seed"`
		N        int         `json:"n"`
		Channels int         `json:"channels"`
		First    [][]float64 `json:"first"`
		Sum      []float64   `json:"sum"`
	} `json:"input"`
}

// input regenerates the golden input and fails unless it is bit-identical
// to what the script used.
func (m *goldenMeta) input(t *testing.T) [][]float64 {
	t.Helper()
	x := goldenInput(m.Input.Seed, m.Input.N, m.Input.Channels)
	for c := range x {
		for i, v := range m.Input.First[c] {
			if x[c][i] != v {
				t.Fatalf("golden input channel %d sample %d: Go %v, Python %v (regeneration not exact)", c, i, x[c][i], v)
			}
		}
		var s float64
		for _, v := range x[c] {
			s += v
		}
		if s != m.Input.Sum[c] {
			t.Fatalf("golden input channel %d: sum %v, Python %v (regeneration not exact)", c, s, m.Input.Sum[c])
		}
	}
	return x
}

func readGolden(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("golden file (regenerate with /usr/bin/python3 dsp/testdata/make_golden.py): %v", err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

type cplxJSON struct {
	Re []float64 `json:"re"`
	Im []float64 `json:"im"`
}

// closeRel reports whether |got − want| ≤ tol·scale for every element,
// scale being max(|want|) over the slice (so elements near zero are judged
// against the signal's size, not their own), and returns the worst ratio.
func closeRel(got, want []float64, tol float64) (bool, float64, int) {
	if len(got) != len(want) {
		return false, math.Inf(1), -1
	}
	var scale float64
	for _, w := range want {
		scale = max(scale, math.Abs(w))
	}
	if scale == 0 {
		scale = 1
	}
	worst, wi := 0.0, -1
	for i := range got {
		r := math.Abs(got[i]-want[i]) / scale
		if !(r <= worst) {
			worst, wi = r, i
		}
	}
	return worst <= tol, worst, wi
}

func assertClose(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	ok, worst, i := closeRel(got, want, tol)
	if !ok {
		if i < 0 || i >= len(got) {
			t.Errorf("%s: length %d, want %d", what, len(got), len(want))
			return
		}
		t.Errorf("%s: worst relative error %.3g > %.0g at %d (got %v, want %v)", what, worst, tol, i, got[i], want[i])
	}
}
