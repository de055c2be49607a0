// Command openccgen copies the OpenCC dictionaries that knowledge/script.go
// embeds from the Go module pinned in opencc/VERSION, byte for byte. It
// locates the module with `go mod download -json` (which downloads it into
// the module cache and checks it against go.sum or the checksum database),
// checks the module's h1 sum and each file's sha256 against VERSION, and
// only then writes the files. Run it through go generate in knowledge/:
//
//	go generate ./knowledge/...
//
// To move to another module version, change version and sum in VERSION,
// run `go run ./internal/openccgen -update` in knowledge/ (which records the
// new files' sha256 in VERSION), and review the diff.
package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
)

func main() {
	dir := flag.String("dir", "opencc", "directory holding VERSION and the dictionaries")
	update := flag.Bool("update", false, "record the sha256 of the files copied in VERSION instead of checking them")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *dir, *update, goModDownload); err != nil {
		fmt.Fprintln(os.Stderr, "openccgen:", err)
		os.Exit(1)
	}
}

// module is what `go mod download -json` reports of one module.
type module struct {
	Dir   string // extracted module in the module cache
	Sum   string // h1: checksum of the module zip
	Error string
}

// downloadFunc downloads module@version and reports where it is.
type downloadFunc func(ctx context.Context, path, version string) (module, error)

func goModDownload(ctx context.Context, modPath, version string) (module, error) {
	ref := modPath + "@" + version
	cmd := exec.CommandContext(ctx, "go", "mod", "download", "-json", ref)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var m module
	if jerr := json.Unmarshal(out, &m); jerr == nil && m.Error != "" {
		return module{}, fmt.Errorf("go mod download %s: %s", ref, m.Error)
	}
	if err != nil {
		return module{}, fmt.Errorf("go mod download %s: %w: %s", ref, err, strings.TrimSpace(stderr.String()))
	}
	if m.Dir == "" || m.Sum == "" {
		return module{}, fmt.Errorf("go mod download %s: no Dir or Sum in %q", ref, out)
	}
	return m, nil
}

// manifest is a parsed VERSION file. Its lines are kept so that -update
// rewrites only the checksums.
type manifest struct {
	lines   []string
	module  string
	version string
	sum     string
	files   []entry
}

// entry is a "file NAME SOURCE sha256:HEX" line: NAME in the directory is
// SOURCE in the module.
type entry struct {
	line   int // index in lines
	name   string
	source string
	sha256 string // hex
}

func parseManifest(raw []byte) (*manifest, error) {
	m := &manifest{lines: strings.Split(string(raw), "\n")}
	seen := map[string]bool{}
	for i, line := range m.lines {
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		switch {
		case f[0] == "module" && len(f) == 2:
			m.module = f[1]
		case f[0] == "version" && len(f) == 2:
			m.version = f[1]
		case f[0] == "sum" && len(f) == 2:
			m.sum = f[1]
		case f[0] == "file" && len(f) == 4 && strings.HasPrefix(f[3], "sha256:"):
			e := entry{line: i, name: f[1], source: f[2], sha256: strings.TrimPrefix(f[3], "sha256:")}
			if !fs.ValidPath(e.name) || strings.Contains(e.name, "/") || !fs.ValidPath(e.source) {
				return nil, fmt.Errorf("VERSION line %d: bad file or source path", i+1)
			}
			if seen[e.name] {
				return nil, fmt.Errorf("VERSION line %d: %s listed twice", i+1, e.name)
			}
			seen[e.name] = true
			m.files = append(m.files, e)
		default:
			return nil, fmt.Errorf("VERSION line %d: cannot parse %q", i+1, line)
		}
	}
	if m.module == "" || m.version == "" || m.sum == "" || len(m.files) == 0 {
		return nil, errors.New("VERSION needs module, version, sum and file lines")
	}
	return m, nil
}

func run(ctx context.Context, dir string, update bool, download downloadFunc) error {
	versionPath := filepath.Join(dir, "VERSION")
	raw, err := os.ReadFile(versionPath)
	if err != nil {
		return err
	}
	m, err := parseManifest(raw)
	if err != nil {
		return fmt.Errorf("%s: %w", versionPath, err)
	}
	mod, err := download(ctx, m.module, m.version)
	if err != nil {
		return err
	}
	if mod.Sum != m.sum {
		return fmt.Errorf("%s@%s has sum %s, VERSION records %s", m.module, m.version, mod.Sum, m.sum)
	}
	data := make([][]byte, len(m.files))
	for i, e := range m.files {
		b, err := os.ReadFile(filepath.Join(mod.Dir, filepath.FromSlash(e.source)))
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		got := hex.EncodeToString(sum[:])
		switch {
		case update:
			m.files[i].sha256 = got
			m.lines[e.line] = fmt.Sprintf("file %s %s sha256:%s", e.name, e.source, got)
		case got != e.sha256:
			return fmt.Errorf("%s in %s@%s has sha256 %s, VERSION records %s for %s", e.source, m.module, m.version, got, e.sha256, e.name)
		}
		data[i] = b
	}
	for i, e := range m.files {
		if err := os.WriteFile(filepath.Join(dir, e.name), data[i], 0o644); err != nil {
			return err
		}
	}
	if update {
		return os.WriteFile(versionPath, []byte(strings.Join(m.lines, "\n")), 0o644)
	}
	return nil
}
