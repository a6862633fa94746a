package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/struna/struna/relief/msg"
)

// Official messages (relief/msg) are stored as received, signature and
// all, so any recipient can verify them again later; the hub verifies each
// before it stores it (the store does not hold keys' trust decisions).

func (s *sqlStore) PutOfficialMessage(ctx context.Context, a Actor, sm msg.SignedMessage) error {
	body, err := json.Marshal(sm)
	if err != nil {
		return errorf(ErrInvalid, "message %s: %v", sm.Message.ID, err)
	}
	to, err := json.Marshal(sm.Message.To)
	if err != nil {
		return errorf(ErrInvalid, "message %s: to: %v", sm.Message.ID, err)
	}
	now := s.clock()
	return s.write(ctx, func(t tx) error {
		n, err := t.exec(ctx, `INSERT INTO official_messages (id, sender_org, recipients, created_ns, body)
VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING`,
			sm.Message.ID, sm.Message.From, string(to), sm.Message.Created.UnixNano(), string(body))
		if err != nil {
			return err
		}
		if n == 0 {
			return errorf(ErrConflict, "message %s already exists", sm.Message.ID)
		}
		// The audit names the message and its digest, not its text.
		after := map[string]any{"id": sm.Message.ID, "from": sm.Message.From, "to": sm.Message.To, "kind": sm.Message.Kind,
			"key_id": sm.KeyID, "digest": msg.Digest(sm)}
		return audit(ctx, t, a, now, "message.create", "message/"+sm.Message.ID, nil, after)
	})
}

func (s *sqlStore) receipts(ctx context.Context, q querier, id string) ([]msg.SignedReceipt, error) {
	rs, err := q.query(ctx, "SELECT body FROM official_receipts WHERE message_id = $1 ORDER BY at_ns, org, kind", id)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	out := []msg.SignedReceipt{}
	for rs.Next() {
		var body string
		if err := rs.Scan(&body); err != nil {
			return nil, err
		}
		var r msg.SignedReceipt
		if err := json.Unmarshal([]byte(body), &r); err != nil {
			return nil, fmt.Errorf("receipt of message %s: stored body: %w", id, err)
		}
		out = append(out, r)
	}
	return out, rs.Err()
}

func scanOfficial(body string) (OfficialMessage, error) {
	var om OfficialMessage
	if err := json.Unmarshal([]byte(body), &om.Signed); err != nil {
		return om, fmt.Errorf("official message: stored body: %w", err)
	}
	return om, nil
}

func (s *sqlStore) OfficialMessage(ctx context.Context, id string) (OfficialMessage, error) {
	var body string
	err := s.b.queryRow(ctx, "SELECT body FROM official_messages WHERE id = $1", id).Scan(&body)
	if isNoRows(err) {
		return OfficialMessage{}, errorf(ErrNotFound, "message %s does not exist", id)
	}
	if err != nil {
		return OfficialMessage{}, err
	}
	om, err := scanOfficial(body)
	if err != nil {
		return om, err
	}
	om.Receipts, err = s.receipts(ctx, s.b, id)
	return om, err
}

func (s *sqlStore) OfficialMessages(ctx context.Context, org string) ([]OfficialMessage, error) {
	rs, err := s.b.query(ctx, "SELECT body FROM official_messages ORDER BY seq")
	if err != nil {
		return nil, err
	}
	var out []OfficialMessage
	for rs.Next() {
		var body string
		if err := rs.Scan(&body); err != nil {
			rs.Close()
			return nil, err
		}
		om, err := scanOfficial(body)
		if err != nil {
			rs.Close()
			return nil, err
		}
		if org == "" || om.Signed.Message.From == org || slices.Contains(om.Signed.Message.To, org) {
			out = append(out, om)
		}
	}
	err = rs.Err()
	rs.Close()
	if err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Receipts, err = s.receipts(ctx, s.b, out[i].Signed.Message.ID); err != nil {
			return nil, err
		}
	}
	if out == nil {
		out = []OfficialMessage{}
	}
	return out, nil
}

func (s *sqlStore) PutReceipt(ctx context.Context, a Actor, sr msg.SignedReceipt) error {
	body, err := json.Marshal(sr)
	if err != nil {
		return errorf(ErrInvalid, "receipt of %s: %v", sr.Receipt.MessageID, err)
	}
	r := sr.Receipt
	now := s.clock()
	return s.write(ctx, func(t tx) error {
		var n int64
		if err := t.queryRow(ctx, "SELECT COUNT(*) FROM official_messages WHERE id = $1", r.MessageID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return errorf(ErrNotFound, "message %s does not exist", r.MessageID)
		}
		n, err := t.exec(ctx, `INSERT INTO official_receipts (message_id, org, kind, at_ns, body)
VALUES ($1, $2, $3, $4, $5) ON CONFLICT (message_id, org, kind) DO NOTHING`,
			r.MessageID, r.By, string(r.Kind), r.At.UnixNano(), string(body))
		if err != nil {
			return err
		}
		if n == 0 {
			return errorf(ErrConflict, "%s already sent a %s receipt of message %s", r.By, r.Kind, r.MessageID)
		}
		return audit(ctx, t, a, now, "receipt.create", "message/"+r.MessageID+"/"+r.By+"/"+string(r.Kind), nil, r)
	})
}
