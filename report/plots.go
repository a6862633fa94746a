package report

import (
	"fmt"
	"html/template"
	"math"
	"math/cmplx"
	"slices"
	"strconv"
	"strings"
)

// Figure geometry in SVG user units (the page scales them to its width).
const (
	wideW = 960.0
	wideH = 380.0
	// margins of the wide figures: left leaves room for the rotated
	// axis label, top for stacked mode labels, bottom for the x label and
	// the legend.
	wideL, wideR, wideT, wideB = 64.0, 16.0, 52.0, 66.0
	maxDB                      = 100.0 // dynamic range shown in the spectrum
	labelRowH                  = 14.0
	labelGap                   = 22.0 // px between labels in one row
	labelMaxRows               = 3
)

// marker is a vertical line at a frequency with a short label.
type marker struct {
	f        float64
	label    string
	harmonic bool
}

func modeMarkers(r *Report) []marker {
	var ms []marker
	for i, m := range r.Modes {
		ms = append(ms, marker{f: m.FHz, label: strconv.Itoa(i + 1)})
	}
	for i, m := range r.Harmonics {
		ms = append(ms, marker{f: m.FHz, label: "h" + strconv.Itoa(i+1), harmonic: true})
	}
	return ms
}

// markers draws the vertical mode (solid-dashed, vermillion) and harmonic
// (dotted, purple) lines with stacked labels above the frame; markers
// outside the frame are left out and counted.
func (s *svgw) markers(f frame, ms []marker) (outside int) {
	var in []marker
	var xs []float64
	for _, m := range ms {
		if !finite(m.f) || m.f < f.xs.d0 || m.f > f.xs.d1 {
			outside++
			continue
		}
		in = append(in, m)
		xs = append(xs, f.xs.at(m.f))
	}
	rows := labelRows(xs, labelGap, labelMaxRows)
	for i, m := range in {
		x := xs[i]
		ly := f.y0 - 6 - float64(rows[i])*labelRowH
		col, dash, cls := colVerm, "6 3", "mlabel"
		if m.harmonic {
			col, dash, cls = colPurple, "2 3", "hlabel"
		}
		s.w(`<g class="marker">`)
		s.line(x, ly+2, x, f.y1, `stroke="`+col+`" stroke-width="1.3" stroke-dasharray="`+dash+`"`)
		s.text(x, ly, "middle", cls, m.label)
		s.w(`</g>`)
	}
	return outside
}

// freqRange is the x range the spectrum and the stabilization diagram
// share: the spectrum's when there is one, else the poles' and modes'.
func freqRange(r *Report) (lo, hi float64, ok bool) {
	if lo, hi, ok = finiteRange(r.Plots.SpectrumHz); ok && resolvable(lo, hi) {
		return lo, hi, true
	}
	fs := make([]float64, 0, len(r.Plots.Poles)+len(r.Modes))
	for _, p := range r.Plots.Poles {
		fs = append(fs, p.FHz)
	}
	for _, m := range r.Modes {
		fs = append(fs, m.FHz)
	}
	lo, hi, ok = finiteRange(fs)
	if !ok {
		return 0, 0, false
	}
	if hi == lo {
		lo, hi = lo*0.5, hi*1.5+1
	}
	pad := (hi - lo) * 0.05
	lo, hi = math.Max(0, lo-pad), hi+pad
	return lo, hi, resolvable(lo, hi)
}

// legendItem draws one legend swatch and label at (x, y) and returns the
// x after it.
func (s *svgw) legendItem(x, y float64, swatch, label string) float64 {
	s.w(`<g transform="translate(`, x, ` `, y, `)">`, swatch, `</g>`)
	s.text(x+26, y+4, "", "legend", label)
	return x + 26 + 7.2*float64(len(label)) + 22
}

const (
	swLine1   = `<line x1="0" x2="20" y1="0" y2="0" stroke="` + colBlue + `" stroke-width="1.8"/>`
	swLine2   = `<line x1="0" x2="20" y1="0" y2="0" stroke="` + colOrange + `" stroke-width="1.6" stroke-dasharray="5 3"/>`
	swMode    = `<line x1="10" x2="10" y1="-7" y2="7" stroke="` + colVerm + `" stroke-width="1.3" stroke-dasharray="6 3"/>`
	swHarm    = `<line x1="10" x2="10" y1="-7" y2="7" stroke="` + colPurple + `" stroke-width="1.3" stroke-dasharray="2 3"/>`
	swStable  = `<path d="M10 0h0" stroke="` + colBlue + `" stroke-width="5" stroke-linecap="round"/>`
	swUnstabl = `<path d="M7.5-2.5l5 5m0-5l-5 5" stroke="` + colMuted + `" stroke-width="1.1"/>`
)

// spectrumSVG draws the first two singular values of the spectral matrix
// with the picked modes and harmonics; it returns "" and a reason when
// there is nothing to draw.
func spectrumSVG(r *Report) (template.HTML, string) {
	p := r.Plots
	if len(p.SpectrumHz) < 2 || (len(p.SV1dB) < 2 && len(p.SV2dB) < 2) {
		return "", "The report carries no singular-value spectrum (plots.spectrum_hz / sv1_db are empty), so there is nothing to draw."
	}
	xlo, xhi, ok := finiteRange(p.SpectrumHz)
	if !ok || !resolvable(xlo, xhi) {
		return "", "The spectrum's frequency axis has no finite span, so it cannot be drawn."
	}
	n1, n2 := min(len(p.SpectrumHz), len(p.SV1dB)), min(len(p.SpectrumHz), len(p.SV2dB))
	ylo, yhi, ok := finiteRange(p.SV1dB[:n1], p.SV2dB[:n2])
	if !ok {
		return "", "Every value of the singular-value spectrum is missing (not a finite number), so it cannot be drawn."
	}
	ylo = math.Max(ylo, yhi-maxDB) // a log of zero must not squash the peaks
	if yhi-ylo < 1 {
		ylo, yhi = ylo-5, yhi+5
	}
	ystep := niceStep(yhi-ylo, 6)
	ylo, yhi = math.Floor(ylo/ystep)*ystep, math.Ceil(yhi/ystep)*ystep
	if !resolvable(ylo, yhi) {
		return "", "The singular-value spectrum has no drawable range of values."
	}
	f := newFrame(wideL, wideW-wideR, wideT, wideH-wideB, xlo, xhi, ylo, yhi)

	var s svgw
	s.open(wideW, wideH, "Singular values of the spectral matrix with the identified modes")
	s.axes(f, niceStep(xhi-xlo, 10), ystep, "Frequency (Hz)", "Singular value (dB)")
	if n2 >= 2 {
		s.w(`<path class="sv2" fill="none" stroke="`, colOrange, `" stroke-width="1.4" stroke-dasharray="5 3" stroke-linejoin="round" d="`)
		s.pathD(polyline(f, p.SpectrumHz[:n2], p.SV2dB[:n2]))
		s.w(`"/>`)
	}
	if n1 >= 2 {
		s.w(`<path class="sv1" fill="none" stroke="`, colBlue, `" stroke-width="1.6" stroke-linejoin="round" d="`)
		s.pathD(polyline(f, p.SpectrumHz[:n1], p.SV1dB[:n1]))
		s.w(`"/>`)
	}
	out := s.markers(f, modeMarkers(r))
	lx, ly := f.x0, wideH-14
	lx = s.legendItem(lx, ly, swLine1, "SV1 (first singular value)")
	if n2 >= 2 {
		lx = s.legendItem(lx, ly, swLine2, "SV2")
	}
	lx = s.legendItem(lx, ly, swMode, "structural mode (number)")
	if len(r.Harmonics) > 0 {
		lx = s.legendItem(lx, ly, swHarm, "harmonic (h), not structural")
	}
	if out > 0 {
		s.text(lx, ly+4, "", "legend", fmt.Sprintf("%d peak(s) outside the band shown", out))
	}
	return s.close(), ""
}

// stabilizationSVG draws the poles by model order, stable ones as filled
// dots and the rest as grey crosses, with the modes as vertical lines.
func stabilizationSVG(r *Report) (template.HTML, string) {
	poles := r.Plots.Poles
	if len(poles) == 0 {
		return "", "The report carries no stabilization data (plots.poles is empty): SSI was not run or kept no poles in the band."
	}
	xlo, xhi, ok := freqRange(r)
	if !ok {
		return "", "No pole has a finite frequency, so the stabilization diagram cannot be drawn."
	}
	omax, drawable := 1, 0
	for _, p := range poles {
		if finite(p.FHz) && p.FHz >= xlo && p.FHz <= xhi && p.Order >= 0 {
			omax = max(omax, p.Order)
			drawable++
		}
	}
	if drawable == 0 {
		return "", fmt.Sprintf("No pole has a finite frequency inside %s – %s Hz, so the stabilization diagram cannot be drawn.", fnum(xlo, 2), fnum(xhi, 2))
	}
	ystep := niceStep(float64(omax), 8)
	ystep = math.Max(1, math.Round(ystep))
	ohi := math.Ceil(float64(omax)/ystep) * ystep
	f := newFrame(wideL, wideW-wideR, wideT, wideH-wideB, xlo, xhi, 0, ohi)

	var s svgw
	s.open(wideW, wideH, "Stabilization diagram: poles by model order")
	s.axes(f, niceStep(xhi-xlo, 10), ystep, "Frequency (Hz)", "Model order")
	// One path per kind, one short subpath per pole; poles that fall on
	// the same half pixel are drawn once (identical on screen and paper).
	type key struct{ x, y int64 }
	seen := map[key]bool{}
	var st, un svgw
	nStable := 0
	for _, p := range poles {
		if !finite(p.FHz) || p.FHz < xlo || p.FHz > xhi || p.Order < 0 {
			continue
		}
		x, y := f.xs.at(p.FHz), f.ys.at(float64(p.Order))
		k := key{int64(math.Round(x * 2)), int64(math.Round(y * 2))}
		if p.Stable {
			k.y = -k.y - 1 // separate namespace from unstable poles
		}
		if p.Stable {
			nStable++
		}
		if seen[k] {
			continue
		}
		seen[k] = true
		if p.Stable {
			st.w("M", x, " ", y, "h0")
		} else {
			un.w("M", x-2.5, " ", y-2.5, "l5 5m0-5l-5 5")
		}
	}
	// mode lines first, so the poles stay visible on top of them
	out := s.markers(f, modeMarkers(r))
	if un.Len() > 0 {
		s.w(`<path class="unstable" fill="none" stroke="`, colMuted, `" stroke-width="1" d="`, un.String(), `"/>`)
	}
	if st.Len() > 0 {
		s.w(`<path class="stable" fill="none" stroke="`, colBlue, `" stroke-width="4.5" stroke-linecap="round" d="`, st.String(), `"/>`)
	}
	lx, ly := f.x0, wideH-14
	lx = s.legendItem(lx, ly, swStable, fmt.Sprintf("stable pole (%d)", nStable))
	lx = s.legendItem(lx, ly, swUnstabl, fmt.Sprintf("not stable (%d)", len(poles)-nStable))
	lx = s.legendItem(lx, ly, swMode, "identified mode")
	if len(r.Harmonics) > 0 {
		lx = s.legendItem(lx, ly, swHarm, "harmonic")
	}
	if out > 0 {
		s.text(lx, ly+4, "", "legend", fmt.Sprintf("%d peak(s) outside the band shown", out))
	}
	return s.close(), ""
}

// place is where a channel sits: floor and horizontal axis.
type place struct {
	floor int
	axis  string
}

// channelPlaces maps channel ids to floor and axis: the report's channel
// list first, the survey's sensor table where a channel has none.
func channelPlaces(r *Report) map[string]place {
	pl := map[string]place{}
	for _, se := range r.Survey.Sensors {
		pl[se.Channel] = place{se.Floor, se.Axis}
	}
	for _, c := range r.Channels {
		if c.Floor != nil && c.Axis != "" {
			pl[c.ID] = place{*c.Floor, c.Axis}
		}
	}
	return pl
}

// realShape turns a complex mode shape into real components: it rotates
// the vector by the angle that makes it as real as possible (the
// principal axis of the components in the complex plane, as in the MPC
// of Pappa et al. 1993), scales so the largest component is +1 and keeps
// the rest in order. It also returns the factor applied to magnitudes
// (1/|largest|), for scaling standard errors. Non-finite components come
// back as NaN; a zero or fully non-finite shape gives ok == false.
func realShape(sh []ShapeValue) (vals []float64, scale float64, ok bool) {
	var sxx, syy, sxy float64
	for _, v := range sh {
		if finite(v.Re) && finite(v.Im) {
			sxx += v.Re * v.Re
			syy += v.Im * v.Im
			sxy += v.Re * v.Im
		}
	}
	if !(sxx+syy > 0) || !finite(sxx+syy+sxy) {
		return nil, 0, false
	}
	rot := cmplx.Exp(complex(0, -0.5*math.Atan2(2*sxy, sxx-syy)))
	out := make([]float64, len(sh))
	big := 0.0
	for i, v := range sh {
		if !finite(v.Re) || !finite(v.Im) {
			out[i] = math.NaN()
			continue
		}
		out[i] = real(complex(v.Re, v.Im) * rot)
		if math.Abs(out[i]) > math.Abs(big) {
			big = out[i]
		}
	}
	if big == 0 {
		return nil, 0, false
	}
	for i := range out {
		out[i] /= big
	}
	return out, 1 / math.Abs(big), true
}

// shapeSVG draws one mode's real shape against floor, one panel per
// horizontal axis: every sensor as a point, the mean per floor joined by
// a line, and a dashed line to the ground when floor 0 is not
// instrumented (a fixed base is assumed, not measured). It also returns
// a note on components it could not place.
func shapeSVG(m Mode, num int, places map[string]place, lowFloor, topFloor int) (template.HTML, string) {
	vals, scale, ok := realShape(m.Shape)
	if !ok {
		return "", "This mode carries no usable shape."
	}
	type obs struct {
		floor  int
		v, std float64 // std: standard error in the same scale as v (0: none)
	}
	byAxis := map[string][]obs{}
	unplaced, vertical := 0, 0
	for i, sv := range m.Shape {
		p, ok := places[sv.Channel]
		switch {
		case !ok:
			unplaced++
		case p.axis == "z":
			vertical++
		case p.axis == "x" || p.axis == "y":
			if finite(vals[i]) {
				std := 0.0
				if finite(sv.Std) && sv.Std > 0 {
					std = sv.Std * scale
				}
				byAxis[p.axis] = append(byAxis[p.axis], obs{p.floor, vals[i], std})
			}
		default:
			unplaced++
		}
	}
	if len(byAxis) == 0 {
		return "", "No component of this shape is on a channel with a known floor and horizontal axis."
	}
	const (
		w, h    = 480.0, 300.0
		panelW  = 200.0
		l0      = 50.0
		gapP    = 30.0
		top     = 28.0
		bottom  = 44.0
		valSpan = 1.15
	)
	var s svgw
	s.open(w, h, fmt.Sprintf("Mode %d shape by floor", num))
	for k, ax := range []string{"x", "y"} {
		x0 := l0 + float64(k)*(panelW+gapP)
		f := newFrame(x0, x0+panelW, top, h-bottom, -valSpan, valSpan, float64(lowFloor), float64(topFloor))
		s.text((f.x0+f.x1)/2, top-10, "middle", "ptitle", ax+" direction")
		// floor grid with labels only on the first panel's left and both
		// panels' value ticks
		// one grid line and label per floor, thinned on tall buildings
		// (and bounded whatever floors the input claims)
		fstep := max(1, (topFloor-lowFloor+9)/10)
		s.w(`<g stroke="`, colGrid, `">`)
		for fl := lowFloor; fl <= topFloor; fl += fstep {
			y := f.ys.at(float64(fl))
			s.line(f.x0, y, f.x1, y, "")
		}
		for _, v := range []float64{-1, -0.5, 0.5, 1} {
			x := f.xs.at(v)
			s.line(x, f.y0, x, f.y1, "")
		}
		s.w(`</g>`)
		s.line(f.xs.at(0), f.y0, f.xs.at(0), f.y1, `stroke="`+colAxis+`" stroke-width="1"`)
		s.w(`<rect x="`, f.x0, `" y="`, f.y0, `" width="`, f.x1-f.x0, `" height="`, f.y1-f.y0,
			`" fill="none" stroke="`, colAxis, `"/>`)
		// ground hatch
		gy := f.ys.at(0)
		s.w(`<path d="M`, f.x0, ` `, gy+1.5, `H`, f.x1, `" stroke="`, colAxis, `" stroke-width="2.5"/>`)
		s.w(`<g class="tick">`)
		for _, v := range []float64{-1, 0, 1} {
			s.text(f.xs.at(v), f.y1+15, "middle", "", tickLabel(v, 1))
		}
		for fl := lowFloor; fl <= topFloor; fl += fstep {
			s.text(f.x0-6, f.ys.at(float64(fl))+4, "end", "", strconv.Itoa(fl))
		}
		s.w(`</g>`)
		if k == 0 {
			s.w(`<text transform="translate(`, f.x0-32, ` `, (f.y0+f.y1)/2, `) rotate(-90)" text-anchor="middle" class="axlabel">floor</text>`)
		}
		s.text((f.x0+f.x1)/2, f.y1+32, "middle", "axlabel", "normalised component")
		os := byAxis[ax]
		if len(os) == 0 {
			s.text((f.x0+f.x1)/2, (f.y0+f.y1)/2, "middle", "nodata", "no "+ax+" sensors")
			continue
		}
		col := colBlue
		if ax == "y" {
			col = colVerm
		}
		// mean per floor, floors ascending
		sum := map[int]float64{}
		cnt := map[int]int{}
		for _, o := range os {
			sum[o.floor] += o.v
			cnt[o.floor]++
		}
		floors := make([]int, 0, len(cnt))
		for fl := range cnt {
			floors = append(floors, fl)
		}
		slices.Sort(floors)
		if floors[0] > 0 && lowFloor == 0 {
			s.w(`<path d="M`, f.xs.at(0), ` `, f.ys.at(0), `L`, f.xs.at(sum[floors[0]]/float64(cnt[floors[0]])), ` `,
				f.ys.at(float64(floors[0])), `" fill="none" stroke="`, col, `" stroke-width="1.5" stroke-dasharray="4 3"/>`)
		}
		s.w(`<path d="`)
		for i, fl := range floors {
			cmd := "L"
			if i == 0 {
				cmd = "M"
			}
			s.w(cmd, f.xs.at(sum[fl]/float64(cnt[fl])), " ", f.ys.at(float64(fl)))
		}
		if len(floors) == 1 {
			s.w("h0")
		}
		s.w(`" fill="none" stroke="`, col, `" stroke-width="2.2" stroke-linejoin="round" stroke-linecap="round"/>`)
		var wh svgw // ±1 standard error whiskers, clamped to the panel
		for _, o := range os {
			if o.std > 0 {
				a, b := math.Max(-valSpan, o.v-o.std), math.Min(valSpan, o.v+o.std)
				y := f.ys.at(float64(o.floor))
				wh.w("M", f.xs.at(a), " ", y, "H", f.xs.at(b), "M", f.xs.at(a), " ", y-4, "v8M", f.xs.at(b), " ", y-4, "v8")
			}
		}
		if wh.Len() > 0 {
			s.w(`<path class="stderr" d="`, wh.String(), `" stroke="`, colAxis, `" stroke-width="1.1" fill="none"/>`)
		}
		s.w(`<g fill="#fff" stroke="`, col, `" stroke-width="1.5">`)
		for _, o := range os {
			s.w(`<circle cx="`, f.xs.at(o.v), `" cy="`, f.ys.at(float64(o.floor)), `" r="3.5"/>`)
		}
		s.w(`</g>`)
	}
	s.close()
	var note string
	if unplaced > 0 {
		note = fmt.Sprintf("%d component(s) on channels with no floor or axis are not drawn.", unplaced)
	}
	if vertical > 0 {
		note += fmt.Sprintf(" %d vertical (z) component(s) are not drawn.", vertical)
	}
	return template.HTML(s.String()), strings.TrimSpace(note)
}

// dfSVG draws Δf/f per compared mode as bars about a zero line, each
// labelled with its value, so the chart reads without colour.
func dfSVG(mcs []ModeChange) template.HTML {
	var vals []float64
	for _, m := range mcs {
		vals = append(vals, 100*m.DFRel)
	}
	lo, hi, ok := finiteRange(vals)
	if !ok {
		lo, hi = 0, 0
	}
	lo, hi = math.Min(lo, -5), math.Max(hi, 5)
	// room beyond the longest bars for their value labels
	room := 0.12 * (hi - lo)
	lo, hi = math.Min(lo, lo-room), hi+room
	if hi-room <= 5 {
		hi = 5 // positive side unused: keep it short
	}
	step := niceStep(hi-lo, 6)
	lo, hi = math.Floor(lo/step)*step, math.Ceil(hi/step)*step
	if !resolvable(lo, hi) {
		lo, hi, step = -30, 10, 5 // only possible with absurd values; they are clamped
	}
	const w, h = 960.0, 300.0
	f := newFrame(64, w-16, 24, h-56, 0, float64(len(mcs)), lo, hi)
	var s svgw
	s.open(w, h, "Relative frequency change per mode")
	s.axes(f, 0, step, "", "Δf / f_ref (%)")
	zy := f.ys.at(0)
	slot := (f.x1 - f.x0) / float64(len(mcs))
	bw := math.Min(56, slot*0.6)
	for i, m := range mcs {
		xc := f.x0 + slot*(float64(i)+0.5)
		v := vals[i]
		lbl := m.Axis + strconv.Itoa(m.Order)
		if len([]rune(m.Axis)) > 1 {
			lbl = m.Axis + " " + strconv.Itoa(m.Order)
		}
		s.text(xc, f.y1+16, "middle", "tickb", lbl)
		if !finite(v) {
			s.text(xc, zy-6, "middle", "nodata", "n/a")
			continue
		}
		vc := math.Max(lo, math.Min(hi, v))
		y := f.ys.at(vc)
		col, ty := colVerm, y+14
		if v >= 0 {
			col, ty = colBlue, y-5
		}
		s.w(`<rect x="`, xc-bw/2, `" y="`, math.Min(y, zy), `" width="`, bw, `" height="`, math.Max(0.5, math.Abs(zy-y)),
			`" fill="`, col, `" stroke="`, colAxis, `" stroke-width="0.8"/>`)
		s.text(xc, ty, "middle", "vlabel", fmt.Sprintf("%+.1f %%", v))
	}
	s.line(f.x0, zy, f.x1, zy, `stroke="`+colAxis+`" stroke-width="1.5"`)
	s.text((f.x0+f.x1)/2, h-18, "middle", "axlabel", "mode (axis and order)")
	return s.close()
}

// typologySVG is a forest plot: the plausible band of first frequencies,
// each formula's estimate on its own row, and the measured first
// frequency as a vertical line across all rows.
func typologySVG(ref Reference, measured float64) template.HTML {
	var fs []float64
	for _, fo := range ref.Formulas {
		fs = append(fs, fo.F1Hz)
	}
	fs = append(fs, ref.F1RangeHz...)
	fs = append(fs, measured)
	lo, hi, ok := finiteRange(fs)
	if !ok || !(hi >= lo) {
		return ""
	}
	if hi == lo {
		lo, hi = lo*0.5, hi*1.5+0.5
	}
	pad := (hi - lo) * 0.08
	lo, hi = math.Max(0, lo-pad), hi+pad
	if !resolvable(lo, hi) {
		return ""
	}
	rows := len(ref.Formulas) + 1
	const w, left, right, rowH = 960.0, 250.0, 24.0, 30.0
	const top = 30.0
	h := top + rowH*float64(rows) + 48
	f := newFrame(left, w-right, top, top+rowH*float64(rows), lo, hi, 0, float64(rows))
	var s svgw
	s.open(w, h, "First frequency: code formulas, plausible range and measurement")
	s.axes(f, niceStep(hi-lo, 8), 0, "First frequency f1 (Hz)", "")
	rowY := func(i int) float64 { return f.y0 + rowH*(float64(i)+0.5) }
	// plausible range band across all rows
	if len(ref.F1RangeHz) >= 2 && finite(ref.F1RangeHz[0]) && finite(ref.F1RangeHz[1]) {
		a, b := f.xs.at(math.Min(ref.F1RangeHz[0], ref.F1RangeHz[1])), f.xs.at(math.Max(ref.F1RangeHz[0], ref.F1RangeHz[1]))
		y := rowY(0)
		s.w(`<rect x="`, a, `" y="`, y-8, `" width="`, math.Max(1, b-a), `" height="16" fill="`, colBandRef, `" stroke="`, colBlue, `"/>`)
		s.text(f.x0-8, y+4, "end", "rowlabel", "plausible range of f1")
	} else {
		s.text(f.x0-8, rowY(0)+4, "end", "rowlabel", "plausible range: not given")
	}
	for i, fo := range ref.Formulas {
		y := rowY(i + 1)
		name := fo.Name
		if r := []rune(name); len(r) > 34 {
			name = string(r[:33]) + "…"
		}
		s.text(f.x0-8, y+4, "end", "rowlabel", name)
		if finite(fo.F1Hz) {
			x := f.xs.at(fo.F1Hz)
			s.w(`<path d="M`, x, ` `, y-6, `l6 6-6 6-6-6z" fill="`, colGreen, `" stroke="`, colAxis, `" stroke-width="0.8"/>`)
			s.text(x+10, y+4, "", "vlabel", fmt.Sprintf("%.2f Hz", fo.F1Hz))
		} else {
			s.text(f.x0+6, y+4, "", "nodata", "n/a")
		}
	}
	if finite(measured) {
		x := f.xs.at(measured)
		s.line(x, f.y0, x, f.y1, `stroke="`+colVerm+`" stroke-width="2.5"`)
		anchor := "middle"
		switch {
		case x < f.x0+90:
			anchor = "start"
		case x > f.x1-90:
			anchor = "end"
		}
		s.text(x, f.y0-8, anchor, "mlabel", fmt.Sprintf("measured f1 = %.2f Hz", measured))
	}
	return s.close()
}
