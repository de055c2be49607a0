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

// MaxFileSize bounds the size of one knowledge file.
const MaxFileSize = 64 << 20

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

// Load reads every supported file under fsys. Files that cannot be read,
// are binary, empty or undecodable are skipped and reported; the rest load.
// Hidden files and folders are ignored.
func Load(ctx context.Context, fsys fs.FS) (Corpus, error) {
	var c Corpus
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			c.Skipped = append(c.Skipped, Skip{p, err.Error()})
			return nil
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		if p != "." && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() || !Supported(p) {
			return nil
		}
		docs, err := LoadFile(ctx, fsys, p)
		if err != nil {
			c.Skipped = append(c.Skipped, Skip{p, err.Error()})
			return nil
		}
		c.Docs = append(c.Docs, docs...)
		return nil
	})
	if err != nil {
		return Corpus{}, fmt.Errorf("load knowledge: %w", err)
	}
	sort.Slice(c.Docs, func(i, j int) bool { return c.Docs[i].ID < c.Docs[j].ID })
	return c, nil
}

// LoadFile reads one file of fsys into documents (one, or many for .jsonl).
func LoadFile(ctx context.Context, fsys fs.FS, p string) ([]Document, error) {
	info, err := fs.Stat(fsys, p)
	if err != nil {
		return nil, err
	}
	if info.Size() > MaxFileSize {
		return nil, fmt.Errorf("file is %d MB, over the %d MB limit", info.Size()>>20, MaxFileSize>>20)
	}
	raw, err := fs.ReadFile(fsys, p)
	if err != nil {
		return nil, err
	}
	return Parse(ctx, p, raw)
}

// Parse turns the raw bytes of a file named name into documents.
func Parse(ctx context.Context, name string, raw []byte) ([]Document, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, errors.New("empty file")
	}
	format := formats[strings.ToLower(path.Ext(name))]
	base := Document{ID: name, Format: format, Hash: contentHash(raw)}
	switch format {
	case "jsonl":
		return parseJSONL(name, raw)
	case "pdf":
		doc, err := pdf.ExtractDocument(ctx, raw)
		if err != nil {
			return nil, err
		}
		d := base
		var b strings.Builder
		for _, pg := range doc.Pages {
			d.PageStarts = append(d.PageStarts, utf8.RuneCountInString(b.String()))
			if t := joinWrapped(cleanLines(pg)); t != "" {
				b.WriteString(t)
				b.WriteByte('\n')
			}
		}
		d.Text = strings.TrimRight(b.String(), "\n")
		d.Warnings = doc.Warnings
		if metaTitleFits(doc.Title, d.Text) {
			d.Title = cleanMetaTitle(doc.Title)
		}
		return finish(d, "")
	case "docx":
		doc, err := extractDOCX(raw)
		if err != nil {
			return nil, err
		}
		d := base
		d.Text = cleanLines(doc.Text)
		d.Title = strings.TrimSpace(doc.Title)
		if d.Title == "" && metaTitleFits(doc.CoreTitle, d.Text) {
			d.Title = cleanMetaTitle(doc.CoreTitle)
		}
		return finish(d, "")
	}
	s, warn, err := decodeText(raw)
	if err != nil {
		return nil, err
	}
	d := base
	if warn != "" {
		d.Warnings = append(d.Warnings, warn)
	}
	fm, body := splitFrontMatter(s)
	d.Title, d.Date, d.Author, d.URL = fm.Title, fm.Date, fm.Author, fm.URL
	heading := ""
	if format == "html" || looksLikeHTML(body) {
		if format != "html" {
			d.Format = "html"
		}
		text, title, h1, err := htmlText(body)
		if err != nil {
			return nil, err
		}
		body = text
		heading = h1
		if d.Title == "" {
			d.Title = strings.TrimSpace(title)
		}
	} else if format == "md" {
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
	d.Title = StripPinyin(d.Title)
	d.Date = normalizeDate(d.Date)
	if d.Date == "" {
		d.Date = findDate(d.Text)
	}
	for _, m := range mojibake(d.Text) {
		d.Warnings = append(d.Warnings, "mojibake at "+m)
	}
	return []Document{d}, nil
}

// decodeText checks that raw is text and returns it as UTF-8. Invalid UTF-8
// that decodes cleanly as GB18030 into Chinese text is accepted with a warning.
func decodeText(raw []byte) (string, string, error) {
	if bytes.IndexByte(raw[:min(len(raw), 8192)], 0) >= 0 {
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

// markdownText drops Markdown markup that would pollute the text and returns
// the first heading.
func markdownText(s string) (string, string) {
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
// Bad lines are reported as warnings of the first document; a file with no
// good line is an error.
func parseJSONL(name string, raw []byte) ([]Document, error) {
	var docs []Document
	var bad []string
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(make([]byte, 1<<20), MaxFileSize)
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
		seen[j.ID] = true
		d := Document{ID: j.ID, Title: j.Title, Date: j.Date, URL: j.URL,
			Format: "jsonl", Hash: contentHash(line), Text: cleanLines(j.Text)}
		done, err := finish(d, "")
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
