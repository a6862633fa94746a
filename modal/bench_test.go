package modal

import (
	"context"
	"testing"

	"github.com/struna/struna/dsp"
	"github.com/struna/struna/sim"
)

func simData(b *testing.B, storeys int, levels []int, minutes, fs float64, opts ...sim.Option) [][]float64 {
	return simDataLines(b, storeys, levels, minutes, fs, nil, opts...)
}

// simDataLines is simData with machines running (harmonic forces).
func simDataLines(b *testing.B, storeys int, levels []int, minutes, fs float64, lines []sim.Harmonic, opts ...sim.Option) [][]float64 {
	b.Helper()
	bld, err := sim.RegularBuilding(storeys, opts...)
	if err != nil {
		b.Fatal(err)
	}
	sensors, err := sim.DefaultSensors(bld, levels)
	if err != nil {
		b.Fatal(err)
	}
	res, err := sim.Simulate(context.Background(), sim.Config{Building: bld, Sensors: sensors, SampleRate: fs, Duration: minutes * 60, Seed: 1, Noise: &sim.Noise{SNRdB: 20}, Harmonics: lines})
	if err != nil {
		b.Fatal(err)
	}
	return res.Data
}

// BenchmarkSSICovPyOMA2Case is the reference case of the issue: PyOMA2's
// SSI-cov takes 1.9 s for 8 channels × 120 000 samples, 40 block rows,
// orders up to 80 (before any selection). Here: correlations, block
// Hankel, truncated SVD and the poles of every order 2..80.
func BenchmarkSSICovPyOMA2Case(b *testing.B) {
	y := simData(b, 8, []int{2, 4, 6, 8}, 10, 200)[:8] // 8 channels × 120 000
	const br = 40
	b.ResetTimer()
	for range b.N {
		c, err := dsp.Correlations(y, 2*br, dsp.CorrelationOptions{})
		if err != nil {
			b.Fatal(err)
		}
		res, err := SSICov(context.Background(), func(k int) []float64 { return c.Lag(k) }, 8, 8, SSIOptions{BlockRows: br, MaxOrder: 80, Dt: 1.0 / 200})
		if err != nil || len(res.Orders) != 40 {
			b.Fatal(err, len(res.Orders))
		}
	}
}

// BenchmarkIdentify16ch30min is the whole `struna modal --method auto`
// core on 16 channels × 30 min × 200 Hz (the issue's ≤ 2 s target).
func BenchmarkIdentify16ch30min(b *testing.B) {
	y := simData(b, 10, []int{2, 4, 6, 8, 10, 0}, 30, 200)[:16]
	b.ResetTimer()
	for range b.N {
		res, err := Identify(context.Background(), y, 200, Options{})
		if err != nil || len(res.Modes) < 3 {
			b.Fatal(err, len(res.Modes))
		}
	}
}

// BenchmarkBayesFFTRegion is the close-mode check of one stretch holding
// a 1 % x/y pair (0.53 Hz, 17 min, 6 channels): the record's FFT, the
// band's principal plane and the zero-, one- and two-mode fits with their
// posterior curvature.
func BenchmarkBayesFFTRegion(b *testing.B) {
	sc := scenarios(48, 1)[15]
	res := simulateScenario(b, sc)
	f := res.Truth.Modes[0].FHz
	r := closeRegion{fc: f, zeta: 0.02, members: nil}
	r.lo, r.hi = f*(1-4*r.zeta), f*(1+4*r.zeta)
	b.ResetTimer()
	for range b.N {
		sp := recordSpectrum(res.Data, res.SampleRate)
		v, err := judgeRegion(sp, r, nil, true)
		if err != nil || v.fits[2] == nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkIdentify16ch30minClosePairs is the speed case on a
// nearly symmetric building (every x/y pair 1 % apart), where the
// Bayesian FFT examines every stretch SSI found one mode in.
func BenchmarkIdentify16ch30minClosePairs(b *testing.B) {
	y := simData(b, 10, []int{2, 4, 6, 8, 10, 0}, 30, 200, sim.WithStiffnessRatioXY(1.02), sim.WithRandomEccentricity(3))[:16]
	b.ResetTimer()
	for range b.N {
		id, err := Identify(context.Background(), y, 200, Options{})
		if err != nil || len(id.Modes) < 3 {
			b.Fatal(err)
		}
	}
}

// BenchmarkIdentify16ch30minMachineLine is BenchmarkIdentify16ch30min
// with a machine running on the roof at 1.3·f1: the line is recognised,
// subtracted, and the modes found again on the cleaned record.
func BenchmarkIdentify16ch30minMachineLine(b *testing.B) {
	bld, err := sim.RegularBuilding(10)
	if err != nil {
		b.Fatal(err)
	}
	line := []sim.Harmonic{{Floor: 10, X: 3, Y: 2, Axis: sim.AxisX, Amplitude: bld.Floors[9].Mass * sim.DefaultAmbientRMS, FrequencyHz: 1.3}}
	y := simDataLines(b, 10, []int{2, 4, 6, 8, 10, 0}, 30, 200, line)[:16]
	b.ResetTimer()
	for range b.N {
		id, err := Identify(context.Background(), y, 200, Options{})
		if err != nil || len(id.Modes) < 3 || len(id.Provenance.LinesRemovedHz) != 1 {
			b.Fatal(err, len(id.Modes), id.Provenance.LinesRemovedHz)
		}
	}
}

// BenchmarkStrongLines is the search for machine lines every
// identification makes: a Hann-windowed FFT of every channel and the
// neighbourhood test, 16 channels × 30 min at the decimated 28.6 Hz.
func BenchmarkStrongLines(b *testing.B) {
	y := simData(b, 10, []int{2, 4, 6, 8, 10, 0}, 30, 28.57)[:16]
	b.ResetTimer()
	for range b.N {
		if lines := strongLines(y, 28.57, 0.5, 10); len(lines) != 0 {
			b.Fatalf("lines %v in ambient data", freqsOf(lines))
		}
	}
}
