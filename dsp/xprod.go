package dsp

// batch holds the Fourier coefficients of up to cap segments of n channels.
// Layout: for channel c and line k, the real parts of the segments are at
// v[(c·nf + k)·2·cap : +cap] and the imaginary parts follow them. Storing a
// channel's lines one after the other keeps put's writes a constant stride
// apart (which the hardware prefetcher follows), and for one line and one
// channel pair the cross product runs over two short dense vectors.
// Accumulating a batch of segments at once divides the traffic to the
// (large) accumulator by the batch size, which is what makes the all-pairs
// cross spectrum fast.
type batch struct {
	n, nf, cap int
	fill       int // segments stored so far
	v          []float64
}

func newBatch(n, nf, capacity int) *batch {
	return &batch{n: n, nf: nf, cap: capacity, v: make([]float64, n*nf*2*capacity)}
}

// put stores the coefficients of channel c for the current segment.
func (b *batch) put(c int, coef []complex128) {
	stride := 2 * b.cap
	v := b.v[c*b.nf*stride : (c+1)*b.nf*stride]
	o := b.fill
	for _, x := range coef {
		v[o] = real(x)
		v[o+b.cap] = imag(x)
		o += stride
	}
}

// crossAccumulate adds Σ_s conj(P_i(k,s))·Q_j(k,s) over the stored segments
// to acc (re and im, laid out [k][i][j] with n×n per line). With upper set,
// P and Q are the same batch and only j ≥ i is computed (the rest follows by
// Hermitian symmetry).
func crossAccumulate(accRe, accIm []float64, p, q *batch, upper bool) {
	n, capacity, ns, nf := p.n, p.cap, p.fill, p.nf
	if ns == 0 {
		return
	}
	nn := n * n
	stride := 2 * capacity
	chanLen := nf * stride
	for k := range nf {
		ar := accRe[k*nn : k*nn+nn]
		ai := accIm[k*nn : k*nn+nn]
		for i := range n {
			o := i*chanLen + k*stride
			pr := p.v[o : o+ns]
			pi := p.v[o+capacity : o+capacity+ns]
			j0 := 0
			if upper {
				j0 = i
			}
			for j := j0; j < n; j++ {
				o := j*chanLen + k*stride
				qr := q.v[o : o+len(pr)]
				qi := q.v[o+capacity : o+capacity+len(pr)]
				var sr, si float64
				for s, a := range pr {
					b := pi[s]
					c, d := qr[s], qi[s]
					// (a − ib)(c + id) = ac + bd + i(ad − bc)
					sr += a*c + b*d
					si += a*d - b*c
				}
				ar[i*n+j] += sr
				ai[i*n+j] += si
			}
		}
	}
	p.fill = 0
	if q != p {
		q.fill = 0
	}
}
