package retrieval

import (
	"math"
	"sort"
)

// BM25 parameters (the usual defaults).
const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

type posting struct {
	doc int32
	tf  float32
}

// lexIndex is an in-memory BM25 inverted index over chunk terms. It is built
// once and then only read, so concurrent queries need no lock.
type lexIndex struct {
	ids      map[string]int32
	postings [][]posting
	docLen   []float32
	avgLen   float32
}

func newLexIndex(docs [][]string) *lexIndex {
	ix := &lexIndex{ids: make(map[string]int32, 1024+len(docs)*32), docLen: make([]float32, len(docs))}
	var total float64
	tf := make(map[int32]float32)
	for d, terms := range docs {
		clear(tf)
		for _, t := range terms {
			id, ok := ix.ids[t]
			if !ok {
				id = int32(len(ix.postings))
				ix.ids[t] = id
				ix.postings = append(ix.postings, nil)
			}
			tf[id]++
		}
		for id, n := range tf {
			ix.postings[id] = append(ix.postings[id], posting{int32(d), n})
		}
		ix.docLen[d] = float32(len(terms))
		total += float64(len(terms))
	}
	if len(docs) > 0 {
		ix.avgLen = float32(total / float64(len(docs)))
	}
	// Postings were appended in doc order per term already; map iteration
	// order only affects which term got which id.
	return ix
}

// df is the number of chunks holding term t.
func (ix *lexIndex) df(t string) int {
	if id, ok := ix.ids[t]; ok {
		return len(ix.postings[id])
	}
	return 0
}

// hasAll reports whether every term occurs in some chunk (and there is at
// least one): whether a phrase can match at all.
func (ix *lexIndex) hasAll(terms []string) bool {
	for _, t := range terms {
		if ix.df(t) == 0 {
			return false
		}
	}
	return len(terms) > 0
}

// idf is BM25's inverse document frequency (never negative).
func (ix *lexIndex) idf(t string) float64 {
	n := float64(len(ix.docLen))
	df := float64(ix.df(t))
	return math.Log(1 + (n-df+0.5)/(df+0.5))
}

// Term is a query term with its weight (1 for a term of the question
// itself, less for expansions).
type Term struct {
	Text   string
	Weight float64
}

type scored struct {
	doc   int32
	score float32
}

// search scores every chunk against weighted query terms and returns the
// best k, best first.
// scratch is per-query working memory, pooled by the engine: a score per
// chunk (kept all zero between queries) and the chunks touched.
type scratch struct {
	scores  []float32
	touched []int32
}

func (ix *lexIndex) search(q []Term, k int, sc *scratch) []scored {
	if len(ix.docLen) == 0 || k <= 0 {
		return nil
	}
	if len(sc.scores) < len(ix.docLen) {
		sc.scores = make([]float32, len(ix.docLen))
	}
	scores, touched := sc.scores, sc.touched[:0]
	for _, qt := range q {
		id, ok := ix.ids[qt.Text]
		if !ok || qt.Weight <= 0 {
			continue
		}
		ps := ix.postings[id]
		idf := float32(ix.idf(qt.Text) * qt.Weight)
		for _, p := range ps {
			dl := ix.docLen[p.doc]
			s := idf * p.tf * (bm25K1 + 1) / (p.tf + bm25K1*(1-bm25B+bm25B*dl/ix.avgLen))
			if scores[p.doc] == 0 {
				touched = append(touched, p.doc)
			}
			scores[p.doc] += s
		}
	}
	out := topK(touched, scores, k)
	for _, d := range touched {
		scores[d] = 0
	}
	sc.touched = touched
	return out
}

// topK picks the k best of the touched docs.
func topK(touched []int32, scores []float32, k int) []scored {
	out := make([]scored, 0, min(k, len(touched)))
	// A small insertion-sorted buffer beats a heap for k ≤ 100.
	for _, d := range touched {
		s := scores[d]
		if len(out) == k && s <= out[k-1].score {
			continue
		}
		i := sort.Search(len(out), func(i int) bool { return out[i].score < s })
		if len(out) < k {
			out = append(out, scored{})
		}
		copy(out[i+1:], out[i:len(out)-1])
		out[i] = scored{d, s}
	}
	return out
}

// DF is the number of chunks holding term t.
func (ix *Index) DF(t string) int { return ix.lex.df(t) }

// IDF is BM25's inverse document frequency of term t in the index (never
// negative; highest for a term no chunk has).
func (ix *Index) IDF(t string) float64 { return ix.lex.idf(t) }

// HasAll reports whether every term occurs in some chunk (and there is at
// least one).
func (ix *Index) HasAll(terms []string) bool { return ix.lex.hasAll(terms) }
