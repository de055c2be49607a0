package retrieval

import (
	"encoding/binary"
	"math"
	"runtime"
	"sort"

	"github.com/policybot/policybot/retrieval/internal/segfile"
)

// BM25 parameters (the usual defaults).
const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

// lexIndex is the BM25 inverted index of one generation, read in place from
// its index file (see format.go): a sorted term table searched by binary
// search, and varint postings decoded as a query reads them. Only the
// document lengths are held in memory. It is never written after it is
// opened, so concurrent queries need no lock.
type lexIndex struct {
	f        *segfile.File
	n        int // chunks
	docLen   []float32
	avgLen   float32
	norm     []float32 // per chunk: k1·(1−b+b·dl/avgdl), the length part of BM25's denominator
	nTerms   int
	termOff  segfile.Section
	terms    segfile.Section
	termHash segfile.Section // power-of-two length in uint32s
	postings segfile.Section
	// bad records damage found while reading (see Index.Err).
	bad func(error)
}

// entry reads term i's table entry and the next one (its end).
func (lx *lexIndex) entry(i int) (strLo, strHi uint32, df int, postLo, postHi uint64, err error) {
	b, err := lx.f.Bytes(lx.termOff, int64(i)*termEntrySize, 2*termEntrySize)
	if err != nil {
		return 0, 0, 0, 0, 0, err
	}
	le := binary.LittleEndian
	strLo, strHi = le.Uint32(b), le.Uint32(b[16:])
	df = int(le.Uint32(b[4:]))
	postLo, postHi = le.Uint64(b[8:]), le.Uint64(b[24:])
	if strLo > strHi || int64(strHi) > lx.terms.Len || postLo > postHi || postHi > uint64(lx.postings.Len) ||
		df == 0 || df > lx.n || uint64(df) > postHi-postLo {
		return 0, 0, 0, 0, 0, errCorrupt("bad entry for term %d", i)
	}
	return strLo, strHi, df, postLo, postHi, nil
}

// term returns term i's bytes (valid while lx.f is reachable).
func (lx *lexIndex) term(i int) ([]byte, error) {
	lo, hi, _, _, _, err := lx.entry(i)
	if err != nil {
		return nil, err
	}
	return lx.f.Bytes(lx.terms, int64(lo), int64(hi-lo))
}

// termString returns term i.
func (lx *lexIndex) termString(i int) (string, error) {
	defer runtime.KeepAlive(lx.f)
	b, err := lx.term(i)
	return string(b), err
}

// compareBS compares b with s as byte strings.
func compareBS(b []byte, s string) int {
	n := min(len(b), len(s))
	for i := 0; i < n; i++ {
		if b[i] != s[i] {
			if b[i] < s[i] {
				return -1
			}
			return 1
		}
	}
	switch {
	case len(b) < len(s):
		return -1
	case len(b) > len(s):
		return 1
	}
	return 0
}

// find returns the number of term t, from the term hash table. Damage is
// recorded and reads as "not found".
func (lx *lexIndex) find(t string) (int, bool) {
	defer runtime.KeepAlive(lx.f)
	size := lx.termHash.Len / 4
	mask := uint64(size - 1)
	slot := fnv64a(t) & mask
	for range size {
		b, err := lx.f.Bytes(lx.termHash, int64(slot)*4, 4)
		if err != nil {
			lx.bad(err)
			return 0, false
		}
		v := binary.LittleEndian.Uint32(b)
		if v == 0 {
			return 0, false
		}
		id := int(v - 1)
		if id >= lx.nTerms {
			lx.bad(errCorrupt("term hash names term %d of %d", id, lx.nTerms))
			return 0, false
		}
		term, err := lx.term(id)
		if err != nil {
			lx.bad(err)
			return 0, false
		}
		if compareBS(term, t) == 0 {
			return id, true
		}
		slot = (slot + 1) & mask
	}
	return 0, false
}

// df is the number of chunks holding term t.
func (lx *lexIndex) df(t string) int {
	i, ok := lx.find(t)
	if !ok {
		return 0
	}
	_, _, df, _, _, err := lx.entry(i)
	if err != nil {
		lx.bad(err)
		return 0
	}
	return df
}

// hasAll reports whether every term occurs in some chunk (and there is at
// least one): whether a phrase can match at all.
func (lx *lexIndex) hasAll(terms []string) bool {
	for _, t := range terms {
		if lx.df(t) == 0 {
			return false
		}
	}
	return len(terms) > 0
}

// idf is BM25's inverse document frequency (never negative).
func (lx *lexIndex) idf(t string) float64 { return lx.idfOf(lx.df(t)) }

func (lx *lexIndex) idfOf(df int) float64 {
	n := float64(lx.n)
	d := float64(df)
	return math.Log(1 + (n-d+0.5)/(d+0.5))
}

// postingsOf returns term i's document frequency and encoded postings
// (valid while lx.f is reachable).
func (lx *lexIndex) postingsOf(i int) (int, []byte, error) {
	_, _, df, lo, hi, err := lx.entry(i)
	if err != nil {
		return 0, nil, err
	}
	b, err := lx.f.Bytes(lx.postings, int64(lo), int64(hi-lo))
	return df, b, err
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

// scratch is per-query working memory, pooled by the engine: a score per
// chunk (kept all zero between queries) and the chunks touched.
type scratch struct {
	scores  []float32
	touched []int32
}

// search scores every chunk against weighted query terms and returns the
// best k, best first. An error means the index file is damaged.
func (lx *lexIndex) search(q []Term, k int, sc *scratch) ([]scored, error) {
	defer runtime.KeepAlive(lx.f)
	if lx.n == 0 || k <= 0 {
		return nil, nil
	}
	if len(sc.scores) < lx.n {
		sc.scores = make([]float32, lx.n)
	}
	scores, touched := sc.scores, sc.touched[:0]
	defer func() {
		for _, d := range touched {
			scores[d] = 0
		}
		sc.touched = touched
	}()
	norm := lx.norm
	for _, qt := range q {
		if qt.Weight <= 0 {
			continue
		}
		id, ok := lx.find(qt.Text)
		if !ok {
			continue
		}
		df, ps, err := lx.postingsOf(id)
		if err != nil {
			return nil, err
		}
		idf := float32(lx.idfOf(df) * qt.Weight)
		// The postings decoder's common case inlined (see decodePosting):
		// this loop is most of a question's time.
		doc, n := int64(-1), int64(lx.n)
		for left := df; left > 0; left-- {
			var tf float32
			if len(ps) >= 2 && ps[0] < 0x80 && ps[1] != 255 && ps[0] != 0 && ps[1] != 0 && int64(ps[0]) < n-doc {
				doc += int64(ps[0])
				tf = float32(ps[1])
				ps = ps[2:]
			} else {
				d, t, k := decodePosting(ps, doc, n)
				if k == 0 {
					return nil, errCorrupt("bad postings list")
				}
				doc, tf, ps = d, float32(t), ps[k:]
			}
			// BM25, as idf·tf·(k1+1) / (tf + k1·(1−b+b·dl/avgdl)), the
			// second term precomputed per chunk in norm.
			s := idf * tf * (bm25K1 + 1) / (tf + norm[doc])
			if scores[doc] == 0 {
				touched = append(touched, int32(doc))
			}
			scores[doc] += s
		}
		if len(ps) != 0 {
			return nil, errCorrupt("%d stray bytes after a postings list", len(ps))
		}
	}
	return topK(touched, scores, k), nil
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
