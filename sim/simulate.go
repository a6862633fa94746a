package sim

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/struna/struna/seis"
)

// Config is one simulation. The zero value of an optional field means its
// documented default.
type Config struct {
	Building Building `json:"building"`
	// Damage scales storey stiffnesses before the eigen-analysis.
	Damage []Damage `json:"damage,omitempty"`
	// Zeta is the damping ratio per mode in frequency order, each in
	// (0, 1); the last value repeats for the remaining modes (default
	// DefaultZeta for all).
	Zeta    []float64 `json:"zeta,omitempty"`
	Sensors []Sensor  `json:"sensors"`
	// SampleRate is the output rate in Hz (default 200).
	SampleRate float64 `json:"sample_rate_hz,omitempty"`
	// Duration is the record length in seconds; the record has
	// round(Duration·SampleRate) samples. It may be 0 when a base
	// acceleration series sets the length.
	Duration float64 `json:"duration_s"`
	Seed     uint64  `json:"seed"`
	// AmbientRMS is the expected RMS acceleration of the roof's centre of
	// mass under the ambient forces, √((σ_x²+σ_y²)/2) in m/s² (default
	// 3e-4, typical of ambient vibration in a quiet city building).
	AmbientRMS float64 `json:"ambient_rms_m_s2,omitempty"`
	// NoAmbient switches the ambient floor forces off.
	NoAmbient bool            `json:"no_ambient,omitempty"`
	Base      *BaseExcitation `json:"base,omitempty"`
	Harmonics []Harmonic      `json:"harmonics,omitempty"`
	// Noise adds sensor noise; nil means none.
	Noise *Noise `json:"noise,omitempty"`
}

// Default output rate and ambient level.
const (
	DefaultSampleRate = 200.0
	DefaultAmbientRMS = 3e-4
)

// MaxValues bounds the output size (channels × samples), 2 GiB of float64.
const MaxValues = 1 << 28

// BaseExcitation is ground acceleration along x and/or y, white (an RMS)
// or given (a series at the output sample rate, linear between samples,
// with the building at rest before t = 0). An axis takes one or the other.
type BaseExcitation struct {
	RMSX    float64   `json:"rms_x_m_s2,omitempty"`
	RMSY    float64   `json:"rms_y_m_s2,omitempty"`
	SeriesX []float64 `json:"series_x_m_s2,omitempty"`
	SeriesY []float64 `json:"series_y_m_s2,omitempty"`
}

// Harmonic is a machinery force Amplitude·sin(2π·FrequencyHz·t + Phase)
// in newtons along Axis (x or y) at point (X, Y) of Floor (1..n).
type Harmonic struct {
	Floor       int     `json:"floor"`
	X           float64 `json:"x_m"`
	Y           float64 `json:"y_m"`
	Axis        Axis    `json:"axis"`
	Amplitude   float64 `json:"amplitude_n"`
	FrequencyHz float64 `json:"f_hz"`
	Phase       float64 `json:"phase_rad,omitempty"`
}

// Noise is independent white Gaussian sensor noise per channel: variance
// var(signal)/10^(SNRdB/10) of the channel's realised signal (+Inf: none),
// plus FloorRMS² (m/s²) on every channel.
type Noise struct {
	SNRdB    float64 `json:"snr_db"`
	FloorRMS float64 `json:"floor_rms_m_s2,omitempty"`
}

// Result is a simulated record and its truth.
type Result struct {
	SampleRate float64
	Sensors    []Sensor
	// Data[i] is the acceleration of Sensors[i] in m/s², sample j at time
	// j/SampleRate.
	Data  [][]float64
	Truth Truth
}

// Traces returns the record as seis traces starting at start (UTC), units
// "m/s**2". The samples are shared with r.Data.
func (r *Result) Traces(start time.Time) ([]seis.Trace, error) {
	out := make([]seis.Trace, len(r.Sensors))
	for i, s := range r.Sensors {
		id, err := seis.ParseSourceID(s.Channel)
		if err != nil {
			return nil, fmt.Errorf("sensors[%d].channel: %w", i, err)
		}
		out[i] = seis.Trace{ID: id, SampleRate: r.SampleRate, Start: start.UTC(), Samples: r.Data[i], Units: "m/s**2"}
	}
	return out, nil
}

// PCG stream constants: one independent stream per purpose, so that e.g.
// the noise level does not change the structural response.
const (
	streamForce = 0x5354524e41_0001
	streamInit  = 0x5354524e41_0002
	streamNoise = 0x5354524e41_0003
	streamEcc   = 0x5354524e41_0004
)

// validate checks c (defaults applied) and returns the number of samples.
func (c *Config) validate() (int, error) {
	if err := c.Building.validate("building"); err != nil {
		return 0, err
	}
	n := c.Building.N()
	if err := validateDamage("damage", c.Damage, n); err != nil {
		return 0, err
	}
	for i, z := range c.Zeta {
		if !(z > 0 && z < 1) {
			return 0, fieldErr(fmt.Sprintf("zeta[%d]", i), "damping ratio must be in (0, 1), got %g", z)
		}
	}
	if len(c.Zeta) > 3*n {
		return 0, fieldErr("zeta", "%d values for %d modes", len(c.Zeta), 3*n)
	}
	if err := validateSensors(c.Sensors, n, c.Building.LX, c.Building.LY); err != nil {
		return 0, err
	}
	if !finitePos(c.SampleRate) {
		return 0, fieldErr("sample_rate_hz", "must be positive and finite, got %g", c.SampleRate)
	}
	if !finite(c.AmbientRMS) || c.AmbientRMS <= 0 {
		return 0, fieldErr("ambient_rms_m_s2", "must be positive and finite, got %g", c.AmbientRMS)
	}
	if !finite(c.Duration) || c.Duration < 0 {
		return 0, fieldErr("duration_s", "must be a finite number of seconds ≥ 0, got %g", c.Duration)
	}
	ns := 0
	if c.Duration > 0 {
		v := math.Round(c.Duration * c.SampleRate)
		if v < 1 {
			return 0, fieldErr("duration_s", "%g s at %g Hz is less than one sample", c.Duration, c.SampleRate)
		}
		if v*float64(len(c.Sensors)) > MaxValues {
			return 0, fieldErr("duration_s", "%g s × %g Hz × %d channels is more than %d values", c.Duration, c.SampleRate, len(c.Sensors), MaxValues)
		}
		ns = int(v)
	}
	excited := !c.NoAmbient || len(c.Harmonics) > 0
	if b := c.Base; b != nil {
		for _, a := range []struct {
			name   string
			rms    float64
			series []float64
		}{{"x", b.RMSX, b.SeriesX}, {"y", b.RMSY, b.SeriesY}} {
			if !finite(a.rms) || a.rms < 0 {
				return 0, fieldErr("base.rms_"+a.name+"_m_s2", "must be finite and ≥ 0, got %g", a.rms)
			}
			if a.rms > 0 && a.series != nil {
				return 0, fieldErr("base.series_"+a.name+"_m_s2", "an axis takes an RMS or a series, not both")
			}
			if a.series == nil {
				excited = excited || a.rms > 0
				continue
			}
			if len(a.series) == 0 {
				return 0, fieldErr("base.series_"+a.name+"_m_s2", "empty series")
			}
			if ns == 0 {
				ns = len(a.series)
				if float64(ns)*float64(len(c.Sensors)) > MaxValues {
					return 0, fieldErr("base.series_"+a.name+"_m_s2", "%d samples × %d channels is more than %d values", ns, len(c.Sensors), MaxValues)
				}
			}
			if len(a.series) != ns {
				return 0, fieldErr("base.series_"+a.name+"_m_s2", "%d samples, the record has %d", len(a.series), ns)
			}
			for j, v := range a.series {
				if !finite(v) {
					return 0, fieldErr(fmt.Sprintf("base.series_%s_m_s2[%d]", a.name, j), "not a finite number: %g", v)
				}
			}
			excited = true
		}
	}
	if ns == 0 {
		return 0, fieldErr("duration_s", "must be > 0 (no base series sets the length)")
	}
	for i, h := range c.Harmonics {
		f := fmt.Sprintf("harmonics[%d]", i)
		switch {
		case h.Floor < 1 || h.Floor > n:
			return 0, fieldErr(f+".floor", "%d is not a floor of this building (1..%d)", h.Floor, n)
		case !finite(h.X) || math.Abs(h.X) > c.Building.LX/2:
			return 0, fieldErr(f+".x_m", "%g m is outside the plan (|x| ≤ %g)", h.X, c.Building.LX/2)
		case !finite(h.Y) || math.Abs(h.Y) > c.Building.LY/2:
			return 0, fieldErr(f+".y_m", "%g m is outside the plan (|y| ≤ %g)", h.Y, c.Building.LY/2)
		case h.Axis != AxisX && h.Axis != AxisY:
			return 0, fieldErr(f+".axis", "%q is not x or y", string(h.Axis))
		case !finite(h.Amplitude) || h.Amplitude == 0:
			return 0, fieldErr(f+".amplitude_n", "must be finite and non-zero, got %g", h.Amplitude)
		case !finitePos(h.FrequencyHz) || h.FrequencyHz >= c.SampleRate/2:
			return 0, fieldErr(f+".f_hz", "%g Hz is not in (0, %g) (below the Nyquist frequency)", h.FrequencyHz, c.SampleRate/2)
		case !finite(h.Phase):
			return 0, fieldErr(f+".phase_rad", "not a finite number: %g", h.Phase)
		}
	}
	if !excited {
		return 0, fieldErr("no_ambient", "nothing excites the building (no ambient, base or harmonic forcing)")
	}
	if nz := c.Noise; nz != nil {
		if math.IsNaN(nz.SNRdB) || math.IsInf(nz.SNRdB, -1) {
			return 0, fieldErr("noise.snr_db", "must be a number of dB (+Inf for none), got %g", nz.SNRdB)
		}
		if !finite(nz.FloorRMS) || nz.FloorRMS < 0 {
			return 0, fieldErr("noise.floor_rms_m_s2", "must be finite and ≥ 0, got %g", nz.FloorRMS)
		}
	}
	return ns, nil
}

func (c *Config) withDefaults() Config {
	d := *c
	if d.SampleRate == 0 {
		d.SampleRate = DefaultSampleRate
	}
	if d.AmbientRMS == 0 {
		d.AmbientRMS = DefaultAmbientRMS
	}
	return d
}

// Simulate runs the simulation described by cfg. It checks ctx between
// blocks of samples. The same cfg gives bit-identical results.
func Simulate(ctx context.Context, cfg Config) (*Result, error) {
	p, err := newPlan(cfg)
	if err != nil {
		return nil, err
	}
	return p.run(ctx)
}

// plan is a validated simulation ready to run.
type plan struct {
	c      Config
	b      Building // damaged
	md     *Modes
	zeta   []float64
	ns     int
	sigmaF float64
	e      engine
}

func newPlan(cfg Config) (*plan, error) {
	c := cfg.withDefaults()
	ns, err := c.validate()
	if err != nil {
		return nil, err
	}
	b, err := c.Building.Damaged(c.Damage...)
	if err != nil {
		return nil, err
	}
	md, err := b.Modes()
	if err != nil {
		return nil, err
	}
	nm := md.Len()
	zeta := ExpandZeta(c.Zeta, nm)
	h := 1 / c.SampleRate
	sd := make([]sdof, nm)
	for k := range sd {
		sd[k] = discretize(md.Omega[k], zeta[k], h)
		if !sd[k].finite() {
			return nil, fmt.Errorf("sim: mode %d (%g Hz) cannot be discretised at %g Hz", k+1, md.Freq(k), c.SampleRate)
		}
	}

	// Inputs: unit normal samples u, modal force p = L u.
	in := new(inputs)
	in.build(&b, md, &c, 1)
	sigmaF := 0.0
	if !c.NoAmbient {
		// Ambient level from the exact stationary variance of the roof CM
		// acceleration for unit force.
		sp := in.forceCov(nm)
		p := stationaryCov(sd, sp)
		top := b.N()
		rx, ry := make([]float64, nm), make([]float64, nm)
		for k := range nm {
			rx[k] = md.Phi.At(DOF(top, 0), k)
			ry[k] = md.Phi.At(DOF(top, 1), k)
		}
		v := (accVariance(sd, p, sp, rx) + accVariance(sd, p, sp, ry)) / 2
		if !(v > 0) {
			return nil, errors.New("sim: ambient forces give no roof response")
		}
		sigmaF = c.AmbientRMS / math.Sqrt(v)
		in.build(&b, md, &c, sigmaF)
	}

	e := engine{sd: sd, in: in, ns: ns}
	e.sens = make([]float64, len(c.Sensors)*nm)
	for k := range nm {
		col := md.SensorShape(&b, c.Sensors, k)
		for i, v := range col {
			e.sens[i*nm+k] = v
		}
	}
	e.axis = make([]Axis, len(c.Sensors))
	for i, s := range c.Sensors {
		e.axis[i] = s.Axis
	}
	e.z0 = initialState(sd, in, c.Seed)
	if c.Base != nil {
		e.gx, e.gy = c.Base.SeriesX, c.Base.SeriesY
		e.gamx, e.gamy = md.participation(0), md.participation(1)
	}
	return &plan{c: c, b: b, md: md, zeta: zeta, ns: ns, sigmaF: sigmaF, e: e}, nil
}

func (p *plan) run(ctx context.Context) (*Result, error) {
	c := &p.c
	data, err := p.e.run(ctx, c.Seed)
	if err != nil {
		return nil, err
	}
	for _, hm := range c.Harmonics {
		addHarmonic(data, &p.b, p.md, p.zeta, c.Sensors, hm, c.SampleRate)
	}
	if c.Noise != nil {
		addNoise(data, *c.Noise, c.Seed)
	}
	for i, x := range data {
		for j, v := range x {
			if !finite(v) {
				return nil, fmt.Errorf("sim: %s sample %d is %g: the model is too extreme for float64", c.Sensors[i].Channel, j, v)
			}
		}
	}
	res := &Result{SampleRate: c.SampleRate, Sensors: append([]Sensor(nil), c.Sensors...), Data: data}
	res.Truth = makeTruth(c, &p.b, p.md, p.zeta, p.ns, p.sigmaF)
	return res, nil
}

// inputs maps the independent unit-normal samples drawn per time step to
// modal forces: p = L u. Columns are the 3n floor forces (x, y, torque per
// floor) when ambient forcing is on, then white ground x and y when set.
type inputs struct {
	m      int       // number of random inputs per step
	l      []float64 // nm × m, row-major
	nm     int
	gxCol  int // column of white ground x in u, −1 if none
	gyCol  int
	gxRMS  float64
	gyRMS  float64
	floors int // number of floor-force columns (3n or 0)
}

func (in *inputs) build(b *Building, md *Modes, c *Config, sigmaF float64) {
	nm := md.Len()
	*in = inputs{nm: nm, gxCol: -1, gyCol: -1}
	if !c.NoAmbient {
		in.floors = nm
	}
	in.m = in.floors
	if c.Base != nil && c.Base.RMSX > 0 {
		in.gxCol, in.gxRMS = in.m, c.Base.RMSX
		in.m++
	}
	if c.Base != nil && c.Base.RMSY > 0 {
		in.gyCol, in.gyRMS = in.m, c.Base.RMSY
		in.m++
	}
	in.l = make([]float64, nm*in.m)
	for j := 0; j < in.floors; j++ {
		s := sigmaF
		if j%3 == 2 { // torque: force times the radius of gyration
			f := b.Floors[j/3]
			s *= math.Sqrt(f.J / f.Mass)
		}
		for k := range nm {
			in.l[k*in.m+j] = s * md.Phi.At(j, k)
		}
	}
	if in.gxCol >= 0 {
		g := md.participation(0)
		for k := range nm {
			in.l[k*in.m+in.gxCol] = -in.gxRMS * g[k]
		}
	}
	if in.gyCol >= 0 {
		g := md.participation(1)
		for k := range nm {
			in.l[k*in.m+in.gyCol] = -in.gyRMS * g[k]
		}
	}
}

// forceCov returns Σ_p = L Lᵀ (nm × nm, row-major).
func (in *inputs) forceCov(nm int) []float64 {
	sp := make([]float64, nm*nm)
	for j := range nm {
		for k := j; k < nm; k++ {
			s := 0.0
			for i := range in.m {
				s += in.l[j*in.m+i] * in.l[k*in.m+i]
			}
			sp[j*nm+k], sp[k*nm+j] = s, s
		}
	}
	return sp
}

// initialState draws the shifted modal state z_0 from its stationary
// distribution N(0, P) through P = V diag(λ) Vᵀ (robust to the
// semi-definite P of a forcing that misses some modes).
func initialState(sd []sdof, in *inputs, seed uint64) []float64 {
	nm := len(sd)
	z := make([]float64, 2*nm)
	if in.m == 0 {
		return z
	}
	p := stationaryCov(sd, in.forceCov(nm))
	var es mat.EigenSym
	if !es.Factorize(mat.NewSymDense(2*nm, p), true) {
		return z // cannot happen for a finite symmetric matrix; start from rest
	}
	lam := es.Values(nil)
	var v mat.Dense
	es.VectorsTo(&v)
	rng := rand.New(rand.NewPCG(seed, streamInit))
	for c := range 2 * nm {
		w := rng.NormFloat64() * math.Sqrt(math.Max(lam[c], 0))
		for r := range 2 * nm {
			z[r] += v.At(r, c) * w
		}
	}
	return z
}

// engine runs the modal recursions and projects them onto the sensors.
type engine struct {
	sd         []sdof
	in         *inputs
	ns         int
	sens       []float64 // nsens × nm
	axis       []Axis
	z0         []float64
	gx, gy     []float64 // ground acceleration series, or nil
	gamx, gamy []float64 // participation factors for the series
	// disp, when non-nil, receives η_k per sample (nm × ns); tests only.
	disp [][]float64
}

const blockLen = 1024

func (e *engine) run(ctx context.Context, seed uint64) ([][]float64, error) {
	nm, m, ns := len(e.sd), e.in.m, e.ns
	nsens := len(e.axis)
	data := make([][]float64, nsens)
	for i := range data {
		data[i] = make([]float64, ns)
	}
	rng := rand.New(rand.NewPCG(seed, streamForce))
	u := make([]float64, blockLen*m)
	pm := make([]float64, nm*blockLen)
	am := make([]float64, nm*blockLen)
	s1, s2, pprev, p0 := make([]float64, nm), make([]float64, nm), make([]float64, nm), make([]float64, nm)
	agx, agy := make([]float64, blockLen), make([]float64, blockLen)
	l := e.in.l
	for t0 := 0; t0 < ns; t0 += blockLen {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		bl := min(blockLen, ns-t0)
		ub := u[:bl*m]
		for i := range ub {
			ub[i] = rng.NormFloat64()
		}
		clear(agx)
		clear(agy)
		if e.in.gxCol >= 0 {
			for t := range bl {
				agx[t] = e.in.gxRMS * ub[t*m+e.in.gxCol]
			}
		} else if e.gx != nil {
			copy(agx, e.gx[t0:t0+bl])
		}
		if e.in.gyCol >= 0 {
			for t := range bl {
				agy[t] = e.in.gyRMS * ub[t*m+e.in.gyCol]
			}
		} else if e.gy != nil {
			copy(agy, e.gy[t0:t0+bl])
		}
		for k := range nm {
			lk := l[k*m : (k+1)*m]
			pk := pm[k*blockLen : k*blockLen+bl]
			for t := range pk {
				ut := ub[t*m : (t+1)*m]
				s := 0.0
				for j, v := range lk {
					s += v * ut[j]
				}
				pk[t] = s
			}
			if t0 == 0 {
				p0[k] = pk[0] // random part only: a given series starts from rest
			}
			if e.gx != nil {
				g := e.gamx[k]
				for t := range pk {
					pk[t] -= g * agx[t]
				}
			}
			if e.gy != nil {
				g := e.gamy[k]
				for t := range pk {
					pk[t] -= g * agy[t]
				}
			}
		}
		for k := range nm {
			d := &e.sd[k]
			pk := pm[k*blockLen : k*blockLen+bl]
			ak := am[k*blockLen : k*blockLen+bl]
			x1, x2, pp := s1[k], s2[k], pprev[k]
			a11, a12, a21, a22 := d.phi[0][0], d.phi[0][1], d.phi[1][0], d.phi[1][1]
			b01, b02, b11, b12 := d.b0[0], d.b0[1], d.b1[0], d.b1[1]
			c1, c2 := d.c[0], d.c[1]
			t := 0
			if t0 == 0 {
				// Stationary start: s_0 = z_0 + b1·p_0 for the random forces.
				x1 = e.z0[2*k] + b11*p0[k]
				x2 = e.z0[2*k+1] + b12*p0[k]
				ak[0] = pk[0] + c1*x1 + c2*x2
				pp = pk[0]
				if e.disp != nil {
					e.disp[k][0] = x1
				}
				t = 1
			}
			for ; t < bl; t++ {
				p := pk[t]
				x1, x2 = a11*x1+a12*x2+b01*pp+b11*p, a21*x1+a22*x2+b02*pp+b12*p
				ak[t] = p + c1*x1 + c2*x2
				pp = p
				if e.disp != nil {
					e.disp[k][t0+t] = x1
				}
			}
			s1[k], s2[k], pprev[k] = x1, x2, pp
		}
		for i := range nsens {
			out := data[i][t0 : t0+bl]
			row := e.sens[i*nm : (i+1)*nm]
			for k, c := range row {
				if c == 0 {
					continue
				}
				ak := am[k*blockLen : k*blockLen+bl]
				for t, v := range ak {
					out[t] += c * v
				}
			}
			// Absolute acceleration: every horizontal sensor moves with the
			// ground as well.
			switch e.axis[i] {
			case AxisX:
				for t := range out {
					out[t] += agx[t]
				}
			case AxisY:
				for t := range out {
					out[t] += agy[t]
				}
			}
		}
	}
	return data, nil
}

// addHarmonic adds the exact steady-state response to one machinery force:
// per mode η = Im{g_k/D_k e^{i(Ωt+φ)}}, D_k = ω_k² − Ω² + 2iζ_kω_kΩ, g_k
// the generalised force; the sensor reads Im{H e^{i(Ωt+φ)}} with H =
// Σ_k s_k (−Ω²) g_k/D_k.
func addHarmonic(data [][]float64, b *Building, md *Modes, zeta []float64, sensors []Sensor, hm Harmonic, fs float64) {
	row, _ := pointRow(b, hm.Floor, hm.X, hm.Y, hm.Axis)
	om := 2 * math.Pi * hm.FrequencyHz
	nm := md.Len()
	gk := make([]complex128, nm)
	for k := range nm {
		g := 0.0
		for j := range 3 {
			g += row[j] * md.Phi.At(DOF(hm.Floor, j), k)
		}
		w := md.Omega[k]
		d := complex(w*w-om*om, 2*zeta[k]*w*om)
		gk[k] = complex(-om*om*g*hm.Amplitude, 0) / d
	}
	for i := range sensors {
		var hsum complex128
		for k := range nm {
			s := md.SensorShape(b, sensors[i:i+1], k)[0]
			hsum += complex(s, 0) * gk[k]
		}
		if hsum == 0 {
			continue
		}
		amp, ph := cmplx.Abs(hsum), cmplx.Phase(hsum)+hm.Phase
		out := data[i]
		for t := range out {
			out[t] += amp * math.Sin(om*float64(t)/fs+ph)
		}
	}
}

// addNoise adds independent white Gaussian noise per channel (see Noise).
func addNoise(data [][]float64, nz Noise, seed uint64) {
	vars := make([]float64, len(data))
	mean, cnt := 0.0, 0
	for i, x := range data {
		vars[i] = variance(x)
		if vars[i] > 0 {
			mean += vars[i]
			cnt++
		}
	}
	if cnt > 0 {
		mean /= float64(cnt)
	}
	rng := rand.New(rand.NewPCG(seed, streamNoise))
	for i, x := range data {
		v := nz.FloorRMS * nz.FloorRMS
		if !math.IsInf(nz.SNRdB, 1) {
			ref := vars[i]
			if ref == 0 {
				ref = mean
			}
			v += ref / math.Pow(10, nz.SNRdB/10)
		}
		sd := math.Sqrt(v)
		if sd == 0 {
			continue
		}
		for t := range x {
			x[t] += sd * rng.NormFloat64()
		}
	}
}

func variance(x []float64) float64 {
	if len(x) == 0 {
		return 0
	}
	m := 0.0
	for _, v := range x {
		m += v
	}
	m /= float64(len(x))
	s := 0.0
	for _, v := range x {
		s += (v - m) * (v - m)
	}
	return s / float64(len(x))
}
