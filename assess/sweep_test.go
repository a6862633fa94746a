package assess

import (
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/struna/struna/sim"
)

var (
	long        = flag.Bool("long", false, "run the full damage sweep (minutes)")
	accuracyOut = flag.String("accuracy-out", "", "write the sweep's table (markdown) to this file")
	sweepSeed   = flag.Uint64("seed", 5, "seed of the damage sweep's buildings (5 is the one in docs/ACCURACY.md)")
)

// TestDamageSweep assesses simulated buildings against a baseline survey
// of the same building: intact re-surveys (new noise, ±2 % stiffness
// wander) and single-storey damage of 30 % and 50 %, at random storeys,
// with 2–4 instrumented levels. It checks the rules on every case
// and reports how often the storey indicator points at the damaged storey.
func TestDamageSweep(t *testing.T) {
	if testing.Short() {
		t.Skip("damage sweep skipped in -short mode")
	}
	n := 3
	if *long {
		n = 40
	}
	r := rand.New(rand.NewPCG(*sweepSeed, 5))
	type row struct {
		cases, green, yellow, red, pointed, pointable int
	}
	rows := map[string]*row{}
	// Layouts are told apart: "dense" when every instrumented interval
	// spans three storeys or fewer (the roof is always instrumented here),
	// where the rules must hold strictly; "wide" otherwise, where
	// struna must refuse to clear the building (never green) because a
	// 30 % loss there does not stand out of the shapes' scatter.
	kinds := []string{"intact re-survey", "30 % storey loss", "50 % storey loss"}
	var order []string
	for _, lay := range []string{"dense", "wide"} {
		for _, k := range kinds {
			order = append(order, k+", "+lay+" layout")
		}
	}
	for _, k := range order {
		rows[k] = &row{}
	}
	for i := range n {
		storeys := 3 + r.IntN(10)
		nlev := min(2+r.IntN(3), storeys)
		var levels []int
		for k := 1; k <= nlev; k++ {
			l := int(math.Round(float64(k) * float64(storeys) / float64(nlev)))
			if !slices.Contains(levels, l) {
				levels = append(levels, l)
			}
		}
		seed := uint64(100+10*i) + 1000*(*sweepSeed-5)
		base := mustAssess(t, field{storeys: storeys, levels: levels, seed: seed}.input(t))
		widest, prev := 0, 0
		for _, l := range levels {
			widest, prev = max(widest, l-prev), l
		}
		lay := "dense"
		if widest > 3 {
			lay = "wide"
		}
		for _, kind := range kinds {
			f := field{storeys: storeys, levels: levels, seed: seed + 1}
			damaged := 0
			switch kind {
			case "intact re-survey":
				f.fscale = 0.96 + 0.08*r.Float64()
			case "30 % storey loss":
				damaged = 1 + r.IntN(storeys)
				f.damage = []sim.Damage{{Storey: damaged, FactorX: 0.7, FactorY: 0.7}}
			case "50 % storey loss":
				damaged = 1 + r.IntN(storeys)
				f.damage = []sim.Damage{{Storey: damaged, FactorX: 0.5, FactorY: 0.5}}
			}
			in := f.input(t)
			in.Baseline = base
			rep := mustAssess(t, in)
			rw := rows[kind+", "+lay+" layout"]
			rw.cases++
			switch rep.Placard {
			case "green":
				rw.green++
			case "yellow":
				rw.yellow++
			case "red":
				rw.red++
			}
			desc := fmt.Sprintf("%s: %d storeys, levels %v, damaged storey %d: %s/%s %.2f", kind, storeys, levels, damaged, rep.Placard, rep.Category, rep.Confidence)
			t.Log(desc)
			if damaged > 0 && len(rep.Indicators.Storeys) > 0 {
				rw.pointable++
				for _, s := range rep.Indicators.Storeys {
					if s.Suspect && s.FromFloor < damaged && damaged <= s.ToFloor {
						rw.pointed++
						break
					}
				}
			}
			switch {
			case lay == "dense" && kind == "intact re-survey" && rep.Placard != "green",
				lay == "dense" && kind == "50 % storey loss" && rep.Placard != "red",
				rep.Placard == "green" && (kind != "intact re-survey" || lay == "wide"):
				t.Errorf("%s (%s layout) — %s", desc, lay, strings.Join(rep.Reasons, " | "))
				for _, s := range rep.Indicators.Storeys {
					t.Logf("  %s %d–%d: ρ %.3f ± %.3f relative %.3f storey-eq %.2f", s.Axis, s.FromFloor, s.ToFloor, s.Stiffness, s.StiffnessStd, s.Relative, s.StoreyEq)
				}
			}
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "| case | runs | green | yellow | red | storey indicator points at the damaged storey |\n|---|---|---|---|---|---|\n")
	for _, k := range order {
		rw := rows[k]
		pt := "—"
		if rw.pointable > 0 {
			pt = fmt.Sprintf("%d/%d (%.0f %%)", rw.pointed, rw.pointable, 100*float64(rw.pointed)/float64(rw.pointable))
		}
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d | %s |\n", k, rw.cases, rw.green, rw.yellow, rw.red, pt)
	}
	t.Logf("\n%s", b.String())
	if *accuracyOut != "" {
		if err := os.WriteFile(*accuracyOut, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
