// Package assess turns identified modes, the survey and a reference into a
// verdict on a building's technical condition: GOST 31937-2011 category
// (normative, working, limited, emergency), ATC-20 placard (green
// INSPECTED, yellow RESTRICTED USE, red UNSAFE), confidence, and reasons in
// plain language (DESIGN §2.4–2.6).
//
// Method: modes are matched to a baseline survey of the same building by
// MAC and frequency (Peeters & De Roeck 2001 practice); the stiffness
// ratio of a mode is (f/f0)²; the storey indicator compares the share of
// the first mode's inter-storey deformation per instrumented interval with
// the baseline's, scaled by (f/f0)², which for a shear-type building
// estimates the interval's stiffness change (a modal-flexibility argument,
// Pandey & Biswas 1994, restricted to the first mode); without a baseline,
// the first frequency is compared with code period formulas (EN 1998-1,
// ASCE 7), which can only lower confidence. Thresholds come from a Policy.
//
// The package is pure: no I/O, no clock (the time is an input).
package assess

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/struna/struna/modal"
	"github.com/struna/struna/report"
	"github.com/struna/struna/survey"
)

// Input is everything an assessment needs.
type Input struct {
	Survey     *survey.Survey
	Channels   []report.Channel // every channel read, with QC flags and whether it was used
	Modes      []report.Mode    // structural modes, shapes keyed by channel id
	Harmonics  []report.Mode
	Provenance any
	Plots      report.Plots
	Notes      []string // from identification: why modes may be missing
	Start, End time.Time
	Files      []string
	Baseline   *report.Report // nil: no baseline
	Policy     *Policy
	Now        time.Time
	Software   report.Software
}

// Levels of the verdict, ordered.
const (
	green = iota
	yellow
	red
)

var (
	placards   = []string{"green", "yellow", "red"}
	categories = []string{"normative", "working", "limited", "emergency"}
)

type verdict struct {
	level, cat int
	reasons    []reason
}

type reason struct {
	weight int // the category it argues for; notes −1
	text   string
}

// raise moves the verdict to at least level/category and records why.
func (v *verdict) raise(level, cat int, format string, args ...any) {
	v.level = max(v.level, level)
	v.cat = max(v.cat, cat)
	v.reasons = append(v.reasons, reason{cat + 4*level, fmt.Sprintf(format, args...)})
}

func (v *verdict) note(format string, args ...any) {
	v.reasons = append(v.reasons, reason{-1, fmt.Sprintf(format, args...)})
}

// texts returns the reasons, weightiest first (the first one is what a
// one-line summary shows), otherwise in the order they were found.
func (v *verdict) texts() []string {
	rs := slices.Clone(v.reasons)
	slices.SortStableFunc(rs, func(a, b reason) int { return b.weight - a.weight })
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.text
	}
	return out
}

// Assess makes the report.
func Assess(in Input) (*report.Report, error) {
	if in.Survey == nil {
		return nil, errors.New("assess: no survey")
	}
	if in.Policy == nil {
		return nil, errors.New("assess: no policy")
	}
	p := in.Policy
	th := &p.Thresholds
	sv := in.Survey
	if in.Baseline != nil && in.Baseline.Building.ID != sv.Building.ID {
		return nil, fmt.Errorf("baseline report %s is of building %q, the survey is of building %q", in.Baseline.ID, in.Baseline.Building.ID, sv.Building.ID)
	}

	r := &report.Report{
		Schema: report.Schema, Created: in.Now.UTC(), Software: in.Software,
		Building: sv.Building, Observations: sv.Observations,
		Survey:     report.SurveyInfo{Start: in.Start, End: in.End, DurationS: in.End.Sub(in.Start).Seconds(), Sensors: sv.Sensors, Files: in.Files},
		Channels:   in.Channels,
		Modes:      slices.Clone(in.Modes),
		Harmonics:  nonNil(in.Harmonics),
		Provenance: in.Provenance,
		Plots:      in.Plots,
		Policy:     report.PolicyRef{Name: p.Name, Version: p.Version},
		Hazards:    []report.Hazard{},
		Limits: []string{
			"Local damage to single members (a cracked column, a failed connection, falling hazards) may not move the global frequencies: a vibration result does not clear what the crew has not inspected.",
		},
	}
	if r.Modes == nil {
		r.Modes = []report.Mode{}
	}
	for i := range r.Channels {
		if se, ok := sv.Sensor(r.Channels[i].ID); ok {
			f := se.Floor
			r.Channels[i].Floor, r.Channels[i].Axis = &f, se.Axis
		}
	}
	for i := range r.Modes {
		r.Modes[i].Direction = direction(shapeMap(r.Modes[i]), sv.Sensors)
		if m := r.Modes[i]; m.UnresolvedPair {
			r.Limits = append(r.Limits, fmt.Sprintf("The mode at %.3f Hz stands for two close modes (such as the x and y sway of a nearly symmetric building) that this record cannot separate: its frequency lies between theirs (within about 1 %%) and its shape mixes them. A longer record would separate them.", m.FHz))
		}
	}

	var v verdict
	q := quality(in, r)
	r.Indicators.Quality = q
	trust := len(r.Modes) > 0 && q.CyclesOfF1 >= th.MinCycles.Value && q.ChannelsUsed >= 2

	conf := p.Confidence.None
	switch {
	case in.Baseline != nil:
		r.Reference = report.Reference{Kind: "baseline", BaselineID: in.Baseline.ID, BaselineCreated: in.Baseline.Created, BaselineModes: in.Baseline.Modes,
			Note: fmt.Sprintf("baseline survey %s of %s", in.Baseline.ID, in.Baseline.Survey.Start.Format("2006-01-02 15:04 UTC"))}
		conf = p.Confidence.Baseline
		v.cat = 0 // normative unless something says otherwise
		if trust {
			compareBaseline(in, r, &v)
		}
		r.Limits = append(r.Limits, "The storey indicator assumes a shear-type building with similar storeys inside each instrumented interval and takes the loss as concentrated in one storey (the worst case).")
	case sv.Building.Storeys > 0:
		r.Reference = report.Reference{Kind: "typology", Formulas: TypologyFormulas(sv.Building),
			Note: "no baseline: the first frequency is compared with code period formulas, which can lower confidence but never prove damage"}
		conf = p.Confidence.Typology
		v.cat = 1 // working: without a baseline struna cannot certify the design state
		if trust {
			compareTypology(r, &v, th.TypologyLow.Value)
		}
		r.Limits = append(r.Limits, "Without a baseline survey of this building, damage that lowers frequencies by less than the spread of the code formulas (tens of per cent) cannot be seen.")
	default:
		r.Reference = report.Reference{Kind: "none", Note: "no baseline and no storey count: nothing to compare the modes with"}
		v.cat = 1
	}

	if !trust {
		why := strings.Join(q.Issues, "; ")
		if len(r.Modes) == 0 {
			why = "no structural mode was identified"
			if len(in.Notes) > 0 {
				why += " (" + strings.Join(in.Notes, "; ") + ")"
			}
		}
		v.raise(yellow, 2, "Data too poor to judge the structure: %s. No placard better than yellow is given without a trustworthy vibration result.", why)
		conf = math.Min(conf, 0.3)
	}

	observations(sv.Observations, r, &v)
	conf *= qualityFactor(q, r, th.NormativeDF.Value, int(th.ClearInterval.Value))
	if sv.Observations.VisibleDamage == "severe" || sv.Observations.VisibleDamage == "collapse" {
		conf = math.Max(conf, 0.9) // the crew's own eyes decide a red placard
	}
	if v.level == green && len(v.reasons) == 0 {
		v.note("The measured modes give no sign of structural damage.")
	}

	r.Placard = placards[v.level]
	r.Category = categories[v.cat]
	if v.level == red {
		r.Category = categories[3]
	} else if v.level == yellow && v.cat < 2 {
		r.Category = categories[2]
	}
	r.Confidence = math.Round(math.Max(0.05, math.Min(1, conf))*100) / 100
	r.Reasons = v.texts()
	if r.Indicators.Modes == nil {
		r.Indicators.Modes = []report.ModeChange{}
	}
	if r.Indicators.Storeys == nil {
		r.Indicators.Storeys = []report.StoreyChange{}
	}
	id, err := r.ContentID()
	if err != nil {
		return nil, err
	}
	r.ID = id
	return r, nil
}

func nonNil(m []report.Mode) []report.Mode {
	if m == nil {
		return []report.Mode{}
	}
	return m
}

// quality sums up the data and lists what limits trust in it.
func quality(in Input, r *report.Report) report.Quality {
	q := report.Quality{DurationS: in.End.Sub(in.Start).Seconds(), Issues: []string{}}
	levels := map[int]bool{}
	for _, c := range in.Channels {
		if c.Used {
			q.ChannelsUsed++
			if se, ok := in.Survey.Sensor(c.ID); ok && se.Floor > 0 && se.Axis != "z" {
				levels[se.Floor] = true
			}
		} else if c.SampleRateHz > 0 {
			q.ChannelsExcluded++
		}
	}
	q.Levels = len(levels)
	if len(r.Modes) > 0 {
		q.CyclesOfF1 = q.DurationS * r.Modes[0].FHz
	}
	if q.ChannelsExcluded > 0 {
		q.Issues = append(q.Issues, fmt.Sprintf("%d channel(s) failed quality control and were left out", q.ChannelsExcluded))
	}
	if q.ChannelsUsed < 2 {
		q.Issues = append(q.Issues, fmt.Sprintf("only %d usable channel(s)", q.ChannelsUsed))
	}
	if len(r.Modes) > 0 && q.CyclesOfF1 < in.Policy.Thresholds.MinCycles.Value {
		q.Issues = append(q.Issues, fmt.Sprintf("the record holds %.0f cycles of the first mode; %.0f are needed", q.CyclesOfF1, in.Policy.Thresholds.MinCycles.Value))
	}
	var missing []string
	recorded := map[string]bool{}
	for _, c := range in.Channels {
		recorded[c.ID] = true
	}
	for _, s := range in.Survey.Sensors {
		if !recorded[s.Channel] {
			missing = append(missing, s.Channel)
		}
	}
	if len(missing) > 0 {
		q.Issues = append(q.Issues, fmt.Sprintf("survey sensors missing from the records: %s", strings.Join(missing, ", ")))
	}
	var unplaced []string
	for _, c := range in.Channels {
		if _, ok := in.Survey.Sensor(c.ID); !ok && c.Used {
			unplaced = append(unplaced, c.ID)
		}
	}
	if len(unplaced) > 0 {
		q.Issues = append(q.Issues, fmt.Sprintf("channels not placed by the survey (no floor or axis): %s", strings.Join(unplaced, ", ")))
	}
	if q.Levels < 2 {
		q.Issues = append(q.Issues, fmt.Sprintf("%d level(s) instrumented above ground: no storey-level indicator", q.Levels))
	}
	return q
}

// qualityFactor scales confidence by data quality.
func qualityFactor(q report.Quality, r *report.Report, normDF float64, maxInterval int) float64 {
	f := 1.0
	if tot := q.ChannelsUsed + q.ChannelsExcluded; tot > 0 {
		f *= 0.5 + 0.5*float64(q.ChannelsUsed)/float64(tot)
	}
	if q.CyclesOfF1 > 0 {
		f *= math.Min(1, 0.5+q.CyclesOfF1/2000)
	}
	if q.Levels < 2 {
		f *= 0.85
	}
	if len(r.Modes) > 0 && r.Modes[0].FHz > 0 && r.Modes[0].FStdHz/r.Modes[0].FHz > normDF/2 {
		f *= 0.8
	}
	// Instrumented intervals wider than the policy's clear_max_interval
	// blur the storey indicator both ways (docs/ACCURACY.md): any verdict
	// leans less on it.
	for _, sc := range r.Indicators.Storeys {
		if sc.ToFloor-sc.FromFloor > maxInterval {
			f *= 0.9
			break
		}
	}
	return f
}

// observations applies what the crew saw and the life-support systems.
func observations(o survey.Observations, r *report.Report, v *verdict) {
	switch o.VisibleDamage {
	case "collapse":
		v.raise(red, 3, "The crew reports partial or total collapse: unsafe whatever the vibration says.")
		r.Hazards = append(r.Hazards, report.Hazard{Kind: "collapse", Detail: "partial or total collapse reported by the crew"})
	case "severe":
		v.raise(red, 3, "The crew reports severe visible damage: unsafe whatever the vibration says.")
	case "moderate":
		v.raise(yellow, 2, "The crew reports moderate visible damage: restricted use until inspected.")
	case "minor":
		v.raise(green, 1, "The crew reports minor visible damage.")
	}
	ls := o.LifeSupport
	if ls.Gas == "damaged" {
		v.raise(yellow, 0, "Gas supply is damaged: risk of leak and explosion; entry restricted until the gas is shut off and checked.")
		r.Hazards = append(r.Hazards, report.Hazard{Kind: "gas", Detail: "gas supply damaged"})
	}
	if ls.Electricity == "damaged" {
		v.raise(yellow, 0, "Electrical installation is damaged and may be live: entry restricted until it is isolated.")
		r.Hazards = append(r.Hazards, report.Hazard{Kind: "electricity", Detail: "electrical installation damaged"})
	}
	for _, h := range []struct{ kind, state, detail string }{
		{"water", ls.Water, "water supply damaged: flooding, wet floors"},
		{"heating", ls.Heating, "heating damaged: hot water or steam"},
		{"sewage", ls.Sewage, "sewage system damaged: contamination"},
		{"lifts", ls.Lifts, "lifts damaged: do not use lifts"},
	} {
		if h.state == "damaged" {
			r.Hazards = append(r.Hazards, report.Hazard{Kind: h.kind, Detail: h.detail})
			v.note("Hazard: %s.", h.detail)
		}
	}
	var unknown []string
	if ls.Gas == "" || ls.Gas == "unknown" {
		unknown = append(unknown, "gas")
	}
	if ls.Electricity == "" || ls.Electricity == "unknown" {
		unknown = append(unknown, "electricity")
	}
	if len(unknown) > 0 {
		v.note("State of %s unknown: check before entry.", strings.Join(unknown, " and "))
	}
}

// compareTypology checks the first frequency against code formulas.
func compareTypology(r *report.Report, v *verdict, low float64) {
	fs := r.Reference.Formulas
	if len(fs) == 0 {
		return
	}
	lo, hi := math.Inf(1), 0.0
	for _, f := range fs {
		lo, hi = math.Min(lo, f.F1Hz), math.Max(hi, f.F1Hz)
	}
	r.Reference.F1RangeHz = []float64{lo, hi}
	f1 := r.Modes[0].FHz
	if f1 < low*lo {
		v.raise(yellow, 2, "The first frequency %.2f Hz is below %.0f %% of the lowest code-formula frequency (%.2f Hz): the building is softer than its type suggests. Without a baseline this cannot prove damage; restricted use until a structural engineer has looked.", f1, 100*low, lo)
		return
	}
	v.note("The first frequency %.2f Hz is consistent with buildings of this type (code formulas %.2f–%.2f Hz; ambient frequencies usually exceed them).", f1, lo, hi)
}

// commonShape returns two shapes as vectors over the channels both have.
func commonShape(a, b report.Mode) ([]complex128, []complex128) {
	ma, mb := shapeMap(a), shapeMap(b)
	var keys []string
	for k := range ma {
		if _, ok := mb[k]; ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	va, vb := make([]complex128, len(keys)), make([]complex128, len(keys))
	for i, k := range keys {
		va[i], vb[i] = ma[k], mb[k]
	}
	return va, vb
}

// compareBaseline matches modes with the baseline and applies the policy.
func compareBaseline(in Input, r *report.Report, v *verdict) {
	th := &in.Policy.Thresholds
	base := in.Baseline.Modes
	// Track needs shapes over the same channels: express both mode lists
	// over the channels every mode of both surveys has.
	ref := make([]modal.Mode, len(base))
	cur := make([]modal.Mode, len(r.Modes))
	for i, b := range base {
		ref[i] = modal.Mode{FHz: b.FHz, Zeta: b.Zeta}
	}
	for j, c := range r.Modes {
		cur[j] = modal.Mode{FHz: c.FHz, Zeta: c.Zeta}
	}
	allA, allB := commonBasis(base, r.Modes)
	for i := range ref {
		ref[i].Shape = allA[i]
	}
	for j := range cur {
		cur[j].Shape = allB[j]
	}
	matches := modal.Track(ref, cur, modal.TrackOptions{MinMAC: 0.8, MaxDF: 0.6})
	matchedRef := map[int]int{}
	for _, m := range matches {
		matchedRef[m.Ref] = m.Cur
	}
	// Order of each baseline mode within its axis.
	orderInAxis := map[int]int{}
	count := map[string]int{}
	for i, b := range base {
		count[b.Direction]++
		orderInAxis[i] = count[b.Direction]
	}
	for i, b := range base {
		j, ok := matchedRef[i]
		axis := b.Direction
		if !ok {
			if orderInAxis[i] == 1 && (axis == "x" || axis == "y" || axis == "torsion") {
				v.raise(yellow, 2, "The baseline's first %s mode (%.2f Hz) was not found in this survey: its shape or frequency changed beyond recognition, or it was not excited.", axisName(axis), b.FHz)
			}
			continue
		}
		c := r.Modes[j]
		a, bb := commonShape(b, c)
		mc := report.ModeChange{Axis: axis, Order: orderInAxis[i], FRefHz: b.FHz, FHz: c.FHz,
			DFRel: (c.FHz - b.FHz) / b.FHz, StiffnessRatio: (c.FHz / b.FHz) * (c.FHz / b.FHz), MAC: modal.MAC(a, bb)}
		if b.Zeta > 0 {
			mc.DZetaRel = (c.Zeta - b.Zeta) / b.Zeta
		}
		r.Indicators.Modes = append(r.Indicators.Modes, mc)
		drop := -mc.DFRel
		name := fmt.Sprintf("first %s mode", axisName(axis))
		if mc.Order > 1 {
			name = fmt.Sprintf("%s mode %d", axisName(axis), mc.Order)
		}
		switch {
		case drop > th.RedDrop.Value && mc.Order == 1:
			v.raise(red, 3, "The first %s mode fell %.1f %% (%.3f → %.3f Hz): about %.0f %% stiffness loss.", axisName(axis), 100*drop, b.FHz, c.FHz, 100*(1-mc.StiffnessRatio))
		case drop > th.GreenMaxDrop.Value:
			v.raise(yellow, 2, "The %s fell %.1f %% (%.3f → %.3f Hz): about %.0f %% stiffness loss, beyond environmental wander.", name, 100*drop, b.FHz, c.FHz, 100*(1-mc.StiffnessRatio))
		case math.Abs(mc.DFRel) > th.NormativeDF.Value && mc.Order == 1:
			v.raise(green, 1, "The first %s mode changed %.1f %% (%.3f → %.3f Hz), within the 2–5 %% that temperature and soil cause.", axisName(axis), 100*mc.DFRel, b.FHz, c.FHz)
		}
		if mc.Order == 1 && mc.MAC < th.MinMAC.Value {
			v.raise(yellow, 2, "The first %s mode changed shape (MAC %.2f to the baseline): the deformation pattern is no longer the one surveyed.", axisName(axis), mc.MAC)
		}
		if mc.Order == 1 && mc.DZetaRel > th.DampingRise.Value && drop > th.NormativeDF.Value {
			v.note("Damping of the first %s mode rose %.0f %% with the frequency drop, as cracking does.", axisName(axis), 100*mc.DZetaRel)
		}
	}
	storeyIndicator(in, r, v, matchedRef, orderInAxis)
}

// commonBasis expresses every shape of two mode lists over the channels
// that all modes of both lists share, sorted by id.
func commonBasis(a, b []report.Mode) ([][]complex128, [][]complex128) {
	count := map[string]int{}
	for _, list := range [][]report.Mode{a, b} {
		for _, m := range list {
			for _, s := range m.Shape {
				count[s.Channel]++
			}
		}
	}
	var keys []string
	for k, n := range count {
		if n == len(a)+len(b) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	vec := func(m report.Mode) []complex128 {
		sm := shapeMap(m)
		out := make([]complex128, len(keys))
		for i, k := range keys {
			out[i] = sm[k]
		}
		return out
	}
	va := make([][]complex128, len(a))
	for i := range a {
		va[i] = vec(a[i])
	}
	vb := make([][]complex128, len(b))
	for i := range b {
		vb[i] = vec(b[i])
	}
	return va, vb
}

func axisName(a string) string {
	switch a {
	case "x", "y":
		return a
	case "torsion":
		return "torsional"
	}
	return "mixed"
}
