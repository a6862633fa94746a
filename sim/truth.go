package sim

import "math"

// TruthSchema names the version of the truth.json layout.
const TruthSchema = "struna.sim.truth/1"

// Truth is what the simulation knows exactly, for truth.json: the modes of
// the simulated (possibly damaged) building sorted by frequency, the
// building, the sensors and the forcing.
type Truth struct {
	Schema       string        `json:"schema"`
	Seed         uint64        `json:"seed"`
	SampleRateHz float64       `json:"sample_rate_hz"`
	Samples      int           `json:"samples"`
	DurationS    float64       `json:"duration_s"`
	Modes        []TruthMode   `json:"modes"`
	Harmonics    []Harmonic    `json:"harmonics,omitempty"` // machinery lines: not structural modes
	Building     TruthBuilding `json:"building"`
	Sensors      []Sensor      `json:"sensors"`
	Forcing      TruthForcing  `json:"forcing"`
	Noise        *TruthNoise   `json:"noise,omitempty"`
	Damage       []Damage      `json:"damage,omitempty"`
}

// TruthMode is one structural mode.
type TruthMode struct {
	FHz  float64 `json:"f_hz"`
	Zeta float64 `json:"zeta"`
	// Direction is the dominant motion by kinetic energy: x, y or torsion.
	Direction      string       `json:"direction"`
	EnergyFraction Fractions    `json:"energy_fraction"`
	ModalMassRatio Fractions    `json:"modal_mass_ratio"` // Theta unused
	AboveNyquist   bool         `json:"above_nyquist,omitempty"`
	Shape          []ShapeValue `json:"shape"`           // unit max-abs, largest positive
	ShapeUnitNorm  []ShapeValue `json:"shape_unit_norm"` // unit 2-norm, same sign
	DOFShape       []DOFValue   `json:"dof_shape"`       // mass-normalised φ at each floor's CM
}

// Fractions splits a quantity among x, y and torsion.
type Fractions struct {
	X     float64 `json:"x"`
	Y     float64 `json:"y"`
	Theta float64 `json:"theta"`
}

// ShapeValue is a mode shape's value at one channel.
type ShapeValue struct {
	Channel string  `json:"channel"`
	Value   float64 `json:"value"`
}

// DOFValue is a mass-normalised mode shape at one floor's centre of mass
// (m/√kg for x and y, rad/√kg for θ).
type DOFValue struct {
	Floor int     `json:"floor"`
	X     float64 `json:"x"`
	Y     float64 `json:"y"`
	Theta float64 `json:"theta"`
}

// TruthBuilding describes the simulated building, with damage applied.
type TruthBuilding struct {
	Storeys int      `json:"storeys"`
	HeightM float64  `json:"height_m"`
	LXM     float64  `json:"lx_m"`
	LYM     float64  `json:"ly_m"`
	Floors  []Floor  `json:"floors"`
	Stories []Storey `json:"storey_stiffness"`
}

// TruthNoise records the sensor noise; SNRdB is absent when only the
// floor was added.
type TruthNoise struct {
	SNRdB    *float64 `json:"snr_db,omitempty"`
	FloorRMS float64  `json:"floor_rms_m_s2,omitempty"`
}

// TruthForcing records the excitation.
type TruthForcing struct {
	Ambient bool `json:"ambient"`
	// AmbientRMS is the target expected roof-CM RMS acceleration and
	// ForceRMS the per-floor white force (N per sample) that gives it.
	AmbientRMS float64    `json:"ambient_rms_m_s2,omitempty"`
	ForceRMS   float64    `json:"force_rms_n,omitempty"`
	Base       *TruthBase `json:"base,omitempty"`
	Hold       string     `json:"hold"`
	Start      string     `json:"start"`
}

// TruthBase summarises the base excitation without repeating a series.
type TruthBase struct {
	RMSX    float64 `json:"rms_x_m_s2,omitempty"`
	RMSY    float64 `json:"rms_y_m_s2,omitempty"`
	SeriesX bool    `json:"series_x,omitempty"`
	SeriesY bool    `json:"series_y,omitempty"`
}

func makeTruth(c *Config, b *Building, md *Modes, zeta []float64, ns int, sigmaF float64) Truth {
	t := Truth{
		Schema:       TruthSchema,
		Seed:         c.Seed,
		SampleRateHz: c.SampleRate,
		Samples:      ns,
		DurationS:    float64(ns) / c.SampleRate,
		Harmonics:    append([]Harmonic(nil), c.Harmonics...),
		Sensors:      append([]Sensor(nil), c.Sensors...),
		Damage:       append([]Damage(nil), c.Damage...),
		Building: TruthBuilding{
			Storeys: b.N(),
			HeightM: b.Height(),
			LXM:     b.LX,
			LYM:     b.LY,
			Floors:  append([]Floor(nil), b.Floors...),
			Stories: append([]Storey(nil), b.Storeys...),
		},
		Forcing: TruthForcing{
			Ambient: !c.NoAmbient,
			Hold:    "first-order hold (exact for piecewise-linear input)",
			Start:   "stationary (initial state drawn from the stationary covariance)",
		},
	}
	if nz := c.Noise; nz != nil {
		t.Noise = &TruthNoise{FloorRMS: nz.FloorRMS}
		if !math.IsInf(nz.SNRdB, 1) {
			snr := nz.SNRdB
			t.Noise.SNRdB = &snr
		}
	}
	if !c.NoAmbient {
		t.Forcing.AmbientRMS = c.AmbientRMS
		t.Forcing.ForceRMS = sigmaF
	}
	if bs := c.Base; bs != nil {
		t.Forcing.Base = &TruthBase{RMSX: bs.RMSX, RMSY: bs.RMSY, SeriesX: bs.SeriesX != nil, SeriesY: bs.SeriesY != nil}
	}
	for k := range md.Len() {
		raw := md.SensorShape(b, c.Sensors, k)
		mx, un := NormalizeMaxAbs(raw), NormalizeUnit(raw)
		ex, ey, et := md.EnergyFractions(k)
		mx2, my2 := md.ModalMassRatio(k)
		tm := TruthMode{
			FHz:            md.Freq(k),
			Zeta:           zeta[k],
			Direction:      md.Direction(k),
			EnergyFraction: Fractions{X: ex, Y: ey, Theta: et},
			ModalMassRatio: Fractions{X: mx2, Y: my2},
			AboveNyquist:   md.Freq(k) >= c.SampleRate/2,
			Shape:          make([]ShapeValue, len(raw)),
			ShapeUnitNorm:  make([]ShapeValue, len(raw)),
			DOFShape:       make([]DOFValue, b.N()),
		}
		for i, s := range c.Sensors {
			tm.Shape[i] = ShapeValue{Channel: s.Channel, Value: mx[i]}
			tm.ShapeUnitNorm[i] = ShapeValue{Channel: s.Channel, Value: un[i]}
		}
		for f := 1; f <= b.N(); f++ {
			tm.DOFShape[f-1] = DOFValue{Floor: f, X: md.Phi.At(DOF(f, 0), k), Y: md.Phi.At(DOF(f, 1), k), Theta: md.Phi.At(DOF(f, 2), k)}
		}
		t.Modes = append(t.Modes, tm)
	}
	return t
}
