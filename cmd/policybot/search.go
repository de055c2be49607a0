package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

// searchResult is one ranked passage in search --json output.
type searchResult struct {
	Doc     string  `json:"doc"`
	Title   string  `json:"title"`
	Section string  `json:"section"`
	Page    int     `json:"page,omitempty"`
	Text    string  `json:"text"`
	Score   float64 `json:"score"`
	Chunk   string  `json:"chunk"`
}

type searchLine struct {
	Question string         `json:"question"`
	Results  []searchResult `json:"results"`
}

// runSearch prints the ranked evidence for a question, or for each stdin
// line.
func runSearch(ctx context.Context, a *app, args []string) error {
	common := commonFlags{quiet: true}
	fs := newFlagSet(a, "search", `["question"]`)
	common.register(fs)
	asJSON := fs.Bool("json", false, "print one JSON object per question")
	k := fs.Int("k", 5, "number of passages")
	offline := fs.Bool("offline", false, "use the local embedder even if an embedding endpoint is configured")
	if err := a.parse(fs, &common, args); err != nil {
		return err
	}
	if *k < 1 || *k > 100 {
		return fmt.Errorf("%w: --k must be 1..100", errUsage)
	}
	e, err := newEngine(ctx, a, *offline)
	if err != nil {
		return err
	}
	search := func(q string) error {
		ev, err := e.Search(ctx, q, *k)
		if err != nil {
			return err
		}
		line := searchLine{Question: q, Results: []searchResult{}}
		for _, v := range ev {
			line.Results = append(line.Results, searchResult{Doc: v.Chunk.DocID, Title: v.Chunk.Title,
				Section: strings.Join(v.Chunk.Section, " › "), Page: v.Chunk.Page, Text: v.Chunk.Text,
				Score: v.Score, Chunk: v.Chunk.ID})
		}
		if *asJSON {
			return json.NewEncoder(a.stdout).Encode(line)
		}
		if len(line.Results) == 0 {
			fmt.Fprintln(a.stdout, "No matching passages.")
		}
		for i, r := range line.Results {
			fmt.Fprintf(a.stdout, "%d. %s", i+1, r.Title)
			if r.Section != "" {
				fmt.Fprintf(a.stdout, " › %s", r.Section)
			}
			fmt.Fprintf(a.stdout, "  (score %.4f, %s)\n   %s\n\n", r.Score, r.Chunk, r.Text)
		}
		return nil
	}
	if fs.NArg() > 0 {
		return search(strings.Join(fs.Args(), " "))
	}
	return eachLine(a.stdin, func(q string) error {
		if q == "" {
			if *asJSON { // one line out per line in, for callers that pair them
				return json.NewEncoder(a.stdout).Encode(searchLine{Results: []searchResult{}})
			}
			return nil
		}
		return search(q)
	})
}
