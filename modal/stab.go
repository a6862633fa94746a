package modal

import (
	"fmt"
	"math"
	"math/cmplx"
	"slices"
	"sort"
)

// StabilizationPreset names the tolerances under which a pole is "stable":
// it reappears at the next lower model order with nearly the same
// frequency, damping and shape (Peeters & De Roeck 1999; Reynders et al.
// 2012 for the hard criteria).
type StabilizationPreset struct {
	Name   string
	DF     float64 // max relative frequency change between orders
	DZeta  float64 // max relative damping change
	MinMAC float64 // min MAC between orders
	// Hard criteria every pole must pass before it can be stable.
	MaxZeta float64 // physical damping of buildings stays below 20 %
	MinMPC  float64
	MaxMPD  float64 // degrees
}

// Presets. Strict is struna's default (DESIGN §2.3); Loose matches the
// defaults of PyOMA2 and KOMA.
var (
	Strict = StabilizationPreset{Name: "strict", DF: 0.01, DZeta: 0.05, MinMAC: 0.98, MaxZeta: 0.20, MinMPC: 0.5, MaxMPD: 45}
	Loose  = StabilizationPreset{Name: "loose", DF: 0.05, DZeta: 0.10, MinMAC: 0.95, MaxZeta: 0.20, MinMPC: 0.3, MaxMPD: 60}
)

// PresetByName returns a named preset.
func PresetByName(name string) (StabilizationPreset, error) {
	switch name {
	case "", "strict":
		return Strict, nil
	case "loose":
		return Loose, nil
	}
	return StabilizationPreset{}, fmt.Errorf("stabilization preset %q: want strict or loose", name)
}

// physical reports whether a pole passes the hard criteria.
func (p StabilizationPreset) physical(q *Pole) bool {
	return q.FHz > 0 && q.Zeta > 0 && q.Zeta < p.MaxZeta && q.MPC >= p.MinMPC && q.MPD <= p.MaxMPD
}

// Stable marks which poles are stable: poles[k] holds the poles of the
// k-th model order (ascending orders). A pole is stable when it passes the
// hard criteria and a physical pole of the previous order lies within the
// preset's tolerances. The result has the same shape as poles.
func (p StabilizationPreset) Stable(poles [][]Pole) [][]bool {
	out := make([][]bool, len(poles))
	for k := range poles {
		out[k] = make([]bool, len(poles[k]))
		if k == 0 {
			continue
		}
		prev := poles[k-1]
		for i := range poles[k] {
			q := &poles[k][i]
			if !p.physical(q) {
				continue
			}
			for j := range prev {
				r := &prev[j]
				if !p.physical(r) {
					continue
				}
				if math.Abs(q.FHz-r.FHz)/r.FHz <= p.DF &&
					math.Abs(q.Zeta-r.Zeta)/r.Zeta <= p.DZeta &&
					MAC(q.Shape, r.Shape) >= p.MinMAC {
					out[k][i] = true
					break
				}
			}
		}
	}
	return out
}

// ClusterOptions control automatic selection of modes from stable poles.
type ClusterOptions struct {
	// MaxDistance is the linkage threshold on d = |Δf|/f + (1 − MAC)
	// (Reynders, Houbrechts & De Roeck 2012 use this form). Default 0.04.
	MaxDistance float64
	// MinSupport is the fraction of model orders a cluster must appear in
	// to be a mode (default 0.3): physical modes persist across orders,
	// noise modes come and go.
	MinSupport float64
}

// Cluster groups stable poles into modes by average-linkage hierarchical
// clustering on the distance d = |Δf|/max(f) + (1 − MAC). Two poles of
// the same model order are never put in one cluster: one order holds each
// physical mode once. For speed, poles are first split where consecutive
// frequencies differ by more than MaxDistance (no cluster can span such
// a gap), and the hierarchy is built within each group.
//
// Each returned mode has the median frequency and damping of its poles,
// their standard deviations, the mean of the phase-aligned shapes, and
// Poles set to the cluster size. Modes are sorted by frequency.
func Cluster(poles [][]Pole, stable [][]bool, opts ClusterOptions) []Mode {
	if opts.MaxDistance <= 0 {
		opts.MaxDistance = 0.04
	}
	if opts.MinSupport <= 0 {
		opts.MinSupport = 0.3
	}
	type item struct {
		p     *Pole
		order int
	}
	var items []item
	orders := 0
	for k := range poles {
		any := false
		for i := range poles[k] {
			if stable[k][i] {
				items = append(items, item{&poles[k][i], k})
				any = true
			}
		}
		if any || len(poles[k]) > 0 {
			orders++
		}
	}
	sort.SliceStable(items, func(a, b int) bool { return items[a].p.FHz < items[b].p.FHz })
	var modes []Mode
	start := 0
	for i := 1; i <= len(items); i++ {
		if i < len(items) && (items[i].p.FHz-items[i-1].p.FHz)/items[i].p.FHz <= opts.MaxDistance {
			continue
		}
		group := items[start:i]
		start = i
		// Average-linkage agglomeration within the group.
		type cl struct {
			members []int
			orders  orderSet
		}
		cls := make([]*cl, len(group))
		for j := range group {
			cls[j] = &cl{members: []int{j}, orders: newOrderSet(len(poles))}
			cls[j].orders.add(group[j].order)
		}
		dist := func(a, b int) float64 {
			pa, pb := group[a].p, group[b].p
			return math.Abs(pa.FHz-pb.FHz)/math.Max(pa.FHz, pb.FHz) + 1 - MAC(pa.Shape, pb.Shape)
		}
		d := make([][]float64, len(group))
		for a := range group {
			d[a] = make([]float64, len(group))
			for b := range a {
				d[a][b] = dist(a, b)
				d[b][a] = d[a][b]
			}
		}
		linkage := func(x, y *cl) float64 {
			s := 0.0
			for _, a := range x.members {
				for _, b := range y.members {
					s += d[a][b]
				}
			}
			return s / float64(len(x.members)*len(y.members))
		}
		for {
			bi, bj, best := -1, -1, opts.MaxDistance
			for a := range cls {
				for b := a + 1; b < len(cls); b++ {
					if cls[a].orders.intersects(cls[b].orders) {
						continue
					}
					if l := linkage(cls[a], cls[b]); l <= best {
						bi, bj, best = a, b, l
					}
				}
			}
			if bi < 0 {
				break
			}
			cls[bi].members = append(cls[bi].members, cls[bj].members...)
			cls[bi].orders.union(cls[bj].orders)
			cls = slices.Delete(cls, bj, bj+1)
		}
		for _, c := range cls {
			if float64(len(c.members)) < opts.MinSupport*float64(orders) {
				continue
			}
			ps := make([]*Pole, len(c.members))
			for k, m := range c.members {
				ps[k] = group[m].p
			}
			modes = append(modes, summarize(ps))
		}
	}
	slices.SortFunc(modes, func(a, b Mode) int { return cmpFloat(a.FHz, b.FHz) })
	return modes
}

// orderSet is a bitset of model-order indices.
type orderSet []uint64

func newOrderSet(n int) orderSet { return make(orderSet, (n+63)/64) }

func (s orderSet) add(i int) { s[i/64] |= 1 << (i % 64) }

func (s orderSet) union(o orderSet) {
	for i := range s {
		s[i] |= o[i]
	}
}

func (s orderSet) intersects(o orderSet) bool {
	for i := range s {
		if s[i]&o[i] != 0 {
			return true
		}
	}
	return false
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// summarize turns a cluster of poles into a mode: medians for f and ζ
// (robust to the odd pole at a cluster's edge), standard deviations, and
// the mean shape after aligning each pole's shape to the first one's phase.
func summarize(ps []*Pole) Mode {
	fs := make([]float64, len(ps))
	zs := make([]float64, len(ps))
	var mpc, mpd float64
	for i, p := range ps {
		fs[i], zs[i] = p.FHz, p.Zeta
		mpc += p.MPC
		mpd += p.MPD
	}
	n := len(ps[0].Shape)
	shape := make([]complex128, n)
	for _, p := range ps {
		// Align phase: rotate p's shape so that its projection on the
		// running mean is real positive.
		var dot complex128
		for i := range shape {
			dot += cmplx.Conj(shape[i]) * p.Shape[i]
		}
		rot := complex(1, 0)
		if a := cmplx.Abs(dot); a > 0 {
			rot = cmplx.Conj(dot) / complex(a, 0)
		}
		for i := range shape {
			shape[i] += p.Shape[i] * rot
		}
	}
	NormalizeShape(shape)
	return Mode{
		FHz: median(fs), Zeta: median(zs), FStdHz: std(fs), ZetaStd: std(zs),
		MPC: mpc / float64(len(ps)), MPD: mpd / float64(len(ps)),
		Shape: shape, Poles: len(ps),
	}
}

func median(x []float64) float64 {
	s := slices.Clone(x)
	slices.Sort(s)
	n := len(s)
	if n == 0 {
		return math.NaN()
	}
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func std(x []float64) float64 {
	if len(x) < 2 {
		return 0
	}
	m := 0.0
	for _, v := range x {
		m += v
	}
	m /= float64(len(x))
	s := 0.0
	for _, v := range x {
		s += (v - m) * (v - m)
	}
	return math.Sqrt(s / float64(len(x)-1))
}
