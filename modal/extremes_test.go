package modal

import (
	"context"
	"math"
	"testing"

	"github.com/struna/struna/sim"
)

// TestIdentifyNoTuningExtremes runs Identify with its defaults on the two
// buildings the issue names as the ends of the range the defaults must
// cover: a 40-storey tower at 0.3 Hz recorded for only 10 minutes (180
// cycles of its first mode: too short to split for a segment scatter,
// decimated from 100 Hz to a few Hz, SSI's lags spanning seconds), and a
// stiff 3-storey building at 8 Hz (kept at its 200 Hz rate, lags of a
// fraction of a second); three independent records of each.
//
// In every record every mode below 4·f1 must be found and nothing else,
// the data-driven choices must follow the building, and each error must
// lie within 4 reported standard errors. The per-mode limits
// (0.5 % in f, 30 % in ζ, MAC 0.95) are asserted wherever they are at
// least three of SSI's standard deviations wide (1.5 times Au's
// uncertainty law, as measured on the accuracy sweep); where they are
// narrower no estimator meets them on every record — from 10 minutes the
// tower's first mode has a law σ of 0.42 % in frequency and 21 % in
// damping — and the errors are logged with the law beside them.
func TestIdentifyNoTuningExtremes(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates six records: skipped in -short mode")
	}
	cases := []struct {
		name    string
		storeys int
		f1      float64
		levels  []int
		rate    float64
		minutes float64
		zeta    float64
	}{
		{"40-storey tower at 0.3 Hz, 10 min", 40, 0.3, []int{10, 20, 30, 40}, 100, 10, 0.02},
		{"stiff 3-storey building at 8 Hz", 3, 8, []int{1, 2, 3}, 200, 10, 0.03},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var fErrs, zErrs, fLaws, zLaws, fRel, zRel []float64
			for seed := uint64(1); seed <= 3; seed++ {
				b, err := sim.RegularBuilding(c.storeys, sim.WithFundamental(c.f1), sim.WithRandomEccentricity(seed))
				if err != nil {
					t.Fatal(err)
				}
				sensors, err := sim.DefaultSensors(b, c.levels)
				if err != nil {
					t.Fatal(err)
				}
				res, err := sim.Simulate(context.Background(), sim.Config{Building: b, Zeta: []float64{c.zeta}, Sensors: sensors,
					SampleRate: c.rate, Duration: c.minutes * 60, Seed: 100 + seed, Noise: &sim.Noise{SNRdB: 15}})
				if err != nil {
					t.Fatal(err)
				}
				id, err := Identify(context.Background(), res.Data, res.SampleRate, Options{})
				if err != nil {
					t.Fatal(err)
				}
				pv := id.Provenance
				t.Logf("record %d: band %.3f–%.3f Hz (first peak %.3f Hz), %.1f Hz after decimation %v, %d block rows (%.2f s of lags), orders to %d, Welch %d (%.4f Hz)",
					seed, pv.FMinHz, pv.FMaxHz, pv.FirstPeakHz, pv.DecimatedToHz, pv.Decimation, pv.BlockRows, float64(2*pv.BlockRows-1)/pv.DecimatedToHz, pv.MaxOrder, pv.WelchSegment, pv.WelchResolution)
				f1 := res.Truth.Modes[0].FHz
				if math.Abs(f1-c.f1)/c.f1 > 0.02 {
					t.Fatalf("the simulated building's first mode is %.3f Hz, not %.3g", f1, c.f1)
				}
				// The choices follow the building: the band starts at half
				// the first mode, the decimated rate leaves room for the
				// band's top, and SSI's lags span about two periods of f1.
				if math.Abs(pv.FMinHz-0.5*f1)/f1 > 0.05 {
					t.Errorf("band starts at %.3f Hz for a first mode at %.3f Hz", pv.FMinHz, f1)
				}
				if pv.DecimatedToHz < 2*pv.FMaxHz || pv.DecimatedToHz > 8*pv.FMaxHz {
					t.Errorf("decimated to %.1f Hz for a band up to %.2f Hz", pv.DecimatedToHz, pv.FMaxHz)
				}
				if lags := float64(2*pv.BlockRows-1) / pv.DecimatedToHz * f1; lags < 1.5 || lags > 3 {
					t.Errorf("SSI's lags span %.1f periods of the first mode", lags)
				}
				// Every true mode up to 4.5·f1 may be matched, so that one
				// just above 4·f1 found a little below it is not spurious.
				var ref []Mode
				for _, m := range res.Truth.Modes {
					if m.FHz <= 4.5*f1 {
						ref = append(ref, Mode{FHz: m.FHz, Zeta: m.Zeta, Shape: trueShape(m)})
					}
				}
				var found []Mode
				for _, m := range id.Modes {
					if m.FHz <= 4*f1 {
						found = append(found, m)
					}
				}
				matched, used := map[int]bool{}, map[int]bool{}
				for _, mt := range Track(ref, found, TrackOptions{MinMAC: 0.8, MaxDF: 0.05}) {
					tm, fm := ref[mt.Ref], found[mt.Cur]
					matched[mt.Ref], used[mt.Cur] = true, true
					fe, ze, mac := math.Abs(fm.FHz-tm.FHz)/tm.FHz, math.Abs(fm.Zeta-tm.Zeta)/tm.Zeta, MAC(fm.Shape, tm.Shape)
					fLaw, zLaw := uncertaintyLaw(tm.FHz, tm.Zeta, c.minutes*60)
					fErrs, zErrs = append(fErrs, fe), append(zErrs, ze)
					fLaws, zLaws = append(fLaws, fLaw), append(zLaws, zLaw)
					fRel, zRel = append(fRel, fe/fLaw), append(zRel, ze/zLaw)
					t.Logf("  %.4f Hz ζ %.4f → %.4f ± %.4f Hz ζ %.4f ± %.4f: f err %.3f %% (%.1fσ), ζ err %.1f %% (%.1fσ), MAC %.4f",
						tm.FHz, tm.Zeta, fm.FHz, fm.FStdHz, fm.Zeta, fm.ZetaStd, 100*fe, fe*tm.FHz/fm.FStdHz, 100*ze, ze*tm.Zeta/fm.ZetaStd, mac)
					if fe*tm.FHz > 4*fm.FStdHz || ze*tm.Zeta > 4*fm.ZetaStd {
						t.Errorf("mode at %.4f Hz: errors beyond 4 reported standard errors (f %.1fσ, ζ %.1fσ)", tm.FHz, fe*tm.FHz/fm.FStdHz, ze*tm.Zeta/fm.ZetaStd)
					}
					if 0.005 >= 3*1.5*fLaw && fe > 0.005 {
						t.Errorf("mode at %.4f Hz: f err %.3f %% > 0.5 %% (law σ %.3f %%)", tm.FHz, 100*fe, 100*fLaw)
					}
					if 0.30 >= 3*1.5*zLaw && ze > 0.30 {
						t.Errorf("mode at %.4f Hz: ζ err %.0f %% > 30 %% (law σ %.0f %%)", tm.FHz, 100*ze, 100*zLaw)
					}
					if mac < 0.95 {
						t.Errorf("mode at %.4f Hz: MAC %.3f < 0.95", tm.FHz, mac)
					}
				}
				for i, m := range ref {
					if !matched[i] && m.FHz <= 4*f1 {
						t.Errorf("record %d: mode at %.4f Hz not found", seed, m.FHz)
					}
				}
				for i, m := range found {
					if !used[i] {
						t.Errorf("record %d: spurious mode at %.4f Hz ζ %.4f %v", seed, m.FHz, m.Zeta, m.Methods)
					}
				}
			}
			// SSI's efficiency holds at both ends of the range: its errors
			// stay near the 1.4–1.5 law standard deviations RMS measured on
			// the sweep (2.5 allows for three records' worth of scatter).
			if r := rms(fRel); r > 2.5 {
				t.Errorf("frequency errors are %.2f law standard deviations RMS (want ≤ 2.5)", r)
			}
			if r := rms(zRel); r > 2.5 {
				t.Errorf("damping errors are %.2f law standard deviations RMS (want ≤ 2.5)", r)
			}
			// The medians (0.15 %, 15 %) are logged beside what an
			// estimator at the law would reach: for the tower the law alone
			// gives a median frequency error of about 0.2 %.
			t.Logf("median errors: f %.3f %% (law σ median %.3f %%: an efficient estimator's median error ≈ %.3f %%), ζ %.1f %% (law σ median %.0f %%); errors / law RMS f %.2f, ζ %.2f over %d modes",
				100*median(fErrs), 100*median(fLaws), 100*0.674*median(fLaws), 100*median(zErrs), 100*median(zLaws), rms(fRel), rms(zRel), len(fErrs))
		})
	}
}
