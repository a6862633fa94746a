package assess

import (
	"github.com/struna/struna/modal"
	"github.com/struna/struna/report"
)

// ReportModes converts identified modes to the report's form: shapes keyed
// by channel id (ids[i] names shape component i), with their standard
// errors when known. The direction is filled in by Assess, which knows the
// sensor layout.
func ReportModes(ms []modal.Mode, ids []string) []report.Mode {
	out := make([]report.Mode, 0, len(ms))
	for _, m := range ms {
		rm := report.Mode{FHz: m.FHz, Zeta: m.Zeta, FStdHz: m.FStdHz, ZetaStd: m.ZetaStd, MPC: m.MPC, MPD: m.MPD, Methods: m.Methods, UnresolvedPair: m.Unresolved}
		for i, c := range m.Shape {
			sv := report.ShapeValue{Channel: ids[i], Re: real(c), Im: imag(c)}
			if i < len(m.ShapeStd) {
				sv.Std = m.ShapeStd[i]
			}
			rm.Shape = append(rm.Shape, sv)
		}
		out = append(out, rm)
	}
	return out
}
