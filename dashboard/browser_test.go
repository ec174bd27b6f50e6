package dashboard_test

import (
	"context"
	"flag"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// chromium is Debian's headless browser, installed by .ci/run.
const chromium = "/usr/bin/chromium"

var screenshot = flag.Bool("screenshot", false, "write the trends page's screenshot to docs/dashboard.png")

// TestPagesInChromium loads every page of the demo's workspace in headless
// Chromium: the rendered DOM must have each page's sections and charts,
// and a screenshot of each must have no blank band where content belongs.
func TestPagesInChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("loads pages in a browser: skipped with -short")
	}
	if _, err := os.Stat(chromium); err != nil {
		t.Skipf("%s not found (apt-get install chromium): the dashboard is not checked in a browser", chromium)
	}
	srv := demoServer(t)
	for _, tc := range []struct {
		path  string
		ids   []string
		wants []string
		// bands is how many 100-pixel bands from the top must have content.
		bands int
	}{
		{"/runs", []string{"runs", "outcome-filter", "run-r000005"}, []string{`<span class="outcome blocked-data">`, "data error"}, 6},
		{"/models", []string{"models", "version-v0002", "gate-verdicts", "aliases", "alias-champion"}, []string{"run r000004: all gates passed"}, 8},
		{"/models/diff?a=v0001&b=v0002", []string{"diff"}, []string{`class="differs"`}, 5},
		{"/trends", []string{"champion-trend", "drift-heatmap", "rows-trend", "null-rates", "events"},
			[]string{"<polyline", `class="m-promotion"`, `class="v-alert"`}, 10},
		{"/backtest", []string{"backtest", "backtest-summary", "backtest-chart"}, []string{`<g class="line policy-configured">`}, 8},
	} {
		t.Run(tc.path, func(t *testing.T) {
			dom := chrome(t, "--dump-dom", srv.URL+tc.path)
			for _, id := range tc.ids {
				if !strings.Contains(dom, `id="`+id+`"`) {
					t.Errorf("rendered DOM lacks id %q", id)
				}
			}
			for _, w := range tc.wants {
				if !strings.Contains(dom, w) {
					t.Errorf("rendered DOM lacks %s", w)
				}
			}
			if strings.Contains(dom, "<script") {
				t.Error("the page has a script")
			}
			shot := filepath.Join(t.TempDir(), "page.png")
			chrome(t, "--screenshot="+shot, "--window-size=1280,1000", "--hide-scrollbars", srv.URL+tc.path)
			checkBands(t, shot, tc.bands)
			if *screenshot && tc.path == "/trends" {
				data, err := os.ReadFile(shot)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join("..", "docs", "dashboard.png"), data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// chrome runs headless Chromium with args and returns its output.
func chrome(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--user-data-dir=" + t.TempDir()}
	cmd := exec.CommandContext(ctx, chromium, append(base, args...)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

// checkBands fails when one of the first n 100-pixel bands of the
// screenshot is blank: every pixel the page's background.
func checkBands(t *testing.T, path string, n int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	bg := img.At(b.Min.X+2, b.Min.Y+2)
	for band := range n {
		y0 := b.Min.Y + band*100
		if y0 >= b.Max.Y {
			t.Errorf("screenshot %dpx high: want %d bands of content", b.Dy(), n)
			return
		}
		if share := inked(img, bg, image.Rect(b.Min.X, y0, b.Max.X, min(y0+100, b.Max.Y))); share < 0.005 {
			t.Errorf("band %d (y %d-%d) is blank: %.2f%% of pixels differ from the background", band, y0, y0+100, 100*share)
		}
	}
}

// inked is the share of pixels in r that differ from bg.
func inked(img image.Image, bg color.Color, r image.Rectangle) float64 {
	br, bgr, bb, _ := bg.RGBA()
	var n, total int
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			if cr != br || cg != bgr || cb != bb {
				n++
			}
			total++
		}
	}
	return float64(n) / float64(total)
}
