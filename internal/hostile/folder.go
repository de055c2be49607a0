//go:build unix

package hostile

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// Folder describes a knowledge folder written by WriteFolder: one good
// document, a few good files in awkward encodings, and the hostile files
// of issue 13.
type Folder struct {
	// Skips maps each file that must be skipped to a phrase of the reason.
	Skips map[string]string
	// Loaded lists the files that must load.
	Loaded []string
	// Question is answered by the good document (Good) with Answer in it.
	Good, Question, Answer string
	// OutsideToken is in a file outside the folder, which a symlink in the
	// folder points to; ScriptToken is in scripts of its HTML and Markdown
	// files. Neither may be found.
	OutsideToken, ScriptToken string
	// Config is a policybot.json that scales the limits down with the
	// files ("" at full size: the defaults apply).
	Config string
}

// WriteFolder writes the folder into dir (which must exist) and the file
// its symlink leaks into outside. At full size the hostile files are as
// issue 13 measured them (a 3 MB PDF of nested arrays, 262,144 pages of a
// 64 MB stream, 11 million text items, a 250 MB document.xml, a 63 MB
// .txt; about 70 MB on disk); otherwise they are smaller, and Config lowers
// the limits to match, for tests.
func WriteFolder(dir, outside string, full bool) (*Folder, error) {
	f := &Folder{
		Good:         "good.md",
		Question:     "嘉禾市标准化示范区建成了多少个标准化试点项目？",
		Answer:       "38",
		OutsideToken: "outsidetoken7f3a",
		ScriptToken:  "scripttoken91c2",
		Skips:        map[string]string{},
	}
	size := func(small, big int) int {
		if full {
			return big
		}
		return small
	}
	if !full {
		f.Config = `{"limits": {"max_text_items": 100000, "max_objects": 200000, "max_decoded_mb": 8, "max_text_mb": 1}}`
	}
	files := map[string][]byte{
		"good.md": []byte("# 嘉禾市标准化示范区建设方案\n\n" +
			"一、总体要求\n" +
			"为深入贯彻落实《国家标准化发展纲要》，推动标准化工作高质量发展，制定本方案。\n" +
			"二、主要成果\n" +
			"截至2023年底，嘉禾市标准化示范区共建成标准化试点项目38个，主导制定国家标准12项。\n"),
		"utf16-le-bom.txt":   UTF16("浙江省标准化条例\n第一条 为了规范标准化工作，制定本条例。\n", false, true),
		"utf16-be-nobom.txt": UTF16("上海市标准化条例\n第一条 为了加强标准化工作，制定本条例。\n", true, false),
		"script.html": []byte("<html><head><title>页面</title><script>var t='" + f.ScriptToken + "';</script></head><body>" +
			"<p>第一条 本办法自发布之日起施行。</p><script>document.write('" + f.ScriptToken + "')</script><noscript>" + f.ScriptToken + "</noscript></body></html>"),
		"deep.html": []byte("<html><body>" + strings.Repeat("<div>", 600) + "<p>深</p><script>alert('" + f.ScriptToken + "')</script>" +
			strings.Repeat("</div>", 600) + "</body></html>"),
		"script.md": []byte("# 说明\n正文段落。\n<script>alert('" + f.ScriptToken + "')</script>\n结尾段落。\n"),

		"nested.pdf":              NestedArrayPDF(3_000_000),
		"objstm-deep.pdf":         NestedObjStmPDF(1_000_000),
		"objstm-loop.pdf":         ObjStmLoopPDF(),
		"pages.pdf":               ManyPagesPDF(262_144, size(1<<20, 64<<20)),
		"pages-2000.pdf":          ManyPagesPDF(2000, size(1<<20, 8<<20)),
		"items.pdf":               ManyItemsPDF(size(200_000, 11_000_000)),
		"fonts.pdf":               FontBombPDF(size(100, 2000)),
		"bomb.docx":               ZipBombDOCX(int64(size(16<<20, 250<<20))),
		"deep.docx":               DeepDOCX(1000),
		"\x1b[2J\x1b[31mansi.txt": []byte("\x00\x01binary"),
		"evil\nskipped forged.pdf: over a limit.txt": nil,
	}
	f.Skips = map[string]string{
		"nested.pdf":              "limits.max_depth",
		"objstm-deep.pdf":         "limits.max_depth",
		"objstm-loop.pdf":         "object streams nest",
		"pages.pdf":               "limits.max_pages",
		"pages-2000.pdf":          "limits.max_text_items",
		"items.pdf":               "limits.max_text_items",
		"fonts.pdf":               "limits.max_objects",
		"bomb.docx":               "limits.max_decoded_mb",
		"deep.docx":               "limits.max_depth",
		"deep.html":               "nested too deeply",
		"huge.txt":                "limits.max_text_mb",
		"fifo.txt":                "named pipe",
		"zero.txt":                "absolute path",
		"leak.txt":                "outside the knowledge folder",
		"\x1b[2J\x1b[31mansi.txt": "binary",
		"evil\nskipped forged.pdf: over a limit.txt": "empty",
	}
	f.Loaded = []string{"good.md", "script.html", "script.md", "utf16-be-nobom.txt", "utf16-le-bom.txt"}
	for name, raw := range files {
		if err := os.WriteFile(filepath.Join(dir, name), raw, 0o644); err != nil {
			return nil, err
		}
	}
	if err := writeText(filepath.Join(dir, "huge.txt"), size(3<<20, 63<<20)); err != nil {
		return nil, err
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo.txt"), 0o644); err != nil {
		return nil, fmt.Errorf("mkfifo: %w", err)
	}
	secret := filepath.Join(outside, "secret.txt")
	if err := os.WriteFile(secret, []byte("机密：令牌 "+f.OutsideToken+" 不得外传。\n"), 0o644); err != nil {
		return nil, err
	}
	rel, err := filepath.Rel(dir, secret)
	if err != nil {
		return nil, err
	}
	for target, name := range map[string]string{"/dev/zero": "zero.txt", rel: "leak.txt"} {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// writeText writes size bytes of Chinese regulation text to path.
func writeText(path string, size int) error {
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(out)
	for n, i := 0, 1; n < size; i++ {
		k, _ := fmt.Fprintf(w, "第%d条 为了规范标准化工作，提升产品和服务质量，制定本条。\n", i)
		n += k
	}
	if err := w.Flush(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
