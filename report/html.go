package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// RenderHTML writes r as one self-contained HTML page (DESIGN §2.7): the
// verdict (ATC-20 placard, GOST 31937 category, confidence, reasons,
// hazards) first, then the building and survey, channel quality, the
// singular-value spectrum, the stabilization diagram, mode shapes by
// floor, the comparison with the reference, and the limits and
// provenance. The page loads nothing: CSS and SVG figures are inline and
// a Content-Security-Policy forbids any fetch, so it opens offline and
// prints (figures and verdict carry text, not colour alone).
//
// The output is a pure function of r. A report that fails Check is not
// rendered (an error is returned and nothing is written); NaN and Inf
// anywhere are shown as "—" or left out of figures.
func RenderHTML(w io.Writer, r *Report) error {
	if r == nil {
		return errors.New("report: cannot render a nil report")
	}
	if err := r.Check(); err != nil {
		return fmt.Errorf("report %s: cannot render: %w", r.ID, err)
	}
	var buf bytes.Buffer
	buf.Grow(256 << 10)
	if err := pageTemplate.Execute(&buf, newPage(r)); err != nil {
		return fmt.Errorf("report %s: rendering HTML: %w", r.ID, err)
	}
	_, err := w.Write(cleanText(buf.Bytes()))
	return err
}

// cleanText makes the page valid UTF-8 without control characters: Go
// strings may hold invalid UTF-8, and JSON strings may carry controls
// (\u0010) that html/template passes through but HTML forbids. Each is
// shown as U+FFFD, so the reader sees that something was there.
func cleanText(page []byte) []byte {
	isCtl := func(c byte) bool { return c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7f }
	if utf8.Valid(page) && bytes.IndexFunc(page, func(r rune) bool { return r < 0x80 && isCtl(byte(r)) }) < 0 {
		return page
	}
	page = bytes.ToValidUTF8(page, []byte("\uFFFD"))
	out := make([]byte, 0, len(page))
	for _, c := range page {
		if isCtl(c) {
			out = append(out, "\uFFFD"...)
		} else {
			out = append(out, c)
		}
	}
	return out
}

// maxShapeFigures bounds the mode-shape figures; the rest stay in the
// table and the JSON.
const maxShapeFigures = 8

// maxFloors bounds the floor axis of the shape figures (the survey
// format allows 200 storeys).
const maxFloors = 250

type kv struct{ K, V string }

// page is everything the template shows, already formatted: the
// template only lays it out.
type page struct {
	Title string

	Placard, PlacardWord, PlacardLine, PlacardNote string
	Category, CategoryLine                         string
	Confidence                                     string
	ConfidenceBar                                  template.HTML
	Reasons                                        []string
	Hazards                                        []Hazard
	KeyFigures                                     []kv

	Building, Recording []kv
	Files               []string
	Sensors             []sensorRow
	Damage              kv
	LifeSupport         []supplyRow
	Notes               string

	Channels      []channelRow
	QualityKV     []kv
	QualityIssues []string

	Spectrum, Stabilization             template.HTML
	SpectrumMissing, StabilizationMiss  string
	Modes, Harmonics                    []modeRow
	Shapes                              []shapeFig
	ShapesMissing, ShapesMore           string
	RefKind, RefTitle, RefExplain       string
	RefNote                             string
	ModeChanges                         []changeRow
	DFChart                             template.HTML
	Formulas                            []formulaRow
	TypologyChart                       template.HTML
	TypologyText                        string
	Storeys                             []storeyRow
	Limits                              []string
	Policy, Software, ID, Created       string
	Schema, Provenance, ProvenanceError string
}

type sensorRow struct{ Channel, Floor, X, Y, Axis string }
type supplyRow struct{ Name, State, Class string }
type flagRow struct{ Severity, Class, Code, Detail string }
type channelRow struct {
	ID, Rate, Samples, Gaps string
	Flags                   []flagRow
	Used                    bool
	Class                   string
}
type modeRow struct {
	N                                string
	F, FStd, Zeta, ZetaStd, MPC, MPD string
	Methods, Direction               string
}
type shapeFig struct {
	Title string
	SVG   template.HTML
	Note  string
}
type changeRow struct {
	Axis, Order, FRef, F, DF, Stiffness, DZeta, MAC string
	Class                                           string
}
type formulaRow struct{ Name, T1, F1, Source string }
type storeyRow struct {
	Axis, Interval, Drift, Ref, Stiffness, StoreyEq string
	Suspect                                         bool
}

// Placard wording after ATC-20 (Applied Technology Council, Procedures
// for Postearthquake Safety Evaluation of Buildings, 1989/2005).
var placards = map[string][3]string{
	"green":  {"INSPECTED", "Lawful occupancy permitted", "No apparent hazard found by this evaluation; re-inspect after aftershocks."},
	"yellow": {"RESTRICTED USE", "Entry and use restricted as stated below", "Caution: damage found. Enter only as the reasons below allow, briefly, and not during aftershocks."},
	"red":    {"UNSAFE", "Do not enter or occupy", "Extreme hazard; may collapse. This placard is not a demolition order."},
}

// Technical-condition categories of GOST 31937-2011 §3 (normative,
// working, limited-working, emergency), in plain words.
var categories = map[string][2]string{
	"normative": {"Normative", "All parameters within design and code limits; normal use."},
	"working":   {"Working", "Some deviations, but load capacity is not impaired; normal use with monitoring."},
	"limited":   {"Limited working", "Damage reduces load capacity; no collapse danger now, but use must be restricted and the structure monitored or repaired."},
	"emergency": {"Emergency", "Damage shows loss of load capacity and a danger of collapse; no occupancy."},
}

var systemNames = map[string]string{
	"rc_frame": "reinforced-concrete frame", "rc_wall": "reinforced-concrete walls",
	"steel_frame": "steel frame", "masonry": "masonry", "timber": "timber", "other": "other",
}

const dash = "—"

// fnum formats v with prec decimals, "—" when it is not finite.
func fnum(v float64, prec int) string {
	if !finite(v) {
		return dash
	}
	s := strconv.FormatFloat(v, 'f', prec, 64)
	if strings.Trim(s, "-0.") == "" {
		s = strings.TrimPrefix(s, "-")
	}
	return s
}

func pct(v float64, prec int) string {
	if !finite(v) {
		return dash
	}
	return fnum(100*v, prec) + " %"
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return dash
	}
	return s
}

func utc(t time.Time) string {
	if t.IsZero() {
		return dash
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}

func duration(sec float64) string {
	if !finite(sec) || sec < 0 {
		return dash
	}
	s := int64(math.Round(sec))
	switch {
	case s >= 3600:
		return fmt.Sprintf("%d h %02d min %02d s", s/3600, s%3600/60, s%60)
	case s >= 60:
		return fmt.Sprintf("%d min %02d s", s/60, s%60)
	default:
		return fnum(sec, 1) + " s"
	}
}

func newPage(r *Report) *page {
	p := &page{}
	b := r.Building
	p.Title = "Building " + b.ID
	if b.Name != "" {
		p.Title += " · " + b.Name
	}

	// Verdict.
	pl := placards[r.Placard]
	p.Placard, p.PlacardWord, p.PlacardLine, p.PlacardNote = r.Placard, pl[0], pl[1], pl[2]
	cat := categories[r.Category]
	p.Category, p.CategoryLine = cat[0], cat[1]
	p.Confidence = pct(r.Confidence, 0)
	var bar svgw
	bar.open(200, 14, "confidence "+p.Confidence)
	conf := r.Confidence
	if !finite(conf) {
		conf = 0
	}
	bar.w(`<rect x="0.5" y="0.5" width="199" height="13" fill="#fff" stroke="#000"/>`)
	bar.w(`<rect x="0.5" y="0.5" width="`, 199*conf, `" height="13" fill="#000"/>`)
	p.ConfidenceBar = bar.close()
	p.Reasons = r.Reasons
	p.Hazards = r.Hazards

	// Key figures for the team leader: what was measured, against what.
	f1 := dash
	if len(r.Modes) > 0 && finite(r.Modes[0].FHz) {
		f1 = fnum(r.Modes[0].FHz, 2) + " Hz"
		if d := r.Modes[0].Direction; d != "" {
			f1 += " (" + d + ")"
		}
	}
	used := 0
	for _, c := range r.Channels {
		if c.Used {
			used++
		}
	}
	p.KeyFigures = []kv{
		{"First mode", f1},
		{"Modes identified", strconv.Itoa(len(r.Modes))},
		{"Channels used", fmt.Sprintf("%d of %d", used, len(r.Channels))},
		{"Recording", duration(r.Survey.DurationS)},
		{"Reference", refTitle(r.Reference.Kind)},
	}
	if worst, ok := worstDF(r.Indicators.Modes); ok {
		p.KeyFigures = append(p.KeyFigures, kv{"Largest frequency drop", fmt.Sprintf("%+.1f %%", 100*worst)})
	}

	// Building and survey.
	sys := systemNames[b.System]
	if sys == "" {
		sys = orDash(b.System)
	}
	year, storeys, height := dash, dash, dash
	if b.Year != 0 {
		year = strconv.Itoa(b.Year)
	}
	if b.Storeys != 0 {
		storeys = strconv.Itoa(b.Storeys)
	}
	if b.HeightM != 0 {
		height = fnum(b.HeightM, 1) + " m"
	}
	p.Building = []kv{
		{"Building id", b.ID}, {"Name", orDash(b.Name)},
		{"Latitude, longitude", fnum(b.Lat, 5) + ", " + fnum(b.Lon, 5)},
		{"Storeys", storeys}, {"Height", height}, {"Structural system", sys}, {"Year built", year},
	}
	s := r.Survey
	p.Recording = []kv{{"Start", utc(s.Start)}, {"End", utc(s.End)}, {"Duration", duration(s.DurationS)}}
	p.Files = s.Files
	for _, se := range s.Sensors {
		p.Sensors = append(p.Sensors, sensorRow{se.Channel, strconv.Itoa(se.Floor), fnum(se.XM, 2), fnum(se.YM, 2), se.Axis})
	}
	o := r.Observations
	p.Damage = kv{orDash(o.VisibleDamage), "dmg-" + o.VisibleDamage}
	if o.VisibleDamage == "" {
		p.Damage = kv{"not recorded", "dmg-unknown"}
	}
	ls := o.LifeSupport
	for _, x := range [][2]string{{"Gas", ls.Gas}, {"Electricity", ls.Electricity}, {"Water", ls.Water},
		{"Heating", ls.Heating}, {"Sewage", ls.Sewage}, {"Lifts", ls.Lifts}} {
		st := x[1]
		if st == "" {
			st = "unknown"
		}
		p.LifeSupport = append(p.LifeSupport, supplyRow{x[0], st, "ls-" + cssToken(st)})
	}
	p.Notes = o.Notes

	// Quality control.
	for _, c := range r.Channels {
		row := channelRow{ID: c.ID, Rate: fnum(c.SampleRateHz, 2), Samples: strconv.Itoa(c.Samples),
			Gaps: strconv.Itoa(c.Gaps), Used: c.Used}
		if !c.Used {
			row.Class = "unused"
		}
		for _, fl := range c.Flags {
			row.Flags = append(row.Flags, flagRow{orDash(fl.Severity), "sev-" + cssToken(fl.Severity), fl.Code, fl.Detail})
		}
		p.Channels = append(p.Channels, row)
	}
	q := r.Indicators.Quality
	p.QualityKV = []kv{
		{"Channels used / excluded", fmt.Sprintf("%d / %d", q.ChannelsUsed, q.ChannelsExcluded)},
		{"Duration analysed", duration(q.DurationS)},
		{"Cycles of the first mode", fnum(q.CyclesOfF1, 0)},
		{"Levels instrumented", strconv.Itoa(q.Levels)},
	}
	p.QualityIssues = q.Issues

	// Figures.
	p.Spectrum, p.SpectrumMissing = spectrumSVG(r)
	p.Stabilization, p.StabilizationMiss = stabilizationSVG(r)
	for i, m := range r.Modes {
		p.Modes = append(p.Modes, newModeRow(strconv.Itoa(i+1), m))
	}
	for i, m := range r.Harmonics {
		p.Harmonics = append(p.Harmonics, newModeRow("h"+strconv.Itoa(i+1), m))
	}
	p.shapes(r)

	// Reference.
	ref := r.Reference
	p.RefKind, p.RefTitle, p.RefNote = ref.Kind, refTitle(ref.Kind), ref.Note
	switch ref.Kind {
	case "baseline":
		p.RefExplain = "Compared with an earlier survey of this building"
		if ref.BaselineID != "" {
			p.RefExplain += " (report " + ref.BaselineID
			if !ref.BaselineCreated.IsZero() {
				p.RefExplain += ", " + utc(ref.BaselineCreated)
			}
			p.RefExplain += ")"
		}
		p.RefExplain += ". A frequency drop means a stiffness loss: k/k₀ = (f/f₀)²."
	case "typology":
		p.RefExplain = "No earlier survey of this building: the first frequency is compared with code formulas for its type and height. Formulas are lower bounds with a wide spread, so they can lower confidence but never prove damage by themselves."
	default:
		p.RefExplain = "No reference: neither an earlier survey of this building nor a typology estimate was available. Frequencies are reported, but a change cannot be measured."
	}
	for _, m := range r.Indicators.Modes {
		row := changeRow{Axis: m.Axis, Order: strconv.Itoa(m.Order), FRef: fnum(m.FRefHz, 3), F: fnum(m.FHz, 3),
			DF: signedPct(m.DFRel), Stiffness: fnum(m.StiffnessRatio, 3), DZeta: dash, MAC: dash}
		if m.DZetaRel != 0 {
			row.DZeta = signedPct(m.DZetaRel)
		}
		if m.MAC != 0 {
			row.MAC = fnum(m.MAC, 3)
		}
		if finite(m.DFRel) && m.DFRel < 0 {
			row.Class = "drop"
		}
		p.ModeChanges = append(p.ModeChanges, row)
	}
	if len(r.Indicators.Modes) > 0 {
		p.DFChart = dfSVG(r.Indicators.Modes)
	}
	for _, fo := range ref.Formulas {
		p.Formulas = append(p.Formulas, formulaRow{fo.Name, fnum(fo.T1S, 3), fnum(fo.F1Hz, 2), fo.Source})
	}
	if ref.Kind == "typology" || len(ref.Formulas) > 0 || len(ref.F1RangeHz) > 0 {
		measured := math.NaN()
		for _, m := range r.Modes {
			if finite(m.FHz) && (math.IsNaN(measured) || m.FHz < measured) {
				measured = m.FHz
			}
		}
		p.TypologyChart = typologySVG(ref, measured)
		p.TypologyText = typologyText(ref.F1RangeHz, measured)
	}
	for _, st := range r.Indicators.Storeys {
		row := storeyRow{Axis: st.Axis, Interval: fmt.Sprintf("%d – %d", st.FromFloor, st.ToFloor),
			Drift: pct(st.DriftShare, 1), Ref: dash, Stiffness: fnum(st.Stiffness, 2), StoreyEq: fnum(st.StoreyEq, 2),
			Suspect: st.Suspect}
		if st.RefShare != 0 {
			row.Ref = pct(st.RefShare, 1)
		} else if st.Stiffness == 0 {
			row.Stiffness, row.StoreyEq = dash, dash // no reference to compare with
		}
		p.Storeys = append(p.Storeys, row)
	}

	// Limits and provenance.
	p.Limits = r.Limits
	p.Policy = strings.TrimSpace(r.Policy.Name + " " + r.Policy.Version)
	p.Software = strings.TrimSpace(r.Software.Name + " " + r.Software.Version)
	p.ID, p.Created, p.Schema = r.ID, utc(r.Created), r.Schema
	if r.Provenance != nil {
		// MarshalIndent sorts map keys, so the text is deterministic.
		if js, err := json.MarshalIndent(r.Provenance, "", "  "); err != nil {
			p.ProvenanceError = "The provenance record could not be written out: " + err.Error()
		} else {
			p.Provenance = string(js)
		}
	}
	return p
}

func refTitle(kind string) string {
	switch kind {
	case "baseline":
		return "baseline survey"
	case "typology":
		return "typology formulas"
	case "none", "":
		return "none"
	}
	return kind
}

func worstDF(ms []ModeChange) (float64, bool) {
	w, ok := 0.0, false
	for _, m := range ms {
		if finite(m.DFRel) && (!ok || m.DFRel < w) {
			w, ok = m.DFRel, true
		}
	}
	return w, ok
}

func signedPct(v float64) string {
	if !finite(v) {
		return dash
	}
	return fmt.Sprintf("%+.1f %%", 100*v)
}

// cssToken keeps only [a-z0-9-] so input never shapes a class name.
func cssToken(s string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(s) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' {
			b.WriteRune(c)
		}
	}
	return b.String()
}

func newModeRow(n string, m Mode) modeRow {
	dir := orDash(m.Direction)
	if m.UnresolvedPair {
		dir += " (two close modes, not separable)"
	}
	return modeRow{
		N: n, F: fnum(m.FHz, 3), FStd: fnum(m.FStdHz, 3),
		Zeta: pct(m.Zeta, 2), ZetaStd: pct(m.ZetaStd, 2),
		MPC: fnum(m.MPC, 3), MPD: fnum(m.MPD, 1),
		Methods: orDash(strings.Join(m.Methods, ", ")), Direction: dir,
	}
}

func (p *page) shapes(r *Report) {
	if len(r.Modes) == 0 {
		p.ShapesMissing = "No structural mode was identified, so there are no shapes to draw."
		return
	}
	places := channelPlaces(r)
	// Floors from the ground (or the lowest basement) to the roof. The
	// survey bounds floors to 0..storeys ≤ 200, but a report is input
	// too: clamp so a wild floor cannot make a figure of a million floors.
	low, top := 0, min(max(r.Building.Storeys, 1), maxFloors)
	for _, pl := range places {
		low, top = min(low, max(pl.floor, -maxFloors)), max(top, min(pl.floor, maxFloors))
	}
	if len(places) == 0 {
		p.ShapesMissing = "Shapes cannot be drawn by floor: no channel in the report or survey has a floor and axis."
		return
	}
	for i, m := range r.Modes {
		if i == maxShapeFigures {
			p.ShapesMore = fmt.Sprintf("Only the first %d of %d modes are drawn; all shapes are in the JSON report.", maxShapeFigures, len(r.Modes))
			break
		}
		title := fmt.Sprintf("Mode %d · %s Hz", i+1, fnum(m.FHz, 3))
		if m.Direction != "" {
			title += " · " + m.Direction
		}
		svg, note := shapeSVG(m, i+1, places, low, top)
		p.Shapes = append(p.Shapes, shapeFig{title, svg, note})
	}
}

func typologyText(rng []float64, measured float64) string {
	if !finite(measured) {
		return "No first frequency was measured, so it cannot be compared with the formulas."
	}
	if len(rng) < 2 || !finite(rng[0]) || !finite(rng[1]) {
		return fmt.Sprintf("Measured first frequency: %.2f Hz; no plausible range was given.", measured)
	}
	lo, hi := math.Min(rng[0], rng[1]), math.Max(rng[0], rng[1])
	where := "inside"
	switch {
	case measured < lo:
		where = "below"
	case measured > hi:
		where = "above"
	}
	return fmt.Sprintf("Measured first frequency %.2f Hz is %s the plausible range %.2f – %.2f Hz for this typology.", measured, where, lo, hi)
}
