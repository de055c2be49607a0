// Package answer turns retrieved evidence into a grounded answer with
// checked citations: extractively (the sentence that best covers the
// question, quoted and cited), or written by an LLM through the Chat
// interface, whose citations and figures are checked against the sources.
package answer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/policybot/policybot/knowledge"
	"github.com/policybot/policybot/retrieval"
)

// Options configure an Answerer.
type Options struct {
	// Chat writes answers with an LLM; nil answers extractively.
	Chat Chat
	// Budget bounds the remote work of one answer — the query rewrite,
	// the question's embedding, the LLM's attempts and its stream — from
	// the moment Ask starts. When it is spent the extractive answer goes
	// out, with a note. Default DefaultBudget.
	Budget time.Duration
	Logger *slog.Logger
}

// DefaultBudget is the answer budget when none is set.
const DefaultBudget = 20 * time.Second

// ErrBudgetSpent is the cause of an LLM call cut short by the answer budget.
var ErrBudgetSpent = errors.New("the answer budget is spent")

// Answerer answers questions from the evidence a retrieval engine finds:
// extractively, or with an LLM whose citations and figures it checks.
type Answerer struct {
	eng    *retrieval.Engine
	lang   *retrieval.Language
	chat   Chat
	budget time.Duration
	log    *slog.Logger
}

// New returns an Answerer over eng.
func New(eng *retrieval.Engine, opts Options) *Answerer {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	budget := opts.Budget
	if budget <= 0 {
		budget = DefaultBudget
	}
	return &Answerer{eng: eng, lang: eng.Language(), chat: opts.Chat, budget: budget, log: log}
}

// Path names what produced an answer.
type Path string

const (
	PathExtractive Path = "extractive"
	PathLLM        Path = "llm"
	PathDeclined   Path = "declined"
)

// Citation is a source an answer cites as [N].
type Citation struct {
	N       int     `json:"n"`
	Doc     string  `json:"doc"`
	Title   string  `json:"title"`
	Section string  `json:"section,omitempty"`
	Date    string  `json:"date,omitempty"`
	Page    int     `json:"page,omitempty"`
	Text    string  `json:"text"`
	Score   float64 `json:"score"`
	Chunk   string  `json:"chunk"`
}

// Answer is the reply to a question.
type Answer struct {
	Question  string     `json:"question"`
	Text      string     `json:"answer"`
	Short     string     `json:"short,omitempty"` // the figure or phrase that answers, when found
	Answered  bool       `json:"answered"`
	Citations []Citation `json:"citations"`
	Path      Path       `json:"path"`
	Script    string     `json:"script"`
	// Evidence is everything retrieved, cited or not, for the answer log.
	Evidence []retrieval.Evidence  `json:"-"`
	Expanded []retrieval.Expansion `json:"expanded,omitempty"`
	// Missing are the question's key words that have no counterpart in the
	// knowledge base (an unknown name, an untranslated English word).
	Missing []string `json:"missing,omitempty"`
	// LLM details, when the LLM path ran.
	Model            string   `json:"model,omitempty"`
	PromptTokens     int      `json:"prompt_tokens,omitempty"`
	CompletionTokens int      `json:"completion_tokens,omitempty"`
	DroppedCitations []string `json:"dropped_citations,omitempty"`
	Note             string   `json:"note,omitempty"` // e.g. why the LLM answer is unavailable
	// DeclineReason says why a declined question was declined: coverage
	// (the evidence covers too little of it), unknown (words the knowledge
	// base never uses), place, year, document, code (the evidence is about
	// another one), figure (no number for a how-many question), premise
	// (the evidence contradicts the question: 六大先导产业 where it says
	// 三大), vague (too short to ask anything: "标准"), llm.
	DeclineReason string  `json:"decline_reason,omitempty"`
	Timings       Timings `json:"timings"`
}

// Timings are the stages of answering, in milliseconds.
type Timings struct {
	RetrieveMS float64 `json:"retrieve_ms"`
	AnswerMS   float64 `json:"answer_ms"`
	TotalMS    float64 `json:"total_ms"`
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// Question is what an asker sent.
type Question struct {
	Text string
	// Context is the thread's earlier questions, oldest first, for a
	// follow-up (at most MaxContext are used).
	Context []string
	// Offline forces the extractive path even with an LLM configured.
	Offline bool
	// Stream, when set, receives the answer text so far as an LLM writes it.
	Stream func(partial string)
}

// MaxQuestionRunes bounds a question; longer ones are cut.
const MaxQuestionRunes = 1000

// MaxContext is how many earlier questions of a thread a follow-up uses.
const MaxContext = 3

// Ask answers a question from the current index.
func (an *Answerer) Ask(ctx context.Context, qu Question) (Answer, error) {
	start := time.Now()
	ix := an.eng.Current()
	if ix == nil {
		return Answer{}, retrieval.ErrNotReady
	}
	text := strings.TrimSpace(qu.Text)
	if utf8.RuneCountInString(text) > MaxQuestionRunes {
		text = string([]rune(text)[:MaxQuestionRunes])
	}
	if text == "" {
		return Answer{Text: "Ask a question about the policy documents, e.g. 上海承担了多少个ISO/IEC秘书处？",
			Citations: []Citation{}, Path: PathDeclined, Script: knowledge.ScriptUnknown.String()}, nil
	}
	// One budget for everything remote in this answer; the extractive
	// answer needs none of it.
	remote, cancel := context.WithTimeoutCause(ctx, an.budget, fmt.Errorf("%w (%s)", ErrBudgetSpent, an.budget))
	defer cancel()
	q := an.eng.Analyze(ix, text)
	if len(qu.Context) > 0 && q.FollowUp() {
		q = an.followUp(ix, q, qu.Context[max(0, len(qu.Context)-MaxContext):])
	}
	if len(qu.Context) == 0 && vague(text) {
		// "标准", "x": nothing asked; any passage would be a guess.
		return Answer{Text: vagueText(q.Script), Question: text, Citations: []Citation{}, Path: PathDeclined,
			DeclineReason: "vague", Script: q.Script.String(), Timings: Timings{TotalMS: ms(time.Since(start))}}, nil
	}
	if an.chat != nil && !qu.Offline && q.English {
		an.rewrite(remote, ix, q)
	}
	ev, err := an.eng.SearchQuery(remote, ix, an.searchable(q), retrieval.DefaultTopK)
	if err != nil {
		return Answer{}, err
	}
	retrieved := time.Now()
	a := an.extractive(ix, q, ev)
	if an.chat != nil && !qu.Offline && len(ev) > 0 {
		a = an.generate(remote, q, ev, a, qu.Stream)
	}
	a.Question = text
	a.Script = q.Script.String()
	a.Evidence = ev
	a.Expanded = q.Expanded
	a.Missing = q.Missing
	if !a.Answered {
		a.Path, a.Citations, a.Short = PathDeclined, nil, ""
	}
	if a.Citations == nil {
		a.Citations = []Citation{}
	}
	a.Timings = Timings{RetrieveMS: ms(retrieved.Sub(start)), AnswerMS: ms(time.Since(retrieved)), TotalMS: ms(time.Since(start))}
	return a, nil
}

// searchable is the query to retrieve with: the question's, less the
// words of an opening that says where the answer was said ("According to
// the Jiaxing report, …" searches Jiaxing, not reports), places kept.
func (an *Answerer) searchable(q *retrieval.Query) *retrieval.Query {
	src := an.sourceTokens(q)
	if len(src) == 0 {
		return q
	}
	for _, p := range q.Places {
		for _, t := range retrieval.Tokens(nil, an.lang.Fold(p)) {
			delete(src, t)
		}
	}
	s := *q
	s.Terms = slices.DeleteFunc(slices.Clone(q.Terms), func(t retrieval.Term) bool { return src[t.Text] })
	if len(s.Terms) == 0 {
		return q
	}
	return &s
}

// vague reports whether a question is too short to ask anything: at most
// two Chinese characters and fewer than four Latin letters ("标准", "上海",
// "x", "hi"). A follow-up in a thread ("上海呢？") is not vague.
func vague(text string) bool {
	han, latin := 0, 0
	for _, r := range text {
		switch {
		case unicode.Is(unicode.Han, r):
			han++
		case r < utf8.RuneSelf && unicode.IsLetter(r):
			latin++
		}
	}
	return han <= 2 && latin < 4 && han+latin > 0 || han+latin == 0
}

// vagueText asks for a whole question, in the asker's language.
func vagueText(s knowledge.Script) string {
	switch s {
	case knowledge.ScriptSimplified:
		return "请把问题说完整一些，例如：上海承担了多少个ISO/IEC秘书处？"
	case knowledge.ScriptTraditional:
		return "請把問題說完整一些，例如：上海承擔了多少個ISO/IEC秘書處？"
	}
	return "Please ask a whole question about the policy documents, e.g. How many ISO/IEC secretariats does Shanghai hold?"
}

// followUp merges a thread's earlier questions (oldest first) into a short
// follow-up, newest first, so the nearest places win and a "how many"
// anywhere in the thread carries on. Merge adds each earlier question's new
// terms at half weight; the thread's terms share that half, so that the
// follow-up's own words still choose the clause that answers
// ("市级标委会呢？" after "…多少个ISO/IEC秘书处？" and "那全国标委会秘书处呢？"
// leads with 44个, not the 117个 of the step before).
func (an *Answerer) followUp(ix *retrieval.Index, q *retrieval.Query, context []string) *retrieval.Query {
	own := make(map[string]bool, len(q.Terms))
	for _, t := range q.Terms {
		own[t.Text] = true
	}
	n := 0
	for i := len(context) - 1; i >= 0; i-- {
		if prev := strings.TrimSpace(context[i]); prev != "" {
			q = q.Merge(an.eng.Analyze(ix, prev))
			n++
		}
	}
	if n > 1 {
		terms := make([]retrieval.Term, len(q.Terms))
		for i, t := range q.Terms {
			if !own[t.Text] {
				t.Weight /= float64(n)
			}
			terms[i] = t
		}
		q.Terms = terms
	}
	return q
}
