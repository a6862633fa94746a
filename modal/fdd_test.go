package modal

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/struna/struna/dsp"
)

// simulate draws N samples of y = C x with x' = A x + w, w ~ N(0, I).
func (s *exactSystem) simulate(seed uint64, samples int, noise float64) [][]float64 {
	r := rand.New(rand.NewPCG(seed, 11))
	ns, _ := s.a.Dims()
	n, _ := s.c.Dims()
	a, c := s.a.RawMatrix(), s.c.RawMatrix()
	x, nx := make([]float64, ns), make([]float64, ns)
	y := make([][]float64, n)
	for i := range y {
		y[i] = make([]float64, samples)
	}
	for t := -2000; t < samples; t++ {
		for i := range ns {
			v := r.NormFloat64()
			for j := range ns {
				v += a.Data[i*a.Stride+j] * x[j]
			}
			nx[i] = v
		}
		x, nx = nx, x
		if t < 0 {
			continue
		}
		for i := range n {
			v := 0.0
			for j := range ns {
				v += c.Data[i*c.Stride+j] * x[j]
			}
			y[i][t] = v + noise*r.NormFloat64()
		}
	}
	return y
}

func TestFDDOnSimulatedResponse(t *testing.T) {
	fs := []float64{1.2, 3.4, 5.9}
	zs := []float64{0.02, 0.015, 0.03}
	const rate = 25.0
	sys := newExactSystem(t, fs, zs, 5, 1/rate, 2)
	y := sys.simulate(5, int(rate*1800), 0.05)
	g, err := dsp.CrossSpectra(y, rate, dsp.WelchOptions{SegmentLen: 4096})
	if err != nil {
		t.Fatal(err)
	}
	res, err := FDD(context.Background(), g, FDDOptions{FMin: 0.5, FMax: 8})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Peaks) != len(fs) {
		for _, p := range res.Peaks {
			t.Logf("peak %.4f Hz ζ %.4f", p.FHz, p.Zeta)
		}
		t.Fatalf("found %d peaks, want %d", len(res.Peaks), len(fs))
	}
	for i, p := range res.Peaks {
		m := sys.modes[i]
		if e := math.Abs(p.FHz-m.FHz) / m.FHz; e > 0.005 {
			t.Errorf("mode %d: f = %.4f, want %.4f (err %.2f %%)", i, p.FHz, m.FHz, 100*e)
		}
		if e := math.Abs(p.Zeta-m.Zeta) / m.Zeta; e > 0.3 {
			t.Errorf("mode %d: ζ = %.4f, want %.4f (err %.0f %%)", i, p.Zeta, m.Zeta, 100*e)
		}
		if mac := MAC(p.Shape, m.Shape); mac < 0.95 {
			t.Errorf("mode %d: MAC = %.3f", i, mac)
		}
		t.Logf("mode %d: f %.4f (true %.4f) ζ %.4f (true %.4f) MAC %.4f", i, p.FHz, m.FHz, p.Zeta, m.Zeta, MAC(p.Shape, m.Shape))
	}
}
