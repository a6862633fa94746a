package seis

import (
	"math"
	"time"
)

// Trace is a run of uniformly sampled values of one channel. Readers return
// one Trace per record (or per file for formats without records); Merge joins
// them into continuous channels.
type Trace struct {
	ID         SourceID
	SampleRate float64   // samples per second; 0 for text (log) channels
	Start      time.Time // time of the first sample, UTC
	Samples    []float64
	Text       []byte // payload of a text (log) record; Samples is then empty
	Units      string // physical units when the format says, e.g. "m/s**2"; "" unknown
}

// Period returns the sample interval.
func (t *Trace) Period() time.Duration {
	if t.SampleRate <= 0 {
		return 0
	}
	return time.Duration(math.Round(1e9 / t.SampleRate))
}

// End returns the time of the last sample (Start for an empty trace).
func (t *Trace) End() time.Time {
	return t.TimeAt(len(t.Samples) - 1)
}

// TimeAt returns the time of sample i, computed from the start without
// accumulating rounding error.
func (t *Trace) TimeAt(i int) time.Time {
	if i <= 0 || t.SampleRate <= 0 {
		return t.Start
	}
	return t.Start.Add(time.Duration(math.Round(float64(i) * 1e9 / t.SampleRate)))
}

// Duration is the span covered by the samples (n/fs).
func (t *Trace) Duration() time.Duration {
	if t.SampleRate <= 0 {
		return 0
	}
	return time.Duration(math.Round(float64(len(t.Samples)) * 1e9 / t.SampleRate))
}
