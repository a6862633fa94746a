// Package shared locates the project's shared test data (../shared/data
// beside the repository root) for tests, and skips a test with a clear
// message when it is absent.
package shared

import (
	"os"
	"path/filepath"
	"testing"
)

// Root returns the absolute path of ../shared/data relative to the module
// root, found by walking up from the working directory to go.mod. The
// STRUNA_SHARED_DATA environment variable overrides it.
func Root() (string, bool) {
	if d := os.Getenv("STRUNA_SHARED_DATA"); d != "" {
		st, err := os.Stat(d)
		return d, err == nil && st.IsDir()
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			d := filepath.Join(dir, "..", "shared", "data")
			st, err := os.Stat(d)
			return d, err == nil && st.IsDir()
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

// Dir returns the path of a folder of the shared data (e.g.
// "seismic_formats_libmseed_testdata"), or skips the test when it is absent.
func Dir(tb testing.TB, name string) string {
	tb.Helper()
	root, ok := Root()
	if !ok {
		tb.Skipf("shared data not found (expected ../shared/data beside the repository root, or STRUNA_SHARED_DATA): skipping test that needs %s", name)
	}
	d := filepath.Join(root, name)
	if st, err := os.Stat(d); err != nil || !st.IsDir() {
		tb.Skipf("shared data folder %s is absent: skipping", d)
	}
	return d
}
