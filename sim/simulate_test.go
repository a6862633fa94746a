package sim

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"runtime"
	"strings"
	"testing"
	"time"
)

func defaultConfig(t testing.TB, n int, levels []int, dur float64) Config {
	t.Helper()
	b, err := RegularBuilding(n)
	if err != nil {
		t.Fatal(err)
	}
	s, err := DefaultSensors(b, levels)
	if err != nil {
		t.Fatal(err)
	}
	return Config{Building: b, Sensors: s, Duration: dur, Seed: 1}
}

func run(t testing.TB, c Config) *Result {
	t.Helper()
	r, err := Simulate(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// The summed auto-spectra of the simulated record peak at the true
// frequencies (within one bin) for every mode separated from its
// neighbours, and the dominant vector of the cross-spectral matrix at the
// first modes matches the true sensor shape.
func TestSpectrumPeaksAtModes(t *testing.T) {
	c := defaultConfig(t, 3, []int{1, 2, 3}, 1200)
	r := run(t, c)
	const nseg = 4096
	df := r.SampleRate / nseg
	g := csd(r.Data, nseg)
	ns := len(r.Data)
	tr := trace(g, ns)
	checked := 0
	for k, m := range r.Truth.Modes {
		sep := math.Inf(1)
		if k > 0 {
			sep = m.FHz - r.Truth.Modes[k-1].FHz
		}
		if k+1 < len(r.Truth.Modes) {
			sep = math.Min(sep, r.Truth.Modes[k+1].FHz-m.FHz)
		}
		if sep < 8*df || m.FHz > r.SampleRate/4 {
			continue
		}
		c := int(math.Round(m.FHz / df))
		best := c - 3
		for b := c - 3; b <= c+3; b++ {
			if tr[b] > tr[best] {
				best = b
			}
		}
		if math.Abs(float64(best)*df-m.FHz) > df {
			t.Errorf("mode %d (%.4f Hz, %s): spectral peak at %.4f Hz", k, m.FHz, m.Direction, float64(best)*df)
		}
		checked++
		if k < 3 {
			v := dominantReal(g[best], ns)
			want := make([]float64, ns)
			for i, s := range m.Shape {
				want[i] = s.Value
			}
			if mc := mac(v, want); mc < 0.98 {
				t.Errorf("mode %d (%s): MAC of the spectral shape with the truth %.4f", k, m.Direction, mc)
			}
		}
	}
	if checked < 5 {
		t.Errorf("only %d modes checked", checked)
	}
}

// Realised SNR per channel is within ±0.5 dB of the set value, and the
// noise does not change the structural response (separate streams).
func TestRealisedSNR(t *testing.T) {
	c := defaultConfig(t, 3, []int{0, 2, 3}, 600)
	clean := run(t, c)
	c.Noise = &Noise{SNRdB: 10}
	noisy := run(t, c)
	mean, cnt := 0.0, 0
	for i := range clean.Data {
		if v := variance(clean.Data[i]); v > 0 {
			mean += v
			cnt++
		}
	}
	mean /= float64(cnt)
	for i := range clean.Data {
		diff := make([]float64, len(clean.Data[i]))
		for j := range diff {
			diff[j] = noisy.Data[i][j] - clean.Data[i][j]
		}
		vs, vn := variance(clean.Data[i]), variance(diff)
		if vs == 0 { // ground and z channels: the mean signal variance is the reference
			vs = mean
		}
		snr := 10 * math.Log10(vs/vn)
		if math.Abs(snr-10) > 0.5 {
			t.Errorf("%s: realised SNR %.2f dB, set 10", c.Sensors[i].Channel, snr)
		}
	}
}

// The modal displacement of the x mode of a symmetric one-storey building
// under white floor forces has variance πS₀/(2ζω³) (Crandall & Mark) with
// S₀ = σ_p²h·sinc⁴(fh)/2π, σ_p² = σ_F²/m; and the realised roof RMS
// matches the configured ambient level.
func TestModalVarianceAnalytic(t *testing.T) {
	b, err := RegularBuilding(1, WithEccentricity(0, 0), WithFundamental(2))
	if err != nil {
		t.Fatal(err)
	}
	const fs, dur, zeta = 50.0, 20000.0, 0.05
	c := Config{
		Building: b, SampleRate: fs, Duration: dur, Seed: 3, Zeta: []float64{zeta},
		Sensors: []Sensor{
			{Channel: "XX.T.00.HNE", Floor: 1, Axis: AxisX},
			{Channel: "XX.T.00.HNN", Floor: 1, Axis: AxisY},
		},
	}
	p, err := newPlan(c)
	if err != nil {
		t.Fatal(err)
	}
	p.e.disp = make([][]float64, p.md.Len())
	for k := range p.e.disp {
		p.e.disp[k] = make([]float64, p.ns)
	}
	r, err := p.run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for k := range p.md.Len() {
		if p.md.Direction(k) != "x" {
			continue
		}
		w := p.md.Omega[k]
		m := b.Floors[0].Mass
		h := 1 / fs
		x := math.Pi * w / (2 * math.Pi) * h
		sp2 := p.sigmaF * p.sigmaF / m
		want := sp2 * h * math.Pow(math.Sin(x)/x, 4) / (4 * zeta * w * w * w)
		got := variance(p.e.disp[k])
		if r := relErr(got, want); r > 0.04 {
			t.Errorf("σ_η² = %g, analytic %g (rel %.3f)", got, want, r)
		}
	}
	rms := math.Sqrt((variance(r.Data[0]) + variance(r.Data[1])) / 2)
	if r := relErr(rms, DefaultAmbientRMS); r > 0.03 {
		t.Errorf("roof RMS %g, configured %g", rms, DefaultAmbientRMS)
	}
}

// The record starts stationary: over many seeds the variance of the first
// sample equals the time-averaged variance of a long record. A lightly
// damped building started from rest would be far below it.
func TestStationaryStart(t *testing.T) {
	b, err := RegularBuilding(1, WithFundamental(1))
	if err != nil {
		t.Fatal(err)
	}
	c := Config{
		Building: b, Zeta: []float64{0.005}, SampleRate: 50,
		Sensors: []Sensor{{Channel: "XX.T.00.HNE", Floor: 1, X: 5, Y: 4, Axis: AxisX}},
	}
	c.Duration = 6000
	long := run(t, c).Data[0]
	want := variance(long)
	c.Duration = 1 / c.SampleRate
	const seeds = 2000
	s2 := 0.0
	for s := range uint64(seeds) {
		c.Seed = 1000 + s
		v := run(t, c).Data[0][0]
		s2 += v * v
	}
	got := s2 / seeds
	if r := relErr(got, want); r > 0.12 { // 2000 samples: 3.2 % standard error
		t.Errorf("variance at t=0 over %d seeds %g, stationary %g (rel %.3f)", seeds, got, want, r)
	}
}

func TestDeterminism(t *testing.T) {
	c := defaultConfig(t, 3, []int{0, 1, 3}, 60)
	c.Noise = &Noise{SNRdB: 20, FloorRMS: 1e-6}
	c.Base = &BaseExcitation{RMSX: 1e-4}
	c.Harmonics = []Harmonic{{Floor: 2, X: 3, Y: 2, Axis: AxisY, Amplitude: 500, FrequencyHz: 7.3}}
	a := run(t, c)
	old := runtime.GOMAXPROCS(1)
	b := run(t, c)
	runtime.GOMAXPROCS(old)
	c.Seed++
	d := run(t, c)
	same, differ := true, false
	for i := range a.Data {
		for j := range a.Data[i] {
			if math.Float64bits(a.Data[i][j]) != math.Float64bits(b.Data[i][j]) {
				same = false
			}
			if a.Data[i][j] != d.Data[i][j] {
				differ = true
			}
		}
	}
	if !same {
		t.Error("same seed, different bits")
	}
	if !differ {
		t.Error("different seeds, same record")
	}
	ja, _ := json.Marshal(a.Truth)
	jb, _ := json.Marshal(b.Truth)
	if string(ja) != string(jb) {
		t.Error("truth differs between identical runs")
	}
}

// A machinery force on a symmetric one-storey building gives exactly the
// SDOF steady state: u = (F/k)·[(1−r²)sin(Ωt+φ) − 2ζr cos(Ωt+φ)]/((1−r²)² +
// (2ζr)²), a = −Ω²u (Chopra, harmonic vibration with viscous damping).
func TestHarmonicExactSteadyState(t *testing.T) {
	b, _ := RegularBuilding(1, WithEccentricity(0, 0))
	const F, fh, ph, zeta = 1500.0, 7.0, 0.3, 0.03
	c := Config{
		Building: b, NoAmbient: true, Duration: 3, Zeta: []float64{zeta},
		Sensors:   []Sensor{{Channel: "XX.T.01.HNE", Floor: 1, X: 0, Y: 5, Axis: AxisX}},
		Harmonics: []Harmonic{{Floor: 1, X: 0, Y: 0, Axis: AxisX, Amplitude: F, FrequencyHz: fh, Phase: ph}},
	}
	res := run(t, c)
	k := b.Storeys[0].KX
	wn := math.Sqrt(k / b.Floors[0].Mass)
	om := 2 * math.Pi * fh
	r := om / wn
	den := (1-r*r)*(1-r*r) + (2*zeta*r)*(2*zeta*r)
	amp := om * om * F / k / math.Sqrt(den)
	for j, v := range res.Data[0] {
		tt := float64(j) / res.SampleRate
		u := F / k * ((1-r*r)*math.Sin(om*tt+ph) - 2*zeta*r*math.Cos(om*tt+ph)) / den
		if math.Abs(v-(-om*om*u)) > 1e-9*amp {
			t.Fatalf("sample %d: %g, SDOF steady state %g", j, v, -om*om*u)
		}
	}
	if len(res.Truth.Harmonics) != 1 || res.Truth.Harmonics[0].FrequencyHz != fh {
		t.Errorf("truth harmonics %+v", res.Truth.Harmonics)
	}
}

// With ambient forcing, a machinery force makes a line at its frequency
// standing far above the neighbouring spectrum, at a frequency that is
// not a mode.
func TestHarmonicLine(t *testing.T) {
	c := defaultConfig(t, 3, []int{1, 3}, 600)
	const nseg = 4096
	fh := 150 * c.SampleRateOrDefault() / nseg // on a bin: 7.32421875 Hz
	c.Harmonics = []Harmonic{{Floor: 3, X: 5, Y: 5, Axis: AxisX, Amplitude: 300, FrequencyHz: fh}}
	r := run(t, c)
	for _, m := range r.Truth.Modes {
		if math.Abs(m.FHz-fh) < 0.3 {
			t.Fatalf("test setup: line %g Hz too close to mode %g", fh, m.FHz)
		}
	}
	tr := trace(csd(r.Data, nseg), len(r.Data))
	base := 0.0
	nb := 0
	for b := 130; b <= 170; b++ {
		if b < 147 || b > 153 {
			base += tr[b]
			nb++
		}
	}
	base /= float64(nb)
	if tr[150] < 30*base {
		t.Errorf("line at %g Hz only %.1f× the neighbouring spectrum", fh, tr[150]/base)
	}
	// Without the machine there is no line there.
	c.Harmonics = nil
	tr0 := trace(csd(run(t, c).Data, nseg), len(r.Data))
	if tr0[150] > 3*base {
		t.Errorf("ambient alone has a peak at %g Hz", fh)
	}
}

// A unit step of ground acceleration along x: ground sensors read it, the
// roof reads the absolute acceleration of an SDOF from rest,
// a = s(t) + (2ζω/ω_d)e^{−ζωt}sin ω_d t, s = 1 − e^{−ζωt}(cos ω_d t +
// ζω/ω_d sin ω_d t), derived from ü + 2ζωu̇ + ω²u = −a_g.
func TestBaseStepAbsoluteAcceleration(t *testing.T) {
	b, _ := RegularBuilding(1, WithEccentricity(0, 0))
	const zeta = 0.04
	n := 1000
	series := make([]float64, n)
	for i := range series {
		series[i] = 1
	}
	c := Config{
		Building: b, NoAmbient: true, Zeta: []float64{zeta},
		Base: &BaseExcitation{SeriesX: series},
		Sensors: []Sensor{
			{Channel: "XX.G.00.HNE", Floor: 0, Axis: AxisX},
			{Channel: "XX.G.00.HNZ", Floor: 0, Axis: AxisZ},
			{Channel: "XX.R.01.HNE", Floor: 1, X: 3, Y: 0, Axis: AxisX},
			{Channel: "XX.R.01.HNN", Floor: 1, X: 3, Y: 0, Axis: AxisY},
		},
	}
	r := run(t, c)
	w := math.Sqrt(b.Storeys[0].KX / b.Floors[0].Mass)
	wd := w * math.Sqrt(1-zeta*zeta)
	for j := range n {
		tt := float64(j) / r.SampleRate
		e := math.Exp(-zeta * w * tt)
		sn, cs := math.Sincos(wd * tt)
		want := 1 - e*(cs+zeta*w/wd*sn) + 2*zeta*w/wd*e*sn
		if r.Data[0][j] != 1 || r.Data[1][j] != 0 {
			t.Fatalf("sample %d: ground x %g, z %g", j, r.Data[0][j], r.Data[1][j])
		}
		if math.Abs(r.Data[2][j]-want) > 1e-10 {
			t.Fatalf("sample %d: roof %.15g, SDOF %.15g", j, r.Data[2][j], want)
		}
		if math.Abs(r.Data[3][j]) > 1e-12 {
			t.Fatalf("sample %d: y sensor reads %g under x ground motion", j, r.Data[3][j])
		}
	}
	if r.Truth.Samples != n {
		t.Errorf("samples %d from the series, want %d", r.Truth.Samples, n)
	}
}

// White base excitation: ground sensors read the ground acceleration, the
// roof reads more (amplification at resonance).
func TestBaseWhite(t *testing.T) {
	c := defaultConfig(t, 3, []int{0, 3}, 300)
	c.NoAmbient = true
	c.Base = &BaseExcitation{RMSX: 2e-3, RMSY: 1e-3}
	r := run(t, c)
	if rms := math.Sqrt(variance(r.Data[0])); relErr(rms, 2e-3) > 0.02 {
		t.Errorf("ground x RMS %g", rms)
	}
	if rms := math.Sqrt(variance(r.Data[1])); relErr(rms, 1e-3) > 0.02 {
		t.Errorf("ground y RMS %g", rms)
	}
	if v := variance(r.Data[2]); v != 0 {
		t.Errorf("z sensor reads %g", v)
	}
	if variance(r.Data[3]) <= variance(r.Data[0]) {
		t.Error("roof no more than ground")
	}
}

func (c Config) SampleRateOrDefault() float64 {
	if c.SampleRate == 0 {
		return DefaultSampleRate
	}
	return c.SampleRate
}

func TestValidation(t *testing.T) {
	base := func() Config { return defaultConfig(t, 10, []int{0, 5, 10}, 10) }
	cases := []struct {
		name  string
		mod   func(*Config)
		field string
		msg   string
	}{
		{"floor above roof", func(c *Config) { c.Sensors[3].Floor = 12 }, "sensors[3].floor", "12 is above the roof (10 storeys)"},
		{"floor below", func(c *Config) { c.Sensors[0].Floor = -1 }, "sensors[0].floor", "below the ground"},
		{"bad channel", func(c *Config) { c.Sensors[1].Channel = "XX.STA" }, "sensors[1].channel", "NET.STA.LOC.CHA"},
		{"dup channel", func(c *Config) { c.Sensors[2].Channel = c.Sensors[1].Channel }, "sensors[2].channel", "also sensors[1]"},
		{"axis", func(c *Config) { c.Sensors[4].Axis = "w" }, "sensors[4].axis", `"w"`},
		{"outside plan", func(c *Config) { c.Sensors[4].X = 11 }, "sensors[4].x_m", "outside the plan"},
		{"no sensors", func(c *Config) { c.Sensors = nil }, "sensors", "no sensors"},
		{"zeta", func(c *Config) { c.Zeta = []float64{0.02, 1.5} }, "zeta[1]", "(0, 1)"},
		{"zeta zero", func(c *Config) { c.Zeta = []float64{0} }, "zeta[0]", "(0, 1)"},
		{"duration", func(c *Config) { c.Duration = -1 }, "duration_s", "≥ 0"},
		{"no duration", func(c *Config) { c.Duration = 0 }, "duration_s", "> 0"},
		{"huge", func(c *Config) { c.Duration = 1e9 }, "duration_s", "more than"},
		{"fs", func(c *Config) { c.SampleRate = math.NaN() }, "sample_rate_hz", "positive"},
		{"ambient", func(c *Config) { c.AmbientRMS = -1 }, "ambient_rms_m_s2", "positive"},
		{"mass", func(c *Config) { c.Building.Floors[2].Mass = 0 }, "building.floors[2].mass_kg", "positive"},
		{"kx", func(c *Config) { c.Building.Storeys[9].KX = math.Inf(1) }, "building.storeys[9].kx_n_per_m", "finite"},
		{"storeys", func(c *Config) { c.Building.Storeys = c.Building.Storeys[:9] }, "building.storeys", "9 storeys for 10 floors"},
		{"ecc", func(c *Config) { c.Building.Floors[0].EX = 10.5 }, "building.floors[0].ex_m", "outside the plan"},
		{"damage storey", func(c *Config) { c.Damage = []Damage{{Storey: 11, FactorX: 0.5}} }, "damage[0].storey", "1..10"},
		{"damage factor", func(c *Config) { c.Damage = []Damage{{Storey: 1, FactorY: -0.5}} }, "damage[0].factor_y", "> 0"},
		{"harmonic nyquist", func(c *Config) {
			c.Harmonics = []Harmonic{{Floor: 1, Axis: AxisX, Amplitude: 1, FrequencyHz: 100}}
		}, "harmonics[0].f_hz", "Nyquist"},
		{"harmonic floor", func(c *Config) {
			c.Harmonics = []Harmonic{{Floor: 0, Axis: AxisX, Amplitude: 1, FrequencyHz: 5}}
		}, "harmonics[0].floor", "1..10"},
		{"harmonic axis", func(c *Config) {
			c.Harmonics = []Harmonic{{Floor: 1, Axis: AxisZ, Amplitude: 1, FrequencyHz: 5}}
		}, "harmonics[0].axis", "not x or y"},
		{"series length", func(c *Config) { c.Base = &BaseExcitation{SeriesX: make([]float64, 7)} }, "base.series_x_m_s2", "7 samples, the record has 2000"},
		{"series nan", func(c *Config) {
			s := make([]float64, 2000)
			s[17] = math.NaN()
			c.Base = &BaseExcitation{SeriesY: s}
		}, "base.series_y_m_s2[17]", "finite"},
		{"rms and series", func(c *Config) { c.Base = &BaseExcitation{RMSX: 1, SeriesX: make([]float64, 2000)} }, "base.series_x_m_s2", "not both"},
		{"nothing", func(c *Config) { c.NoAmbient = true }, "no_ambient", "nothing excites"},
		{"snr", func(c *Config) { c.Noise = &Noise{SNRdB: math.NaN()} }, "noise.snr_db", "dB"},
		{"noise floor", func(c *Config) { c.Noise = &Noise{SNRdB: 10, FloorRMS: -1} }, "noise.floor_rms_m_s2", "≥ 0"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := base()
			tc.mod(&c)
			_, err := Simulate(context.Background(), c)
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v is not a *FieldError", err)
			}
			if fe.Field != tc.field || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("got %q, want field %q and %q", err, tc.field, tc.msg)
			}
			if !strings.HasPrefix(err.Error(), tc.field+": ") {
				t.Errorf("message %q does not start with the field", err)
			}
		})
	}
}

func TestBuildingSpecValidation(t *testing.T) {
	for _, tc := range []struct {
		opts  []Option
		n     int
		field string
	}{
		{nil, 0, "storeys"},
		{nil, MaxStoreys + 1, "storeys"},
		{[]Option{WithPlan(-1, 3)}, 3, "lx_m"},
		{[]Option{WithFundamental(0)}, 3, "f1_hz"},
		{[]Option{WithEccentricity(0.6, 0)}, 3, "ecc_x"},
		{[]Option{WithTorsionFactor(math.NaN())}, 3, "torsion_factor"},
	} {
		_, err := RegularBuilding(tc.n, tc.opts...)
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != tc.field {
			t.Errorf("n=%d: error %v, want field %s", tc.n, err, tc.field)
		}
	}
	b, _ := RegularBuilding(3)
	if _, err := DefaultSensors(b, []int{0, 4}); err == nil || !strings.Contains(err.Error(), "levels[1]: 4 is above the roof (3 storeys)") {
		t.Errorf("DefaultSensors: %v", err)
	}
	if _, err := DefaultSensors(b, []int{1, 1}); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("DefaultSensors duplicate: %v", err)
	}
}

func TestTruthJSON(t *testing.T) {
	c := defaultConfig(t, 4, []int{0, 2, 4}, 5)
	c.Zeta = []float64{0.01, 0.03}
	c.Damage = []Damage{{Storey: 2, FactorX: 0.6, FactorY: 0.6}}
	r := run(t, c)
	raw, err := json.Marshal(r.Truth)
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Modes []struct {
			FHz       *float64 `json:"f_hz"`
			Zeta      *float64 `json:"zeta"`
			Direction string   `json:"direction"`
			Shape     []struct {
				Channel string   `json:"channel"`
				Value   *float64 `json:"value"`
			} `json:"shape"`
		} `json:"modes"`
		Building struct {
			Storeys int     `json:"storeys"`
			Height  float64 `json:"height_m"`
		} `json:"building"`
		Sensors []map[string]any `json:"sensors"`
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Modes) != 12 || v.Building.Storeys != 4 || v.Building.Height != 12 || len(v.Sensors) != 9 {
		t.Fatalf("truth: %d modes, %d storeys, %g m, %d sensors", len(v.Modes), v.Building.Storeys, v.Building.Height, len(v.Sensors))
	}
	for _, key := range []string{"channel", "floor", "x_m", "y_m", "axis"} {
		if _, ok := v.Sensors[3][key]; !ok {
			t.Errorf("sensor lacks %q (survey spelling)", key)
		}
	}
	// Truth frequencies are those of the damaged building.
	d, _ := c.Building.Damaged(c.Damage...)
	md := mustModes(t, d)
	for k, m := range v.Modes {
		if m.FHz == nil || m.Zeta == nil || m.Direction == "" || len(m.Shape) != 9 {
			t.Fatalf("mode %d incomplete: %s", k, raw)
		}
		if *m.FHz != md.Freq(k) {
			t.Errorf("mode %d: %g Hz, damaged building %g", k, *m.FHz, md.Freq(k))
		}
		if k > 0 && *m.FHz < *v.Modes[k-1].FHz {
			t.Error("modes not sorted")
		}
		wz := 0.03
		if k == 0 {
			wz = 0.01
		}
		if *m.Zeta != wz {
			t.Errorf("mode %d ζ %g, want %g", k, *m.Zeta, wz)
		}
		mx := 0.0
		for i, s := range m.Shape {
			if s.Channel != c.Sensors[i].Channel {
				t.Errorf("shape channel %s", s.Channel)
			}
			mx = math.Max(mx, *s.Value)
			if math.Abs(*s.Value) > 1 {
				t.Errorf("shape value %g beyond 1", *s.Value)
			}
			if c.Sensors[i].Floor == 0 && *s.Value != 0 {
				t.Errorf("ground sensor shape %g", *s.Value)
			}
		}
		if mx != 1 {
			t.Errorf("mode %d: largest shape value %g, want 1", k, mx)
		}
	}
}

func TestContextCancel(t *testing.T) {
	c := defaultConfig(t, 3, []int{3}, 60)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Simulate(ctx, c); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestTraces(t *testing.T) {
	c := defaultConfig(t, 2, []int{0, 2}, 2)
	r := run(t, c)
	start := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	tr, err := r.Traces(start)
	if err != nil {
		t.Fatal(err)
	}
	if len(tr) != 6 || tr[3].ID.String() != "XX.STRNA.02.HNE" || tr[3].Units != "m/s**2" ||
		len(tr[3].Samples) != 400 || !tr[3].Start.Equal(start) || tr[3].SampleRate != 200 {
		t.Errorf("traces %+v", tr[3].ID)
	}
}

func BenchmarkSimulate10Storey12ch30min(b *testing.B) {
	c := defaultConfig(b, 10, []int{1, 4, 7, 10}, 1800)
	c.Noise = &Noise{SNRdB: 20}
	if len(c.Sensors) != 12 {
		b.Fatalf("%d channels", len(c.Sensors))
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Simulate(context.Background(), c); err != nil {
			b.Fatal(err)
		}
	}
}
