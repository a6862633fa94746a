package mseed

import (
	"bytes"
	"flag"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/struna/struna/internal/shared"
	"github.com/struna/struna/seis"
)

var benchFile = flag.String("benchfile", "", "TestWriteBenchFile writes the synthetic benchmark files to this path prefix (PREFIX-steim2.mseed, PREFIX-float64.mseed)")

// benchTrace is a deterministic synthetic record of ground motion: a
// decaying 2 Hz oscillation over band-limited noise, as counts, 100 Hz.
func benchTrace(n int) seis.Trace {
	rng := rand.New(rand.NewPCG(7, 11))
	s := make([]float64, n)
	var noise float64
	for i := range s {
		noise = 0.9*noise + rng.NormFloat64()*40
		tt := float64(i) / 100
		s[i] = math.Round(noise + 3000*math.Sin(2*math.Pi*2*tt)*math.Exp(-math.Mod(tt, 600)/200))
	}
	return seis.Trace{ID: seis.SourceID{Network: "XX", Station: "BENCH", Location: "00", Channel: "HHZ"},
		SampleRate: 100, Start: time.Date(2023, 2, 6, 1, 17, 0, 0, time.UTC), Samples: s}
}

// benchData encodes the synthetic trace to about 16 MB of miniSEED.
func benchData(tb testing.TB, ver int, enc Encoding) ([]byte, int) {
	tb.Helper()
	n := 2 << 20 // float64: 2 Mi samples = 16 MiB
	if enc == EncSteim2 {
		n = 12 << 20 // Steim-2 packs these at about 1.3 bytes a sample
	}
	var buf bytes.Buffer
	if err := Encode(&buf, []seis.Trace{benchTrace(n)}, EncodeOptions{Version: ver, Encoding: enc, RecordLength: 4096}); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes(), n
}

func benchDecode(b *testing.B, ver int, enc Encoding) {
	data, n := benchData(b, ver, enc)
	b.SetBytes(int64(len(data)))
	cpu0 := cpuTime()
	for b.Loop() {
		res, err := Decode(data, "bench", DecodeOptions{})
		if err != nil || len(res.Warnings) > 0 {
			b.Fatal(err, res.Warnings)
		}
	}
	// Wall-clock rates (MB/s from SetBytes, Msamples/s) and, since the
	// machine may be shared, rates per second of process CPU time (which
	// includes the garbage collector's work).
	cpu := (cpuTime() - cpu0).Seconds()
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e6, "Msamples/s")
	b.ReportMetric(float64(n)*float64(b.N)/cpu/1e6, "cpu-Msamples/s")
	b.ReportMetric(float64(len(data))*float64(b.N)/cpu/1e6, "cpu-MB/s")
}

// BenchmarkDecodeSteim2 decodes ~16 MB of 4096-byte miniSEED 2 Steim-2
// records (12.6 M samples).
func BenchmarkDecodeSteim2(b *testing.B) { benchDecode(b, 2, EncSteim2) }

// BenchmarkDecodeFloat64 decodes 16 MiB of float64 samples: big-endian
// miniSEED 2 and little-endian miniSEED 3 (with CRC-32C check).
func BenchmarkDecodeFloat64(b *testing.B) {
	b.Run("v2-BE", func(b *testing.B) { benchDecode(b, 2, EncFloat64) })
	b.Run("v3-LE", func(b *testing.B) { benchDecode(b, 3, EncFloat64) })
}

// cpuTime returns the process's user and system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkDecodeSteim2Frames decodes the Steim-2 payload of every record
// into one reused buffer, which is what libmseed's msr_parse loop does; it
// measures the decoder apart from materializing all samples. "synthetic" is
// the file of BenchmarkDecodeSteim2, "real" ObsPy's CH.BALST..LH_two_channels
// (two days of LH data in 512-byte records).
func BenchmarkDecodeSteim2Frames(b *testing.B) {
	run := func(b *testing.B, data []byte) {
		res, err := Decode(data, "bench", DecodeOptions{HeadersOnly: true})
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for _, r := range res.Records {
			n += r.SampleCount
		}
		out := make([]float64, 1<<16)
		b.SetBytes(int64(len(data)))
		cpu0 := cpuTime()
		for b.Loop() {
			for _, r := range res.Records {
				rec := data[r.Offset : r.Offset+int64(r.Length)]
				k, _, _, _, p := decodeSteim(rec[r.DataOffset:], out[:r.SampleCount+steimSlack], true)
				if p != nil || k != r.SampleCount {
					b.Fatal(p, k)
				}
			}
		}
		cpu := (cpuTime() - cpu0).Seconds()
		b.ReportMetric(float64(n)*float64(b.N)/cpu/1e6, "cpu-Msamples/s")
		b.ReportMetric(float64(len(data))*float64(b.N)/cpu/1e6, "cpu-MB/s")
	}
	b.Run("synthetic", func(b *testing.B) {
		data, _ := benchData(b, 2, EncSteim2)
		run(b, data)
	})
	b.Run("real", func(b *testing.B) {
		data, err := os.ReadFile(filepath.Join(shared.Dir(b, "seismic_formats_obspy_mseed"), "CH.BALST..LH_two_channels"))
		if err != nil {
			b.Fatal(err)
		}
		run(b, data)
	})
}

func BenchmarkEncodeSteim2(b *testing.B) {
	tr := benchTrace(1 << 20)
	var buf bytes.Buffer
	b.SetBytes(8 << 20)
	for b.Loop() {
		buf.Reset()
		if err := Encode(&buf, []seis.Trace{tr}, EncodeOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestWriteBenchFile writes the benchmark files for the libmseed comparison
// (testdata/bench/libmseed_bench.c) when -benchfile is given:
//
//	go test ./seis/mseed -run TestWriteBenchFile -args -benchfile=/tmp/bench
//
// It logs the sample count and sum that the C program prints too, which
// also checks that libmseed reads this writer's output the same way.
func TestWriteBenchFile(t *testing.T) {
	if *benchFile == "" {
		t.Skip("no -benchfile")
	}
	for _, c := range []struct {
		suffix string
		enc    Encoding
	}{{"-steim2.mseed", EncSteim2}, {"-float64.mseed", EncFloat64}} {
		data, n := benchData(t, 2, c.enc)
		path := *benchFile + c.suffix
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		res, err := Decode(data, path, DecodeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var sum float64
		for _, r := range res.Records {
			for _, v := range r.Samples {
				sum += v
			}
		}
		t.Logf("%s: %d bytes, %d records, %d samples, sum %.6f", path, len(data), len(res.Records), n, sum)
	}
}
