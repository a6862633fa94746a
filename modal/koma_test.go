package modal

import (
	"bufio"
	"context"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/struna/struna/internal/shared"
)

// readKOMA reads the KOMA shear-frame record (14400 × 5 at 12 Hz).
func readKOMA(t *testing.T) [][]float64 {
	dir := shared.Dir(t, "oma_koma_shearframe_simulated")
	f, err := os.Open(filepath.Join(dir, "data_shearframe.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Scan() // header L1..L5
	y := make([][]float64, 5)
	for sc.Scan() {
		p := strings.Split(sc.Text(), ",")
		if len(p) != 5 {
			t.Fatalf("row with %d fields", len(p))
		}
		for i, s := range p {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				t.Fatal(err)
			}
			y[i] = append(y[i], v)
		}
	}
	return y
}

// TestKOMAShearFrame: the five modes within 0.5 % of the values KOMA's own
// Cov-SSI identifies on this realisation (SOURCE.txt: the Newmark
// integration of the simulation lowers modes 3–5 by 1.7–3.2 % against the
// exact system, so identified values are the regression targets), damping
// within 30 % of KOMA's, and the exact values within 4 %.
func TestKOMAShearFrame(t *testing.T) {
	y := readKOMA(t)
	res, err := Identify(context.Background(), y, 12, Options{})
	if err != nil {
		t.Fatal(err)
	}
	koma := []struct{ f, z float64 }{{0.1809, 0.0580}, {0.5247, 0.0122}, {0.8196, 0.0097}, {1.0434, 0.0073}, {1.1842, 0.0082}}
	exact := []float64{0.18120088, 0.52892282, 0.83379458, 1.07111727, 1.22166440}
	t.Logf("provenance %+v", res.Provenance)
	for _, m := range res.Modes {
		t.Logf("mode %.4f Hz ± %.4f  ζ %.2f %% ± %.2f  %v", m.FHz, m.FStdHz, 100*m.Zeta, 100*m.ZetaStd, m.Methods)
	}
	if len(res.Modes) != 5 {
		t.Fatalf("found %d modes, want 5", len(res.Modes))
	}
	for i, m := range res.Modes {
		if e := math.Abs(m.FHz-koma[i].f) / koma[i].f; e > 0.005 {
			t.Errorf("mode %d: f %.4f vs KOMA %.4f (%.2f %%)", i+1, m.FHz, koma[i].f, 100*e)
		}
		if e := math.Abs(m.FHz-exact[i]) / exact[i]; e > 0.04 {
			t.Errorf("mode %d: f %.4f vs exact %.4f (%.2f %%)", i+1, m.FHz, exact[i], 100*e)
		}
		if e := math.Abs(m.Zeta-koma[i].z) / koma[i].z; e > 0.3 {
			t.Errorf("mode %d: ζ %.4f vs KOMA %.4f (%.0f %%)", i+1, m.Zeta, koma[i].z, 100*e)
		}
	}
}
