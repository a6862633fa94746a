package assess

import (
	"fmt"
	"math"

	"github.com/struna/struna/report"
	"github.com/struna/struna/survey"
)

// TypologyFormulas returns code estimates of the fundamental period for a
// building of the survey's system, storeys and height:
//
//   - EN 1998-1:2004 §4.3.3.2.2 eq. (4.6): T1 = Ct·H^0.75, Ct = 0.085
//     (steel moment frames), 0.075 (RC moment frames), 0.050 (all other
//     structures), H in m, valid to 40 m;
//   - ASCE 7-16 §12.8.2.1 eq. (12.8-7): Ta = Ct·h^x with (Ct, x) in SI
//     units (h in m): steel moment frames (0.0724, 0.8), RC moment frames
//     (0.0466, 0.9), all other systems (0.0488, 0.75);
//   - the rule of thumb T ≈ 0.1·N (N storeys).
//
// The height defaults to 3 m per storey when the survey gives none.
func TypologyFormulas(b survey.Building) []report.Formula {
	h := b.HeightM
	if h <= 0 {
		h = 3 * float64(b.Storeys)
	}
	ec8, asceCt, asceX, label := 0.050, 0.0488, 0.75, "all other structures"
	switch b.System {
	case "steel_frame":
		ec8, asceCt, asceX, label = 0.085, 0.0724, 0.8, "steel moment frame"
	case "rc_frame":
		ec8, asceCt, asceX, label = 0.075, 0.0466, 0.9, "RC moment frame"
	}
	var out []report.Formula
	add := func(name string, t float64, src string) {
		if t > 0 && !math.IsInf(t, 0) {
			out = append(out, report.Formula{Name: name, T1S: t, F1Hz: 1 / t, Source: src})
		}
	}
	src := "EN 1998-1:2004 §4.3.3.2.2 eq. (4.6)"
	if h > 40 {
		src += "; H above the 40 m limit of the formula"
	}
	add(fmt.Sprintf("EC8 Ct·H^0.75 (Ct %.3f, %s, H %.1f m)", ec8, label, h), ec8*math.Pow(h, 0.75), src)
	add(fmt.Sprintf("ASCE 7 Ct·h^x (Ct %.4f, x %.2f, %s)", asceCt, asceX, label), asceCt*math.Pow(h, asceX), "ASCE 7-16 §12.8.2.1 eq. (12.8-7), SI coefficients")
	if b.Storeys > 0 {
		add(fmt.Sprintf("0.1·N (N = %d)", b.Storeys), 0.1*float64(b.Storeys), "rule of thumb for frame buildings")
	}
	return out
}
