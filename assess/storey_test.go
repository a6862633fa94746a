package assess

import (
	"strings"
	"testing"

	"github.com/struna/struna/report"
)

// clearance withholds green exactly where a 30 % storey loss could hide.
func TestClearance(t *testing.T) {
	iv := func(axis string, bounds ...int) []report.StoreyChange {
		var out []report.StoreyChange
		for i := 1; i < len(bounds); i++ {
			out = append(out, report.StoreyChange{Axis: axis, FromFloor: bounds[i-1], ToFloor: bounds[i]})
		}
		return out
	}
	both := func(bounds ...int) []report.StoreyChange {
		return append(iv("x", bounds...), iv("y", bounds...)...)
	}
	for _, c := range []struct {
		name    string
		storeys int
		sc      []report.StoreyChange
		want    string // "" = may be cleared; else a fragment of the reason
		unmeas  map[string]string
	}{
		{"dense, roof instrumented", 9, both(0, 3, 6, 9), "", nil},
		{"one-storey intervals", 3, both(0, 1, 2, 3), "", nil},
		{"a 4-storey interval", 10, both(0, 3, 7, 10), "interval of 4 storeys", nil},
		{"wide in one axis only", 9, append(iv("x", 0, 3, 6, 9), iv("y", 0, 5, 9)...), "(y axis)", nil},
		{"roof not instrumented", 8, both(0, 3, 6), "Instrument the roof", nil},
		{"no comparison in y", 6, iv("x", 0, 2, 4, 6), "no storey-level comparison was possible along the y axis", nil},
		{"nothing at all", 6, nil, "no storey-level comparison", nil},
		{"one storey: nothing to locate", 1, nil, "", nil},
		{"shapes without uncertainty in y", 6, iv("x", 0, 2, 4, 6), "the first y mode's shape", map[string]string{"y": "the first y mode's shape in this survey carries no measured uncertainty"}},
	} {
		var v verdict
		clearance(c.storeys, 3, c.sc, c.unmeas, &v)
		got := strings.Join(v.texts(), " ")
		switch {
		case c.want == "" && (v.level != green || got != ""):
			t.Errorf("%s: withheld green: %s", c.name, got)
		case c.want != "" && (v.level != yellow || !strings.Contains(got, c.want)):
			t.Errorf("%s: level %d, reasons %q; want yellow naming %q", c.name, v.level, got, c.want)
		}
	}
}

// An undamaged building surveyed with one 4-storey interval is not
// cleared: yellow, never red, and the reason says what to add.
func TestWideLayoutNotCleared(t *testing.T) {
	levels := []int{4, 7}
	base := mustAssess(t, field{storeys: 7, levels: levels, seed: 1}.input(t))
	in := field{storeys: 7, levels: levels, seed: 2}.input(t)
	in.Baseline = base
	r := mustAssess(t, in)
	if r.Placard != "yellow" || !strings.Contains(strings.Join(r.Reasons, " "), "cannot clear the building") {
		t.Errorf("intact, levels %v: %s %v", levels, r.Placard, r.Reasons)
	}
}

// A re-survey too short to split into independent segments has mode shapes
// without measured standard errors. Taken as exact, their scatter between
// levels would read as a storey's loss; such a survey is not compared
// storey by storey, and cannot clear the building: yellow, saying why and
// how long to record, never red for an intact building.
func TestShortResurveyNotComparedStoreyByStorey(t *testing.T) {
	levels := []int{2, 4, 6}
	base := mustAssess(t, field{storeys: 6, levels: levels, seed: 1, minutes: 20}.input(t))
	// 3.5 minutes of a 1.67 Hz building: 350 cycles, enough for a
	// verdict (300), too few to split (four segments of 50 cycles of f₁/2).
	in := field{storeys: 6, levels: levels, seed: 2, minutes: 3.5}.input(t)
	in.Baseline = base
	r := mustAssess(t, in)
	why := strings.Join(r.Reasons, " ")
	if r.Placard != "yellow" || !strings.Contains(why, "carries no measured uncertainty") || !strings.Contains(why, "record at least") {
		t.Errorf("intact, 3.5-minute re-survey: %s %v", r.Placard, r.Reasons)
	}
	if len(r.Indicators.Storeys) != 0 {
		t.Errorf("storeys compared without shape uncertainty: %+v", r.Indicators.Storeys)
	}
}
