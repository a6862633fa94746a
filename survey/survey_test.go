package survey

import (
	"strings"
	"testing"
)

const good = `{"building":{"id":"B-17","name":"School 4","lat":40.1,"lon":44.5,"storeys":5,"height_m":15,"system":"rc_frame","year":1978},
"sensors":[{"channel":"XX.B17.01.HNE","floor":1,"x_m":0,"y_m":0,"axis":"x"},{"channel":"XX.B17.05.HNN","floor":5,"x_m":9,"y_m":-6,"axis":"y"}],
"observations":{"visible_damage":"minor","life_support":{"gas":"off","electricity":"damaged"}}}`

func TestDecodeGood(t *testing.T) {
	s, err := Decode(strings.NewReader(good), "survey.json")
	if err != nil {
		t.Fatal(err)
	}
	if s.Building.Storeys != 5 || len(s.Sensors) != 2 || s.Observations.LifeSupport.Electricity != "damaged" {
		t.Fatalf("decoded %+v", s)
	}
	if se, ok := s.Sensor("XX.B17.05.HNN"); !ok || se.Floor != 5 || se.YM != -6 {
		t.Fatalf("Sensor lookup = %+v, %v", se, ok)
	}
}

func TestDecodeBad(t *testing.T) {
	for _, tc := range []struct{ name, edit, old, want string }{
		{"unknown field", `"storeys":5`, `"storeys":5,"floors":5`, `unknown field "floors"`},
		{"bad axis", `"axis":"y"`, `"axis":"w"`, `sensors[1].axis: "w" is not one of x, y, z`},
		{"floor above roof", `"floor":5`, `"floor":6`, `sensors[1].floor: 6 is outside 0..5`},
		{"bad system", `"rc_frame"`, `"adobe"`, `building.system: "adobe" is not one of`},
		{"bad gas", `"gas":"off"`, `"gas":"leaking"`, `observations.life_support.gas: "leaking" is not one of ok, damaged, off, unknown`},
		{"bad damage", `"minor"`, `"some"`, `observations.visible_damage: "some"`},
		{"bad channel", `"XX.B17.01.HNE"`, `"XX.B17.HNE"`, `sensors[0].channel: source id "XX.B17.HNE"`},
		{"duplicate channel", `"XX.B17.05.HNN"`, `"XX.B17.01.HNE"`, `sensors[1].channel: "XX.B17.01.HNE" is also sensors[0]`},
		{"wrong type", `"storeys":5`, `"storeys":"five"`, `building.storeys: want int`},
		{"latitude", `"lat":40.1`, `"lat":140.1`, `building.lat: 140.1 is outside`},
		{"syntax", `"lon":44.5`, `"lon":44.5,,`, `line 1: invalid JSON`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := strings.Replace(good, tc.edit, tc.old, 1)
			if in == good {
				t.Fatalf("edit %q not applied", tc.edit)
			}
			_, err := Decode(strings.NewReader(in), "s.json")
			if err == nil {
				t.Fatal("bad survey accepted")
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "s.json: ") {
				t.Fatalf("error %q does not name %q", err, tc.want)
			}
		})
	}
}
