package knowledge

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path"
	"strings"
	"testing"
)

// TestOpenCCChecksums checks the embedded OpenCC dictionaries (and the
// LICENSE beside them) against the sha256s recorded in opencc/VERSION, so a
// hand edit is caught: change them only by regenerating them from the
// pinned module (go generate ./knowledge/..., see opencc/VERSION).
func TestOpenCCChecksums(t *testing.T) {
	raw, err := os.ReadFile("opencc/VERSION")
	if err != nil {
		t.Fatal(err)
	}
	recorded := map[string]string{} // file name to sha256
	for _, line := range strings.Split(string(raw), "\n") {
		f := strings.Fields(line)
		if len(f) == 4 && f[0] == "file" && strings.HasPrefix(f[3], "sha256:") {
			recorded[f[1]] = strings.TrimPrefix(f[3], "sha256:")
		}
	}
	if recorded["LICENSE"] == "" {
		t.Fatalf("opencc/VERSION records no sha256 for LICENSE: %d file lines", len(recorded))
	}
	embedded, err := fs.Glob(openccFS, "opencc/*.txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range embedded {
		if _, ok := recorded[path.Base(p)]; !ok {
			t.Errorf("%s is embedded but not recorded in opencc/VERSION", p)
		}
	}
	for name, want := range recorded {
		t.Run(name, func(t *testing.T) {
			var b []byte
			var err error
			if strings.HasSuffix(name, ".txt") {
				b, err = openccFS.ReadFile("opencc/" + name) // what the binary holds
			} else {
				b, err = os.ReadFile("opencc/" + name)
			}
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(b)
			if got := hex.EncodeToString(sum[:]); got != want {
				t.Errorf("sha256(opencc/%s) = %s, opencc/VERSION records %s: edited by hand? Run go generate ./knowledge/... to restore it", name, got, want)
			}
		})
	}
}
