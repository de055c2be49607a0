package knowledge

import (
	"bytes"
	"github.com/ledongthuc/pdf"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTmpReal(t *testing.T) {
	files, _ := filepath.Glob(os.Getenv("REAL") + "/*")
	for _, f := range files {
		raw, _ := os.ReadFile(f)
		switch {
		case strings.HasSuffix(f, ".pdf"):
			pages, warns, err := extractPDFWith(context.Background(), raw, os.Getenv("PDFTOTEXT"))
			t.Logf("== %s err=%v warns=%q\n%s", filepath.Base(f), err, warns, strings.Join(pages, "\n<<PAGE>>\n"))
		case strings.HasSuffix(f, ".docx"):
			text, title, err := extractDOCX(raw)
			t.Logf("== %s err=%v title=%q\n%s", filepath.Base(f), err, title, text)
		}
	}
}

func TestTmpLib(t *testing.T) {
	p := newTestPDF()
	p.encoding, p.toUnicode = "UniGB-UCS2-H", false
	p.page("", "BT /F1 12 Tf 72 700 Td "+p.cjk("国家标准")+" Tj 0 -20 Td "+p.cjk("第二行")+" Tj ET")
	q := newTestPDF()
	q.page("", "BT /F1 12 Tf 72 700 Td", q.cjk("数组内容")+" Tj 0 -20 Td "+q.cjk("第二行")+" Tj ET")
	lo, _ := os.ReadFile("/tmp/lo/doc.pdf")
	for name, raw := range map[string][]byte{"ucs2": p.bytes(), "contents-array": q.bytes(), "two-lines-identity": func() []byte {
		r := newTestPDF()
		r.page("", "BT /F1 12 Tf 72 700 Td "+r.cjk("第一行")+" Tj 0 -20 Td "+r.cjk("第二行")+" Tj ET")
		return r.bytes()
	}(), "libreoffice": lo} {
		func() {
			defer func() {
				if e := recover(); e != nil {
					t.Logf("%s: PANIC %v", name, e)
				}
			}()
			r, err := pdf.NewReader(bytes.NewReader(raw), int64(len(raw)))
			if err != nil {
				t.Logf("%s: %v", name, err)
				return
			}
			pg := r.Page(1)
			plain, err := pg.GetPlainText(nil)
			t.Logf("%s GetPlainText: %q %v", name, plain, err)
			rows, err := pg.GetTextByRow()
			var rs []string
			for _, row := range rows {
				var s string
				for _, w := range row.Content {
					s += w.S
				}
				rs = append(rs, s)
			}
			t.Logf("%s GetTextByRow: %q %v", name, rs, err)
			var cs string
			for _, tx := range pg.Content().Text {
				cs += tx.S
			}
			t.Logf("%s Content: %q", name, cs)
		}()
	}
}
