package modal

import "math/cmplx"

// MAC is the modal assurance criterion of two (complex) shape vectors,
// |aᴴb|² / ((aᴴa)(bᴴb)) (Allemang & Brown, 1982): 1 for parallel shapes,
// 0 for orthogonal ones. Vectors of different length or zero norm give 0.
func MAC(a, b []complex128) float64 {
	if len(a) != len(b) || len(a) == 0 {
		return 0
	}
	var ab complex128
	var aa, bb float64
	for i := range a {
		ab += cmplx.Conj(a[i]) * b[i]
		aa += real(a[i])*real(a[i]) + imag(a[i])*imag(a[i])
		bb += real(b[i])*real(b[i]) + imag(b[i])*imag(b[i])
	}
	if aa == 0 || bb == 0 {
		return 0
	}
	m := real(ab)*real(ab) + imag(ab)*imag(ab)
	return m / (aa * bb)
}

// RealMAC is MAC of real vectors.
func RealMAC(a, b []float64) float64 {
	if len(a) != len(b) || len(a) == 0 {
		return 0
	}
	var ab, aa, bb float64
	for i := range a {
		ab += a[i] * b[i]
		aa += a[i] * a[i]
		bb += b[i] * b[i]
	}
	if aa == 0 || bb == 0 {
		return 0
	}
	return ab * ab / (aa * bb)
}
