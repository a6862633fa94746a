package dsp

import (
	"fmt"
	"testing"
)

type resampleGolden struct {
	goldenMeta
	Decimate []struct {
		Q int       `json:"q"`
		Y []float64 `json:"y"`
	} `json:"decimate"`
	DecimateShort []struct {
		Q int       `json:"q"`
		N int       `json:"n"`
		Y []float64 `json:"y"`
	} `json:"decimate_short"`
	ResamplePoly []struct {
		Up   int       `json:"up"`
		Down int       `json:"down"`
		Y    []float64 `json:"y"`
	} `json:"resample_poly"`
}

func TestResampleGolden(t *testing.T) {
	var g resampleGolden
	readGolden(t, "resample.json", &g)
	x := g.input(t)[0]
	for _, c := range g.Decimate {
		y, err := Decimate(x, c.Q)
		if err != nil {
			t.Fatalf("Decimate q=%d: %v", c.Q, err)
		}
		assertClose(t, fmt.Sprintf("Decimate q=%d", c.Q), y, c.Y, 1e-10)
	}
	for _, c := range g.DecimateShort {
		y, err := Decimate(x[:c.N], c.Q)
		if err != nil {
			t.Fatalf("Decimate n=%d q=%d: %v", c.N, c.Q, err)
		}
		assertClose(t, fmt.Sprintf("Decimate n=%d q=%d", c.N, c.Q), y, c.Y, 1e-10)
	}
	for _, c := range g.ResamplePoly {
		y, err := Resample(x, c.Up, c.Down)
		if err != nil {
			t.Fatalf("Resample %d/%d: %v", c.Up, c.Down, err)
		}
		assertClose(t, fmt.Sprintf("Resample %d/%d", c.Up, c.Down), y, c.Y, 1e-12)
	}
}

func TestWindowsGolden(t *testing.T) {
	var g struct {
		Cases []struct {
			Name string    `json:"name"`
			N    int       `json:"n"`
			Sym  bool      `json:"sym"`
			W    []float64 `json:"w"`
		} `json:"cases"`
	}
	readGolden(t, "windows.json", &g)
	for _, c := range g.Cases {
		var w []float64
		switch c.Name {
		case "hann":
			w = Window(Hann, c.N, c.Sym)
		case "hamming":
			w = Window(Hamming, c.N, c.Sym)
		case "blackman":
			w = Window(Blackman, c.N, c.Sym)
		case "flattop":
			w = Window(FlatTop, c.N, c.Sym)
		case "tukey":
			w = Window(Tukey, c.N, c.Sym)
		case "tukey0.25":
			w = TukeyWindow(c.N, 0.25, c.Sym)
		case "tukey1":
			w = TukeyWindow(c.N, 1, c.Sym)
		case "tukey0":
			w = TukeyWindow(c.N, 0, c.Sym)
		case "boxcar":
			w = Window(Rectangular, c.N, c.Sym)
		case "kaiser5":
			w = KaiserWindow(c.N, 5, c.Sym)
		case "kaiser8.6":
			w = KaiserWindow(c.N, 8.6, c.Sym)
		default:
			t.Fatalf("unknown window %q in golden file", c.Name)
		}
		// Windows are O(1): an absolute 1e-14 is rounding only.
		if len(w) != len(c.W) {
			t.Errorf("%s n=%d sym=%v: %d points, want %d", c.Name, c.N, c.Sym, len(w), len(c.W))
			continue
		}
		for i := range w {
			if abs(w[i]-c.W[i]) > 1e-14 {
				t.Errorf("%s n=%d sym=%v [%d]: %v, scipy %v", c.Name, c.N, c.Sym, i, w[i], c.W[i])
				break
			}
		}
	}
}
