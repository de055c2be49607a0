package main

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	unorm "golang.org/x/text/unicode/norm"

	"github.com/policybot/policybot/knowledge"
	"github.com/policybot/policybot/retrieval"
)

// clauseOverlap is the share of a clause's distinct character bigrams a
// result must hold to support the question when it does not hold the whole
// clause (a clause split across chunks).
const clauseOverlap = 0.60

// clauseDepth is how many results are searched for a supporting clause.
const clauseDepth = 20

// clauseReport is the outcome of a clause-level evaluation over a knowledge
// folder.
type clauseReport struct {
	Documents    int                   `json:"documents"`
	Skipped      []string              `json:"skipped,omitempty"` // files not indexed, with the reason
	NoChunks     []string              `json:"documents_without_chunks,omitempty"`
	Chunks       int                   `json:"chunks"`
	LeadInOnly   int                   `json:"lead_in_only_chunks"` // chunks that are a lone lead-in ending in "："
	LongestChunk int                   `json:"longest_chunk_runes"`
	Questions    int                   `json:"questions"`
	Hit1         float64               `json:"hit@1"`
	Hit5         float64               `json:"hit@5"`
	Hit20        float64               `json:"hit@20"`
	MRR20        float64               `json:"mrr@20"`
	IndexS       float64               `json:"index_seconds"`
	MSPerQ       float64               `json:"ms_per_question"`
	ByDocument   map[string]*hitReport `json:"by_document"`
	Misses       []clauseMiss          `json:"misses,omitempty"` // not in the top 5
}

// clauseMiss is a question whose clause is not in the top 5, with what came
// first instead.
type clauseMiss struct {
	ID       string `json:"id"`
	Question string `json:"question"`
	Rank     int    `json:"rank"` // 0: not in the top 20
	Top      string `json:"top"`  // section and text of the first result
}

// evalClauses indexes the knowledge folder in memory (the configured one,
// --docs) and ranks, for each question, the first result that holds one of
// its supporting clauses.
func evalClauses(ctx context.Context, a *app, items []qaItem, offline, verbose bool) (*clauseReport, error) {
	docs := knowledge.Seeds()
	if a.cfg.DocsDir != "" {
		docs = os.DirFS(a.cfg.DocsDir)
	}
	r := &clauseReport{ByDocument: make(map[string]*hitReport)}
	if err := chunkStats(ctx, docs, r); err != nil {
		return nil, err
	}
	_, emb, err := llmParts(a, offline, "") // retrieval only: no generator; the index is in memory
	if err != nil {
		return nil, err
	}
	e, err := retrieval.New(retrieval.Options{Docs: docs, Embedder: emb, Logger: a.log})
	if err != nil {
		return nil, err
	}
	start := time.Now()
	if _, err := e.Open(ctx); err != nil {
		return nil, fmt.Errorf("index %s: %w", a.cfg.DocsDir, err)
	}
	r.IndexS = time.Since(start).Seconds()
	var tally rankTally
	t0 := time.Now()
	for _, it := range items {
		if len(it.Clauses) == 0 {
			return nil, fmt.Errorf("question %s has no clauses", it.ID)
		}
		clauses := make([]clause, 0, len(it.Clauses))
		for _, c := range it.Clauses {
			if n := clauseNorm(c); n != "" {
				clauses = append(clauses, clause{n, bigramSet(n)})
			}
		}
		ev, err := e.Search(ctx, it.Question, clauseDepth)
		if err != nil {
			return nil, fmt.Errorf("search %s: %w", it.ID, err)
		}
		rank := 0
		for i, v := range ev {
			if supports(clauses, v.Chunk.Text) {
				rank = i + 1
				break
			}
		}
		tally.add(rank)
		doc := it.Document
		if doc == "" {
			doc = "-"
		}
		hr := r.ByDocument[doc]
		if hr == nil {
			hr = &hitReport{}
			r.ByDocument[doc] = hr
		}
		hr.Questions++
		hr.Hit1 += within(rank, 1)
		hr.Hit5 += within(rank, 5)
		if rank == 0 || rank > 5 {
			m := clauseMiss{ID: it.ID, Question: it.Question, Rank: rank}
			if len(ev) > 0 {
				m.Top = strings.Join(ev[0].Chunk.Section, " › ") + " | " + oneLine(ev[0].Chunk.Text, 80)
			}
			r.Misses = append(r.Misses, m)
		}
		if verbose && rank != 1 {
			fmt.Fprintf(a.stdout, "MISS %s rank=%d %s\n", it.ID, rank, it.Question)
		}
	}
	n := float64(len(items))
	r.Questions = len(items)
	r.Hit1, r.Hit5, r.Hit20, r.MRR20 = tally.h1/n, tally.h5/n, tally.h20/n, tally.mrr/n
	r.MSPerQ = float64(time.Since(t0).Microseconds()) / 1000 / n
	for _, hr := range r.ByDocument {
		hr.Hit1 /= float64(hr.Questions)
		hr.Hit5 /= float64(hr.Questions)
	}
	return r, nil
}

// chunkStats loads and chunks the folder as the index does and counts what
// the clause check relies on: files left out, documents without chunks,
// lead-ins cut from their lists, chunk sizes.
func chunkStats(ctx context.Context, docs fs.FS, r *clauseReport) error {
	corpus, err := knowledge.Load(ctx, docs)
	if err != nil {
		return err
	}
	r.Documents = len(corpus.Docs)
	for _, s := range corpus.Skipped {
		r.Skipped = append(r.Skipped, s.String())
	}
	for _, d := range corpus.Docs {
		chunks := knowledge.Chunks(d)
		if len(chunks) == 0 {
			r.NoChunks = append(r.NoChunks, d.ID)
		}
		r.Chunks += len(chunks)
		for _, c := range chunks {
			r.LongestChunk = max(r.LongestChunk, utf8.RuneCountInString(c.Text))
			t := strings.TrimSpace(c.Text)
			if (strings.HasSuffix(t, "：") || strings.HasSuffix(t, ":")) && len(knowledge.Sentences(t)) == 1 {
				r.LeadInOnly++
			}
		}
	}
	return nil
}

// clause is a supporting clause, normalised, with its distinct bigrams.
type clause struct {
	text    string
	bigrams map[string]bool
}

// supports reports whether a result's text holds one of the clauses: the
// whole clause, whitespace- and punctuation-insensitively, or at least
// clauseOverlap of its distinct character bigrams (a clause split across
// chunks). This is the rule of ../shared/corpus/score.py.
func supports(clauses []clause, text string) bool {
	t := clauseNorm(text)
	var tb map[string]bool
	for _, c := range clauses {
		if strings.Contains(t, c.text) {
			return true
		}
		if tb == nil {
			tb = bigramSet(t)
		}
		common := 0
		for b := range c.bigrams {
			if tb[b] {
				common++
			}
		}
		if float64(common) >= clauseOverlap*float64(len(c.bigrams)) {
			return true
		}
	}
	return false
}

// clauseNorm is NFKC, lower case, without white space, punctuation,
// symbols and control characters.
func clauseNorm(s string) string {
	var b strings.Builder
	for _, r := range unorm.NFKC.String(s) {
		if unicode.In(r, unicode.P, unicode.Z, unicode.S, unicode.C) || unicode.IsSpace(r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// bigramSet is the set of distinct two-rune substrings of s (s itself when
// shorter).
func bigramSet(s string) map[string]bool {
	rs := []rune(s)
	set := make(map[string]bool, len(rs))
	if len(rs) < 2 {
		set[s] = true
		return set
	}
	for i := 0; i+1 < len(rs); i++ {
		set[string(rs[i:i+2])] = true
	}
	return set
}

func (r *clauseReport) text(w io.Writer) {
	fmt.Fprintf(w, "documents %d, skipped %d, without chunks %d; chunks %d (lead-in only %d, longest %d runes)\n",
		r.Documents, len(r.Skipped), len(r.NoChunks), r.Chunks, r.LeadInOnly, r.LongestChunk)
	for _, s := range r.Skipped {
		fmt.Fprintf(w, "  skipped %s\n", s)
	}
	for _, d := range r.NoChunks {
		fmt.Fprintf(w, "  no chunks: %s\n", d)
	}
	fmt.Fprintf(w, "questions %d: clause hit@1 %.3f  hit@5 %.3f  hit@20 %.3f  MRR@20 %.3f\n", r.Questions, r.Hit1, r.Hit5, r.Hit20, r.MRR20)
	fmt.Fprintf(w, "index build %.2f s; %.2f ms per question\n", r.IndexS, r.MSPerQ)
	docs := make([]string, 0, len(r.ByDocument))
	for d := range r.ByDocument {
		docs = append(docs, d)
	}
	sort.Slice(docs, func(i, j int) bool {
		a, b := r.ByDocument[docs[i]], r.ByDocument[docs[j]]
		if a.Hit5 != b.Hit5 {
			return a.Hit5 < b.Hit5
		}
		return docs[i] < docs[j]
	})
	fmt.Fprintln(w, "weakest documents (hit@5):")
	for _, d := range docs[:min(5, len(docs))] {
		hr := r.ByDocument[d]
		fmt.Fprintf(w, "  %.2f  %d q  %s\n", hr.Hit5, hr.Questions, d)
	}
	if len(r.Misses) > 0 {
		fmt.Fprintf(w, "not in the top 5 (%d):\n", len(r.Misses))
		for _, m := range r.Misses {
			fmt.Fprintf(w, "  %s rank %d %s\n      top: %s\n", m.ID, m.Rank, m.Question, m.Top)
		}
	}
}
