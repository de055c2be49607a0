package answer

import (
	"fmt"
	"regexp"
	"slices"
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

// maxStructureChunks bounds how much of a document a question reads for
// its structure (parts, enumerations, the numbers it holds): about 600 KB
// of text, whatever the document's length.
const maxStructureChunks = 2000

// partsQ spots questions that ask for the parts of something: a list, or
// how many parts.
var partsQ = regexp.MustCompile(`哪[几两二三四五六七八九十]|几[个项类大点条]|有哪|哪些|分为|包括|\bwhich\b|\bwhat are\b|how many|\bwhat (?:two|three|four|five|six|seven|eight|nine|ten)\b`)

// countedPartsQ spots questions that name the number of parts or ask for
// it: then the headings answer before any one sentence does.
var countedPartsQ = regexp.MustCompile(`[哪几][两二三四五六七八九十]?(?:个|项|类|大|种)?(?:方面|部分|阶段|类|种|板块|环节|举措|措施|保障|任务|原则|点|条)|(?:two|three|four|five|six|seven|eight|nine|ten|how many)\s+(?:\w+\s+){0,3}?(?:kinds|types|aspects|parts|phases|stages|categories|areas|measures|safeguards|tasks|principles|pillars|items|sub-items|subitems|points|sub-points|sub-measures|sub-tasks)\b`)

// headingMarkerRe is the numbering that opens a heading: 一、 (一) 1. 第一章.
var headingMarkerRe = regexp.MustCompile(`^\s*(?:[(（][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+[、.．]|\d+[、.．]|第[一二三四五六七八九十百\d]+[章节条部分]|第[一二三四五六七八九十]+[，,、：:])\s*`)

// partGroup is a set of sibling sections of one document.
type partGroup struct {
	quotes []string // an enumeration's item sentences, quoted for each part
	depth  int      // their level in the heading path; -1 for an enumeration
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
func (an *Answerer) partsAnswer(docs *docReader, q *retrieval.Query, ev []retrieval.Evidence, sc scope, content []concept) (a Answer, match float64, enumeration, ok bool) {
	// What counts parts ("分为哪四个方面") is not what they are of.
	content = slices.DeleteFunc(slices.Clone(content), func(c concept) bool { return isScopeConcept(c, partsWords) || c.countsParts() })
	var total float64
	for _, c := range content {
		if !c.isNumber() {
			total += c.w
		}
	}
	if total == 0 {
		return Answer{}, 0, false, false
	}
	asked := askedParts(q.Folded)
	children := childrenQ.MatchString(an.lang.ToSimplified(q.Folded))
	nth := 0 // the part a question names by its number: 第三个“…”
	if m := nthPartRe.FindStringSubmatch(an.lang.ToSimplified(q.Folded)); m != nil {
		nth, _ = hanValue(m[1])
	}
	var best *partGroup
	for _, v := range firstOfEachDoc(ev) {
		chunks, err := docs.chunks(v.Chunk.DocID)
		if err != nil || len(chunks) == 0 {
			continue
		}
		for _, g := range append(partGroups(chunks), an.enumerations(chunks)...) {
			if len(g.labels) < 2 || asked > 0 && len(g.labels) != asked {
				continue
			}
			g.score = an.partsMatch(docs.ix, g, content, asked) / total
			switch {
			case children && an.namesQuotedIn(q, g.parent):
				// "第三个“更加聚焦”下面分成哪三点": the parts under the part named,
				// the third if it says which.
				g.score = 1.2 + g.score
				if n, _, _ := ordinalOf(g.parent); n > 0 && n == nth {
					g.score += 1
				}
			case an.quotesLabels(q, g):
				g.score = 1.1 // 哪三个“更加聚焦”: what every part is
			case utf8.RuneCountInString(g.parent) <= 40 && an.quotesHeading(q, g.parent):
				g.score = 1 // “全面深化标准化改革”这一举措下列了几项: the heading named
			}
			// The scope check folds the group's chunk: only for a group
			// that would win.
			if best != nil && g.score <= best.score {
				continue
			}
			if m := an.check(sc, g.parent, g.chunks[0]); m.kind != missNone {
				continue
			}
			best = g
		}
	}
	if best == nil {
		return Answer{}, 0, false, false
	}
	return an.partsText(q, best, ev), best.score, best.depth < 0, true
}

// countsParts reports whether every term of a concept holds a numeral or
// a measure word (四个, 个方 of 哪四个方面): the count, not the parts.
func (c concept) countsParts() bool {
	for _, alt := range c.alts {
		for _, t := range alt {
			if !strings.ContainsAny(t, "一二两三四五六七八九十几个项类点条") {
				return false
			}
		}
	}
	return len(c.alts) > 0
}

// childrenQ spots a question about the parts under a part: 下面分成哪三点.
var childrenQ = regexp.MustCompile(`下面|之下|底下|下分|下设|下属|\bunder (?:it|that|this)\b|\bsub-?(?:items|points|parts)\b`)

// nthPartRe finds a part named by its number: 第三个“更加聚焦”.
var nthPartRe = regexp.MustCompile(`第([一二三四五六七八九十]+)(?:个|项|条|点)?[“"「]`)

// namesQuotedIn reports whether a heading or lead-in (any script) holds a
// name the question quotes.
func (an *Answerer) namesQuotedIn(q *retrieval.Query, text string) bool {
	f := an.lang.Fold(text)
	for _, name := range q.Quoted {
		if retrieval.HanRunes(name) >= 2 && strings.Contains(f, name) {
			return true
		}
	}
	return false
}

// partsWords are the terms a question counts parts with: 分为, 方面, 部分.
var partsWords = tokenSetOf(retrieval.Tokens(nil, "分为 方面 部分 包括 内容 分别 具体 几点 哪几点"))

// quotesHeading reports whether the question quotes the heading: most of
// its words, numbering aside.
func (an *Answerer) quotesHeading(q *retrieval.Query, heading string) bool {
	h := an.lang.Fold(headingLabel(heading))
	if h == "" {
		return false
	}
	for _, name := range q.Quoted {
		n := retrieval.HanRunes(name)
		if n >= 4 && (strings.Contains(h, name) && 5*n >= 3*retrieval.HanRunes(h) || strings.Contains(name, h)) {
			return true
		}
		if n == 0 && q.English && an.translatesTo(q, name, h) {
			return true
		}
	}
	return false
}

// translatesTo reports whether an English name the question quotes
// ("building a modern industrial standard system") is a heading (folded):
// at least two of its translated words, and three in four of them, are
// in the heading (构建现代化产业标准体系).
func (an *Answerer) translatesTo(q *retrieval.Query, name, heading string) bool {
	name = strings.ToLower(name)
	words, found := 0, 0
	for _, ex := range q.Expanded {
		if !strings.Contains(name, ex.Source) {
			continue
		}
		words++
		for _, t := range ex.Terms {
			if strings.Contains(heading, an.lang.Fold(t)) {
				found++
				break
			}
		}
	}
	return words >= 2 && 4*found >= 3*words
}

// quotesLabels reports whether the question quotes what most of the
// group's labels say (哪三个“更加聚焦”).
func (an *Answerer) quotesLabels(q *retrieval.Query, g *partGroup) bool {
	for _, name := range q.Quoted {
		if retrieval.HanRunes(name) < 2 {
			continue
		}
		n := 0
		for _, l := range g.labels {
			if strings.Contains(an.lang.Fold(l), name) {
				n++
			}
		}
		if 4*n >= 3*len(g.labels) {
			return true
		}
	}
	return false
}

// englishNumbers are the number words a question may give a count of parts in.
var englishNumbers = map[string]int{"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}

// askedPartsRe finds the number of parts a question states: 哪四个方面, four kinds.
var askedPartsRe = regexp.MustCompile(`哪([两二三四五六七八九十])|\b(two|three|four|five|six|seven|eight|nine|ten)\s+(?:\w+\s+){0,3}?(?:kinds|types|aspects|parts|phases|stages|categories|areas|measures|safeguards|tasks|principles|pillars|items|sub-items|subitems|points|sub-points|sub-measures|sub-tasks)\b`)

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
		if c.isNumber() {
			continue // a number of parts is a filter (asked), not a match
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
		switch ss := knowledge.Sentences(c.Text); {
		case i < len(g.quotes):
			opening = g.quotes[i]
		case len(ss) > 0:
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
		if g.depth < 0 || g.depth >= len(c.Section) {
			// an enumeration: its items stand in the chunks' text
		} else if h := c.Section[g.depth]; !strings.Contains(c.Text, headingLabel(h)) {
			// The section's first chunk, as the document reads: its
			// heading line, then the chunk.
			v.Chunk.Text = h + "\n" + c.Text
		}
		cites = append(cites, an.cite(i+1, v))
	}
	return Answer{Text: an.inScript(q.Script, b.String()), Short: an.inScript(q.Script, short), Answered: true, Citations: cites, Path: PathExtractive}
}

// ordinalRe finds the ordinal that opens an item of an enumeration in
// running text: 一是…, 第一，…, 其一，….
var ordinalRe = regexp.MustCompile(`^\s*(?:([一二三四五六七八九十]+)是|第([一二三四五六七八九十]+)[，,、：:]|其([一二三四五六七八九十]+)[，,、：:])`)

// ordinalOf returns an item's ordinal and its kind (是, 第, 其), or 0.
func ordinalOf(s string) (int, string, int) {
	m := ordinalRe.FindStringSubmatchIndex(s)
	if m == nil {
		return 0, "", 0
	}
	for k, kind := range []string{"是", "第", "其"} {
		if lo := m[2+2*k]; lo >= 0 {
			n, ok := hanValue(s[lo:m[3+2*k]])
			if !ok {
				return 0, "", 0
			}
			return n, kind, m[1]
		}
	}
	return 0, "", 0
}

// enumerations finds the enumerations of a document's running text (一是…
// 二是… 三是…, in one paragraph or over several): each a group whose
// "heading" is the sentence before its first item (近年来，上海…取得了一系列
// 重要成果。 or 第一，更加聚焦上海城市的特点和需要。) and whose labels are the
// items' first clauses.
func (an *Answerer) enumerations(chunks []knowledge.Chunk) []*partGroup {
	type sent struct {
		text  string
		chunk int
	}
	var sents []sent
	for i, c := range chunks {
		for _, s := range knowledge.Sentences(c.Text) {
			sents = append(sents, sent{s, i})
		}
	}
	var out []*partGroup
	for i := 0; i < len(sents); i++ {
		n, kind, _ := ordinalOf(sents[i].text)
		if n != 1 {
			continue
		}
		g := &partGroup{depth: -1}
		if i > 0 {
			// The lead-in's last clause: what the items are of.
			lead := strings.TrimRight(sents[i-1].text, "。：:；; ")
			if k := strings.LastIndexAny(lead, "，,"); k >= 0 && utf8.RuneCountInString(lead) > 40 {
				_, w := utf8.DecodeRuneInString(lead[k:])
				lead = lead[k+w:]
			}
			g.parent = lead
		}
		next := 1
		for j := i; j < len(sents) && next <= 12; j++ {
			m, k, end := ordinalOf(sents[j].text)
			switch {
			case m == next && k == kind:
				g.labels = append(g.labels, firstClause(sents[j].text[end:]))
				g.chunks = append(g.chunks, chunks[sents[j].chunk])
				g.quotes = append(g.quotes, sents[j].text)
				next++
			case m == 1 && k == kind && j > i, k == "第" && kind != "第" && m > 0:
				j = len(sents) // a new enumeration, or the next higher item
			}
		}
		if len(g.labels) >= 2 {
			out = append(out, g)
		}
	}
	return out
}

// firstClause is an item's words up to its first clause break, at most 30
// runes: 标准化制度体系不断健全 of 一是标准化制度体系不断健全。在全国….
func firstClause(s string) string {
	if i := strings.IndexAny(s, "，,。；;：:！？"); i >= 0 {
		s = s[:i]
	}
	if rs := []rune(strings.TrimSpace(s)); len(rs) > 30 {
		return string(rs[:30]) + "…"
	}
	return strings.TrimSpace(s)
}

// docReader reads the documents of one question's evidence, each at most
// once however many checks ask for it (its place, the numbers it holds, its
// parts).
type docReader struct {
	ix       *retrieval.Index
	full     map[string][]knowledge.Chunk
	openings map[string]knowledge.Chunk
}

// firstOfEachDoc is the first evidence of each document among the top
// evidence, in rank order: the documents a question reads whole.
func firstOfEachDoc(ev []retrieval.Evidence) []retrieval.Evidence {
	var out []retrieval.Evidence
	seen := make(map[string]bool)
	for _, v := range ev[:min(len(ev), 5)] {
		if !seen[v.Chunk.DocID] {
			seen[v.Chunk.DocID] = true
			out = append(out, v)
		}
	}
	return out
}

func newDocReader(ix *retrieval.Index) *docReader {
	return &docReader{ix: ix, full: make(map[string][]knowledge.Chunk), openings: make(map[string]knowledge.Chunk)}
}

// chunks returns the first maxStructureChunks chunks of document id.
func (r *docReader) chunks(id string) ([]knowledge.Chunk, error) {
	if cs, ok := r.full[id]; ok {
		return cs, nil
	}
	cs, err := r.ix.DocumentChunks(id, maxStructureChunks)
	if err != nil {
		return nil, err
	}
	r.full[id] = cs
	return cs, nil
}

// opening returns the first chunk of document id, or false.
func (r *docReader) opening(id string) (knowledge.Chunk, bool, error) {
	if cs, ok := r.full[id]; ok {
		if len(cs) == 0 {
			return knowledge.Chunk{}, false, nil
		}
		return cs[0], true, nil
	}
	if c, ok := r.openings[id]; ok {
		return c, true, nil
	}
	c, ok, err := r.ix.DocumentOpening(id)
	if ok && err == nil {
		r.openings[id] = c
	}
	return c, ok, err
}
