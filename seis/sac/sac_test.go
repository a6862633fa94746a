package sac_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/struna/struna/seis"
	"github.com/struna/struna/seis/sac"
)

// build makes a little-endian SAC file from a trace with Encode and lets the
// caller patch header words (by index) before decoding.
func build(t *testing.T, tr seis.Trace, patch func(raw []byte)) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := sac.Encode(&b, tr, sac.EncodeOptions{}); err != nil {
		t.Fatal(err)
	}
	raw := b.Bytes()
	if patch != nil {
		patch(raw)
	}
	return raw
}

func putInt(raw []byte, word int, v int32) { binary.LittleEndian.PutUint32(raw[4*word:], uint32(v)) }
func putFloat(raw []byte, word int, v float32) {
	binary.LittleEndian.PutUint32(raw[4*word:], math.Float32bits(v))
}

var sample = seis.Trace{
	ID:         seis.SourceID{Network: "XX", Station: "TEST", Location: "00", Channel: "HNZ"},
	SampleRate: 200,
	Start:      time.Date(2024, 2, 29, 23, 59, 59, 123456789, time.UTC),
	Samples:    []float64{0, 1, -1, 0.5, 1e-3, -2.75, 3e10, -7},
	Units:      "nm/s**2",
}

// Word indices of header fields (SAC manual, binary header table).
const (
	wDELTA, wB                                     = 0, 5
	wNZYEAR, wNZJDAY, wNZHOUR, wNVHDR, wNPTS       = 70, 71, 72, 76, 79
	wIFTYPE, wLEVEN                                = 85, 105
	iRLIM, iXY, iXYZ                         int32 = 2, 4, 51
)

func TestDecodeErrors(t *testing.T) {
	good := build(t, sample, nil)
	cases := []struct {
		name      string
		data      []byte
		field     string
		offset    int64 // -1: not checked
		line      int
		msg       string
		traceOnly bool // Decode succeeds, Trace fails
	}{
		{name: "empty", data: nil, msg: "empty file"},
		{name: "short binary-looking", data: make([]byte, 100), msg: "shorter than the 632-byte"},
		{name: "random text", data: []byte("hello, world\n"), msg: "not a SAC file"},
		{name: "truncated data", data: good[:len(good)-4], field: "NPTS", offset: 316, msg: "4 bytes of data missing"},
		{name: "trailing bytes", data: append(append([]byte{}, good...), 0, 0, 0, 0, 0), field: "NPTS", offset: 316, msg: "5 bytes too many"},
		{name: "negative npts", data: build(t, sample, func(r []byte) { putInt(r, wNPTS, -3) }), field: "NPTS", offset: 316, msg: "negative"},
		{name: "huge npts", data: build(t, sample, func(r []byte) { putInt(r, wNPTS, math.MaxInt32) }), field: "NPTS", offset: 316, msg: "data missing"},
		{name: "two sections, one present", data: build(t, sample, func(r []byte) { putInt(r, wLEVEN, 0) }), field: "NPTS", offset: 316, msg: "unevenly spaced"},
		{name: "zero delta", data: build(t, sample, func(r []byte) { putFloat(r, wDELTA, 0) }), field: "DELTA", offset: 0, msg: "not a positive number", traceOnly: true},
		{name: "NaN delta", data: build(t, sample, func(r []byte) { putFloat(r, wDELTA, float32(math.NaN())) }), field: "DELTA", offset: 0, traceOnly: true},
		{name: "xy file", data: build(t, sample, func(r []byte) { putInt(r, wIFTYPE, iXY) }), field: "IFTYPE", offset: 340, msg: "x-y", traceOnly: true},
		{name: "xyz file", data: build(t, sample, func(r []byte) { putInt(r, wIFTYPE, iXYZ) }), field: "IFTYPE", offset: 340, msg: "x-y-z", traceOnly: true},
		{name: "unknown type", data: build(t, sample, func(r []byte) { putInt(r, wIFTYPE, 77) }), field: "IFTYPE", offset: 340, msg: "unknown file type 77", traceOnly: true},
		{name: "julian day 366 in 2023", data: build(t, sample, func(r []byte) { putInt(r, wNZYEAR, 2023); putInt(r, wNZJDAY, 366) }), field: "NZJDAY", offset: 284, msg: "outside 1..365", traceOnly: true},
		{name: "hour 24", data: build(t, sample, func(r []byte) { putInt(r, wNZHOUR, 24) }), field: "NZHOUR", offset: 288, traceOnly: true},
		{name: "partly undefined reference", data: build(t, sample, func(r []byte) { putInt(r, wNZJDAY, -12345) }), field: "NZJDAY", offset: 284, msg: "partly undefined", traceOnly: true},
		{name: "infinite B", data: build(t, sample, func(r []byte) { putFloat(r, wB, float32(math.Inf(1))) }), field: "B", offset: 20, traceOnly: true},
		{name: "alpha too short", data: []byte("1 2 3 4 5\n"), line: 2, msg: "needs 30 lines"},
		{name: "alpha bad float", data: alphaPatch(t, 1, " 10.00000       1x9.0000      -12345.00      -12345.00      -12345.00"), field: "E", line: 2, msg: `"1x9.0000" is not a number`},
		{name: "alpha short float line", data: alphaPatch(t, 3, " 1 2 3 4"), line: 4, msg: "needs 5 values, has 4"},
		{name: "alpha bad int", data: alphaPatch(t, 15, "-12345         6    -12345    -12345       1e2"), field: "NPTS", line: 16, msg: "not a 32-bit integer"},
		{name: "alpha wrong version", data: alphaPatch(t, 15, "-12345         5    -12345    -12345       100"), field: "NVHDR", line: 16},
		{name: "alpha long string line", data: alphaPatch(t, 23, "-12345  -12345  -12345  toolong"), line: 24, msg: "at most 24"},
		{name: "alpha too few values", data: alphaPatch(t, 15, "-12345         6    -12345    -12345       101"), field: "NPTS", msg: "100 data values, but NPTS 101 needs 101"},
		{name: "alpha too many values", data: alphaPatch(t, 15, "-12345         6    -12345    -12345        99"), field: "NPTS", line: 50, msg: "more data values than NPTS 99"},
		{name: "alpha bad value", data: alphaPatch(t, 31, "  -8.742278e-08     -0.3090170     -0.5877854     -0.8090171     -0.95105xx"), line: 32, msg: `data value 10: "-0.95105xx"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := sac.Decode(c.data, "in.sac")
			if c.traceOnly {
				if err != nil {
					t.Fatalf("Decode: %v", err)
				}
				_, err = f.Trace()
			} else if err == nil {
				t.Fatalf("Decode succeeded, want an error")
			}
			var fe *seis.FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("error %T %v is not a *seis.FormatError", err, err)
			}
			if fe.File != "in.sac" || fe.Field != c.field || !strings.Contains(fe.Msg, c.msg) {
				t.Errorf("got file %q field %q msg %q; want in.sac, %q, containing %q", fe.File, fe.Field, fe.Msg, c.field, c.msg)
			}
			if c.offset != 0 && fe.Offset != c.offset || c.offset == 0 && c.field == "DELTA" && fe.Offset != 0 {
				t.Errorf("offset %d, want %d", fe.Offset, c.offset)
			}
			if c.line != 0 && fe.Line != c.line {
				t.Errorf("line %d, want %d", fe.Line, c.line)
			}
			if !strings.HasPrefix(err.Error(), "in.sac: ") {
				t.Errorf("message %q does not start with the file name", err)
			}
		})
	}
}

// alphaPatch returns a 100-sample SAC alphanumeric file (the layout of
// testxy.sac: data on lines 31-50) with one line (0-based) replaced.
func alphaPatch(t *testing.T, line int, text string) []byte {
	t.Helper()
	tr := sample
	tr.Samples = make([]float64, 100)
	for i := range tr.Samples {
		tr.Samples[i] = math.Sin(float64(i))
	}
	lines := strings.Split(string(binaryToAlpha(t, build(t, tr, nil))), "\n")
	lines[line] = text
	return []byte(strings.Join(lines, "\n"))
}

func TestTwoSectionFiles(t *testing.T) {
	// A spectral file (IRLIM) with both sections present decodes, keeps the
	// second section, and is refused as a trace.
	tr := sample
	tr.Samples = []float64{1, 2, 3, 4}
	raw := build(t, tr, func(r []byte) { putInt(r, wIFTYPE, iRLIM) })
	raw = append(raw, build(t, seis.Trace{SampleRate: 1, Samples: []float64{5, 6, 7, 8}}, nil)[632:]...)
	f, err := sac.Decode(raw, "spec.sac")
	if err != nil {
		t.Fatal(err)
	}
	if !equal32(f.Data, 1, 2, 3, 4) || !equal32(f.Data2, 5, 6, 7, 8) {
		t.Errorf("sections %v / %v", f.Data, f.Data2)
	}
	if _, err := f.Trace(); err == nil || !strings.Contains(err.Error(), "spectral") {
		t.Errorf("Trace error %v, want one saying spectral", err)
	}
}

func equal32(got []float32, want ...float32) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i] != want[i] {
			return false
		}
	}
	return true
}

func TestVersion7Footer(t *testing.T) {
	// NVHDR 7 files carry 176 bytes of double-precision footer after the data.
	raw := build(t, sample, func(r []byte) { putInt(r, wNVHDR, 7) })
	if _, err := sac.Decode(raw, "v7.sac"); err == nil || !strings.Contains(err.Error(), "footer") {
		t.Errorf("v7 without footer: %v, want a size error naming the footer", err)
	}
	raw = append(raw, make([]byte, 176)...)
	f, err := sac.Decode(raw, "v7.sac")
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Data) != len(sample.Samples) {
		t.Errorf("%d samples, want %d", len(f.Data), len(sample.Samples))
	}
}

func TestRoundTrip(t *testing.T) {
	for _, big := range []bool{false, true} {
		var b bytes.Buffer
		if err := sac.Encode(&b, sample, sac.EncodeOptions{BigEndian: big}); err != nil {
			t.Fatal(err)
		}
		if b.Len() != 632+4*len(sample.Samples) {
			t.Fatalf("%d bytes", b.Len())
		}
		f, err := sac.Decode(b.Bytes(), "rt.sac")
		if err != nil {
			t.Fatal(err)
		}
		if want := map[bool]sac.Format{false: sac.LittleEndian, true: sac.BigEndian}[big]; f.Format != want {
			t.Errorf("format %v, want %v", f.Format, want)
		}
		got, err := f.Trace()
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != sample.ID || got.SampleRate != sample.SampleRate || !got.Start.Equal(sample.Start) || got.Units != sample.Units {
			t.Errorf("got %v %v %s %q, want %v %v %s %q", got.ID, got.SampleRate, got.Start.Format(time.RFC3339Nano), got.Units,
				sample.ID, sample.SampleRate, sample.Start.Format(time.RFC3339Nano), sample.Units)
		}
		for i, v := range sample.Samples {
			if got.Samples[i] != float64(float32(v)) {
				t.Errorf("sample %d = %v, want %v", i, got.Samples[i], float32(v))
			}
		}
		// Header conventions (ObsPy obspy_to_sac_header, SAC manual).
		if f.NVHDR != 6 || f.IFTYPE != 1 || f.LEVEN != 1 || f.IZTYPE != 9 || f.IDEP != 8 {
			t.Errorf("NVHDR/IFTYPE/LEVEN/IZTYPE/IDEP = %d/%d/%d/%d/%d", f.NVHDR, f.IFTYPE, f.LEVEN, f.IZTYPE, f.IDEP)
		}
		if f.NZYEAR != 2024 || f.NZJDAY != 60 || f.NZHOUR != 23 || f.NZMIN != 59 || f.NZSEC != 59 || f.NZMSEC != 123 {
			t.Errorf("NZ %d-%d %d:%d:%d.%d, want 2024-060 23:59:59.123", f.NZYEAR, f.NZJDAY, f.NZHOUR, f.NZMIN, f.NZSEC, f.NZMSEC)
		}
		if f.DEPMIN != -7 || f.DEPMAX != 3e10 || f.KEVNM != "-12345" {
			t.Errorf("DEPMIN %v DEPMAX %v KEVNM %q", f.DEPMIN, f.DEPMAX, f.KEVNM)
		}
	}
}

// ObsPy test_convert_to_sac and test_writing_micro_seconds: B holds the part
// of the start below the millisecond, E = B + (npts-1)·DELTA.
func TestEncodeObsPyConventions(t *testing.T) {
	cases := []struct {
		start time.Time
		rate  float64
		n     int
		b     float64
	}{
		{time.Date(2003, 5, 29, 2, 13, 22, 43400000, time.UTC), 40, 11947, 0.0004},
		{time.Date(2003, 5, 29, 2, 13, 22, 999999000, time.UTC), 200, 100, 0.000999},
	}
	for _, c := range cases {
		tr := seis.Trace{ID: seis.SourceID{Network: "NL", Station: "HGN", Location: "00", Channel: "BHZ"},
			SampleRate: c.rate, Start: c.start, Samples: make([]float64, c.n)}
		var b bytes.Buffer
		if err := sac.Encode(&b, tr, sac.EncodeOptions{}); err != nil {
			t.Fatal(err)
		}
		f, err := sac.Decode(b.Bytes(), "o.sac")
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(float64(f.B)-c.b) > 1e-7 {
			t.Errorf("B = %.9g, want %g", f.B, c.b)
		}
		if e := c.b + float64(c.n-1)/c.rate; math.Abs(float64(f.E)/e-1) > 1e-7 {
			t.Errorf("E = %.9g, want %.9g", f.E, e)
		}
		got, _ := f.Trace()
		if !got.Start.Equal(c.start) || got.SampleRate != c.rate {
			t.Errorf("start %s rate %v, want %s %v", got.Start.Format(time.RFC3339Nano), got.SampleRate, c.start.Format(time.RFC3339Nano), c.rate)
		}
	}
}

func TestRateRoundTrip(t *testing.T) {
	for _, rate := range []float64{0.05, 0.1, 1, 10, 20, 25, 40, 50, 80, 100, 125, 128, 200, 250, 256, 400, 500, 512, 1000, 2000, 3000, 4000, 8000} {
		tr := seis.Trace{ID: seis.SourceID{Station: "S", Channel: "C"}, SampleRate: rate, Start: time.Unix(0, 0), Samples: []float64{1}}
		var b bytes.Buffer
		if err := sac.Encode(&b, tr, sac.EncodeOptions{}); err != nil {
			t.Fatal(err)
		}
		f, err := sac.Decode(b.Bytes(), "r.sac")
		if err != nil {
			t.Fatal(err)
		}
		got, _ := f.Trace()
		if got.SampleRate != rate {
			t.Errorf("rate %v came back as %.17g", rate, got.SampleRate)
		}
	}
}

func TestRateFromDelta(t *testing.T) {
	cases := []struct {
		delta float32
		want  float64
	}{
		{0.01, 100},
		{math.Nextafter32(0.04, 1), 25}, // one step above float32(0.04), obspy#3408
		{0.04, 25},
		{float32(1.0 / 3000), 3000},
		{0.003, 1 / 0.003},
		{0.077, 1 / 0.077},
		{1, 1},
		{0.0123, 1 / 0.0123},
		{0, 0},
		{-1, 0},
		{float32(math.Inf(1)), 0},
	}
	for _, c := range cases {
		if got := sac.RateFromDelta(c.delta); got != c.want {
			t.Errorf("RateFromDelta(%.10g) = %.17g, want %.17g", c.delta, got, c.want)
		}
	}
	// One step below float32(0.04) is more than a step from 0.04 (float32(0.04)
	// itself lies below 0.04), so it is not taken for 25 Hz.
	below := math.Nextafter32(0.04, 0)
	if got := sac.RateFromDelta(below); got == 25 || math.Abs(got*float64(below)-1) > 1e-7 {
		t.Errorf("RateFromDelta(%.10g) = %.17g, want 1/DELTA to float32 precision, not 25", below, got)
	}
	// A rate with no short form keeps 1/DELTA to float32 precision.
	d := float32(1 / 123.456789)
	if got := sac.RateFromDelta(d); math.Abs(got/123.456789-1) > 1e-7 {
		t.Errorf("RateFromDelta(1/123.456789) = %.12g", got)
	}
}

func TestEncodeErrors(t *testing.T) {
	mod := func(f func(*seis.Trace)) seis.Trace {
		tr := sample
		tr.Samples = append([]float64(nil), sample.Samples...)
		f(&tr)
		return tr
	}
	cases := []struct {
		name string
		tr   seis.Trace
		msg  string
	}{
		{"zero rate", mod(func(t *seis.Trace) { t.SampleRate = 0 }), "positive sample interval"},
		{"NaN rate", mod(func(t *seis.Trace) { t.SampleRate = math.NaN() }), "positive sample interval"},
		{"long station", mod(func(t *seis.Trace) { t.ID.Station = "ABCDEFGHI" }), "longer than SAC's 8"},
		{"blank in channel", mod(func(t *seis.Trace) { t.ID.Channel = "H Z" }), "cannot hold"},
		{"undefined marker", mod(func(t *seis.Trace) { t.ID.Network = "-12345" }), "undefined marker"},
		{"too big for float32", mod(func(t *seis.Trace) { t.Samples[3] = 1e39 }), "sample 3"},
		{"year 0", mod(func(t *seis.Trace) { t.Start = time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC) }), "years 1..9999"},
	}
	for _, c := range cases {
		err := sac.Encode(&bytes.Buffer{}, c.tr, sac.EncodeOptions{})
		if err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: got %v, want error containing %q", c.name, err, c.msg)
		}
	}
}

func TestEncodeSpecialValues(t *testing.T) {
	tr := seis.Trace{ID: seis.SourceID{Station: "S", Channel: "C"}, SampleRate: 100, Start: time.Unix(0, 0),
		Samples: []float64{math.NaN(), math.Inf(1), math.Inf(-1), 2, -3}}
	var b bytes.Buffer
	if err := sac.Encode(&b, tr, sac.EncodeOptions{}); err != nil {
		t.Fatal(err)
	}
	f, err := sac.Decode(b.Bytes(), "x.sac")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := f.Trace()
	if !math.IsNaN(got.Samples[0]) || !math.IsInf(got.Samples[1], 1) || !math.IsInf(got.Samples[2], -1) {
		t.Errorf("special values %v", got.Samples)
	}
	// DEPMIN/DEPMAX/DEPMEN over the finite values only.
	if f.DEPMIN != -3 || f.DEPMAX != 2 || f.DEPMEN != -0.5 {
		t.Errorf("DEPMIN/MAX/MEN %v %v %v", f.DEPMIN, f.DEPMAX, f.DEPMEN)
	}
	// An empty trace is a valid file with NPTS 0.
	tr.Samples = nil
	b.Reset()
	if err := sac.Encode(&b, tr, sac.EncodeOptions{}); err != nil {
		t.Fatal(err)
	}
	if f, err := sac.Decode(b.Bytes(), "e.sac"); err != nil || f.NPTS != 0 || f.DEPMIN != -12345 {
		t.Errorf("empty trace: %v %+v", err, f)
	}
}

func TestUnitsFromIDEP(t *testing.T) {
	for idep, want := range map[int32]string{6: "nm", 7: "nm/s", 8: "nm/s**2", 50: "V", 5: "", -12345: ""} {
		raw := build(t, sample, func(r []byte) { putInt(r, 86, idep) })
		f, err := sac.Decode(raw, "u.sac")
		if err != nil {
			t.Fatal(err)
		}
		if tr, _ := f.Trace(); tr.Units != want {
			t.Errorf("IDEP %d: units %q, want %q", idep, tr.Units, want)
		}
	}
	// Units SAC has no code for are written as IUNKN.
	tr := sample
	tr.Units = "m/s**2"
	if f, _ := sac.Decode(build(t, tr, nil), "u.sac"); f.IDEP != 5 {
		t.Errorf("IDEP %d for m/s**2, want IUNKN (5)", f.IDEP)
	}
}

func TestTwoDigitYear(t *testing.T) {
	raw := build(t, sample, func(r []byte) { putInt(r, wNZYEAR, 81) })
	f, _ := sac.Decode(raw, "y.sac")
	tr, err := f.Trace()
	if err != nil {
		t.Fatal(err)
	}
	if tr.Start.Year() != 1981 {
		t.Errorf("year %d, want 1981 (ObsPy prepends 19)", tr.Start.Year())
	}
}
