package mseed

import (
	"encoding/json"
	"time"

	"github.com/struna/struna/seis"
)

// DecodeOptions control Decode. The zero value decodes everything and
// verifies miniSEED 3 CRCs.
type DecodeOptions struct {
	HeadersOnly bool // parse headers only; Samples and Text stay nil
	SkipCRC     bool // do not verify miniSEED 3 CRC-32C
}

// Record is one miniSEED record: its header in accessible form and, unless
// DecodeOptions.HeadersOnly, its decoded data.
type Record struct {
	Version int   // format version, 2 or 3
	Offset  int64 // byte offset of the record in the input
	Length  int   // record length in bytes

	ID  seis.SourceID // NET.STA.LOC.CHA
	SID string        // FDSN source identifier as libmseed prints it, e.g. FDSN:XX_TEST__B_H_Z

	Start       time.Time // time of the first sample, UTC, nanoseconds
	SampleRate  float64   // samples per second (v3 periods and v2 factor/multiplier converted)
	Encoding    Encoding  // data encoding (miniSEED 2 without blockette 1000: Steim-1, as libmseed assumes)
	ByteOrder   ByteOrder // byte order of the data payload
	SampleCount int       // number of samples (bytes, for text) the header declares

	PubVersion uint8  // publication version (v2: mapped from the quality indicator as libmseed does: R=1 D=2 Q=3 M=4)
	Quality    byte   // v2 data quality indicator ('D', 'R', 'Q' or 'M'); 0 for v3
	Flags      uint8  // v3 record flags; for v2 mapped as libmseed does (bit 0 calibration, bit 1 time tag questionable, bit 2 clock locked)
	CRC        uint32 // v3 CRC-32C from the header; 0 for v2

	DataOffset int // offset of the data payload in the record
	DataLength int // bytes of data payload (v2: record length minus data offset, as libmseed)

	// Extra holds the v3 extra headers as found; for v2 a libmseed-style
	// subset derived from the header (timing quality, time correction,
	// event and quality flags). Nil when there are none.
	Extra json.RawMessage

	// miniSEED 2 header details (zero for v3).
	HeaderByteOrder ByteOrder // byte order of the fixed header (v2 only)
	Sequence        string    // sequence number field
	ActFlags        uint8     // activity flags
	IOFlags         uint8     // I/O and clock flags
	DQFlags         uint8     // data quality flags
	TimeCorrection  int32     // time correction field, 0.0001 s units
	TimingQuality   int       // blockette 1001 timing quality, -1 when absent

	// SampleType says what the samples were before conversion to float64:
	// 'i' 32-bit integer, 'f' 32-bit float, 'd' 64-bit float, 't' text, 0 none decoded.
	SampleType byte
	Samples    []float64 // decoded samples (numeric encodings)
	Text       []byte    // decoded payload of a text (encoding 0) record
}

// Result is what Decode found: the records in file order and a warning for
// each problem that did not stop the reading (a record skipped, or a record
// kept with an anomaly; the message says which).
type Result struct {
	Records  []Record
	Warnings []*seis.FormatError
}

// Traces returns one seis.Trace per record, in file order. Text records get
// SampleRate 0 (the seis convention for log channels) and their payload in
// Text. Sample slices are shared with the records, not copied.
func (r *Result) Traces() []seis.Trace {
	out := make([]seis.Trace, len(r.Records))
	for i := range r.Records {
		rec := &r.Records[i]
		t := seis.Trace{ID: rec.ID, SampleRate: rec.SampleRate, Start: rec.Start, Samples: rec.Samples}
		if rec.Encoding == EncText {
			t.SampleRate = 0
			t.Samples = nil
			t.Text = rec.Text
		}
		out[i] = t
	}
	return out
}
