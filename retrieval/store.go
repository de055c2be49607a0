package retrieval

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/gob"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/policybot/policybot/knowledge"
	"github.com/policybot/policybot/retrieval/vectordb"
)

// On disk, the data directory holds generations of the index, each in its
// own folder, and a CURRENT file naming the one in service:
//
//	DATA/CURRENT            "gen-20261123T103000.123"
//	DATA/gen-…/manifest.json  embedder, dimension, documents (written last)
//	DATA/gen-…/chunks.gob.gz  chunks and their matching text
//	DATA/gen-…/vectors.gob.gz chromem-go export of the vector collection
//
// A new generation is written completely and synced before CURRENT is
// replaced by rename, so a crash at any point leaves the previous generation
// loadable.

const (
	storeVersion = 1
	currentFile  = "CURRENT"
	manifestFile = "manifest.json"
	chunksFile   = "chunks.gob.gz"
	vectorsFile  = "vectors.gob.gz"
)

type manifest struct {
	Version  int              `json:"version"`
	Embedder string           `json:"embedder"`
	Dim      int              `json:"dim"`
	BuiltAt  time.Time        `json:"built_at"`
	Chunks   int              `json:"chunks"`
	Docs     []DocInfo        `json:"docs"`
	Skipped  []knowledge.Skip `json:"skipped,omitempty"`
}

type storedChunks struct {
	Chunks []knowledge.Chunk
	Folded []string
}

// ErrNoIndex means the data directory holds no index yet.
var ErrNoIndex = errors.New("no index in data directory")

// store persists index generations under a directory.
type store struct {
	dir string
	// failAfter, when set by tests, makes save fail after writing that
	// file, to simulate a crash mid-write.
	failAfter string
}

// load reads the generation named by CURRENT.
func (s store) load(ctx context.Context) (*Index, error) {
	cur, err := os.ReadFile(filepath.Join(s.dir, currentFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNoIndex
	}
	if err != nil {
		return nil, fmt.Errorf("read index pointer: %w", err)
	}
	name := strings.TrimSpace(string(cur))
	if name == "" || strings.ContainsAny(name, `/\`) {
		return nil, fmt.Errorf("index pointer %s is malformed", filepath.Join(s.dir, currentFile))
	}
	gen := filepath.Join(s.dir, name)
	var m manifest
	raw, err := os.ReadFile(filepath.Join(gen, manifestFile))
	if err != nil {
		return nil, fmt.Errorf("read index manifest: %w", err)
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("index manifest %s is corrupt: %w", filepath.Join(gen, manifestFile), err)
	}
	if m.Version != storeVersion {
		return nil, fmt.Errorf("index format %d, this policybot reads %d", m.Version, storeVersion)
	}
	var sc storedChunks
	if err := readGob(filepath.Join(gen, chunksFile), &sc); err != nil {
		return nil, err
	}
	if len(sc.Chunks) != m.Chunks || len(sc.Folded) != m.Chunks {
		return nil, fmt.Errorf("index %s: manifest says %d chunks, file has %d", gen, m.Chunks, len(sc.Chunks))
	}
	ix := &Index{chunks: sc.Chunks, folded: sc.Folded, docs: m.Docs, skipped: m.Skipped,
		embedder: m.Embedder, dim: m.Dim, builtAt: m.BuiltAt, byID: make(map[string]int, len(sc.Chunks))}
	for i, c := range sc.Chunks {
		ix.byID[c.ID] = i
	}
	col, err := vectordb.Load(filepath.Join(gen, vectorsFile), m.Chunks == 0)
	if err != nil {
		return nil, err
	}
	if col.Count() != m.Chunks {
		return nil, fmt.Errorf("index %s: %d vectors for %d chunks", gen, col.Count(), m.Chunks)
	}
	ix.vectors = col
	terms := make([][]string, len(ix.folded))
	for i, f := range ix.folded {
		terms[i] = tokens(nil, f)
	}
	ix.lex = newLexIndex(terms)
	return ix, ctx.Err()
}

// save writes ix as a new generation and points CURRENT at it, then removes
// generations older than the previous one.
func (s store) save(ix *Index) error {
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		return fmt.Errorf("create data directory: %w", err)
	}
	name := "gen-" + time.Now().UTC().Format("20060102T150405.000000000")
	gen := filepath.Join(s.dir, name)
	if err := os.Mkdir(gen, 0o755); err != nil {
		return fmt.Errorf("create index generation: %w", err)
	}
	steps := []struct {
		file  string
		write func(path string) error
	}{
		{chunksFile, func(p string) error { return writeGob(p, storedChunks{ix.chunks, ix.folded}) }},
		{vectorsFile, ix.vectors.Save},
		{manifestFile, func(p string) error {
			m := manifest{Version: storeVersion, Embedder: ix.embedder, Dim: ix.dim, BuiltAt: ix.builtAt,
				Chunks: ix.Len(), Docs: ix.docs, Skipped: ix.skipped}
			raw, err := json.MarshalIndent(m, "", "  ")
			if err != nil {
				return err
			}
			return writeFileSync(p, raw)
		}},
	}
	for _, st := range steps {
		if err := st.write(filepath.Join(gen, st.file)); err != nil {
			return fmt.Errorf("write index %s: %w", st.file, err)
		}
		if s.failAfter == st.file {
			return fmt.Errorf("write index: injected failure after %s", st.file)
		}
	}
	prev, _ := os.ReadFile(filepath.Join(s.dir, currentFile))
	tmp := filepath.Join(s.dir, currentFile+".tmp")
	if err := writeFileSync(tmp, []byte(name+"\n")); err != nil {
		return fmt.Errorf("write index pointer: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(s.dir, currentFile)); err != nil {
		return fmt.Errorf("switch index pointer: %w", err)
	}
	if d, err := os.Open(s.dir); err == nil {
		d.Sync() // make the rename durable; best effort on filesystems without dir sync
		d.Close()
	}
	s.prune(name, strings.TrimSpace(string(prev)))
	return nil
}

// pruneAfter is how old an unused generation must be before prune removes it.
const pruneAfter = 10 * time.Minute

// prune removes generations other than keep and prev (kept as a fallback),
// including half-written ones left by a crash.
func (s store) prune(keep, prev string) {
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

func writeGob(path string, v any) error {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if err := gob.NewEncoder(zw).Encode(v); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return writeFileSync(path, buf.Bytes())
}

func readGob(path string, v any) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open index file: %w", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return fmt.Errorf("index file %s is corrupt: %w", path, err)
	}
	if err := gob.NewDecoder(zr).Decode(v); err != nil {
		return fmt.Errorf("index file %s is corrupt: %w", path, err)
	}
	return nil
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
