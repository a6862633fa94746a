package mseed

import (
	"math"
)

// unpack decodes the data payload of r into r.Samples or r.Text, following
// libmseed's unpackdata.c for every encoding. It returns the bytes of the
// payload used. Unlike libmseed it refuses a sample count that the payload
// cannot hold instead of reading past it.
func (d *decoder) unpack(r *Record, payload []byte) (used int, warns []*problem, p *problem) {
	n := r.SampleCount
	enc := r.Encoding
	size := enc.sampleSize()
	if size < 0 {
		return 0, nil, fault("encoding", "%d (%s) cannot be decoded", int(enc), enc)
	}
	if size > 0 && n*size > len(payload) {
		return 0, nil, fault("sample count", "%d samples of %s need %d bytes but the data payload has %d", n, enc, n*size, len(payload))
	}
	le := r.ByteOrder == LittleEndian
	if enc == EncText {
		r.Text = append([]byte(nil), payload[:n]...)
		r.SampleType = 't'
		return n, nil, nil
	}
	if enc == EncSteim1 || enc == EncSteim2 {
		nf := len(payload) / 64
		perFrame := 15 * 4
		if enc == EncSteim2 {
			perFrame = 15 * 7
		}
		if n > nf*perFrame {
			return 0, nil, fault("sample count", "%d samples cannot fit in the %d Steim frames of the data payload", n, nf)
		}
		frames := payload[:nf*64]
		if le {
			frames = d.swapSteim(frames, enc == EncSteim2)
		}
		buf := d.samples(n + steimSlack)
		k, last, xn, fused, p := decodeSteim(frames, buf, enc == EncSteim2)
		if p != nil {
			return 0, nil, p
		}
		if k != n {
			return 0, nil, fault("sample count", "only %d of %d samples decoded from the %d Steim frames", k, n, nf)
		}
		if last != xn {
			warns = append(warns, fault("Steim integration constant", "last sample %d differs from the reverse integration constant %d (data integrity check failed)", last, xn))
		}
		out := buf[:n:n]
		d.commit(n)
		r.Samples = out
		r.SampleType = 'i'
		return 64 * fused, warns, nil
	}

	out := d.samples(n)
	r.SampleType = 'i'
	switch enc {
	case EncInt16:
		for i := range out {
			out[i] = float64(int16(u16(payload[2*i:], r.ByteOrder)))
		}
	case EncInt32:
		int32s(payload[:4*n], out, le)
	case EncFloat32:
		float32s(payload[:4*n], out, le)
		r.SampleType = 'f'
	case EncFloat64:
		float64s(payload[:8*n], out, le)
		r.SampleType = 'd'
	case EncGeoscope24:
		for i := range out {
			b := payload[3*i : 3*i+3]
			v := int32(b[0])<<16 | int32(b[1])<<8 | int32(b[2])
			if le {
				v = int32(b[2])<<16 | int32(b[1])<<8 | int32(b[0])
			}
			out[i] = float64(float32(v << 8 >> 8))
		}
		r.SampleType = 'f'
	case EncGeoscope163, EncGeoscope164:
		gmask := uint16(0x7000)
		if enc == EncGeoscope164 {
			gmask = 0xf000
		}
		for i := range out {
			s := u16(payload[2*i:], r.ByteOrder)
			mant := int(s & 0x0fff)
			exp := (s & gmask) >> 12
			out[i] = float64(float32(float64(mant-2048) / float64(uint64(1)<<exp)))
		}
		r.SampleType = 'f'
	case EncCDSN:
		for i := range out {
			s := u16(payload[2*i:], r.ByteOrder)
			mant := int32(s&0x3fff) - 0x1fff
			shift := [4]uint{0, 2, 4, 7}[s>>14]
			out[i] = float64(int32(uint32(mant) << shift))
		}
	case EncSRO:
		for i := range out {
			s := u16(payload[2*i:], r.ByteOrder)
			mant := int32(s & 0x0fff)
			if mant > 0x7ff {
				mant -= 0x1000
			}
			exp := 10 - int(s>>12)
			if exp < 0 {
				return 0, nil, fault("data", "SRO gain ranging exponent %d of sample %d is out of range", exp, i)
			}
			out[i] = float64(int32(int64(mant) << exp))
		}
	case EncDWWSSN:
		for i := range out {
			out[i] = float64(int16(u16(payload[2*i:], r.ByteOrder)))
		}
	}
	d.commit(n)
	r.Samples = out
	return n * size, nil, nil
}

// int32s, float32s and float64s convert whole arrays: one pass, no
// per-sample calls the compiler cannot inline.
func int32s(b []byte, out []float64, le bool) {
	out = out[:len(b)/4]
	if le {
		for i := range out {
			out[i] = float64(int32(le32(b[4*i:])))
		}
		return
	}
	for i := range out {
		out[i] = float64(int32(be32(b[4*i:])))
	}
}

func float32s(b []byte, out []float64, le bool) {
	out = out[:len(b)/4]
	if le {
		for i := range out {
			out[i] = float64(math.Float32frombits(le32(b[4*i:])))
		}
		return
	}
	for i := range out {
		out[i] = float64(math.Float32frombits(be32(b[4*i:])))
	}
}

func float64s(b []byte, out []float64, le bool) {
	out = out[:len(b)/8]
	if le {
		for i := range out {
			out[i] = math.Float64frombits(le64(b[8*i:]))
		}
		return
	}
	for i := range out {
		out[i] = math.Float64frombits(be64(b[8*i:]))
	}
}

func le64(b []byte) uint64 {
	_ = b[7]
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

func be64(b []byte) uint64 {
	_ = b[7]
	return uint64(b[7]) | uint64(b[6])<<8 | uint64(b[5])<<16 | uint64(b[4])<<24 |
		uint64(b[3])<<32 | uint64(b[2])<<40 | uint64(b[1])<<48 | uint64(b[0])<<56
}
