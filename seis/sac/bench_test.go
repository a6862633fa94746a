package sac_test

import (
	"bytes"
	"math"
	"testing"
	"time"

	"github.com/struna/struna/seis"
	"github.com/struna/struna/seis/sac"
)

// BenchmarkDecode decodes one 30-minute channel at 200 Hz (360 000 samples,
// 1.4 MB) and converts it to a trace.
func BenchmarkDecode(b *testing.B) {
	n := 30 * 60 * 200
	tr := seis.Trace{ID: seis.SourceID{Network: "XX", Station: "B", Channel: "HNZ"}, SampleRate: 200,
		Start: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), Samples: make([]float64, n)}
	for i := range tr.Samples {
		tr.Samples[i] = math.Sin(float64(i) * 0.01)
	}
	var buf bytes.Buffer
	if err := sac.Encode(&buf, tr, sac.EncodeOptions{}); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		f, err := sac.Decode(data, "bench.sac")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := f.Trace(); err != nil {
			b.Fatal(err)
		}
	}
}
