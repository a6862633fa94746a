// Package report defines struna's assessment report: the versioned JSON
// document `struna assess` writes (DESIGN §4), which the hub ingests, and
// from which the self-contained HTML page is rendered. Everything the
// page plots travels in the JSON (decimated), so a report alone — on a
// laptop or on the hub — renders the same page.
package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/struna/struna/survey"
)

// Schema is the current schema identifier. A change that removes or
// changes the meaning of a field bumps the number.
const Schema = "struna.report/1"

// Report is one assessment of one building.
type Report struct {
	Schema   string    `json:"schema"`
	ID       string    `json:"id"` // content hash: the same survey assessed the same way has the same id
	Created  time.Time `json:"created"`
	Software Software  `json:"software"`

	Building     survey.Building     `json:"building"`
	Survey       SurveyInfo          `json:"survey"`
	Observations survey.Observations `json:"observations"`

	Channels   []Channel  `json:"channels"`
	Modes      []Mode     `json:"modes"`
	Harmonics  []Mode     `json:"harmonics"`
	Provenance any        `json:"provenance"`
	Reference  Reference  `json:"reference"`
	Indicators Indicators `json:"indicators"`

	Category   string    `json:"category"`   // normative | working | limited | emergency (GOST 31937 names)
	Placard    string    `json:"placard"`    // green | yellow | red (ATC-20)
	Confidence float64   `json:"confidence"` // 0..1
	Reasons    []string  `json:"reasons"`
	Hazards    []Hazard  `json:"hazards"`
	Limits     []string  `json:"limits"` // what this assessment cannot see (e.g. local member damage)
	Policy     PolicyRef `json:"policy"`

	Plots Plots `json:"plots"`
}

// Software identifies the program that made the report.
type Software struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// SurveyInfo describes the recording.
type SurveyInfo struct {
	Start     time.Time       `json:"start"`
	End       time.Time       `json:"end"`
	DurationS float64         `json:"duration_s"`
	Sensors   []survey.Sensor `json:"sensors"`
	Files     []string        `json:"files"`
}

// Channel is a recorded channel with its quality findings and whether the
// analysis used it.
type Channel struct {
	ID           string  `json:"id"`
	SampleRateHz float64 `json:"sample_rate_hz"`
	Samples      int     `json:"samples"`
	Gaps         int     `json:"gaps"`
	Flags        []Flag  `json:"flags"`
	Used         bool    `json:"used"`
	Floor        *int    `json:"floor,omitempty"`
	Axis         string  `json:"axis,omitempty"`
}

// Flag is a quality-control finding.
type Flag struct {
	Code     string `json:"code"`
	Severity string `json:"severity"`
	Detail   string `json:"detail"`
}

// Mode is an identified mode with its physical reading.
type Mode struct {
	FHz       float64      `json:"f_hz"`
	Zeta      float64      `json:"zeta"`
	FStdHz    float64      `json:"f_std_hz"`
	ZetaStd   float64      `json:"zeta_std"`
	MPC       float64      `json:"mpc"`
	MPD       float64      `json:"mpd_deg"`
	Methods   []string     `json:"methods"`
	Direction string       `json:"direction"` // x, y, torsion or mixed, from the shape and the sensor layout
	Shape     []ShapeValue `json:"shape"`
	// UnresolvedPair: this mode stands for two close modes the record
	// cannot separate; its frequency lies between theirs, its shape mixes
	// them.
	UnresolvedPair bool `json:"unresolved_pair,omitempty"`
}

// ShapeValue is a mode shape's component at one channel.
type ShapeValue struct {
	Channel string  `json:"channel"`
	Re      float64 `json:"re"`
	Im      float64 `json:"im"`
	Std     float64 `json:"std,omitempty"` // standard error of Re, from independent time segments
}

// Reference is what the modes were compared with.
type Reference struct {
	Kind string `json:"kind"` // baseline | typology | none
	// Baseline: the earlier report's id and time.
	BaselineID      string    `json:"baseline_id,omitempty"`
	BaselineCreated time.Time `json:"baseline_created,omitzero"`
	BaselineModes   []Mode    `json:"baseline_modes,omitempty"`
	// Typology: the code-period formulas and the band of plausible first
	// frequencies.
	Formulas  []Formula `json:"formulas,omitempty"`
	F1RangeHz []float64 `json:"f1_range_hz,omitempty"`
	Note      string    `json:"note"`
}

// Formula is one code estimate of the fundamental period.
type Formula struct {
	Name   string  `json:"name"`
	T1S    float64 `json:"t1_s"`
	F1Hz   float64 `json:"f1_hz"`
	Source string  `json:"source"`
}

// Indicators are the measured changes the decision rests on.
type Indicators struct {
	Modes   []ModeChange   `json:"modes"`
	Storeys []StoreyChange `json:"storeys"`
	Quality Quality        `json:"quality"`
}

// ModeChange compares a mode with its reference.
type ModeChange struct {
	Axis           string  `json:"axis"`
	Order          int     `json:"order"` // 1 for the first mode of the axis
	FRefHz         float64 `json:"f_ref_hz"`
	FHz            float64 `json:"f_hz"`
	DFRel          float64 `json:"df_rel"`          // (f − f_ref)/f_ref
	StiffnessRatio float64 `json:"stiffness_ratio"` // (f/f_ref)²
	DZetaRel       float64 `json:"dzeta_rel,omitempty"`
	MAC            float64 `json:"mac,omitempty"`
}

// StoreyChange is the storey-level indicator over one instrumented
// interval of one axis.
type StoreyChange struct {
	Axis         string  `json:"axis"`
	FromFloor    int     `json:"from_floor"`
	ToFloor      int     `json:"to_floor"`
	DriftShare   float64 `json:"drift_share"`                   // share of the first mode's deformation in this interval
	RefShare     float64 `json:"ref_share,omitempty"`           // the same in the reference
	Stiffness    float64 `json:"stiffness_ratio"`               // interval stiffness / reference (1 = unchanged)
	StiffnessStd float64 `json:"stiffness_ratio_std,omitempty"` // its standard error from the mode shapes' scatter
	Relative     float64 `json:"relative_stiffness"`            // stiffness ratio over the median of the other intervals' (uniform wander removed)
	StoreyEq     float64 `json:"storey_equivalent"`             // stiffness factor of one storey if the loss is all in one storey
	Suspect      bool    `json:"suspect"`
}

// Quality sums up how far the data can be trusted.
type Quality struct {
	ChannelsUsed     int      `json:"channels_used"`
	ChannelsExcluded int      `json:"channels_excluded"`
	DurationS        float64  `json:"duration_s"`
	CyclesOfF1       float64  `json:"cycles_of_f1"`
	Levels           int      `json:"levels_instrumented"`
	Issues           []string `json:"issues"`
}

// Hazard is a danger to responders that is not structural vibration.
type Hazard struct {
	Kind   string `json:"kind"` // gas, electricity, collapse, ...
	Detail string `json:"detail"`
}

// PolicyRef names the decision policy used.
type PolicyRef struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Plots carries decimated data for the report's figures.
type Plots struct {
	// Singular value spectrum (dB) of the spectral matrix, first and
	// second singular values.
	SpectrumHz []float64 `json:"spectrum_hz,omitempty"`
	SV1dB      []float64 `json:"sv1_db,omitempty"`
	SV2dB      []float64 `json:"sv2_db,omitempty"`
	// Stabilization diagram: every pole in band as (f, order, stable).
	Poles []PlotPole `json:"poles,omitempty"`
}

// PlotPole is one point of the stabilization diagram.
type PlotPole struct {
	FHz    float64 `json:"f"`
	Order  int     `json:"o"`
	Stable bool    `json:"s"`
}

// Decode reads and checks a report: the schema must be one this version
// understands and the required fields present. Unknown fields are allowed
// (a newer minor producer may add some).
func Decode(r io.Reader, name string) (*Report, error) {
	data, err := io.ReadAll(io.LimitReader(r, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var rep Report
	if err := json.Unmarshal(data, &rep); err != nil {
		return nil, fmt.Errorf("%s: not a struna report: %v", name, err)
	}
	if err := rep.Check(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &rep, nil
}

// Check verifies the fields every consumer relies on.
func (r *Report) Check() error {
	var errs []error
	if r.Schema != Schema {
		errs = append(errs, fmt.Errorf("schema: %q is not %q", r.Schema, Schema))
	}
	if r.ID == "" {
		errs = append(errs, errors.New("id: missing"))
	}
	if r.Building.ID == "" {
		errs = append(errs, errors.New("building.id: missing"))
	}
	switch r.Placard {
	case "green", "yellow", "red":
	default:
		errs = append(errs, fmt.Errorf("placard: %q is not green, yellow or red", r.Placard))
	}
	switch r.Category {
	case "normative", "working", "limited", "emergency":
	default:
		errs = append(errs, fmt.Errorf("category: %q is not normative, working, limited or emergency", r.Category))
	}
	if r.Confidence < 0 || r.Confidence > 1 {
		errs = append(errs, fmt.Errorf("confidence: %g is outside 0..1", r.Confidence))
	}
	return errors.Join(errs...)
}

// ContentID returns the id a report gets: a hash of everything but the
// creation time and the id itself, so assessing the same records with the
// same software and policy twice yields the same id (the hub's
// idempotency key).
func (r *Report) ContentID() (string, error) {
	c := *r
	c.ID, c.Created = "", time.Time{}
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(&c); err != nil {
		return "", err
	}
	sum := sha256.Sum256(buf.Bytes())
	return hex.EncodeToString(sum[:16]), nil
}
