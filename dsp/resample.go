package dsp

import (
	"fmt"
	"math"
	"slices"
)

// Decimate low-pass filters x and keeps every q-th sample, as
// scipy.signal.decimate(x, q) with its defaults (ftype='iir',
// zero_phase=True): an order-8 Chebyshev type I filter with 0.05 dB ripple
// and its band edge at 0.8 of the new Nyquist frequency, applied forward and
// backward by FiltFilt (so no phase shift), then samples 0, q, 2q, … . The
// output has ⌈len(x)/q⌉ samples. As in scipy, q = 1 still filters at 0.8 of
// Nyquist. Keep q ≤ 13 per call (use DecimationPlan for larger factors):
// the Chebyshev design loses accuracy at very low relative cut-offs.
func Decimate(x []float64, q int) ([]float64, error) {
	const op = "Decimate"
	if q < 1 {
		return nil, paramErr(op, "factor %d must be at least 1", q)
	}
	if err := checkFinite(op, -1, x); err != nil {
		return nil, err
	}
	sos, err := Chebyshev1(8, 0.05, Lowpass(0.8/float64(q)), 2)
	if err != nil {
		return nil, err
	}
	y, err := sos.FiltFilt(nil, x)
	if err != nil {
		return nil, fmt.Errorf("dsp: %s by %d: %w", op, q, err)
	}
	out := make([]float64, (len(y)+q-1)/q)
	for i := range out {
		out[i] = y[i*q]
	}
	return out, nil
}

// DecimationPlan returns the decimation factors, largest first, that bring a
// record sampled at fs Hz down as far as possible while every factor is at
// most 10 and frequencies up to fmax Hz stay inside the pass band of
// Decimate's anti-aliasing filter (0.8 of the final Nyquist frequency,
// i.e. fs/Πq ≥ 2.5·fmax). The product is the largest number not above
// 0.4·fs/fmax whose prime factors are 2, 3, 5 and 7, packed into as few
// stages as first-fit allows. An empty plan means no decimation is possible.
func DecimationPlan(fs, fmax float64) ([]int, error) {
	const op = "DecimationPlan"
	if !(fs > 0) || math.IsInf(fs, 0) {
		return nil, paramErr(op, "sample rate %g Hz must be positive and finite", fs)
	}
	if !(fmax > 0) || math.IsInf(fmax, 0) {
		return nil, paramErr(op, "highest frequency %g Hz must be positive and finite", fmax)
	}
	qmax := math.Floor(0.4 * fs / fmax)
	if qmax < 2 {
		return nil, nil
	}
	if qmax > 1e9 {
		return nil, paramErr(op, "fs/fmax = %g is implausibly large", fs/fmax)
	}
	for q := int(qmax); q >= 2; q-- {
		primes, ok := smallPrimes(q)
		if !ok {
			continue
		}
		// First-fit decreasing into stages of product ≤ 10.
		var stages []int
		for _, p := range primes {
			placed := false
			for i := range stages {
				if stages[i]*p <= 10 {
					stages[i] *= p
					placed = true
					break
				}
			}
			if !placed {
				stages = append(stages, p)
			}
		}
		slices.SortFunc(stages, func(a, b int) int { return b - a })
		return stages, nil
	}
	return nil, nil
}

// smallPrimes factors q into primes 7, 5, 3, 2 (largest first); ok is false
// if q has a larger prime factor.
func smallPrimes(q int) ([]int, bool) {
	var f []int
	for _, p := range []int{7, 5, 3, 2} {
		for q%p == 0 {
			f = append(f, p)
			q /= p
		}
	}
	return f, q == 1
}

// maxResampleFactor bounds up and down (after reduction by their gcd) so
// that the FIR of 20·max(up, down)+1 taps stays a sane size.
const maxResampleFactor = 1 << 14

// Resample changes the sample rate of x by up/down with a polyphase FIR
// filter, exactly as scipy.signal.resample_poly(x, up, down) with its
// defaults: the factors are reduced by their gcd, the anti-aliasing filter is
// a Kaiser-windowed (β = 5) sinc low-pass of 20·max(up, down)+1 taps with its
// cut-off at the lower of the two Nyquist frequencies, the signal is taken
// as zero outside its ends, and the output has ⌈len(x)·up/down⌉ samples
// aligned with the input (sample 0 at time 0). The filter is linear phase,
// so there is no delay; only the ends (about 10 input samples) feel the
// zero padding.
func Resample(x []float64, up, down int) ([]float64, error) {
	const op = "Resample"
	if up < 1 || down < 1 {
		return nil, paramErr(op, "factors up=%d down=%d must be at least 1", up, down)
	}
	g := gcd(up, down)
	up /= g
	down /= g
	if up > maxResampleFactor || down > maxResampleFactor {
		return nil, paramErr(op, "reduced factors %d/%d exceed %d", up, down, maxResampleFactor)
	}
	if err := checkFinite(op, -1, x); err != nil {
		return nil, err
	}
	if up == 1 && down == 1 {
		return slices.Clone(x), nil
	}
	nIn := len(x)
	nOut := (nIn*up + down - 1) / down
	maxRate := max(up, down)
	halfLen := 10 * maxRate
	h := firwinLowpass(2*halfLen+1, 1/float64(maxRate), KaiserWindow(2*halfLen+1, 5, true))
	for i := range h {
		h[i] *= float64(up)
	}
	// Zero-pad the filter in front so output sample i lands on input time
	// i·down/up, as resample_poly does before calling upfirdn.
	nPrePad := down - halfLen%down
	nPreRemove := (halfLen + nPrePad) / down
	y := make([]float64, nOut)
	hl := len(h)
	for i := range y {
		// Full-rate time of this output sample in the up-sampled,
		// pre-padded filter's frame: y = Σ_n x[n]·h[t − n·up − nPrePad].
		t := (i+nPreRemove)*down - nPrePad
		// Need 0 ≤ t − n·up ≤ hl−1.
		nHi := floorDiv(t, up)
		nLo := ceilDiv(t-hl+1, up)
		nLo = max(nLo, 0)
		nHi = min(nHi, nIn-1)
		var s float64
		for n := nLo; n <= nHi; n++ {
			s += x[n] * h[t-n*up]
		}
		y[i] = s
	}
	return y, nil
}

// firwinLowpass is scipy.signal.firwin(numtaps, cutoff, window=w) for a
// low-pass with cutoff relative to Nyquist: a windowed sinc scaled to unit
// gain at DC.
func firwinLowpass(numtaps int, cutoff float64, w []float64) []float64 {
	h := make([]float64, numtaps)
	alpha := 0.5 * float64(numtaps-1)
	var s float64
	for i := range h {
		m := float64(i) - alpha
		h[i] = cutoff * sinc(cutoff*m) * w[i]
		s += h[i]
	}
	for i := range h {
		h[i] /= s
	}
	return h
}

// sinc is the normalised sinc, sin(πx)/(πx).
func sinc(x float64) float64 {
	if x == 0 {
		return 1
	}
	y := math.Pi * x
	return math.Sin(y) / y
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func ceilDiv(a, b int) int { return -floorDiv(-a, b) }
