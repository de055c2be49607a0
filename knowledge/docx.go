package knowledge

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/policybot/policybot/knowledge/limits"
)

// XML namespaces of a .docx.
const (
	docxNSMain       = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
	docxNSMainStrict = "http://purl.oclc.org/ooxml/wordprocessingml/main"
	docxNSCompat     = "http://schemas.openxmlformats.org/markup-compatibility/2006"
	docxNSDC         = "http://purl.org/dc/elements/1.1/"
	docxMaxMetaBytes = 1 << 20 // decompressed bytes of a small part (relationships, properties)
	docxMaxDirectory = 4 << 20 // bytes of the zip's central directory (the list of parts)
)

// extractDOCX returns the text of a .docx: one line a paragraph (headings
// included), one line a table row with cells separated by " | ", and the
// title from docProps/core.xml ("" if none). The main part may decompress
// to lim.MaxDecodedBytes and nest lim.MaxDepth elements deep.
func extractDOCX(raw []byte, lim Limits) (text string, title string, err error) {
	lim = lim.WithDefaults()
	if err := docxCheckDirectory(raw); err != nil {
		return "", "", fmt.Errorf("open docx: %w", err)
	}
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		return "", "", fmt.Errorf("open docx: %w", err)
	}
	parts := make(map[string]*zip.File, len(zr.File))
	for _, f := range zr.File {
		parts[strings.ToLower(strings.TrimPrefix(f.Name, "/"))] = f
	}
	main := parts[docxMainPart(parts)]
	if main == nil {
		return "", "", errors.New("open docx: no word/document.xml")
	}
	body, err := docxReadPart(main, lim.MaxDecodedBytes)
	if errors.Is(err, errPartTooBig) {
		return "", "", fmt.Errorf("docx %s: %w", main.Name, lim.Over(limits.DecodedBytes))
	}
	if err != nil {
		return "", "", fmt.Errorf("read docx %s: %w", main.Name, err)
	}
	if err := docxCheckDepth(body, lim.MaxDepth); err != nil {
		if errors.Is(err, errTooDeep) {
			err = lim.Over(limits.Depth)
		}
		return "", "", fmt.Errorf("parse docx %s: %w", main.Name, err)
	}
	text, err = docxText(body)
	if err != nil {
		return "", "", fmt.Errorf("parse docx %s: %w", main.Name, err)
	}
	if f := parts["docprops/core.xml"]; f != nil {
		if b, err := docxReadPart(f, docxMaxMetaBytes); err == nil {
			title = docxTitle(b)
		}
	}
	return text, title, nil
}

// docxMainPart finds the main document part (lower-cased name) through
// _rels/.rels: Word sometimes writes word/document2.xml.
func docxMainPart(parts map[string]*zip.File) string {
	const fallback = "word/document.xml"
	f := parts["_rels/.rels"]
	if f == nil {
		return fallback
	}
	b, err := docxReadPart(f, docxMaxMetaBytes)
	if err != nil {
		return fallback
	}
	var rels struct {
		Rel []struct {
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if xml.Unmarshal(b, &rels) != nil {
		return fallback
	}
	for _, r := range rels.Rel {
		if strings.HasSuffix(r.Type, "/officeDocument") {
			name := strings.ToLower(path.Clean("/" + r.Target))[1:]
			if parts[name] != nil {
				return name
			}
		}
	}
	return fallback
}

// errPartTooBig: a part decompresses to more than its reader allows.
var errPartTooBig = errors.New("part too big")

// docxReadPart reads a part of at most max decompressed bytes. The size
// the zip declares is checked first (archive/zip fails a part that
// decompresses to more than it declares), so a zip bomb costs nothing; the
// read is bounded as well.
func docxReadPart(f *zip.File, max int64) ([]byte, error) {
	if f.UncompressedSize64 > uint64(max) {
		return nil, fmt.Errorf("%w: %d MB decompressed", errPartTooBig, f.UncompressedSize64>>20)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, errPartTooBig
	}
	return b, nil
}

// docxCheckDirectory refuses a zip whose central directory (its list of
// parts) is larger than docxMaxDirectory, before archive/zip allocates an
// entry for each of up to a million parts. It leaves other damage to
// archive/zip.
func docxCheckDirectory(raw []byte) error {
	const eocdLen = 22
	tail := raw[max(0, len(raw)-(eocdLen+1<<16)):]
	i := bytes.LastIndex(tail, []byte("PK\x05\x06"))
	if i < 0 || len(tail)-i < eocdLen {
		return nil
	}
	if size := binary.LittleEndian.Uint32(tail[i+12:]); size > docxMaxDirectory || size == 0xffffffff {
		return fmt.Errorf("the list of parts is %d MB, over %d MB", size>>20, docxMaxDirectory>>20)
	}
	return nil
}

// errTooDeep: XML nested deeper than allowed.
var errTooDeep = errors.New("nested too deep")

// docxCheckDepth checks, before the part is decoded for its text, that its
// elements nest at most max deep: encoding/xml keeps a record of every open
// element, and a part of 100 MB of "<a>" would hold 30 million.
func docxCheckDepth(body []byte, max int) error {
	d := xml.NewDecoder(bytes.NewReader(body))
	depth := 0
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch tok.(type) {
		case xml.StartElement:
			if depth++; depth > max {
				return errTooDeep
			}
		case xml.EndElement:
			depth--
		}
	}
}

// docxTable collects a table while it is read.
type docxTable struct {
	rows  []string
	cells []string // of the current row
	cell  []string // paragraphs of the current cell
}

// docxText walks word/document.xml. Paragraphs nested in a paragraph (text
// boxes) come out as lines of their own before it; tables nested in a cell
// come out inside that cell.
func docxText(body []byte) (string, error) {
	d := xml.NewDecoder(bytes.NewReader(body))
	var (
		lines  []string
		tables []*docxTable
		paras  []*strings.Builder
		inText bool
		runs   int // depth of open w:r
	)
	emit := func(line string) {
		if n := len(tables); n > 0 {
			t := tables[n-1]
			t.cell = append(t.cell, line)
			return
		}
		lines = append(lines, line)
	}
	write := func(s string) {
		if n := len(paras); n > 0 {
			paras[n-1].WriteString(s)
		}
	}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Space == docxNSCompat && t.Name.Local == "Fallback" {
				// mc:Fallback repeats the mc:Choice content (text boxes).
				if err := d.Skip(); err != nil {
					return "", err
				}
				continue
			}
			if t.Name.Space != docxNSMain && t.Name.Space != docxNSMainStrict {
				continue
			}
			switch t.Name.Local {
			case "p":
				paras = append(paras, &strings.Builder{})
			case "r":
				runs++
			case "t":
				inText = runs > 0
			case "tab", "ptab":
				if runs > 0 {
					write("\t")
				}
			case "br", "cr":
				if runs > 0 {
					write("\n")
				}
			case "noBreakHyphen":
				write("-")
			case "tbl":
				tables = append(tables, &docxTable{})
			case "tr":
				if n := len(tables); n > 0 {
					tables[n-1].cells = nil
				}
			case "tc":
				if n := len(tables); n > 0 {
					tables[n-1].cell = nil
				}
			}
		case xml.EndElement:
			if t.Name.Space != docxNSMain && t.Name.Space != docxNSMainStrict {
				continue
			}
			switch t.Name.Local {
			case "t":
				inText = false
			case "r":
				runs = max(0, runs-1)
			case "p":
				n := len(paras)
				if n == 0 {
					continue
				}
				s := paras[n-1].String()
				paras = paras[:n-1]
				if len(tables) > 0 {
					s = strings.ReplaceAll(s, "\n", " ")
				}
				for _, line := range strings.Split(s, "\n") { // w:br, page breaks included
					if strings.TrimSpace(line) != "" {
						emit(strings.TrimRight(line, " \t"))
					}
				}
			case "tc":
				if n := len(tables); n > 0 {
					tb := tables[n-1]
					tb.cells = append(tb.cells, strings.Join(tb.cell, " "))
					tb.cell = nil
				}
			case "tr":
				if n := len(tables); n > 0 {
					tb := tables[n-1]
					if strings.TrimSpace(strings.Join(tb.cells, "")) != "" {
						tb.rows = append(tb.rows, strings.Join(tb.cells, " | "))
					}
					tb.cells = nil
				}
			case "tbl":
				if n := len(tables); n > 0 {
					tb := tables[n-1]
					tables = tables[:n-1]
					for _, row := range tb.rows {
						emit(row)
					}
				}
			}
		case xml.CharData:
			if inText {
				write(string(t))
			}
		}
	}
	return strings.Join(lines, "\n"), nil
}

// docxTitle returns dc:title from docProps/core.xml, "" if absent.
func docxTitle(core []byte) string {
	d := xml.NewDecoder(bytes.NewReader(core))
	for {
		tok, err := d.Token()
		if err != nil {
			return ""
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Space == docxNSDC && se.Name.Local == "title" {
			var s string
			if d.DecodeElement(&s, &se) != nil {
				return ""
			}
			return strings.TrimSpace(s)
		}
	}
}
