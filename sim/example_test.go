package sim_test

import (
	"context"
	"fmt"

	"github.com/struna/struna/sim"
)

// A ten-storey building with the default layout at four levels, 30 minutes
// of ambient vibration at 200 Hz with 20 dB sensor noise.
func ExampleSimulate() {
	b, err := sim.RegularBuilding(10) // f1 = 10/N Hz by construction
	if err != nil {
		panic(err)
	}
	sensors, err := sim.DefaultSensors(b, []int{1, 4, 7, 10})
	if err != nil {
		panic(err)
	}
	res, err := sim.Simulate(context.Background(), sim.Config{
		Building: b,
		Sensors:  sensors,
		Duration: 1800,
		Seed:     42,
		Noise:    &sim.Noise{SNRdB: 20},
	})
	if err != nil {
		panic(err)
	}
	fmt.Printf("%d channels × %d samples at %g Hz\n", len(res.Data), len(res.Data[0]), res.SampleRate)
	fmt.Printf("%d modes, first at %.3f Hz\n", len(res.Truth.Modes), res.Truth.Modes[0].FHz)
	fmt.Println(res.Sensors[0].Channel)
	// Output:
	// 12 channels × 360000 samples at 200 Hz
	// 30 modes, first at 1.000 Hz
	// XX.STRNA.01.HNE
}

// Damage halves the stiffness of the only storey: every frequency drops
// by √0.5.
func ExampleBuilding_Damaged() {
	b, _ := sim.RegularBuilding(1, sim.WithFundamental(4))
	d, _ := b.Damaged(sim.Damage{Storey: 1, FactorX: 0.5, FactorY: 0.5})
	m0, _ := b.Modes()
	m1, _ := d.Modes()
	fmt.Printf("%.4f Hz → %.4f Hz\n", m0.Freq(0), m1.Freq(0))
	// Output:
	// 4.0000 Hz → 2.8284 Hz
}
