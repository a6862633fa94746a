package store

import (
	"context"
	"crypto/ed25519"
	"testing"
	"time"

	"github.com/struna/struna/hub/internal/hubtest"
	"github.com/struna/struna/relief/msg"
	"github.com/struna/struna/relief/share"
)

func TestOfficialMessages(t *testing.T) {
	eachDB(t, func(t *testing.T, s Store, clk *hubtest.Clock) {
		ctx := context.Background()
		seed := func(b byte) ed25519.PrivateKey { k := make([]byte, 32); k[0] = b; return ed25519.NewKeyFromSeed(k) }
		fr, am := seed(1), seed(2)
		m := msg.Message{ID: "M-1", From: "USAR-FR", To: []string{"USAR-AM"}, Kind: msg.Condolence, Subject: "Condolences",
			Body: "Our thoughts are with you.", Created: t0, Visibility: share.Parties}
		sm := must(msg.Sign(m, fr))(t)
		if err := s.PutOfficialMessage(ctx, admin, sm); err != nil {
			t.Fatal(err)
		}
		wantErr(t, s.PutOfficialMessage(ctx, admin, sm), ErrConflict, "M-1 already exists")
		rc := must(msg.NewReceipt(sm, msg.Delivered, "USAR-AM", t0.Add(time.Minute)))(t)
		sr := must(msg.SignReceipt(rc, am))(t)
		if err := s.PutReceipt(ctx, admin, sr); err != nil {
			t.Fatal(err)
		}
		wantErr(t, s.PutReceipt(ctx, admin, sr), ErrConflict, "already sent a delivered receipt")
		bad := sr
		bad.Receipt.MessageID = "M-404"
		wantErr(t, s.PutReceipt(ctx, admin, bad), ErrNotFound, "M-404")

		// What comes back still verifies: nothing was lost or reordered.
		om := must(s.OfficialMessage(ctx, "M-1"))(t)
		if err := msg.Verify(om.Signed, fr.Public().(ed25519.PublicKey)); err != nil {
			t.Fatal(err)
		}
		if len(om.Receipts) != 1 {
			t.Fatalf("%d receipts", len(om.Receipts))
		}
		if err := msg.VerifyReceipt(om.Receipts[0], om.Signed, am.Public().(ed25519.PublicKey)); err != nil {
			t.Fatal(err)
		}
		for org, want := range map[string]int{"USAR-FR": 1, "USAR-AM": 1, "DE-THW": 0, "": 1} {
			if got := must(s.OfficialMessages(ctx, org))(t); len(got) != want {
				t.Errorf("messages of %q: %d, want %d", org, len(got), want)
			}
		}
		_, err := s.OfficialMessage(ctx, "M-2")
		wantErr(t, err, ErrNotFound, "M-2")
	})
}
