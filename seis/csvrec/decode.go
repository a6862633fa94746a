// Package csvrec reads and writes sensor records as CSV (RFC 4180): a header
// row naming each column, then one row per sample time.
//
// What Decode accepts:
//
//   - Delimiter: comma; a header row with no comma but a semicolon or a tab
//     makes that the delimiter. Fields may be quoted as RFC 4180 allows.
//     Decimal commas are not accepted.
//   - Comment lines start with '#'. A comment "# units: m/s**2" before the
//     header sets the units of every channel; other comments are ignored.
//     Blank lines are ignored. A UTF-8 byte-order mark is skipped.
//   - Header: one column per channel, named by its source id, NET.STA.LOC.CHA
//     or FDSN:NET_STA_LOC_B_S_SS (seis.ParseSourceID); ids must be unique.
//     An optional column named "time" (any case) gives sample times.
//   - Time column: either RFC 3339 / ISO 8601 timestamps with any fractional
//     seconds ("2024-05-01T12:00:00.005Z"; a space instead of 'T' is
//     accepted, and a timestamp without zone is taken as UTC), or seconds as
//     decimal numbers relative to Options.Start (the Unix epoch if zero).
//     The first data row decides which. Sampling must be uniform: every
//     interval within 1 % of the median interval, else an error names the
//     line (a gap, a repeated or backward time, or irregular timing). The
//     rate is (rows−1)/(last−first), given as the shortest decimal the
//     timestamps' resolution cannot tell apart from it (so 200 Hz written
//     with millisecond timestamps is exactly 200).
//   - Without a time column, Options.SampleRate is required and the first row
//     is at Options.Start (the Unix epoch if zero). With a time column, a
//     given SampleRate must agree with it within 1 %, and the rate measured
//     from the times is the one used.
//   - Values: decimal or exponent floats as strconv.ParseFloat reads them.
//     NaN and ±Inf literals ("NaN", "Inf", "-Inf", "Infinity", any case) are
//     accepted as values, and an empty field is NaN (pandas writes missing
//     values so); flagging them is QC's job, not the reader's. A value beyond
//     the float64 range reads as ±Inf.
//
// Every problem is one *seis.FormatError naming the file, line and column.
// Decode does no I/O and never panics.
package csvrec

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/struna/struna/seis"
)

// Options supply what the file may not say.
type Options struct {
	// SampleRate in Hz: required when there is no time column; checked
	// against the time column when there is one.
	SampleRate float64
	// Start is the time of the first row without a time column, and the
	// origin of relative-seconds times. Zero means the Unix epoch.
	Start time.Time
}

// tolerance is how far any sampling interval may stray from the nominal one.
const tolerance = 0.01

type decoder struct {
	name string
}

func (d *decoder) errf(line int, field, format string, args ...any) *seis.FormatError {
	return &seis.FormatError{File: d.name, Offset: -1, Record: -1, Line: line, Field: field, Msg: fmt.Sprintf(format, args...)}
}

// Decode reads a CSV file into one trace per channel column, in column order.
func Decode(data []byte, name string, opts Options) ([]seis.Trace, error) {
	d := &decoder{name: name}
	if opts.SampleRate < 0 || math.IsNaN(opts.SampleRate) || math.IsInf(opts.SampleRate, 0) {
		return nil, d.errf(0, "", "sample rate option %g Hz is not a positive number", opts.SampleRate)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	units, headerLine, header := preamble(data)
	if header == nil {
		return nil, d.errf(0, "", "empty file: no header row of channel ids")
	}

	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = delimiter(header)
	r.Comment = '#'
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	var cols []string
	for {
		rec, err := r.Read()
		if err != nil {
			return nil, d.csvErr(err, headerLine)
		}
		if len(rec) > 1 || strings.TrimSpace(rec[0]) != "" {
			cols = slices.Clone(rec)
			headerLine, _ = r.FieldPos(0)
			break
		}
	}
	timeCol := -1
	var ids []seis.SourceID
	var names []string
	var chanCols []int
	seen := map[seis.SourceID]string{}
	for i, c := range cols {
		c = strings.TrimSpace(c)
		if strings.EqualFold(c, "time") {
			if timeCol >= 0 {
				return nil, d.errf(headerLine, c, "two time columns (%d and %d)", timeCol+1, i+1)
			}
			timeCol = i
			continue
		}
		if c == "" {
			return nil, d.errf(headerLine, fmt.Sprintf("column %d", i+1), "empty column name: want a channel id or \"time\"")
		}
		id, err := seis.ParseSourceID(c)
		if err != nil {
			return nil, d.errf(headerLine, c, "%v (a time column must be named \"time\")", err)
		}
		if prev, dup := seen[id]; dup {
			return nil, d.errf(headerLine, c, "duplicate channel: columns %q and %q are both %s", prev, c, id)
		}
		seen[id] = c
		ids = append(ids, id)
		names = append(names, c)
		chanCols = append(chanCols, i)
	}
	if len(ids) == 0 {
		return nil, d.errf(headerLine, "", "no channel columns: the header needs at least one channel id")
	}
	ncols := len(cols)

	// Every data row takes at least one byte per column, which bounds the
	// preallocation whatever the line count says.
	rowsHint := min(bytes.Count(data, []byte("\n"))+1, len(data)/ncols+1)
	vals := make([][]float64, len(ids))
	for i := range vals {
		vals[i] = make([]float64, 0, rowsHint)
	}
	tc := timeColumn{d: d, origin: opts.Start}
	if tc.origin.IsZero() {
		tc.origin = time.Unix(0, 0)
	}
	tc.origin = tc.origin.UTC()
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, d.csvErr(err, 0)
		}
		line, _ := r.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a line of blanks, like the empty lines encoding/csv skips
		}
		if len(rec) != ncols {
			return nil, d.errf(line, "", "%d fields, but the header has %d", len(rec), ncols)
		}
		for k, c := range chanCols {
			s := strings.TrimSpace(rec[c])
			if s == "" {
				vals[k] = append(vals[k], math.NaN())
				continue
			}
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				if !errors.Is(err, strconv.ErrRange) {
					return nil, d.errf(line, names[k], "%q is not a number", s)
				}
				// Out of float64 range: ParseFloat returns ±Inf or 0, the nearest value.
			}
			vals[k] = append(vals[k], v)
		}
		if timeCol >= 0 {
			if err := tc.add(strings.TrimSpace(rec[timeCol]), line); err != nil {
				return nil, err
			}
		}
	}
	n := len(vals[0])
	if n == 0 {
		return nil, d.errf(headerLine, "", "header only: no data rows")
	}

	var rate float64
	var start time.Time
	var err error
	if timeCol >= 0 {
		rate, start, err = tc.timeBase(opts.SampleRate)
		if err != nil {
			return nil, err
		}
	} else {
		if opts.SampleRate == 0 {
			return nil, d.errf(headerLine, "time", "no time column and no sample rate given: add a \"time\" column or give the sample rate")
		}
		rate, start = opts.SampleRate, tc.origin
	}
	out := make([]seis.Trace, len(ids))
	for i, id := range ids {
		out[i] = seis.Trace{ID: id, SampleRate: rate, Start: start, Samples: slices.Clip(vals[i]), Units: units}
	}
	return out, nil
}

// csvErr turns an encoding/csv error into a FormatError with its line.
func (d *decoder) csvErr(err error, line int) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return d.errf(pe.Line, "", "%v", pe.Err)
	}
	if err == io.EOF {
		return d.errf(line, "", "empty file: no header row of channel ids")
	}
	return d.errf(line, "", "%v", err)
}

// preamble scans the comment lines before the header for "# units: ...",
// and returns the header line's number and text (nil if there is none).
func preamble(data []byte) (units string, lineNo int, header []byte) {
	rest := data
	for len(rest) > 0 {
		lineNo++
		var line []byte
		line, rest, _ = bytes.Cut(rest, []byte("\n"))
		line = bytes.TrimRight(line, "\r")
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if c, ok := bytes.CutPrefix(line, []byte("#")); ok {
			k, v, found := strings.Cut(string(c), ":")
			if found && strings.EqualFold(strings.TrimSpace(k), "units") {
				units = strings.TrimSpace(v)
			}
			continue
		}
		return units, lineNo, line
	}
	return units, lineNo, nil
}

// delimiter picks the header's delimiter: comma, else semicolon, else tab.
func delimiter(header []byte) rune {
	for _, c := range []byte{',', ';', '\t'} {
		if bytes.IndexByte(header, c) >= 0 {
			return rune(c)
		}
	}
	return ','
}

// timeColumn collects sample times as nanoseconds from an origin.
type timeColumn struct {
	d        *decoder
	origin   time.Time // for relative seconds
	relative bool
	t        []int64 // ns since the Unix epoch (absolute) or since origin (relative)
	lines    []int
	quantum  int64 // finest resolution seen in the text, ns
	first    string
}

func (tc *timeColumn) add(s string, line int) error {
	if len(tc.t) == 0 {
		_, err := strconv.ParseFloat(s, 64)
		tc.relative = err == nil
		tc.quantum = 1e9
		tc.first = s
	}
	var ns int64
	if tc.relative {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 9e9 {
			return tc.d.errf(line, "time", "%q is not a time in seconds (the first row, %q, set the column to relative seconds)", s, tc.first)
		}
		ns = int64(math.Round(v * 1e9))
		tc.quantum = min(tc.quantum, secondsQuantum(s))
	} else {
		t, err := parseTimestamp(s)
		if err != nil {
			if len(tc.t) == 0 {
				return tc.d.errf(line, "time", "%q is neither an RFC 3339 timestamp nor seconds", s)
			}
			return tc.d.errf(line, "time", "%q is not an RFC 3339 timestamp (the first row, %q, is one)", s, tc.first)
		}
		if t.Year() < 1678 || t.Year() > 2261 {
			return tc.d.errf(line, "time", "%q is outside the years 1678–2261 that nanosecond times can hold", s)
		}
		ns = t.UnixNano()
		tc.quantum = min(tc.quantum, timestampQuantum(s))
	}
	tc.t = append(tc.t, ns)
	tc.lines = append(tc.lines, line)
	return nil
}

// parseTimestamp reads RFC 3339 with optional fractional seconds; a blank
// between date and time, or no zone (UTC), are accepted.
func parseTimestamp(s string) (time.Time, error) {
	if len(s) > 10 && s[10] == ' ' {
		s = s[:10] + "T" + s[11:]
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		var err2 error
		if t, err2 = time.ParseInLocation("2006-01-02T15:04:05", s, time.UTC); err2 != nil {
			return time.Time{}, err
		}
	}
	return t.UTC(), nil
}

// timestampQuantum is the resolution of a timestamp's text in ns: 1 ms for
// "...:05.005Z".
func timestampQuantum(s string) int64 {
	dot := strings.IndexByte(s, '.')
	if dot < 0 {
		return 1e9
	}
	n := 0
	for _, c := range s[dot+1:] {
		if c < '0' || c > '9' {
			break
		}
		n++
	}
	return pow10ns(9 - n)
}

// secondsQuantum is the resolution of a decimal number of seconds in ns.
func secondsQuantum(s string) int64 {
	mant, exp, _ := strings.Cut(strings.ToLower(s), "e")
	e, _ := strconv.Atoi(exp)
	frac := 0
	if _, f, ok := strings.Cut(mant, "."); ok {
		frac = len(f)
	}
	return pow10ns(9 - frac + e)
}

func pow10ns(k int) int64 {
	if k <= 0 {
		return 1
	}
	q := int64(1)
	for range min(k, 18) {
		q *= 10
	}
	return q
}

// timeBase checks that the times are uniform and returns rate and start.
func (tc *timeColumn) timeBase(optRate float64) (float64, time.Time, error) {
	d, t := tc.d, tc.t
	var start time.Time
	if tc.relative {
		start = tc.origin.Add(time.Duration(t[0]))
	} else {
		start = time.Unix(0, t[0]).UTC()
	}
	if len(t) == 1 {
		if optRate == 0 {
			return 0, start, d.errf(tc.lines[0], "time", "a single row cannot give a sample rate: give the sample rate")
		}
		return optRate, start, nil
	}
	iv := make([]int64, len(t)-1)
	for i := 1; i < len(t); i++ {
		iv[i-1] = t[i] - t[i-1]
		if iv[i-1] <= 0 {
			return 0, start, d.errf(tc.lines[i], "time", "time does not increase: %s after %s on line %d",
				tc.show(t[i]), tc.show(t[i-1]), tc.lines[i-1])
		}
	}
	sorted := slices.Clone(iv)
	slices.Sort(sorted)
	period := float64(sorted[len(sorted)/2])
	if len(sorted)%2 == 0 {
		period = (float64(sorted[len(sorted)/2-1]) + period) / 2
	}
	if optRate > 0 {
		want := 1e9 / optRate
		if math.Abs(period-want) > tolerance*want {
			return 0, start, d.errf(tc.lines[0], "time", "time column spacing %s s disagrees with the given sample rate %g Hz (period %s s) by more than 1 %%",
				secs(period), optRate, secs(want))
		}
	}
	for i, v := range iv {
		dev := float64(v) - period
		if math.Abs(dev) <= tolerance*period {
			continue
		}
		kind := "irregular sampling"
		if dev > 0.5*period {
			kind = fmt.Sprintf("gap of about %d missing samples", int(math.Round(float64(v)/period))-1)
		}
		return 0, start, d.errf(tc.lines[i+1], "time", "%s: %s follows %s (interval %s s, the median interval is %s s, allowed ± 1 %%)",
			kind, tc.show(t[i+1]), tc.show(t[i]), secs(float64(v)), secs(period))
	}
	span := float64(t[len(t)-1] - t[0])
	rate := float64(len(t)-1) * 1e9 / span
	// The end points are each uncertain by the text's resolution.
	return shortestWithin(rate, rate*float64(tc.quantum)/span), start, nil
}

func (tc *timeColumn) show(ns int64) string {
	if tc.relative {
		return secs(float64(ns)) + " s"
	}
	return time.Unix(0, ns).UTC().Format(time.RFC3339Nano)
}

func secs(ns float64) string { return strconv.FormatFloat(ns/1e9, 'g', 9, 64) }

// shortestWithin returns the decimal with the fewest significant digits
// within tol of x.
func shortestWithin(x, tol float64) float64 {
	for n := 1; n <= 17; n++ {
		v, err := strconv.ParseFloat(strconv.FormatFloat(x, 'g', n, 64), 64)
		if err == nil && math.Abs(v-x) <= tol {
			return v
		}
	}
	return x
}
