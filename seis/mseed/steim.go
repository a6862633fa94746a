package mseed

import "fmt"

// Steim-1 and Steim-2 decoding (SEED 2.4 appendix B; libmseed
// msr_decode_steim1/2). A frame is 16 big-endian 32-bit words; word 0 holds
// sixteen 2-bit nibbles saying how each word is packed; in the first frame
// words 1 and 2 are the forward (X0, the first sample) and reverse (Xn, the
// last sample) integration constants. The first difference is ignored in
// favour of X0, as libmseed does. Sums wrap like int32 arithmetic in C.

// steimSlack is the room decodeSteim needs past the last sample of out:
// each word's differences are written whole, even past the declared count.
const steimSlack = 7

// decodeSteim decodes big-endian Steim-1 (s2 false) or Steim-2 frames into
// out[:n], where len(out) is n + steimSlack. It returns the samples decoded
// (at most n), the last sample, Xn, and the frames used.
func decodeSteim(in []byte, out []float64, s2 bool) (k int, last, xn int32, frames int, p *problem) {
	n := len(out) - steimSlack
	if n <= 0 {
		return 0, 0, 0, 0, nil
	}
	nf := len(in) / 64
	var x0 int32
	started := false
	for f := 0; f < nf && k < n; f++ {
		fr := (*[64]byte)(in[f*64 : f*64+64])
		frames = f + 1
		ctrl := be32(fr[0:4])
		w := 1
		if f == 0 {
			x0 = int32(be32(fr[4:8]))
			xn = int32(be32(fr[8:12]))
			w = 3
		}
		// Until the first word with differences, whose first difference
		// gives way to X0: start from X0 minus that difference.
		for ; !started && w < 16; w++ {
			v := be32(fr[4*w : 4*w+4])
			var d int32
			switch (ctrl >> (30 - 2*uint(w))) & 3 {
			case 0:
				continue
			case 1:
				d = int32(v) >> 24
			case 2:
				if s2 {
					d = sx2first(v)
				} else {
					d = int32(v) >> 16
				}
			case 3:
				if s2 {
					d = sx3first(v)
				} else {
					d = int32(v)
				}
			}
			last = x0 - d
			started = true
			break
		}
		if !started {
			continue
		}
		var q *problem
		if s2 {
			k, last, q = steim2Frame(fr, ctrl, w, out, k, n, last)
		} else {
			k, last = steim1Frame(fr, ctrl, w, out, k, n, last)
		}
		if q != nil {
			q.msg += fmt.Sprintf(" in frame %d", f)
			return k, last, xn, frames, q
		}
	}
	if k >= n {
		k = n // a word may hold more differences than samples are declared
		last = int32(out[n-1])
	}
	return k, last, xn, frames, nil
}

// sx extracts the signed field of width w whose lowest bit is at p.
func sx(v uint32, p, w uint) int32 { return int32(v<<(32-p-w)) >> (32 - w) }

// sx2first and sx3first return the first difference of a Steim-2 word
// with nibble 10 or 11 (0 for the undefined codes, which steim2Frame
// rejects).
func sx2first(v uint32) int32 {
	switch v >> 30 {
	case 1:
		return sx(v, 0, 30)
	case 2:
		return sx(v, 15, 15)
	case 3:
		return sx(v, 20, 10)
	}
	return 0
}

func sx3first(v uint32) int32 {
	switch v >> 30 {
	case 0:
		return sx(v, 24, 6)
	case 1:
		return sx(v, 25, 5)
	case 2:
		return sx(v, 24, 4)
	}
	return 0
}

// steim1Frame decodes words w..15 of a Steim-1 frame, continuing from
// sample k whose predecessor is last.
func steim1Frame(fr *[64]byte, ctrl uint32, w int, out []float64, k, n int, last int32) (int, int32) {
	for ; w < 16 && k < n; w++ {
		v := be32(fr[4*w : 4*w+4])
		o := out[k : k+7 : k+7]
		switch (ctrl >> (30 - 2*uint(w))) & 3 {
		case 1: // four 8-bit differences
			last += int32(v) >> 24
			o[0] = float64(last)
			last += sx(v, 16, 8)
			o[1] = float64(last)
			last += sx(v, 8, 8)
			o[2] = float64(last)
			last += sx(v, 0, 8)
			o[3] = float64(last)
			k += 4
		case 2: // two 16-bit differences
			last += int32(v) >> 16
			o[0] = float64(last)
			last += sx(v, 0, 16)
			o[1] = float64(last)
			k += 2
		case 3: // one 32-bit difference
			last += int32(v)
			o[0] = float64(last)
			k++
		}
	}
	return k, last
}

// steim2Frame decodes words w..15 of a Steim-2 frame like steim1Frame.
func steim2Frame(fr *[64]byte, ctrl uint32, w int, out []float64, k, n int, last int32) (int, int32, *problem) {
	for ; w < 16 && k < n; w++ {
		v := be32(fr[4*w : 4*w+4])
		o := out[k : k+7 : k+7]
		switch ((ctrl>>(30-2*uint(w)))&3)<<2 | v>>30 {
		case 4, 5, 6, 7: // nibble 01: four 8-bit differences
			last += int32(v) >> 24
			o[0] = float64(last)
			last += sx(v, 16, 8)
			o[1] = float64(last)
			last += sx(v, 8, 8)
			o[2] = float64(last)
			last += sx(v, 0, 8)
			o[3] = float64(last)
			k += 4
		case 9: // nibble 10, dnib 01: one 30-bit difference
			last += sx(v, 0, 30)
			o[0] = float64(last)
			k++
		case 10: // 10/10: two 15-bit differences
			last += sx(v, 15, 15)
			o[0] = float64(last)
			last += sx(v, 0, 15)
			o[1] = float64(last)
			k += 2
		case 11: // 10/11: three 10-bit differences
			last += sx(v, 20, 10)
			o[0] = float64(last)
			last += sx(v, 10, 10)
			o[1] = float64(last)
			last += sx(v, 0, 10)
			o[2] = float64(last)
			k += 3
		case 12: // 11/00: five 6-bit differences
			last += sx(v, 24, 6)
			o[0] = float64(last)
			last += sx(v, 18, 6)
			o[1] = float64(last)
			last += sx(v, 12, 6)
			o[2] = float64(last)
			last += sx(v, 6, 6)
			o[3] = float64(last)
			last += sx(v, 0, 6)
			o[4] = float64(last)
			k += 5
		case 13: // 11/01: six 5-bit differences
			last += sx(v, 25, 5)
			o[0] = float64(last)
			last += sx(v, 20, 5)
			o[1] = float64(last)
			last += sx(v, 15, 5)
			o[2] = float64(last)
			last += sx(v, 10, 5)
			o[3] = float64(last)
			last += sx(v, 5, 5)
			o[4] = float64(last)
			last += sx(v, 0, 5)
			o[5] = float64(last)
			k += 6
		case 14: // 11/10: seven 4-bit differences
			last += sx(v, 24, 4)
			o[0] = float64(last)
			last += sx(v, 20, 4)
			o[1] = float64(last)
			last += sx(v, 16, 4)
			o[2] = float64(last)
			last += sx(v, 12, 4)
			o[3] = float64(last)
			last += sx(v, 8, 4)
			o[4] = float64(last)
			last += sx(v, 4, 4)
			o[5] = float64(last)
			last += sx(v, 0, 4)
			o[6] = float64(last)
			k += 7
		case 8, 15:
			return k, last, fault("data", "impossible Steim-2 code (nibble %02b, dnib %02b) in word %d", (ctrl>>(30-2*uint(w)))&3, v>>30, w)
		}
	}
	return k, last, nil
}

// swapSteim converts little-endian Steim frames, which libmseed accepts when
// blockette 1000 says so, into the big-endian layout in a scratch buffer.
// libmseed swaps the control word, X0, Xn, the 16-bit halves of Steim-1
// 2x16 words and whole words otherwise, but reads 8-bit differences in file
// order, so those words are copied as they are.
func (d *decoder) swapSteim(in []byte, s2 bool) []byte {
	if cap(d.scratch) < len(in) {
		d.scratch = make([]byte, len(in))
	}
	out := d.scratch[:len(in)]
	swap4 := func(o, i []byte) { o[0], o[1], o[2], o[3] = i[3], i[2], i[1], i[0] }
	for f := 0; f+64 <= len(in); f += 64 {
		fi, fo := in[f:f+64], out[f:f+64]
		ctrl := le32(fi)
		swap4(fo, fi)
		for w := 1; w < 16; w++ {
			i, o := fi[4*w:4*w+4], fo[4*w:4*w+4]
			nib := (ctrl >> (30 - 2*uint(w))) & 3
			switch {
			case f == 0 && w < 3, nib == 3, nib == 2 && s2:
				swap4(o, i)
			case nib == 2:
				o[0], o[1], o[2], o[3] = i[1], i[0], i[3], i[2]
			default:
				copy(o, i)
			}
		}
	}
	return out
}
