package relief_test

import (
	"fmt"
	"time"

	"github.com/struna/struna/relief"
	"github.com/struna/struna/relief/share"
)

func ExampleThread() {
	t0 := time.Date(2023, 2, 6, 4, 0, 0, 0, time.UTC)
	th, err := relief.NewThread(relief.Message{ID: "R-1", Type: relief.RequestResource, Sent: t0, From: "TR-AFAD",
		Visibility: share.Parties, Request: &relief.Request{
			Resource: relief.ResourceSpec{Kind: relief.USARTeam, Class: relief.Medium}, Quantity: 2,
			Location: relief.Location{Lat: 37.5858, Lon: 36.9371, Place: "Kahramanmaraş"}, Priority: relief.Urgent}})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, m := range []relief.Message{
		{ID: "O-1", Type: relief.ResponseToRequestResource, Sent: t0.Add(time.Hour), From: "RU-EMERCOM", RequestID: "R-1",
			Visibility: share.Parties, Offer: &relief.Offer{Resource: relief.Resource{Kind: relief.USARTeam, ID: "RUS-1", Class: relief.Heavy},
				Quantity: 1, ETA: t0.Add(12 * time.Hour)}},
		{ID: "D-1", Type: relief.RequisitionResource, Sent: t0.Add(2 * time.Hour), From: "TR-AFAD", RequestID: "R-1", OfferID: "O-1",
			Visibility: share.Parties, Decision: &relief.Decision{Accept: true}},
		{ID: "C-1", Type: relief.CommitResource, Sent: t0.Add(3 * time.Hour), From: "RU-EMERCOM", RequestID: "R-1", OfferID: "O-1",
			Visibility: share.Parties, Commit: &relief.Commitment{}},
		// Out of order: a team cannot be committed twice.
		{ID: "C-2", Type: relief.CommitResource, Sent: t0.Add(4 * time.Hour), From: "RU-EMERCOM", RequestID: "R-1", OfferID: "O-1",
			Visibility: share.Parties, Commit: &relief.Commitment{}},
	} {
		next, err := th.Append(m)
		if err != nil {
			fmt.Println(err)
			continue
		}
		th = next
	}
	st := th.State()
	fmt.Printf("%s: %d of %d committed, fulfilment %s\n", st.RequestID, st.Committed, st.Requested, st.Fulfilment)
	o, _ := st.Offer("O-1")
	fmt.Println("O-1 is", o.Status)
	// Output:
	// message C-2: type: offer O-1 is committed; a resource is committed after its acceptance
	// R-1: 1 of 2 committed, fulfilment partial
	// O-1 is committed
}

func ExampleFlagDuplicates() {
	t0 := time.Date(2023, 2, 6, 4, 0, 0, 0, time.UTC)
	team := relief.Resource{Kind: relief.USARTeam, ID: "RUS-1", Class: relief.Heavy}
	offers := []relief.Message{
		{ID: "O-1", Type: relief.OfferUnsolicitedResource, Sent: t0, From: "RU-EMERCOM", Visibility: share.Parties,
			Offer: &relief.Offer{Resource: team, Quantity: 1, ETA: t0.Add(10 * time.Hour)}},
		{ID: "O-2", Type: relief.OfferUnsolicitedResource, Sent: t0.Add(time.Hour), From: "RU-MFA", Visibility: share.Parties,
			Offer: &relief.Offer{Resource: team, Quantity: 1, ETA: t0.Add(13 * time.Hour)}},
	}
	for _, f := range relief.FlagDuplicates(nil, offers, relief.DuplicateRules{ETATolerance: relief.DefaultETATolerance}) {
		fmt.Printf("%s is a duplicate of %s (%s)\n", f.OfferID, f.Of, f.Rule)
	}
	// Output:
	// O-2 is a duplicate of O-1 (same_resource)
}
