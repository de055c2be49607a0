package knowledge

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"github.com/policybot/policybot/internal/hostile"
	"github.com/policybot/policybot/knowledge/limits"
)

// loadWithin runs Load on fsys and fails the test if it has not returned
// within a minute (a FIFO or device would block it forever).
func loadWithin(t *testing.T, l Loader, fsys fs.FS) Corpus {
	t.Helper()
	type result struct {
		c   Corpus
		err error
	}
	done := make(chan result, 1)
	go func() {
		c, err := l.Load(context.Background(), fsys)
		done <- result{c, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			t.Fatalf("Load() error: %v", r.err)
		}
		return r.c
	case <-time.After(time.Minute):
		t.Fatal("Load() has not returned after a minute")
		return Corpus{}
	}
}

// TestLoadSpecialFiles: only regular files are read; symbolic links are
// followed only inside the folder; FIFOs and devices are skipped with a
// reason, without blocking. Both the plain os.DirFS and DirFS are checked.
func TestLoadSpecialFiles(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "docs")
	outside := filepath.Join(root, "secret.txt")
	const token = "OUTSIDE-TOKEN-7f3a"
	write := func(p, text string) {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	link := func(target, name string) {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	write(outside, "机密文件 "+token+"。")
	write(filepath.Join(dir, "good.txt"), "第一条 为了规范标准化工作，制定本办法。")
	write(filepath.Join(dir, "sub/inner.txt"), "子目录里的文件。")
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo.txt"), 0o644); err != nil {
		t.Fatal(err)
	}
	link("/dev/zero", "zero.txt")
	link("../secret.txt", "outside.txt")
	link(outside, "absolute.txt")
	link("good.txt", "alias.txt")
	link("sub/inner.txt", "inner-alias.md")
	link("sub/../../secret.txt", "sneaky.txt")
	link("loop-b.txt", "loop-a.txt")
	link("loop-a.txt", "loop-b.txt")
	link("missing.txt", "dangling.txt")
	link("sub", "subdir.txt")
	link("..", "up")                     // a link to a directory out: not walked
	link("up/secret.txt", "via-dir.txt") // through it

	want := map[string]string{
		"fifo.txt":     "named pipe",
		"zero.txt":     "absolute path",
		"outside.txt":  "outside the knowledge folder",
		"absolute.txt": "absolute path",
		"sneaky.txt":   "outside the knowledge folder",
		"loop-a.txt":   "loop",
		"loop-b.txt":   "loop",
		"dangling.txt": "missing",
		"subdir.txt":   "directory",
		"via-dir.txt":  "outside the knowledge folder", // through "up", a link to ".."
	}
	// A character device in the folder, /dev/zero's (1, 5), where this
	// process may make one (root on Linux).
	if runtime.GOOS == "linux" && syscall.Mknod(filepath.Join(dir, "device.txt"), syscall.S_IFCHR|0o644, 1<<8|5) == nil {
		want["device.txt"] = "character device"
	} else {
		t.Log("cannot make a device node here: the device case is not checked")
	}
	for name, fsys := range map[string]fs.FS{"os.DirFS": os.DirFS(dir), "DirFS": DirFS(dir)} {
		t.Run(name, func(t *testing.T) {
			c := loadWithin(t, Loader{}, fsys)
			if got, wantIDs := docIDs(c), []string{"alias.txt", "good.txt", "inner-alias.md", "sub/inner.txt"}; !slices.Equal(got, wantIDs) {
				t.Errorf("Load() documents = %q, want %q", got, wantIDs)
			}
			for _, d := range c.Docs {
				if strings.Contains(d.Text, token) {
					t.Errorf("document %s holds the outside file's text %q", d.ID, d.Text)
				}
			}
			for p, reason := range want {
				got, ok := skipReason(c, p)
				if !ok {
					t.Errorf("Load() did not skip %s; skipped %v", p, c.Skipped)
					continue
				}
				if !strings.Contains(got, reason) {
					t.Errorf("skip reason for %s = %q, want it to mention %q", p, got, reason)
				}
			}
			if len(c.Skipped) != len(want) {
				t.Errorf("Load() skipped %v, want exactly %d", c.Skipped, len(want))
			}
		})
	}
	t.Run("DirFS opens nothing outside", func(t *testing.T) {
		for _, name := range []string{"outside.txt", "absolute.txt", "sneaky.txt", "zero.txt", "up/secret.txt"} {
			if f, err := DirFS(dir).Open(name); err == nil {
				f.Close()
				t.Errorf("DirFS(dir).Open(%q) succeeded, want an error", name)
			}
		}
	})
	t.Run("DirFS opens a FIFO without blocking", func(t *testing.T) {
		f, err := DirFS(dir).Open("fifo.txt")
		if err != nil {
			t.Fatalf("DirFS(dir).Open(fifo.txt) error %v", err)
		}
		defer f.Close()
		if info, err := f.Stat(); err != nil || info.Mode().IsRegular() {
			t.Errorf("Stat() of the FIFO = %v, %v; want a named pipe", info, err)
		}
	})
	t.Run("LoadFile", func(t *testing.T) {
		for p, reason := range map[string]string{"fifo.txt": "named pipe", "outside.txt": "outside"} {
			if _, err := LoadFile(context.Background(), os.DirFS(dir), p); err == nil || !strings.Contains(err.Error(), reason) {
				t.Errorf("LoadFile(%s) error = %v, want one mentioning %q", p, err, reason)
			}
		}
	})
}

// TestLoadLinkWithoutReadLink: an fs.FS that cannot read links does not
// follow them.
func TestLoadLinkWithoutReadLink(t *testing.T) {
	fsys := noLinks{fstest.MapFS{
		"good.txt": {Data: []byte("正文。")},
		"link.txt": {Data: []byte("good.txt"), Mode: fs.ModeSymlink},
	}}
	c := loadWithin(t, Loader{}, fsys)
	if reason, ok := skipReason(c, "link.txt"); !ok || !strings.Contains(reason, "symbolic link") {
		t.Errorf("Load() skip of link.txt = %q, %v; want a reason about symbolic links", reason, ok)
	}
}

// noLinks hides MapFS's ReadLink and Lstat.
type noLinks struct{ m fstest.MapFS }

func (n noLinks) Open(name string) (fs.File, error)          { return n.m.Open(name) }
func (n noLinks) ReadDir(name string) ([]fs.DirEntry, error) { return n.m.ReadDir(name) }

func TestDecodeUTF16(t *testing.T) {
	const text = "第一条 为了规范标准化工作，制定本办法。\nArticle 1: ISO 9001.\n"
	for _, tt := range []struct {
		name      string
		bigEndian bool
		bom       bool
		wantWarn  string
	}{
		{"LE with BOM", false, true, ""},
		{"BE with BOM", true, true, ""},
		{"LE without BOM", false, false, "UTF-16LE"},
		{"BE without BOM", true, false, "UTF-16BE"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			raw := hostile.UTF16(text, tt.bigEndian, tt.bom)
			got, warn, err := decodeText(raw)
			if err != nil || got != text || !strings.Contains(warn, tt.wantWarn) || (tt.wantWarn == "") != (warn == "") {
				t.Errorf("decodeText(%s) = %q, %q, %v; want %q, a warning mentioning %q", tt.name, got, warn, err, text, tt.wantWarn)
			}
			docs, err := Parse(context.Background(), "utf16.txt", raw)
			if err != nil || len(docs) != 1 || !strings.HasPrefix(docs[0].Text, "第一条") {
				t.Errorf("Parse(%s) = %v, %v; want the text", tt.name, docs, err)
			}
		})
	}
	for _, tt := range []struct {
		name string
		raw  []byte
	}{
		{"binary with a few NULs", []byte("abc\x00\x01\x02def\x00\x00ghi\x00")},
		{"UTF-16 of NUL characters", hostile.UTF16("a\x00b\x00c\x00d\x00", false, true)},
		{"PNG", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got, _, err := decodeText(tt.raw); err == nil || !strings.Contains(err.Error(), "binary") {
				t.Errorf("decodeText(%q) = %q, %v; want a binary-file error", tt.raw, got, err)
			}
		})
	}
}

// TestParseLimits: each limit stops the file that goes over it, with an
// error naming the limit.
func TestParseLimits(t *testing.T) {
	lines := func(n int, line string) []byte {
		return []byte(strings.Repeat(line+"\n", n))
	}
	tests := []struct {
		name    string
		file    string
		raw     func() []byte
		lim     Limits
		wantKey limits.Key
	}{
		{"a file over the size limit", "a.txt", func() []byte { return lines(200, "正文。") }, Limits{MaxFileBytes: 1000}, limits.FileBytes},
		{"a text file over the text limit", "a.txt", func() []byte { return lines(100_000, "第一条 正文。") }, Limits{MaxTextBytes: 100_000}, limits.TextBytes},
		{"an HTML page over the text limit", "a.html", func() []byte { return []byte("<p>" + strings.Repeat("正文。", 100_000) + "</p>") }, Limits{MaxTextBytes: 100_000}, limits.TextBytes},
		{"a document of too many chunks", "a.txt", func() []byte { return lines(1500, strings.Repeat("标准化工作。", 52)) }, Limits{MaxChunks: 1000}, limits.Chunks},
		{"a docx zip bomb", "a.docx", func() []byte { return hostile.ZipBombDOCX(8 << 20) }, Limits{MaxDecodedBytes: 4 << 20}, limits.DecodedBytes},
		{"a docx nested too deep", "a.docx", func() []byte { return hostile.DeepDOCX(1000) }, Limits{}, limits.Depth},
		{"a PDF nested too deep", "a.pdf", func() []byte { return hostile.NestedArrayPDF(1000) }, Limits{}, limits.Depth},
		{"a PDF of too many pages", "a.pdf", func() []byte { return hostile.ManyPagesPDF(10_000, 100) }, Limits{}, limits.Pages},
		{"a PDF of too many text items", "a.pdf", func() []byte { return hostile.ManyItemsPDF(20_000) }, Limits{MaxTextItems: 10_000}, limits.TextItems},
		{"a slow PDF", "a.pdf", func() []byte { return hostile.ManyItemsPDF(300_000) }, Limits{Timeout: time.Millisecond, MaxTextItems: 10_000_000}, limits.Timeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs, err := Loader{Limits: tt.lim}.Parse(context.Background(), tt.file, tt.raw())
			var le *LimitError
			if !errors.As(err, &le) || le.Key != tt.wantKey || !errors.Is(err, ErrLimit) {
				t.Fatalf("Parse(%s) = %d documents, error %v; want the limit %s", tt.file, len(docs), err, tt.wantKey)
			}
			if !strings.Contains(err.Error(), "limits."+string(tt.wantKey)) {
				t.Errorf("Parse(%s) error %q, want it to name limits.%s", tt.file, err, tt.wantKey)
			}
		})
	}
	t.Run("the same files under the default limits", func(t *testing.T) {
		for _, f := range []struct {
			name string
			raw  []byte
		}{
			{"a.txt", lines(1500, strings.Repeat("标准化工作。", 52))},
			{"a.docx", hostile.ZipBombDOCX(256 << 10)},
			{"a.pdf", hostile.ManyItemsPDF(20_000)},
		} {
			if _, err := Parse(context.Background(), f.name, f.raw); err != nil {
				t.Errorf("Parse(%s) with the default limits error %v", f.name, err)
			}
		}
	})
}

func TestParseDOCXHostile(t *testing.T) {
	tests := []struct {
		name string
		raw  []byte
		want string
	}{
		{"a part declared smaller than it is", hostile.LyingDOCX(1 << 20), "zip"},
		{"100,000 parts", hostile.ManyPartsDOCX(100_000), "list of parts"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(context.Background(), "a.docx", tt.raw)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse(%s) error %v, want one mentioning %q", tt.name, err, tt.want)
			}
		})
	}
	if docs, err := Parse(context.Background(), "a.docx", hostile.DeepDOCX(50)); err != nil || docs[0].Text != "deep" {
		t.Errorf("Parse(50 nested elements) = %v, %v; want the text", docs, err)
	}
}

func TestParseCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Parse(ctx, "a.pdf", hostile.ManyItemsPDF(1000)); !errors.Is(err, context.Canceled) {
		t.Errorf("Parse(cancelled) error = %v, want context.Canceled", err)
	}
}

// TestParseHiddenText: what a reader of the file never sees is not text:
// scripts and styles in Markdown and in HTML too deep for the HTML parser,
// control characters and bidirectional overrides anywhere.
func TestParseHiddenText(t *testing.T) {
	const secret = "SCRIPT-TOKEN-91c2"
	deep := strings.Repeat("<div>", 600) + "<p>第一条 正文。</p><script>var t = '" + secret + "';</script>" + strings.Repeat("</div>", 600)
	tests := []struct {
		name, file, raw, want string
	}{
		{"script in Markdown", "a.md", "# 标题\n正文。\n<script>alert('" + secret + "')</script>\n结尾。", "标题\n正文。\n结尾。"},
		{"unclosed script in Markdown", "a.md", "正文。\n<SCRIPT type=x>" + secret, "正文。"},
		{"style and comment in Markdown", "a.md", "正文。<style>p{content:'" + secret + "'}</style><!-- " + secret + " -->", "正文。"},
		{"terminal escapes and a bidi override", "a.txt", "正文\x1b[2J\x1b]0;" + "title\x07。\u202e反向\u202c\x01结尾。", "正文[2J]0;title。反向结尾。"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs, err := Parse(context.Background(), tt.file, []byte(tt.raw))
			if err != nil {
				t.Fatalf("Parse(%s) error %v", tt.name, err)
			}
			if got := docs[0].Text; got != tt.want || strings.Contains(got, secret) {
				t.Errorf("Parse(%s) text = %q, want %q", tt.name, got, tt.want)
			}
		})
	}
	// HTML nested deeper than x/net/html parses is skipped, not indexed as
	// raw markup with its scripts.
	if docs, err := Parse(context.Background(), "deep.html", []byte(deep)); !errors.Is(err, ErrHTMLTooDeep) {
		t.Errorf("Parse(deep.html) = %v, %v; want ErrHTMLTooDeep", docs, err)
	}
}

func TestParseJSONLIDs(t *testing.T) {
	raw := `{"id":"ok","text":"正文。"}
{"id":"bad\nskipped forged.pdf: x","text":"正文。"}
{"id":"` + strings.Repeat("长", 100) + `","text":"正文。"}
`
	docs, err := Parse(context.Background(), "bulk.jsonl", []byte(raw))
	if err != nil || len(docs) != 1 || docs[0].ID != "ok" {
		t.Fatalf("Parse(bulk.jsonl) = %v, %v; want the one good line", docs, err)
	}
	if n := len(docs[0].Warnings); n != 2 {
		t.Errorf("Parse(bulk.jsonl) warnings = %q, want 2", docs[0].Warnings)
	}
}
