package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/struna/struna/internal/shared"
	"github.com/struna/struna/report"
	"github.com/struna/struna/sim"
)

// run executes the CLI and returns exit code, stdout and stderr.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), args, Env{Stdout: &out, Stderr: &errb})
	return code, out.String(), errb.String()
}

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	notData := filepath.Join(dir, "notes.bin")
	if err := os.WriteFile(notData, []byte{0, 1, 2, 3, 4, 5}, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"inspect"}, 2, "requires at least 1 arg"},
		{[]string{"inspect", "--bogus", "x"}, 2, "unknown flag"},
		{[]string{"inspect", "--fmin", "-1", dir}, 2, "--fmin -1"},
		{[]string{"inspect", filepath.Join(dir, "missing")}, 1, "no such file"},
		{[]string{"inspect", notData}, 1, "not a recognised sensor record"},
		{[]string{"simulate"}, 2, "--out is required"},
		{[]string{"simulate", "--out", dir, "--damage", "3:1.5"}, 2, `--damage "3:1.5"`},
		{[]string{"simulate", "--out", dir, "--format", "wav"}, 2, `--format "wav"`},
		{[]string{"modal", "--method", "magic", dir}, 2, `--method "magic"`},
		{[]string{"nonsense"}, 2, "unknown command"},
	} {
		code, _, stderr := run(t, tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.msg) {
			t.Errorf("%v: exit %d (want %d), stderr %q (want it to contain %q)", tc.args, code, tc.code, stderr, tc.msg)
		}
		if strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
			t.Errorf("%v: error is not one line: %q", tc.args, stderr)
		}
	}
}

// TestSimulateInspectModal is the end-to-end path of the README: simulate a
// building, inspect its records, identify its modes, compare with truth.json.
func TestSimulateInspectModal(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end run skipped in -short mode")
	}
	dir := t.TempDir()
	code, out, stderr := run(t, "simulate", "--storeys", "4", "--duration", "12m", "--fs", "100", "--seed", "3", "--out", dir)
	if code != 0 {
		t.Fatalf("simulate: exit %d: %s", code, stderr)
	}
	if !strings.Contains(out, "mode 1:") {
		t.Errorf("simulate output lacks the modes: %s", out)
	}
	for _, f := range []string{"survey.json", "truth.json", "records/XX.STRNA.04.HNE.mseed3"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Fatal(err)
		}
	}

	code, out, stderr = run(t, "inspect", "--json", filepath.Join(dir, "records"))
	if code != 0 {
		t.Fatalf("inspect: exit %d: %s", code, stderr)
	}
	var ins InspectOutput
	if err := json.Unmarshal([]byte(out), &ins); err != nil {
		t.Fatal(err)
	}
	if len(ins.Channels) != 12 {
		t.Fatalf("inspect found %d channels, want 12", len(ins.Channels))
	}
	for _, c := range ins.Channels {
		if c.Samples != 72000 || c.SampleRateHz != 100 || c.Gaps != 0 {
			t.Errorf("channel %+v", c)
		}
	}

	code, out, stderr = run(t, "modal", "--json", filepath.Join(dir, "records"))
	if code != 0 {
		t.Fatalf("modal: exit %d: %s", code, stderr)
	}
	var mo ModalOutput
	if err := json.Unmarshal([]byte(out), &mo); err != nil {
		t.Fatal(err)
	}
	var truth sim.Truth
	data, err := os.ReadFile(filepath.Join(dir, "truth.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &truth); err != nil {
		t.Fatal(err)
	}
	// The first three modes (y, x, torsion) are found within 0.5 %.
	for _, tm := range truth.Modes[:3] {
		ok := false
		for _, m := range mo.Modes {
			if math.Abs(m.FHz-tm.FHz)/tm.FHz < 0.005 {
				ok = true
			}
		}
		if !ok {
			t.Errorf("true mode %.4f Hz (%s) not found; got %+v", tm.FHz, tm.Direction, mo.Modes)
		}
	}
	if len(mo.Modes) == 0 || len(mo.Modes[0].Shape) != len(mo.Channels) {
		t.Fatalf("shapes do not cover the channels: %+v", mo)
	}
}

func TestSimulateDeterministic(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	for _, d := range []string{a, b} {
		if code, _, stderr := run(t, "simulate", "--storeys", "2", "--duration", "1m", "--fs", "50", "--seed", "9", "--format", "mseed2", "--encoding", "steim2", "--out", d); code != 0 {
			t.Fatalf("simulate: %s", stderr)
		}
	}
	x, _ := os.ReadFile(filepath.Join(a, "records", "XX.STRNA.02.HNE.mseed"))
	y, _ := os.ReadFile(filepath.Join(b, "records", "XX.STRNA.02.HNE.mseed"))
	if len(x) == 0 || !bytes.Equal(x, y) {
		t.Fatal("the same seed gave different files")
	}
}

// TestInspectSharedFixtures: inspect reads every shared format fixture
// folder without panicking, and reports libmseed's channel for a known file.
func TestInspectSharedFixtures(t *testing.T) {
	dir := shared.Dir(t, "seismic_formats_libmseed_testdata")
	code, out, stderr := run(t, "inspect", "--json", filepath.Join(dir, "testdata-3channel-signal.mseed3"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var ins InspectOutput
	if err := json.Unmarshal([]byte(out), &ins); err != nil {
		t.Fatal(err)
	}
	// libmseed: three channels IU.COLA.00.LH{1,2,Z}, 12600 samples in all at 1 Hz.
	total := 0
	for _, c := range ins.Channels {
		total += c.Samples
		if !strings.HasPrefix(c.ID, "IU.COLA.00.LH") || c.SampleRateHz != 1 {
			t.Errorf("channel %+v", c)
		}
	}
	if len(ins.Channels) != 3 || total != 12600 {
		t.Errorf("%d channels, %d samples; libmseed says 3 and 12600", len(ins.Channels), total)
	}
}

// TestDemo runs the README's first command: the intact building is not
// red, the damaged one is red against its baseline, and both reports are
// written and decode.
func TestDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("demo skipped in -short mode")
	}
	dir := t.TempDir()
	code, out, stderr := run(t, "demo", "--out", dir)
	if code != 0 {
		t.Fatalf("demo: exit %d: %s", code, stderr)
	}
	for _, c := range []struct {
		sub, want string
	}{{"before", "green"}, {"after", "red"}} {
		data, err := os.ReadFile(filepath.Join(dir, c.sub, "report", "report.json"))
		if err != nil {
			t.Fatal(err)
		}
		rep, err := report.Decode(bytes.NewReader(data), c.sub)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Placard != c.want {
			t.Errorf("%s: placard %s, want %s (%v)", c.sub, rep.Placard, c.want, rep.Reasons)
		}
		html, err := os.ReadFile(filepath.Join(dir, c.sub, "report", "report.html"))
		if err != nil || !bytes.Contains(html, []byte(rep.Building.ID)) {
			t.Errorf("%s: report.html missing or without the building id: %v", c.sub, err)
		}
	}
	if !strings.Contains(out, "RED (emergency)") {
		t.Errorf("demo output lacks the damaged verdict: %s", out)
	}
}

func TestAssessBadSurvey(t *testing.T) {
	dir := t.TempDir()
	if code, _, stderr := run(t, "simulate", "--storeys", "2", "--duration", "2m", "--fs", "50", "--out", dir); code != 0 {
		t.Fatal(stderr)
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"building":{"id":"X","storeys":2,"lat":0,"lon":0},"sensors":[{"channel":"XX.STRNA.02.HNE","floor":2,"x_m":0,"y_m":0,"axis":"w"}],"observations":{}}`), 0o644)
	code, _, stderr := run(t, "assess", "--survey", bad, "--out", filepath.Join(dir, "r"), filepath.Join(dir, "records"))
	if code != 1 || !strings.Contains(stderr, `sensors[0].axis: "w"`) {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	code, _, stderr = run(t, "assess", "--out", filepath.Join(dir, "r"), filepath.Join(dir, "records"))
	if code != 2 || !strings.Contains(stderr, "--survey") {
		t.Fatalf("missing --survey: exit %d, stderr %q", code, stderr)
	}
}

// The readable table says when a mode stands for two close modes the
// record cannot separate; the JSON carries the flag.
func TestModalTableUnresolvedPair(t *testing.T) {
	out := ModalOutput{Channels: []string{"XX.B1..HNE", "XX.B1..HNN"}, Modes: []ModalMode{
		{FHz: 0.53, Zeta: 0.02, Methods: []string{"ssi"}, UnresolvedPair: true, Shape: []report.ShapeValue{{Channel: "XX.B1..HNE", Re: 1}, {Channel: "XX.B1..HNN", Re: 0.9}}},
		{FHz: 0.75, Zeta: 0.02, Methods: []string{"ssi"}, Shape: []report.ShapeValue{{Channel: "XX.B1..HNE", Re: 1}}},
	}}
	var b bytes.Buffer
	if err := printModal(&Env{Stdout: &b}, out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(b.String(), "\n")
	var first, second string
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "1 "):
			first = l
		case strings.HasPrefix(l, "2 "):
			second = l
		}
	}
	if !strings.Contains(first, "two close modes") || strings.Contains(second, "two close modes") {
		t.Errorf("table rows:\n%s\n%s", first, second)
	}
	js, err := json.Marshal(out.Modes)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(string(js), `"unresolved_pair":true`) != 1 {
		t.Errorf("JSON: %s", js)
	}
}
