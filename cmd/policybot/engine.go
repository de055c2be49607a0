package main

import (
	"context"
	"fmt"
	"io/fs"
	"os"

	"github.com/policybot/policybot/retrieval"
)

// newEngine builds the retrieval engine the configuration describes and
// opens its index (loading it from the data directory, refreshing it from
// the knowledge folder). offline forces local answers and embeddings.
func newEngine(ctx context.Context, a *app, offline bool) (*retrieval.Engine, error) {
	var docs fs.FS
	if a.cfg.DocsDir != "" {
		docs = os.DirFS(a.cfg.DocsDir)
	}
	data := a.cfg.DataDir
	if data == "" {
		d, err := retrieval.DefaultDataDir()
		if err != nil {
			return nil, err
		}
		data = d
	}
	gen, emb, err := llmParts(a, offline)
	if err != nil {
		return nil, err
	}
	e, err := retrieval.New(retrieval.Options{
		Docs: docs, DataDir: data, Embedder: emb, Generator: gen, Logger: a.log,
		Progress: func(done, total int) {
			fmt.Fprintf(a.stderr, "\rembedding chunks: %d/%d", done, total)
			if done == total {
				fmt.Fprintln(a.stderr)
			}
		},
	})
	if err != nil {
		return nil, err
	}
	st, err := e.Open(ctx)
	if err != nil {
		return nil, fmt.Errorf("open knowledge base: %w", err)
	}
	a.log.Debug("knowledge base ready", "stats", st.String(), "data", data)
	return e, nil
}
