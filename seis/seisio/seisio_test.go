package seisio

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/struna/struna/internal/shared"
)

// TestDetectSharedFixtures: every fixture that libmseed or ObsPy reads is
// recognised as its format; the files that are not sensor records are
// refused with an error naming the file.
func TestDetectSharedFixtures(t *testing.T) {
	ms := shared.Dir(t, "seismic_formats_obspy_mseed")
	sac := shared.Dir(t, "seismic_formats_obspy_sac")
	lib := shared.Dir(t, "seismic_formats_libmseed_testdata")
	for _, tc := range []struct {
		path string
		want Format
	}{
		{filepath.Join(lib, "testdata-3channel-signal.mseed3"), MiniSEED3},
		{filepath.Join(lib, "reference-testdata-steim2-LE.mseed2"), MiniSEED2},
		{filepath.Join(ms, "fullseed.mseed"), MiniSEED2},                     // full SEED volume: control headers first
		{filepath.Join(ms, "RJOB.BW.EHZ.D.300806.0000.fullseed"), MiniSEED2}, // same
		{filepath.Join(ms, "various_noise_records.mseed"), MiniSEED2},        // starts with noise records
		{filepath.Join(sac, "test.sac"), SAC},
		{filepath.Join(sac, "test.sac.swap"), SAC},
		{filepath.Join(sac, "testxy.sac"), SACAlpha},
		{filepath.Join(sac, "IU_ANMO_00_BHZ.sacpz"), Unknown},
	} {
		data, err := os.ReadFile(tc.path)
		if err != nil {
			t.Fatal(err)
		}
		if got := Detect(tc.path, data); got != tc.want {
			t.Errorf("%s: detected %q, want %q", filepath.Base(tc.path), got, tc.want)
		}
	}
	// not.mseed looks like a SEED volume (a control header) but holds no
	// data record: the decoder says so, naming the file.
	_, err := Read([]string{filepath.Join(ms, "not.mseed")}, Options{})
	if err == nil || !strings.Contains(err.Error(), "not.mseed") || !strings.Contains(err.Error(), "not miniSEED") {
		t.Errorf("not.mseed: %v", err)
	}
	// A directory: non-record files (SOURCE.txt, pole-zero and response
	// files) are skipped, records are read; a bad record file in it is an
	// error, never silently dropped.
	dir := t.TempDir()
	for _, name := range []string{"test.sac", "SOURCE.txt", "IU_ANMO_00_BHZ.sacpz", "RESP.NZ.CRLZ.10.HHZ"} {
		data, err := os.ReadFile(filepath.Join(sac, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	set, err := Read([]string{dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Skipped) != 3 || len(set.Channels) != 1 {
		t.Errorf("directory read: %d channels, skipped %v", len(set.Channels), set.Skipped)
	}
	if _, err := Read([]string{sac}, Options{}); err == nil || !strings.Contains(err.Error(), "seism-") {
		t.Errorf("directory with a SAC file of the wrong size: %v", err)
	}
}

func TestReadErrors(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.mseed")
	os.WriteFile(empty, nil, 0o644)
	if _, err := Read([]string{empty}, Options{}); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("empty file: %v", err)
	}
	if _, err := Read(nil, Options{}); err == nil {
		t.Error("no paths accepted")
	}
	if _, err := Read([]string{dir}, Options{}); err == nil || !strings.Contains(err.Error(), "no sensor records") {
		t.Errorf("empty directory: %v", err)
	}
}
