package hub

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/struna/struna/hub/store"
	"github.com/struna/struna/relief/share"
)

// Visibility of the hub's own records (areas, worksites, assessments and
// the buildings they make, trapped persons) follows relief/share as the
// relief records do: a record is seen by a caller for whom
// share.Policy.CanSee(shareViewer(p), owner, visibility) holds, where every
// registered organisation is a party; a viewer token is a public observer.
// A record that may not be seen is left out of lists and is 404 when asked
// for by id. What a public viewer gets passes through share.RedactJSON.
// The live stream reaches every token, so it carries a record in full
// only when the record is public, else only {"visibility": …}.

// checkVisibility validates an optional visibility given by a client:
// "" (the store's default, parties) or one of the three.
func checkVisibility(field, v string) (share.Visibility, error) {
	if v == "" || share.Visibility(v).Valid() {
		return share.Visibility(v), nil
	}
	return "", fmt.Errorf("%s: %q is not public, parties or org", field, v)
}

// publishVisible sends an event in full if vis is public, else only its
// visibility, as the relief events do.
func (s *Server) publishVisible(name string, v any, vis share.Visibility) {
	if vis == share.Public {
		s.events.publish(name, v)
		return
	}
	s.events.publish(name, map[string]string{"visibility": string(vis)})
}

// visView is what the hub needs to filter for a caller.
type visView struct {
	pol share.Policy
	v   share.Viewer
}

func (s *Server) viewFor(ctx context.Context, p store.Principal) (visView, error) {
	pol, err := s.policy(ctx)
	return visView{pol, shareViewer(p)}, err
}

func (vw visView) sees(r share.Record) bool {
	owner, vis := r.Access()
	return vw.pol.CanSee(vw.v, owner, vis)
}

// public reports whether the caller sees what the public sees.
func (vw visView) public() bool { return vw.pol.Public(vw.v) }

// class names the set of records the caller may see: every public viewer
// sees the same records, a party's member or coordinator sees the public
// records, the parties' records and its own organisation's.
func (vw visView) class() string {
	if vw.public() {
		return "public"
	}
	return "org:" + vw.v.Org
}

func filterVisible[T share.Record](vw visView, recs []T) []T {
	return share.Filter(vw.pol, vw.v, recs, nil)
}

// writeVisibleJSON writes v as JSON, redacted for a public viewer.
func (s *Server) writeVisibleJSON(w http.ResponseWriter, r *http.Request, vw visView, status int, v any) {
	if !vw.public() {
		writeJSON(w, status, v)
		return
	}
	b, err := jsonBytes(v)
	if err == nil {
		b, err = share.RedactJSON(r.URL.Path, b)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// classGeoJSON keeps the buildings GeoJSON of each visibility class for
// the version the building cache has: a map that polls every few seconds
// costs one filter and one encoding per class and change, not per request.
type classGeoJSON struct {
	mu   sync.Mutex
	etag string            // of the building cache the entries were built from
	geo  map[string][]byte // by class
}

// visibleBuildingsGeoJSON returns the GeoJSON of the buildings vw may see
// and its ETag (the building cache's, made distinct per class).
func (s *Server) visibleBuildingsGeoJSON(ctx context.Context, vw visView) ([]byte, string, error) {
	bs, all, etag, err := s.buildings.get(ctx, s.st, true)
	if err != nil {
		return nil, "", err
	}
	class := vw.class()
	h := fnv.New32a()
	h.Write([]byte(class))
	cetag := strings.TrimSuffix(etag, `"`) + "-" + strconv.FormatUint(uint64(h.Sum32()), 36) + `"`
	c := s.classGeo
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.etag != etag || c.geo == nil {
		c.etag, c.geo = etag, map[string][]byte{}
	}
	if g, ok := c.geo[class]; ok {
		return g, cetag, nil
	}
	vis := filterVisible(vw, bs)
	g := all
	if len(vis) != len(bs) {
		g = buildingsGeoJSON(vis)
	}
	if vw.public() {
		if g, err = share.RedactJSON("buildings.geojson", g); err != nil {
			return nil, "", err
		}
	}
	c.geo[class] = g
	return g, cetag, nil
}

// jsonBytes encodes v as writeJSON does, without the final newline.
func jsonBytes(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// visibleAssessment returns a stored report's bytes if p may see it, else
// answers 404 as for a report that does not exist. A public viewer gets
// the report through share.RedactJSON.
func (s *Server) visibleAssessment(w http.ResponseWriter, r *http.Request, p store.Principal, id string) ([]byte, bool) {
	vw, err := s.viewFor(r.Context(), p)
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	ai, err := s.st.AssessmentInfo(r.Context(), id)
	if err == nil && !vw.sees(ai) {
		err = &store.Error{Kind: store.ErrNotFound, Msg: fmt.Sprintf("assessment %s does not exist", id)}
	}
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	body := ai.Body
	if vw.public() {
		if body, err = share.RedactJSON("assessment "+id, body); err != nil {
			s.fail(w, r, err)
			return nil, false
		}
	}
	return body, true
}

// reset drops every class's GeoJSON (benchmarks of the cold path).
func (c *classGeoJSON) reset() {
	c.mu.Lock()
	c.etag, c.geo = "", nil
	c.mu.Unlock()
}
