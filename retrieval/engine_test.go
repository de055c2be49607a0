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

func TestAskSeeds(t *testing.T) {
	e := seeds(t)
	tests := []struct {
		name, q string
		want    []string // all must occur in the answer
		doc     string   // a cited document
		trad    bool     // the answer must be in Traditional script
	}{
		{"simplified figure", "上海设立了多少个市级标委会？", []string{"44"}, "", false},
		{"traditional figure", "上海承擔全國標委會秘書處多少個？", []string{"117個", "依據"}, "", true},
		{"english figure", "How many ISO/IEC secretariats does Shanghai hold?", []string{"6"}, "", false},
		{"taiwan wording", "上海的三大先導產業包括積體電路嗎？", []string{"集成電路"}, "", true},
		{"issuing number", "上海2015年深化标准化改革工作方案的文号是什么？", []string{"沪府办发〔2015〕45号"}, "002_a890cb5bac0b280e.txt", false},
		{"list answer in document order", "浙江国家标准化创新发展试点工作分为哪几个阶段？", []string{"2023", "2024", "2025"}, "004_445d27354f955fbc.txt", false},
		{"mojibake document still answers", "嘉兴主导的国际标准有几项？", []string{"9项"}, "003_8eaa10753541487a.txt", false},
		{"english synonyms count once", "How many national technical committee secretariats does Shanghai undertake?", []string{"117"}, "", false},
		{"english count, not a deadline year", "How many local standards has Shanghai issued?", []string{"996"}, "", false},
		{"english phrase over its words", "What are Shanghai's three leading industries?", []string{"集成电路", "生物医药", "人工智能"}, "", false},
		{"when: the date the sentence gives", "嘉兴什么时候确定开展省级试点？", []string{"2023年7月。"}, "003_8eaa10753541487a.txt", false},
		{"romanised name", "What did Chen Tong introduce at the press conference?", []string{"陈通介绍"}, "001_9709453190b7982c.txt", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := e.Ask(context.Background(), Question{Text: tt.q})
			if err != nil {
				t.Fatalf("Ask(%q): %v", tt.q, err)
			}
			if !a.Answered || a.Path != PathExtractive {
				t.Fatalf("Ask(%q) declined: %s", tt.q, a.Text)
			}
			for _, w := range tt.want {
				if !strings.Contains(a.Text, w) {
					t.Errorf("Ask(%q) = %q, want it to contain %q", tt.q, a.Text, w)
				}
			}
			if len(a.Citations) == 0 {
				t.Fatalf("Ask(%q) cites nothing", tt.q)
			}
			if tt.doc != "" && a.Citations[0].Doc != tt.doc {
				t.Errorf("Ask(%q) first cites %s, want %s", tt.q, a.Citations[0].Doc, tt.doc)
			}
			for i, c := range a.Citations {
				if c.N != i+1 || !strings.Contains(a.Text, "["+string(rune('0'+c.N))+"]") {
					t.Errorf("citation %d numbered %d, or its marker is missing from %q", i, c.N, a.Text)
				}
			}
			if got := e.Script(a.Text) == "zh-Hant"; got != tt.trad {
				t.Errorf("Ask(%q) answered in %s, want Traditional=%v: %q", tt.q, e.Script(a.Text), tt.trad, a.Text)
			}
		})
	}
}

func TestAskDeclines(t *testing.T) {
	e := seeds(t)
	for _, q := range []string{
		"北京承担了多少个ISO/IEC秘书处？",                                           // a place the documents don't cover
		"What is the 2024 budget of the Shenzhen standardization fund?", // same, in English
		"火星基地的氧气储备是多少？",                                                 // nothing related at all
		"Who won the 1998 football world cup?",
		"What did Li Ming say about standards?", // a romanised name nobody in the documents has
	} {
		t.Run(q, func(t *testing.T) {
			a, err := e.Ask(context.Background(), Question{Text: q})
			if err != nil {
				t.Fatal(err)
			}
			if a.Answered || len(a.Citations) != 0 || a.Path != PathDeclined {
				t.Errorf("Ask(%q) = answered %v, %d citations, path %s: %q; want a decline with no sources", q, a.Answered, len(a.Citations), a.Path, a.Text)
			}
		})
	}
}

func TestAskEmptyAndHuge(t *testing.T) {
	e := seeds(t)
	a, err := e.Ask(context.Background(), Question{Text: "   "})
	if err != nil || a.Answered {
		t.Errorf("Ask(blank) = %+v, %v; want a prompt to ask, not an answer", a, err)
	}
	huge := strings.Repeat("上海承担了多少个秘书处？", 5000)
	a, err = e.Ask(context.Background(), Question{Text: huge})
	if err != nil {
		t.Fatalf("Ask(huge): %v", err)
	}
	if n := len([]rune(a.Question)); n > MaxQuestionRunes {
		t.Errorf("huge question kept %d runes, want at most %d", n, MaxQuestionRunes)
	}
}

// twoScripts is a small knowledge base: one document in Traditional, one in
// Simplified, with distinct facts.
func twoScripts() fstest.MapFS {
	return fstest.MapFS{
		"trad.txt": {Data: []byte("臺灣積體電路產業報告\n一、產業概況\n本市積體電路企業共有128家，人工智慧企業共有57家。\n")},
		"simp.txt": {Data: []byte("杭州软件产业报告\n一、总体情况\n杭州软件企业共有936家，秘书处设在滨江区。\n")},
		"other.md": {Data: []byte("---\ntitle: 港口物流\ndate: 2023-05-01\n---\n# 港口物流\n宁波港口集装箱吞吐量达到3530万标准箱。\n")},
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
	a, err := e.Ask(context.Background(), Question{Text: "集成电路企业共有多少家？"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(a.Text, "205") || strings.Contains(a.Text, "128") {
		t.Errorf("after reload the answer is %q, want the new figure 205", a.Text)
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
	for _, c := range ix.chunks {
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
			a, err := e.Ask(context.Background(), Question{Text: "杭州软件企业共有多少家？"})
			if err != nil || !strings.Contains(a.Text, "936") {
				t.Errorf("after failed reload: %q, %v; want the old answer 936", a.Text, err)
			}
		})
	}
}

func TestCrashDuringSaveLeavesPreviousIndex(t *testing.T) {
	for _, step := range []string{chunksFile, vectorsFile, manifestFile} {
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
			a, _ := e2.Ask(context.Background(), Question{Text: "杭州软件企业共有多少家？"})
			if !strings.Contains(a.Text, "936") {
				t.Errorf("answer after crash = %q, want the previous index's 936", a.Text)
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
		{"truncated chunks", func(gen string) error {
			return os.WriteFile(filepath.Join(gen, chunksFile), []byte{0x1f, 0x8b, 0}, 0o644)
		}},
		{"missing vectors", func(gen string) error { return os.Remove(filepath.Join(gen, vectorsFile)) }},
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
				a, err := e.Ask(context.Background(), Question{Text: "杭州软件企业共有多少家？"})
				if err != nil || !strings.Contains(a.Text, "936") {
					t.Errorf("during reload: %q, %v", a.Text, err)
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

func TestPDFPagesInCitations(t *testing.T) {
	raw, err := os.ReadFile("../knowledge/pdf/testdata/libreoffice-2pages.pdf")
	if err != nil {
		t.Fatal(err)
	}
	docx, err := os.ReadFile("../knowledge/testdata/docx/libreoffice.docx")
	if err != nil {
		t.Fatal(err)
	}
	docs := fstest.MapFS{
		"report.pdf":  {Data: raw},
		"corrupt.pdf": {Data: []byte("%PDF-1.4\n1 0 obj garbage")},
	}
	e, err := New(Options{Language: testLang(), Docs: docs})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	if sk := e.Current().Skipped(); len(sk) != 1 || sk[0].Path != "corrupt.pdf" {
		t.Errorf("skipped = %v, want corrupt.pdf with its reason", sk)
	}
	a, err := e.Ask(context.Background(), Question{Text: "嘉兴主导的国际标准有几项？"})
	if err != nil {
		t.Fatal(err)
	}
	if !a.Answered || !strings.Contains(a.Text, "9") || a.Citations[0].Doc != "report.pdf" || a.Citations[0].Page != 2 {
		t.Errorf("Ask = %q cites %+v; want 9 from report.pdf page 2", a.Text, a.Citations)
	}
	var pages int
	for _, d := range e.Current().Docs() {
		if d.ID == "report.pdf" {
			pages = d.Pages
		}
	}
	if pages != 2 {
		t.Errorf("report.pdf has %d pages in the index, want 2", pages)
	}

	// The same text as a Word file: cited by name, with its title, no page.
	e2, _ := New(Options{Language: testLang(), Docs: fstest.MapFS{"plan.docx": {Data: docx}}})
	if _, err := e2.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	a, err = e2.Ask(context.Background(), Question{Text: "嘉兴主导的国际标准有几项？"})
	if err != nil {
		t.Fatal(err)
	}
	if d := e2.Current().Docs(); len(d) != 1 || d[0].Format != "docx" || !a.Answered || a.Citations[0].Doc != "plan.docx" || a.Citations[0].Title == "" {
		t.Errorf("docx: docs %+v, answer %q %+v", d, a.Text, a.Citations)
	}
}

func TestEnglishDate(t *testing.T) {
	for in, want := range map[string]string{"2015年10月30日": "30 October 2015", "2023年7月": "July 2023", "2025年": "2025"} {
		if got, ok := englishDate(in); !ok || got != want {
			t.Errorf("englishDate(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	if _, ok := englishDate("6个"); ok {
		t.Error("englishDate(6个) accepted a count")
	}
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
