package knowledge

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/rc4"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"unicode/utf16"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// testPDF writes small PDFs by hand: a Type0 font (F1) for Chinese text,
// Helvetica (F2) for Latin text, pages sharing the resources of the page
// tree, and a correct xref table. Chinese text is encoded with cjk, whose
// codes depend on the font's encoding:
//
//   - "Identity-H" with a ToUnicode CMap: codes 1, 2, 3... in order of use;
//   - "Identity-H" with gb1 set and no ToUnicode: Adobe-GB1 CIDs, which
//     only pdftotext (with poppler-data) can map to Unicode;
//   - "UniGB-UCS2-H": UTF-16 code units, no ToUnicode;
//   - "GBK-EUC-H": GBK bytes, no ToUnicode.
type testPDF struct {
	objs      []testPDFObj
	pages     []int
	header    string // default "%PDF-1.4"
	tail      string // bytes after %%EOF
	encoding  string // of F1, default Identity-H
	toUnicode bool
	gb1       map[rune]int // Adobe-GB1 CIDs for a font without ToUnicode
	codes     map[rune]int
	order     []rune
	userPW    string // encrypt (RC4 128-bit, R3) when userPW or ownerPW is set
	ownerPW   string
	badCrypt  bool // an /Encrypt dictionary no reader understands
}

type testPDFObj struct {
	dict   string
	stream *string
}

func newTestPDF() *testPDF {
	p := &testPDF{header: "%PDF-1.4", encoding: "Identity-H", toUnicode: true, codes: map[rune]int{}}
	for range 7 { // 1 catalog, 2 pages, 3-6 the CJK font, 7 Helvetica
		p.add("")
	}
	return p
}

func (p *testPDF) add(dict string) int {
	p.objs = append(p.objs, testPDFObj{dict: dict})
	return len(p.objs)
}

func (p *testPDF) addStream(dict, data string) int {
	p.objs = append(p.objs, testPDFObj{dict: dict, stream: &data})
	return len(p.objs)
}

// page adds a page whose content is the given streams (an array when more
// than one); extra goes into the page dictionary.
func (p *testPDF) page(extra string, contents ...string) {
	var refs []string
	for _, c := range contents {
		refs = append(refs, fmt.Sprintf("%d 0 R", p.addStream("", c)))
	}
	ref := refs[0]
	if len(refs) > 1 {
		ref = "[" + strings.Join(refs, " ") + "]"
	}
	p.pages = append(p.pages, p.add(fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %s %s >>", ref, extra)))
}

// cjk returns s as a hex string in F1's encoding.
func (p *testPDF) cjk(s string) string {
	var b strings.Builder
	b.WriteByte('<')
	switch p.encoding {
	case "UniGB-UCS2-H":
		for _, u := range utf16.Encode([]rune(s)) {
			fmt.Fprintf(&b, "%04X", u)
		}
	case "GBK-EUC-H":
		g, err := simplifiedchinese.GBK.NewEncoder().String(s)
		if err != nil {
			panic(err)
		}
		fmt.Fprintf(&b, "%X", g)
	default:
		for _, r := range s {
			if p.gb1 != nil {
				cid, ok := p.gb1[r]
				if !ok {
					panic(fmt.Sprintf("no Adobe-GB1 CID for %q", r))
				}
				fmt.Fprintf(&b, "%04X", cid)
				continue
			}
			c, ok := p.codes[r]
			if !ok {
				c = len(p.order) + 1
				p.codes[r] = c
				p.order = append(p.order, r)
			}
			fmt.Fprintf(&b, "%04X", c)
		}
	}
	b.WriteByte('>')
	return b.String()
}

// toUnicodeCMap maps the codes handed out by cjk, mixing bfchar, bfrange
// with a string and bfrange with an array.
func (p *testPDF) toUnicodeCMap() string {
	var chars, ranges []string
	for i, r := range p.order {
		c := i + 1
		u := fmt.Sprintf("%04X", utf16.Encode([]rune{r}))
		u = strings.Trim(strings.ReplaceAll(u, " ", ""), "[]")
		switch i % 3 {
		case 0:
			chars = append(chars, fmt.Sprintf("<%04X> <%s>", c, u))
		case 1:
			ranges = append(ranges, fmt.Sprintf("<%04X> <%04X> <%s>", c, c, u))
		default:
			ranges = append(ranges, fmt.Sprintf("<%04X> <%04X> [<%s>]", c, c, u))
		}
	}
	var b strings.Builder
	b.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n")
	b.WriteString("/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n")
	b.WriteString("/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n")
	b.WriteString("1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")
	if len(chars) > 0 {
		fmt.Fprintf(&b, "%d beginbfchar\n%s\nendbfchar\n", len(chars), strings.Join(chars, "\n"))
	}
	if len(ranges) > 0 {
		fmt.Fprintf(&b, "%d beginbfrange\n%s\nendbfrange\n", len(ranges), strings.Join(ranges, "\n"))
	}
	b.WriteString("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n")
	return b.String()
}

// bytes writes the file.
func (p *testPDF) bytes() []byte {
	p.objs[0].dict = "<< /Type /Catalog /Pages 2 0 R >>"
	var kids []string
	for _, id := range p.pages {
		kids = append(kids, fmt.Sprintf("%d 0 R", id))
	}
	p.objs[1].dict = fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d /Resources << /Font << /F1 3 0 R /F2 7 0 R >> >> >>",
		strings.Join(kids, " "), len(kids))
	tu := ""
	if p.toUnicode {
		tu = "/ToUnicode 6 0 R"
	}
	p.objs[2].dict = fmt.Sprintf("<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /%s /DescendantFonts [4 0 R] %s >>", p.encoding, tu)
	ordering := "Identity"
	if p.gb1 != nil || p.encoding != "Identity-H" {
		ordering = "GB1"
	}
	var w []string
	for i, r := range p.order {
		if r < 0x80 {
			w = append(w, fmt.Sprintf("%d [500]", i+1))
		}
	}
	p.objs[3].dict = fmt.Sprintf("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /CIDSystemInfo << /Registry (Adobe) /Ordering (%s) /Supplement 2 >> /FontDescriptor 5 0 R /DW 1000 /W [%s] >>",
		ordering, strings.Join(w, " "))
	p.objs[4].dict = "<< /Type /FontDescriptor /FontName /SimSun /Flags 6 /FontBBox [-8 -145 1000 859] /ItalicAngle 0 /Ascent 859 /Descent -141 /CapHeight 683 /StemV 80 >>"
	cmap := p.toUnicodeCMap()
	p.objs[5] = testPDFObj{dict: "", stream: &cmap}
	p.objs[6].dict = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"

	var key []byte
	trailer := ""
	if p.userPW != "" || p.ownerPW != "" || p.badCrypt {
		id := "0123456789abcdef"
		enc := "<< /Filter /NoSuchHandler /V 9 >>"
		if !p.badCrypt {
			var o, u []byte
			key, o, u = testRC4Keys(p.userPW, p.ownerPW, id)
			enc = fmt.Sprintf("<< /Filter /Standard /V 2 /R 3 /Length 128 /P -3904 /O <%X> /U <%X> >>", o, u)
		}
		encID := p.add(enc)
		trailer = fmt.Sprintf("/Encrypt %d 0 R /ID [<%X> <%X>]", encID, id, id)
		defer func() { p.objs = p.objs[:encID-1] }()
	}

	var b bytes.Buffer
	b.WriteString(p.header + "\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(p.objs))
	literal := regexp.MustCompile(`\(([A-Za-z0-9 ]*)\)`)
	for i, o := range p.objs {
		offsets[i] = b.Len()
		objKey := key
		if key != nil && o.dict != "" && strings.HasPrefix(o.dict, "<< /Filter /Standard") {
			objKey = nil // the encryption dictionary itself is not encrypted
		}
		dict := o.dict
		if objKey != nil {
			dict = literal.ReplaceAllStringFunc(dict, func(m string) string {
				return fmt.Sprintf("<%X>", testRC4(testObjKey(objKey, i+1), m[1:len(m)-1]))
			})
		}
		if o.stream == nil {
			fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, dict)
			continue
		}
		data := *o.stream
		if objKey != nil {
			data = string(testRC4(testObjKey(objKey, i+1), data))
		}
		dict = strings.TrimSuffix(strings.TrimPrefix(dict, "<<"), ">>")
		fmt.Fprintf(&b, "%d 0 obj\n<< %s /Length %d >>\nstream\n%s\nendstream\nendobj\n", i+1, dict, len(data), data)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(p.objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R %s >>\nstartxref\n%d\n%%%%EOF\n%s", len(p.objs)+1, trailer, xref, p.tail)
	return b.Bytes()
}

// testRC4Keys computes the file key and /O, /U of the standard security
// handler, revision 3, 128-bit RC4 (PDF 32000-1 §7.6.3, algorithms 2, 3, 5).
func testRC4Keys(user, owner, id string) (key, o, u []byte) {
	pad := func(pw string) []byte {
		const padding = "\x28\xbf\x4e\x5e\x4e\x75\x8a\x41\x64\x00\x4e\x56\xff\xfa\x01\x08\x2e\x2e\x00\xb6\xd0\x68\x3e\x80\x2f\x0c\xa9\xfe\x64\x53\x69\x7a"
		return []byte((pw + padding)[:32])
	}
	rounds := func(h []byte) []byte {
		for range 50 {
			s := md5.Sum(h[:16])
			h = s[:]
		}
		return h
	}
	xor19 := func(k, data []byte) []byte {
		for i := 1; i <= 19; i++ {
			k2 := make([]byte, len(k))
			for j := range k {
				k2[j] = k[j] ^ byte(i)
			}
			data = testRC4(k2, string(data))
		}
		return data
	}
	if owner == "" {
		owner = user
	}
	h := md5.Sum(pad(owner))
	okey := rounds(h[:])[:16]
	o = xor19(okey, testRC4(okey, string(pad(user))))

	p := int32(-3904)
	in := append(append(pad(user), o...), byte(p), byte(p>>8), byte(p>>16), byte(p>>24))
	h = md5.Sum(append(in, id...))
	key = rounds(h[:])[:16]

	h = md5.Sum(append(pad(""), id...))
	u = xor19(key, testRC4(key, string(h[:])))
	u = append(u, make([]byte, 16)...)
	return key, o, u
}

func testObjKey(key []byte, id int) []byte {
	h := md5.Sum(append(append([]byte(nil), key...), byte(id), byte(id>>8), byte(id>>16), 0, 0))
	return h[:]
}

func testRC4(key []byte, s string) []byte {
	c, err := rc4.NewCipher(key)
	if err != nil {
		panic(err)
	}
	out := []byte(s)
	c.XORKeyStream(out, out)
	return out
}

// The sentences of the two-page test document.
const (
	testPage1 = "上海承担国际标准化技术组织秘书处6个。"
	testPage2 = "嘉兴主导的国际标准有9项。"
)

// testTwoPagePDF is the two-page document, each sentence one Tj.
func testTwoPagePDF() []byte {
	p := newTestPDF()
	p.page("", "BT /F1 12 Tf 72 760 Td "+p.cjk(testPage1)+" Tj ET")
	p.page("", "BT /F1 12 Tf 72 760 Td "+p.cjk(testPage2)+" Tj ET")
	return p.bytes()
}

// testGB1PDF has no ToUnicode: its Adobe-GB1 CIDs decode only with poppler-data.
func testGB1PDF(text string) []byte {
	p := newTestPDF()
	p.toUnicode = false
	p.gb1 = map[rune]int{'国': 1875, '家': 2117, '标': 1107, '准': 4633, '化': 1988, '发': 1599, '展': 4442, '纲': 1748, '要': 4145}
	p.page("", "BT /F1 12 Tf 72 760 Td "+p.cjk(text)+" Tj ET")
	return p.bytes()
}

func TestExtractPDF(t *testing.T) {
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
			pages, warns, err := extractPDFWith(context.Background(), c.raw, "")
			if err != nil {
				t.Fatalf("extractPDF(%s) error %v", c.name, err)
			}
			if len(pages) != len(c.want) {
				t.Fatalf("extractPDF(%s) = %d pages %q, want %d", c.name, len(pages), pages, len(c.want))
			}
			for i := range pages {
				if pages[i] != c.want[i] {
					t.Errorf("extractPDF(%s) page %d = %q, want %q", c.name, i+1, pages[i], c.want[i])
				}
			}
			if len(warns) > 0 {
				t.Errorf("extractPDF(%s) warnings %q, want none", c.name, warns)
			}
		})
	}
}

func TestExtractPDFTwoPages(t *testing.T) {
	raw := testTwoPagePDF()
	run := func(t *testing.T, name string, pages []string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("extractPDF(%s) error %v", name, err)
		}
		if len(pages) != 2 {
			t.Fatalf("extractPDF(%s) = %q, want 2 pages", name, pages)
		}
		if !strings.Contains(pages[0], testPage1) {
			t.Errorf("extractPDF(%s) page 1 = %q, want it to contain %q", name, pages[0], testPage1)
		}
		if !strings.Contains(pages[1], testPage2) {
			t.Errorf("extractPDF(%s) page 2 = %q, want it to contain %q", name, pages[1], testPage2)
		}
		if strings.Contains(pages[0], testPage2) {
			t.Errorf("extractPDF(%s) page 1 = %q, holds page 2's text", name, pages[0])
		}
	}
	t.Run("pure Go", func(t *testing.T) {
		pages, _, err := extractPDFWith(context.Background(), raw, "")
		run(t, "two pages", pages, err)
	})
	t.Run("as the loader calls it", func(t *testing.T) {
		pages, _, err := extractPDF(context.Background(), raw)
		run(t, "two pages", pages, err)
	})
	t.Run("pdftotext", func(t *testing.T) {
		bin, err := exec.LookPath("pdftotext")
		if err != nil {
			t.Skip("pdftotext not installed")
		}
		pages, err := pdftotextPages(context.Background(), bin, raw)
		run(t, "two pages via pdftotext", pages, err)
	})
}

func TestExtractPDFErrors(t *testing.T) {
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
				pages, _, err := extractPDFWith(context.Background(), c.raw, tool)
				if err == nil {
					t.Fatalf("extractPDF(%s) = %q, want an error", c.name, pages)
				}
				if c.is != nil && !errors.Is(err, c.is) {
					t.Errorf("extractPDF(%s) error %v, want errors.Is %v", c.name, err, c.is)
				}
				if c.is != ErrEncrypted && errors.Is(err, ErrEncrypted) {
					t.Errorf("extractPDF(%s) error %v, want not ErrEncrypted", c.name, err)
				}
			})
		}
	}
}

// TestExtractPDFNoPanic feeds damaged copies of a good file: every call must
// return, with pages or an error.
func TestExtractPDFNoPanic(t *testing.T) {
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
		pages, _, err := extractPDFWith(context.Background(), raw, "")
		if err == nil && len(pages) == 0 {
			t.Errorf("extractPDF(damaged #%d) = no pages and no error", i)
		}
	}
}

func FuzzExtractPDF(f *testing.F) {
	f.Add(testTwoPagePDF())
	f.Add(testGB1PDF("国家标准"))
	f.Add([]byte("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		pages, _, err := extractPDFWith(context.Background(), raw, "")
		if err == nil && len(pages) == 0 {
			t.Errorf("extractPDF = no pages and no error")
		}
	})
}

func TestExtractPDFUndecodable(t *testing.T) {
	raw := testGB1PDF("国家标准化发展纲要")
	t.Run("without pdftotext", func(t *testing.T) {
		pages, warns, err := extractPDFWith(context.Background(), raw, "")
		if err != nil {
			t.Fatalf("extractPDF(no ToUnicode) error %v", err)
		}
		if want := strings.Repeat("\uFFFD", 9); len(pages) != 1 || pages[0] != want {
			t.Errorf("extractPDF(no ToUnicode) = %q, want %q", pages, want)
		}
		if len(warns) != 1 || !strings.Contains(warns[0], "U+FFFD") || !strings.Contains(warns[0], "pdftotext") {
			t.Errorf("extractPDF(no ToUnicode) warnings = %q, want one naming U+FFFD and pdftotext", warns)
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
		pages, warns, err := extractPDFWith(context.Background(), raw, bin)
		if err != nil {
			t.Fatalf("extractPDF(no ToUnicode) error %v", err)
		}
		if want := "国家标准化发展纲要"; len(pages) != 1 || pages[0] != want {
			t.Errorf("extractPDF(no ToUnicode) = %q, want %q", pages, want)
		}
		if len(warns) == 0 || !strings.Contains(warns[0], "pdftotext") {
			t.Errorf("extractPDF(no ToUnicode) warnings = %q, want one naming pdftotext", warns)
		}
	})
}

// testFakePDFToText writes a shell script standing in for pdftotext.
func testFakePDFToText(t *testing.T, body string) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("needs /bin/sh")
	}
	p := filepath.Join(t.TempDir(), "pdftotext")
	script := "#!/bin/sh\n[ \"$1 $2 $3\" = \"-layout -enc UTF-8\" ] || { echo \"bad args: $*\" >&2; exit 2; }\n[ -f \"$4\" ] || { echo \"no input file\" >&2; exit 2; }\n" + body
	if err := os.WriteFile(p, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestExtractPDFFallback(t *testing.T) {
	undecodable := testGB1PDF("国家标准")
	cases := []struct {
		name      string
		raw       []byte
		script    string
		want      []string
		warnMatch string // a warning must contain it
	}{
		{
			name:      "undecodable text goes to pdftotext",
			raw:       undecodable,
			script:    "printf '  国 家 标准  \\n\\n第二行   \\f假页二\\f'\n",
			want:      []string{"国家标准\n第二行", "假页二"},
			warnMatch: "text taken from pdftotext",
		},
		{
			name:      "pdftotext failing keeps the library text",
			raw:       undecodable,
			script:    "echo 'Syntax Error: boom' >&2; exit 1\n",
			want:      []string{"\uFFFD\uFFFD\uFFFD\uFFFD"},
			warnMatch: "Syntax Error: boom",
		},
		{
			name:   "decodable text does not run pdftotext",
			raw:    testTwoPagePDF(),
			script: "printf 'WRONG\\f'\n",
			want:   []string{testPage1, testPage2},
		},
		{
			name:      "unreadable file goes to pdftotext",
			raw:       []byte("%PDF-1.4\nbroken beyond the library\n"),
			script:    "printf '修复的文字\\f'\n",
			want:      []string{"修复的文字"},
			warnMatch: "text taken from pdftotext",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			bin := testFakePDFToText(t, c.script)
			pages, warns, err := extractPDFWith(context.Background(), c.raw, bin)
			if err != nil {
				t.Fatalf("extractPDF(%s) error %v", c.name, err)
			}
			if strings.Join(pages, "\f") != strings.Join(c.want, "\f") {
				t.Errorf("extractPDF(%s) = %q, want %q", c.name, pages, c.want)
			}
			found := c.warnMatch == ""
			for _, w := range warns {
				found = found || strings.Contains(w, c.warnMatch)
			}
			if !found {
				t.Errorf("extractPDF(%s) warnings %q, want one containing %q", c.name, warns, c.warnMatch)
			}
		})
	}
}

func TestExtractPDFCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err := extractPDF(ctx, testTwoPagePDF())
	if !errors.Is(err, context.Canceled) {
		t.Errorf("extractPDF(cancelled) error %v, want context.Canceled", err)
	}
}

func TestPDFTidyLayout(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"spaces between CJK", "  国 家 标 准  \n", "国家标准"},
		{"column gap kept", "项目     数量", "项目     数量"},
		{"Latin kept", "ISO 9001 标准", "ISO 9001 标准"},
		{"blank lines dropped", "一\n\n   \n二", "一\n二"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := pdfTidyLayout(c.in); got != c.want {
				t.Errorf("pdfTidyLayout(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

// The LibreOffice files in testdata/pdf (see README.md there) are real
// producer output: subset TrueType fonts behind Identity-H with ToUnicode,
// a page break, a table; the second file is the first rewritten by qpdf
// with object streams, an xref stream and AES-128 with an empty user
// password.
func TestExtractPDFTestdata(t *testing.T) {
	want := []string{
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
	for _, name := range []string{"libreoffice-2pages.pdf", "libreoffice-2pages-objstm-aes128.pdf"} {
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata", "pdf", name))
			if err != nil {
				t.Fatal(err)
			}
			pages, warns, err := extractPDFWith(context.Background(), raw, "")
			if err != nil {
				t.Fatalf("extractPDF(%s) error %v", name, err)
			}
			if len(pages) != len(want) {
				t.Fatalf("extractPDF(%s) = %q, want %q", name, pages, want)
			}
			for i := range want {
				if pages[i] != want[i] {
					t.Errorf("extractPDF(%s) page %d = %q, want %q", name, i+1, pages[i], want[i])
				}
			}
			if len(warns) > 0 {
				t.Errorf("extractPDF(%s) warnings %q, want none", name, warns)
			}
		})
	}
}
