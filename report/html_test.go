package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files and screenshots in testdata/")

func render(t testing.TB, r *Report) string {
	t.Helper()
	var b bytes.Buffer
	if err := RenderHTML(&b, r); err != nil {
		t.Fatalf("RenderHTML: %v", err)
	}
	return b.String()
}

// checkWellFormed parses the page with a strict XML parser: every
// element closed and nested, attributes quoted, entities known. The page
// is written XHTML-compatible for exactly this check.
func checkWellFormed(t *testing.T, page string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(page))
	d.Strict = true
	depth := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			line := 1 + strings.Count(page[:min(int(d.InputOffset()), len(page))], "\n")
			t.Fatalf("page is not well formed at line %d: %v", line, err)
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		}
	}
	if depth != 0 {
		t.Fatalf("unbalanced elements: depth %d at end", depth)
	}
}

// checkOffline asserts the page references nothing outside itself.
func checkOffline(t *testing.T, page string) {
	t.Helper()
	for _, bad := range []string{"http://", "https://", "//cdn", " src=", "href=", "url(", "@import", "<script", "<link", "<img", "<iframe"} {
		if i := strings.Index(strings.ToLower(page), bad); i >= 0 {
			t.Errorf("page contains %q (network or active content): …%s…", bad, page[max(0, i-60):min(len(page), i+60)])
		}
	}
}

func TestRenderHTML(t *testing.T) {
	type tc struct {
		name    string
		report  func() *Report
		want    []string // substrings the page must contain
		notWant []string
		svgs    int // number of <svg elements
	}
	cases := []tc{
		{
			name:   "red baseline",
			report: redReport,
			want: []string{`class="verdict placard-red"`, ">UNSAFE<", "Do not enter or occupy", ">Emergency<", "86 %",
				"ELECTRICITY", "GAS", "Reference: baseline survey.", "51d0e7a2c3b94f86a1e2d3c4b5a69788", "-22.9 %",
				`<tr class="suspect">`, "SUSPECT", "struna-default 2025.1", "AM.C6.52.HNN", "&#34;bandpass&#34;",
				"Hazards to responders"},
			notWant: []string{"INSPECTED", "RESTRICTED USE", "No storey indicators"},
			svgs:    1 + 1 + 1 + 5 + 1, // confidence bar, spectrum, stabilization, 5 shapes, Δf/f bars
		},
		{
			name:   "green typology",
			report: greenReport,
			want: []string{`class="verdict placard-green"`, ">INSPECTED<", "Lawful occupancy permitted", ">Normative<", "64 %",
				"Reference: typology formulas.", "EC8 T1 = 0.075·H^0.75", "EN 1998-1:2004",
				"Measured first frequency 2.10 Hz is inside the plausible range 1.30 – 3.40 Hz"},
			notWant: []string{"UNSAFE", "Hazards to responders", "SUSPECT", "Frequency change per mode"},
			svgs:    1 + 1 + 1 + 5 + 1, // bar, spectrum, stabilization, 5 shapes, typology forest plot
		},
		{
			name: "yellow, no reference, no modes, no plots",
			report: func() *Report {
				r := redReport()
				r.Placard, r.Category, r.Confidence = "yellow", "limited", 0.4
				r.Reference = Reference{Kind: "none"}
				r.Modes, r.Harmonics, r.Plots = nil, nil, Plots{}
				r.Indicators = Indicators{}
				r.Provenance = nil
				return r
			},
			want: []string{`class="verdict placard-yellow"`, ">RESTRICTED USE<", ">Limited working<", "40 %",
				"Reference: none.", "carries no singular-value spectrum", "carries no stabilization data",
				"No structural mode was identified", "No storey indicators", "no provenance record"},
			notWant: []string{"<table><thead><tr><th>#</th>", "Frequency change per mode"},
			svgs:    1,
		},
		{
			name: "modes but no floors anywhere",
			report: func() *Report {
				r := greenReport()
				r.Survey.Sensors = nil
				for i := range r.Channels {
					r.Channels[i].Floor = nil
				}
				r.Plots.Poles = nil
				return r
			},
			want: []string{"Shapes cannot be drawn by floor", "The report lists no sensor placement"},
			svgs: 1 + 1 + 1, // bar, spectrum, typology
		},
		{
			name: "many channels and modes",
			report: func() *Report {
				r := benchReport()
				for i := range 200 {
					r.Channels = append(r.Channels, Channel{ID: fmt.Sprintf("XX.S%03d.00.HNZ", i), SampleRateHz: 100, Samples: 1000,
						Flags: []Flag{{Code: "dead", Severity: "error", Detail: "every sample is 0"}}})
				}
				return r
			},
			want: []string{"XX.S000.00.HNZ", "XX.S199.00.HNZ", "AM.C6.07.HNN", "Only the first 8 of 10 modes are drawn",
				`<span class="badge sev-error">error</span>`, `<span class="used-no">no</span>`},
			svgs: 1 + 1 + 1 + 8 + 1,
		},
		{
			name: "hostile strings",
			report: func() *Report {
				r := redReport()
				x := `<script>alert(1)</script>`
				r.Building.Name = x
				r.Building.ID = `"><img src=x onerror=alert(1)>`
				r.Reasons = append(r.Reasons, `</li></ul><script>alert(2)</script>`)
				r.Hazards[0].Detail = x
				r.Channels[0].ID = `<iframe src="https://evil.example/">`
				r.Channels[1].Flags = []Flag{{Code: x, Severity: `"><script>`, Detail: x}}
				r.Modes[0].Direction = x
				r.Modes[0].Methods = []string{x}
				r.Indicators.Modes[0].Axis = `<script>`
				r.Reference.Note = x
				r.Limits = []string{x}
				r.Observations.LifeSupport.Gas = `"><script>`
				r.Provenance = map[string]any{"note": `</pre><script>alert(3)</script>`}
				r.Software.Version = x
				r.Observations.Notes = "a\x10b\xffc\x7fd" // control, invalid UTF-8, DEL
				return r
			},
			want: []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;iframe src=&#34;https://evil.example/&#34;&gt;",
				"a\uFFFDb\uFFFDc\uFFFDd"},
			notWant: []string{"<script", "<img", "<iframe"},
			svgs:    1 + 1 + 1 + 5 + 1,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := c.report()
			page := render(t, r)
			checkWellFormed(t, page)
			if c.name != "hostile strings" { // that one carries an escaped https:// in text by design
				checkOffline(t, page)
			}
			for _, w := range c.want {
				if !strings.Contains(page, w) {
					t.Errorf("page lacks %q", w)
				}
			}
			for _, w := range c.notWant {
				if strings.Contains(page, w) {
					t.Errorf("page contains %q", w)
				}
			}
			if n := strings.Count(page, "<svg"); n != c.svgs {
				t.Errorf("%d <svg> figures, want %d", n, c.svgs)
			}
			for _, ch := range r.Channels {
				if !strings.Contains(page, templateEscape(ch.ID)) {
					t.Errorf("channel %q missing from the page", ch.ID)
				}
			}
			if strings.Contains(page, "NaN") || strings.Contains(page, "Inf") {
				t.Error("page shows NaN or Inf")
			}
			if len(page) > 1500<<10 {
				t.Errorf("page is %d bytes, want < 1.5 MB", len(page))
			}
		})
	}
}

// templateEscape is html/template's escaping of text, written out here
// so the test does not depend on the code under test.
func templateEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}

func TestRenderHTMLNonFinite(t *testing.T) {
	r := redReport()
	nan, inf := math.NaN(), math.Inf(1)
	r.Confidence = nan // passes Check (NaN compares false) and must not break the page
	r.Building.Lat, r.Building.HeightM = nan, inf
	r.Survey.DurationS = inf
	for i := range r.Plots.SV1dB {
		r.Plots.SV1dB[i], r.Plots.SV2dB[i] = nan, math.Inf(-1)
	}
	for i := range r.Plots.Poles {
		r.Plots.Poles[i].FHz = nan
	}
	for i := range r.Modes {
		r.Modes[i].FHz, r.Modes[i].Zeta, r.Modes[i].MPC = nan, inf, nan
		for j := range r.Modes[i].Shape {
			r.Modes[i].Shape[j].Re = nan
		}
	}
	for i := range r.Indicators.Modes {
		r.Indicators.Modes[i].DFRel, r.Indicators.Modes[i].FHz = nan, inf
	}
	r.Indicators.Storeys[0].DriftShare = nan
	r.Reference.F1RangeHz = []float64{nan, inf}
	page := render(t, r)
	checkWellFormed(t, page)
	checkOffline(t, page)
	for _, bad := range []string{"NaN", "Inf"} {
		if strings.Contains(page, bad) {
			i := strings.Index(page, bad)
			t.Errorf("page shows %q: …%s…", bad, page[max(0, i-80):min(len(page), i+40)])
		}
	}
	for _, w := range []string{"Every value of the singular-value spectrum is missing", "No pole has a finite frequency",
		"This mode carries no usable shape"} {
		if !strings.Contains(page, w) {
			t.Errorf("page lacks %q", w)
		}
	}
	// confidence bar and Δf/f chart (bars marked n/a)
	if n := strings.Count(page, "<svg"); n != 2 {
		t.Errorf("%d <svg> figures, want 2", n)
	}
}

// A mode standing for two close modes says so in the modes table, and
// only that mode.
func TestRenderHTMLUnresolvedPair(t *testing.T) {
	r := greenReport()
	if len(r.Modes) < 2 {
		t.Fatal("fixture needs two modes")
	}
	if page := render(t, r); strings.Contains(page, "two close modes") {
		t.Fatal("the marker without a flagged mode")
	}
	r.Modes[0].UnresolvedPair = true
	page := render(t, r)
	if n := strings.Count(page, "two close modes, not separable"); n != 1 {
		t.Errorf("marker shown %d times, want once", n)
	}
}

// TestProvenanceNotJSON: a provenance value JSON cannot carry is
// reported on the page, not fatal.
func TestProvenanceNotJSON(t *testing.T) {
	r := greenReport()
	r.Provenance = map[string]any{"x": math.NaN()}
	page := render(t, r)
	checkWellFormed(t, page)
	if !strings.Contains(page, "provenance record could not be written out") {
		t.Error("unserialisable provenance not reported")
	}
}

func TestRenderHTMLRejects(t *testing.T) {
	var b bytes.Buffer
	if err := RenderHTML(&b, nil); err == nil {
		t.Error("nil report rendered")
	}
	r := redReport()
	r.Placard = "purple"
	err := RenderHTML(&b, r)
	if err == nil || !strings.Contains(err.Error(), "placard") {
		t.Errorf("invalid placard: err = %v", err)
	}
	if b.Len() != 0 {
		t.Errorf("an invalid report wrote %d bytes", b.Len())
	}
}

// TestRenderHTMLDeterministic renders the same report twice and once
// more after a JSON round trip (provenance becomes map[string]any,
// times lose their location): all three pages must be identical.
func TestRenderHTMLDeterministic(t *testing.T) {
	a := render(t, redReport())
	if b := render(t, redReport()); a != b {
		t.Fatal("two renderings of the same report differ")
	}
	js, err := json.Marshal(redReport())
	if err != nil {
		t.Fatal(err)
	}
	r, err := Decode(bytes.NewReader(js), "red.json")
	if err != nil {
		t.Fatal(err)
	}
	if b := render(t, r); a != b {
		t.Fatal("rendering differs after a JSON round trip")
	}
}

func TestGolden(t *testing.T) {
	for _, c := range []struct {
		name string
		r    func() *Report
	}{{"red_baseline", redReport}, {"green_typology", greenReport}} {
		t.Run(c.name, func(t *testing.T) {
			page := render(t, c.r())
			path := filepath.Join("testdata", c.name+".html")
			if *update {
				js, err := json.MarshalIndent(c.r(), "", " ")
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join("testdata", c.name+".json"), append(js, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(page), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if page != string(want) {
				t.Errorf("page differs from %s (%d vs %d bytes); inspect and rerun with -update if intended", path, len(page), len(want))
			}
			// The JSON next to it decodes and renders to the same page, so
			// the golden pair is what `struna assess` would have written.
			f, err := os.Open(filepath.Join("testdata", c.name+".json"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			r, err := Decode(f, c.name+".json")
			if err != nil {
				t.Fatal(err)
			}
			if got := render(t, r); got != page {
				t.Error("the golden JSON renders differently from the golden page")
			}
		})
	}
}

// TestSpectrumMarkerPosition checks the geometry: on a 0–10 Hz axis a
// mode at 5 Hz sits at the middle of the data area and one at 10 Hz at
// its right edge; a mode outside the band is counted, not drawn.
func TestSpectrumMarkerPosition(t *testing.T) {
	r := &Report{Modes: []Mode{{FHz: 5}, {FHz: 10}, {FHz: 12}}}
	for i := range 101 {
		r.Plots.SpectrumHz = append(r.Plots.SpectrumHz, float64(i)/10)
		r.Plots.SV1dB = append(r.Plots.SV1dB, -float64(i))
	}
	svg, why := spectrumSVG(r)
	if svg == "" {
		t.Fatal(why)
	}
	mid := (wideL + wideW - wideR) / 2
	for _, x := range []float64{mid, wideW - wideR} {
		want := fmt.Sprintf(`<line x1="%g" y1=`, x)
		if !strings.Contains(string(svg), want) {
			t.Errorf("no marker line at x = %g", x)
		}
	}
	if !strings.Contains(string(svg), "1 peak(s) outside the band shown") {
		t.Error("the out-of-band mode is not reported")
	}
	if n := strings.Count(string(svg), `class="marker"`); n != 2 {
		t.Errorf("%d markers drawn, want 2", n)
	}
}

func TestNiceTicks(t *testing.T) {
	for _, c := range []struct {
		lo, hi float64
		n      int
		step   float64
		ticks  string
	}{
		{0, 10, 5, 2, "0 2 4 6 8 10"},
		{0, 25, 10, 2, "0 2 4 6 8 10 12 14 16 18 20 22 24"},
		{-63, -2, 6, 10, "-60 -50 -40 -30 -20 -10"},
		{0.3, 1.1, 4, 0.2, "0.4 0.6 0.8 1.0"},
		{0, 60, 8, 10, "0 10 20 30 40 50 60"},
	} {
		step := niceStep(c.hi-c.lo, c.n)
		if step != c.step {
			t.Errorf("niceStep(%g, %d) = %g, want %g", c.hi-c.lo, c.n, step, c.step)
			continue
		}
		var got []string
		for _, v := range ticks(c.lo, c.hi, step) {
			got = append(got, tickLabel(v, step))
		}
		if s := strings.Join(got, " "); s != c.ticks {
			t.Errorf("ticks(%g, %g) = %s, want %s", c.lo, c.hi, s, c.ticks)
		}
	}
	if ticks(0, 1e9, 1e-9) != nil || ticks(math.NaN(), 1, 0.1) != nil {
		t.Error("absurd tick requests must give no ticks, not a huge or endless loop")
	}
}

// TestRealShape: a real shape multiplied by a complex constant comes
// back as the real shape scaled to +1 at its largest component.
func TestRealShape(t *testing.T) {
	want := []float64{0.25, -0.5, 1, 0.75}
	for _, phase := range []float64{0, 0.7, 2.5, -1.9, math.Pi} {
		c := complex(math.Cos(phase), math.Sin(phase)) * 3.7
		var sh []ShapeValue
		for _, v := range want {
			z := complex(v*-2, 0) * c // scale and flip sign too
			sh = append(sh, ShapeValue{Re: real(z), Im: imag(z)})
		}
		got, scale, ok := realShape(sh)
		if !ok {
			t.Fatalf("phase %g: not ok", phase)
		}
		for i := range want {
			if math.Abs(got[i]-want[i]) > 1e-12 {
				t.Fatalf("phase %g: got %v, want %v", phase, got, want)
			}
		}
		if want := 1 / (2 * 3.7); math.Abs(scale-want) > 1e-12 {
			t.Fatalf("phase %g: scale %g, want %g", phase, scale, want)
		}
	}
	if _, _, ok := realShape([]ShapeValue{{Re: 0}, {Re: math.NaN()}}); ok {
		t.Error("a zero / NaN shape was accepted")
	}
}

// TestPolylineKeepsPeaks: decimating 100 000 points onto ~900 pixels
// must keep a one-sample spike and the deepest trough, and emit far
// fewer points than it was given.
func TestPolylineKeepsPeaks(t *testing.T) {
	n := 100000
	xs, ys := make([]float64, n), make([]float64, n)
	for i := range n {
		xs[i] = float64(i)
		ys[i] = math.Sin(float64(i) / 3000)
	}
	ys[31337] = 5
	ys[77777] = -5
	f := newFrame(0, 900, 0, 100, 0, float64(n-1), -5, 5)
	subs := polyline(f, xs, ys)
	if len(subs) != 1 {
		t.Fatalf("%d subpaths, want 1", len(subs))
	}
	top, bottom := math.Inf(1), math.Inf(-1)
	for _, p := range subs[0] {
		top, bottom = math.Min(top, p.y), math.Max(bottom, p.y)
	}
	if top != 0 || bottom != 100 {
		t.Errorf("spike/trough lost: y range %g..%g, want 0..100", top, bottom)
	}
	if len(subs[0]) > 4*901 {
		t.Errorf("%d points kept for 900 columns", len(subs[0]))
	}
	// A NaN splits the line; values beyond the frame are clamped.
	ys2 := []float64{0, 1, math.NaN(), 2, 99}
	subs = polyline(newFrame(0, 40, 0, 10, 0, 4, 0, 2), []float64{0, 1, 2, 3, 4}, ys2)
	if len(subs) != 2 || len(subs[1]) != 2 || subs[1][1].y != 0 {
		t.Errorf("NaN split / clamp wrong: %v", subs)
	}
}

func TestLabelRows(t *testing.T) {
	xs := []float64{100, 110, 115, 300, 90}
	rows := labelRows(xs, 22, 3)
	// sorted: 90→r0, 100→r1 (10 px from 90), 110→r2 (20 px from 90,
	// 10 from 100), 115→r0 (25 px from 90), 300→r0
	want := []int{1, 2, 0, 0, 0}
	for i := range want {
		if rows[i] != want[i] {
			t.Fatalf("rows = %v, want %v", rows, want)
		}
	}
}

func TestTypologyText(t *testing.T) {
	for _, c := range []struct {
		f    float64
		want string
	}{{1.0, "below"}, {2.0, "inside"}, {4.0, "above"}, {math.NaN(), "No first frequency"}} {
		if got := typologyText([]float64{3.4, 1.3}, c.f); !strings.Contains(got, c.want) {
			t.Errorf("f1 %g: %q lacks %q", c.f, got, c.want)
		}
	}
}

// TestShapeByFloor checks the shape figure's geometry: two x sensors on
// the roof at +1 and +0.5 give a mean of 0.75 there, joined to the
// ground by a dashed line (floor 0 not instrumented).
func TestShapeByFloor(t *testing.T) {
	places := map[string]place{"a": {3, "x"}, "b": {3, "x"}, "c": {1, "x"}, "z": {3, "z"}}
	m := Mode{Shape: []ShapeValue{{Channel: "a", Re: 1}, {Channel: "b", Re: 0.5, Std: 0.1}, {Channel: "c", Re: 0.2},
		{Channel: "z", Re: 0.1}, {Channel: "nowhere", Re: 0.3}}}
	svg, note := shapeSVG(m, 1, places, 0, 3)
	if svg == "" {
		t.Fatal(note)
	}
	if !strings.Contains(note, "1 component(s) on channels with no floor") || !strings.Contains(note, "1 vertical") {
		t.Errorf("note %q", note)
	}
	// x panel: 50..250 for -1.15..1.15; floors 0..3 over 28..256
	xs := scale{-1.15, 1.15, 50, 250}
	ys := scale{0, 3, 256, 28}
	r1 := func(v float64) string { return strings.TrimSuffix(fmt.Sprintf("%.1f", v), ".0") }
	mean := fmt.Sprintf(`d="M%s %sL%s %s"`, r1(xs.at(0.2)), r1(ys.at(1)), r1(xs.at(0.75)), r1(ys.at(3)))
	if !strings.Contains(string(svg), mean) {
		t.Errorf("mean-per-floor line %s not found", mean)
	}
	ground := fmt.Sprintf(`d="M%s %sL%s %s"`, r1(xs.at(0)), r1(ys.at(0)), r1(xs.at(0.2)), r1(ys.at(1)))
	if !strings.Contains(string(svg), ground) {
		t.Errorf("dashed ground line %s not found", ground)
	}
	if n := len(regexp.MustCompile(`<circle `).FindAllString(string(svg), -1)); n != 3 {
		t.Errorf("%d sensor points, want 3", n)
	}
	// b's standard error 0.1 becomes a whisker from 0.4 to 0.6 at floor 3
	whisker := fmt.Sprintf(`M%s %sH%s`, r1(xs.at(0.4)), r1(ys.at(3)), r1(xs.at(0.6)))
	if !strings.Contains(string(svg), whisker) {
		t.Errorf("standard-error whisker %s not found", whisker)
	}
	if !strings.Contains(string(svg), "no y sensors") {
		t.Error("empty y panel not labelled")
	}
}
