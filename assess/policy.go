package assess

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

//go:embed default_policy.json
var defaultPolicy []byte

// Threshold is one policy value with where it comes from.
type Threshold struct {
	Value  float64 `json:"value"`
	Source string  `json:"source"`
}

// Policy maps indicators and observations to a verdict. It is data, not
// code: versioned, every threshold with its source, embedded by default
// and replaceable by a file.
type Policy struct {
	Name        string `json:"name"`
	Version     string `json:"version"`
	Description string `json:"description,omitempty"`
	Thresholds  struct {
		NormativeDF     Threshold `json:"normative_df"`
		GreenMaxDrop    Threshold `json:"green_max_drop"`
		RedDrop         Threshold `json:"red_drop"`
		StoreyYellow    Threshold `json:"storey_yellow"`
		StoreyRed       Threshold `json:"storey_red"`
		StoreyMinChange Threshold `json:"storey_min_change"`
		ClearInterval   Threshold `json:"clear_max_interval"`
		MinMAC          Threshold `json:"min_mac"`
		DampingRise     Threshold `json:"damping_rise"`
		TypologyLow     Threshold `json:"typology_low"`
		MinCycles       Threshold `json:"min_cycles"`
	} `json:"thresholds"`
	Confidence struct {
		Baseline float64 `json:"baseline"`
		Typology float64 `json:"typology"`
		None     float64 `json:"none"`
		Source   string  `json:"source"`
	} `json:"confidence"`
}

// DefaultPolicy returns the embedded default policy. An error means the
// build embedded a broken file (a test guards against it).
func DefaultPolicy() (*Policy, error) {
	return DecodePolicy(bytes.NewReader(defaultPolicy), "embedded default policy")
}

// DecodePolicy reads a policy strictly and checks it.
func DecodePolicy(r io.Reader, name string) (*Policy, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var p Policy
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	if err := p.check(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &p, nil
}

func (p *Policy) check() error {
	var errs []error
	need := func(field string, t Threshold, lo, hi float64) {
		if !(t.Value > lo && t.Value <= hi) {
			errs = append(errs, fmt.Errorf("thresholds.%s.value: %g is outside (%g, %g]", field, t.Value, lo, hi))
		}
		if t.Source == "" {
			errs = append(errs, fmt.Errorf("thresholds.%s.source: every threshold needs its source or rationale", field))
		}
	}
	if p.Name == "" || p.Version == "" {
		errs = append(errs, errors.New("name and version are required"))
	}
	th := &p.Thresholds
	need("normative_df", th.NormativeDF, 0, 0.5)
	need("green_max_drop", th.GreenMaxDrop, 0, 0.5)
	need("red_drop", th.RedDrop, 0, 0.9)
	need("storey_yellow", th.StoreyYellow, 0, 1)
	need("storey_red", th.StoreyRed, 0, 1)
	need("storey_min_change", th.StoreyMinChange, 0, 0.5)
	need("clear_max_interval", th.ClearInterval, 0, 1000)
	need("min_mac", th.MinMAC, 0, 1)
	need("damping_rise", th.DampingRise, 0, 10)
	need("typology_low", th.TypologyLow, 0, 1)
	need("min_cycles", th.MinCycles, 0, 1e6)
	if th.GreenMaxDrop.Value >= th.RedDrop.Value {
		errs = append(errs, errors.New("thresholds: green_max_drop must be below red_drop"))
	}
	if th.StoreyRed.Value >= th.StoreyYellow.Value {
		errs = append(errs, errors.New("thresholds: storey_red must be below storey_yellow"))
	}
	for _, c := range []struct {
		name string
		v    float64
	}{{"baseline", p.Confidence.Baseline}, {"typology", p.Confidence.Typology}, {"none", p.Confidence.None}} {
		if !(c.v > 0 && c.v <= 1) {
			errs = append(errs, fmt.Errorf("confidence.%s: %g is outside (0, 1]", c.name, c.v))
		}
	}
	return errors.Join(errs...)
}
