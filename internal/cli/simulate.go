package cli

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/struna/struna/seis"
	"github.com/struna/struna/seis/csvrec"
	"github.com/struna/struna/seis/mseed"
	"github.com/struna/struna/seis/sac"
	"github.com/struna/struna/sim"
	"github.com/struna/struna/survey"
)

// simFlags are the flags of `struna simulate`.
type simFlags struct {
	out        string
	storeys    int
	f1         float64
	zeta       []float64
	duration   time.Duration
	fs         float64
	levels     string
	snr        float64
	seed       uint64
	damage     []string
	harmonics  []string
	baseRMS    float64
	ambientRMS float64
	randomEcc  bool
	format     string
	encoding   string
	lsb        float64
	start      string
	buildingID string
	lat, lon   float64
	visible    string // survey observation written with the records
	quiet      bool
}

func newSimulate(env *Env) *cobra.Command {
	var f simFlags
	cmd := &cobra.Command{
		Use:   "simulate --out DIR [flags]",
		Short: "Simulate ambient vibration of a building whose modes are known exactly",
		Long: `simulate builds an n-storey building (three degrees of freedom per floor: two
translations and torsion, with eccentric mass), sets the damping of every mode
exactly, drives it with broadband ambient forces (and optionally ground motion and
machinery), records accelerometers at chosen levels with sensor noise, and writes

  DIR/records/   one file per channel (miniSEED 3 by default), or records.csv
  DIR/survey.json   the survey file of DESIGN §4 for these sensors
  DIR/truth.json    the exact modes from eigen-analysis (f, ζ, shapes at the sensors)

The same flags and seed always give the same bits.`,
		Example: `  struna simulate --storeys 10 --duration 30m --out /tmp/b10
  struna simulate --storeys 5 --damage 1:0.5 --seed 2 --out /tmp/b5-damaged
  struna simulate --storeys 8 --harmonic 7.5:2000@8 --levels 0,4,8 --out /tmp/b8`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runSimulate(env, &f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.out, "out", "", "output directory (required)")
	fl.IntVar(&f.storeys, "storeys", 5, "number of storeys")
	fl.Float64Var(&f.f1, "f1", 0, "fundamental frequency in Hz (default 10/storeys, the T ≈ 0.1·N rule)")
	fl.Float64SliceVar(&f.zeta, "zeta", []float64{sim.DefaultZeta}, "damping ratio per mode in frequency order; the last repeats")
	fl.DurationVar(&f.duration, "duration", 20*time.Minute, "record length")
	fl.Float64Var(&f.fs, "fs", sim.DefaultSampleRate, "sample rate, Hz")
	fl.StringVar(&f.levels, "levels", "", "comma-separated instrumented levels, 0 = ground (default: ground, about a third, two thirds and the roof)")
	fl.Float64Var(&f.snr, "snr", 20, "sensor signal-to-noise ratio in dB (inf for no noise)")
	fl.Uint64Var(&f.seed, "seed", 1, "random seed")
	fl.StringSliceVar(&f.damage, "damage", nil, "storey stiffness factor: STOREY:FACTOR (both axes) or STOREY:FX:FY; repeatable")
	fl.StringSliceVar(&f.harmonics, "harmonic", nil, "machinery force F_HZ:AMPLITUDE_N[@FLOOR] along x at the given floor (default roof); repeatable")
	fl.Float64Var(&f.baseRMS, "base", 0, "white ground acceleration RMS in m/s² along x and y (0: none)")
	fl.Float64Var(&f.ambientRMS, "ambient", sim.DefaultAmbientRMS, "roof RMS acceleration from ambient forces, m/s²")
	fl.BoolVar(&f.randomEcc, "random-eccentricity", false, "draw each floor's mass eccentricity at random (seeded)")
	fl.StringVar(&f.format, "format", "mseed3", "record format: mseed3, mseed2, sac or csv")
	fl.StringVar(&f.encoding, "encoding", "float32", "miniSEED encoding: float32, float64 or steim2 (integer counts of --lsb)")
	fl.Float64Var(&f.lsb, "lsb", 1e-7, "m/s² per count for --encoding steim2")
	fl.StringVar(&f.start, "start", "2026-01-01T00:00:00Z", "record start time (RFC 3339)")
	fl.StringVar(&f.buildingID, "building-id", "SIM-1", "building id written to the survey")
	fl.Float64Var(&f.lat, "lat", 0, "building latitude for the survey")
	fl.Float64Var(&f.lon, "lon", 0, "building longitude for the survey")
	return cmd
}

func runSimulate(env *Env, f *simFlags) error {
	if f.out == "" {
		return usagef("--out is required")
	}
	if f.storeys < 1 || f.storeys > 99 {
		return usagef("--storeys %d: must be 1..99", f.storeys)
	}
	start, err := time.Parse(time.RFC3339Nano, f.start)
	if err != nil {
		return usagef("--start %q: not an RFC 3339 time", f.start)
	}
	var opts []sim.Option
	if f.f1 != 0 {
		opts = append(opts, sim.WithFundamental(f.f1))
	}
	if f.randomEcc {
		opts = append(opts, sim.WithRandomEccentricity(f.seed))
	}
	b, err := sim.RegularBuilding(f.storeys, opts...)
	if err != nil {
		return usageError{err}
	}
	levels, err := parseLevels(f.levels, f.storeys)
	if err != nil {
		return err
	}
	sensors, err := sim.DefaultSensors(b, levels)
	if err != nil {
		return usageError{err}
	}
	cfg := sim.Config{
		Building: b, Zeta: f.zeta, Sensors: sensors, SampleRate: f.fs,
		Duration: f.duration.Seconds(), Seed: f.seed, AmbientRMS: f.ambientRMS,
	}
	if !math.IsInf(f.snr, 1) {
		cfg.Noise = &sim.Noise{SNRdB: f.snr}
	}
	if f.baseRMS > 0 {
		cfg.Base = &sim.BaseExcitation{RMSX: f.baseRMS, RMSY: f.baseRMS}
	}
	for _, d := range f.damage {
		dm, err := parseDamage(d)
		if err != nil {
			return err
		}
		cfg.Damage = append(cfg.Damage, dm)
	}
	for _, h := range f.harmonics {
		hm, err := parseHarmonic(h, f.storeys)
		if err != nil {
			return err
		}
		cfg.Harmonics = append(cfg.Harmonics, hm)
	}
	enc, ext, err := recordFormat(f.format, f.encoding)
	if err != nil {
		return err
	}

	res, err := sim.Simulate(contextOf(env), cfg)
	if err != nil {
		return usageError{err}
	}
	traces, err := res.Traces(start.UTC())
	if err != nil {
		return err
	}
	if f.encoding == "steim2" && f.format != "csv" && f.format != "sac" {
		for i := range traces {
			q := make([]float64, len(traces[i].Samples))
			for j, v := range traces[i].Samples {
				c := math.Round(v / f.lsb)
				if math.Abs(c) > math.MaxInt32 {
					return fmt.Errorf("channel %s sample %d: %g m/s² exceeds the int32 range at --lsb %g", traces[i].ID, j, v, f.lsb)
				}
				q[j] = c
			}
			traces[i].Samples, traces[i].Units = q, "counts"
		}
	}

	recDir := filepath.Join(f.out, "records")
	if err := os.MkdirAll(recDir, 0o755); err != nil {
		return err
	}
	var written []string
	if f.format == "csv" {
		p := filepath.Join(recDir, "records.csv")
		if err := writeFile(p, func(w *os.File) error { return csvrec.Encode(w, traces, csvrec.EncodeOptions{}) }); err != nil {
			return err
		}
		written = append(written, p)
	} else {
		for _, tr := range traces {
			p := filepath.Join(recDir, tr.ID.String()+ext)
			err := writeFile(p, func(w *os.File) error {
				if f.format == "sac" {
					return sac.Encode(w, tr, sac.EncodeOptions{})
				}
				return mseed.Encode(w, []seis.Trace{tr}, enc)
			})
			if err != nil {
				return err
			}
			written = append(written, p)
		}
	}

	sv := survey.Survey{
		Building: survey.Building{
			ID: f.buildingID, Name: fmt.Sprintf("simulated %d-storey building", f.storeys),
			Lat: f.lat, Lon: f.lon, Storeys: f.storeys, HeightM: res.Truth.Building.HeightM,
			System: "rc_frame",
		},
		Observations: survey.Observations{VisibleDamage: cmp.Or(f.visible, "none")},
	}
	for _, s := range sensors {
		sv.Sensors = append(sv.Sensors, survey.Sensor{Channel: s.Channel, Floor: s.Floor, XM: s.X, YM: s.Y, Axis: string(s.Axis)})
	}
	if err := sv.Validate(); err != nil {
		return fmt.Errorf("internal error: simulated survey is invalid: %w", err)
	}
	if err := writeJSON(filepath.Join(f.out, "survey.json"), sv); err != nil {
		return err
	}
	if err := writeJSON(filepath.Join(f.out, "truth.json"), res.Truth); err != nil {
		return err
	}
	if f.quiet {
		return nil
	}
	fmt.Fprintf(env.Stdout, "simulated %d-storey building, %d channels × %s at %g Hz (seed %d)\n",
		f.storeys, len(traces), f.duration, f.fs, f.seed)
	for i, m := range res.Truth.Modes {
		if i >= 6 {
			fmt.Fprintf(env.Stdout, "  … %d more modes in truth.json\n", len(res.Truth.Modes)-i)
			break
		}
		fmt.Fprintf(env.Stdout, "  mode %d: %.4f Hz  ζ %.2f %%  %s\n", i+1, m.FHz, 100*m.Zeta, m.Direction)
	}
	fmt.Fprintf(env.Stdout, "wrote %d record file(s) in %s, survey.json and truth.json in %s\n", len(written), recDir, f.out)
	return nil
}

func recordFormat(format, encoding string) (mseed.EncodeOptions, string, error) {
	var o mseed.EncodeOptions
	switch encoding {
	case "float32":
		o.Encoding = mseed.EncFloat32
	case "float64":
		o.Encoding = mseed.EncFloat64
	case "steim2":
		o.Encoding = mseed.EncSteim2
	default:
		return o, "", usagef("--encoding %q: want float32, float64 or steim2", encoding)
	}
	switch format {
	case "mseed3":
		o.Version = 3
		return o, ".mseed3", nil
	case "mseed2":
		o.Version = 2
		return o, ".mseed", nil
	case "sac":
		return o, ".sac", nil
	case "csv":
		return o, ".csv", nil
	}
	return o, "", usagef("--format %q: want mseed3, mseed2, sac or csv", format)
}

// parseLevels reads "0,3,6"; empty means ground, ⅓, ⅔ and roof.
func parseLevels(s string, n int) ([]int, error) {
	if strings.TrimSpace(s) == "" {
		lv := []int{0, n}
		for _, l := range []int{int(math.Round(float64(n) / 3)), int(math.Round(2 * float64(n) / 3))} {
			if l > 0 && l < n && !slices.Contains(lv, l) {
				lv = append(lv, l)
			}
		}
		slices.Sort(lv)
		return lv, nil
	}
	var out []int
	for _, p := range strings.Split(s, ",") {
		l, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil {
			return nil, usagef("--levels %q: %q is not a whole number", s, p)
		}
		out = append(out, l)
	}
	return out, nil
}

// parseDamage reads STOREY:FACTOR or STOREY:FX:FY.
func parseDamage(s string) (sim.Damage, error) {
	p := strings.Split(s, ":")
	bad := usagef("--damage %q: want STOREY:FACTOR or STOREY:FX:FY with factors in (0, 1]", s)
	if len(p) < 2 || len(p) > 3 {
		return sim.Damage{}, bad
	}
	st, err := strconv.Atoi(p[0])
	if err != nil {
		return sim.Damage{}, bad
	}
	fx, err1 := strconv.ParseFloat(p[1], 64)
	fy := fx
	var err2 error
	if len(p) == 3 {
		fy, err2 = strconv.ParseFloat(p[2], 64)
	}
	if err1 != nil || err2 != nil || !(fx > 0 && fx <= 1) || !(fy > 0 && fy <= 1) {
		return sim.Damage{}, bad
	}
	return sim.Damage{Storey: st, FactorX: fx, FactorY: fy}, nil
}

// parseHarmonic reads F_HZ:AMPLITUDE_N[@FLOOR].
func parseHarmonic(s string, roof int) (sim.Harmonic, error) {
	bad := usagef("--harmonic %q: want F_HZ:AMPLITUDE_N[@FLOOR]", s)
	spec, floorS, hasFloor := strings.Cut(s, "@")
	fS, aS, ok := strings.Cut(spec, ":")
	if !ok {
		return sim.Harmonic{}, bad
	}
	fhz, err1 := strconv.ParseFloat(fS, 64)
	amp, err2 := strconv.ParseFloat(aS, 64)
	floor := roof
	var err3 error
	if hasFloor {
		floor, err3 = strconv.Atoi(floorS)
	}
	if err1 != nil || err2 != nil || err3 != nil || !(fhz > 0) || !(amp > 0) {
		return sim.Harmonic{}, bad
	}
	return sim.Harmonic{Floor: floor, Axis: sim.AxisX, Amplitude: amp, FrequencyHz: fhz}, nil
}

// writeFile creates path, lets fill write it, and reports a failure to
// write or close as an error naming the file; a failed file is removed.
func writeFile(path string, fill func(*os.File) error) error {
	w, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := fill(w); err != nil {
		w.Close()
		os.Remove(path)
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := w.Close(); err != nil {
		os.Remove(path)
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func writeJSON(path string, v any) error {
	return writeFile(path, func(w *os.File) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	})
}
