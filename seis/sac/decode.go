package sac

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/struna/struna/seis"
)

// Format is the encoding a File was read from.
type Format int

// Encodings of a SAC file.
const (
	LittleEndian Format = iota + 1 // binary, least significant byte first
	BigEndian                      // binary, most significant byte first
	Alpha                          // SAC alphanumeric (text)
)

func (f Format) String() string {
	switch f {
	case LittleEndian:
		return "binary little-endian"
	case BigEndian:
		return "binary big-endian"
	case Alpha:
		return "alphanumeric"
	}
	return "unknown"
}

// footerLen is the size of the NVHDR = 7 footer: 22 double-precision copies
// of time and position header variables (SAC v102.0 file format).
const footerLen = 22 * 8

// File is a decoded SAC file: its header, and its data sections.
type File struct {
	Header
	Format Format
	// Data is the first data section: the dependent variable, or the
	// amplitude / real part of a spectral file.
	Data []float32
	// Data2 is the second data section when the file has one: the
	// independent variable of unevenly spaced data, or the phase /
	// imaginary part of a spectral file. Nil otherwise.
	Data2 []float32

	name string // the caller's name for the file, for errors
}

// Decode reads a SAC file of either byte order or the alphanumeric form.
//
// A binary file is recognised, as SAC and ObsPy do, by its header version
// NVHDR (word 76, byte 304) reading 6 in one byte order; 7 (the SAC v102
// footer of 22 doubles after the data) is accepted too, and the footer's
// extra precision is not used. The file size must be exactly what the header
// implies: 632 + 4·NPTS bytes, twice the data for files with two data
// sections (spectral, or LEVEN false), plus the footer for version 7. A
// shorter file has lost data; a longer one means NPTS or the file is wrong,
// and guessing which would silently drop or invent samples, so both are
// errors (ObsPy's default, fsize=True, rejects both as well).
//
// Anything else is tried as SAC alphanumeric: 14 lines of 5 floats, 8 lines
// of 5 integers, 8 lines of character fields in 8-byte columns (KEVNM 16),
// then the data, whitespace-separated, exactly NPTS values per section.
//
// Input that is neither (a pole-zero or RESP file, say) is one error saying
// so. Decode never panics and returns no partial data.
func Decode(data []byte, name string) (*File, error) {
	if len(data) == 0 {
		return nil, &seis.FormatError{File: name, Offset: -1, Record: -1, Msg: "empty file, not SAC"}
	}
	if len(data) >= headerLen {
		le := int32(binary.LittleEndian.Uint32(data[offNVHDR:]))
		be := int32(binary.BigEndian.Uint32(data[offNVHDR:]))
		switch {
		case le == 6 || le == 7:
			return decodeBinary(data, name, binary.LittleEndian, LittleEndian)
		case be == 6 || be == 7:
			return decodeBinary(data, name, binary.BigEndian, BigEndian)
		}
	}
	if looksAlpha(data) {
		return decodeAlpha(data, name)
	}
	msg := "not a SAC file: "
	if len(data) < headerLen {
		msg += fmt.Sprintf("%d bytes is shorter than the 632-byte binary header", len(data))
	} else {
		msg += fmt.Sprintf("header version NVHDR (word 76, byte 304) reads %d little-endian and %d big-endian, want 6 or 7",
			int32(binary.LittleEndian.Uint32(data[offNVHDR:])), int32(binary.BigEndian.Uint32(data[offNVHDR:])))
	}
	msg += ", and the text does not start like SAC alphanumeric (five numbers on line 1)"
	return nil, &seis.FormatError{File: name, Offset: -1, Record: -1, Msg: msg}
}

// components returns how many data sections the header implies, and why
// two.
func (h *Header) components() (int, string) {
	switch {
	case h.IFTYPE == IRlim:
		return 2, "spectral file (IFTYPE IRLIM) with real and imaginary sections"
	case h.IFTYPE == IAmph:
		return 2, "spectral file (IFTYPE IAMPH) with amplitude and phase sections"
	case h.LEVEN == 0:
		return 2, "unevenly spaced file (LEVEN false) with dependent and independent sections"
	}
	return 1, ""
}

func decodeBinary(data []byte, name string, o binary.ByteOrder, format Format) (*File, error) {
	f := &File{Format: format, name: name}
	h := &f.Header
	for i, p := range h.floats() {
		if p != nil {
			*p = math.Float32frombits(o.Uint32(data[4*i:]))
		}
	}
	for i, p := range h.ints() {
		if p != nil {
			*p = int32(o.Uint32(data[offNZYEAR+4*i:]))
		}
	}
	ps, ws := h.strings()
	off := 440
	for i := range ps {
		*ps[i] = cleanString(data[off : off+ws[i]])
		off += ws[i]
	}
	if h.NPTS < 0 {
		return nil, seis.Errorf(name, -1, offNPTS, "NPTS", "negative number of points %d", h.NPTS)
	}
	ncomp, why := h.components()
	want := int64(headerLen) + 4*int64(h.NPTS)*int64(ncomp)
	how := fmt.Sprintf("632-byte header + 4 bytes × NPTS %d", h.NPTS)
	if ncomp == 2 {
		how = fmt.Sprintf("632-byte header + 2 sections × 4 bytes × NPTS %d, %s", h.NPTS, why)
	}
	if h.NVHDR == 7 {
		want += footerLen
		how += " + 176-byte version-7 footer"
	}
	got := int64(len(data))
	switch {
	case got < want:
		return nil, seis.Errorf(name, -1, offNPTS, "NPTS",
			"file is %d bytes but the header needs %d (%s): %d bytes of data missing; the file is truncated or NPTS is wrong",
			got, want, how, want-got)
	case got > want:
		return nil, seis.Errorf(name, -1, offNPTS, "NPTS",
			"file is %d bytes but the header accounts for %d (%s): %d bytes too many; NPTS or the file is wrong, refusing to guess which",
			got, want, how, got-want)
	}
	n := int(h.NPTS)
	read := func(at int) []float32 {
		out := make([]float32, n)
		for i := range out {
			out[i] = math.Float32frombits(o.Uint32(data[at+4*i:]))
		}
		return out
	}
	f.Data = read(headerLen)
	if ncomp == 2 {
		f.Data2 = read(headerLen + 4*n)
	}
	return f, nil
}

// looksAlpha reports whether the first line holds five numbers, as the first
// line of a SAC alphanumeric header does.
func looksAlpha(data []byte) bool {
	line, _, _ := bytes.Cut(data[:min(len(data), 512)], []byte("\n"))
	fields := strings.Fields(string(line))
	if len(fields) != 5 {
		return false
	}
	for _, s := range fields {
		if _, err := strconv.ParseFloat(s, 32); err != nil {
			return false
		}
	}
	return true
}

func decodeAlpha(data []byte, name string) (*File, error) {
	lineErr := func(line int, field, format string, args ...any) error {
		return &seis.FormatError{File: name, Offset: -1, Record: -1, Line: line, Field: field, Msg: fmt.Sprintf(format, args...)}
	}
	lines := strings.Split(string(data), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	if len(lines) < 30 {
		return nil, lineErr(len(lines), "", "SAC alphanumeric header needs 30 lines, the file has %d", len(lines))
	}
	f := &File{Format: Alpha, name: name}
	h := &f.Header
	fp := h.floats()
	for li := range 14 {
		fields := strings.Fields(lines[li])
		if len(fields) != 5 {
			return nil, lineErr(li+1, "", "float header line needs 5 values, has %d", len(fields))
		}
		for j, s := range fields {
			v, err := strconv.ParseFloat(s, 32)
			if err != nil {
				return nil, lineErr(li+1, floatName(5*li+j), "%q is not a number", s)
			}
			if p := fp[5*li+j]; p != nil {
				*p = float32(v)
			}
		}
	}
	ip := h.ints()
	for li := range 8 {
		fields := strings.Fields(lines[14+li])
		if len(fields) != 5 {
			return nil, lineErr(15+li, "", "integer header line needs 5 values, has %d", len(fields))
		}
		for j, s := range fields {
			v, err := strconv.ParseInt(s, 10, 32)
			if err != nil {
				return nil, lineErr(15+li, intName(5*li+j), "%q is not a 32-bit integer", s)
			}
			if p := ip[5*li+j]; p != nil {
				*p = int32(v)
			}
		}
	}
	ps, ws := h.strings()
	k := 0
	for li := range 8 {
		line := []byte(lines[22+li])
		if len(line) > 24 {
			if len(bytes.TrimSpace(line[24:])) > 0 {
				return nil, lineErr(23+li, "", "character header line is %d bytes, want at most 24 (three 8-byte fields, or KSTNM and the 16-byte KEVNM)", len(line))
			}
			line = line[:24]
		}
		line = append(line, bytes.Repeat([]byte(" "), 24-len(line))...)
		at := 0
		for at < 24 {
			*ps[k] = cleanString(line[at : at+ws[k]])
			at += ws[k]
			k++
		}
	}
	if h.NVHDR != 6 {
		return nil, lineErr(16, "NVHDR", "header version %d, want 6", h.NVHDR)
	}
	if h.NPTS < 0 {
		return nil, lineErr(16, "NPTS", "negative number of points %d", h.NPTS)
	}
	ncomp, why := h.components()
	n := int(h.NPTS)
	want := n * ncomp
	vals := make([]float32, 0, min(want, len(data)/2+1))
	for li := 30; li < len(lines); li++ {
		for _, s := range strings.Fields(lines[li]) {
			if len(vals) == want {
				return nil, lineErr(li+1, "NPTS", "more data values than NPTS %d × %d section(s) = %d", n, ncomp, want)
			}
			v, err := strconv.ParseFloat(s, 32)
			if err != nil {
				return nil, lineErr(li+1, "", "data value %d: %q is not a number", len(vals)+1, s)
			}
			vals = append(vals, float32(v))
		}
	}
	if len(vals) != want {
		msg := fmt.Sprintf("%d data values, but NPTS %d needs %d", len(vals), n, want)
		if ncomp == 2 {
			msg += " (" + why + ")"
		}
		return nil, lineErr(len(lines), "NPTS", "%s", msg)
	}
	f.Data = vals[:n:n]
	if ncomp == 2 {
		f.Data2 = vals[n:]
	}
	return f, nil
}

var floatNames = map[int]string{0: "DELTA", 1: "DEPMIN", 2: "DEPMAX", 3: "SCALE", 4: "ODELTA", 5: "B", 6: "E", 7: "O", 8: "A",
	20: "F", 31: "STLA", 32: "STLO", 33: "STEL", 34: "STDP", 35: "EVLA", 36: "EVLO", 37: "EVEL", 38: "EVDP", 39: "MAG",
	50: "DIST", 51: "AZ", 52: "BAZ", 53: "GCARC", 56: "DEPMEN", 57: "CMPAZ", 58: "CMPINC"}

func floatName(i int) string {
	switch {
	case i >= 10 && i < 20:
		return fmt.Sprintf("T%d", i-10)
	case i >= 21 && i < 31:
		return fmt.Sprintf("RESP%d", i-21)
	case i >= 40 && i < 50:
		return fmt.Sprintf("USER%d", i-40)
	}
	if s, ok := floatNames[i]; ok {
		return s
	}
	return fmt.Sprintf("float word %d", i)
}

var intNames = [40]string{"NZYEAR", "NZJDAY", "NZHOUR", "NZMIN", "NZSEC", "NZMSEC", "NVHDR", "NORID", "NEVID", "NPTS",
	"", "NWFID", "NXSIZE", "NYSIZE", "", "IFTYPE", "IDEP", "IZTYPE", "", "IINST", "ISTREG", "IEVREG", "IEVTYP", "IQUAL",
	"ISYNTH", "IMAGTYP", "IMAGSRC", "", "", "", "", "", "", "", "", "LEVEN", "LPSPOL", "LOVROK", "LCALDA", ""}

func intName(i int) string {
	if i >= 0 && i < len(intNames) && intNames[i] != "" {
		return intNames[i]
	}
	return fmt.Sprintf("integer word %d", 70+i)
}
