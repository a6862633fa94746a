package assess

import (
	"fmt"
	"math"
	"slices"

	"github.com/struna/struna/report"
	"github.com/struna/struna/survey"
)

// storeyIndicator locates stiffness loss along the height from the first
// mode of each horizontal axis, treating the building as a shear building
// with equal floor masses (Chopra, Dynamics of Structures, §9.4). For the
// instrumented levels L0 = 0 (the ground, fixed unless instrumented) <
// L1 < … the mode's translation u(L) at the plan centre (rigid-diaphragm
// fit) is interpolated linearly to every floor j (constant above the top
// instrumented level), giving the storey shears of the modal inertial
// forces V_s = ω² Σ_{j≥s} u_j (unit floor masses). An interval
// (L_{k−1}, L_k] of m storeys with equal stiffness k then satisfies
// δ_k = u(L_k) − u(L_{k−1}) = Σ_s V_s / k, so k ∝ ω² Σ_s (Σ_{j≥s} u_j) / δ_k —
// independent of the shape's arbitrary scale — and the ratio to the
// baseline's, ρ_k = k/k_ref, is the interval's stiffness change. If the
// loss sits in one storey d of the interval with factor α, then
// Σ_s V_s/ρ = Σ_s V_s − V_d + V_d/α, so 1/α = 1 + R(1/ρ − 1) with
// R = Σ_s V_s / V_d (R = m for equal shears): the storey-equivalent
// stiffness. d is taken as the interval's top storey, which carries the
// least shear: the worst case for a given ρ, and the storey whose loss the
// linear interpolation of the shape inside the interval sees least (in
// the damage sweep a 50 % top-storey loss under a 5-storey interval read
// as 35 % with equal shears). ρ is taken relative to the median ρ of the
// other intervals, because environmental wander scales all storeys alike
// while damage concentrates.
func storeyIndicator(in Input, r *report.Report, v *verdict, matchedRef, orderInAxis map[int]int) {
	th := &in.Policy.Thresholds
	sensors := in.Survey.Sensors
	worstAlpha, worst := math.Inf(1), -1 // index into r.Indicators.Storeys
	unmeasured := map[string]string{}    // axis → why its shapes cannot be compared
	for _, axis := range []string{"x", "y"} {
		bi := -1
		for i, b := range in.Baseline.Modes {
			if b.Direction == axis && orderInAxis[i] == 1 {
				bi = i
				break
			}
		}
		ci, ok := matchedRef[bi]
		if bi < 0 || !ok {
			continue
		}
		refU := axisProfile(diaphragm(shapeMap(in.Baseline.Modes[bi]), sensors), axis)
		curU := axisProfile(diaphragm(shapeMap(r.Modes[ci]), sensors), axis)
		if len(refU) < 2 || len(curU) != len(refU) {
			continue
		}
		refS, curS := shares(refU), shares(curU)
		if refS == nil || curS == nil {
			continue
		}
		n := in.Survey.Building.Storeys
		refK, _ := intervalStiffness(refU, n, in.Baseline.Modes[bi].FHz)
		curK, curR := intervalStiffness(curU, n, r.Modes[ci].FHz)
		if refK == nil || curK == nil {
			continue
		}
		// A shape without measured standard errors (its record too short
		// to split into independent segments, or the mode not found again
		// in them) would be taken as exact, and any scatter between levels
		// would read as damage: such an axis is not compared.
		refStd, curStd := levelStd(in.Baseline.Modes[bi], sensors, axis), levelStd(r.Modes[ci], sensors, axis)
		if refOK, curOK := stdKnown(refU, refStd), stdKnown(curU, curStd); !refOK || !curOK {
			which, f := "this survey", r.Modes[ci].FHz
			if !refOK {
				which, f = "the baseline", in.Baseline.Modes[bi].FHz
			}
			unmeasured[axis] = fmt.Sprintf("the first %s mode's shape in %s carries no measured uncertainty (its record was too short to split into four independent segments, or the mode was not found again in them), so a change between levels cannot be told from the shapes' scatter; record at least %.0f minutes", axis, which, math.Ceil(400/f/60))
			continue
		}
		refE := driftRelErr(refU, refStd)
		curE := driftRelErr(curU, curStd)
		rhos := make([]float64, len(refS))
		for k := range refS {
			rhos[k] = curK[k] / refK[k]
		}
		for k := range refS {
			rho := rhos[k]
			// Temperature and soil change every storey's stiffness alike;
			// damage does not. The interval is judged against the other
			// intervals of the same mode (their median), so a uniform
			// change — left to the frequency rules — points at no storey.
			others := slices.Delete(slices.Clone(rhos), k, k+1)
			loc := rho / median(others)
			locStd := loc * math.Hypot(refE[k], curE[k])
			// 1/α = 1 + R·(1/ρ − 1) with R = Σ_s V_s / V_d for the damaged
			// storey d. The storey with the least shear in the interval (its
			// top one) is taken: the worst case, and the one the linear
			// interpolation of the shape inside the interval sees least.
			alpha := 2.0
			if d := 1 + curR[k]*(1/loc-1); d > 0.5 {
				alpha = 1 / d
			}
			sc := report.StoreyChange{Axis: axis, FromFloor: prevFloor(refU, k), ToFloor: refU[k].floor,
				DriftShare: curS[k], RefShare: refS[k], Stiffness: rho, StiffnessStd: rho * math.Hypot(refE[k], curE[k]), Relative: loc, StoreyEq: alpha}
			r.Indicators.Storeys = append(r.Indicators.Storeys, sc)
			// Only a change the mode shapes' own scatter cannot explain,
			// and beyond the policy's floor, may point at a storey. Three
			// standard errors: the segment scatter under-estimates the
			// error of the full-record estimates by about 1.5× (the modal
			// sweep in docs/ACCURACY.md).
			if loc+3*locStd >= 1 || loc > 1-th.StoreyMinChange.Value {
				continue
			}
			if alpha < worstAlpha {
				worstAlpha, worst = alpha, len(r.Indicators.Storeys)-1
			}
		}
	}
	wide := 0
	for _, sc := range r.Indicators.Storeys {
		wide = max(wide, sc.ToFloor-sc.FromFloor)
	}
	if wide > int(th.ClearInterval.Value) {
		r.Limits = append(r.Limits, fmt.Sprintf("The widest instrumented interval spans %d storeys: a loss concentrated in one of them, above all at the top, is under-estimated (by about a third for the top storey in struna's sweeps). Instrument the roof and the floor below it, and keep intervals to %d storeys or fewer.", wide, int(th.ClearInterval.Value)))
	}
	clearance(in.Survey.Building.Storeys, int(th.ClearInterval.Value), r.Indicators.Storeys, unmeasured, v)
	if worst < 0 {
		return
	}
	sc := &r.Indicators.Storeys[worst]
	where := fmt.Sprintf("between floors %d and %d (%s axis)", sc.FromFloor, sc.ToFloor, sc.Axis)
	if sc.ToFloor-sc.FromFloor == 1 {
		where = fmt.Sprintf("in storey %d (%s axis)", sc.ToFloor, sc.Axis)
	}
	switch {
	case worstAlpha < th.StoreyRed.Value:
		sc.Suspect = true
		v.raise(red, 3, "Deformation concentrates %s: against the baseline the interval lost %.0f %% more stiffness than the rest of the building, as if one storey there had lost %.0f %% of its stiffness (a soft storey).", where, 100*(1-sc.Relative), 100*(1-sc.StoreyEq))
	case worstAlpha < th.StoreyYellow.Value:
		sc.Suspect = true
		doubt := ""
		if wide > int(th.ClearInterval.Value) {
			// In the damage sweeps every intact building called yellow had
			// a 4- to 6-storey interval in its layout: the wide interval's
			// own ratio is uncertain, and it is the reference the others
			// are judged against, so a few per cent of shape scatter reads
			// as a 20–30 % single-storey loss. Yellow is still the safe
			// answer, but the crew should know it may be the layout
			// speaking.
			doubt = fmt.Sprintf(" This layout has an instrumented interval of %d storeys, where the mode shapes' own scatter can read like this: a sensor level inside it would tell damage from scatter.", wide)
		}
		v.raise(yellow, 2, "Deformation shifts %s: against the baseline the interval lost %.0f %% more stiffness than the rest of the building, as if one storey there had lost %.0f %% of its stiffness.%s", where, 100*(1-sc.Relative), 100*(1-sc.StoreyEq), doubt)
	}
}

// clearance withholds green from a baseline survey whose layout could not
// have seen a 30 % loss of one storey anywhere: the rule (30 %
// never green) can only be kept where it can be observed. A single-storey
// loss high in a building moves the frequencies by well under the 2–5 %
// of environmental wander, so the storey indicator is the only witness,
// and in the damage sweeps (docs/ACCURACY.md) it is reliable only when
// every instrumented interval spans three storeys or fewer (the policy's
// clear_max_interval) and the roof is instrumented: wider intervals read
// a few per cent of shape scatter as a 20–50 % storey loss and hide real
// ones alike. Both horizontal axes must pass.
func clearance(storeys, maxInterval int, sc []report.StoreyChange, unmeasured map[string]string, v *verdict) {
	if storeys < 2 {
		return // a one-storey building has no storey to locate
	}
	for _, axis := range []string{"x", "y"} {
		widest, from, to, top := 0, 0, 0, 0
		for _, c := range sc {
			if c.Axis != axis {
				continue
			}
			if w := c.ToFloor - c.FromFloor; w > widest {
				widest, from, to = w, c.FromFloor, c.ToFloor
			}
			top = max(top, c.ToFloor)
		}
		switch {
		case top == 0 && unmeasured[axis] != "":
			v.raise(yellow, 1, "This survey cannot clear the building: %s.", unmeasured[axis])
			return
		case top == 0:
			v.raise(yellow, 1, "This survey cannot clear the building: no storey-level comparison was possible along the %s axis (two or more instrumented levels and the first %s mode in both surveys are needed), and a 30 %% loss of one storey high in a building hardly moves the frequencies.", axis, axis)
			return
		case widest > maxInterval:
			v.raise(yellow, 1, "This survey cannot clear the building: floors %d–%d form one instrumented interval of %d storeys (%s axis), where a 30 %% loss of one storey does not stand out of the mode shapes' scatter. Add a sensor level so that no interval spans more than %d storeys.", from, to, widest, axis, maxInterval)
			return
		case top < storeys:
			v.raise(yellow, 1, "This survey cannot clear the building: storeys above floor %d are not instrumented (%s axis), so a loss there cannot be seen. Instrument the roof.", top, axis)
			return
		}
	}
}

type level struct {
	floor int
	u     float64
}

// axisProfile returns the translation along axis at each instrumented
// floor above ground, with the ground's motion subtracted when the
// ground is instrumented.
func axisProfile(fms []floorMotion, axis string) []level {
	var ground float64
	var out []level
	for _, fm := range fms {
		has, u := fm.hasX, fm.ux
		if axis == "y" {
			has, u = fm.hasY, fm.uy
		}
		if !has {
			continue
		}
		if fm.floor == 0 {
			ground = u
			continue
		}
		out = append(out, level{fm.floor, u})
	}
	for i := range out {
		out[i].u -= ground
	}
	return out
}

func prevFloor(ls []level, k int) int {
	if k == 0 {
		return 0
	}
	return ls[k-1].floor
}

// intervalStiffness returns, per instrumented interval, ω² Σ_s V̂_s / δ
// with V̂_s = Σ_{j≥s} u_j the modal storey shear per unit floor mass: the
// equal-storey stiffness of the interval up to a factor common to both
// surveys. nil if the shape gives no drift in some interval.
func intervalStiffness(ls []level, storeys int, fHz float64) (stiff, shearRatio []float64) {
	top := ls[len(ls)-1].floor
	n := max(storeys, top)
	u := make([]float64, n+1) // u[0] = 0: the ground
	k := 0
	for j := 1; j <= n; j++ {
		for k < len(ls) && ls[k].floor < j {
			k++
		}
		switch {
		case k == len(ls): // above the top instrumented level: moves with it
			u[j] = ls[len(ls)-1].u
		default:
			lo, ulo := prevFloor(ls, k), 0.0
			if k > 0 {
				ulo = ls[k-1].u
			}
			u[j] = ulo + (ls[k].u-ulo)*float64(j-lo)/float64(ls[k].floor-lo)
		}
	}
	shear := make([]float64, n+2) // shear[s] = Σ_{j≥s} u_j
	for s := n; s >= 1; s-- {
		shear[s] = shear[s+1] + u[s]
	}
	w2 := (2 * math.Pi * fHz) * (2 * math.Pi * fHz)
	stiff, shearRatio = make([]float64, len(ls)), make([]float64, len(ls))
	for k := range ls {
		lo := prevFloor(ls, k)
		d := u[ls[k].floor] - u[lo]
		sum := 0.0
		for s := lo + 1; s <= ls[k].floor; s++ {
			sum += shear[s]
		}
		if d == 0 || sum == 0 || (sum > 0) != (d > 0) || shear[ls[k].floor] == 0 || (shear[ls[k].floor] > 0) != (sum > 0) {
			return nil, nil
		}
		stiff[k] = w2 * sum / d
		shearRatio[k] = sum / shear[ls[k].floor]
	}
	return stiff, shearRatio
}

// levelStd returns the standard error of the mode's translation along
// axis at each floor: the channels' shape standard errors combined as for
// their mean (0 where none is known).
func levelStd(m report.Mode, sensors []survey.Sensor, axis string) map[int]float64 {
	sum, n := map[int]float64{}, map[int]int{}
	for _, sv := range m.Shape {
		for _, se := range sensors {
			if se.Channel == sv.Channel && se.Axis == axis {
				sum[se.Floor] += sv.Std * sv.Std
				n[se.Floor]++
			}
		}
	}
	out := map[int]float64{}
	for f, s2 := range sum {
		out[f] = math.Sqrt(s2) / float64(n[f])
	}
	return out
}

// stdKnown reports whether every instrumented level of the profile has a
// measured standard error.
func stdKnown(ls []level, std map[int]float64) bool {
	for _, l := range ls {
		if !(std[l.floor] > 0) {
			return false
		}
	}
	return true
}

// driftRelErr returns the relative standard error of each interval's
// drift δ_k = u(L_k) − u(L_{k−1}) from the levels' standard errors; the
// shear sums are far less sensitive and are taken as exact.
func driftRelErr(ls []level, std map[int]float64) []float64 {
	out := make([]float64, len(ls))
	prev, prevStd := 0.0, std[0]
	for k, l := range ls {
		d := math.Abs(l.u - prev)
		if d > 0 {
			out[k] = math.Hypot(std[l.floor], prevStd) / d
		}
		prev, prevStd = l.u, std[l.floor]
	}
	return out
}

// shares returns each interval's share of the total absolute drift.
func shares(ls []level) []float64 {
	out := make([]float64, len(ls))
	tot := 0.0
	prev := 0.0
	for i, l := range ls {
		out[i] = math.Abs(l.u - prev)
		tot += out[i]
		prev = l.u
	}
	if tot == 0 {
		return nil
	}
	for i := range out {
		out[i] /= tot
		if out[i] == 0 {
			return nil
		}
	}
	return out
}

func median(x []float64) float64 {
	s := slices.Clone(x)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
