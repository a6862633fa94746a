package cap

import (
	"bytes"
	"encoding/xml"
	"errors"
	"flag"
	"io"
	"math"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/struna/struna/seis"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// Kahramanmaraş: latitude and longitude differ by more than half a degree,
// so a swap shows.
const lat0, lon0 = 37.5858, 36.9371

func header() Header {
	return Header{
		Identifier: "struna-TR-2023-EQ-unsafe-0001", Sender: "hub@struna.example",
		Sent:   time.Date(2023, 2, 7, 9, 30, 15, 0, time.FixedZone("TRT", 3*3600)),
		Status: Exercise, MsgType: MsgAlert, Scope: Public, Incident: "TR-2023-EQ",
		Language: "en-US", SenderName: "Struna coordination hub, Kahramanmaraş", Contact: "+90 000 000 00 00",
		Expires: time.Date(2023, 2, 8, 9, 30, 15, 0, time.FixedZone("TRT", 3*3600)),
	}
}

func buildings() []Building {
	return []Building{
		{ID: "C-6", Name: "Apartment block B", Address: "Dulkadiroğlu", Lat: lat0, Lon: lon0, RadiusKm: 0.05},
		{ID: "C-9", Name: "School <No. 4> & gym", Lat: 37.5790, Lon: 36.9260, RadiusKm: 0.08, Sides: 8},
	}
}

func TestCircleOrder(t *testing.T) {
	c, err := Circle(lat0, lon0, 0.05)
	if err != nil {
		t.Fatal(err)
	}
	if c != "37.5858,36.9371 0.05" {
		t.Errorf("circle %q, want latitude first: \"37.5858,36.9371 0.05\"", c)
	}
	for _, bad := range [][3]float64{{91, 0, 1}, {0, 181, 1}, {math.NaN(), 0, 1}, {0, 0, 0}, {0, 0, -1}, {0, 0, math.Inf(1)}} {
		if _, err := Circle(bad[0], bad[1], bad[2]); err == nil {
			t.Errorf("Circle%v accepted", bad)
		}
	}
}

// haversine is the great-circle distance in km, written out here
// independently of PolygonAround.
func haversine(lat1, lon1, lat2, lon2 float64) float64 {
	r := math.Pi / 180
	dφ, dλ := (lat2-lat1)*r, (lon2-lon1)*r
	a := math.Sin(dφ/2)*math.Sin(dφ/2) + math.Cos(lat1*r)*math.Cos(lat2*r)*math.Sin(dλ/2)*math.Sin(dλ/2)
	return 2 * EarthRadiusKm * math.Asin(math.Sqrt(a))
}

func parsePolygon(t *testing.T, s string) []LatLon {
	t.Helper()
	var pts []LatLon
	for _, p := range strings.Split(s, " ") {
		la, lo, ok := strings.Cut(p, ",")
		if !ok {
			t.Fatalf("pair %q has no comma", p)
		}
		lat, err1 := strconv.ParseFloat(la, 64)
		lon, err2 := strconv.ParseFloat(lo, 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("pair %q: %v %v", p, err1, err2)
		}
		pts = append(pts, LatLon{lat, lon})
	}
	return pts
}

func TestPolygonAround(t *testing.T) {
	const r, n = 0.05, 8
	pts, err := PolygonAround(lat0, lon0, r, n)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Polygon(pts)
	if err != nil {
		t.Fatal(err)
	}
	got := parsePolygon(t, s)
	if len(got) != n+1 {
		t.Fatalf("%d pairs, want %d (closed)", len(got), n+1)
	}
	if got[0] != got[n] {
		t.Errorf("not closed: first %v last %v", got[0], got[n])
	}
	// The first vertex is due north: higher latitude, same longitude. Read
	// in the wrong order it would be due east.
	if !(got[0].Lat > lat0) || math.Abs(got[0].Lon-lon0) > 1e-6 {
		t.Errorf("first vertex %v is not due north of %v,%v: coordinates not in lat,lon order", got[0], lat0, lon0)
	}
	// The third (90°) is due east.
	if !(got[2].Lon > lon0) || math.Abs(got[2].Lat-lat0) > 1e-5 {
		t.Errorf("third vertex %v is not due east", got[2])
	}
	want := r / math.Cos(math.Pi/n)
	for i, p := range got[:n] {
		d := haversine(lat0, lon0, p.Lat, p.Lon)
		if math.Abs(d-want) > 2e-4 { // 6-decimal rounding is ~0.1 m
			t.Errorf("vertex %d at %.6f km, want %.6f", i, d, want)
		}
	}
	// The middle of each side is no closer than r: the polygon contains the circle.
	for i := range n {
		a, b := got[i], got[i+1]
		if d := haversine(lat0, lon0, (a.Lat+b.Lat)/2, (a.Lon+b.Lon)/2); d < r-2e-4 {
			t.Errorf("side %d passes %.6f km from the centre, inside the %.3f km circle", i, d, r)
		}
	}
	for _, bad := range []struct {
		lat, lon, r float64
		n           int
	}{{lat0, lon0, r, 2}, {lat0, lon0, r, 361}, {lat0, lon0, 0, 8}, {lat0, lon0, 101, 8}, {89.5, 0, r, 8}, {lat0, 200, r, 8}} {
		if _, err := PolygonAround(bad.lat, bad.lon, bad.r, bad.n); err == nil {
			t.Errorf("PolygonAround%+v accepted", bad)
		}
	}
	// Across the antimeridian the longitudes stay in [-180, 180].
	pts, _ = PolygonAround(0, 179.9999, 1, 4)
	for _, p := range pts {
		if p.Lon < -180 || p.Lon > 180 {
			t.Errorf("longitude %v out of range", p.Lon)
		}
	}
}

func TestPolygon(t *testing.T) {
	open := []LatLon{{37.5, 36.9}, {37.6, 36.9}, {37.6, 37.0}}
	closed := append(slices.Clone(open), open[0])
	a, err := Polygon(open)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Polygon(closed)
	if err != nil {
		t.Fatal(err)
	}
	if a != "37.5,36.9 37.6,36.9 37.6,37 37.5,36.9" || a != b {
		t.Errorf("Polygon(open) = %q, Polygon(closed) = %q", a, b)
	}
	if _, err := Polygon(open[:2]); err == nil {
		t.Error("two points accepted")
	}
	if _, err := Polygon(append(open[:2:2], open[0])); err == nil {
		t.Error("two distinct points closed accepted")
	}
	if _, err := Polygon([]LatLon{{1, 2}, {91, 2}, {1, 3}}); err == nil {
		t.Error("latitude 91 accepted")
	}
}

func TestFormatTime(t *testing.T) {
	for _, tc := range []struct {
		t    time.Time
		want string
	}{
		{time.Date(2023, 2, 6, 1, 17, 34, 999e6, time.UTC), "2023-02-06T01:17:34-00:00"},
		{time.Date(2023, 2, 6, 4, 17, 34, 0, time.FixedZone("TRT", 3*3600)), "2023-02-06T04:17:34+03:00"},
		{time.Date(2002, 5, 24, 16, 49, 0, 0, time.FixedZone("PDT", -7*3600)), "2002-05-24T16:49:00-07:00"},
	} {
		if got := FormatTime(tc.t); got != tc.want {
			t.Errorf("FormatTime(%v) = %q, want %q", tc.t, got, tc.want)
		}
	}
}

func TestHeaderErrors(t *testing.T) {
	tests := []struct {
		field string
		edit  func(h *Header, bs *[]Building)
	}{
		{"identifier", func(h *Header, _ *[]Building) { h.Identifier = "a b" }},
		{"identifier", func(h *Header, _ *[]Building) { h.Identifier = "a,b" }},
		{"sender", func(h *Header, _ *[]Building) { h.Sender = "hub&co" }},
		{"sender", func(h *Header, _ *[]Building) { h.Sender = "" }},
		{"sent", func(h *Header, _ *[]Building) { h.Sent = time.Time{} }},
		{"status", func(h *Header, _ *[]Building) { h.Status = "actual" }},
		{"msgType", func(h *Header, _ *[]Building) { h.MsgType = "Ack" }},
		{"references", func(h *Header, _ *[]Building) { h.MsgType = MsgUpdate }},
		{"references", func(h *Header, _ *[]Building) {
			h.References = []Reference{{"hub@struna.example", "x", time.Now()}}
		}},
		{"references[0].identifier", func(h *Header, _ *[]Building) {
			h.MsgType, h.References = MsgCancel, []Reference{{"hub@struna.example", "x y", h.Sent}}
		}},
		{"scope", func(h *Header, _ *[]Building) { h.Scope = "Everyone" }},
		{"restriction", func(h *Header, _ *[]Building) { h.Scope = Restricted }},
		{"addresses", func(h *Header, _ *[]Building) { h.Scope = Private }},
		{"expires", func(h *Header, _ *[]Building) { h.Expires = h.Sent }},
		{"info.area", func(_ *Header, bs *[]Building) { *bs = nil }},
		{"buildings[1].id", func(_ *Header, bs *[]Building) { (*bs)[1].ID = "C 9" }},
		{"buildings[0]", func(_ *Header, bs *[]Building) { (*bs)[0].Lat = -95 }},
		{"buildings[1]", func(_ *Header, bs *[]Building) { (*bs)[1].Sides = 2 }},
		{"buildings[0].name", func(_ *Header, bs *[]Building) { (*bs)[0].Name = "bad\x01" }},
	}
	for _, tc := range tests {
		h, bs := header(), buildings()
		tc.edit(&h, &bs)
		_, err := UnsafeBuildings(h, bs)
		var fe *seis.FormatError
		if !errors.As(err, &fe) || fe.Field != tc.field {
			t.Errorf("%s: error %v", tc.field, err)
		}
	}
}

// The CAP 1.2 schema's sequences (CAP-v1.2.xsd, §3.2).
var (
	alertOrder = []string{"identifier", "sender", "sent", "status", "msgType", "source", "scope", "restriction",
		"addresses", "code", "note", "references", "incidents", "info"}
	infoOrder = []string{"language", "category", "event", "responseType", "urgency", "severity", "certainty",
		"audience", "eventCode", "effective", "onset", "expires", "senderName", "headline", "description",
		"instruction", "web", "contact", "parameter", "resource", "area"}
	areaOrder = []string{"areaDesc", "polygon", "circle", "geocode", "altitude", "ceiling"}
	required  = map[string][]string{
		"alert": {"identifier", "sender", "sent", "status", "msgType", "scope"},
		"info":  {"category", "event", "urgency", "severity", "certainty"},
		"area":  {"areaDesc"},
	}
)

// checkDocument parses doc token by token (well-formedness), checks the
// namespace of every element and the order and presence of children.
func checkDocument(t *testing.T, doc []byte) {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(doc))
	type frame struct {
		name string
		kids []string
	}
	var stack []frame
	orders := map[string][]string{"alert": alertOrder, "info": infoOrder, "area": areaOrder}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed: %v", err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			if e.Name.Space != Namespace {
				t.Errorf("<%s> in namespace %q", e.Name.Local, e.Name.Space)
			}
			if len(stack) > 0 {
				stack[len(stack)-1].kids = append(stack[len(stack)-1].kids, e.Name.Local)
			} else if e.Name.Local != "alert" {
				t.Errorf("root is <%s>", e.Name.Local)
			}
			stack = append(stack, frame{name: e.Name.Local})
		case xml.EndElement:
			f := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if order, ok := orders[f.name]; ok {
				last := -1
				for _, k := range f.kids {
					i := slices.Index(order, k)
					if i < 0 {
						t.Errorf("<%s> is not a child of <%s> in CAP 1.2", k, f.name)
					} else if i < last {
						t.Errorf("<%s> out of order in <%s>: %v", k, f.name, f.kids)
					} else {
						last = i
					}
				}
				for _, r := range required[f.name] {
					if !slices.Contains(f.kids, r) {
						t.Errorf("<%s> lacks required <%s>", f.name, r)
					}
				}
			}
		}
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := "testdata/" + name
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\n%s", name, got)
	}
}

func TestUnsafeBuildingsDocument(t *testing.T) {
	a, err := UnsafeBuildings(header(), buildings())
	if err != nil {
		t.Fatal(err)
	}
	doc, err := a.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	checkDocument(t, doc)
	golden(t, "unsafe_buildings.xml", doc)

	s := string(doc)
	for _, want := range []string{
		`<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">`,
		"<sent>2023-02-07T09:30:15+03:00</sent>",
		"<status>Exercise</status>", "<msgType>Alert</msgType>", "<scope>Public</scope>",
		"<category>Geo</category>", "<category>Safety</category>", "<event>Unsafe building</event>",
		"<responseType>Avoid</responseType>", "<urgency>Immediate</urgency>", "<severity>Severe</severity>",
		"<certainty>Observed</certainty>", "<instruction>Do not enter",
		"<circle>37.5858,36.9371 0.05</circle>",
		"School &lt;No. 4&gt; &amp; gym",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("document lacks %s", want)
		}
	}

	// Round trip through encoding/xml.
	var back Alert
	if err := xml.Unmarshal(doc, &back); err != nil {
		t.Fatal(err)
	}
	a.XMLName = xml.Name{Space: Namespace, Local: "alert"}
	if !reflect.DeepEqual(a, back) {
		t.Errorf("round trip differs:\n%+v\n%+v", a, back)
	}
	poly := parsePolygon(t, back.Info[0].Area[1].Polygon[0])
	if len(poly) != 9 || poly[0] != poly[8] || !(poly[0].Lat > 37.5790) {
		t.Errorf("C-9 polygon %v", poly)
	}
}

func TestCancel(t *testing.T) {
	h := header()
	first := h
	h.Identifier, h.MsgType, h.Scope, h.Restriction = "struna-TR-2023-EQ-unsafe-0002", MsgCancel, Restricted, "coordination cell and rescue teams"
	h.Sent = h.Sent.Add(6 * time.Hour).UTC()
	h.References = []Reference{{first.Sender, first.Identifier, first.Sent}}
	a, err := UnsafeBuildings(h, buildings()[:1])
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := a.Marshal()
	checkDocument(t, doc)
	golden(t, "cancel.xml", doc)
	if a.References != "hub@struna.example,struna-TR-2023-EQ-unsafe-0001,2023-02-07T09:30:15+03:00" {
		t.Errorf("references %q", a.References)
	}
	if a.Sent != "2023-02-07T12:30:15-00:00" {
		t.Errorf("sent %q", a.Sent)
	}
}
