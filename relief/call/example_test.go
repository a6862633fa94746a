package call_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/struna/struna/relief/call"
	"github.com/struna/struna/relief/share"
)

func ExampleICS() {
	now := time.Date(2023, 2, 7, 6, 0, 0, 0, time.UTC)
	c, err := call.New(call.Spec{ID: "call-7", Title: "Urgent: aftershock, re-inspect red buildings", Convener: "TR-AFAD",
		Invitees: []call.Invitee{{ID: "p-1", Name: "EMERCOM team leader", Org: "RU-EMERCOM", Email: "lead@emercom.example"}},
		Duration: 20 * time.Minute, Agenda: []string{"Sectors, teams; timing"}, Visibility: share.Parties}, now)
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = c.SetReadiness("p-1", call.Delayed, 10, "driving", now.Add(time.Minute))
	fmt.Println(c.Seats()[0].Expected.Format("15:04"), c.Tally())
	unfolded := strings.ReplaceAll(string(call.ICS(c)), "\r\n ", "") // lines are folded at 75 octets
	for _, l := range strings.Split(unfolded, "\r\n") {
		if strings.HasPrefix(l, "DTSTART") || strings.HasPrefix(l, "DESCRIPTION") || strings.HasPrefix(l, "SEQUENCE") {
			fmt.Println(l)
		}
	}
	// Output:
	// 06:10 {0 1 0 0}
	// SEQUENCE:0
	// DTSTART:20230207T060000Z
	// DESCRIPTION:Urgent coordination call\, convened to start at once.\nAgenda:\n1. Sectors\, teams\; timing
}
