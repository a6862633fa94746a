package relief

import (
	"fmt"
	"testing"
)

// benchOffers is n loose offers from n/4 organisations, a quarter of them
// repeating an earlier team.
func benchOffers(n int) []Message {
	out := make([]Message, n)
	for i := range out {
		id := fmt.Sprintf("T-%d", i)
		if i%4 == 3 {
			id = fmt.Sprintf("T-%d", i-3)
		}
		m := offer(fmt.Sprintf("O-%05d", i), "", fmt.Sprintf("ORG-%d", i%(n/4+1)),
			Resource{Kind: kinds[i%3], ID: id, Class: map[bool]USARClass{true: Heavy}[i%3 == 0], Type: "t"}, 1, at(float64(i%48)))
		m.Sent = at(float64(i) / 100)
		out[i] = m
	}
	return out
}

func BenchmarkFlagDuplicates(b *testing.B) {
	for _, n := range []int{100, 1000} {
		offers := benchOffers(n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				FlagDuplicates(nil, offers, DuplicateRules{ETATolerance: DefaultETATolerance})
			}
		})
	}
}

func BenchmarkThreadAppend(b *testing.B) {
	// A request with 50 offers, each accepted, committed and arrived: 201
	// messages appended one by one (each Append re-derives the state).
	msgs := []Message{request("R-1", USARTeam, 50)}
	for i := range 50 {
		o := fmt.Sprintf("O-%d", i)
		org := fmt.Sprintf("ORG-%d", i)
		msgs = append(msgs, offer(o, "R-1", org, usar(fmt.Sprintf("T-%d", i), Heavy), 1, at(20)),
			decide("D-"+o, "R-1", o, true, at(2)), commit("C-"+o, "R-1", o, org, 1, at(3)),
			status("S-"+o, "R-1", o, org, Arrived, at(4)))
	}
	for b.Loop() {
		th, _ := NewThread(msgs[0])
		for _, m := range msgs[1:] {
			th, _ = th.Append(m)
		}
		if th.Len() != len(msgs) {
			b.Fatal(th.Len())
		}
	}
}
