package retrieval

import (
	"context"
	"fmt"
	"testing"
	"testing/fstest"
)

// thousandDocs is a knowledge folder of 1,000 small documents.
func thousandDocs() fstest.MapFS {
	docs := fstest.MapFS{}
	for i := range 1000 {
		docs[fmt.Sprintf("dept%02d/doc%04d.txt", i%20, i)] = &fstest.MapFile{Data: []byte(fmt.Sprintf(
			"第%d号通知\n一、总体要求\n到2025年，第%d区建成标准化试点%d个，培育企业标准领跑者%d项。\n二、保障措施\n加强组织保障，落实资金%d万元。\n", i, i, i%37, i%91, i*3))}
	}
	return docs
}

func TestReloadUnchangedThousandDocsEmbedsNothing(t *testing.T) {
	emb := newCounting()
	e, err := New(Options{Language: testLang(), Docs: thousandDocs(), DataDir: t.TempDir(), Embedder: emb})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	emb.texts.Store(0)
	st, err := e.Reload(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Unchanged) != 1000 || st.Embedded != 0 || emb.texts.Load() != 0 {
		t.Errorf("unchanged reload: %s, embedder saw %d texts; want 1000 unchanged, nothing embedded", st, emb.texts.Load())
	}
}

// BenchmarkReloadUnchanged measures a reload of an unchanged 1,000-document
// folder: load, hash and compare, with no embedding.
func BenchmarkReloadUnchanged(b *testing.B) {
	e, err := New(Options{Docs: thousandDocs(), DataDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := e.Open(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		st, err := e.Reload(context.Background())
		if err != nil || st.Embedded != 0 {
			b.Fatalf("reload: %s, %v", st, err)
		}
	}
}
