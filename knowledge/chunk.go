package knowledge

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Chunk sizes, in runes. A chunk of running text closes at the first
// sentence end past TargetChunk and never grows past MaxChunk unless one
// sentence does. An article of a regulation (第X条) is one chunk when it
// fits in MaxChunk.
const (
	TargetChunk = 300
	MaxChunk    = 600
)

// maxLeadIn bounds a list's lead-in repeated at the start of the later parts
// of a long article.
const maxLeadIn = MaxChunk / 4

// headingKind ranks policy heading styles, outermost first.
type headingKind int

const (
	kindPart        headingKind = iota // 第一编, 第一部分
	kindChapter                        // 第一章
	kindSection                        // 第一节
	kindArticle                        // 第一条
	kindHan                            // 一、
	kindOrdinal                        // 第一，第二（新闻稿的层次）
	kindParenHan                       // （一）/(一)
	kindNumber                         // 1. / 1、
	kindParenNumber                    // （1）/(1)
	kindShi                            // 一是
)

const hanNumerals = `一二三四五六七八九十百千零〇两`

var headingRes = []struct {
	kind headingKind
	re   *regexp.Regexp
}{
	{kindPart, regexp.MustCompile(`^第[` + hanNumerals + `\d]+(编|部分)`)},
	{kindChapter, regexp.MustCompile(`^第[` + hanNumerals + `\d]+章`)},
	{kindSection, regexp.MustCompile(`^第[` + hanNumerals + `\d]+节`)},
	{kindArticle, regexp.MustCompile(`^第[` + hanNumerals + `\d]+条`)},
	{kindHan, regexp.MustCompile(`^[一二三四五六七八九十]+、`)},
	{kindOrdinal, regexp.MustCompile(`^第[一二三四五六七八九十]+[，,、]`)},
	{kindParenHan, regexp.MustCompile(`^[（(][一二三四五六七八九十]+[）)]`)},
	{kindNumber, regexp.MustCompile(`^\d{1,2}[.．、]($|[^\d])`)},
	{kindParenNumber, regexp.MustCompile(`^[（(]\d{1,2}[）)]`)},
	{kindShi, regexp.MustCompile(`^[一二三四五六七八九十]+是`)},
}

// heading recognises a line that opens a section. It returns the kind, the
// heading label to show in a section path (the marker and its lead phrase,
// short) and whether the line holds only the heading (no body text).
//
// Whether a heading-only line really is a heading depends on what follows
// it (see Chunks): a heading is a heading only when a body follows it.
func heading(line string) (kind headingKind, label string, only bool, ok bool) {
	for _, h := range headingRes {
		loc := h.re.FindStringIndex(line)
		if loc == nil {
			continue
		}
		rs := []rune(line)
		// A lead phrase ends at the first sentence end.
		end := len(rs)
		for i, r := range rs {
			if r == '。' || r == '；' || r == '：' || r == ':' || r == '！' || r == '？' {
				end = i
				break
			}
		}
		only = end >= len(rs)-1
		if h.kind == kindArticle {
			// 第二条 …: the marker is the label; the article's text is body.
			rest := strings.TrimSpace(line[loc[1]:])
			return h.kind, line[:loc[1]], rest == "", true
		}
		if end > 30 {
			if h.kind == kindNumber || h.kind == kindParenNumber || h.kind == kindShi || h.kind == kindOrdinal {
				// A numbered paragraph without a short lead phrase: label it by its marker.
				marker := line[:loc[1]]
				if h.kind == kindNumber { // the pattern also consumed the rune after the marker
					marker = numberMarker.FindString(line)
				}
				return h.kind, marker, false, true
			}
			// Long lines are body text that happens to start like a heading.
			return 0, "", false, false
		}
		if h.kind == kindNumber {
			loc[1] = len(numberMarker.FindString(line))
		}
		return h.kind, headingLabel(line[:loc[1]], string(rs[:end])[loc[1]:]), only, true
	}
	return 0, "", false, false
}

var numberMarker = regexp.MustCompile(`^\d{1,2}[.．、]`)

// headingLabel joins a heading's marker and its lead phrase for a section
// path, with the decorative spaces of 第一章　总　　则 squeezed out: one
// space after the marker if the line had one, none between Han characters.
func headingLabel(marker, rest string) string {
	spaced := rest != strings.TrimLeftFunc(rest, isSpace)
	rs := []rune(strings.TrimFunc(rest, isSpace))
	var b strings.Builder
	b.WriteString(marker)
	if spaced && len(rs) > 0 {
		b.WriteByte(' ')
	}
	for i := 0; i < len(rs); i++ {
		if !isSpace(rs[i]) {
			b.WriteRune(rs[i])
			continue
		}
		j := i
		for j < len(rs) && isSpace(rs[j]) {
			j++
		}
		if !(unicode.Is(unicode.Han, rs[i-1]) && unicode.Is(unicode.Han, rs[j])) {
			b.WriteByte(' ')
		}
		i = j - 1
	}
	return b.String()
}

func isSpace(r rune) bool { return unicode.IsSpace(r) || r == '\u3000' }

// itemMarker opens an enumerated item inside an article: （一）, 一、, 1.,
// （1）, ①.
var itemMarker = regexp.MustCompile(`^([（(][` + hanNumerals + `\d]{1,4}[）)]|[一二三四五六七八九十]{1,3}、|\d{1,2}[.．、]($|[^\d])|[①-⑳])`)

// itemLabel names an item for a section path: its marker and its lead
// phrase when that is short, else the marker.
func itemLabel(line string) string {
	loc := itemMarker.FindStringIndex(line)
	if loc == nil {
		return ""
	}
	marker := line[:loc[1]]
	if m := numberMarker.FindString(line); m != "" {
		marker = m
	}
	rest := line[len(marker):]
	if i := strings.IndexAny(rest, "。；：:，,！？"); i >= 0 {
		rest = rest[:i]
	}
	if utf8.RuneCountInString(rest) > 20 {
		return marker
	}
	return headingLabel(marker, rest)
}

// endsLeadIn reports whether s introduces what follows it: a line or
// sentence ending in a colon, like 应当具备下列条件：.
func endsLeadIn(s string) bool {
	s = strings.TrimRightFunc(s, isSpace)
	return strings.HasSuffix(s, "：") || strings.HasSuffix(s, ":")
}

// endsItem reports whether a short line reads as a list item rather than a
// heading: it ends with a sentence end (（一）经计量检定合格；).
func endsItem(s string) bool { return endsWithAny(s, "；;。，,、") }

// endsWithAny reports whether s, trailing space aside, ends with one of the
// runes of set.
func endsWithAny(s, set string) bool {
	r, _ := utf8.DecodeLastRuneInString(strings.TrimRightFunc(s, isSpace))
	return r != utf8.RuneError && strings.ContainsRune(set, r)
}

type sectionEntry struct {
	kind  headingKind
	label string
}

// docLine is one non-blank line of a document, classified.
type docLine struct {
	text       string
	start, end int // rune offsets in Document.Text, end exclusive
	kind       headingKind
	label      string
	only, ok   bool // as heading returns them
	role       lineRole
}

type lineRole int

const (
	roleBody    lineRole = iota
	roleHeading          // a heading line only: it lives on in the section path
	roleSection          // opens a section; its text is body
	roleArticle          // opens an article of a regulation
)

// docLines splits text into its non-blank lines and decides their roles.
// A heading-only line is a heading when a body follows it: a line of body
// text or a deeper heading. Otherwise (a sibling or an outer heading
// follows, or nothing) it is body: a short list item, a table of contents
// entry, a trailing line. Enumerated lines after a lead-in ending in "："
// are items of its list, never headings.
func docLines(text string) []docLine {
	var lines []docLine
	off := 0
	for _, s := range strings.Split(text, "\n") {
		n := utf8.RuneCountInString(s)
		if strings.TrimFunc(s, isSpace) != "" {
			l := docLine{text: s, start: off, end: off + n}
			l.kind, l.label, l.only, l.ok = heading(s)
			lines = append(lines, l)
		}
		off += n + 1
	}
	inList := false
	listKind := headingKind(-1)
	for i := range lines {
		l := &lines[i]
		item := false
		switch {
		case !l.ok:
		case l.kind == kindArticle:
			l.role = roleArticle
		case inList && l.kind > kindArticle && (listKind < 0 || l.kind >= listKind):
			if l.only && !endsItem(l.text) && i+1 < len(lines) && lines[i+1].ok && lines[i+1].kind > l.kind {
				// 各有关单位：then 一、总体要求 over （一）…: a salutation, and
				// headings over deeper headings, not a list.
				l.role = roleHeading
				break
			}
			item = true
			if listKind < 0 {
				listKind = l.kind
			}
		case l.only && i+1 < len(lines):
			next := lines[i+1]
			deeper := next.ok && next.kind > l.kind
			switch {
			case endsItem(l.text):
				// （一）经计量检定合格；is an item. （一）总体要求。is a heading
				// only over deeper items: 1.…
				if deeper && !endsWithAny(l.text, "；;，,、") {
					l.role = roleHeading
				}
			case deeper || !next.ok:
				l.role = roleHeading
			}
		case !l.only && !strings.HasSuffix(strings.TrimRightFunc(l.text, isSpace), "；"):
			l.role = roleSection
		}
		switch {
		case l.role != roleHeading && endsLeadIn(l.text):
			inList, listKind = true, -1
		case !item:
			inList = false
		}
	}
	return lines
}

// Chunks splits a document into chunks that follow its heading structure.
// Each chunk lies within one section, ends on a sentence boundary, and
// records its section path and rune offsets into d.Text. Every character of
// d.Text is in a chunk's text, or on a heading line named in the section
// path of the chunk after it.
//
// An article of a regulation (第X条 with its paragraphs and items) is one
// chunk when it fits in MaxChunk. A longer one is split on item boundaries
// into parts of about equal size; a part that starts inside a list repeats
// the list's lead-in (…包括下列内容：) and names its first item in its
// section path. A lead-in is never left at the end of a chunk without its
// list.
func Chunks(d Document) []Chunk {
	c := chunker{d: d, all: []rune(d.Text)}
	lines := docLines(d.Text)
	for i := 0; i < len(lines); {
		l := lines[i]
		switch l.role {
		case roleHeading:
			c.flush()
			c.push(l.kind, l.label)
			i++
		case roleArticle:
			c.flush()
			c.push(kindArticle, l.label)
			j := i + 1
			for j < len(lines) && !(lines[j].ok && lines[j].kind <= kindArticle) {
				j++
			}
			c.article(lines[i:j])
			i = j
		case roleSection:
			c.flush()
			c.push(l.kind, l.label)
			c.add(l)
			i++
		default:
			c.add(l)
			i++
		}
	}
	c.flush()
	return c.chunks
}

// span is a run of runes of Document.Text: a sentence, a line, an item.
type span struct{ start, end int }

type chunker struct {
	d      Document
	all    []rune
	chunks []Chunk
	stack  []sectionEntry
	open   []span   // sentences of the open chunk of running text
	path   []string // its section path
	group  *articleGroup
}

func (c *chunker) push(kind headingKind, label string) {
	for len(c.stack) > 0 && c.stack[len(c.stack)-1].kind >= kind {
		c.stack = c.stack[:len(c.stack)-1]
	}
	c.stack = append(c.stack, sectionEntry{kind, label})
}

func (c *chunker) sectionPath() []string {
	p := make([]string, len(c.stack))
	for i, e := range c.stack {
		p[i] = e.label
	}
	return p
}

// emit appends the chunk of d.Text[start:end], with lead (a repeated
// lead-in, "" for none) in front of its text.
func (c *chunker) emit(start, end int, path []string, lead string) {
	text := strings.TrimSpace(string(c.all[start:end]))
	if text == "" {
		return
	}
	n := 0
	if lead != "" {
		lead += "\n"
		n = utf8.RuneCountInString(lead)
		text = lead + text
	}
	c.chunks = append(c.chunks, Chunk{
		ID: c.d.ID + "#" + strconv.Itoa(len(c.chunks)), DocID: c.d.ID, Title: c.d.Title, Date: c.d.Date,
		Section: path, Page: c.d.PageAt(start), Start: start, End: end, Lead: n, Text: text,
	})
}

// add appends a line of running text to the open chunk, sentence by
// sentence.
func (c *chunker) add(l docLine) {
	for _, s := range sentences(l.text) {
		sp := span{l.start + s.start, l.start + s.start + utf8.RuneCountInString(s.text)}
		if n := len(c.open); n > 0 && sp.end-c.open[0].start > MaxChunk {
			c.flushKeepingLeadIn()
		}
		if len(c.open) == 0 {
			c.path = c.sectionPath()
		}
		c.open = append(c.open, sp)
		if sp.end-c.open[0].start >= TargetChunk && !endsLeadIn(s.text) {
			c.flush()
		}
	}
}

// flushKeepingLeadIn closes the open chunk, except that a lead-in at its
// end opens the next one, with its list.
func (c *chunker) flushKeepingLeadIn() {
	n := len(c.open)
	last := c.open[n-1]
	if n > 1 && endsLeadIn(string(c.all[last.start:last.end])) {
		c.open = c.open[:n-1]
		c.flush()
		c.open = append(c.open, last)
		c.path = c.sectionPath()
		return
	}
	c.flush()
}

func (c *chunker) flush() {
	if n := len(c.open); n > 0 {
		c.emit(c.open[0].start, c.open[n-1].end, c.path, "")
	}
	c.open = c.open[:0]
}

// articleGroup is the open chunk of whole short articles.
type articleGroup struct {
	chunk       int    // index in chunks
	parent      string // the section path above the articles
	first, last string // their labels
}

// packArticle emits a whole article, or adds it to the chunk of the
// articles before it in the same section while together they stay within
// TargetChunk: a one-line article (本条例自发布之日起施行) is a poor passage
// alone. The section path names the articles: 第五十三条、第五十四条, or
// 第五十二条至第五十四条.
func (c *chunker) packArticle(start, end int, path []string) {
	parent := strings.Join(path[:len(path)-1], "\x00")
	label := path[len(path)-1]
	if g := c.group; g != nil && g.chunk == len(c.chunks)-1 && g.parent == parent {
		last := &c.chunks[g.chunk]
		if end-last.Start <= TargetChunk {
			n := len(last.Section)
			sec := append([]string(nil), last.Section[:n-1]...)
			joint := "至"
			if g.first == g.last {
				joint = "、"
			}
			g.last = label
			last.Section = append(sec, g.first+joint+g.last)
			last.End = end
			last.Text = strings.TrimSpace(string(c.all[last.Start:end]))
			return
		}
	}
	c.emit(start, end, path, "")
	c.group = &articleGroup{chunk: len(c.chunks) - 1, parent: parent, first: label, last: label}
}

// packPreamble adds the first article of a regulation to the chunk of its
// preamble — the title line and the promulgation note before it, with the
// chapter heading between — when together they stay within TargetChunk: a
// preamble alone is a poor passage that matches every question naming the
// regulation, and the first article states what the regulation is for.
func (c *chunker) packPreamble(end int, path []string) bool {
	if len(c.chunks) != 1 || len(c.chunks[0].Section) != 0 || end-c.chunks[0].Start > TargetChunk {
		return false
	}
	ch := &c.chunks[0]
	ch.End = end
	ch.Text = strings.TrimSpace(string(c.all[ch.Start:end]))
	ch.Section = path
	label := path[len(path)-1]
	c.group = &articleGroup{chunk: 0, parent: strings.Join(path[:len(path)-1], "\x00"), first: label, last: label}
	return true
}

// unit is an indivisible piece of a long article: a line, or a sentence of
// a line too long to keep whole.
type unit struct {
	span
	lineStart bool   // the unit opens a line
	item      string // the item label when the unit opens an enumerated item
	lead      string // the lead-in sentence when the unit ends with one
}

// article chunks one article: lines[0] opens it with 第X条, the rest are its
// paragraphs and items.
func (c *chunker) article(lines []docLine) {
	path := c.sectionPath()
	start, end := lines[0].start, lines[len(lines)-1].end
	if end-start <= MaxChunk {
		if c.packPreamble(end, path) {
			return
		}
		c.packArticle(start, end, path)
		return
	}
	c.group = nil
	var units []unit
	for k, l := range lines {
		label := ""
		if k > 0 {
			label = itemLabel(l.text)
		}
		if l.end-l.start <= MaxChunk/2 {
			units = append(units, unit{span{l.start, l.end}, true, label, c.leadOf(l.start, l.end)})
			continue
		}
		for j, s := range sentences(l.text) {
			sp := span{l.start + s.start, l.start + s.start + utf8.RuneCountInString(s.text)}
			u := unit{span: sp, lineStart: j == 0, lead: c.leadOf(sp.start, sp.end)}
			if j == 0 {
				u.item = label
			}
			units = append(units, u)
		}
	}
	parts := (end - start + MaxChunk - 1) / MaxChunk
	target := max(TargetChunk, (end-start)/parts)

	var cur []unit
	prefix := ""  // lead-in repeated in front of cur
	inForce := "" // the lead-in of the list being read
	close := func() {
		if len(cur) == 0 {
			return
		}
		p := path
		if cur[0].start != start {
			for _, u := range cur {
				if u.item != "" {
					p = append(append([]string(nil), path...), u.item)
					break
				}
			}
		}
		c.emit(cur[0].start, cur[len(cur)-1].end, p, prefix)
		cur, prefix = nil, ""
	}
	for _, u := range units {
		if len(cur) > 0 {
			size := cur[len(cur)-1].end - cur[0].start + utf8.RuneCountInString(prefix)
			grown := u.end - cur[0].start + utf8.RuneCountInString(prefix)
			// Close at the target on a line boundary, unless what is left
			// would make a scrap of a chunk.
			if grown > MaxChunk || (size >= target && u.lineStart && end-u.start >= TargetChunk/2) {
				var carry []unit
				if last := cur[len(cur)-1]; last.lead != "" && len(cur) > 1 {
					carry, cur = []unit{last}, cur[:len(cur)-1]
				}
				close()
				cur = carry
			}
		}
		if len(cur) == 0 && u.item != "" && inForce != "" && u.end-u.start+utf8.RuneCountInString(inForce)+1 <= MaxChunk {
			prefix = inForce
		}
		cur = append(cur, u)
		switch {
		case u.lead != "":
			inForce = u.lead
		case u.lineStart && u.item == "":
			inForce = ""
		}
	}
	close()
}

// leadOf returns the lead-in sentence that ends d.Text[start:end], or "".
func (c *chunker) leadOf(start, end int) string {
	s := string(c.all[start:end])
	if !endsLeadIn(s) {
		return ""
	}
	ss := sentences(s)
	lead := strings.TrimSpace(ss[len(ss)-1].text)
	if utf8.RuneCountInString(lead) > maxLeadIn {
		return ""
	}
	return lead
}

type sentence struct {
	text  string
	start int // rune offset within the line
}

// sentences splits a line after 。！？； (and their ASCII forms followed by
// space), keeping closing quotes with their sentence. A sentence longer than
// MaxChunk is cut at commas, else between words, or hard at MaxChunk as a
// last resort.
func sentences(line string) []sentence {
	rs := []rune(line)
	var out []sentence
	start := 0
	emit := func(end int) {
		if end > start {
			out = append(out, splitLong(rs[start:end], start)...)
		}
		start = end
	}
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if r == '。' || r == '！' || r == '？' || r == '；' || r == '!' || r == ';' || (r == '?' && (i+1 == len(rs) || rs[i+1] == ' ')) {
			j := i + 1
			for j < len(rs) && strings.ContainsRune("”’」』）)\"", rs[j]) {
				j++
			}
			// A parenthetical right after a sentence belongs to it, as in
			// "……信息平台。(市质量技监局牵头,2018年6月底前完成)".
			if j < len(rs) && (rs[j] == '(' || rs[j] == '（') {
				// (Only the next 80 runes are searched: a line of "。(" was quadratic.)
				if k := closeParen(rs[:min(len(rs), j+81)], j); k > 0 && k-j <= 80 {
					j = k + 1
				}
			}
			emit(j)
			i = j - 1
		}
	}
	emit(len(rs))
	return out
}

func splitLong(rs []rune, base int) []sentence {
	if len(rs) <= MaxChunk {
		return []sentence{{string(rs), base}}
	}
	var out []sentence
	start := 0
	comma, space := -1, -1
	for i, r := range rs {
		switch {
		case r == '，' || r == ',' || r == '、':
			comma = i + 1
		case isSpace(r):
			space = i + 1
		}
		if i-start+1 >= MaxChunk {
			cut := comma
			if cut <= start {
				cut = space // between words, not inside one
			}
			if cut <= start {
				cut = i + 1
			}
			out = append(out, sentence{string(rs[start:cut]), base + start})
			start = cut
		}
	}
	if start < len(rs) {
		out = append(out, sentence{string(rs[start:]), base + start})
	}
	return out
}

// closeParen returns the index of the parenthesis closing the one at open,
// or -1.
func closeParen(rs []rune, open int) int {
	depth := 0
	for i := open; i < len(rs); i++ {
		switch rs[i] {
		case '(', '（':
			depth++
		case ')', '）':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// Sentences splits text into sentences on 。！？； and line breaks, keeping
// closing quotes and a trailing parenthetical with their sentence.
func Sentences(text string) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		for _, s := range sentences(line) {
			if t := strings.TrimSpace(s.text); t != "" {
				out = append(out, t)
			}
		}
	}
	return out
}
