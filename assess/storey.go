package assess

import (
	"fmt"
	"math"

	"github.com/struna/struna/report"
)

// storeyIndicator locates stiffness loss along the height from the first
// mode of each horizontal axis. For the instrumented levels L0 = 0 (the
// ground, taken as fixed unless instrumented) < L1 < … the mode's
// translation u(L) at the plan centre (rigid-diaphragm fit) gives interval
// drifts δk = u(Lk) − u(Lk−1) and their shares sk = |δk| / Σ|δ|. For a
// first-mode-dominated shear building the interval stiffness is
// proportional to the interval force over δk, and with the inertial
// force distribution nearly unchanged by moderate damage,
//
//	ρk = kk/kk,ref ≈ (sk,ref / sk) · (f/f_ref)².
//
// An interval of m storeys whose loss sits in one storey of factor α has
// ρ = m / (m − 1 + 1/α), so α = 1 / (m/ρ − m + 1): the storey-equivalent
// stiffness, the worst case for a given interval change.
func storeyIndicator(in Input, r *report.Report, v *verdict, matchedRef, orderInAxis map[int]int) {
	th := &in.Policy.Thresholds
	sensors := in.Survey.Sensors
	worst := struct {
		alpha float64
		sc    *report.StoreyChange
	}{alpha: math.Inf(1)}
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
		fr := r.Modes[ci].FHz / in.Baseline.Modes[bi].FHz
		for k := range refS {
			m := float64(refU[k].floor - prevFloor(refU, k))
			rho := refS[k] / curS[k] * fr * fr
			alpha := 2.0
			if d := m/rho - m + 1; d > 0.5 {
				alpha = 1 / d
			}
			sc := report.StoreyChange{Axis: axis, FromFloor: prevFloor(refU, k), ToFloor: refU[k].floor,
				DriftShare: curS[k], RefShare: refS[k], Stiffness: rho, StoreyEq: alpha}
			r.Indicators.Storeys = append(r.Indicators.Storeys, sc)
			if alpha < worst.alpha {
				worst.alpha = alpha
				worst.sc = &r.Indicators.Storeys[len(r.Indicators.Storeys)-1]
			}
		}
	}
	if worst.sc == nil {
		return
	}
	sc := worst.sc
	where := fmt.Sprintf("between floors %d and %d (%s axis)", sc.FromFloor, sc.ToFloor, sc.Axis)
	if sc.ToFloor-sc.FromFloor == 1 {
		where = fmt.Sprintf("in storey %d (%s axis)", sc.ToFloor, sc.Axis)
	}
	switch {
	case worst.alpha < th.StoreyRed.Value:
		sc.Suspect = true
		v.raise(red, 3, "Deformation concentrates %s: the interval is %.0f %% less stiff than in the baseline, as if one storey there had lost %.0f %% of its stiffness (a soft storey).", where, 100*(1-sc.Stiffness), 100*(1-sc.StoreyEq))
	case worst.alpha < th.StoreyYellow.Value:
		sc.Suspect = true
		v.raise(yellow, 2, "Deformation shifts %s: the interval is %.0f %% less stiff than in the baseline, as if one storey there had lost %.0f %% of its stiffness.", where, 100*(1-sc.Stiffness), 100*(1-sc.StoreyEq))
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
