package sac

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/struna/struna/seis"
)

// Trace returns the file as a seis.Trace. Only evenly sampled time series
// (IFTYPE ITIME, or undefined as SAC's own default; LEVEN not false) have
// one: spectral, x-y and unevenly spaced files are an error that says why.
//
//   - ID is KNETWK.KSTNM.KHOLE.KCMPNM, undefined fields ("-12345") empty.
//   - SampleRate is 1/DELTA, with DELTA read as the shortest decimal (or the
//     rate as the shortest decimal, whichever is shorter) within one float32
//     step of the stored value: 0.01 gives 100 Hz exactly, 0.0400000028 (one
//     step above float32(0.04)) gives 25 Hz. ObsPy rounds DELTA to
//     microseconds for the same reason (obspy#3408, #3446).
//   - Start is the reference time NZYEAR/NZJDAY/NZHOUR/NZMIN/NZSEC/NZMSEC
//     plus B, whatever IZTYPE says (as ObsPy does, obspy#107); B is taken
//     as the shortest decimal of its float32 value, to the nanosecond, so a
//     sub-millisecond offset written from a decimal value is exact. A
//     reference time with every field undefined is the Unix epoch, as in
//     ObsPy; a partly defined or impossible one is an error. Undefined B is
//     0. Two-digit years 0–99 mean 1900–1999, as ObsPy reads them.
//   - Units follow IDEP as the SAC manual defines them: IDISP "nm", IVEL
//     "nm/s", IACC "nm/s**2", IVOLTS "V"; otherwise "" (unknown). Samples
//     are the stored values: SCALE is not applied.
func (f *File) Trace() (seis.Trace, error) {
	h := &f.Header
	switch h.IFTYPE {
	case ITime, IUndef:
	case IRlim, IAmph:
		return seis.Trace{}, f.fieldErr(offIFTYPE, "IFTYPE", "spectral file (IFTYPE %s), not a time series", enumName(h.IFTYPE))
	case IXY:
		return seis.Trace{}, f.fieldErr(offIFTYPE, "IFTYPE", "general x-y data (IFTYPE IXY), not a time series")
	case IXYZ:
		return seis.Trace{}, f.fieldErr(offIFTYPE, "IFTYPE", "3-D x-y-z data (IFTYPE IXYZ), not a time series")
	default:
		return seis.Trace{}, f.fieldErr(offIFTYPE, "IFTYPE", "unknown file type %d, not a time series", h.IFTYPE)
	}
	if h.LEVEN == 0 {
		return seis.Trace{}, f.fieldErr(offLEVEN, "LEVEN", "unevenly spaced samples (LEVEN false): no single sample rate")
	}
	d := h.DELTA
	if !(d > 0) || math.IsInf(float64(d), 0) {
		return seis.Trace{}, f.fieldErr(offDELTA, "DELTA", "sample interval %g s is not a positive number", d)
	}
	ref, err := f.referenceTime()
	if err != nil {
		return seis.Trace{}, err
	}
	var b time.Duration
	if h.B != FUndef {
		if math.IsNaN(float64(h.B)) || math.Abs(float64(h.B)) > 1e9 {
			return seis.Trace{}, f.fieldErr(offB, "B", "begin time %g s is not a usable offset", h.B)
		}
		b = secondsToDuration(h.B)
	}
	samples := make([]float64, len(f.Data))
	for i, v := range f.Data {
		samples[i] = float64(v)
	}
	return seis.Trace{
		ID: seis.SourceID{
			Network:  defined(h.KNETWK),
			Station:  defined(h.KSTNM),
			Location: defined(h.KHOLE),
			Channel:  defined(h.KCMPNM),
		},
		SampleRate: RateFromDelta(d),
		Start:      ref.Add(b),
		Samples:    samples,
		Units:      unitsOf(h.IDEP),
	}, nil
}

// fieldErr names a header field: its byte offset in a binary file, its
// line in an alphanumeric one.
func (f *File) fieldErr(off int64, field, format string, args ...any) error {
	e := seis.Errorf(f.name, -1, off, field, format, args...)
	if f.Format == Alpha {
		e.Offset = -1
		w := int(off / 4)
		switch {
		case w < 70:
			e.Line = 1 + w/5
		case w < 110:
			e.Line = 15 + (w-70)/5
		}
	}
	return e
}

// referenceTime builds the SAC reference time from the NZ* fields.
func (f *File) referenceTime() (time.Time, error) {
	h := &f.Header
	nz := []int32{h.NZYEAR, h.NZJDAY, h.NZHOUR, h.NZMIN, h.NZSEC, h.NZMSEC}
	undef := 0
	for _, v := range nz {
		if v == IUndef {
			undef++
		}
	}
	if undef == len(nz) {
		return time.Unix(0, 0).UTC(), nil
	}
	names := []string{"NZYEAR", "NZJDAY", "NZHOUR", "NZMIN", "NZSEC", "NZMSEC"}
	year := int(h.NZYEAR)
	if year >= 0 && year <= 99 {
		year += 1900
	}
	days := 365
	if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
		days = 366
	}
	limits := [][2]int{{0, 9999}, {1, days}, {0, 23}, {0, 59}, {0, 60}, {0, 999}}
	vals := []int{year, int(h.NZJDAY), int(h.NZHOUR), int(h.NZMIN), int(h.NZSEC), int(h.NZMSEC)}
	for i, v := range vals {
		if nz[i] == IUndef {
			return time.Time{}, f.fieldErr(int64(offNZYEAR+4*i), names[i],
				"reference time partly undefined (%s is -12345 but other NZ fields are set)", names[i])
		}
		if v < limits[i][0] || v > limits[i][1] {
			return time.Time{}, f.fieldErr(int64(offNZYEAR+4*i), names[i],
				"reference time field %d outside %d..%d", nz[i], limits[i][0], limits[i][1])
		}
	}
	t := time.Date(year, 1, 1, vals[2], vals[3], vals[4], vals[5]*1e6, time.UTC)
	return t.AddDate(0, 0, vals[1]-1), nil
}

// secondsToDuration converts a float32 number of seconds through its
// shortest decimal form, so that 9.46 is 9.46 s and not 9.4599990845 s.
func secondsToDuration(s float32) time.Duration {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(float64(s), 'g', -1, 32), 64)
	return time.Duration(math.Round(v * 1e9))
}

// RateFromDelta returns the sample rate of a float32 sample interval. The
// stored interval stands for every value within a float32 step of it (a
// writer rounding 1/rate to float32 may land one step away), so the rate
// is taken from the candidate with the fewest significant digits: the
// shortest decimal interval in that range, or the shortest decimal rate
// whose interval is in it, the interval winning ties. A value with no short
// form keeps the exact 1/DELTA.
func RateFromDelta(delta float32) float64 {
	d := float64(delta)
	if !(d > 0) || math.IsInf(d, 0) {
		return 0
	}
	step := float64(math.Nextafter32(delta, float32(math.Inf(1)))) - d
	dv, dn := shortestWithin(d, step)
	rv, rn := shortestWithin(1/d, step/(d*d))
	if rn < dn {
		return rv
	}
	return 1 / dv
}

// shortestWithin returns the decimal with the fewest significant digits
// within tol of x, and that count.
func shortestWithin(x, tol float64) (float64, int) {
	for n := 1; n <= 17; n++ {
		v, err := strconv.ParseFloat(strconv.FormatFloat(x, 'g', n, 64), 64)
		if err == nil && math.Abs(v-x) <= tol {
			return v, n
		}
	}
	return x, 17
}

func unitsOf(idep int32) string {
	switch idep {
	case IDisp:
		return "nm"
	case IVel:
		return "nm/s"
	case IAcc:
		return "nm/s**2"
	case IVolts:
		return "V"
	}
	return ""
}

func idepOf(units string) int32 {
	switch units {
	case "nm":
		return IDisp
	case "nm/s":
		return IVel
	case "nm/s**2":
		return IAcc
	case "V":
		return IVolts
	case "":
		return IUndef
	}
	return IUnkn
}

func enumName(v int32) string {
	switch v {
	case IRlim:
		return "IRLIM"
	case IAmph:
		return "IAMPH"
	}
	return fmt.Sprint(v)
}
