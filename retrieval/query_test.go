package retrieval

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

func TestAddTermsWeights(t *testing.T) {
	e, err := New(Options{Language: testLang()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Open(t.Context()); err != nil {
		t.Fatal(err)
	}
	ix := e.Current()
	q := e.Analyze(ix, "How many secretariats does Shanghai hold?")
	before := make(map[string]float64)
	for _, qt := range q.Terms {
		before[qt.Text] = qt.Weight
	}
	if !e.AddTerms(ix, q, []string{"秘书处", "子虚乌有", "上海", "hello"}, "test") {
		t.Error("AddTerms used none of the terms")
	}
	after := make(map[string]float64)
	for _, qt := range q.Terms {
		after[qt.Text] = qt.Weight
	}
	if !slices.IsSortedFunc(q.Terms, func(a, b Term) int { return strings.Compare(a.Text, b.Text) }) {
		t.Errorf("terms are not sorted: %v", q.Terms)
	}
	for _, term := range []string{"秘书", "书处", "上海"} {
		if after[term] < before[term] || after[term] == 0 || after[term] > addedWeight+1e-9 && after[term] != before[term] {
			t.Errorf("weight of %s = %g (before %g), want max(before, ≤ %g)", term, after[term], before[term], addedWeight)
		}
	}
	for _, term := range []string{"子虚", "乌有"} {
		if _, ok := after[term]; ok {
			t.Errorf("term %s, absent from the index, was added", term)
		}
	}
}

// TestAskWithLLMOtherPlace: asked about 北京, a model that answers with
// 上海's figure and cites 上海's source is not shipped as grounded.

// Questions that laws answer in fixed words find the article that uses
// them: a definition ("本法所称…是指"), a purpose ("为了…制定本法"), a start
// date ("自…起施行").
func TestDraftingFormulas(t *testing.T) {
	// Each article is long enough to be a chunk of its own.
	pad := strings.Repeat("农业生产经营者应当按照国家有关规定开展相关工作，", 14)
	law := "种子法\n" +
		"第一条　为了保护和合理利用种质资源，规范品种选育，" + pad + "制定本法。\n" +
		"第二条　种质资源的保护和利用，由农业农村主管部门负责，种质资源库应当定期检测种质资源，" + pad + "\n" +
		"第三条　本法所称种质资源，是指选育植物新品种的基础材料，" + pad + "\n" +
		"第四条　本法自2016年1月1日起施行，" + pad + "\n" +
		"第五条　种质资源的交流应当登记，种质资源的出口应当审批，种质资源的目录应当公布，" + pad + "\n"
	docs := fstest.MapFS{"law.txt": {Data: []byte(law)}}
	e, err := New(Options{Language: testLang(), Docs: docs})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Open(t.Context()); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ q, want string }{
		{"什么是种质资源？", "第三条"},
		{"种子法的立法目的是什么？", "第一条"},
		{"种子法从何时起开始施行？", "第四条"},
	}
	for _, tt := range tests {
		ev, err := e.Search(t.Context(), tt.q, 3)
		if err != nil || len(ev) == 0 {
			t.Fatalf("Search(%q) = %v, %v", tt.q, ev, err)
		}
		if got := ev[0].Chunk.Text + strings.Join(ev[0].Chunk.Section, " "); !strings.Contains(got, tt.want) {
			t.Errorf("Search(%q) first = %q (%v), want %s", tt.q, ev[0].Chunk.Text, ev[0].Chunk.Section, tt.want)
		}
	}
}

func TestAnalyzeQuotedNames(t *testing.T) {
	e := openEngine(t, Options{Language: testLang()})
	ix := e.Current()
	tests := []struct {
		q    string
		want []string
	}{
		{"嘉兴的“火星基地”工程有哪些内容？", []string{"火星基地"}}, // a name the documents never use
		{"“上海标准”覆盖哪些领域？", nil},                  // one they use
		{"浙江要在哪“四地”建设上取得突破？", nil},              // the asker's numbered shorthand
	}
	for _, tt := range tests {
		if got := e.Analyze(ix, tt.q).Missing; !slices.Equal(got, tt.want) {
			t.Errorf("Analyze(%q).Missing = %q, want %q", tt.q, got, tt.want)
		}
	}
}

func TestDocumentChunks(t *testing.T) {
	ix := openEngine(t, Options{Language: testLang(), Docs: twoScripts()}).Current()
	cs, err := ix.DocumentChunks("trad.txt", -1)
	if err != nil || len(cs) == 0 {
		t.Fatalf("DocumentChunks(trad.txt) = %d chunks, %v", len(cs), err)
	}
	for i, c := range cs {
		if c.DocID != "trad.txt" || i > 0 && c.Start < cs[i-1].End {
			t.Errorf("chunk %d = %s [%d,%d): not trad.txt's, in order", i, c.ID, c.Start, c.End)
		}
	}
	if two, err := ix.DocumentChunks("trad.txt", 1); err != nil || len(two) != 1 {
		t.Errorf("DocumentChunks(trad.txt, 1) = %d chunks, %v; want 1", len(two), err)
	}
	first, ok, err := ix.DocumentOpening("trad.txt")
	if err != nil || !ok || first.ID != cs[0].ID {
		t.Errorf("DocumentOpening(trad.txt) = %s, %v, %v; want %s", first.ID, ok, err, cs[0].ID)
	}
	if cs, err := ix.DocumentChunks("nope.txt", -1); err != nil || cs != nil {
		t.Errorf("DocumentChunks(nope.txt) = %v, %v; want nothing", cs, err)
	}
}

// openEngine returns an engine over opts, opened.
func openEngine(t *testing.T, opts Options) *Engine {
	t.Helper()
	e, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Open(t.Context()); err != nil {
		t.Fatal(err)
	}
	return e
}
