package call

import (
	"fmt"
	"testing"
)

func BenchmarkICS(b *testing.B) {
	s := spec()
	s.Invitees = nil
	for i := range 50 {
		s.Invitees = append(s.Invitees, Invitee{ID: fmt.Sprintf("p-%d", i), Name: "Участник номер " + fmt.Sprint(i), Org: "ORG"})
	}
	c, err := New(s, t0)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		_ = ICS(c)
	}
}
