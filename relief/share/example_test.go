package share_test

import (
	"fmt"

	"github.com/struna/struna/relief/share"
)

func ExamplePolicy_CanSee() {
	p := share.Policy{Parties: []string{"TR-AFAD", "RU-EMERCOM"}}
	viewers := []share.Viewer{
		{},                                      // anonymous
		{Org: "RU-EMERCOM", Role: share.Member}, // a party
		{Org: "TR-AFAD", Role: share.Member},    // the owner
	}
	for _, vis := range []share.Visibility{share.Public, share.Parties, share.Org} {
		fmt.Printf("%-8s", vis)
		for _, v := range viewers {
			fmt.Printf(" %v", p.CanSee(v, "TR-AFAD", vis))
		}
		fmt.Println()
	}
	// Output:
	// public   true true true
	// parties  false true true
	// org      false false true
}

func ExampleRedactJSON() {
	layer := `{"type":"FeatureCollection","features":[` +
		`{"type":"Feature","geometry":{"type":"Point","coordinates":[36.9372,37.5859]},"properties":{"kind":"trapped_person"}},` +
		`{"type":"Feature","geometry":{"type":"Point","coordinates":[36.9371,37.5858]},"properties":{"id":"C-6","placard":"red","trapped":{"count":2}}}]}`
	out, err := share.RedactJSON("buildings.geojson", []byte(layer))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(out))
	// Output:
	// {"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[36.9371,37.5858]},"properties":{"id":"C-6","placard":"red"}}]}
}
