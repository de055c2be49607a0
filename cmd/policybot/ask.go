package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/policybot/policybot/retrieval/answer"
)

// runAsk answers questions: the one given as arguments, or one per line of
// stdin. With --json each answer is one JSON object per line.
func runAsk(ctx context.Context, a *app, args []string) error {
	common := commonFlags{quiet: true}
	fs := newFlagSet(a, "ask", `["question"]`)
	common.register(fs)
	asJSON := fs.Bool("json", false, "print one JSON object per answer")
	offline := fs.Bool("offline", false, "answer extractively even if an LLM is configured")
	if err := a.parse(fs, &common, args); err != nil {
		return err
	}
	e, err := newEngine(ctx, a, *offline)
	if err != nil {
		return err
	}
	reply := func(q string) error {
		ans, err := e.Ask(ctx, answer.Question{Text: q, Offline: *offline})
		if err != nil {
			return err
		}
		if *asJSON {
			return json.NewEncoder(a.stdout).Encode(ans)
		}
		printAnswer(a.stdout, ans)
		return nil
	}
	if fs.NArg() > 0 {
		return reply(strings.Join(fs.Args(), " "))
	}
	return eachLine(a.stdin, func(q string) error {
		if q == "" {
			if *asJSON { // keep one reply per line for line-matching callers
				return json.NewEncoder(a.stdout).Encode(answer.Answer{Text: "Empty question.", Citations: []answer.Citation{}})
			}
			return nil
		}
		return reply(q)
	})
}

// eachLine calls fn with every trimmed line of r.
func eachLine(r io.Reader, fn func(string) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if err := fn(strings.TrimSpace(sc.Text())); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return fmt.Errorf("read questions: a line is over 1 MB")
		}
		return fmt.Errorf("read questions: %w", err)
	}
	return nil
}

// printAnswer writes an answer for people: the text, then its sources.
func printAnswer(w io.Writer, a answer.Answer) {
	fmt.Fprintln(w, a.Text)
	if a.Note != "" {
		fmt.Fprintf(w, "(%s)\n", a.Note)
	}
	if len(a.Citations) > 0 {
		fmt.Fprintln(w, "\nSources:")
	}
	for _, c := range a.Citations {
		fmt.Fprintf(w, "  [%d] %s", c.N, c.Title)
		if c.Section != "" {
			fmt.Fprintf(w, " › %s", c.Section)
		}
		if c.Page > 0 {
			fmt.Fprintf(w, ", p. %d", c.Page)
		}
		if c.Date != "" {
			fmt.Fprintf(w, " (%s)", c.Date)
		}
		fmt.Fprintf(w, "  [%s]\n", c.Doc)
	}
}
