package knowledge

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	unicode16 "golang.org/x/text/encoding/unicode"

	"github.com/policybot/policybot/knowledge/limits"
	"github.com/policybot/policybot/knowledge/pdf"
)

// Sentinel errors of Parse for PDFs, for errors.Is.
var (
	ErrNoTextLayer = pdf.ErrNoTextLayer
	ErrEncrypted   = pdf.ErrEncrypted
)

//go:embed seeds/*
var seedFS embed.FS

// Seeds returns the default knowledge base shipped with policybot.
func Seeds() fs.FS {
	sub, err := fs.Sub(seedFS, "seeds")
	if err != nil {
		panic(err) // the embed pattern guarantees the directory
	}
	return sub
}

// MaxFileSize is the default bound on the size of one knowledge file
// (Limits.MaxFileBytes).
const MaxFileSize = limits.DefaultMaxFileBytes

// Skip records a file that could not be loaded, with the reason.
type Skip struct {
	Path   string
	Reason string
}

func (s Skip) String() string { return s.Path + ": " + s.Reason }

// Corpus is the result of loading a knowledge folder.
type Corpus struct {
	Docs    []Document
	Skipped []Skip
}

// Formats lists the file extensions Load reads.
var formats = map[string]string{
	".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md",
	".html": "html", ".htm": "html", ".pdf": "pdf", ".docx": "docx", ".jsonl": "jsonl",
}

// Supported reports whether a file name has an extension Load reads.
func Supported(name string) bool {
	_, ok := formats[strings.ToLower(path.Ext(name))]
	return ok
}

func sortDocs(docs []Document) {
	sort.Slice(docs, func(i, j int) bool { return docs[i].ID < docs[j].ID })
}

// parse is Parse without its deadline: the loaders by format.
func (l Loader) parse(ctx context.Context, name string, raw []byte, lim Limits) ([]Document, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, errors.New("empty file")
	}
	format := formats[strings.ToLower(path.Ext(name))]
	base := Document{ID: name, Format: format, Hash: contentHash(raw)}
	var docs []Document
	var err error
	switch format {
	case "jsonl":
		return parseJSONL(name, raw, lim)
	case "pdf":
		docs, err = parsePDF(ctx, base, raw, lim)
	case "docx":
		docs, err = parseDOCX(base, raw, lim)
	default:
		docs, err = parseText(base, raw, lim)
	}
	if err != nil {
		return nil, err
	}
	for _, d := range docs {
		if err := checkDoc(d, lim); err != nil {
			return nil, err
		}
	}
	return docs, nil
}

func parsePDF(ctx context.Context, d Document, raw []byte, lim Limits) ([]Document, error) {
	doc, err := pdf.ExtractDocument(ctx, raw, pdf.WithLimits(lim))
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	for _, pg := range doc.Pages {
		d.PageStarts = append(d.PageStarts, utf8.RuneCountInString(b.String()))
		if t := joinWrapped(cleanLines(pg)); t != "" {
			b.WriteString(t)
			b.WriteByte('\n')
		}
	}
	d.Text = strings.TrimRight(b.String(), "\n")
	// Empty pages at the end start after the last newline, which is
	// trimmed: they start at the end of the text (found by FuzzParsePDF).
	n := utf8.RuneCountInString(d.Text)
	for i := range d.PageStarts {
		d.PageStarts[i] = min(d.PageStarts[i], n)
	}
	d.Warnings = doc.Warnings
	if metaTitleFits(doc.Title, d.Text) {
		d.Title = cleanMetaTitle(doc.Title)
	}
	return finish(d, "")
}

func parseDOCX(d Document, raw []byte, lim Limits) ([]Document, error) {
	doc, err := extractDOCX(raw, lim)
	if err != nil {
		return nil, err
	}
	d.Text = cleanLines(doc.Text)
	d.Title = strings.TrimSpace(doc.Title)
	if d.Title == "" && metaTitleFits(doc.CoreTitle, d.Text) {
		d.Title = cleanMetaTitle(doc.CoreTitle)
	}
	return finish(d, "")
}

// parseText reads .txt, .md and .html files.
func parseText(d Document, raw []byte, lim Limits) ([]Document, error) {
	if d.Format != "html" && int64(len(raw)) > 2*lim.MaxTextBytes {
		// Even as UTF-16 this is more text than allowed.
		return nil, fmt.Errorf("file of %d MB: %w", len(raw)>>20, lim.Over(limits.TextBytes))
	}
	s, warn, err := decodeText(raw)
	if err != nil {
		return nil, err
	}
	if warn != "" {
		d.Warnings = append(d.Warnings, warn)
	}
	fm, body := splitFrontMatter(s)
	d.Title, d.Date, d.Author, d.URL = fm.Title, fm.Date, fm.Author, fm.URL
	heading := ""
	if d.Format == "html" || looksLikeHTML(body) {
		d.Format = "html"
		text, title, h1, err := htmlText(body)
		if err != nil {
			return nil, err
		}
		body = text
		heading = h1
		if d.Title == "" {
			d.Title = strings.TrimSpace(title)
		}
	} else if d.Format == "md" {
		body, heading = markdownText(body)
	}
	d.Text = cleanLines(body)
	return finish(d, heading)
}

// finish fills the derived fields of a loaded document and checks it.
func finish(d Document, heading string) ([]Document, error) {
	if strings.TrimSpace(d.Text) == "" {
		return nil, errors.New("no text after cleaning")
	}
	if d.Title == "" {
		d.Title = heading
	}
	if d.Title == "" {
		d.Title = fallbackTitle(d)
	}
	d.Title = StripPinyin(strings.Join(strings.Fields(dropControls(d.Title)), " "))
	d.Date = normalizeDate(d.Date)
	if d.Date == "" {
		d.Date = findDate(d.Text)
	}
	d.Text = byline(d) + d.Text
	for _, m := range mojibake(d.Text) {
		d.Warnings = append(d.Warnings, "mojibake at "+m)
	}
	return []Document{d}, nil
}

// byline is the line that opens a document whose front matter names its
// author or outlet: "来源：新浪财经，2022年2月17日". The page's own credit
// lines are site boilerplate and cleaned away; this keeps who published it
// and when, where a question can find them.
func byline(d Document) string {
	author := strings.Join(strings.Fields(dropControls(d.Author)), " ")
	if author == "" || utf8.RuneCountInString(author) > 40 {
		return ""
	}
	line := "来源：" + author
	if t, err := time.Parse("2006-01-02", d.Date); err == nil {
		line += fmt.Sprintf("，%d年%d月%d日", t.Year(), t.Month(), t.Day())
	}
	return line + "。\n"
}

// decodeText checks that raw is text and returns it as UTF-8. UTF-16 with a
// byte-order mark is decoded; without one, UTF-16 is recognised by its NUL
// bytes (the high bytes of ASCII characters, all at even or all at odd
// offsets) and decoded with a warning. Invalid UTF-8 that decodes cleanly
// as GB18030 into Chinese text is accepted with a warning.
func decodeText(raw []byte) (string, string, error) {
	switch {
	case bytes.HasPrefix(raw, []byte{0xff, 0xfe}):
		return decodeUTF16(raw[2:], unicode16.LittleEndian, "")
	case bytes.HasPrefix(raw, []byte{0xfe, 0xff}):
		return decodeUTF16(raw[2:], unicode16.BigEndian, "")
	}
	if bytes.IndexByte(raw[:min(len(raw), 8192)], 0) >= 0 {
		if order, ok := sniffUTF16(raw[:min(len(raw), 8192)]); ok {
			name := map[unicode16.Endianness]string{unicode16.LittleEndian: "UTF-16LE", unicode16.BigEndian: "UTF-16BE"}[order]
			return decodeUTF16(raw, order, "no byte-order mark: read as "+name)
		}
		return "", "", errors.New("binary file (NUL bytes), not text")
	}
	raw = bytes.TrimPrefix(raw, []byte("\ufeff"))
	if utf8.Valid(raw) {
		return string(raw), "", nil
	}
	dec, err := simplifiedchinese.GB18030.NewDecoder().Bytes(raw)
	if err == nil && utf8.Valid(dec) && hanShare(string(dec)) > 0.3 && !bytes.ContainsRune(dec, utf8.RuneError) {
		return string(dec), "not UTF-8: decoded as GB18030", nil
	}
	return "", "", errors.New("not valid UTF-8 text (and not GB18030)")
}

// decodeUTF16 decodes UTF-16 text (without its byte-order mark). Text
// with NUL characters or many invalid code units is not text.
func decodeUTF16(raw []byte, order unicode16.Endianness, warn string) (string, string, error) {
	dec, err := unicode16.UTF16(order, unicode16.IgnoreBOM).NewDecoder().Bytes(raw)
	if err != nil {
		return "", "", fmt.Errorf("not valid UTF-16 text: %w", err)
	}
	s := strings.TrimPrefix(string(dec), "\ufeff")
	bad, all := 0, 0
	for _, r := range s {
		all++
		if r == utf8.RuneError {
			bad++
		}
		if r == 0 {
			return "", "", errors.New("binary file (NUL characters in UTF-16), not text")
		}
	}
	if bad > 0 && bad*100 > all {
		return "", "", fmt.Errorf("not valid UTF-16 text (%d of %d characters undecodable)", bad, all)
	}
	return s, warn, nil
}

// sniffUTF16 recognises UTF-16 without a byte-order mark in a sample with
// NUL bytes: there must be a few (newlines, spaces and digits are ASCII,
// whose high byte is 0), and the sample must decode, in one byte order, to
// printable text without NUL or other ASCII control characters, which
// binary data read as UTF-16 is full of. When both orders would do, the
// one that puts most NUL bytes in high bytes wins.
func sniffUTF16(sample []byte) (unicode16.Endianness, bool) {
	sample = sample[:len(sample)&^1]
	var zeros [2]int // at even, odd offsets
	for i, c := range sample {
		if c == 0 {
			zeros[i&1]++
		}
	}
	if zeros[0]+zeros[1] < 4 {
		return unicode16.LittleEndian, false
	}
	orders := []unicode16.Endianness{unicode16.LittleEndian, unicode16.BigEndian} // ASCII: 'a' 0, or 0 'a'
	if zeros[0] > zeros[1] {
		orders[0], orders[1] = orders[1], orders[0]
	}
	for _, order := range orders {
		if plausibleUTF16(sample, order) {
			return order, true
		}
	}
	return unicode16.LittleEndian, false
}

func plausibleUTF16(sample []byte, order unicode16.Endianness) bool {
	dec, err := unicode16.UTF16(order, unicode16.IgnoreBOM).NewDecoder().String(string(sample))
	if err != nil {
		return false
	}
	good, all := 0, 0
	for i, r := range dec {
		all++
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			good++
		case r < 0x20 || r == 0x7f:
			return false
		case r == utf8.RuneError && i+utf8.RuneLen(r) >= len(dec):
			// the sample may end inside a surrogate pair
		case r != utf8.RuneError && unicode.IsPrint(r):
			good++
		}
	}
	return all > 0 && good*100 >= all*97
}

func hanShare(s string) float64 {
	han, all := 0, 0
	for _, r := range s {
		if unicode.IsSpace(r) {
			continue
		}
		all++
		if unicode.Is(unicode.Han, r) {
			han++
		}
	}
	if all == 0 {
		return 0
	}
	return float64(han) / float64(all)
}

// markdownHidden matches the HTML inside Markdown that a reader never sees:
// scripts and styles (to the end of the file when unclosed, as browsers
// read them) and comments.
var markdownHidden = regexp.MustCompile(`(?is)<script\b.*?(?:</script\s*>|\z)|<style\b.*?(?:</style\s*>|\z)|<!--.*?(?:-->|\z)`)

// markdownText drops Markdown markup that would pollute the text, and the
// scripts, styles and comments of HTML in it, and returns the first
// heading.
func markdownText(s string) (string, string) {
	s = markdownHidden.ReplaceAllString(s, "")
	var out []string
	heading := ""
	for _, line := range strings.Split(s, "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "#") {
			t = strings.TrimSpace(strings.TrimLeft(t, "#"))
			if heading == "" {
				heading = t
			}
		}
		t = strings.TrimLeft(t, ">*-+ ")
		t = strings.NewReplacer("**", "", "__", "", "`", "").Replace(t)
		out = append(out, t)
	}
	return strings.Join(out, "\n"), heading
}

// loaderVersion changes whenever loading or chunking changes what a file
// becomes, so that an index built by an older policybot re-reads files
// whose bytes did not change.
const loaderVersion = "2"

// contentHash is a document's Hash: the hex SHA-256 of the loader version
// and the raw bytes.
func contentHash(raw []byte) string {
	h := sha256.New()
	h.Write([]byte("policybot-loader-" + loaderVersion + "\x00"))
	h.Write(raw)
	return hex.EncodeToString(h.Sum(nil))
}

// firstLineMax is the longest first line taken whole as a title; a longer
// one is cut, as firstLineTitle does.
const firstLineMax = 40

// fallbackTitle titles a document that names none in its metadata or
// markup: its first line when that reads as a short title; else its file name
// when that is words (上海市标准化发展行动计划（2023版）.txt), so that two
// versions of one text can be told apart in a citation; else its first
// sentence.
func fallbackTitle(d Document) string {
	first, _, _ := strings.Cut(d.Text, "\n")
	if titleLike(first) && utf8.RuneCountInString(strings.TrimSpace(first)) <= firstLineMax {
		return strings.TrimSpace(first)
	}
	if d.Format != "jsonl" {
		stem := path.Base(d.ID)
		stem = strings.TrimSpace(strings.TrimSuffix(stem, path.Ext(stem)))
		han := 0
		for _, r := range stem {
			if unicode.Is(unicode.Han, r) {
				han++
			}
		}
		if han >= 2 {
			return stem
		}
	}
	return firstLineTitle(d.Text)
}

// titleLike reports whether a line reads as a document title: short, no
// sentence punctuation, not a section heading, not a date or a number.
func titleLike(line string) bool {
	line = strings.TrimSpace(line)
	n := utf8.RuneCountInString(line)
	if n < 4 || n > 60 || strings.ContainsAny(line, "。！？；：:!?;") {
		return false
	}
	if _, _, _, ok := heading(line); ok {
		return false
	}
	if itemMarker.MatchString(line) || dateRe.MatchString(line) {
		return false
	}
	han := 0
	for _, r := range line {
		if unicode.Is(unicode.Han, r) {
			han++
		}
	}
	return han*2 >= n
}

// metaTitlePrefix is what office suites put before a file name in PDF and
// Word metadata.
var metaTitlePrefix = regexp.MustCompile(`(?i)^(microsoft (word|excel|powerpoint) - |untitled|无标题)`)

// cleanMetaTitle strips producer furniture from a metadata title.
func cleanMetaTitle(t string) string {
	t = strings.TrimSpace(metaTitlePrefix.ReplaceAllString(strings.TrimSpace(t), ""))
	for _, ext := range []string{".docx", ".doc", ".wps", ".pdf", ".txt", ".rtf"} {
		if strings.HasSuffix(strings.ToLower(t), ext) {
			t = strings.TrimSpace(t[:len(t)-len(ext)])
		}
	}
	return t
}

// metaTitleFits reports whether a title from a file's metadata (Word core
// properties, PDF /Title) should name the document. Templates and copied
// files carry titles of other documents, so it is taken when the text shows
// it near its start, when it elaborates the text's own title line (…行动计划
// → …行动计划（2023年版）), or when the text opens with no title line it
// could contradict.
func metaTitleFits(meta, text string) bool {
	meta = cleanMetaTitle(meta)
	if utf8.RuneCountInString(meta) < 2 {
		return false
	}
	head := []rune(text)
	head = head[:min(len(head), 400)]
	if strings.Contains(compact(string(head)), compact(meta)) {
		return true
	}
	first, _, _ := strings.Cut(text, "\n")
	return !titleLike(first) || strings.Contains(compact(meta), compact(first))
}

// firstLineTitle makes a title from the first line, cut at a sentence end or
// at 40 characters.
func firstLineTitle(text string) string {
	line, _, _ := strings.Cut(text, "\n")
	rs := []rune(line)
	for i, r := range rs {
		if (r == '。' || r == '！' || r == '？') && i >= 8 {
			rs = rs[:i]
			break
		}
	}
	if len(rs) > firstLineMax {
		return string(rs[:firstLineMax]) + "…"
	}
	return string(rs)
}

var dateRe = regexp.MustCompile(`((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日`)

// findDate returns the first full date (年月日) in the text, as YYYY-MM-DD.
func findDate(text string) string {
	m := dateRe.FindStringSubmatch(text)
	if m == nil {
		return ""
	}
	return fmt.Sprintf("%s-%02s-%02s", m[1], pad2(m[2]), pad2(m[3]))
}

func pad2(s string) string {
	if len(s) == 1 {
		return "0" + s
	}
	return s
}

// normalizeDate reads the date layouts seen in front matter and returns
// YYYY-MM-DD, or the input unchanged when it is none of them.
func normalizeDate(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	for _, layout := range []string{time.RFC1123, time.RFC1123Z, time.RFC3339, "2006-01-02 15:04:05", "2006-01-02", "2006/01/02", "Mon, 2 Jan 2006 15:04:05 MST"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format("2006-01-02")
		}
	}
	if d := findDate(s); d != "" {
		return d
	}
	return s
}

// jsonlDoc is one line of a bulk .jsonl knowledge file.
type jsonlDoc struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Text  string `json:"text"`
	Date  string `json:"date"`
	URL   string `json:"url"`
}

// parseJSONL reads a bulk file: one {"id","title","text"} document per line.
// Bad lines (a line over a limit among them) are reported as warnings of
// the first document; a file with no good line is an error.
func parseJSONL(name string, raw []byte, lim Limits) ([]Document, error) {
	var docs []Document
	var bad []string
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(make([]byte, 1<<20), int(lim.MaxFileBytes)+1)
	seen := make(map[string]bool)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var j jsonlDoc
		if err := json.Unmarshal(line, &j); err != nil {
			bad = append(bad, fmt.Sprintf("%s line %d: %v", name, n, err))
			continue
		}
		if j.ID == "" || strings.TrimSpace(j.Text) == "" || seen[j.ID] {
			bad = append(bad, fmt.Sprintf("%s line %d: missing id or text, or duplicate id", name, n))
			continue
		}
		if !usableID(j.ID) {
			bad = append(bad, fmt.Sprintf("%s line %d: the id has control characters or is over %d bytes", name, n, maxIDBytes))
			continue
		}
		seen[j.ID] = true
		d := Document{ID: j.ID, Title: j.Title, Date: j.Date, URL: j.URL,
			Format: "jsonl", Hash: contentHash(line), Text: cleanLines(j.Text)}
		done, err := finish(d, "")
		if err == nil {
			err = checkDoc(done[0], lim)
		}
		if err != nil {
			bad = append(bad, fmt.Sprintf("%s line %d: %v", name, n, err))
			continue
		}
		docs = append(docs, done...)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read jsonl: %w", err)
	}
	if len(docs) == 0 {
		return nil, fmt.Errorf("no valid document lines (%d bad)", len(bad))
	}
	docs[0].Warnings = append(docs[0].Warnings, bad...)
	return docs, nil
}

// maxIDBytes bounds the id of a .jsonl document.
const maxIDBytes = 200

// usableID reports whether a .jsonl id can name a document: printed in
// reports and logs, it must not carry control or bidirectional formatting
// characters.
func usableID(id string) bool {
	if len(id) > maxIDBytes || !utf8.ValidString(id) {
		return false
	}
	for _, r := range id {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return false
		}
	}
	return true
}

// joinWrapped rejoins the lines of a PDF page that layout wrapped mid
// sentence (…制定本\n实施意见。): a line that ends in a Han character runs
// on into a next line that starts with one, unless that line opens a section
// or the line itself is short of the page's width — a title, a heading such
// as （一）指导思想, the end of a paragraph.
func joinWrapped(text string) string {
	lines := strings.Split(text, "\n")
	full := 0.0 // width of the page's longest line, in CJK character widths
	for _, line := range lines {
		full = max(full, lineWidth(line))
	}
	var b strings.Builder
	for i, line := range lines {
		b.WriteString(line)
		if i+1 == len(lines) {
			break
		}
		last, _ := utf8.DecodeLastRuneInString(line)
		next, _ := utf8.DecodeRuneInString(lines[i+1])
		_, _, _, isHeading := heading(lines[i+1])
		if unicode.Is(unicode.Han, last) && unicode.Is(unicode.Han, next) && !isHeading && lineWidth(line) >= full-2 {
			continue
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// lineWidth measures a line in CJK character widths: narrow (ASCII) runes
// count half.
func lineWidth(s string) float64 {
	w := 0.0
	for _, r := range s {
		if r < 0x2e80 {
			w += 0.5
		} else {
			w++
		}
	}
	return w
}
