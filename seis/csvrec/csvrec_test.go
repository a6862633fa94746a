package csvrec_test

import (
	"bytes"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/struna/struna/seis"
	"github.com/struna/struna/seis/csvrec"
)

var (
	idZ = seis.SourceID{Network: "XX", Station: "STA", Location: "", Channel: "HNZ"}
	idN = seis.SourceID{Network: "XX", Station: "STA", Location: "00", Channel: "HNN"}
	t0  = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
)

func decode(t *testing.T, text string, opts csvrec.Options) []seis.Trace {
	t.Helper()
	tr, err := csvrec.Decode([]byte(text), "in.csv", opts)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	return tr
}

func TestDecodeForms(t *testing.T) {
	cases := []struct {
		name    string
		text    string
		opts    csvrec.Options
		ids     []seis.SourceID
		rate    float64
		start   time.Time
		samples [][]float64
		units   string
	}{
		{
			name:    "RFC 3339 milliseconds",
			text:    "time,XX.STA..HNZ,XX.STA.00.HNN\n2024-05-01T12:00:00.000Z,1,-1\n2024-05-01T12:00:00.005Z,2,-2\n2024-05-01T12:00:00.010Z,3.5,-3.5\n",
			ids:     []seis.SourceID{idZ, idN},
			rate:    200,
			start:   t0,
			samples: [][]float64{{1, 2, 3.5}, {-1, -2, -3.5}},
		},
		{
			name: "space separator, no zone, CRLF, BOM, trailing blank lines, units comment",
			text: "\ufeff# units: m/s**2\r\n# recorded on the 3rd floor\r\nTIME;XX.STA..HNZ\r\n2024-05-01 12:00:00.25;0.5\r\n" +
				"2024-05-01 12:00:00.50;0.25\r\n2024-05-01 12:00:00.75;NaN\r\n\r\n\r\n",
			ids:     []seis.SourceID{idZ},
			rate:    4,
			start:   t0.Add(250 * time.Millisecond),
			samples: [][]float64{{0.5, 0.25, math.NaN()}},
			units:   "m/s**2",
		},
		{
			name:    "relative seconds from Options.Start, FDSN id, tab",
			text:    "time\tFDSN:XX_STA__H_N_Z\n10.00\t1e-3\n10.01\t-Inf\n10.02\t\n10.03\t+inf\n",
			opts:    csvrec.Options{Start: t0},
			ids:     []seis.SourceID{idZ},
			rate:    100,
			start:   t0.Add(10 * time.Second),
			samples: [][]float64{{1e-3, math.Inf(-1), math.NaN(), math.Inf(1)}},
		},
		{
			name:    "relative seconds without a start: the Unix epoch",
			text:    "time,XX.STA..HNZ\n0,1\n0.5,2\n",
			ids:     []seis.SourceID{idZ},
			rate:    2,
			start:   time.Unix(0, 0).UTC(),
			samples: [][]float64{{1, 2}},
		},
		{
			name:    "no time column, rate and start given, quoted header",
			text:    "\"XX.STA..HNZ\",\"XX.STA.00.HNN\"\n1,2\n3,4\n5,6\n",
			opts:    csvrec.Options{SampleRate: 50, Start: t0},
			ids:     []seis.SourceID{idZ, idN},
			rate:    50,
			start:   t0,
			samples: [][]float64{{1, 3, 5}, {2, 4, 6}},
		},
		{
			name:    "time column agrees with the given rate; time not first",
			text:    "XX.STA..HNZ,time\n7,2024-05-01T12:00:00Z\n8,2024-05-01T12:00:01Z\n",
			opts:    csvrec.Options{SampleRate: 1.005},
			ids:     []seis.SourceID{idZ},
			rate:    1,
			start:   t0,
			samples: [][]float64{{7, 8}},
		},
		{
			name:    "single row with a rate",
			text:    "time,XX.STA..HNZ\n2024-05-01T12:00:00+02:00,42\n",
			opts:    csvrec.Options{SampleRate: 100},
			ids:     []seis.SourceID{idZ},
			rate:    100,
			start:   t0.Add(-2 * time.Hour),
			samples: [][]float64{{42}},
		},
		{
			// 1/3 s written with millisecond timestamps: intervals 333/334 ms
			// are within 1 %, and the rate comes out as the shortest decimal
			// the millisecond resolution allows over the span.
			name:    "rounded timestamps",
			text:    "time,XX.STA..HNZ\n2024-05-01T12:00:00.000Z,0\n2024-05-01T12:00:00.333Z,0\n2024-05-01T12:00:00.667Z,0\n2024-05-01T12:00:01.000Z,0\n2024-05-01T12:00:01.333Z,0\n",
			ids:     []seis.SourceID{idZ},
			rate:    3, // 4/1.333 s = 3.00075 Hz, but ± 1 ms at each end allows 3
			start:   t0,
			samples: [][]float64{{0, 0, 0, 0, 0}},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := decode(t, c.text, c.opts)
			if len(got) != len(c.ids) {
				t.Fatalf("%d traces, want %d", len(got), len(c.ids))
			}
			for i, tr := range got {
				if tr.ID != c.ids[i] || tr.SampleRate != c.rate || !tr.Start.Equal(c.start) || tr.Units != c.units {
					t.Errorf("trace %d: %v %.17g Hz %s %q, want %v %v Hz %s %q", i, tr.ID, tr.SampleRate, tr.Start.Format(time.RFC3339Nano), tr.Units,
						c.ids[i], c.rate, c.start.Format(time.RFC3339Nano), c.units)
				}
				if tr.Start.Location() != time.UTC {
					t.Errorf("start not in UTC: %v", tr.Start.Location())
				}
				if !sameFloats(tr.Samples, c.samples[i]) {
					t.Errorf("trace %d samples %v, want %v", i, tr.Samples, c.samples[i])
				}
			}
		})
	}
}

func sameFloats(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) && !(math.IsNaN(a[i]) && math.IsNaN(b[i])) {
			return false
		}
	}
	return true
}

func TestDecodeErrors(t *testing.T) {
	const hdr = "time,XX.STA..HNZ,XX.STA..HNE\n"
	cases := []struct {
		name  string
		text  string
		opts  csvrec.Options
		line  int
		field string
		msg   string
	}{
		{name: "empty", text: "", msg: "empty file"},
		{name: "comments only", text: "# units: g\n\n", msg: "empty file"},
		{name: "header only", text: hdr, line: 1, msg: "header only"},
		{name: "ragged row", text: hdr + "2024-05-01T12:00:00Z,1,2\n2024-05-01T12:00:01Z,3\n", line: 3, msg: "2 fields, but the header has 3"},
		{name: "not a number", text: hdr + "2024-05-01T12:00:00Z,1,2\n2024-05-01T12:00:01Z,3,abc\n", line: 3, field: "XX.STA..HNE", msg: `"abc" is not a number`},
		{name: "decimal comma", text: "time;XX.STA..HNZ\n0;1,5\n1;2,5\n", line: 2, field: "XX.STA..HNZ", msg: `"1,5" is not a number`},
		{name: "duplicate id", text: "XX.STA..HNZ,FDSN:XX_STA__H_N_Z\n1,2\n", opts: csvrec.Options{SampleRate: 1}, line: 1, field: "FDSN:XX_STA__H_N_Z", msg: "duplicate channel"},
		{name: "bad id", text: "timestamp,XX.STA..HNZ\n1,2\n", line: 1, field: "timestamp", msg: `must be named "time"`},
		{name: "empty column name", text: "time,,XX.STA..HNZ\n0,1,2\n", line: 1, field: "column 2", msg: "empty column name"},
		{name: "two time columns", text: "time,Time,XX.STA..HNZ\n0,0,1\n", line: 1, field: "Time", msg: "two time columns"},
		{name: "no channels", text: "time\n0\n1\n", line: 1, msg: "no channel columns"},
		{name: "no time and no rate", text: "# c\nXX.STA..HNZ\n1\n2\n", line: 2, field: "time", msg: "no time column and no sample rate"},
		{name: "gap", text: hdr + "0,1,1\n0.01,1,1\n0.02,1,1\n0.05,1,1\n0.06,1,1\n", line: 5, field: "time", msg: "gap of about 2 missing samples"},
		{name: "irregular", text: hdr + "0,1,1\n0.01,1,1\n0.0205,1,1\n0.03,1,1\n0.04,1,1\n", line: 4, field: "time", msg: "irregular sampling"},
		{name: "repeated time", text: hdr + "2024-05-01T12:00:00Z,1,1\n2024-05-01T12:00:00Z,1,1\n", line: 3, field: "time", msg: "does not increase"},
		{name: "backward time", text: hdr + "5,1,1\n4,1,1\n", line: 3, field: "time", msg: "does not increase"},
		{name: "bad timestamp", text: hdr + "2024-05-01T12:00:00Z,1,1\n2024-13-01T12:00:00Z,1,1\n", line: 3, field: "time", msg: "not an RFC 3339 timestamp"},
		{name: "neither kind", text: hdr + "noon,1,1\n", line: 2, field: "time", msg: "neither an RFC 3339 timestamp nor seconds"},
		{name: "seconds then timestamp", text: hdr + "0,1,1\n2024-05-01T12:00:00Z,1,1\n", line: 3, field: "time", msg: "not a time in seconds"},
		{name: "rate disagrees", text: hdr + "0,1,1\n0.01,1,1\n0.02,1,1\n", opts: csvrec.Options{SampleRate: 50}, line: 2, field: "time", msg: "disagrees with the given sample rate 50"},
		{name: "single row, no rate", text: hdr + "0,1,1\n", line: 2, field: "time", msg: "single row"},
		{name: "bad quote", text: hdr + "0,\"1,1\n", line: 2, msg: "quote"},
		{name: "negative rate option", text: hdr + "0,1,1\n", opts: csvrec.Options{SampleRate: -1}, msg: "not a positive number"},
		{name: "line numbers count blank and comment lines", text: "\n   \n# c\ntime,XX.STA..HNZ\n0,1\n0.5,x\n", line: 6, field: "XX.STA..HNZ", msg: `"x" is not a number`},
		{name: "header line number after blanks", text: "\n\n" + hdr, line: 3, msg: "header only"},
		{name: "year out of range", text: hdr + "2300-01-01T00:00:00Z,1,1\n", line: 2, field: "time", msg: "1678–2261"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := csvrec.Decode([]byte(c.text), "in.csv", c.opts)
			var fe *seis.FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("error %T %v, want *seis.FormatError", err, err)
			}
			if fe.File != "in.csv" || fe.Line != c.line || fe.Field != c.field || !strings.Contains(fe.Msg, c.msg) {
				t.Errorf("got file %q line %d field %q msg %q\nwant in.csv line %d field %q msg containing %q", fe.File, fe.Line, fe.Field, fe.Msg, c.line, c.field, c.msg)
			}
			if !strings.HasPrefix(err.Error(), "in.csv: ") {
				t.Errorf("%q does not start with the file name", err)
			}
		})
	}
}

// randomTraces makes channels with values that stress text round trips:
// subnormals, extremes, negative zero, NaN and infinities.
func randomTraces(rng *rand.Rand, nch, n int, rate float64, start time.Time) []seis.Trace {
	special := []float64{0, math.Copysign(0, -1), math.SmallestNonzeroFloat64, -math.MaxFloat64, math.MaxFloat64,
		math.NaN(), math.Inf(1), math.Inf(-1), 1e-310, 0.1, 1.0 / 3}
	out := make([]seis.Trace, nch)
	for c := range out {
		s := make([]float64, n)
		for i := range s {
			switch rng.IntN(4) {
			case 0:
				s[i] = special[rng.IntN(len(special))]
			case 1:
				s[i] = math.Float64frombits(rng.Uint64())
			default:
				s[i] = rng.NormFloat64() * math.Pow(10, float64(rng.IntN(20)-10))
			}
		}
		out[c] = seis.Trace{ID: seis.SourceID{Network: "XX", Station: "S" + string(rune('A'+c)), Location: "00", Channel: "HNZ"},
			SampleRate: rate, Start: start, Samples: s, Units: "m/s**2"}
	}
	return out
}

func TestRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	starts := []time.Time{t0, time.Date(2023, 12, 31, 23, 59, 59, 999999999, time.UTC), time.Date(1969, 7, 20, 20, 17, 40, 123456789, time.UTC)}
	for _, rate := range []float64{0.5, 1, 3, 50, 100, 128, 200, 250, 333, 500, 1000} {
		for _, delim := range []rune{0, ';', '\t'} {
			start := starts[rng.IntN(len(starts))]
			in := randomTraces(rng, 3, 257, rate, start)
			var b bytes.Buffer
			if err := csvrec.Encode(&b, in, csvrec.EncodeOptions{Delimiter: delim}); err != nil {
				t.Fatal(err)
			}
			out, err := csvrec.Decode(b.Bytes(), "rt.csv", csvrec.Options{})
			if err != nil {
				t.Fatalf("rate %v delim %q: %v", rate, delim, err)
			}
			if len(out) != len(in) {
				t.Fatalf("%d traces back, want %d", len(out), len(in))
			}
			for i := range in {
				if out[i].ID != in[i].ID || out[i].SampleRate != rate || !out[i].Start.Equal(start) || out[i].Units != in[i].Units {
					t.Errorf("rate %v: got %v %.17g %s %q", rate, out[i].ID, out[i].SampleRate, out[i].Start.Format(time.RFC3339Nano), out[i].Units)
				}
				if !sameFloats(out[i].Samples, in[i].Samples) {
					t.Errorf("rate %v channel %d: samples differ", rate, i)
				}
			}
		}
	}
}

func TestEncodeFormat(t *testing.T) {
	tr := []seis.Trace{{ID: idZ, SampleRate: 200, Start: t0, Samples: []float64{0.1, math.NaN(), math.Inf(-1)}}}
	var b bytes.Buffer
	if err := csvrec.Encode(&b, tr, csvrec.EncodeOptions{}); err != nil {
		t.Fatal(err)
	}
	want := "time,XX.STA..HNZ\n" +
		"2024-05-01T12:00:00.000000000Z,0.1\n" +
		"2024-05-01T12:00:00.005000000Z,NaN\n" +
		"2024-05-01T12:00:00.010000000Z,-Inf\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestEncodeErrors(t *testing.T) {
	base := func() []seis.Trace {
		return []seis.Trace{
			{ID: idZ, SampleRate: 100, Start: t0, Samples: []float64{1, 2}},
			{ID: idN, SampleRate: 100, Start: t0, Samples: []float64{3, 4}},
		}
	}
	cases := []struct {
		name string
		mod  func([]seis.Trace) []seis.Trace
		opts csvrec.EncodeOptions
		msg  string
	}{
		{"none", func([]seis.Trace) []seis.Trace { return nil }, csvrec.EncodeOptions{}, "no traces"},
		{"rate differs", func(tr []seis.Trace) []seis.Trace { tr[1].SampleRate = 200; return tr }, csvrec.EncodeOptions{}, "sample rate 200"},
		{"start differs", func(tr []seis.Trace) []seis.Trace { tr[1].Start = t0.Add(time.Millisecond); return tr }, csvrec.EncodeOptions{}, "start"},
		{"length differs", func(tr []seis.Trace) []seis.Trace { tr[1].Samples = tr[1].Samples[:1]; return tr }, csvrec.EncodeOptions{}, "1 samples"},
		{"units differ", func(tr []seis.Trace) []seis.Trace { tr[1].Units = "g"; return tr }, csvrec.EncodeOptions{}, "units"},
		{"duplicate", func(tr []seis.Trace) []seis.Trace { tr[1].ID = idZ; return tr }, csvrec.EncodeOptions{}, "twice"},
		{"text channel", func(tr []seis.Trace) []seis.Trace { tr[0].SampleRate, tr[1].SampleRate = 0, 0; return tr }, csvrec.EncodeOptions{}, "positive rate"},
		{"empty station", func(tr []seis.Trace) []seis.Trace { tr[0].ID.Station = ""; return tr }, csvrec.EncodeOptions{}, "does not survive"},
		{"comma in code", func(tr []seis.Trace) []seis.Trace { tr[0].ID.Station = "A,B"; return tr }, csvrec.EncodeOptions{}, "delimiter"},
		{"bad delimiter", func(tr []seis.Trace) []seis.Trace { return tr }, csvrec.EncodeOptions{Delimiter: '|'}, "delimiter"},
	}
	for _, c := range cases {
		err := csvrec.Encode(&bytes.Buffer{}, c.mod(base()), c.opts)
		if err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: got %v, want an error containing %q", c.name, err, c.msg)
		}
	}
}
