package sim

import (
	"context"
	"encoding/json"
	"math"
	"testing"
)

// FuzzSimulateConfig: any JSON config either fails with an error or gives
// finite samples of the promised length; never a panic.
func FuzzSimulateConfig(f *testing.F) {
	b, _ := RegularBuilding(2)
	s, _ := DefaultSensors(b, []int{0, 2})
	for _, c := range []Config{
		{Building: b, Sensors: s, Duration: 0.5, Seed: 4},
		{Building: b, Sensors: s, Duration: 0.2, NoAmbient: true, Base: &BaseExcitation{RMSX: 1e-3}, Noise: &Noise{SNRdB: 3}},
		{Building: b, Sensors: s[:2], NoAmbient: true, Base: &BaseExcitation{SeriesY: []float64{1, 2, 3, 0.5}},
			Harmonics: []Harmonic{{Floor: 1, Axis: AxisX, Amplitude: 10, FrequencyHz: 3}}, Damage: []Damage{{Storey: 2, FactorX: 0.3}}},
	} {
		raw, err := json.Marshal(c)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var c Config
		if json.Unmarshal(raw, &c) != nil {
			return
		}
		// Keep each run small; size limits themselves are tested elsewhere.
		fs := c.SampleRate
		if fs == 0 {
			fs = DefaultSampleRate
		}
		ns := c.Duration * fs
		if c.Base != nil {
			ns = math.Max(ns, float64(max(len(c.Base.SeriesX), len(c.Base.SeriesY))))
		}
		if !(ns*float64(len(c.Sensors)+1) < 2e4) || len(c.Building.Floors) > 12 || len(c.Harmonics) > 8 {
			return
		}
		r, err := Simulate(context.Background(), c)
		if err != nil {
			return
		}
		if len(r.Data) != len(c.Sensors) {
			t.Fatalf("%d series for %d sensors", len(r.Data), len(c.Sensors))
		}
		for _, x := range r.Data {
			if len(x) != r.Truth.Samples {
				t.Fatalf("%d samples, truth says %d", len(x), r.Truth.Samples)
			}
			for _, v := range x {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("non-finite sample")
				}
			}
		}
		if _, err := json.Marshal(r.Truth); err != nil {
			t.Fatalf("truth does not marshal: %v", err)
		}
	})
}
