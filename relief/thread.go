package relief

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/struna/struna/relief/share"
)

// OfferStatus is where an offer stands.
type OfferStatus string

// Offer statuses. An offer goes offered → accepted → committed → en_route →
// arrived → deployed → released, may skip forward over en_route, arrived
// and deployed, and may be declined while offered or accepted.
const (
	OfferOffered   OfferStatus = "offered"
	OfferAccepted  OfferStatus = "accepted"
	OfferCommitted OfferStatus = "committed"
	OfferEnRoute   OfferStatus = "en_route"
	OfferArrived   OfferStatus = "arrived"
	OfferDeployed  OfferStatus = "deployed"
	OfferReleased  OfferStatus = "released"
	OfferDeclined  OfferStatus = "declined"
)

// rank orders the statuses along the way; declined is off the way.
func (s OfferStatus) rank() int {
	switch s {
	case OfferOffered:
		return 1
	case OfferAccepted:
		return 2
	case OfferCommitted:
		return 3
	case OfferEnRoute:
		return 4
	case OfferArrived:
		return 5
	case OfferDeployed:
		return 6
	case OfferReleased:
		return 7
	}
	return 0
}

// Live reports whether the offer still counts: it is neither declined nor
// released.
func (s OfferStatus) Live() bool { return s != OfferDeclined && s != OfferReleased && s != "" }

// Fulfilment is how much of a request is covered.
type Fulfilment string

// Fulfilment levels.
const (
	FulfilNone     Fulfilment = "none"
	FulfilPartial  Fulfilment = "partial"
	FulfilComplete Fulfilment = "complete"
)

func fulfilment(have, want int) Fulfilment {
	switch {
	case have <= 0:
		return FulfilNone
	case have < want:
		return FulfilPartial
	}
	return FulfilComplete
}

// StatusChange is one step in an offer's history.
type StatusChange struct {
	Status    OfferStatus `json:"status"`
	At        time.Time   `json:"at"`
	MessageID string      `json:"message_id"`
	By        string      `json:"by"`
	Note      string      `json:"note,omitempty"`
}

// OfferState is an offer with what happened to it since.
type OfferState struct {
	OfferID    string           `json:"offer_id"`
	RequestID  string           `json:"request_id,omitempty"`
	Type       MessageType      `json:"type"` // solicited or unsolicited
	Org        string           `json:"org"`
	Sent       time.Time        `json:"sent"`
	Visibility share.Visibility `json:"visibility"`
	Resource   Resource         `json:"resource"`
	Quantity   int              `json:"quantity"` // offered
	// Committed is the quantity committed; 0 until a CommitResource.
	Committed int `json:"committed"`
	// ETA is the latest known arrival window: the offer's, then the
	// commitment's.
	ETA         time.Time      `json:"eta"`
	ETALatest   time.Time      `json:"eta_latest,omitzero"`
	InRegion    bool           `json:"in_region,omitempty"`
	Status      OfferStatus    `json:"status"`
	CommittedAt time.Time      `json:"committed_at,omitzero"`
	ArrivedAt   time.Time      `json:"arrived_at,omitzero"`
	Worksite    string         `json:"worksite,omitempty"`
	LastReason  string         `json:"last_reason,omitempty"` // of the last decline or release
	History     []StatusChange `json:"history"`
}

// Access implements share.Record.
func (o OfferState) Access() (string, share.Visibility) { return o.Org, o.Visibility }

// Window is the offer's arrival window [start, end].
func (o OfferState) Window() (start, end time.Time) {
	start, end = o.ETA, o.ETALatest
	if end.Before(start) {
		end = start
	}
	return start, end
}

func (o OfferState) clone() OfferState {
	c := o
	c.Resource.Capabilities = append([]string(nil), o.Resource.Capabilities...)
	c.History = append([]StatusChange(nil), o.History...)
	return c
}

// offerState is the state of a freshly made offer.
func offerState(m Message) OfferState {
	o := m.Offer
	eta := o.ETA
	if eta.IsZero() {
		eta = m.Sent // in the region: available now
	}
	return OfferState{
		OfferID: m.ID, RequestID: m.RequestID, Type: m.Type, Org: m.From, Sent: m.Sent,
		Visibility: m.Visibility, Resource: o.Resource, Quantity: o.Quantity,
		ETA: eta, ETALatest: o.ETALatest, InRegion: o.InRegion, Status: OfferOffered,
		History: []StatusChange{{Status: OfferOffered, At: m.Sent, MessageID: m.ID, By: m.From, Note: o.Conditions}},
	}
}

// State is a thread's state derived from its messages.
type State struct {
	RequestID  string           `json:"request_id"`
	From       string           `json:"from"` // requesting organisation
	Incident   string           `json:"incident,omitempty"`
	Sent       time.Time        `json:"sent"`
	Visibility share.Visibility `json:"visibility"`
	Request    Request          `json:"request"`
	Requested  int              `json:"requested"`
	// Offered is the quantity of offers not declined.
	Offered int `json:"offered"`
	// Committed is the quantity committed by offers that were committed and
	// not declined (a released resource still counts: it served).
	Committed int `json:"committed"`
	// Arrived is the committed quantity of offers that reached the area.
	Arrived int `json:"arrived"`
	// Fulfilment compares Committed with Requested, OnSite compares Arrived.
	Fulfilment Fulfilment   `json:"fulfilment"`
	OnSite     Fulfilment   `json:"on_site"`
	Offers     []OfferState `json:"offers"`
}

// Access implements share.Record.
func (s State) Access() (string, share.Visibility) { return s.From, s.Visibility }

// Offer returns the state of offer id.
func (s State) Offer(id string) (OfferState, bool) {
	for _, o := range s.Offers {
		if o.OfferID == id {
			return o.clone(), true
		}
	}
	return OfferState{}, false
}

func (s *State) offer(id string) *OfferState {
	for i := range s.Offers {
		if s.Offers[i].OfferID == id {
			return &s.Offers[i]
		}
	}
	return nil
}

func (s *State) totals() {
	s.Offered, s.Committed, s.Arrived = 0, 0, 0
	for _, o := range s.Offers {
		if o.Status == OfferDeclined {
			continue
		}
		s.Offered += o.Quantity
		if !o.CommittedAt.IsZero() {
			s.Committed += o.Committed
		}
		if !o.ArrivedAt.IsZero() {
			s.Arrived += o.Committed
		}
	}
	s.Fulfilment = fulfilment(s.Committed, s.Requested)
	s.OnSite = fulfilment(s.Arrived, s.Requested)
}

// Thread is a request and every message about it, in the order they were
// added. A Thread is immutable: Append returns a new Thread and the
// messages are copied in and out. The zero Thread is empty and invalid;
// make one with NewThread.
type Thread struct {
	msgs []Message
}

// NewThread starts a thread with a RequestResource.
func NewThread(req Message) (Thread, error) {
	if err := req.Validate(); err != nil {
		return Thread{}, err
	}
	if req.Type != RequestResource {
		return Thread{}, fieldErr(req.ID, "type", "a thread starts with a RequestResource, not a %s", req.Type)
	}
	return Thread{msgs: []Message{req.Clone()}}, nil
}

// Append returns t with m added, or an error naming what makes m invalid
// here: a message of the wrong type or sender, an unknown offer, a step
// out of order (commit before acceptance, arrival before commitment, any
// step back), a time before the step it follows. t is unchanged.
func (t Thread) Append(m Message) (Thread, error) {
	if len(t.msgs) == 0 {
		return Thread{}, errors.New("relief: Append on an empty Thread; start one with NewThread")
	}
	if err := m.Validate(); err != nil {
		return t, err
	}
	st, err := t.fold()
	if err != nil {
		return t, err
	}
	for _, old := range t.msgs {
		if old.ID == m.ID {
			return t, fieldErr(m.ID, "id", "already used in the thread of request %s", st.RequestID)
		}
	}
	if err := apply(&st, m); err != nil {
		return t, err
	}
	msgs := make([]Message, len(t.msgs), len(t.msgs)+1)
	copy(msgs, t.msgs)
	return Thread{msgs: append(msgs, m.Clone())}, nil
}

// Len is the number of messages.
func (t Thread) Len() int { return len(t.msgs) }

// Messages returns copies of the messages in order.
func (t Thread) Messages() []Message {
	out := make([]Message, len(t.msgs))
	for i, m := range t.msgs {
		out[i] = m.Clone()
	}
	return out
}

// Request returns a copy of the request that started the thread.
func (t Thread) Request() Message {
	if len(t.msgs) == 0 {
		return Message{}
	}
	return t.msgs[0].Clone()
}

// State derives the thread's state. The zero Thread has a zero State.
func (t Thread) State() State {
	st, _ := t.fold() // a Thread only ever holds messages that applied
	return st
}

func (t Thread) fold() (State, error) {
	if len(t.msgs) == 0 {
		return State{}, nil
	}
	r := t.msgs[0]
	st := State{
		RequestID: r.ID, From: r.From, Incident: r.Incident, Sent: r.Sent, Visibility: r.Visibility,
		Request: *r.Request, Requested: r.Request.Quantity, Offers: []OfferState{},
	}
	for _, m := range t.msgs[1:] {
		if err := apply(&st, m); err != nil {
			return st, err
		}
	}
	st.totals()
	for i := range st.Offers {
		st.Offers[i] = st.Offers[i].clone()
	}
	return st, nil
}

// apply checks m against st and applies it.
func apply(st *State, m Message) error {
	defer st.totals()
	if m.Type == RequestResource {
		return fieldErr(m.ID, "type", "request %s already starts this thread; a new request starts a new thread", st.RequestID)
	}
	if m.RequestID != st.RequestID {
		if m.RequestID == "" && m.Type == OfferUnsolicitedResource {
			return fieldErr(m.ID, "request_id", "is empty: link the unsolicited offer to request %s before adding it to its thread", st.RequestID)
		}
		return fieldErr(m.ID, "request_id", "%q is not %s, the request of this thread", m.RequestID, st.RequestID)
	}
	if m.Type.IsOffer() {
		if m.From == st.From {
			return fieldErr(m.ID, "from", "%s made request %s and cannot offer to it", m.From, st.RequestID)
		}
		if m.Offer.Resource.Kind != st.Request.Resource.Kind {
			return fieldErr(m.ID, "offer.resource.kind", "%s does not answer request %s for %s",
				m.Offer.Resource.Kind, st.RequestID, st.Request.Resource.Kind)
		}
		if m.Type == ResponseToRequestResource && m.Sent.Before(st.Sent) {
			return fieldErr(m.ID, "sent", "%s is before request %s was sent (%s)",
				m.Sent.Format(timeFmt), st.RequestID, st.Sent.Format(timeFmt))
		}
		st.Offers = append(st.Offers, offerState(m))
		return nil
	}
	o := st.offer(m.OfferID)
	if o == nil {
		return fieldErr(m.ID, "offer_id", "%q is not an offer in the thread of request %s", m.OfferID, st.RequestID)
	}
	last := o.History[len(o.History)-1]
	if m.Sent.Before(last.At) {
		return fieldErr(m.ID, "sent", "%s is before the last change of offer %s (%s at %s)",
			m.Sent.Format(timeFmt), o.OfferID, last.Status, last.At.Format(timeFmt))
	}
	step := func(s OfferStatus, note string) {
		o.Status = s
		o.History = append(o.History, StatusChange{Status: s, At: m.Sent, MessageID: m.ID, By: m.From, Note: note})
	}
	switch m.Type {
	case RequisitionResource:
		if m.From != st.From {
			return fieldErr(m.ID, "from", "only %s, which made request %s, accepts or declines its offers", st.From, st.RequestID)
		}
		d := m.Decision
		switch {
		case d.Accept && o.Status != OfferOffered:
			return fieldErr(m.ID, "decision.accept", "offer %s is %s; only an offered resource can be accepted", o.OfferID, o.Status)
		case !d.Accept && o.Status != OfferOffered && o.Status != OfferAccepted:
			return fieldErr(m.ID, "decision.accept", "offer %s is %s; only an offered or accepted resource can be declined (release it instead)", o.OfferID, o.Status)
		}
		if d.Accept {
			step(OfferAccepted, d.Reason)
		} else {
			o.LastReason = d.Reason
			step(OfferDeclined, d.Reason)
		}
	case CommitResource:
		if m.From != o.Org {
			return fieldErr(m.ID, "from", "only %s, which offered %s, commits it", o.Org, o.OfferID)
		}
		if o.Status != OfferAccepted {
			return fieldErr(m.ID, "type", "offer %s is %s; a resource is committed after its acceptance", o.OfferID, o.Status)
		}
		q := m.Commit.Quantity
		if q == 0 {
			q = o.Quantity
		}
		if q > o.Quantity {
			return fieldErr(m.ID, "commit.quantity", "%d is more than the %d offered in %s", q, o.Quantity, o.OfferID)
		}
		o.Committed, o.CommittedAt = q, m.Sent
		if !m.Commit.ETA.IsZero() {
			o.ETA, o.ETALatest = m.Commit.ETA, time.Time{}
		}
		step(OfferCommitted, "")
	case ReportResourceDeploymentStatus:
		if m.From != o.Org && m.From != st.From {
			return fieldErr(m.ID, "from", "only %s or %s report the status of %s", o.Org, st.From, o.OfferID)
		}
		s := OfferStatus(m.Status.Status)
		switch {
		case o.CommittedAt.IsZero():
			return fieldErr(m.ID, "status.status", "offer %s is %s; status is reported once the resource is committed", o.OfferID, o.Status)
		case !o.Status.Live():
			return fieldErr(m.ID, "status.status", "offer %s is already %s", o.OfferID, o.Status)
		case s.rank() < o.Status.rank():
			return fieldErr(m.ID, "status.status", "%s would step back from %s for offer %s", s, o.Status, o.OfferID)
		}
		if (s == OfferArrived || s == OfferDeployed) && o.ArrivedAt.IsZero() {
			o.ArrivedAt = m.Sent
		}
		if m.Status.Worksite != "" {
			o.Worksite = m.Status.Worksite
		}
		if s == OfferReleased {
			o.LastReason = m.Status.Note
		}
		step(s, m.Status.Note)
	case ReleaseResource:
		if m.From != o.Org && m.From != st.From {
			return fieldErr(m.ID, "from", "only %s or %s release %s", st.From, o.Org, o.OfferID)
		}
		if o.CommittedAt.IsZero() || !o.Status.Live() {
			return fieldErr(m.ID, "type", "offer %s is %s; only a committed resource is released (decline an offer instead)", o.OfferID, o.Status)
		}
		o.LastReason = m.Release.Reason
		step(OfferReleased, m.Release.Reason)
	default:
		return fieldErr(m.ID, "type", "%s cannot be added to a thread", m.Type)
	}
	return nil
}

// threadJSON is a Thread on the wire.
type threadJSON struct {
	Messages []Message `json:"messages"`
}

// MarshalJSON writes {"messages":[...]}.
func (t Thread) MarshalJSON() ([]byte, error) {
	return json.Marshal(threadJSON{Messages: t.msgs})
}

// UnmarshalJSON rebuilds a thread message by message, checking each as
// Append does.
func (t *Thread) UnmarshalJSON(b []byte) error {
	var w threadJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	if len(w.Messages) == 0 {
		return errors.New("relief: a thread has at least its request")
	}
	th, err := NewThread(w.Messages[0])
	if err != nil {
		return fmt.Errorf("thread message 0: %w", err)
	}
	for i, m := range w.Messages[1:] {
		if th, err = th.Append(m); err != nil {
			return fmt.Errorf("thread message %d: %w", i+1, err)
		}
	}
	*t = th
	return nil
}
