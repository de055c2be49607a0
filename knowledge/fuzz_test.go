package knowledge

// Fuzz targets: every loader through Parse (the path of uploads and of
// Load), folding and chunking. CI runs each for a few seconds
// (.ci/run); run one longer after changing what it covers:
//
//	go test -run '^$' -fuzz FuzzParsePDF -fuzztime 60s ./knowledge/
//
// Crashers the fuzzer finds are kept in testdata/fuzz/<target> and run as
// ordinary tests.

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/policybot/policybot/internal/hostile"
)

// fuzzLimits keep each input small enough for the fuzzer to run many.
var fuzzLimits = Limits{
	Timeout:         10 * time.Second,
	MaxFileBytes:    4 << 20,
	MaxDecodedBytes: 8 << 20,
	MaxTextBytes:    2 << 20,
	MaxPages:        200,
	MaxObjects:      100_000,
	MaxTextItems:    50_000,
	MaxChunks:       5000,
}

// fuzzParse checks the properties every loader has: Parse returns (it
// never panics, and it returns by its deadline: the deadline is
// fuzzLimits.Timeout, the check allows for a loaded machine), with
// documents or an error; documents have text, valid UTF-8 without control
// characters, and rune offsets of pages within it.
func fuzzParse(t *testing.T, name string, raw []byte) {
	start := time.Now()
	docs, err := Loader{Limits: fuzzLimits}.Parse(context.Background(), name, raw)
	if d := time.Since(start); d > 3*fuzzLimits.Timeout {
		t.Errorf("Parse(%s) took %s, over 3× its deadline", name, d)
	}
	if err != nil {
		if len(docs) != 0 {
			t.Errorf("Parse(%s) = %d documents and error %v", name, len(docs), err)
		}
		return
	}
	if len(docs) == 0 {
		t.Fatalf("Parse(%s) = no documents and no error", name)
	}
	for _, d := range docs {
		if strings.TrimSpace(d.Text) == "" {
			t.Errorf("Parse(%s) document %q has no text", name, d.ID)
		}
		if !utf8.ValidString(d.Text) || !utf8.ValidString(d.Title) {
			t.Errorf("Parse(%s) document %q: invalid UTF-8", name, d.ID)
		}
		if i := strings.IndexFunc(d.Text+d.Title, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\t' }); i >= 0 {
			t.Errorf("Parse(%s) document %q: control character in %q", name, d.ID, d.Text)
		}
		n := utf8.RuneCountInString(d.Text)
		for _, p := range d.PageStarts {
			if p < 0 || p > n {
				t.Errorf("Parse(%s) document %q: page start %d outside its %d runes", name, d.ID, p, n)
			}
		}
	}
}

func addFile(f *testing.F, path string) {
	if raw, err := os.ReadFile(path); err == nil {
		f.Add(raw)
	}
}

func addSeeds(f *testing.F, pattern string) {
	paths, _ := filepath.Glob(pattern)
	for _, p := range paths {
		addFile(f, p)
	}
}

func FuzzParseTXT(f *testing.F) {
	addSeeds(f, "seeds/*.txt")
	f.Add([]byte("第一条 为了规范标准化工作，制定本办法。\n第二条 本办法适用于本市。"))
	f.Add(hostile.UTF16("第一条 正文。\nISO 9001\n", false, false))
	f.Add(hostile.UTF16("第一条 正文。\nISO 9001\n", true, true))
	f.Add([]byte("\xb1\xea\xd7\xbc\xbb\xaf\xb9\xa4\xd7\xf7")) // GB18030
	f.Add([]byte("正文\x1b[2J\u202e反向\x00"))
	f.Fuzz(func(t *testing.T, raw []byte) { fuzzParse(t, "a.txt", raw) })
}

func FuzzParseMD(f *testing.F) {
	f.Add([]byte("---\ntitle: 标题\ndate: 2022-02-17\n---\n# 标题\n## 一、总体要求\n**正文**。\n> 引用\n- 列表"))
	f.Add([]byte("# 标题\n<script>alert(1)</script>\n<!-- c -->正文。"))
	f.Fuzz(func(t *testing.T, raw []byte) { fuzzParse(t, "a.md", raw) })
}

func FuzzParseHTML(f *testing.F) {
	addFile(f, "pdf/testdata/libreoffice-source.html")
	f.Add([]byte("<html><head><title>标题</title><script>var a=1;</script></head><body><nav>首页</nav><h1>标题</h1><p>第一条 正文。</p><table><tr><td>项目</td><td>数量</td></tr></table><footer>版权所有</footer></body></html>"))
	f.Add([]byte(strings.Repeat("<div>", 600) + "<p>深</p><script>x</script>"))
	f.Add([]byte("<meta charset=gbk><p>\xb1\xea\xd7\xbc</p>"))
	f.Fuzz(func(t *testing.T, raw []byte) { fuzzParse(t, "a.html", raw) })
}

func FuzzParseJSONL(f *testing.F) {
	f.Add([]byte(`{"id":"a","title":"标题","text":"第一条 正文。","date":"2022-02-17","url":"https://example.org"}` + "\n" + `{"id":"b","text":"正文。"}`))
	f.Add([]byte(`{"id":"a\n","text":"x"}` + "\n" + `not json`))
	f.Fuzz(func(t *testing.T, raw []byte) { fuzzParse(t, "a.jsonl", raw) })
}

func FuzzParseDOCX(f *testing.F) {
	addSeeds(f, "testdata/docx/*.docx")
	f.Add(hostile.DOCX("第一条 为了规范标准化工作，制定本办法。", "第二条 本办法适用于本市。"))
	f.Add(hostile.DeepDOCX(120))
	f.Add(hostile.LyingDOCX(4000))
	f.Add(hostile.ManyPartsDOCX(50))
	f.Fuzz(func(t *testing.T, raw []byte) { fuzzParse(t, "a.docx", raw) })
}

func FuzzParsePDF(f *testing.F) {
	addSeeds(f, "pdf/testdata/*.pdf")
	f.Add(hostile.TextPDF("Article 1. Standards.\nArticle 2. Scope.", "Page two."))
	f.Add(hostile.NestedArrayPDF(300))
	f.Add(hostile.NestedObjStmPDF(300))
	f.Add(hostile.ObjStmLoopPDF())
	f.Add(hostile.ManyPagesPDF(300, 1000))
	f.Add(hostile.ManyItemsPDF(1000))
	f.Add(hostile.FormBombPDF(2, 2))
	f.Add(hostile.FontBombPDF(2))
	// Without pdftotext on PATH: the fuzzer is for this code, and a process
	// per damaged input would leave it a few runs a second.
	f.Setenv("PATH", "")
	f.Fuzz(func(t *testing.T, raw []byte) { fuzzParse(t, "a.pdf", raw) })
}

var (
	fuzzFolderOnce sync.Once
	fuzzFolder     *Folder
)

// FuzzFold: folding is idempotent, Fold(Fold(s)) == Fold(s) and the same
// for FoldPlain, and its output is valid UTF-8, lower case, with single
// inner spaces.
func FuzzFold(f *testing.F) {
	for _, s := range []string{"0ā準(A)0", "積體電路與人工智慧", "ＩＳＯ／ＩＥＣ１２３", "標(biāo)準(zhǔn)化 發展", "什么",
		"標（ｂｉāｏ）準", "準(A)(B)", "  上海\t\n 标准\u3000\u00a0化  ", "İSTANBUL ǅ ẞ", "\xff\xfe標"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fuzzFolderOnce.Do(func() {
			var err error
			if fuzzFolder, err = NewTextFolder(); err != nil {
				panic(err)
			}
		})
		once := fuzzFolder.Fold(s)
		if twice := fuzzFolder.Fold(once); twice != once {
			t.Errorf("Fold(Fold(%q)) = %q, want Fold(%q) = %q", s, twice, s, once)
		}
		if strings.Contains(once, "  ") || strings.TrimSpace(once) != once {
			t.Errorf("Fold(%q) = %q: spaces not collapsed", s, once)
		}
		plain := fuzzFolder.FoldPlain(s)
		if twice := fuzzFolder.FoldPlain(plain); twice != plain {
			t.Errorf("FoldPlain(FoldPlain(%q)) = %q, want FoldPlain(%q) = %q", s, twice, s, plain)
		}
	})
}

// FuzzChunks: chunking a cleaned document returns (bounded time: the
// inputs are at most a few KB, checked by the fuzzer's own deadline),
// every chunk lies within the text at its offsets, and no text is lost:
// every non-space rune of the body is in some chunk.
func FuzzChunks(f *testing.F) {
	addSeeds(f, "seeds/*.txt")
	for _, s := range []string{
		"第一章 总则\n第一条 为了规范标准化工作，制定本办法。\n第二条 本办法适用于本市。\n一、总体要求\n（一）指导思想\n1. 坚持。\n2. 创新。",
		"一、\n短\n二、标题\n正文。(说明)",
		strings.Repeat("。(", 500),
		strings.Repeat("长", 2000),
		"",
		"一、总体要求\n（一）基本原则\n1.坚持创新。创新是第一动力。",
		"第一章　总则\n第一条　为了规范管理，制定本办法。\n第二条　应当具备下列条件：\n（一）注册资本不低于600万元；\n（二）有固定场所。",
		"目录\n第一章 总则\n第二章 附则\n第一章 总则\n第一条 正文。",
		"主要任务：\n1.参与制定国家标准\n2.参与制定行业标准",
		"第十条　事故报告应当包括下列内容：\n" + strings.Repeat("（一）事故发生的时间、地点、单位概况以及特种设备种类；\n", 30),
		strings.Repeat("标准化", 400),
		"第一条\n\n第二条：\n（一）",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		if !utf8.Valid(raw) {
			return
		}
		d := Document{ID: "a.txt", Title: "t", Text: cleanLines(string(raw))}
		chunks := Chunks(d)
		checkChunkInvariants(t, d, chunks)
		rs := []rune(d.Text)
		covered := make([]bool, len(rs))
		for _, c := range chunks {
			if c.Start < 0 || c.End > len(rs) || c.Start > c.End {
				t.Fatalf("Chunks(%q): chunk %s at [%d,%d) outside the %d runes", d.Text, c.ID, c.Start, c.End, len(rs))
			}
			for i := c.Start; i < c.End; i++ {
				covered[i] = true
			}
		}
		for i, r := range rs {
			if covered[i] || unicode.IsSpace(r) {
				continue
			}
			if !isHeadingRune(d.Text, i) {
				t.Fatalf("Chunks(%q) lost %q at rune %d", d.Text, r, i)
			}
			if strictNoLostText() {
				t.Fatalf("Chunks(%q) lost %q at rune %d, on a line that is only a heading (issue 10)", d.Text, r, i)
			}
		}
	})
}

// strictNoLostText reports whether FuzzChunks's "no text lost" property is
// strict: then a line that is only a heading ("一、总体要求", but also a
// short item such as "1. 坚持。") must be in a chunk's text too, not only
// in the section path of the chunks after it.
//
// TODO(issue 10): Chunks keeps a line that is only a heading (a chapter
// title, or a short item such as "1. 坚持。") in the section path of the
// chunks after it, not in a chunk's text; checkChunkInvariants allows that,
// and so does FuzzChunks by default, and no other loss. Make this the
// default if issue 10 settles that every character belongs in a chunk's
// text. Try it with
// POLICYBOT_FUZZ_STRICT_CHUNKS=1 go test -run FuzzChunks ./knowledge/
func strictNoLostText() bool { return os.Getenv("POLICYBOT_FUZZ_STRICT_CHUNKS") != "" }

// isHeadingRune reports whether rune i of text lies on a line that is
// only a heading: Chunks keeps such lines in the section path, not in a
// chunk's text.
func isHeadingRune(text string, i int) bool {
	rs := []rune(text)
	start, end := i, i
	for start > 0 && rs[start-1] != '\n' {
		start--
	}
	for end < len(rs) && rs[end] != '\n' {
		end++
	}
	_, _, only, ok := heading(string(rs[start:end]))
	return ok && only
}

// FuzzDOCXParagraphs feeds arbitrary body XML (with styles and numbering)
// to the DOCX reader: errors are fine, panics are not.
func FuzzDOCXParagraphs(f *testing.F) {
	f.Add(testDOCXBody)
	f.Add(`<w:p><w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>条</w:t></w:r></w:p>`)
	f.Add(`<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="3"/><w:vMerge/></w:tcPr><w:p><w:r><w:t>甲</w:t></w:r></w:p></w:tc></w:tr></w:tbl>`)
	st := parseDOCXStyles([]byte(testDOCXStyles))
	num := parseDOCXNumbering([]byte(testDOCXNumbering))
	f.Fuzz(func(t *testing.T, body string) {
		paras, err := docxParagraphs([]byte(testDOCXDocument(body)), st, num)
		if err != nil {
			return
		}
		docxAssemble(paras, st)
	})
}

// FuzzHTML feeds arbitrary pages to the HTML loader.
func FuzzHTML(f *testing.F) {
	f.Add(samplePage)
	f.Add(trsPage)
	f.Add(`<table><tr><th colspan="99999">a</th></tr><tr><td rowspan="-1">b</td><td rowspan="99999">c</td></tr></table>`)
	f.Add(`<div style="display:none">x</div><template>y</template><p hidden>z</p>`)
	f.Fuzz(func(t *testing.T, page string) {
		docs, err := Parse(context.Background(), "f.html", []byte(page))
		if err != nil {
			return
		}
		for _, d := range docs {
			checkChunkInvariants(t, d, Chunks(d))
		}
	})
}
