package sim

import (
	"math"
	"math/rand/v2"
	"testing"
)

// step advances s by one FOH step from force p0 to p1.
func (d *sdof) step(s [2]float64, p0, p1 float64) [2]float64 {
	return [2]float64{
		d.phi[0][0]*s[0] + d.phi[0][1]*s[1] + d.b0[0]*p0 + d.b1[0]*p1,
		d.phi[1][0]*s[0] + d.phi[1][1]*s[1] + d.b0[1]*p0 + d.b1[1]*p1,
	}
}

var discCases = []struct{ f, zeta, fs float64 }{
	{1, 0.02, 200},
	{0.2, 0.01, 200}, // ωh ≈ 0.006: small-argument accuracy
	{12, 0.05, 100},
	{45, 0.3, 100}, // close to Nyquist, heavy damping
	{3, 0.9, 50},
}

// Free decay x(t) = e^{−ζωt}(x0 cos ω_d t + (v0 + ζωx0)/ω_d sin ω_d t).
func TestFreeDecayExact(t *testing.T) {
	for _, c := range discCases {
		w, h := 2*math.Pi*c.f, 1/c.fs
		wd := w * math.Sqrt(1-c.zeta*c.zeta)
		d := discretize(w, c.zeta, h)
		x0, v0 := 0.013, -0.4
		s := [2]float64{x0, v0 / w}
		scale := math.Max(math.Abs(x0), math.Abs(v0)/w)
		for j := 1; j <= 20000; j++ {
			s = d.step(s, 0, 0)
			tt := float64(j) * h
			e := math.Exp(-c.zeta * w * tt)
			sn, cs := math.Sincos(wd * tt)
			x := e * (x0*cs + (v0+c.zeta*w*x0)/wd*sn)
			v := e * (v0*cs - (w*w*x0+c.zeta*w*v0)/wd*sn)
			if math.Abs(s[0]-x) > 1e-10*scale || math.Abs(s[1]*w-v) > 1e-10*scale*w {
				t.Fatalf("f=%g ζ=%g fs=%g step %d: x=%.16g want %.16g, v=%.16g want %.16g", c.f, c.zeta, c.fs, j, s[0], x, s[1]*w, v)
			}
		}
	}
}

// Step p = F from rest: x = F/ω²·[1 − e^{−ζωt}(cos ω_d t + ζω/ω_d sin ω_d t)];
// ramp p = t from rest: x = (t − 2ζ/ω)/ω² + e^{−ζωt}(A cos + B sin) with
// A = 2ζ/ω³, B = (ζωA − 1/ω²)/ω_d. FOH is exact for both.
func TestStepAndRampExact(t *testing.T) {
	for _, c := range discCases {
		w, h := 2*math.Pi*c.f, 1/c.fs
		z := c.zeta
		wd := w * math.Sqrt(1-z*z)
		d := discretize(w, z, h)
		const F = 2.5
		s := [2]float64{}
		r := [2]float64{}
		n := 20000
		for j := 1; j <= n; j++ {
			tt := float64(j) * h
			s = d.step(s, F, F)
			r = d.step(r, tt-h, tt)
			e := math.Exp(-z * w * tt)
			sn, cs := math.Sincos(wd * tt)
			xs := F / (w * w) * (1 - e*(cs+z*w/wd*sn))
			if math.Abs(s[0]-xs) > 1e-10*F/(w*w) {
				t.Fatalf("f=%g ζ=%g step %d: step response %.16g want %.16g", c.f, z, j, s[0], xs)
			}
			a := 2 * z / (w * w * w)
			b := (z*w*a - 1/(w*w)) / wd
			xr := (tt-2*z/w)/(w*w) + e*(a*cs+b*sn)
			tmax := float64(n) * h
			if math.Abs(r[0]-xr) > 1e-10*tmax/(w*w) {
				t.Fatalf("f=%g ζ=%g step %d: ramp response %.16g want %.16g", c.f, z, j, r[0], xr)
			}
		}
	}
}

// The logarithmic decrement of the simulated free decay over one damped
// period gives ζ back: δ = ζωT_d, ζ = δ/√(4π² + δ²).
func TestLogDecrement(t *testing.T) {
	const fs = 200.0
	for _, z := range []float64{0.005, 0.02, 0.1} {
		// ω_d chosen so that the damped period is exactly 150 samples.
		wd := 2 * math.Pi * fs / 150
		w := wd / math.Sqrt(1-z*z)
		d := discretize(w, z, 1/fs)
		s := [2]float64{1, 0}
		xs := []float64{1}
		for range 3 * 150 {
			s = d.step(s, 0, 0)
			xs = append(xs, s[0])
		}
		for _, k := range []int{0, 150} {
			delta := math.Log(xs[k] / xs[k+150])
			got := delta / math.Sqrt(4*math.Pi*math.Pi+delta*delta)
			if math.Abs(got-z) > 1e-10 {
				t.Errorf("ζ=%g: log decrement gives %.12g", z, got)
			}
		}
	}
}

// For i.i.d. force samples of variance σ² joined linearly (FOH), the
// force's two-sided PSD is σ²h·sinc⁴(fh) (triangle kernel), so for light
// damping σ_η² ≈ πS₀/(2ζω³) with S₀ = σ²h·sinc⁴(f_n h)/(2π) per rad/s
// (Crandall & Mark, Random Vibration), and σ_η̇² ≈ ω²σ_η².
func TestStationaryVarianceAnalytic(t *testing.T) {
	for _, c := range []struct{ f, zeta, fs float64 }{{1, 0.02, 200}, {2, 0.01, 50}, {5, 0.05, 200}} {
		w, h := 2*math.Pi*c.f, 1/c.fs
		d := discretize(w, c.zeta, h)
		const sig2 = 3.7
		p := stationaryCov([]sdof{d}, []float64{sig2})
		// s = z + b1 p with z ⟂ p.
		v11 := p[0] + d.b1[0]*d.b1[0]*sig2
		v22 := p[3] + d.b1[1]*d.b1[1]*sig2
		x := math.Pi * c.f * h
		sinc4 := math.Pow(math.Sin(x)/x, 4)
		want := sig2 * h * sinc4 / (4 * c.zeta * w * w * w)
		if r := relErr(v11, want); r > 0.005 {
			t.Errorf("f=%g ζ=%g: σ_η² = %g, analytic %g (rel %g)", c.f, c.zeta, v11, want, r)
		}
		// (η̇/ω)² has the same variance; its response has heavier tails, so the
		// flat-spectrum approximation is worse by O(ζ·fh).
		if r := relErr(v22, want); r > 0.015 {
			t.Errorf("f=%g ζ=%g: σ²(η̇/ω) = %g, analytic %g (rel %g)", c.f, c.zeta, v22, want, r)
		}
	}
}

// The joint covariance must satisfy P = Φ P Φᵀ + G Σ Gᵀ for correlated
// forces on several modes.
func TestStationaryCovResidual(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	n := 5
	sd := make([]sdof, n)
	for k := range sd {
		sd[k] = discretize(2*math.Pi*(0.7+1.3*float64(k)), 0.01+0.01*float64(k), 0.005)
	}
	l := make([]float64, n*n)
	for i := range l {
		l[i] = rng.NormFloat64()
	}
	sp := make([]float64, n*n)
	for i := range n {
		for j := range n {
			for k := range n {
				sp[i*n+j] += l[i*n+k] * l[j*n+k]
			}
		}
	}
	p := stationaryCov(sd, sp)
	m := 2 * n
	at := func(i, j int) float64 { return p[i*m+j] }
	for i := range m {
		for j := range m {
			ji, ri := i/2, i%2
			jj, rj := j/2, j%2
			s := 0.0
			for a := range 2 {
				for b := range 2 {
					s += sd[ji].phi[ri][a] * at(2*ji+a, 2*jj+b) * sd[jj].phi[rj][b]
				}
			}
			s += sd[ji].g()[ri] * sd[jj].g()[rj] * sp[ji*n+jj]
			if math.Abs(s-at(i, j)) > 1e-12*math.Sqrt(at(i, i)*at(j, j)) {
				t.Fatalf("residual at %d,%d: %g vs %g", i, j, s, at(i, j))
			}
		}
	}
}
