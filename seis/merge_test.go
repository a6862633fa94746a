package seis

import (
	"testing"
	"time"
)

func ramp(start, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = float64(start + i)
	}
	return x
}

func TestMerge(t *testing.T) {
	t0 := time.Date(2026, 11, 25, 10, 0, 0, 123456789, time.UTC)
	id := SourceID{"XX", "STA", "00", "HNZ"}
	other := SourceID{"XX", "STA", "00", "HNE"}
	at := func(i int) time.Time { return t0.Add(time.Duration(i) * 10 * time.Millisecond) } // 100 Hz
	tests := []struct {
		name        string
		in          []Trace
		segments    []int // samples per segment of the first channel
		gaps        int
		overlaps    int
		channels    int
		firstSample []float64 // first sample of each segment
	}{
		{
			name:     "contiguous out of order",
			in:       []Trace{{ID: id, SampleRate: 100, Start: at(100), Samples: ramp(100, 50)}, {ID: id, SampleRate: 100, Start: at(0), Samples: ramp(0, 100)}},
			segments: []int{150}, channels: 1, firstSample: []float64{0},
		},
		{
			name:     "jitter under half a sample is contiguous",
			in:       []Trace{{ID: id, SampleRate: 100, Start: at(0), Samples: ramp(0, 100)}, {ID: id, SampleRate: 100, Start: at(100).Add(4 * time.Millisecond), Samples: ramp(100, 10)}},
			segments: []int{110}, channels: 1, firstSample: []float64{0},
		},
		{
			name:     "gap",
			in:       []Trace{{ID: id, SampleRate: 100, Start: at(0), Samples: ramp(0, 100)}, {ID: id, SampleRate: 100, Start: at(110), Samples: ramp(110, 10)}},
			segments: []int{100, 10}, gaps: 1, channels: 1, firstSample: []float64{0, 110},
		},
		{
			name:     "overlap keeps first and appends the rest",
			in:       []Trace{{ID: id, SampleRate: 100, Start: at(0), Samples: ramp(0, 100)}, {ID: id, SampleRate: 100, Start: at(90), Samples: ramp(90, 20)}},
			segments: []int{110}, overlaps: 1, channels: 1, firstSample: []float64{0},
		},
		{
			name:     "duplicate record dropped",
			in:       []Trace{{ID: id, SampleRate: 100, Start: at(0), Samples: ramp(0, 100)}, {ID: id, SampleRate: 100, Start: at(0), Samples: ramp(0, 100)}},
			segments: []int{100}, overlaps: 1, channels: 1, firstSample: []float64{0},
		},
		{
			name:     "two channels and two rates",
			in:       []Trace{{ID: id, SampleRate: 100, Start: at(0), Samples: ramp(0, 10)}, {ID: other, SampleRate: 100, Start: at(0), Samples: ramp(0, 10)}, {ID: id, SampleRate: 50, Start: at(0), Samples: ramp(0, 10)}},
			segments: []int{10}, channels: 3, firstSample: []float64{0},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			chans := Merge(tc.in)
			if len(chans) != tc.channels {
				t.Fatalf("channels = %d, want %d", len(chans), tc.channels)
			}
			var c *Channel
			for i := range chans {
				if chans[i].ID == id && chans[i].SampleRate == 100 {
					c = &chans[i]
				}
			}
			if c == nil {
				t.Fatal("channel XX.STA.00.HNZ at 100 Hz missing")
			}
			if len(c.Segments) != len(tc.segments) {
				t.Fatalf("segments = %d, want %d", len(c.Segments), len(tc.segments))
			}
			for i, n := range tc.segments {
				if got := len(c.Segments[i].Samples); got != n {
					t.Errorf("segment %d has %d samples, want %d", i, got, n)
				}
				if c.Segments[i].Samples[0] != tc.firstSample[i] {
					t.Errorf("segment %d starts with %v, want %v", i, c.Segments[i].Samples[0], tc.firstSample[i])
				}
				// Samples of a ramp stay a ramp: no sample duplicated or lost inside a segment.
				for j, v := range c.Segments[i].Samples {
					if v != tc.firstSample[i]+float64(j) {
						t.Fatalf("segment %d sample %d = %v, want %v", i, j, v, tc.firstSample[i]+float64(j))
					}
				}
			}
			if c.NumGaps() != tc.gaps || c.NumOverlaps() != tc.overlaps {
				t.Errorf("gaps/overlaps = %d/%d, want %d/%d", c.NumGaps(), c.NumOverlaps(), tc.gaps, tc.overlaps)
			}
		})
	}
}

func TestMergeDoesNotAliasInput(t *testing.T) {
	id := SourceID{"XX", "STA", "", "HNZ"}
	in := []Trace{{ID: id, SampleRate: 1, Start: time.Unix(0, 0).UTC(), Samples: []float64{1, 2, 3}}}
	out := Merge(in)
	out[0].Segments[0].Samples[0] = 99
	if in[0].Samples[0] != 1 {
		t.Fatal("Merge aliased the caller's samples")
	}
}

func TestSourceID(t *testing.T) {
	for _, tc := range []struct {
		in, want, fdsn string
		bad            bool
	}{
		{in: "XX.TEST..BHZ", want: "XX.TEST..BHZ", fdsn: "FDSN:XX_TEST__B_H_Z"},
		{in: "FDSN:IU_COLA_00_L_H_1", want: "IU.COLA.00.LH1", fdsn: "FDSN:IU_COLA_00_L_H_1"},
		{in: "XX.TEST.BHZ", bad: true},
		{in: "XX..00.BHZ", bad: true},
		{in: "FDSN:XX_TEST", bad: true},
	} {
		id, err := ParseSourceID(tc.in)
		if tc.bad {
			if err == nil {
				t.Errorf("ParseSourceID(%q) accepted a bad id", tc.in)
			}
			continue
		}
		if err != nil {
			t.Fatalf("ParseSourceID(%q): %v", tc.in, err)
		}
		if id.String() != tc.want || id.FDSN() != tc.fdsn {
			t.Errorf("ParseSourceID(%q) = %s / %s, want %s / %s", tc.in, id, id.FDSN(), tc.want, tc.fdsn)
		}
	}
}

func TestFormatErrorNamesEverything(t *testing.T) {
	e := Errorf("a.mseed", 3, 1536, "blockette 1000", "record length 2^40 is out of range")
	want := "a.mseed: record 3 at byte 1536: blockette 1000: record length 2^40 is out of range"
	if e.Error() != want {
		t.Fatalf("got %q, want %q", e.Error(), want)
	}
}

// Many short records with a gap and an overlap among them: each segment
// holds exactly its samples (capacity too, so nothing is over-allocated),
// and the gaps name the samples on either side.
func TestMergeManyRecords(t *testing.T) {
	t0 := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	id := SourceID{"XX", "STA", "00", "HNZ"}
	at := func(i int) time.Time { return t0.Add(time.Duration(i) * 5 * time.Millisecond) } // 200 Hz
	var in []Trace
	for r := range 50 { // samples 0..999 in records of 20
		in = append(in, Trace{ID: id, SampleRate: 200, Start: at(20 * r), Samples: ramp(20*r, 20)})
	}
	for r := range 30 { // a gap of 100 samples, then 1100..1699
		in = append(in, Trace{ID: id, SampleRate: 200, Start: at(1100 + 20*r), Samples: ramp(1100+20*r, 20)})
	}
	// A record overlapping the end of the second stretch by 5 samples.
	in = append(in, Trace{ID: id, SampleRate: 200, Start: at(1695), Samples: ramp(1695, 20)})
	chans := Merge(in)
	if len(chans) != 1 || len(chans[0].Segments) != 2 {
		t.Fatalf("channels %d, segments %v", len(chans), len(chans[0].Segments))
	}
	c := chans[0]
	for k, want := range []struct{ first, n int }{{0, 1000}, {1100, 615}} {
		s := c.Segments[k].Samples
		if len(s) != want.n || cap(s) != want.n {
			t.Errorf("segment %d: %d samples (capacity %d), want %d", k, len(s), cap(s), want.n)
		}
		for j, v := range s {
			if v != float64(want.first+j) {
				t.Fatalf("segment %d sample %d = %v, want %d", k, j, v, want.first+j)
			}
		}
		if !c.Segments[k].Start.Equal(at(want.first)) {
			t.Errorf("segment %d starts %v, want %v", k, c.Segments[k].Start, at(want.first))
		}
	}
	if len(c.Gaps) != 2 || c.Gaps[0].Overlap || !c.Gaps[0].LastBefore.Equal(at(999)) || !c.Gaps[0].FirstAfter.Equal(at(1100)) ||
		!c.Gaps[1].Overlap || !c.Gaps[1].LastBefore.Equal(at(1699)) || !c.Gaps[1].FirstAfter.Equal(at(1695)) {
		t.Errorf("gaps %+v", c.Gaps)
	}
}
