package answer

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/policybot/policybot/retrieval"
)

// dayQ spots "when" questions that ask for a day, not only a year: the
// date a notice was signed (落款日期), issued on which day.
var dayQ = regexp.MustCompile(`哪天|哪一天|几月几[日号]|几号|日期|成文|落款|what date|which day|what day|exact date|\bdated\b|date of`)

// exactDayQ spots questions that ask for the day itself: a year or a month
// does not answer them.
var exactDayQ = regexp.MustCompile(`哪天|哪一天|几月几[日号]|几号|落款|which day|what day|exact date`)

// whichTimeQ spots "which year" questions, which ask for one date, not a list.
var whichTimeQ = regexp.MustCompile(`\bwhich (?:year|month|day|date)\b`)

// whichQ spots "which …" questions, a who-question when they name a post
// (which vice mayor).
var whichQ = regexp.MustCompile(`\bwhich\b|哪位|哪一位`)

// dateSpanRe finds a date or a span of years, a span first: 2007-2020年,
// 2015年10月30日, 2023年7月, 2025年.
var dateSpanRe = regexp.MustCompile(`(?:19|20)\d{2}\s*年?\s*(?:-|–|—|－|~|～|至|到)\s*(?:19|20)\d{2}年?|(?:19|20)\d{2}年(?:\d{1,2}月(?:\d{1,2}日)?)?`)

// dateDayRe finds a full date: 2015年10月30日.
var dateDayRe = regexp.MustCompile(`(?:19|20)\d{2}年\d{1,2}月\d{1,2}日`)

// dateOnlyRe matches a sentence that is only a date: a notice's signature
// line.
var dateOnlyRe = regexp.MustCompile(`^\s*(?:19|20)\d{2}年\d{1,2}月\d{1,2}日\s*$`)

// pickDate chooses the date or span of years of sentence (Simplified) that
// answers a "when" question: the one whose phrase (back to the previous
// date or clause boundary, on to the next clause boundary, and the title
// it stands in) holds most of the question's terms, weighted by idf; a
// full date when the question asks for a day. A year the question itself
// names is the question's, not the answer, while the sentence has
// another. It returns "" when the sentence has no date.
func pickDate(qFolded, simp string, fold func(string) string, idf map[string]float64) string {
	locs := dateSpanRe.FindAllStringIndex(simp, -1)
	if len(locs) == 0 {
		return ""
	}
	wantDay := dayQ.MatchString(qFolded)
	best, bestScore := "", -1.0
	for k, loc := range locs {
		d := simp[loc[0]:loc[1]]
		lo := 0
		if k > 0 {
			lo = locs[k-1][1]
		}
		head := simp[lo:loc[0]]
		if i := strings.LastIndexAny(head, "，,；;。：:"); i >= 0 {
			_, n := utf8.DecodeRuneInString(head[i:])
			head = head[i+n:]
		}
		// A span inside a title, 《…纲要(2007-2020年)》: the title is its phrase.
		if i := strings.LastIndex(head, "《"); i >= 0 {
			head = head[i:]
		}
		hi := len(simp)
		if k+1 < len(locs) {
			hi = locs[k+1][0]
		}
		tail := simp[loc[1]:hi]
		if i := strings.IndexAny(tail, "，,；;。：:"); i >= 0 {
			tail = tail[:i]
		}
		phrase := fold(head + tail)
		score := weightIn(phrase, idf)
		full := strings.HasSuffix(d, "日")
		if wantDay && full {
			score += 1000
		}
		if !full && strings.Contains(qFolded, strings.TrimSuffix(d, "年")) && len(locs) > 1 {
			score -= 1000 // the question's own year
		}
		if score > bestScore {
			best, bestScore = d, score
		}
	}
	return strings.Join(strings.Fields(best), "")
}

// rankQ spots questions that ask for a rank (位列全省第二), not a count.
var rankQ = regexp.MustCompile(`(?:^|[^安编])(?:排名|排第|排在)|位列|位居|名列|第几|几名|\brank(?:s|ed|ing)?\b|\b(?:what|which) (?:place|position)\b`)

// rankRe finds a rank: 全省第二, 第1位, 首位, 前列.
var rankRe = regexp.MustCompile(`(?:全国|全省|全市|全区|全球|世界)?(?:第[一二三四五六七八九十百\d]+(?:位|名)?|首位|前列|首)`)

// ordinals are the English words for the ranks 1 to 10.
var ordinals = []string{"", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"}

// englishRank writes 全省第二 as "second (全省第二)".
func englishRank(s string) string {
	i := strings.Index(s, "第")
	if i < 0 {
		if strings.Contains(s, "首") {
			return "first (" + s + ")"
		}
		return s
	}
	num := strings.TrimRight(s[i+len("第"):], "位名")
	n, ok := hanValue(num)
	if !ok {
		n, ok = digitsValue(num)
	}
	if !ok || n < 1 || n >= len(ordinals) {
		return s
	}
	return ordinals[n] + " (" + s + ")"
}

func digitsValue(s string) (int, bool) {
	if s == "" || !isDigitsOnly(s) || len(s) > 4 {
		return 0, false
	}
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n, true
}

// negationQ finds a negated statement in a question (folded): 未能, 没有,
// 不涉及, "not", "fail".
var negationQ = regexp.MustCompile(`未能|没能|没有|并未|未曾|未被|从未|不再|不涉及|不包括|不含|不予|不能|不会|未|\bnot\b|n't\b|\bnever\b|\bfail(?:s|ed)?\b|\bwithout\b`)

// negationText finds a negation in a sentence (Simplified).
var negationText = regexp.MustCompile(`未[能曾被经予列纳达获]|尚未|并未|没|不[是再能会予得含包涉属宜应]|无法|并无|禁止|取消|停止`)

// statesPremise reports whether a sentence (any script) states what a
// why-question (folded) takes for granted: every figure and rank the
// question states (第一, 24个月, 1万名), and a negation where the question
// has one. "Why is Jiaxing first?" is not answered by "位列全省第二", nor
// "why did Shanghai fail to host…" by "成功承办…".
func (an *Answerer) statesPremise(qFolded, sentence string) bool {
	simp := an.lang.ToSimplified(sentence)
	qSimp := an.lang.ToSimplified(qFolded)
	for _, f := range figures(qSimp) {
		if f.kind == figYear || f.kind == figMarker {
			continue
		}
		if !containsNumber(simp, f.value) && !strings.Contains(simp, f.text) {
			return false
		}
	}
	for _, r := range rankRe.FindAllString(qSimp, -1) {
		if !strings.Contains(simp, strings.TrimPrefix(strings.TrimPrefix(strings.TrimPrefix(r, "全国"), "全省"), "全市")) {
			return false
		}
	}
	if negationQ.MatchString(qFolded) && !negationText.MatchString(simp) {
		return false
	}
	if strings.Contains(qSimp, "倒数") && !strings.Contains(simp, "倒数") {
		return false // "why is it second from last?" where it is second
	}
	return an.bindsPlace(qSimp, simp)
}

// bindsPlace reports whether a sentence (Simplified) says of the place a
// why-question names what the question says of it: most of the question's
// words that the sentence holds (two in three) stand in the place's clause. "海宁为什么被定
// 为创新开放型试点" is not stated by "平湖试点类型为创新开放,海宁试点类型为质量效益".
func (an *Answerer) bindsPlace(qSimp, simp string) bool {
	clauses := clauseSplitRe.Split(simp, -1)
	for _, p := range an.lang.Places(qSimp) {
		var own, other []string
		for _, c := range clauses {
			switch {
			case strings.Contains(c, p):
				own = append(own, c)
			case len(an.lang.Places(an.lang.Fold(c))) > 0:
				other = append(other, c)
			}
		}
		if len(own) == 0 {
			continue // the place stands in the title or the document's opening
		}
		ownText, otherText := strings.Join(own, " "), strings.Join(other, " ")
		held, bound, elsewhere := 0, 0, 0
		for _, t := range retrieval.Tokens(nil, strings.ReplaceAll(qSimp, p, " ")) {
			if retrieval.HanRunes(t) < 2 || !strings.Contains(simp, t) {
				continue
			}
			held++
			switch {
			case strings.Contains(ownText, t):
				bound++
			case strings.Contains(otherText, t):
				elsewhere++ // said of another place: 平湖…创新开放
			}
		}
		if held >= 2 && (2*bound < held || elsewhere >= 2) {
			return false
		}
	}
	return true
}

// peopleClaim is what a question says the people it names with a post do
// at an event: 副局长沈敏 介绍. It is read once per question.
type peopleClaim struct {
	names, verbs []string
}

// peopleClaimOf reads a question's (Simplified) people claim; people it
// leaves out (除副市长陈通外) are not in it.
func peopleClaimOf(qSimp string) peopleClaim {
	var p peopleClaim
	if p.verbs = actVerbRe.FindAllString(qSimp, -1); len(p.verbs) == 0 {
		return p
	}
	excluded := excludedRe.FindString(qSimp)
	for _, tn := range titledPeople(qSimp) {
		if excluded == "" || !strings.Contains(excluded, tn[1]) {
			p.names = append(p.names, tn[1])
		}
	}
	return p
}

// statedBy reports whether a sentence (Simplified) has each person of the
// claim do what the question says they do: "副局长沈敏介绍…" is not stated
// by "副市长陈通介绍…，…副局长沈敏…共同出席".
func (p peopleClaim) statedBy(simp string) bool {
	for _, name := range p.names {
		for _, c := range clauseSplitRe.Split(simp, -1) {
			if !strings.Contains(c, name) {
				continue
			}
			for _, v := range p.verbs {
				if strings.Contains(simp, v) && !strings.Contains(c, v) {
					return false // the sentence has another do it
				}
			}
		}
	}
	return true
}

// excludedRe finds the people a question leaves out: 除副市长陈通外.
var excludedRe = regexp.MustCompile(`除(?:了)?[^，,？?]{1,20}?(?:外|以外|之外)`)

// actVerbRe finds what a person is said to do at an event.
var actVerbRe = regexp.MustCompile(`介绍|出席|表示|指出|强调|主持|回答|讲话|致辞|解读`)

// clauseSplitRe splits a sentence into its clauses.
var clauseSplitRe = regexp.MustCompile(`[,，;；。:：]`)
