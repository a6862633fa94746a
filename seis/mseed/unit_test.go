package mseed

import (
	"bytes"
	"encoding/binary"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/struna/struna/seis"
)

// patchedV2 writes a one-record big-endian miniSEED 2 file and replaces its
// encoding and data payload, to test decoders no fixture exercises.
func patchedV2(t *testing.T, enc Encoding, payload []byte, n int) []byte {
	t.Helper()
	tr := seis.Trace{ID: seis.SourceID{Network: "XX", Station: "UNIT", Channel: "BHZ"}, SampleRate: 1,
		Start: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), Samples: []float64{0}}
	var buf bytes.Buffer
	if err := Encode(&buf, []seis.Trace{tr}, EncodeOptions{Encoding: EncInt32, RecordLength: 256}); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	binary.BigEndian.PutUint16(b[30:], uint16(n))
	b[48+4] = byte(enc) // blockette 1000 is the first, at byte 48
	copy(b[64:], payload)
	return b
}

func TestGainRangedEncodings(t *testing.T) {
	// Expected values worked out by hand from the formulas of the SEED
	// manual (appendix A) as libmseed implements them.
	for _, c := range []struct {
		enc     Encoding
		payload []byte
		want    []float64
	}{
		// GEOSCOPE 24-bit: two's complement 24-bit integers.
		{EncGeoscope24, []byte{0x00, 0x00, 0x05, 0xff, 0xff, 0xfe, 0x7f, 0xff, 0xff}, []float64{5, -2, 8388607}},
		// GEOSCOPE 16/3: (mantissa - 2048) / 2^gain, gain in bits 12-14.
		{EncGeoscope163, []byte{0x18, 0x00, 0x2f, 0xff, 0x00, 0x00, 0xf0, 0x01}, []float64{0, 511.75, -2048, -2047.0 / 128}},
		// GEOSCOPE 16/4: gain in bits 12-15.
		{EncGeoscope164, []byte{0xf0, 0x01}, []float64{-2047.0 / 32768}},
		// CDSN: (biased mantissa - 8191) << {0,2,4,7}[key].
		{EncCDSN, []byte{0x1f, 0xff, 0x60, 0x00, 0x40, 0x00, 0xff, 0xff}, []float64{0, 1 * 4, -8191 * 4, 8192 * 128}},
		// SRO: 12-bit mantissa << (10 - gain).
		{EncSRO, []byte{0x00, 0x01, 0xaf, 0xff, 0x07, 0xff}, []float64{1024, -1, 2047 * 1024}},
		// DWWSSN: 16-bit two's complement.
		{EncDWWSSN, []byte{0xff, 0xfe, 0x7f, 0xff}, []float64{-2, 32767}},
	} {
		n := len(c.want)
		res, err := Decode(patchedV2(t, c.enc, c.payload, n), "unit", DecodeOptions{})
		if err != nil {
			t.Fatalf("%s: %v", c.enc, err)
		}
		if got := res.Records[0].Samples; !slices.Equal(got, c.want) || res.Records[0].Encoding != c.enc {
			t.Errorf("%s: %v, want %v", c.enc, got, c.want)
		}
	}
	// SRO gain 11 and above has no meaning: the record is refused.
	res, err := Decode(append(patchedV2(t, EncSRO, []byte{0xb0, 0x00}, 1), patchedV2(t, EncDWWSSN, []byte{0, 1}, 1)...), "unit", DecodeOptions{})
	if err != nil || len(res.Records) != 1 || len(res.Warnings) != 1 || res.Warnings[0].Field != "data" {
		t.Errorf("SRO bad gain: %v, %v", err, res.Warnings)
	}
	// An encoding without a decoder is refused too, naming it.
	res, err = Decode(patchedV2(t, EncInt24, []byte{0, 0, 1}, 1), "unit", DecodeOptions{})
	if err == nil || res != nil || !bytes.Contains([]byte(err.Error()), []byte("2 (24-bit integer) cannot be decoded")) {
		t.Errorf("24-bit integer: %v", err)
	}
}

func TestV3PeriodAndExtra(t *testing.T) {
	tr := seis.Trace{ID: seis.SourceID{Network: "XX", Station: "UNIT", Channel: "VHZ"}, SampleRate: 0.1,
		Start: time.Date(1964, 3, 27, 21, 11, 24, 987654321, time.UTC), Samples: []float64{1, 2}}
	var buf bytes.Buffer
	if err := Encode(&buf, []seis.Trace{tr}, EncodeOptions{Version: 3, Encoding: EncInt32}); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	// A negative rate is a period in seconds (FDSN miniSEED 3, field 9).
	binary.LittleEndian.PutUint64(b[16:], math.Float64bits(-10))
	binary.LittleEndian.PutUint32(b[28:], crc32c(b))
	res, err := Decode(b, "unit", DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r := res.Records[0]
	if r.SampleRate != 0.1 || !r.Start.Equal(tr.Start) || r.SID != "FDSN:XX_UNIT__V_H_Z" || r.Extra != nil || r.CRC != crc32c(b) {
		t.Errorf("record %+v", headerOf(r))
	}
}

func TestMakeTime(t *testing.T) {
	for _, c := range []struct {
		y, d, h, m, s int
		ns            int64
		want          string // RFC 3339, or "" for an error
	}{
		{2024, 366, 23, 59, 59, 999999999, "2024-12-31T23:59:59.999999999Z"},
		{2023, 366, 0, 0, 0, 0, ""}, // not a leap year
		{1900, 366, 0, 0, 0, 0, ""}, // divisible by 100, not by 400
		{2000, 366, 0, 0, 0, 0, "2000-12-31T00:00:00Z"},
		{2016, 366, 23, 59, 60, 0, "2017-01-01T00:00:00Z"}, // a leap second rolls over, as in libmseed
		{1799, 1, 0, 0, 0, 0, ""},
		{5001, 1, 0, 0, 0, 0, ""},
		{2020, 0, 0, 0, 0, 0, ""},
		{2020, 1, 24, 0, 0, 0, ""},
		{2020, 1, 0, 60, 0, 0, ""},
		{2020, 1, 0, 0, 61, 0, ""},
		{2020, 1, 0, 0, 0, 1000000000, ""},
		{2020, 1, 0, 0, 0, -1, ""},
	} {
		got, p := makeTime(c.y, c.d, c.h, c.m, c.s, c.ns)
		switch {
		case c.want == "" && p == nil:
			t.Errorf("%v: %v, want an error", c, got)
		case c.want != "" && (p != nil || got.Format(time.RFC3339Nano) != c.want):
			t.Errorf("%v: %v %v, want %s", c, got, p, c.want)
		}
	}
}
