package answer

import (
	"context"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/policybot/policybot/retrieval"
)

// testLanguage shares the embedded dictionaries between the tests' engines.
var testLanguage = sync.OnceValues(retrieval.LoadLanguage)

func testLang(t testing.TB) *retrieval.Language {
	t.Helper()
	l, err := testLanguage()
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// open returns an answerer over an engine opened on docs (nil: the seeds).
func open(t testing.TB, docs fstest.MapFS, opts Options) *Answerer {
	t.Helper()
	ro := retrieval.Options{Language: testLang(t)}
	if docs != nil {
		ro.Docs = docs
	}
	e, err := retrieval.New(ro)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	return New(e, opts)
}

// seedAnswerer answers from the shipped seed documents, offline; it is
// read-only in the tests that share it.
var seedAnswerer = sync.OnceValues(func() (*Answerer, error) {
	l, err := testLanguage()
	if err != nil {
		return nil, err
	}
	e, err := retrieval.New(retrieval.Options{Language: l})
	if err != nil {
		return nil, err
	}
	if _, err := e.Open(context.Background()); err != nil {
		return nil, err
	}
	return New(e, Options{}), nil
})

func seeds(t *testing.T) *Answerer {
	t.Helper()
	a, err := seedAnswerer()
	if err != nil {
		t.Fatalf("open seeds: %v", err)
	}
	return a
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
			if got := e.eng.Script(a.Text) == "zh-Hant"; got != tt.trad {
				t.Errorf("Ask(%q) answered in %s, want Traditional=%v: %q", tt.q, e.eng.Script(a.Text), tt.trad, a.Text)
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

func TestPDFPagesInCitations(t *testing.T) {
	raw, err := os.ReadFile("../../knowledge/pdf/testdata/libreoffice-2pages.pdf")
	if err != nil {
		t.Fatal(err)
	}
	docx, err := os.ReadFile("../../knowledge/testdata/docx/libreoffice.docx")
	if err != nil {
		t.Fatal(err)
	}
	docs := fstest.MapFS{
		"report.pdf":  {Data: raw},
		"corrupt.pdf": {Data: []byte("%PDF-1.4\n1 0 obj garbage")},
	}
	e := open(t, docs, Options{})
	if sk := e.eng.Current().Skipped(); len(sk) != 1 || sk[0].Path != "corrupt.pdf" {
		t.Errorf("skipped = %v, want corrupt.pdf with its reason", sk)
	}
	a, err := e.Ask(context.Background(), Question{Text: "GB/T 19001—2016与哪个质量管理体系标准等同采用？"})
	if err != nil {
		t.Fatal(err)
	}
	if !a.Answered || !strings.Contains(a.Text, "ISO 9001") || a.Citations[0].Doc != "report.pdf" || a.Citations[0].Page != 2 {
		t.Errorf("Ask = %q cites %+v; want ISO 9001 from report.pdf page 2", a.Text, a.Citations)
	}
	var pages int
	for _, d := range e.eng.Current().Docs() {
		if d.ID == "report.pdf" {
			pages = d.Pages
		}
	}
	if pages != 2 {
		t.Errorf("report.pdf has %d pages in the index, want 2", pages)
	}

	// The same text as a Word file: cited by name, with its title, no page.
	e2 := open(t, fstest.MapFS{"plan.docx": {Data: docx}}, Options{})
	a, err = e2.Ask(context.Background(), Question{Text: "GB/T 19001—2016与哪个质量管理体系标准等同采用？"})
	if err != nil {
		t.Fatal(err)
	}
	if d := e2.eng.Current().Docs(); len(d) != 1 || d[0].Format != "docx" || !a.Answered || a.Citations[0].Doc != "plan.docx" || a.Citations[0].Title == "" {
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

func TestVague(t *testing.T) {
	tests := []struct {
		q    string
		want bool
	}{
		{"x", true},
		{"标准", true},
		{"上海", true},
		{"？？？", true},
		{"ISO", true},
		{"秘书处", false},
		{"hello there", false},
		{"How many ISO/IEC secretariats does Shanghai hold?", false},
		{"上海承担了多少个ISO/IEC秘书处？", false},
	}
	for _, tt := range tests {
		if got := vague(tt.q); got != tt.want {
			t.Errorf("vague(%q) = %v, want %v", tt.q, got, tt.want)
		}
	}
}

func TestSearchable(t *testing.T) {
	an := seeds(t)
	q := an.eng.Analyze(an.eng.Current(), "According to the Jiaxing report, what kind of city does the pilot want to build?")
	has := func(q *retrieval.Query, term string) bool {
		return slices.ContainsFunc(q.Terms, func(t retrieval.Term) bool { return t.Text == term })
	}
	s := an.searchable(q)
	if !has(q, "报告") || has(s, "报告") {
		t.Errorf("searchable keeps the opening's 报告 (question has it: %v)", has(q, "报告"))
	}
	if !has(s, "嘉兴") {
		t.Error("searchable dropped the place 嘉兴")
	}
	plain := an.eng.Analyze(an.eng.Current(), "嘉兴要建设什么样的城市？")
	if an.searchable(plain) != plain {
		t.Error("searchable changed a question without a source opening")
	}
}

// Adjacent English words search for their translations written as one name
// (标准化发展战略纲要), and only search: the answer's terms are the words'.
func TestPhraseTerms(t *testing.T) {
	an := seeds(t)
	q := an.eng.Analyze(an.eng.Current(), "What period does the Shanghai Standardization Development Strategy Outline cover?")
	has := func(ts []retrieval.Term, s string) bool {
		return slices.ContainsFunc(ts, func(t retrieval.Term) bool { return t.Text == s })
	}
	if !has(q.Phrases, "略纲") || !has(q.Phrases, "展战") {
		t.Errorf("Phrases = %v, want the joins 展战 and 略纲", q.Phrases)
	}
	if has(q.Terms, "略纲") {
		t.Error("a phrase join is among the answer's terms")
	}
	if p := an.eng.Analyze(an.eng.Current(), "上海有多少个秘书处？").Phrases; len(p) != 0 {
		t.Errorf("a Chinese question has phrase joins %v", p)
	}
}
