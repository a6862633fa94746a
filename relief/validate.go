package relief

import (
	"fmt"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/struna/struna/seis"
)

// Limits on what a message may hold; beyond them it is an error rather than
// a surprise in an export or a page.
const (
	MaxIDLen        = 128
	MaxTextLen      = 4000
	MaxQuantity     = 100000
	MaxCapabilities = 64
)

// fieldErr is the error for a message's field.
func fieldErr(id, field, format string, args ...any) error {
	rec := "message " + id
	if id == "" {
		rec = "message (no id)"
	}
	return &seis.FormatError{File: rec, Offset: -1, Record: -1, Field: field, Msg: fmt.Sprintf(format, args...)}
}

// CheckID reports what is wrong with an identifier: empty, too long, not
// UTF-8, or holding a space or a control character (identifiers end up
// space-separated in CAP references and in URLs).
func CheckID(s string) string {
	switch {
	case s == "":
		return "is empty"
	case len(s) > MaxIDLen:
		return fmt.Sprintf("is %d bytes long, at most %d", len(s), MaxIDLen)
	case !utf8.ValidString(s):
		return "is not valid UTF-8"
	}
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == ',' || r == '<' || r == '&' {
			return fmt.Sprintf("holds %q, not allowed in an identifier", r)
		}
	}
	return ""
}

// CheckText reports what is wrong with free text: longer than max bytes,
// not UTF-8, or holding a control character other than tab and newlines
// (XML 1.0 cannot carry them).
func CheckText(s string, max int) string {
	if len(s) > max {
		return fmt.Sprintf("is %d bytes long, at most %d", len(s), max)
	}
	if !utf8.ValidString(s) {
		return "is not valid UTF-8"
	}
	for _, r := range s {
		if r == '\t' || r == '\n' || r == '\r' {
			continue
		}
		if r < 0x20 || r == 0x7f || r == 0xfffe || r == 0xffff {
			return fmt.Sprintf("holds control character %U", r)
		}
	}
	return ""
}

// CheckLatLon reports what is wrong with a WGS 84 position.
func CheckLatLon(lat, lon float64) (field, msg string) {
	switch {
	case math.IsNaN(lat) || lat < -90 || lat > 90:
		return "lat", fmt.Sprintf("%v is not a latitude in [-90, 90]", lat)
	case math.IsNaN(lon) || lon < -180 || lon > 180:
		return "lon", fmt.Sprintf("%v is not a longitude in [-180, 180]", lon)
	}
	return "", ""
}

type checker struct {
	id  string
	err error
}

func (c *checker) fail(field, format string, args ...any) {
	if c.err == nil {
		c.err = fieldErr(c.id, field, format, args...)
	}
}

func (c *checker) ident(field, s string) {
	if msg := CheckID(s); msg != "" {
		c.fail(field, "%s", msg)
	}
}

func (c *checker) optIdent(field, s string) {
	if s != "" {
		c.ident(field, s)
	}
}

func (c *checker) text(field, s string) {
	if msg := CheckText(s, MaxTextLen); msg != "" {
		c.fail(field, "%s", msg)
	}
}

func (c *checker) location(field string, l Location) {
	if f, msg := CheckLatLon(l.Lat, l.Lon); msg != "" {
		c.fail(field+"."+f, "%s", msg)
	}
	c.text(field+".place", l.Place)
	c.text(field+".admin1", l.Admin1)
}

func (c *checker) quantity(field string, q int, zeroOK bool) {
	least := 1
	if zeroOK {
		least = 0
	}
	if q < least || q > MaxQuantity {
		c.fail(field, "%d is not a quantity in [%d, %d]", q, least, MaxQuantity)
	}
}

// Validate checks m on its own: identifiers, the body matching the type,
// ranges and text. It does not check m against a thread; Thread.Append
// does.
func (m Message) Validate() error {
	c := &checker{id: m.ID}
	c.ident("id", m.ID)
	c.ident("from", m.From)
	c.optIdent("incident", m.Incident)
	c.optIdent("request_id", m.RequestID)
	c.optIdent("offer_id", m.OfferID)
	c.text("contact", m.Contact)
	if m.Sent.IsZero() {
		c.fail("sent", "is missing")
	}
	if !m.Visibility.Valid() {
		c.fail("visibility", "%q is not public, parties or org", m.Visibility)
	}
	bodies := map[string]bool{
		"request": m.Request != nil, "offer": m.Offer != nil, "decision": m.Decision != nil,
		"commit": m.Commit != nil, "status": m.Status != nil, "release": m.Release != nil,
	}
	want := ""
	switch m.Type {
	case RequestResource:
		want = "request"
	case ResponseToRequestResource, OfferUnsolicitedResource:
		want = "offer"
	case RequisitionResource:
		want = "decision"
	case CommitResource:
		want = "commit"
	case ReportResourceDeploymentStatus:
		want = "status"
	case ReleaseResource:
		want = "release"
	default:
		c.fail("type", "%q is not an EDXL-RM message type struna handles", m.Type)
		return c.err
	}
	for _, b := range []string{"request", "offer", "decision", "commit", "status", "release"} {
		switch {
		case b == want && !bodies[b]:
			c.fail(b, "is missing for a %s", m.Type)
		case b != want && bodies[b]:
			c.fail(b, "is not allowed in a %s", m.Type)
		}
	}
	switch m.Type {
	case RequestResource:
		if m.RequestID != "" {
			c.fail("request_id", "must be empty on a request (the request is the thread's root)")
		}
		if m.OfferID != "" {
			c.fail("offer_id", "must be empty on a request")
		}
	case ResponseToRequestResource:
		if m.RequestID == "" {
			c.fail("request_id", "is missing: a solicited offer answers a request")
		}
		fallthrough
	case OfferUnsolicitedResource:
		if m.OfferID != "" {
			c.fail("offer_id", "must be empty on an offer (the offer is identified by id)")
		}
	default:
		if m.RequestID == "" {
			c.fail("request_id", "is missing")
		}
		if m.OfferID == "" {
			c.fail("offer_id", "is missing: a %s acts on an offer", m.Type)
		}
	}
	if c.err != nil {
		return c.err
	}
	switch {
	case m.Request != nil:
		r := m.Request
		c.spec("request.resource", r.Resource)
		c.quantity("request.quantity", r.Quantity, false)
		c.location("request.location", r.Location)
		if r.Priority.Rank() == 0 {
			c.fail("request.priority", "%q is not urgent, high, normal or low", r.Priority)
		}
		c.text("request.note", r.Note)
	case m.Offer != nil:
		o := m.Offer
		c.resource("offer.resource", o.Resource)
		c.quantity("offer.quantity", o.Quantity, false)
		if o.ETA.IsZero() && !o.InRegion {
			c.fail("offer.eta", "is missing (only a resource already in the region may omit it)")
		}
		if !o.ETALatest.IsZero() && o.ETALatest.Before(o.ETA) {
			c.fail("offer.eta_latest", "%s is before eta %s", o.ETALatest.Format(timeFmt), o.ETA.Format(timeFmt))
		}
		c.text("offer.conditions", o.Conditions)
	case m.Decision != nil:
		c.text("decision.reason", m.Decision.Reason)
	case m.Commit != nil:
		c.quantity("commit.quantity", m.Commit.Quantity, true)
	case m.Status != nil:
		s := m.Status
		switch s.Status {
		case EnRoute, Arrived, Deployed, Released:
		default:
			c.fail("status.status", "%q is not en_route, arrived, deployed or released", s.Status)
		}
		if s.Location != nil {
			c.location("status.location", *s.Location)
		}
		c.optIdent("status.worksite", s.Worksite)
		c.text("status.note", s.Note)
	case m.Release != nil:
		c.text("release.reason", m.Release.Reason)
	}
	return c.err
}

const timeFmt = "2006-01-02T15:04:05Z07:00"

func (c *checker) spec(field string, s ResourceSpec) {
	if !s.Kind.Valid() {
		c.fail(field+".kind", "%q is not a resource kind (%s)", s.Kind, kindList())
	}
	if s.Class != "" {
		if s.Kind != USARTeam {
			c.fail(field+".class", "an INSARAG class is for usar_team, not %s", s.Kind)
		} else if s.Class.Rank() == 0 {
			c.fail(field+".class", "%q is not an INSARAG class (light, medium, heavy)", s.Class)
		}
	}
	c.text(field+".type", s.Type)
	c.text(field+".description", s.Description)
}

func (c *checker) resource(field string, r Resource) {
	c.spec(field, ResourceSpec{Kind: r.Kind, Class: r.Class, Type: r.Type})
	c.text(field+".id", r.ID)
	if strings.TrimSpace(r.ID) != r.ID {
		c.fail(field+".id", "has leading or trailing space")
	}
	c.text(field+".name", r.Name)
	if r.Size < 0 || r.Size > MaxQuantity {
		c.fail(field+".size", "%d is not a size in [0, %d]", r.Size, MaxQuantity)
	}
	if math.IsNaN(r.Capacity) || math.IsInf(r.Capacity, 0) || r.Capacity < 0 {
		c.fail(field+".capacity", "%v is not a non-negative number", r.Capacity)
	}
	c.text(field+".capacity_unit", r.CapacityUnit)
	if len(r.Capabilities) > MaxCapabilities {
		c.fail(field+".capabilities", "%d entries, at most %d", len(r.Capabilities), MaxCapabilities)
	}
	for i, cp := range r.Capabilities {
		if strings.TrimSpace(cp) == "" {
			c.fail(fmt.Sprintf("%s.capabilities[%d]", field, i), "is empty")
		}
		c.text(fmt.Sprintf("%s.capabilities[%d]", field, i), cp)
	}
}

func kindList() string {
	s := make([]string, len(kinds))
	for i, k := range kinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}
