package csvrec_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/struna/struna/internal/shared"
	"github.com/struna/struna/seis"
	"github.com/struna/struna/seis/csvrec"
)

const koma = "oma_koma_shearframe_simulated"

// TestKOMAShearFrame reads the KOMA simulated shear-frame CSV (14400 rows × 5
// channels, 12 Hz, no time column; SOURCE.txt) and checks every value
// against the float64 .npy copy of the same numbers.
func TestKOMAShearFrame(t *testing.T) {
	dir := shared.Dir(t, koma)
	text, err := os.ReadFile(filepath.Join(dir, "data_shearframe.csv"))
	if err != nil {
		t.Fatal(err)
	}
	// Its header names columns L1..L5, not channel ids: rejected as such.
	_, err = csvrec.Decode(text, "data_shearframe.csv", csvrec.Options{SampleRate: 12})
	var fe *seis.FormatError
	if !errors.As(err, &fe) || fe.Line != 1 || fe.Field != "L1" {
		t.Fatalf("got %v, want a FormatError on line 1, column L1", err)
	}
	// With channel ids in the header it reads.
	_, body, _ := bytes.Cut(text, []byte("\n"))
	text = append([]byte("XX.KOMA..L1,XX.KOMA..L2,XX.KOMA..L3,XX.KOMA..L4,XX.KOMA..L5\n"), body...)
	tr, err := csvrec.Decode(text, "data_shearframe.csv", csvrec.Options{SampleRate: 12})
	if err != nil {
		t.Fatal(err)
	}
	want := readNpy(t, filepath.Join(dir, "data_shearframe.npy"), 14400, 5)
	if len(tr) != 5 {
		t.Fatalf("%d traces, want 5", len(tr))
	}
	for c := range tr {
		if len(tr[c].Samples) != 14400 || tr[c].SampleRate != 12 {
			t.Fatalf("channel %d: %d samples at %v Hz, want 14400 at 12", c, len(tr[c].Samples), tr[c].SampleRate)
		}
		for i, v := range tr[c].Samples {
			// The CSV keeps 11 significant digits.
			if w := want[i*5+c]; math.Abs(v-w) > 1e-10*math.Abs(w)+1e-300 {
				t.Fatalf("channel %d row %d: %.12g, npy %.17g", c, i, v, w)
			}
		}
	}
}

// readNpy reads a little-endian float64 NumPy array (format 1.0) of the given
// C-order shape.
func readNpy(t *testing.T, path string, rows, cols int) []float64 {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(raw) < 10 || string(raw[1:6]) != "NUMPY" || raw[6] != 1 {
		t.Fatalf("%s: not a NumPy 1.x file", path)
	}
	hl := int(binary.LittleEndian.Uint16(raw[8:]))
	hdr := string(raw[10 : 10+hl])
	if !bytes.Contains([]byte(hdr), []byte("'<f8'")) || !bytes.Contains([]byte(hdr), []byte("'fortran_order': False")) {
		t.Fatalf("%s: header %q is not C-order <f8", path, hdr)
	}
	data := raw[10+hl:]
	if len(data) != 8*rows*cols {
		t.Fatalf("%s: %d data bytes, want %d", path, len(data), 8*rows*cols)
	}
	out := make([]float64, rows*cols)
	for i := range out {
		out[i] = math.Float64frombits(binary.LittleEndian.Uint64(data[8*i:]))
	}
	return out
}
