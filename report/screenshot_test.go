package report

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

const chromium = "/usr/bin/chromium"

// screenshot renders page in headless Chromium (no network, fresh
// profile) and returns the decoded PNG of the top window.Height px.
func screenshot(t *testing.T, page string, width, height int) (image.Image, []byte) {
	t.Helper()
	dir := t.TempDir()
	html := filepath.Join(dir, "report.html")
	if err := os.WriteFile(html, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "shot.png")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--hide-scrollbars", "--user-data-dir="+filepath.Join(dir, "profile"),
		"--window-size="+itoa(width)+","+itoa(height), "--screenshot="+out, "file://"+html)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.String())
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("no screenshot written: %v\n%s", err, stderr.String())
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("screenshot is not a PNG: %v", err)
	}
	return img, data
}

func itoa(i int) string {
	b := []byte{}
	for i >= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
		i /= 10
	}
	return string(append([]byte{byte('0' + i)}, b...))
}

// rgb returns 8-bit channels.
func rgb(img image.Image, x, y int) (r, g, b float64) {
	R, G, B, _ := img.At(x, y).RGBA()
	return float64(R >> 8), float64(G >> 8), float64(B >> 8)
}

// TestScreenshot renders a red and a green report in a real browser and
// checks what a reader sees first: the banner at the top is the placard
// colour, and the page is not blank. With -update the screenshots are
// kept in testdata/screenshots for review.
func TestScreenshot(t *testing.T) {
	if _, err := os.Stat(chromium); err != nil {
		t.Skipf("no %s (apt-get install chromium): browser screenshot test skipped", chromium)
	}
	if testing.Short() {
		t.Skip("browser screenshot test skipped in -short mode")
	}
	for _, c := range []struct {
		name    string
		report  func() *Report
		isColor func(r, g, b float64) bool
	}{
		{"red", redReport, func(r, g, b float64) bool { return r > 140 && g < 80 && b < 80 }},
		{"green", greenReport, func(r, g, b float64) bool { return g > 90 && r < 80 && b < 90 && g > r+40 }},
		{"yellow", func() *Report {
			r := redReport()
			r.Placard, r.Category = "yellow", "limited"
			return r
		}, func(r, g, b float64) bool { return r > 200 && g > 160 && b < 80 }},
	} {
		t.Run(c.name, func(t *testing.T) {
			const w, h = 1200, 2000
			img, data := screenshot(t, render(t, c.report()), w, h)
			bnd := img.Bounds()
			if bnd.Dx() != w || bnd.Dy() != h {
				t.Fatalf("screenshot is %v, want %dx%d", bnd.Size(), w, h)
			}
			if len(data) < 20<<10 {
				t.Errorf("screenshot is only %d bytes: page nearly empty?", len(data))
			}
			// Banner: the top 150 px across the content column (the page is
			// centred, 1100 px wide at most).
			in, all := 0, 0
			for y := 5; y < 150; y += 3 {
				for x := 60; x < w-60; x += 5 {
					all++
					if c.isColor(rgb(img, x, y)) {
						in++
					}
				}
			}
			if share := float64(in) / float64(all); share < 0.5 {
				t.Errorf("banner is %.0f %% %s, want most of it", 100*share, c.name)
			}
			// Not blank: the luminance varies over the page body.
			var sum, sum2 float64
			n := 0
			for y := 300; y < h; y += 4 {
				for x := 0; x < w; x += 4 {
					r, g, b := rgb(img, x, y)
					l := 0.299*r + 0.587*g + 0.114*b
					sum += l
					sum2 += l * l
					n++
				}
			}
			mean := sum / float64(n)
			if v := sum2/float64(n) - mean*mean; v < 200 {
				t.Errorf("page body is nearly uniform (luminance variance %.0f)", v)
			}
			if *update {
				if err := os.WriteFile(filepath.Join("testdata", "screenshots", c.name+".png"), data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}
