package hub

import (
	_ "embed"
	"errors"
	"fmt"
	"net"
	"net/http"

	"github.com/struna/struna/hub/rtc"
	"github.com/struna/struna/hub/store"
	"github.com/struna/struna/relief/call"
)

// The audio room of a coordination call (issue 6): hub/rtc is the SFU,
// these are its routes and the page invitees open. Who may join: a member
// (field or higher) of the call's convener or of an invited organisation,
// while the call is scheduled or open.
//
// The room page takes the token as ?access_token= only to send it as a
// bearer header from its script (the API itself accepts no query token
// here); it removes it from the address bar at once and sends no Referer.

//go:embed rtc_room.html
var rtcRoomPage []byte

// rtcRoutes registers the audio room routes. The manager lives as long as
// the server; its peers end when their browsers go (ICE failure) or leave.
func (s *Server) rtcRoutes() {
	rc := rtc.Config{Logger: s.log}
	if addrs := s.rtcAddrs; len(addrs) > 0 {
		rc.AllowIP = func(ip net.IP) bool {
			if ip.IsLoopback() {
				return true
			}
			for _, a := range addrs {
				if a.Equal(ip) {
					return true
				}
			}
			return false
		}
	}
	m, err := rtc.NewManager(rc)
	if err != nil {
		// Only a bad Config fails, and this one is constant.
		s.log.Error("audio rooms disabled", "err", err)
		return
	}
	s.route("POST /api/v1/calls/{id}/rtc", field, func(w http.ResponseWriter, r *http.Request, p store.Principal) { s.postRTC(m, w, r, p) })
	s.route("GET /api/v1/calls/{id}/rtc", field, func(w http.ResponseWriter, r *http.Request, p store.Principal) {
		c, ok := s.rtcCall(w, r, p)
		if ok {
			writeJSON(w, http.StatusOK, map[string]any{"call": c.ID, "max_participants": m.Max(), "participants": m.Participants(c.ID)})
		}
	})
	s.route("DELETE /api/v1/calls/{id}/rtc/{pid}", field, func(w http.ResponseWriter, r *http.Request, p store.Principal) {
		c, ok := s.rtcCall(w, r, p)
		if !ok {
			return
		}
		for _, q := range m.Participants(c.ID) {
			if q.ID == r.PathValue("pid") && q.Org != p.Org {
				writeError(w, http.StatusForbidden, fmt.Sprintf("participant %s is of %s; %s may not remove it", q.ID, q.Org, p.Org))
				return
			}
		}
		m.Leave(c.ID, r.PathValue("pid"))
		w.WriteHeader(http.StatusNoContent)
	})
	s.mux.HandleFunc("GET /call/{id}/room", func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Cache-Control", "no-store")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Content-Security-Policy", "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; media-src 'self' blob: mediastream:")
		w.Write(rtcRoomPage)
	})
}

// rtcCall loads the call of the request for an audio room: the caller's
// organisation must convene it or be invited, and it must not be over.
func (s *Server) rtcCall(w http.ResponseWriter, r *http.Request, p store.Principal) (call.Call, bool) {
	c, _, err := s.visibleCall(r.Context(), p, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return c, false
	}
	if c.Convener != p.Org && !invited(c, p.Org) {
		writeError(w, http.StatusForbidden, fmt.Sprintf("call %s: %s is neither its convener nor invited", c.ID, p.Org))
		return c, false
	}
	if c.Status == call.Ended || c.Status == call.Cancelled {
		writeError(w, http.StatusConflict, fmt.Sprintf("call %s is %s: its room is closed", c.ID, c.Status))
		return c, false
	}
	return c, true
}

type rtcOffer struct {
	SDP string `json:"sdp"`
}

func (s *Server) postRTC(m *rtc.Manager, w http.ResponseWriter, r *http.Request, p store.Principal) {
	c, ok := s.rtcCall(w, r, p)
	if !ok {
		return
	}
	var req rtcOffer
	if !decodeBody(w, r, 64<<10, &req) {
		return
	}
	if req.SDP == "" {
		writeError(w, http.StatusBadRequest, "sdp: missing (the browser's SDP offer)")
		return
	}
	ans, id, err := m.Join(r.Context(), c.ID, p.TokenName, p.Org, req.SDP)
	switch {
	case errors.Is(err, rtc.ErrOffer):
		writeError(w, http.StatusBadRequest, "sdp: "+err.Error())
	case errors.Is(err, rtc.ErrFull):
		writeError(w, http.StatusConflict, fmt.Sprintf("call %s: %v", c.ID, err))
	case errors.Is(err, rtc.ErrClosed):
		writeError(w, http.StatusServiceUnavailable, "the audio rooms are closed")
	case err != nil:
		s.fail(w, r, err)
	default:
		writeJSON(w, http.StatusOK, map[string]string{"sdp": ans, "type": "answer", "id": id})
	}
}
