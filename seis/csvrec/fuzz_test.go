package csvrec_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/struna/struna/internal/shared"
	"github.com/struna/struna/seis"
	"github.com/struna/struna/seis/csvrec"
)

func FuzzDecode(f *testing.F) {
	var b bytes.Buffer
	_ = csvrec.Encode(&b, randomTraces(rand.New(rand.NewPCG(3, 4)), 2, 6, 200, t0), csvrec.EncodeOptions{})
	f.Add(b.Bytes(), 0.0)
	for _, s := range []string{
		"time,XX.STA..HNZ\n2024-05-01T12:00:00.000Z,1\n2024-05-01T12:00:00.005Z,2\n",
		"time;FDSN:XX_STA__H_N_Z\n0;1\n0.01;NaN\n0.02;\n",
		"# units: m/s**2\nXX.STA..HNZ,XX.STA..HNE\n1,2\n3,4\n",
		"\"XX.STA..HNZ\"\n\"1\"\n",
	} {
		f.Add([]byte(s), 100.0)
	}
	if root, ok := shared.Root(); ok {
		// Real CSV bytes: the KOMA frame (first rows) and libmseed's sample lists.
		if d, err := os.ReadFile(filepath.Join(root, koma, "data_shearframe.csv")); err == nil {
			f.Add(d[:min(len(d), 2048)], 12.0)
		}
		files, _ := filepath.Glob(filepath.Join(root, "seismic_formats_libmseed_testdata", "_expected_decode_by_libmseed-3.4.0", "*.csv"))
		for _, p := range files {
			if d, err := os.ReadFile(p); err == nil {
				f.Add(d[:min(len(d), 2048)], 1.0)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, rate float64) {
		traces, err := csvrec.Decode(data, "fuzz.csv", csvrec.Options{SampleRate: rate})
		if err != nil {
			var fe *seis.FormatError
			if !errors.As(err, &fe) || fe.File != "fuzz.csv" {
				t.Fatalf("error %v is not a FormatError naming the file", err)
			}
			return
		}
		n := len(traces[0].Samples)
		for _, tr := range traces {
			if len(tr.Samples) != n || n == 0 || !(tr.SampleRate > 0) || math.IsInf(tr.SampleRate, 0) {
				t.Fatalf("trace %v: %d samples (first has %d) at %v Hz", tr.ID, len(tr.Samples), n, tr.SampleRate)
			}
		}
		var out bytes.Buffer
		if err := csvrec.Encode(&out, traces, csvrec.EncodeOptions{}); err != nil {
			return // e.g. an id with a blank, which the header may hold quoted
		}
		again, err := csvrec.Decode(out.Bytes(), "again.csv", csvrec.Options{SampleRate: traces[0].SampleRate})
		if err != nil {
			t.Fatalf("re-decode: %v\n%s", err, out.Bytes())
		}
		for i := range traces {
			if again[i].ID != traces[i].ID || !sameFloats(again[i].Samples, traces[i].Samples) {
				t.Fatalf("channel %d changed in a round trip", i)
			}
			// Encode writes times to the nanosecond: over a short span that
			// limits how well the rate comes back.
			span := float64(n-1) * 1e9 / traces[i].SampleRate
			if math.Abs(again[i].SampleRate/traces[i].SampleRate-1) > 1e-9+2/span {
				t.Fatalf("rate %.17g became %.17g", traces[i].SampleRate, again[i].SampleRate)
			}
		}
	})
}

var fuzzRates = []float64{0.5, 1, 3, 12, 50, 100, 128, 200, 250, 1000}

func FuzzRoundTrip(f *testing.F) {
	f.Add(uint8(2), uint8(7), int64(1714564800000000000), []byte("0123456789abcdef01234567"))
	f.Add(uint8(1), uint8(0), int64(-1), []byte{0, 0, 0, 0, 0, 0, 0xf8, 0x7f, 1, 2, 3, 4, 5, 6, 7, 8})
	f.Fuzz(func(t *testing.T, nch, rate uint8, ns int64, raw []byte) {
		k := 1 + int(nch)%4
		n := len(raw) / 8 / k
		if n < 2 {
			return // one row carries no rate
		}
		start := time.Unix(0, ns).UTC()
		in := make([]seis.Trace, k)
		for c := range in {
			s := make([]float64, n)
			for i := range s {
				s[i] = math.Float64frombits(binary.LittleEndian.Uint64(raw[8*(c*n+i):]))
			}
			in[c] = seis.Trace{ID: seis.SourceID{Network: "XX", Station: "F" + string(rune('A'+c)), Channel: "HNZ"},
				SampleRate: fuzzRates[int(rate)%len(fuzzRates)], Start: start, Samples: s}
		}
		var b bytes.Buffer
		if err := csvrec.Encode(&b, in, csvrec.EncodeOptions{}); err != nil {
			t.Fatal(err)
		}
		out, err := csvrec.Decode(b.Bytes(), "rt.csv", csvrec.Options{})
		if err != nil {
			t.Fatal(err)
		}
		for c := range in {
			if out[c].ID != in[c].ID || out[c].SampleRate != in[c].SampleRate || !out[c].Start.Equal(start) || !sameFloats(out[c].Samples, in[c].Samples) {
				t.Fatalf("channel %d: got %v %.17g %s, want %v %v %s", c, out[c].ID, out[c].SampleRate, out[c].Start.Format(time.RFC3339Nano),
					in[c].ID, in[c].SampleRate, start.Format(time.RFC3339Nano))
			}
		}
	})
}
