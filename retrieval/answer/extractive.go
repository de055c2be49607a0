package answer

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/policybot/policybot/knowledge"
	"github.com/policybot/policybot/retrieval"
)

// Confidence thresholds of the extractive answerer: the share of the
// question's informative (IDF-weighted) terms that the chosen evidence must
// hold.
const (
	minCoverage = 0.45
	// minEnglishCoverage is lower: expansions are noisy, and an English
	// question's terms come through the lexicon.
	minEnglishCoverage = 0.35
)

type candSentence struct {
	text   string // original
	folded string
	ev     int // index into evidence
	nth    int // sentence number within its chunk
	score  float64
	cover  float64
}

// extractive answers from the evidence alone: it picks the sentence that
// best covers the question's terms, leads with the number or phrase that
// answers when it can, quotes the sentence with a [1] marker and cites the
// chunk. It declines when the evidence misses a place the question names or
// covers too little of the question.
func (an *Answerer) extractive(ix *retrieval.Index, q *retrieval.Query, ev []retrieval.Evidence) Answer {
	decline := Answer{Text: an.declineText(q), Path: PathDeclined}
	if len(ev) == 0 {
		return decline
	}
	if len(q.Missing) > 0 {
		return decline
	}
	// idf weighs the question's terms that occur in the knowledge base.
	idf := make(map[string]float64, len(q.Terms))
	for _, t := range q.Terms {
		if ix.DF(t.Text) != 0 {
			idf[t.Text] = ix.IDF(t.Text) * t.Weight
		}
	}
	concepts := an.concepts(ix, q, idf)
	// Words of the question the knowledge base never uses are usually a
	// name or subject it does not cover: they count against the evidence,
	// at half the IDF of a term no chunk has.
	ctotal := 0.5 * ix.IDF("\x00") * float64(q.UnknownBigrams(ix))
	for _, c := range concepts {
		ctotal += c.w
	}
	if ctotal == 0 {
		return decline
	}
	var best *candSentence
	var cands []candSentence
	for i, v := range ev[:min(len(ev), 5)] {
		ctxFold := an.lang.Fold(v.Chunk.Title + " " + strings.Join(v.Chunk.Section, " "))
		for nth, s := range knowledge.Sentences(v.Chunk.Text) {
			f := an.lang.Fold(s)
			var hit float64
			for _, c := range concepts {
				hit += c.match(f, ctxFold, ix)
			}
			cover := hit / ctotal
			score := cover - 0.03*float64(i)
			if q.Quantity && hasCount(s) {
				score += 0.05
			}
			cands = append(cands, candSentence{text: s, folded: f, ev: i, nth: nth, score: score, cover: cover})
		}
	}
	for i := range cands {
		if best == nil || cands[i].score > best.score {
			best = &cands[i]
		}
	}
	need := minCoverage
	if q.English {
		need = minEnglishCoverage
	}
	if best == nil || best.cover < need {
		return decline
	}
	// Places named in the question must be in the cited evidence.
	src := ev[best.ev].Chunk
	where := an.lang.Fold(src.Title + " " + strings.Join(src.Section, " ") + " " + src.Text)
	for _, p := range q.Places {
		if !strings.Contains(where, p) {
			return decline
		}
	}
	short := ""
	if docNumberQ.MatchString(q.Folded) {
		if num, at := an.docNumber(ev, idf); num != "" {
			short, best, src = num, &candSentence{text: at, ev: best.ev}, ev[best.ev].Chunk
			for i, v := range ev {
				if strings.Contains(v.Chunk.Text, num) {
					best.ev, src = i, v.Chunk
					break
				}
			}
		}
	} else if q.Quantity {
		short = an.figure(q, best.text, idf)
	} else if yearQ.MatchString(q.Folded) {
		// "When…?" leads with the date the sentence gives, if it gives one.
		short = dateRe.FindString(an.lang.ToSimplified(best.text))
	}
	var peers []*candSentence
	if !docNumberQ.MatchString(q.Folded) {
		peers = peerSentences(cands, best)
		if q.Quantity && !listQ.MatchString(q.Folded) {
			// The parts of a "how many" answer each carry a figure.
			peers = slices.DeleteFunc(peers, func(c *candSentence) bool { return !an.hasFigure(q, c.text) })
		}
	}
	if len(peers) > 0 {
		// A list answer reads in document order.
		all := append([]*candSentence{best}, peers...)
		sort.SliceStable(all, func(i, j int) bool { return all[i].before(all[j], ev) })
		best, peers = all[0], all[1:]
		src = ev[best.ev].Chunk
	}
	if len(peers) > 0 && q.Quantity {
		short = an.figure(q, best.text, idf)
		figs := []string{short}
		for _, p := range peers {
			if f := an.figure(q, p.text, idf); f != "" && !slices.Contains(figs, f) {
				figs = append(figs, f)
			}
		}
		short = strings.Join(figs, "、")
	}
	quote := an.lang.ToSimplified(withFollowing(ev, best))
	var b strings.Builder
	switch {
	case short != "" && q.Script == knowledge.ScriptLatin:
		// English askers get dates in English and figures without the
		// Chinese measure word.
		if d, ok := englishDate(short); ok {
			short = d
		} else if n := leadingNumber.FindString(short); n != "" && !strings.Contains(short, "、") {
			short = n
		}
		fmt.Fprintf(&b, "%s. The source says: “%s” [1]", short, quote)
	case short != "":
		fmt.Fprintf(&b, "%s。依据：“%s”[1]", short, quote)
	case q.Script == knowledge.ScriptLatin:
		fmt.Fprintf(&b, "The source says: “%s” [1]", quote)
	default:
		fmt.Fprintf(&b, "%s[1]", quote)
	}
	cites := []Citation{an.cite(1, ev[best.ev])}
	cited := map[string]int{src.ID: 1}
	more := peers
	if len(more) == 0 && !docNumberQ.MatchString(q.Folded) {
		// A second sentence, when it adds the question's terms.
		if second := secondSentence(ix, cands, best, ev, concepts, ctotal); second != nil {
			more = []*candSentence{second}
		}
	}
	for _, m := range more {
		id := ev[m.ev].Chunk.ID
		n, ok := cited[id]
		if !ok {
			n = len(cites) + 1
			cited[id] = n
			cites = append(cites, an.cite(n, ev[m.ev]))
		}
		fmt.Fprintf(&b, "\n“%s”[%d]", an.lang.ToSimplified(withFollowing(ev, m)), n)
	}
	return Answer{Text: an.inScript(q.Script, b.String()), Short: an.inScript(q.Script, short), Answered: true, Citations: cites, Path: PathExtractive}
}

// withFollowing returns a sentence, and when it is only a heading or a
// fragment ("(一)组织保障。"), the sentences after it in its chunk, up to a
// readable length: the content the heading announces.
func withFollowing(ev []retrieval.Evidence, c *candSentence) string {
	const short, enough = 24, 60
	if utf8.RuneCountInString(c.text) >= short {
		return c.text
	}
	sents := knowledge.Sentences(ev[c.ev].Chunk.Text)
	if c.nth >= len(sents) || sents[c.nth] != c.text {
		return c.text
	}
	out := c.text
	for _, s := range sents[c.nth+1:] {
		if utf8.RuneCountInString(out) >= enough {
			break
		}
		out += s
	}
	return out
}

// nearDuplicate reports whether two folded sentences share most of their
// bigrams: the same sentence in two reports of one policy.
func nearDuplicate(a, b string) bool {
	ta, tb := retrieval.Tokens(nil, a), retrieval.Tokens(nil, b)
	if len(ta) == 0 || len(tb) == 0 {
		return a == b
	}
	set := make(map[string]bool, len(ta))
	for _, t := range ta {
		set[t] = true
	}
	common := 0
	for _, t := range tb {
		if set[t] {
			common++
		}
	}
	return float64(common) >= 0.7*float64(min(len(ta), len(tb)))
}

// before orders sentences by their place in the documents.
func (c *candSentence) before(d *candSentence, ev []retrieval.Evidence) bool {
	a, b := ev[c.ev].Chunk, ev[d.ev].Chunk
	if a.DocID != b.DocID {
		return a.DocID < b.DocID
	}
	if a.Start != b.Start {
		return a.Start < b.Start
	}
	return c.nth < d.nth
}

// peerSentences finds sentences as good as the best one, from elsewhere in
// the evidence: the parts of a list answer ("which stages, in which
// years?"), up to three, in evidence order.
func peerSentences(cands []candSentence, best *candSentence) []*candSentence {
	var peers []*candSentence
	for i := range cands {
		c := &cands[i]
		if c.cover < 0.95*best.cover || nearDuplicate(c.folded, best.folded) {
			continue
		}
		dup := false
		for _, p := range peers {
			dup = dup || nearDuplicate(c.folded, p.folded)
		}
		if dup {
			continue
		}
		peers = append(peers, c)
		if len(peers) == 3 {
			break
		}
	}
	return peers
}

// docNumberQ spots questions about a document's issuing number (文号).
var docNumberQ = regexp.MustCompile(`文号|发文字号|文件编号|document number|reference number|file number`)

// docNumberRe matches issuing numbers such as 沪府办发〔2015〕45号.
var docNumberRe = regexp.MustCompile(`\p{Han}{1,8}[〔\[［(（]\d{4}[〕\]］)）]\s*\d+\s*号`)

// docNumber picks the issuing number that belongs to the document the
// question describes: one standing on a line of its own (a document's own
// number, not one it cites) in a chunk whose title and text best match.
func (an *Answerer) docNumber(ev []retrieval.Evidence, idf map[string]float64) (string, string) {
	best, bestLine, bestScore := "", "", -1.0
	for i, v := range ev[:min(len(ev), 5)] {
		lines := strings.Split(v.Chunk.Text, "\n")
		for _, line := range lines {
			for _, m := range docNumberRe.FindAllString(line, -1) {
				f := an.lang.Fold(v.Chunk.Title + " " + line)
				var sc float64
				for t, w := range idf {
					if strings.Contains(f, t) {
						sc += w
					}
				}
				if strings.TrimSpace(line) == m {
					sc *= 2 // the document's own number
				}
				sc -= 0.01 * float64(i)
				if sc > bestScore {
					best, bestLine, bestScore = m, strings.TrimSpace(line), sc
				}
			}
		}
	}
	if best != "" && bestLine == best {
		bestLine = best
	}
	return best, bestLine
}

// concept is one thing the question asks about: a term of a Chinese
// question, or an English word with its Chinese alternatives (秘书处, or 标委会
// / 技术委员会), which a sentence satisfies with any one of them.
type concept struct {
	alts [][]string // each alternative's terms
	w    float64
}

// concepts groups the question's terms: each expansion of an English word
// is one concept however many alternatives it has, so that a sentence
// holding three synonyms does not outscore one holding the answer; every
// other term stands alone.
func (an *Answerer) concepts(ix *retrieval.Index, q *retrieval.Query, idf map[string]float64) []concept {
	var cs []concept
	grouped := make(map[string]bool)
	for _, ex := range q.Expanded {
		c := concept{}
		for _, term := range ex.Terms {
			ts := retrieval.Tokens(nil, term)
			var w float64
			for _, t := range ts {
				w += ix.IDF(t)
			}
			if len(ts) == 0 || w == 0 {
				continue
			}
			c.alts = append(c.alts, ts)
			c.w = max(c.w, w/float64(len(ts))*min(float64(len(ts)), 2))
			for _, t := range ts {
				grouped[t] = true
			}
		}
		if len(c.alts) > 0 {
			cs = append(cs, c)
		}
	}
	for t, w := range idf {
		if !grouped[t] {
			cs = append(cs, concept{alts: [][]string{{t}}, w: w})
		}
	}
	return cs
}

// match is how much of the concept a sentence (folded) holds, or its
// chunk's title and section (ctx) at half weight: the best alternative's
// IDF-weighted share of its terms, times the concept's weight.
func (c concept) match(folded, ctx string, ix *retrieval.Index) float64 {
	best := 0.0
	for _, alt := range c.alts {
		var got, all float64
		for _, t := range alt {
			w := ix.IDF(t)
			all += w
			switch {
			case strings.Contains(folded, t):
				got += w
			case strings.Contains(ctx, t):
				got += w / 2
			}
		}
		if all > 0 {
			best = max(best, got/all)
		}
	}
	return best * c.w
}

// secondSentence picks a supporting sentence that covers concepts the best
// one misses.
func secondSentence(ix *retrieval.Index, cands []candSentence, best *candSentence, ev []retrieval.Evidence, concepts []concept, total float64) *candSentence {
	var missing float64
	have := make([]float64, len(concepts))
	for i, c := range concepts {
		have[i] = c.match(best.folded, "", ix)
		missing += c.w - have[i]
	}
	if missing/total < 0.25 {
		return nil
	}
	var pick *candSentence
	var pickGain float64
	for i := range cands {
		c := &cands[i]
		if c.text == best.text {
			continue
		}
		// From another document it must stand nearly as well on its own.
		if ev[c.ev].Chunk.DocID != ev[best.ev].Chunk.DocID && c.cover < 0.8*best.cover {
			continue
		}
		var gain float64
		for j, k := range concepts {
			gain += max(0, k.match(c.folded, "", ix)-have[j])
		}
		if gain/total >= 0.2 && gain > pickGain && c.cover >= 0.3 {
			pick, pickGain = c, gain
		}
	}
	return pick
}

func (an *Answerer) cite(n int, v retrieval.Evidence) Citation {
	return Citation{N: n, Doc: v.Chunk.DocID, Title: v.Chunk.Title, Section: strings.Join(v.Chunk.Section, " › "),
		Date: v.Chunk.Date, Page: v.Chunk.Page, Text: v.Chunk.Text, Score: v.Score, Chunk: v.Chunk.ID}
}

// numberRe finds a figure with its unit or measure word.
var numberRe = regexp.MustCompile(`\d+(?:[.,]\d+)*\s*(?:%|％|个月|个|個|项|項|名|家|所|次|届|屆|年|月|日|亿元|万元|亿|萬|万|元|条|條|种|種|批|人|座|类|類|级|級|倍|部|件|台|位|处|處)?`)

var leadingNumber = regexp.MustCompile(`^\d+(?:[.,]\d+)*\s*[%％]?`)

// hasFigure reports whether s holds a figure that can answer q: a count,
// or a year when q asks for one.
func (an *Answerer) hasFigure(q *retrieval.Query, s string) bool {
	return hasCount(s) || yearQ.MatchString(q.Folded) && yearRe.MatchString(s)
}

var yearRe = regexp.MustCompile(`(?:19|20)\d{2}年?`)

// dateRe finds a date or year: 2015年10月30日, 2023年7月, 2025年.
var dateRe = regexp.MustCompile(`(?:19|20)\d{2}年(?:\d{1,2}月(?:\d{1,2}日)?)?`)

// listQ spots questions that ask for several things ("分为哪几个阶段").
var listQ = regexp.MustCompile(`哪几|哪些|有哪|which|what are`)

// englishDate writes 2015年10月30日 as "30 October 2015", 2023年7月 as
// "July 2023" and 2025年 as "2025".
func englishDate(s string) (string, bool) {
	m := dateParts.FindStringSubmatch(s)
	if m == nil || m[0] != s {
		return "", false
	}
	month := func(mm string) string {
		n, _ := strconv.Atoi(mm)
		if n < 1 || n > 12 {
			return mm
		}
		return time.Month(n).String()
	}
	switch {
	case m[3] != "":
		return fmt.Sprintf("%s %s %s", m[3], month(m[2]), m[1]), true
	case m[2] != "":
		return fmt.Sprintf("%s %s", month(m[2]), m[1]), true
	}
	return m[1], true
}

var dateParts = regexp.MustCompile(`^((?:19|20)\d{2})年(?:(\d{1,2})月(?:(\d{1,2})日)?)?$`)

// yearQ spots questions whose answer is a year.
var yearQ = regexp.MustCompile(`哪一年|哪年|何年|哪些年|什么时候|何时|what year|which year|\bwhen\b`)

// hasCount reports whether s holds a figure that is not a year.
func hasCount(s string) bool {
	for _, fig := range numberRe.FindAllString(s, -1) {
		if !isYear(strings.TrimSpace(fig)) {
			return true
		}
	}
	return false
}

// figureSplit cuts a sentence into the clauses a figure belongs to: at
// commas, semicolons, colons and the enumeration comma (22个国家级…、127个省级…).
var figureSplit = regexp.MustCompile(`[，,；;：:、]`)

// figure picks, for a "how many" question, the number in the sentence whose
// clause best matches the question's terms, with its measure word.
func (an *Answerer) figure(q *retrieval.Query, sentence string, idf map[string]float64) string {
	bestScore := -1.0
	bestFig := ""
	for _, clause := range figureSplit.Split(an.lang.ToSimplified(sentence), -1) {
		figs := numberRe.FindAllString(clause, -1)
		if len(figs) == 0 {
			continue
		}
		f := an.lang.Fold(clause)
		var s float64
		for t, w := range idf {
			if strings.Contains(f, t) {
				s += w
			}
		}
		// A count is not a year: skip years ("2020年底前完成") and the
		// question's own figures.
		for _, fig := range figs {
			fig = strings.TrimSpace(fig)
			if isYear(fig) && !yearQ.MatchString(q.Folded) || strings.Contains(q.Folded, strings.TrimRight(fig, "年")) && len(fig) >= 4 {
				continue
			}
			if s > bestScore {
				bestScore, bestFig = s, fig
			}
			break
		}
	}
	return bestFig
}

func isYear(fig string) bool {
	d := strings.TrimRight(fig, "年")
	return len(d) == 4 && (strings.HasPrefix(d, "19") || strings.HasPrefix(d, "20"))
}

// inScript writes Chinese text in the asker's script: Traditional askers get
// Traditional, everyone else Simplified. English askers get the source
// quoted in Simplified.
func (an *Answerer) inScript(s knowledge.Script, text string) string {
	simp := an.lang.ToSimplified(text)
	if s == knowledge.ScriptTraditional {
		return an.lang.ToTraditional(simp)
	}
	return simp
}

// declineText says the documents do not hold the answer, in the asker's
// language.
func (an *Answerer) declineText(q *retrieval.Query) string {
	switch q.Script {
	case knowledge.ScriptLatin, knowledge.ScriptUnknown:
		return fmt.Sprintf("The documents in the knowledge base do not say: %q. I found no passage that answers it, so I won't guess.", q.Text)
	case knowledge.ScriptTraditional:
		return an.lang.ToTraditional(fmt.Sprintf("知识库中的文件没有提到这个问题的答案：“%s”。为避免误导，我不作推测。", an.lang.ToSimplified(q.Text)))
	}
	return fmt.Sprintf("知识库中的文件没有提到这个问题的答案：“%s”。为避免误导，我不作推测。", q.Text)
}
