// Package seisio reads sensor files from disk for the CLI and the server:
// it expands directories, recognises each file's format from its content
// (miniSEED 2 and 3, SAC binary and alpha, CSV), hands the bytes to the
// format's decoder, and merges everything into channels.
//
// It is the I/O shell around the pure decoders in seis/mseed, seis/sac and
// seis/csvrec.
package seisio

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/struna/struna/seis"
	"github.com/struna/struna/seis/csvrec"
	"github.com/struna/struna/seis/mseed"
	"github.com/struna/struna/seis/sac"
	"golang.org/x/sync/errgroup"
)

// Format names a file format.
type Format string

// Formats recognised.
const (
	MiniSEED2 Format = "miniseed2"
	MiniSEED3 Format = "miniseed3"
	SAC       Format = "sac"
	SACAlpha  Format = "sac-alpha"
	CSV       Format = "csv"
	Unknown   Format = ""
)

// Options for reading.
type Options struct {
	// SampleRate and Start apply to CSV files without a time column.
	SampleRate float64
	Start      time.Time
	// MaxFileBytes refuses larger files (default 2 GiB) rather than
	// exhausting memory.
	MaxFileBytes int64
}

// File is what was read from one file.
type File struct {
	Path     string
	Format   Format
	Traces   int
	Warnings []error
}

// Set is everything read by one call.
type Set struct {
	Files    []File
	Channels []seis.Channel
	// Skipped lists files inside directories that are not sensor records
	// (README, SOURCE.txt, ...); named files are never skipped.
	Skipped []string
}

// Warnings returns every warning of every file.
func (s *Set) Warnings() []error {
	var w []error
	for _, f := range s.Files {
		w = append(w, f.Warnings...)
	}
	return w
}

// Read reads every path (a file, or a directory whose regular files are read
// recursively in lexical order). A named file that cannot be read or
// decoded is an error; a file found in a directory whose format is not
// recognised is skipped and listed in Set.Skipped.
func Read(paths []string, opts Options) (*Set, error) {
	if len(paths) == 0 {
		return nil, errors.New("no input: give one or more files or directories")
	}
	if opts.MaxFileBytes <= 0 {
		opts.MaxFileBytes = 2 << 30
	}
	// Named files are read whatever they hold; files found in directories
	// only when they are sensor records. The list is made first, the files
	// decoded side by side, and the results taken in the list's order, so
	// the outcome (and the first error) does not depend on scheduling.
	type job struct {
		path  string
		named bool
	}
	var jobs []job
	seen := map[string]bool{}
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			if !seen[p] {
				seen[p] = true
				jobs = append(jobs, job{p, true})
			}
			continue
		}
		var files []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.Type().IsRegular() {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		slices.Sort(files)
		for _, path := range files {
			if !seen[path] {
				seen[path] = true
				jobs = append(jobs, job{path, false})
			}
		}
	}
	type result struct {
		traces []seis.Trace
		file   File
		err    error
	}
	results := make([]result, len(jobs))
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, j := range jobs {
		g.Go(func() error {
			r := &results[i]
			r.traces, r.file, r.err = readFile(j.path, opts, j.named)
			return nil // kept in its slot: the first error in the list's order is returned
		})
	}
	_ = g.Wait()
	set := &Set{}
	var traces []seis.Trace
	for i, j := range jobs {
		r := results[i]
		if r.err != nil {
			return nil, r.err
		}
		if !j.named && r.file.Format == Unknown {
			set.Skipped = append(set.Skipped, j.path)
			continue
		}
		set.Files = append(set.Files, r.file)
		traces = append(traces, r.traces...)
	}
	if len(set.Files) == 0 {
		return nil, fmt.Errorf("%s: no sensor records found (miniSEED, SAC or CSV)", strings.Join(paths, ", "))
	}
	set.Channels = seis.Merge(traces)
	return set, nil
}

func readFile(path string, opts Options, named bool) ([]seis.Trace, File, error) {
	f := File{Path: path}
	st, err := os.Stat(path)
	if err != nil {
		return nil, f, err
	}
	if st.Size() > opts.MaxFileBytes {
		return nil, f, fmt.Errorf("%s: file is %d bytes, more than the %d-byte limit", path, st.Size(), opts.MaxFileBytes)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, f, err
	}
	f.Format = Detect(path, data)
	var tr []seis.Trace
	switch f.Format {
	case MiniSEED2, MiniSEED3:
		res, err := mseed.Decode(data, path, mseed.DecodeOptions{})
		if err != nil {
			return nil, f, err
		}
		tr = res.Traces()
		for _, w := range res.Warnings {
			f.Warnings = append(f.Warnings, w)
		}
	case SAC, SACAlpha:
		sf, err := sac.Decode(data, path)
		if err != nil {
			return nil, f, err
		}
		t, err := sf.Trace()
		if err != nil {
			return nil, f, err
		}
		tr = []seis.Trace{t}
	case CSV:
		tr, err = csvrec.Decode(data, path, csvrec.Options{SampleRate: opts.SampleRate, Start: opts.Start})
		if err != nil {
			// A text file found in a directory that only looked like CSV
			// (a response file, notes) is not a record: skip it. A named
			// file, or one called .csv, gets the error.
			ext := strings.ToLower(filepath.Ext(path))
			if !named && ext != ".csv" && ext != ".tsv" {
				f.Format = Unknown
				return nil, f, nil
			}
			return nil, f, err
		}
	default:
		if named {
			return nil, f, fmt.Errorf("%s: not a recognised sensor record (miniSEED 2/3, SAC, SAC alpha or CSV with a header of channel ids)%s", path, describe(data))
		}
		return nil, f, nil
	}
	f.Traces = len(tr)
	return tr, f, nil
}

func describe(data []byte) string {
	if len(data) == 0 {
		return ": the file is empty"
	}
	n := min(len(data), 16)
	return fmt.Sprintf(": it starts with % x", data[:n])
}

// Detect recognises a format from the file's content (the name only breaks
// ties between text formats).
func Detect(name string, data []byte) Format {
	switch {
	case len(data) >= 40 && data[0] == 'M' && data[1] == 'S' && data[2] == 3:
		return MiniSEED3
	case isMiniSEED2(data):
		return MiniSEED2
	case isSACBinary(data):
		return SAC
	}
	if !isText(data) {
		// Binary that starts with noise: miniSEED readers resynchronise on
		// the next valid record header, so let the decoder look.
		if res, err := mseed.Decode(data, name, mseed.DecodeOptions{HeadersOnly: true}); err == nil && len(res.Records) > 0 {
			return MiniSEED2
		}
		return Unknown
	}
	ext := strings.ToLower(filepath.Ext(name))
	first, _, _ := bytes.Cut(data, []byte("\n"))
	switch {
	case ext == ".csv" || ext == ".tsv":
		return CSV
	case isSACAlpha(data):
		return SACAlpha
	case bytes.Count(first, []byte(",")) >= 1 && bytes.ContainsAny(first, "._:"):
		return CSV
	}
	return Unknown
}

// isMiniSEED2 checks the fixed header as libmseed's MS2_ISVALIDHEADER does:
// sequence number of digits, spaces or NULs, a data quality indicator, a
// space or NUL, and a plausible start time in either byte order.
func isMiniSEED2(d []byte) bool {
	if len(d) < 48 {
		return false
	}
	for _, c := range d[:6] {
		if !(c >= '0' && c <= '9') && c != ' ' && c != 0 {
			return false
		}
	}
	// D, R, Q, M: data records; V, A, S, T: control headers of a full
	// SEED volume, whose data records the miniSEED reader finds after them.
	if !bytes.ContainsRune([]byte("DRQMVAST"), rune(d[6])) || (d[7] != ' ' && d[7] != '*' && d[7] != 0) {
		return false
	}
	if bytes.ContainsRune([]byte("VAST"), rune(d[6])) {
		return true // ASCII control header: no binary time to check
	}
	ok := func(o binary.ByteOrder) bool {
		year, day := o.Uint16(d[20:]), o.Uint16(d[22:])
		return year >= 1900 && year <= 2100 && day >= 1 && day <= 366 && d[24] <= 23 && d[25] <= 59 && d[26] <= 60
	}
	return ok(binary.BigEndian) || ok(binary.LittleEndian)
}

// isSACBinary checks the header version (NVHDR = 6, word 76) in either
// byte order and that DELTA is a finite positive number or the undefined
// marker, as SAC and ObsPy do.
func isSACBinary(d []byte) bool {
	if len(d) < 632 {
		return false
	}
	for _, o := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		if o.Uint32(d[76*4:]) == 6 {
			delta := math.Float32frombits(o.Uint32(d[0:]))
			if delta > 0 && !math.IsInf(float64(delta), 0) || delta == -12345 {
				return true
			}
		}
	}
	return false
}

// isSACAlpha: a SAC alpha file opens with 14 lines of five floats (the
// float header, G15.7), then 8 lines of five integers.
func isSACAlpha(d []byte) bool {
	lines := bytes.SplitN(d, []byte("\n"), 23)
	if len(lines) < 22 {
		return false
	}
	for _, l := range lines[:22] {
		fields := strings.Fields(string(l))
		if len(fields) != 5 {
			return false
		}
		for _, f := range fields {
			if _, err := strconv.ParseFloat(f, 64); err != nil {
				return false
			}
		}
	}
	return true
}

func isText(d []byte) bool {
	n := min(len(d), 4096)
	if n == 0 {
		return false
	}
	for _, c := range d[:n] {
		if c == 0 || (c < 32 && c != '\n' && c != '\r' && c != '\t') {
			return false
		}
	}
	return true
}
