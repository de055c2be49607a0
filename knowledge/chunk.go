package knowledge

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Chunk sizes, in runes. A chunk closes at the first sentence end past
// TargetChunk and never grows past MaxChunk unless one sentence does.
const (
	TargetChunk = 300
	MaxChunk    = 600
)

// headingKind ranks policy heading styles, outermost first.
type headingKind int

const (
	kindChapter     headingKind = iota // 第一章
	kindSection                        // 第一节
	kindArticle                        // 第一条
	kindHan                            // 一、
	kindOrdinal                        // 第一，第二（新闻稿的层次）
	kindParenHan                       // （一）/(一)
	kindNumber                         // 1. / 1、
	kindParenNumber                    // （1）/(1)
	kindShi                            // 一是
)

var headingRes = []struct {
	kind headingKind
	re   *regexp.Regexp
}{
	{kindChapter, regexp.MustCompile(`^第[一二三四五六七八九十百零〇\d]+章`)},
	{kindSection, regexp.MustCompile(`^第[一二三四五六七八九十百零〇\d]+节`)},
	{kindArticle, regexp.MustCompile(`^第[一二三四五六七八九十百零〇\d]+条`)},
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
				label = marker
				return h.kind, label, false, true
			}
			// Long lines are body text that happens to start like a heading.
			return 0, "", false, false
		}
		return h.kind, string(rs[:end]), only, true
	}
	return 0, "", false, false
}

var numberMarker = regexp.MustCompile(`^\d{1,2}[.．、]`)

type sectionEntry struct {
	kind  headingKind
	label string
}

// Chunks splits a document into chunks that follow its heading structure.
// Each chunk lies within one section, ends on a sentence boundary, and
// records its section path and rune offsets into d.Text.
func Chunks(d Document) []Chunk {
	var chunks []Chunk
	var stack []sectionEntry
	var cur []rune // text of the open chunk
	curStart := -1
	var curSection []string

	flush := func() {
		text := strings.TrimSpace(string(cur))
		if text != "" {
			n := len(chunks)
			chunks = append(chunks, Chunk{
				ID: d.ID + "#" + strconv.Itoa(n), DocID: d.ID, Title: d.Title, Date: d.Date,
				Section: curSection, Page: d.PageAt(curStart),
				Start: curStart, End: curStart + len(cur), Text: text,
			})
		}
		cur, curStart = cur[:0:0], -1
	}
	path := func() []string {
		p := make([]string, len(stack))
		for i, e := range stack {
			p[i] = e.label
		}
		return p
	}

	all := []rune(d.Text)
	off := 0 // rune offset of the current line in d.Text
	for _, line := range strings.Split(d.Text, "\n") {
		n := utf8.RuneCountInString(line)
		lineStart := off
		off += n + 1
		if kind, label, only, ok := heading(line); ok {
			for len(stack) > 0 && stack[len(stack)-1].kind >= kind {
				stack = stack[:len(stack)-1]
			}
			stack = append(stack, sectionEntry{kind, label})
			flush()
			curSection = path()
			if only {
				continue // the heading lives on in the section path
			}
		}
		if curStart < 0 {
			curSection = path()
		}
		for _, s := range sentences(line) {
			sl := utf8.RuneCountInString(s.text)
			if len(cur) > 0 && len(cur)+sl > MaxChunk {
				flush()
			}
			if curStart < 0 {
				curStart = lineStart + s.start
				curSection = path()
			} else if from, to := curStart+len(cur), lineStart+s.start; to > from {
				// Keep the original text between sentences and lines.
				cur = append(cur, all[from:to]...)
			}
			cur = append(cur, []rune(s.text)...)
			if len(cur) >= TargetChunk {
				flush()
			}
		}
	}
	flush()
	return chunks
}

type sentence struct {
	text  string
	start int // rune offset within the line
}

// sentences splits a line after 。！？； (and their ASCII forms followed by
// space), keeping closing quotes with their sentence. A sentence longer than
// MaxChunk is cut at commas, or hard at MaxChunk as a last resort.
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
	last := -1
	for i, r := range rs {
		if r == '，' || r == ',' || r == '、' {
			last = i + 1
		}
		if i-start+1 >= MaxChunk {
			cut := last
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
