// Package retrieval finds the evidence for questions in the knowledge base:
// it keeps the index (a BM25 lexical leg and a vector leg, fused; one
// memory-mapped file per generation, with a remote embedder's vectors in
// chromem-go, package vectordb) and brings it up to date with the knowledge
// folder. Package answer writes the grounded answers.
package retrieval

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

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
	// VerifyIndex makes Open check the checksum of every block of the
	// stored index (policybot index does), rather than of each block when a
	// question first reads it.
	VerifyIndex bool
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

// FoldPlain is Fold without Taiwan phrases (knowledge.Folder.FoldPlain).
func (l *Language) FoldPlain(s string) string { return l.folder.FoldPlain(s) }

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
	now      func() time.Time // the clock fingerprints are judged by

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
		embedder: opts.Embedder, progress: opts.Progress, loader: knowledge.Loader{Limits: opts.Limits}, now: time.Now}
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
		e.store = &store{dir: opts.DataDir, verify: opts.VerifyIndex}
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
		case errors.Is(err, ErrStaleIndex):
			e.log.Info("index was built by another version of policybot: rebuilding", "dir", e.store.dir, "err", err)
		default:
			e.log.Warn("stored index unusable: rebuilding", "dir", e.store.dir, "err", err)
		}
	}
	return e.Reload(ctx)
}

// Reload brings the index up to date with the knowledge folder: files whose
// fingerprint (size, times, inode) is unchanged are not read again, and
// documents whose content hash is unchanged keep their chunks and vectors;
// the rest are chunked and embedded. The old index serves questions until
// the new one is complete and saved; if the rebuild fails, the old one
// stays.
func (e *Engine) Reload(ctx context.Context) (BuildStats, error) {
	e.reloadMu.Lock()
	defer e.reloadMu.Unlock()
	cur := e.cur.Load()
	prev := cur
	if prev != nil && (prev.embedder != e.embedder.Name() || prev.dim != e.embedder.Dim()) {
		prev = nil
	}
	if prev != nil && prev.Err() != nil {
		e.log.Warn("index in service is damaged: rebuilding it from the documents", "err", prev.Err())
		prev = nil
	}
	st, ix, err := e.rebuild(ctx, prev)
	if err != nil && prev != nil && IsCorrupt(err) {
		// Reusing the previous generation ran into damage: start afresh.
		e.log.Warn("stored index unusable: rebuilding", "dir", e.DataDir(), "err", err)
		st, ix, err = e.rebuild(ctx, nil)
	}
	if err != nil {
		return st, err
	}
	if ix != cur {
		e.cur.Store(ix)
	}
	return st, nil
}

// rebuild scans the folder and builds (and saves) the generation that
// follows prev, or returns prev when nothing changed.
func (e *Engine) rebuild(ctx context.Context, prev *Index) (BuildStats, *Index, error) {
	var spill *textSpill
	if e.store != nil {
		spill = newTextSpill(e.store.dir)
		defer spill.Close()
	}
	sc, err := scanFolder(ctx, e.loader, e.docs, prev, e.now(), spill)
	if err != nil {
		return BuildStats{}, nil, err
	}
	e.log.Debug("scanned knowledge folder", "files", len(sc.files), "read", sc.read)
	if sc.watch != "" {
		// What the folder looked like when this reload read it, for Watch.
		e.seen.Store(&sc.watch)
	}
	for _, s := range sc.skipped {
		e.log.Warn("skipped knowledge file", "file", s.Path, "reason", s.Reason)
	}
	if sc.docCount() == 0 {
		return BuildStats{}, nil, fmt.Errorf("no loadable documents in the knowledge folder (%d skipped)", len(sc.skipped))
	}
	// Warnings of the documents read now, logged once they are indexed.
	type warned struct {
		id       string
		warnings []string
	}
	var warns []warned
	for _, it := range sc.items {
		for _, d := range it.fresh {
			if len(d.Warnings) > 0 {
				warns = append(warns, warned{d.ID, d.Warnings})
			}
		}
	}
	b := builder{fold: e.folder.Fold, foldPlain: e.folder.FoldPlain, embedder: e.embedder, py: e.py, progress: e.progress}
	var out *generation
	newGen := func() (*generation, error) {
		if e.store == nil {
			out = &generation{}
			return out, nil
		}
		var err error
		out, err = e.store.create()
		return out, err
	}
	ix, st, err := b.build(ctx, sc, prev, newGen)
	if err != nil && out != nil && out.dir != "" && e.store.failAfter == "" {
		os.RemoveAll(out.dir) // a failed build leaves nothing behind
	}
	if err != nil {
		return st, nil, fmt.Errorf("build index: %w", err)
	}
	if ix == prev {
		return st, prev, nil // nothing to save or swap
	}
	fresh := make(map[string]bool)
	for _, id := range append(st.Added, st.Changed...) {
		fresh[id] = true
	}
	for _, w := range warns {
		if fresh[w.id] {
			for _, msg := range w.warnings {
				e.log.Info("document warning", "doc", w.id, "warning", msg)
			}
		}
	}
	if e.store != nil {
		if err := e.store.commit(out, ix); err != nil {
			return st, nil, err
		}
	}
	return st, ix, nil
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
	terms := q.Terms
	if len(q.Phrases) > 0 {
		terms = append(slices.Clone(q.Terms), q.Phrases...)
	}
	lex, err := ix.lex.search(terms, depth, sc)
	e.scratch.Put(sc)
	if err != nil {
		return nil, e.damaged(ix, err)
	}

	vec, err := e.vectorLeg(ctx, ix, q, depth, lex)
	switch {
	case err != nil && IsCorrupt(err):
		return nil, e.damaged(ix, err)
	case err != nil:
		// A failing embedding endpoint costs the vector leg, not the answer.
		e.log.Warn("vector search failed: answering from the lexical leg", "err", err)
		vec = nil
	}

	type cand struct {
		doc      int32
		id       string
		hasID    bool
		lex, vec float64
		score    float64
	}
	cands := make(map[int32]*cand, len(lex)+len(vec))
	get := func(d int32) *cand {
		c := cands[d]
		if c == nil {
			c = &cand{doc: d}
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
	list := make([]*cand, 0, len(cands))
	for _, c := range cands {
		f := 0.0
		if maxLex > 0 {
			f += c.lex / maxLex
		}
		if maxVec > 0 {
			f += vecWeight * c.vec / maxVec
		}
		c.score = f
		list = append(list, c)
	}
	// Ties are broken by chunk ID, decoded only for the tied.
	var idErr error
	id := func(c *cand) string {
		if !c.hasID {
			c.id, c.hasID = "", true
			if v, err := ix.chunkID(int(c.doc)); err != nil {
				idErr = err
			} else {
				c.id = v
			}
		}
		return c.id
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].score != list[j].score {
			return list[i].score > list[j].score
		}
		return id(list[i]) < id(list[j])
	})
	if idErr != nil {
		return nil, e.damaged(ix, idErr)
	}
	if len(list) > k {
		list = list[:k]
	}
	out := make([]Evidence, len(list))
	for i, c := range list {
		ch, err := ix.chunk(int(c.doc))
		if err != nil {
			return nil, e.damaged(ix, err)
		}
		out[i] = Evidence{Chunk: ch, Score: c.score, Lexical: c.lex, Vector: c.vec}
	}
	return out, nil
}

// damaged records that a question found the index file damaged and returns
// the error to report: the question fails, and the next reload or start
// rebuilds the index.
func (e *Engine) damaged(ix *Index, err error) error {
	ix.bad(err)
	e.log.Error("the index file is damaged: it is rebuilt at the next reload or start", "err", err)
	return fmt.Errorf("search: %w", err)
}

// vectorLeg scores chunks by the question's vector. With a remote
// (semantic) embedder it searches the whole chromem-go collection, for the
// recall words alone miss. With the local embedder it scores only the
// lexical candidates, from their vectors in the index file: hashed n-grams
// match nothing the lexical leg does not, and at weight localVecWeight only
// break ties among its candidates — the same ranking as a full scan, without
// an exhaustive scan per question (at 100k chunks that scan alone was
// 48 ms p50; see BENCHMARKS.md).
func (e *Engine) vectorLeg(ctx context.Context, ix *Index, q *Query, depth int, lex []scored) ([]scored, error) {
	if e.local != nil {
		var fs featureSet
		fs.reset()
		for _, t := range q.Terms {
			fs.add(t.Text, t.Weight)
		}
		qv := e.local.vector(&fs, func(t string) float64 { return ix.lex.idf(t) })
		out := make([]scored, 0, len(lex))
		for _, s := range lex {
			sim, err := ix.dotLocal(qv, int(s.doc))
			if err != nil {
				return nil, err
			}
			out = append(out, scored{s.doc, sim})
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
	col, err := ix.collection()
	if err != nil {
		return nil, err
	}
	res, err := col.Nearest(ctx, vs[0], depth)
	if err != nil {
		return nil, err
	}
	out := make([]scored, 0, len(res))
	for _, r := range res {
		p, ok, err := ix.position(r.ID)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, scored{p, r.Similarity})
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
