package mseed

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/struna/struna/seis"
)

// good writes n records of a Steim-2 (or other) trace.
func good(t *testing.T, ver int, enc Encoding, reclen, nsamp int) []byte {
	t.Helper()
	tr := seis.Trace{ID: seis.SourceID{Network: "XX", Station: "BAD", Location: "00", Channel: "HHZ"}, SampleRate: 50,
		Start: time.Date(2023, 2, 6, 1, 17, 35, 0, time.UTC), Samples: make([]float64, nsamp)}
	for i := range tr.Samples {
		tr.Samples[i] = float64((i*7919)%2001 - 1000)
	}
	var buf bytes.Buffer
	if err := Encode(&buf, []seis.Trace{tr}, EncodeOptions{Version: ver, Encoding: enc, RecordLength: reclen}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestBadInput(t *testing.T) {
	v2 := good(t, 2, EncSteim2, 512, 1000) // 512-byte records
	n2 := len(v2) / 512
	v3 := good(t, 3, EncSteim2, 512, 1000)
	v3recs := splitV3(t, v3)
	i32 := good(t, 2, EncInt32, 512, 300) // 112 samples per record
	mod := func(b []byte, f func([]byte)) []byte {
		c := bytes.Clone(b)
		f(c)
		return c
	}
	type warnWant struct {
		record int   // -1: not a record
		offset int64 // byte offset
		field  string
		text   string
	}
	for _, c := range []struct {
		name     string
		data     []byte
		opts     DecodeOptions
		fatal    string // non-empty: Decode must fail with this in the message
		records  int
		warnings []warnWant
	}{
		{name: "empty", data: nil, fatal: "bad.mseed: at byte 0: not miniSEED: the input is empty"},
		{name: "text file", data: []byte("time,value\n0,1.5\n0.01,1.7\n0.02,1.9\n0.03,2.0\n"), fatal: `bad.mseed: at byte 0: not miniSEED: no record header found; byte 0 starts with "time,value\n0,1.5`},
		{name: "zip", data: append([]byte("PK\x03\x04"), make([]byte, 100)...), fatal: `byte 0 starts with "PK\x03\x04\x00`},
		{name: "too short", data: []byte("000001D "), fatal: "no record header found"},
		{name: "single truncated record", data: v2[:300], fatal: "truncated record: the header implies 512 bytes but only 300 remain"},
		{name: "last record truncated", data: v2[:len(v2)-100], records: n2 - 1,
			warnings: []warnWant{{n2 - 1, int64(len(v2) - 512), "record length", "truncated record"}}},
		{name: "B1000 length beyond file", data: mod(v2, func(b []byte) { b[512+54] = 16 }), records: n2 - 1,
			warnings: []warnWant{{1, 512, "record length", "truncated record: the header implies 65536 bytes"}}},
		{name: "B1000 length out of range", data: mod(v2, func(b []byte) { b[512+54] = 20 }), records: n2 - 1,
			warnings: []warnWant{{1, 512, "record length", "1048576 is outside the supported 40..131172 bytes"}}},
		{name: "B1000 length too small", data: mod(v2, func(b []byte) { b[512+54] = 7 }), records: n2 - 1,
			warnings: []warnWant{{1, 512, "sample count", "Steim frames"}}},
		{name: "B1000 length too large", data: mod(v2, func(b []byte) { b[512+54] = 10 }), records: n2,
			warnings: []warnWant{{1, 512, "record length", "blockette 1000 says 1024 bytes but another record header starts at byte 512"}}},
		{name: "blockette offset outside record", data: mod(i32, func(b []byte) { b[46], b[47] = 0x02, 0x58 }), records: 2,
			warnings: []warnWant{{0, 0, "sample count", "(after blockette offset: first blockette at byte 600 is beyond the 512-byte record)"}}},
		{name: "blockette chain loop", data: mod(v2, func(b []byte) { b[1024+50], b[1024+51] = 0, 48 }), records: n2,
			warnings: []warnWant{{2, 1024, "blockette chain", "offset to next blockette (48) is within blockette 1000"}}},
		{name: "sample count too large", data: mod(i32, func(b []byte) { b[512+30], b[512+31] = 0xff, 0xff }), records: 2,
			warnings: []warnWant{{1, 512, "sample count", "65535 samples of 32-bit integer need 262140 bytes but the data payload has 448"}}},
		{name: "corrupt Steim data in the middle", data: mod(v2, func(b []byte) {
			for i := 1024 + 64; i < 1024+512; i++ {
				b[i] = 0xff
			}
		}), records: n2 - 1, warnings: []warnWant{{2, 1024, "data", "impossible Steim-2 code"}}},
		{name: "Steim integration constant", data: mod(v2, func(b []byte) { b[1024+64+11]++ }), records: n2,
			warnings: []warnWant{{2, 1024, "Steim integration constant", "record kept"}}},
		{name: "destroyed header in the middle", data: mod(v2, func(b []byte) { copy(b[1024:], "garbage!") }), records: n2 - 1,
			warnings: []warnWant{{-1, 1024, "", "skipped 512 bytes that are not a miniSEED record"}}},
		{name: "bad time", data: mod(v2, func(b []byte) { b[512+28], b[512+29] = 0x27, 0x10 }), records: n2 - 1,
			warnings: []warnWant{{1, 512, "start time", "fraction of second 1000000000 ns is out of range"}}},
		{name: "v3 CRC mismatch", data: mod(v3, func(b []byte) { b[v3recs[1]+100] ^= 0x40 }), records: len(v3recs) - 1,
			warnings: []warnWant{{1, int64(v3recs[1]), "CRC", "corrupt record"}}},
		{name: "v3 huge sample count", data: mod(v3, func(b []byte) { b[v3recs[1]+27] = 0x7f }), records: len(v3recs) - 1,
			warnings: []warnWant{{1, int64(v3recs[1]), "CRC", ""}}},
		{name: "v3 huge sample count, CRC not checked", data: mod(v3, func(b []byte) { b[v3recs[1]+27] = 0x7f }), opts: DecodeOptions{SkipCRC: true},
			records: len(v3recs) - 1, warnings: []warnWant{{1, int64(v3recs[1]), "sample count", "samples cannot fit in the 7 Steim frames"}}},
		{name: "v3 bad nanosecond", data: mod(v3, func(b []byte) { b[v3recs[2]+7] = 0xff }), opts: DecodeOptions{SkipCRC: true},
			records: len(v3recs) - 1, warnings: []warnWant{{2, int64(v3recs[2]), "start time", "out of range"}}},
		{name: "trailing garbage", data: append(bytes.Clone(v2), "trailing text"...), records: n2,
			warnings: []warnWant{{-1, int64(len(v2)), "", "skipped 13 bytes"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			res, err := Decode(c.data, "bad.mseed", c.opts)
			if c.fatal != "" {
				var fe *seis.FormatError
				if err == nil || !errors.As(err, &fe) || fe.File != "bad.mseed" || !strings.Contains(err.Error(), c.fatal) || !strings.Contains(err.Error(), "not miniSEED") {
					t.Fatalf("error %v, want a FormatError with %q", err, c.fatal)
				}
				if res != nil {
					t.Errorf("result %v with a fatal error", res)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Records) != c.records {
				t.Errorf("%d records, want %d", len(res.Records), c.records)
			}
			if len(res.Warnings) != len(c.warnings) {
				t.Fatalf("warnings %v, want %d", res.Warnings, len(c.warnings))
			}
			for i, w := range c.warnings {
				g := res.Warnings[i]
				if g.File != "bad.mseed" || g.Record != w.record || g.Offset != w.offset || g.Field != w.field || !strings.Contains(g.Msg, w.text) {
					t.Errorf("warning %q (record %d, offset %d, field %q), want record %d offset %d field %q with %q", g, g.Record, g.Offset, g.Field, w.record, w.offset, w.field, w.text)
				}
				if w.record >= 0 && !strings.HasPrefix(g.Error(), "bad.mseed: record ") {
					t.Errorf("warning text %q does not start with the file and record", g.Error())
				}
			}
			// Every record kept is one of the good ones, whole.
			for _, r := range res.Records {
				if r.SID != "FDSN:XX_BAD_00_H_H_Z" || len(r.Samples) != r.SampleCount {
					t.Errorf("record at %d: %s with %d/%d samples", r.Offset, r.SID, len(r.Samples), r.SampleCount)
				}
			}
		})
	}
}

// splitV3 returns the offsets of the records of a miniSEED 3 file.
func splitV3(t *testing.T, b []byte) []int {
	t.Helper()
	var offs []int
	for off := 0; off < len(b); {
		_, n := detect(b[off:])
		if n <= 0 {
			t.Fatalf("no v3 record at %d", off)
		}
		offs = append(offs, off)
		off += n
	}
	return offs
}

func TestSkipCRCAndHeadersOnly(t *testing.T) {
	v3 := good(t, 3, EncSteim2, 512, 1000)
	v3[300] ^= 1
	res, err := Decode(v3, "x", DecodeOptions{SkipCRC: true, HeadersOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) != 0 || len(res.Records) != len(splitV3(t, v3)) {
		t.Fatalf("%d records, warnings %v", len(res.Records), res.Warnings)
	}
	total := 0
	for _, r := range res.Records {
		if r.Samples != nil || r.SampleType != 0 {
			t.Fatal("HeadersOnly decoded samples")
		}
		total += r.SampleCount
	}
	if total != 1000 {
		t.Errorf("sample counts add to %d", total)
	}
}
