package seis

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// Aligned is a block of simultaneous samples of several channels: what
// multichannel analysis (spectral matrices, correlations) needs.
type Aligned struct {
	IDs        []SourceID
	SampleRate float64
	Start      time.Time
	Data       [][]float64 // Data[i] belongs to IDs[i]; all the same length
	// Offsets[i] is how far channel i's samples lie from the common time
	// grid (its true sample times are grid + offset); at most half a sample.
	Offsets []time.Duration
}

// Align cuts the longest contiguous segment of each data channel to the
// span they all share and returns it as one block. Channels must share a
// sample rate (resample first otherwise). Samples are matched to the
// nearest sample of the first channel's time grid; a channel whose samples
// fall between grid points keeps the offset in Offsets (at most half a
// period), which shifts phase by at most 180°·f/fs — negligible at the
// frequencies analysed after decimation.
func Align(chans []Channel) (*Aligned, error) {
	var use []*Channel
	for i := range chans {
		if chans[i].SampleRate > 0 && chans[i].Samples() > 0 {
			use = append(use, &chans[i])
		}
	}
	if len(use) == 0 {
		return nil, errors.New("no channel with samples")
	}
	rate := use[0].SampleRate
	for _, c := range use[1:] {
		if c.SampleRate != rate {
			return nil, fmt.Errorf("channel %s is sampled at %g Hz and %s at %g Hz: resample to one rate first", c.ID, c.SampleRate, use[0].ID, rate)
		}
	}
	segs := make([]*Trace, len(use))
	start, end := time.Time{}, time.Time{}
	for i, c := range use {
		segs[i] = c.Longest()
		s, e := segs[i].Start, segs[i].End()
		if i == 0 || s.After(start) {
			start = s
		}
		if i == 0 || e.Before(end) {
			end = e
		}
	}
	if !end.After(start) {
		return nil, errors.New("the channels share no common time span")
	}
	period := 1e9 / rate
	n := int(math.Floor(float64(end.Sub(start))/period+1e-6)) + 1
	out := &Aligned{SampleRate: rate, Start: start, Data: make([][]float64, len(use)), Offsets: make([]time.Duration, len(use)), IDs: make([]SourceID, len(use))}
	for i, t := range segs {
		first := float64(start.Sub(t.Start)) / period // fractional index of the common start
		k := int(math.Round(first))
		out.Offsets[i] = time.Duration(math.Round((float64(k) - first) * period))
		if k < 0 {
			k = 0
		}
		m := min(n, len(t.Samples)-k)
		if m < n {
			n = m
		}
		out.Data[i] = t.Samples[k:]
		out.IDs[i] = use[i].ID
	}
	if n < 2 {
		return nil, errors.New("the channels share fewer than two samples")
	}
	for i := range out.Data {
		out.Data[i] = out.Data[i][:n:n]
	}
	return out, nil
}
