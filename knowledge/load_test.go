package knowledge

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// update rewrites the golden files under testdata/golden:
//
//	go test ./knowledge -run Golden -update
var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// seedCorpus loads the seed documents shipped with policybot.
func seedCorpus(t *testing.T) Corpus {
	t.Helper()
	c, err := Load(context.Background(), Seeds())
	if err != nil {
		t.Fatalf("Load(Seeds()) error: %v", err)
	}
	if len(c.Skipped) > 0 {
		t.Fatalf("Load(Seeds()) skipped %v, want none", c.Skipped)
	}
	return c
}

// seedDoc returns the seed document whose ID starts with prefix.
func seedDoc(t *testing.T, c Corpus, prefix string) Document {
	t.Helper()
	for _, d := range c.Docs {
		if strings.HasPrefix(d.ID, prefix) {
			return d
		}
	}
	t.Fatalf("no seed document %s* in %d documents", prefix, len(c.Docs))
	return Document{}
}

// renderGolden renders a loaded document and its chunks as readable text.
// Text lines carry their 1-based number, as mojibake warnings cite them.
func renderGolden(d Document, chunks []Chunk) string {
	var b strings.Builder
	fmt.Fprintf(&b, "id:      %s\n", d.ID)
	fmt.Fprintf(&b, "title:   %s\n", d.Title)
	fmt.Fprintf(&b, "date:    %s\n", d.Date)
	fmt.Fprintf(&b, "author:  %s\n", d.Author)
	fmt.Fprintf(&b, "url:     %s\n", d.URL)
	fmt.Fprintf(&b, "format:  %s\n", d.Format)
	fmt.Fprintf(&b, "pages:   %d\n", d.Pages())
	fmt.Fprintf(&b, "runes:   %d\n", utf8.RuneCountInString(d.Text))
	fmt.Fprintf(&b, "warnings (%d):\n", len(d.Warnings))
	for _, w := range d.Warnings {
		fmt.Fprintf(&b, "  - %s\n", w)
	}
	b.WriteString("\n==== text ====\n")
	for i, line := range strings.Split(d.Text, "\n") {
		fmt.Fprintf(&b, "%3d| %s\n", i+1, line)
	}
	fmt.Fprintf(&b, "\n==== chunks (%d) ====\n", len(chunks))
	for _, c := range chunks {
		fmt.Fprintf(&b, "\n---- %s  page %d  runes [%d,%d)  len %d\n", c.ID, c.Page, c.Start, c.End, utf8.RuneCountInString(c.Text))
		fmt.Fprintf(&b, "section: %s\n", strings.Join(c.Section, " › "))
		b.WriteString(c.Text)
		b.WriteString("\n")
	}
	return b.String()
}

// goldenName is the golden file of a seed: its ordinal, as in 001.golden.
func goldenName(id string) string {
	n, _, _ := strings.Cut(id, "_")
	return filepath.Join("testdata", "golden", n+".golden")
}

// checkGolden compares got with the golden file, or rewrites it under -update.
func checkGolden(t *testing.T, file, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("read golden file (run go test ./knowledge -update to create it): %v", err)
	}
	if got == string(want) {
		return
	}
	gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
	for i := range max(len(gl), len(wl)) {
		var g, w string
		if i < len(gl) {
			g = gl[i]
		}
		if i < len(wl) {
			w = wl[i]
		}
		if g != w {
			t.Fatalf("%s differs at line %d:\n got: %s\nwant: %s\n(run go test ./knowledge -update to accept, then review the diff)", file, i+1, g, w)
		}
	}
}

func TestSeedsGolden(t *testing.T) {
	c := seedCorpus(t)
	if len(c.Docs) != 5 {
		t.Fatalf("Load(Seeds()) = %d documents, want 5", len(c.Docs))
	}
	for _, d := range c.Docs {
		t.Run(d.ID, func(t *testing.T) {
			checkGolden(t, goldenName(d.ID), renderGolden(d, Chunks(d)))
		})
	}
}

// TestSeedQuirks states the facts the golden files must show, so that a
// careless -update cannot accept a regression in them.
func TestSeedQuirks(t *testing.T) {
	c := seedCorpus(t)
	tests := []struct {
		seed       string
		title      string
		date       string
		format     string
		warnings   int // minimum number of warnings
		contains   []string
		notContain []string
	}{
		{
			seed:   "000_",
			title:  "近日,上海市政府發布《上海市標準化發展行動計劃》(以下簡稱行動計劃),為更好落實…",
			format: "txt",
			contains: []string{
				"上海市政府發布《上海市標準化發展行動計劃》",
				"上海承擔國際標準化技術組織ISO/IEC秘書處6個",
			},
			notContain: []string{"(biāo)", "(zhǔn)", "(fā)"},
		},
		{
			seed:   "001_",
			title:  "加快建设国际标准化高地！上海出台《上海市标准化发展行动计划》",
			date:   "2022-02-17",
			format: "html",
			contains: []string{
				"截至2021年底，累计牵头制定国际标准115项，主导制定国家标准4039项，发布实施地方标准996项。",
				"一、关于《行动计划》的背景情况",
				"上海承担国际标准化技术组织ISO/IEC秘书处6个",
			},
			notContain: []string{
				"责任编辑", "王翔", "海量资讯", "新浪财经APP", "appendQr", "{", "border:1px",
				"<img", "<div", "<p", "<!--", "sinaimg", "---", "categories", "headimg", "　",
			},
		},
		{
			seed:   "002_",
			title:  "上海市人民政府办公厅印发《关于深化标准化改革促进标准化服务科技创新中心建设工作方…",
			date:   "2015-10-30",
			format: "txt",
			contains: []string{
				"沪府办发〔2015〕45号",
				"(市质量技监局牵头,市经济信息化委配合,2018年6月底前完成)",
			},
			notContain: []string{"版权所有", "上海投资网", "shanghaiinvest", "相关链接", "相关文章", "68868336"},
		},
		{
			seed:     "003_",
			title:    "近日,嘉興召開標準化創新發展省級試點建設動員部署會,正式啟動試點建設",
			date:     "",
			format:   "txt",
			warnings: 2,
			contains: []string{
				"近日,嘉興召開標準化創新發展省級試點建設動員部署會,正式啟動試點建設。",
				"開展對標達標研究提供對標方案",
				"(記者 鄭小梅 通訊員 嘉 合)",
			},
			notContain: []string{"(biāo)", "(zhǔn)", "?biāo)", "?dá)"},
		},
		{
			seed:   "004_",
			title:  "浙江省國家標準化創新發展試點工作方案",
			format: "txt",
			contains: []string{
				"加快積體電路、半導體",
				"開展人工智慧、量子信息",
				"(四)文化保障。",
			},
			notContain: []string{"相關詞條", "熱門詞條", "聯絡我們"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.seed, func(t *testing.T) {
			d := seedDoc(t, c, tt.seed)
			if d.Title != tt.title {
				t.Errorf("Title = %q, want %q", d.Title, tt.title)
			}
			if d.Date != tt.date {
				t.Errorf("Date = %q, want %q", d.Date, tt.date)
			}
			if d.Format != tt.format {
				t.Errorf("Format = %q, want %q", d.Format, tt.format)
			}
			if len(d.Warnings) < tt.warnings {
				t.Errorf("Warnings = %q, want at least %d", d.Warnings, tt.warnings)
			}
			if tt.warnings == 0 && len(d.Warnings) > 0 {
				t.Errorf("Warnings = %q, want none", d.Warnings)
			}
			for _, s := range tt.contains {
				if !strings.Contains(d.Text, s) {
					t.Errorf("Text lacks %q", s)
				}
			}
			for _, s := range tt.notContain {
				if strings.Contains(d.Text, s) {
					t.Errorf("Text contains %q, want it dropped", s)
				}
			}
		})
	}
}

// gb18030 encodes s as GB18030 bytes.
func gb18030(t *testing.T, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encode GB18030: %v", err)
	}
	return b
}

// skipReason returns the reason path was skipped, or "" if it was not.
func skipReason(c Corpus, path string) (string, bool) {
	for _, s := range c.Skipped {
		if s.Path == path {
			return s.Reason, true
		}
	}
	return "", false
}

func docIDs(c Corpus) []string {
	var ids []string
	for _, d := range c.Docs {
		ids = append(ids, d.ID)
	}
	return ids
}

func TestLoadBadInput(t *testing.T) {
	good := "上海市标准化发展行动计划。截至2021年底，累计牵头制定国际标准115项。"
	fsys := fstest.MapFS{
		"good.txt":           {Data: []byte(good)},
		"sub/nested.md":      {Data: []byte("# 嵌套文件\n正文。")},
		"binary.txt":         {Data: []byte("abc\x00\x01\x02def")},
		"empty.txt":          {Data: nil},
		"blank.md":           {Data: []byte(" \n\t\r\n　　\n")},
		"gbk.txt":            {Data: gb18030(t, good)},
		"latin1.txt":         {Data: []byte("Caf\xe9 \xe0 la cr\xe8me, r\xe9sum\xe9 du plan.")},
		"boilerplate.txt":    {Data: []byte("责任编辑：王翔\n版权所有 ©2022\n")},
		"scripts.html":       {Data: []byte("<html><head><script>var a=1;</script></head><body><nav>首页</nav></body></html>")},
		"image.png":          {Data: []byte("\x89PNG\r\n\x1a\n\x00\x00")},
		"notes.doc":          {Data: []byte("旧格式文档。")},
		"README":             {Data: []byte("没有扩展名。")},
		".hidden.txt":        {Data: []byte("隐藏文件。")},
		".git/config.txt":    {Data: []byte("隐藏目录。")},
		"sub/.cache/old.txt": {Data: []byte("隐藏子目录。")},
		"UPPER.TXT":          {Data: []byte("大写扩展名的文件。")},
	}
	c, err := Load(context.Background(), fsys)
	if err != nil {
		t.Fatalf("Load() error: %v", err)
	}
	if want := []string{"UPPER.TXT", "gbk.txt", "good.txt", "sub/nested.md"}; !slices.Equal(docIDs(c), want) {
		t.Errorf("Load() documents = %q, want %q", docIDs(c), want)
	}
	skipped := []struct {
		path   string
		reason string
	}{
		{"binary.txt", "binary"},
		{"empty.txt", "empty"},
		{"blank.md", "empty"},
		{"latin1.txt", "not valid UTF-8"},
		{"boilerplate.txt", "no text"},
		{"scripts.html", "no text"},
	}
	for _, s := range skipped {
		t.Run(s.path, func(t *testing.T) {
			reason, ok := skipReason(c, s.path)
			if !ok {
				t.Fatalf("Load() did not skip %s; skipped %v", s.path, c.Skipped)
			}
			if !strings.Contains(reason, s.reason) {
				t.Errorf("skip reason for %s = %q, want it to mention %q", s.path, reason, s.reason)
			}
			msg := Skip{s.path, reason}.String()
			if !strings.HasPrefix(msg, s.path+": ") {
				t.Errorf("Skip.String() = %q, want it to name %s", msg, s.path)
			}
		})
	}
	if len(c.Skipped) != len(skipped) {
		t.Errorf("Load() skipped %v, want exactly the %d bad files (unsupported and hidden files are ignored)", c.Skipped, len(skipped))
	}
	for _, d := range c.Docs {
		if d.ID == "gbk.txt" {
			if d.Text != good {
				t.Errorf("gbk.txt Text = %q, want %q", d.Text, good)
			}
			if !slices.ContainsFunc(d.Warnings, func(w string) bool { return strings.Contains(w, "GB18030") }) {
				t.Errorf("gbk.txt Warnings = %q, want one about GB18030", d.Warnings)
			}
		}
		if d.ID == "good.txt" && len(d.Warnings) != 0 {
			t.Errorf("good.txt Warnings = %q, want none", d.Warnings)
		}
	}
}

func TestDecodeText(t *testing.T) {
	tests := []struct {
		name     string
		in       []byte
		want     string
		wantWarn bool
		wantErr  string
	}{
		{"UTF-8", []byte("标准化"), "标准化", false, ""},
		{"UTF-8 with BOM", []byte("\ufeff标准化"), "标准化", false, ""},
		{"GB18030 Chinese", gb18030(t, "上海市标准化发展行动计划"), "上海市标准化发展行动计划", true, ""},
		{"GB18030 with some ASCII", gb18030(t, "ISO/IEC 秘书处6个，标委会44个。"), "ISO/IEC 秘书处6个，标委会44个。", true, ""},
		{"NUL bytes", []byte("标准\x00化"), "", false, "binary"},
		{"Latin-1", []byte("r\xe9sum\xe9"), "", false, "not valid UTF-8"},
		{"truncated UTF-8", []byte("近年来，上海大力实施标准化战略。\n取得了一系列重要成果。\xe5\x8c"), "", false, "not valid UTF-8"},
		{"stray byte in UTF-8", []byte("近年来，上海大力实施\xa0标准化战略，取得了一系列重要成果。"), "", false, "not valid UTF-8"},
		{"GB18030 decoding to mostly ASCII", []byte("plan version \xb1\xea 2022 final draft"), "", false, "not valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, warn, err := decodeText(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("decodeText(%q) error = %v, want one mentioning %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want || (warn != "") != tt.wantWarn {
				t.Errorf("decodeText(%q) = %q, %q, %v, want %q, warning %v, no error", tt.in, got, warn, err, tt.want, tt.wantWarn)
			}
		})
	}
}

func TestLoadUnreadable(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("good.txt", "可以读取的文件。")
	locked := write("locked.txt", "没有读权限的文件。")
	write("closed/inner.txt", "没有权限的目录里的文件。")
	closed := filepath.Join(dir, "closed")
	if err := os.Chmod(locked, 0); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(closed, 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		os.Chmod(closed, 0o755) // let t.TempDir remove it
		os.Chmod(locked, 0o644)
	})
	// Permissions do not stop root: then the files load like any other.
	_, err := os.ReadFile(locked)
	privileged := err == nil

	c, err := Load(context.Background(), os.DirFS(dir))
	if err != nil {
		t.Fatalf("Load() error: %v", err)
	}
	if privileged {
		t.Log("running as a privileged user: permissions do not stop reads, so the files must load")
		if want := []string{"closed/inner.txt", "good.txt", "locked.txt"}; !slices.Equal(docIDs(c), want) {
			t.Errorf("Load() as a privileged user = %q, want %q", docIDs(c), want)
		}
		if len(c.Skipped) != 0 {
			t.Errorf("Load() as a privileged user skipped %v, want none", c.Skipped)
		}
		return
	}
	if want := []string{"good.txt"}; !slices.Equal(docIDs(c), want) {
		t.Errorf("Load() = %q, want %q", docIDs(c), want)
	}
	for _, p := range []string{"locked.txt", "closed"} {
		reason, ok := skipReason(c, p)
		if !ok {
			t.Errorf("Load() did not report %s; skipped %v", p, c.Skipped)
			continue
		}
		if !strings.Contains(reason, "permission denied") {
			t.Errorf("skip reason for %s = %q, want permission denied", p, reason)
		}
	}
}

func TestLoadCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Load(ctx, fstest.MapFS{"a.txt": {Data: []byte("正文。")}})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Load(cancelled) error = %v, want context.Canceled", err)
	}
}

// hugeFS holds one file that claims to be larger than MaxFileSize; reading
// it fails the test, as LoadFile must check the size first.
type hugeFS struct{ t *testing.T }

type hugeInfo struct{ fs.FileInfo }

func (hugeInfo) Size() int64 { return MaxFileSize + 1 }

func (h hugeFS) Open(name string) (fs.File, error) {
	h.t.Errorf("LoadFile opened %s, want it refused on its size", name)
	return nil, fs.ErrPermission
}

func (h hugeFS) Stat(name string) (fs.FileInfo, error) {
	fi, err := fs.Stat(fstest.MapFS{name: {Data: []byte("x")}}, name)
	return hugeInfo{fi}, err
}

func TestLoadFileTooLarge(t *testing.T) {
	_, err := LoadFile(context.Background(), hugeFS{t}, "big.txt")
	if err == nil || !strings.Contains(err.Error(), "limit") {
		t.Errorf("LoadFile(big.txt) error = %v, want one about the size limit", err)
	}
}

func TestSupported(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"a.txt", true}, {"a.text", true}, {"a.md", true}, {"a.markdown", true},
		{"a.html", true}, {"A.HTM", true}, {"a.pdf", true}, {"a.docx", true}, {"a.jsonl", true},
		{"a.doc", false}, {"a.json", false}, {"a.png", false}, {"README", false}, {"a.txt.bak", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Supported(tt.name); got != tt.want {
				t.Errorf("Supported(%q) = %v, want %v", tt.name, got, tt.want)
			}
		})
	}
}

func TestParseJSONL(t *testing.T) {
	lines := []string{
		`{"id":"a","title":"第一篇","text":"第一篇的正文。","date":"2022年2月17日","url":"https://example.com/a"}`,
		`not json`,
		``,
		`{"id":"","text":"没有编号。"}`,
		`{"id":"c","text":"   "}`,
		`{"id":"a","text":"重复的编号。"}`,
		`{"id":"b","text":"上海市标准化发展行动计划正式发布。标(biāo)准(zhǔn)化工作。\r\n第二段。","date":"Thu, 17 Feb 2022 03:15:53 GMT"}`,
	}
	docs, err := Parse(context.Background(), "bulk/docs.jsonl", []byte(strings.Join(lines, "\n")))
	if err != nil {
		t.Fatalf("Parse(docs.jsonl) error: %v", err)
	}
	if len(docs) != 2 {
		t.Fatalf("Parse(docs.jsonl) = %d documents, want 2", len(docs))
	}
	a, b := docs[0], docs[1]
	if a.ID != "a" || a.Title != "第一篇" || a.Text != "第一篇的正文。" || a.Date != "2022-02-17" || a.URL != "https://example.com/a" || a.Format != "jsonl" {
		t.Errorf("document a = %+v, want id a, its title, text, date 2022-02-17, url and format jsonl", a)
	}
	if b.ID != "b" || b.Title != "上海市标准化发展行动计划正式发布" || b.Text != "上海市标准化发展行动计划正式发布。标准化工作。\n第二段。" || b.Date != "2022-02-17" {
		t.Errorf("document b = %+v, want id b, title from its first sentence, pinyin dropped, date 2022-02-17", b)
	}
	if a.Hash == "" || a.Hash == b.Hash {
		t.Errorf("hashes %q and %q, want distinct per-line hashes", a.Hash, b.Hash)
	}
	wantWarn := []string{"line 2", "line 4", "line 5", "line 6"}
	if len(a.Warnings) != len(wantWarn) {
		t.Fatalf("first document Warnings = %q, want one per bad line %q", a.Warnings, wantWarn)
	}
	for i, w := range wantWarn {
		if !strings.Contains(a.Warnings[i], "bulk/docs.jsonl "+w) {
			t.Errorf("warning %d = %q, want it to name bulk/docs.jsonl %s", i, a.Warnings[i], w)
		}
	}
	if !strings.Contains(a.Warnings[3], "duplicate") {
		t.Errorf("warning for the repeated id = %q, want it to say duplicate", a.Warnings[3])
	}
	if len(b.Warnings) != 0 {
		t.Errorf("second document Warnings = %q, want none", b.Warnings)
	}
}

func TestLoadJSONL(t *testing.T) {
	fsys := fstest.MapFS{
		"bulk.jsonl":   {Data: []byte(`{"id":"x1","text":"第一篇。"}` + "\n" + `{"id":"x2","text":"第二篇。"}` + "\n")},
		"broken.jsonl": {Data: []byte("{broken\n" + `{"id":"","text":"无编号"}` + "\n")},
		"one.txt":      {Data: []byte("普通文件。")},
	}
	c, err := Load(context.Background(), fsys)
	if err != nil {
		t.Fatalf("Load() error: %v", err)
	}
	if want := []string{"one.txt", "x1", "x2"}; !slices.Equal(docIDs(c), want) {
		t.Errorf("Load() documents = %q, want %q", docIDs(c), want)
	}
	reason, ok := skipReason(c, "broken.jsonl")
	if !ok || !strings.Contains(reason, "no valid document lines (2 bad)") {
		t.Errorf("broken.jsonl skip = %q, %v, want skipped with no valid document lines (2 bad)", reason, ok)
	}
}

func TestParseMarkdown(t *testing.T) {
	tests := []struct {
		name       string
		in         string
		wantTitle  string
		wantDate   string
		wantAuthor string
		wantURL    string
		wantText   string
	}{
		{
			name:       "front matter",
			in:         "---\ntitle: \"上海市标准化条例\"\ndate: 2021/10/09\nauthor: 上海市人大\nurl: https://example.com/rule\n---\n# 另一个标题\n\n**第一条** 为了加强标准化工作，制定本条例。\n",
			wantTitle:  "上海市标准化条例",
			wantDate:   "2021-10-09",
			wantAuthor: "上海市人大",
			wantURL:    "https://example.com/rule",
			wantText:   "来源：上海市人大，2021年10月9日。\n另一个标题\n第一条 为了加强标准化工作，制定本条例。", // the front matter's author and date as a byline
		},
		{
			name:      "first heading",
			in:        "前言文字\n\n## 上海市标准化条例\n\n> 引用的一段。\n\n- 列表项一\n* 列表项二\n\n`代码` 与 __强调__。",
			wantTitle: "上海市标准化条例",
			wantText:  "前言文字\n上海市标准化条例\n引用的一段。\n列表项一\n列表项二\n代码 与 强调。",
		},
		{
			name:      "first line",
			in:        "本条例自2022年1月1日起施行，原办法同时废止。其余内容。\n第二行。",
			wantTitle: "本条例自2022年1月1日起施行，原办法同时废止",
			wantDate:  "2022-01-01",
			wantText:  "本条例自2022年1月1日起施行，原办法同时废止。其余内容。\n第二行。",
		},
		{
			name:      "pinyin in the title",
			in:        "---\ntitle: 標(biāo)準(zhǔn)化條例\n---\n正文。",
			wantTitle: "標準化條例",
			wantText:  "正文。",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs, err := Parse(context.Background(), "rules/rule.md", []byte(tt.in))
			if err != nil {
				t.Fatalf("Parse(rule.md) error: %v", err)
			}
			d := docs[0]
			if d.ID != "rules/rule.md" || d.Format != "md" {
				t.Errorf("Parse(rule.md) ID, Format = %q, %q, want rules/rule.md, md", d.ID, d.Format)
			}
			if d.Title != tt.wantTitle || d.Date != tt.wantDate || d.Author != tt.wantAuthor || d.URL != tt.wantURL {
				t.Errorf("Parse(rule.md) title, date, author, url = %q, %q, %q, %q, want %q, %q, %q, %q",
					d.Title, d.Date, d.Author, d.URL, tt.wantTitle, tt.wantDate, tt.wantAuthor, tt.wantURL)
			}
			if d.Text != tt.wantText {
				t.Errorf("Parse(rule.md).Text = %q, want %q", d.Text, tt.wantText)
			}
		})
	}
}

func TestFirstLineTitle(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"cut at a sentence end", "上海市标准化发展行动计划发布。正文继续。\n第二行", "上海市标准化发展行动计划发布"},
		{"cut at an exclamation", "加快建设国际标准化高地！上海出台行动计划", "加快建设国际标准化高地"},
		{"too early to cut", "通知。关于标准化工作", "通知。关于标准化工作"},
		{"cut at 40 characters", strings.Repeat("标准化", 20), strings.Repeat("标准化", 13) + "标…"},
		{"cut at a late sentence end, then at 40", strings.Repeat("标", 45) + "。后文", strings.Repeat("标", 40) + "…"},
		{"first line only", "第一行\n第二行", "第一行"},
		{"exactly 40", strings.Repeat("标", 40), strings.Repeat("标", 40)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := firstLineTitle(tt.in); got != tt.want {
				t.Errorf("firstLineTitle(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestNormalizeDate(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"Thu, 17 Feb 2022 03:15:53 GMT", "2022-02-17"},
		{"Thu, 17 Feb 2022 03:15:53 +0800", "2022-02-17"},
		{"2022-02-17T10:00:00+08:00", "2022-02-17"},
		{"2022-02-17 10:00:00", "2022-02-17"},
		{"2022-02-17", "2022-02-17"},
		{"2022/02/17", "2022-02-17"},
		{"2015年10月30日", "2015-10-30"},
		{"2022 年 2 月 7 日", "2022-02-07"},
		{" 2022-02-17 ", "2022-02-17"},
		{"", ""},
		{"上周", "上周"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := normalizeDate(tt.in); got != tt.want {
				t.Errorf("normalizeDate(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestFindDate(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"上海市人民政府办公厅\n2015年10月30日", "2015-10-30"},
		{"2023年7月,作为试点", ""},
		{"发布于2021年1月5日，修订于2022年3月1日", "2021-01-05"},
		{"1899年1月1日", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := findDate(tt.in); got != tt.want {
				t.Errorf("findDate(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseMojibakeWarnings(t *testing.T) {
	// The garbled places of seed 003, in a small file: each is reported
	// with its line and column, and the text around them is kept.
	in := "近日,嘉興召開標(biāo)準(zhǔn)化會議。\n領(lǐng)域?qū)?biāo)達(dá)標行動。\n為區域發展探索路徑?!奔闻d市市場監管局局長表示。\n"
	docs, err := Parse(context.Background(), "003.txt", []byte(in))
	if err != nil {
		t.Fatalf("Parse(003.txt) error: %v", err)
	}
	d := docs[0]
	want := []string{
		`mojibake at line 2 col 3: "領域??達標行動。"`,
		`mojibake at line 3 col 10: "發展探索路徑?!奔闻d市市"`,
	}
	if !slices.Equal(d.Warnings, want) {
		t.Errorf("Parse(003.txt).Warnings = %q, want %q", d.Warnings, want)
	}
	if wantText := "近日,嘉興召開標準化會議。\n領域??達標行動。\n為區域發展探索路徑?!奔闻d市市場監管局局長表示。"; d.Text != wantText {
		t.Errorf("Parse(003.txt).Text = %q, want %q", d.Text, wantText)
	}
}

func TestJoinWrapped(t *testing.T) {
	tests := []struct{ in, want string }{
		{"各区要认真制定本\n实施意见。\n二、工作要求", "各区要认真制定本实施意见。\n二、工作要求"},
		{"第一行结束。\n第二行", "第一行结束。\n第二行"},
		{"总体目标\n（一）强化统筹", "总体目标\n（一）强化统筹"},
		{"ISO\n标准", "ISO\n标准"},
	}
	for _, tt := range tests {
		if got := joinWrapped(tt.in); got != tt.want {
			t.Errorf("joinWrapped(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFallbackTitle(t *testing.T) {
	news := "近日，上海市政府发布《上海市标准化发展行动计划》，为更好落实国家标准化发展纲要提出举措。\n第二段。"
	tests := []struct {
		name, file, text, want string
	}{
		{"a title line", "a.txt", "上海市标准化发展行动计划\n为贯彻落实纲要，制定本计划。", "上海市标准化发展行动计划"},
		{"news without a title line: the file name", "plans/上海市标准化发展行动计划（2023年版）.txt", news, "上海市标准化发展行动计划（2023年版）"},
		{"another version of the same news", "plans/上海市标准化发展行动计划（2021年版）.txt", news, "上海市标准化发展行动计划（2021年版）"},
		{"a machine file name: the first sentence", "000_7091b92496bb3220.txt", news, "近日，上海市政府发布《上海市标准化发展行动计划》，为更好落实国家标准化发展纲要提…"},
		{"a heading is no title", "a.txt", "一、总体要求\n正文。", "一、总体要求"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs, err := Parse(context.Background(), tt.file, []byte(tt.text))
			if err != nil {
				t.Fatal(err)
			}
			if got := docs[0].Title; got != tt.want {
				t.Errorf("Parse(%s).Title = %q, want %q", tt.file, got, tt.want)
			}
		})
	}
}

func TestMetaTitleFits(t *testing.T) {
	body := "中华人民共和国公务员法\n（2005年4月27日第十届全国人民代表大会常务委员会第十五次会议通过）\n第一章　总则"
	tests := []struct {
		name, meta, text string
		want             bool
	}{
		{"shown in the text", "中华人民共和国公务员法", body, true},
		{"a template's title, the text shows its own", "法规修改决定电子报备格式标准及示例", body, false},
		{"elaborates the shown title", "中华人民共和国公务员法（2018年修正）", body, true},
		{"the text opens with no title line", "关于推进标准化工作的实施意见", "一、总体要求\n正文。", true},
		{"a file name", "Microsoft Word - 中华人民共和国公务员法.doc", body, true},
		{"empty", "", body, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := metaTitleFits(tt.meta, tt.text); got != tt.want {
				t.Errorf("metaTitleFits(%q, …) = %v, want %v", tt.meta, got, tt.want)
			}
		})
	}
}

// An index built by an older loader must re-read files whose bytes did not
// change: the hash covers the loader version.
func TestContentHashCoversLoaderVersion(t *testing.T) {
	raw := []byte("第一条　为了规范管理，制定本办法。")
	docs, err := Parse(context.Background(), "a.txt", raw)
	if err != nil {
		t.Fatal(err)
	}
	plain := sha256.Sum256(raw)
	if h := docs[0].Hash; h == hex.EncodeToString(plain[:]) || h != contentHash(raw) || len(h) != 64 {
		t.Errorf("Parse(a.txt).Hash = %q, want the SHA-256 of the loader version and the bytes", h)
	}
}

// TestIngestGolden renders the test-made files of each format the
// regulations work touched — a DOCX with automatic numbering, a title over
// two paragraphs, a template's core title and a table with headers; a TRS
// CMS page; a PDF with /Title — loaded and chunked, as golden files.
func TestIngestGolden(t *testing.T) {
	tests := []struct {
		name, file string
		raw        []byte
	}{
		{"regulation-docx", "regulation.docx", testRegulationDOCX(t)},
		{"trs-html", "trs.html", []byte(trsPage)},
		{"policy-pdf", "plan.pdf", testPolicyPDF("上海市标准化发展行动计划（2023年版）")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs, err := Parse(context.Background(), tt.file, tt.raw)
			if err != nil {
				t.Fatal(err)
			}
			d := docs[0]
			chunks := Chunks(d)
			checkChunkInvariants(t, d, chunks)
			checkGolden(t, filepath.Join("testdata", "golden", tt.name+".golden"), renderGolden(d, chunks))
		})
	}
}

func TestByline(t *testing.T) {
	tests := []struct {
		d    Document
		want string
	}{
		{Document{Author: "新浪财经", Date: "2022-02-17"}, "来源：新浪财经，2022年2月17日。\n"},
		{Document{Author: " 上海市人大 "}, "来源：上海市人大。\n"},
		{Document{Date: "2022-02-17"}, ""},
		{Document{Author: strings.Repeat("长", 41)}, ""}, // not a name
	}
	for _, tt := range tests {
		if got := byline(tt.d); got != tt.want {
			t.Errorf("byline(%+v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}
