package hostile

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"html"
	"io"
	"strings"
	"unicode/utf16"
)

const docxNS = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"`

// docx writes a .docx whose word/document.xml is written by body.
func docx(body func(w io.Writer)) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestCompression)
	})
	w, _ := zw.Create("[Content_Types].xml")
	io.WriteString(w, `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`)
	w, _ = zw.Create("word/document.xml")
	io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><w:document `+docxNS+`><w:body>`)
	body(w)
	io.WriteString(w, `</w:body></w:document>`)
	zw.Close()
	return b.Bytes()
}

func para(w io.Writer, text string) {
	fmt.Fprintf(w, "<w:p><w:r><w:t>%s</w:t></w:r></w:p>", html.EscapeString(text))
}

// DOCX is a good .docx, a paragraph per string.
func DOCX(paras ...string) []byte {
	return docx(func(w io.Writer) {
		for _, p := range paras {
			para(w, p)
		}
	})
}

// ZipBombDOCX is a .docx whose document.xml decompresses to about size
// bytes of paragraphs: 250 MB from about 1 MB, the memory blow-up of issue
// 13.
func ZipBombDOCX(size int64) []byte {
	p := `<w:p><w:r><w:t>第一条 为了规范标准化工作，制定本办法。</w:t></w:r></w:p>`
	chunk := strings.Repeat(p, 1<<14)
	return docx(func(w io.Writer) {
		for n := int64(0); n < size; n += int64(len(chunk)) {
			io.WriteString(w, chunk)
		}
	})
}

// DeepDOCX nests depth elements in document.xml.
func DeepDOCX(depth int) []byte {
	return docx(func(w io.Writer) {
		io.WriteString(w, strings.Repeat("<w:sdt>", depth))
		para(w, "deep")
		io.WriteString(w, strings.Repeat("</w:sdt>", depth))
	})
}

// ManyPartsDOCX is a good .docx with n more (empty) parts: a central
// directory of n entries.
func ManyPartsDOCX(n int) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, _ := zw.Create("word/document.xml")
	io.WriteString(w, `<w:document `+docxNS+`><w:body><w:p><w:r><w:t>parts</w:t></w:r></w:p></w:body></w:document>`)
	for i := range n {
		zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("x/%d", i), Method: zip.Store})
	}
	zw.Close()
	return b.Bytes()
}

// LyingDOCX declares its document.xml to be 100 bytes and holds size
// bytes of it.
func LyingDOCX(size int) []byte {
	xml := []byte(`<w:document ` + docxNS + `><w:body>` + strings.Repeat("<w:p><w:r><w:t>lie</w:t></w:r></w:p>", size/40) + `</w:body></w:document>`)
	var z bytes.Buffer
	fw, _ := flate.NewWriter(&z, flate.BestCompression)
	fw.Write(xml)
	fw.Close()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, _ := zw.CreateRaw(&zip.FileHeader{Name: "word/document.xml", Method: zip.Deflate,
		CRC32: crc32.ChecksumIEEE(xml), CompressedSize64: uint64(z.Len()), UncompressedSize64: 100})
	w.Write(z.Bytes())
	zw.Close()
	return b.Bytes()
}

// UTF16 encodes s as UTF-16, big-endian or little, with a byte-order mark
// or without.
func UTF16(s string, bigEndian, bom bool) []byte {
	units := utf16.Encode([]rune(s))
	if bom {
		units = append([]uint16{0xfeff}, units...)
	}
	b := make([]byte, 0, 2*len(units))
	for _, u := range units {
		if bigEndian {
			b = append(b, byte(u>>8), byte(u))
		} else {
			b = append(b, byte(u), byte(u>>8))
		}
	}
	return b
}
