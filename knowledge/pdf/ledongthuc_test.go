package pdf

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/policybot/policybot/knowledge/pdf/internal/lpdf"
)

// libraryFixed is how the tests below fail when github.com/ledongthuc/pdf
// (as copied, with bounds, in internal/lpdf) stops getting a file wrong.
const libraryFixed = "LEDONGTHUC/PDF MAY BE FIXED: its text API no longer shows the defect this test pins. " +
	"If it now gets the whole file right, the in-house reader (lexer.go, cmap.go, font.go, interp.go, layout.go) " +
	"may no longer be needed; check, then update or delete this test"

// TestWhyNotLibraryText pins why this package has its own content-stream
// reader instead of calling ledongthuc/pdf's text API: on the LibreOffice
// export in testdata (LibreOffice 7.4 Writer; subset Noto Serif CJK and
// Liberation Serif fonts, Identity-H with ToUnicode, the most common kind of
// PDF the bot is given), the library decodes every character but gets the
// text wrong:
//
//   - Reader.GetPlainText and Page.GetPlainText return each page as one line:
//     they only break lines on T*, and LibreOffice moves to each line with
//     Td. Headings, paragraphs and table cells run together ("项目数量秘书处6"),
//     so the chunker cannot find "一、总体要求" as a heading, and
//     Reader.GetPlainText runs page 1 into page 2, losing page numbers.
//   - Page.GetTextByRow puts the whole page in one row, for the same reason.
//   - Page.Content().Text adds a phantom glyph after every TJ: it shows the
//     string "\n" in the current font, and in this subset font code 0x0A is
//     'B', so "ISO 9001 质量" comes out "ISO 9001 B质量".
//
// For older government PDFs with predefined CJK CMaps (UniGB-UCS2-H,
// GBK-EUC-H) and no ToUnicode it is worse: raw bytes, U+FFFD and control
// characters instead of Chinese.
//
// Each subtest asserts the library's defect and that Extract gets the text
// right. If the library is fixed, the defect assertion fails with
// libraryFixed.
func TestWhyNotLibraryText(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "libreoffice-2pages.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	ours, _, err := Extract(context.Background(), raw, WithPDFToText(""))
	if err != nil {
		t.Fatalf("Extract(libreoffice-2pages.pdf) error %v", err)
	}
	if strings.Join(ours, "\f") != strings.Join(testLibreOfficePages, "\f") {
		t.Fatalf("Extract(libreoffice-2pages.pdf) = %q, want %q", ours, testLibreOfficePages)
	}
	r, err := lpdf.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatalf("ledongthuc/pdf NewReader(libreoffice-2pages.pdf) error %v", err)
	}
	if n := r.NumPage(); n != len(ours) {
		t.Fatalf("ledongthuc/pdf NumPage() = %d, want %d", n, len(ours))
	}

	t.Run("GetPlainText has no line or page breaks", func(t *testing.T) {
		rd, err := r.GetPlainText()
		if err != nil {
			t.Fatalf("ledongthuc/pdf GetPlainText() error %v", err)
		}
		b, err := io.ReadAll(rd)
		if err != nil {
			t.Fatal(err)
		}
		theirs := string(b)
		// The characters are all there, in order: only the structure is lost.
		if got, want := dropSpace(theirs), dropSpace(strings.Join(ours, "")); got != want {
			t.Errorf("ledongthuc/pdf GetPlainText() = %q; its non-space characters differ from Extract's %q", theirs, want)
		}
		for _, joined := range []string{
			"一、总体要求上海",   // heading run into the first paragraph
			"6个。为深入",     // paragraph run into the next
			"项目数量秘书处6",   // table cells and rows run together
			"秘书处6二、主要任务", // page 1 run into page 2
		} {
			if !strings.Contains(theirs, joined) {
				t.Errorf("%s: GetPlainText() = %q, no longer contains %q", libraryFixed, theirs, joined)
			}
		}
		if strings.Contains(theirs, "\n") {
			t.Errorf("%s: GetPlainText() = %q now has line breaks", libraryFixed, theirs)
		}
		// What Extract gives instead.
		for _, line := range []string{"一、总体要求\n上海", "6个。\n为深入", "项目 数量\n秘书处 6"} {
			if !strings.Contains(ours[0], line) {
				t.Errorf("Extract page 1 = %q, want it to contain %q", ours[0], line)
			}
		}
	})

	t.Run("GetTextByRow gives one row a page", func(t *testing.T) {
		for i := range ours {
			rows, err := r.Page(i + 1).GetTextByRow()
			if err != nil {
				t.Fatalf("ledongthuc/pdf Page(%d).GetTextByRow() error %v", i+1, err)
			}
			lines := strings.Count(ours[i], "\n") + 1
			if len(rows) != 1 {
				t.Errorf("%s: Page(%d).GetTextByRow() = %d rows (Extract finds %d lines), was 1", libraryFixed, i+1, len(rows), lines)
			}
		}
	})

	t.Run("Content adds a phantom B after each TJ", func(t *testing.T) {
		var b strings.Builder
		for _, txt := range r.Page(2).Content().Text {
			b.WriteString(txt.S)
		}
		theirs := b.String()
		const want = "二、主要任务嘉兴主导的国际标准有9项。ISO 9001 B质量管理体系与 GB/T 19001—2016 B等同采用。"
		if theirs != want {
			t.Errorf("%s: Page(2).Content().Text = %q, was %q", libraryFixed, theirs, want)
		}
		if strings.Contains(ours[1], " B") {
			t.Errorf("Extract page 2 = %q, has a phantom B", ours[1])
		}
	})

	t.Run("predefined CJK CMaps decode to bytes", func(t *testing.T) {
		const text = "国家标准化发展纲要（2021）"
		for _, enc := range []string{"UniGB-UCS2-H", "GBK-EUC-H"} {
			p := newTestPDF()
			p.encoding, p.toUnicode = enc, false
			p.page("", "BT /F1 12 Tf 72 700 Td "+p.cjk(text)+" Tj ET")
			raw := p.bytes()
			r, err := lpdf.NewReader(bytes.NewReader(raw), int64(len(raw)))
			if err != nil {
				t.Fatalf("ledongthuc/pdf NewReader(%s) error %v", enc, err)
			}
			theirs, err := r.Page(1).GetPlainText(nil)
			if err != nil {
				t.Fatalf("ledongthuc/pdf Page(1).GetPlainText(%s) error %v", enc, err)
			}
			if !strings.ContainsRune(theirs, '\uFFFD') || strings.Contains(theirs, "标准") {
				t.Errorf("%s: Page(1).GetPlainText(%s) = %q, want U+FFFD and no Chinese as before", libraryFixed, enc, theirs)
			}
			pages, _, err := Extract(context.Background(), raw, WithPDFToText(""))
			if err != nil || len(pages) != 1 || pages[0] != text {
				t.Errorf("Extract(%s) = %q, %v; want [%q]", enc, pages, err, text)
			}
		}
	})
}

// dropSpace removes white space, to compare characters without layout.
func dropSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}
