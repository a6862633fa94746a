// Package rtc is the audio room of struna's urgent coordination calls
// (issue 6): a small selective forwarding unit (SFU) built on pion/webrtc
// that the hub serves, one room per call id.
//
// Signalling is one HTTP exchange per participant (WHIP-like, RFC 9725 in
// spirit, JSON instead of application/sdp): the browser POSTs an SDP offer
// (RFC 8866 / JSEP, RFC 8829) and gets the answer. There is no trickle ICE:
// the server waits until its ICE gathering is complete, so the answer
// carries every candidate (RFC 8445 host candidates only, no STUN/TURN).
//
// Renegotiation is avoided by a fixed layout: a participant's offer has
// exactly one audio section the browser sends on (sendonly or sendrecv,
// its microphone) followed by up to MaxParticipants-1 recvonly audio
// sections. The server answers each recvonly section with a sendonly
// track of its own (a "slot"). When another participant joins, it is
// given a free slot in every peer already present, and every present
// participant gets a slot in the newcomer; the RTP packets of each
// participant's microphone are then copied, unchanged apart from the
// SSRC and payload type the slot negotiated, into its slot at every other
// participant. No one ever re-offers; a slot that nobody fills stays
// silent. A slot freed by a participant who leaves is reused by the next
// one (the browser then sees a jump in RTP sequence and timestamp on that
// receiver, which its jitter buffer absorbs).
//
// By default ICE is restricted to loopback addresses (UDP over IPv4, no
// mDNS), so nothing leaves the machine; Config.AllowIP widens it for a
// deployment.
package rtc

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/sdp/v3"
	"github.com/pion/webrtc/v4"
)

// DefaultMaxParticipants is the default room size: enough for the
// parties of an urgent call, small enough that every browser offers few
// receivers.
const DefaultMaxParticipants = 8

// Config is what a Manager needs.
type Config struct {
	// MaxParticipants is the largest room (default DefaultMaxParticipants).
	MaxParticipants int
	// AllowIP says which local addresses ICE may gather host candidates
	// on; default: loopback only.
	AllowIP func(net.IP) bool
	// GatherTimeout bounds the wait for ICE gathering (default 10 s).
	GatherTimeout time.Duration
	// ConnectTimeout is how long a participant may take to connect after
	// its answer before it is dropped (default 30 s).
	ConnectTimeout time.Duration
	Logger         *slog.Logger // default: discard
}

// Errors a caller maps to HTTP statuses.
var (
	// ErrOffer: the offer is not a usable SDP offer (400).
	ErrOffer = errors.New("rtc: bad offer")
	// ErrFull: the room has MaxParticipants participants (409).
	ErrFull = errors.New("rtc: room is full")
	// ErrClosed: the manager is closed (503).
	ErrClosed = errors.New("rtc: closed")
)

// Participant is one member of a room as others see it.
type Participant struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"` // e.g. the token's name
	Org       string    `json:"org"`
	Joined    time.Time `json:"joined"`
	Connected bool      `json:"connected"` // ICE/DTLS up
	Audio     bool      `json:"audio"`     // its microphone track arrived
}

// Manager holds the rooms.
type Manager struct {
	api     *webrtc.API
	max     int
	gather  time.Duration
	connect time.Duration
	log     *slog.Logger
	mu      sync.Mutex
	rooms   map[string]*room
	closed  bool
	opusCap webrtc.RTPCodecCapability
}

type room struct {
	id    string
	mu    sync.RWMutex
	peers map[string]*peer
}

type peer struct {
	Participant
	pc    *webrtc.PeerConnection
	slots []*webrtc.TrackLocalStaticRTP
	// slotOf maps a source participant's id to the slot that carries it
	// to this peer.
	slotOf map[string]int
}

// NewManager builds a manager.
func NewManager(cfg Config) (*Manager, error) {
	m := &Manager{max: cfg.MaxParticipants, gather: cfg.GatherTimeout, connect: cfg.ConnectTimeout, log: cfg.Logger, rooms: map[string]*room{}}
	if m.max <= 0 {
		m.max = DefaultMaxParticipants
	}
	if m.max < 2 {
		return nil, fmt.Errorf("rtc: MaxParticipants %d: a room needs at least 2", m.max)
	}
	if m.gather <= 0 {
		m.gather = 10 * time.Second
	}
	if m.connect <= 0 {
		m.connect = 30 * time.Second
	}
	if m.log == nil {
		m.log = slog.New(slog.DiscardHandler)
	}
	allow := cfg.AllowIP
	if allow == nil {
		allow = func(ip net.IP) bool { return ip.IsLoopback() }
	}
	m.opusCap = webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2, SDPFmtpLine: "minptime=10;useinbandfec=1"}
	me := &webrtc.MediaEngine{}
	if err := me.RegisterCodec(webrtc.RTPCodecParameters{RTPCodecCapability: m.opusCap, PayloadType: 111}, webrtc.RTPCodecTypeAudio); err != nil {
		return nil, fmt.Errorf("rtc: register opus: %w", err)
	}
	se := webrtc.SettingEngine{}
	se.SetIPFilter(allow)
	se.SetIncludeLoopbackCandidate(true)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	m.api = webrtc.NewAPI(webrtc.WithMediaEngine(me), webrtc.WithSettingEngine(se))
	return m, nil
}

// Close ends every peer connection; later joins fail with ErrClosed.
func (m *Manager) Close() {
	m.mu.Lock()
	m.closed = true
	var pcs []*webrtc.PeerConnection
	for _, r := range m.rooms {
		r.mu.RLock()
		for _, p := range r.peers {
			pcs = append(pcs, p.pc)
		}
		r.mu.RUnlock()
	}
	m.mu.Unlock()
	for _, pc := range pcs {
		pc.Close()
	}
}

// Max is the largest room: a browser offers Max()-1 receivers.
func (m *Manager) Max() int { return m.max }

// Participants lists room's participants in the order they joined.
func (m *Manager) Participants(roomID string) []Participant {
	m.mu.Lock()
	r := m.rooms[roomID]
	m.mu.Unlock()
	out := []Participant{}
	if r == nil {
		return out
	}
	r.mu.RLock()
	for _, p := range r.peers {
		out = append(out, p.Participant)
	}
	r.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Joined.Equal(out[j].Joined) {
			return out[i].Joined.Before(out[j].Joined)
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// Leave ends participant id's connection in room (no error if absent).
func (m *Manager) Leave(roomID, id string) {
	m.mu.Lock()
	r := m.rooms[roomID]
	m.mu.Unlock()
	if r == nil {
		return
	}
	r.mu.RLock()
	p := r.peers[id]
	r.mu.RUnlock()
	if p != nil {
		p.pc.Close()
		m.leave(r, p)
	}
}

// checkOffer returns how many recvonly audio sections offer has after its
// one sending audio section, or an error wrapping ErrOffer.
func (m *Manager) checkOffer(offer string) (int, error) {
	var d sdp.SessionDescription
	if err := d.UnmarshalString(offer); err != nil {
		return 0, fmt.Errorf("%w: sdp: %v", ErrOffer, err)
	}
	if len(d.MediaDescriptions) == 0 {
		return 0, fmt.Errorf("%w: sdp has no media section (m=)", ErrOffer)
	}
	recv := 0
	for i, md := range d.MediaDescriptions {
		if md.MediaName.Media != "audio" {
			return 0, fmt.Errorf("%w: m= section %d is %q; the room takes audio only", ErrOffer, i, md.MediaName.Media)
		}
		dir := "sendrecv"
		for _, a := range []string{"sendrecv", "sendonly", "recvonly", "inactive"} {
			if _, ok := md.Attribute(a); ok {
				dir = a
			}
		}
		switch {
		case i == 0 && (dir == "sendonly" || dir == "sendrecv"):
		case i == 0:
			return 0, fmt.Errorf("%w: m= section 0 is %s; it must send the microphone (sendonly or sendrecv)", ErrOffer, dir)
		case dir != "recvonly":
			return 0, fmt.Errorf("%w: m= section %d is %s; sections after the first must be recvonly", ErrOffer, i, dir)
		default:
			recv++
		}
	}
	if recv > m.max-1 {
		return 0, fmt.Errorf("%w: %d recvonly sections; a room has at most %d other participants", ErrOffer, recv, m.max-1)
	}
	return recv, nil
}

func newID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Join adds a participant (name of org) to room with its SDP offer and
// returns the answer, complete with candidates, and the participant's id.
func (m *Manager) Join(ctx context.Context, roomID, name, org, offer string) (answer, id string, err error) {
	nrecv, err := m.checkOffer(offer)
	if err != nil {
		return "", "", err
	}
	pc, err := m.api.NewPeerConnection(webrtc.Configuration{}) // no ICE servers
	if err != nil {
		return "", "", fmt.Errorf("rtc: new peer connection: %w", err)
	}
	p := &peer{Participant: Participant{ID: newID(), Name: name, Org: org, Joined: time.Now().UTC()}, pc: pc, slotOf: map[string]int{}}
	var r *room // set once p is in it
	fail := func(err error) (string, string, error) {
		pc.Close()
		if r != nil {
			m.leave(r, p)
		}
		return "", "", err
	}
	if _, err := pc.AddTransceiverFromKind(webrtc.RTPCodecTypeAudio, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionRecvonly}); err != nil {
		return fail(fmt.Errorf("rtc: add receiver: %w", err))
	}
	for i := range nrecv {
		tr, err := webrtc.NewTrackLocalStaticRTP(m.opusCap, fmt.Sprintf("slot%d", i), "struna-"+p.ID)
		if err != nil {
			return fail(fmt.Errorf("rtc: slot track: %w", err))
		}
		snd, err := pc.AddTransceiverFromTrack(tr, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionSendonly})
		if err != nil {
			return fail(fmt.Errorf("rtc: add slot: %w", err))
		}
		p.slots = append(p.slots, tr)
		go drainRTCP(snd.Sender())
	}

	// Join the room before negotiating, so the slots are assigned when
	// the first packets arrive.
	in, err := m.enter(roomID, p)
	if err != nil {
		return fail(err)
	}
	r = in
	pc.OnConnectionStateChange(func(s webrtc.PeerConnectionState) {
		switch s {
		case webrtc.PeerConnectionStateConnected:
			r.mu.Lock()
			p.Connected = true
			r.mu.Unlock()
		case webrtc.PeerConnectionStateDisconnected:
			r.mu.Lock()
			p.Connected = false
			r.mu.Unlock()
		case webrtc.PeerConnectionStateFailed:
			pc.Close()
		case webrtc.PeerConnectionStateClosed:
			m.leave(r, p)
		}
	})
	pc.OnTrack(func(t *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		if t.Kind() != webrtc.RTPCodecTypeAudio {
			return
		}
		r.mu.Lock()
		p.Audio = true
		r.mu.Unlock()
		m.forward(r, p, t)
	})

	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: offer}); err != nil {
		return fail(fmt.Errorf("%w: %v", ErrOffer, err))
	}
	ans, err := pc.CreateAnswer(nil)
	if err != nil {
		return fail(fmt.Errorf("%w: cannot answer: %v", ErrOffer, err))
	}
	done := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(ans); err != nil {
		return fail(fmt.Errorf("rtc: set local description: %w", err))
	}
	gctx, cancel := context.WithTimeout(ctx, m.gather)
	defer cancel()
	select {
	case <-done:
	case <-gctx.Done():
		return fail(fmt.Errorf("rtc: ICE gathering did not complete: %w", gctx.Err()))
	}
	// A browser that never completes ICE (it went away before, or cannot
	// reach the hub's candidates) must not hold a seat.
	time.AfterFunc(m.connect, func() {
		r.mu.RLock()
		up := p.Connected
		r.mu.RUnlock()
		if !up && pc.ConnectionState() != webrtc.PeerConnectionStateConnected {
			pc.Close()
			m.leave(r, p)
		}
	})
	return pc.LocalDescription().SDP, p.ID, nil
}

// enter puts p in room id and cross-assigns slots with the others.
func (m *Manager) enter(id string, p *peer) (*room, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil, ErrClosed
	}
	r := m.rooms[id]
	if r == nil {
		r = &room{id: id, peers: map[string]*peer{}}
		m.rooms[id] = r
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.peers) >= m.max {
		return nil, fmt.Errorf("%w: %d participants", ErrFull, len(r.peers))
	}
	for _, q := range r.peers {
		// Each side gets a slot only if it offered one; a listener that
		// offered fewer receivers than the room has members misses some.
		if k := freeSlot(p); k >= 0 {
			p.slotOf[q.ID] = k
		}
		if k := freeSlot(q); k >= 0 {
			q.slotOf[p.ID] = k
		}
	}
	r.peers[p.ID] = p
	return r, nil
}

func freeSlot(p *peer) int {
	for k := range p.slots {
		used := false
		for _, v := range p.slotOf {
			if v == k {
				used = true
				break
			}
		}
		if !used {
			return k
		}
	}
	return -1
}

// leave removes p from r, frees its slots elsewhere, and drops an empty
// room.
func (m *Manager) leave(r *room, p *peer) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r.mu.Lock()
	delete(r.peers, p.ID)
	for _, q := range r.peers {
		delete(q.slotOf, p.ID)
	}
	empty := len(r.peers) == 0
	r.mu.Unlock()
	if empty && m.rooms[r.id] == r {
		delete(m.rooms, r.id)
	}
}

// forward copies src's RTP packets to its slot at every other participant
// until the track ends.
func (m *Manager) forward(r *room, src *peer, t *webrtc.TrackRemote) {
	for {
		pkt, _, err := t.ReadRTP()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				m.log.Debug("rtc: track ended", "room", r.id, "participant", src.ID, "err", err)
			}
			return
		}
		r.mu.RLock()
		for _, q := range r.peers {
			if q == src {
				continue
			}
			k, ok := q.slotOf[src.ID]
			if !ok || k >= len(q.slots) {
				continue
			}
			// WriteRTP rewrites SSRC and payload type per binding; a
			// copy keeps the next receiver's header intact.
			c := *pkt
			if err := q.slots[k].WriteRTP(&c); err != nil && !errors.Is(err, io.ErrClosedPipe) {
				m.log.Debug("rtc: forward", "room", r.id, "to", q.ID, "err", err)
			}
		}
		r.mu.RUnlock()
	}
}

// drainRTCP reads a sender's RTCP so its buffer never fills.
func drainRTCP(s *webrtc.RTPSender) {
	buf := make([]byte, 1500)
	for {
		if _, _, err := s.Read(buf); err != nil {
			return
		}
	}
}

// Rooms lists the ids of the rooms with participants, sorted.
func (m *Manager) Rooms() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	ids := make([]string, 0, len(m.rooms))
	for id := range m.rooms {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}
