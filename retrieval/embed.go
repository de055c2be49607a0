package retrieval

import (
	"context"
	"fmt"
	"math"
	"unicode/utf8"
)

// Embedder turns texts into vectors. Implementations return one non-zero,
// L2-normalised vector of Dim() floats per text, in order.
type Embedder interface {
	// Name identifies the model; an index built with another name or
	// dimension is rebuilt.
	Name() string
	Dim() int
	Embed(ctx context.Context, texts []string) ([][]float32, error)
}

// HashEmbedder is the default, offline embedder: character unigrams and
// bigrams of the folded text plus Latin words and numbers, hashed into a
// fixed number of signed buckets with sublinear term frequency, and
// L2-normalised. It is deterministic and needs no model or network. At query
// time the engine weights the question's features by their IDF in the
// knowledge base (see embedQuery).
type HashEmbedder struct {
	dim  int
	fold func(string) string
}

// DefaultDim is the HashEmbedder's dimension: a trade between hash
// collisions and the cost of chromem-go's exhaustive scan.
const DefaultDim = 256

// NewHashEmbedder returns the local embedder; fold maps text to its matching
// form (knowledge.Folder.Fold).
func NewHashEmbedder(dim int, fold func(string) string) *HashEmbedder {
	return &HashEmbedder{dim: dim, fold: fold}
}

func (h *HashEmbedder) Name() string { return fmt.Sprintf("local-hash-ngram-v1-%d", h.dim) }
func (h *HashEmbedder) Dim() int     { return h.dim }

// Embed embeds texts after folding them.
func (h *HashEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	var fs featureSet
	for i, t := range texts {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		fs.reset()
		fs.addText(h.fold(t), nil)
		out[i] = h.vector(&fs, nil)
	}
	return out, nil
}

// featureSet holds weighted features in the order they were first added, so
// that a vector's sums run in the same order every time (floating-point
// addition is not associative; map order would make vectors differ in their
// last bits from one build to the next).
type featureSet struct {
	idx  map[string]int32
	keys []string
	vals []float64
}

func (f *featureSet) reset() {
	if f.idx == nil {
		f.idx = make(map[string]int32, 512)
	}
	clear(f.idx)
	f.keys, f.vals = f.keys[:0], f.vals[:0]
}

func (f *featureSet) add(t string, w float64) {
	if i, ok := f.idx[t]; ok {
		f.vals[i] += w
		return
	}
	f.idx[t] = int32(len(f.keys))
	f.keys = append(f.keys, t)
	f.vals = append(f.vals, w)
}

// addText counts the hashed features of folded text: its terms (weight 1
// each: Han bigrams, lone Han characters, Latin words) and its Han
// characters (0.5 each). toks, when not nil, are the text's terms already
// split (tokens(nil, folded)).
func (f *featureSet) addText(folded string, toks []string) {
	if toks == nil {
		toks = tokens(nil, folded)
	}
	for _, t := range toks {
		f.add(t, 1)
	}
	for i, r := range folded {
		if isHan(r) {
			f.add(folded[i:i+utf8.RuneLen(r)], 0.5)
		}
	}
}

// vector hashes weighted features into a normalised vector. weight, when not
// nil, scales each feature (IDF at query time).
func (h *HashEmbedder) vector(f *featureSet, weight func(string) float64) []float32 {
	v := make([]float32, h.dim)
	for i, t := range f.keys {
		n := f.vals[i]
		w := 1 + math.Log(n) // sublinear tf; n ≥ 0.5 so w > 0.3
		if n < 1 {
			w = n
		}
		if weight != nil {
			w *= weight(t)
		}
		x := fnv64a(t)
		sign := float32(1)
		if x>>63 == 1 {
			sign = -1
		}
		v[x%uint64(h.dim)] += sign * float32(w)
	}
	if !Normalize(v) {
		// chromem-go turns a zero vector into NaN similarities: give empty
		// texts a fixed unit vector instead.
		v[0] = 1
	}
	return v
}

// fnv64a is FNV-1a over a string, without the allocation of hash/fnv.
func fnv64a(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// fnv64aBytes is fnv64a over bytes.
func fnv64aBytes(b []byte) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range b {
		h ^= uint64(c)
		h *= 1099511628211
	}
	return h
}

// Normalize scales v to unit length; it reports false for a zero vector.
func Normalize(v []float32) bool {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	if s == 0 {
		return false
	}
	inv := float32(1 / math.Sqrt(s))
	for i := range v {
		v[i] *= inv
	}
	return true
}
