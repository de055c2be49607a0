package retrieval

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/policybot/policybot/retrieval/internal/segfile"
)

// On disk, the data directory holds generations of the index, each in its
// own folder, and a CURRENT file naming the one in service:
//
//	DATA/CURRENT              "gen-20261123T103000.123456789"
//	DATA/gen-…/index.bin      the index: chunks, BM25 postings, local vectors,
//	                          documents, file fingerprints (format.go)
//	DATA/gen-…/vectors.gob.gz chromem-go export of a remote embedder's vectors
//	DATA/gen-…/manifest.json  embedder, dimension, counts, file sizes (written last)
//	DATA/gen-…/DAMAGED        present once a read found a bad checksum
//
// A new generation is written completely and synced before CURRENT is
// replaced by rename, so a crash at any point leaves the previous generation
// loadable. A generation is never modified after it is written (DAMAGED
// aside), so processes may read one while another writes the next.

// analysisVersion names how documents are chunked, folded and tokenised.
// Bump it with any change to those: an index built by another version is
// rebuilt from the documents on open, since its terms no longer match the
// questions' (an index file's format is storeVersion's business).
const analysisVersion = 3

const (
	storeVersion = 2
	currentFile  = "CURRENT"
	manifestFile = "manifest.json"
	indexFile    = "index.bin"
	vectorsFile  = "vectors.gob.gz"
	damagedFile  = "DAMAGED"
)

type manifest struct {
	Version  int              `json:"version"`
	Analysis int              `json:"analysis"`
	Embedder string           `json:"embedder"`
	Dim      int              `json:"dim"`
	BuiltAt  time.Time        `json:"built_at"`
	Chunks   int              `json:"chunks"`
	Docs     int              `json:"docs"`
	Files    map[string]int64 `json:"files"` // name → size in bytes
}

// ErrNoIndex means the data directory holds no index yet.
var ErrNoIndex = errors.New("no index in data directory")

// ErrStaleIndex means the stored index was built by a policybot that
// chunks, folds or tokenises documents otherwise: it is rebuilt.
var ErrStaleIndex = errors.New("index built by another version of policybot")

// store persists index generations under a directory.
type store struct {
	dir string
	// verify makes load check every block of the index file, not only
	// those a question reads.
	verify bool
	// failAfter, when set by tests, makes a save fail after writing that
	// file, to simulate a crash mid-write.
	failAfter string
}

func vectorsPath(gen string) string { return filepath.Join(gen, vectorsFile) }

// injected is the test hook of failAfter.
func (s *store) injected(file string) error {
	if s != nil && s.failAfter == file {
		return fmt.Errorf("write index: injected failure after %s", file)
	}
	return nil
}

// load opens the generation named by CURRENT. It reads the index file's
// summary, document lengths and file fingerprints; everything else is read
// when a question or a rebuild needs it.
func (s *store) load(ctx context.Context) (*Index, error) {
	cur, err := readSmall(filepath.Join(s.dir, currentFile), maxPointerBytes)
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNoIndex
	}
	if err != nil {
		return nil, fmt.Errorf("read index pointer: %w", err)
	}
	name := strings.TrimSpace(string(cur))
	if name == "" || strings.ContainsAny(name, `/\`) || name == "." || name == ".." {
		return nil, fmt.Errorf("index pointer %s is malformed", filepath.Join(s.dir, currentFile))
	}
	gen := filepath.Join(s.dir, name)
	var m manifest
	raw, err := readSmall(filepath.Join(gen, manifestFile), maxManifestBytes)
	if err != nil {
		return nil, fmt.Errorf("read index manifest: %w", err)
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("index manifest %s is corrupt: %w", filepath.Join(gen, manifestFile), err)
	}
	if m.Version != storeVersion {
		return nil, fmt.Errorf("index format %d, this policybot reads %d", m.Version, storeVersion)
	}
	if m.Analysis != analysisVersion {
		return nil, fmt.Errorf("%w: analysis version %d, this policybot's is %d", ErrStaleIndex, m.Analysis, analysisVersion)
	}
	if why, err := os.ReadFile(filepath.Join(gen, damagedFile)); err == nil {
		return nil, fmt.Errorf("index %s was found damaged: %s", gen, strings.TrimSpace(string(why)))
	}
	for f, size := range m.Files {
		info, err := os.Stat(filepath.Join(gen, f))
		if err != nil {
			return nil, fmt.Errorf("index file: %w", err)
		}
		if info.Size() != size {
			return nil, fmt.Errorf("index file %s has %d bytes, the manifest says %d", filepath.Join(gen, f), info.Size(), size)
		}
	}
	f, err := segfile.Open(filepath.Join(gen, indexFile))
	if err != nil {
		return nil, fmt.Errorf("open index: %w", err)
	}
	if s.verify {
		if err := f.VerifyAll(); err != nil {
			return nil, fmt.Errorf("index %s: %w", gen, err)
		}
	}
	ix, err := openIndex(f, gen)
	if err != nil {
		return nil, fmt.Errorf("index %s: %w", gen, err)
	}
	if ix.n != m.Chunks || ix.nDocs != m.Docs || ix.embedder != m.Embedder || ix.dim != m.Dim {
		return nil, fmt.Errorf("index %s: the manifest and the index file disagree", gen)
	}
	return ix, ctx.Err()
}

// create makes a new, empty generation directory for a build to write to.
func (s *store) create() (*generation, error) {
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	name := "gen-" + time.Now().UTC().Format("20060102T150405.000000000")
	gen := filepath.Join(s.dir, name)
	if err := os.Mkdir(gen, 0o755); err != nil {
		return nil, fmt.Errorf("create index generation: %w", err)
	}
	return &generation{dir: gen, store: s, name: name}, nil
}

// commit completes a generation whose index file is written (the remote
// embedder's vectors, the manifest) and points CURRENT at it, then removes
// generations older than the previous one.
func (s *store) commit(g *generation, ix *Index) error {
	files := map[string]int64{}
	steps := []struct {
		file  string
		write func(path string) error
	}{
		{indexFile, nil}, // written by the build
		{vectorsFile, func(p string) error {
			if ix.local || ix.vectors == nil || ix.vectors.Count() == 0 {
				return nil
			}
			return ix.vectors.Save(p)
		}},
		{manifestFile, func(p string) error {
			m := manifest{Version: storeVersion, Analysis: analysisVersion, Embedder: ix.embedder, Dim: ix.dim, BuiltAt: ix.builtAt,
				Chunks: ix.Len(), Docs: ix.nDocs, Files: files}
			raw, err := json.MarshalIndent(m, "", "  ")
			if err != nil {
				return err
			}
			return writeFileSync(p, raw)
		}},
	}
	for _, st := range steps {
		p := filepath.Join(g.dir, st.file)
		if st.write != nil {
			if err := st.write(p); err != nil {
				return fmt.Errorf("write index %s: %w", st.file, err)
			}
			if st.file != manifestFile {
				if err := s.injected(st.file); err != nil {
					return err
				}
			}
		}
		if info, err := os.Stat(p); err == nil && st.file != manifestFile {
			files[st.file] = info.Size()
		}
	}
	if err := s.injected(manifestFile); err != nil {
		return err
	}
	if d, err := os.Open(g.dir); err == nil {
		d.Sync() // make the generation's entries durable; best effort
		d.Close()
	}
	prev, _ := os.ReadFile(filepath.Join(s.dir, currentFile))
	tmp := filepath.Join(s.dir, currentFile+".tmp")
	if err := writeFileSync(tmp, []byte(g.name+"\n")); err != nil {
		return fmt.Errorf("write index pointer: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(s.dir, currentFile)); err != nil {
		return fmt.Errorf("switch index pointer: %w", err)
	}
	if d, err := os.Open(s.dir); err == nil {
		d.Sync() // make the rename durable; best effort on filesystems without dir sync
		d.Close()
	}
	s.prune(g.name, strings.TrimSpace(string(prev)))
	return nil
}

// markDamaged records in a generation that a read found it damaged, so that
// the next start rebuilds instead of loading it (best effort).
func markDamaged(gen string, why error) {
	if gen != "" {
		os.WriteFile(filepath.Join(gen, damagedFile), []byte(why.Error()+"\n"), 0o644)
	}
}

// pruneAfter is how old an unused generation must be before prune removes it.
const pruneAfter = 10 * time.Minute

// prune removes generations other than keep and prev (kept as a fallback),
// including half-written ones left by a crash.
func (s *store) prune(keep, prev string) {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return
	}
	var gens []string
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), "gen-") || e.Name() == keep || e.Name() == prev {
			continue
		}
		// Another process (serve and an index run sharing the directory)
		// may be writing a recent generation: leave it for a later prune.
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) < pruneAfter {
			continue
		}
		gens = append(gens, e.Name())
	}
	sort.Strings(gens)
	for _, g := range gens {
		os.RemoveAll(filepath.Join(s.dir, g))
	}
}

func writeFileSync(path string, data []byte) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// StoredEmbedder reads the embedder name and dimension recorded with the
// index in the data directory dir, without opening the index: what a
// remote embedder's dimension is when its endpoint cannot be asked.
func StoredEmbedder(dir string) (name string, dim int, ok bool) {
	if dir == "" {
		return "", 0, false
	}
	cur, err := readSmall(filepath.Join(dir, currentFile), maxPointerBytes)
	if err != nil {
		return "", 0, false
	}
	gen := strings.TrimSpace(string(cur))
	if gen == "" || strings.ContainsAny(gen, `/\`) {
		return "", 0, false
	}
	raw, err := readSmall(filepath.Join(dir, gen, manifestFile), maxManifestBytes)
	if err != nil {
		return "", 0, false
	}
	var m manifest
	if json.Unmarshal(raw, &m) != nil || m.Embedder == "" {
		return "", 0, false
	}
	return m.Embedder, m.Dim, true
}

// The largest index pointer and manifest read: a 100 MB CURRENT is damage,
// not a generation name, and must not become a 100 MB log line.
const (
	maxPointerBytes  = 256
	maxManifestBytes = 1 << 20
)

// readSmall reads a file of at most max bytes; a longer one is an error
// (a 100 MB CURRENT is not an index pointer).
func readSmall(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	raw, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(raw)) > max {
		return nil, fmt.Errorf("%s is over %d bytes", path, max)
	}
	return raw, nil
}
