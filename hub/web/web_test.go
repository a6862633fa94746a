package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// TestFS checks the embedded UI is complete: index.html at the root and
// every asset it refers to present and non-empty.
func TestFS(t *testing.T) {
	fsys := FS()
	index, err := fs.ReadFile(fsys, "index.html")
	if err != nil {
		t.Fatalf("index.html missing from FS(): %v", err)
	}
	refs := regexp.MustCompile(`(?:src|href)="([^"]+)"`).FindAllSubmatch(index, -1)
	var assets []string
	for _, m := range refs {
		ref := string(m[1])
		if strings.HasPrefix(ref, "data:") {
			continue
		}
		if strings.Contains(ref, "://") || strings.HasPrefix(ref, "//") {
			t.Errorf("index.html refers to an external resource %q: the UI must work offline", ref)
			continue
		}
		assets = append(assets, strings.TrimPrefix(ref, "/"))
	}
	for _, want := range []string{"static/app.js", "static/app.css"} {
		found := false
		for _, a := range assets {
			found = found || a == want
		}
		if !found {
			t.Errorf("index.html does not load %s", want)
		}
	}
	for _, a := range assets {
		b, err := fs.ReadFile(fsys, a)
		if err != nil {
			t.Errorf("index.html refers to %s, which is not in FS(): %v", a, err)
		} else if len(b) == 0 {
			t.Errorf("%s is empty", a)
		}
	}
	if _, err := fs.Stat(fsys, ".source-sha256"); err == nil {
		t.Error("FS() exposes the build fingerprint .source-sha256; dot files should stay out of the embed")
	}
}

// TestNoExternalFetch checks the stylesheet loads nothing from outside
// (fonts, images): everything is bundled as data: URLs.
func TestNoExternalFetch(t *testing.T) {
	css, err := fs.ReadFile(FS(), "static/app.css")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile(`url\(\s*['"]?([^'")]+)`).FindAllSubmatch(css, -1) {
		u := string(m[1])
		if !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "#") {
			t.Errorf("app.css loads %q; bundle it as a data: URL", u)
		}
	}
	if bytes.Contains(css, []byte("@import")) {
		t.Error("app.css has an @import")
	}
}

// TestDistUpToDate recomputes the fingerprint build.sh writes of the
// sources and fails when dist/ was not rebuilt after a change in src/.
func TestDistUpToDate(t *testing.T) {
	want, err := os.ReadFile(filepath.Join("dist", ".source-sha256"))
	if err != nil {
		t.Fatalf("dist/.source-sha256 missing (run sh hub/web/build.sh): %v", err)
	}
	files := []string{"build.sh", "package-lock.json", "tsconfig.json"}
	err = filepath.WalkDir("src", func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			files = append(files, filepath.ToSlash(p))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	// Same text as `xargs sha256sum`: "<hex>  <path>\n" per file.
	var list bytes.Buffer
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&list, "%x  %s\n", sha256.Sum256(b), f)
	}
	sum := sha256.Sum256(list.Bytes())
	if got := hex.EncodeToString(sum[:]); got != strings.TrimSpace(string(want)) {
		t.Errorf("dist/ is stale: the sources changed since it was built; run sh hub/web/build.sh\n(source sum %s, dist built from %s)", got, strings.TrimSpace(string(want)))
	}
}
