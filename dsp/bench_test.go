package dsp

import (
	"math/rand/v2"
	"syscall"
	"testing"
	"time"
)

// cpuTimer reports the process CPU time per iteration as "cpu-ns/op" next
// to the wall-clock ns/op: on a machine shared with other jobs the wall
// clock includes time spent waiting for a core, CPU time does not. (With
// -cpu 1 the package code runs on one thread; the figure also includes the
// garbage collector's work.)
type cpuTimer struct {
	start time.Duration
	n     int
}

func cpuNow() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func startCPU() *cpuTimer { return &cpuTimer{start: cpuNow()} }

func (c *cpuTimer) report(b *testing.B) {
	if c.n > 0 {
		b.ReportMetric(float64(cpuNow()-c.start)/float64(c.n), "cpu-ns/op")
	}
}

// benchChannels is n channels of 30 minutes at 200 Hz of correlated noise.
func benchChannels(n int) [][]float64 {
	const samples = 30 * 60 * 200
	rng := rand.New(rand.NewPCG(11, 12))
	x := make([][]float64, n)
	for c := range x {
		x[c] = make([]float64, samples)
		for i := range x[c] {
			x[c][i] = rng.NormFloat64()
			if c > 0 {
				x[c][i] += 0.5 * x[c-1][i]
			}
		}
	}
	return x
}

// BenchmarkCrossSpectra16x30min: 16 channels × 360 000 samples, 4096-sample
// segments with 50 % overlap (174 segments, 2049 lines, 136 channel pairs).
// Run with -cpu 1; the target is well under one second per op.
func BenchmarkCrossSpectra16x30min(b *testing.B) {
	x := benchChannels(16)
	ct := startCPU()
	for b.Loop() {
		ct.n++
		if _, err := CrossSpectra(x, 200, WelchOptions{SegmentLen: 4096}); err != nil {
			b.Fatal(err)
		}
	}
	ct.report(b)
}

// BenchmarkCorrelations16ch: all 256 correlation functions of 16 channels ×
// 360 000 samples, lags 0..200.
func BenchmarkCorrelations16ch(b *testing.B) {
	x := benchChannels(16)
	ct := startCPU()
	for b.Loop() {
		ct.n++
		if _, err := Correlations(x, 200, CorrelationOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	ct.report(b)
}

// BenchmarkFiltFilt: order-4 Butterworth band-pass (8 poles), one channel of
// 360 000 samples.
func BenchmarkFiltFilt(b *testing.B) {
	x := benchChannels(1)[0]
	s, err := Butterworth(4, Bandpass(0.5, 25), 200)
	if err != nil {
		b.Fatal(err)
	}
	dst := make([]float64, len(x))
	ct := startCPU()
	for b.Loop() {
		ct.n++
		if _, err := s.FiltFilt(dst, x); err != nil {
			b.Fatal(err)
		}
	}
	ct.report(b)
}

// BenchmarkDecimate: one channel of 360 000 samples by 4.
func BenchmarkDecimate(b *testing.B) {
	x := benchChannels(1)[0]
	ct := startCPU()
	for b.Loop() {
		ct.n++
		if _, err := Decimate(x, 4); err != nil {
			b.Fatal(err)
		}
	}
	ct.report(b)
}

// BenchmarkResample: one channel of 360 000 samples by 2/5.
func BenchmarkResample(b *testing.B) {
	x := benchChannels(1)[0]
	ct := startCPU()
	for b.Loop() {
		ct.n++
		if _, err := Resample(x, 2, 5); err != nil {
			b.Fatal(err)
		}
	}
	ct.report(b)
}
