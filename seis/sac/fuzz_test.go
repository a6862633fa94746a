package sac_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/struna/struna/internal/shared"
	"github.com/struna/struna/seis"
	"github.com/struna/struna/seis/sac"
)

// seedFixtures adds every shared SAC fixture (when the shared data is there)
// to a fuzz corpus.
func seedFixtures(f *testing.F) {
	root, ok := shared.Root()
	if !ok {
		return
	}
	files, _ := filepath.Glob(filepath.Join(root, fixtures, "*"))
	for _, p := range files {
		if d, err := os.ReadFile(p); err == nil {
			f.Add(d)
		}
	}
}

func FuzzDecode(f *testing.F) {
	seedFixtures(f)
	var b bytes.Buffer
	_ = sac.Encode(&b, sample, sac.EncodeOptions{})
	f.Add(b.Bytes())
	b.Reset()
	_ = sac.Encode(&b, sample, sac.EncodeOptions{BigEndian: true})
	f.Add(b.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := sac.Decode(data, "fuzz.sac")
		if err != nil {
			var fe *seis.FormatError
			if !errors.As(err, &fe) || fe.File != "fuzz.sac" {
				t.Fatalf("error %v is not a FormatError naming the file", err)
			}
			return
		}
		tr, err := file.Trace()
		if err != nil {
			return
		}
		if len(tr.Samples) != int(file.NPTS) || tr.SampleRate <= 0 {
			t.Fatalf("trace of %d samples at %v Hz from NPTS %d", len(tr.Samples), tr.SampleRate, file.NPTS)
		}
		// Whatever decodes re-encodes to the same samples, when its codes fit.
		var out bytes.Buffer
		if err := sac.Encode(&out, tr, sac.EncodeOptions{}); err != nil {
			return
		}
		again, err := sac.Decode(out.Bytes(), "again.sac")
		if err != nil {
			t.Fatalf("re-decode: %v", err)
		}
		for i := range file.Data {
			if math.Float32bits(again.Data[i]) != math.Float32bits(file.Data[i]) && !(isNaN32(again.Data[i]) && isNaN32(file.Data[i])) {
				t.Fatalf("sample %d: %v became %v", i, file.Data[i], again.Data[i])
			}
		}
	})
}

func isNaN32(v float32) bool { return v != v }

var fuzzRates = []float64{1, 10, 20, 40, 50, 100, 125, 200, 250, 500, 1000, 2000}

func FuzzRoundTrip(f *testing.F) {
	f.Add(uint8(5), int64(1700000000123456789), false, []byte{0, 0, 128, 63, 0, 0, 0, 192})
	f.Add(uint8(0), int64(-1), true, []byte{})
	f.Fuzz(func(t *testing.T, rate uint8, ns int64, big bool, raw []byte) {
		start := time.Unix(0, ns).UTC()
		samples := make([]float64, len(raw)/4)
		for i := range samples {
			samples[i] = float64(math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:])))
		}
		tr := seis.Trace{ID: seis.SourceID{Network: "XX", Station: "FZ", Channel: "HNZ"},
			SampleRate: fuzzRates[int(rate)%len(fuzzRates)], Start: start, Samples: samples}
		var b bytes.Buffer
		if err := sac.Encode(&b, tr, sac.EncodeOptions{BigEndian: big}); err != nil {
			t.Fatal(err)
		}
		file, err := sac.Decode(b.Bytes(), "rt.sac")
		if err != nil {
			t.Fatal(err)
		}
		got, err := file.Trace()
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != tr.ID || got.SampleRate != tr.SampleRate || !got.Start.Equal(start) || len(got.Samples) != len(samples) {
			t.Fatalf("got %v %v %s %d, want %v %v %s %d", got.ID, got.SampleRate, got.Start.Format(time.RFC3339Nano), len(got.Samples),
				tr.ID, tr.SampleRate, start.Format(time.RFC3339Nano), len(samples))
		}
		for i, v := range samples {
			if math.Float64bits(got.Samples[i]) != math.Float64bits(v) && !(math.IsNaN(v) && math.IsNaN(got.Samples[i])) {
				t.Fatalf("sample %d: %v became %v", i, v, got.Samples[i])
			}
		}
	})
}
