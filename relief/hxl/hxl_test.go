package hxl

import (
	"bytes"
	"encoding/csv"
	"flag"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/struna/struna/relief"
	"github.com/struna/struna/relief/share"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var t0 = time.Date(2023, 2, 6, 6, 0, 0, 0, time.UTC)

func at(h float64) time.Time { return t0.Add(time.Duration(h * float64(time.Hour))) }

func thread(t *testing.T) relief.Thread {
	t.Helper()
	vis := share.Parties
	th, err := relief.NewThread(relief.Message{ID: "R-1", Type: relief.RequestResource, Sent: t0, From: "TR-AFAD", Visibility: vis,
		Request: &relief.Request{Resource: relief.ResourceSpec{Kind: relief.USARTeam, Class: relief.Medium, Description: "collapsed RC frames"},
			Quantity: 2, Location: relief.Location{Lat: 37.5858, Lon: 36.9371, Place: "Kahramanmaraş, \"centre\"", Admin1: "Kahramanmaraş"},
			NeededBy: at(24), Priority: relief.Urgent}})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []relief.Message{
		{ID: "O-1", Type: relief.ResponseToRequestResource, Sent: at(1), From: "RU-EMERCOM", RequestID: "R-1", Visibility: vis,
			Offer: &relief.Offer{Resource: relief.Resource{Kind: relief.USARTeam, ID: "RUS-1", Name: "EMERCOM rescue detachment", Class: relief.Heavy, Size: 60,
				Capabilities: []string{"search dogs", "heavy lifting"}}, Quantity: 1, ETA: at(14)}},
		{ID: "O-2", Type: relief.ResponseToRequestResource, Sent: at(2), From: `=HYPERLINK("http://evil.example")`, RequestID: "R-1", Visibility: vis,
			Offer: &relief.Offer{Resource: relief.Resource{Kind: relief.USARTeam, ID: "RUS-1", Name: "-rescuers, \"the best\"\nline two", Class: relief.Heavy},
				Quantity: 1, ETA: at(15)}},
		{ID: "D-1", Type: relief.RequisitionResource, Sent: at(3), From: "TR-AFAD", RequestID: "R-1", OfferID: "O-1", Visibility: vis, Decision: &relief.Decision{Accept: true}},
		{ID: "C-1", Type: relief.CommitResource, Sent: at(4), From: "RU-EMERCOM", RequestID: "R-1", OfferID: "O-1", Visibility: vis, Commit: &relief.Commitment{}},
	} {
		if th, err = th.Append(m); err != nil {
			t.Fatal(err)
		}
	}
	return th
}

func read(t *testing.T, b []byte) [][]string {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(b))
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v", err)
	}
	if len(rows) < 2 {
		t.Fatalf("%d rows, want the header and hashtag rows", len(rows))
	}
	for _, tag := range rows[1] {
		if !hashtag(tag) {
			t.Errorf("%q is not an HXL hashtag", tag)
		}
	}
	return rows
}

// hashtag checks HXL 1.1's hashtag syntax character by character.
func hashtag(s string) bool {
	parts := strings.Split(s, "+")
	if !strings.HasPrefix(parts[0], "#") {
		return false
	}
	parts[0] = parts[0][1:]
	for _, p := range parts {
		if p == "" || p[0] < 'a' || p[0] > 'z' {
			return false
		}
		for _, c := range p {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
				return false
			}
		}
	}
	return true
}

func column(t *testing.T, rows [][]string, tag string) int {
	t.Helper()
	i := slices.Index(rows[1], tag)
	if i < 0 {
		t.Fatalf("no %s column in %v", tag, rows[1])
	}
	return i
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

func TestRequests(t *testing.T) {
	st := thread(t).State()
	b, err := Requests([]relief.State{st}).CSV()
	if err != nil {
		t.Fatal(err)
	}
	rows := read(t, b)
	golden(t, "requests.csv", b)
	if len(rows) != 3 {
		t.Fatalf("%d rows", len(rows))
	}
	for _, base := range []string{"#meta+id", "#org+requesting", "#sector", "#item+type", "#geo+lat", "#geo+lon", "#adm1+name", "#status+fulfilment"} {
		column(t, rows, base)
	}
	r := rows[2]
	check := map[string]string{
		"#meta+id": "R-1", "#geo+lat": "37.5858", "#geo+lon": "36.9371", "#capacity+requested": "2", "#capacity+committed": "1",
		"#status+fulfilment": "partial", "#sector": "Search and Rescue", "#loc+name": "Kahramanmaraş, \"centre\"",
		"#date+needed": "2023-02-07T06:00:00Z", "#item+name": "collapsed RC frames",
	}
	for tag, want := range check {
		if got := r[column(t, rows, tag)]; got != want {
			t.Errorf("%s = %q, want %q", tag, got, want)
		}
	}
}

func TestOffers(t *testing.T) {
	th := thread(t)
	st := th.State()
	loose := relief.Message{ID: "O-9", Type: relief.OfferUnsolicitedResource, Sent: at(5), From: "IL-IDF", Visibility: share.Parties,
		Offer: &relief.Offer{Resource: relief.Resource{Kind: relief.MedicalTeam, Type: "EMT 2"}, Quantity: 1, InRegion: true}}
	flags := relief.FlagDuplicates([]relief.Thread{th}, []relief.Message{loose}, relief.DuplicateRules{ETATolerance: relief.DefaultETATolerance})
	b, err := Offers([]relief.State{st}, []relief.Message{loose}, flags).CSV()
	if err != nil {
		t.Fatal(err)
	}
	rows := read(t, b)
	golden(t, "offers.csv", b)
	if len(rows) != 5 {
		t.Fatalf("%d rows, want 2 + 3 offers", len(rows))
	}
	org, name, dup, cap_ := column(t, rows, "#org+offering"), column(t, rows, "#item+name"), column(t, rows, "#meta+duplicate"), column(t, rows, "#capacity")
	if got := rows[3][org]; got != `'=HYPERLINK("http://evil.example")` {
		t.Errorf("formula not defused: %q", got)
	}
	if got := rows[3][name]; got != "'-rescuers, \"the best\"\nline two" {
		t.Errorf("name cell %q", got)
	}
	if !strings.HasPrefix(rows[3][dup], "same_resource (O-1)") || rows[2][dup] != "" {
		t.Errorf("duplicate column: %q %q", rows[2][dup], rows[3][dup])
	}
	if rows[4][0] != "O-9" || rows[4][column(t, rows, "#meta+in_region")] != "yes" || rows[4][column(t, rows, "#sector")] != "Health" ||
		rows[4][column(t, rows, "#date+eta")] != "2023-02-06T11:00:00Z" || rows[2][cap_] != "1" || rows[2][column(t, rows, "#status")] != "committed" {
		t.Errorf("rows: %q", rows[2:])
	}
}

func TestBuildings(t *testing.T) {
	b, err := Buildings([]Building{
		{ID: "C-6", Name: "Block B", Placard: "red", Category: "emergency", Assessed: at(30), Team: "RUS-1", Admin1: "Kahramanmaraş", Lat: 37.5858, Lon: 36.9371},
		{ID: "W-1", Name: "@west", Lat: -33.45, Lon: -70.66}, // negative coordinates are numbers, not formulas
	}).CSV()
	if err != nil {
		t.Fatal(err)
	}
	rows := read(t, b)
	golden(t, "buildings.csv", b)
	lat, lon := column(t, rows, "#geo+lat"), column(t, rows, "#geo+lon")
	if rows[2][lat] != "37.5858" || rows[2][lon] != "36.9371" || rows[3][lat] != "-33.45" || rows[3][lon] != "-70.66" {
		t.Errorf("coordinates: %q %q", rows[2], rows[3])
	}
	if rows[3][column(t, rows, "#loc+name")] != "'@west" || rows[3][column(t, rows, "#date+assessed")] != "" {
		t.Errorf("row %q", rows[3])
	}
}

func TestTableErrors(t *testing.T) {
	if _, err := (Table{Columns: []Column{{"A", "#Org", false}}}).CSV(); err == nil {
		t.Error("upper-case hashtag accepted")
	}
	if _, err := (Table{Columns: []Column{{"A", "#org+", false}}}).CSV(); err == nil {
		t.Error("empty attribute accepted")
	}
	if _, err := (Table{Columns: []Column{{"A", "#org", false}}, Rows: [][]string{{"x", "y"}}}).CSV(); err == nil {
		t.Error("ragged row accepted")
	}
	for _, tag := range []string{"#org", "#geo+lat", "#adm1+name", "#meta+in_region"} {
		if !ValidTag(tag) || !hashtag(tag) {
			t.Errorf("%s rejected", tag)
		}
	}
}
