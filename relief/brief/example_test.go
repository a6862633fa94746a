package brief_test

import (
	"fmt"
	"time"

	"github.com/struna/struna/relief/brief"
	"github.com/struna/struna/relief/share"
)

func ExampleBuild() {
	snap := brief.Snapshot{
		Incident: "TR-2023-EQ", At: time.Date(2023, 2, 7, 9, 0, 0, 0, time.UTC),
		Buildings: []brief.Building{
			{ID: "C-6", Placard: "red", Trapped: share.Trapped{Count: 2}, Org: "TR-AFAD", Visibility: share.Public},
			{ID: "C-7", Placard: "red", Team: "RUS-1", Org: "TR-AFAD", Visibility: share.Public},
			{ID: "C-9", Placard: "yellow", Org: "TR-AFAD", Visibility: share.Parties},
		},
		Pending: []brief.Pending{{ID: "P-1", Text: "Close the ring road to traffic", RaisedBy: "TR-AFAD", Org: "TR-AFAD", Visibility: share.Parties}},
	}
	policy := share.Policy{Parties: []string{"TR-AFAD", "RU-EMERCOM"}}
	for _, v := range []share.Viewer{{Org: "RU-EMERCOM", Role: share.Member}, {}} {
		b := brief.Build(snap, policy, v)
		fmt.Printf("public=%v red=%d yellow=%d trapped=%d\n", b.Public, b.Headline.Red, b.Headline.Yellow, b.Headline.TrappedReported)
		for _, item := range brief.Agenda(b) {
			fmt.Println("  -", item.Title)
		}
	}
	// Output:
	// public=false red=2 yellow=1 trapped=2
	//   - Assign teams to 1 red building: C-6
	//   - Decide: Close the ring road to traffic
	// public=true red=2 yellow=0 trapped=0
	//   - Assign teams to 1 red building: C-6
}
