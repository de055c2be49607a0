// Package pdftest writes small PDFs for tests outside package pdf: pages of
// text lines set in one embedded-style CJK font (Type0, Identity-H, with a
// ToUnicode map), and an optional document information dictionary.
package pdftest

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"unicode/utf16"
)

// Line is one line of text on a page, at (X, Y) in points from the
// bottom-left corner, in a font Size points high. CJK and Latin runes alike
// are one em wide.
type Line struct {
	Text string
	X, Y float64
	Size float64
}

// Builder collects the pages and metadata of a PDF.
type Builder struct {
	// Title, when set, goes into the information dictionary's /Title as
	// UTF-16BE with a byte order mark.
	Title string
	pages [][]Line
}

// Page adds a page holding lines.
func (b *Builder) Page(lines ...Line) { b.pages = append(b.pages, lines) }

// Lines lays out texts as a page of lines from the top, each a
// size-point line below the last, at the left margin.
func Lines(size float64, texts ...string) []Line {
	var out []Line
	y := 780.0
	for _, t := range texts {
		out = append(out, Line{Text: t, X: 72, Y: y, Size: size})
		y -= size * 1.6
	}
	return out
}

// Bytes writes the PDF.
func (b *Builder) Bytes() []byte {
	codes := map[rune]int{}
	var order []rune
	code := func(s string) string {
		var h strings.Builder
		h.WriteByte('<')
		for _, r := range s {
			c, ok := codes[r]
			if !ok {
				c = len(order) + 1
				codes[r] = c
				order = append(order, r)
			}
			fmt.Fprintf(&h, "%04X", c)
		}
		h.WriteByte('>')
		return h.String()
	}
	var contents []string
	for _, page := range b.pages {
		var c strings.Builder
		for _, l := range page {
			fmt.Fprintf(&c, "BT /F1 %g Tf 1 0 0 1 %g %g Tm %s Tj ET\n", l.Size, l.X, l.Y, code(l.Text))
		}
		contents = append(contents, c.String())
	}
	sort.Slice(order, func(i, j int) bool { return codes[order[i]] < codes[order[j]] })

	var objs []string // object i+1
	add := func(s string) int {
		objs = append(objs, s)
		return len(objs)
	}
	stream := func(data string) string {
		return fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(data), data)
	}
	catalog := add("") // filled in below
	pagesObj := add("")
	font := add("")
	cidFont := add("")
	desc := add("<< /Type /FontDescriptor /FontName /SimSun /Flags 6 /FontBBox [-8 -145 1000 859] /ItalicAngle 0 /Ascent 859 /Descent -141 /CapHeight 683 /StemV 80 >>")
	var cmap strings.Builder
	cmap.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")
	for i := 0; i < len(order); i += 100 {
		block := order[i:min(i+100, len(order))]
		fmt.Fprintf(&cmap, "%d beginbfchar\n", len(block))
		for _, r := range block {
			var u strings.Builder
			for _, x := range utf16.Encode([]rune{r}) {
				fmt.Fprintf(&u, "%04X", x)
			}
			fmt.Fprintf(&cmap, "<%04X> <%s>\n", codes[r], u.String())
		}
		cmap.WriteString("endbfchar\n")
	}
	cmap.WriteString("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n")
	toUnicode := add(stream(cmap.String()))
	objs[font-1] = fmt.Sprintf("<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H /DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>", cidFont, toUnicode)
	objs[cidFont-1] = fmt.Sprintf("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor %d 0 R /DW 1000 >>", desc)
	var kids []string
	for _, c := range contents {
		content := add(stream(c))
		kids = append(kids, fmt.Sprintf("%d 0 R", add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents %d 0 R >>", pagesObj, content))))
	}
	objs[catalog-1] = fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", pagesObj)
	objs[pagesObj-1] = fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d /Resources << /Font << /F1 %d 0 R >> >> >>", strings.Join(kids, " "), len(kids), font)
	info := ""
	if b.Title != "" {
		var t strings.Builder
		t.WriteString("<FEFF")
		for _, x := range utf16.Encode([]rune(b.Title)) {
			fmt.Fprintf(&t, "%04X", x)
		}
		t.WriteString(">")
		info = fmt.Sprintf(" /Info %d 0 R", add(fmt.Sprintf("<< /Title %s /Producer (pdftest) >>", t.String())))
	}

	var out bytes.Buffer
	out.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = out.Len()
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&out, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root %d 0 R%s >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, catalog, info, xref)
	return out.Bytes()
}
