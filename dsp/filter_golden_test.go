package dsp

import (
	"fmt"
	"testing"
)

type filterGolden struct {
	goldenMeta
	Cases []struct {
		Design      string       `json:"design"`
		Order       int          `json:"order"`
		Kind        string       `json:"kind"`
		F1          float64      `json:"f1"`
		F2          float64      `json:"f2"`
		Fs          float64      `json:"fs"`
		Rp          float64      `json:"rp"`
		SOS         [][6]float64 `json:"sos"`
		PadLen      int          `json:"padlen"`
		SOSFilt     []float64    `json:"sosfilt"`
		SOSFiltFilt []float64    `json:"sosfiltfilt"`
		RespF       []float64    `json:"resp_f"`
		Resp        cplxJSON     `json:"resp"`
	} `json:"cases"`
}

func TestFiltersGolden(t *testing.T) {
	var g filterGolden
	readGolden(t, "filters.json", &g)
	x := g.input(t)[0]
	for _, c := range g.Cases {
		name := fmt.Sprintf("%s_%d_%s_%g_%g", c.Design, c.Order, c.Kind, c.F1, c.F2)
		t.Run(name, func(t *testing.T) {
			var band Band
			switch c.Kind {
			case "lowpass":
				band = Lowpass(c.F1)
			case "highpass":
				band = Highpass(c.F1)
			case "bandpass":
				band = Bandpass(c.F1, c.F2)
			}
			var sos SOS
			var err error
			if c.Design == "butter" {
				sos, err = Butterworth(c.Order, band, c.Fs)
			} else {
				sos, err = Chebyshev1(c.Order, c.Rp, band, c.Fs)
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(sos) != len(c.SOS) {
				t.Fatalf("%d sections, scipy has %d", len(sos), len(c.SOS))
			}
			// Coefficients section by section: same pairing, same order.
			for i := range sos {
				assertClose(t, fmt.Sprintf("section %d", i), sos[i][:], c.SOS[i][:], 1e-10)
			}
			if c.PadLen != 0 && sos.PadLen() != c.PadLen {
				t.Errorf("PadLen %d, scipy %d", sos.PadLen(), c.PadLen)
			}
			if c.SOSFilt != nil {
				assertClose(t, "Filter", sos.Filter(nil, x), c.SOSFilt, 1e-10)
				y, err := sos.FiltFilt(nil, x)
				if err != nil {
					t.Fatal(err)
				}
				assertClose(t, "FiltFilt", y, c.SOSFiltFilt, 1e-10)
			}
			if c.RespF != nil {
				var gr, gi []float64
				for _, f := range c.RespF {
					h := sos.Response(f, c.Fs)
					gr = append(gr, real(h))
					gi = append(gi, imag(h))
				}
				// Response is O(1); compare absolutely.
				for i := range gr {
					if d := max(abs(gr[i]-c.Resp.Re[i]), abs(gi[i]-c.Resp.Im[i])); d > 1e-10 {
						t.Errorf("Response(%g): %v, scipy %v", c.RespF[i], complex(gr[i], gi[i]), complex(c.Resp.Re[i], c.Resp.Im[i]))
					}
				}
			}
		})
	}
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}
