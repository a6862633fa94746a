package sim

import (
	"math"
	"testing"
)

// uniform returns a hand-built n-storey building with the same floor and
// storey everywhere (independent of BuildingSpec).
func uniform(n int, m, j, kx, ky, kt, ex, ey float64) Building {
	b := Building{LX: 20, LY: 15}
	for range n {
		b.Floors = append(b.Floors, Floor{Mass: m, J: j, EX: ex, EY: ey})
		b.Storeys = append(b.Storeys, Storey{Height: 3, KX: kx, KY: ky, KTheta: kt})
	}
	return b
}

func relErr(got, want float64) float64 { return math.Abs(got-want) / math.Abs(want) }

func mustModes(t *testing.T, b Building) *Modes {
	t.Helper()
	md, err := b.Modes()
	if err != nil {
		t.Fatal(err)
	}
	return md
}
