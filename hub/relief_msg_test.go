package hub

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/struna/struna/hub/store"
	"github.com/struna/struna/relief/msg"
	"github.com/struna/struna/relief/share"
)

func testKey(b byte) ed25519.PrivateKey {
	seed := make([]byte, ed25519.SeedSize)
	seed[0] = b
	return ed25519.NewKeyFromSeed(seed)
}

func pubB64(k ed25519.PrivateKey) string {
	return base64.StdEncoding.EncodeToString(k.Public().(ed25519.PublicKey))
}

// TestOfficialMessages: a partner (USAR-FR) sends a signed message to the
// affected state (USAR-AM), which verifies it with the registered key and
// acknowledges it with signed receipts; forgeries are refused, naming what
// failed; only the two organisations read it.
func TestOfficialMessages(t *testing.T) {
	h := reliefHub(t)
	fr, am, rogue := testKey(1), testKey(2), testKey(3)
	m := msg.Message{ID: "M-1", From: "USAR-FR", To: []string{"USAR-AM"}, Kind: msg.FormalRequest,
		Subject: "Landing slot for FRA-1", Body: "Request a landing slot at Gyumri for 2 aircraft.", Created: t0, Visibility: share.Parties}
	sm, err := msg.Sign(m, fr)
	if err != nil {
		t.Fatal(err)
	}
	altered := sm
	altered.Message.Subject = "Landing slot for 4 aircraft"
	byRogue, err := msg.Sign(m, rogue)
	if err != nil {
		t.Fatal(err)
	}
	other := m
	other.ID, other.To = "M-2", []string{"Nowhere"}
	unknownTo, _ := msg.Sign(other, fr)
	rc, err := msg.NewReceipt(sm, msg.Delivered, "USAR-AM", t0.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	goodReceipt, _ := msg.SignReceipt(rc, am)
	forgedReceipt, _ := msg.SignReceipt(rc, fr) // USAR-FR signs for USAR-AM

	steps := []struct {
		who, path string
		body      any
		want      int
		msg       string
	}{
		{"field", "/api/v1/keys", keyRequest{pubB64(am)}, 403, "coordinator role"},
		{"coordinator", "/api/v1/keys", keyRequest{"not base64"}, 400, "public_key"},
		{"coordinator", "/api/v1/keys", keyRequest{pubB64(am)}, 201, ""},
		{"coordinator", "/api/v1/keys", keyRequest{pubB64(am)}, 409, "already has key"},
		{"fr-coord", "/api/v1/messages", sm, 400, "USAR-FR has registered no signing key"},
		{"fr-coord", "/api/v1/keys", keyRequest{pubB64(fr)}, 201, ""},
		{"coordinator", "/api/v1/messages", sm, 403, `"USAR-FR" is not the organisation`},
		{"other", "/api/v1/messages", sm, 403, "coordinator role"},
		{"fr-coord", "/api/v1/messages", altered, 400, "subject: was altered after signing"},
		{"fr-coord", "/api/v1/messages", byRogue, 400, "is not a key of"},
		{"fr-coord", "/api/v1/messages", unknownTo, 400, `"Nowhere" is not registered`},
		{"fr-coord", "/api/v1/messages", sm, 201, ""},
		{"fr-coord", "/api/v1/messages", sm, 409, "M-1 already exists"},
		{"de", "/api/v1/messages/M-1/receipts", goodReceipt, 403, "not the organisation of this token"},
		{"field", "/api/v1/messages/M-1/receipts", forgedReceipt, 400, "not a registered key of USAR-AM"},
		{"field", "/api/v1/messages/M-2/receipts", goodReceipt, 400, "not M-2"},
		{"field", "/api/v1/messages/M-1/receipts", goodReceipt, 201, ""},
		{"field", "/api/v1/messages/M-1/receipts", goodReceipt, 409, "already sent a delivered receipt"},
	}
	for i, s := range steps {
		got, data, _ := h.do("POST", s.path, s.who, s.body)
		if got != s.want {
			t.Fatalf("step %d: %s as %s: %d, want %d (%s)", i, s.path, s.who, got, s.want, data)
		}
		if s.msg != "" && !strings.Contains(errorOf(t, data), s.msg) {
			t.Fatalf("step %d: error %q does not say %q", i, errorOf(t, data), s.msg)
		}
	}

	// The recipient reads the message and verifies it itself with the
	// sender's key as the hub publishes it.
	var oms []store.OfficialMessage
	_, data, _ := h.do("GET", "/api/v1/messages", "coordinator", nil)
	if err := json.Unmarshal(data, &oms); err != nil {
		t.Fatal(err)
	}
	var ks []store.SigningKey
	_, kdata, _ := h.do("GET", "/api/v1/keys?org=USAR-FR", "coordinator", nil)
	if err := json.Unmarshal(kdata, &ks); err != nil {
		t.Fatal(err)
	}
	if len(oms) != 1 || len(ks) != 1 || len(oms[0].Receipts) != 1 {
		t.Fatalf("messages %s, keys %s", data, kdata)
	}
	if err := msg.Verify(oms[0].Signed, ks[0].PublicKey); err != nil {
		t.Fatalf("recipient's verification: %v", err)
	}
	if err := msg.VerifyReceipt(oms[0].Receipts[0], oms[0].Signed, am.Public().(ed25519.PublicKey)); err != nil {
		t.Fatalf("sender's verification of the receipt: %v", err)
	}
	// Who reads it: the two organisations' members; not a third party,
	// not a viewer token (the message is not public).
	for who, want := range map[string]int{"coordinator": 1, "field": 1, "fr-coord": 1, "other": 1, "de": 0, "viewer": 0} {
		var got []store.OfficialMessage
		_, data, _ := h.do("GET", "/api/v1/messages", who, nil)
		if err := json.Unmarshal(data, &got); err != nil {
			t.Fatal(err)
		}
		if len(got) != want {
			t.Errorf("%s reads %d messages, want %d", who, len(got), want)
		}
	}
	if got, _, _ := h.do("POST", "/api/v1/messages/M-1/receipts", "de", goodReceipt); got != 403 {
		t.Errorf("DE-THW receipt: %d", got)
	}
}
