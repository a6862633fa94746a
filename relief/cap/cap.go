// Package cap writes OASIS Common Alerting Protocol 1.2 alerts for the
// hazard zones around buildings whose placard is red (unsafe): the public,
// the media and alerting systems learn where not to go.
//
// The format is CAP 1.2, OASIS Standard, 1 July 2010 (namespace
// urn:oasis:names:tc:emergency:cap:1.2). What the standard requires and
// this package enforces:
//
//   - identifier and sender hold no space, comma, "<" or "&" (§3.2.1);
//   - times are "YYYY-MM-DDThh:mm:ss" with a numeric offset, never "Z";
//     UTC is written "-00:00" (§3.3.2);
//   - a Restricted alert has a restriction, a Private one addresses;
//     an Update or Cancel has references ("sender,identifier,sent" of each
//     earlier message, space-separated);
//   - a polygon is at least four "lat,lon" pairs separated by spaces, the
//     first and last the same — latitude first, unlike GeoJSON (§3.3.2,
//     WGS 84); a circle is "lat,lon radius" with the radius in kilometres.
//
// The alert for unsafe buildings has category Geo and Safety, event
// "Unsafe building", response type Avoid, urgency Immediate, severity
// Severe, certainty Observed (the placard is an inspector's observation),
// and one area per building.
//
// The package does no I/O and is deterministic: the same input gives the
// same bytes.
package cap

import (
	"encoding/xml"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/struna/struna/seis"
)

// Namespace is the CAP 1.2 XML namespace.
const Namespace = "urn:oasis:names:tc:emergency:cap:1.2"

// Alert is a CAP 1.2 alert as it is written and read. Times are strings in
// CAP's format (see FormatTime). Fields follow the order of the CAP 1.2
// schema.
type Alert struct {
	XMLName     xml.Name `xml:"urn:oasis:names:tc:emergency:cap:1.2 alert"`
	Identifier  string   `xml:"identifier"`
	Sender      string   `xml:"sender"`
	Sent        string   `xml:"sent"`
	Status      string   `xml:"status"`
	MsgType     string   `xml:"msgType"`
	Source      string   `xml:"source,omitempty"`
	Scope       string   `xml:"scope"`
	Restriction string   `xml:"restriction,omitempty"`
	Addresses   string   `xml:"addresses,omitempty"`
	Code        []string `xml:"code,omitempty"`
	Note        string   `xml:"note,omitempty"`
	References  string   `xml:"references,omitempty"`
	Incidents   string   `xml:"incidents,omitempty"`
	Info        []Info   `xml:"info"`
}

// Info is a CAP <info> block.
type Info struct {
	Language     string       `xml:"language,omitempty"`
	Category     []string     `xml:"category"`
	Event        string       `xml:"event"`
	ResponseType []string     `xml:"responseType,omitempty"`
	Urgency      string       `xml:"urgency"`
	Severity     string       `xml:"severity"`
	Certainty    string       `xml:"certainty"`
	Audience     string       `xml:"audience,omitempty"`
	Effective    string       `xml:"effective,omitempty"`
	Onset        string       `xml:"onset,omitempty"`
	Expires      string       `xml:"expires,omitempty"`
	SenderName   string       `xml:"senderName,omitempty"`
	Headline     string       `xml:"headline,omitempty"`
	Description  string       `xml:"description,omitempty"`
	Instruction  string       `xml:"instruction,omitempty"`
	Web          string       `xml:"web,omitempty"`
	Contact      string       `xml:"contact,omitempty"`
	Parameter    []NamedValue `xml:"parameter,omitempty"`
	Area         []Area       `xml:"area"`
}

// NamedValue is a CAP parameter or geocode.
type NamedValue struct {
	ValueName string `xml:"valueName"`
	Value     string `xml:"value"`
}

// Area is a CAP <area>.
type Area struct {
	AreaDesc string   `xml:"areaDesc"`
	Polygon  []string `xml:"polygon,omitempty"`
	Circle   []string `xml:"circle,omitempty"`
}

// Status values.
const (
	Actual   = "Actual"
	Exercise = "Exercise"
	System   = "System"
	Test     = "Test"
	Draft    = "Draft"
)

// MsgType values.
const (
	MsgAlert  = "Alert"
	MsgUpdate = "Update"
	MsgCancel = "Cancel"
)

// Scope values.
const (
	Public     = "Public"
	Restricted = "Restricted"
	Private    = "Private"
)

// FormatTime writes t as CAP requires: seconds precision, numeric offset
// of t's zone, "-00:00" for UTC.
func FormatTime(t time.Time) string {
	s := t.Truncate(time.Second).Format("2006-01-02T15:04:05-07:00")
	if strings.HasSuffix(s, "+00:00") {
		s = s[:len(s)-6] + "-00:00"
	}
	return s
}

// Reference identifies an earlier alert that an Update or Cancel refers to.
type Reference struct {
	Sender, Identifier string
	Sent               time.Time
}

func (r Reference) String() string {
	return r.Sender + "," + r.Identifier + "," + FormatTime(r.Sent)
}

// Header is what every alert says about itself.
type Header struct {
	Identifier  string    // unique for the sender
	Sender      string    // e.g. "hub@struna.example"
	Sent        time.Time // the caller's clock
	Status      string    // Actual or Exercise (or System, Test, Draft)
	MsgType     string    // Alert, Update or Cancel
	Scope       string    // Public or Restricted (or Private)
	Restriction string    // required for Restricted
	Addresses   string    // required for Private
	References  []Reference
	Incident    string
	Language    string // RFC 3066 tag, e.g. "en-US"; empty is CAP's default "en-US"
	SenderName  string
	Web         string
	Contact     string
	Expires     time.Time // zero: no expiry
}

// Building is a building whose placard is red, with the radius of the zone
// to keep clear around it.
type Building struct {
	ID       string
	Name     string
	Address  string
	Lat, Lon float64
	RadiusKm float64
	// Sides > 0 draws the zone as a polygon of that many sides (3 to 360)
	// containing the circle; 0 writes a CAP circle.
	Sides int
}

func fieldErr(rec, field, format string, args ...any) error {
	return &seis.FormatError{File: rec, Offset: -1, Record: -1, Field: field, Msg: fmt.Sprintf(format, args...)}
}

// checkToken checks CAP's rule for identifier, sender and references: no
// whitespace, comma, "<" or "&".
func checkToken(s string) string {
	if s == "" {
		return "is empty"
	}
	if !utf8.ValidString(s) {
		return "is not valid UTF-8"
	}
	for _, r := range s {
		if unicode.IsSpace(r) || r == ',' || r == '<' || r == '&' || unicode.IsControl(r) {
			return fmt.Sprintf("holds %q, which CAP forbids here", r)
		}
	}
	return ""
}

func checkText(s string) string {
	if !utf8.ValidString(s) {
		return "is not valid UTF-8"
	}
	for _, r := range s {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xfffe || r == 0xffff {
			return fmt.Sprintf("holds control character %U, which XML cannot carry", r)
		}
	}
	return ""
}

func (h Header) check() error {
	rec := "alert " + h.Identifier
	if e := checkToken(h.Identifier); e != "" {
		return fieldErr(rec, "identifier", "%s", e)
	}
	if e := checkToken(h.Sender); e != "" {
		return fieldErr(rec, "sender", "%s", e)
	}
	if h.Sent.IsZero() {
		return fieldErr(rec, "sent", "is missing")
	}
	switch h.Status {
	case Actual, Exercise, System, Test, Draft:
	default:
		return fieldErr(rec, "status", "%q is not Actual, Exercise, System, Test or Draft", h.Status)
	}
	switch h.MsgType {
	case MsgAlert:
		if len(h.References) > 0 {
			return fieldErr(rec, "references", "an Alert refers to no earlier message; use Update")
		}
	case MsgUpdate, MsgCancel:
		if len(h.References) == 0 {
			return fieldErr(rec, "references", "an %s names the earlier alerts it updates or cancels", h.MsgType)
		}
	default:
		return fieldErr(rec, "msgType", "%q is not Alert, Update or Cancel", h.MsgType)
	}
	for i, r := range h.References {
		for _, f := range []struct{ n, v string }{{"sender", r.Sender}, {"identifier", r.Identifier}} {
			if e := checkToken(f.v); e != "" {
				return fieldErr(rec, fmt.Sprintf("references[%d].%s", i, f.n), "%s", e)
			}
		}
		if r.Sent.IsZero() {
			return fieldErr(rec, fmt.Sprintf("references[%d].sent", i), "is missing")
		}
	}
	switch h.Scope {
	case Public:
	case Restricted:
		if strings.TrimSpace(h.Restriction) == "" {
			return fieldErr(rec, "restriction", "is required for a Restricted alert")
		}
	case Private:
		if strings.TrimSpace(h.Addresses) == "" {
			return fieldErr(rec, "addresses", "is required for a Private alert")
		}
	default:
		return fieldErr(rec, "scope", "%q is not Public, Restricted or Private", h.Scope)
	}
	for _, f := range []struct{ n, v string }{
		{"restriction", h.Restriction}, {"addresses", h.Addresses}, {"incidents", h.Incident}, {"language", h.Language},
		{"senderName", h.SenderName}, {"web", h.Web}, {"contact", h.Contact},
	} {
		if e := checkText(f.v); e != "" {
			return fieldErr(rec, f.n, "%s", e)
		}
	}
	if h.Incident != "" {
		if e := checkToken(h.Incident); e != "" {
			return fieldErr(rec, "incidents", "%s", e)
		}
	}
	if !h.Expires.IsZero() && !h.Expires.After(h.Sent) {
		return fieldErr(rec, "expires", "%s is not after sent %s", FormatTime(h.Expires), FormatTime(h.Sent))
	}
	return nil
}

// UnsafeBuildings is the alert for the hazard zones around red buildings,
// one area per building in the order given. A Cancel may list no
// buildings.
func UnsafeBuildings(h Header, bs []Building) (Alert, error) {
	if err := h.check(); err != nil {
		return Alert{}, err
	}
	rec := "alert " + h.Identifier
	if len(bs) == 0 && h.MsgType != MsgCancel {
		return Alert{}, fieldErr(rec, "info.area", "no building: an alert needs at least one area")
	}
	info := Info{
		Language:     h.Language,
		Category:     []string{"Geo", "Safety"},
		Event:        "Unsafe building",
		ResponseType: []string{"Avoid"},
		Urgency:      "Immediate",
		Severity:     "Severe",
		Certainty:    "Observed",
		SenderName:   h.SenderName,
		Web:          h.Web,
		Contact:      h.Contact,
	}
	if !h.Expires.IsZero() {
		info.Expires = FormatTime(h.Expires)
	}
	var names []string
	for i, b := range bs {
		field := fmt.Sprintf("buildings[%d]", i)
		if e := checkToken(b.ID); e != "" {
			return Alert{}, fieldErr(rec, field+".id", "%s", e)
		}
		for _, f := range []struct{ n, v string }{{"name", b.Name}, {"address", b.Address}} {
			if e := checkText(f.v); e != "" {
				return Alert{}, fieldErr(rec, field+"."+f.n, "%s", e)
			}
		}
		area := Area{AreaDesc: areaDesc(b)}
		var err error
		if b.Sides == 0 {
			var c string
			c, err = Circle(b.Lat, b.Lon, b.RadiusKm)
			area.Circle = []string{c}
		} else {
			var pts []LatLon
			pts, err = PolygonAround(b.Lat, b.Lon, b.RadiusKm, b.Sides)
			if err == nil {
				var p string
				p, err = Polygon(pts)
				area.Polygon = []string{p}
			}
		}
		if err != nil {
			return Alert{}, fieldErr(rec, field, "%v", err)
		}
		info.Area = append(info.Area, area)
		info.Parameter = append(info.Parameter, NamedValue{ValueName: "building_id", Value: b.ID})
		names = append(names, area.AreaDesc)
	}
	switch {
	case h.MsgType == MsgCancel:
		info.Headline = "Cancelled: unsafe building warning"
		info.Description = "The earlier warning is withdrawn."
		if len(names) > 0 {
			info.Description = "The warning is withdrawn for: " + strings.Join(names, "; ") + "."
		}
		info.ResponseType = []string{"AllClear"}
		info.Urgency, info.Severity, info.Certainty = "Past", "Minor", "Observed"
		info.Instruction = "Follow the instructions of the rescue teams on site."
	case len(bs) == 1:
		info.Headline = "Unsafe building: do not enter " + names[0]
		info.Description = "Inspectors placarded this building red (UNSAFE) after the earthquake: it may collapse in an aftershock. The zone around it is exposed to falling debris."
		info.Instruction = instruction(bs)
	default:
		info.Headline = fmt.Sprintf("%d unsafe buildings: do not enter", len(bs))
		info.Description = "Inspectors placarded these buildings red (UNSAFE) after the earthquake: they may collapse in an aftershock. The zones around them are exposed to falling debris: " + strings.Join(names, "; ") + "."
		info.Instruction = instruction(bs)
	}
	a := Alert{
		Identifier: h.Identifier, Sender: h.Sender, Sent: FormatTime(h.Sent), Status: h.Status, MsgType: h.MsgType,
		Scope: h.Scope, Restriction: h.Restriction, Addresses: h.Addresses, Incidents: h.Incident,
		Info: []Info{info},
	}
	if len(h.References) > 0 {
		refs := make([]string, len(h.References))
		for i, r := range h.References {
			refs[i] = r.String()
		}
		a.References = strings.Join(refs, " ")
	}
	if h.Scope == Public && h.Status == Exercise {
		a.Note = "Exercise: this is not a real alert."
	}
	return a, nil
}

func areaDesc(b Building) string {
	d := b.ID
	if b.Name != "" {
		d += " " + b.Name
	}
	if b.Address != "" {
		d += ", " + b.Address
	}
	return d
}

func instruction(bs []Building) string {
	r := 0.0
	for _, b := range bs {
		r = max(r, b.RadiusKm)
	}
	return fmt.Sprintf("Do not enter the building or the zone within %s m of it. Keep clear of facades. Follow the instructions of the rescue teams on site.",
		strconv.FormatFloat(r*1000, 'f', -1, 64))
}

// Marshal writes a as an XML document: the XML declaration, then the alert
// indented by two spaces, ending with a newline.
func (a Alert) Marshal() ([]byte, error) {
	b, err := xml.MarshalIndent(a, "", "  ")
	if err != nil {
		return nil, err
	}
	out := append([]byte(xml.Header), b...)
	return append(out, '\n'), nil
}

// LatLon is a WGS 84 point in degrees.
type LatLon struct{ Lat, Lon float64 }

func checkPoint(lat, lon float64) error {
	if math.IsNaN(lat) || lat < -90 || lat > 90 {
		return fmt.Errorf("lat: %v is not a latitude in [-90, 90]", lat)
	}
	if math.IsNaN(lon) || lon < -180 || lon > 180 {
		return fmt.Errorf("lon: %v is not a longitude in [-180, 180]", lon)
	}
	return nil
}

// coord writes a coordinate with 6 decimals (about 0.1 m), without
// trailing zeros.
func coord(v float64) string {
	s := strconv.FormatFloat(v, 'f', 6, 64)
	s = strings.TrimRight(s, "0")
	s = strings.TrimSuffix(s, ".")
	if s == "-0" {
		s = "0"
	}
	return s
}

func pair(lat, lon float64) string { return coord(lat) + "," + coord(lon) }

// Circle is a CAP circle: "lat,lon radius" with the radius in km.
func Circle(lat, lon, radiusKm float64) (string, error) {
	if err := checkPoint(lat, lon); err != nil {
		return "", err
	}
	if !(radiusKm > 0) || math.IsInf(radiusKm, 0) {
		return "", fmt.Errorf("radius: %v km is not a positive distance", radiusKm)
	}
	return pair(lat, lon) + " " + strconv.FormatFloat(radiusKm, 'f', -1, 64), nil
}

// Polygon is a CAP polygon: the points as space-separated "lat,lon" pairs,
// closed by repeating the first point if the last differs. At least three
// distinct points are needed.
func Polygon(pts []LatLon) (string, error) {
	if len(pts) > 0 && pair(pts[0].Lat, pts[0].Lon) == pair(pts[len(pts)-1].Lat, pts[len(pts)-1].Lon) {
		pts = pts[:len(pts)-1]
	}
	if len(pts) < 3 {
		return "", fmt.Errorf("polygon: %d distinct points, at least 3", len(pts))
	}
	var b strings.Builder
	for i, p := range pts {
		if err := checkPoint(p.Lat, p.Lon); err != nil {
			return "", fmt.Errorf("polygon point %d: %w", i, err)
		}
		b.WriteString(pair(p.Lat, p.Lon))
		b.WriteByte(' ')
	}
	b.WriteString(pair(pts[0].Lat, pts[0].Lon))
	return b.String(), nil
}

// EarthRadiusKm is the mean radius of the WGS 84 ellipsoid (IUGG R1).
const EarthRadiusKm = 6371.0088

// PolygonAround returns a regular polygon of n sides around (lat, lon)
// that contains the circle of radius radiusKm: its vertices are at
// radiusKm / cos(π/n) from the centre (on the sphere), the first due north,
// the others clockwise, so that the zone announced is never smaller than
// the circle. The polygon is not closed; Polygon closes it.
func PolygonAround(lat, lon, radiusKm float64, n int) ([]LatLon, error) {
	if err := checkPoint(lat, lon); err != nil {
		return nil, err
	}
	if n < 3 || n > 360 {
		return nil, fmt.Errorf("sides: %d, want 3 to 360", n)
	}
	if !(radiusKm > 0) || radiusKm > 100 {
		return nil, fmt.Errorf("radius: %v km, want more than 0 and at most 100", radiusKm)
	}
	if math.Abs(lat) > 89 {
		return nil, fmt.Errorf("lat: %v is too close to a pole for a polygon", lat)
	}
	d := radiusKm / math.Cos(math.Pi/float64(n)) / EarthRadiusKm // angular distance
	φ1, λ1 := lat*math.Pi/180, lon*math.Pi/180
	pts := make([]LatLon, n)
	for i := range pts {
		θ := 2 * math.Pi * float64(i) / float64(n)
		φ2 := math.Asin(math.Sin(φ1)*math.Cos(d) + math.Cos(φ1)*math.Sin(d)*math.Cos(θ))
		λ2 := λ1 + math.Atan2(math.Sin(θ)*math.Sin(d)*math.Cos(φ1), math.Cos(d)-math.Sin(φ1)*math.Sin(φ2))
		lon2 := math.Mod(λ2*180/math.Pi+540, 360) - 180
		pts[i] = LatLon{Lat: φ2 * 180 / math.Pi, Lon: lon2}
	}
	return pts, nil
}
