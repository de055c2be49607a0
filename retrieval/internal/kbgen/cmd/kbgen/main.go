// Command kbgen writes a synthetic knowledge base of about N chunks as
// .jsonl files (1,000 passages each), or prints seeded benchmark questions:
//
//	go run ./retrieval/internal/kbgen/cmd/kbgen -chunks 100000 -out /tmp/kb100k
//	go run ./retrieval/internal/kbgen/cmd/kbgen -questions 200 > questions.txt
//
// The corpus is the one BenchmarkBuild uses at the same size (same seed),
// written as {"id","title","text"} lines. See BENCHMARKS.md.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/policybot/policybot/knowledge"
	"github.com/policybot/policybot/retrieval/internal/kbgen"
)

// seed is BenchmarkBuild's: the corpus of n chunks uses seed+n.
const seed = 20260303

func main() {
	chunks := flag.Int("chunks", 0, "generate documents until they hold at least this many chunks")
	out := flag.String("out", "", "folder to write part-NNNNN.jsonl files into (created; must be empty)")
	perFile := flag.Int("per-file", 1000, "passages per .jsonl file")
	questions := flag.Int("questions", 0, "print this many seeded questions, one per line, instead")
	flag.Parse()
	if err := run(context.Background(), *chunks, *out, *perFile, *questions); err != nil {
		fmt.Fprintln(os.Stderr, "kbgen:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, chunks int, out string, perFile, questions int) error {
	pool, err := kbgen.Pool(ctx)
	if err != nil {
		return err
	}
	if questions > 0 {
		trad, err := knowledge.NewTraditionalizer()
		if err != nil {
			return err
		}
		w := bufio.NewWriter(os.Stdout)
		for _, q := range kbgen.Questions(pool, trad, questions, seed) {
			fmt.Fprintln(w, q)
		}
		return w.Flush()
	}
	if chunks <= 0 || out == "" || perFile <= 0 {
		return errors.New("need -chunks N and -out DIR (or -questions N)")
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	if ents, err := os.ReadDir(out); err != nil || len(ents) > 0 {
		return fmt.Errorf("%s is not an empty folder", out)
	}
	type line struct {
		ID    string `json:"id"`
		Title string `json:"title"`
		Text  string `json:"text"`
	}
	var (
		f    *os.File
		w    *bufio.Writer
		enc  *json.Encoder
		n    int
		werr error
	)
	closeFile := func() error {
		if f == nil {
			return nil
		}
		if err := w.Flush(); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}
	kbgen.Docs(pool, chunks, seed+uint64(chunks), func(d knowledge.Document) bool {
		if n%perFile == 0 {
			if werr = closeFile(); werr != nil {
				return false
			}
			if f, werr = os.Create(filepath.Join(out, fmt.Sprintf("part-%05d.jsonl", n/perFile))); werr != nil {
				return false
			}
			w = bufio.NewWriterSize(f, 1<<20)
			enc = json.NewEncoder(w)
			enc.SetEscapeHTML(false)
		}
		n++
		werr = enc.Encode(line{ID: d.ID, Title: d.Title, Text: d.Text})
		return werr == nil
	})
	if werr != nil {
		closeFile()
		return werr
	}
	if err := closeFile(); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "kbgen: %d passages in %d files in %s\n", n, (n+perFile-1)/perFile, out)
	return nil
}
