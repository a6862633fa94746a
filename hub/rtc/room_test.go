package rtc_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
	"github.com/struna/struna/hub"
	"github.com/struna/struna/hub/rtc"
	"github.com/struna/struna/hub/store"
)

// room is a real hub on a loopback test server with a SQLite store: ORG-A
// (coordinator "a") convenes call CALL-R visible to its own organisation
// only, inviting ORG-B (field "b"); ORG-C (field "c") is not invited, "v"
// is a viewer of ORG-B.
type room struct {
	url    string
	tokens map[string]string
}

func newRoom(t *testing.T) room {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "hub.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	sys := store.Actor{Name: "setup", Org: "HQ", Role: "admin"}
	rm := room{tokens: map[string]string{}}
	for _, o := range []struct{ who, org, role string }{{"a", "ORG-A", "coordinator"}, {"b", "ORG-B", "field"}, {"c", "ORG-C", "field"}, {"v", "ORG-B", "viewer"}} {
		if _, _, err := st.EnsureOrg(ctx, sys, o.org, "team"); err != nil {
			t.Fatal(err)
		}
		if rm.tokens[o.who], err = hub.IssueToken(ctx, st, sys, o.org, o.role, "laptop-"+o.who); err != nil {
			t.Fatal(err)
		}
	}
	srv, err := hub.New(hub.Config{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	t.Cleanup(srv.Close)
	rm.url = ts.URL
	if code, body := rm.do(t, "a", "POST", "/api/v1/calls", map[string]any{"id": "CALL-R", "title": "Heavy USAR", "start": "now",
		"duration_minutes": 30, "invitees": []map[string]any{{"org": "ORG-B"}}, "visibility": "org"}); code != 201 {
		t.Fatalf("create call: %d %s", code, body)
	}
	return rm
}

func (rm room) do(t *testing.T, who, method, path string, body any) (int, []byte) {
	t.Helper()
	var rd *bytes.Reader
	if s, ok := body.(string); ok {
		rd = bytes.NewReader([]byte(s))
	} else {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, rm.url+path, rd)
	if who != "" {
		req.Header.Set("Authorization", "Bearer "+rm.tokens[who])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out bytes.Buffer
	out.ReadFrom(res.Body)
	return res.StatusCode, out.Bytes()
}

// client is a pion participant that sends numbered fake Opus packets and
// counts what it receives on its receivers.
type client struct {
	pc       *webrtc.PeerConnection
	track    *webrtc.TrackLocalStaticRTP
	received atomic.Int64
	payloads chan []byte
}

func newClient(t *testing.T, receivers int) *client {
	t.Helper()
	se := webrtc.SettingEngine{}
	se.SetIPFilter(func(ip net.IP) bool { return ip.IsLoopback() })
	se.SetIncludeLoopbackCandidate(true)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	me := &webrtc.MediaEngine{}
	if err := me.RegisterDefaultCodecs(); err != nil {
		t.Fatal(err)
	}
	pc, err := webrtc.NewAPI(webrtc.WithMediaEngine(me), webrtc.WithSettingEngine(se)).NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	c := &client{pc: pc, payloads: make(chan []byte, 1024)}
	c.track, err = webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2}, "mic", "me")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pc.AddTransceiverFromTrack(c.track, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionSendonly}); err != nil {
		t.Fatal(err)
	}
	for range receivers {
		if _, err := pc.AddTransceiverFromKind(webrtc.RTPCodecTypeAudio, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionRecvonly}); err != nil {
			t.Fatal(err)
		}
	}
	pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		for {
			p, _, err := tr.ReadRTP()
			if err != nil {
				return
			}
			c.received.Add(1)
			select {
			case c.payloads <- p.Payload:
			default:
			}
		}
	})
	return c
}

// offer returns the client's complete offer (no trickle).
func (c *client) offer(t *testing.T) string {
	t.Helper()
	o, err := c.pc.CreateOffer(nil)
	if err != nil {
		t.Fatal(err)
	}
	done := webrtc.GatheringCompletePromise(c.pc)
	if err := c.pc.SetLocalDescription(o); err != nil {
		t.Fatal(err)
	}
	<-done
	return c.pc.LocalDescription().SDP
}

func (c *client) join(t *testing.T, rm room, who string) string {
	t.Helper()
	code, body := rm.do(t, who, "POST", "/api/v1/calls/CALL-R/rtc", map[string]string{"sdp": c.offer(t)})
	if code != 200 {
		t.Fatalf("%s joins: %d %s", who, code, body)
	}
	var ans struct{ SDP, ID string }
	if err := json.Unmarshal(body, &ans); err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(ans.SDP, "\n") {
		// Loopback host candidates only: nothing may leave the machine.
		if strings.HasPrefix(l, "a=candidate:") && (!strings.Contains(l, " 127.") || !strings.Contains(l, " typ host")) {
			t.Errorf("%s: answer has a candidate that is not a loopback host: %s", who, l)
		}
	}
	if !strings.Contains(ans.SDP, "a=candidate:") {
		t.Errorf("%s: answer has no candidate (gathering not waited for?)", who)
	}
	if err := c.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: ans.SDP}); err != nil {
		t.Fatal(err)
	}
	return ans.ID
}

// send writes packets whose payload is tag and a counter, every 20 ms,
// until stop closes.
func (c *client) send(tag byte, stop <-chan struct{}) {
	var seq uint16
	for {
		select {
		case <-stop:
			return
		case <-time.After(20 * time.Millisecond):
		}
		seq++
		c.track.WriteRTP(&rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 111, SequenceNumber: seq, Timestamp: uint32(seq) * 960, SSRC: 1},
			Payload: []byte{tag, byte(seq >> 8), byte(seq)}})
	}
}

// TestRoomForwards: two Go (pion) participants through the real hub's
// HTTP signalling; each must receive the other's packets, byte for byte,
// and never its own.
func TestRoomForwards(t *testing.T) {
	rm := newRoom(t)
	a, b := newClient(t, 3), newClient(t, 3)
	a.join(t, rm, "a")
	idB := b.join(t, rm, "b")
	stop := make(chan struct{})
	defer close(stop)
	go a.send('A', stop)
	go b.send('B', stop)
	for _, x := range []struct {
		name     string
		c        *client
		from, me byte
	}{{"a", a, 'B', 'A'}, {"b", b, 'A', 'B'}} {
		select {
		case p := <-x.c.payloads:
			if len(p) != 3 || p[0] != x.from {
				t.Errorf("%s received payload %q, want one tagged %q", x.name, p, x.from)
			}
		case <-time.After(15 * time.Second):
			t.Fatalf("%s received nothing within 15 s", x.name)
		}
	}
	// Drain a while: nothing tagged with the receiver's own mark.
	deadline := time.After(300 * time.Millisecond)
	for done := false; !done; {
		select {
		case p := <-a.payloads:
			if len(p) > 0 && p[0] == 'A' {
				t.Fatalf("a received its own audio")
			}
		case <-deadline:
			done = true
		}
	}

	// The participants list names both, with their organisations.
	code, body := rm.do(t, "b", "GET", "/api/v1/calls/CALL-R/rtc", nil)
	var list struct {
		Max          int               `json:"max_participants"`
		Participants []rtc.Participant `json:"participants"`
	}
	if err := json.Unmarshal(body, &list); code != 200 || err != nil {
		t.Fatalf("GET participants: %d %v %s", code, err, body)
	}
	if len(list.Participants) != 2 || list.Participants[0].Org != "ORG-A" || list.Participants[1].Org != "ORG-B" || list.Max != rtc.DefaultMaxParticipants {
		t.Fatalf("participants = %+v (max %d), want ORG-A then ORG-B", list.Participants, list.Max)
	}
	// ORG-A may not remove ORG-B's participant; ORG-B may.
	if code, body := rm.do(t, "a", "DELETE", "/api/v1/calls/CALL-R/rtc/"+idB, nil); code != 403 {
		t.Errorf("a removes b: %d %s, want 403", code, body)
	}
	if code, body := rm.do(t, "b", "DELETE", "/api/v1/calls/CALL-R/rtc/"+idB, nil); code != 204 {
		t.Errorf("b leaves: %d %s, want 204", code, body)
	}
	_, body = rm.do(t, "b", "GET", "/api/v1/calls/CALL-R/rtc", nil)
	json.Unmarshal(body, &list)
	if len(list.Participants) != 1 || list.Participants[0].Org != "ORG-A" {
		t.Errorf("after b left: %+v", list.Participants)
	}
}

// TestRoomAccess: who may join, and offers the room refuses.
func TestRoomAccess(t *testing.T) {
	rm := newRoom(t)
	good := newClient(t, 1).offer(t)
	video := strings.Replace(good, "m=audio", "m=video", 1)
	recvFirst := strings.Replace(good, "a=sendonly", "a=recvonly", 1)
	steps := []struct {
		who, path string
		body      any
		want      int
		msg       string
	}{
		{"", "/api/v1/calls/CALL-R/rtc", map[string]string{"sdp": good}, 401, "bearer"},
		{"c", "/api/v1/calls/CALL-R/rtc", map[string]string{"sdp": good}, 404, "does not exist"}, // not invited, cannot see it
		{"v", "/api/v1/calls/CALL-R/rtc", map[string]string{"sdp": good}, 403, "field role"},
		{"b", "/api/v1/calls/NOPE/rtc", map[string]string{"sdp": good}, 404, ""},
		{"b", "/api/v1/calls/CALL-R/rtc", `{"sdp":"x","colour":1}`, 400, "colour"},
		{"b", "/api/v1/calls/CALL-R/rtc", map[string]string{"sdp": ""}, 400, "sdp: missing"},
		{"b", "/api/v1/calls/CALL-R/rtc", map[string]string{"sdp": "v=0\r\nnonsense"}, 400, "sdp"},
		{"b", "/api/v1/calls/CALL-R/rtc", map[string]string{"sdp": video}, 400, "audio only"},
		{"b", "/api/v1/calls/CALL-R/rtc", map[string]string{"sdp": recvFirst}, 400, "must send the microphone"},
	}
	for i, s := range steps {
		code, body := rm.do(t, s.who, "POST", s.path, s.body)
		if code != s.want || !strings.Contains(string(body), s.msg) {
			t.Errorf("step %d (%s %s): %d %s, want %d with %q", i, s.who, s.path, code, body, s.want, s.msg)
		}
	}
	// A cancelled call's room is closed.
	if code, body := rm.do(t, "a", "POST", "/api/v1/calls/CALL-R/cancel", nil); code != 200 {
		t.Fatalf("cancel: %d %s", code, body)
	}
	if code, body := rm.do(t, "b", "POST", "/api/v1/calls/CALL-R/rtc", map[string]string{"sdp": good}); code != 409 || !strings.Contains(string(body), "closed") {
		t.Errorf("join a cancelled call: %d %s, want 409", code, body)
	}
}

// TestManagerFull: a room takes at most MaxParticipants.
func TestManagerFull(t *testing.T) {
	m, err := rtc.NewManager(rtc.Config{MaxParticipants: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	ctx := context.Background()
	for i, want := range []error{nil, nil, rtc.ErrFull} {
		_, _, err := m.Join(ctx, "R", fmt.Sprint("p", i), "ORG", newClient(t, 1).offer(t))
		if !errors.Is(err, want) {
			t.Fatalf("join %d: %v, want %v", i, err, want)
		}
	}
	if n := len(m.Participants("R")); n != 2 {
		t.Errorf("%d participants, want 2", n)
	}
	if _, _, err := m.Join(ctx, "S", "p", "ORG", newClient(t, 2).offer(t)); !errors.Is(err, rtc.ErrOffer) {
		t.Errorf("2 receivers in a room of 2: %v, want ErrOffer", err)
	}
	m.Close()
	if _, _, err := m.Join(ctx, "T", "p", "ORG", newClient(t, 1).offer(t)); !errors.Is(err, rtc.ErrClosed) {
		t.Errorf("after Close: %v, want ErrClosed", err)
	}
}

// TestRoomBrowser: two participants in headless Chromium with its fake
// microphone (hub/rtc/e2e/room.mjs) open the room page served by the real
// hub; each must receive the other's audio (getStats inbound-rtp).
func TestRoomBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	const chromium = "/usr/bin/chromium"
	if _, err := os.Stat(chromium); err != nil {
		t.Skipf("no %s (apt-get install chromium): browser test skipped", chromium)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("no node on PATH: browser test skipped")
	}
	webE2E, err := filepath.Abs(filepath.Join("..", "web", "e2e"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(webE2E, "node_modules", "playwright-core")); err != nil {
		npm, err := exec.LookPath("npm")
		if err != nil {
			t.Skip("no npm on PATH and no hub/web/e2e/node_modules: browser test skipped")
		}
		if out, err := exec.Command(npm, "ci", "--prefix", webE2E, "--no-audit", "--no-fund").CombinedOutput(); err != nil {
			t.Fatalf("npm ci in %s: %v\n%s", webE2E, err, out)
		}
	}
	rm := newRoom(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join("e2e", "room.mjs"))
	cmd.Env = append(os.Environ(), "STRUNA_URL="+rm.url+"/call/CALL-R/room", "STRUNA_TOKEN_A="+rm.tokens["a"], "STRUNA_TOKEN_B="+rm.tokens["b"],
		"STRUNA_CHROMIUM="+chromium, "STRUNA_PLAYWRIGHT_FROM="+filepath.Join(webE2E, "package.json"))
	out, err := cmd.CombinedOutput()
	t.Logf("%s", out)
	if err != nil {
		t.Fatalf("two browsers in the call room: %v", err)
	}
}

// TestManagerDropsUnconnected: a participant whose browser never takes the
// answer loses its seat after ConnectTimeout.
func TestManagerDropsUnconnected(t *testing.T) {
	m, err := rtc.NewManager(rtc.Config{MaxParticipants: 2, ConnectTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if _, _, err := m.Join(context.Background(), "R", "p", "ORG", newClient(t, 1).offer(t)); err != nil {
		t.Fatal(err)
	}
	if n := len(m.Participants("R")); n != 1 {
		t.Fatalf("%d participants after joining, want 1", n)
	}
	for end := time.Now().Add(10 * time.Second); len(m.Participants("R")) > 0; {
		if time.Now().After(end) {
			t.Fatal("the unconnected participant still holds its seat after 10 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if rooms := m.Rooms(); len(rooms) != 0 {
		t.Errorf("rooms %v left after the last participant went", rooms)
	}
}
