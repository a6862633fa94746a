package mseed

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"time"

	"github.com/struna/struna/seis"
)

// EncodeOptions control Encode. The zero value writes miniSEED 2, Steim-2,
// 4096-byte records, publication version 1 (quality indicator R).
type EncodeOptions struct {
	// Version is the format version, 2 or 3 (0 means 2).
	Version int
	// Encoding of numeric samples: EncSteim2 (also chosen by the zero
	// value, EncText), EncSteim1, EncInt16, EncInt32, EncFloat32 or
	// EncFloat64. Integer encodings (Steim too) refuse samples that are not
	// integers in range; EncFloat32 rounds to the nearest float32. Traces
	// holding Text are always written as text records.
	Encoding Encoding
	// RecordLength in bytes: for miniSEED 2 the fixed length, a power of two
	// from 128 to 65536 (0 means 4096); for miniSEED 3 the maximum length
	// (0 means 4096); the last record of a trace is then shorter.
	RecordLength int
	// PubVersion is the publication version (0 means 1). miniSEED 2 stores
	// it as the quality indicator: 1 R, 2 D, 3 Q, 4 M (others D), as libmseed.
	PubVersion uint8
}

// Encode writes the traces as miniSEED records, each trace split into as
// many records as it needs, in order. Record start times are the trace
// start plus the offset of the record's first sample (seis.Trace.TimeAt),
// stored to the nanosecond in miniSEED 3 and to the microsecond in miniSEED 2
// (blockette 1001 carries the microseconds when needed). miniSEED 2 records
// are big-endian with blockette 1000; a sample rate that the SEED factor and
// multiplier cannot hold exactly adds blockette 100 (a float32, so such a
// rate comes back rounded). miniSEED 3 records carry CRC-32C.
//
// All traces are checked before anything is written; an error names the
// trace and, for a sample an integer encoding cannot hold, the sample.
// Traces with neither samples nor text are skipped.
func Encode(w io.Writer, traces []seis.Trace, opts EncodeOptions) error {
	o, err := opts.normalize()
	if err != nil {
		return err
	}
	for i := range traces {
		if err := o.check(&traces[i]); err != nil {
			return fmt.Errorf("mseed: trace %d (%s): %w", i, traces[i].ID, err)
		}
	}
	e := &encoder{opts: o, w: bufio.NewWriterSize(w, 1<<16)}
	for i := range traces {
		if err := e.trace(&traces[i]); err != nil {
			return fmt.Errorf("mseed: trace %d (%s): %w", i, traces[i].ID, err)
		}
	}
	return e.w.Flush()
}

func (o EncodeOptions) normalize() (EncodeOptions, error) {
	if o.Version == 0 {
		o.Version = 2
	}
	if o.Version != 2 && o.Version != 3 {
		return o, fmt.Errorf("mseed: format version %d: want 2 or 3", o.Version)
	}
	switch o.Encoding {
	case EncText:
		o.Encoding = EncSteim2
	case EncSteim1, EncSteim2, EncInt16, EncInt32, EncFloat32, EncFloat64:
	default:
		return o, fmt.Errorf("mseed: cannot write encoding %d (%s); use Steim-1, Steim-2, Int16, Int32, Float32 or Float64", int(o.Encoding), o.Encoding)
	}
	if o.RecordLength == 0 {
		o.RecordLength = 4096
	}
	if o.Version == 2 && (o.RecordLength < 128 || o.RecordLength > 65536 || o.RecordLength&(o.RecordLength-1) != 0) {
		return o, fmt.Errorf("mseed: miniSEED 2 record length %d: want a power of two from 128 to 65536", o.RecordLength)
	}
	if o.Version == 3 && (o.RecordLength < 128 || o.RecordLength > maxRecLen) {
		return o, fmt.Errorf("mseed: miniSEED 3 record length %d: want 128 to %d", o.RecordLength, maxRecLen)
	}
	if o.PubVersion == 0 {
		o.PubVersion = 1
	}
	return o, nil
}

// check validates one trace against the options.
func (o EncodeOptions) check(t *seis.Trace) error {
	if len(t.Samples) > 0 && len(t.Text) > 0 {
		return errors.New("has both samples and text; a record holds one or the other")
	}
	if len(t.Samples) == 0 && len(t.Text) == 0 {
		return nil
	}
	if math.IsNaN(t.SampleRate) || math.IsInf(t.SampleRate, 0) || t.SampleRate < 0 || t.SampleRate == 0 && len(t.Samples) > 0 {
		return fmt.Errorf("sample rate %v: want a positive finite rate (0 only for text)", t.SampleRate)
	}
	start := t.Start.UTC()
	if o.Version == 2 {
		// libmseed (and this reader) find the header byte order from a
		// plausible year, so miniSEED 2 must stay in 1900-2100.
		if y := start.Year(); y < 1900 || y > 2100 {
			return fmt.Errorf("start year %d: miniSEED 2 readers need 1900-2100 (use miniSEED 3)", y)
		}
		for _, f := range []struct {
			name, v string
			n       int
		}{{"network", t.ID.Network, 2}, {"station", t.ID.Station, 5}, {"location", t.ID.Location, 2}, {"channel", t.ID.Channel, 3}} {
			if len(f.v) > f.n {
				return fmt.Errorf("%s code %q is longer than the %d characters of miniSEED 2", f.name, f.v, f.n)
			}
			for _, c := range []byte(f.v) {
				if c <= ' ' || c > '~' {
					return fmt.Errorf("%s code %q: miniSEED 2 codes are printable ASCII without spaces", f.name, f.v)
				}
			}
		}
	} else {
		if y := start.Year(); y < 1800 || y > 5000 {
			return fmt.Errorf("start year %d: outside 1800-5000", y)
		}
		if n := len(t.ID.FDSN()); n > 255 {
			return fmt.Errorf("source identifier of %d bytes: miniSEED 3 allows 255", n)
		}
	}
	if len(t.Text) > 0 {
		return nil
	}
	switch o.Encoding {
	case EncSteim1, EncSteim2, EncInt32, EncInt16:
		lo, hi := float64(math.MinInt32), float64(math.MaxInt32)
		if o.Encoding == EncInt16 {
			lo, hi = math.MinInt16, math.MaxInt16
		}
		for i, v := range t.Samples {
			if v != math.Trunc(v) || v < lo || v > hi { // NaN fails the first test
				return fmt.Errorf("sample %d = %v is not an integer in %v..%v, which %s stores; not rounded (use Float32 or Float64)", i, v, lo, hi, o.Encoding)
			}
		}
		if o.Encoding == EncSteim2 {
			for i := 1; i < len(t.Samples); i++ {
				if d := int32(int64(t.Samples[i]) - int64(t.Samples[i-1])); d < -1<<29 || d >= 1<<29 {
					return fmt.Errorf("sample %d: difference %d from sample %d exceeds the 30 bits of Steim-2 (use Steim-1 or Int32)", i, d, i-1)
				}
			}
		}
	}
	return nil
}

type encoder struct {
	opts EncodeOptions
	w    *bufio.Writer
	seq  int
	buf  []byte
	ints []int32
}

// trace writes one trace as records.
func (e *encoder) trace(t *seis.Trace) error {
	enc := e.opts.Encoding
	n := len(t.Samples)
	if len(t.Text) > 0 {
		enc, n = EncText, len(t.Text)
	}
	if n == 0 {
		return nil
	}
	if enc == EncSteim1 || enc == EncSteim2 {
		e.ints = e.ints[:0]
		for _, v := range t.Samples {
			e.ints = append(e.ints, int32(v))
		}
	}
	var fact, mult int16
	b100 := false
	if e.opts.Version == 2 {
		fact, mult, b100 = factMult(t.SampleRate)
	}
	sid := t.ID.FDSN()
	for off := 0; off < n; {
		start := t.TimeAt(off).UTC()
		var used int
		var err error
		if e.opts.Version == 2 {
			used, err = e.record2(t, enc, off, start, fact, mult, b100)
		} else {
			used, err = e.record3(t, enc, off, start, sid)
		}
		if err != nil {
			return err
		}
		off += used
	}
	return nil
}

// payload fills dst with as many samples from off as fit (Steim: frames,
// at most maxSamples) and returns the samples used, the bytes of dst used
// and the Steim frames used.
func (e *encoder) payload(dst []byte, t *seis.Trace, enc Encoding, off, maxSamples int, bigEndian bool) (nsamp, nbytes, frames int) {
	switch enc {
	case EncText:
		nsamp = min(len(t.Text)-off, len(dst), maxSamples)
		copy(dst, t.Text[off:off+nsamp])
		return nsamp, nsamp, 0
	case EncSteim1, EncSteim2:
		x := e.ints[off:]
		if len(x) > maxSamples {
			x = x[:maxSamples]
		}
		nsamp, frames = packSteim(dst, x, len(dst)/64, enc == EncSteim2)
		return nsamp, 64 * frames, frames
	}
	size := enc.sampleSize()
	nsamp = min(len(t.Samples)-off, len(dst)/size, maxSamples)
	s := t.Samples[off : off+nsamp]
	put32, put64 := le32put, le64put
	if bigEndian {
		put32, put64 = be32put, be64put
	}
	switch enc {
	case EncInt16:
		for i, v := range s {
			u := uint16(int16(v))
			if bigEndian {
				dst[2*i], dst[2*i+1] = byte(u>>8), byte(u)
			} else {
				dst[2*i], dst[2*i+1] = byte(u), byte(u>>8)
			}
		}
	case EncInt32:
		for i, v := range s {
			put32(dst[4*i:], uint32(int32(v)))
		}
	case EncFloat32:
		for i, v := range s {
			put32(dst[4*i:], math.Float32bits(float32(v)))
		}
	case EncFloat64:
		for i, v := range s {
			put64(dst[8*i:], math.Float64bits(v))
		}
	}
	return nsamp, nsamp * size, 0
}

// record2 writes one miniSEED 2 record starting at sample off.
func (e *encoder) record2(t *seis.Trace, enc Encoding, off int, start time.Time, fact, mult int16, b100 bool) (int, error) {
	L := e.opts.RecordLength
	rec := e.record(L)
	start = start.Round(time.Microsecond)
	usec := start.Nanosecond() / 1000 % 100
	// Blockettes: 1000 at 48, then 100 (when the rate needs it) and 1001
	// (when the time needs microseconds).
	bl := []uint16{1000}
	if b100 {
		bl = append(bl, 100)
	}
	if usec != 0 {
		bl = append(bl, 1001)
	}
	blen := func(b uint16) int {
		if b == 100 {
			return 12
		}
		return 8
	}
	end := 48
	for _, b := range bl {
		end += blen(b)
	}
	dataOffset := (end + 63) &^ 63
	if dataOffset >= L {
		return 0, fmt.Errorf("record length %d leaves no room for data after the blockettes", L)
	}
	nsamp, _, frames := e.payload(rec[dataOffset:], t, enc, off, 65535, true)
	if nsamp == 0 {
		return 0, fmt.Errorf("record length %d holds no sample", L)
	}

	e.seq = e.seq%999999 + 1
	for i, s := 5, e.seq; i >= 0; i, s = i-1, s/10 {
		rec[i] = byte('0' + s%10)
	}
	rec[6] = qualityOf(e.opts.PubVersion)
	rec[7] = ' '
	pad := func(dst []byte, s string) {
		for i := range dst {
			dst[i] = ' '
		}
		copy(dst, s)
	}
	pad(rec[8:13], t.ID.Station)
	pad(rec[13:15], t.ID.Location)
	pad(rec[15:18], t.ID.Channel)
	pad(rec[18:20], t.ID.Network)
	be16put(rec[20:], uint16(start.Year()))
	be16put(rec[22:], uint16(start.YearDay()))
	rec[24], rec[25], rec[26] = byte(start.Hour()), byte(start.Minute()), byte(start.Second())
	be16put(rec[28:], uint16(start.Nanosecond()/100000))
	be16put(rec[30:], uint16(nsamp))
	be16put(rec[32:], uint16(fact))
	be16put(rec[34:], uint16(mult))
	rec[39] = byte(len(bl))
	be16put(rec[44:], uint16(dataOffset))
	be16put(rec[46:], 48)
	pos := 48
	for i, b := range bl {
		size := blen(b)
		next := 0
		if i+1 < len(bl) {
			next = pos + size
		}
		be16put(rec[pos:], b)
		be16put(rec[pos+2:], uint16(next))
		switch b {
		case 1000:
			rec[pos+4] = byte(enc)
			rec[pos+5] = 1 // big-endian
			rec[pos+6] = byte(bits.TrailingZeros(uint(L)))
		case 100:
			be32put(rec[pos+4:], math.Float32bits(float32(t.SampleRate)))
		case 1001:
			rec[pos+5] = byte(int8(usec))
			rec[pos+7] = byte(frames)
		}
		pos += size
	}
	_, err := e.w.Write(rec)
	return nsamp, err
}

// record3 writes one miniSEED 3 record starting at sample off.
func (e *encoder) record3(t *seis.Trace, enc Encoding, off int, start time.Time, sid string) (int, error) {
	hdr := 40 + len(sid)
	room := e.opts.RecordLength - hdr
	if enc == EncSteim1 || enc == EncSteim2 {
		room &^= 63
	}
	if room <= 0 {
		return 0, fmt.Errorf("record length %d leaves no room for data after the %d-byte header", e.opts.RecordLength, hdr)
	}
	rec := e.record(hdr + room)
	nsamp, nbytes, _ := e.payload(rec[hdr:], t, enc, off, math.MaxUint32, false)
	if nsamp == 0 {
		return 0, fmt.Errorf("record length %d holds no sample", e.opts.RecordLength)
	}
	rec = rec[:hdr+nbytes]
	rec[0], rec[1], rec[2] = 'M', 'S', 3
	le32put(rec[4:], uint32(start.Nanosecond()))
	le16put(rec[8:], uint16(start.Year()))
	le16put(rec[10:], uint16(start.YearDay()))
	rec[12], rec[13], rec[14] = byte(start.Hour()), byte(start.Minute()), byte(start.Second())
	rec[15] = byte(enc)
	le64put(rec[16:], math.Float64bits(t.SampleRate))
	le32put(rec[24:], uint32(nsamp))
	rec[32] = e.opts.PubVersion
	rec[33] = byte(len(sid))
	le32put(rec[36:], uint32(nbytes))
	copy(rec[40:], sid)
	le32put(rec[28:], crc32c(rec))
	_, err := e.w.Write(rec)
	return nsamp, err
}

// record returns a zeroed buffer of n bytes, reused between records.
func (e *encoder) record(n int) []byte {
	if cap(e.buf) < n {
		e.buf = make([]byte, n)
	}
	b := e.buf[:n]
	clear(b)
	return b
}

func qualityOf(pub uint8) byte {
	switch pub {
	case 1:
		return 'R'
	case 3:
		return 'Q'
	case 4:
		return 'M'
	}
	return 'D'
}

// factMult finds the SEED sample rate factor and multiplier for a rate
// (libmseed's ms_genfactmult in spirit): exact when possible, otherwise
// the nearest and blockette 100 is needed.
func factMult(rate float64) (fact, mult int16, b100 bool) {
	if rate == 0 {
		return 0, 0, false
	}
	const lim = 32767
	if rate == math.Trunc(rate) && rate <= lim {
		return int16(rate), 1, false
	}
	if p := 1 / rate; rate < 1 && p == math.Trunc(p) && p <= lim && nominalRate(-int16(p), 1) == rate {
		return -int16(p), 1, false
	}
	if rate == math.Trunc(rate) {
		for m := 2.0; m <= lim; m++ {
			if f := rate / m; f == math.Trunc(f) && f <= lim && nominalRate(int16(f), int16(m)) == rate {
				return int16(f), int16(m), false
			}
		}
	}
	// rate = f / m, or a period f * m.
	for m := 1.0; m <= lim; m++ {
		if f := math.Round(rate * m); f >= 1 && f <= lim && nominalRate(int16(f), -int16(m)) == rate {
			return int16(f), -int16(m), false
		}
		if p := math.Round(m / rate); p >= 1 && p <= lim && nominalRate(-int16(p), int16(m)) == rate {
			return -int16(p), int16(m), false
		}
	}
	if rate >= 1 {
		return int16(min(math.Round(rate), lim)), 1, true
	}
	return -int16(min(math.Round(1/rate), lim)), 1, true
}

func be16put(b []byte, v uint16) { b[0], b[1] = byte(v>>8), byte(v) }
func le16put(b []byte, v uint16) { b[0], b[1] = byte(v), byte(v>>8) }
func be32put(b []byte, v uint32) {
	_ = b[3]
	b[0], b[1], b[2], b[3] = byte(v>>24), byte(v>>16), byte(v>>8), byte(v)
}
func le32put(b []byte, v uint32) {
	_ = b[3]
	b[0], b[1], b[2], b[3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
}
func be64put(b []byte, v uint64) { be32put(b, uint32(v>>32)); be32put(b[4:], uint32(v)) }
func le64put(b []byte, v uint64) { le32put(b, uint32(v)); le32put(b[4:], uint32(v>>32)) }

// packSteim packs samples into at most maxFrames Steim frames of dst
// (zeroed), greedily putting as many differences in each word as fit. It
// returns the samples packed and the frames used. Differences wrap like
// int32 arithmetic, which the decoder undoes; the first difference of a
// record is written as 0 (decoders use X0 instead). The caller has checked
// that Steim-2 differences fit in 30 bits.
func packSteim(dst []byte, x []int32, maxFrames int, s2 bool) (nsamp, frames int) {
	n := len(x)
	if n == 0 || maxFrames == 0 {
		return 0, 0
	}
	diff := func(i int) int32 {
		if i == 0 {
			return 0
		}
		return x[i] - x[i-1]
	}
	k := 0 // next sample to pack
	for f := 0; f < maxFrames && k < n; f++ {
		fr := dst[f*64 : f*64+64]
		frames = f + 1
		var ctrl uint32
		w := 1
		if f == 0 {
			w = 3
		}
		for ; w < 16 && k < n; w++ {
			var nib, word uint32
			var cnt int
			if s2 {
				nib, word, cnt = steim2Word(diff, k, n)
			} else {
				nib, word, cnt = steim1Word(diff, k, n)
			}
			ctrl |= nib << (30 - 2*uint(w))
			be32put(fr[4*w:], word)
			k += cnt
		}
		be32put(fr, ctrl)
	}
	be32put(dst[4:], uint32(x[0]))
	be32put(dst[8:], uint32(x[k-1]))
	return k, frames
}

// fits reports whether d is representable in w signed bits.
func fits(d int32, w uint) bool { return d >= -(1<<(w-1)) && d < 1<<(w-1) }

func steim1Word(diff func(int) int32, k, n int) (nib, word uint32, cnt int) {
	if k+4 <= n {
		d0, d1, d2, d3 := diff(k), diff(k+1), diff(k+2), diff(k+3)
		if fits(d0, 8) && fits(d1, 8) && fits(d2, 8) && fits(d3, 8) {
			return 1, uint32(uint8(d0))<<24 | uint32(uint8(d1))<<16 | uint32(uint8(d2))<<8 | uint32(uint8(d3)), 4
		}
	}
	if k+2 <= n {
		d0, d1 := diff(k), diff(k+1)
		if fits(d0, 16) && fits(d1, 16) {
			return 2, uint32(uint16(d0))<<16 | uint32(uint16(d1)), 2
		}
	}
	return 3, uint32(diff(k)), 1
}

// steim2 word layouts, most differences first: count, bits per
// difference, nibble, dnib.
var steim2Layouts = [...]struct {
	cnt       int
	width     uint
	nib, dnib uint32
}{{7, 4, 3, 2}, {6, 5, 3, 1}, {5, 6, 3, 0}, {4, 8, 1, 0}, {3, 10, 2, 3}, {2, 15, 2, 2}, {1, 30, 2, 1}}

func steim2Word(diff func(int) int32, k, n int) (nib, word uint32, cnt int) {
	var d [7]int32
	m := min(7, n-k)
	for i := range m {
		d[i] = diff(k + i)
	}
	for _, l := range steim2Layouts {
		if l.cnt > m {
			continue
		}
		ok := true
		for i := range l.cnt {
			if !fits(d[i], l.width) {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		if l.nib == 1 {
			return 1, uint32(uint8(d[0]))<<24 | uint32(uint8(d[1]))<<16 | uint32(uint8(d[2]))<<8 | uint32(uint8(d[3])), 4
		}
		word = l.dnib << 30
		mask := uint32(1)<<l.width - 1
		for i := range l.cnt {
			word |= (uint32(d[i]) & mask) << (l.width * uint(l.cnt-1-i))
		}
		return l.nib, word, l.cnt
	}
	return 2, 1<<30 | uint32(d[0])&(1<<30-1), 1 // unreachable after check: 30 bits always fit
}
