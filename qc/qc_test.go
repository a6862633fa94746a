package qc

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/struna/struna/seis"
)

var t0 = time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)

func noise(seed uint64, n int) []float64 {
	r := rand.New(rand.NewPCG(seed, 1))
	x := make([]float64, n)
	for i := range x {
		x[i] = r.NormFloat64()
	}
	return x
}

func ch(cha string, rate float64, start time.Time, x []float64) seis.Trace {
	return seis.Trace{ID: seis.SourceID{Network: "XX", Station: "B1", Location: "01", Channel: cha}, SampleRate: rate, Start: start, Samples: x}
}

func codes(flags []Flag) map[string]Flag {
	m := map[string]Flag{}
	for _, f := range flags {
		m[f.Code] = f
	}
	return m
}

func TestCheck(t *testing.T) {
	const fs = 100.0
	n := int(20 * 60 * fs) // 20 minutes: 600 cycles at 0.5 Hz
	clean := noise(1, n)

	// A building swaying at 1 Hz beyond the digitiser's full scale: the
	// samples sit at the rails for many consecutive samples each cycle.
	clipped := noise(2, n)
	for i := range clipped {
		v := 3*math.Sin(2*math.Pi*float64(i)/fs) + 0.1*clipped[i]
		clipped[i] = math.Max(math.Min(v, 2.5), -2.5)
	}
	dead := make([]float64, n)
	for i := range dead {
		dead[i] = 17
	}
	spiky := noise(3, n)
	spiky[1000] = 80
	spiky[50000] = -120
	flat := noise(4, n)
	for i := 20000; i < 20000+int(3*fs); i++ {
		flat[i] = flat[19999]
	}
	withNaN := noise(5, n)
	withNaN[7] = math.NaN()
	withNaN[8] = math.Inf(1)
	short := noise(6, int(60*fs)) // 60 s = 30 cycles at 0.5 Hz
	medium := noise(7, int(500*fs))

	tests := []struct {
		name   string
		traces []seis.Trace
		want   []string // codes expected on the first channel
		not    []string // codes that must not be there
		sev    Severity
	}{
		{"clean noise", []seis.Trace{ch("HNZ", fs, t0, clean)}, nil, []string{CodeClipped, CodeSpike, CodeFlat, CodeDead, CodeTooShort, CodeShort}, ""},
		{"clipped", []seis.Trace{ch("HNZ", fs, t0, clipped)}, []string{CodeClipped}, nil, Error},
		{"dead", []seis.Trace{ch("HNZ", fs, t0, dead)}, []string{CodeDead}, []string{CodeClipped, CodeFlat}, Error},
		{"spikes", []seis.Trace{ch("HNZ", fs, t0, spiky)}, []string{CodeSpike}, []string{CodeClipped}, Warning},
		{"flat line", []seis.Trace{ch("HNZ", fs, t0, flat)}, []string{CodeFlat}, []string{CodeClipped}, Warning},
		{"nan", []seis.Trace{ch("HNZ", fs, t0, withNaN)}, []string{CodeNaN}, nil, Error},
		{"too short", []seis.Trace{ch("HNZ", fs, t0, short)}, []string{CodeTooShort}, nil, Error},
		{"short", []seis.Trace{ch("HNZ", fs, t0, medium)}, []string{CodeShort}, []string{CodeTooShort}, Warning},
		{"gap", []seis.Trace{ch("HNZ", fs, t0, clean[:n/2]), ch("HNZ", fs, t0.Add(time.Duration(n/2+100)*10*time.Millisecond), clean[n/2:])}, []string{CodeGap}, nil, Warning},
		{"rate mismatch", []seis.Trace{ch("HNE", fs/2, t0, clean[:n/2]), ch("HNN", fs, t0, noise(8, n)), ch("HNZ", fs, t0, noise(9, n))}, []string{CodeRateMismatch}, nil, Warning},
		{"weak", []seis.Trace{ch("HNE", fs, t0, scale(noise(10, n), 1e-6)), ch("HNN", fs, t0, noise(11, n)), ch("HNZ", fs, t0, noise(12, n))}, []string{CodeWeak}, nil, Warning},
		{"no common span", []seis.Trace{ch("HNE", fs, t0.Add(2*time.Hour), noise(13, n)), ch("HNN", fs, t0, noise(14, n))}, []string{CodeNoOverlap}, nil, Error},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			chans := seis.Merge(tc.traces)
			flags := Check(chans, Options{})
			got := codes(flags[0])
			for _, c := range tc.want {
				if _, ok := got[c]; !ok {
					t.Errorf("flag %q missing; got %+v", c, flags[0])
				}
			}
			for _, c := range tc.not {
				if f, ok := got[c]; ok {
					t.Errorf("unexpected flag %+v", f)
				}
			}
			if w := Worst(flags[0]); w != tc.sev {
				t.Errorf("worst severity = %q, want %q (%+v)", w, tc.sev, flags[0])
			}
		})
	}
}

func scale(x []float64, k float64) []float64 {
	for i := range x {
		x[i] *= k
	}
	return x
}

func TestSpikeCount(t *testing.T) {
	x := noise(20, 100000)
	for _, i := range []int{10, 2000, 30000, 99990} {
		x[i] = 50
	}
	flags := Check(seis.Merge([]seis.Trace{ch("HNZ", 100, t0, x)}), Options{})
	f, ok := codes(flags[0])[CodeSpike]
	if !ok || f.Count != 4 {
		t.Fatalf("spike flag = %+v, want count 4", f)
	}
}

func TestTransientIsNotASpike(t *testing.T) {
	// A one-second burst (a door slam) is real motion, not a spike.
	x := noise(21, 100000)
	for i := 5000; i < 5100; i++ {
		x[i] += 60 * math.Sin(float64(i-5000)/100*math.Pi*20)
	}
	flags := Check(seis.Merge([]seis.Trace{ch("HNZ", 100, t0, x)}), Options{})
	if f, ok := codes(flags[0])[CodeSpike]; ok && f.Count > 2 {
		t.Fatalf("a transient was counted as %d spikes", f.Count)
	}
}
