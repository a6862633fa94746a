package sac

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/struna/struna/seis"
)

// EncodeOptions controls Encode.
type EncodeOptions struct {
	// BigEndian writes most significant byte first; the default is
	// little-endian, as SAC and ObsPy write on today's machines.
	BigEndian bool
}

// Encode writes tr as one binary SAC file (header version 6, IFTYPE ITIME,
// LEVEN true, IZTYPE IB) with float32 samples.
//
// The reference time NZ* is the start truncated to the millisecond and B the
// remainder (under 1 ms), as ObsPy writes it, so Decode gives back the start
// to the nanosecond. DELTA is float32(1/SampleRate); Decode recovers the
// rate exactly when it or its period has a short decimal form (100, 200,
// 250, 3000 Hz, ...). Units map back to IDEP only for SAC's own units (nm,
// nm/s, nm/s**2, V); any other unit is written as IUNKN, SAC having no field
// for it. Sample values that are not float32-representable are rounded to
// the nearest float32; a finite value beyond the float32 range is an error.
func Encode(w io.Writer, tr seis.Trace, opts EncodeOptions) error {
	if !(tr.SampleRate > 0) || math.IsInf(tr.SampleRate, 0) {
		return fmt.Errorf("sac: %s: sample rate %g Hz: SAC needs a positive sample interval", tr.ID, tr.SampleRate)
	}
	if len(tr.Samples) > math.MaxInt32 {
		return fmt.Errorf("sac: %s: %d samples is more than NPTS can hold", tr.ID, len(tr.Samples))
	}
	delta := float32(1 / tr.SampleRate)
	if delta == 0 || math.IsInf(float64(delta), 0) {
		return fmt.Errorf("sac: %s: sample interval 1/%g s does not fit a float32", tr.ID, tr.SampleRate)
	}
	start := tr.Start.UTC()
	ref := start.Truncate(time.Millisecond)
	if ref.Year() < 1 || ref.Year() > 9999 {
		return fmt.Errorf("sac: %s: start %s is outside years 1..9999", tr.ID, start.Format(time.RFC3339Nano))
	}

	var h Header
	for _, p := range h.floats() {
		if p != nil {
			*p = FUndef
		}
	}
	for _, p := range h.ints() {
		if p != nil {
			*p = IUndef
		}
	}
	ps, _ := h.strings()
	for _, p := range ps {
		*p = KUndef
	}
	h.NVHDR, h.IFTYPE, h.IZTYPE = 6, ITime, IB
	h.LEVEN, h.LPSPOL, h.LOVROK, h.LCALDA = 1, 1, 1, 0
	h.NPTS = int32(len(tr.Samples))
	h.DELTA = delta
	h.NZYEAR, h.NZJDAY = int32(ref.Year()), int32(ref.YearDay())
	h.NZHOUR, h.NZMIN, h.NZSEC = int32(ref.Hour()), int32(ref.Minute()), int32(ref.Second())
	h.NZMSEC = int32(ref.Nanosecond() / 1e6)
	b := float64(start.Sub(ref)) / 1e9
	h.B = float32(b)
	h.E = float32(b + float64(max(len(tr.Samples)-1, 0))/tr.SampleRate)
	h.IDEP = idepOf(tr.Units)

	codes := [4]struct{ field, v string }{{"network", tr.ID.Network}, {"station", tr.ID.Station},
		{"location", tr.ID.Location}, {"channel", tr.ID.Channel}}
	for _, c := range codes {
		if len(c.v) > 8 {
			return fmt.Errorf("sac: %s: %s code %q is longer than SAC's 8 characters", tr.ID, c.field, c.v)
		}
		for _, ch := range []byte(c.v) {
			if ch < 0x21 || ch >= 0x7f {
				return fmt.Errorf("sac: %s: %s code %q has a character SAC cannot hold (printable ASCII without blanks only)", tr.ID, c.field, c.v)
			}
		}
		if c.v == KUndef {
			return fmt.Errorf("sac: %s: %s code %q is SAC's undefined marker", tr.ID, c.field, c.v)
		}
	}
	setK := func(p *string, v string) {
		if v != "" {
			*p = v
		}
	}
	setK(&h.KNETWK, tr.ID.Network)
	setK(&h.KSTNM, tr.ID.Station)
	setK(&h.KHOLE, tr.ID.Location)
	setK(&h.KCMPNM, tr.ID.Channel)

	buf := make([]byte, headerLen+4*len(tr.Samples))
	var o binary.ByteOrder = binary.LittleEndian
	if opts.BigEndian {
		o = binary.BigEndian
	}
	lo, hi, sum, n := math.Inf(1), math.Inf(-1), 0.0, 0
	for i, v := range tr.Samples {
		f := float32(v)
		if math.IsInf(float64(f), 0) && !math.IsInf(v, 0) {
			return fmt.Errorf("sac: %s: sample %d = %g is beyond the float32 range", tr.ID, i, v)
		}
		o.PutUint32(buf[headerLen+4*i:], math.Float32bits(f))
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			lo, hi, sum, n = min(lo, float64(f)), max(hi, float64(f)), sum+float64(f), n+1
		}
	}
	if n > 0 {
		h.DEPMIN, h.DEPMAX, h.DEPMEN = float32(lo), float32(hi), float32(sum/float64(n))
	}

	for i, p := range h.floats() {
		v := float32(FUndef)
		if p != nil {
			v = *p
		}
		o.PutUint32(buf[4*i:], math.Float32bits(v))
	}
	for i, p := range h.ints() {
		v := int32(IUndef)
		switch {
		case p != nil:
			v = *p
		case i == 39: // unused logical
			v = 0
		}
		o.PutUint32(buf[offNZYEAR+4*i:], uint32(v))
	}
	ps, ws := h.strings()
	off := 440
	for i, p := range ps {
		copy(buf[off:off+ws[i]], fmt.Sprintf("%-*s", ws[i], *p))
		off += ws[i]
	}
	_, err := w.Write(buf)
	return err
}
