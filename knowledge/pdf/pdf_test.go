package pdf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/policybot/policybot/internal/hostile"
	"github.com/policybot/policybot/knowledge/limits"
)

func TestExtract(t *testing.T) {
	type tc struct {
		name string
		raw  []byte
		want []string // exact text of each page
	}
	var cases []tc
	add := func(name string, want []string, build func(p *testPDF)) {
		p := newTestPDF()
		build(p)
		cases = append(cases, tc{name: name, raw: p.bytes(), want: want})
	}
	cases = append(cases, tc{name: "two pages", raw: testTwoPagePDF(), want: []string{testPage1, testPage2}})
	add("one run a character", []string{"国际标准化技术组织"}, func(p *testPDF) {
		var b strings.Builder
		b.WriteString("BT /F1 12 Tf 72 700 Td ")
		for i, r := range "国际标准化技术组织" {
			if i > 0 {
				b.WriteString("12.5 0 Td ")
			}
			b.WriteString(p.cjk(string(r)) + " Tj ")
		}
		b.WriteString("ET")
		p.page("", b.String())
	})
	add("characters placed by Tm", []string{"国家标准化发展纲要"}, func(p *testPDF) {
		var b strings.Builder
		b.WriteString("BT /F1 1 Tf ")
		for i, r := range []rune("国家标准化发展纲要") {
			fmt.Fprintf(&b, "16 0 0 16 %d 700 Tm %s Tj ", 72+16*i, p.cjk(string(r)))
		}
		b.WriteString("ET")
		p.page("", b.String())
	})
	add("lines by Td, T* and '", []string{"第一行文字\n第二行文字\n第三行文字\n第四行"}, func(p *testPDF) {
		p.page("", fmt.Sprintf("BT /F1 12 Tf 14 TL 72 700 Td %s Tj 0 -14 Td %s Tj T* %s Tj %s ' ET",
			p.cjk("第一行文字"), p.cjk("第二行文字"), p.cjk("第三行文字"), p.cjk("第四行")))
	})
	add("lines drawn out of order", []string{"第一行\n第二行"}, func(p *testPDF) {
		p.page("", fmt.Sprintf("BT /F1 12 Tf 72 680 Td %s Tj ET BT /F1 12 Tf 72 700 Td %s Tj ET", p.cjk("第二行"), p.cjk("第一行")))
	})
	add("table cells and letter-spaced title", []string{"通知\n项目 数量"}, func(p *testPDF) {
		p.page("", fmt.Sprintf("BT /F1 16 Tf 250 750 Td %s Tj 26 0 Td %s Tj ET BT /F1 12 Tf 72 700 Td %s Tj 44 0 Td %s Tj ET",
			p.cjk("通"), p.cjk("知"), p.cjk("项目"), p.cjk("数量")))
	})
	add("runs out of order on a line", []string{"国际标准"}, func(p *testPDF) {
		p.page("", fmt.Sprintf("BT /F1 12 Tf 96 700 Td %s Tj -24 0 Td %s Tj ET", p.cjk("标准"), p.cjk("国际")))
	})
	add("TJ with kerning", []string{"秘书处6个"}, func(p *testPDF) {
		p.page("", fmt.Sprintf("BT /F1 12 Tf 72 700 Td [%s -20 %s 120 %s] TJ ET", p.cjk("秘书"), p.cjk("处6"), p.cjk("个")))
	})
	add("contents array split inside a text object", []string{"数组内容"}, func(p *testPDF) {
		p.page("", "q BT /F1 12 Tf 72 700 Td", p.cjk("数组内容")+" Tj ET Q")
	})
	add("Latin words and mixed runs", []string{"Hello World ISO标准 (TC 176)"}, func(p *testPDF) {
		p.page("", fmt.Sprintf("BT /F2 10 Tf 72 700 Td (Hello) Tj 40 0 Td (World) Tj ET BT /F2 10 Tf 150 700 Td (ISO) Tj /F1 10 Tf %s Tj /F2 10 Tf ( \\(TC 176\\)) Tj ET",
			p.cjk("标准")))
	})
	add("fake bold drawn twice", []string{"一、总体要求\n正文"}, func(p *testPDF) {
		h := p.cjk("一、总体要求")
		p.page("", fmt.Sprintf("BT /F1 16 Tf 72 700 Td %s Tj ET BT /F1 16 Tf 72.4 700 Td %s Tj ET BT /F1 12 Tf 72 670 Td %s Tj ET", h, h, p.cjk("正文")))
	})
	add("form xobject", []string{"表单中的文字\n页面文字"}, func(p *testPDF) {
		form := p.addStream("<< /Type /XObject /Subtype /Form /BBox [0 0 595 842] /Matrix [1 0 0 1 0 100] /Resources << /Font << /F9 3 0 R >> >> >>",
			"BT /F9 12 Tf 72 600 Td "+p.cjk("表单中的文字")+" Tj ET")
		p.page(fmt.Sprintf("/Resources << /Font << /F1 3 0 R >> /XObject << /Fm1 %d 0 R >> >>", form),
			"q /Fm1 Do Q BT /F1 12 Tf 72 650 Td "+p.cjk("页面文字")+" Tj ET")
	})
	add("inline image", []string{"图像前\n图像后"}, func(p *testPDF) {
		p.page("", "BT /F1 12 Tf 72 700 Td "+p.cjk("图像前")+" Tj ET q 10 0 0 10 72 600 cm BI /W 4 /H 1 /BPC 8 /CS /G ID \x00(\xff) Tj\n EI Q BT /F1 12 Tf 72 650 Td "+p.cjk("图像后")+" Tj ET")
	})
	add("rotated text", []string{"旋转的第一行\n旋转的第二行"}, func(p *testPDF) {
		p.page("", fmt.Sprintf("q 0 1 -1 0 595 0 cm BT /F1 12 Tf 72 500 Td %s Tj 0 -20 Td %s Tj ET Q", p.cjk("旋转的第一行"), p.cjk("旋转的第二行")))
	})
	add("UniGB-UCS2-H without ToUnicode", []string{"国家标准化发展纲要（2021）"}, func(p *testPDF) {
		p.encoding, p.toUnicode = "UniGB-UCS2-H", false
		p.page("", "BT /F1 12 Tf 72 700 Td "+p.cjk("国家标准化发展纲要（2021）")+" Tj ET")
	})
	add("GBK-EUC-H without ToUnicode", []string{"嘉兴主导的国际标准有9项。"}, func(p *testPDF) {
		p.encoding, p.toUnicode = "GBK-EUC-H", false
		p.page("", "BT /F1 12 Tf 72 700 Td "+p.cjk("嘉兴主导的国际标准有9项。")+" Tj ET")
	})
	add("PDF 2.0 header and bytes after EOF", []string{"版本二"}, func(p *testPDF) {
		p.header, p.tail = "%PDF-2.0", "\x00\x00garbage"
		p.page("", "BT /F1 12 Tf 72 700 Td "+p.cjk("版本二")+" Tj ET")
	})
	add("owner password only (RC4 128-bit)", []string{"加密文档"}, func(p *testPDF) {
		p.ownerPW = "owner"
		p.page("", "BT /F1 12 Tf 72 700 Td "+p.cjk("加密文档")+" Tj ET")
	})
	add("page tree with a loop", []string{"循环"}, func(p *testPDF) {
		p.page("", "BT /F1 12 Tf 72 700 Td "+p.cjk("循环")+" Tj ET")
		p.pages = append(p.pages, 2)
	})
	add("an empty page among text pages", []string{"前", "", "后"}, func(p *testPDF) {
		p.page("", "BT /F1 12 Tf 72 700 Td "+p.cjk("前")+" Tj ET")
		p.page("", "0 0 m 100 100 l S")
		p.page("", "BT /F1 12 Tf 72 700 Td "+p.cjk("后")+" Tj ET")
	})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pages, warns, err := Extract(context.Background(), c.raw, WithPDFToText(""))
			if err != nil {
				t.Fatalf("Extract(%s) error %v", c.name, err)
			}
			if len(pages) != len(c.want) {
				t.Fatalf("Extract(%s) = %d pages %q, want %d", c.name, len(pages), pages, len(c.want))
			}
			for i := range pages {
				if pages[i] != c.want[i] {
					t.Errorf("Extract(%s) page %d = %q, want %q", c.name, i+1, pages[i], c.want[i])
				}
			}
			if len(warns) > 0 {
				t.Errorf("Extract(%s) warnings %q, want none", c.name, warns)
			}
		})
	}
}

func TestExtractTwoPages(t *testing.T) {
	raw := testTwoPagePDF()
	run := func(t *testing.T, name string, pages []string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("Extract(%s) error %v", name, err)
		}
		if len(pages) != 2 {
			t.Fatalf("Extract(%s) = %q, want 2 pages", name, pages)
		}
		if !strings.Contains(pages[0], testPage1) {
			t.Errorf("Extract(%s) page 1 = %q, want it to contain %q", name, pages[0], testPage1)
		}
		if !strings.Contains(pages[1], testPage2) {
			t.Errorf("Extract(%s) page 2 = %q, want it to contain %q", name, pages[1], testPage2)
		}
		if strings.Contains(pages[0], testPage2) {
			t.Errorf("Extract(%s) page 1 = %q, holds page 2's text", name, pages[0])
		}
	}
	t.Run("pure Go", func(t *testing.T) {
		pages, _, err := Extract(context.Background(), raw, WithPDFToText(""))
		run(t, "two pages", pages, err)
	})
	t.Run("as the loader calls it", func(t *testing.T) {
		pages, _, err := Extract(context.Background(), raw)
		run(t, "two pages", pages, err)
	})
	t.Run("pdftotext", func(t *testing.T) {
		bin, err := exec.LookPath("pdftotext")
		if err != nil {
			t.Skip("pdftotext not installed")
		}
		pages, err := pdftotextPages(context.Background(), bin, raw, limits.Default())
		run(t, "two pages via pdftotext", pages, err)
	})
}

func TestExtractErrors(t *testing.T) {
	good := testTwoPagePDF()
	noText := newTestPDF()
	noText.page("", "q 1 0 0 RG 72 72 m 500 700 l S 100 100 200 300 re f Q")
	userPW := newTestPDF()
	userPW.userPW = "secret"
	userPW.page("", "BT /F1 12 Tf 72 700 Td "+userPW.cjk("机密")+" Tj ET")
	badCrypt := newTestPDF()
	badCrypt.badCrypt = true
	badCrypt.page("", "BT /F1 12 Tf 72 700 Td "+badCrypt.cjk("机密")+" Tj ET")
	brokenXref := regexp.MustCompile(`startxref\n\d+`).ReplaceAll(bytes.Clone(good), []byte("startxref\n1"))
	shifted := append(append(bytes.Clone(good[:9]), "% forty bytes of comment moving every obj\n"...), good[9:]...)
	noPages := bytes.Replace(good, []byte("/Kids ["), []byte("/Kids [] /Old ["), 1)
	xrefAt := regexp.MustCompile(`startxref\n(\d+)`).FindSubmatch(good)[1]
	prevLoop := bytes.Replace(good, []byte("/Root 1 0 R"), append([]byte("/Root 1 0 R /Prev "), xrefAt...), 1)
	hugeXref := bytes.Replace(good, []byte("xref\n0 "), []byte("xref\n999999999 "), 1)
	extends := bytes.Replace(good, []byte("/Type /Catalog"), []byte("/Type /Catalog /Extends 1 0 R"), 1)

	cases := []struct {
		name     string
		raw      []byte
		is       error // errors.Is target, nil for any error
		pureOnly bool  // pdftotext may repair this one
	}{
		{name: "garbage", raw: []byte("this is not a pdf at all, just text\n")},
		{name: "empty", raw: nil},
		{name: "header then garbage", raw: []byte("%PDF-1.4\n\x01\x02\x03 garbage garbage\n%%EOF\n")},
		{name: "truncated", raw: good[:len(good)/2], pureOnly: true},
		{name: "broken startxref", raw: brokenXref, pureOnly: true},
		{name: "shifted offsets", raw: shifted, pureOnly: true},
		{name: "no pages", raw: noPages, pureOnly: true},
		{name: "xref Prev loop", raw: prevLoop, pureOnly: true},
		{name: "xref of a billion objects", raw: hugeXref, pureOnly: true},
		{name: "object stream Extends", raw: extends, pureOnly: true},
		{name: "drawing only", raw: noText.bytes(), is: ErrNoTextLayer},
		{name: "user password", raw: userPW.bytes(), is: ErrEncrypted},
		{name: "unknown security handler", raw: badCrypt.bytes(), is: ErrEncrypted},
	}
	bin, _ := exec.LookPath("pdftotext")
	for _, c := range cases {
		for _, tool := range []string{"", bin} {
			if tool == bin && (bin == "" || c.pureOnly) {
				continue
			}
			name := c.name
			if tool != "" {
				name += " with pdftotext"
			}
			t.Run(name, func(t *testing.T) {
				pages, _, err := Extract(context.Background(), c.raw, WithPDFToText(tool))
				if err == nil {
					t.Fatalf("Extract(%s) = %q, want an error", c.name, pages)
				}
				if c.is != nil && !errors.Is(err, c.is) {
					t.Errorf("Extract(%s) error %v, want errors.Is %v", c.name, err, c.is)
				}
				if c.is != ErrEncrypted && errors.Is(err, ErrEncrypted) {
					t.Errorf("Extract(%s) error %v, want not ErrEncrypted", c.name, err)
				}
			})
		}
	}
}

// TestExtractNoPanic feeds damaged copies of a good file: every call must
// return, with pages or an error.
func TestExtractNoPanic(t *testing.T) {
	good := testTwoPagePDF()
	var inputs [][]byte
	for n := 0; n < len(good); n += 37 {
		inputs = append(inputs, good[:n])
	}
	for i := 0; i < len(good); i += 23 {
		b := bytes.Clone(good)
		b[i] ^= 0x5a
		inputs = append(inputs, b)
	}
	for i, raw := range inputs {
		pages, _, err := Extract(context.Background(), raw, WithPDFToText(""))
		if err == nil && len(pages) == 0 {
			t.Errorf("Extract(damaged #%d) = no pages and no error", i)
		}
	}
}

// FuzzExtract: whatever the bytes, Extract returns (no panic, no crash,
// no hang past its deadline) with pages or an error. The seeds include the
// hostile files of issue 13 at sizes the fuzzer can mutate.
func FuzzExtract(f *testing.F) {
	f.Add(testTwoPagePDF())
	f.Add(testGB1PDF("国家标准"))
	f.Add([]byte("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"))
	f.Add(hostile.NestedArrayPDF(300))
	f.Add(hostile.NestedObjStmPDF(300))
	f.Add(hostile.ObjStmLoopPDF())
	f.Add(hostile.ManyPagesPDF(300, 1000))
	f.Add(hostile.FormBombPDF(2, 2))
	f.Add(hostile.FontBombPDF(2))
	for _, name := range []string{"libreoffice-2pages.pdf", "libreoffice-2pages-objstm-aes128.pdf"} {
		if raw, err := os.ReadFile(filepath.Join("testdata", name)); err == nil {
			f.Add(raw)
		}
	}
	lim := limits.Limits{MaxDecodedBytes: 8 << 20, MaxTextItems: 50_000, MaxObjects: 100_000, MaxPages: 200}
	f.Fuzz(func(t *testing.T, raw []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		pages, _, err := Extract(ctx, raw, WithPDFToText(""), WithLimits(lim))
		if err == nil && len(pages) == 0 {
			t.Errorf("Extract = no pages and no error")
		}
		if ctx.Err() != nil {
			t.Errorf("Extract ran into its 10 s deadline (error %v)", err)
		}
	})
}

func TestExtractUndecodable(t *testing.T) {
	raw := testGB1PDF("国家标准化发展纲要")
	t.Run("without pdftotext", func(t *testing.T) {
		pages, warns, err := Extract(context.Background(), raw, WithPDFToText(""))
		if err != nil {
			t.Fatalf("Extract(no ToUnicode) error %v", err)
		}
		if want := strings.Repeat("\uFFFD", 9); len(pages) != 1 || pages[0] != want {
			t.Errorf("Extract(no ToUnicode) = %q, want %q", pages, want)
		}
		if len(warns) != 1 || !strings.Contains(warns[0], "U+FFFD") || !strings.Contains(warns[0], "pdftotext") {
			t.Errorf("Extract(no ToUnicode) warnings = %q, want one naming U+FFFD and pdftotext", warns)
		}
	})
	t.Run("real pdftotext", func(t *testing.T) {
		bin, err := exec.LookPath("pdftotext")
		if err != nil {
			t.Skip("pdftotext not installed")
		}
		if _, err := os.Stat("/usr/share/poppler/cidToUnicode/Adobe-GB1"); err != nil {
			t.Skip("poppler-data not installed")
		}
		pages, warns, err := Extract(context.Background(), raw, WithPDFToText(bin))
		if err != nil {
			t.Fatalf("Extract(no ToUnicode) error %v", err)
		}
		if want := "国家标准化发展纲要"; len(pages) != 1 || pages[0] != want {
			t.Errorf("Extract(no ToUnicode) = %q, want %q", pages, want)
		}
		if len(warns) == 0 || !strings.Contains(warns[0], "pdftotext") {
			t.Errorf("Extract(no ToUnicode) warnings = %q, want one naming pdftotext", warns)
		}
	})
}

func TestExtractCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err := Extract(ctx, testTwoPagePDF())
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Extract(cancelled) error %v, want context.Canceled", err)
	}
}

// testLibreOfficePages is the text of both LibreOffice files in testdata,
// page by page, as Extract reads it.
var testLibreOfficePages = []string{
	"一、总体要求\n" +
		"上海承担国际标准化技术组织秘书处6个。\n" +
		"为深入贯彻落实《国家标准化发展纲要》，推动标准化工作高质量发展，结合本市实际，制定本\n" +
		"实施意见。\n" +
		"项目 数量\n" +
		"秘书处 6",
	"二、主要任务\n" +
		"嘉兴主导的国际标准有9项。\n" +
		"ISO 9001 质量管理体系与 GB/T 19001—2016 等同采用。",
}

// The LibreOffice files in testdata (see README.md there) are real
// producer output: subset TrueType fonts behind Identity-H with ToUnicode,
// a page break, a table; the second file is the first rewritten by qpdf
// with object streams, an xref stream and AES-128 with an empty user
// password.
func TestExtractTestdata(t *testing.T) {
	want := testLibreOfficePages
	for _, name := range []string{"libreoffice-2pages.pdf", "libreoffice-2pages-objstm-aes128.pdf"} {
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata", name))
			if err != nil {
				t.Fatal(err)
			}
			pages, warns, err := Extract(context.Background(), raw, WithPDFToText(""))
			if err != nil {
				t.Fatalf("Extract(%s) error %v", name, err)
			}
			if len(pages) != len(want) {
				t.Fatalf("Extract(%s) = %q, want %q", name, pages, want)
			}
			for i := range want {
				if pages[i] != want[i] {
					t.Errorf("Extract(%s) page %d = %q, want %q", name, i+1, pages[i], want[i])
				}
			}
			if len(warns) > 0 {
				t.Errorf("Extract(%s) warnings %q, want none", name, warns)
			}
		})
	}
}
