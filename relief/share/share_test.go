package share

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestCanSee(t *testing.T) {
	p := Policy{Parties: []string{"TR-AFAD", "RU-EMERCOM", "UN-OCHA"}}
	anon := Viewer{}
	observer := Viewer{Org: "PRESS", Role: Observer}
	observerOfParty := Viewer{Org: "RU-EMERCOM", Role: Observer}
	owner := Viewer{Org: "TR-AFAD", Role: Member}
	ownerCoord := Viewer{Org: "TR-AFAD", Role: Coordinator}
	party := Viewer{Org: "RU-EMERCOM", Role: Member}
	partyCoord := Viewer{Org: "UN-OCHA", Role: Coordinator}
	outsider := Viewer{Org: "ACME", Role: Member}
	unknownRole := Viewer{Org: "TR-AFAD", Role: "admin"}
	unlistedOwner := Policy{Parties: []string{"RU-EMERCOM"}}

	tests := []struct {
		name   string
		p      Policy
		v      Viewer
		owner  string
		vis    Visibility
		expect bool
	}{
		{"public/anonymous", p, anon, "TR-AFAD", Public, true},
		{"public/observer", p, observer, "TR-AFAD", Public, true},
		{"public/outsider", p, outsider, "TR-AFAD", Public, true},
		{"public/no owner", p, anon, "", Public, true},

		{"parties/anonymous", p, anon, "TR-AFAD", Parties, false},
		{"parties/observer", p, observer, "TR-AFAD", Parties, false},
		{"parties/observer of a party org", p, observerOfParty, "TR-AFAD", Parties, false},
		{"parties/owner", p, owner, "TR-AFAD", Parties, true},
		{"parties/other party", p, party, "TR-AFAD", Parties, true},
		{"parties/other party coordinator", p, partyCoord, "TR-AFAD", Parties, true},
		{"parties/non-party org", p, outsider, "TR-AFAD", Parties, false},
		{"parties/owner not listed as party", unlistedOwner, owner, "TR-AFAD", Parties, true},
		{"parties/unknown role", p, unknownRole, "TR-AFAD", Parties, false},

		{"org/anonymous", p, anon, "TR-AFAD", Org, false},
		{"org/observer", p, observer, "TR-AFAD", Org, false},
		{"org/owner member", p, owner, "TR-AFAD", Org, true},
		{"org/owner coordinator", p, ownerCoord, "TR-AFAD", Org, true},
		{"org/other party", p, party, "TR-AFAD", Org, false},
		{"org/other party coordinator", p, partyCoord, "TR-AFAD", Org, false},
		{"org/outsider", p, outsider, "TR-AFAD", Org, false},
		{"org/no owner", p, owner, "", Org, false},
		{"org/observer of owner org", p, Viewer{Org: "TR-AFAD", Role: Observer}, "TR-AFAD", Org, false},

		{"empty vis is org/owner", p, owner, "TR-AFAD", "", true},
		{"empty vis is org/party", p, party, "TR-AFAD", "", false},
		{"empty vis is org/anonymous", p, anon, "TR-AFAD", "", false},
		{"unknown vis/party", p, party, "TR-AFAD", "everyone", false},
		{"unknown vis/anonymous", p, anon, "TR-AFAD", "everyone", false},
	}
	for _, tc := range tests {
		if got := tc.p.CanSee(tc.v, tc.owner, tc.vis); got != tc.expect {
			t.Errorf("%s: CanSee(%+v, %q, %q) = %v, want %v", tc.name, tc.v, tc.owner, tc.vis, got, tc.expect)
		}
	}
}

func TestPublic(t *testing.T) {
	p := Policy{Parties: []string{"X"}}
	for _, tc := range []struct {
		v    Viewer
		want bool
	}{
		{Viewer{}, true},
		{Viewer{Role: Member}, true}, // a member of no organisation acts for no one
		{Viewer{Org: "X", Role: Observer}, true},
		{Viewer{Org: "X", Role: "root"}, true},
		{Viewer{Org: "Y", Role: Member}, true}, // not a party
		{Viewer{Org: "X", Role: Member}, false},
		{Viewer{Org: "X", Role: Coordinator}, false},
	} {
		if got := p.Public(tc.v); got != tc.want {
			t.Errorf("Public(%+v) = %v, want %v", tc.v, got, tc.want)
		}
	}
}

type building struct {
	ID      string
	Owner   string
	Vis     Visibility
	Trapped Trapped
}

func (b building) Access() (string, Visibility) { return b.Owner, b.Vis }

func TestFilter(t *testing.T) {
	p := Policy{Parties: []string{"A", "B"}}
	recs := []building{
		{"B-1", "A", Public, Trapped{Count: 2, Locations: []Point{{37.1, 36.2}}, Note: "voices in basement"}},
		{"B-2", "A", Parties, Trapped{Count: 1}},
		{"B-3", "A", Org, Trapped{}},
		{"B-4", "B", Public, Trapped{}},
	}
	pub := func(b building) building { b.Trapped = b.Trapped.Public(); return b }
	ids := func(bs []building) string {
		var s []string
		for _, b := range bs {
			s = append(s, b.ID)
		}
		return strings.Join(s, ",")
	}

	got := Filter(p, Viewer{}, recs, pub)
	if ids(got) != "B-1,B-4" {
		t.Fatalf("anonymous sees %s, want B-1,B-4", ids(got))
	}
	if got[0].Trapped.Known() {
		t.Errorf("anonymous sees trapped persons of B-1: %+v", got[0].Trapped)
	}
	if recs[0].Trapped.Count != 2 || len(recs[0].Trapped.Locations) != 1 {
		t.Errorf("Filter modified its input: %+v", recs[0].Trapped)
	}

	got = Filter(p, Viewer{Org: "B", Role: Member}, recs, pub)
	if ids(got) != "B-1,B-2,B-4" {
		t.Fatalf("party B sees %s, want B-1,B-2,B-4", ids(got))
	}
	if got[0].Trapped.Count != 2 || len(got[0].Trapped.Locations) != 1 {
		t.Errorf("a party lost the trapped persons of B-1: %+v", got[0].Trapped)
	}

	if got := Filter(p, Viewer{Org: "A", Role: Coordinator}, recs, pub); ids(got) != "B-1,B-2,B-3,B-4" {
		t.Errorf("owner A sees %s, want all four", ids(got))
	}
	got = Filter(p, Viewer{Org: "C", Role: Member}, recs, pub)
	if ids(got) != "B-1,B-4" {
		t.Fatalf("non-party C sees %s, want B-1,B-4", ids(got))
	}
	if got[0].Trapped.Known() {
		t.Errorf("non-party C sees trapped persons of B-1: %+v", got[0].Trapped)
	}
}

func TestRedactJSON(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"member removed at depth, order and numbers kept",
			`{"id":"B-1","trapped":{"count":2,"locations":[{"lat":37.1,"lon":36.2}]},"lat":37.123456789012345678,"nested":{"x":[{"trapped":1,"y":true}]}}`,
			`{"id":"B-1","lat":37.123456789012345678,"nested":{"x":[{"y":true}]}}`},
		{"feature of trapped persons removed from a collection",
			`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[36.2,37.1]},"properties":{"kind":"trapped_person"}},{"type":"Feature","geometry":null,"properties":{"kind":"hazard","name":"<B-2>"}}]}`,
			`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null,"properties":{"kind":"hazard","name":"<B-2>"}}]}`},
		{"escaped names are names",
			`[{"\u0074rapped":1,"a":"\u00e9"},{"type":"Feat\u0075re","properties":{"kind":"trapped\u005fperson"}}]`,
			`[{"a":"\u00e9"}]`},
		{"indented input, last member removed, strings kept byte for byte",
			"{\n  \"a\" : [ 1 , 2.50e3 ],\n  \"s\": \"x\\\"y\",\n  \"trapped\" : { \"count\" : 1 }\n}\n",
			`{"a":[1,2.50e3],"s":"x\"y"}`},
		{"first element removed",
			`[{"type":"Feature","properties":{"kind":"trapped_person"}},{"type":"Feature","properties":{"kind":"x"}}]`,
			`[{"type":"Feature","properties":{"kind":"x"}}]`},
		{"a lone trapped feature becomes null",
			`{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]},"properties":{"kind":"trapped_person"}}`,
			`null`},
		{"a kind that is not a feature is kept",
			`[{"kind":"trapped_person"},{"type":"Feature","properties":null}]`,
			`[{"kind":"trapped_person"},{"type":"Feature","properties":null}]`},
		{"nothing to redact", ` [1, "a", false, null, {}] `, `[1,"a",false,null,{}]`},
	}
	for _, tc := range tests {
		got, err := RedactJSON("layer", []byte(tc.in))
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if string(got) != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, got, tc.want)
		}
	}
}

func TestRedactJSONErrors(t *testing.T) {
	for _, in := range []string{``, `{`, `{"a":}`, `[1,2`, `{"a":1} {"b":2}`, `{1:2}`, strings.Repeat("[", 20000) + strings.Repeat("]", 20000)} {
		_, err := RedactJSON("stream", []byte(in))
		if err == nil {
			t.Errorf("RedactJSON(%.20q) accepted invalid input", in)
			continue
		}
		if !strings.HasPrefix(err.Error(), "stream: at byte ") {
			t.Errorf("RedactJSON(%.20q) error %q does not name the document and offset", in, err)
		}
	}
}

func FuzzRedactJSON(f *testing.F) {
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"kind":"trapped_person"}}],"trapped":1}`))
	f.Add([]byte(`[{"trapped":{"count":1}},2.5e300]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := RedactJSON("fuzz", data)
		if err != nil {
			return
		}
		// Redacting twice changes nothing, and no trapped member survives.
		again, err := RedactJSON("fuzz", out)
		if err != nil {
			t.Fatalf("output is not JSON: %v\n%s", err, out)
		}
		if string(again) != string(out) {
			t.Fatalf("not idempotent:\n%s\n%s", out, again)
		}
		var v any
		dec := json.NewDecoder(bytes.NewReader(out))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("output is not JSON: %v", err)
		}
		if hasTrapped(v) {
			t.Fatalf("a trapped member survived: %s", out)
		}
		// Same result as a plain reference on the decoded value, when keys
		// are unique (with repeated keys "last one wins" and "any one
		// counts" differ, and RedactJSON takes the safer "any").
		if uniqueKeys(data) {
			var in any
			dec := json.NewDecoder(bytes.NewReader(data))
			dec.UseNumber()
			if err := dec.Decode(&in); err != nil {
				t.Fatal(err)
			}
			if want := reference(in); !reflect.DeepEqual(v, want) {
				t.Fatalf("differs from the reference:\n%s\n%#v", out, want)
			}
		}
	})
}

// reference is RedactJSON on a decoded value, written the obvious way.
func reference(v any) any {
	isTrappedFeature := func(e any) bool {
		m, ok := e.(map[string]any)
		if !ok || m["type"] != "Feature" {
			return false
		}
		p, ok := m["properties"].(map[string]any)
		return ok && p["kind"] == TrappedKind
	}
	var walk func(any) any
	walk = func(v any) any {
		switch t := v.(type) {
		case map[string]any:
			out := map[string]any{}
			for k, e := range t {
				if k != TrappedKey {
					out[k] = walk(e)
				}
			}
			return out
		case []any:
			out := []any{}
			for _, e := range t {
				if !isTrappedFeature(e) {
					out = append(out, walk(e))
				}
			}
			return out
		}
		return v
	}
	if isTrappedFeature(v) {
		return nil
	}
	return walk(v)
}

// uniqueKeys reports whether no object of doc repeats a key.
func uniqueKeys(doc []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(doc))
	var stack []map[string]bool
	expectKey := []bool{}
	for {
		tok, err := dec.Token()
		if err != nil {
			return true
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				stack = append(stack, map[string]bool{})
				expectKey = append(expectKey, true)
				continue
			case '[':
				stack = append(stack, nil)
				expectKey = append(expectKey, false)
				continue
			default:
				stack = stack[:len(stack)-1]
				expectKey = expectKey[:len(expectKey)-1]
			}
		case string:
			if n := len(stack); n > 0 && stack[n-1] != nil && expectKey[n-1] {
				if stack[n-1][t] {
					return false
				}
				stack[n-1][t] = true
				expectKey[n-1] = false
				continue
			}
		}
		if n := len(stack); n > 0 && stack[n-1] != nil {
			expectKey[n-1] = true
		}
	}
}

func hasTrapped(v any) bool {
	switch t := v.(type) {
	case map[string]any:
		if _, ok := t[TrappedKey]; ok {
			return true
		}
		for _, e := range t {
			if hasTrapped(e) {
				return true
			}
		}
	case []any:
		for _, e := range t {
			if hasTrapped(e) {
				return true
			}
		}
	}
	return false
}
