// Package pdf extracts the text of PDF files, one string per page, for
// Chinese policy documents.
//
// ledongthuc/pdf reads the file structure: xref tables and streams, object
// streams, filters, and decryption with the empty user password. Its text
// APIs are not used: GetTextByRow ignores Td moves (every line of a text
// object lands in one row), Page.Content drops pages whose /Contents is an
// array and gives CID fonts no glyph widths, and both decode predefined CJK
// CMaps (UniGB-UCS2-H, GBK-EUC-H, ...) as raw bytes; TestWhyNotLibraryText
// pins what each gets wrong on a LibreOffice export. Instead this package
// tokenises content streams and ToUnicode CMaps itself (lexer.go, cmap.go),
// loads fonts and their widths (font.go), tracks the text and graphics
// matrices (interp.go), decodes codes through ToUnicode or the predefined
// CMap's charset, and lays out the positioned runs: rows by baseline, runs
// by x within a row, no space between CJK runs (layout.go). Opening the
// file is in open.go; the poppler pdftotext fallback in pdftotext.go.
//
// ledongthuc/pdf itself is used as a copy, internal/lpdf, with bounds on
// what a hostile file can make it do (its parser recursed without limit: a
// stack overflow kills the process whatever recovers). Every Extract runs
// under a limits.Limits: decoded bytes, pages, objects (and font map
// entries), text items, nesting depth, text bytes, and ctx for time.
package pdf

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/policybot/policybot/knowledge/limits"
	"github.com/policybot/policybot/knowledge/pdf/internal/lpdf"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// Sentinel errors of Extract, for errors.Is.
var (
	ErrNoTextLayer = errors.New("no text layer (scanned PDF?)")
	ErrEncrypted   = errors.New("encrypted")
)

// Bounds of the reader that do not depend on the file's limits (those come
// from WithLimits: decoded bytes, pages, objects, text items, nesting).
const (
	maxFormDepth   = 8       // nesting of form XObjects
	maxForms       = 2000    // form XObjects drawn per page
	maxCMapEntries = 1 << 18 // codes one CMap may map
	maxBadShare    = 0.02    // share of U+FFFD above which pdftotext is preferred
)

// Option configures Extract.
type Option func(*options)

type options struct {
	pdftotext    string // binary to fall back on, "" for none
	pdftotextSet bool   // pdftotext was chosen, not looked up on PATH
	limits       limits.Limits
}

// WithLimits sets the limits of the file (default limits.Default()): a file
// over one gives an error matching limits.ErrLimit, and no pdftotext
// fallback is tried for it.
func WithLimits(l limits.Limits) Option {
	return func(o *options) { o.limits = l }
}

// WithPDFToText sets the pdftotext binary Extract falls back on; "" turns
// the fallback off. Without it Extract looks pdftotext up on PATH.
func WithPDFToText(bin string) Option {
	return func(o *options) {
		o.pdftotext, o.pdftotextSet = bin, true
	}
}

// Extract returns the text of a PDF, one string per page (page 1 first),
// lines separated by "\n". It never panics, and its work is bounded by the
// limits (WithLimits) and ctx. A PDF without extractable text
// gives an error wrapping ErrNoTextLayer, an encrypted one that cannot be
// opened ErrEncrypted. When the pure-Go pass cannot decode the text (many
// U+FFFD, unreadable pages) and pdftotext is on PATH (or set with
// WithPDFToText), its output is used.
func Extract(ctx context.Context, raw []byte, opts ...Option) (pages []string, warnings []string, err error) {
	doc, err := ExtractDocument(ctx, raw, opts...)
	return doc.Pages, doc.Warnings, err
}

// Document is the text of a PDF with its metadata.
type Document struct {
	Pages    []string // as Extract returns them
	Warnings []string
	// Title is the /Title of the document information dictionary, "" if
	// there is none or it could not be read. Producers often leave a file
	// name or a template's title there: callers judge it against the text.
	Title string
}

// ExtractDocument is Extract, with the document's title.
func ExtractDocument(ctx context.Context, raw []byte, opts ...Option) (Document, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	if !o.pdftotextSet {
		if bin, err := exec.LookPath("pdftotext"); err == nil {
			o.pdftotext = bin
		}
	}
	var doc Document
	var err error
	doc.Pages, doc.Warnings, doc.Title, err = extract(ctx, raw, o.pdftotext, o.limits.WithDefaults())
	return doc, err
}

// extract is ExtractDocument with the pdftotext binary to fall back on, ""
// for none.
func extract(ctx context.Context, raw []byte, pdftotext string, lim limits.Limits) ([]string, []string, string, error) {
	if int64(len(raw)) > lim.MaxFileBytes {
		return nil, nil, "", lim.Over(limits.FileBytes)
	}
	res, err := readPages(ctx, raw, lim)
	if ctx.Err() != nil {
		return nil, nil, "", fmt.Errorf("extract pdf: %w", context.Cause(ctx))
	}
	if errors.Is(err, limits.ErrLimit) {
		return nil, nil, "", err // not worth a second reader's time
	}
	bad, total := countRunes(res.pages)
	tooBad := float64(bad) > maxBadShare*float64(total)
	reason := ""
	switch {
	case err != nil:
		reason = err.Error()
	case len(res.failed) > 0:
		reason = "unreadable page " + pageList(res.failed)
	case total == 0:
		reason = "no text found"
	case tooBad:
		reason = fmt.Sprintf("%d of %d characters undecodable", bad, total)
	}
	if reason != "" && pdftotext != "" {
		pages, perr := pdftotextPages(ctx, pdftotext, raw, lim)
		if ctx.Err() != nil {
			return nil, nil, "", fmt.Errorf("extract pdf: %w", context.Cause(ctx))
		}
		if errors.Is(perr, limits.ErrLimit) {
			return nil, nil, "", perr
		}
		if perr == nil {
			pb, pt := countRunes(pages)
			if pt > 0 && (err != nil || total == 0 || len(res.failed) > 0 || pb < bad) {
				warns := []string{fmt.Sprintf("pdf: text taken from pdftotext (%s)", reason)}
				if res.declared > 0 && len(pages) != res.declared {
					warns = append(warns, fmt.Sprintf("pdf: pdftotext found %d pages, the file has %d", len(pages), res.declared))
				}
				return pages, warns, res.title, nil
			}
		} else {
			res.warnings = append(res.warnings, "pdf: "+perr.Error())
		}
	}
	if err != nil {
		return nil, nil, "", err
	}
	if total == 0 {
		if res.encrypted {
			return nil, nil, "", fmt.Errorf("extract pdf: %w, %w", ErrEncrypted, ErrNoTextLayer)
		}
		return nil, nil, "", fmt.Errorf("extract pdf: %w", ErrNoTextLayer)
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
			pageList(where), bad, total, hint))
	}
	return res.pages, res.warnings, res.title, nil
}

// goPass is the result of the pure-Go pass over a PDF.
type goPass struct {
	pages     []string
	warnings  []string
	failed    []int // 1-based pages whose content could not be read
	declared  int   // pages found in the page tree
	encrypted bool
	title     string // /Title of the information dictionary
}

func readPages(ctx context.Context, raw []byte, lim limits.Limits) (goPass, error) {
	var res goPass
	r, err := open(raw, lim)
	if le := (*lpdf.LimitError)(nil); errors.As(err, &le) {
		return res, lim.Over(lpdfKey(le))
	}
	if err != nil {
		return res, err
	}
	d := &doc{lim: lim, r: r, fonts: map[string]*font{}, forms: map[string][]byte{}}
	res.title = infoTitle(r)
	refs, encrypted, err := pageRefs(r, lim.MaxPages)
	res.encrypted = encrypted
	if err := d.failed(err); err != nil {
		return res, err
	}
	if err != nil {
		return res, fmt.Errorf("read pdf page tree: %w", err)
	}
	if len(refs) == 0 {
		return res, errors.New("read pdf page tree: no pages")
	}
	res.declared = len(refs)
	textBytes := 0
	for i, ref := range refs {
		if ctx.Err() != nil {
			return res, context.Cause(ctx)
		}
		text, warns, perr := pageText(ctx, ref, d)
		if err := d.failed(perr); err != nil {
			return res, err
		}
		for _, w := range warns {
			res.warnings = append(res.warnings, fmt.Sprintf("pdf page %d: %s", i+1, w))
		}
		if perr != nil {
			res.failed = append(res.failed, i+1)
			res.warnings = append(res.warnings, fmt.Sprintf("read pdf page %d: %v", i+1, perr))
		}
		if textBytes += len(text); int64(textBytes) > lim.MaxTextBytes {
			return res, lim.Over(limits.TextBytes)
		}
		res.pages = append(res.pages, text)
	}
	return res, nil
}

// doc is the state of one Extract: the reader, its limits and what the
// file has used of them, and what is shared between pages.
type doc struct {
	lim     limits.Limits
	r       *lpdf.Reader
	items   int               // text items shown
	entries int               // font map entries (codes, widths)
	fonts   map[string]*font  // parsed fonts, by fontKey
	forms   map[string][]byte // decoded form XObjects, by reference
	err     error             // the first limit the file went over
}

// over records that the file went over the limit key.
func (d *doc) over(key limits.Key) error {
	if d.err == nil {
		d.err = d.lim.Over(key)
	}
	return d.err
}

// failed returns the limit the file went over, here or in the reader (err
// is what the caller got, perhaps an lpdf limit error), or nil.
func (d *doc) failed(err error) error {
	if d.err != nil {
		return d.err
	}
	if e := d.r.LimitErr(); e != nil {
		err = e
	}
	var le *lpdf.LimitError
	switch {
	case errors.Is(err, limits.ErrLimit):
		d.err = err
	case errors.As(err, &le):
		d.err = d.lim.Over(lpdfKey(le))
	}
	return d.err
}

// lpdfKey maps a limit of the reader to its configuration key.
func lpdfKey(e *lpdf.LimitError) limits.Key {
	switch e.What {
	case "nesting depth":
		return limits.Depth
	case "objects":
		return limits.Objects
	}
	return limits.DecodedBytes
}

// recovered turns a recovered panic into an error, keeping error values
// (the reader's limit errors among them).
func recovered(p any) error {
	if err, ok := p.(error); ok {
		return err
	}
	return fmt.Errorf("%v", p)
}

// countRunes counts U+FFFD and all non-space runes.
func countRunes(pages []string) (bad, total int) {
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

// pageList formats 1-based page numbers as "1, 3-5".
func pageList(pages []int) string {
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

// infoTitle reads /Title from the document information dictionary: a PDF
// text string (UTF-16BE with a byte order mark, or PDFDocEncoding), or, as
// some Chinese producers write it, raw UTF-8 or GB18030 bytes.
func infoTitle(r *lpdf.Reader) (title string) {
	defer func() {
		if recover() != nil {
			title = ""
		}
	}()
	v := r.Trailer().Key("Info").Key("Title")
	raw := v.RawString()
	switch {
	case strings.HasPrefix(raw, "\xfe\xff"):
		title = v.Text()
	case utf8.ValidString(raw):
		title = raw
	default:
		if dec, err := simplifiedchinese.GB18030.NewDecoder().String(raw); err == nil && chineseText(dec) {
			title = dec
		} else {
			title = v.Text()
		}
	}
	title = strings.Join(strings.Fields(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, title)), " ")
	return title
}

// chineseText reports text made only of Han characters, CJK punctuation
// and ASCII: what a title decoded with the right charset looks like.
func chineseText(s string) bool {
	for _, r := range s {
		if r >= 0x80 && !unicode.Is(unicode.Han, r) && !(r >= 0x3000 && r <= 0x303f) && !(r >= 0xff00 && r <= 0xffef) {
			return false
		}
	}
	return s != ""
}
