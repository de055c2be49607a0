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
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/policybot/policybot/knowledge/limits"
)

// XML namespaces of a .docx.
const (
	docxNSMain       = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
	docxNSMainStrict = "http://purl.oclc.org/ooxml/wordprocessingml/main"
	docxNSCompat     = "http://schemas.openxmlformats.org/markup-compatibility/2006"
	docxNSDC         = "http://purl.org/dc/elements/1.1/"
	docxMaxMetaBytes = 1 << 20  // decompressed bytes of a small part (relationships, properties)
	docxMaxAuxBytes  = 16 << 20 // decompressed bytes of styles.xml or numbering.xml
	docxMaxDirectory = 4 << 20  // bytes of the zip's central directory (the list of parts)
)

// docxDoc is what extractDOCX reads from a .docx.
type docxDoc struct {
	// Text has one line a paragraph (headings included), with automatic
	// numbering rendered (第一条, 1., （一）), and one line a table row with
	// cells separated by " | ", each cell after the first prefixed by its
	// column header ("参与制定：10万元"). A title split over paragraphs is one
	// line.
	Text string
	// Title is the title the document shows: its Title-styled paragraphs, or
	// the centred paragraphs in a larger size than the body at its top,
	// joined. "" if none.
	Title string
	// CoreTitle is dc:title from docProps/core.xml, "" if none. Templates
	// leave theirs there, so it is only a fallback.
	CoreTitle string
}

// extractDOCX reads the text and titles of a .docx. Its parts may
// decompress to lim.MaxDecodedBytes in all and nest lim.MaxDepth elements
// deep.
func extractDOCX(raw []byte, lim Limits) (docxDoc, error) {
	var doc docxDoc
	lim = lim.WithDefaults()
	if err := docxCheckDirectory(raw); err != nil {
		return doc, fmt.Errorf("open docx: %w", err)
	}
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		return doc, fmt.Errorf("open docx: %w", err)
	}
	parts := make(map[string]*zip.File, len(zr.File))
	for _, f := range zr.File {
		parts[strings.ToLower(strings.TrimPrefix(f.Name, "/"))] = f
	}
	main := parts[docxMainPart(parts)]
	if main == nil {
		return doc, errors.New("open docx: no word/document.xml")
	}
	budget := lim.MaxDecodedBytes
	body, err := docxReadPart(main, budget)
	if errors.Is(err, errPartTooBig) {
		return doc, fmt.Errorf("docx %s: %w", main.Name, lim.Over(limits.DecodedBytes))
	}
	if err != nil {
		return doc, fmt.Errorf("read docx %s: %w", main.Name, err)
	}
	if err := docxCheckDepth(body, lim.MaxDepth); err != nil {
		if errors.Is(err, errTooDeep) {
			err = lim.Over(limits.Depth)
		}
		return doc, fmt.Errorf("parse docx %s: %w", main.Name, err)
	}
	budget -= int64(len(body))
	// Styles and numbering are optional: without them paragraphs keep
	// their text, only numbers and the styled title are lost. So is a part
	// over its limits.
	aux := func(name string) []byte {
		f := parts[name]
		if f == nil {
			return nil
		}
		b, err := docxReadPart(f, min(budget, docxMaxAuxBytes))
		if err != nil || docxCheckDepth(b, lim.MaxDepth) != nil {
			return nil
		}
		budget -= int64(len(b))
		return b
	}
	var st docxStyles
	if b := aux("word/styles.xml"); b != nil {
		st = parseDOCXStyles(b)
	}
	var num *docxNumbering
	if b := aux("word/numbering.xml"); b != nil {
		num = parseDOCXNumbering(b)
	}
	paras, err := docxParagraphs(body, st, num)
	if err != nil {
		return doc, fmt.Errorf("parse docx %s: %w", main.Name, err)
	}
	doc.Text, doc.Title = docxAssemble(paras, st)
	if f := parts["docprops/core.xml"]; f != nil {
		if b, err := docxReadPart(f, docxMaxMetaBytes); err == nil {
			doc.CoreTitle = docxTitle(b)
		}
	}
	return doc, nil
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

// docxCheckDepth checks, before a part is decoded for its text, that its
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

// docxPara is one paragraph of running text (not in a table) or one table
// row, in document order, with what the title detection needs.
type docxPara struct {
	text   string
	style  string // paragraph style id
	center bool
	size   int  // largest font size of its text, in half-points; 0 unknown
	table  bool // a table row
}

// docxTable collects a table while it is read.
type docxTable struct {
	rows    [][]tableCell
	cells   []tableCell // of the current row
	cell    []string    // paragraphs of the current cell
	span    int         // w:gridSpan of the current cell
	merged  bool        // the current cell continues a vertical merge
	header  bool        // the current row repeats as a header (w:tblHeader)
	headers []bool      // per row
}

// docxParaState is a paragraph being read.
type docxParaState struct {
	b              strings.Builder
	style          string
	numID, ilvl    string
	hasNum, center bool
	jcSet          bool
	size           int
	runSize        int // w:sz of the open run, 0 if none
}

// docxParagraphs walks word/document.xml. Paragraphs nested in a paragraph
// (text boxes) come out as lines of their own before it; tables nested in a
// cell come out inside that cell.
func docxParagraphs(body []byte, st docxStyles, num *docxNumbering) ([]docxPara, error) {
	d := xml.NewDecoder(bytes.NewReader(body))
	var (
		out    []docxPara
		tables []*docxTable
		paras  []*docxParaState
		inText bool
		runs   int      // depth of open w:r
		stack  []string // local names of the open main-namespace elements
	)
	counters := newDOCXCounters(num)
	parent := func(n int) string { // the n-th enclosing element, 1 the parent
		if len(stack) >= n {
			return stack[len(stack)-n]
		}
		return ""
	}
	emit := func(p docxPara) {
		if n := len(tables); n > 0 {
			t := tables[n-1]
			t.cell = append(t.cell, p.text)
			return
		}
		out = append(out, p)
	}
	write := func(s string) {
		if n := len(paras); n > 0 {
			p := paras[n-1]
			p.b.WriteString(s)
			if strings.TrimSpace(s) != "" {
				size := p.runSize
				if size == 0 {
					size = st.size(p.style)
				}
				p.size = max(p.size, size)
			}
		}
	}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Space == docxNSCompat && t.Name.Local == "Fallback" {
				// mc:Fallback repeats the mc:Choice content (text boxes).
				if err := d.Skip(); err != nil {
					return nil, err
				}
				continue
			}
			if t.Name.Space != docxNSMain && t.Name.Space != docxNSMainStrict {
				continue
			}
			up, up2 := parent(1), parent(2)
			stack = append(stack, t.Name.Local)
			var cur *docxParaState
			if n := len(paras); n > 0 {
				cur = paras[n-1]
			}
			switch t.Name.Local {
			case "p":
				paras = append(paras, &docxParaState{})
			case "r":
				runs++
				if cur != nil {
					cur.runSize = 0
				}
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
			case "pStyle":
				if cur != nil && up == "pPr" {
					cur.style = docxAttr(t, "val")
				}
			case "numId", "ilvl":
				if cur != nil && up == "numPr" && up2 == "pPr" {
					cur.hasNum = true
					if t.Name.Local == "numId" {
						cur.numID = docxAttr(t, "val")
					} else {
						cur.ilvl = docxAttr(t, "val")
					}
				}
			case "jc":
				if cur != nil && up == "pPr" {
					cur.jcSet, cur.center = true, docxAttr(t, "val") == "center"
				}
			case "sz":
				if cur != nil && up == "rPr" && up2 == "r" {
					cur.runSize, _ = strconv.Atoi(docxAttr(t, "val"))
				}
			case "tbl":
				tables = append(tables, &docxTable{})
			case "tr":
				if n := len(tables); n > 0 {
					tables[n-1].cells, tables[n-1].header = nil, false
				}
			case "tblHeader":
				if n := len(tables); n > 0 && up == "trPr" && docxOn(t) {
					tables[n-1].header = true
				}
			case "tc":
				if n := len(tables); n > 0 {
					tables[n-1].cell, tables[n-1].span, tables[n-1].merged = nil, 1, false
				}
			case "gridSpan":
				if n := len(tables); n > 0 && up == "tcPr" {
					if v, err := strconv.Atoi(docxAttr(t, "val")); err == nil && v > 1 && v < 64 {
						tables[n-1].span = v
					}
				}
			case "vMerge":
				if n := len(tables); n > 0 && up == "tcPr" && docxAttr(t, "val") != "restart" {
					tables[n-1].merged = true
				}
			}
		case xml.EndElement:
			if t.Name.Space != docxNSMain && t.Name.Space != docxNSMainStrict {
				continue
			}
			if n := len(stack); n > 0 {
				stack = stack[:n-1]
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
				p := paras[n-1]
				paras = paras[:n-1]
				s := p.b.String()
				if strings.TrimSpace(s) == "" {
					continue // an empty paragraph does not count in numbering
				}
				// A paragraph's w:numPr may name only a level, or only a
				// list: the rest comes from its style.
				numID, ilvl := st.numbering(p.style)
				if p.hasNum {
					if p.numID != "" {
						numID = p.numID
					}
					if p.ilvl != "" || p.numID != "" {
						ilvl = p.ilvl
					}
				}
				if label := counters.next(numID, ilvl); label != "" {
					s = label + s
				}
				center := p.center
				if !p.jcSet {
					center = st.centered(p.style)
				}
				if len(tables) > 0 {
					s = strings.ReplaceAll(s, "\n", " ")
				}
				for _, line := range strings.Split(s, "\n") { // w:br, page breaks included
					if strings.TrimSpace(line) != "" {
						emit(docxPara{text: strings.TrimRight(line, " \t"), style: p.style, center: center, size: p.size})
					}
				}
			case "tc":
				if n := len(tables); n > 0 {
					tb := tables[n-1]
					col := 0
					if k := len(tb.cells); k > 0 {
						col = tb.cells[k-1].col + tb.cells[k-1].span
					}
					tb.cells = append(tb.cells, tableCell{text: strings.Join(tb.cell, " "), col: col, span: tb.span, merged: tb.merged})
					tb.cell = nil
				}
			case "tr":
				if n := len(tables); n > 0 {
					tb := tables[n-1]
					tb.rows = append(tb.rows, tb.cells)
					tb.headers = append(tb.headers, tb.header)
					tb.cells = nil
				}
			case "tbl":
				if n := len(tables); n > 0 {
					tb := tables[n-1]
					tables = tables[:n-1]
					for _, row := range renderTable(tb.rows, tb.headers) {
						if len(tables) > 0 {
							emit(docxPara{text: row})
						} else {
							emit(docxPara{text: row, table: true})
						}
					}
				}
			}
		case xml.CharData:
			if inText {
				write(string(t))
			}
		}
	}
	return out, nil
}

// docxAssemble joins the paragraphs into text and finds the title the
// document shows at its top: Title-styled paragraphs, or centred ones in a
// size larger than the body's. A title split over consecutive paragraphs is
// joined, in the title and in the text.
func docxAssemble(paras []docxPara, st docxStyles) (text, title string) {
	body := docxBodySize(paras)
	isTitle := func(p docxPara) bool {
		if p.table || utf8.RuneCountInString(p.text) > 60 {
			return false
		}
		if st.isTitle(p.style) {
			return true
		}
		return p.center && body > 0 && p.size > body
	}
	first, last := -1, -1
	for i := 0; i < len(paras) && i < 4 && first < 0; i++ {
		if isTitle(paras[i]) {
			first, last = i, i
		}
	}
	if first >= 0 {
		for last+1 < len(paras) && isTitle(paras[last+1]) && paras[last+1].size == paras[first].size &&
			paras[last+1].style == paras[first].style && last-first < 3 {
			last++
		}
		var b strings.Builder
		for _, p := range paras[first : last+1] {
			b.WriteString(strings.TrimSpace(p.text))
		}
		title = b.String()
	}
	lines := make([]string, 0, len(paras))
	for i, p := range paras {
		switch {
		case i == first:
			lines = append(lines, title)
		case i > first && i <= last:
		default:
			lines = append(lines, p.text)
		}
	}
	return strings.Join(lines, "\n"), title
}

// docxBodySize is the font size that most of the text is set in, 0 if no
// size is known.
func docxBodySize(paras []docxPara) int {
	chars := map[int]int{}
	for _, p := range paras {
		if p.size > 0 {
			chars[p.size] += utf8.RuneCountInString(p.text)
		}
	}
	best, most := 0, 0
	for size, n := range chars {
		if n > most || (n == most && size < best) {
			best, most = size, n
		}
	}
	return best
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

func docxAttr(se xml.StartElement, local string) string {
	for _, a := range se.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// docxOn reads an OOXML on/off property: present means on unless its val
// says otherwise.
func docxOn(se xml.StartElement) bool {
	switch docxAttr(se, "val") {
	case "0", "false", "off":
		return false
	}
	return true
}
