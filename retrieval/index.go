package retrieval

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/policybot/policybot/knowledge"
	"github.com/policybot/policybot/retrieval/pinyin"
	"github.com/policybot/policybot/retrieval/vectordb"
)

// DocInfo describes an indexed document.
type DocInfo struct {
	ID        string    `json:"id"`
	Title     string    `json:"title"`
	Date      string    `json:"date,omitempty"`
	Format    string    `json:"format"`
	Hash      string    `json:"hash"`
	Pages     int       `json:"pages,omitempty"`
	Chunks    int       `json:"chunks"`
	IndexedAt time.Time `json:"indexed_at"`
	Warnings  []string  `json:"warnings,omitempty"`
}

// Index is one immutable generation of the knowledge base: chunks, their
// lexical index and their vectors (package vectordb). Queries may run on it
// concurrently; a reload builds a new Index and swaps it in.
type Index struct {
	chunks   []knowledge.Chunk
	folded   []string // matching form of each chunk (title, section and text)
	lex      *lexIndex
	vectors  *vectordb.Collection
	byID     map[string]int // chunk ID → position
	docs     []DocInfo
	skipped  []knowledge.Skip
	embedder string
	dim      int
	builtAt  time.Time

	// readAs maps the toneless pinyin of the index's Han bigrams ("chen
	// tong") to the bigrams (陈通); built on first use.
	readAsOnce sync.Once
	readAs     map[string][]string
}

// bigramsReadAs returns the index's Han bigrams read as the two syllables.
func (ix *Index) bigramsReadAs(py *pinyin.Table, a, b string) []string {
	ix.readAsOnce.Do(func() {
		ix.readAs = make(map[string][]string)
		for t := range ix.lex.ids {
			rs := []rune(t)
			if len(rs) != 2 || !isHan(rs[0]) || !isHan(rs[1]) {
				continue
			}
			for _, x := range firstN(py.Readings(rs[0]), 2) {
				for _, y := range firstN(py.Readings(rs[1]), 2) {
					k := x + " " + y
					ix.readAs[k] = append(ix.readAs[k], t)
				}
			}
		}
	})
	return ix.readAs[a+" "+b]
}

func firstN(s []string, n int) []string { return s[:min(n, len(s))] }

// Len is the number of chunks.
func (ix *Index) Len() int { return len(ix.chunks) }

// Docs lists the indexed documents.
func (ix *Index) Docs() []DocInfo { return ix.docs }

// Skipped lists the files the last build could not load.
func (ix *Index) Skipped() []knowledge.Skip { return ix.skipped }

// BuiltAt is when this generation was built.
func (ix *Index) BuiltAt() time.Time { return ix.builtAt }

// chunkMatchText is what a chunk is matched on: its title and section path
// as context, then its text.
func chunkMatchText(c knowledge.Chunk) string {
	var b strings.Builder
	b.WriteString(c.Title)
	b.WriteByte('\n')
	for _, s := range c.Section {
		b.WriteString(s)
		b.WriteByte('\n')
	}
	b.WriteString(c.Text)
	return b.String()
}

// BuildStats reports what a build did.
type BuildStats struct {
	Added, Changed, Removed, Unchanged []string
	Chunks                             int
	Embedded                           int // chunks sent to the embedder
	Took                               time.Duration
}

func (s BuildStats) String() string {
	return fmt.Sprintf("%d added, %d changed, %d removed, %d unchanged; %d chunks (%d embedded) in %s",
		len(s.Added), len(s.Changed), len(s.Removed), len(s.Unchanged), s.Chunks, s.Embedded, s.Took.Round(time.Millisecond))
}

// Changed reports whether the build differs from the previous generation.
func (s BuildStats) changed() bool {
	return len(s.Added)+len(s.Changed)+len(s.Removed) > 0
}

// builder holds what a build needs.
type builder struct {
	fold     func(string) string
	embedder Embedder
	progress func(done, total int)
}

// embedBatch is how many chunk texts go to the embedder per call.
const embedBatch = 64

// build makes a new Index from a corpus. Documents whose hash is unchanged
// from prev (same embedder) keep their chunks and vectors; only the rest are
// chunked and embedded.
func (b builder) build(ctx context.Context, corpus knowledge.Corpus, prev *Index) (*Index, BuildStats, error) {
	start := time.Now()
	var st BuildStats
	reuse := prev != nil && prev.embedder == b.embedder.Name() && prev.dim == b.embedder.Dim()
	prevDocs := make(map[string]DocInfo)
	if prev != nil {
		for _, d := range prev.docs {
			prevDocs[d.ID] = d
		}
	}
	prevChunks := make(map[string][]int) // doc ID → chunk positions in prev
	if reuse {
		for i, c := range prev.chunks {
			prevChunks[c.DocID] = append(prevChunks[c.DocID], i)
		}
	}

	// Nothing changed: keep the index as it is.
	if reuse && len(corpus.Docs) == len(prev.docs) {
		same := true
		for _, d := range corpus.Docs {
			if old, ok := prevDocs[d.ID]; !ok || old.Hash != d.Hash {
				same = false
				break
			}
		}
		if same {
			for _, d := range corpus.Docs {
				st.Unchanged = append(st.Unchanged, d.ID)
			}
			st.Chunks, st.Took = prev.Len(), time.Since(start)
			return prev, st, nil
		}
	}
	ix := &Index{byID: make(map[string]int), embedder: b.embedder.Name(), dim: b.embedder.Dim(),
		builtAt: start.UTC(), skipped: corpus.Skipped}
	var vecs [][]float32
	var toEmbed []int // chunk positions needing vectors
	seen := make(map[string]bool)
	for _, d := range corpus.Docs {
		seen[d.ID] = true
		old, had := prevDocs[d.ID]
		switch {
		case !had:
			st.Added = append(st.Added, d.ID)
		case old.Hash != d.Hash:
			st.Changed = append(st.Changed, d.ID)
		default:
			st.Unchanged = append(st.Unchanged, d.ID)
		}
		info := DocInfo{ID: d.ID, Title: d.Title, Date: d.Date, Format: d.Format, Hash: d.Hash,
			Pages: d.Pages(), IndexedAt: start.UTC(), Warnings: d.Warnings}
		if had && old.Hash == d.Hash && reuse {
			info.IndexedAt = old.IndexedAt
			for _, p := range prevChunks[d.ID] {
				c := prev.chunks[p]
				ix.byID[c.ID] = len(ix.chunks)
				ix.chunks = append(ix.chunks, c)
				ix.folded = append(ix.folded, prev.folded[p])
				v, err := prev.vector(ctx, c.ID)
				if err != nil {
					return nil, st, err
				}
				vecs = append(vecs, v)
			}
			info.Chunks = len(prevChunks[d.ID])
		} else {
			cs := knowledge.Chunks(d)
			for _, c := range cs {
				ix.byID[c.ID] = len(ix.chunks)
				toEmbed = append(toEmbed, len(ix.chunks))
				ix.chunks = append(ix.chunks, c)
				ix.folded = append(ix.folded, "") // folded below, in parallel
				vecs = append(vecs, nil)
			}
			info.Chunks = len(cs)
		}
		ix.docs = append(ix.docs, info)
	}
	for id := range prevDocs {
		if !seen[id] {
			st.Removed = append(st.Removed, id)
		}
	}

	parallel(len(toEmbed), func(lo, hi int) {
		for _, p := range toEmbed[lo:hi] {
			ix.folded[p] = b.fold(chunkMatchText(ix.chunks[p]))
		}
	})

	// Embed the new chunks: the local embedder on every core at once, a
	// remote one in batches (its client caps concurrency).
	if h, ok := b.embedder.(*HashEmbedder); ok {
		parallel(len(toEmbed), func(lo, hi int) {
			feats := make(map[string]float64, 512) // one per worker, reused
			for _, p := range toEmbed[lo:hi] {
				clear(feats)
				vecs[p] = h.vector(features(feats, ix.folded[p]), nil)
			}
		})
		if b.progress != nil && len(toEmbed) > 0 {
			b.progress(len(toEmbed), len(toEmbed))
		}
	} else {
		for i := 0; i < len(toEmbed); i += embedBatch {
			batch := toEmbed[i:min(i+embedBatch, len(toEmbed))]
			texts := make([]string, len(batch))
			for j, p := range batch {
				texts[j] = chunkMatchText(ix.chunks[p])
			}
			vs, err := b.embedder.Embed(ctx, texts)
			if err != nil {
				return nil, st, fmt.Errorf("embed chunks: %w", err)
			}
			if err := checkVectors(vs, len(batch), b.embedder.Dim()); err != nil {
				return nil, st, fmt.Errorf("embedder %s: %w", b.embedder.Name(), err)
			}
			for j, p := range batch {
				vecs[p] = vs[j]
			}
			if b.progress != nil {
				b.progress(i+len(batch), len(toEmbed))
			}
		}
	}
	st.Embedded = len(toEmbed)

	terms := make([][]string, len(ix.folded))
	parallel(len(terms), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			terms[i] = tokens(nil, ix.folded[i])
		}
	})
	ix.lex = newLexIndex(terms)
	ids := make([]string, len(ix.chunks))
	for i, c := range ix.chunks {
		ids[i] = c.ID
	}
	col, err := vectordb.New(ctx, ids, vecs)
	if err != nil {
		return nil, st, err
	}
	ix.vectors = col
	st.Chunks = len(ix.chunks)
	st.Took = time.Since(start)
	return ix, st, nil
}

// checkVectors rejects a reply with the wrong number or size of vectors, or
// a zero vector.
func checkVectors(vs [][]float32, n, dim int) error {
	if len(vs) != n {
		return fmt.Errorf("got %d vectors for %d texts", len(vs), n)
	}
	for i, v := range vs {
		if len(v) != dim {
			return fmt.Errorf("vector %d has dimension %d, want %d", i, len(v), dim)
		}
		if !Normalize(v) {
			return fmt.Errorf("vector %d is zero", i)
		}
	}
	return nil
}

// vector returns the stored vector of a chunk.
func (ix *Index) vector(ctx context.Context, id string) ([]float32, error) {
	return ix.vectors.Vector(ctx, id)
}

// parallel splits 0..n-1 into one contiguous share per GOMAXPROCS
// goroutine, runs fn on each share and waits for them.
func parallel(n int, fn func(lo, hi int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	per := (n + workers - 1) / workers
	for w := range workers {
		lo, hi := w*per, min(n, (w+1)*per)
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(lo, hi)
		}()
	}
	wg.Wait()
}
