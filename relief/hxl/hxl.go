// Package hxl writes the tables of a relief operation — requests, offers,
// buildings — as CSV tagged with the Humanitarian Exchange Language, so
// that OCHA's Humanitarian Data Exchange, the HXL Proxy and the
// spreadsheets of the coordination cell read them without a mapping.
//
// The format is HXL 1.1 (HXL Working Group, "HXL standard 1.1", 2016,
// https://hxlstandard.org/standard/1-1final/): a CSV whose first row holds
// human-readable headers and whose second row holds a hashtag per column,
// such as #org, #sector, #item+type, #capacity, #status, #geo+lat,
// #geo+lon, #date, #adm1+name, #meta+id. A hashtag is "#" then a lower-case
// letter and letters, digits or "_"; each attribute is "+" then the same.
// Hashtags and attributes beyond HXL's core dictionary (such as +class,
// +eta, +requested) are allowed by the standard and listed on each table.
//
// CSV is written with encoding/csv (RFC 4180, comma, CRLF not used: "\n").
// A text cell that begins with "=", "+", "-", "@", tab or carriage return is
// prefixed with "'" so that a spreadsheet does not run it as a formula
// (CSV injection, OWASP); numeric and date cells are never altered.
//
// The tables hold what they are given: the caller filters records by
// visibility (package share) first. No table carries trapped persons.
//
// The package does no I/O and is deterministic.
package hxl

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/struna/struna/relief"
)

// Column is a column of an HXL table.
type Column struct {
	Header string // human-readable
	Tag    string // HXL hashtag with attributes, e.g. "#geo+lat"
	// Raw marks columns whose cells are numbers or dates written by this
	// package: they are not escaped against formula injection.
	Raw bool
}

// Table is an HXL table.
type Table struct {
	Columns []Column
	Rows    [][]string
}

var tagRE = regexp.MustCompile(`^#[a-z][a-z0-9_]*(\+[a-z][a-z0-9_]*)*$`)

// ValidTag reports whether tag is an HXL hashtag with attributes.
func ValidTag(tag string) bool { return tagRE.MatchString(tag) }

// CSV writes t: the header row, the hashtag row, then the rows.
func (t Table) CSV() ([]byte, error) {
	for i, c := range t.Columns {
		if !ValidTag(c.Tag) {
			return nil, fmt.Errorf("hxl: column %d (%s): %q is not an HXL hashtag", i, c.Header, c.Tag)
		}
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	row := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		row[i] = c.Header
	}
	_ = w.Write(row) // writes to a bytes.Buffer do not fail
	for i, c := range t.Columns {
		row[i] = c.Tag
	}
	_ = w.Write(row)
	for r, cells := range t.Rows {
		if len(cells) != len(t.Columns) {
			return nil, fmt.Errorf("hxl: row %d has %d cells for %d columns", r, len(cells), len(t.Columns))
		}
		for i, c := range cells {
			if !t.Columns[i].Raw {
				c = defuse(c)
			}
			row[i] = c
		}
		_ = w.Write(row)
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

// defuse prefixes a cell that a spreadsheet would take for a formula.
func defuse(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// Sector is the humanitarian sector of a resource kind, as HXL's #sector
// writes it: IASC cluster names where one fits (Health, Logistics,
// Shelter), "Search and Rescue" for USAR (coordinated by INSARAG, outside
// the clusters).
func Sector(k relief.ResourceKind) string {
	switch k {
	case relief.USARTeam:
		return "Search and Rescue"
	case relief.MedicalTeam:
		return "Health"
	case relief.DiagnosticsTeam:
		return "Shelter"
	case relief.Aircraft, relief.Equipment, relief.Supplies:
		return "Logistics"
	}
	return "Other"
}

// RequestColumns are the columns of Requests.
var requestColumns = []Column{
	{"Request", "#meta+id", false},
	{"Sent", "#date+reported", true},
	{"Requesting organisation", "#org+requesting", false},
	{"Sector", "#sector", false},
	{"Resource kind", "#item+type", false},
	{"INSARAG class (minimum)", "#item+class", false},
	{"Resource wanted", "#item+name", false},
	{"Priority", "#meta+priority", false},
	{"Quantity requested", "#capacity+requested", true},
	{"Quantity committed", "#capacity+committed", true},
	{"Quantity arrived", "#capacity+arrived", true},
	{"Fulfilment", "#status+fulfilment", false},
	{"Needed by", "#date+needed", true},
	{"Place", "#loc+name", false},
	{"Province", "#adm1+name", false},
	{"Latitude", "#geo+lat", true},
	{"Longitude", "#geo+lon", true},
}

// Requests is the table of requests, one row per thread state in the
// order given.
func Requests(states []relief.State) Table {
	t := Table{Columns: requestColumns}
	for _, s := range states {
		r := s.Request
		want := r.Resource.Type
		if want == "" {
			want = r.Resource.Description
		}
		t.Rows = append(t.Rows, []string{
			s.RequestID, date(s.Sent), s.From, Sector(r.Resource.Kind), string(r.Resource.Kind), string(r.Resource.Class),
			want, string(r.Priority), strconv.Itoa(s.Requested), strconv.Itoa(s.Committed), strconv.Itoa(s.Arrived),
			string(s.Fulfilment), date(r.NeededBy), r.Location.Place, r.Location.Admin1, num(r.Location.Lat), num(r.Location.Lon),
		})
	}
	return t
}

var offerColumns = []Column{
	{"Offer", "#meta+id", false},
	{"Request", "#meta+request", false},
	{"Sent", "#date+reported", true},
	{"Offering organisation", "#org+offering", false},
	{"Sector", "#sector", false},
	{"Resource kind", "#item+type", false},
	{"INSARAG class", "#item+class", false},
	{"Resource id", "#item+code", false},
	{"Resource name", "#item+name", false},
	{"Model or type", "#item+model", false},
	{"Quantity", "#capacity", true},
	{"Persons", "#capacity+persons", true},
	{"Capabilities", "#description+capabilities", false},
	{"Status", "#status", false},
	{"ETA", "#date+eta", true},
	{"Already in region", "#meta+in_region", false},
	{"Duplicate", "#meta+duplicate", false},
}

// Offers is the table of offers: those of the thread states in order, then
// the loose offers (not yet linked to a request); flags (from
// relief.FlagDuplicates) fill the Duplicate column.
func Offers(states []relief.State, loose []relief.Message, flags []relief.Flag) Table {
	dup := map[string]string{}
	for _, f := range flags {
		dup[f.OfferID] = fmt.Sprintf("%s (%s): %s", f.Rule, f.Of, f.Reason)
	}
	t := Table{Columns: offerColumns}
	add := func(o relief.OfferState) {
		r := o.Resource
		size := ""
		if r.Size > 0 {
			size = strconv.Itoa(r.Size)
		}
		t.Rows = append(t.Rows, []string{
			o.OfferID, o.RequestID, date(o.Sent), o.Org, Sector(r.Kind), string(r.Kind), string(r.Class), r.ID, r.Name, r.Type,
			strconv.Itoa(o.Quantity), size, strings.Join(r.Capabilities, "; "), string(o.Status), date(o.ETA),
			yes(o.InRegion), dup[o.OfferID],
		})
	}
	for _, s := range states {
		for _, o := range s.Offers {
			add(o)
		}
	}
	for _, m := range loose {
		if !m.Type.IsOffer() || m.Offer == nil {
			continue
		}
		eta := m.Offer.ETA
		if eta.IsZero() {
			eta = m.Sent
		}
		add(relief.OfferState{OfferID: m.ID, RequestID: m.RequestID, Sent: m.Sent, Org: m.From, Resource: m.Offer.Resource,
			Quantity: m.Offer.Quantity, Status: relief.OfferOffered, ETA: eta, InRegion: m.Offer.InRegion})
	}
	return t
}

// Building is a row of the buildings table.
type Building struct {
	ID       string
	Name     string
	Placard  string // green, yellow, red, or empty if not assessed
	Category string // normative, working, limited, emergency
	Assessed time.Time
	Team     string // team assigned to the worksite
	Admin1   string
	Lat, Lon float64
}

var buildingColumns = []Column{
	{"Building", "#loc+code", false},
	{"Name", "#loc+name", false},
	{"Placard", "#status+placard", false},
	{"Technical condition", "#status+condition", false},
	{"Assessed", "#date+assessed", true},
	{"Assigned team", "#org+assigned", false},
	{"Province", "#adm1+name", false},
	{"Latitude", "#geo+lat", true},
	{"Longitude", "#geo+lon", true},
}

// Buildings is the table of buildings in the order given.
func Buildings(bs []Building) Table {
	t := Table{Columns: buildingColumns}
	for _, b := range bs {
		t.Rows = append(t.Rows, []string{b.ID, b.Name, b.Placard, b.Category, date(b.Assessed), b.Team, b.Admin1, num(b.Lat), num(b.Lon)})
	}
	return t
}
