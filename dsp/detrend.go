package dsp

// Demean subtracts the arithmetic mean from x in place.
func Demean(x []float64) {
	if len(x) == 0 {
		return
	}
	var s float64
	for _, v := range x {
		s += v
	}
	m := s / float64(len(x))
	for i := range x {
		x[i] -= m
	}
}

// Detrend subtracts the least-squares straight line from x in place
// (scipy.signal.detrend(type='linear')). The abscissa is centred on the
// middle sample, which makes the normal equations diagonal: the intercept is
// the mean and the slope is Σ t·x / Σ t², so a pure line is removed to
// rounding error. Fewer than two samples are only demeaned.
func Detrend(x []float64) {
	n := len(x)
	if n < 2 {
		Demean(x)
		return
	}
	c := float64(n-1) / 2
	var s, st float64
	for i, v := range x {
		s += v
		st += (float64(i) - c) * v
	}
	mean := s / float64(n)
	// Σ (i−c)² for i = 0..n−1 is n(n²−1)/12.
	fn := float64(n)
	slope := st / (fn * (fn*fn - 1) / 12)
	for i := range x {
		x[i] -= mean + slope*(float64(i)-c)
	}
}
