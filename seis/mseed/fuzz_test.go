package mseed

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/struna/struna/internal/shared"
	"github.com/struna/struna/seis"
)

// FuzzDecode feeds arbitrary bytes to Decode: it must not panic or hang,
// and what it returns must be consistent.
func FuzzDecode(f *testing.F) {
	// Seeds: every fixture file that is small enough, and this writer's
	// output in each version and encoding.
	if root, ok := shared.Root(); ok {
		for _, set := range []string{"seismic_formats_libmseed_testdata", "seismic_formats_obspy_mseed"} {
			filepath.WalkDir(filepath.Join(root, set), func(p string, e os.DirEntry, err error) error {
				if err != nil || e.IsDir() || strings.Contains(p, "_expected") || strings.HasSuffix(p, ".txt") {
					return nil
				}
				if b, err := os.ReadFile(p); err == nil && len(b) <= 64<<10 {
					f.Add(b)
				}
				return nil
			})
		}
	}
	tr := benchTrace(700)
	text := seis.Trace{ID: tr.ID, Start: tr.Start, Text: []byte("a log line\n")}
	for _, ver := range []int{2, 3} {
		for _, enc := range []Encoding{EncSteim1, EncSteim2, EncInt16, EncInt32, EncFloat32, EncFloat64} {
			var buf bytes.Buffer
			if err := Encode(&buf, []seis.Trace{tr, text}, EncodeOptions{Version: ver, Encoding: enc, RecordLength: 512}); err != nil {
				f.Fatal(err)
			}
			f.Add(buf.Bytes())
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, opts := range []DecodeOptions{{}, {HeadersOnly: true, SkipCRC: true}} {
			res, err := Decode(data, "fuzz.mseed", opts)
			if err != nil {
				if res != nil || !strings.HasPrefix(err.Error(), "fuzz.mseed: ") || !strings.Contains(err.Error(), "not miniSEED") {
					t.Fatalf("error %q with result %v", err, res)
				}
				continue
			}
			if len(res.Records) == 0 {
				t.Fatal("no records and no error")
			}
			end := int64(0)
			for _, r := range res.Records {
				if r.Offset < end || r.Length < minRecLen || r.Offset+int64(r.Length) > int64(len(data)) {
					t.Fatalf("record at %d length %d overlaps the previous one (ending %d) or the end %d", r.Offset, r.Length, end, len(data))
				}
				end = r.Offset + int64(r.Length)
				if r.Start.Location() != time.UTC || r.SampleRate < 0 {
					t.Fatalf("record at %d: start %v rate %v", r.Offset, r.Start, r.SampleRate)
				}
				got := len(r.Samples) + len(r.Text)
				if opts.HeadersOnly && got != 0 || !opts.HeadersOnly && got != r.SampleCount {
					t.Fatalf("record at %d: %d values decoded, header says %d", r.Offset, got, r.SampleCount)
				}
			}
			for _, w := range res.Warnings {
				if w.File != "fuzz.mseed" || w.Offset < 0 || w.Offset > int64(len(data)) || w.Msg == "" {
					t.Fatalf("warning %+v", w)
				}
			}
			if len(res.Traces()) != len(res.Records) {
				t.Fatal("Traces() count")
			}
		}
	})
}

// FuzzRoundTrip encodes arbitrary int32 samples in Steim-2 (Steim-1 when
// Steim-2 refuses a difference beyond its 30 bits) and must decode them
// back exactly.
func FuzzRoundTrip(f *testing.F) {
	f.Add([]byte{0, 0, 0, 1, 0, 0, 0, 2, 0xff, 0xff, 0xff, 0xff}, uint8(2), uint8(9))
	f.Add(bytes.Repeat([]byte{0x7f, 0xff, 0xff, 0xff, 0x80, 0, 0, 0}, 100), uint8(3), uint8(8))
	f.Add(bytes.Repeat([]byte{0, 0, 1, 2, 0, 0, 0, 3}, 500), uint8(2), uint8(12))
	f.Fuzz(func(t *testing.T, raw []byte, ver, lenExp uint8) {
		n := len(raw) / 4
		if n == 0 {
			return
		}
		tr := seis.Trace{ID: seis.SourceID{Network: "XX", Station: "FUZZ", Channel: "HHZ"}, SampleRate: 200,
			Start: time.Date(2001, 9, 1, 0, 0, 0, 5000, time.UTC), Samples: make([]float64, n)}
		for i := range tr.Samples {
			tr.Samples[i] = float64(int32(binary.BigEndian.Uint32(raw[4*i:])))
		}
		opts := EncodeOptions{Version: 2 + int(ver%2), RecordLength: 1 << (8 + lenExp%5), Encoding: EncSteim2}
		var buf bytes.Buffer
		if err := Encode(&buf, []seis.Trace{tr}, opts); err != nil {
			if !strings.Contains(err.Error(), "30 bits of Steim-2") {
				t.Fatal(err)
			}
			opts.Encoding = EncSteim1
			buf.Reset()
			if err := Encode(&buf, []seis.Trace{tr}, opts); err != nil {
				t.Fatal(err)
			}
		}
		res, err := Decode(buf.Bytes(), "rt", DecodeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Warnings) != 0 {
			t.Fatalf("warnings %v", res.Warnings)
		}
		var got []float64
		for _, r := range res.Records {
			got = append(got, r.Samples...)
		}
		if !slices.Equal(got, tr.Samples) {
			t.Fatalf("%v: decoded %d samples differ from the %d written", opts, len(got), n)
		}
	})
}
