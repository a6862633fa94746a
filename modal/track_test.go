package modal

import (
	"math"
	"testing"
)

func shapeOf(v ...float64) []complex128 {
	s := make([]complex128, len(v))
	for i, x := range v {
		s[i] = complex(x, 0)
	}
	return s
}

func TestTrack(t *testing.T) {
	bend1 := shapeOf(0.3, 0.6, 1)
	bend2 := shapeOf(1, 0.4, -0.8)
	tors := shapeOf(0.1, -1, 0.2)
	ref := []Mode{{FHz: 2.0, Shape: bend1}, {FHz: 2.2, Shape: tors}, {FHz: 6.0, Shape: bend2}}
	// After damage the first mode falls 30 %, the others a little, and a
	// harmonic with a bending-like shape appears between them.
	cur := []Mode{
		{FHz: 1.4, Shape: bend1},
		{FHz: 2.1, Shape: tors},
		{FHz: 3.0, Shape: bend2, Harmonic: true},
		{FHz: 5.5, Shape: bend2},
	}
	got := Track(ref, cur, TrackOptions{})
	want := []Match{{Ref: 0, Cur: 0}, {Ref: 1, Cur: 1}, {Ref: 2, Cur: 3}}
	if len(got) != len(want) {
		t.Fatalf("got %+v, want %d matches", got, len(want))
	}
	for i := range want {
		if got[i].Ref != want[i].Ref || got[i].Cur != want[i].Cur {
			t.Errorf("match %d = %+v, want ref %d cur %d", i, got[i], want[i].Ref, want[i].Cur)
		}
	}
	if math.Abs(got[0].DF-(-0.3)) > 1e-12 || got[0].MAC < 1-1e-12 {
		t.Errorf("first match Δf/f = %v MAC = %v", got[0].DF, got[0].MAC)
	}
	// A shape that does not resemble any reference mode is left unmatched.
	if m := Track(ref, []Mode{{FHz: 2.0, Shape: shapeOf(1, -1, 1)}}, TrackOptions{MinMAC: 0.9}); len(m) != 0 {
		t.Errorf("dissimilar shape matched: %+v", m)
	}
}

func TestShapeMetrics(t *testing.T) {
	re := []complex128{1, -0.5, 0.25}
	if m := MPC(re); math.Abs(m-1) > 1e-12 {
		t.Errorf("MPC of a real mode = %v", m)
	}
	if d := MPD(re); d > 1e-6 {
		t.Errorf("MPD of a real mode = %v", d)
	}
	rot := make([]complex128, len(re))
	for i, c := range re {
		rot[i] = c * complex(math.Cos(1), math.Sin(1)) // same mode, other phase
	}
	if m := MPC(rot); math.Abs(m-1) > 1e-12 {
		t.Errorf("MPC of a rotated real mode = %v", m)
	}
	circ := []complex128{1, 1i, -1, -1i} // phases spread evenly: as complex as it gets
	if m := MPC(circ); m > 1e-12 {
		t.Errorf("MPC of a circular shape = %v", m)
	}
	if d := MPD(circ); d < 40 {
		t.Errorf("MPD of a circular shape = %v", d)
	}
	v := []complex128{0.5i, -1i, 0.2i}
	NormalizeShape(v)
	if v[1] != 1 || math.Abs(real(v[0])+0.5) > 1e-15 {
		t.Errorf("NormalizeShape = %v", v)
	}
}
