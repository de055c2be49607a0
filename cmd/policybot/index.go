package main

import (
	"context"
	"fmt"
)

// runIndex builds or refreshes the index and reports what changed.
func runIndex(ctx context.Context, a *app, args []string) error {
	var common commonFlags
	fs := newFlagSet(a, "index", "")
	common.register(fs)
	offline := fs.Bool("offline", false, "use the local embedder even if an embedding endpoint is configured")
	if err := a.parse(fs, &common, args); err != nil {
		return err
	}
	e, st, err := openEngine(ctx, a, *offline, func(done, total int) {
		fmt.Fprintf(a.stderr, "\rembedding chunks: %d/%d", done, total)
		if done == total {
			fmt.Fprintln(a.stderr)
		}
	}, true)
	if err != nil {
		return err
	}
	ix := e.Current()
	docs := ix.Docs() // decoded from the index file at each call
	fmt.Fprintf(a.stderr, "refresh: %s\n", st)
	fmt.Fprintf(a.stderr, "index: %d documents, %d chunks, built %s, in %s\n",
		len(docs), ix.Len(), ix.BuiltAt().Format("2006-01-02 15:04:05 MST"), e.DataDir())
	for _, s := range ix.Skipped() {
		fmt.Fprintf(a.stderr, "skipped %s\n", s)
	}
	for _, d := range docs {
		for _, w := range d.Warnings {
			fmt.Fprintf(a.stderr, "warning %s: %s\n", d.ID, w)
		}
	}
	return nil
}
