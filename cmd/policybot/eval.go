package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing/fstest"
	"time"
	"unicode"

	"github.com/policybot/policybot/retrieval"
	"github.com/policybot/policybot/retrieval/answer"
)

// qaItem is a line of an answer QA file (see ../shared/eval/README.md).
type qaItem struct {
	ID         string `json:"id"`
	Lang       string `json:"lang"`
	Question   string `json:"question"`
	Answerable *bool  `json:"answerable"`
	// Answers is a list of groups of alternatives in answer QA files; the
	// retrieval sets give a flat list, which is read as one group.
	Answers   answerGroups `json:"answers"`
	Evidence  []string     `json:"evidence"`
	PassageID string       `json:"passage_id"`
	Kind      string       `json:"kind"` // what the question asks: count, date, place-swap …
	// Clauses are the texts that support the answer, in a clause-level QA
	// file over a document folder (../shared/corpus); Document names the
	// document they come from.
	Clauses  []string `json:"clauses"`
	Document string   `json:"document"`
}

type answerGroups [][]string

func (g *answerGroups) UnmarshalJSON(b []byte) error {
	var groups [][]string
	if err := json.Unmarshal(b, &groups); err == nil {
		*g = groups
		return nil
	}
	var flat []string
	if err := json.Unmarshal(b, &flat); err != nil {
		return fmt.Errorf("answers: want [[...]] or [...]: %w", err)
	}
	*g = answerGroups{flat}
	return nil
}

// runEval scores answers over a QA file (--qa), passage retrieval over a
// passage set (--passages with --qa), or clause retrieval over the
// knowledge folder (--qa whose questions carry "clauses").
func runEval(ctx context.Context, a *app, args []string) error {
	common := commonFlags{quiet: true}
	fs := newFlagSet(a, "eval", "")
	common.register(fs)
	qaPath := fs.String("qa", "", "QA file (JSONL)")
	passages := fs.String("passages", "", "passages file (JSONL {id,title,text}): score retrieval instead of answers")
	minScore := fs.Float64("min", 0, "exit non-zero when the score (answer accuracy, or hit@1 for retrieval) is below this fraction")
	minAnswered := fs.Float64("min-answered", 0, "exit non-zero when fewer of the answerable questions than this fraction are answered right with their evidence cited")
	minDeclined := fs.Float64("min-declined", 0, "exit non-zero when fewer of the unanswerable questions than this fraction are declined")
	offline := fs.Bool("offline", false, "answer extractively even if an LLM is configured")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	verbose := fs.Bool("v", false, "print every item (answers) or every miss (retrieval)")
	limit := fs.Int("limit", 0, "score only the first N questions")
	idsPath := fs.String("ids", "", "score only the questions whose ids this file lists, one a line")
	if err := a.parse(fs, &common, args); err != nil {
		return err
	}
	if *qaPath == "" {
		return fmt.Errorf("%w: --qa FILE is required", errUsage)
	}
	items, err := readQA(*qaPath)
	if err != nil {
		return err
	}
	if *idsPath != "" {
		if items, err = filterIDs(items, *idsPath); err != nil {
			return err
		}
	}
	if *limit > 0 && *limit < len(items) {
		items = items[:*limit]
	}
	var score float64
	switch {
	case *passages == "" && len(items[0].Clauses) > 0:
		r, err := evalClauses(ctx, a, items, *offline, *verbose)
		if err != nil {
			return err
		}
		score = r.Hit1
		if err := report(a.stdout, r, *asJSON); err != nil {
			return err
		}
	case *passages != "":
		r, err := evalRetrieval(ctx, a, *passages, items, *offline, *verbose)
		if err != nil {
			return err
		}
		score = r.Hit1
		if err := report(a.stdout, r, *asJSON); err != nil {
			return err
		}
	default:
		e, err := newEngine(ctx, a, *offline)
		if err != nil {
			return err
		}
		r, err := evalAnswers(ctx, e, items, *offline, *verbose, a.stdout)
		if err != nil {
			return err
		}
		score = r.Score
		if err := report(a.stdout, r, *asJSON); err != nil {
			return err
		}
		if got := ratio(r.AnsweredRight, r.Answerable); r.Answerable > 0 && got < *minAnswered {
			return fmt.Errorf("%w: answerable questions answered right %.3f < %.3f", errBelowMin, got, *minAnswered)
		}
		if got := ratio(r.Refused, r.Unanswerable); r.Unanswerable > 0 && got < *minDeclined {
			return fmt.Errorf("%w: unanswerable questions declined %.3f < %.3f", errBelowMin, got, *minDeclined)
		}
	}
	if score < *minScore {
		return fmt.Errorf("%w: %.3f < %.3f", errBelowMin, score, *minScore)
	}
	return nil
}

type reporter interface{ text(w io.Writer) }

func report(w io.Writer, r reporter, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	r.text(w)
	return nil
}

// filterIDs keeps the items whose ids the file lists, one a line.
func filterIDs(items []qaItem, path string) ([]qaItem, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("ids file: %w", err)
	}
	keep := make(map[string]bool)
	for _, l := range strings.Split(string(raw), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			keep[l] = true
		}
	}
	var out []qaItem
	for _, it := range items {
		if keep[it.ID] {
			out = append(out, it)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("ids file %s names none of the questions", path)
	}
	return out, nil
}

func readQA(path string) ([]qaItem, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("qa file: %w", err)
	}
	defer f.Close()
	var items []qaItem
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var it qaItem
		if err := json.Unmarshal([]byte(line), &it); err != nil {
			return nil, fmt.Errorf("qa file %s line %d: %w", path, n, err)
		}
		items = append(items, it)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("qa file: %w", err)
	}
	if len(items) == 0 {
		return nil, fmt.Errorf("qa file %s has no questions", path)
	}
	return items, nil
}

// answerReport is the outcome of an answer evaluation.
type answerReport struct {
	Questions     int     `json:"questions"`
	Correct       int     `json:"correct"` // right answer with grounded evidence, or a right refusal
	Score         float64 `json:"score"`
	Answerable    int     `json:"answerable"`
	AnswerOK      int     `json:"answer_ok"`
	EvidenceFirst int     `json:"evidence_first"`
	EvidenceAny   int     `json:"evidence_any"`
	FalseRefusals int     `json:"false_refusals"`
	// AnsweredRight counts answerable questions answered right with their
	// evidence cited.
	AnsweredRight int `json:"answered_right"`
	Unanswerable  int `json:"unanswerable"`
	Refused       int `json:"refused"`
	// FigureWrong counts right-looking answers whose own words (before the
	// first quote) state a figure other than the expected one.
	FigureWrong int                    `json:"figure_wrong"`
	ByLang      map[string]*langReport `json:"by_lang"`
	ByKind      map[string]*langReport `json:"by_kind"`
	// Declines counts the reasons of declines: right refusals and false
	// ones (prefixed "false:").
	Declines      map[string]int `json:"declines"`
	Paths         map[string]int `json:"paths"`
	MSPerQuestion float64        `json:"ms_per_question"`
	Misses        []string       `json:"misses,omitempty"`
}

type langReport struct {
	Questions int `json:"questions"`
	Correct   int `json:"correct"`
}

// norm folds text the way the grader compares it: script, case, pinyin,
// and only letters and digits kept.
//
// Like the shared grader it converts script character by character and
// phrase by phrase, without Taiwan wording: Fold would read 標準數位列全省第二
// as 数字列 (數位, "digital"), and lose the 位列 a reviewer's evidence quotes.
func norm(e *knowledgeBase, s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(e.Language().ToSimplified(s)) {
		if unicode.IsLetter(r) || unicode.IsNumber(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func evalAnswers(ctx context.Context, e *knowledgeBase, items []qaItem, offline, verbose bool, w io.Writer) (*answerReport, error) {
	r := &answerReport{ByLang: make(map[string]*langReport), ByKind: make(map[string]*langReport),
		Declines: make(map[string]int), Paths: make(map[string]int)}
	start := time.Now()
	for _, it := range items {
		ans, err := e.Ask(ctx, answer.Question{Text: it.Question, Offline: offline})
		if err != nil {
			return nil, fmt.Errorf("ask %s: %w", it.ID, err)
		}
		r.Questions++
		r.Paths[string(ans.Path)]++
		lang := r.ByLang[it.Lang]
		if lang == nil {
			lang = &langReport{}
			r.ByLang[it.Lang] = lang
		}
		lang.Questions++
		kind := r.ByKind[it.Kind]
		if kind == nil && it.Kind != "" {
			kind = &langReport{}
			r.ByKind[it.Kind] = kind
		}
		if kind != nil {
			kind.Questions++
		}
		ok := false
		answerable := it.Answerable == nil || *it.Answerable
		if answerable {
			r.Answerable++
			a := norm(e, ans.Text)
			own := leadWords(ans.Text)
			answerOK, figureOK := ans.Answered, true
			for _, group := range it.Answers {
				hit, figHit := false, false
				for _, alt := range group {
					if strings.Contains(a, norm(e, alt)) {
						hit = true
						figHit = figHit || statesNumbers(own, alt)
					}
				}
				answerOK = answerOK && hit
				figureOK = figureOK && (!hit || figHit)
			}
			if answerOK && !figureOK {
				r.FigureWrong++
				answerOK = false
			}
			first, any := false, false
			for j, c := range ans.Citations {
				t := norm(e, c.Text)
				for _, ev := range it.Evidence {
					if strings.Contains(t, norm(e, ev)) {
						any = true
						first = first || j == 0
					}
				}
			}
			if !ans.Answered {
				r.FalseRefusals++
				r.Declines["false:"+nonEmpty(ans.DeclineReason, "llm")]++
			}
			if answerOK {
				r.AnswerOK++
			}
			if first {
				r.EvidenceFirst++
			}
			if any {
				r.EvidenceAny++
			}
			ok = answerOK && any
			if ok {
				r.AnsweredRight++
			}
		} else {
			r.Unanswerable++
			if !ans.Answered {
				r.Refused++
				r.Declines[nonEmpty(ans.DeclineReason, "llm")]++
			}
			ok = !ans.Answered
		}
		if ok {
			r.Correct++
			lang.Correct++
			if kind != nil {
				kind.Correct++
			}
		} else {
			r.Misses = append(r.Misses, it.ID)
		}
		if verbose {
			mark := "ok  "
			if !ok {
				mark = "MISS"
			}
			fmt.Fprintf(w, "%s %s [%s] %s\n     -> %s%s: %s\n", mark, it.ID, it.Lang, it.Question, ans.Path, nonEmpty(" ("+ans.DeclineReason+")", ""), oneLine(ans.Text, 120))
		}
	}
	r.Score = float64(r.Correct) / float64(r.Questions)
	r.MSPerQuestion = float64(time.Since(start).Microseconds()) / 1000 / float64(r.Questions)
	return r, nil
}

// leadWords is an answer's own words, before it first quotes a source.
func leadWords(s string) string {
	if i := strings.IndexAny(s, "“「\""); i >= 0 {
		return s[:i]
	}
	return s
}

var wholeNumberRe = regexp.MustCompile(`[0-9]+(?:\.[0-9]+)?`)

// statesNumbers reports whether the numbers of an expected answer are the
// ones an answer's own words state, when both state numbers (the grader's
// -strict rule): "9项。依据：“…155项…”" does not answer 155.
func statesNumbers(own, want string) bool {
	have := wholeNumberRe.FindAllString(own, -1)
	need := wholeNumberRe.FindAllString(want, -1)
	if len(have) == 0 || len(need) == 0 {
		return true
	}
	for _, n := range need {
		if !slices.Contains(have, n) {
			return false
		}
	}
	return true
}

func ratio(n, of int) float64 { return float64(n) / float64(of) }

func nonEmpty(s, or string) string {
	if s == "" {
		return or
	}
	return s
}

func oneLine(s string, n int) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if rs := []rune(s); len(rs) > n {
		return string(rs[:n]) + "…"
	}
	return s
}

func (r *answerReport) text(w io.Writer) {
	fmt.Fprintf(w, "score %d/%d (%.1f%%)\n", r.Correct, r.Questions, 100*r.Score)
	fmt.Fprintf(w, "answerable %d: answer right %d, evidence cited first %d, cited anywhere %d, wrongly refused %d\n",
		r.Answerable, r.AnswerOK, r.EvidenceFirst, r.EvidenceAny, r.FalseRefusals)
	fmt.Fprintf(w, "unanswerable %d: refused %d\n", r.Unanswerable, r.Refused)
	if r.Answerable > 0 && r.Unanswerable > 0 {
		fmt.Fprintf(w, "answerable answered right with evidence %.1f%%, unanswerable declined %.1f%%\n",
			100*ratio(r.AnsweredRight, r.Answerable), 100*ratio(r.Refused, r.Unanswerable))
	}
	if r.FigureWrong > 0 {
		fmt.Fprintf(w, "wrong figure in the answer's own words: %d\n", r.FigureWrong)
	}
	for _, by := range []map[string]*langReport{r.ByLang, r.ByKind} {
		keys := make([]string, 0, len(by))
		for k := range by {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(w, "  %-14s %d/%d\n", k, by[k].Correct, by[k].Questions)
		}
	}
	if len(r.Declines) > 0 {
		keys := make([]string, 0, len(r.Declines))
		for k := range r.Declines {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var parts []string
		for _, k := range keys {
			parts = append(parts, fmt.Sprintf("%s %d", k, r.Declines[k]))
		}
		fmt.Fprintf(w, "declines by reason: %s\n", strings.Join(parts, ", "))
	}
	fmt.Fprintf(w, "paths %v, %.1f ms per question\n", r.Paths, r.MSPerQuestion)
	if len(r.Misses) > 0 {
		fmt.Fprintf(w, "misses: %s\n", strings.Join(r.Misses, " "))
	}
}

// retrievalReport is the outcome of a passage-retrieval evaluation.
type retrievalReport struct {
	Passages   int                   `json:"passages"`
	Chunks     int                   `json:"chunks"`
	Questions  int                   `json:"questions"`
	Hit1       float64               `json:"hit@1"`
	Hit5       float64               `json:"hit@5"`
	Hit20      float64               `json:"hit@20"`
	MRR20      float64               `json:"mrr@20"`
	IndexS     float64               `json:"index_seconds"`
	MSPerQ     float64               `json:"ms_per_question"`
	P50MS      float64               `json:"p50_ms"`
	P95MS      float64               `json:"p95_ms"`
	ByScript   map[string]*hitReport `json:"by_script"`
	ByQuantity map[string]*hitReport `json:"by_kind"`
}

type hitReport struct {
	Questions int     `json:"questions"`
	Hit1      float64 `json:"hit@1"`
	Hit5      float64 `json:"hit@5"`
}

// evalRetrieval indexes the passages in memory and ranks each question's
// passage among distinct documents.
func evalRetrieval(ctx context.Context, a *app, passagesPath string, items []qaItem, offline, verbose bool) (*retrievalReport, error) {
	raw, err := os.ReadFile(passagesPath)
	if err != nil {
		return nil, fmt.Errorf("passages: %w", err)
	}
	_, emb, err := llmParts(a, offline, "") // retrieval only: no generator; the index is in memory
	if err != nil {
		return nil, err
	}
	e, err := retrieval.New(retrieval.Options{
		Docs:     fstest.MapFS{"passages.jsonl": {Data: raw}},
		Embedder: emb,
		Logger:   a.log,
	})
	if err != nil {
		return nil, err
	}
	start := time.Now()
	if _, err := e.Open(ctx); err != nil {
		return nil, fmt.Errorf("index passages: %w", err)
	}
	r := &retrievalReport{IndexS: time.Since(start).Seconds(), Passages: len(e.Current().Docs()), Chunks: e.Current().Len(),
		ByScript: make(map[string]*hitReport), ByQuantity: make(map[string]*hitReport)}
	var lat []float64
	var tally rankTally
	for _, it := range items {
		if it.PassageID == "" {
			return nil, fmt.Errorf("question %s has no passage_id", it.ID)
		}
		t0 := time.Now()
		ev, err := e.Search(ctx, it.Question, 60)
		if err != nil {
			return nil, fmt.Errorf("search %s: %w", it.ID, err)
		}
		lat = append(lat, float64(time.Since(t0).Microseconds())/1000)
		rank := 0
		seen := make(map[string]bool)
		for _, v := range ev {
			if seen[v.Chunk.DocID] {
				continue
			}
			seen[v.Chunk.DocID] = true
			if v.Chunk.DocID == it.PassageID {
				rank = len(seen)
				break
			}
			if len(seen) >= 20 {
				break
			}
		}
		tally.add(rank)
		for _, b := range []struct {
			m   map[string]*hitReport
			key string
		}{{r.ByScript, scriptOf(e, it.Question)}, {r.ByQuantity, kindOf(it.Question)}} {
			hr := b.m[b.key]
			if hr == nil {
				hr = &hitReport{}
				b.m[b.key] = hr
			}
			hr.Questions++
			hr.Hit1 += within(rank, 1)
			hr.Hit5 += within(rank, 5)
		}
		if verbose && rank != 1 {
			top := ""
			if len(ev) > 0 {
				top = ev[0].Chunk.DocID
			}
			fmt.Fprintf(a.stdout, "MISS %s rank=%d want=%s top=%s %s\n", it.ID, rank, it.PassageID, top, it.Question)
		}
	}
	n := float64(len(items))
	r.Questions = len(items)
	r.Hit1, r.Hit5, r.Hit20, r.MRR20 = tally.h1/n, tally.h5/n, tally.h20/n, tally.mrr/n
	for _, m := range []map[string]*hitReport{r.ByScript, r.ByQuantity} {
		for _, hr := range m {
			hr.Hit1 /= float64(hr.Questions)
			hr.Hit5 /= float64(hr.Questions)
		}
	}
	var sum float64
	for _, l := range lat {
		sum += l
	}
	r.MSPerQ = sum / n
	sort.Float64s(lat)
	r.P50MS = lat[len(lat)/2]
	r.P95MS = lat[min(len(lat)-1, len(lat)*95/100)]
	return r, nil
}

func scriptOf(e *retrieval.Engine, q string) string { return e.Script(q) }

// kindOf buckets questions by what they ask, for the breakdown.
func kindOf(q string) string {
	lq := strings.ToLower(q)
	for _, k := range []string{"多少", "几", "how many", "how much"} {
		if strings.Contains(lq, k) {
			return "quantity"
		}
	}
	for _, k := range []string{"哪一年", "何时", "什么时候", "哪年", "when", "what year"} {
		if strings.Contains(lq, k) {
			return "time"
		}
	}
	for _, k := range []string{"谁", "who"} {
		if strings.Contains(lq, k) {
			return "person"
		}
	}
	return "other"
}

func (r *retrievalReport) text(w io.Writer) {
	fmt.Fprintf(w, "passages %d (%d chunks), questions %d\n", r.Passages, r.Chunks, r.Questions)
	fmt.Fprintf(w, "hit@1 %.3f  hit@5 %.3f  hit@20 %.3f  MRR@20 %.3f\n", r.Hit1, r.Hit5, r.Hit20, r.MRR20)
	fmt.Fprintf(w, "index build %.2f s; query %.2f ms mean, p50 %.2f ms, p95 %.2f ms\n", r.IndexS, r.MSPerQ, r.P50MS, r.P95MS)
	for _, b := range []struct {
		name string
		m    map[string]*hitReport
	}{{"by script", r.ByScript}, {"by kind", r.ByQuantity}} {
		keys := make([]string, 0, len(b.m))
		for k := range b.m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		fmt.Fprintf(w, "%s:", b.name)
		for _, k := range keys {
			hr := b.m[k]
			fmt.Fprintf(w, "  %s %d q hit@1 %.3f hit@5 %.3f;", k, hr.Questions, hr.Hit1, hr.Hit5)
		}
		fmt.Fprintln(w)
	}
}

// rankTally sums, over questions, whether the first supporting passage
// ranked within 1, 5 and 20, and its reciprocal rank (0 when none did).
type rankTally struct{ h1, h5, h20, mrr float64 }

// add counts one question whose first supporting passage ranked rank (1
// the best; 0 when none was found).
func (t *rankTally) add(rank int) {
	t.h1 += within(rank, 1)
	t.h5 += within(rank, 5)
	t.h20 += within(rank, 20)
	if rank > 0 {
		t.mrr += 1 / float64(rank)
	}
}

// within is 1 when rank (0: not found) is within the first k, else 0.
func within(rank, k int) float64 {
	if rank > 0 && rank <= k {
		return 1
	}
	return 0
}
