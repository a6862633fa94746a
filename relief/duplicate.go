package relief

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// DefaultETATolerance widens each offer's arrival window on both sides
// before windows are compared: arrival estimates of teams flying in after
// an earthquake routinely slip by hours, so two offers of the same team six
// hours apart are still the same team.
const DefaultETATolerance = 6 * time.Hour

// DuplicateRules tunes FlagDuplicates.
type DuplicateRules struct {
	// ETATolerance widens every arrival window on both sides. Negative is
	// taken as 0.
	ETATolerance time.Duration
}

// DuplicateRule names the rule that flagged an offer.
type DuplicateRule string

// The duplicate rules, in the order they are tried.
const (
	SameResource  DuplicateRule = "same_resource"  // the same physical resource offered twice
	SameOrg       DuplicateRule = "same_org"       // one organisation offers the same kind and class twice
	FulfilledNeed DuplicateRule = "fulfilled_need" // the request it answers is already covered
)

// Flag says why an offer is a duplicate.
type Flag struct {
	OfferID string        `json:"offer_id"`
	Rule    DuplicateRule `json:"rule"`
	// Of is the earlier offer it duplicates (SameResource, SameOrg) or the
	// request already covered (FulfilledNeed).
	Of     string `json:"of"`
	Reason string `json:"reason"`
}

// FlagDuplicates flags the offers of threads and of loose (offers not yet
// in a thread, such as unsolicited offers not linked to a request) that
// duplicate another offer or target a need already met. Each offer gets at
// most one flag. The rules, tried in this order:
//
//  1. same_resource: an earlier live offer describes the same physical
//     resource — equal Resource.ID when both have one, else equal Name when
//     both have one (compared case-insensitively, spaces collapsed) — of the
//     same kind, and the two arrival windows overlap. The class need not
//     agree: the same team described as heavy by one sender and medium by
//     another is still one team (the reason notes the disagreement).
//  2. same_org: an earlier live offer from the same organisation is of the
//     same kind and class (USAR: INSARAG class; other kinds: Type, compared
//     as names are) and the two arrival windows overlap.
//  3. fulfilled_need: the offer answers a request whose requested quantity
//     was already committed by other offers of its thread before this offer
//     was committed (or, if it is not committed, by now).
//
// "Earlier" is the order of (Sent, offer id). A live offer is one neither
// declined nor released; declined and released offers are never flagged
// nor flag others. An arrival window is [ETA, max(ETA, ETALatest)]
// (a commitment's ETA replaces the offer's), widened by ETATolerance on both
// sides; windows overlap when they share an instant. Loose offers with a
// RequestID are checked against that request's thread under rule 3.
//
// Flags come in the order of the flagged offers. Invalid loose messages
// (not offers, or failing Validate) are skipped.
func FlagDuplicates(threads []Thread, loose []Message, rules DuplicateRules) []Flag {
	tol := max(rules.ETATolerance, 0)
	var offers []OfferState
	states := map[string]State{}
	for _, t := range threads {
		st := t.State()
		if st.RequestID == "" {
			continue
		}
		states[st.RequestID] = st
		offers = append(offers, st.Offers...)
	}
	for _, m := range loose {
		if !m.Type.IsOffer() || m.Validate() != nil {
			continue
		}
		offers = append(offers, offerState(m))
	}
	slices.SortStableFunc(offers, func(a, b OfferState) int {
		return cmp.Or(a.Sent.Compare(b.Sent), cmp.Compare(a.OfferID, b.OfferID))
	})

	// Keys are computed once per offer; earlier live offers are grouped by
	// kind, the only attribute every rule requires to agree.
	cands := make([]cand, len(offers))
	for i, o := range offers {
		start, end := o.Window()
		cands[i] = cand{o: o, id: norm(o.Resource.ID), name: norm(o.Resource.Name), class: classKey(o.Resource),
			start: start.Add(-tol), end: end.Add(tol)}
	}
	byKind := map[ResourceKind][]int{}
	var flags []Flag
	for j := range cands {
		b := &cands[j]
		if !b.o.Status.Live() {
			continue
		}
		earlier := byKind[b.o.Resource.Kind]
		byKind[b.o.Resource.Kind] = append(earlier, j)
		if f, ok := duplicateOf(b, cands, earlier); ok {
			flags = append(flags, f)
			continue
		}
		if st, ok := states[b.o.RequestID]; ok {
			if before := committedBefore(st, b.o); before >= st.Requested {
				flags = append(flags, Flag{OfferID: b.o.OfferID, Rule: FulfilledNeed, Of: st.RequestID,
					Reason: fmt.Sprintf("request %s was already covered (%d of %d committed) when %s came",
						st.RequestID, before, st.Requested, b.o.OfferID)})
			}
		}
	}
	return flags
}

// cand is an offer with its comparison keys.
type cand struct {
	o               OfferState
	id, name, class string
	start, end      time.Time // the widened arrival window
}

func duplicateOf(b *cand, cands []cand, earlier []int) (Flag, bool) {
	for _, rule := range []DuplicateRule{SameResource, SameOrg} {
		for _, i := range earlier {
			a := &cands[i]
			if a.o.OfferID == b.o.OfferID || a.start.After(b.end) || b.start.After(a.end) {
				continue
			}
			switch rule {
			case SameResource:
				if who, ok := sameIdentity(a, b); ok {
					reason := fmt.Sprintf("%s offers %s %s, already offered in %s by %s with an overlapping arrival",
						b.o.Org, b.o.Resource.Kind, who, a.o.OfferID, a.o.Org)
					if a.class != b.class {
						reason += fmt.Sprintf(" (described as %q there, %q here)", a.class, b.class)
					}
					return Flag{OfferID: b.o.OfferID, Rule: SameResource, Of: a.o.OfferID, Reason: reason}, true
				}
			case SameOrg:
				if a.o.Org == b.o.Org && a.class == b.class {
					return Flag{OfferID: b.o.OfferID, Rule: SameOrg, Of: a.o.OfferID,
						Reason: fmt.Sprintf("%s already offered %s %q in %s with an overlapping arrival",
							b.o.Org, b.o.Resource.Kind, b.class, a.o.OfferID)}, true
				}
			}
		}
	}
	return Flag{}, false
}

// norm compares names: case-insensitive, runs of space collapsed.
func norm(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

// sameIdentity reports whether two offers are of one physical resource
// and how it is known.
func sameIdentity(a, b *cand) (string, bool) {
	if a.id != "" && b.id != "" {
		return a.o.Resource.ID, a.id == b.id
	}
	if a.name != "" && a.name == b.name {
		return fmt.Sprintf("%q", a.o.Resource.Name), true
	}
	return "", false
}

// classKey is what "the same kind of resource" compares beyond the kind.
func classKey(r Resource) string {
	if r.Kind == USARTeam {
		if r.Class == "" {
			return "unclassified"
		}
		return string(r.Class)
	}
	return norm(r.Type)
}

// committedBefore is the quantity committed in st by offers other than b
// before b was committed (all of it if b is not committed). Ties in the
// commitment time go to the offer sent first.
func committedBefore(st State, b OfferState) int {
	n := 0
	for _, o := range st.Offers {
		if o.OfferID == b.OfferID || o.Status == OfferDeclined || o.CommittedAt.IsZero() {
			continue
		}
		if !b.CommittedAt.IsZero() {
			c := o.CommittedAt.Compare(b.CommittedAt)
			if c > 0 || (c == 0 && cmp.Or(o.Sent.Compare(b.Sent), cmp.Compare(o.OfferID, b.OfferID)) > 0) {
				continue
			}
		}
		n += o.Committed
	}
	return n
}
