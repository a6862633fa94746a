package report

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
	"strings"
	"testing"
)

// BenchmarkRenderHTML renders the brief's typical report: 16 channels,
// 10 modes, a 2000-point spectrum and 3000 poles.
func BenchmarkRenderHTML(b *testing.B) {
	r := benchReport()
	var buf bytes.Buffer
	if err := RenderHTML(&buf, r); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := RenderHTML(io.Discard, r); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "page-bytes")
}

// FuzzRenderHTML: whatever JSON decodes into a Report, rendering either
// fails with an error (invalid report) or produces a page; it never
// panics.
func FuzzRenderHTML(f *testing.F) {
	// Small seeds: the fuzzer minimises every new input, which takes
	// minutes on a full 180 KB report.
	for _, r := range []*Report{redReport(), greenReport()} {
		r.Plots.SpectrumHz, r.Plots.SV1dB, r.Plots.SV2dB = r.Plots.SpectrumHz[:40:40], r.Plots.SV1dB[:40:40], r.Plots.SV2dB[:40:40]
		r.Plots.Poles = r.Plots.Poles[:30:30]
		r.Provenance = map[string]any{"step": "detrend"}
		js, err := json.Marshal(r)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(js)
	}
	f.Add([]byte(`{"schema":"struna.report/1","id":"x","building":{"id":"b"},"placard":"red","category":"emergency","plots":{"spectrum_hz":[0,1e308],"sv1_db":[-1e308,1e308],"poles":[{"f":1e300,"o":2147483647,"s":true}]},"modes":[{"f_hz":-1,"shape":[{"channel":"a","re":1e308,"im":1e308}]}],"channels":[{"id":"a","floor":-5,"axis":"x"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var r Report
		if json.Unmarshal(data, &r) != nil {
			return
		}
		_ = RenderHTML(io.Discard, &r)
	})
}

// FuzzRenderNumbers puts fuzzed numbers and a string into every kind of
// figure and table of a small valid report: the page must render, stay
// well-formed XML and never show NaN/Inf.
func FuzzRenderNumbers(f *testing.F) {
	f.Add(1.5, 0.02, -0.2, 2.0, 12, 3, "x")
	f.Add(math.NaN(), math.Inf(1), math.Inf(-1), 1e308, -1<<62, 1<<62, "<b>")
	f.Add(0.0, math.Copysign(0, -1), 5e-324, -1e308, 0, -7, "")
	f.Fuzz(func(t *testing.T, a, b, c, d float64, o, floor int, s string) {
		r := greenReport()
		r.Plots.SpectrumHz = []float64{a, b, c, d, 1, 2}
		r.Plots.SV1dB = []float64{d, c, b, a, 0, -10}
		r.Plots.SV2dB = []float64{c, a}
		r.Plots.Poles = []PlotPole{{FHz: a, Order: o, Stable: true}, {FHz: b, Order: floor}, {FHz: 2, Order: 4}}
		r.Modes = r.Modes[:2]
		r.Modes[0].FHz, r.Modes[0].Zeta, r.Modes[1].FHz = a, b, c
		r.Modes[0].Shape[3].Re, r.Modes[0].Shape[5].Im, r.Modes[0].Shape[4].Std = c, d, b
		r.Modes[0].Direction = s
		r.Channels[4].Floor = &floor
		r.Channels[5].Axis = s
		r.Building.Storeys = o
		r.Reference.Formulas[0].F1Hz = d
		r.Reference.F1RangeHz = []float64{a, d}
		r.Indicators.Modes = []ModeChange{{Axis: s, Order: o, FRefHz: a, FHz: b, DFRel: c, StiffnessRatio: d}}
		r.Indicators.Storeys[0].DriftShare = a
		r.Confidence = math.Abs(math.Mod(a, 1))
		r.Survey.DurationS = d
		var buf bytes.Buffer
		if err := RenderHTML(&buf, r); err != nil {
			if finite(r.Confidence) {
				t.Fatal(err)
			}
			return
		}
		page := buf.String()
		checkWellFormed(t, page)
		if strings.Contains(page, "NaN") || strings.Contains(page, "Inf") {
			t.Fatalf("page shows NaN/Inf")
		}
	})
}
