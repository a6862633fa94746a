package mseed

import (
	"bufio"
	"errors"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/struna/struna/internal/shared"
	"github.com/struna/struna/seis"
)

// The expected values come from libmseed 3.4.0 (an independent decoder) as
// dumped into _expected_decode_by_libmseed-3.4.0 of each shared data set:
// summary.txt has one line per record, samples/<file>.csv every sample.

type expRecord struct {
	line        string
	sid         string
	ver, reclen int
	enc         int
	encName     string
	rate        float64
	start       time.Time
	samplecnt   int
	numsamples  int
	stype       byte
	pubver      int
	crc         uint32
	first, last []string
}

type expFile struct {
	records  []expRecord
	ok       bool   // libmseed read it (END ok)
	end      string // the END line
	messages []string
}

var recLine = regexp.MustCompile(`^rec=(\d+) sid=(\S*) fmtver=(\d) reclen=(\d+) enc=(-?\d+)\((.*?)\) samprate=(\S+) start=(\S+) samplecnt=(\d+) numsamples=(\d+) stype=(\S) pubver=(\d+) crc=0x([0-9A-F]+)(?: first=\[(.*?)\] last=\[(.*?)\])?$`)

func parseSummary(t *testing.T, path string) map[string]*expFile {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]*expFile{}
	var cur *expFile
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "### "):
			name := strings.TrimPrefix(line, "### ")
			name = name[:strings.LastIndex(name, " (")]
			cur = &expFile{}
			out[name] = cur
		case cur == nil || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "END "):
			cur.end = line
			cur.ok = strings.HasPrefix(line, "END ok")
		case strings.HasPrefix(line, "rec="):
			m := recLine.FindStringSubmatch(line)
			if m == nil {
				t.Fatalf("%s: cannot parse %q", path, line)
			}
			at := func(i int) int {
				v, err := strconv.Atoi(m[i])
				if err != nil {
					t.Fatalf("%q: %v", line, err)
				}
				return v
			}
			r := expRecord{line: line, sid: m[2], ver: at(3), reclen: at(4), enc: at(5), encName: m[6],
				samplecnt: at(9), numsamples: at(10), stype: m[11][0], pubver: at(12)}
			if r.rate, err = strconv.ParseFloat(m[7], 64); err != nil {
				t.Fatal(err)
			}
			if r.start, err = time.Parse(time.RFC3339Nano, m[8]); err != nil {
				t.Fatal(err)
			}
			c, err := strconv.ParseUint(m[13], 16, 32)
			if err != nil {
				t.Fatal(err)
			}
			r.crc = uint32(c)
			if m[14] != "" {
				r.first, r.last = strings.Split(m[14], ","), strings.Split(m[15], ",")
			}
			cur.records = append(cur.records, r)
		default:
			cur.messages = append(cur.messages, line)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// readSamples reads samples/<file>.csv: record, index in record, value.
func readSamples(t *testing.T, path string) map[int][]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int][]string{}
	for i, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if i == 0 || line == "" {
			continue
		}
		p := strings.Split(line, ",")
		if len(p) != 3 {
			t.Fatalf("%s line %d: %q", path, i+1, line)
		}
		rec, err1 := strconv.Atoi(p[0])
		idx, err2 := strconv.Atoi(p[1])
		if err1 != nil || err2 != nil || idx != len(out[rec]) {
			t.Fatalf("%s line %d: %q out of order", path, i+1, line)
		}
		out[rec] = append(out[rec], p[2])
	}
	return out
}

// sameValue compares a decoded sample with libmseed's printed value for
// the sample type: integers and text exactly, float32 after rounding the
// printed (%.9g) value to float32, float64 bit for bit (printed %.17g).
func sameValue(got float64, want string, stype byte) bool {
	v, err := strconv.ParseFloat(want, 64)
	if err != nil {
		return false
	}
	switch stype {
	case 'f':
		return float32(got) == float32(v) && float64(float32(got)) == got || math.IsNaN(got) && math.IsNaN(v)
	case 'd':
		return got == v || math.IsNaN(got) && math.IsNaN(v)
	}
	return got == v && v == math.Trunc(v)
}

// values returns a record's data as float64 for comparison: samples, or
// text bytes.
func values(r *Record) []float64 {
	if r.Encoding == EncText {
		v := make([]float64, len(r.Text))
		for i, c := range r.Text {
			v[i] = float64(c)
		}
		return v
	}
	return r.Samples
}

func checkRecord(t *testing.T, i int, got *Record, want *expRecord, samples []string, haveCSV bool) {
	t.Helper()
	bad := func(field string, g, w any) {
		t.Errorf("record %d (offset %d) %s = %v, libmseed %v\n  libmseed: %s", i, got.Offset, field, g, w, want.line)
	}
	if got.SID != want.sid {
		bad("SID", got.SID, want.sid)
	}
	if len(got.ID.Channel) == 3 && got.ID.FDSN() != want.sid {
		bad("ID.FDSN()", got.ID.FDSN(), want.sid)
	}
	if got.Version != want.ver {
		bad("Version", got.Version, want.ver)
	}
	if got.Length != want.reclen {
		bad("Length", got.Length, want.reclen)
	}
	if int(got.Encoding) != want.enc || got.Encoding.String() != want.encName {
		bad("Encoding", strconv.Itoa(int(got.Encoding))+"("+got.Encoding.String()+")", strconv.Itoa(want.enc)+"("+want.encName+")")
	}
	// libmseed prints the rate with %g: six significant digits.
	if math.Abs(got.SampleRate-want.rate) > 5e-6*math.Abs(want.rate) {
		bad("SampleRate", got.SampleRate, want.rate)
	}
	if !got.Start.Equal(want.start) || got.Start.Location() != time.UTC {
		bad("Start", got.Start.Format(time.RFC3339Nano), want.start.Format(time.RFC3339Nano))
	}
	if got.SampleCount != want.samplecnt {
		bad("SampleCount", got.SampleCount, want.samplecnt)
	}
	if int(got.PubVersion) != want.pubver {
		bad("PubVersion", got.PubVersion, want.pubver)
	}
	if got.CRC != want.crc {
		bad("CRC", got.CRC, want.crc)
	}
	st := got.SampleType
	if st == 0 {
		st = '-'
	}
	if st != want.stype {
		bad("SampleType", string(st), string(want.stype))
	}
	v := values(got)
	if len(v) != want.numsamples {
		bad("decoded samples", len(v), want.numsamples)
		return
	}
	if !haveCSV { // the dump has no csv for a few files: first and last 4 only
		samples = nil
	} else if len(samples) != len(v) {
		t.Errorf("record %d: %d samples, samples csv has %d", i, len(v), len(samples))
		return
	}
	for j := range samples {
		if !sameValue(v[j], samples[j], want.stype) {
			t.Errorf("record %d sample %d = %v, libmseed %s", i, j, v[j], samples[j])
			return
		}
	}
	for j, w := range want.first {
		if j < len(v) && !sameValue(v[j], w, want.stype) {
			bad("first samples", v[:len(want.first)], want.first)
			break
		}
	}
	for j, w := range want.last {
		k := len(v) - len(want.last) + j
		if k >= 0 && !sameValue(v[k], w, want.stype) {
			bad("last samples", v[len(v)-len(want.last):], want.last)
			break
		}
	}
}

// listFiles returns every data file under dir (relative, sorted), leaving
// out the expected-output folder and SOURCE.txt.
func listFiles(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() {
			if strings.HasPrefix(e.Name(), "_expected") {
				return filepath.SkipDir
			}
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		if rel != "SOURCE.txt" {
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(files)
	return files
}

// conform decodes every file of a shared data set and compares it with
// libmseed's decode, record by record and sample by sample. extra lists,
// per file, records that this decoder reads where libmseed gave up (see the
// callers); they must come after libmseed's records.
func conform(t *testing.T, set string, extra map[string]int) map[string]*Result {
	dir := shared.Dir(t, set)
	expDir := filepath.Join(dir, "_expected_decode_by_libmseed-3.4.0")
	exp := parseSummary(t, filepath.Join(expDir, "summary.txt"))
	files := listFiles(t, dir)
	if len(files) == 0 {
		t.Fatal("no files")
	}
	results := map[string]*Result{}
	for _, name := range files {
		t.Run(name, func(t *testing.T) {
			want, ok := exp[name]
			if !ok {
				t.Fatalf("%s has no libmseed expectation in summary.txt", name)
			}
			data, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			res, err := Decode(data, name, DecodeOptions{})
			if !want.ok {
				// libmseed rejects the file: so must we, naming it.
				var fe *seis.FormatError
				if err == nil || !errors.As(err, &fe) {
					t.Fatalf("libmseed: %s; Decode gave %d records, err %v", want.end, len(res.Records), err)
				}
				if fe.File != name || !strings.Contains(err.Error(), "not miniSEED") || !strings.HasPrefix(err.Error(), name+": ") {
					t.Errorf("error %q should name %s and say not miniSEED", err, name)
				}
				return
			}
			if err != nil {
				t.Fatalf("libmseed read %d records; Decode: %v", len(want.records), err)
			}
			results[name] = res
			if n := len(want.records) + extra[name]; len(res.Records) != n {
				t.Errorf("%d records, libmseed %d (+%d allowed extra)", len(res.Records), len(want.records), extra[name])
			}
			// Records libmseed did not read come after a warning and belong
			// to the same channel.
			for _, r := range res.Records[min(len(want.records), len(res.Records)):] {
				if len(res.Warnings) == 0 || res.Warnings[0].Offset > r.Offset || r.SID != want.records[0].sid {
					t.Errorf("record %s at byte %d beyond libmseed's is not preceded by a warning", r.SID, r.Offset)
				}
			}
			samples := map[int][]string{}
			csv := filepath.Join(expDir, "samples", strings.ReplaceAll(name, "/", "_")+".csv")
			haveCSV := fileExists(csv)
			if haveCSV {
				samples = readSamples(t, csv)
			}
			for i := range min(len(res.Records), len(want.records)) {
				checkRecord(t, i, &res.Records[i], &want.records[i], samples[i], haveCSV)
			}
			for _, w := range res.Warnings {
				t.Log("warning:", w)
			}
			for _, r := range res.Records {
				if r.Offset < 0 || int(r.Offset)+r.Length > len(data) {
					t.Errorf("record at %d length %d outside the %d-byte file", r.Offset, r.Length, len(data))
				}
			}
			for _, w := range res.Warnings {
				if w.File != name || w.Offset < 0 || w.Offset >= int64(len(data)) {
					t.Errorf("warning %q does not name the file or a byte offset in it", w)
				}
			}
		})
	}
	return results
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func TestLibmseedTestdata(t *testing.T) {
	res := conform(t, "seismic_formats_libmseed_testdata", nil)
	if t.Failed() {
		return
	}
	dir := shared.Dir(t, "seismic_formats_libmseed_testdata")

	// Assertions of libmseed's own test/test-read.c, as listed in SOURCE.txt.
	for _, c := range []struct {
		file        string
		reclen, ver int
		crc         uint32
		dataLen     int
	}{
		{"testdata-3channel-signal.mseed3", 414, 3, 0xCE52C9F7, 320},
		{"testdata-3channel-signal.mseed2", 512, 2, 0, 448},
	} {
		r := res[c.file].Records[0]
		want := time.Date(2010, 2, 27, 6, 50, 0, 69539000, time.UTC)
		if r.Length != c.reclen || r.Version != c.ver || r.SID != "FDSN:IU_COLA_00_L_H_1" || r.Flags != 4 ||
			!r.Start.Equal(want) || r.SampleRate != 1 || r.Encoding != EncSteim2 || r.PubVersion != 4 ||
			r.SampleCount != 135 || r.CRC != c.crc || r.DataLength != c.dataLen ||
			len(r.Extra) != 33 || string(r.Extra) != `{"FDSN":{"Time":{"Quality":100}}}` {
			t.Errorf("%s record 0 = %+v, want test-read.c values", c.file, headerOf(r))
		}
		s := r.Samples
		if !slices.Equal(s[:4], []float64{-502676, -504105, -507491, -506991}) || !slices.Equal(s[131:135], []float64{-505212, -499533, -495590, -496168}) {
			t.Errorf("%s samples %v ... %v", c.file, s[:4], s[131:])
		}
	}
	if r := res["reference-testdata-headeronly.mseed3"].Records[0]; len(r.Extra) != 730 || r.CRC != 0xC22273A9 || r.SampleCount != 0 {
		t.Errorf("headeronly.mseed3: extra %d bytes, CRC %08X", len(r.Extra), r.CRC)
	}
	if r := res["reference-testdata-headeronly.mseed2"].Records[0]; r.SampleCount != 0 || len(r.Samples) != 0 {
		t.Errorf("headeronly.mseed2: %d samples", r.SampleCount)
	}
	for file, want := range map[string][]float64{
		"testdata-encoding-CDSN.mseed2":                        {-96, -87, -100, -128},
		"testdata-encoding-DWWSSN.mseed2":                      {6, 5, 1, -9},
		"testdata-encoding-SRO.mseed2":                         {39, 42, 32, 1},
		"testdata-encoding-GEOSCOPE-16bit-3exp-encoded.mseed2": {-1.0625, -1.078125, -1.078125, -1.078125},
	} {
		if got := res[file].Records[0].Samples[:4]; !slices.Equal(got, want) {
			t.Errorf("%s first samples %v, want %v", file, got, want)
		}
	}

	// Every reference-testdata file decodes to libmseed's 500-sample sine
	// (test/testdata.h): float64 exactly, float32 rounded, integers
	// truncated toward zero; small files hold only its beginning.
	sine := readSine(t, filepath.Join(dir, "_expected_decode_by_libmseed-3.4.0", "reference_sine_500.csv"))
	text := "I've seen things you people wouldn't believe. Attack ships on fire off the shoulder of Orion. I watched C-beams glitter in the dark near the Tannhäuser Gate. All those moments will be lost in time, like tears...in...rain. Time to die."
	for file, r := range res {
		if !strings.HasPrefix(file, "reference-testdata-") || strings.Contains(file, "headeronly") || strings.Contains(file, "mstlpack") {
			continue
		}
		var all []float64
		var txt []byte
		for _, rec := range r.Records {
			all = append(all, rec.Samples...)
			txt = append(txt, rec.Text...)
		}
		if strings.Contains(file, "text") {
			if string(txt) != text {
				t.Errorf("%s text %q", file, txt)
			}
			continue
		}
		if len(all) < 100 {
			t.Errorf("%s: only %d samples", file, len(all))
		}
		for i, v := range all {
			w := sine[i].i
			switch {
			case strings.Contains(file, "float64"):
				w = sine[i].f
			case strings.Contains(file, "float32"):
				w = float64(float32(sine[i].f))
			}
			if v != w {
				t.Errorf("%s sample %d = %v, sine reference %v", file, i, v, w)
				break
			}
		}
	}
}

type sineValue struct{ f, i float64 }

func readSine(t *testing.T, path string) []sineValue {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []sineValue
	for _, line := range strings.Split(string(b), "\n") {
		p := strings.Split(strings.TrimSpace(line), ",")
		if len(p) != 3 || strings.HasPrefix(line, "#") || p[0] == "index" {
			continue
		}
		f, err1 := strconv.ParseFloat(p[1], 64)
		i, err2 := strconv.ParseFloat(p[2], 64)
		if err1 != nil || err2 != nil || float64(int32(f)) != i {
			t.Fatalf("%s: bad line %q", path, line)
		}
		out = append(out, sineValue{f, i})
	}
	if len(out) != 500 {
		t.Fatalf("%s: %d values", path, len(out))
	}
	return out
}

// headerOf is a record without its samples, for messages.
func headerOf(r Record) Record {
	r.Samples, r.Text = nil, nil
	return r
}

func TestObspyTestdata(t *testing.T) {
	// infinite-loop.mseed is damaged from byte 1024 on: a header whose
	// record length cannot be found, then records shifted by a few bytes.
	// libmseed stops at that header because the file ends inside its read
	// buffer; this reader skips it and resyncs (as libmseed does when more
	// data follows) and finds four more records of the channel, three of
	// them flagged by a failed Steim integrity check.
	res := conform(t, "seismic_formats_obspy_mseed", map[string]int{"infinite-loop.mseed": 4})
	if t.Failed() {
		return
	}
	// Assertions of ObsPy's test_mseed_reading_and_writing.py, as listed in
	// SOURCE.txt.
	count := func(file string) (n int) {
		for _, r := range res[file].Records {
			n += len(r.Samples)
		}
		return n
	}
	test := res["test.mseed"]
	if len(test.Records) != 2 || test.Records[0].SampleCount != 5980 || test.Records[1].SampleCount != 5967 ||
		test.Records[0].ID.String() != "NL.HGN.00.BHZ" || test.Records[0].SampleRate != 40 ||
		!slices.Equal(test.Records[0].Samples[:5], []float64{2787, 2776, 2774, 2780, 2783}) {
		t.Errorf("test.mseed: %+v", headerOf(test.Records[0]))
	}
	for file, n := range map[string]int{
		"BW.BGLD.__.EHE.D.2008.001.first_record": 412, "qualityflags.mseed": 7416, "timingquality.mseed": 41604,
		"CH.BALST..LHE.D.2025.314": 86343, "BW.BGLD.__.EHE.D.2008.001.first_10_records": 4120,
	} {
		if got := count(file); got != n {
			t.Errorf("%s: %d samples, want %d", file, got, n)
		}
	}
	if got := res["CH.BALST..LHE.D.2025.314"].Records[0].Samples[:5]; !slices.Equal(got, []float64{-1134, -962, -293, -161, -587}) {
		t.Errorf("CH.BALST first samples %v", got)
	}
	second := res["BW.BGLD.__.EHE.D.2008.001.second_record"].Records[0].Samples
	if !slices.Equal(second[:5], []float64{-397, -387, -368, -381, -388}) || !slices.Equal(second[len(second)-5:], []float64{-406, -417, -403, -423, -413}) {
		t.Errorf("second_record samples %v ... %v", second[:5], second[len(second)-5:])
	}

	// gaps.mseed merges into 4 segments with ObsPy's start times and first samples.
	ch := seis.Merge(res["gaps.mseed"].Traces())
	if len(ch) != 1 || len(ch[0].Segments) != 4 || ch[0].NumGaps() != 3 || ch[0].ID.String() != "BW.BGLD..EHE" || ch[0].SampleRate != 200 {
		t.Fatalf("gaps.mseed merged into %d channels", len(ch))
	}
	starts := []int64{1199145599915000, 1199145604035000, 1199145610215000, 1199145618455000}
	first9 := [][]float64{
		{-363, -382, -388, -420, -417, -397, -418, -390, -388},
		{-427, -416, -393, -430, -426, -407, -401, -422, -439},
		{-396, -399, -387, -384, -393, -380, -365, -394, -426},
		{-389, -428, -409, -389, -388, -405, -390, -368, -368},
	}
	for i, s := range ch[0].Segments {
		if s.Start.UnixMicro() != starts[i] || !slices.Equal(s.Samples[:9], first9[i]) {
			t.Errorf("gaps.mseed segment %d starts %v with %v", i, s.Start, s.Samples[:9])
		}
	}

	// fullseed.mseed: control headers skipped, 3 traces of 602, 623, 610 samples.
	var ns []int
	for _, c := range seis.Merge(res["fullseed.mseed"].Traces()) {
		ns = append(ns, c.Samples())
	}
	if !slices.Equal(ns, []int{610, 602, 623}) { // BHE, BHN, BHZ (file order BHN, BHZ, BHE)
		t.Errorf("fullseed.mseed traces %v", ns)
	}
	if len(res["fullseed.mseed"].Warnings) != 0 {
		t.Errorf("fullseed.mseed: control headers gave warnings %v", res["fullseed.mseed"].Warnings)
	}

	// encoding/*: 1..50 in every numeric encoding and both byte orders; text.
	ints := make([]float64, 50)
	for i := range ints {
		ints[i] = float64(i + 1)
	}
	full := make([]byte, 0, 95)
	for c := byte(' '); c <= '~'; c++ {
		full = append(full, c)
	}
	for _, e := range []string{"int16_INT16", "int32_INT32", "int32_Steim1", "int32_Steim2", "float32_Float32", "float64_Float64"} {
		for _, bo := range []string{"big", "little"} {
			file := "encoding/" + e + "_" + bo + "Endian.mseed"
			var all []float64
			for _, r := range res[file].Records {
				all = append(all, r.Samples...)
			}
			if !slices.Equal(all, ints) {
				t.Errorf("%s = %v", file, all)
			}
			wantBO := BigEndian
			if bo == "little" {
				wantBO = LittleEndian
			}
			if r := res[file].Records[0]; r.ByteOrder != wantBO {
				t.Errorf("%s byte order %v", file, r.ByteOrder)
			}
		}
	}
	for _, bo := range []string{"big", "little"} {
		if got := string(res["encoding/smallASCII_"+bo+"Endian.mseed"].Records[0].Text); got != "ABCDEFGH" {
			t.Errorf("smallASCII %s: %q", bo, got)
		}
		if got := res["encoding/fullASCII_"+bo+"Endian.mseed"].Records[0].Text; string(got) != string(full) {
			t.Errorf("fullASCII %s: %q", bo, got)
		}
	}
}
