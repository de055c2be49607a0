package knowledge

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/ledongthuc/pdf"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// Sentinel errors of the document extractors, for errors.Is.
var (
	ErrNoTextLayer = errors.New("no text layer (scanned PDF?)")
	ErrEncrypted   = errors.New("encrypted")
)

// How the PDF extractor works.
//
// ledongthuc/pdf reads the file structure: xref tables and streams, object
// streams, filters, and decryption with the empty user password. Its text
// APIs are not used: GetTextByRow ignores Td moves (every line of a text
// object lands in one row), Page.Content drops pages whose /Contents is an
// array and gives CID fonts no glyph widths, and both decode predefined CJK
// CMaps (UniGB-UCS2-H, GBK-EUC-H, ...) as raw bytes. Instead this file
// tokenises content streams and ToUnicode CMaps itself, tracks the text and
// graphics matrices, decodes codes through ToUnicode or the predefined CMap's
// charset, and lays out the positioned runs: rows by baseline, runs by x
// within a row, no space between CJK runs.
const (
	pdfMaxStreamBytes = 64 << 20 // decoded bytes read from one stream
	pdfMaxFormDepth   = 8        // nesting of form XObjects
	pdfMaxForms       = 2000     // form XObjects drawn per page
	pdfMaxCMapEntries = 1 << 18  // codes one CMap may map
	pdfMaxObjects     = 1 << 23  // object numbers an xref section may declare
	pdfMaxBadShare    = 0.02     // share of U+FFFD above which pdftotext is preferred
)

// extractPDF returns the text of a PDF, one string per page (page 1 first),
// lines separated by "\n". It never panics. A PDF without extractable text
// gives an error wrapping ErrNoTextLayer, an encrypted one that cannot be
// opened ErrEncrypted. When the pure-Go pass cannot decode the text (many
// U+FFFD, unreadable pages) and pdftotext is on PATH, its output is used.
func extractPDF(ctx context.Context, raw []byte) (pages []string, warnings []string, err error) {
	bin, lerr := exec.LookPath("pdftotext")
	if lerr != nil {
		bin = ""
	}
	return extractPDFWith(ctx, raw, bin)
}

// extractPDFWith is extractPDF with the pdftotext binary to fall back on,
// "" for none.
func extractPDFWith(ctx context.Context, raw []byte, pdftotext string) ([]string, []string, error) {
	res, err := pdfReadPages(ctx, raw)
	if cerr := ctx.Err(); cerr != nil {
		return nil, nil, fmt.Errorf("extract pdf: %w", cerr)
	}
	bad, total := pdfCountRunes(res.pages)
	tooBad := float64(bad) > pdfMaxBadShare*float64(total)
	reason := ""
	switch {
	case err != nil:
		reason = err.Error()
	case len(res.failed) > 0:
		reason = "unreadable page " + pdfPageList(res.failed)
	case total == 0:
		reason = "no text found"
	case tooBad:
		reason = fmt.Sprintf("%d of %d characters undecodable", bad, total)
	}
	if reason != "" && pdftotext != "" {
		pages, perr := pdftotextPages(ctx, pdftotext, raw)
		if cerr := ctx.Err(); cerr != nil {
			return nil, nil, fmt.Errorf("extract pdf: %w", cerr)
		}
		if perr == nil {
			pb, pt := pdfCountRunes(pages)
			if pt > 0 && (err != nil || total == 0 || len(res.failed) > 0 || pb < bad) {
				warns := []string{fmt.Sprintf("pdf: text taken from pdftotext (%s)", reason)}
				if res.declared > 0 && len(pages) != res.declared {
					warns = append(warns, fmt.Sprintf("pdf: pdftotext found %d pages, the file has %d", len(pages), res.declared))
				}
				return pages, warns, nil
			}
		} else {
			res.warnings = append(res.warnings, "pdf: "+perr.Error())
		}
	}
	if err != nil {
		return nil, nil, err
	}
	if total == 0 {
		if res.encrypted {
			return nil, nil, fmt.Errorf("extract pdf: %w, %w", ErrEncrypted, ErrNoTextLayer)
		}
		return nil, nil, fmt.Errorf("extract pdf: %w", ErrNoTextLayer)
	}
	if tooBad {
		var where []int
		for i, p := range res.pages {
			if strings.ContainsRune(p, utf8.RuneError) {
				where = append(where, i+1)
			}
		}
		hint := "install poppler-utils (pdftotext) to read them"
		if pdftotext != "" {
			hint = "pdftotext did no better"
		}
		res.warnings = append(res.warnings, fmt.Sprintf("pdf: page %s: %d of %d characters undecodable (U+FFFD), probably a CJK font without a Unicode map; %s",
			pdfPageList(where), bad, total, hint))
	}
	return res.pages, res.warnings, nil
}

// pdfPass is the result of the pure-Go pass over a PDF.
type pdfPass struct {
	pages     []string
	warnings  []string
	failed    []int // 1-based pages whose content could not be read
	declared  int   // pages found in the page tree
	encrypted bool
}

func pdfReadPages(ctx context.Context, raw []byte) (pdfPass, error) {
	var res pdfPass
	r, err := pdfOpen(raw)
	if err != nil {
		return res, err
	}
	refs, encrypted, err := pdfPageRefs(r)
	res.encrypted = encrypted
	if err != nil {
		return res, fmt.Errorf("read pdf page tree: %w", err)
	}
	if len(refs) == 0 {
		return res, errors.New("read pdf page tree: no pages")
	}
	res.declared = len(refs)
	fonts := map[string]*pdfFont{}
	for i, ref := range refs {
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
		text, warns, perr := pdfPageText(ref, fonts)
		for _, w := range warns {
			res.warnings = append(res.warnings, fmt.Sprintf("pdf page %d: %s", i+1, w))
		}
		if perr != nil {
			res.failed = append(res.failed, i+1)
			res.warnings = append(res.warnings, fmt.Sprintf("read pdf page %d: %v", i+1, perr))
		}
		res.pages = append(res.pages, text)
	}
	return res, nil
}

// pdfOpen opens raw with ledongthuc/pdf, turning its panics into errors.
func pdfOpen(raw []byte) (r *pdf.Reader, err error) {
	data := pdfNormalize(raw)
	defer func() {
		if p := recover(); p != nil {
			r, err = nil, pdfOpenError(raw, fmt.Errorf("%v", p))
		}
	}()
	if err := pdfCheckXref(data); err != nil {
		return nil, pdfOpenError(raw, err)
	}
	r, err = pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, pdfOpenError(raw, err)
	}
	return r, nil
}

func pdfOpenError(raw []byte, err error) error {
	if errors.Is(err, pdf.ErrInvalidPassword) || bytes.Contains(raw, []byte("/Encrypt")) {
		return fmt.Errorf("open pdf: %w (%v)", ErrEncrypted, err)
	}
	return fmt.Errorf("open pdf: %w", err)
}

// pdfCheckXref looks for what makes ledongthuc/pdf's NewReader hang or
// exhaust memory, which no recover can stop: an xref /Prev chain that loops,
// xref sections declaring billions of objects, object streams that
// /Extends others (a loop there never ends). It leaves other damage for
// NewReader to report.
func pdfCheckXref(data []byte) error {
	if bytes.Contains(data, []byte("/Extends")) {
		return errors.New("object streams with /Extends are not supported")
	}
	limit := min(len(data)+1<<16, pdfMaxObjects)
	tail := data[max(0, len(data)-1024):]
	i := bytes.LastIndex(tail, []byte("startxref"))
	if i < 0 {
		return nil
	}
	lx := pdfLexer{b: tail, pos: i + len("startxref")}
	next, _, _ := lx.next(0) // offset of the next xref section
	seen := map[float64]bool{}
	for next.kind == 'n' && next.num > 0 && next.num < float64(len(data)) {
		if seen[next.num] || len(seen) > 256 {
			return errors.New("malformed PDF: xref /Prev chain loops")
		}
		seen[next.num] = true
		lx = pdfLexer{b: data, pos: int(next.num)}
		var trailer pdfOperand
		op, kw, _ := lx.next(0)
		switch {
		case kw == "xref":
			for {
				start, kw, ok := lx.next(0)
				if !ok || kw != "" || start.kind != 'n' {
					if kw == "trailer" {
						trailer, _, _ = lx.next(0)
					}
					break
				}
				n, _, _ := lx.next(0)
				if start.num < 0 || n.num < 0 || start.num+n.num > float64(limit) {
					return fmt.Errorf("malformed PDF: xref section of objects %.0f-%.0f", start.num, start.num+n.num)
				}
				for k := 0; k < 3*int(n.num); k++ {
					if _, kw, ok := lx.next(0); !ok || kw == "trailer" {
						return nil
					}
				}
			}
		case op.kind == 'n':
			lx.next(0) // generation
			if _, kw, _ := lx.next(0); kw != "obj" {
				return nil
			}
			trailer, _, _ = lx.next(0)
			if size, ok := trailer.key("Size"); ok && (size.num < 0 || size.num > float64(limit)) {
				return fmt.Errorf("malformed PDF: xref stream of %.0f objects", size.num)
			}
			if index, ok := trailer.key("Index"); ok {
				for k := 0; k+1 < len(index.arr); k += 2 {
					if a, b := index.arr[k].num, index.arr[k+1].num; a < 0 || b < 0 || a+b > float64(limit) {
						return fmt.Errorf("malformed PDF: xref stream section of objects %.0f-%.0f", a, a+b)
					}
				}
			}
		}
		next, _ = trailer.key("Prev")
	}
	return nil
}

// key returns the value of /k in a dictionary operand.
func (o pdfOperand) key(k string) (pdfOperand, bool) {
	if o.kind != 'd' {
		return pdfOperand{}, false
	}
	for i := 0; i+1 < len(o.arr); i++ {
		if o.arr[i].kind == '/' && o.arr[i].str == k {
			return o.arr[i+1], true
		}
	}
	return pdfOperand{}, false
}

// pdfNormalize works around ledongthuc/pdf's strict checks that other
// readers accept: bytes after the last %%EOF, and a header other than
// "%PDF-1.[0-7]" followed by a newline (PDF 2.0, or a comment on the same
// line). Neither change moves any byte offset.
func pdfNormalize(raw []byte) []byte {
	if i := bytes.LastIndex(raw, []byte("%%EOF")); i >= 0 {
		raw = raw[:i+5]
	}
	if len(raw) > 9 && bytes.HasPrefix(raw, []byte("%PDF-")) &&
		(raw[5] != '1' || raw[6] != '.' || raw[7] < '0' || raw[7] > '7' || raw[8] != '\n' && raw[8] != '\r') {
		fixed := bytes.Clone(raw)
		copy(fixed, "%PDF-1.7\n")
		return fixed
	}
	return raw
}

// pdfPageRef is a leaf of the page tree with its inherited resources.
type pdfPageRef struct {
	page, resources pdf.Value
}

// pdfPageRefs walks the page tree (not trusting /Count) and reports whether
// the file is encrypted.
func pdfPageRefs(r *pdf.Reader) (refs []pdfPageRef, encrypted bool, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%v", p)
		}
	}()
	trailer := r.Trailer()
	encrypted = !trailer.Key("Encrypt").IsNull()
	budget := 1 << 18
	seen := map[string]bool{} // inner nodes, by their text: a loop ends there
	var walk func(n, res pdf.Value, depth int)
	walk = func(n, res pdf.Value, depth int) {
		budget--
		if budget < 0 || depth > 64 || n.Kind() != pdf.Dict {
			return
		}
		if v := n.Key("Resources"); v.Kind() == pdf.Dict {
			res = v
		}
		kids := n.Key("Kids")
		if n.Key("Type").Name() != "Page" && kids.Kind() == pdf.Array {
			if key := n.String(); seen[key] {
				return
			} else {
				seen[key] = true
			}
			for i := 0; i < kids.Len(); i++ {
				walk(kids.Index(i), res, depth+1)
			}
			return
		}
		refs = append(refs, pdfPageRef{page: n, resources: res})
	}
	walk(trailer.Key("Root").Key("Pages"), pdf.Value{}, 0)
	return refs, encrypted, nil
}

// pdfPageText lays out the text of one page. On a panic or a broken stream
// it returns what it read before, and the error.
func pdfPageText(ref pdfPageRef, fonts map[string]*pdfFont) (text string, warns []string, err error) {
	in := &pdfInterp{fonts: fonts}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%v", p)
		}
		text = pdfLayout(in.items)
		warns = in.warns
	}()
	content, err := pdfContents(ref.page.Key("Contents"))
	if err != nil {
		if len(content) == 0 {
			return "", nil, err
		}
		in.warns = append(in.warns, fmt.Sprintf("content stream: %v (text may be incomplete)", err))
		err = nil
	}
	in.run(content, ref.resources, pdfMatrix{1, 0, 0, 1, 0, 0}, 0)
	return "", nil, nil // text and warns are set by the deferred function
}

// pdfContents returns the decoded bytes of a page's /Contents, a stream or
// an array of streams.
func pdfContents(v pdf.Value) ([]byte, error) {
	switch v.Kind() {
	case pdf.Null:
		return nil, nil
	case pdf.Stream:
		return pdfStreamBytes(v)
	case pdf.Array:
		var all []byte
		var first error
		for i := 0; i < v.Len(); i++ {
			b, err := pdfStreamBytes(v.Index(i))
			if err != nil && first == nil {
				first = err
			}
			all = append(all, b...)
			all = append(all, '\n')
		}
		return all, first
	}
	return nil, fmt.Errorf("contents is a %v, not a stream", v.Kind())
}

// pdfStreamBytes decodes a stream, returning what could be read on error.
func pdfStreamBytes(v pdf.Value) (b []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%v", p)
		}
	}()
	if v.Kind() != pdf.Stream {
		return nil, errors.New("not a stream")
	}
	rc := v.Reader()
	defer rc.Close()
	b, err = io.ReadAll(io.LimitReader(rc, pdfMaxStreamBytes+1))
	if len(b) > pdfMaxStreamBytes {
		return b[:pdfMaxStreamBytes], fmt.Errorf("stream over %d MB", pdfMaxStreamBytes>>20)
	}
	return b, err
}

// pdfMatrix is a PDF transformation matrix [a b c d e f].
type pdfMatrix [6]float64

// mul returns m×n: the transform m followed by n.
func (m pdfMatrix) mul(n pdfMatrix) pdfMatrix {
	return pdfMatrix{
		m[0]*n[0] + m[1]*n[2], m[0]*n[1] + m[1]*n[3],
		m[2]*n[0] + m[3]*n[2], m[2]*n[1] + m[3]*n[3],
		m[4]*n[0] + m[5]*n[2] + n[4], m[4]*n[1] + m[5]*n[3] + n[5],
	}
}

func pdfTranslate(tx, ty float64) pdfMatrix { return pdfMatrix{1, 0, 0, 1, tx, ty} }

// pdfGState is the part of the graphics state that positions text.
type pdfGState struct {
	ctm                               pdfMatrix
	font                              *pdfFont
	size, charSp, wordSp, scale, lead float64
	rise                              float64
}

// pdfItem is one shown string, in device space.
type pdfItem struct {
	text           string
	x0, y0, x1, y1 float64 // start and end of the baseline
	size           float64 // font size in device units
	dx, dy         float64 // baseline direction
	estimated      bool    // widths were guessed
}

// pdfInterp runs content streams, collecting text items.
type pdfInterp struct {
	fonts map[string]*pdfFont // parsed fonts, by the text of their dictionary
	items []pdfItem
	warns []string
	forms int
	plain *pdfFont
}

// font returns the page font resource named n.
func (in *pdfInterp) font(res pdf.Value, n string) *pdfFont {
	v := res.Key("Font").Key(n)
	if v.Kind() != pdf.Dict {
		if in.plain == nil {
			in.plain = &pdfFont{fixedLen: 1, unit: 0.001}
		}
		return in.plain
	}
	key := v.String()
	if f, ok := in.fonts[key]; ok {
		return f
	}
	f := pdfLoadFont(v)
	in.fonts[key] = f
	return f
}

func (in *pdfInterp) run(content []byte, res pdf.Value, ctm pdfMatrix, depth int) {
	gs := pdfGState{ctm: ctm, scale: 1}
	var stack []pdfGState
	tm, tlm := pdfMatrix{1, 0, 0, 1, 0, 0}, pdfMatrix{1, 0, 0, 1, 0, 0}
	fonts := map[string]*pdfFont{} // by resource name, for this stream
	lx := pdfLexer{b: content}
	var ops []pdfOperand
	num := func(i int) float64 { return ops[i].num }
	nums := func(n int) bool {
		if len(ops) < n {
			return false
		}
		ops = ops[len(ops)-n:]
		for _, o := range ops {
			if o.kind != 'n' {
				return false
			}
		}
		return true
	}
	nextLine := func() {
		tlm = pdfTranslate(0, -gs.lead).mul(tlm)
		tm = tlm
	}
	show := func(s string) {
		if gs.font == nil {
			gs.font = in.font(pdf.Value{}, "")
		}
		tm = in.show(&gs, tm, s)
	}
	for {
		op, kw, ok := lx.next(0)
		if !ok {
			return
		}
		if kw == "" {
			if len(ops) >= 64 {
				ops = ops[:0]
			}
			ops = append(ops, op)
			continue
		}
		switch kw {
		case "true", "false", "null":
			ops = append(ops, pdfOperand{kind: 'k'})
			continue
		case "BI":
			lx.skipInlineImage()
		case "q":
			if len(stack) < 256 {
				stack = append(stack, gs)
			}
		case "Q":
			if n := len(stack); n > 0 {
				gs, stack = stack[n-1], stack[:n-1]
			}
		case "cm":
			if nums(6) {
				gs.ctm = pdfMatrix{num(0), num(1), num(2), num(3), num(4), num(5)}.mul(gs.ctm)
			}
		case "BT":
			tm, tlm = pdfMatrix{1, 0, 0, 1, 0, 0}, pdfMatrix{1, 0, 0, 1, 0, 0}
		case "Tc":
			if nums(1) {
				gs.charSp = num(0)
			}
		case "Tw":
			if nums(1) {
				gs.wordSp = num(0)
			}
		case "Tz":
			if nums(1) {
				gs.scale = num(0) / 100
			}
		case "TL":
			if nums(1) {
				gs.lead = num(0)
			}
		case "Ts":
			if nums(1) {
				gs.rise = num(0)
			}
		case "Tf":
			if len(ops) >= 2 && ops[len(ops)-2].kind == '/' && ops[len(ops)-1].kind == 'n' {
				n := ops[len(ops)-2].str
				if fonts[n] == nil {
					fonts[n] = in.font(res, n)
				}
				gs.font = fonts[n]
				gs.size = ops[len(ops)-1].num
			}
		case "Td", "TD":
			if nums(2) {
				if kw == "TD" {
					gs.lead = -num(1)
				}
				tlm = pdfTranslate(num(0), num(1)).mul(tlm)
				tm = tlm
			}
		case "Tm":
			if nums(6) {
				tm = pdfMatrix{num(0), num(1), num(2), num(3), num(4), num(5)}
				tlm = tm
			}
		case "T*":
			nextLine()
		case "Tj", "'", "\"":
			if len(ops) == 0 || ops[len(ops)-1].kind != 's' {
				break
			}
			if kw == "\"" && len(ops) >= 3 && ops[len(ops)-3].kind == 'n' && ops[len(ops)-2].kind == 'n' {
				gs.wordSp, gs.charSp = ops[len(ops)-3].num, ops[len(ops)-2].num
			}
			if kw != "Tj" {
				nextLine()
			}
			show(ops[len(ops)-1].str)
		case "TJ":
			if len(ops) == 0 || ops[len(ops)-1].kind != 'a' {
				break
			}
			for _, e := range ops[len(ops)-1].arr {
				switch e.kind {
				case 's':
					show(e.str)
				case 'n':
					tm = pdfTranslate(-e.num/1000*gs.size*gs.scale, 0).mul(tm)
				}
			}
		case "Do":
			if len(ops) > 0 && ops[len(ops)-1].kind == '/' {
				in.form(res.Key("XObject").Key(ops[len(ops)-1].str), res, gs.ctm, depth)
			}
		}
		ops = ops[:0]
	}
}

// form draws a form XObject.
func (in *pdfInterp) form(x, res pdf.Value, ctm pdfMatrix, depth int) {
	if x.Kind() != pdf.Stream || x.Key("Subtype").Name() != "Form" || depth >= pdfMaxFormDepth || in.forms >= pdfMaxForms {
		return
	}
	in.forms++
	content, err := pdfStreamBytes(x)
	if err != nil {
		in.warns = append(in.warns, fmt.Sprintf("form xobject: %v", err))
	}
	m := pdfMatrix{1, 0, 0, 1, 0, 0}
	if a := x.Key("Matrix"); a.Len() == 6 {
		for i := range m {
			m[i] = a.Index(i).Float64()
		}
	}
	if r := x.Key("Resources"); r.Kind() == pdf.Dict {
		res = r
	}
	in.run(content, res, m.mul(ctm), depth+1)
}

// show decodes and places the string s, returning the text matrix after it.
func (in *pdfInterp) show(gs *pdfGState, tm pdfMatrix, s string) pdfMatrix {
	f := gs.font
	start := pdfMatrix{gs.size * gs.scale, 0, 0, gs.size, 0, gs.rise}.mul(tm).mul(gs.ctm)
	var b strings.Builder
	estimated := false
	for len(s) > 0 {
		n := f.codeLen(s)
		code := s[:n]
		s = s[n:]
		t := f.text(code)
		w, est := f.width(code, t)
		estimated = estimated || est
		for _, r := range t {
			if r < ' ' || r == 0x7f {
				r = ' '
			}
			b.WriteRune(r)
		}
		tx := w*gs.size + gs.charSp
		if n == 1 && code[0] == ' ' {
			tx += gs.wordSp
		}
		tm = pdfTranslate(tx*gs.scale, 0).mul(tm)
	}
	end := pdfMatrix{gs.size * gs.scale, 0, 0, gs.size, 0, gs.rise}.mul(tm).mul(gs.ctm)
	if b.Len() > 0 {
		in.items = append(in.items, pdfItem{
			text: b.String(),
			x0:   start[4], y0: start[5], x1: end[4], y1: end[5],
			size:      math.Hypot(start[2], start[3]),
			dx:        start[0],
			dy:        start[1],
			estimated: estimated,
		})
	}
	return tm
}

// pdfLayout joins a page's items into lines: items are rotated so that the
// dominant text direction runs left to right, grouped into rows by
// baseline, ordered by x within a row. A space goes between items only
// where the gap says one was meant, never between CJK runs set close.
func pdfLayout(items []pdfItem) string {
	if len(items) == 0 {
		return ""
	}
	var votes [4]int
	for _, it := range items {
		votes[pdfQuadrant(it.dx, it.dy)] += utf8.RuneCountInString(it.text)
	}
	q := 0
	for i, v := range votes {
		if v > votes[q] {
			q = i
		}
	}
	rot := func(x, y float64) (float64, float64) {
		switch q {
		case 1:
			return y, -x
		case 2:
			return -x, -y
		case 3:
			return -y, x
		}
		return x, y
	}
	type placed struct {
		text         string
		x0, x1, y    float64
		size         float64
		estimated    bool
		first, lastR rune
	}
	ps := make([]placed, 0, len(items))
	for _, it := range items {
		x0, y := rot(it.x0, it.y0)
		x1, _ := rot(it.x1, it.y1)
		if x1 < x0 {
			x1 = x0
		}
		first, _ := utf8.DecodeRuneInString(it.text)
		last, _ := utf8.DecodeLastRuneInString(it.text)
		ps = append(ps, placed{it.text, x0, x1, y, math.Max(it.size, 1), it.estimated, first, last})
	}
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].y > ps[j].y })
	var rows [][]placed
	for _, p := range ps {
		if n := len(rows); n > 0 {
			ref := rows[n-1][0]
			if ref.y-p.y <= 0.5*math.Max(ref.size, p.size) {
				rows[n-1] = append(rows[n-1], p)
				continue
			}
		}
		rows = append(rows, []placed{p})
	}
	var out strings.Builder
	for _, row := range rows {
		sort.SliceStable(row, func(i, j int) bool { return row[i].x0 < row[j].x0 })
		var line strings.Builder
		var prev placed
		end := math.Inf(-1)
		for i, p := range row {
			if i > 0 {
				em := math.Max(prev.size, p.size)
				if p.text == prev.text && math.Abs(p.x0-prev.x0) < 0.3*em && math.Abs(p.y-prev.y) < 0.3*em {
					continue // drawn twice for a fake bold
				}
				if pdfNeedSpace(prev.lastR, p.first, p.x0-end, em, prev.estimated) {
					line.WriteByte(' ')
				}
			}
			line.WriteString(p.text)
			end = math.Max(end, p.x1)
			prev = p
		}
		if s := strings.TrimSpace(line.String()); s != "" {
			if out.Len() > 0 {
				out.WriteByte('\n')
			}
			out.WriteString(s)
		}
	}
	return out.String()
}

// pdfQuadrant returns the direction of a baseline: 0 right, 1 up, 2 left,
// 3 down.
func pdfQuadrant(dx, dy float64) int {
	if math.Abs(dx) >= math.Abs(dy) {
		if dx >= 0 {
			return 0
		}
		return 2
	}
	if dy > 0 {
		return 1
	}
	return 3
}

// pdfNeedSpace reports whether a gap between two runs stands for a space.
// CJK text has no spaces: runs of it are joined unless more than an em
// apart, as table cells are (justification and per-glyph placement leave
// far smaller gaps).
func pdfNeedSpace(prev, next rune, gap, em float64, estimated bool) bool {
	if unicode.IsSpace(prev) || unicode.IsSpace(next) {
		return false
	}
	switch wp, wn := pdfWide(prev), pdfWide(next); {
	case wp || wn:
		return gap > em
	case estimated:
		return gap > 0.8*em
	}
	return gap > 0.2*em
}

// pdfWide reports whether r is CJK: written without spaces between words.
func pdfWide(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) ||
		(r >= 0x2e80 && r <= 0x2fdf) || (r >= 0x3000 && r <= 0x303f) ||
		(r >= 0xfe30 && r <= 0xfe4f) || (r >= 0xff00 && r <= 0xffef)
}

// pdfCountRunes counts U+FFFD and all non-space runes.
func pdfCountRunes(pages []string) (bad, total int) {
	for _, p := range pages {
		for _, r := range p {
			if r == utf8.RuneError {
				bad++
			}
			if !unicode.IsSpace(r) {
				total++
			}
		}
	}
	return bad, total
}

// pdfPageList formats 1-based page numbers as "1, 3-5".
func pdfPageList(pages []int) string {
	var parts []string
	for i := 0; i < len(pages); {
		j := i
		for j+1 < len(pages) && pages[j+1] == pages[j]+1 {
			j++
		}
		if j > i {
			parts = append(parts, fmt.Sprintf("%d-%d", pages[i], pages[j]))
		} else {
			parts = append(parts, strconv.Itoa(pages[i]))
		}
		i = j + 1
	}
	return strings.Join(parts, ", ")
}

// pdfFont decodes the codes of one font to text and gives their widths.
type pdfFont struct {
	toUnicode *pdfCMap
	split     func(s string) int       // length of the code s starts with; nil: codespace or fixedLen
	space     *pdfCMap                 // codespace ranges, when split is nil
	fixedLen  int                      // code length otherwise
	decode    func(code string) string // text of a code without ToUnicode; "" when unknown
	cid       bool                     // a Type0 font
	identity  bool                     // CID = code (Identity-H/V), so W applies
	widths    map[int]float64          // code (simple) or CID (Type0) to width, glyph units
	defWidth  float64                  // DW of a CID font, MissingWidth of a simple one
	unit      float64                  // glyph units to text space: 0.001, or a Type3 FontMatrix
}

func (f *pdfFont) codeLen(s string) int {
	n := 0
	switch {
	case f.split != nil:
		n = f.split(s)
	case f.space != nil:
		n = f.space.match(s)
	}
	if n <= 0 {
		n = f.fixedLen
	}
	return max(1, min(n, len(s)))
}

func (f *pdfFont) text(code string) string {
	if f.toUnicode != nil {
		if s, ok := f.toUnicode.m[code]; ok {
			return s
		}
	}
	if f.decode != nil {
		if s := f.decode(code); s != "" {
			return s
		}
	}
	return "\uFFFD"
}

// width returns the advance of a code in text space units per unit of font
// size, and whether it had to be guessed from the text.
func (f *pdfFont) width(code, text string) (float64, bool) {
	c := 0
	for i := 0; i < len(code); i++ {
		c = c<<8 | int(code[i])
	}
	switch {
	case f.cid && f.identity:
		if w, ok := f.widths[c]; ok {
			return w * f.unit, false
		}
		return f.defWidth * f.unit, false
	case !f.cid:
		if w, ok := f.widths[c]; ok && w > 0 {
			return w * f.unit, false
		}
		if f.defWidth > 0 {
			return f.defWidth * f.unit, false
		}
	}
	est := 0.0
	for _, r := range text {
		if pdfWide(r) {
			est++
		} else {
			est += 0.5
		}
	}
	if est == 0 {
		est = 0.5
	}
	return est, true
}

// pdfLoadFont reads a font dictionary. It does not fail: what it cannot
// read decodes to U+FFFD.
func pdfLoadFont(v pdf.Value) (f *pdfFont) {
	f = &pdfFont{fixedLen: 1, unit: 0.001}
	defer func() {
		if recover() != nil && f.decode == nil && f.toUnicode == nil {
			f.decode = pdfLatin1
		}
	}()
	if tu := v.Key("ToUnicode"); tu.Kind() == pdf.Stream {
		if b, err := pdfStreamBytes(tu); err == nil || len(b) > 0 {
			f.toUnicode = pdfParseCMap(b)
		}
	}
	if v.Key("Subtype").Name() == "Type0" {
		f.cid, f.fixedLen, f.defWidth = true, 2, 1000
		desc := v.Key("DescendantFonts").Index(0)
		if dw := desc.Key("DW"); dw.Kind() == pdf.Integer || dw.Kind() == pdf.Real {
			f.defWidth = dw.Float64()
		}
		f.widths = pdfCIDWidths(desc.Key("W"))
		enc := v.Key("Encoding")
		switch enc.Kind() {
		case pdf.Name:
			f.split, f.decode, f.identity = pdfPredefinedCMap(enc.Name())
		case pdf.Stream:
			if b, err := pdfStreamBytes(enc); len(b) > 0 || err == nil {
				f.space = pdfParseCMap(b)
			}
		}
		if f.split == nil && (f.space == nil || f.space.empty()) && f.toUnicode != nil && !f.toUnicode.empty() {
			f.space = f.toUnicode
		}
		return f
	}
	// A simple font: one byte a code.
	if v.Key("Subtype").Name() == "Type3" {
		if m := v.Key("FontMatrix"); m.Len() == 6 && m.Index(0).Float64() != 0 {
			f.unit = math.Abs(m.Index(0).Float64())
		}
	}
	first := int(v.Key("FirstChar").Int64())
	ws := v.Key("Widths")
	f.widths = make(map[int]float64, ws.Len())
	for i := 0; i < ws.Len() && i < 256; i++ {
		f.widths[first+i] = ws.Index(i).Float64()
	}
	f.defWidth = v.Key("FontDescriptor").Key("MissingWidth").Float64()
	f.decode = pdfSimpleDecoder(v)
	return f
}

// pdfSimpleDecoder decodes one-byte codes with ledongthuc/pdf's tables
// (WinAnsi, MacRoman, Differences, PDFDoc).
func pdfSimpleDecoder(v pdf.Value) (dec func(string) string) {
	defer func() {
		if recover() != nil {
			dec = pdfLatin1
		}
	}()
	enc := pdf.Font{V: v}.Encoder()
	return func(code string) (s string) {
		defer func() {
			if recover() != nil {
				s = ""
			}
		}()
		return enc.Decode(code)
	}
}

func pdfLatin1(code string) string {
	r := make([]rune, len(code))
	for i := 0; i < len(code); i++ {
		r[i] = rune(code[i])
	}
	return string(r)
}

// pdfCIDWidths reads a CID font's W array: c [w1 w2 ...] or cfirst clast w.
func pdfCIDWidths(w pdf.Value) map[int]float64 {
	m := map[int]float64{}
	isNum := func(v pdf.Value) bool { return v.Kind() == pdf.Integer || v.Kind() == pdf.Real }
	for i := 0; i < w.Len() && len(m) < 1<<17; {
		c := w.Index(i)
		if !isNum(c) {
			break
		}
		first := int(c.Float64())
		next := w.Index(i + 1)
		if next.Kind() == pdf.Array {
			for j := 0; j < next.Len() && j < 1<<16; j++ {
				m[first+j] = next.Index(j).Float64()
			}
			i += 2
			continue
		}
		width := w.Index(i + 2)
		if !isNum(next) || !isNum(width) {
			break
		}
		last := min(int(next.Float64()), first+1<<16)
		for cid := first; cid <= last; cid++ {
			m[cid] = width.Float64()
		}
		i += 3
	}
	return m
}

// pdfPredefinedCMap describes a CMap named in a Type0 font's /Encoding: how
// codes split and, where the CMap is a charset encoding of Unicode (UCS2,
// UTF16, GBK, Big5, ...), how they decode. Identity CMaps map code to CID.
func pdfPredefinedCMap(name string) (split func(string) int, decode func(string) string, identity bool) {
	lead := func(lo, hi byte) func(string) int {
		return func(s string) int {
			if s[0] >= lo && s[0] <= hi {
				return 2
			}
			return 1
		}
	}
	charset := func(e encoding.Encoding) func(string) string {
		d := e.NewDecoder()
		return func(code string) string {
			s, err := d.String(code)
			if err != nil {
				return ""
			}
			return s
		}
	}
	switch {
	case name == "Identity-H" || name == "Identity-V":
		return nil, nil, true
	case strings.Contains(name, "UCS2"):
		return func(string) int { return 2 }, pdfUTF16, false
	case strings.Contains(name, "UTF16"):
		return func(s string) int {
			if len(s) >= 4 && s[0] >= 0xd8 && s[0] <= 0xdb {
				return 4
			}
			return 2
		}, pdfUTF16, false
	case strings.Contains(name, "UTF32"):
		return func(string) int { return 4 }, func(code string) string {
			if len(code) != 4 {
				return ""
			}
			r := rune(code[0])<<24 | rune(code[1])<<16 | rune(code[2])<<8 | rune(code[3])
			if !utf8.ValidRune(r) {
				return ""
			}
			return string(r)
		}, false
	case strings.Contains(name, "UTF8"):
		return func(s string) int {
				_, n := utf8.DecodeRuneInString(s)
				return n
			}, func(code string) string {
				if !utf8.ValidString(code) {
					return ""
				}
				return code
			}, false
	case strings.HasPrefix(name, "GB"):
		return func(s string) int {
			if s[0] < 0x81 || s[0] == 0xff {
				return 1
			}
			if len(s) >= 4 && s[1] >= '0' && s[1] <= '9' {
				return 4 // GB18030 four-byte
			}
			return 2
		}, charset(simplifiedchinese.GB18030), false
	case strings.HasPrefix(name, "B5") || strings.HasPrefix(name, "ETen") || strings.HasPrefix(name, "HK"):
		return lead(0x81, 0xfe), charset(traditionalchinese.Big5), false
	case strings.Contains(name, "RKSJ"):
		return func(s string) int {
			if c := s[0]; c >= 0x81 && c <= 0x9f || c >= 0xe0 && c <= 0xfc {
				return 2
			}
			return 1
		}, charset(japanese.ShiftJIS), false
	case name == "EUC-H" || name == "EUC-V":
		return lead(0x8e, 0xfe), charset(japanese.EUCJP), false
	case strings.HasPrefix(name, "KSC"):
		return lead(0x81, 0xfe), charset(korean.EUCKR), false
	}
	return nil, nil, false
}

// pdfUTF16 decodes big-endian UTF-16, "" for an odd length.
func pdfUTF16(code string) string {
	if len(code) == 0 || len(code)%2 != 0 {
		return ""
	}
	u := make([]uint16, len(code)/2)
	for i := range u {
		u[i] = uint16(code[2*i])<<8 | uint16(code[2*i+1])
	}
	return string(utf16.Decode(u))
}

// pdfCMap is a parsed CMap: codespace ranges and code-to-text mappings
// (bfchar/bfrange of a ToUnicode CMap).
type pdfCMap struct {
	space [4][][2]string // codespace ranges by code length - 1
	m     map[string]string
}

func (c *pdfCMap) empty() bool {
	for _, r := range c.space {
		if len(r) > 0 {
			return false
		}
	}
	return true
}

// match returns the length of the code at the start of s, 0 if no range
// holds it.
func (c *pdfCMap) match(s string) int {
	for n := 1; n <= 4 && n <= len(s); n++ {
	Ranges:
		for _, r := range c.space[n-1] {
			for i := 0; i < n; i++ {
				if s[i] < r[0][i] || s[i] > r[1][i] {
					continue Ranges
				}
			}
			return n
		}
	}
	return 0
}

// pdfParseCMap reads a CMap program. It keeps whatever it understood.
func pdfParseCMap(b []byte) *pdfCMap {
	c := &pdfCMap{m: map[string]string{}}
	lx := pdfLexer{b: b}
	var ops []pdfOperand
	for {
		op, kw, ok := lx.next(0)
		if !ok {
			return c
		}
		if kw == "" {
			if len(ops) < 1<<16 {
				ops = append(ops, op)
			}
			continue
		}
		switch kw {
		case "endcodespacerange":
			for i := 0; i+1 < len(ops); i += 2 {
				lo, hi := ops[i].str, ops[i+1].str
				if ops[i].kind == 's' && ops[i+1].kind == 's' && len(lo) == len(hi) && len(lo) >= 1 && len(lo) <= 4 {
					c.space[len(lo)-1] = append(c.space[len(lo)-1], [2]string{lo, hi})
				}
			}
		case "endbfchar":
			for i := 0; i+1 < len(ops) && len(c.m) < pdfMaxCMapEntries; i += 2 {
				if ops[i].kind == 's' && ops[i+1].kind == 's' {
					c.m[ops[i].str] = pdfCMapText(ops[i+1].str)
				}
			}
		case "endbfrange":
			for i := 0; i+2 < len(ops); i += 3 {
				c.addRange(ops[i], ops[i+1], ops[i+2])
			}
		}
		ops = ops[:0]
	}
}

func (c *pdfCMap) addRange(lo, hi, dst pdfOperand) {
	n := len(lo.str)
	if lo.kind != 's' || hi.kind != 's' || n == 0 || n > 4 || len(hi.str) != n {
		return
	}
	var a, b int
	for i := 0; i < n; i++ {
		a, b = a<<8|int(lo.str[i]), b<<8|int(hi.str[i])
	}
	b = min(b, a+0xffff)
	var base []rune
	if dst.kind == 's' {
		base = []rune(pdfCMapText(dst.str))
	}
	for code := a; code <= b && len(c.m) < pdfMaxCMapEntries; code++ {
		key := make([]byte, n)
		for i, v := n-1, code; i >= 0; i, v = i-1, v>>8 {
			key[i] = byte(v)
		}
		switch dst.kind {
		case 's':
			if len(base) == 0 {
				return
			}
			r := append([]rune(nil), base...)
			r[len(r)-1] += rune(code - a)
			c.m[string(key)] = string(r)
		case 'a':
			if i := code - a; i < len(dst.arr) && dst.arr[i].kind == 's' {
				c.m[string(key)] = pdfCMapText(dst.arr[i].str)
			}
		}
	}
}

// pdfCMapText decodes a ToUnicode destination: UTF-16BE, or single bytes.
func pdfCMapText(s string) string {
	if t := pdfUTF16(s); t != "" {
		return t
	}
	return pdfLatin1(s)
}

// pdfOperand is a PDF object read from a content stream or CMap. kind is
// 'n' number, 's' string, '/' name, 'a' array, 'd' dictionary (keys and
// values in arr), 'k' anything else.
type pdfOperand struct {
	kind byte
	num  float64
	str  string
	arr  []pdfOperand
}

// pdfLexer tokenises content streams and CMaps. It never fails: bad input
// ends the stream or becomes junk operands that the interpreter ignores.
type pdfLexer struct {
	b   []byte
	pos int
}

func pdfIsSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

func pdfIsDelim(c byte) bool {
	return strings.IndexByte("()<>[]{}/%", c) >= 0
}

func (lx *pdfLexer) skipSpace() {
	for lx.pos < len(lx.b) {
		c := lx.b[lx.pos]
		switch {
		case pdfIsSpace(c):
			lx.pos++
		case c == '%':
			for lx.pos < len(lx.b) && lx.b[lx.pos] != '\n' && lx.b[lx.pos] != '\r' {
				lx.pos++
			}
		default:
			return
		}
	}
}

// next reads an operand, or a keyword (operator) returned in kw. ok is false
// at the end of input. depth bounds the nesting of arrays and dictionaries.
func (lx *pdfLexer) next(depth int) (op pdfOperand, kw string, ok bool) {
	lx.skipSpace()
	if lx.pos >= len(lx.b) {
		return op, "", false
	}
	c := lx.b[lx.pos]
	switch {
	case c == '(':
		lx.pos++
		return pdfOperand{kind: 's', str: lx.literal()}, "", true
	case c == '<' && lx.pos+1 < len(lx.b) && lx.b[lx.pos+1] == '<':
		lx.pos += 2
		return pdfOperand{kind: 'd', arr: lx.collect(">>", depth)}, "", true
	case c == '<':
		lx.pos++
		return pdfOperand{kind: 's', str: lx.hex()}, "", true
	case c == '[':
		lx.pos++
		return pdfOperand{kind: 'a', arr: lx.collect("]", depth)}, "", true
	case c == '/':
		lx.pos++
		return pdfOperand{kind: '/', str: lx.name()}, "", true
	case c == '>' || c == ']' || c == ')' || c == '{' || c == '}':
		lx.pos++
		if lx.pos < len(lx.b) && c == '>' && lx.b[lx.pos] == '>' {
			lx.pos++
			return op, ">>", true
		}
		return op, string(c), true
	}
	start := lx.pos
	for lx.pos < len(lx.b) && !pdfIsSpace(lx.b[lx.pos]) && !pdfIsDelim(lx.b[lx.pos]) {
		lx.pos++
	}
	word := string(lx.b[start:lx.pos])
	if c == '+' || c == '-' || c == '.' || c >= '0' && c <= '9' {
		if f, err := strconv.ParseFloat(word, 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			return pdfOperand{kind: 'n', num: f}, "", true
		}
		if f, ok := pdfLooseNumber(word); ok {
			return pdfOperand{kind: 'n', num: f}, "", true
		}
	}
	return op, word, true
}

// pdfLooseNumber reads numbers other readers accept, like "--5" or "1.2.3".
func pdfLooseNumber(w string) (float64, bool) {
	neg := false
	for len(w) > 0 && (w[0] == '-' || w[0] == '+') {
		neg = neg || w[0] == '-'
		w = w[1:]
	}
	if i := strings.IndexByte(w, '.'); i >= 0 {
		if j := strings.IndexByte(w[i+1:], '.'); j >= 0 {
			w = w[:i+1+j]
		}
	}
	f, err := strconv.ParseFloat(w, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, false
	}
	if neg {
		f = -f
	}
	return f, true
}

// collect reads operands up to the closing token, for arrays and
// dictionaries.
func (lx *pdfLexer) collect(closing string, depth int) []pdfOperand {
	var out []pdfOperand
	for {
		if depth > 32 {
			// Too deep: skip to the closing token without nesting.
			i := bytes.Index(lx.b[lx.pos:], []byte(closing))
			if i < 0 {
				lx.pos = len(lx.b)
			} else {
				lx.pos += i + len(closing)
			}
			return out
		}
		lx.skipSpace()
		if lx.pos >= len(lx.b) {
			return out
		}
		if bytes.HasPrefix(lx.b[lx.pos:], []byte(closing)) {
			lx.pos += len(closing)
			return out
		}
		op, kw, ok := lx.next(depth + 1)
		if !ok {
			return out
		}
		if kw != "" {
			if kw == "]" || kw == ">>" {
				return out // mismatched closing: end here
			}
			op = pdfOperand{kind: 'k', str: kw}
		}
		if len(out) < 1<<16 {
			out = append(out, op)
		}
	}
}

func (lx *pdfLexer) literal() string {
	var out []byte
	nest := 1
	for lx.pos < len(lx.b) {
		c := lx.b[lx.pos]
		lx.pos++
		switch c {
		case '(':
			nest++
		case ')':
			nest--
			if nest == 0 {
				return string(out)
			}
		case '\r':
			if lx.pos < len(lx.b) && lx.b[lx.pos] == '\n' {
				lx.pos++
			}
			c = '\n'
		case '\\':
			if lx.pos >= len(lx.b) {
				return string(out)
			}
			c = lx.b[lx.pos]
			lx.pos++
			switch c {
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case '\r':
				if lx.pos < len(lx.b) && lx.b[lx.pos] == '\n' {
					lx.pos++
				}
				continue
			case '\n':
				continue
			default:
				if c >= '0' && c <= '7' {
					v := int(c - '0')
					for k := 0; k < 2 && lx.pos < len(lx.b) && lx.b[lx.pos] >= '0' && lx.b[lx.pos] <= '7'; k++ {
						v = v*8 + int(lx.b[lx.pos]-'0')
						lx.pos++
					}
					c = byte(v)
				}
			}
		}
		out = append(out, c)
	}
	return string(out)
}

func (lx *pdfLexer) hex() string {
	var out []byte
	var hi byte
	half := false
	for lx.pos < len(lx.b) {
		c := lx.b[lx.pos]
		lx.pos++
		var v byte
		switch {
		case c == '>':
			if half {
				out = append(out, hi<<4)
			}
			return string(out)
		case c >= '0' && c <= '9':
			v = c - '0'
		case c >= 'a' && c <= 'f':
			v = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			v = c - 'A' + 10
		default:
			continue
		}
		if half {
			out = append(out, hi<<4|v)
		} else {
			hi = v
		}
		half = !half
	}
	return string(out)
}

func (lx *pdfLexer) name() string {
	var out []byte
	for lx.pos < len(lx.b) && !pdfIsSpace(lx.b[lx.pos]) && !pdfIsDelim(lx.b[lx.pos]) {
		c := lx.b[lx.pos]
		lx.pos++
		if c == '#' && lx.pos+1 < len(lx.b) {
			if v, err := strconv.ParseUint(string(lx.b[lx.pos:lx.pos+2]), 16, 8); err == nil {
				c = byte(v)
				lx.pos += 2
			}
		}
		out = append(out, c)
	}
	return string(out)
}

// skipInlineImage skips BI ... ID <binary> EI.
func (lx *pdfLexer) skipInlineImage() {
	for {
		_, kw, ok := lx.next(0)
		if !ok {
			return
		}
		if kw == "ID" {
			break
		}
	}
	lx.pos++ // the single white-space byte after ID
	for i := lx.pos; i+1 < len(lx.b); i++ {
		if lx.b[i] == 'E' && lx.b[i+1] == 'I' && i > 0 && pdfIsSpace(lx.b[i-1]) &&
			(i+2 == len(lx.b) || pdfIsSpace(lx.b[i+2]) || pdfIsDelim(lx.b[i+2])) {
			lx.pos = i + 2
			return
		}
	}
	lx.pos = len(lx.b)
}

// pdftotextPages runs poppler's pdftotext over raw and splits its output
// into pages on form feeds.
func pdftotextPages(ctx context.Context, bin string, raw []byte) ([]string, error) {
	f, err := os.CreateTemp("", "policybot-*.pdf")
	if err != nil {
		return nil, fmt.Errorf("pdftotext: %w", err)
	}
	defer os.Remove(f.Name())
	_, werr := f.Write(raw)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return nil, fmt.Errorf("pdftotext: %w", werr)
	}
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, "-layout", "-enc", "UTF-8", f.Name(), "-")
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if len(msg) > 300 {
			msg = msg[:300]
		}
		if msg != "" {
			return nil, fmt.Errorf("pdftotext: %w: %s", err, msg)
		}
		return nil, fmt.Errorf("pdftotext: %w", err)
	}
	text := strings.ToValidUTF8(string(out), "\uFFFD")
	pages := strings.Split(text, "\f")
	if n := len(pages); n > 1 && strings.TrimSpace(pages[n-1]) == "" {
		pages = pages[:n-1]
	}
	for i, p := range pages {
		pages[i] = pdfTidyLayout(p)
	}
	return pages, nil
}

// pdfTidyLayout trims the lines of pdftotext -layout output, drops blank
// ones, and removes single spaces that the layout put between CJK
// characters.
func pdfTidyLayout(page string) string {
	var out []string
	for _, line := range strings.Split(page, "\n") {
		rs := []rune(strings.TrimSpace(line))
		var b strings.Builder
		for i, r := range rs {
			if r == ' ' && i > 0 && i+1 < len(rs) && pdfWide(rs[i-1]) && pdfWide(rs[i+1]) {
				continue
			}
			b.WriteRune(r)
		}
		if b.Len() > 0 {
			out = append(out, b.String())
		}
	}
	return strings.Join(out, "\n")
}
