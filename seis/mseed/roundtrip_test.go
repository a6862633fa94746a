package mseed

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/struna/struna/seis"
)

// randomTrace makes a seeded random trace whose values suit the encoding:
// integers for integer encodings (with a mix of small and large steps so
// every Steim word layout is used), arbitrary doubles for float64, float32
// values for float32.
func randomTrace(rng *rand.Rand, enc Encoding, n int) seis.Trace {
	t := seis.Trace{
		ID:         seis.SourceID{Network: "XX", Station: "TEST", Location: "00", Channel: "HHZ"},
		SampleRate: 100,
		Start:      time.Date(2024, 2, 29, 23, 59, 58, 123456789, time.UTC),
		Samples:    make([]float64, n),
	}
	var x int64
	for i := range t.Samples {
		switch enc {
		case EncFloat64:
			t.Samples[i] = math.Float64frombits(rng.Uint64()&^(0x7ff<<52) | uint64(rng.IntN(2046)+1)<<52) // any finite double
		case EncFloat32:
			t.Samples[i] = float64(float32(rng.NormFloat64() * 1e4))
		case EncInt16:
			t.Samples[i] = float64(rng.IntN(65536) - 32768)
		default:
			// Steps of 4 to 30 bits, changing every few samples; Steim-1
			// and Int32 also get full-range jumps.
			bitsN := []int{3, 4, 5, 7, 9, 14, 20, 29}[(i/5)%8]
			step := rng.Int64N(1<<bitsN) - 1<<(bitsN-1)
			if enc != EncSteim2 && i%97 == 50 {
				x = rng.Int64N(1<<32) - 1<<31
			} else {
				x += step
				lim := int64(math.MaxInt32)
				if enc == EncSteim2 {
					lim = 1 << 30 // Steim-2 differences must stay in 30 bits
				}
				if x > lim || x < -lim {
					x -= 2 * step // bounce back into range
				}
			}
			t.Samples[i] = float64(x)
		}
	}
	return t
}

func TestRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, ver := range []int{2, 3} {
		for _, enc := range []Encoding{EncSteim2, EncSteim1, EncInt16, EncInt32, EncFloat32, EncFloat64} {
			for _, reclen := range []int{256, 512, 4096, 8192} {
				name := fmt.Sprintf("v%d/%s/%d", ver, enc, reclen)
				t.Run(name, func(t *testing.T) {
					tr := randomTrace(rng, enc, 5000+rng.IntN(3000))
					var buf bytes.Buffer
					if err := Encode(&buf, []seis.Trace{tr}, EncodeOptions{Version: ver, Encoding: enc, RecordLength: reclen, PubVersion: 3}); err != nil {
						t.Fatal(err)
					}
					res, err := Decode(buf.Bytes(), name, DecodeOptions{})
					if err != nil {
						t.Fatal(err)
					}
					if len(res.Warnings) > 0 {
						t.Fatalf("warnings: %v", res.Warnings)
					}
					if len(res.Records) < 2 {
						t.Fatalf("only %d records: the test wants a multi-record trace", len(res.Records))
					}
					var all []float64
					for i, r := range res.Records {
						if r.Version != ver || r.Encoding != enc || r.PubVersion != 3 || r.ID != tr.ID || r.SampleRate != tr.SampleRate {
							t.Fatalf("record %d header %+v", i, headerOf(r))
						}
						if ver == 2 && r.Length != reclen || ver == 3 && r.Length > reclen {
							t.Fatalf("record %d length %d, asked %d", i, r.Length, reclen)
						}
						// Start of each record: the trace start plus its
						// first sample's offset, to the ns (v3) or the µs (v2).
						want := tr.TimeAt(len(all))
						if ver == 2 {
							want = want.Round(time.Microsecond)
						}
						if !r.Start.Equal(want) {
							t.Fatalf("record %d starts %v, want %v", i, r.Start, want)
						}
						all = append(all, r.Samples...)
					}
					if len(all) != len(tr.Samples) {
						t.Fatalf("%d samples back, wrote %d", len(all), len(tr.Samples))
					}
					for i := range all {
						if math.Float64bits(all[i]) != math.Float64bits(tr.Samples[i]) {
							t.Fatalf("sample %d = %v, wrote %v", i, all[i], tr.Samples[i])
						}
					}
					// The records merge back into one segment without gaps.
					ch := seis.Merge(res.Traces())
					if len(ch) != 1 || len(ch[0].Segments) != 1 || len(ch[0].Gaps) != 0 || ch[0].Samples() != len(tr.Samples) {
						t.Fatalf("merge: %d channels, %d segments, %d gaps", len(ch), len(ch[0].Segments), len(ch[0].Gaps))
					}
				})
			}
		}
	}
}

func TestRoundTripTextAndRates(t *testing.T) {
	text := seis.Trace{ID: seis.SourceID{Network: "XX", Station: "TEST", Channel: "LOG"}, Start: time.Date(2012, 5, 12, 0, 0, 0, 0, time.UTC),
		Text: []byte(strings.Repeat("log line ünïcode\n", 300))}
	for _, ver := range []int{2, 3} {
		for _, rate := range []float64{1080, 0.1, 1.0 / 3, 0.4, 250, 40000, 64000, 123.456, math.Pi} {
			tr := seis.Trace{ID: seis.SourceID{Network: "XX", Station: "TEST", Channel: "BHZ"}, SampleRate: rate,
				Start: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), Samples: []float64{1, 2, 3, -4}}
			var buf bytes.Buffer
			if err := Encode(&buf, []seis.Trace{text, tr}, EncodeOptions{Version: ver, RecordLength: 512}); err != nil {
				t.Fatal(err)
			}
			res, err := Decode(buf.Bytes(), "rt", DecodeOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var got []byte
			var last Record
			for _, r := range res.Records {
				got = append(got, r.Text...)
				last = r
			}
			if string(got) != string(text.Text) {
				t.Errorf("v%d text back %d bytes, wrote %d", ver, len(got), len(text.Text))
			}
			want := rate
			if ver == 2 && rate == math.Pi {
				want = float64(float32(rate)) // blockette 100 holds a float32
			}
			if last.SampleRate != want || !slices.Equal(last.Samples, tr.Samples) {
				t.Errorf("v%d rate %v: back %v, samples %v", ver, rate, last.SampleRate, last.Samples)
			}
		}
	}
}

func TestEncodeRefuses(t *testing.T) {
	ok := seis.Trace{ID: seis.SourceID{Network: "XX", Station: "TEST", Channel: "BHZ"}, SampleRate: 1,
		Start: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), Samples: []float64{1, 2, 3}}
	with := func(f func(*seis.Trace)) []seis.Trace {
		tr := ok
		tr.Samples = slices.Clone(ok.Samples)
		f(&tr)
		return []seis.Trace{ok, tr}
	}
	for _, c := range []struct {
		name   string
		traces []seis.Trace
		opts   EncodeOptions
		want   string
	}{
		{"fraction Steim2", with(func(t *seis.Trace) { t.Samples[2] = 3.5 }), EncodeOptions{}, "trace 1 (XX.TEST..BHZ): sample 2 = 3.5 is not an integer"},
		{"NaN Steim1", with(func(t *seis.Trace) { t.Samples[1] = math.NaN() }), EncodeOptions{Encoding: EncSteim1}, "sample 1 = NaN"},
		{"too big Int32", with(func(t *seis.Trace) { t.Samples[0] = 1 << 31 }), EncodeOptions{Encoding: EncInt32}, "sample 0 = 2.147483648e+09 is not an integer"},
		{"too big Int16", with(func(t *seis.Trace) { t.Samples[0] = 40000 }), EncodeOptions{Encoding: EncInt16}, "sample 0 = 40000"},
		{"Steim2 30 bits", with(func(t *seis.Trace) { t.Samples[1] = 1 << 30 }), EncodeOptions{}, "sample 1: difference 1073741823 from sample 0 exceeds the 30 bits"},
		{"station too long", with(func(t *seis.Trace) { t.ID.Station = "TOOLONG" }), EncodeOptions{}, "station code \"TOOLONG\""},
		{"year for v2", with(func(t *seis.Trace) { t.Start = time.Date(1850, 1, 1, 0, 0, 0, 0, time.UTC) }), EncodeOptions{}, "start year 1850"},
		{"no rate", with(func(t *seis.Trace) { t.SampleRate = 0 }), EncodeOptions{}, "sample rate 0"},
		{"reclen", []seis.Trace{ok}, EncodeOptions{RecordLength: 1000}, "record length 1000"},
		{"encoding", []seis.Trace{ok}, EncodeOptions{Encoding: EncCDSN}, "cannot write encoding 16"},
		{"version", []seis.Trace{ok}, EncodeOptions{Version: 4}, "format version 4"},
	} {
		var buf bytes.Buffer
		err := Encode(&buf, c.traces, c.opts)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to contain %q", c.name, err, c.want)
		}
		if buf.Len() != 0 {
			t.Errorf("%s: %d bytes written before the error", c.name, buf.Len())
		}
	}
	// Steim-1 takes what Steim-2 refuses.
	tr := with(func(t *seis.Trace) { t.Samples = []float64{math.MinInt32, math.MaxInt32, 0} })
	var buf bytes.Buffer
	if err := Encode(&buf, tr, EncodeOptions{Encoding: EncSteim1}); err != nil {
		t.Fatal(err)
	}
	res, err := Decode(buf.Bytes(), "x", DecodeOptions{})
	if err != nil || !slices.Equal(res.Records[1].Samples, tr[1].Samples) {
		t.Fatalf("Steim-1 extremes: %v %v", err, res.Records[1].Samples)
	}
}
