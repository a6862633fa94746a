// Package survey holds the survey file of DESIGN §4: the building, where
// each sensor channel sits (floor, plan position, axis), and the crew's
// observations, including the state of the building's life-support
// systems. It decodes strictly (unknown fields are errors) and validates
// with errors that name the field.
package survey

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/struna/struna/seis"
)

// Structural systems.
var Systems = []string{"rc_frame", "rc_wall", "steel_frame", "masonry", "timber", "other"}

// Visible damage grades, from the crew's walk-around.
var DamageGrades = []string{"none", "minor", "moderate", "severe", "collapse"}

// Life-support states.
var SupplyStates = []string{"ok", "damaged", "off", "unknown"}

// Survey is one survey file.
type Survey struct {
	Building     Building     `json:"building"`
	Sensors      []Sensor     `json:"sensors"`
	Observations Observations `json:"observations"`
}

// Building identifies the structure surveyed.
type Building struct {
	ID      string  `json:"id"`
	Name    string  `json:"name,omitempty"`
	Lat     float64 `json:"lat"`
	Lon     float64 `json:"lon"`
	Storeys int     `json:"storeys"`
	HeightM float64 `json:"height_m,omitempty"`
	System  string  `json:"system,omitempty"`
	Year    int     `json:"year,omitempty"`
}

// Sensor places one channel in the building: floor 0 is the ground.
type Sensor struct {
	Channel string  `json:"channel"`
	Floor   int     `json:"floor"`
	XM      float64 `json:"x_m"`
	YM      float64 `json:"y_m"`
	Axis    string  `json:"axis"`
}

// Observations are what the crew saw.
type Observations struct {
	VisibleDamage string      `json:"visible_damage,omitempty"`
	LifeSupport   LifeSupport `json:"life_support"`
	Notes         string      `json:"notes,omitempty"`
}

// LifeSupport is the state of each system; empty means unknown.
type LifeSupport struct {
	Gas         string `json:"gas,omitempty"`
	Electricity string `json:"electricity,omitempty"`
	Water       string `json:"water,omitempty"`
	Heating     string `json:"heating,omitempty"`
	Sewage      string `json:"sewage,omitempty"`
	Lifts       string `json:"lifts,omitempty"`
}

// Decode reads a survey strictly: unknown fields and trailing data are
// errors, then Validate runs. name is used in error messages.
func Decode(r io.Reader, name string) (*Survey, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var s Survey
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("%s: %s", name, jsonError(data, err))
	}
	if dec.More() {
		return nil, fmt.Errorf("%s: unexpected data after the survey object", name)
	}
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &s, nil
}

func jsonError(data []byte, err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line := 1 + bytes.Count(data[:min(int(se.Offset), len(data))], []byte("\n"))
		return fmt.Sprintf("line %d: invalid JSON: %v", line, se)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("%s: want %s, got JSON %s", te.Field, te.Type, te.Value)
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// Validate checks every field and returns all problems found, each naming
// its field (e.g. "sensors[2].axis: \"w\" is not one of x, y, z").
func (s *Survey) Validate() error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", field, fmt.Sprintf(format, args...)))
	}
	b := s.Building
	if strings.TrimSpace(b.ID) == "" {
		bad("building.id", "is required")
	}
	if b.Lat < -90 || b.Lat > 90 {
		bad("building.lat", "%g is outside [-90, 90]", b.Lat)
	}
	if b.Lon < -180 || b.Lon > 180 {
		bad("building.lon", "%g is outside [-180, 180]", b.Lon)
	}
	if b.Storeys < 1 || b.Storeys > 200 {
		bad("building.storeys", "%d is outside 1..200", b.Storeys)
	}
	if b.HeightM < 0 || b.HeightM > 1000 {
		bad("building.height_m", "%g is outside 0..1000 m", b.HeightM)
	}
	if b.System != "" && !slices.Contains(Systems, b.System) {
		bad("building.system", "%q is not one of %s", b.System, strings.Join(Systems, ", "))
	}
	if len(s.Sensors) == 0 {
		bad("sensors", "at least one sensor is required")
	}
	seen := map[string]int{}
	for i, se := range s.Sensors {
		f := fmt.Sprintf("sensors[%d]", i)
		if _, err := seis.ParseSourceID(se.Channel); err != nil {
			bad(f+".channel", "%v", err)
		} else if j, dup := seen[se.Channel]; dup {
			bad(f+".channel", "%q is also sensors[%d]", se.Channel, j)
		} else {
			seen[se.Channel] = i
		}
		if se.Floor < 0 || (b.Storeys > 0 && se.Floor > b.Storeys) {
			bad(f+".floor", "%d is outside 0..%d (ground to roof)", se.Floor, b.Storeys)
		}
		if !slices.Contains([]string{"x", "y", "z"}, se.Axis) {
			bad(f+".axis", "%q is not one of x, y, z", se.Axis)
		}
	}
	o := s.Observations
	if o.VisibleDamage != "" && !slices.Contains(DamageGrades, o.VisibleDamage) {
		bad("observations.visible_damage", "%q is not one of %s", o.VisibleDamage, strings.Join(DamageGrades, ", "))
	}
	ls := o.LifeSupport
	for _, kv := range []struct{ name, v string }{
		{"gas", ls.Gas}, {"electricity", ls.Electricity}, {"water", ls.Water},
		{"heating", ls.Heating}, {"sewage", ls.Sewage}, {"lifts", ls.Lifts},
	} {
		if kv.v != "" && !slices.Contains(SupplyStates, kv.v) {
			bad("observations.life_support."+kv.name, "%q is not one of %s", kv.v, strings.Join(SupplyStates, ", "))
		}
	}
	return errors.Join(errs...)
}

// Sensor returns the sensor placed on channel id, if any.
func (s *Survey) Sensor(channel string) (Sensor, bool) {
	for _, se := range s.Sensors {
		if se.Channel == channel {
			return se, true
		}
	}
	return Sensor{}, false
}
