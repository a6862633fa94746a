package dsp

import (
	"errors"
	"fmt"
	"math"
)

// Sentinel errors; the errors returned wrap one of them with the details
// (which channel, which sample, which value), so callers can test with
// errors.Is and still show a useful message.
var (
	// ErrNotFinite: an input sample is NaN or ±Inf.
	ErrNotFinite = errors.New("sample is not finite")
	// ErrLength: channels of unequal length, or too few samples for the
	// requested operation.
	ErrLength = errors.New("bad length")
	// ErrParam: an argument (order, frequency, factor, option) is out of range.
	ErrParam = errors.New("bad parameter")
)

// checkFinite returns an error naming the channel and sample of the first
// NaN or infinity in x.
func checkFinite(op string, ch int, x []float64) error {
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			if ch < 0 {
				return fmt.Errorf("dsp: %s: sample %d is %v: %w", op, i, v, ErrNotFinite)
			}
			return fmt.Errorf("dsp: %s: channel %d sample %d is %v: %w", op, ch, i, v, ErrNotFinite)
		}
	}
	return nil
}

// checkChannels verifies that x has at least one channel, that all channels
// have the same non-zero length, and that every sample is finite. It returns
// the common length.
func checkChannels(op string, x [][]float64) (int, error) {
	if len(x) == 0 {
		return 0, fmt.Errorf("dsp: %s: no channels: %w", op, ErrLength)
	}
	n := len(x[0])
	for c, xc := range x {
		if len(xc) != n {
			return 0, fmt.Errorf("dsp: %s: channel %d has %d samples, channel 0 has %d: %w", op, c, len(xc), n, ErrLength)
		}
	}
	if n == 0 {
		return 0, fmt.Errorf("dsp: %s: channels are empty: %w", op, ErrLength)
	}
	for c, xc := range x {
		if err := checkFinite(op, c, xc); err != nil {
			return 0, err
		}
	}
	return n, nil
}

func paramErr(op, format string, args ...any) error {
	return fmt.Errorf("dsp: %s: %s: %w", op, fmt.Sprintf(format, args...), ErrParam)
}
