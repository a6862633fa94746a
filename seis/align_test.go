package seis

import (
	"testing"
	"time"
)

func TestAlign(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ms := time.Millisecond
	a := SourceID{"XX", "A", "", "HNE"}
	b := SourceID{"XX", "B", "", "HNN"}
	c := SourceID{"XX", "C", "", "HNZ"}
	chans := Merge([]Trace{
		{ID: a, SampleRate: 100, Start: t0, Samples: ramp(0, 1000)},
		{ID: b, SampleRate: 100, Start: t0.Add(50 * ms), Samples: ramp(5000, 900)},       // starts 5 samples later
		{ID: c, SampleRate: 100, Start: t0.Add(-23*ms + 2*ms), Samples: ramp(100, 2000)}, // off-grid by 1 ms
	})
	al, err := Align(chans)
	if err != nil {
		t.Fatal(err)
	}
	// Common span: all of b (t0+50 ms to t0+9.04 s).
	if !al.Start.Equal(t0.Add(50 * ms)) {
		t.Fatalf("start %v", al.Start)
	}
	if n := len(al.Data[0]); n != 900 {
		t.Fatalf("length %d, want 900", n)
	}
	for i, d := range al.Data {
		if len(d) != 900 {
			t.Fatalf("channel %d has %d samples", i, len(d))
		}
	}
	// Sample j of each channel is the same instant.
	if al.Data[0][0] != 5 || al.Data[1][0] != 5000 {
		t.Errorf("first samples %v %v", al.Data[0][0], al.Data[1][0])
	}
	// c starts at t0−21 ms: the sample nearest t0+50 ms is index 7 (t0+49 ms), 1 ms early.
	if al.Data[2][0] != 107 || al.Offsets[2] != -ms {
		t.Errorf("off-grid channel: first %v offset %v", al.Data[2][0], al.Offsets[2])
	}
	// Different rates are refused.
	chans = Merge([]Trace{{ID: a, SampleRate: 100, Start: t0, Samples: ramp(0, 10)}, {ID: b, SampleRate: 50, Start: t0, Samples: ramp(0, 10)}})
	if _, err := Align(chans); err == nil {
		t.Error("different rates accepted")
	}
	// Disjoint spans are refused.
	chans = Merge([]Trace{{ID: a, SampleRate: 100, Start: t0, Samples: ramp(0, 10)}, {ID: b, SampleRate: 100, Start: t0.Add(time.Hour), Samples: ramp(0, 10)}})
	if _, err := Align(chans); err == nil {
		t.Error("disjoint spans accepted")
	}
}
