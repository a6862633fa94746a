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
	}{
		{"dense, roof instrumented", 9, both(0, 3, 6, 9), ""},
		{"one-storey intervals", 3, both(0, 1, 2, 3), ""},
		{"a 4-storey interval", 10, both(0, 3, 7, 10), "interval of 4 storeys"},
		{"wide in one axis only", 9, append(iv("x", 0, 3, 6, 9), iv("y", 0, 5, 9)...), "(y axis)"},
		{"roof not instrumented", 8, both(0, 3, 6), "Instrument the roof"},
		{"no comparison in y", 6, iv("x", 0, 2, 4, 6), "no storey-level comparison was possible along the y axis"},
		{"nothing at all", 6, nil, "no storey-level comparison"},
		{"one storey: nothing to locate", 1, nil, ""},
	} {
		var v verdict
		clearance(c.storeys, 3, c.sc, &v)
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
