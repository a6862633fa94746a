package modal

import (
	"math"
	"slices"
)

// Match pairs a mode of the current survey with one of the reference.
type Match struct {
	Ref, Cur int     // indices into the reference and current mode lists
	MAC      float64 // shape agreement
	DF       float64 // (f − f_ref)/f_ref
}

// TrackOptions bound what may be called the same mode.
type TrackOptions struct {
	MinMAC float64 // default 0.8
	// MaxDF is the largest relative frequency change considered (default
	// 0.6: damage can lower a frequency by half, DESIGN §2.6).
	MaxDF float64
}

// Track matches current modes to reference modes (mode tracking between
// surveys; Peeters & De Roeck 2001 practice): candidate pairs need MAC ≥
// MinMAC and |Δf/f| ≤ MaxDF, and are taken greedily by the score
// MAC − |Δf/f| so that each mode is used at most once. Frequencies only
// fall or rise together, so a match that would cross another in frequency
// order is skipped. Shapes must be at the same channels in the same order.
func Track(ref, cur []Mode, opts TrackOptions) []Match {
	if opts.MinMAC <= 0 {
		opts.MinMAC = 0.8
	}
	if opts.MaxDF <= 0 {
		opts.MaxDF = 0.6
	}
	type cand struct {
		Match
		score float64
	}
	var cs []cand
	for i, r := range ref {
		if r.Harmonic || r.FHz <= 0 {
			continue
		}
		for j, c := range cur {
			if c.Harmonic {
				continue
			}
			df := (c.FHz - r.FHz) / r.FHz
			if math.Abs(df) > opts.MaxDF {
				continue
			}
			m := MAC(r.Shape, c.Shape)
			if m < opts.MinMAC {
				continue
			}
			cs = append(cs, cand{Match{Ref: i, Cur: j, MAC: m, DF: df}, m - math.Abs(df)})
		}
	}
	slices.SortStableFunc(cs, func(a, b cand) int {
		switch {
		case a.score > b.score:
			return -1
		case a.score < b.score:
			return 1
		}
		return 0
	})
	usedR, usedC := map[int]bool{}, map[int]bool{}
	var out []Match
	for _, c := range cs {
		if usedR[c.Ref] || usedC[c.Cur] {
			continue
		}
		crosses := false
		for _, m := range out {
			if (ref[m.Ref].FHz < ref[c.Ref].FHz) != (cur[m.Cur].FHz < cur[c.Cur].FHz) {
				crosses = true
				break
			}
		}
		if crosses {
			continue
		}
		usedR[c.Ref], usedC[c.Cur] = true, true
		out = append(out, c.Match)
	}
	slices.SortFunc(out, func(a, b Match) int { return a.Ref - b.Ref })
	return out
}
