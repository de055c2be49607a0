// Package hostile writes broken and hostile knowledge files, as a careless
// user or an attacker would supply them, for tests and for measuring the
// loader: PDFs that nest, repeat or decompress without end, DOCX zip bombs,
// UTF-16 text, and a whole folder of them with FIFOs and symlinks. Nothing
// outside tests imports it.
package hostile

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"strings"
)

// PDF builds a PDF file object by object, with a correct xref table.
type PDF struct {
	objs [][]byte // bodies of objects 1..n, without "n 0 obj" and "endobj"
	// Trailer holds extra trailer entries, such as "/Junk [[[".
	Trailer string
}

// Add appends an object and returns its number.
func (p *PDF) Add(body string) int {
	p.objs = append(p.objs, []byte(body))
	return len(p.objs)
}

// Set replaces the body of object n (from Add).
func (p *PDF) Set(n int, body string) { p.objs[n-1] = []byte(body) }

// AddStream appends a stream object whose data is written by fill,
// FlateDecode-compressed when compress is set; dict holds extra entries.
func (p *PDF) AddStream(dict string, compress bool, fill func(w *bytes.Buffer)) int {
	var raw bytes.Buffer
	fill(&raw)
	data := raw.Bytes()
	if compress {
		var z bytes.Buffer
		zw, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
		zw.Write(data)
		zw.Close()
		data = z.Bytes()
		dict += " /Filter /FlateDecode"
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "<< /Length %d %s >>\nstream\n", len(data), dict)
	b.Write(data)
	b.WriteString("\nendstream")
	p.objs = append(p.objs, b.Bytes())
	return len(p.objs)
}

// Bytes writes the file with object root as the catalog.
func (p *PDF) Bytes(root int) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offs := make([]int, len(p.objs))
	for i, o := range p.objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n", i+1)
		b.Write(o)
		b.WriteString("\nendobj\n")
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(p.objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root %d 0 R %s >>\nstartxref\n%d\n%%%%EOF\n", len(p.objs)+1, root, p.Trailer, xref)
	return b.Bytes()
}

// helvetica is the font resource F1 of the PDFs below.
const helvetica = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"

// pages writes a catalog and a page tree over kids (page object numbers,
// repeats allowed), and returns the catalog.
func (p *PDF) pages(tree int, kids []int) int {
	refs := make([]string, len(kids))
	for i, k := range kids {
		refs[i] = fmt.Sprintf("%d 0 R", k)
	}
	p.Set(tree, fmt.Sprintf("<< /Type /Pages /Count %d /Kids [%s] >>", len(kids), strings.Join(refs, " ")))
	return p.Add(fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", tree))
}

// page adds a page of the tree showing content; resources are the
// entries of its resource dictionary, "" for Helvetica as F1.
func (p *PDF) page(tree, content int, resources string) int {
	if resources == "" {
		resources = fmt.Sprintf("/Font << /F1 %d 0 R >>", p.Add(helvetica))
	}
	return p.Add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents %d 0 R /Resources << %s >> >>",
		tree, content, resources))
}

// escape writes s as a PDF literal string.
func escape(s string) string {
	return "(" + strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`).Replace(s) + ")"
}

// TextPDF is a good PDF: one page per string, lines split on "\n" (Latin-1
// text, in Helvetica).
func TextPDF(pages ...string) []byte {
	var p PDF
	tree := p.Add("")
	var kids []int
	for _, text := range pages {
		c := p.AddStream("", false, func(w *bytes.Buffer) {
			w.WriteString("BT /F1 11 Tf 14 TL 72 760 Td\n")
			for _, line := range strings.Split(text, "\n") {
				fmt.Fprintf(w, "%s Tj T*\n", escape(line))
			}
			w.WriteString("ET\n")
		})
		kids = append(kids, p.page(tree, c, ""))
	}
	return p.Bytes(p.pages(tree, kids))
}

// NestedArrayPDF is a good one-page PDF whose trailer opens depth nested
// arrays: the crash of issue 13 at depth 3,000,000 (a 3 MB file).
func NestedArrayPDF(depth int) []byte {
	var p PDF
	tree := p.Add("")
	c := p.AddStream("", false, func(w *bytes.Buffer) { w.WriteString("BT /F1 11 Tf 72 760 Td (nested) Tj ET") })
	root := p.pages(tree, []int{p.page(tree, c, "")})
	p.Trailer = "/Junk " + strings.Repeat("[", depth)
	return p.Bytes(root)
}

// ManyPagesPDF has a page tree of pages references to one page, whose
// content stream decompresses to contentBytes of text-showing operators:
// at 262,144 pages and 64 MB the hang of issue 13 (a 1.6 MB file), at 2,000
// pages the smaller variant.
func ManyPagesPDF(pages, contentBytes int) []byte {
	var p PDF
	tree := p.Add("")
	c := p.AddStream("", true, func(w *bytes.Buffer) {
		w.Grow(contentBytes)
		w.WriteString("BT /F1 11 Tf 72 760 Td\n")
		for w.Len() < contentBytes {
			w.WriteString("(policy) Tj 0 -14 Td\n")
		}
		w.WriteString("ET\n")
	})
	pg := p.page(tree, c, "")
	kids := make([]int, pages)
	for i := range kids {
		kids[i] = pg
	}
	return p.Bytes(p.pages(tree, kids))
}

// ManyItemsPDF is one page showing items one-letter strings, a few bytes
// of compressed content each: 11 million in a 100 KB file.
func ManyItemsPDF(items int) []byte {
	var p PDF
	tree := p.Add("")
	c := p.AddStream("", true, func(w *bytes.Buffer) {
		w.Grow(items * 6)
		w.WriteString("BT /F1 11 Tf 72 760 Td\n")
		for range items {
			w.WriteString("(a)Tj\n")
		}
		w.WriteString("ET\n")
	})
	return p.Bytes(p.pages(tree, []int{p.page(tree, c, "")}))
}

// FormBombPDF has pages pages drawing a form XObject that draws the next
// one 50 times, levels deep: 50^levels text items a page from a few KB.
func FormBombPDF(pages, levels int) []byte {
	var p PDF
	tree := p.Add("")
	form := p.AddStream("/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources << /Font << /F1 "+
		fmt.Sprint(p.Add(helvetica))+" 0 R >> >>", false,
		func(w *bytes.Buffer) { w.WriteString("BT /F1 11 Tf 72 760 Td (form) Tj ET") })
	for range levels {
		inner := form
		form = p.AddStream(fmt.Sprintf("/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources << /XObject << /X %d 0 R >> >>", inner), true,
			func(w *bytes.Buffer) { w.WriteString(strings.Repeat("/X Do\n", 50)) })
	}
	c := p.AddStream("", false, func(w *bytes.Buffer) { w.WriteString("/X Do") })
	pg := p.page(tree, c, fmt.Sprintf("/XObject << /X %d 0 R >>", form))
	kids := make([]int, pages)
	for i := range kids {
		kids[i] = pg
	}
	return p.Bytes(p.pages(tree, kids))
}

// FontBombPDF has pages pages, each with a font of its own whose ToUnicode
// CMap maps all 65,536 two-byte codes in one line: memory per font, not per
// byte of the file.
func FontBombPDF(pages int) []byte {
	var p PDF
	tree := p.Add("")
	cmap := p.AddStream("", false, func(w *bytes.Buffer) {
		w.WriteString("begincmap 1 begincodespacerange <0000> <FFFF> endcodespacerange\n" +
			"1 beginbfrange <0000> <FFFF> <4E00> endbfrange endcmap")
	})
	c := p.AddStream("", false, func(w *bytes.Buffer) { w.WriteString("BT /F2 11 Tf 72 760 Td <0001> Tj ET") })
	var kids []int
	for range pages {
		desc := p.Add("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /X /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>")
		font := p.Add(fmt.Sprintf("<< /Type /Font /Subtype /Type0 /BaseFont /X%d /Encoding /Identity-H /DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>", desc, desc, cmap))
		kids = append(kids, p.page(tree, c, fmt.Sprintf("/Font << /F2 %d 0 R >>", font)))
	}
	return p.Bytes(p.pages(tree, kids))
}

// xrefEntry is a row of an xref stream: type 1 (offset, generation) or
// type 2 (object stream, index).
type xrefEntry struct{ typ, a, b int }

// xrefStreamFile ends head (the header and top-level objects) with an xref
// stream object over entries (objects 1..len(entries)) and returns the file.
func xrefStreamFile(head []byte, entries []xrefEntry, root int) []byte {
	b := bytes.NewBuffer(head)
	n := len(entries) + 1 // the xref stream itself
	var rows bytes.Buffer
	rows.Write([]byte{0, 0, 0, 0, 0, 0xff, 0xff})
	at := b.Len()
	for _, e := range append(entries, xrefEntry{1, at, 0}) {
		rows.Write([]byte{byte(e.typ), byte(e.a >> 24), byte(e.a >> 16), byte(e.a >> 8), byte(e.a), byte(e.b >> 8), byte(e.b)})
	}
	fmt.Fprintf(b, "%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root %d 0 R /Length %d >>\nstream\n", n, n+1, root, rows.Len())
	b.Write(rows.Bytes())
	fmt.Fprintf(b, "\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", at)
	return b.Bytes()
}

// NestedObjStmPDF keeps its catalog in a compressed object stream, with
// depth nested arrays in it: a few KB that a scan of the raw file for
// nesting would not see.
func NestedObjStmPDF(depth int) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.5\n")
	entries := make([]xrefEntry, 5)
	top := func(n int, body string) {
		entries[n-1] = xrefEntry{1, b.Len(), 0}
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", n, body)
	}
	// 1 catalog and 2 page tree in object stream 5; 3 page, 4 content.
	top(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>")
	content := "BT /F1 11 Tf 72 760 Td (packed) Tj ET"
	top(4, fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content))
	obj1 := "<< /Type /Catalog /Pages 2 0 R /Junk " + strings.Repeat("[", depth) + strings.Repeat("]", depth) + " >>"
	obj2 := "<< /Type /Pages /Count 1 /Kids [3 0 R] >>"
	index := fmt.Sprintf("1 0 2 %d ", len(obj1)+1)
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	zw.Write([]byte(index + obj1 + " " + obj2))
	zw.Close()
	entries[0], entries[1] = xrefEntry{2, 5, 0}, xrefEntry{2, 5, 1}
	top(5, fmt.Sprintf("<< /Type /ObjStm /N 2 /First %d /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream", len(index), z.Len(), z.Bytes()))
	return xrefStreamFile(b.Bytes(), entries, 1)
}

// ObjStmLoopPDF declares its catalog (object 1) to be in object stream 2
// and object 2 to be in object stream 1: resolving either one resolves the
// other, without end.
func ObjStmLoopPDF() []byte {
	return xrefStreamFile([]byte("%PDF-1.5\n"), []xrefEntry{{2, 2, 0}, {2, 1, 0}}, 1)
}
