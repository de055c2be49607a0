package retrieval

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/policybot/policybot/knowledge"
)

// openSeeds opens an engine on the shipped seed documents, once per test
// binary: it is read-only in the tests that share it.
var seedEngine = sync.OnceValues(func() (*Engine, error) {
	e, err := New(Options{Language: testLang()})
	if err != nil {
		return nil, err
	}
	_, err = e.Open(context.Background())
	return e, err
})

func seeds(t *testing.T) *Engine {
	t.Helper()
	e, err := seedEngine()
	if err != nil {
		t.Fatalf("open seeds: %v", err)
	}
	return e
}

func twoScripts() fstest.MapFS {
	return fstest.MapFS{
		"trad.txt": {Data: []byte("臺灣積體電路產業報告\n一、產業概況\n本市積體電路企業共有128家，人工智慧企業共有57家。\n")},
		"simp.txt": {Data: []byte("杭州软件产业报告\n一、总体情况\n杭州软件企业共有936家，秘书处设在滨江区。\n")},
		"other.md": {Data: []byte("---\ntitle: 港口物流\ndate: 2023-05-01\n---\n# 港口物流\n宁波港口集装箱吞吐量达到3530万标准箱。\n")},
	}
}

// TestTaiwanPhraseAcrossWords: a Taiwan phrase that the text only seems to
// hold across a word boundary (標準數|位列 read as 數位, "digital") does
// not take the words from the index: both readings are searchable.
func TestTaiwanPhraseAcrossWords(t *testing.T) {
	e, err := New(Options{Language: testLang(), Docs: fstest.MapFS{
		"jx.txt":    {Data: []byte("嘉興報告\n每百萬人先進標準數位列全省第二。\n")},
		"other.txt": {Data: []byte("数字经济报告\n推进数字化转型，发展数位经济。\n")},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	if df := e.Current().DF("位列"); df != 1 {
		t.Errorf("DF(位列) = %d, want 1: the plain reading of 數位列 is indexed", df)
	}
	ev, err := e.Search(context.Background(), "每百万人先进标准数位列全省第几？", 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(ev) == 0 || ev[0].Chunk.DocID != "jx.txt" {
		t.Errorf("Search(…位列全省第几) = %v, want jx.txt first", ev)
	}
}

func TestSearchAcrossScriptsAndLanguages(t *testing.T) {
	e, err := New(Options{Language: testLang(), Docs: twoScripts()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ q, want string }{
		{"集成电路企业有多少家？", "trad.txt"},  // Simplified, mainland wording → Traditional, Taiwan wording
		{"人工智能企业有几家", "trad.txt"},    // 人工智能 ↔ 人工智慧
		{"杭州軟件企業共有多少家？", "simp.txt"}, // Traditional → Simplified
		{"How many integrated circuit companies are there?", "trad.txt"},
		{"Where is the secretariat located?", "simp.txt"},
		{"What was the container throughput of the port of Ningbo?", "other.md"},
		{"3530万", "other.md"},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			ev, err := e.Search(context.Background(), tt.q, 3)
			if err != nil {
				t.Fatal(err)
			}
			if len(ev) == 0 || ev[0].Chunk.DocID != tt.want {
				var got []string
				for _, v := range ev {
					got = append(got, v.Chunk.DocID)
				}
				t.Errorf("Search(%q) = %v, want %s first", tt.q, got, tt.want)
			}
		})
	}
}

// countingEmbedder counts the chunks it is asked to embed.
type countingEmbedder struct {
	*HashEmbedder
	texts atomic.Int64
	fail  atomic.Bool
}

func (c *countingEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	if c.fail.Load() {
		return nil, errors.New("embedding endpoint down")
	}
	c.texts.Add(int64(len(texts)))
	return c.HashEmbedder.Embed(ctx, texts)
}

func newCounting() *countingEmbedder {
	f, err := knowledge.NewTextFolder()
	if err != nil {
		panic(err)
	}
	return &countingEmbedder{HashEmbedder: NewHashEmbedder(64, f.Fold)}
}

func TestReloadIsIncremental(t *testing.T) {
	docs := twoScripts()
	emb := newCounting()
	dir := t.TempDir()
	e, err := New(Options{Language: testLang(), Docs: docs, DataDir: dir, Embedder: emb})
	if err != nil {
		t.Fatal(err)
	}
	st, err := e.Open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Added) != 3 || int(emb.texts.Load()) != st.Chunks {
		t.Fatalf("first build: %s, embedded %d", st, emb.texts.Load())
	}
	before := e.Current()
	firstIDs := chunkIDs(before, "simp.txt")

	// Change one document, remove one, keep one.
	docs["trad.txt"] = &fstest.MapFile{Data: []byte("臺灣積體電路產業報告\n一、產業概況\n本市積體電路企業共有205家。\n")}
	delete(docs, "other.md")
	emb.texts.Store(0)
	st, err = e.Reload(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Changed) != 1 || st.Changed[0] != "trad.txt" || len(st.Removed) != 1 || len(st.Unchanged) != 1 {
		t.Errorf("reload = %s, want trad.txt changed, other.md removed, simp.txt unchanged", st)
	}
	changedChunks := len(chunkIDs(e.Current(), "trad.txt"))
	if got := int(emb.texts.Load()); got != changedChunks {
		t.Errorf("reload embedded %d chunks, want only the %d of the changed document", got, changedChunks)
	}
	if got := chunkIDs(e.Current(), "simp.txt"); strings.Join(got, ",") != strings.Join(firstIDs, ",") {
		t.Errorf("unchanged document's chunk ids %v, want %v", got, firstIDs)
	}
	a, err := topEvidence(e, "集成电路企业共有多少家？")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(a, "205") || strings.Contains(a, "128") {
		t.Errorf("after reload the top evidence is %q, want the new figure 205", a)
	}

	// A fresh engine on the same data directory loads the saved index and
	// embeds nothing.
	emb2 := newCounting()
	e2, _ := New(Options{Language: testLang(), Docs: docs, DataDir: dir, Embedder: emb2})
	st, err = e2.Open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if emb2.texts.Load() != 0 || len(st.Unchanged) != 2 {
		t.Errorf("reopen: %s, embedded %d; want everything reused", st, emb2.texts.Load())
	}
}

func chunkIDs(ix *Index, doc string) []string {
	var ids []string
	for i := range ix.Len() {
		c, err := ix.Chunk(i)
		if err != nil {
			panic(err)
		}
		if c.DocID == doc {
			ids = append(ids, c.ID)
		}
	}
	return ids
}

func TestFailedReloadKeepsServingIndex(t *testing.T) {
	docs := twoScripts()
	emb := newCounting()
	e, err := New(Options{Language: testLang(), Docs: docs, DataDir: t.TempDir(), Embedder: emb})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	old := e.Current()
	tests := []struct {
		name   string
		break_ func()
	}{
		{"embedder fails", func() {
			docs["new.txt"] = &fstest.MapFile{Data: []byte("新文件内容，共有3项。")}
			emb.fail.Store(true)
		}},
		{"folder empty", func() {
			emb.fail.Store(false)
			for k := range docs {
				delete(docs, k)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.break_()
			if _, err := e.Reload(context.Background()); err == nil {
				t.Fatal("Reload succeeded, want an error")
			}
			if e.Current() != old {
				t.Fatal("a failed reload replaced the index")
			}
			a, err := topEvidence(e, "杭州软件企业共有多少家？")
			if err != nil || !strings.Contains(a, "936") {
				t.Errorf("after failed reload: %q, %v; want the old answer 936", a, err)
			}
		})
	}
}

func TestCrashDuringSaveLeavesPreviousIndex(t *testing.T) {
	for _, step := range []string{indexFile, vectorsFile, manifestFile} {
		t.Run("fail after "+step, func(t *testing.T) {
			dir := t.TempDir()
			docs := twoScripts()
			e, _ := New(Options{Language: testLang(), Docs: docs, DataDir: dir})
			if _, err := e.Open(context.Background()); err != nil {
				t.Fatal(err)
			}
			docs["simp.txt"] = &fstest.MapFile{Data: []byte("杭州软件产业报告\n杭州软件企业共有1200家。\n")}
			e.store.failAfter = step
			if _, err := e.Reload(context.Background()); err == nil {
				t.Fatal("Reload with an injected failure succeeded")
			}
			// The process "restarts": a new engine loads what is on disk,
			// with the folder reverted so nothing needs rebuilding.
			docs["simp.txt"] = twoScripts()["simp.txt"]
			var logs bytes.Buffer
			e2, _ := New(Options{Language: testLang(), Docs: docs, DataDir: dir, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
			st, err := e2.Open(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if st.Embedded != 0 || strings.Contains(logs.String(), "unusable") {
				t.Errorf("previous index did not load cleanly: %s; log: %s", st, logs.String())
			}
			a, _ := topEvidence(e2, "杭州软件企业共有多少家？")
			if !strings.Contains(a, "936") {
				t.Errorf("top evidence after crash = %q, want the previous index's 936", a)
			}
		})
	}
}

func TestBrokenIndexFilesRebuild(t *testing.T) {
	tests := []struct {
		name   string
		break_ func(gen string) error
	}{
		{"garbage manifest", func(gen string) error {
			return os.WriteFile(filepath.Join(gen, manifestFile), []byte("{not json"), 0o644)
		}},
		{"truncated index", func(gen string) error {
			return os.Truncate(filepath.Join(gen, indexFile), 100)
		}},
		{"missing index", func(gen string) error { return os.Remove(filepath.Join(gen, indexFile)) }},
		{"pointer to nowhere", func(gen string) error {
			return os.WriteFile(filepath.Join(filepath.Dir(gen), currentFile), []byte("gen-missing\n"), 0o644)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			e, _ := New(Options{Language: testLang(), Docs: twoScripts(), DataDir: dir})
			if _, err := e.Open(context.Background()); err != nil {
				t.Fatal(err)
			}
			cur, _ := os.ReadFile(filepath.Join(dir, currentFile))
			if err := tt.break_(filepath.Join(dir, strings.TrimSpace(string(cur)))); err != nil {
				t.Fatal(err)
			}
			var logs bytes.Buffer
			e2, _ := New(Options{Language: testLang(), Docs: twoScripts(), DataDir: dir, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
			st, err := e2.Open(context.Background())
			if err != nil {
				t.Fatalf("Open on a broken index: %v", err)
			}
			if st.Embedded == 0 || !strings.Contains(logs.String(), "rebuilding") {
				t.Errorf("broken index not rebuilt with a message: %s; log %q", st, logs.String())
			}
		})
	}
}

func TestEmbedderChangeRebuilds(t *testing.T) {
	dir := t.TempDir()
	e, _ := New(Options{Language: testLang(), Docs: twoScripts(), DataDir: dir})
	if _, err := e.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	emb := newCounting() // another dimension
	e2, _ := New(Options{Language: testLang(), Docs: twoScripts(), DataDir: dir, Embedder: emb, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	st, err := e2.Open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if int(emb.texts.Load()) != st.Chunks || !strings.Contains(logs.String(), "another embedder") {
		t.Errorf("switching embedder: embedded %d of %d chunks; log %q", emb.texts.Load(), st.Chunks, logs.String())
	}
}

func TestQuestionsDuringReload(t *testing.T) {
	docs := twoScripts()
	e, _ := New(Options{Language: testLang(), Docs: docs, DataDir: t.TempDir()})
	if _, err := e.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	// Copy the FS so the reloads read a stable map while questions run.
	next := fstest.MapFS{}
	for k, v := range docs {
		next[k] = v
	}
	next["extra.txt"] = &fstest.MapFile{Data: []byte("温州鞋业标准共有45项。")}
	e.docs = next
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 20; j++ {
				a, err := topEvidence(e, "杭州软件企业共有多少家？")
				if err != nil || !strings.Contains(a, "936") {
					t.Errorf("during reload: %q, %v", a, err)
					return
				}
			}
		}()
	}
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := e.Reload(context.Background()); err != nil {
				t.Errorf("concurrent reload: %v", err)
			}
		}()
	}
	wg.Wait()
	if n := len(e.Current().Docs()); n != 4 {
		t.Errorf("after reloads %d documents, want 4", n)
	}
}

// testLang shares the embedded dictionaries between the tests' engines.
var testLanguage = sync.OnceValues(LoadLanguage)

func testLang() *Language {
	l, err := testLanguage()
	if err != nil {
		panic(err)
	}
	return l
}

func TestOldGenerationsArePruned(t *testing.T) {
	dir := t.TempDir()
	docs := twoScripts()
	e, _ := New(Options{Language: testLang(), Docs: docs, DataDir: dir})
	if _, err := e.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	gens := func() []string {
		m, _ := filepath.Glob(filepath.Join(dir, "gen-*"))
		return m
	}
	first := gens()
	for i, text := range []string{"杭州软件企业共有1家。", "杭州软件企业共有2家。"} {
		// Age every generation so far, as if written long ago.
		old := time.Now().Add(-time.Hour)
		for _, g := range gens() {
			os.Chtimes(g, old, old)
		}
		docs["simp.txt"] = &fstest.MapFile{Data: []byte(text)}
		if _, err := e.Reload(context.Background()); err != nil {
			t.Fatal(err)
		}
		if n := len(gens()); n != 2 {
			t.Errorf("after save %d: %d generations, want the current and the previous one", i+1, n)
		}
	}
	for _, g := range gens() {
		if g == first[0] {
			t.Errorf("the first generation %s survived two newer saves", g)
		}
	}
}

// topEvidence returns the text of the best search result for q: what an
// answer to q quotes.
func topEvidence(e *Engine, q string) (string, error) {
	ev, err := e.Search(context.Background(), q, 1)
	if err != nil || len(ev) == 0 {
		return "", err
	}
	return ev[0].Chunk.Text, nil
}

// buildDocs builds an index in memory from documents, as a build from a
// folder would (docs is not modified).
func buildDocs(ctx context.Context, b builder, docs []knowledge.Document) (*Index, BuildStats, error) {
	sc := &folderScan{items: []scanItem{{file: -1, fresh: append([]knowledge.Document(nil), docs...)}}, read: 1}
	return b.build(ctx, sc, nil, func() (*generation, error) { return &generation{}, nil })
}
