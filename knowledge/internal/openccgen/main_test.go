package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func sha(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// fakeModule writes a module directory and returns a downloadFunc serving it
// as example.com/dicts@v1.0.0 with sum h1:good.
func fakeModule(t *testing.T, files map[string]string) downloadFunc {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o444); err != nil {
			t.Fatal(err)
		}
	}
	return func(_ context.Context, path, version string) (module, error) {
		if path != "example.com/dicts" || version != "v1.0.0" {
			return module{}, errors.New("unknown module " + path + "@" + version)
		}
		return module{Dir: dir, Sum: "h1:good"}, nil
	}
}

func TestRun(t *testing.T) {
	const (
		a = "一\t壹\n"
		b = "开户 開戶" // no final newline, a space for a tab: copied as is
	)
	upstream := map[string]string{"dictionary/A.txt": a, "dictionary/B.txt": b, "LICENSE": "license\n"}
	version := func(sum, shaA string) string {
		return "# comment kept\n" +
			"module example.com/dicts\nversion v1.0.0\nsum " + sum + "\n" +
			"file A.txt dictionary/A.txt sha256:" + shaA + "\n" +
			"file B.txt dictionary/B.txt sha256:" + sha(b) + "\n" +
			"file LICENSE LICENSE sha256:" + sha("license\n") + "\n"
	}
	cases := []struct {
		name        string
		version     string
		update      bool
		wantErr     string // "" for success
		wantVersion string // VERSION afterwards, "" for unchanged
	}{
		{name: "copies byte for byte", version: version("h1:good", sha(a))},
		{name: "module sum differs", version: version("h1:other", sha(a)), wantErr: "has sum h1:good, VERSION records h1:other"},
		{name: "file sha256 differs", version: version("h1:good", sha("edited")), wantErr: "dictionary/A.txt in example.com/dicts@v1.0.0 has sha256"},
		{name: "update records the sha256", version: version("h1:good", sha("old")), update: true, wantVersion: version("h1:good", sha(a))},
		{name: "unknown line", version: version("h1:good", sha(a)) + "extra\n", wantErr: "cannot parse"},
		{name: "path outside the module", version: strings.Replace(version("h1:good", sha(a)), "dictionary/A.txt", "../A.txt", 1), wantErr: "bad file or source path"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "VERSION"), []byte(c.version), 0o644); err != nil {
				t.Fatal(err)
			}
			err := run(context.Background(), dir, c.update, fakeModule(t, upstream))
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("run(%s) error %v, want one containing %q", c.name, err, c.wantErr)
				}
				if _, err := os.Stat(filepath.Join(dir, "A.txt")); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("run(%s) failed but wrote A.txt (stat error %v)", c.name, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("run(%s) error %v", c.name, err)
			}
			for name, want := range map[string]string{"A.txt": a, "B.txt": b, "LICENSE": "license\n"} {
				got, err := os.ReadFile(filepath.Join(dir, name))
				if err != nil {
					t.Fatal(err)
				}
				if string(got) != want {
					t.Errorf("run(%s) wrote %s = %q, want %q", c.name, name, got, want)
				}
			}
			wantVersion := c.wantVersion
			if wantVersion == "" {
				wantVersion = c.version
			}
			got, err := os.ReadFile(filepath.Join(dir, "VERSION"))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != wantVersion {
				t.Errorf("run(%s) VERSION = %q, want %q", c.name, got, wantVersion)
			}
		})
	}
}
