package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/policybot/policybot/config"
	"github.com/policybot/policybot/knowledge"
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

// loaderLimits converts the limits configuration to the loader's.
func loaderLimits(c config.Limits) knowledge.Limits {
	return knowledge.Limits{
		Timeout:         c.ParseTimeout.Duration,
		MaxFileBytes:    int64(c.MaxFileMB) << 20,
		MaxDecodedBytes: int64(c.MaxDecodedMB) << 20,
		MaxTextBytes:    int64(c.MaxTextMB) << 20,
		MaxPages:        c.MaxPages,
		MaxObjects:      c.MaxObjects,
		MaxTextItems:    c.MaxTextItems,
		MaxDepth:        c.MaxDepth,
		MaxChunks:       c.MaxChunks,
	}
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
	e, _, err := openEngine(ctx, a, offline, false, nil)
	return e, err
}

// openEngine is newEngine with a progress report for long builds. refresh
// makes a failure to bring the stored index up to date an error (the index
// command's job); otherwise the stored index serves, with a warning. The index command
// (refresh) also checks every block of the stored index at start.
func openEngine(ctx context.Context, a *app, offline, refresh bool, progress func(done, total int)) (*knowledgeBase, retrieval.BuildStats, error) {
	var docs fs.FS
	if a.cfg.DocsDir != "" {
		// Reads stay inside the folder (symlinks included) and never block.
		docs = knowledge.DirFS(a.cfg.DocsDir)
	}
	data := a.cfg.DataDir
	if data == "" {
		d, err := retrieval.DefaultDataDir()
		if err != nil {
			return nil, retrieval.BuildStats{}, err
		}
		data = filepath.Join(d, indexName(a.cfg.DocsDir))
	}
	chat, emb, err := llmParts(a, offline, data)
	if err != nil {
		return nil, retrieval.BuildStats{}, err
	}
	e, err := retrieval.New(retrieval.Options{
		Docs: docs, DataDir: data, Embedder: emb, Logger: a.log,
		Progress: progress, Limits: loaderLimits(a.cfg.Limits), VerifyIndex: refresh,
	})
	if err != nil {
		return nil, retrieval.BuildStats{}, err
	}
	st, err := e.Open(ctx)
	switch {
	case err != nil && e.Current() != nil && !refresh && ctx.Err() == nil:
		// The stored index loaded but could not be brought up to date (an
		// embeddings outage while documents changed, say): serve it.
		a.log.Warn("could not refresh the index: answering from the stored one", "err", err)
	case err != nil:
		return nil, st, fmt.Errorf("open knowledge base: %w", err)
	}
	a.log.Debug("knowledge base ready", "stats", st.String(), "data", data)
	an := answer.New(e, answer.Options{Chat: chat, Logger: a.log, Budget: a.cfg.LLM.AnswerBudget.Duration})
	return &knowledgeBase{Engine: e, Answerer: an}, st, nil
}
