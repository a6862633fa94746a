package relief

import (
	"fmt"
	"strings"
	"testing"
)

// loose builds an unsolicited offer sent at hour sent with its arrival at
// hour eta.
func loose(id, org string, r Resource, sent, eta float64) Message {
	m := offer(id, "", org, r, 1, at(eta))
	m.Sent = at(sent)
	return m
}

func flagString(fs []Flag) string {
	var s []string
	for _, f := range fs {
		s = append(s, fmt.Sprintf("%s:%s:%s", f.OfferID, f.Rule, f.Of))
	}
	return strings.Join(s, " ")
}

func TestFlagDuplicatesLoose(t *testing.T) {
	il76 := Resource{Kind: Aircraft, Type: "Il-76", Capacity: 42, CapacityUnit: "t"}
	il76b := Resource{Kind: Aircraft, Type: " IL-76 ", Capacity: 40, CapacityUnit: "t"}
	an124 := Resource{Kind: Aircraft, Type: "An-124"}
	named := func(r Resource, id, name string) Resource { r.ID, r.Name = id, name; return r }
	tol := DuplicateRules{ETATolerance: DefaultETATolerance}
	tests := []struct {
		name   string
		offers []Message
		rules  DuplicateRules
		want   string
	}{
		{"same team offered by two senders",
			[]Message{loose("O-1", "RU-EMERCOM", usar("RUS-1", Heavy), 1, 10), loose("O-2", "RU-MFA", usar("RUS-1", Heavy), 2, 12)},
			tol, "O-2:same_resource:O-1"},
		{"the earlier by sent time is the original whatever the slice order",
			[]Message{loose("O-2", "RU-MFA", usar("RUS-1", Heavy), 2, 12), loose("O-1", "RU-EMERCOM", usar("RUS-1", Heavy), 1, 10)},
			tol, "O-2:same_resource:O-1"},
		{"same sent time: the smaller id is the original",
			[]Message{loose("O-b", "RU-MFA", usar("RUS-1", Heavy), 1, 12), loose("O-a", "RU-EMERCOM", usar("RUS-1", Heavy), 1, 10)},
			tol, "O-b:same_resource:O-a"},
		{"same team, arrivals two days apart: a second rotation, not a duplicate",
			[]Message{loose("O-1", "RU-EMERCOM", usar("RUS-1", Heavy), 1, 10), loose("O-2", "RU-MFA", usar("RUS-1", Heavy), 2, 58)},
			tol, ""},
		{"same team described with another class is still the same team",
			[]Message{loose("O-1", "RU-EMERCOM", usar("RUS-1", Heavy), 1, 10), loose("O-2", "RU-MFA", usar("rus-1", Medium), 2, 10)},
			tol, "O-2:same_resource:O-1"},
		{"same name, no ids",
			[]Message{loose("O-1", "CH-SDC", named(usar("", Heavy), "", "Swiss Rescue"), 1, 10), loose("O-2", "CH-FDFA", named(usar("", Heavy), "", "swiss  rescue"), 1.5, 11)},
			tol, "O-2:same_resource:O-1"},
		{"one id, same name",
			[]Message{loose("O-1", "CH-SDC", named(usar("", Heavy), "CHE-1", "Swiss Rescue"), 1, 10), loose("O-2", "CH-FDFA", named(usar("", Heavy), "", "Swiss Rescue"), 1.5, 11)},
			tol, "O-2:same_resource:O-1"},
		{"different ids, same name: ids win",
			[]Message{loose("O-1", "A", named(usar("", Heavy), "X-1", "Rescue"), 1, 10), loose("O-2", "B", named(usar("", Heavy), "X-2", "Rescue"), 1.5, 11)},
			tol, ""},
		{"same org, same class, overlapping",
			[]Message{loose("O-1", "DE-THW", usar("GER-1", Medium), 1, 10), loose("O-2", "DE-THW", usar("GER-2", Medium), 2, 14)},
			tol, "O-2:same_org:O-1"},
		{"same org, other class",
			[]Message{loose("O-1", "DE-THW", usar("GER-1", Medium), 1, 10), loose("O-2", "DE-THW", usar("GER-2", Heavy), 2, 14)},
			tol, ""},
		{"same org, other kind",
			[]Message{loose("O-1", "DE-THW", usar("GER-1", Medium), 1, 10), loose("O-2", "DE-THW", il76, 2, 10)},
			tol, ""},
		{"same org, aircraft type written differently",
			[]Message{loose("O-1", "RU-EMERCOM", il76, 1, 10), loose("O-2", "RU-EMERCOM", il76b, 2, 11)},
			tol, "O-2:same_org:O-1"},
		{"same org, other aircraft type",
			[]Message{loose("O-1", "RU-EMERCOM", il76, 1, 10), loose("O-2", "RU-EMERCOM", an124, 2, 11)},
			tol, ""},
		{"different orgs, same class, no identity: not a duplicate",
			[]Message{loose("O-1", "DE-THW", named(usar("", Medium), "", "THW"), 1, 10), loose("O-2", "NL-USAR", named(usar("", Medium), "", "USAR.NL"), 1, 10)},
			tol, ""},
		{"windows touching at the tolerance are an overlap",
			[]Message{loose("O-1", "DE-THW", usar("GER-1", Medium), 1, 10), loose("O-2", "DE-THW", usar("GER-2", Medium), 2, 22)},
			tol, "O-2:same_org:O-1"},
		{"one second beyond the tolerance is not",
			[]Message{loose("O-1", "DE-THW", usar("GER-1", Medium), 1, 10), loose("O-2", "DE-THW", usar("GER-2", Medium), 2, 22+1.0/3600)},
			tol, ""},
		{"zero tolerance: only the windows themselves",
			[]Message{loose("O-1", "DE-THW", usar("GER-1", Medium), 1, 10), loose("O-2", "DE-THW", usar("GER-2", Medium), 2, 10.5)},
			DuplicateRules{}, ""},
		{"an ETA window reaching the other ETA",
			[]Message{func() Message {
				m := loose("O-1", "DE-THW", usar("GER-1", Medium), 1, 10)
				m.Offer.ETALatest = at(30)
				return m
			}(),
				loose("O-2", "DE-THW", usar("GER-2", Medium), 2, 30)},
			DuplicateRules{}, "O-2:same_org:O-1"},
		{"third copy points at the first",
			[]Message{loose("O-1", "RU-EMERCOM", usar("RUS-1", Heavy), 1, 10), loose("O-2", "RU-MFA", usar("RUS-1", Heavy), 2, 12), loose("O-3", "RU-EMB", usar("RUS-1", Heavy), 3, 12)},
			tol, "O-2:same_resource:O-1 O-3:same_resource:O-1"},
		{"not an offer, or invalid: skipped",
			[]Message{request("R-1", USARTeam, 1), loose("O-1", "RU-EMERCOM", usar("RUS-1", Heavy), 1, 10), func() Message { m := loose("O-2", "", usar("RUS-1", Heavy), 2, 12); return m }()},
			tol, ""},
	}
	for _, tc := range tests {
		got := flagString(FlagDuplicates(nil, tc.offers, tc.rules))
		if got != tc.want {
			t.Errorf("%s: flags %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestFlagDuplicatesClassNoted(t *testing.T) {
	fs := FlagDuplicates(nil, []Message{loose("O-1", "RU-EMERCOM", usar("RUS-1", Heavy), 1, 10), loose("O-2", "RU-MFA", usar("RUS-1", Medium), 2, 10)}, DuplicateRules{})
	if len(fs) != 1 || !strings.Contains(fs[0].Reason, `"heavy" there, "medium" here`) {
		t.Errorf("flags %+v: the class disagreement is not noted", fs)
	}
}

func TestFlagDuplicatesInThreads(t *testing.T) {
	req := request("R-1", USARTeam, 1)
	o1 := offer("O-1", "R-1", "RU-EMERCOM", usar("RUS-1", Heavy), 1, at(10))
	o2 := offer("O-2", "R-1", "DE-THW", usar("GER-1", Medium), 1, at(30))
	o2.Sent = at(1)
	rules := DuplicateRules{ETATolerance: DefaultETATolerance}

	// Both offered, nothing committed: no flag.
	th := mustThread(t, req, o1, o2)
	if got := flagString(FlagDuplicates([]Thread{th}, nil, rules)); got != "" {
		t.Errorf("nothing committed: %q", got)
	}
	// O-1 committed covers the need: O-2, still pending, targets a fulfilled need.
	th1 := mustThread(t, req, o1, o2, decide("D-1", "R-1", "O-1", true, at(2)), commit("C-1", "R-1", "O-1", "RU-EMERCOM", 1, at(3)))
	if got := flagString(FlagDuplicates([]Thread{th1}, nil, rules)); got != "O-2:fulfilled_need:R-1" {
		t.Errorf("need covered by O-1: %q", got)
	}
	// Both committed: the later commitment is the surplus, whatever the offer order.
	th2 := mustThread(t, req, o1, o2,
		decide("D-2", "R-1", "O-2", true, at(2)), commit("C-2", "R-1", "O-2", "DE-THW", 1, at(2.5)),
		decide("D-1", "R-1", "O-1", true, at(3)), commit("C-1", "R-1", "O-1", "RU-EMERCOM", 1, at(4)))
	if got := flagString(FlagDuplicates([]Thread{th2}, nil, rules)); got != "O-1:fulfilled_need:R-1" {
		t.Errorf("over-commitment: %q", got)
	}
	// A declined offer is never flagged, and a declined commitment counts for nothing.
	th3 := mustThread(t, req, o1, o2, decide("D-1", "R-1", "O-1", false, at(2)))
	if got := flagString(FlagDuplicates([]Thread{th3}, nil, rules)); got != "" {
		t.Errorf("declined: %q", got)
	}
	// A loose offer linked to a covered request is flagged; one linked to an unknown request is not.
	l := loose("O-9", "IL-IDF", usar("ISR-1", Heavy), 5, 20)
	l.RequestID = "R-1"
	l2 := loose("O-8", "IL-IDF", Resource{Kind: MedicalTeam, Type: "EMT 2"}, 5, 20)
	l2.RequestID = "R-404"
	if got := flagString(FlagDuplicates([]Thread{th1}, []Message{l, l2}, rules)); got != "O-2:fulfilled_need:R-1 O-9:fulfilled_need:R-1" {
		t.Errorf("loose offers: %q", got)
	}
	// The same team offered in two threads at once is caught across threads.
	reqB := request("R-2", USARTeam, 1)
	oB := offer("O-5", "R-2", "RU-MFA", usar("RUS-1", Heavy), 1, at(11))
	oB.Sent = at(4)
	thB := mustThread(t, reqB, oB)
	if got := flagString(FlagDuplicates([]Thread{th, thB}, nil, rules)); got != "O-5:same_resource:O-1" {
		t.Errorf("across threads: %q", got)
	}
	// Released offers are off the board as well.
	thR := mustThread(t, req, o1, decide("D-1", "R-1", "O-1", true, at(2)), commit("C-1", "R-1", "O-1", "RU-EMERCOM", 1, at(3)),
		Message{ID: "X-1", Type: ReleaseResource, Sent: at(4), From: "TR-AFAD", RequestID: "R-1", OfferID: "O-1", Visibility: req.Visibility, Release: &Release{}})
	if got := flagString(FlagDuplicates([]Thread{thR, thB}, nil, rules)); got != "" {
		t.Errorf("released original: %q", got)
	}
}
