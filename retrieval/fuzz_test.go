package retrieval

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/policybot/policybot/retrieval/internal/segfile"
)

// smallIndexFile is the index file of the twoScripts folder, with 16-d
// local vectors to keep it small (fuzzing slows with the input's size).
func smallIndexFile(t testing.TB) []byte {
	t.Helper()
	lang := testLang()
	e, err := New(Options{Language: lang, Docs: twoScripts(), DataDir: t.TempDir(),
		Embedder: NewHashEmbedder(16, lang.Fold)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(e.Current().dir, indexFile))
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// FuzzIndexFile feeds mutated index files to the decoders: every section
// is read the way questions, reloads and /sources read it, with the
// checksums off so that mutations get past them. Nothing may panic or read
// out of range; damage must come back as errors. The seed corpus is in
// testdata/fuzz/FuzzIndexFile (an index of twoScripts).
//
//	go test -run '^$' -fuzz FuzzIndexFile -fuzzminimizetime 5s ./retrieval/
func FuzzIndexFile(f *testing.F) {
	f.Add(smallIndexFile(f))
	py := testLang().py
	f.Fuzz(func(t *testing.T, raw []byte) {
		file, err := segfile.FromBytesUnverified(raw)
		if err != nil {
			return
		}
		ix, err := openIndex(file, "")
		if err != nil {
			return
		}
		ix.Docs()
		for i := range min(ix.Len(), 64) {
			ix.chunk(i)
			ix.chunkID(i)
			ix.dotLocal(make([]float32, ix.dim), i)
			ix.vector(context.Background(), i)
		}
		ix.position("trad.txt#0")
		var q []Term
		for i := range min(ix.lex.nTerms, 64) {
			term, err := ix.lex.termString(i)
			if err != nil {
				continue
			}
			q = append(q, Term{term, 1})
			ix.DF(term)
			ix.IDF(term)
			ix.HasAll([]string{term, "x"})
			for _, k := range readingsOf(py, term) {
				ix.py.lookup(k)
			}
		}
		ix.lex.search(q, 10, &scratch{})
		ix.bigramsReadAs(py, "ji", "cheng")
		for i := range min(ix.nDocs, 64) {
			ix.doc(i)
			ix.docID(i)
		}
		ix.docIDs()
	})
}
