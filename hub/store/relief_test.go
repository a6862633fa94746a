package store

import (
	"context"
	"crypto/ed25519"
	"sync"
	"testing"
	"time"

	"github.com/struna/struna/hub/internal/hubtest"
	"github.com/struna/struna/relief"
	"github.com/struna/struna/relief/share"
)

var r0 = time.Date(2023, 2, 6, 4, 0, 0, 0, time.UTC)

func reliefRequest(id string) relief.Message {
	return relief.Message{ID: id, Type: relief.RequestResource, Sent: r0, From: "TR-AFAD", Visibility: share.Parties,
		Request: &relief.Request{Resource: relief.ResourceSpec{Kind: relief.USARTeam, Class: relief.Medium}, Quantity: 1,
			Location: relief.Location{Lat: 37.5858, Lon: 36.9371, Place: "Kahramanmaraş"}, Priority: relief.Urgent}}
}

func reliefOffer(id, req, from string) relief.Message {
	return relief.Message{ID: id, Type: relief.ResponseToRequestResource, Sent: r0.Add(time.Hour), From: from, RequestID: req,
		Visibility: share.Parties, Offer: &relief.Offer{Resource: relief.Resource{Kind: relief.USARTeam, ID: "RUS-1", Class: relief.Heavy},
			Quantity: 1, ETA: r0.Add(12 * time.Hour)}}
}

func TestReliefThreads(t *testing.T) {
	eachDB(t, func(t *testing.T, s Store, clk *hubtest.Clock) {
		ctx := context.Background()
		a := Actor{Name: "afad", Org: "TR-AFAD", Role: RoleCoordinator}
		th := must(s.AppendReliefMessage(ctx, a, reliefRequest("R-1")))(t)
		if th.Len() != 1 || th.Request().ID != "R-1" {
			t.Fatalf("new thread: %d messages, request %q", th.Len(), th.Request().ID)
		}
		th = must(s.AppendReliefMessage(ctx, a, reliefOffer("O-1", "R-1", "RU-EMERCOM")))(t)
		if th.Len() != 2 {
			t.Fatalf("thread after offer: %d messages", th.Len())
		}
		// The thread's rules apply to what is stored: committing before
		// acceptance is refused, naming the offer.
		commit := relief.Message{ID: "C-1", Type: relief.CommitResource, Sent: r0.Add(2 * time.Hour), From: "RU-EMERCOM",
			RequestID: "R-1", OfferID: "O-1", Visibility: share.Parties, Commit: &relief.Commitment{}}
		_, err := s.AppendReliefMessage(ctx, a, commit)
		wantErr(t, err, ErrInvalid, "after its acceptance")
		accept := relief.Message{ID: "D-1", Type: relief.RequisitionResource, Sent: r0.Add(90 * time.Minute), From: "TR-AFAD",
			RequestID: "R-1", OfferID: "O-1", Visibility: share.Parties, Decision: &relief.Decision{Accept: true}}
		must(s.AppendReliefMessage(ctx, a, accept))(t)
		th = must(s.AppendReliefMessage(ctx, a, commit))(t)
		if st := th.State(); st.Fulfilment != relief.FulfilComplete || st.Committed != 1 {
			t.Fatalf("state after commit: fulfilment %s, committed %d", st.Fulfilment, st.Committed)
		}
		// Same id again, an unknown request, an invalid message.
		_, err = s.AppendReliefMessage(ctx, a, reliefRequest("R-1"))
		wantErr(t, err, ErrConflict, "R-1 already exists")
		_, err = s.AppendReliefMessage(ctx, a, reliefOffer("O-9", "R-404", "RU-EMERCOM"))
		wantErr(t, err, ErrNotFound, "request R-404 does not exist")
		bad := reliefRequest("R-2")
		bad.Request.Quantity = 0
		_, err = s.AppendReliefMessage(ctx, a, bad)
		wantErr(t, err, ErrInvalid, "R-2")
		// A loose unsolicited offer.
		loose := reliefOffer("U-1", "", "DE-THW")
		loose.Type = relief.OfferUnsolicitedResource
		if th := must(s.AppendReliefMessage(ctx, a, loose))(t); th.Len() != 0 {
			t.Fatalf("loose offer returned a thread of %d", th.Len())
		}
		must(s.AppendReliefMessage(ctx, a, reliefRequest("R-3")))(t)

		ths, ls, err := s.ReliefThreads(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(ths) != 2 || ths[0].Request().ID != "R-1" || ths[0].Len() != 4 || ths[1].Request().ID != "R-3" {
			t.Fatalf("threads: %d", len(ths))
		}
		if len(ls) != 1 || ls[0].ID != "U-1" || !ls[0].Sent.Equal(r0.Add(time.Hour)) {
			t.Fatalf("loose: %+v", ls)
		}
		one := must(s.ReliefThread(ctx, "R-1"))(t)
		if o, _ := one.State().Offer("O-1"); o.Status != relief.OfferCommitted {
			t.Fatalf("O-1 is %s", o.Status)
		}
		_, err = s.ReliefThread(ctx, "O-1")
		wantErr(t, err, ErrNotFound, "request O-1")

		// Every stored message is audited; refused ones are not.
		es := must(s.Audit(ctx, AuditQuery{Limit: 100}))(t)
		n := 0
		for _, e := range es {
			if len(e.Object) > 7 && e.Object[:7] == "relief/" {
				n++
			}
		}
		if n != 6 {
			t.Fatalf("%d relief audit entries, want 6", n)
		}
		// The database refuses changes to stored messages.
		ss := s.(*sqlStore)
		if err := ss.write(ctx, func(t tx) error {
			_, err := t.exec(ctx, "UPDATE relief_messages SET body = '{}' WHERE id = 'R-1'")
			return err
		}); err == nil {
			t.Fatal("UPDATE of a relief message succeeded")
		}
	})
}

// Concurrent acceptances of one offer: the thread's rules must see each
// other's writes, so exactly one is stored.
func TestReliefConcurrentAppend(t *testing.T) {
	eachDB(t, func(t *testing.T, s Store, clk *hubtest.Clock) {
		ctx := context.Background()
		a := Actor{Name: "afad", Org: "TR-AFAD", Role: RoleCoordinator}
		must(s.AppendReliefMessage(ctx, a, reliefRequest("R-1")))(t)
		must(s.AppendReliefMessage(ctx, a, reliefOffer("O-1", "R-1", "RU-EMERCOM")))(t)
		var (
			wg sync.WaitGroup
			mu sync.Mutex
			ok int
		)
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				m := relief.Message{ID: "D-" + string(rune('a'+i)), Type: relief.RequisitionResource, Sent: r0.Add(2 * time.Hour),
					From: "TR-AFAD", RequestID: "R-1", OfferID: "O-1", Visibility: share.Parties, Decision: &relief.Decision{Accept: true}}
				if _, err := s.AppendReliefMessage(ctx, a, m); err == nil {
					mu.Lock()
					ok++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if ok != 1 {
			t.Fatalf("%d acceptances stored, want 1", ok)
		}
		if th := must(s.ReliefThread(ctx, "R-1"))(t); th.Len() != 3 {
			t.Fatalf("thread has %d messages, want 3", th.Len())
		}
	})
}

func TestSigningKeysAndOrgs(t *testing.T) {
	eachDB(t, func(t *testing.T, s Store, clk *hubtest.Clock) {
		ctx := context.Background()
		must(s.CreateOrg(ctx, admin, "TR-AFAD", "state"))(t)
		must(s.CreateOrg(ctx, admin, "RU-EMERCOM", "state"))(t)
		pub := ed25519.NewKeyFromSeed(make([]byte, 32)).Public().(ed25519.PublicKey)
		k := must(s.PutSigningKey(ctx, admin, SigningKey{Org: "TR-AFAD", KeyID: "ed25519:abc", PublicKey: pub}))(t)
		if !k.Created.Equal(t0) {
			t.Fatalf("created %v", k.Created)
		}
		_, err := s.PutSigningKey(ctx, admin, SigningKey{Org: "TR-AFAD", KeyID: "ed25519:abc", PublicKey: pub})
		wantErr(t, err, ErrConflict, "already has key")
		_, err = s.PutSigningKey(ctx, admin, SigningKey{Org: "XX", KeyID: "ed25519:abc", PublicKey: pub})
		wantErr(t, err, ErrNotFound, "XX")
		ks := must(s.SigningKeys(ctx, "TR-AFAD"))(t)
		if len(ks) != 1 || !ed25519.PublicKey(ks[0].PublicKey).Equal(pub) || ks[0].KeyID != "ed25519:abc" {
			t.Fatalf("keys %+v", ks)
		}
		if ks := must(s.SigningKeys(ctx, "RU-EMERCOM"))(t); len(ks) != 0 {
			t.Fatalf("RU-EMERCOM keys %+v", ks)
		}
		os := must(s.Orgs(ctx))(t)
		if len(os) != 2 || os[0].Name != "RU-EMERCOM" || os[1].Kind != "state" {
			t.Fatalf("orgs %+v", os)
		}
	})
}
