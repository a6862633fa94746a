package assess

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/struna/struna/modal"
	"github.com/struna/struna/report"
	"github.com/struna/struna/sim"
	"github.com/struna/struna/survey"
)

var now = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

// field simulates one survey of a building and identifies it, giving the
// Input a crew's laptop would build.
type field struct {
	storeys  int
	levels   []int
	damage   []sim.Damage
	f1       float64 // fundamental of the intact building (0: default 10/N)
	fscale   float64 // multiplies all stiffness (environmental wander): f × √fscale
	seed     uint64
	minutes  float64
	snr      float64
	visible  string
	gas      string
	building string
}

func (f field) input(t testing.TB) Input {
	t.Helper()
	opts := []sim.Option{sim.WithRandomEccentricity(7)}
	if f.f1 > 0 {
		opts = append(opts, sim.WithFundamental(f.f1))
	}
	b, err := sim.RegularBuilding(f.storeys, opts...)
	if err != nil {
		t.Fatal(err)
	}
	if f.fscale > 0 {
		for i := range b.Storeys {
			b.Storeys[i].KX *= f.fscale
			b.Storeys[i].KY *= f.fscale
			b.Storeys[i].KTheta *= f.fscale
		}
	}
	sensors, err := sim.DefaultSensors(b, f.levels)
	if err != nil {
		t.Fatal(err)
	}
	minutes := f.minutes
	if minutes == 0 {
		minutes = 15
	}
	snr := f.snr
	if snr == 0 {
		snr = 20
	}
	res, err := sim.Simulate(context.Background(), sim.Config{Building: b, Damage: f.damage, Sensors: sensors, SampleRate: 100,
		Duration: minutes * 60, Seed: f.seed, Noise: &sim.Noise{SNRdB: snr}})
	if err != nil {
		t.Fatal(err)
	}
	id, err := modal.Identify(context.Background(), res.Data, res.SampleRate, modal.Options{})
	if err != nil {
		t.Fatal(err)
	}
	name := f.building
	if name == "" {
		name = "B-1"
	}
	sv := &survey.Survey{Building: survey.Building{ID: name, Storeys: f.storeys, HeightM: 3 * float64(f.storeys), System: "rc_frame", Lat: 40, Lon: 44},
		Observations: survey.Observations{VisibleDamage: f.visible, LifeSupport: survey.LifeSupport{Gas: f.gas, Electricity: "off"}}}
	ids := make([]string, len(sensors))
	var chans []report.Channel
	for i, s := range sensors {
		ids[i] = s.Channel
		sv.Sensors = append(sv.Sensors, survey.Sensor{Channel: s.Channel, Floor: s.Floor, XM: s.X, YM: s.Y, Axis: string(s.Axis)})
		chans = append(chans, report.Channel{ID: s.Channel, SampleRateHz: 100, Samples: len(res.Data[i]), Used: true})
	}
	pol, err := DefaultPolicy()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	return Input{Survey: sv, Channels: chans, Modes: ReportModes(id.Modes, ids), Harmonics: ReportModes(id.Harmonics, ids), Provenance: id.Provenance,
		Start: start, End: start.Add(time.Duration(minutes * float64(time.Minute))), Policy: pol, Now: now, Software: report.Software{Name: "struna", Version: "test"}}
}

func mustAssess(t testing.TB, in Input) *report.Report {
	t.Helper()
	r, err := Assess(in)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Check(); err != nil {
		t.Fatalf("report fails its own check: %v", err)
	}
	return r
}

func TestDefaultPolicyValid(t *testing.T) {
	p, err := DefaultPolicy()
	if err != nil {
		t.Fatal(err)
	}
	if p.Thresholds.StoreyRed.Value >= p.Thresholds.StoreyYellow.Value || p.Thresholds.RedDrop.Source == "" {
		t.Fatalf("policy %+v", p.Thresholds)
	}
	bad := strings.NewReader(`{"name":"x","version":"1","thresholds":{"normative_df":{"value":0.02}}}`)
	if _, err := DecodePolicy(bad, "p.json"); err == nil || !strings.Contains(err.Error(), "source") {
		t.Fatalf("a policy without sources was accepted: %v", err)
	}
	if _, err := DecodePolicy(strings.NewReader(`{"name":"x","bogus":1}`), "p.json"); err == nil {
		t.Fatal("unknown field accepted")
	}
}

// TestResurveyUndamaged: a new noise realisation with all frequencies
// shifted by up to 2 % (temperature) against the baseline is green,
// normative or working.
func TestResurveyUndamaged(t *testing.T) {
	levels := []int{2, 4, 6}
	base := mustAssess(t, field{storeys: 6, levels: levels, seed: 1}.input(t))
	for _, tc := range []struct {
		fscale float64
		seed   uint64
	}{{1, 2}, {1.04, 3}, {0.961, 4}} { // √1.04 ≈ +2 %, √0.961 ≈ −2 %
		in := field{storeys: 6, levels: levels, seed: tc.seed, fscale: tc.fscale}.input(t)
		in.Baseline = base
		r := mustAssess(t, in)
		t.Logf("fscale %.3f: %s %s %.2f %v", tc.fscale, r.Placard, r.Category, r.Confidence, r.Reasons)
		if r.Placard != "green" || (r.Category != "normative" && r.Category != "working") {
			t.Errorf("undamaged re-survey (stiffness ×%.3f): %s/%s: %v", tc.fscale, r.Placard, r.Category, r.Reasons)
		}
		if r.Reference.Kind != "baseline" || len(r.Indicators.Modes) < 2 {
			t.Errorf("reference %q, %d mode changes", r.Reference.Kind, len(r.Indicators.Modes))
		}
	}
}

// TestStoreyDamage: ≥ 30 % stiffness loss in a storey is never green;
// ≥ 50 % is red.
func TestStoreyDamage(t *testing.T) {
	levels := []int{2, 4, 6}
	base := mustAssess(t, field{storeys: 6, levels: levels, seed: 1}.input(t))
	for _, tc := range []struct {
		storey int
		factor float64
		want   []string
	}{
		{1, 0.7, []string{"yellow", "red"}},
		{4, 0.7, []string{"yellow", "red"}},
		{6, 0.7, []string{"yellow", "red"}},
		{2, 0.5, []string{"red"}},
		{5, 0.5, []string{"red"}},
	} {
		in := field{storeys: 6, levels: levels, seed: 10 + uint64(tc.storey), damage: []sim.Damage{{Storey: tc.storey, FactorX: tc.factor, FactorY: tc.factor}}}.input(t)
		in.Baseline = base
		r := mustAssess(t, in)
		t.Logf("storey %d × %.1f: %s %s %.2f %v", tc.storey, tc.factor, r.Placard, r.Category, r.Confidence, r.Reasons)
		if !contains(tc.want, r.Placard) {
			t.Errorf("storey %d at %.0f %% stiffness: placard %s, want one of %v", tc.storey, 100*tc.factor, r.Placard, tc.want)
		}
		suspect := false
		for _, s := range r.Indicators.Storeys {
			if s.Suspect && s.FromFloor < tc.storey && tc.storey <= s.ToFloor {
				suspect = true
			}
		}
		if !suspect {
			t.Logf("storey %d: the storey indicator did not point at it: %+v", tc.storey, r.Indicators.Storeys)
		}
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// TestTypologyOnly: without a baseline, a building consistent with its
// type is green or yellow with lower confidence, never red from vibration.
func TestTypologyOnly(t *testing.T) {
	r := mustAssess(t, field{storeys: 5, levels: []int{3, 5}, seed: 5}.input(t))
	if r.Placard == "red" || r.Reference.Kind != "typology" || r.Confidence > 0.7 {
		t.Fatalf("typology-only: %s, %s, confidence %.2f", r.Placard, r.Reference.Kind, r.Confidence)
	}
	// A heavily damaged building without a baseline: softer than its type,
	// but vibration alone still never makes it red.
	soft := mustAssess(t, field{storeys: 5, levels: []int{3, 5}, seed: 6, f1: 0.8}.input(t))
	if soft.Placard == "red" {
		t.Fatalf("vibration alone made a building red without a baseline: %v", soft.Reasons)
	}
	if soft.Placard != "yellow" {
		t.Errorf("a building at 0.8 Hz where its type says ≥ 2 Hz: %s (%v)", soft.Placard, soft.Reasons)
	}
}

func TestObservationsOverride(t *testing.T) {
	in := field{storeys: 4, levels: []int{2, 4}, seed: 8, visible: "collapse"}.input(t)
	r := mustAssess(t, in)
	if r.Placard != "red" || r.Category != "emergency" {
		t.Fatalf("collapse: %s/%s", r.Placard, r.Category)
	}
	in = field{storeys: 4, levels: []int{2, 4}, seed: 8, gas: "damaged"}.input(t)
	r = mustAssess(t, in)
	if r.Placard == "green" || len(r.Hazards) == 0 || r.Hazards[0].Kind != "gas" || !strings.Contains(strings.Join(r.Reasons, " "), "Gas") {
		t.Fatalf("gas leak: %s, hazards %+v, reasons %v", r.Placard, r.Hazards, r.Reasons)
	}
}

// TestPoorData: no modes, or channels failing QC, never give a confident
// green.
func TestPoorData(t *testing.T) {
	in := field{storeys: 4, levels: []int{2, 4}, seed: 9}.input(t)
	in.Modes = nil
	in.Notes = []string{"no spectral peak stands out of the noise"}
	r := mustAssess(t, in)
	if r.Placard == "green" || r.Confidence > 0.3 {
		t.Fatalf("no modes: %s, confidence %.2f", r.Placard, r.Confidence)
	}
	in = field{storeys: 4, levels: []int{2, 4}, seed: 9}.input(t)
	full := mustAssess(t, in)
	for i := range in.Channels[:3] {
		in.Channels[i].Used = false
	}
	in.Survey.Sensors = append(in.Survey.Sensors, survey.Sensor{Channel: "XX.GONE.01.HNE", Floor: 1, Axis: "x"})
	part := mustAssess(t, in)
	if part.Confidence >= full.Confidence {
		t.Fatalf("excluded channels and a missing sensor did not lower confidence: %.2f vs %.2f", part.Confidence, full.Confidence)
	}
	if !strings.Contains(strings.Join(part.Indicators.Quality.Issues, " "), "XX.GONE.01.HNE") {
		t.Fatalf("missing sensor not named: %v", part.Indicators.Quality.Issues)
	}
}

func TestBaselineOfAnotherBuilding(t *testing.T) {
	base := mustAssess(t, field{storeys: 3, levels: []int{1, 3}, seed: 1, building: "B-9"}.input(t))
	in := field{storeys: 3, levels: []int{1, 3}, seed: 2}.input(t)
	in.Baseline = base
	if _, err := Assess(in); err == nil || !strings.Contains(err.Error(), "B-9") {
		t.Fatalf("baseline of another building accepted: %v", err)
	}
}

func TestDirections(t *testing.T) {
	in := field{storeys: 5, levels: []int{3, 5}, seed: 3}.input(t)
	r := mustAssess(t, in)
	got := map[string]int{}
	for _, m := range r.Modes[:3] {
		got[m.Direction]++
	}
	// The first three modes of a regular building: y, x and torsion (sim's
	// default plan is stiffer along x).
	if got["x"] != 1 || got["y"] != 1 || got["torsion"] != 1 {
		t.Fatalf("first three directions %v", got)
	}
	if math.IsNaN(r.Confidence) {
		t.Fatal("NaN confidence")
	}
}

// A mode that stands for two close modes the record could not separate
// is carried into the report and stated among its limits.
func TestUnresolvedPairStated(t *testing.T) {
	in := field{storeys: 4, levels: []int{2, 4}, seed: 9}.input(t)
	if len(in.Modes) == 0 {
		t.Fatal("no modes")
	}
	plain := mustAssess(t, in)
	for _, l := range plain.Limits {
		if strings.Contains(l, "two close modes") {
			t.Fatalf("a limit on close modes without any: %q", l)
		}
	}
	in.Modes[0].UnresolvedPair = true
	r := mustAssess(t, in)
	if !r.Modes[0].UnresolvedPair {
		t.Error("the flag was lost in the report's modes")
	}
	found := false
	for _, l := range r.Limits {
		found = found || strings.Contains(l, "two close modes")
	}
	if !found {
		t.Errorf("no limit names the unresolved pair: %q", r.Limits)
	}
	if r.Placard != plain.Placard {
		t.Errorf("the flag alone changed the placard %s → %s", plain.Placard, r.Placard)
	}
}
