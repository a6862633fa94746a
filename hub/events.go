package hub

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/struna/struna/hub/store"
)

// event is one server-sent event, encoded once for every subscriber.
type event struct {
	name string
	data []byte
}

// broker fans events out to subscribers. Publishing never blocks: a
// subscriber whose queue is full is dropped (its stream ends, and the
// browser's EventSource reconnects and reloads), so a slow client cannot
// hold up a writer.
type broker struct {
	mu     sync.Mutex
	subs   map[chan event]struct{}
	queue  int
	closed bool
}

func newBroker(queue int) *broker {
	return &broker{subs: map[chan event]struct{}{}, queue: queue}
}

func (b *broker) subscribe() (chan event, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil, false
	}
	ch := make(chan event, b.queue)
	b.subs[ch] = struct{}{}
	return ch, true
}

func (b *broker) unsubscribe(ch chan event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.subs[ch]; ok {
		delete(b.subs, ch)
		close(ch)
	}
}

// publish sends an event to every subscriber; call it after the change it
// reports has committed.
func (b *broker) publish(name string, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		return
	}
	ev := event{name, data}
	b.mu.Lock()
	defer b.mu.Unlock()
	for ch := range b.subs {
		select {
		case ch <- ev:
		default:
			delete(b.subs, ch)
			close(ch)
		}
	}
}

func (b *broker) close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	for ch := range b.subs {
		delete(b.subs, ch)
		close(ch)
	}
}

func (b *broker) count() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.subs)
}

// eventStream is GET /api/v1/events: text/event-stream with the events
// assessment, building, worksite and area, and a comment line every
// heartbeat so proxies and clients know the stream is alive.
func (s *Server) eventStream(w http.ResponseWriter, r *http.Request, _ store.Principal) {
	ch, ok := s.events.subscribe()
	if !ok {
		writeError(w, http.StatusServiceUnavailable, "the hub is shutting down")
		return
	}
	defer s.events.unsubscribe(ch)
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	// Each write must finish within this time, or the client is too slow
	// and the stream ends.
	const writeWithin = 30 * time.Second
	send := func(format string, args ...any) bool {
		rc.SetWriteDeadline(time.Now().Add(writeWithin))
		if _, err := fmt.Fprintf(w, format, args...); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	if !send("retry: 3000\n: connected\n\n") {
		return
	}
	tick := time.NewTicker(s.heartbeat)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case ev, ok := <-ch:
			if !ok {
				return
			}
			if !send("event: %s\ndata: %s\n\n", ev.name, ev.data) {
				return
			}
		case <-tick.C:
			if !send(": heartbeat\n\n") {
				return
			}
		}
	}
}
