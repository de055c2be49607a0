package pdf

import (
	"bytes"
	"crypto/md5"
	"crypto/rc4"
	"fmt"
	"regexp"
	"strings"
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
