package assess

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"

	"github.com/struna/struna/report"
	"github.com/struna/struna/survey"
)

// floorMotion is a mode's rigid-diaphragm motion of one floor.
type floorMotion struct {
	floor         int
	ux, uy, theta float64
	hasX, hasY    bool
	hasTheta      bool
	radius        float64 // RMS distance of the floor's sensors from the plan centre
	xVals, yVals  []float64
}

// diaphragm fits each instrumented floor's motion (u_x, u_y, θ) to a
// mode's shape, assuming a rigid floor diaphragm: a sensor at (x, y)
// reads u_x − y·θ along x and u_y + x·θ along y (plan coordinates from
// the survey). With fewer than three horizontal sensors on a floor, or
// sensors on one line, θ is not fitted. Shapes are first rotated so their
// largest component is real (modal.NormalizeShape convention), then the
// real part is used.
func diaphragm(shape map[string]complex128, sensors []survey.Sensor) []floorMotion {
	byFloor := map[int][]survey.Sensor{}
	var floors []int
	for _, s := range sensors {
		if _, ok := shape[s.Channel]; !ok || s.Axis == "z" {
			continue
		}
		if _, seen := byFloor[s.Floor]; !seen {
			floors = append(floors, s.Floor)
		}
		byFloor[s.Floor] = append(byFloor[s.Floor], s)
	}
	slices.Sort(floors)
	var out []floorMotion
	for _, f := range floors {
		ss := byFloor[f]
		fm := floorMotion{floor: f}
		var r2 float64
		for _, s := range ss {
			v := real(shape[s.Channel])
			r2 += s.XM*s.XM + s.YM*s.YM
			if s.Axis == "x" {
				fm.hasX = true
				fm.xVals = append(fm.xVals, v)
			} else {
				fm.hasY = true
				fm.yVals = append(fm.yVals, v)
			}
		}
		fm.radius = math.Sqrt(r2 / float64(len(ss)))
		if len(ss) >= 3 && fm.hasX && fm.hasY {
			a := mat.NewDense(len(ss), 3, nil)
			b := mat.NewVecDense(len(ss), nil)
			for i, s := range ss {
				if s.Axis == "x" {
					a.SetRow(i, []float64{1, 0, -s.YM})
				} else {
					a.SetRow(i, []float64{0, 1, s.XM})
				}
				b.SetVec(i, real(shape[s.Channel]))
			}
			var x mat.VecDense
			if err := x.SolveVec(a, b); err == nil && fm.radius > 0 && !math.IsNaN(x.AtVec(2)) {
				// A fit is only meaningful if the sensors resolve rotation:
				// the rotation column must not be (nearly) a combination
				// of the translation columns.
				if cond := mat.Cond(a, 2); cond < 1e6 {
					fm.ux, fm.uy, fm.theta = x.AtVec(0), x.AtVec(1), x.AtVec(2)
					fm.hasTheta = true
					out = append(out, fm)
					continue
				}
			}
		}
		fm.ux, fm.uy = mean(fm.xVals), mean(fm.yVals)
		out = append(out, fm)
	}
	return out
}

// direction names a mode's dominant motion from its kinetic-energy-like
// shares: x, y, torsion (rotation times the floor's radius), or mixed when
// none has half.
func direction(shape map[string]complex128, sensors []survey.Sensor) string {
	var ex, ey, et float64
	for _, fm := range diaphragm(shape, sensors) {
		ex += fm.ux * fm.ux
		ey += fm.uy * fm.uy
		if fm.hasTheta {
			et += fm.theta * fm.theta * fm.radius * fm.radius
		}
	}
	tot := ex + ey + et
	switch {
	case tot == 0:
		return "mixed"
	case ex/tot >= 0.5:
		return "x"
	case ey/tot >= 0.5:
		return "y"
	case et/tot >= 0.5:
		return "torsion"
	}
	return "mixed"
}

func mean(x []float64) float64 {
	if len(x) == 0 {
		return 0
	}
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

// shapeMap turns a report mode's shape into a channel → value map.
func shapeMap(m report.Mode) map[string]complex128 {
	out := make(map[string]complex128, len(m.Shape))
	for _, v := range m.Shape {
		out[v.Channel] = complex(v.Re, v.Im)
	}
	return out
}
