package csvrec

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/struna/struna/seis"
)

// EncodeOptions controls Encode.
type EncodeOptions struct {
	// Delimiter is ',' (the default), ';' or '\t'.
	Delimiter rune
}

// timeLayout is RFC 3339 with all nine fractional digits, so every row has
// the same width and the times are exact to the nanosecond.
const timeLayout = "2006-01-02T15:04:05.000000000Z07:00"

// Encode writes traces that share sample rate, start and length as one CSV:
// a "# units: ..." comment when they have units (all the same), a header of
// "time" and the channel ids (NET.STA.LOC.CHA), then one row per sample with
// its RFC 3339 time (nanoseconds, UTC) and the values in Go's shortest
// round-trip form (strconv 'g', -1), so Decode gives back every float64 bit
// for bit, NaN and ±Inf included. The rate comes back exactly when it has a
// short decimal form; a single row carries no rate, and Decode then needs
// it as an option.
func Encode(w io.Writer, traces []seis.Trace, opts EncodeOptions) error {
	if len(traces) == 0 {
		return errors.New("csvrec: no traces to write")
	}
	delim := opts.Delimiter
	switch delim {
	case 0:
		delim = ','
	case ',', ';', '\t':
	default:
		return fmt.Errorf("csvrec: delimiter %q: want ',', ';' or tab", delim)
	}
	first := &traces[0]
	if !(first.SampleRate > 0) {
		return fmt.Errorf("csvrec: %s: sample rate %g Hz: CSV rows need a positive rate", first.ID, first.SampleRate)
	}
	seen := map[seis.SourceID]bool{}
	for i := range traces {
		tr := &traces[i]
		switch {
		case tr.SampleRate != first.SampleRate:
			return fmt.Errorf("csvrec: %s: sample rate %g Hz differs from %s's %g Hz; one CSV holds channels sampled together", tr.ID, tr.SampleRate, first.ID, first.SampleRate)
		case !tr.Start.Equal(first.Start):
			return fmt.Errorf("csvrec: %s: start %s differs from %s's %s", tr.ID, tr.Start.UTC().Format(timeLayout), first.ID, first.Start.UTC().Format(timeLayout))
		case len(tr.Samples) != len(first.Samples):
			return fmt.Errorf("csvrec: %s: %d samples, %s has %d", tr.ID, len(tr.Samples), first.ID, len(first.Samples))
		case tr.Units != first.Units:
			return fmt.Errorf("csvrec: %s: units %q differ from %s's %q; the file has one units line", tr.ID, tr.Units, first.ID, first.Units)
		case seen[tr.ID]:
			return fmt.Errorf("csvrec: %s appears twice", tr.ID)
		}
		seen[tr.ID] = true
		if back, err := seis.ParseSourceID(tr.ID.String()); err != nil || back != tr.ID {
			return fmt.Errorf("csvrec: %s: id does not survive as NET.STA.LOC.CHA text (empty station or channel, or a '.' in a code)", tr.ID)
		}
		if strings.ContainsAny(tr.ID.String(), ",;\t\"\r\n ") {
			return fmt.Errorf("csvrec: %s: id holds a delimiter, quote, blank or line break", tr.ID)
		}
	}
	if strings.ContainsAny(first.Units, "\r\n") {
		return fmt.Errorf("csvrec: units %q hold a line break", first.Units)
	}

	bw := bufio.NewWriterSize(w, 1<<16)
	if first.Units != "" {
		fmt.Fprintf(bw, "# units: %s\n", first.Units)
	}
	bw.WriteString("time")
	for i := range traces {
		bw.WriteRune(delim)
		bw.WriteString(traces[i].ID.String())
	}
	bw.WriteByte('\n')
	var row []byte
	for j := range first.Samples {
		row = first.TimeAt(j).UTC().AppendFormat(row[:0], timeLayout)
		for i := range traces {
			row = append(row, byte(delim))
			row = strconv.AppendFloat(row, traces[i].Samples[j], 'g', -1, 64)
		}
		row = append(row, '\n')
		if _, err := bw.Write(row); err != nil {
			return err
		}
	}
	return bw.Flush()
}
