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
	"github.com/policybot/policybot/retrieval/answer"
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

// knowledgeBase is an opened knowledge base: the retrieval engine over its
// index and the answerer over the engine.
type knowledgeBase struct {
	*retrieval.Engine
	*answer.Answerer
}

// newEngine builds the retrieval engine and answerer the configuration
// describes and opens the index (loading it from the data directory,
// refreshing it from the knowledge folder). offline forces local answers and
// embeddings.
func newEngine(ctx context.Context, a *app, offline bool) (*knowledgeBase, error) {
	e, _, err := openEngine(ctx, a, offline, nil, false)
	return e, err
}

// openEngine is newEngine with a progress report for long builds; verify
// checks every block of the stored index at start (else each block is
// checked when a question first reads it).
func openEngine(ctx context.Context, a *app, offline bool, progress func(done, total int), verify bool) (*knowledgeBase, retrieval.BuildStats, error) {
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
	chat, emb, err := llmParts(a, offline)
	if err != nil {
		return nil, retrieval.BuildStats{}, err
	}
	e, err := retrieval.New(retrieval.Options{
		Docs: docs, DataDir: data, Embedder: emb, Logger: a.log,
		Progress: progress, VerifyIndex: verify,
	})
	if err != nil {
		return nil, retrieval.BuildStats{}, err
	}
	st, err := e.Open(ctx)
	if err != nil {
		return nil, st, fmt.Errorf("open knowledge base: %w", err)
	}
	a.log.Debug("knowledge base ready", "stats", st.String(), "data", data)
	return &knowledgeBase{Engine: e, Answerer: answer.New(e, answer.Options{Chat: chat, Logger: a.log})}, st, nil
}
