package dsp

import (
	"fmt"
	"math"
	"math/cmplx"
	"testing"
)

type spectraGolden struct {
	goldenMeta
	Fs    float64 `json:"fs"`
	Cases []struct {
		Name     string    `json:"name"`
		Nperseg  int       `json:"nperseg"`
		Noverlap *int      `json:"noverlap"`
		NFFT     int       `json:"nfft"`
		Window   string    `json:"window"`
		Detrend  string    `json:"detrend"`
		Scaling  string    `json:"scaling"`
		TwoSided bool      `json:"twosided"`
		Freqs    []float64 `json:"freqs"`
		Pairs    []struct {
			I  int       `json:"i"`
			J  int       `json:"j"`
			Re []float64 `json:"re"`
			Im []float64 `json:"im"`
		} `json:"pairs"`
		Welch0 []float64 `json:"welch0"`
	} `json:"cases"`
}

func TestCrossSpectraGolden(t *testing.T) {
	var g spectraGolden
	readGolden(t, "spectra.json", &g)
	x := g.input(t)
	for _, c := range g.Cases {
		t.Run(c.Name, func(t *testing.T) {
			opts := WelchOptions{SegmentLen: c.Nperseg, NFFT: c.NFFT, TwoSided: c.TwoSided}
			if c.Noverlap != nil {
				opts.Overlap = *c.Noverlap
				if opts.Overlap == 0 {
					opts.Overlap = NoOverlap
				}
			}
			switch c.Window {
			case "", "hann":
			case "hamming":
				opts.Window = Window(Hamming, c.Nperseg, false)
			default:
				t.Fatalf("window %q", c.Window)
			}
			switch c.Detrend {
			case "constant":
			case "linear":
				opts.Detrend = DetrendLinear
			case "False":
				opts.Detrend = DetrendNone
			default:
				t.Fatalf("detrend %q", c.Detrend)
			}
			if c.Scaling == "spectrum" {
				opts.Scaling = Spectrum
			}
			s, err := CrossSpectra(x, g.Fs, opts)
			if err != nil {
				t.Fatal(err)
			}
			assertClose(t, "Freqs", s.Freqs, c.Freqs, 1e-14)
			if len(s.Freqs) != len(c.Freqs) {
				t.FailNow()
			}
			for _, p := range c.Pairs {
				// Judge each line against the size of the auto-spectra
				// there: a cross-spectrum near zero is only as exact as
				// √(G_ii·G_jj) allows.
				worst := 0.0
				for k := range c.Freqs {
					want := complex(p.Re[k], p.Im[k])
					scale := math.Sqrt(real(s.At(k, p.I, p.I)) * real(s.At(k, p.J, p.J)))
					for _, got := range []complex128{s.At(k, p.I, p.J), cmplx.Conj(s.At(k, p.J, p.I))} {
						worst = max(worst, cmplx.Abs(got-want)/scale)
					}
				}
				if worst > 1e-12 {
					t.Errorf("G_%d%d: worst error %.3g relative to √(G_ii·G_jj) > 1e-12", p.I, p.J, worst)
				}
			}
			psd := s.PSD(0)
			assertClose(t, "welch channel 0", psd, c.Welch0, 1e-12)
		})
	}
}

func TestCorrelationsGolden(t *testing.T) {
	var g struct {
		goldenMeta
		MaxLag   int       `json:"maxlag"`
		Unbiased []float64 `json:"unbiased"`
		Biased   []float64 `json:"biased"`
	}
	readGolden(t, "correlations.json", &g)
	x := g.input(t)
	for _, biased := range []bool{false, true} {
		for _, blk := range []int{0, 64, 1000, 4096} {
			r, err := Correlations(x, g.MaxLag, CorrelationOptions{Biased: biased, BlockLen: blk})
			if err != nil {
				t.Fatal(err)
			}
			want := g.Unbiased
			if biased {
				want = g.Biased
			}
			assertClose(t, fmt.Sprintf("biased=%v block=%d", biased, blk), r.Data, want, 1e-12)
		}
	}
}
