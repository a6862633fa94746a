package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/struna/struna/relief"
	"github.com/struna/struna/relief/call"
)

// Coordination calls (relief/call) are stored whole, as the JSON of the
// call.Call, one row per call: a call changes only through its methods,
// which check every change against the call as it stands, so the store
// reads the row, lets the caller apply the method and writes the row back
// in one transaction. On PostgreSQL the row is read FOR UPDATE; SQLite has
// one writer, whose transactions begin IMMEDIATE. The version column is
// checked by the UPDATE as well, so even a backend that did neither could
// not lose an answer silently: the write would fail with ErrConflict.

func encodeCall(c call.Call) (string, error) {
	b, err := json.Marshal(c)
	if err != nil {
		return "", errorf(ErrInvalid, "call %s: %v", c.ID, err)
	}
	return string(b), nil
}

func decodeCall(id, body string) (call.Call, error) {
	var c call.Call
	if err := json.Unmarshal([]byte(body), &c); err != nil {
		return c, fmt.Errorf("call %s: stored body: %w", id, err)
	}
	return c, nil
}

func (s *sqlStore) CreateCall(ctx context.Context, a Actor, c call.Call) error {
	if e := relief.CheckID(c.ID); e != "" {
		return errorf(ErrInvalid, "call: id: %s", e)
	}
	if e := relief.CheckID(c.Convener); e != "" {
		return errorf(ErrInvalid, "call %s: convener: %s", c.ID, e)
	}
	if !c.Visibility.Valid() {
		return errorf(ErrInvalid, "call %s: visibility: %q is not public, parties or org", c.ID, c.Visibility)
	}
	body, err := encodeCall(c)
	if err != nil {
		return err
	}
	now := s.clock()
	return s.write(ctx, func(t tx) error {
		n, err := t.exec(ctx, `INSERT INTO calls (id, convener_org, visibility, status, version, created_ns, updated_ns, body)
VALUES ($1, $2, $3, $4, 1, $5, $6, $7) ON CONFLICT (id) DO NOTHING`,
			c.ID, c.Convener, string(c.Visibility), string(c.Status), c.Created.UnixNano(), c.Updated.UnixNano(), body)
		if err != nil {
			return err
		}
		if n == 0 {
			return errorf(ErrConflict, "call %s already exists", c.ID)
		}
		return audit(ctx, t, a, now, "call.create", "call/"+c.ID, nil, c)
	})
}

func (s *sqlStore) Call(ctx context.Context, id string) (call.Call, error) {
	var body string
	err := s.b.queryRow(ctx, "SELECT body FROM calls WHERE id = $1", id).Scan(&body)
	if isNoRows(err) {
		return call.Call{}, errorf(ErrNotFound, "call %s does not exist", id)
	}
	if err != nil {
		return call.Call{}, err
	}
	return decodeCall(id, body)
}

func (s *sqlStore) Calls(ctx context.Context) ([]call.Call, error) {
	rs, err := s.b.query(ctx, "SELECT id, body FROM calls ORDER BY seq")
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	out := []call.Call{}
	for rs.Next() {
		var id, body string
		if err := rs.Scan(&id, &body); err != nil {
			return nil, err
		}
		c, err := decodeCall(id, body)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rs.Err()
}

// callAction names a change for the audit log from what it did to the
// call: the histories only grow, so the one that grew tells.
func callAction(before, after call.Call) string {
	switch {
	case after.Status != before.Status:
		return "call." + string(after.Status)
	case len(after.Reschedules) > len(before.Reschedules):
		return "call.reschedule"
	case len(after.Decisions) > len(before.Decisions):
		return "call.decision"
	case len(after.Readiness) > len(before.Readiness):
		return "call.readiness"
	}
	return "call.update"
}

func (s *sqlStore) UpdateCall(ctx context.Context, a Actor, id string, fn func(*call.Call) error) (call.Call, error) {
	now := s.clock()
	var out call.Call
	err := s.write(ctx, func(t tx) error {
		var (
			body    string
			version int64
		)
		err := t.queryRow(ctx, "SELECT body, version FROM calls WHERE id = $1"+s.b.forUpdate(), id).Scan(&body, &version)
		if isNoRows(err) {
			return errorf(ErrNotFound, "call %s does not exist", id)
		}
		if err != nil {
			return err
		}
		before, err := decodeCall(id, body)
		if err != nil {
			return err
		}
		c, err := decodeCall(id, body) // fn gets its own copy: before stays as read
		if err != nil {
			return err
		}
		if err := fn(&c); err != nil {
			var se *Error
			if errors.As(err, &se) {
				return err
			}
			return errorf(ErrInvalid, "%s", err.Error())
		}
		if c.ID != id || c.Convener != before.Convener || !c.Visibility.Valid() {
			return errorf(ErrInvalid, "call %s: id, convener and visibility cannot change", id)
		}
		nb, err := encodeCall(c)
		if err != nil {
			return err
		}
		n, err := t.exec(ctx, `UPDATE calls SET body = $1, status = $2, visibility = $3, updated_ns = $4, version = version + 1
WHERE id = $5 AND version = $6`, nb, string(c.Status), string(c.Visibility), c.Updated.UnixNano(), id, version)
		if err != nil {
			return err
		}
		if n == 0 {
			return errorf(ErrConflict, "call %s changed while this change was being applied: try again", id)
		}
		out = c
		return audit(ctx, t, a, now, callAction(before, c), "call/"+id, before, c)
	})
	if err != nil {
		return call.Call{}, err
	}
	return out, nil
}
