package dsp

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"
)

func fuzzData(seed uint64, nch, n int) [][]float64 {
	rng := rand.New(rand.NewPCG(seed, 1))
	x := make([][]float64, nch)
	for c := range x {
		x[c] = make([]float64, n)
		for i := range x[c] {
			x[c][i] = rng.NormFloat64()
		}
	}
	return x
}

// FuzzCrossSpectra: any options either give an error or a Hermitian matrix
// with non-negative real auto-spectra; never a panic.
func FuzzCrossSpectra(f *testing.F) {
	f.Add(uint64(1), uint8(2), uint16(1000), int32(256), int32(0), int32(0), false, uint8(0), uint8(0))
	f.Add(uint64(2), uint8(3), uint16(301), int32(301), int32(-1), int32(400), true, uint8(1), uint8(1))
	f.Add(uint64(3), uint8(1), uint16(7), int32(3), int32(2), int32(3), false, uint8(2), uint8(0))
	f.Fuzz(func(t *testing.T, seed uint64, nch uint8, n uint16, nper, nover, nfft int32, two bool, det, scal uint8) {
		if nch > 6 || nfft > 1<<16 {
			return
		}
		x := fuzzData(seed, int(nch), int(n))
		s, err := CrossSpectra(x, 10, WelchOptions{SegmentLen: int(nper), Overlap: int(nover), NFFT: int(nfft), TwoSided: two, Detrend: SegmentDetrend(det % 4), Scaling: Scaling(scal % 3)})
		if err != nil {
			return
		}
		if len(s.Data) != len(s.Freqs)*s.N*s.N || s.Segments < 1 {
			t.Fatalf("inconsistent result: %d freqs, %d data, %d segments", len(s.Freqs), len(s.Data), s.Segments)
		}
		for k := range s.Freqs {
			for i := range s.N {
				if d := s.At(k, i, i); imag(d) != 0 || real(d) < 0 || math.IsNaN(real(d)) {
					t.Fatalf("line %d: auto-spectrum %v", k, d)
				}
				for j := range s.N {
					if s.At(k, i, j) != cmplx.Conj(s.At(k, j, i)) {
						t.Fatalf("line %d not Hermitian", k)
					}
				}
			}
		}
	})
}

// FuzzCorrelations: any lag and block length either give an error or R(0)
// with a non-negative diagonal and R_ij(0) = R_ji(0).
func FuzzCorrelations(f *testing.F) {
	f.Add(uint64(1), uint8(2), uint16(100), int32(10), int32(0), false)
	f.Add(uint64(2), uint8(1), uint16(1), int32(0), int32(1), true)
	f.Fuzz(func(t *testing.T, seed uint64, nch uint8, n uint16, maxLag, block int32, biased bool) {
		if nch > 5 || block > 1<<16 {
			return
		}
		x := fuzzData(seed, int(nch), int(n))
		r, err := Correlations(x, int(maxLag), CorrelationOptions{Biased: biased, BlockLen: int(block)})
		if err != nil {
			return
		}
		for i := range r.N {
			if r.At(0, i, i) < -1e-12 {
				t.Fatalf("R_%d%d(0) = %g", i, i, r.At(0, i, i))
			}
			for j := range r.N {
				if d := math.Abs(r.At(0, i, j) - r.At(0, j, i)); d > 1e-12*(1+math.Abs(r.At(0, i, j))) {
					t.Fatalf("R(0) not symmetric: %g vs %g", r.At(0, i, j), r.At(0, j, i))
				}
			}
		}
	})
}

// FuzzFilters: any design parameters give an error or a stable filter whose
// FiltFilt output is finite; Decimate and Resample never panic.
func FuzzFilters(f *testing.F) {
	f.Add(uint8(4), uint8(2), 1.0, 20.0, 200.0, uint16(500), uint8(3), uint8(2), uint8(5))
	f.Add(uint8(1), uint8(0), 0.1, 0.0, 1.0, uint16(30), uint8(1), uint8(1), uint8(1))
	f.Fuzz(func(t *testing.T, order, kind uint8, f1, f2, fs float64, n uint16, q, up, down uint8) {
		x := fuzzData(uint64(n), 1, int(n))[0]
		s, err := Butterworth(int(order), Band{Kind: BandKind(kind % 4), Low: f1, High: f2}, fs)
		if err == nil {
			for _, z := range sectionPoles(s) {
				if cmplx.Abs(z) >= 1 {
					// Extreme designs (poles within rounding of the unit
					// circle) may come out marginal; they must not panic.
					return
				}
			}
			y, err := s.FiltFilt(nil, x)
			if err == nil {
				for i, v := range y {
					if math.IsNaN(v) {
						t.Fatalf("FiltFilt output %d is NaN", i)
					}
				}
			}
			s.Filter(nil, x)
		}
		if y, err := Decimate(x, int(q)); err == nil && len(y) != (len(x)+int(q)-1)/int(q) {
			t.Fatalf("Decimate: %d samples", len(y))
		}
		if y, err := Resample(x, int(up), int(down)); err == nil {
			g := gcd(int(up), int(down))
			u, d := int(up)/g, int(down)/g
			if len(y) != (len(x)*u+d-1)/d {
				t.Fatalf("Resample %d/%d: %d samples from %d", up, down, len(y), len(x))
			}
		}
	})
}
