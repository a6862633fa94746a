package brief

import (
	"fmt"
	"testing"

	"github.com/struna/struna/relief"
	"github.com/struna/struna/relief/share"
)

// BenchmarkBuild: 100 requests with 4 offers each and 20 000 buildings,
// for a party and for the public.
func BenchmarkBuild(b *testing.B) {
	s := Snapshot{Incident: "X", At: at(30), Rules: relief.DuplicateRules{ETATolerance: relief.DefaultETATolerance}}
	for i := range 100 {
		r := fmt.Sprintf("R-%d", i)
		msgs := []relief.Message{req(r, relief.USARTeam, 2, relief.Urgent, 24, share.Parties)}
		for j := range 4 {
			msgs = append(msgs, off(fmt.Sprintf("O-%d-%d", i, j), r, fmt.Sprintf("ORG-%d", j),
				relief.Resource{Kind: relief.USARTeam, ID: fmt.Sprintf("T-%d", (i*4+j)%300), Class: relief.Heavy}, 1, float64(2+j)))
		}
		s.Threads = append(s.Threads, thread(b, msgs...))
	}
	placards := []string{"red", "yellow", "green", ""}
	for i := range 20000 {
		s.Buildings = append(s.Buildings, Building{ID: fmt.Sprintf("B-%05d", i), Placard: placards[i%4], Org: "TR-AFAD",
			Visibility: share.Public, Trapped: share.Trapped{Count: i % 3}})
	}
	for _, v := range []struct {
		name string
		v    share.Viewer
	}{{"party", share.Viewer{Org: "TR-AFAD", Role: share.Member}}, {"public", share.Viewer{}}} {
		b.Run(v.name, func(b *testing.B) {
			for b.Loop() {
				br := Build(s, policy, v.v)
				_ = br.Markdown()
			}
		})
	}
}
