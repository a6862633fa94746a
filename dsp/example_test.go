package dsp_test

import (
	"fmt"
	"math"
	"math/cmplx"

	"github.com/struna/struna/dsp"
)

func ExampleButterworth() {
	// A 4th-order 0.5–20 Hz band-pass for a record sampled at 200 Hz:
	// 8 poles in 4 second-order sections, −3 dB at both edges.
	sos, err := dsp.Butterworth(4, dsp.Bandpass(0.5, 20), 200)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("sections:", len(sos))
	for _, f := range []float64{0.5, 5, 20, 60} {
		fmt.Printf("|H(%g Hz)| = %.4f\n", f, cmplx.Abs(sos.Response(f, 200)))
	}
	// Output:
	// sections: 4
	// |H(0.5 Hz)| = 0.7071
	// |H(5 Hz)| = 1.0000
	// |H(20 Hz)| = 0.7071
	// |H(60 Hz)| = 0.0028
}

func ExampleSOS_FiltFilt() {
	fs := 100.0
	x := make([]float64, 1000)
	for i := range x {
		t := float64(i) / fs
		x[i] = math.Cos(2*math.Pi*2*t) + 0.5*math.Cos(2*math.Pi*35*t) // keep 2 Hz, drop 35 Hz
	}
	sos, _ := dsp.Butterworth(6, dsp.Lowpass(10), fs)
	y, err := sos.FiltFilt(nil, x)
	if err != nil {
		fmt.Println(err)
		return
	}
	// Zero phase: the 2 Hz crest at t = 5 s stays at t = 5 s, and the
	// 35 Hz part is gone (scipy.signal.sosfiltfilt gives 0.99999999743).
	fmt.Printf("x[500] = %.4f, y[500] = %.9f\n", x[500], y[500])
	// Output:
	// x[500] = 1.5000, y[500] = 0.999999997
}

func ExampleCrossSpectra() {
	// Two channels: a 5 Hz vibration seen by both, the second delayed by
	// 10 ms.
	fs := 100.0
	n := 8192
	x := [][]float64{make([]float64, n), make([]float64, n)}
	for i := range n {
		t := float64(i) / fs
		x[0][i] = math.Sin(2 * math.Pi * 5 * t)
		x[1][i] = math.Sin(2 * math.Pi * 5 * (t - 0.010))
	}
	g, err := dsp.CrossSpectra(x, fs, dsp.WelchOptions{SegmentLen: 1000})
	if err != nil {
		fmt.Println(err)
		return
	}
	k := 50 // 5 Hz: line spacing is fs/1000 = 0.1 Hz
	fmt.Printf("f = %g Hz, segments %d\n", g.Freqs[k], g.Segments)
	fmt.Printf("phase of G01 = %.4f rad (−2π·5·0.01 = %.4f)\n", cmplx.Phase(g.At(k, 0, 1)), -2*math.Pi*5*0.010)
	// Output:
	// f = 5 Hz, segments 15
	// phase of G01 = -0.3142 rad (−2π·5·0.01 = -0.3142)
}

func ExampleCorrelations() {
	x := [][]float64{{1, 2, 3, 4}, {4, 3, 2, 1}}
	r, err := dsp.Correlations(x, 1, dsp.CorrelationOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	// R_01(1) = (x0[1]·x1[0] + x0[2]·x1[1] + x0[3]·x1[2]) / 3
	fmt.Printf("R_00(0) = %.4f\n", r.At(0, 0, 0))
	fmt.Printf("R_01(1) = %.4f\n", r.At(1, 0, 1))
	// Output:
	// R_00(0) = 7.5000
	// R_01(1) = 8.3333
}

func ExampleDecimationPlan() {
	// 1 kHz accelerometers, modes of interest below 25 Hz.
	plan, _ := dsp.DecimationPlan(1000, 25)
	fmt.Println(plan)
	// Output:
	// [8 2]
}
