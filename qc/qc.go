// Package qc checks sensor channels before modal analysis: gaps and
// overlaps, clipping (flat runs at the extreme), dead and flat-lined
// channels, isolated spikes, NaN/Inf, sample-rate mismatch across channels,
// and records too short for the lowest frequency of interest.
//
// The record-length rule follows operational modal analysis practice:
// spectral and correlation estimates need many cycles of the lowest mode
// (Brincker & Ventura, "Introduction to Operational Modal Analysis", 2015,
// §4.5 recommend of the order of 1000–2000 periods; SESAME 2004 asks
// 10 cycles per analysis window and many windows for H/V). Below
// MinCycles (default 100: ten windows of ten cycles with no overlap) the
// random error of a Welch estimate exceeds about 30 % and struna refuses
// to trust the channel; between that and GoodCycles (default 500) it warns.
//
// Spikes are found with a robust z-score (median and MAD; Hampel filter,
// Pearson 2002) so that the spikes themselves do not inflate the scale.
package qc

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"time"

	"github.com/struna/struna/seis"
	"golang.org/x/sync/errgroup"
)

// Severity of a finding. An error makes the channel unusable for modal
// analysis; a warning lowers confidence; info is for the record.
type Severity string

// Severities, from mild to fatal.
const (
	Info    Severity = "info"
	Warning Severity = "warning"
	Error   Severity = "error"
)

// Flag codes.
const (
	CodeGap          = "gap"
	CodeOverlap      = "overlap"
	CodeClipped      = "clipped"
	CodeDead         = "dead"
	CodeWeak         = "weak"
	CodeFlat         = "flat"
	CodeSpike        = "spike"
	CodeNaN          = "nan"
	CodeRateMismatch = "rate_mismatch"
	CodeTooShort     = "too_short"
	CodeShort        = "short"
	CodeNoOverlap    = "no_common_span"
	CodeText         = "text"
	CodeEmpty        = "empty"
)

// Flag is one finding on a channel.
type Flag struct {
	Code     string   `json:"code"`
	Severity Severity `json:"severity"`
	Count    int      `json:"count,omitempty"`
	Detail   string   `json:"detail"`
}

// Options sets the thresholds. The zero value means the defaults.
type Options struct {
	FMin        float64 // lowest frequency of interest, Hz (default 0.5)
	MinCycles   float64 // fewer cycles of FMin than this is an error (default 100)
	GoodCycles  float64 // fewer than this is a warning (default 500)
	SpikeZ      float64 // robust z-score of a spike (default 20)
	FlatSeconds float64 // a constant run this long is a flat line (default 1 s)
	ClipRun     int     // a run this long at the extreme is clipping (default 3)
	WeakRatio   float64 // RMS below this fraction of the median channel RMS is "weak" (default 1e-3)
}

func (o Options) withDefaults() Options {
	def := func(v *float64, d float64) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&o.FMin, 0.5)
	def(&o.MinCycles, 100)
	def(&o.GoodCycles, 500)
	def(&o.SpikeZ, 20)
	def(&o.FlatSeconds, 1)
	def(&o.WeakRatio, 1e-3)
	if o.ClipRun <= 0 {
		o.ClipRun = 3
	}
	return o
}

// Worst returns the most severe severity among flags ("" for none).
func Worst(flags []Flag) Severity {
	var w Severity
	for _, f := range flags {
		switch {
		case f.Severity == Error:
			return Error
		case f.Severity == Warning:
			w = Warning
		case w == "":
			w = Info
		}
	}
	return w
}

// Check returns the findings of every channel (same order as chans),
// including those that need the whole set: sample-rate mismatch, weak
// channels and channels that share no time span with the others.
func Check(chans []seis.Channel, opts Options) [][]Flag {
	opts = opts.withDefaults()
	out := make([][]Flag, len(chans))
	rms := make([]float64, len(chans))
	// Channels are checked side by side, each into its own slot.
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i := range chans {
		g.Go(func() error {
			out[i], rms[i] = channel(&chans[i], opts)
			return nil
		})
	}
	_ = g.Wait()
	setChecks(chans, out, rms, opts)
	return out
}

func channel(c *seis.Channel, o Options) ([]Flag, float64) {
	var flags []Flag
	if c.SampleRate <= 0 {
		if len(c.Text) > 0 {
			return []Flag{{Code: CodeText, Severity: Info, Detail: fmt.Sprintf("text/log channel, %d bytes", len(c.Text))}}, 0
		}
		return []Flag{{Code: CodeEmpty, Severity: Error, Detail: "no samples and no sample rate"}}, 0
	}
	n := c.Samples()
	if n == 0 {
		return []Flag{{Code: CodeEmpty, Severity: Error, Detail: "no samples"}}, 0
	}
	if g := c.NumGaps(); g > 0 {
		var total time.Duration
		for _, gp := range c.Gaps {
			if !gp.Overlap {
				total += gp.Length
			}
		}
		flags = append(flags, Flag{Code: CodeGap, Severity: Warning, Count: g,
			Detail: fmt.Sprintf("%d gap(s), %s missing in all; longest continuous segment is used", g, total.Round(time.Millisecond))})
	}
	if ov := c.NumOverlaps(); ov > 0 {
		flags = append(flags, Flag{Code: CodeOverlap, Severity: Info, Count: ov,
			Detail: fmt.Sprintf("%d overlap(s); the first record read was kept", ov)})
	}

	// One pass for NaN/Inf, extremes and moments over all segments.
	nan := 0
	lo, hi := math.Inf(1), math.Inf(-1)
	var sum, sumSq float64
	finite := 0
	for _, s := range c.Segments {
		for _, v := range s.Samples {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				nan++
				continue
			}
			finite++
			sum += v
			sumSq += v * v
			lo = math.Min(lo, v)
			hi = math.Max(hi, v)
		}
	}
	if nan > 0 {
		flags = append(flags, Flag{Code: CodeNaN, Severity: Error, Count: nan, Detail: fmt.Sprintf("%d sample(s) are NaN or infinite", nan)})
	}
	rms := 0.0
	if finite > 0 {
		mean := sum / float64(finite)
		rms = math.Sqrt(math.Max(sumSq/float64(finite)-mean*mean, 0))
	}
	if finite > 0 && hi == lo {
		flags = append(flags, Flag{Code: CodeDead, Severity: Error, Detail: fmt.Sprintf("every sample is %g: the sensor or its cable is dead", lo)})
		return flags, 0
	}

	longest := c.Longest()
	cycles := longest.Duration().Seconds() * o.FMin
	switch {
	case cycles < o.MinCycles:
		flags = append(flags, Flag{Code: CodeTooShort, Severity: Error,
			Detail: fmt.Sprintf("longest continuous segment %s holds %.0f cycles of %.3g Hz; at least %.0f are needed (record %s or more)",
				longest.Duration().Round(time.Second), cycles, o.FMin, o.MinCycles, secs(o.MinCycles/o.FMin))})
	case cycles < o.GoodCycles:
		flags = append(flags, Flag{Code: CodeShort, Severity: Warning,
			Detail: fmt.Sprintf("longest continuous segment %s holds %.0f cycles of %.3g Hz; %.0f or more give reliable damping (record %s)",
				longest.Duration().Round(time.Second), cycles, o.FMin, o.GoodCycles, secs(o.GoodCycles/o.FMin))})
	}

	if f := clipping(c, lo, hi, o); f != nil {
		flags = append(flags, *f)
	}
	if f := flatRuns(c, lo, hi, o); f != nil {
		flags = append(flags, *f)
	}
	if f := spikes(c, o); f != nil {
		flags = append(flags, *f)
	}
	return flags, rms
}

func secs(s float64) string {
	return time.Duration(s * float64(time.Second)).Round(time.Second).String()
}

// runs calls fn for every maximal run of equal consecutive samples of length ≥ 2.
func runs(c *seis.Channel, fn func(v float64, n int)) {
	for _, s := range c.Segments {
		x := s.Samples
		for i := 0; i < len(x); {
			j := i + 1
			for j < len(x) && x[j] == x[i] {
				j++
			}
			if j-i >= 2 {
				fn(x[i], j-i)
			}
			i = j
		}
	}
}

// clipping finds runs of at least ClipRun samples pinned at the channel's
// extreme value: a digitiser or sensor at full scale holds its last code.
func clipping(c *seis.Channel, lo, hi float64, o Options) *Flag {
	nruns, nsamp := 0, 0
	runs(c, func(v float64, n int) {
		if n >= o.ClipRun && (v == hi || v == lo) {
			nruns++
			nsamp += n
		}
	})
	if nruns == 0 {
		return nil
	}
	return &Flag{Code: CodeClipped, Severity: Error, Count: nsamp,
		Detail: fmt.Sprintf("%d run(s), %d samples, held at the extreme value (%g or %g): the sensor or digitiser saturated", nruns, nsamp, lo, hi)}
}

// flatRuns finds constant runs away from the extremes that last at least
// FlatSeconds: telemetry dropouts filled with the last value.
func flatRuns(c *seis.Channel, lo, hi float64, o Options) *Flag {
	minLen := max(int(math.Ceil(o.FlatSeconds*c.SampleRate)), 10)
	nruns, nsamp := 0, 0
	runs(c, func(v float64, n int) {
		if n >= minLen && v != hi && v != lo {
			nruns++
			nsamp += n
		}
	})
	if nruns == 0 {
		return nil
	}
	return &Flag{Code: CodeFlat, Severity: Warning, Count: nsamp,
		Detail: fmt.Sprintf("%d constant run(s) of at least %.3g s (%d samples in all): dropouts filled with a constant", nruns, o.FlatSeconds, nsamp)}
}

// spikes counts isolated outliers: samples whose robust z-score exceeds
// SpikeZ while the samples two steps away are below half of it, so that a
// genuine transient (many samples) is not called a spike.
func spikes(c *seis.Channel, o Options) *Flag {
	// The robust scale is estimated from an evenly strided subsample of at
	// most maxRobust values: median and MAD need no more to be accurate,
	// and sorting every sample of a long record would dominate QC's cost.
	const maxRobust = 1 << 15
	stride := max(1, c.Samples()/maxRobust)
	var all []float64
	k := 0
	for _, s := range c.Segments {
		for _, v := range s.Samples {
			if k%stride == 0 && !math.IsNaN(v) && !math.IsInf(v, 0) {
				all = append(all, v)
			}
			k++
		}
	}
	if len(all) < 5 {
		return nil
	}
	med, mad := medianMAD(all)
	if mad == 0 {
		return nil
	}
	scale := 1.4826 * mad
	z := func(v float64) float64 { return math.Abs(v-med) / scale }
	count := 0
	for _, s := range c.Segments {
		x := s.Samples
		for i := 2; i+2 < len(x); i++ {
			if z(x[i]) > o.SpikeZ && z(x[i-2]) < o.SpikeZ/2 && z(x[i+2]) < o.SpikeZ/2 {
				count++
			}
		}
	}
	if count == 0 {
		return nil
	}
	return &Flag{Code: CodeSpike, Severity: Warning, Count: count,
		Detail: fmt.Sprintf("%d isolated spike(s) beyond %.0f robust standard deviations", count, o.SpikeZ)}
}

func medianMAD(x []float64) (med, mad float64) {
	s := slices.Clone(x)
	slices.Sort(s)
	med = quantileSorted(s)
	for i, v := range s {
		s[i] = math.Abs(v - med)
	}
	slices.Sort(s)
	return med, quantileSorted(s)
}

func quantileSorted(s []float64) float64 {
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func setChecks(chans []seis.Channel, out [][]Flag, rms []float64, o Options) {
	// Sample-rate mismatch against the most common rate of data channels.
	count := map[float64]int{}
	var rates []float64
	for i := range chans {
		r := chans[i].SampleRate
		if r <= 0 {
			continue
		}
		if count[r] == 0 {
			rates = append(rates, r)
		}
		count[r]++
	}
	if len(rates) > 1 {
		common := rates[0]
		for _, r := range rates {
			if count[r] > count[common] || (count[r] == count[common] && r > common) {
				common = r
			}
		}
		for i := range chans {
			if r := chans[i].SampleRate; r > 0 && r != common {
				out[i] = append(out[i], Flag{Code: CodeRateMismatch, Severity: Warning,
					Detail: fmt.Sprintf("sampled at %g Hz while most channels use %g Hz; it will be resampled", r, common)})
			}
		}
	}

	// Weak channels: far below the median RMS of the live channels.
	var live []float64
	for i, r := range rms {
		if r > 0 && Worst(out[i]) != Error {
			live = append(live, r)
		}
	}
	if len(live) >= 3 {
		slices.Sort(live)
		med := quantileSorted(live)
		for i, r := range rms {
			if r > 0 && r < o.WeakRatio*med {
				out[i] = append(out[i], Flag{Code: CodeWeak, Severity: Warning,
					Detail: fmt.Sprintf("RMS %.3g is below %.0e of the median channel (%.3g): disconnected or wrong gain?", r, o.WeakRatio, med)})
			}
		}
	}

	// Channels that share no time with the others cannot enter a joint analysis.
	var starts, ends []time.Time
	idx := []int{}
	for i := range chans {
		if chans[i].SampleRate > 0 && chans[i].Samples() > 0 {
			starts = append(starts, chans[i].Start())
			ends = append(ends, chans[i].End())
			idx = append(idx, i)
		}
	}
	if len(idx) < 2 {
		return
	}
	for a, i := range idx {
		overlaps := false
		for b := range idx {
			if a != b && starts[a].Before(ends[b]) && starts[b].Before(ends[a]) {
				overlaps = true
				break
			}
		}
		if !overlaps {
			out[i] = append(out[i], Flag{Code: CodeNoOverlap, Severity: Error,
				Detail: fmt.Sprintf("%s–%s shares no time with any other channel", starts[a].Format(time.RFC3339), ends[a].Format(time.RFC3339))})
		}
	}
}
