package modal

import (
	"math"
	"slices"
)

// Bursts out of the record. Operational modal analysis assumes a
// stationary response to broadband ambient loads; a rescue site is full
// of knocks, hammering, debris falling near the sensors, and aftershocks:
// bursts far above the ambient level that are not the building's
// stationary response (local, at one sensor, or transient and, for an
// aftershock, possibly nonlinear). A few dominate the
// correlation functions and spectra — in a simulated 10-storey building
// five 1-second knocks at 200 times the ambient RMS cost a mode, fifty
// left nothing identified. Such stretches are found by the RMS of short
// windows against its median over the record (robust: the bursts do not
// inflate the scale; the windowed RMS of a stationary Gaussian response
// stays within a few times its median) and set to zero on every channel
// at once with cosine tapers; the rest of the record is analysed as it
// is. This is the time-domain gating of transients commonly applied to
// ambient records before OMA (e.g. Brincker & Ventura 2015, on data
// quality).

const (
	// burstRatio: a window whose RMS exceeds this multiple of its
	// channel's median window RMS holds a burst (25 times the power; a
	// Gaussian response's envelope reaches it with probability ~1e-7).
	burstRatio = 5
	// maxMasked: with more than this fraction of the record in bursts,
	// the record is no ambient record and is left as it is (noted).
	maxMasked = 0.5
)

// burstWindow is the window (s) whose RMS is compared: short enough to
// isolate a knock, long enough to average the sensor's own noise.
const burstWindow = 2.0

// burstSpans finds the stretches of x (channels sampled at fs) that hold
// bursts: half-overlapping windows of burstWindow whose RMS on any channel
// exceeds burstRatio times that channel's median, widened by a window
// either side. Spans are [start, end) sample ranges, sorted and disjoint.
// It runs on the record before any filtering, so that no filter smears a
// burst beyond its span.
func burstSpans(x [][]float64, fs float64) [][2]int {
	n := len(x[0])
	w := int(burstWindow * fs)
	if w < 4 || n < 8*w {
		return nil
	}
	hop := w / 2
	nw := (n-w)/hop + 1
	flag := make([]bool, nw)
	rms := make([]float64, nw)
	for _, ch := range x {
		for i := range nw {
			s := 0.0
			for _, v := range ch[i*hop : i*hop+w] {
				s += v * v
			}
			rms[i] = math.Sqrt(s / float64(w))
		}
		sorted := slices.Clone(rms)
		slices.Sort(sorted)
		med := sorted[nw/2]
		if !(med > 0) {
			continue
		}
		for i, r := range rms {
			if r > burstRatio*med {
				flag[i] = true
			}
		}
	}
	var spans [][2]int
	for i, f := range flag {
		if !f {
			continue
		}
		lo, hi := max(i*hop-w, 0), min(i*hop+2*w, n)
		if k := len(spans) - 1; k >= 0 && lo <= spans[k][1] {
			spans[k][1] = max(spans[k][1], hi)
			continue
		}
		spans = append(spans, [2]int{lo, hi})
	}
	return spans
}

// maskedLength is the number of samples the spans cover.
func maskedLength(spans [][2]int) int {
	s := 0
	for _, sp := range spans {
		s += sp[1] - sp[0]
	}
	return s
}

// maskSpans sets the spans of every channel to zero, in place, with
// cosine tapers of taper samples just outside them, so that the gates do
// not add steps of their own.
func maskSpans(x [][]float64, spans [][2]int, taper int) {
	for _, ch := range x {
		n := len(ch)
		for _, sp := range spans {
			for i := sp[0]; i < sp[1]; i++ {
				ch[i] = 0
			}
			for j := 1; j <= taper; j++ {
				g := 0.5 * (1 - math.Cos(math.Pi*float64(j)/float64(taper+1)))
				if i := sp[0] - j; i >= 0 && !inSpans(spans, i) {
					ch[i] *= g
				}
				if i := sp[1] - 1 + j; i < n && !inSpans(spans, i) {
					ch[i] *= g
				}
			}
		}
	}
}

func inSpans(spans [][2]int, i int) bool {
	k, _ := slices.BinarySearchFunc(spans, i, func(sp [2]int, i int) int {
		switch {
		case sp[1] <= i:
			return -1
		case sp[0] > i:
			return 1
		}
		return 0
	})
	return k < len(spans) && spans[k][0] <= i && i < spans[k][1]
}

// gateScale is, for lags 0..maxLag, the factor that turns the unbiased
// correlation estimate of a gated record (sum over N−k products, divided
// by N−k) into the estimate over the samples the gate keeps: (N−k) /
// Σ_t g(t)·g(t+k). Without it, every gap removes products that grow with
// the lag, the correlations decay faster than the response does, and
// damping comes out high. All ones when gate is nil.
func gateScale(gate []float64, maxLag int) []float64 {
	scale := make([]float64, maxLag+1)
	for k := range scale {
		scale[k] = 1
	}
	if gate == nil {
		return scale
	}
	n := len(gate)
	for k := range scale {
		s := 0.0
		for t := 0; t+k < n; t++ {
			s += gate[t] * gate[t+k]
		}
		if s > 0 {
			scale[k] = float64(n-k) / s
		}
	}
	return scale
}
