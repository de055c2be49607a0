package main

import (
	"context"
	"fmt"
	"strconv"
	"unicode"
	"unicode/utf8"
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
	e, st, err := openEngine(ctx, a, *offline, true, func(done, total int) {
		fmt.Fprintf(a.stderr, "\rembedding chunks: %d/%d", done, total)
		if done == total {
			fmt.Fprintln(a.stderr)
		}
	})
	if err != nil {
		return err
	}
	ix := e.Current()
	docs := ix.Docs() // decoded from the index file at each call
	fmt.Fprintf(a.stderr, "refresh: %s\n", st)
	fmt.Fprintf(a.stderr, "index: %d documents, %d chunks, built %s, in %s\n",
		len(docs), ix.Len(), ix.BuiltAt().Format("2006-01-02 15:04:05 MST"), e.DataDir())
	for _, s := range ix.Skipped() {
		fmt.Fprintf(a.stderr, "skipped %s: %s\n", printable(s.Path), printable(s.Reason))
	}
	for _, d := range docs {
		for _, w := range d.Warnings {
			fmt.Fprintf(a.stderr, "warning %s: %s\n", printable(d.ID), printable(w))
		}
	}
	return nil
}

// printable returns s as it is when every character prints as itself, and
// quoted (Go syntax: "a\nb", "\x1b[31m", "\u202e") when it holds a line
// break, a terminal escape, a bidirectional override or invalid UTF-8:
// file names and reasons come from the folder, and one must not forge or
// hide a line of the summary.
func printable(s string) string {
	for _, r := range s {
		if r == utf8.RuneError || r != ' ' && !unicode.IsPrint(r) {
			return strconv.Quote(s)
		}
	}
	return s
}
