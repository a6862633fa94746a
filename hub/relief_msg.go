package hub

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/struna/struna/hub/store"
	"github.com/struna/struna/relief/msg"
	"github.com/struna/struna/relief/share"
)

// Official messages (relief/msg): each organisation registers its Ed25519
// public keys; the hub refuses a message or a receipt whose signature does
// not verify against a registered key of its signer, and keeps what it
// accepted byte for byte so that any recipient can verify it again with
// the keys of GET /api/v1/keys.

type keyRequest struct {
	PublicKey string `json:"public_key"` // base64 (standard) of the 32-byte key
}

func (s *Server) postKey(w http.ResponseWriter, r *http.Request, p store.Principal) {
	var req keyRequest
	if !decodeBody(w, r, s.maxBody, &req) {
		return
	}
	raw, err := base64.StdEncoding.Strict().DecodeString(req.PublicKey)
	if err != nil || len(raw) != ed25519.PublicKeySize {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("public_key: not the base64 of a %d-byte Ed25519 public key", ed25519.PublicKeySize))
		return
	}
	// A key is always registered for the caller's own organisation.
	k, err := s.st.PutSigningKey(r.Context(), p.Actor(), store.SigningKey{Org: p.Org, KeyID: msg.KeyID(raw), PublicKey: raw})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, k)
}

func (s *Server) getKeys(w http.ResponseWriter, r *http.Request, p store.Principal) {
	ks, err := s.st.SigningKeys(r.Context(), r.URL.Query().Get("org"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, ks)
}

func (s *Server) keysOf(ctx context.Context, org string) ([]ed25519.PublicKey, error) {
	ks, err := s.st.SigningKeys(ctx, org)
	if err != nil {
		return nil, err
	}
	out := make([]ed25519.PublicKey, len(ks))
	for i, k := range ks {
		out[i] = ed25519.PublicKey(k.PublicKey)
	}
	return out, nil
}

// oneLine keeps an error on one line for the JSON answer.
func oneLine(err error) string { return strings.ReplaceAll(err.Error(), "\n", "; ") }

func (s *Server) postOfficialMessage(w http.ResponseWriter, r *http.Request, p store.Principal) {
	var sm msg.SignedMessage
	if !decodeBody(w, r, s.maxBody, &sm) {
		return
	}
	if sm.Message.From != p.Org {
		writeError(w, http.StatusForbidden, fmt.Sprintf("from: %q is not the organisation of this token (%s)", sm.Message.From, p.Org))
		return
	}
	if err := sm.Message.Validate(); err != nil {
		writeError(w, http.StatusBadRequest, oneLine(err))
		return
	}
	ctx := r.Context()
	orgs, err := s.st.Orgs(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for i, to := range sm.Message.To {
		if !slices.ContainsFunc(orgs, func(o store.Org) bool { return o.Name == to }) {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("to[%d]: organisation %q is not registered in the hub", i, to))
			return
		}
	}
	keys, err := s.keysOf(ctx, p.Org)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(keys) == 0 {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("key_id: %s has registered no signing key (POST /api/v1/keys)", p.Org))
		return
	}
	if err := (msg.Keys{p.Org: keys}).Verify(sm); err != nil {
		writeError(w, http.StatusBadRequest, oneLine(err))
		return
	}
	if err := s.st.PutOfficialMessage(ctx, p.Actor(), sm); err != nil {
		s.fail(w, r, err)
		return
	}
	// The stream reaches every token: only who and when, never the text.
	s.events.publish("message", map[string]any{"id": sm.Message.ID, "from": sm.Message.From, "to": sm.Message.To})
	writeJSON(w, http.StatusCreated, store.OfficialMessage{Signed: sm, Receipts: []msg.SignedReceipt{}})
}

// mayRead reports whether p may read om: members of the sending and the
// receiving organisations may; a viewer token only a public message of
// its organisation.
func mayRead(p store.Principal, om store.OfficialMessage) bool {
	m := om.Signed.Message
	if m.From != p.Org && !slices.Contains(m.To, p.Org) {
		return false
	}
	return p.Role != viewer || m.Visibility == share.Public
}

func (s *Server) getOfficialMessages(w http.ResponseWriter, r *http.Request, p store.Principal) {
	oms, err := s.st.OfficialMessages(r.Context(), p.Org)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := []store.OfficialMessage{}
	for _, om := range oms {
		if mayRead(p, om) {
			out = append(out, om)
		}
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) postReceipt(w http.ResponseWriter, r *http.Request, p store.Principal) {
	var sr msg.SignedReceipt
	if !decodeBody(w, r, s.maxBody, &sr) {
		return
	}
	id := r.PathValue("id")
	if sr.Receipt.MessageID != id {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("receipt.message_id: %q is not %s, the message of this path", sr.Receipt.MessageID, id))
		return
	}
	if sr.Receipt.By != p.Org {
		writeError(w, http.StatusForbidden, fmt.Sprintf("receipt.by: %q is not the organisation of this token (%s)", sr.Receipt.By, p.Org))
		return
	}
	ctx := r.Context()
	om, err := s.st.OfficialMessage(ctx, id)
	if err == nil && !mayRead(p, om) {
		err = &store.Error{Kind: store.ErrNotFound, Msg: fmt.Sprintf("message %s does not exist", id)}
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	keys, err := s.keysOf(ctx, p.Org)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	verr := fmt.Errorf("receipt of %s: key_id: %q is not a registered key of %s", id, sr.KeyID, p.Org)
	for _, k := range keys {
		if msg.KeyID(k) == sr.KeyID {
			verr = msg.VerifyReceipt(sr, om.Signed, k)
			break
		}
	}
	if verr != nil {
		writeError(w, http.StatusBadRequest, oneLine(verr))
		return
	}
	if err := s.st.PutReceipt(ctx, p.Actor(), sr); err != nil {
		s.fail(w, r, err)
		return
	}
	s.events.publish("receipt", map[string]any{"message_id": id, "by": sr.Receipt.By, "kind": sr.Receipt.Kind})
	writeJSON(w, http.StatusCreated, sr)
}
