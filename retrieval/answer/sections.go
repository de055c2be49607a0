package answer

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/policybot/policybot/knowledge"
	"github.com/policybot/policybot/retrieval"
)

// Questions about a document's parts ("浙江试点方案的保障措施有哪些？",
// "重点任务分为几个方面？", "What four kinds of safeguards…?") are answered
// by its headings: the parts are the sibling sections under the heading
// the question names (四、实施保障 › (一)组织保障, (二)政策保障, …), or
// whose headings share the word it asks for (…保障). No one sentence
// lists them.

// partsQ spots questions that ask for the parts of something: a list, or
// how many parts.
var partsQ = regexp.MustCompile(`哪[几两二三四五六七八九十]|几[个项类大]|有哪|哪些|分为|包括|\bwhich\b|\bwhat are\b|how many|\bwhat (?:two|three|four|five|six|seven|eight|nine|ten)\b`)

// countedPartsQ spots questions that name the number of parts or ask for
// it: then the headings answer before any one sentence does.
var countedPartsQ = regexp.MustCompile(`[哪几][两二三四五六七八九十]?(?:个|项|类|大|种)?(?:方面|部分|阶段|类|种|板块|环节|举措|措施|保障|任务|原则)|(?:two|three|four|five|six|seven|eight|nine|ten|how many)\s+(?:\w+\s+){0,3}?(?:kinds|types|aspects|parts|phases|stages|categories|areas|measures|safeguards|tasks|principles|pillars)\b`)

// headingMarkerRe is the numbering that opens a heading: 一、 (一) 1. 第一章.
var headingMarkerRe = regexp.MustCompile(`^\s*(?:[(（][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+[、.．]|\d+[、.．]|第[一二三四五六七八九十百\d]+[章节条部分])\s*`)

// partGroup is a set of sibling sections of one document.
type partGroup struct {
	depth  int      // their level in the heading path
	parent string   // the heading above them ("" at the top level)
	labels []string // their headings, marker and full stop removed
	chunks []knowledge.Chunk
	score  float64
}

// headingLabel strips a heading's numbering and full stop: (一)组织保障。 →
// 组织保障.
func headingLabel(h string) string {
	h = headingMarkerRe.ReplaceAllString(h, "")
	return strings.TrimRight(strings.TrimSpace(h), "。.：:；;")
}

// partGroups lists the sibling sections of a document's chunks, in
// document order: for every heading path P, the distinct headings right
// under it.
func partGroups(chunks []knowledge.Chunk) []*partGroup {
	var out []*partGroup
	byKey := make(map[string]*partGroup)
	for _, c := range chunks {
		for d := range c.Section {
			key := fmt.Sprint(d, "\x00", strings.Join(c.Section[:d], "\x00"))
			g := byKey[key]
			if g == nil {
				g = &partGroup{depth: d}
				if d > 0 {
					g.parent = c.Section[d-1]
				}
				byKey[key] = g
				out = append(out, g)
			}
			label := headingLabel(c.Section[d])
			if label == "" || len(g.labels) > 0 && g.labels[len(g.labels)-1] == label {
				continue
			}
			g.labels = append(g.labels, label)
			g.chunks = append(g.chunks, c)
		}
	}
	return out
}

// partsAnswer answers a question about a document's parts from its
// headings, when a group of sibling sections matches it: the question's
// content concepts (weighted) are in the heading above them or shared by
// their headings; a number of parts the
// question states must be theirs. It returns the answer and the share of
// the question's content the group matches, or false.
//
// The share is of the concepts' weight alone: the English words the
// lexicon has no Chinese for ("list", "set out") are the question's
// grammar here more often than a subject the documents lack.
func (an *Answerer) partsAnswer(ix *retrieval.Index, q *retrieval.Query, ev []retrieval.Evidence, sc scope, content []concept) (Answer, float64, bool) {
	var total float64
	for _, c := range content {
		total += c.w
	}
	if total == 0 {
		return Answer{}, 0, false
	}
	asked := askedParts(q.Folded)
	var best *partGroup
	seen := make(map[string]bool)
	for _, v := range ev[:min(len(ev), 5)] {
		if seen[v.Chunk.DocID] {
			continue
		}
		seen[v.Chunk.DocID] = true
		chunks, err := ix.DocumentChunks(v.Chunk.DocID)
		if err != nil || len(chunks) == 0 {
			continue
		}
		for _, g := range partGroups(chunks) {
			if len(g.labels) < 2 || asked > 0 && len(g.labels) != asked {
				continue
			}
			if m := an.check(sc, g.parent, g.chunks[0]); m.kind != missNone {
				continue
			}
			g.score = an.partsMatch(ix, g, content, asked) / total
			if an.quotesHeading(q, g.parent) {
				g.score = 1 // “全面深化标准化改革”这一举措下列了几项: the heading named
			}
			if best == nil || g.score > best.score {
				best = g
			}
		}
	}
	if best == nil {
		return Answer{}, 0, false
	}
	return an.partsText(q, best, ev), best.score, true
}

// quotesHeading reports whether the question quotes the heading (its
// words, numbering aside).
func (an *Answerer) quotesHeading(q *retrieval.Query, heading string) bool {
	h := an.lang.Fold(headingLabel(heading))
	if h == "" {
		return false
	}
	for _, name := range q.Quoted {
		if retrieval.HanRunes(name) >= 4 && (strings.Contains(h, name) || strings.Contains(name, h)) {
			return true
		}
	}
	return false
}

// englishNumbers are the number words a question may give a count of parts in.
var englishNumbers = map[string]int{"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}

// askedPartsRe finds the number of parts a question states: 哪四个方面, four kinds.
var askedPartsRe = regexp.MustCompile(`哪([两二三四五六七八九十])|\b(two|three|four|five|six|seven|eight|nine|ten)\s+(?:\w+\s+){0,3}?(?:kinds|types|aspects|parts|phases|stages|categories|areas|measures|safeguards|tasks|principles|pillars)\b`)

// askedParts returns the number of parts a question (folded) states, or 0.
func askedParts(folded string) int {
	m := askedPartsRe.FindStringSubmatch(folded)
	switch {
	case m == nil:
		return 0
	case m[1] != "":
		n, _ := hanValue(m[1])
		return n
	}
	return englishNumbers[m[2]]
}

// partsMatch weighs the question's content concepts found in the heading
// above the group or in most of the group's headings (not the document's
// title, which any question about the document matches); a number the question states counts when it is the group's size.
func (an *Answerer) partsMatch(ix *retrieval.Index, g *partGroup, content []concept, asked int) float64 {
	labels := make([]string, len(g.labels))
	for i, l := range g.labels {
		labels[i] = an.lang.Fold(l)
	}
	var common []string
	for _, t := range retrieval.Tokens(nil, labels[0]) {
		n := 0
		for _, l := range labels {
			if strings.Contains(l, t) {
				n++
			}
		}
		if 4*n >= 3*len(labels) {
			common = append(common, t)
		}
	}
	text := an.lang.Fold(headingLabel(g.parent)) + " " + strings.Join(common, " ")
	var got float64
	for _, c := range content {
		if asked > 0 && c.isNumber() {
			got += c.w
			continue
		}
		got += c.match(text, "", ix)
	}
	return got
}

// isNumber reports whether a concept is only a numeral (四, 4).
func (c concept) isNumber() bool {
	for _, alt := range c.alts {
		for _, t := range alt {
			if _, ok := hanValue(t); !ok && !isDigitsOnly(t) {
				return false
			}
		}
	}
	return len(c.alts) > 0
}

// partsText writes the answer: how many parts when asked, their headings,
// and the opening of each part, cited.
func (an *Answerer) partsText(q *retrieval.Query, g *partGroup, ev []retrieval.Evidence) Answer {
	const maxParts = 10
	labels, chunks := g.labels, g.chunks
	if len(labels) > maxParts {
		labels, chunks = labels[:maxParts], chunks[:maxParts]
	}
	list := strings.Join(labels, "、")
	short := list
	if q.Quantity {
		short = fmt.Sprintf("%d个", len(g.labels))
	}
	var b strings.Builder
	switch {
	case q.Script == knowledge.ScriptLatin && q.Quantity:
		fmt.Fprintf(&b, "%d: %s.", len(g.labels), an.lang.ToSimplified(list))
	case q.Script == knowledge.ScriptLatin:
		fmt.Fprintf(&b, "%s.", an.lang.ToSimplified(list))
	case q.Quantity:
		fmt.Fprintf(&b, "%s：%s。", short, an.lang.ToSimplified(list))
	default:
		fmt.Fprintf(&b, "%s。", an.lang.ToSimplified(list))
	}
	var cites []Citation
	for i, c := range chunks {
		opening := c.Text
		if ss := knowledge.Sentences(c.Text); len(ss) > 0 {
			opening = ss[0]
		}
		if rs := []rune(opening); len(rs) > 80 {
			opening = string(rs[:80]) + "…"
		}
		if utf8.RuneCountInString(opening) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n“%s”[%d]", an.lang.ToSimplified(opening), i+1)
		v := retrieval.Evidence{Chunk: c}
		for _, e := range ev {
			if e.Chunk.ID == c.ID {
				v = e // with its retrieval scores
			}
		}
		if h := c.Section[g.depth]; !strings.Contains(c.Text, headingLabel(h)) {
			// The section's first chunk, as the document reads: its
			// heading line, then the chunk.
			v.Chunk.Text = h + "\n" + c.Text
		}
		cites = append(cites, an.cite(i+1, v))
	}
	return Answer{Text: an.inScript(q.Script, b.String()), Short: an.inScript(q.Script, short), Answered: true, Citations: cites, Path: PathExtractive}
}
