package msg_test

import (
	"bytes"
	"crypto/ed25519"
	"fmt"
	"time"

	"github.com/struna/struna/relief/msg"
	"github.com/struna/struna/relief/share"
)

func ExampleSign() {
	// In the hub the key comes from ed25519.GenerateKey(crypto/rand.Reader).
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
	pub := priv.Public().(ed25519.PublicKey)

	sm, err := msg.Sign(msg.Message{ID: "M-1", From: "RU-MFA", To: []string{"TR-MFA"}, Kind: msg.FormalRequest,
		Subject: "Landing permission for IL-76 RA-78830", Body: "Requesting landing at Adana, 7 February, 06:00 UTC.",
		Created: time.Date(2023, 2, 6, 20, 0, 0, 0, time.UTC), Visibility: share.Parties}, priv)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("verified:", msg.Verify(sm, pub) == nil)

	sm.Message.Body = "Requesting landing at Adana, 7 February, 09:00 UTC."
	fmt.Println(msg.Verify(sm, pub))
	// Output:
	// verified: true
	// message M-1: body: was altered after signing
}
