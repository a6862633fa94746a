package store

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/struna/struna/hub/internal/hubtest"
	"github.com/struna/struna/relief/call"
	"github.com/struna/struna/relief/share"
)

func testCall(t *testing.T, id string, invitees int) call.Call {
	t.Helper()
	spec := call.Spec{ID: id, Title: "Heavy USAR coordination", Convener: "USAR-AM", Duration: 30 * time.Minute,
		Agenda: []string{"Cover R-1"}, Visibility: share.Parties}
	for i := range invitees {
		spec.Invitees = append(spec.Invitees, call.Invitee{ID: fmt.Sprintf("ORG-%d", i), Name: fmt.Sprintf("Org %d", i), Org: fmt.Sprintf("ORG-%d", i)})
	}
	return must(call.New(spec, t0))(t)
}

func TestCalls(t *testing.T) {
	eachDB(t, func(t *testing.T, s Store, clk *hubtest.Clock) {
		ctx := context.Background()
		c := testCall(t, "CALL-1", 2)
		if err := s.CreateCall(ctx, admin, c); err != nil {
			t.Fatal(err)
		}
		wantErr(t, s.CreateCall(ctx, admin, c), ErrConflict, "CALL-1 already exists")
		bad := c
		bad.ID = "has space"
		wantErr(t, s.CreateCall(ctx, admin, bad), ErrInvalid, "id:")
		_, err := s.Call(ctx, "CALL-404")
		wantErr(t, err, ErrNotFound, "CALL-404")
		_, err = s.UpdateCall(ctx, admin, "CALL-404", func(*call.Call) error { return nil })
		wantErr(t, err, ErrNotFound, "CALL-404")

		// A change the call refuses stores nothing and says why.
		at := t0.Add(time.Minute)
		_, err = s.UpdateCall(ctx, admin, "CALL-1", func(c *call.Call) error { return c.SetReadiness("ORG-9", call.Ready, 0, "", at) })
		wantErr(t, err, ErrInvalid, `"ORG-9" is not invited`)
		_, err = s.UpdateCall(ctx, admin, "CALL-1", func(c *call.Call) error {
			return &Error{Kind: ErrForbidden, Msg: "not yours"}
		})
		wantErr(t, err, ErrForbidden, "not yours")
		_, err = s.UpdateCall(ctx, admin, "CALL-1", func(c *call.Call) error { c.Convener = "USAR-FR"; return nil })
		wantErr(t, err, ErrInvalid, "cannot change")

		got := must(s.UpdateCall(ctx, admin, "CALL-1", func(c *call.Call) error { return c.SetReadiness("ORG-0", call.Delayed, 10, "on the road", at) }))(t)
		if got.Tally() != (call.Tally{Delayed: 1, NoAnswer: 1}) {
			t.Fatalf("tally after update %+v", got.Tally())
		}
		must(s.UpdateCall(ctx, admin, "CALL-1", func(c *call.Call) error { return c.Reschedule(t0.Add(time.Hour), time.Hour, "USAR-AM", "", at) }))(t)
		must(s.UpdateCall(ctx, admin, "CALL-1", func(c *call.Call) error { return c.Open(at) }))(t)
		must(s.UpdateCall(ctx, admin, "CALL-1", func(c *call.Call) error { return c.LogDecision("FRA-1 to C-6", "USAR-AM", at) }))(t)

		// What is read back is what was written.
		rb := must(s.Call(ctx, "CALL-1"))(t)
		if rb.Status != call.Open || rb.Sequence != 1 || len(rb.Readiness) != 1 || rb.Readiness[0].DelayMinutes != 10 ||
			len(rb.Decisions) != 1 || rb.Decisions[0].Text != "FRA-1 to C-6" || !rb.Start.Equal(t0.Add(time.Hour)) || rb.Duration != time.Hour {
			t.Fatalf("read back %+v", rb)
		}
		// The reschedule made the earlier answer stale.
		if rb.Tally() != (call.Tally{NoAnswer: 2}) {
			t.Fatalf("tally after reschedule %+v", rb.Tally())
		}
		if err := s.CreateCall(ctx, admin, testCall(t, "CALL-2", 1)); err != nil {
			t.Fatal(err)
		}
		cs := must(s.Calls(ctx))(t)
		if len(cs) != 2 || cs[0].ID != "CALL-1" || cs[1].ID != "CALL-2" {
			t.Fatalf("calls %+v", cs)
		}

		// Every change has its audit entry, named by what it did.
		es := must(s.Audit(ctx, AuditQuery{Limit: 100}))(t)
		var actions []string
		for _, e := range es {
			if e.Object == "call/CALL-1" {
				actions = append(actions, e.Action)
			}
		}
		want := map[string]bool{"call.create": true, "call.readiness": true, "call.reschedule": true, "call.open": true, "call.decision": true}
		if len(actions) != len(want) {
			t.Fatalf("audit actions %v", actions)
		}
		for _, a := range actions {
			if !want[a] {
				t.Fatalf("audit actions %v", actions)
			}
		}
	})
}

// TestConcurrentReadiness: several invitees answer at once; every answer
// is kept.
func TestConcurrentReadiness(t *testing.T) {
	eachDB(t, func(t *testing.T, s Store, clk *hubtest.Clock) {
		ctx := context.Background()
		const n = 12
		c := testCall(t, "CALL-C", n)
		if err := s.CreateCall(ctx, admin, c); err != nil {
			t.Fatal(err)
		}
		at := t0.Add(time.Minute)
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i := range n {
			wg.Go(func() {
				_, err := s.UpdateCall(ctx, admin, "CALL-C", func(c *call.Call) error {
					return c.SetReadiness(fmt.Sprintf("ORG-%d", i), call.Ready, 0, "", at)
				})
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		got := must(s.Call(ctx, "CALL-C"))(t)
		if tl := got.Tally(); tl.Ready != n || len(got.Readiness) != n {
			t.Fatalf("%d answers kept, tally %+v; want %d ready", len(got.Readiness), tl, n)
		}
		var version int64
		if err := s.(*sqlStore).b.queryRow(ctx, "SELECT version FROM calls WHERE id = $1", "CALL-C").Scan(&version); err != nil {
			t.Fatal(err)
		}
		if version != n+1 {
			t.Fatalf("version %d, want %d", version, n+1)
		}
	})
}
