package answer

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
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
	// minWhyCoverage is higher: a why-question presupposes a fact, and a
	// sentence that states only part of it answers a question nobody asked
	// ("Why did Shanghai cancel its fund?" → "Shanghai set up a fund").
	minWhyCoverage = 0.7
)

// minPartsMatch is the share of a question's content words that a group of
// sibling headings must match to answer it with its parts.
const minPartsMatch = 0.5

// bylineRoleRe finds the roles a news page's byline names: a question
// about them is answered by the byline, not by the story's words.
var bylineRoleRe = regexp.MustCompile(`记者|通讯员|责任编辑|编辑|作者|撰稿`)

// A sentence a little under the threshold still answers when it holds most
// of what the question asks (its place, year and document words aside).
const (
	nearMiss = 0.08
	minAsked = 0.5
)

// lengthPenalty is what 100 runes of a sentence cost it against a shorter
// one with the same coverage.
const lengthPenalty = 0.03

// whyQ spots questions that ask for a reason.
var whyQ = regexp.MustCompile(`为什么|为何|为啥|何以|什么原因|原因是|原因何在|啥原因|\bwhy\b|how come|what is the reason|for what reason|\bexplain\b|reasons? for`)

// becomesWhatRe finds 为什么 that reads "为 + 什么" after a verb: 上升为什么
// 标准 ("raised to what standard"), 成为什么, 列为什么 — no why-question.
var becomesWhatRe = regexp.MustCompile(`[成作升化定列称视改变分选评建划转认]为什么`)

// isWhy reports whether a question (folded) asks for a reason.
func isWhy(folded string) bool {
	return whyQ.MatchString(becomesWhatRe.ReplaceAllString(folded, ""))
}

type candSentence struct {
	text string // original
	// note is the task note that closes the sentence's group in a work
	// plan, "(市财政局牵头,市质量技监局配合,2017年底前完成)": who leads and by
	// when, for every sentence of the task it ends. "" when the sentence
	// holds it.
	note string
	// period is the period its paragraph counts figures over, when the
	// sentence names none: 截至2021年底 (sentencesInContext).
	period string
	folded string
	ev     int // index into evidence
	nth    int // sentence number within its chunk
	score  float64
	cover  float64
	asked  float64 // the share of the question's content (scope words aside) it holds
}

// extractive answers from the evidence alone: it picks the sentence that
// best covers the question's terms within the question's scope (places,
// periods, documents, codes), leads with the number, date, name or
// document number that answers when it can, quotes the sentence with a [1]
// marker and cites the chunk. It declines when no sentence in scope covers
// enough of the question, or when a "how many" question finds no number
// bound to what it counts.
func (an *Answerer) extractive(ix *retrieval.Index, q *retrieval.Query, ev []retrieval.Evidence) Answer {
	decline := func(m miss) Answer {
		return Answer{Text: an.declineText(q, m), Path: PathDeclined, DeclineReason: m.kind.String()}
	}
	if len(ev) == 0 {
		return decline(miss{})
	}
	if len(q.Missing) > 0 {
		return decline(miss{kind: missUnknown})
	}
	qSimp := an.lang.ToSimplified(q.Folded)
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
	ctotal := 0.5 * ix.IDF("\x00") * float64(q.UnknownBigrams(ix)+len(q.Unplaced))
	for _, c := range concepts {
		ctotal += c.w
	}
	if ctotal == 0 {
		return decline(miss{})
	}
	sc := an.scopeOf(q)
	docs := newDocReader(ix)
	an.withDocPlaces(&sc, docs, ev)
	an.withFitting(&sc, ev)
	if a, ok := an.extremeDeadline(docs, q, ev, sc); ok {
		return a
	}
	// The sentence is chosen by what the question asks; the words naming
	// where (place, year, kind of document) count toward the threshold only.
	source := an.sourceTokens(q)
	scopeTerms := an.scopeTokens(q, sc, source)
	if len(source) > 0 {
		// Where the answer is said ("据新闻发布会介绍，…") neither chooses
		// the sentence nor counts toward the threshold.
		isSource := func(c concept) bool { return isScopeConcept(c, source) }
		if rest := slices.DeleteFunc(slices.Clone(concepts), isSource); len(rest) > 0 {
			for _, c := range concepts {
				if isSource(c) {
					ctotal -= c.w
				}
			}
			concepts = rest
		}
	}
	content, ctotalContent := withoutScope(concepts, ctotal, scopeTerms)
	wantDate := asksDate(q.Folded)
	wantDay := wantDate && dayQ.MatchString(q.Folded)
	// When an event was held may be a news page's date; a deadline never is.
	eventDay := !deadlineQ.MatchString(q.Folded)
	byline := ""
	if whoQ.MatchString(q.Folded) {
		byline = bylineRoleRe.FindString(qSimp)
	}
	roleAsked := roleAskedQ.MatchString(q.Folded)
	var cands []candSentence
	for i, v := range ev[:min(len(ev), 5)] {
		ctxFold := an.lang.Fold(v.Chunk.Title + " " + strings.Join(v.Chunk.Section, " "))
		sents, notes, periods := sentencesInContext(v.Chunk.Text)
		prev := "" // the sentence before, folded
		for nth, s := range sents {
			f := an.lang.Fold(s)
			words := f
			if plain := an.lang.FoldPlain(s); plain != f {
				words = f + "\n" + plain // a Taiwan phrase read across a word boundary
			}
			sctx := ctxFold
			if roleAsked && notes[nth] != "" && len(v.Chunk.Section) > 0 {
				// "Who assists task X?": the task's heading names X for
				// every sentence under it, and its note answers.
				words += " " + an.lang.Fold(v.Chunk.Section[len(v.Chunk.Section)-1])
			}
			if nth > 0 && anaphoraRe.MatchString(f) {
				// "同时,嘉兴还将加快探索该中心与…对接": 该中心 is the one the
				// sentence before names, in its words.
				words += " " + prev
			}
			prev = f
			if notes[nth] != "" {
				// The task's note (who leads, by when) counts like its
				// headings: at half weight, or every task of a plan would
				// answer "who leads…?".
				sctx += " " + an.lang.Fold(notes[nth])
			}
			if wantDate && dateOnlyRe.MatchString(s) {
				// A notice's signature date speaks for its document: the
				// title and the issuing number are its words.
				words += " " + ctxFold
				for _, n := range docNumberRe.FindAllString(an.lang.ToSimplified(v.Chunk.Text), 3) {
					words += " " + an.lang.Fold(n)
				}
			}
			var hit, hitContent float64
			for _, c := range concepts {
				if isScopeConcept(c, scopeTerms) {
					// A document's title and headings state its place,
					// year and kind for every sentence under them.
					hit += c.match(words+" "+ctxFold, "", ix)
					continue
				}
				hit += c.match(words, sctx, ix)
			}
			for _, c := range content {
				hitContent += c.match(words, sctx, ix)
			}
			cover := hit / ctotal
			// Of two sentences that say as much, the shorter says it: a
			// preamble that names everything is not the answer.
			score := hitContent/ctotalContent - 0.03*float64(i) - lengthPenalty*float64(utf8.RuneCountInString(s))/100
			if q.Quantity && hasCount(s) {
				score += 0.05
			}
			if wantDay && dateDayRe.MatchString(an.lang.ToSimplified(s)) {
				score += 0.1
			}
			if byline != "" && strings.Contains(an.lang.ToSimplified(s), byline) && an.personName(s, q, nil) != "" {
				// "记者是谁": the byline answers, whatever else the question says.
				score += 0.5
				cover = max(cover, minCoverage)
			}
			cands = append(cands, candSentence{text: s, note: notes[nth], period: periods[nth], folded: f, ev: i, nth: nth, score: score, cover: cover, asked: hitContent / ctotalContent})
		}
	}
	need := minCoverage
	if q.English {
		need = minEnglishCoverage
	}
	whyQuestion := isWhy(q.Folded)
	if whyQuestion {
		// "Why did X happen?" presupposes X: the answer must state it, and
		// a word for X that the documents never use (废止) says they don't.
		need = minWhyCoverage
		if q.UnknownBigrams(ix)+len(q.Unplaced) > 0 {
			return decline(miss{kind: missUnknown})
		}
	}
	// "文号为国发〔2015〕13号的是哪份文件？" gives the number and asks the document.
	docNumber := docNumberQ.MatchString(q.Folded) && len(askedNumbers(an.lang.ToSimplified(q.Text))) == 0
	rank := rankQ.MatchString(q.Folded)
	list := listQ.MatchString(q.Folded) && !whichTimeQ.MatchString(q.Folded)
	quantity := q.Quantity && !docNumber && !rank && !list
	noun := an.countedTerms(q)
	person := (whoQ.MatchString(q.Folded) || whichQ.MatchString(q.Folded)) && roleQ.MatchString(q.Folded)
	whoAny := whoQ.MatchString(q.Folded) && !person
	issuer := issuerQ.MatchString(qSimp)
	exactDay := wantDate && exactDayQ.MatchString(q.Folded)

	// The best sentence in scope, by score; the first one out of scope
	// says what the documents hold instead, for the decline.
	order := make([]int, len(cands))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return cands[order[a]].score > cands[order[b]].score })
	docOf := an.numberedDocs(docs, q, ev)
	prem := an.premiseOf(q)
	ending := endingQ.MatchString(q.Folded)
	abolish := abolishQ.MatchString(q.Folded)
	pastAsked := pastEditionQ.MatchString(qSimp)
	stated := an.statedFigures(q)
	bindsQ := bindsQ.MatchString(qSimp)
	people := peopleClaimOf(qSimp)
	leadOrgs := an.leadOrgs(q, sc)
	contact := contactAsked(qSimp)
	achieved := achievedQ.MatchString(qSimp) && !targetQ.MatchString(q.Folded)
	if an.log.Enabled(context.Background(), slog.LevelDebug) {
		an.log.Debug("question analysed", "folded", q.Folded, "quoted", q.Quoted, "expanded", q.Expanded, "unknown", q.UnknownBigrams(ix)+len(q.Unplaced), "total", ctotal)
		for _, i := range order[:min(len(order), 5)] {
			c := &cands[i]
			an.log.Debug("candidate sentence", "score", c.score, "cover", c.cover, "need", need, "chunk", ev[c.ev].Chunk.ID, "text", c.text)
		}
	}
	var best *candSentence
	var fig figure
	var why, placeOK miss
	inScope := make(map[*candSentence]bool)
	for _, i := range order {
		c := &cands[i]
		if c.cover < need && !(c.cover >= need-nearMiss && c.asked >= minAsked) {
			continue
		}
		// The sentence, and with its task's note, in Simplified: read once
		// by the checks below.
		simp := an.lang.ToSimplified(c.text)
		simpNote := simp
		if c.note != "" {
			simpNote += an.lang.ToSimplified(c.note)
		}
		if abolish && !abolishText.MatchString(simpNote) {
			if why.kind == missNone && endingText.MatchString(simpNote) {
				why = miss{kind: missPremise}
			}
			continue // "全部废止推荐性地方标准" where the documents 缩减 them
		}
		if ending && !endingText.MatchString(simpNote) {
			continue // "when does it shut down X?" where the sentence builds X
		}
		if whyQuestion && !an.statesPremise(q.Folded, c.text) {
			continue // "why did X fail?" where the documents say X succeeded
		}
		if len(leadOrgs) > 0 && assistsOnly(taskNoteRe.FindString(simpNote), leadOrgs) {
			// "puts the Commerce Commission in charge of…" where the note
			// has it assist (市质量技监局牵头,市商务委配合).
			return decline(miss{kind: missPremise})
		}
		if bindsQ && !an.bindsPlace(qSimp, simp) || !people.statedBy(simp) {
			// The sentence names the place and says otherwise of it: that
			// says more than another sentence's place or year.
			why = miss{kind: missPremise}
			continue // "海宁和平湖同属质量效益型试点" where 平湖 is 创新开放
		}
		if an.figureOtherwise(q, stated, c.text, idf) {
			// "Since Shanghai holds 16 secretariats…" where it holds 6.
			return decline(miss{kind: missPremise})
		}
		if pastAsked && plannedText.MatchString(simp) {
			// "上一届颁给了谁" where the documents 研究创设 the award: it has
			// not been held.
			return decline(miss{kind: missPremise})
		}
		if prem.contradictedBy(simp) {
			// "上海的六大先导产业" where the documents name 三大先导产业, "扩大…
			// 规模" where they 缩减 it: the premise is wrong, and another
			// sentence would only mislead.
			return decline(miss{kind: missPremise})
		}
		if !an.namesQuoted(q, c, ev[c.ev].Chunk, ix) {
			continue // the question's quoted name is the subject
		}
		if num, ok := docOf.holds(ev[c.ev].Chunk.DocID); !ok {
			if why.kind == missNone || why.kind == missFigure {
				why = miss{kind: missDocument, asked: num}
			}
			continue // "沪府办发〔2015〕45号提出的…" is about that document
		}
		if achieved && targetLeadRe.MatchString(an.lang.ToSimplified(c.period+strings.TrimSpace(c.text))) {
			if why.kind == missNone {
				why = miss{kind: missFigure}
			}
			continue // "已经认定了多少项" is not answered by 到2025年的目标
		}
		if m := an.check(sc, c.period+c.text+c.note, ev[c.ev].Chunk); m.kind != missNone {
			an.log.Debug("sentence out of scope", "why", m.kind.String(), "asked", m.asked, "found", m.found, "text", c.text)
			if why.kind == missNone || why.kind == missFigure {
				why = m // what the documents hold instead says more than a missing figure
			}
			if m.kind != missPlace && placeOK.kind == missNone {
				placeOK = m // a sentence of the place asked, out for another reason
			}
			continue
		}
		inScope[c] = true
		if best != nil {
			continue
		}
		if quantity {
			f, ok := an.extremeFigure(q.Folded, noun, c.text)
			if !ok {
				f, ok = an.pickFigure(q.Folded, noun, c.text, idf, false)
			}
			if !ok && len(q.Quoted) > 0 && noun.english == "" {
				// 「浙江製造」標準累計要發多少項: the quoted name is what is counted.
				f, ok = an.pickFigure(q.Folded, counted{noun: q.Quoted[0], unit: noun.unit, count: noun.count}, c.text, idf, false)
			}
			if !ok {
				f, ok = an.countNamed(noun, c.text)
			}
			if !ok {
				f, ok = countActors(qSimp, simp)
			}
			if !ok {
				f, ok = countDepartments(q.Folded, simpNote)
			}
			if !ok {
				if why.kind == missNone {
					why = miss{kind: missFigure}
				}
				continue // a "how many" answer states a number
			}
			fig = f
		}
		if dated := an.datedText(c, ev, eventDay); wantDate && !list && dateSpanRe.FindString(dated) == "" && !ongoingRe.MatchString(dated) || exactDay && !dateDayRe.MatchString(dated) {
			if why.kind == missNone {
				why = miss{kind: missFigure}
			}
			continue // "when?" is answered by a date
		}
		if rank && rankRe.FindString(c.text) == "" {
			if why.kind == missNone {
				why = miss{kind: missFigure}
			}
			continue // "where does it rank" is answered by a rank
		}
		if strings.HasPrefix(strings.TrimSpace(c.text), "来源：") && !sourceQ.MatchString(q.Folded) {
			continue // a page's byline answers who published it and when, nothing else
		}
		if contact != nil && !contact.MatchString(simpNote) {
			if why.kind == missNone {
				why = miss{kind: missFigure}
			}
			continue // "哪个网站", "what's the phone number" is answered by one
		}
		if issuer && !(orgRe.MatchString(simp) && issuedText.MatchString(simp)) {
			if why.kind == missNone {
				why = miss{kind: missFigure}
			}
			continue // "which body issued the plan?" is answered by the body that issued it
		}
		if whoAny && !namesActor(simpNote) {
			if why.kind == missNone {
				why = miss{kind: missFigure}
			}
			continue // "who sits on the panel?" is answered by a person or a body
		}
		if person && an.personName(c.text, q, idf) == "" {
			if why.kind == missNone {
				why = miss{kind: missFigure}
			}
			continue // "who is the director" is answered by a name
		}
		best = c
	}
	for _, v := range ev[:min(len(ev), 5)] {
		if prem.numbersOtherwise(an.lang.ToSimplified(v.Chunk.Text)) {
			return decline(miss{kind: missPremise}) // the documents' 四梁八柱, not “五梁十柱”
		}
	}
	if n, noun, ok := askedOrdinal(qSimp); ok && an.lacksOrdinal(docs, ev, n, noun) {
		// "the fourth phase" of a plan whose phases stop at 第三阶段.
		return decline(miss{kind: missPremise})
	}
	if partsQ.MatchString(q.Folded) && !docNumber && !wantDate && !person && !rank {
		// A document's parts are its headings, which no one sentence lists.
		// An enumeration's lead-in is a sentence, which matches words more
		// easily than a heading: it answers over a sentence only when the
		// question counts parts.
		pa, match, enum, ok := an.partsAnswer(docs, q, ev, sc, content)
		an.log.Debug("parts", "ok", ok, "match", match, "enumeration", enum)
		if ok && match >= minPartsMatch &&
			(best == nil || countedPartsQ.MatchString(q.Folded) || !enum && match >= 0.8 && match > best.cover) {
			return pa
		}
	}
	if best == nil {
		if why.kind == missPlace && placeOK.kind != missNone {
			// "…moved into Zhejiang in 2024?": the documents do speak of
			// Zhejiang, not of that year; "they give this for 上海" would
			// mislead.
			why = placeOK
		}
		return decline(why)
	}
	src := ev[best.ev].Chunk
	short := ""
	switch {
	case docNumber:
		num, at := an.docNumber(ix, q, ev, idf)
		if num == "" {
			return decline(miss{kind: missFigure}) // a document number is answered by one
		}
		an.log.Debug("document number", "num", num, "years", sc.years, "docYears", sc.docYears)
		if y, ok := numberYear(num); ok && len(sc.years)+len(sc.docYears) > 0 && !slices.Contains(sc.years, y) && !slices.Contains(sc.docYears, y) {
			// "国务院2018年印发的…文号" is not 国发〔2015〕13号.
			return decline(miss{kind: missYear, asked: strconv.Itoa(append(sc.years, sc.docYears...)[0]), found: strconv.Itoa(y)})
		}
		if severalQ.MatchString(q.Folded) {
			// "它们的文号分别是什么？": every number of the line, in order.
			if all := docNumberRe.FindAllString(at, -1); len(all) > 1 {
				num = strings.Join(all, "、")
			}
		}
		short, best, src = num, &candSentence{text: at, ev: best.ev}, ev[best.ev].Chunk
		for i, v := range ev {
			if strings.Contains(v.Chunk.Text, num) {
				best.ev, src = i, v.Chunk
				break
			}
		}
	case rank:
		short = rankRe.FindString(an.lang.ToSimplified(best.text))
	case quantity:
		short = fig.text
	case wantDate:
		// "When…?" leads with the date the sentence gives, if it gives one.
		short = pickDate(q.Folded, an.datedText(best, ev, eventDay), an.lang.Fold, idf)
		if short == "" {
			// A task with no deadline: "持续推进" is its answer.
			short = ongoingRe.FindString(an.datedText(best, ev, eventDay))
		}
	case whoQ.MatchString(q.Folded):
		short = an.personName(best.text, q, idf)
	}
	var peers []*candSentence
	if !docNumber && !person { // a who-question has one answer
		peers = peerSentences(cands, best, inScope)
		if n, head := namedItems(qSimp); n > 1 {
			// "要实施哪两项工程？": the sentences of the chunk that name one.
			peers = itemPeers(cands, best, withFollowing(ev, best), head, n-1, an.lang.ToSimplified)
		}
		if quantity {
			// The parts of a "how many" answer each carry a figure.
			peers = slices.DeleteFunc(peers, func(c *candSentence) bool {
				_, ok := an.pickFigure(q.Folded, noun, c.text, idf, false)
				return !ok
			})
		}
	}
	if len(peers) > 0 {
		// A list answer reads in document order.
		all := append([]*candSentence{best}, peers...)
		sort.SliceStable(all, func(i, j int) bool { return all[i].before(all[j], ev) })
		best, peers = all[0], all[1:]
		src = ev[best.ev].Chunk
	}
	if len(peers) > 0 && (quantity || wantDate) {
		// Each part of a list answer brings its figure or date.
		var figs []string
		for _, c := range append([]*candSentence{best}, peers...) {
			fig := pickDate(q.Folded, an.datedText(c, ev, eventDay), an.lang.Fold, idf)
			if quantity {
				f, _ := an.pickFigure(q.Folded, noun, c.text, idf, false)
				fig = f.text
			}
			if fig != "" && !slices.Contains(figs, fig) {
				figs = append(figs, fig)
			}
		}
		short = strings.Join(figs, "、")
	}
	// "多少个…？到哪一年？", "what target…, and by what year?": the figure
	// and the year.
	when := ""
	if wantDate && len(peers) == 0 && !docNumber && !rank {
		switch {
		case quantity:
			when = pickDate(q.Folded, an.datedText(best, ev, eventDay), an.lang.Fold, idf)
		case targetQ.MatchString(q.Folded):
			if f, ok := an.pickFigure(q.Folded, noun, best.text, idf, false); ok && short != "" {
				short, when = f.text, short
			}
		}
		if strings.Contains(short, when) {
			when = ""
		}
	}
	quote := an.lang.ToSimplified(withFollowing(ev, best))
	var b strings.Builder
	switch {
	case q.Script == knowledge.ScriptLatin:
		lead := an.englishLead(q, short)
		if d, ok := englishDate(when); ok && lead != "" {
			lead += ", by " + d
		}
		if lead != "" {
			fmt.Fprintf(&b, "%s. The source says: “%s” [1]", lead, quote)
		} else {
			fmt.Fprintf(&b, "The source says: “%s” [1]", quote)
		}
	case short != "" && when != "":
		fmt.Fprintf(&b, "%s（%s）。依据：“%s”[1]", short, when, quote)
	case short != "":
		fmt.Fprintf(&b, "%s。依据：“%s”[1]", short, quote)
	default:
		fmt.Fprintf(&b, "“%s”[1]", quote) // the source's words, quoted as such
	}
	cites := []Citation{an.cite(1, ev[best.ev])}
	cited := map[string]int{src.ID: 1}
	more := peers
	if len(more) == 0 && !docNumber {
		// A second sentence, when it adds the question's terms.
		if second := secondSentence(ix, cands, best, ev, concepts, ctotal, inScope); second != nil {
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

// actorVerbRe finds the verbs whose subjects a "how many people" question
// counts: 出席, 参加….
var actorVerbRe = regexp.MustCompile(`(?:共同|一同|一起)?(?:出席|参加|参与|列席|入选)|\battend\w*|\bparticipat\w*`)

// actorsQ spots a question that counts people or bodies doing something.
var actorsQ = regexp.MustCompile(`几位|几个人|几名|多少人|多少位|多少名|how many (?:people|persons|officials|officers|leaders|heads|speakers|participants)`)

// actorVerbZh maps the English verbs of actorVerbRe to the documents' words.
var actorVerbZh = map[string]string{"attend": "出席", "participat": "参加"}

// countActors answers "共有几位负责人一同出席？" from the sentence's list of
// people before the verb: "市市场监管局局长陈学军、市商务委副主任刘敏…共同出席"
// → 4.
func countActors(qSimp, simp string) (figure, bool) {
	v := actorVerbRe.FindString(qSimp)
	if v == "" || !actorsQ.MatchString(qSimp) {
		return figure{}, false
	}
	for en, zh := range actorVerbZh {
		if strings.HasPrefix(v, en) {
			v = zh
		}
	}
	v = strings.TrimLeft(v, "共同一起")
	i := strings.Index(simp, v)
	if i < 0 {
		return figure{}, false
	}
	list := simp[:i]
	if k := strings.LastIndexAny(list, "，,；;。"); k >= 0 {
		list = list[k+1:]
	}
	for _, w := range []string{"共同", "一同", "一起", "等"} {
		list = strings.TrimSuffix(list, w)
	}
	// Split at 、 only: 和 stands inside names too (市住房和城乡建设管理委).
	items := strings.FieldsFunc(list, func(r rune) bool { return r == '、' })
	if len(items) < 2 {
		return figure{}, false
	}
	n := strconv.Itoa(len(items))
	return figure{text: n + "位", value: n, unit: "位", kind: figCount}, true
}

// departmentsQ spots "how many departments lead (or assist)" questions.
var departmentsQ = regexp.MustCompile(`(?:几|多少)\s*(?:个|家)?\s*(?:部门|单位|机构|委办局|局|委)\s*(?:共同|联合|一起)?\s*(?:牵头|配合|负责|参与)|how many (?:(?:government|municipal|city|provincial)\s+)?(?:departments|bodies|agencies|units|organi[sz]ations|bureaus|commissions|offices|authorities)\b.*\b(lead|cooperat|assist|support|responsible|in charge)`)

// countDepartments answers "几个部门牵头？" from a task's note: the
// departments listed before 牵头 (or 配合, when that is asked), a
// parenthetical such as 市水务局(市海洋局) counting as one.
func countDepartments(qFolded, simp string) (figure, bool) {
	m := departmentsQ.FindStringSubmatch(qFolded)
	if m == nil {
		return figure{}, false
	}
	role := "牵头"
	if strings.Contains(m[0], "配合") || strings.Contains(m[0], "cooperat") || strings.Contains(m[0], "assist") || strings.Contains(m[0], "support") {
		role = "配合"
	}
	note := taskNoteRe.FindString(simp)
	i := strings.Index(note, role)
	if i < 0 {
		return figure{}, false
	}
	list := note[:i]
	if k := strings.LastIndexAny(list, ",，"); k >= 0 {
		list = list[k:]
	}
	list = strings.TrimLeft(list, "(（,，")
	list = nestedParenRe.ReplaceAllString(list, "")
	n := len(strings.Split(list, "、"))
	if strings.TrimSpace(list) == "" {
		return figure{}, false
	}
	return figure{text: strconv.Itoa(n) + "个", value: strconv.Itoa(n), unit: "个", kind: figCount}, true
}

// nestedParenRe is a parenthetical inside a note's list: (市海洋局).
var nestedParenRe = regexp.MustCompile(`[(（][^()（）]*[)）]`)

// deadlineQ spots questions about a deadline.
var deadlineQ = regexp.MustCompile(`deadline|by when|期限|截止|时限|何时前|什么时候前|哪年前|底前|前完成|完成时间`)

// todayRe finds an event a news page dates by its own day: 在今天上午举行的….
var todayRe = regexp.MustCompile(`(?:今天|今日|当天|当日)[^，,。]{0,4}(?:举行|召开|发布|举办|印发|宣布|开幕|签署)`)

// chineseDate writes a document date 2022-02-17 as 2022年2月17日, or "".
func chineseDate(d string) string {
	t, err := time.Parse("2006-01-02", strings.TrimSpace(d))
	if err != nil {
		return ""
	}
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}

// ongoingRe finds a task's note that sets no deadline: 持续推进.
var ongoingRe = regexp.MustCompile(`持续推进|长期坚持|长期推进|常态化推进`)

// datedText is what dates a sentence (Simplified): the sentence with its
// task's note, or when they give no date, the nearest heading of its chunk
// that does ("(二)第二阶段(2024年)" for the tasks of that phase).
func (an *Answerer) datedText(c *candSentence, ev []retrieval.Evidence, eventDay bool) string {
	s := an.lang.ToSimplified(c.text + c.note)
	if dateSpanRe.MatchString(s) || c.ev >= len(ev) {
		return s
	}
	if d := chineseDate(ev[c.ev].Chunk.Date); eventDay && d != "" && todayRe.MatchString(s) {
		// "在今天上午举行的…发布会": a news page's today is its date.
		return s + " " + d
	}
	sec := ev[c.ev].Chunk.Section
	for i := len(sec) - 1; i >= 0; i-- {
		if h := an.lang.ToSimplified(sec[i]); dateSpanRe.MatchString(h) {
			return s + " " + h
		}
	}
	return s
}

// numberedDocs are the documents of the evidence that hold the issuing
// numbers a question names: a question about 沪府办发〔2015〕45号 is about that
// document, not one that cites it, nor another.
type numberedDocs struct {
	nums []string        // the numbers the question names (Simplified)
	has  map[string]bool // document ID → it holds them all
}

func (an *Answerer) numberedDocs(docs *docReader, q *retrieval.Query, ev []retrieval.Evidence) numberedDocs {
	nd := numberedDocs{nums: askedNumbers(an.lang.ToSimplified(q.Text))}
	if len(nd.nums) == 0 {
		return nd
	}
	nd.has = make(map[string]bool)
	for _, v := range firstOfEachDoc(ev) {
		id := v.Chunk.DocID
		chunks, err := docs.chunks(id)
		if err != nil {
			continue
		}
		var b strings.Builder
		for _, c := range chunks {
			b.WriteString(an.lang.ToSimplified(c.Title + "\n" + c.Text))
		}
		all := bracketsFold.Replace(strings.Join(strings.Fields(b.String()), ""))
		holds := true
		for _, n := range nd.nums {
			holds = holds && strings.Contains(all, numberCore(n))
		}
		nd.has[id] = holds
	}
	return nd
}

// numberCore is the part of an issuing number that a question's words
// cannot run into: the issuer's last two characters, the year and the
// number (办发〔2015〕67号 of "文号为国办发〔2015〕67号").
func numberCore(n string) string {
	n = bracketsFold.Replace(strings.Join(strings.Fields(n), ""))
	i := strings.Index(n, "〔")
	if i < 0 {
		return n
	}
	head := []rune(n[:i])
	return string(head[max(0, len(head)-2):]) + n[i:]
}

// numberYear is the year of an issuing number: 2015 of 国发〔2015〕13号.
func numberYear(n string) (int, bool) {
	m := docNumberYearRe.FindStringSubmatch(bracketsFold.Replace(n))
	if m == nil {
		return 0, false
	}
	y, err := strconv.Atoi(m[1])
	return y, err == nil
}

// bracketsFold writes an issuing number's year brackets one way: 〔2015〕
// for [2015], ［2015］ and (2015).
var bracketsFold = strings.NewReplacer("[", "〔", "［", "〔", "(", "〔", "（", "〔", "]", "〕", "］", "〕", ")", "〕", "）", "〕")

// englishNumberRe finds an issuing number written in English: Guofa [2015]
// No. 13, Hufubanfa (2015) No.45, Document [2015] 45.
var englishNumberRe = regexp.MustCompile(`(?i)[\[(（［〔]\s*(\d{4})\s*[\])）］〕]\s*(?:no\.?|number|#)?\s*(\d+)\b`)

// askedNumbers are the issuing numbers a question (Simplified) names: as
// written in Chinese, or, for a number written in English, its year and
// serial (〔2015〕13号), which the issuer's romanised name cannot be
// matched against.
func askedNumbers(simp string) []string {
	nums := docNumberRe.FindAllString(simp, -1)
	if len(nums) > 0 {
		return nums
	}
	for _, m := range englishNumberRe.FindAllStringSubmatch(simp, -1) {
		nums = append(nums, "〔"+m[1]+"〕"+m[2]+"号")
	}
	return nums
}

// holds reports whether document id holds the numbers asked about (true
// when none is), and the first number.
func (nd numberedDocs) holds(id string) (string, bool) {
	if len(nd.nums) == 0 {
		return "", true
	}
	return nd.nums[0], nd.has[id]
}

// categoryRe finds a numbered category: 三大先导产业, 六大高端产业.
var categoryRe = regexp.MustCompile(`([一二两三四五六七八九十]+)大(\p{Han}{2})`)

// quotedNumberedRe finds a quoted numbered name in a question: “八优享”,
// 「四个转变」, whose number the documents may give otherwise.
var quotedNumberedRe = regexp.MustCompile(`[“"「『]([一二两三四五六七八九十]+)(\p{Han}{1,4})[”"」』]`)

// numberedNameRe finds the numeral a numbered name starts with.
var numberedNameRe = regexp.MustCompile(`[一二两三四五六七八九十]+`)

// endingQ spots a question about ending or cutting something: a premise
// the evidence must state.
var endingQ = regexp.MustCompile(`取消|废止|撤销|关停|关闭|停止|暂停|终止|叫停|\bshut(?:s|ting)? down\b|\bclos(?:e|es|ed|ing)\b|\babolish\w*|\bcancel\w*|\bscrap\w*|\bstop\w*|\bsuspend\w*|\beliminat\w*|\bterminat\w*|\bdiscontinu\w*`)

// issuerQ spots a question about the body that issued a document.
var issuerQ = regexp.MustCompile(`(?:哪个|哪家|什么)(?:部门|单位|机构|机关)(?:印发|发布|制定|颁布|出台)|(?:发布|印发)单位|由(?:谁|哪个部门|哪个单位)(?:印发|发布|制定)|\b(?:which|what) (?:body|bodies|department|agency|authority|office|organi[sz]ation|government)\b[^?]{0,40}\b(?:issued|published|released|formulated|promulgated|drew up|drafted)\b|\bwho (?:issued|published|released|formulated|promulgated)\b`)

// issuedText finds a sentence (Simplified) saying who issued a document.
var issuedText = regexp.MustCompile(`印发|发布|制定|颁布|出台|发布单位`)

// namesActor reports whether a sentence (Simplified) names a person with
// a post, or an organisation: what a who-question is answered by.
func namesActor(simp string) bool {
	return titleNameRe.MatchString(simp) || nameTitleRe.MatchString(simp) || orgRe.MatchString(simp) || strings.Contains(simp, "国务院") || strings.Contains(simp, "中共中央")
}

// nameTitleRe finds a name before its title: 习近平总书记, 李强总理.
var nameTitleRe = regexp.MustCompile(`\p{Han}{2,3}(?:总书记|总理|主席|省长|市长|部长|书记|局长|主任|院士|教授|委员)`)

// sourceQ spots a question about who published a page, and when.
var sourceQ = regexp.MustCompile(`媒体|来源|出处|刊发|发表|刊登|哪家|报道.{0,6}(?:时间|日期|哪天)|\boutlets?\b|\bpublish\w*|\bsource\b|\bposted\b|\bnewspaper\b|\bwebsite\b`)

// contactKinds are the contact details a question may ask for, each with
// what states one in a sentence (Simplified).
var contactKinds = []struct{ asked, stated *regexp.Regexp }{
	{regexp.MustCompile(`网站|网址|\bwebsites?\b|\burls?\b|\bweb ?page\b`), regexp.MustCompile(`https?://|www\.|\.(?:cn|com|gov|org|net)\b`)},
	{regexp.MustCompile(`电话|热线|手机|\bphone\b|\btelephone\b|\bhotline\b`), regexp.MustCompile(`\d{3,4}[-－—]\d{7,8}|\d{8}|1\d{10}|12345`)},
	{regexp.MustCompile(`邮箱|电子邮件|\be-?mail\b`), regexp.MustCompile(`@`)},
}

// contactAsked is what states the contact detail a question asks for, or nil.
func contactAsked(qSimp string) *regexp.Regexp {
	for _, k := range contactKinds {
		if k.asked.MatchString(qSimp) {
			return k.stated
		}
	}
	return nil
}

// leadQ spots a question that says a body leads a task.
var leadQ = regexp.MustCompile(`牵头|负责|主导|主抓|\bin charge\b|\bleads?\b|\bled by\b|\bresponsible for\b|\bheads?\b`)

// leadOrgs are the bodies a question says lead a task (Simplified): the
// organisations it names, or for an English question the Chinese names its
// body words were translated into (Commerce Commission → 商务委).
func (an *Answerer) leadOrgs(q *retrieval.Query, sc scope) []string {
	if !leadQ.MatchString(q.Folded) || whoQ.MatchString(q.Folded) || whichQ.MatchString(q.Folded) {
		return nil // "who leads…?" asserts nothing
	}
	if !q.English {
		return sc.orgs
	}
	var out []string
	for _, ex := range q.Expanded {
		if !bodyWordRe.MatchString(ex.Source) {
			continue
		}
		for _, t := range ex.Terms {
			if retrieval.HanRunes(t) >= 3 {
				out = append(out, t)
			}
		}
	}
	return out
}

// bodyWordRe finds the English words that name a government body.
var bodyWordRe = regexp.MustCompile(`\b(?:commission|bureau|office|department|administration|ministry|committee)\b`)

// assistsOnly reports whether a task's note (Simplified) has one of the
// bodies assist (配合) and none of them lead (牵头).
func assistsOnly(note string, bodies []string) bool {
	i := strings.Index(note, "牵头")
	if i < 0 {
		return false
	}
	lead, rest := note[:i], note[i:]
	assists := false
	for _, b := range bodies {
		if strings.Contains(lead, b) {
			return false
		}
		assists = assists || strings.Contains(rest, b)
	}
	return assists && strings.Contains(rest, "配合")
}

// bindsQ spots a question that says a place was made or is something
// (被列为…, 同属…, 作为…试点): the premise the place's clause must state.
var bindsQ = regexp.MustCompile(`被?(?:列为|定为|确定为|评为|认定为|命名为|选为)|同属|都属于|均属于|都是|均为|(?:类型|性质|级别)(?:是|为)|作为\p{Han}{0,8}?型?(?:试点|示范)`)

// statedFigure is a figure a question states as given, with what it counts.
type statedFigure struct {
	value string
	what  counted
}

// statementRe finds the part of a question that states rather than asks:
// an opening "since/given that …," or "既然…，", a sentence before the
// question, or a clause before "，那…".
var statementRe = regexp.MustCompile(`^(?:since|given that|now that|as)\b[^,?]*,|^既然[^，,？?]*[，,]|^[^?？]*[.。;；]\s|^[^？?，,]*[，,]\s*那(?:么)?`)

// statedNumberRe finds a number in a statement, with the words after it.
var statedNumberRe = regexp.MustCompile(`(\d+)\s*((?:[a-z/-]+\s+){0,2}[a-z/-]+|[^，,。？?；;]{1,16})`)

// statedFigures are the figures a question states as given ("Since
// Shanghai holds 16 ISO/IEC secretariats, …", "…cut to 12 months. By which
// year…"), not years and not numbers of documents.
func (an *Answerer) statedFigures(q *retrieval.Query) []statedFigure {
	part := statementRe.FindString(q.Folded)
	if part == "" {
		return nil
	}
	var out []statedFigure
	for _, m := range statedNumberRe.FindAllStringSubmatch(part, -1) {
		if isYearValue(m[1]) || m[1] == "1" {
			continue
		}
		var c counted
		if q.English {
			for _, ex := range q.Expanded {
				if strings.Contains(m[2], ex.Source) {
					c.groups = append(c.groups, ex.Terms)
				}
			}
			if len(c.groups) == 0 {
				continue
			}
		} else {
			// 16个ISO/IEC秘书处: the longest run of Han after the unit.
			rest := strings.TrimLeft(an.lang.ToSimplified(m[2]), "个项名家所位条种批类")
			for _, run := range strings.FieldsFunc(rest, func(r rune) bool { return !unicode.Is(unicode.Han, r) }) {
				if utf8.RuneCountInString(run) > utf8.RuneCountInString(c.noun) {
					c.noun = run
				}
			}
			if retrieval.HanRunes(c.noun) < 2 {
				continue
			}
		}
		out = append(out, statedFigure{value: m[1], what: c})
	}
	return out
}

// figureOtherwise reports whether a sentence gives a stated figure's thing
// another number: 秘书处6个 for "16 secretariats".
func (an *Answerer) figureOtherwise(q *retrieval.Query, stated []statedFigure, sentence string, idf map[string]float64) bool {
	for _, sf := range stated {
		if containsNumber(an.lang.ToSimplified(sentence), sf.value) {
			continue
		}
		if f, ok := an.pickFigure(q.Folded, sf.what, sentence, idf, false); ok && f.value != sf.value {
			return true
		}
	}
	return false
}

// pastEditionQ spots a question about a past round of something: 上一届,
// 历届, 颁给了, last year's winners.
var pastEditionQ = regexp.MustCompile(`上一届|上届|往届|历届|首届.{0,6}(?:颁给|获奖)|颁给了|获奖名单|获得者|\b(?:last|previous|past) (?:edition|round|session)s?\b|\bwinners?\b|\bawarded to\b`)

// plannedText finds a sentence (Simplified) that only plans a thing:
// 研究创设, 探索建立, 拟设立.
var plannedText = regexp.MustCompile(`研究创设|研究设立|探索建立|探索设立|拟设立|拟建立|将设立|筹建`)

// abolishQ spots a question about ending something altogether, which
// cutting it back (缩减, 精简) does not answer.
var abolishQ = regexp.MustCompile(`废止|撤销|废除|全部取消|一律取消|\babolish\w*|\brepeal\w*|\brevok\w*|\bscrap\w*`)

// abolishText finds a sentence (Simplified) that ends something altogether.
var abolishText = regexp.MustCompile(`取消|废止|撤销|废除|停止|终止|关停|关闭|退出|淘汰|不再`)

// endingText finds a sentence (Simplified) that ends or cuts something.
var endingText = regexp.MustCompile(`取消|废止|撤销|关停|关闭|停止|暂停|终止|叫停|削减|缩减|减少|压缩|精简|整合|淘汰|退出|清理|废除|放开`)

// antonyms are verbs of policy text that say opposite things of the same
// object: 扩大 a scale the documents 缩减, 取消 what they 设立.
var antonyms = [][2]string{
	{"扩大", "缩减"}, {"扩大", "缩小"}, {"扩大", "取消"}, {"扩大", "压缩"}, {"增加", "减少"}, {"提高", "降低"}, {"延长", "缩短"},
	{"设立", "撤销"}, {"设立", "取消"}, {"建立", "撤销"}, {"加强", "削弱"}, {"放开", "收紧"}, {"鼓励", "限制"},
	{"鼓励", "禁止"}, {"颁布", "废止"}, {"上升", "下降"},
}

// premise is what a question takes for granted that a sentence can
// contradict: the number of a numbered category ("六大先导产业", not the
// documents' 三大), and what it says is done to an object ("扩大推荐性地方
// 标准规模", where the documents 缩减 it). It is read once per question.
type premise struct {
	categories [][2]string // numeral, category: 六, 先导
	actions    []action
	// names and skeletons are the quoted names with several numbers
	// (五梁十柱) and the patterns that find them with any numbers.
	names     []string
	skeletons []*regexp.Regexp
	// counted are the numbers of kinds an English question states: 5
	// of 科创高地 for "the five sci-tech innovation highlands".
	counted []countedKind
}

// countedKind is a number of kinds of a thing (a Chinese term).
type countedKind struct {
	n    int
	term string
}

// englishCategoryRe finds a number of kinds in an English question: "the
// five … highlands".
var englishCategoryRe = regexp.MustCompile(`\b(two|three|four|five|six|seven|eight|nine|ten)\s+((?:[\w-]+\s+){0,3}[\w-]+)`)

// englishCreateRe finds what an English question says is made or grown:
// "the new filing system", "set up a fund" (the words after the verb).
var englishCreateRe = regexp.MustCompile(`\b(?:new|newly|establish\w*|set(?:s|ting)? up|introduc\w*|creat\w*|expand\w*)\s+((?:[\w-]+\s+){0,3}[\w-]+)`)

// categoryEndRe ends the noun phrase of a number of kinds.
var categoryEndRe = regexp.MustCompile(`\s(?:of|in|for|that|which|does|do|did|is|are|has|have|under|from|to|by|at|on|with)\b`)

// kindCountRe finds the numeral of 三大…, 四个… just before a term.
var kindCountRe = regexp.MustCompile(`([二两三四五六七八九十][一二两三四五六七八九十]*)(?:大|个|类|项)\p{Han}{0,4}$`)

// action is a verb the question says is done to an object: a sentence
// that says its opposite (said) of the same object, within reach bytes
// after it, contradicts it.
type action struct {
	asked, said, obj string
	reach            int
}

func (an *Answerer) premiseOf(q *retrieval.Query) premise {
	var p premise
	for _, m := range categoryRe.FindAllStringSubmatch(an.lang.ToSimplified(q.Text), -1) {
		p.categories = append(p.categories, [2]string{m[1], "大" + m[2]})
	}
	for _, m := range quotedNumberedRe.FindAllStringSubmatch(an.lang.ToSimplified(q.Text), -1) {
		if numberedNameRe.ReplaceAllString(m[2], "") == "" {
			continue // “十三五”: a five-year plan, all numerals
		}
		p.categories = append(p.categories, [2]string{m[1], m[2]})
		if numberedNameRe.FindAllString(m[2], -1) != nil {
			// “五梁十柱”: the same name with other numbers (四梁八柱).
			p.names = append(p.names, m[1]+m[2])
			p.skeletons = append(p.skeletons, regexp.MustCompile(numberedNameRe.ReplaceAllString(regexp.QuoteMeta(m[1]+m[2]), "[一二两三四五六七八九十]+")))
		}
	}
	if q.English {
		// "the five sci-tech innovation highlands" where the documents have
		// 三大科创高地: a number of kinds, said in English.
		for _, m := range englishCategoryRe.FindAllStringSubmatch(q.Folded, -1) {
			phrase := m[2]
			if i := categoryEndRe.FindStringIndex(phrase); i != nil {
				phrase = phrase[:i[0]] // "three qualities| of a country"
			}
			for _, ex := range q.Expanded {
				if !strings.Contains(phrase, ex.Source) {
					continue
				}
				for _, t := range ex.Terms {
					if retrieval.HanRunes(t) >= 2 {
						p.counted = append(p.counted, countedKind{englishNumbers[m[1]], t})
					}
				}
			}
		}
	}
	if q.English {
		// "the new filing system" where the documents 取消…备案管理.
		for _, m := range englishCreateRe.FindAllStringSubmatch(q.Folded, -1) {
			for _, ex := range q.Expanded {
				if !strings.Contains(m[1], ex.Source) {
					continue
				}
				for _, t := range ex.Terms {
					if retrieval.HanRunes(t) >= 2 {
						for _, end := range []string{"取消", "撤销", "废止"} {
							p.actions = append(p.actions, action{asked: "\x00", said: end, obj: t, reach: 60}) // no sentence says the asked verb in Chinese
						}
					}
				}
			}
		}
	}
	qs := an.lang.ToSimplified(q.Folded)
	for _, pair := range antonyms {
		for _, dir := range [][2]string{{pair[0], pair[1]}, {pair[1], pair[0]}} {
			i := strings.Index(qs, dir[0])
			if i < 0 {
				continue
			}
			if obj := []rune(qs[i+len(dir[0]):]); len(obj) >= 3 {
				p.actions = append(p.actions, action{dir[0], dir[1], string(obj[:3]), 24})
			}
			// "把…的备案管理扩大到…": the object stands before the verb.
			if k := strings.LastIndex(qs[:i], "把"); k >= 0 {
				if obj := []rune(strings.TrimSuffix(qs[k+len("把"):i], "的")); len(obj) >= 4 && len(obj) <= 30 {
					p.actions = append(p.actions, action{dir[0], dir[1], string(obj[len(obj)-4:]), 60})
				}
			}
		}
	}
	// "说…经费不纳入财政预算": the documents' 纳入…财政预算 says otherwise.
	for _, m := range negatedVerbRe.FindAllStringSubmatch(qs, -1) {
		verb, obj := m[2], []rune(m[3])
		if m[1] == "不" && strings.ContainsRune(notVerbAfter, []rune(verb)[0]) || len(obj) < 3 {
			continue
		}
		p.actions = append(p.actions, action{m[1] + verb, verb, string(obj[:3]), 24})
	}
	return p
}

// negatedVerbRe finds a negated verb and its object in a question
// (Simplified): 不|纳入|财政预算, 未|列入|考核范围.
var negatedVerbRe = regexp.MustCompile(`((?:不|未|没有|没|并未|不再)(?:能|会|再|予|被|需|必)?)(\p{Han}{2})(\p{Han}{3,})`)

// notVerbAfter are the characters that make 不 part of another word (不同,
// 不断, 不少), not the negation of a verb.
const notVerbAfter = "同断少足仅但过论管如久良然变妨可得是要用多够止"

// contradictedBy reports whether a sentence (Simplified) numbers a
// category of the question otherwise, or says the opposite of the
// question's verb of the same object.
func (p premise) contradictedBy(simp string) bool {
	if p.numbersOtherwise(simp) {
		return true
	}
	for _, c := range p.counted {
		// 三大科创高地 for "the five … highlands"; but where the sentence
		// also counts five of them, it does not contradict.
		same, other := false, false
		for off := 0; ; {
			i := strings.Index(simp[off:], c.term)
			if i < 0 {
				break
			}
			before := []rune(simp[:off+i])
			if m := kindCountRe.FindStringSubmatch(string(before[max(0, len(before)-8):])); m != nil {
				if n, ok := hanValue(m[1]); ok {
					same, other = same || n == c.n, other || n != c.n
				}
			}
			off += i + len(c.term)
		}
		if other && !same {
			return true
		}
	}
	for _, c := range p.categories {
		if strings.Contains(simp, c[0]+c[1]) {
			continue
		}
		for _, s := range numberedNameRe.FindAllStringSubmatchIndex(simp, -1) {
			if s[1]-s[0] > 0 && strings.HasPrefix(simp[s[1]:], c[1]) {
				return true // 三大先导产业 for 六大先导产业, “七优享” for “八优享”
			}
		}
	}
	for _, a := range p.actions {
		if strings.Contains(simp, a.asked) {
			continue
		}
		if j := strings.Index(simp, a.said); j >= 0 && strings.Contains(simp[j:min(len(simp), j+len(a.said)+a.reach)], a.obj) {
			return true
		}
	}
	return false
}

// numbersOtherwise reports whether text numbers a quoted numbered name of
// the question otherwise: 四梁八柱 for “五梁十柱”.
func (p premise) numbersOtherwise(simp string) bool {
	for i, re := range p.skeletons {
		if !strings.Contains(simp, p.names[i]) && re.MatchString(simp) {
			return true
		}
	}
	return false
}

// namesQuoted reports whether a sentence (or its chunk's title and
// headings) names every name the question quotes: all the terms of a
// Chinese one, or one of the Chinese terms an English one was expanded into
// (“going global” → 走出去); an English name the lexicon did not expand
// cannot be checked.
func (an *Answerer) namesQuoted(q *retrieval.Query, c *candSentence, chunk knowledge.Chunk, ix *retrieval.Index) bool {
	if len(q.Quoted) == 0 {
		return true
	}
	text := c.folded + " " + an.lang.FoldPlain(c.text) + " " + an.lang.Fold(chunk.Title+" "+strings.Join(chunk.Section, " "))
	for _, name := range q.Quoted {
		if retrieval.HanRunes(name) == 0 && !q.English {
			if !strings.Contains(text, name) {
				return false // a code: “1+X”
			}
			continue
		}
		if retrieval.HanRunes(name) > 0 {
			for _, t := range retrieval.Tokens(nil, name) {
				if !strings.Contains(text, t) {
					return false
				}
			}
			continue
		}
		for _, ex := range q.Expanded {
			if !strings.Contains(name, ex.Source) {
				continue
			}
			found := false
			for _, term := range ex.Terms {
				found = found || strings.Contains(text, an.lang.Fold(term))
			}
			if !found {
				return false
			}
		}
	}
	return true
}

// withFollowing returns a sentence, and when it is only a heading or a
// fragment ("(一)组织保障。"), the sentences after it in its chunk, up to a
// readable length: the content the heading announces.
//
// A sentence of a work plan's task brings the task's note along.
func withFollowing(ev []retrieval.Evidence, c *candSentence) string {
	const short, enough = 24, 60
	out := c.text
	sents := knowledge.Sentences(ev[c.ev].Chunk.Text)
	if utf8.RuneCountInString(c.text) < short && c.nth < len(sents) && sents[c.nth] == c.text {
		for _, s := range sents[c.nth+1:] {
			if utf8.RuneCountInString(out) >= enough {
				break
			}
			out += s
		}
	}
	if c.note != "" && !strings.Contains(out, c.note) {
		out += c.note
	}
	return out
}

// taskNoteRe finds a work plan's task note: the departments that lead or
// assist and the deadline, in parentheses after the task, in either script.
var taskNoteRe = regexp.MustCompile(`[(（](?:[^()（）]|[(（][^()（）]{0,12}[)）]){0,80}?(?:牵头|牽頭|配合|负责|負責|完成|推进|推進)(?:[^()（）]|[(（][^()（）]{0,12}[)）]){0,40}[)）]\s*$`)

// periodLeadRe finds the period a paragraph's figures are counted over:
// 截至2021年底, 截至目前, 近年来.
var periodLeadRe = regexp.MustCompile(`^(?:截至|截止)[^，,。]{0,12}|^近(?:年来|几年|两年|三年|五年)|^(?:力争)?到\d{4}年底?`)

// targetLeadRe finds a target's period: 到2025年, 力争到2025年底.
var targetLeadRe = regexp.MustCompile(`^(?:力争)?到\d{4}年|^力争|^预计`)

// achievedQ spots a question about what has been achieved so far, which a
// target does not answer.
var achievedQ = regexp.MustCompile(`已经|现在|目前|迄今|至今|到目前为止|实际|\bactually\b|\bin fact\b|\balready\b|\bso far\b|\bto date\b|\bcurrently\b|\bup to now\b|\bas of now\b`)

// sentencesInContext splits text into sentences (knowledge.Sentences, an
// attribution joined to its quote), and gives each the task note that ends
// its group on the same line (the sentences of "完善…扶持政策。鼓励…专项资金。
// (市财政局牵头,…2017年底前完成)" share the note, which the last of them
// holds), and, for each sentence without a year of its own, the period its
// paragraph opened with ("截至2021年底，
// 累计牵头制定国际标准115项…。获得…奖115项。": the second is a running total
// too).
func sentencesInContext(text string) (sents, notes, periods []string) {
	for _, line := range strings.Split(text, "\n") {
		ss := mergeAttributions(knowledge.Sentences(line))
		ns := make([]string, len(ss))
		note := ""
		for k := len(ss) - 1; k >= 0; k-- {
			if m := taskNoteRe.FindString(ss[k]); m != "" {
				note = strings.TrimSpace(m)
				continue // it holds its note
			}
			ns[k] = note
		}
		ps := make([]string, len(ss))
		period := ""
		for k, s := range ss {
			if m := periodLeadRe.FindString(strings.TrimSpace(s)); m != "" {
				period = m
				continue
			}
			if !yearInTextRe.MatchString(s) {
				ps[k] = period
			}
		}
		sents = append(sents, ss...)
		notes = append(notes, ns...)
		periods = append(periods, ps...)
	}
	return sents, notes, periods
}

// attributionRe matches a short sentence that only says who spoke the
// one before it: "嘉兴市市场监管局局长李陈源表示。"
var attributionRe = regexp.MustCompile(`^.{0,40}(?:表示|指出|强调|認為|认为|介绍|介紹|說|说)[。.]?$`)

// mergeAttributions joins an attribution to the quote it closes, so that
// "局长表示…的什么" finds the quote with its speaker.
func mergeAttributions(ss []string) []string {
	out := ss[:0:0]
	for _, s := range ss {
		if n := len(out); n > 0 && utf8.RuneCountInString(s) <= 40 && attributionRe.MatchString(strings.TrimSpace(s)) {
			out[n-1] += s
			continue
		}
		out = append(out, s)
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

// namedItemsRe finds a question for a number of named things: 哪两项工程,
// 哪三个制度, 哪两种"力".
var namedItemsRe = regexp.MustCompile(`哪([两二三四五六七八九十])\s*(?:个|项|种|类|条|部|家|大)?\s*[“”"「」]?(\p{Han}{1,8}?)[“”"「」]?(?:[，,？?。的]|$)`)

// namedItems returns how many things a question (Simplified) asks for and
// the word that names them (the last two characters of the noun: 工程, 制度).
func namedItems(simp string) (int, string) {
	m := namedItemsRe.FindStringSubmatch(simp)
	if m == nil {
		return 0, ""
	}
	n, _ := hanValue(m[1])
	rs := []rune(m[2])
	return n, string(rs[max(0, len(rs)-2):])
}

// itemPeers picks, after best, up to n sentences of best's chunk that name
// a thing of the kind asked (head), in the chunk's order, other than those
// best's quote holds.
func itemPeers(cands []candSentence, best *candSentence, quoted, head string, n int, simp func(string) string) []*candSentence {
	var pool []*candSentence
	for i := range cands {
		c := &cands[i]
		if c == best || c.ev != best.ev || !strings.Contains(simp(c.text), head) || strings.Contains(quoted, c.text) || c.text == best.text {
			continue // not of the kind, or already quoted with best
		}
		pool = append(pool, c)
	}
	// The sentences naming most things of the kind first (…企业制度和…增信制度),
	// then by score.
	sort.SliceStable(pool, func(i, j int) bool {
		ni, nj := strings.Count(simp(pool[i].text), head), strings.Count(simp(pool[j].text), head)
		if ni != nj {
			return ni > nj
		}
		return pool[i].score > pool[j].score
	})
	var out []*candSentence
	for _, c := range pool {
		dup := false
		for _, p := range out {
			dup = dup || p.text == c.text
		}
		if !dup {
			out = append(out, c)
		}
		if len(out) == n {
			break
		}
	}
	return out
}

// peerSentences finds sentences as good as the best one, from elsewhere in
// the evidence: the parts of a list answer ("which stages, in which
// years?"), up to three, in evidence order.
func peerSentences(cands []candSentence, best *candSentence, inScope map[*candSentence]bool) []*candSentence {
	var peers []*candSentence
	for i := range cands {
		c := &cands[i]
		if !inScope[c] || c.cover < 0.95*best.cover || c.asked < 0.8*best.asked || nearDuplicate(c.folded, best.folded) {
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

// ordinalZhRe and ordinalEnRe find the numbered part a question names:
// 第四阶段, the fourth phase.
var (
	ordinalZhRe = regexp.MustCompile(`第([一二三四五六七八九十]+|\d+)个?(阶段|部分|批|章|届|轮)`)
	ordinalEnRe = regexp.MustCompile(`\b(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)\s+(phase|stage|part|batch|chapter|session|round)s?\b`)
)

var (
	englishOrdinals = map[string]int{"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10}
	englishParts    = map[string]string{"phase": "阶段", "stage": "阶段", "part": "部分", "batch": "批", "chapter": "章", "session": "届", "round": "轮"}
	hanDigits       = []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}
)

// askedOrdinal reads the numbered part a question (Simplified) names: 4,
// 阶段 of "第四阶段" or "the fourth phase".
func askedOrdinal(simp string) (int, string, bool) {
	if m := ordinalZhRe.FindStringSubmatch(simp); m != nil {
		n, err := strconv.Atoi(m[1])
		if err != nil {
			n, _ = hanValue(m[1])
		}
		return n, m[2], n > 0
	}
	if m := ordinalEnRe.FindStringSubmatch(strings.ToLower(simp)); m != nil {
		return englishOrdinals[m[1]], englishParts[m[2]], true
	}
	return 0, "", false
}

// hanNumeral writes 1–99 in Chinese numerals: 4 → 四, 12 → 十二, 83 → 八十三.
func hanNumeral(n int) string {
	switch {
	case n < 1 || n > 99:
		return ""
	case n <= 10:
		return hanDigits[n]
	case n < 20:
		return "十" + hanDigits[n%10]
	}
	return hanDigits[n/10] + "十" + hanDigits[n%10]
}

// lacksOrdinal reports whether the evidence's documents number parts of
// the kind (第一阶段, 第二阶段…) but none of them the nth.
func (an *Answerer) lacksOrdinal(docs *docReader, ev []retrieval.Evidence, n int, noun string) bool {
	numbered := regexp.MustCompile(`第(?:[一二三四五六七八九十]+|\d+)个?` + regexp.QuoteMeta(noun))
	asked := []string{"第" + strconv.Itoa(n) + noun}
	if h := hanNumeral(n); h != "" {
		asked = append(asked, "第"+h+noun, "第"+h+"个"+noun)
	}
	any := false
	for _, v := range firstOfEachDoc(ev) {
		chunks, err := docs.chunks(v.Chunk.DocID)
		if err != nil {
			return false
		}
		for _, c := range chunks {
			text := an.lang.ToSimplified(c.Text + " " + strings.Join(c.Section, " "))
			for _, a := range asked {
				if strings.Contains(text, a) {
					return false
				}
			}
			any = any || numbered.MatchString(text)
		}
	}
	return any
}

// sourceTokens are the terms of a question's opening that names where the
// answer is said ("新闻发布会上说，…", "According to the Jiaxing report, …"):
// where, not what.
func (an *Answerer) sourceTokens(q *retrieval.Query) map[string]bool {
	set := make(map[string]bool)
	add := func(s string) {
		for _, t := range retrieval.Tokens(nil, an.lang.Fold(s)) {
			set[t] = true
		}
	}
	if !q.English {
		// "新闻发布会介绍的…", "嘉兴那篇报道里…": the medium, anywhere.
		for _, m := range sourceMediumRe.FindAllString(an.lang.ToSimplified(q.Folded), -1) {
			add(m)
		}
	}
	m := sourceOpeningRe.FindString(q.Folded)
	if m == "" {
		return set
	}
	if !q.English {
		add(m)
		return set
	}
	for _, ex := range q.Expanded {
		if strings.Contains(m, ex.Source) {
			for _, t := range ex.Terms {
				add(t)
			}
		}
	}
	return set
}

// sourceMediumRe finds where a Chinese question says the answer was said:
// 新闻发布会上, 那篇报道里, 新闻稿中.
var sourceMediumRe = regexp.MustCompile(`(?:新闻发布会|发布会|新闻稿|通稿|报道|文章)(?:上|里|中)?(?:介绍|提到|所说)?`)

// sourceOpeningRe finds a question's opening that names where the answer is
// said: 新闻发布会上说，…, 据报道，…, according to the Jiaxing report, ….
var sourceOpeningRe = regexp.MustCompile(`^(?:据|根据|按照|依照)?[^，,。？?]{2,16}?(?:上|里|中)?(?:说|提到|讲|指出|表示|称|介绍|显示)[，,]|^(?:据|根据)[^，,。？?]{2,16}[，,]|^(?:according to|as stated in|as reported in|per)\s+(?:the\s+)?[^,?]{2,60},`)

// anaphoraRe finds a sentence that points back to the one before it: 该中心,
// 此项工作, 上述…; or opens by going on from it (同时, 此外).
var anaphoraRe = regexp.MustCompile(`该(?:中心|平台|方案|计划|项目|机制|制度|体系|工程|基地|试点|机构|组织|项|类)|此项|上述|^\s*(?:同时|此外|另外)`)

// roleAskedQ spots questions about who leads, assists or answers for a
// task, which a work plan's task note answers.
var roleAskedQ = regexp.MustCompile(`牵头|配合|负责|参与|协助|\blead(?:s|ing)?\b|\bled by\b|\bcooperat\w*|\bassist\w*|\bsupporting\b|\bresponsib\w*|\bin charge\b`)

// targetQ spots questions that ask for a target's value.
var targetQ = regexp.MustCompile(`目标|指标|\btargets?\b|\bgoals?\b|\baims?\b`)

// severalQ spots questions that ask for several of a thing at once.
var severalQ = regexp.MustCompile(`分别|各自|两份|两个|几份|哪些|\bboth\b|\beach\b|\brespectively\b|numbers`)

// docNumberQ spots questions about a document's issuing number (文号).
var docNumberQ = regexp.MustCompile(`文号|发文字号|发文本号|文件编号|\bdoc(?:ument)?\.? (?:number|no\b)|reference number|file number|issuing number`)

// docNumberRe matches issuing numbers such as 沪府办发〔2015〕45号.
var docNumberRe = regexp.MustCompile(`\p{Han}{1,8}[〔\[［(（]\d{4}[〕\]］)）]\s*\d+\s*号`)

// docNumber picks the issuing number that belongs to the document the
// question describes: one standing on a line of its own (a document's own
// number, not one it cites) in a chunk whose title and text best match.
func (an *Answerer) docNumber(ix *retrieval.Index, q *retrieval.Query, ev []retrieval.Evidence, idf map[string]float64) (string, string) {
	namesTitle := len(q.Quoted) > 0 || titleRe.MatchString(q.Folded)
	best, bestLine, bestScore := "", "", -1.0
	for i, v := range ev[:min(len(ev), 5)] {
		lines := strings.Split(v.Chunk.Text, "\n")
		for _, line := range lines {
			locs := docNumberRe.FindAllStringIndex(line, -1)
			for k, loc := range locs {
				m := line[loc[0]:loc[1]]
				// Where a line cites several documents, a number belongs to
				// the title written just before it.
				ctx := line
				if len(locs) > 1 {
					lo := 0
					if k > 0 {
						lo = locs[k-1][1]
					}
					ctx = line[lo:loc[1]]
				}
				f := an.lang.Fold(v.Chunk.Title + " " + ctx)
				sc := weightIn(f, idf)
				// The title the number follows must be the one asked, not
				// one that only contains it: 《贯彻实施〈深化…改革方案〉行动计划》
				// is not 《深化…改革方案》. Its words the question lacks count
				// against it.
				if ts := titleRe.FindAllStringSubmatch(ctx, -1); len(locs) > 1 && len(ts) > 0 {
					for _, t := range retrieval.Tokens(nil, an.lang.Fold(ts[len(ts)-1][1])) {
						if _, asked := idf[t]; !asked && !isDigitsOnly(t) {
							sc -= 0.3 * ix.IDF(t)
						}
					}
				}
				if strings.TrimSpace(line) == m && !namesTitle {
					// The document's own number, unless the question names
					// a title, which may be a document it cites.
					sc *= 2
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

// scopeTokens are the terms of the words by which a question names where
// its answer stands, rather than what it asks: the places (上海), years
// (2015) and kind of document (工作方案, plan) that the scope check holds
// the evidence to. A preamble that names them all ("为贯彻…上海…2015…方案")
// must not outscore the sentence that answers.
func (an *Answerer) scopeTokens(q *retrieval.Query, sc scope, source map[string]bool) map[string]bool {
	set := make(map[string]bool)
	add := func(s string) {
		for _, t := range retrieval.Tokens(nil, an.lang.Fold(s)) {
			set[t] = true
		}
	}
	for _, p := range sc.places {
		add(p)
	}
	for _, n := range askedNumbers(an.lang.ToSimplified(q.Text)) {
		add(n) // the document the question is about
	}
	maps.Copy(set, source) // where the answer is said (sourceTokens)
	for _, y := range append(slices.Clone(sc.years), sc.docYears...) {
		add(strconv.Itoa(y))
	}
	for _, k := range sc.docKinds {
		for _, d := range docKinds {
			if d.asked == k {
				for _, t := range d.title {
					add(t)
				}
			}
		}
	}
	return set
}

// withoutScope drops the concepts made only of scope terms, when what is
// left still weighs at least half: then the question's other words choose
// the sentence. A question of scope words alone keeps them.
func withoutScope(cs []concept, total float64, scopeTerms map[string]bool) ([]concept, float64) {
	var drop float64
	isScope := func(c concept) bool { return isScopeConcept(c, scopeTerms) }
	for _, c := range cs {
		if isScope(c) {
			drop += c.w
		}
	}
	if drop == 0 || total-drop < total/2 {
		return cs, total
	}
	return slices.DeleteFunc(slices.Clone(cs), isScope), total - drop
}

// isScopeConcept reports whether every term of every alternative of c is
// a scope term.
func isScopeConcept(c concept, scopeTerms map[string]bool) bool {
	for _, alt := range c.alts {
		for _, t := range alt {
			if !scopeTerms[t] {
				return false
			}
		}
	}
	return len(c.alts) > 0
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
	for _, t := range slices.Sorted(maps.Keys(idf)) {
		if !grouped[t] {
			cs = append(cs, concept{alts: [][]string{{t}}, w: idf[t]})
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
func secondSentence(ix *retrieval.Index, cands []candSentence, best *candSentence, ev []retrieval.Evidence, concepts []concept, total float64, inScope map[*candSentence]bool) *candSentence {
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
		if c.text == best.text || !inScope[c] {
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
// language; when the evidence is about another place, period or document,
// it says so, without stating what the evidence says.
func (an *Answerer) declineText(q *retrieval.Query, m miss) string {
	en, zh := declineWhy(m)
	if q.Script == knowledge.ScriptLatin || q.Script == knowledge.ScriptUnknown {
		return fmt.Sprintf("The documents in the knowledge base do not say: %q.%s I found no passage that answers it, so I won't guess.", q.Text, en)
	}
	text := fmt.Sprintf("知识库中的文件没有提到这个问题的答案：“%s”。%s为避免误导，我不作推测。", an.lang.ToSimplified(q.Text), zh)
	if q.Script == knowledge.ScriptTraditional {
		return an.lang.ToTraditional(text)
	}
	return text
}

// declineWhy says, in English and in Chinese, what the documents hold
// instead, when a miss knows it; "" otherwise.
func declineWhy(m miss) (en, zh string) {
	switch {
	case m.kind == missPlace && m.found != "":
		return fmt.Sprintf(" They give this for %s, not for the place you asked about.", m.found),
			fmt.Sprintf("文件中只有%s的相关内容，没有%s的。", m.found, m.asked)
	case m.kind == missYear && m.total && m.asked == "":
		return " They give a running total, not a yearly figure.", "文件给出的是累计数，不是每年的数字。"
	case m.kind == missYear && m.total:
		return fmt.Sprintf(" They give a running total up to %s, not the figure for %s alone.", m.asked, m.asked),
			fmt.Sprintf("文件给出的是截至%s年的累计数，不是%s年当年的数字。", m.asked, m.asked)
	case m.kind == missYear && m.found != "":
		return fmt.Sprintf(" They give this for %s, not for %s.", m.found, m.asked),
			fmt.Sprintf("文件给出的是%s年的情况，不是%s年的。", m.found, m.asked)
	case m.kind == missDocument:
		return " The document you asked about is not in the knowledge base, or does not say this.",
			"知识库中没有您所问的文件，或该文件没有提到这一点。"
	case m.kind == missPremise:
		return " They say otherwise than the question assumes.", "文件的说法与问题的前提不符。"
	}
	return "", ""
}
