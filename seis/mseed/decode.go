package mseed

import (
	"fmt"
	"strconv"

	"github.com/struna/struna/seis"
)

// Record length limits, as in libmseed (MINRECLEN, MAXRECLEN).
const (
	minRecLen = 40
	maxRecLen = 131172
)

// problem is a fault found inside one record, before the caller knows the
// file name, record index and offset.
type problem struct {
	field, msg string
}

func fault(field, format string, args ...any) *problem {
	return &problem{field: field, msg: fmt.Sprintf(format, args...)}
}

// decoder holds the state of one Decode call.
type decoder struct {
	name      string
	opts      DecodeOptions
	data      []byte
	res       Result
	slab      []float64 // samples are carved from large blocks to spare allocations
	lastRaw   [12]byte  // station to network bytes of the last v2 header ...
	lastID    seis.SourceID
	lastSID   string // ... and the identifiers made of them, reused when equal
	lastSID3  string // the same for miniSEED 3 source identifiers
	lastID3   seis.SourceID
	lastID3ok bool
	scratch   []byte // byte-swapped copy of little-endian Steim frames
	nrec      int    // record headers met so far (kept or skipped)
}

// Decode reads every miniSEED 2 and 3 record in data, in file order. name is
// used in messages only.
//
// A record that cannot be read (truncated, bad record length, broken time,
// CRC mismatch, data that does not decode to the declared sample count, ...)
// is skipped with a warning, and reading resumes at the next byte that starts
// a plausible record header, as libmseed does with MSF_SKIPNOTDATA. Non-data
// records of full SEED volumes and noise records are skipped silently. The
// returned error, a *seis.FormatError, is non-nil only when no record at all
// could be read.
func Decode(data []byte, name string, opts DecodeOptions) (*Result, error) {
	d := &decoder{name: name, opts: opts, data: data}
	if !opts.HeadersOnly {
		// One block for all samples of a well-formed file spares the
		// allocator; damaged files may need more, taken as they come.
		nrec, nsamp := estimate(data)
		d.slab = make([]float64, nsamp)
		d.res.Records = make([]Record, 0, nrec)
	}
	d.run()
	if len(d.res.Records) == 0 {
		return nil, d.fatal()
	}
	return &d.res, nil
}

func (d *decoder) fatal() *seis.FormatError {
	e := &seis.FormatError{File: d.name, Offset: 0, Record: -1}
	switch {
	case len(d.data) == 0:
		e.Msg = "not miniSEED: the input is empty"
	case len(d.res.Warnings) > 0 && d.nrec > 0:
		w := d.res.Warnings[0]
		for _, x := range d.res.Warnings {
			if x.Record >= 0 {
				w = x
				break
			}
		}
		e.Msg = fmt.Sprintf("not miniSEED: no record could be read (%d record header(s) found, all bad; first: record %d at byte %d: %s: %s)",
			d.nrec, w.Record, w.Offset, w.Field, w.Msg)
	default:
		e.Msg = "not miniSEED: no record header found; byte 0 starts with " + quoteStart(d.data)
	}
	return e
}

// quoteStart shows the first bytes of data for an error message.
func quoteStart(b []byte) string {
	n := min(len(b), 16)
	s := strconv.QuoteToASCII(string(b[:n]))
	if len(b) > n {
		s += "..."
	}
	return fmt.Sprintf("%s (%d bytes in all)", s, len(b))
}

func (d *decoder) warn(record int, offset int, field, format string, args ...any) {
	d.res.Warnings = append(d.res.Warnings, seis.Errorf(d.name, record, int64(offset), field, format, args...))
}

// run scans the input for records. The loop mirrors libmseed's
// ms3_readmsr_selection with MSF_SKIPNOTDATA: detect a header at the current
// byte, take the record length it implies, parse, and on any failure move on
// by one byte.
func (d *decoder) run() {
	data := d.data
	pos := 0
	skipStart := -1       // start of a run of bytes that are not a record
	afterFailure := false // the run began right after a record that failed
	flush := func() {
		if skipStart >= 0 && !afterFailure && !benign(data[skipStart:pos]) {
			d.warn(-1, skipStart, "", "skipped %d bytes that are not a miniSEED record", pos-skipStart)
		}
		skipStart = -1
		afterFailure = false
	}
	for len(data)-pos >= minRecLen {
		b := data[pos:]
		ver, reclen := detect(b)
		if ver == 0 {
			if skipStart < 0 {
				skipStart = pos
			}
			pos++
			continue
		}
		// libmseed: a miniSEED 2 record of unknown length that ends the
		// input takes the rest of it when that is a power of two.
		if ver == 2 && reclen == 0 && len(b)&(len(b)-1) == 0 && len(b) <= maxRecLen {
			reclen = len(b)
		}
		flush()
		idx := d.nrec
		d.nrec++
		var p *problem
		switch {
		case reclen == 0:
			p = fault("record length", "cannot be determined: no blockette 1000 and no following record header")
		case reclen < minRecLen || reclen > maxRecLen:
			p = fault("record length", "%d is outside the supported %d..%d bytes", reclen, minRecLen, maxRecLen)
		case reclen > len(b):
			p = fault("record length", "truncated record: the header implies %d bytes but only %d remain", reclen, len(b))
		}
		if p == nil {
			var n int
			n, p = d.parse(ver, b[:reclen], idx, pos)
			if p == nil {
				pos += n
				continue
			}
		}
		d.warn(idx, pos, p.field, "%s; record skipped", p.msg)
		pos++
		skipStart = pos
		afterFailure = true
	}
	if skipStart < 0 && pos < len(data) {
		skipStart = pos
	}
	pos = len(data)
	flush()
}

// benign reports whether skipped bytes are what full SEED volumes and
// padded files legitimately hold: control headers (volume, abbreviation,
// station, time-span), noise records, or blank padding.
func benign(b []byte) bool {
	if len(b) >= 8 && seqOK(b) && (b[7] == ' ' || b[7] == '*') {
		switch b[6] {
		case 'V', 'A', 'S', 'T', ' ':
			return true
		}
	}
	for _, c := range b {
		if c != 0 && c != ' ' {
			return false
		}
	}
	return true
}

func seqOK(b []byte) bool {
	for _, c := range b[:6] {
		if !(c >= '0' && c <= '9' || c == ' ' || c == 0) {
			return false
		}
	}
	return true
}

// detect says whether b starts a record: version 0 if not, else the version
// and the record length (0 when a miniSEED 2 header gives no way to know
// it). It follows libmseed's ms3_detect.
func detect(b []byte) (ver, reclen int) {
	if len(b) < minRecLen {
		return 0, 0
	}
	if b[0] == 'M' && b[1] == 'S' && b[2] == 3 && b[12] <= 23 && b[13] <= 59 && b[14] <= 60 {
		return 3, 40 + int(b[33]) + int(le16(b[34:])) + int(le32(b[36:]))
	}
	if !isV2Header(b) {
		return 0, 0
	}
	hbo := v2HeaderOrder(b)
	blkt := int(u16(b[46:], hbo))
	for blkt > 47 && blkt+4 <= len(b) {
		typ := u16(b[blkt:], hbo)
		next := int(u16(b[blkt+2:], hbo))
		if typ == 1000 && blkt+8 <= len(b) {
			exp := b[blkt+6]
			if exp > 30 {
				return 2, maxRecLen + 1
			}
			return 2, 1 << exp
		}
		if next != 0 && (next < 4 || next-4 <= blkt) {
			return 0, 0 // libmseed: invalid blockette offset, not a record
		}
		blkt = next
	}
	// No blockette 1000: the next record header, at a multiple of 64 bytes,
	// tells the length.
	for off := 64; off+48 < len(b) && off <= maxRecLen; off += 64 {
		if isV2Header(b[off:]) {
			return 2, off
		}
	}
	return 2, 0
}

// isV2Header is libmseed's MS2_ISVALIDHEADER (sequence number of digits,
// spaces or NULs; data quality indicator; valid hour, minute, second) plus a
// plausible year and day in one of the byte orders, which keeps resync from
// locking onto stray bytes inside a damaged record.
func isV2Header(b []byte) bool {
	if len(b) < 48 || !seqOK(b) {
		return false
	}
	switch b[6] {
	case 'D', 'R', 'Q', 'M':
	default:
		return false
	}
	if b[7] != ' ' && b[7] != 0 {
		return false
	}
	if b[24] > 23 || b[25] > 59 || b[26] > 60 {
		return false
	}
	return validYearDay(be16(b[20:]), be16(b[22:])) || validYearDay(le16(b[20:]), le16(b[22:]))
}

// validYearDay is libmseed's MS_ISVALIDYEARDAY, used to detect the byte
// order of a miniSEED 2 header.
func validYearDay(y, d uint16) bool { return y >= 1900 && y <= 2100 && d >= 1 && d <= 366 }

// v2HeaderOrder picks the header byte order. libmseed swaps when the
// host-order year/day are implausible; here big-endian, the SEED standard,
// wins the (year 2056) ties.
func v2HeaderOrder(b []byte) ByteOrder {
	if validYearDay(be16(b[20:]), be16(b[22:])) || !validYearDay(le16(b[20:]), le16(b[22:])) {
		return BigEndian
	}
	return LittleEndian
}

func be16(b []byte) uint16 { return uint16(b[1]) | uint16(b[0])<<8 }
func le16(b []byte) uint16 { return uint16(b[0]) | uint16(b[1])<<8 }
func be32(b []byte) uint32 {
	_ = b[3]
	return uint32(b[3]) | uint32(b[2])<<8 | uint32(b[1])<<16 | uint32(b[0])<<24
}
func le32(b []byte) uint32 {
	_ = b[3]
	return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
}

func u16(b []byte, bo ByteOrder) uint16 {
	if bo == LittleEndian {
		return le16(b)
	}
	return be16(b)
}

func u32(b []byte, bo ByteOrder) uint32 {
	if bo == LittleEndian {
		return le32(b)
	}
	return be32(b)
}

// parse decodes one record of known length into the result. It returns the
// number of bytes the record takes, or the problem that makes it unusable.
func (d *decoder) parse(ver int, rec []byte, idx, pos int) (int, *problem) {
	var r Record
	var warns []*problem
	var p *problem
	if ver == 3 {
		warns, p = d.parseV3(rec, &r)
	} else {
		warns, p = d.parseV2(rec, &r)
	}
	if p != nil {
		// One warning per skipped record: earlier findings are the likely cause.
		for _, w := range warns {
			p.msg += " (after " + w.field + ": " + w.msg + ")"
		}
		return 0, p
	}
	r.Offset = int64(pos)
	for _, w := range warns {
		d.warn(idx, pos, w.field, "%s; record kept", w.msg)
	}
	d.res.Records = append(d.res.Records, r)
	return r.Length, nil
}

// estimate counts the records that follow one another from the start of
// data and adds up their sample counts (plus the decoder's slack),
// stopping at the first irregularity. Counts are capped by what a record
// can hold.
func estimate(data []byte) (records, total int) {
	for pos := 0; ; records++ {
		b := data[pos:]
		ver, reclen := detect(b)
		if ver == 0 || reclen < minRecLen || reclen > len(b) {
			return records, total
		}
		n := int(le32(b[24:]))
		if ver == 2 {
			n = int(u16(b[30:], v2HeaderOrder(b)))
		}
		total += min(n, 2*reclen) + steimSlack
		pos += reclen
	}
}

// samples returns a slice of n float64 from the current block without
// committing it; commit(n) does once the decoding succeeded.
func (d *decoder) samples(n int) []float64 {
	if n > len(d.slab) {
		d.slab = make([]float64, max(n, 1<<15))
	}
	return d.slab[:n:n]
}

func (d *decoder) commit(n int) { d.slab = d.slab[n:] }
