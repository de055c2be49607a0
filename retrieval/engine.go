// Package retrieval answers questions from the knowledge base: it keeps the
// index (a BM25 lexical leg and a chromem-go vector leg, fused), finds the
// evidence for a question and writes a grounded answer with citations,
// extractively offline or with an LLM when one is configured.
package retrieval

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/policybot/policybot/knowledge"
	"github.com/policybot/policybot/retrieval/gazetteer"
	"github.com/policybot/policybot/retrieval/lexicon"
	"github.com/policybot/policybot/retrieval/pinyin"
)

// Options configure an Engine.
type Options struct {
	// Docs is the knowledge folder; nil means the seed documents shipped
	// with policybot.
	Docs fs.FS
	// DataDir is where the index is persisted; empty keeps it in memory.
	DataDir string
	// Embedder embeds chunks and questions; nil means the local HashEmbedder.
	Embedder Embedder
	// Progress, if set, is told how embedding advances during a build.
	Progress func(done, total int)
	Logger   *slog.Logger
	// Language holds the script converters and the bilingual lexicon; nil
	// loads them (about 0.1 s). Engines may share one.
	Language *Language
	// Limits bound the reading of each knowledge file, on reload and on
	// upload (see knowledge.Limits); the zero value means the defaults.
	Limits knowledge.Limits
}

// Language is the read-only linguistic data an engine needs: script folding,
// Simplified → Traditional conversion and the English → Chinese lexicon.
type Language struct {
	folder *knowledge.Folder
	trad   *knowledge.Converter
	lex    *lexicon.Lexicon
	py     *pinyin.Table
	gaz    *gazetteer.Gazetteer
}

// Fold is the matching form of text: Simplified (with Taiwan phrases),
// half-width, lowercased, pinyin annotations dropped, whitespace collapsed.
func (l *Language) Fold(s string) string { return l.folder.Fold(s) }

// ToSimplified converts Traditional characters to Simplified ones,
// character by character (quotes keep the source's words).
func (l *Language) ToSimplified(s string) string { return l.folder.ToSimplified(s) }

// ToTraditional converts Simplified text to Traditional.
func (l *Language) ToTraditional(s string) string { return l.trad.Convert(s) }

// Script detects the script of text.
func (l *Language) Script(s string) knowledge.Script { return l.folder.DetectScript(s) }

// LoadLanguage loads the embedded dictionaries.
func LoadLanguage() (*Language, error) {
	folder, err := knowledge.NewTextFolder()
	if err != nil {
		return nil, fmt.Errorf("script folding: %w", err)
	}
	trad, err := knowledge.NewTraditionalizer()
	if err != nil {
		return nil, fmt.Errorf("script conversion: %w", err)
	}
	lex, err := lexicon.New()
	if err != nil {
		return nil, fmt.Errorf("bilingual lexicon: %w", err)
	}
	py, err := pinyin.New()
	if err != nil {
		return nil, err
	}
	gaz, err := gazetteer.New()
	if err != nil {
		return nil, fmt.Errorf("gazetteer: %w", err)
	}
	return &Language{folder: folder, trad: trad, lex: lex, py: py, gaz: gaz}, nil
}

// Engine serves questions from the current index generation and rebuilds it
// on reload. Its methods are safe for concurrent use; reloads are serialised
// and never interrupt questions.
type Engine struct {
	log      *slog.Logger
	docs     fs.FS
	store    *store
	lang     *Language
	folder   *knowledge.Folder
	lex      *lexicon.Lexicon
	py       *pinyin.Table
	embedder Embedder
	local    *HashEmbedder // for query features when the embedder is local
	progress func(done, total int)
	loader   knowledge.Loader

	cur      atomic.Pointer[Index]
	seen     atomic.Pointer[string] // folder fingerprint at the last reload
	reloadMu sync.Mutex
	scratch  sync.Pool // *scratch for BM25
}

// New builds an Engine from its parts. It does not load or build an index:
// call Open.
func New(opts Options) (*Engine, error) {
	lang := opts.Language
	if lang == nil {
		var err error
		if lang, err = LoadLanguage(); err != nil {
			return nil, err
		}
	}
	folder := lang.folder
	e := &Engine{log: opts.Logger, docs: opts.Docs, lang: lang, folder: folder, lex: lang.lex, py: lang.py,
		embedder: opts.Embedder, progress: opts.Progress, loader: knowledge.Loader{Limits: opts.Limits}}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	if e.docs == nil {
		e.docs = knowledge.Seeds()
	}
	if e.embedder == nil {
		e.local = NewHashEmbedder(DefaultDim, folder.Fold)
		e.embedder = e.local
	} else if h, ok := e.embedder.(*HashEmbedder); ok {
		e.local = h
	}
	if opts.DataDir != "" {
		e.store = &store{dir: opts.DataDir}
	}
	return e, nil
}

// Language is the engine's script folding and conversion.
func (e *Engine) Language() *Language { return e.lang }

// Open loads the persisted index, if any, and brings it up to date with the
// knowledge folder. A missing, corrupt or incompatible index on disk is
// logged and rebuilt, never fatal.
func (e *Engine) Open(ctx context.Context) (BuildStats, error) {
	if e.store != nil {
		ix, err := e.store.load(ctx)
		switch {
		case err == nil && (ix.embedder != e.embedder.Name() || ix.dim != e.embedder.Dim()):
			e.log.Warn("index was built with another embedder: rebuilding",
				"index_embedder", ix.embedder, "index_dim", ix.dim, "embedder", e.embedder.Name(), "dim", e.embedder.Dim())
		case err == nil:
			e.cur.Store(ix)
		case errors.Is(err, ErrNoIndex):
		default:
			e.log.Warn("stored index unusable: rebuilding", "dir", e.store.dir, "err", err)
		}
	}
	return e.Reload(ctx)
}

// Reload rebuilds the index from the knowledge folder: unchanged documents
// keep their chunks and vectors, the rest are chunked and embedded. The old
// index serves questions until the new one is complete and saved; if the
// rebuild fails, the old one stays.
func (e *Engine) Reload(ctx context.Context) (BuildStats, error) {
	e.reloadMu.Lock()
	defer e.reloadMu.Unlock()
	// What the folder looked like when this reload read it, for Watch.
	if fp, err := e.fingerprint(); err == nil {
		e.seen.Store(&fp)
	}
	corpus, err := e.loader.Load(ctx, e.docs)
	if err != nil {
		return BuildStats{}, err
	}
	for _, s := range corpus.Skipped {
		e.log.Warn("skipped knowledge file", "file", s.Path, "reason", s.Reason)
	}
	if len(corpus.Docs) == 0 {
		return BuildStats{}, fmt.Errorf("no loadable documents in the knowledge folder (%d skipped)", len(corpus.Skipped))
	}
	prev := e.cur.Load()
	b := builder{fold: e.folder.Fold, embedder: e.embedder, progress: e.progress}
	ix, st, err := b.build(ctx, corpus, prev)
	if err != nil {
		return st, fmt.Errorf("build index: %w", err)
	}
	fresh := make(map[string]bool)
	for _, id := range append(st.Added, st.Changed...) {
		fresh[id] = true
	}
	for _, d := range corpus.Docs {
		if fresh[d.ID] {
			for _, w := range d.Warnings {
				e.log.Info("document warning", "doc", d.ID, "warning", w)
			}
		}
	}
	if prev != nil && !st.changed() && sameSkips(prev.skipped, ix.skipped) {
		return st, nil // nothing to save or swap
	}
	if e.store != nil {
		if err := e.store.save(ix); err != nil {
			return st, err
		}
	}
	e.cur.Store(ix)
	return st, nil
}

func sameSkips(a, b []knowledge.Skip) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Current returns the index generation in service, or nil before Open.
func (e *Engine) Current() *Index { return e.cur.Load() }

// DataDir reports where the index is persisted ("" when in memory).
func (e *Engine) DataDir() string {
	if e.store == nil {
		return ""
	}
	return e.store.dir
}

// ErrNotReady is returned before an index is loaded.
var ErrNotReady = errors.New("the knowledge base is not loaded yet")

// Evidence is a retrieved chunk with its scores.
type Evidence struct {
	Chunk   knowledge.Chunk `json:"chunk"`
	Score   float64         `json:"score"`   // fused score
	Lexical float64         `json:"lexical"` // BM25
	Vector  float64         `json:"vector"`  // cosine similarity
}

// Retrieval fusion: each leg's scores are scaled by the leg's best score
// among the candidates and summed, the vector leg weighted by how much it
// adds. Measured on cmrc2018, drcd and xquad (README), the local hashed
// vectors add nothing over BM25 — any weight above ~0.05 lowers hit@1 — so
// with the local embedder they only break ties; a semantic remote embedder
// gets a real say.
const (
	localVecWeight  = 0.02
	remoteVecWeight = 0.5
	legDepth        = 50
)

// DefaultTopK is how many evidence chunks a search returns by default.
const DefaultTopK = 8

// Search returns the k best evidence chunks for a question.
func (e *Engine) Search(ctx context.Context, question string, k int) ([]Evidence, error) {
	ix := e.cur.Load()
	if ix == nil {
		return nil, ErrNotReady
	}
	return e.SearchQuery(ctx, ix, e.Analyze(ix, question), k)
}

// SearchQuery returns the k best evidence chunks of ix for an analysed
// question (k ≤ 0: DefaultTopK).
func (e *Engine) SearchQuery(ctx context.Context, ix *Index, q *Query, k int) ([]Evidence, error) {
	if ix.Len() == 0 || len(q.Terms) == 0 {
		return nil, nil
	}
	if k <= 0 {
		k = DefaultTopK
	}
	depth := max(legDepth, k)
	sc, _ := e.scratch.Get().(*scratch)
	if sc == nil {
		sc = &scratch{}
	}
	lex := ix.lex.search(q.Terms, depth, sc)
	e.scratch.Put(sc)

	vec, err := e.vectorLeg(ctx, ix, q, depth, lex)
	if err != nil {
		// A failing embedding endpoint costs the vector leg, not the answer.
		e.log.Warn("vector search failed: answering from the lexical leg", "err", err)
		vec = nil
	}

	type cand struct{ lex, vec float64 }
	cands := make(map[int32]*cand, len(lex)+len(vec))
	get := func(d int32) *cand {
		c := cands[d]
		if c == nil {
			c = &cand{}
			cands[d] = c
		}
		return c
	}
	for _, s := range lex {
		get(s.doc).lex = float64(s.score)
	}
	for _, s := range vec {
		get(s.doc).vec = max(0, float64(s.score))
	}
	var maxLex, maxVec float64
	for _, c := range cands {
		maxLex = max(maxLex, c.lex)
		maxVec = max(maxVec, c.vec)
	}
	vecWeight := remoteVecWeight
	if e.local != nil {
		vecWeight = localVecWeight
	}
	out := make([]Evidence, 0, len(cands))
	for d, c := range cands {
		f := 0.0
		if maxLex > 0 {
			f += c.lex / maxLex
		}
		if maxVec > 0 {
			f += vecWeight * c.vec / maxVec
		}
		out = append(out, Evidence{Chunk: ix.chunks[d], Score: f, Lexical: c.lex, Vector: c.vec})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].Chunk.ID < out[j].Chunk.ID
	})
	if len(out) > k {
		out = out[:k]
	}
	return out, nil
}

// vectorLeg scores chunks by the question's vector. With a remote
// (semantic) embedder it searches the whole chromem-go collection, for the
// recall words alone miss. With the local embedder it scores only the
// lexical candidates, from their vectors in the collection: hashed n-grams
// match nothing the lexical leg does not, and at weight localVecWeight only
// break ties among its candidates — the same ranking as a full scan, without
// an exhaustive scan per question (at 100k chunks that scan alone was
// 48 ms p50; see BENCHMARKS.md).
func (e *Engine) vectorLeg(ctx context.Context, ix *Index, q *Query, depth int, lex []scored) ([]scored, error) {
	if e.local != nil {
		feats := make(map[string]float64, len(q.Terms))
		for _, t := range q.Terms {
			feats[t.Text] = t.Weight
		}
		qv := e.local.vector(feats, func(t string) float64 { return ix.lex.idf(t) })
		out := make([]scored, 0, len(lex))
		for _, s := range lex {
			v, err := ix.vector(ctx, ix.chunks[s.doc].ID)
			if err != nil {
				return nil, err
			}
			out = append(out, scored{s.doc, dot(qv, v)})
		}
		return out, nil
	}
	text := q.Text
	for _, ex := range q.Expanded {
		for _, t := range ex.Terms {
			text += " " + t
		}
	}
	vs, err := e.embedder.Embed(ctx, []string{text})
	if err != nil {
		return nil, fmt.Errorf("embed question: %w", err)
	}
	if err := checkVectors(vs, 1, e.embedder.Dim()); err != nil {
		return nil, fmt.Errorf("embed question: %w", err)
	}
	res, err := ix.vectors.Nearest(ctx, vs[0], depth)
	if err != nil {
		return nil, err
	}
	out := make([]scored, 0, len(res))
	for _, r := range res {
		if p, ok := ix.byID[r.ID]; ok {
			out = append(out, scored{int32(p), r.Similarity})
		}
	}
	return out, nil
}

// dot is the cosine similarity of two normalised vectors.
func dot(a, b []float32) float32 {
	var s float32
	for i := range min(len(a), len(b)) {
		s += a[i] * b[i]
	}
	return s
}

// DefaultDataDir is the index location when none is configured: the
// user's cache directory.
func DefaultDataDir() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("find cache directory: %w", err)
	}
	return filepath.Join(dir, "policybot"), nil
}

// Script names the script of text: zh-Hans, zh-Hant, en or und.
func (e *Engine) Script(text string) string { return e.folder.DetectScript(text).String() }

// Romanize writes a Chinese personal name in pinyin, surname first:
// 陈学军 → "Chen Xuejun". It returns "" when a character has no reading.
func (l *Language) Romanize(name string) string {
	var syl []string
	for _, r := range name {
		rs := l.py.Readings(r)
		if len(rs) == 0 {
			return ""
		}
		syl = append(syl, rs[0])
	}
	if len(syl) < 2 {
		return ""
	}
	title := func(s string) string { return strings.ToUpper(s[:1]) + s[1:] }
	return title(syl[0]) + " " + title(strings.Join(syl[1:], ""))
}
