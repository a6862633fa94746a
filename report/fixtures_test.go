package report

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/struna/struna/survey"
)

// The fixtures are synthetic but physically consistent: a 5-storey RC
// frame (16.5 m) whose modes, spectrum and poles follow from a handful
// of SDOF peaks, with sensors at the ground, floor 2 and two roof
// corners (so torsion shows as opposite signs at the roof).

type sensorDef struct {
	id    string
	floor int
	x, y  float64
	axis  string
}

var fixtureSensors = []sensorDef{
	{"AM.C6.00.HNE", 0, 12, 6, "x"}, {"AM.C6.00.HNN", 0, 12, 6, "y"}, {"AM.C6.00.HNZ", 0, 12, 6, "z"},
	{"AM.C6.20.HNE", 2, 12, 6, "x"}, {"AM.C6.20.HNN", 2, 12, 6, "y"},
	{"AM.C6.51.HNE", 5, 0, 0, "x"}, {"AM.C6.51.HNN", 5, 0, 0, "y"},
	{"AM.C6.52.HNE", 5, 24, 12, "x"}, {"AM.C6.52.HNN", 5, 24, 12, "y"},
}

// modeDef is a mode of the fixture building: frequency, damping,
// direction and the shape at floor 2 and the roof per axis; torsion
// adds opposite-sign motion at the two roof corners.
type modeDef struct {
	f, zeta              float64
	dir                  string
	x2, x5, y2, y5, tors float64
}

func shapeOf(m modeDef) []ShapeValue {
	var sh []ShapeValue
	for _, s := range fixtureSensors {
		v := 0.0
		switch {
		case s.axis == "z":
			v = 0.01
		case s.floor == 0:
			v = 0.03
		case s.axis == "x" && s.floor == 2:
			v = m.x2
		case s.axis == "y" && s.floor == 2:
			v = m.y2
		case s.axis == "x":
			v = m.x5 + m.tors*(s.y-6)/6 // torsion: opposite signs at opposite corners
		default:
			v = m.y5 - m.tors*(s.x-12)/12
		}
		// a small phase, as identified shapes are never exactly real
		sh = append(sh, ShapeValue{Channel: s.id, Re: v * math.Cos(0.35), Im: v * math.Sin(0.35), Std: 0.02 + 0.05*math.Abs(v)})
	}
	return sh
}

func ip(i int) *int { return &i }

// fixture builds a report of the 5-storey building; nModes modes from
// defs (which differ between damaged and undamaged states).
func fixture(placard string, defs []modeDef, rng *rand.Rand) *Report {
	created := time.Date(2025, 3, 2, 9, 41, 7, 0, time.UTC)
	start := time.Date(2025, 3, 2, 8, 58, 0, 0, time.UTC)
	r := &Report{
		Schema: Schema, ID: "9f1c2e7ab04d5c3e8a61f0b2d4c79e15", Created: created,
		Software: Software{Name: "struna", Version: "0.4.0"},
		Building: survey.Building{ID: "C-6", Name: "School No. 4", Lat: 40.78761, Lon: 43.84795,
			Storeys: 5, HeightM: 16.5, System: "rc_frame", Year: 1978},
		Survey: SurveyInfo{Start: start, End: start.Add(20 * time.Minute), DurationS: 1200,
			Files: []string{"c6_2025-03-02.mseed"}},
		Observations: survey.Observations{VisibleDamage: "moderate",
			LifeSupport: survey.LifeSupport{Gas: "off", Electricity: "damaged", Water: "ok", Lifts: "off"},
			Notes:       "Diagonal cracks in infill walls of floors 1–2, east stair."},
		Placard:  placard,
		Policy:   PolicyRef{Name: "struna-default", Version: "2025.1"},
		Limits:   []string{"Damage local to one column or connection may not move the global frequencies.", "Soil resonance not assessed: no H/V at ground level."},
		Category: map[string]string{"green": "normative", "yellow": "limited", "red": "emergency"}[placard],
	}
	for _, s := range fixtureSensors {
		r.Survey.Sensors = append(r.Survey.Sensors, survey.Sensor{Channel: s.id, Floor: s.floor, XM: s.x, YM: s.y, Axis: s.axis})
		c := Channel{ID: s.id, SampleRateHz: 200, Samples: 240000, Used: s.axis != "z", Floor: ip(s.floor), Axis: s.axis}
		if s.axis == "z" {
			c.Flags = []Flag{{Code: "not_horizontal", Severity: "info", Detail: "vertical channel: not used for the horizontal modes"}}
		}
		r.Channels = append(r.Channels, c)
	}
	r.Channels[3].Gaps = 1
	r.Channels[3].Flags = []Flag{{Code: "gap", Severity: "warning", Detail: "1 gap of 0.42 s at 09:03:12 (filled by interpolation)"}}
	for _, d := range defs {
		r.Modes = append(r.Modes, Mode{FHz: d.f, Zeta: d.zeta, FStdHz: d.f * 0.004, ZetaStd: d.zeta * 0.2,
			MPC: 0.97, MPD: 6.5, Methods: []string{"fdd", "ssi-cov"}, Direction: d.dir, Shape: shapeOf(d)})
	}
	r.Harmonics = []Mode{{FHz: 12.5, Zeta: 0.0004, FStdHz: 0.001, MPC: 0.99, Methods: []string{"fdd"}, Direction: "mixed"}}
	r.Indicators.Quality = Quality{ChannelsUsed: 8, ChannelsExcluded: 1, DurationS: 1200, CyclesOfF1: 1200 * defs[0].f, Levels: 3,
		Issues: []string{"1 gap on AM.C6.20.HNE (0.42 s), interpolated"}}

	// Spectrum: first two singular values from SDOF peaks over a noise floor.
	const n = 2000
	for i := range n {
		f := 25 * float64(i) / (n - 1)
		s1, s2 := 1e-4, 3e-5
		for k, d := range defs {
			q := f / d.f
			h := 1 / ((1-q*q)*(1-q*q) + (2*d.zeta*q)*(2*d.zeta*q))
			amp := 1 / float64(k+1)
			s1 += amp * h
			s2 += 0.02 * amp * h
		}
		q := f / 12.5
		s1 += 0.05 / ((1-q*q)*(1-q*q) + 1e-6)
		s2 += 0.002 / ((1-q*q)*(1-q*q) + 1e-6)
		s1 *= 1 + 0.15*rng.NormFloat64()*0.3
		s2 *= 1 + 0.15*rng.NormFloat64()*0.3
		r.Plots.SpectrumHz = append(r.Plots.SpectrumHz, f)
		r.Plots.SV1dB = append(r.Plots.SV1dB, 10*math.Log10(math.Abs(s1)))
		r.Plots.SV2dB = append(r.Plots.SV2dB, 10*math.Log10(math.Abs(s2)))
	}
	// Poles: each mode appears at every order from 6 up, stable from 10
	// up; spurious poles scatter over the band.
	for o := 2; o <= 60; o += 2 {
		for _, d := range defs {
			if o < 6 {
				continue
			}
			r.Plots.Poles = append(r.Plots.Poles, PlotPole{FHz: d.f * (1 + 0.003*rng.NormFloat64()), Order: o, Stable: o >= 10})
		}
		for range o / 3 {
			r.Plots.Poles = append(r.Plots.Poles, PlotPole{FHz: 0.5 + 24*rng.Float64(), Order: o, Stable: false})
		}
	}
	r.Provenance = map[string]any{
		"preprocess": []any{
			map[string]any{"step": "detrend", "order": 1},
			map[string]any{"step": "bandpass", "low_hz": 0.5, "high_hz": 25, "order": 4, "zero_phase": true},
			map[string]any{"step": "decimate", "from_hz": 200, "to_hz": 50},
		},
		"fdd": map[string]any{"nfft": 4096, "overlap": 0.5, "window": "hann"},
		"ssi": map[string]any{"max_order": 60, "lags": 40, "preset": "strict"},
	}
	return r
}

var (
	intactModes = []modeDef{
		{2.10, 0.021, "x", 0.42, 1.0, 0.05, 0.08, 0},
		{2.45, 0.024, "y", 0.04, 0.06, 0.45, 1.0, 0},
		{3.30, 0.026, "torsion", 0.02, 0, 0.03, 0, 0.9},
		{6.40, 0.030, "x", -0.85, 0.75, 0.02, 0.03, 0},
		{7.55, 0.031, "y", 0.03, 0.02, -0.8, 0.7, 0},
	}
	damagedModes = []modeDef{
		{1.62, 0.034, "x", 0.62, 1.0, 0.06, 0.1, 0},
		{1.98, 0.036, "y", 0.05, 0.07, 0.58, 1.0, 0},
		{2.71, 0.038, "torsion", 0.03, 0, 0.04, 0, 0.85},
		{4.95, 0.041, "x", -0.7, 0.8, 0.02, 0.03, 0},
		{6.10, 0.044, "y", 0.03, 0.02, -0.75, 0.72, 0},
	}
)

// redReport is the representative damaged building against its baseline.
func redReport() *Report {
	r := fixture("red", damagedModes, rand.New(rand.NewPCG(1, 2)))
	r.Confidence = 0.86
	r.Reasons = []string{
		"First x-mode frequency fell 22.9 % against the baseline (2.10 → 1.62 Hz): about 41 % loss of global stiffness.",
		"First y-mode frequency fell 19.2 % (2.45 → 1.98 Hz).",
		"Storey 1–2 takes 62 % of the first-mode drift (baseline 42 %): a soft storey is forming.",
		"Crew reports moderate visible damage (diagonal cracks in infill walls).",
	}
	r.Hazards = []Hazard{
		{Kind: "electricity", Detail: "Damaged live wiring in the east stair; isolate supply before entry."},
		{Kind: "gas", Detail: "Supply shut off at the meter; smell reported in basement."},
	}
	r.Reference = Reference{Kind: "baseline", BaselineID: "51d0e7a2c3b94f86a1e2d3c4b5a69788",
		BaselineCreated: time.Date(2023, 10, 11, 13, 5, 0, 0, time.UTC),
		Note:            "Baseline recorded in October 2023 at a similar temperature (12 °C) with the same sensor layout."}
	for i, d := range intactModes {
		r.Reference.BaselineModes = append(r.Reference.BaselineModes, Mode{FHz: d.f, Zeta: d.zeta, Direction: d.dir})
		m := damagedModes[i]
		order := 1
		if i >= 3 {
			order = 2
		}
		r.Indicators.Modes = append(r.Indicators.Modes, ModeChange{Axis: d.dir, Order: order, FRefHz: d.f, FHz: m.f,
			DFRel: (m.f - d.f) / d.f, StiffnessRatio: (m.f / d.f) * (m.f / d.f), DZetaRel: (m.zeta - d.zeta) / d.zeta, MAC: 0.97 - 0.02*float64(i)})
	}
	r.Indicators.Storeys = []StoreyChange{
		{Axis: "x", FromFloor: 0, ToFloor: 2, DriftShare: 0.62, RefShare: 0.42, Stiffness: 0.41, StoreyEq: 0.32, Suspect: true},
		{Axis: "x", FromFloor: 2, ToFloor: 5, DriftShare: 0.38, RefShare: 0.58, Stiffness: 0.78, StoreyEq: 0.9},
		{Axis: "y", FromFloor: 0, ToFloor: 2, DriftShare: 0.58, RefShare: 0.45, Stiffness: 0.52, StoreyEq: 0.47, Suspect: true},
		{Axis: "y", FromFloor: 2, ToFloor: 5, DriftShare: 0.42, RefShare: 0.55, Stiffness: 0.8, StoreyEq: 0.92},
	}
	return r
}

// greenReport is the intact building with only a typology reference.
func greenReport() *Report {
	r := fixture("green", intactModes, rand.New(rand.NewPCG(3, 4)))
	r.Confidence = 0.64
	r.Observations.VisibleDamage = "none"
	r.Observations.LifeSupport = survey.LifeSupport{Gas: "ok", Electricity: "ok", Water: "ok", Heating: "ok", Sewage: "ok", Lifts: "ok"}
	r.Observations.Notes = ""
	r.Reasons = []string{
		"First frequency 2.10 Hz is inside the plausible range for a 5-storey RC frame (1.3 – 3.4 Hz).",
		"No visible damage; all life-support systems intact.",
		"No baseline: confidence is limited to what typology formulas can say.",
	}
	h := 16.5
	ec8 := 0.075 * math.Pow(h, 0.75)
	asce := 0.0466 * math.Pow(h, 0.9)
	r.Reference = Reference{Kind: "typology",
		Formulas: []Formula{
			{Name: "EC8 T1 = 0.075·H^0.75 (RC frame)", T1S: ec8, F1Hz: 1 / ec8, Source: "EN 1998-1:2004 §4.3.3.2.2 (4.6)"},
			{Name: "ASCE 7 Ta = 0.0466·h^0.9 (RC MRF)", T1S: asce, F1Hz: 1 / asce, Source: "ASCE 7-16 §12.8.2.1 (12.8-7)"},
			{Name: "T ≈ 0.1·N", T1S: 0.5, F1Hz: 2, Source: "ASCE 7-16 (12.8-8)"},
		},
		F1RangeHz: []float64{1.3, 3.4},
		Note:      "Code formulas are lower bounds; infill walls raise frequencies by 7–30 %.",
	}
	r.Indicators.Storeys = []StoreyChange{
		{Axis: "x", FromFloor: 0, ToFloor: 2, DriftShare: 0.42},
		{Axis: "x", FromFloor: 2, ToFloor: 5, DriftShare: 0.58},
	}
	return r
}

// benchReport is the brief's typical report: 16 channels, 10 modes,
// 2000-point spectrum, 3000 poles.
func benchReport() *Report {
	r := redReport()
	r.Channels = nil
	r.Survey.Sensors = nil
	for i := range 16 {
		id := fmt.Sprintf("AM.C6.%02d.HN%c", i/2, "EN"[i%2])
		axis := "xy"[i%2 : i%2+1]
		fl := i / 3
		r.Survey.Sensors = append(r.Survey.Sensors, survey.Sensor{Channel: id, Floor: fl, Axis: axis})
		r.Channels = append(r.Channels, Channel{ID: id, SampleRateHz: 200, Samples: 240000, Used: true, Floor: ip(fl), Axis: axis})
	}
	r.Modes = nil
	for k := range 10 {
		m := Mode{FHz: 1.5 + 1.9*float64(k), Zeta: 0.02, Methods: []string{"fdd", "ssi-cov"}, Direction: "xy"[k%2 : k%2+1]}
		for i, c := range r.Channels {
			m.Shape = append(m.Shape, ShapeValue{Channel: c.ID, Re: math.Sin(float64((k+1)*(i+1)) * 0.3)})
		}
		r.Modes = append(r.Modes, m)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	r.Plots.Poles = nil
	for i := range 3000 {
		r.Plots.Poles = append(r.Plots.Poles, PlotPole{FHz: 25 * rng.Float64(), Order: 2 + 2*(i%60), Stable: i%3 == 0})
	}
	return r
}
