package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/struna/struna/relief"
)

// Relief threads (issue 6): every EDXL-RM message is a row of
// relief_messages, immutable once written. A thread is never stored as
// such: it is rebuilt from its rows, in the order they were written, with
// relief.NewThread and Thread.Append, so the rules that admitted each
// message are the rules that read it back.

func reliefInvalid(err error) error { return errorf(ErrInvalid, "%s", err.Error()) }

// threadMessages reads the messages of request id in order; lock (on
// PostgreSQL) locks the request's row first so that appends to one thread
// are serialised and each is checked against the thread as it will be.
func (s *sqlStore) threadMessages(ctx context.Context, q querier, requestID string, lock bool) ([]relief.Message, error) {
	if f := s.b.forUpdate(); lock && f != "" {
		var id string
		err := q.queryRow(ctx, "SELECT id FROM relief_messages WHERE id = $1 AND type = $2"+f, requestID, string(relief.RequestResource)).Scan(&id)
		if isNoRows(err) {
			return nil, errorf(ErrNotFound, "request %s does not exist", requestID)
		}
		if err != nil {
			return nil, err
		}
	}
	rs, err := q.query(ctx, `SELECT id, body FROM relief_messages WHERE id = $1 OR request_id = $1 ORDER BY seq`, requestID)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []relief.Message
	for rs.Next() {
		var id, body string
		if err := rs.Scan(&id, &body); err != nil {
			return nil, err
		}
		var m relief.Message
		if err := json.Unmarshal([]byte(body), &m); err != nil {
			return nil, fmt.Errorf("relief message %s: stored body: %w", id, err)
		}
		out = append(out, m)
	}
	if err := rs.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 || out[0].Type != relief.RequestResource || out[0].ID != requestID {
		return nil, errorf(ErrNotFound, "request %s does not exist", requestID)
	}
	return out, nil
}

func rebuild(msgs []relief.Message) (relief.Thread, error) {
	if len(msgs) == 0 {
		return relief.Thread{}, errors.New("relief thread: no request")
	}
	th, err := relief.NewThread(msgs[0])
	if err != nil {
		return th, fmt.Errorf("relief thread %s: stored request: %w", msgs[0].ID, err)
	}
	for _, m := range msgs[1:] {
		if th, err = th.Append(m); err != nil {
			return th, fmt.Errorf("relief thread %s: stored message %s: %w", msgs[0].ID, m.ID, err)
		}
	}
	return th, nil
}

func (s *sqlStore) AppendReliefMessage(ctx context.Context, a Actor, m relief.Message) (relief.Thread, error) {
	if err := m.Validate(); err != nil {
		return relief.Thread{}, reliefInvalid(err)
	}
	body, err := json.Marshal(m)
	if err != nil {
		return relief.Thread{}, errorf(ErrInvalid, "relief message %s: %v", m.ID, err)
	}
	now := s.clock()
	var th relief.Thread
	err = s.write(ctx, func(t tx) error {
		threadID := m.RequestID
		switch {
		case m.Type == relief.RequestResource:
			threadID = ""
			if th, err = relief.NewThread(m); err != nil {
				return reliefInvalid(err)
			}
		case m.Type == relief.OfferUnsolicitedResource && m.RequestID == "":
			// A loose offer: no thread to check it against yet.
		default:
			if m.RequestID == "" {
				return errorf(ErrInvalid, "relief message %s: request_id: missing (a %s belongs to a request's thread)", m.ID, m.Type)
			}
			msgs, err := s.threadMessages(ctx, t, m.RequestID, true)
			if err != nil {
				return err
			}
			cur, err := rebuild(msgs)
			if err != nil {
				return err
			}
			if th, err = cur.Append(m); err != nil {
				return reliefInvalid(err)
			}
		}
		n, err := t.exec(ctx, `INSERT INTO relief_messages (id, request_id, type, sender_org, visibility, created_ns, body)
VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING`,
			m.ID, threadID, string(m.Type), m.From, string(m.Visibility), m.Sent.UnixNano(), string(body))
		if err != nil {
			return err
		}
		if n == 0 {
			return errorf(ErrConflict, "relief message %s already exists", m.ID)
		}
		return audit(ctx, t, a, now, "relief."+string(m.Type), "relief/"+m.ID, nil, m)
	})
	if err != nil {
		return relief.Thread{}, err
	}
	return th, nil
}

func (s *sqlStore) ReliefThread(ctx context.Context, requestID string) (relief.Thread, error) {
	msgs, err := s.threadMessages(ctx, s.b, requestID, false)
	if err != nil {
		return relief.Thread{}, err
	}
	return rebuild(msgs)
}

func (s *sqlStore) ReliefThreads(ctx context.Context) ([]relief.Thread, []relief.Message, error) {
	rs, err := s.b.query(ctx, "SELECT id, request_id, type, body FROM relief_messages ORDER BY seq")
	if err != nil {
		return nil, nil, err
	}
	defer rs.Close()
	var (
		order []string
		byReq = map[string][]relief.Message{}
		loose = []relief.Message{}
	)
	for rs.Next() {
		var id, req, typ, body string
		if err := rs.Scan(&id, &req, &typ, &body); err != nil {
			return nil, nil, err
		}
		var m relief.Message
		if err := json.Unmarshal([]byte(body), &m); err != nil {
			return nil, nil, fmt.Errorf("relief message %s: stored body: %w", id, err)
		}
		switch {
		case relief.MessageType(typ) == relief.RequestResource:
			order = append(order, id)
			byReq[id] = append([]relief.Message{m}, byReq[id]...)
		case req == "":
			loose = append(loose, m)
		default:
			byReq[req] = append(byReq[req], m)
		}
	}
	if err := rs.Err(); err != nil {
		return nil, nil, err
	}
	threads := make([]relief.Thread, 0, len(order))
	for _, id := range order {
		th, err := rebuild(byReq[id])
		if err != nil {
			return nil, nil, err
		}
		threads = append(threads, th)
	}
	return threads, loose, nil
}

func (s *sqlStore) PutSigningKey(ctx context.Context, a Actor, k SigningKey) (SigningKey, error) {
	if k.Org == "" || k.KeyID == "" || len(k.PublicKey) == 0 {
		return k, errorf(ErrInvalid, "signing key: org, key id and public key are required")
	}
	k.Created = s.clock()
	err := s.write(ctx, func(t tx) error {
		if _, err := s.orgID(ctx, t, k.Org); err != nil {
			return err
		}
		n, err := t.exec(ctx, "INSERT INTO signing_keys (org, key_id, public_key, created_ns) VALUES ($1, $2, $3, $4) ON CONFLICT (org, key_id) DO NOTHING",
			k.Org, k.KeyID, k.PublicKey, k.Created.UnixNano())
		if err != nil {
			return err
		}
		if n == 0 {
			return errorf(ErrConflict, "organisation %q already has key %s", k.Org, k.KeyID)
		}
		return audit(ctx, t, a, k.Created, "key.create", "key/"+k.Org+"/"+k.KeyID, nil, k)
	})
	return k, err
}

func (s *sqlStore) SigningKeys(ctx context.Context, org string) ([]SigningKey, error) {
	rs, err := s.b.query(ctx, `SELECT org, key_id, public_key, created_ns FROM signing_keys
WHERE (CAST($1 AS TEXT) = '' OR org = $1) ORDER BY org, created_ns, key_id`, org)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	out := []SigningKey{}
	for rs.Next() {
		var (
			k       SigningKey
			created int64
		)
		if err := rs.Scan(&k.Org, &k.KeyID, &k.PublicKey, &created); err != nil {
			return nil, err
		}
		k.Created = fromNS(created)
		out = append(out, k)
	}
	return out, rs.Err()
}

func (s *sqlStore) Orgs(ctx context.Context) ([]Org, error) {
	rs, err := s.b.query(ctx, "SELECT name, kind, created_ns FROM orgs ORDER BY name")
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	out := []Org{}
	for rs.Next() {
		var (
			o       Org
			created int64
		)
		if err := rs.Scan(&o.Name, &o.Kind, &created); err != nil {
			return nil, err
		}
		o.Created = fromNS(created)
		out = append(out, o)
	}
	return out, rs.Err()
}
