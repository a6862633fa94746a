package csvrec_test

import (
	"bytes"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/struna/struna/seis"
	"github.com/struna/struna/seis/csvrec"
)

// BenchmarkDecode decodes 16 channels × 5 min at 200 Hz (60 000 rows, 960 000
// values, about 19 MB as Encode writes them: nanosecond RFC 3339 times and
// shortest round-trip floats).
func BenchmarkDecode(b *testing.B) {
	const nch, rows = 16, 5 * 60 * 200
	rng := rand.New(rand.NewPCG(5, 6))
	in := make([]seis.Trace, nch)
	for c := range in {
		s := make([]float64, rows)
		for i := range s {
			s[i] = 1e-3*math.Sin(float64(i)*0.05+float64(c)) + 1e-4*rng.NormFloat64()
		}
		in[c] = seis.Trace{ID: seis.SourceID{Network: "XX", Station: "B", Location: string(rune('A' + c)), Channel: "HNZ"},
			SampleRate: 200, Start: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), Samples: s}
	}
	var buf bytes.Buffer
	if err := csvrec.Encode(&buf, in, csvrec.EncodeOptions{}); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := csvrec.Decode(data, "bench.csv", csvrec.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
