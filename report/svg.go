package report

import (
	"cmp"
	"html/template"
	"math"
	"slices"
	"strconv"
	"strings"
)

// This file is a small, deterministic SVG plotting kit for the HTML page.
// It is hand-written rather than gonum/plot because gonum/plot's SVG
// either names fonts the reader may not have or embeds them (measured:
// ~230 KB per 2000-point figure without fonts, ~760 KB with them), and a
// report has a dozen figures. Here text uses the page's CSS font, numbers
// are rounded to 0.1 px and dense series are decimated per pixel column,
// so a typical page stays well under 1.5 MB.

// Palette (Okabe–Ito, colour-blind safe); every colour is paired with a
// line style, marker shape or text label so the figures survive
// greyscale printing.
const (
	colBlue    = "#0072b2"
	colOrange  = "#e69f00"
	colVerm    = "#d55e00"
	colPurple  = "#cc79a7"
	colGreen   = "#009e73"
	colGrid    = "#d9d9d9"
	colAxis    = "#333"
	colMuted   = "#8c8c8c"
	colBandRef = "#cfe3f3"
)

// scale maps data values linearly onto pixels.
type scale struct{ d0, d1, p0, p1 float64 }

func (s scale) at(v float64) float64 {
	if s.d1 == s.d0 {
		return (s.p0 + s.p1) / 2
	}
	return s.p0 + (v-s.d0)/(s.d1-s.d0)*(s.p1-s.p0)
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// niceStep returns a step of 1, 2 or 5 × 10^k giving about n intervals
// over span (Heckbert, "Nice numbers for graph labels", Graphics Gems, 1990).
func niceStep(span float64, n int) float64 {
	if !(span > 0) || !finite(span) || n < 1 {
		return 1
	}
	raw := span / float64(n)
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	switch f := raw / p; {
	case f < 1.5:
		return p
	case f < 3:
		return 2 * p
	case f < 7:
		return 5 * p
	default:
		return 10 * p
	}
}

// ticks returns the multiples of step inside [lo, hi] (with a little
// tolerance for rounding); none when that would be more than 100 or the
// numbers are too large for the step to be resolved.
func ticks(lo, hi, step float64) []float64 {
	if !(step > 0) || !finite(lo) || !finite(hi) || hi < lo {
		return nil
	}
	eps := step * 1e-9
	k0, k1 := math.Ceil((lo-eps)/step), math.Floor((hi+eps)/step)
	if !finite(k0) || !finite(k1) || k1-k0 > 100 || k1 < k0 || k0+1 == k0 {
		return nil
	}
	var t []float64
	for i := 0; i <= int(k1-k0); i++ {
		v := (k0 + float64(i)) * step
		if math.Abs(v) < eps {
			v = 0
		}
		t = append(t, v)
	}
	return t
}

// resolvable reports whether [lo, hi] is a finite, non-empty range wide
// enough, relative to its magnitude, to draw (a range like
// 1e308 ± 5 is not).
func resolvable(lo, hi float64) bool {
	return finite(lo) && finite(hi) && hi > lo && finite(hi-lo) &&
		hi-lo > 1e-9*math.Max(math.Abs(lo), math.Abs(hi))
}

// tickLabel formats v with as many decimals as step needs.
func tickLabel(v, step float64) string {
	dec := 0
	if step > 0 && step < 1 {
		dec = int(math.Ceil(-math.Log10(step) - 1e-9))
	}
	s := strconv.FormatFloat(v, 'f', dec, 64)
	if s == "-0" || strings.Trim(s, "-0.") == "" {
		return strings.TrimPrefix(s, "-")
	}
	return s
}

// svgw accumulates SVG markup.
type svgw struct{ strings.Builder }

// num writes v rounded to 0.1 (all coordinates are in 0.1-px units).
func (s *svgw) num(v float64) {
	v = math.Round(v*10) / 10
	if v == 0 {
		v = 0 // no "-0"
	}
	s.WriteString(strconv.FormatFloat(v, 'f', -1, 64))
}

// w writes parts: strings verbatim, float64 as coordinates, int as is.
func (s *svgw) w(parts ...any) {
	for _, p := range parts {
		switch p := p.(type) {
		case string:
			s.WriteString(p)
		case float64:
			s.num(p)
		case int:
			s.WriteString(strconv.Itoa(p))
		}
	}
}

// text writes an escaped text element; anchor is start, middle or end.
func (s *svgw) text(x, y float64, anchor, class, txt string) {
	s.w(`<text x="`, x, `" y="`, y, `"`)
	if anchor != "" && anchor != "start" {
		s.w(` text-anchor="`, anchor, `"`)
	}
	if class != "" {
		s.w(` class="`, class, `"`)
	}
	s.w(`>`, template.HTMLEscapeString(txt), `</text>`)
}

func (s *svgw) line(x1, y1, x2, y2 float64, attrs string) {
	s.w(`<line x1="`, x1, `" y1="`, y1, `" x2="`, x2, `" y2="`, y2, `" `, attrs, `/>`)
}

func (s *svgw) open(w, h float64, label string) {
	s.w(`<svg viewBox="0 0 `, w, ` `, h, `" role="img" aria-label="`, template.HTMLEscapeString(label), `">`)
}

func (s *svgw) close() template.HTML {
	s.WriteString(`</svg>`)
	return template.HTML(s.String()) // built here from escaped parts only
}

// frame is a rectangular data area with its scales.
type frame struct {
	x0, x1, y0, y1 float64 // pixel box; y0 is the top
	xs, ys         scale
}

func newFrame(x0, x1, y0, y1, dx0, dx1, dy0, dy1 float64) frame {
	return frame{x0, x1, y0, y1, scale{dx0, dx1, x0, x1}, scale{dy0, dy1, y1, y0}}
}

// axes draws the grid, the frame, tick labels and axis titles. xstep and
// ystep are the tick steps (0 for no ticks on that axis).
func (s *svgw) axes(f frame, xstep, ystep float64, xlabel, ylabel string) {
	s.w(`<g class="grid" stroke="`, colGrid, `" stroke-width="1">`)
	xt := ticks(f.xs.d0, f.xs.d1, xstep)
	yt := ticks(math.Min(f.ys.d0, f.ys.d1), math.Max(f.ys.d0, f.ys.d1), ystep)
	for _, v := range xt {
		x := f.xs.at(v)
		s.line(x, f.y0, x, f.y1, "")
	}
	for _, v := range yt {
		y := f.ys.at(v)
		s.line(f.x0, y, f.x1, y, "")
	}
	s.w(`</g>`)
	s.w(`<rect x="`, f.x0, `" y="`, f.y0, `" width="`, f.x1-f.x0, `" height="`, f.y1-f.y0,
		`" fill="none" stroke="`, colAxis, `" stroke-width="1"/>`)
	s.w(`<g class="tick">`)
	for _, v := range xt {
		s.text(f.xs.at(v), f.y1+15, "middle", "", tickLabel(v, xstep))
	}
	for _, v := range yt {
		s.text(f.x0-6, f.ys.at(v)+4, "end", "", tickLabel(v, ystep))
	}
	s.w(`</g>`)
	if xlabel != "" {
		s.text((f.x0+f.x1)/2, f.y1+33, "middle", "axlabel", xlabel)
	}
	if ylabel != "" {
		yc := (f.y0 + f.y1) / 2
		s.w(`<text transform="translate(`, f.x0-44, ` `, yc, `) rotate(-90)" text-anchor="middle" class="axlabel">`,
			template.HTMLEscapeString(ylabel), `</text>`)
	}
}

// pt is a point in pixels.
type pt struct{ x, y float64 }

// polyline maps (xs[i], ys[i]) into f as subpaths, breaking the line at
// non-finite points or x outside the frame and clamping y to the frame.
// When there are more points than pixel columns it keeps, per column, the
// first, lowest, highest and last point, which preserves every peak the
// eye could see while bounding the size of the figure.
func polyline(f frame, xs, ys []float64) [][]pt {
	n := min(len(xs), len(ys))
	ylo, yhi := math.Min(f.ys.d0, f.ys.d1), math.Max(f.ys.d0, f.ys.d1)
	xlo, xhi := math.Min(f.xs.d0, f.xs.d1), math.Max(f.xs.d0, f.xs.d1)
	var subs [][]pt
	var cur, bucket []pt
	col := math.Inf(-1)
	flush := func() {
		if len(bucket) <= 4 {
			cur = append(cur, bucket...)
		} else {
			lo, hi := 0, 0
			for i, p := range bucket {
				if p.y > bucket[lo].y { // pixel y grows downward
					lo = i
				}
				if p.y < bucket[hi].y {
					hi = i
				}
			}
			a, b := min(lo, hi), max(lo, hi)
			cur = append(cur, bucket[0])
			for _, k := range []int{a, b, len(bucket) - 1} {
				if k != 0 && (len(cur) == 0 || cur[len(cur)-1] != bucket[k]) {
					cur = append(cur, bucket[k])
				}
			}
		}
		bucket = bucket[:0]
	}
	end := func() {
		flush()
		if len(cur) > 0 {
			subs = append(subs, cur)
			cur = nil
		}
		col = math.Inf(-1)
	}
	for i := range n {
		x, y := xs[i], ys[i]
		if !finite(x) || !finite(y) || x < xlo || x > xhi {
			end()
			continue
		}
		y = math.Max(ylo, math.Min(yhi, y))
		p := pt{f.xs.at(x), f.ys.at(y)}
		if c := math.Floor(p.x); c != col {
			flush()
			col = c
		}
		bucket = append(bucket, p)
	}
	end()
	return subs
}

// pathD writes subpaths as SVG path data; a single-point subpath becomes
// a zero-length segment (drawn as a dot with round caps).
func (s *svgw) pathD(subs [][]pt) {
	for _, sub := range subs {
		s.w("M", sub[0].x, " ", sub[0].y)
		if len(sub) == 1 {
			s.w("h0")
			continue
		}
		s.w("L")
		for i, p := range sub[1:] {
			if i > 0 {
				s.w(" ")
			}
			s.w(p.x, " ", p.y)
		}
	}
}

// labelRows assigns each label (at pixel x, sorted or not) the lowest row
// in which it does not come within gap pixels of the previous label of
// that row, so close peaks get stacked labels instead of overlapping
// ones. Labels past maxRows reuse the last row.
func labelRows(xs []float64, gap float64, maxRows int) []int {
	idx := make([]int, len(xs))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(xs[a], xs[b]) })
	rows := make([]int, len(xs))
	last := make([]float64, max(maxRows, 1))
	for i := range last {
		last[i] = math.Inf(-1)
	}
	for _, i := range idx {
		r := len(last) - 1
		for k := range last {
			if xs[i]-last[k] >= gap {
				r = k
				break
			}
		}
		rows[i] = r
		last[r] = xs[i]
	}
	return rows
}

// finiteRange returns the min and max of the finite values of all vs.
func finiteRange(vs ...[]float64) (lo, hi float64, ok bool) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, v := range vs {
		for _, x := range v {
			if finite(x) {
				lo, hi = math.Min(lo, x), math.Max(hi, x)
			}
		}
	}
	return lo, hi, lo <= hi
}
