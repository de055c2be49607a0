package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/policybot/policybot/retrieval"
)

// indexName names the default index directory of a knowledge folder, so
// that switching --docs between folders does not rebuild one shared index
// back and forth: "seeds" for the shipped documents, else a hash of the
// folder's absolute path.
func indexName(docs string) string {
	if docs == "" {
		return "seeds"
	}
	if abs, err := filepath.Abs(docs); err == nil {
		docs = abs
	}
	sum := sha256.Sum256([]byte(docs))
	return "docs-" + hex.EncodeToString(sum[:6])
}

// newEngine builds the retrieval engine the configuration describes and
// opens its index (loading it from the data directory, refreshing it from
// the knowledge folder). offline forces local answers and embeddings.
func newEngine(ctx context.Context, a *app, offline bool) (*retrieval.Engine, error) {
	e, _, err := openEngine(ctx, a, offline, nil)
	return e, err
}

// openEngine is newEngine with a progress report for long builds.
func openEngine(ctx context.Context, a *app, offline bool, progress func(done, total int)) (*retrieval.Engine, retrieval.BuildStats, error) {
	var docs fs.FS
	if a.cfg.DocsDir != "" {
		docs = os.DirFS(a.cfg.DocsDir)
	}
	data := a.cfg.DataDir
	if data == "" {
		d, err := retrieval.DefaultDataDir()
		if err != nil {
			return nil, retrieval.BuildStats{}, err
		}
		data = filepath.Join(d, indexName(a.cfg.DocsDir))
	}
	gen, emb, err := llmParts(a, offline)
	if err != nil {
		return nil, retrieval.BuildStats{}, err
	}
	e, err := retrieval.New(retrieval.Options{
		Docs: docs, DataDir: data, Embedder: emb, Generator: gen, Logger: a.log,
		Progress: progress,
	})
	if err != nil {
		return nil, retrieval.BuildStats{}, err
	}
	st, err := e.Open(ctx)
	if err != nil {
		return nil, st, fmt.Errorf("open knowledge base: %w", err)
	}
	a.log.Debug("knowledge base ready", "stats", st.String(), "data", data)
	return e, st, nil
}
