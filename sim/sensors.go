package sim

import (
	"fmt"
	"math"

	"github.com/struna/struna/seis"
)

// Axis is a sensor's or a force's direction: "x", "y" or "z".
type Axis string

// Axes.
const (
	AxisX Axis = "x"
	AxisY Axis = "y"
	AxisZ Axis = "z"
)

// Sensor is one accelerometer channel, in the survey file's spelling.
type Sensor struct {
	Channel string  `json:"channel"` // NET.STA.LOC.CHA
	Floor   int     `json:"floor"`   // 0 = ground, 1..n
	X       float64 `json:"x_m"`     // plan position from the plan centre
	Y       float64 `json:"y_m"`
	Axis    Axis    `json:"axis"`
}

// row returns the sensor's (or a point force's) row of the rigid-diaphragm
// kinematics: the coefficients on (u_x, u_y, θ) of its floor, and whether
// it sees the structure at all (ground floor and z do not).
func pointRow(b *Building, floor int, x, y float64, axis Axis) (c [3]float64, ok bool) {
	if floor < 1 || floor > b.N() {
		return c, false
	}
	f := b.Floors[floor-1]
	switch axis {
	case AxisX:
		return [3]float64{1, 0, -(y - f.EY)}, true
	case AxisY:
		return [3]float64{0, 1, x - f.EX}, true
	}
	return c, false
}

// SensorShape returns mode k's value at each sensor: the sensor's row of
// the kinematics applied to φ_k (metres per unit modal coordinate; 0 for
// ground and z sensors).
func (m *Modes) SensorShape(b *Building, sensors []Sensor, k int) []float64 {
	out := make([]float64, len(sensors))
	for i, s := range sensors {
		c, ok := pointRow(b, s.Floor, s.X, s.Y, s.Axis)
		if !ok {
			continue
		}
		for j := 0; j < 3; j++ {
			out[i] += c[j] * m.Phi.At(DOF(s.Floor, j), k)
		}
	}
	return out
}

// NormalizeMaxAbs scales x to unit max-abs with the largest component
// positive (first of equal ones within 1e-9). A zero vector stays zero.
func NormalizeMaxAbs(x []float64) []float64 {
	out := append([]float64(nil), x...)
	if len(x) == 0 {
		return out
	}
	i := argMaxAbs(x)
	if x[i] == 0 {
		return out
	}
	s := 1 / x[i]
	for j := range out {
		out[j] *= s
	}
	return out
}

// NormalizeUnit scales x to unit Euclidean norm with the same sign rule as
// NormalizeMaxAbs.
func NormalizeUnit(x []float64) []float64 {
	out := append([]float64(nil), x...)
	if len(x) == 0 {
		return out
	}
	n := 0.0
	for _, v := range x {
		n = math.Hypot(n, v)
	}
	if n == 0 {
		return out
	}
	s := 1 / n
	if x[argMaxAbs(x)] < 0 {
		s = -s
	}
	for j := range out {
		out[j] *= s
	}
	return out
}

// Names of the default layout (see DefaultSensors).
const (
	DefaultNetwork = "XX"
	DefaultStation = "STRN" // + point letter A, B or C
)

// DefaultSensors lays out accelerometers at the given levels (0 = ground).
// It is the layout of a field crew with three uniaxial sensors per level,
// enough to separate x, y and torsion:
//
//   - upper levels: x and y at corner A (+0.4 Lx, +0.4 Ly) and y at the
//     diagonally opposite corner B (−0.4 Lx, −0.4 Ly); torsion shows as
//     the difference of the two y channels;
//   - the ground (level 0): x, y and z at the plan centre C.
//
// Channel ids are XX.STRN<P>.<LL>.<CHA>: the station names the measuring
// point (STRNA, STRNB, STRNC), the location code is the floor number in
// two digits, and the channel is HN (high-broadband accelerometer) plus
// the SEED orientation code: E for x, N for y, Z for vertical. This keeps
// every id valid in miniSEED 2 (2-character location codes), so levels
// are limited to 0..99.
func DefaultSensors(b Building, levels []int) ([]Sensor, error) {
	if err := b.Validate(); err != nil {
		return nil, err
	}
	if len(levels) == 0 {
		return nil, fieldErr("levels", "no levels given")
	}
	seen := map[int]bool{}
	var out []Sensor
	ax, ay := 0.4*b.LX, 0.4*b.LY
	for i, l := range levels {
		f := fmt.Sprintf("levels[%d]", i)
		switch {
		case l < 0:
			return nil, fieldErr(f, "%d is below the ground (0)", l)
		case l > b.N():
			return nil, fieldErr(f, "%d is above the roof (%d storeys)", l, b.N())
		case l > 99:
			return nil, fieldErr(f, "%d does not fit a two-digit location code", l)
		case seen[l]:
			return nil, fieldErr(f, "level %d is listed twice", l)
		}
		seen[l] = true
		id := func(p, cha string) string {
			return seis.SourceID{Network: DefaultNetwork, Station: DefaultStation + p, Location: fmt.Sprintf("%02d", l), Channel: cha}.String()
		}
		if l == 0 {
			out = append(out,
				Sensor{Channel: id("C", "HNE"), Floor: 0, Axis: AxisX},
				Sensor{Channel: id("C", "HNN"), Floor: 0, Axis: AxisY},
				Sensor{Channel: id("C", "HNZ"), Floor: 0, Axis: AxisZ})
			continue
		}
		out = append(out,
			Sensor{Channel: id("A", "HNE"), Floor: l, X: ax, Y: ay, Axis: AxisX},
			Sensor{Channel: id("A", "HNN"), Floor: l, X: ax, Y: ay, Axis: AxisY},
			Sensor{Channel: id("B", "HNN"), Floor: l, X: -ax, Y: -ay, Axis: AxisY})
	}
	return out, nil
}

func validateSensors(sensors []Sensor, n int, lx, ly float64) error {
	if len(sensors) == 0 {
		return fieldErr("sensors", "no sensors given")
	}
	seen := map[string]int{}
	for i, s := range sensors {
		f := fmt.Sprintf("sensors[%d]", i)
		if _, err := seis.ParseSourceID(s.Channel); err != nil {
			return fieldErr(f+".channel", "%v", err)
		}
		if j, dup := seen[s.Channel]; dup {
			return fieldErr(f+".channel", "%s is also sensors[%d]", s.Channel, j)
		}
		seen[s.Channel] = i
		switch {
		case s.Floor < 0:
			return fieldErr(f+".floor", "%d is below the ground (0)", s.Floor)
		case s.Floor > n:
			return fieldErr(f+".floor", "%d is above the roof (%d storeys)", s.Floor, n)
		case !finite(s.X) || math.Abs(s.X) > lx/2:
			return fieldErr(f+".x_m", "%g m is outside the plan (|x| ≤ %g)", s.X, lx/2)
		case !finite(s.Y) || math.Abs(s.Y) > ly/2:
			return fieldErr(f+".y_m", "%g m is outside the plan (|y| ≤ %g)", s.Y, ly/2)
		}
		switch s.Axis {
		case AxisX, AxisY, AxisZ:
		default:
			return fieldErr(f+".axis", "%q is not x, y or z", string(s.Axis))
		}
	}
	return nil
}
