package answer

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/policybot/policybot/retrieval"
)

// figureKind tells what a number in a sentence is.
type figureKind int

const (
	figCount    figureKind = iota // a quantity: 6个, 155项, 30%, 三大
	figYear                       // 2021年, 2025
	figDatePart                   // the 7 of 2023年7月, the 30 of 10月30日
	figMarker                     // a list marker: the 1 of "1.新建…"
	figCode                       // the serial of an issuing number: the 13 of 国发〔2015〕13号
)

// figure is a number a sentence states.
type figure struct {
	text       string // as written, with its unit: "155项", "6个", "三大"
	value      string // in digits: "155", "3"
	unit       string // measure word or unit: "项", "个", "%", "万元"
	start, end int    // byte offsets in the sentence
	kind       figureKind
}

// units are the measure words and units a count may carry, longest first.
const units = `个月|亿元|万元|万人|个|個|项|項|名|家|所|次|届|屆|年|月|日|亿|億|萬|万|元|条|條|种|種|批|人|座|类|類|级|級|倍|部|件|台|位|处|處|%|％|大|方面`

var (
	digitFigureRe = regexp.MustCompile(`(\d+(?:[.,]\d+)*)\s*(` + units + `)?`)
	// Chinese numerals count only with a measure word: 三大先导产业, 两个, 十二项.
	hanFigureRe = regexp.MustCompile(`([两二三四五六七八九十百千]+)(个|個|项|項|大|类|類|批|家|条|條|种|種|方面|所|名|位|次)`)
)

// figures lists the numbers of s (Simplified), in order, each with its kind.
func figures(s string) []figure {
	var out []figure
	for _, m := range digitFigureRe.FindAllStringSubmatchIndex(s, -1) {
		f := figure{start: m[0], end: m[1], value: strings.ReplaceAll(s[m[2]:m[3]], ",", "")}
		if m[4] >= 0 {
			f.unit = s[m[4]:m[5]]
		}
		// A digit run glued to letters is a code (GM2D, 5G), not a figure.
		if r, _ := utf8.DecodeLastRuneInString(s[:m[0]]); m[0] > 0 && r < utf8.RuneSelf && unicode.IsLetter(r) {
			continue
		}
		if r, _ := utf8.DecodeRuneInString(s[m[3]:]); m[3] < len(s) && r < utf8.RuneSelf && unicode.IsLetter(r) && f.unit == "" {
			continue
		}
		// 1+X, 3+N: the name of a scheme, not a count.
		if r, _ := utf8.DecodeRuneInString(s[m[3]:]); r == '+' || r == '＋' {
			continue
		}
		f.text = strings.TrimSpace(s[m[0]:m[1]])
		f.kind = kindOf(s, f, m[3])
		out = append(out, f)
	}
	for _, m := range hanFigureRe.FindAllStringSubmatchIndex(s, -1) {
		n, ok := hanValue(s[m[2]:m[3]])
		if !ok || n < 2 && s[m[4]:m[5]] != "大" {
			continue
		}
		out = append(out, figure{text: s[m[0]:m[1]], value: strconv.Itoa(n), unit: s[m[4]:m[5]], start: m[0], end: m[1], kind: figCount})
	}
	sortFigures(out)
	return out
}

func sortFigures(fs []figure) {
	for i := 1; i < len(fs); i++ {
		for j := i; j > 0 && fs[j].start < fs[j-1].start; j-- {
			fs[j], fs[j-1] = fs[j-1], fs[j]
		}
	}
}

// kindOf classifies a digit figure by its unit and surroundings; numEnd is
// where its digits end.
func kindOf(s string, f figure, numEnd int) figureKind {
	after := s[numEnd:]
	before := strings.TrimRightFunc(s[:f.start], unicode.IsSpace)
	switch {
	case isYearValue(f.value) && (f.unit == "年" || f.unit == ""):
		return figYear
	case f.unit == "月" || f.unit == "日":
		return figDatePart
	case strings.HasSuffix(before, "年") && f.unit == "":
		return figDatePart
	case f.unit == "" && strings.HasPrefix(strings.TrimLeftFunc(after, unicode.IsSpace), "号") &&
		(strings.HasSuffix(before, "〕") || strings.HasSuffix(before, "]") || strings.HasSuffix(before, "］")):
		return figCode
	}
	// "1." "2、" "3)" opening a sentence or line, or "(1)": an enumeration.
	if f.unit == "" {
		next, _ := utf8.DecodeRuneInString(after)
		prev, _ := utf8.DecodeLastRuneInString(before)
		opening := before == "" || prev == '\n' || prev == '(' || prev == '（' || prev == '：' || prev == ':' || prev == '；' || prev == ';' || prev == '。'
		if opening && strings.ContainsRune(".．、)）", next) {
			if n2, _ := utf8.DecodeRuneInString(after[utf8.RuneLen(next):]); !unicode.IsDigit(n2) {
				return figMarker
			}
		}
	}
	return figCount
}

func isYearValue(v string) bool {
	return len(v) == 4 && (strings.HasPrefix(v, "19") || strings.HasPrefix(v, "20"))
}

// hanValue reads Chinese numerals below 10000: 十二 → 12, 两 → 2, 三百 → 300.
func hanValue(s string) (int, bool) {
	digit := map[rune]int{'一': 1, '二': 2, '两': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9, '〇': 0, '零': 0}
	unit := map[rune]int{'十': 10, '百': 100, '千': 1000}
	total, cur := 0, -1
	for _, r := range s {
		if d, ok := digit[r]; ok {
			cur = d
			continue
		}
		u, ok := unit[r]
		if !ok {
			return 0, false
		}
		if cur < 0 {
			cur = 1 // 十二: the tens digit is implied
		}
		total += cur * u
		cur = -1
	}
	if cur > 0 {
		total += cur
	}
	return total, total > 0
}

// hasCount reports whether s holds a quantity (not a year, a date part or a
// list marker).
func hasCount(s string) bool {
	for _, f := range figures(s) {
		if f.kind == figCount {
			return true
		}
	}
	return false
}

// counted is what a "how many" question counts: the noun (folded) and the
// measure word it asks in (项 of 多少项), when it says one.
type counted struct {
	noun    string
	unit    string
	english string // the English noun phrase, for an English lead
	// groups, for an English question, are the Chinese alternatives of each
	// of its words: a figure counts the noun when most words have one
	// alternative next to it.
	groups [][]string
	// count is set when the question asks how many of a thing (how many,
	// 多少项): a percentage is then no answer, unless it asks a share.
	count bool
	// share is set when it asks for a share or rate: then only a
	// percentage answers.
	share bool
	// money is set when it asks for an amount of money: then only a sum
	// in 元 answers.
	money bool
	// subset is set when it asks for a part of a total the question states
	// (22个试点项目中养老服务类的): only a count bound to the part answers,
	// not a list of such things nor a number of categories (三大).
	subset bool
}

// moneyQ spots questions that ask for an amount of money.
var moneyQ = regexp.MustCompile(`(?:资金|经费|预算|投入)[^？?，,]{0,8}(?:多大|多少|规模)|多少钱|多少资金|多少经费|多少预算|多少万元|多少亿元|多少元|金额|补贴|补助|奖励多少|奖金|how much money|\bbudget\b|\bfunding\b|\bfunds?\b|\byuan\b|\brmb\b|\bsubsid\w*|\bgrants?\b|\bbonus\w*|\bprize money\b`)

// shareQ spots questions that ask for a share or rate, answered by a
// percentage.
var shareQ = regexp.MustCompile(`百分|比例|比重|占比|率|\bpercent(?:age)?\b|\bshare\b|\bproportion\b|\brate\b|\bratio\b`)

var (
	// howManyZh finds 多少 / 几 with the measure word after it.
	howManyZh = regexp.MustCompile(`(?:有)?(?:多少|几)(个|项|家|名|所|次|条|种|批|类|位|座|件|部|台|处|人|届|级)?`)
	// howManyEn finds what "how many …" counts, up to the verb.
	howManyEn = regexp.MustCompile(`(?i)\b(?:how many|how much|number of)\s+((?:[\w/'-]+\s+){0,5}?[\w/'-]+?)(?:\s+(?:does|did|do|has|have|had|is|are|was|were|will|would|can|could|should|must|shall|may|might|in|by|for|at|on|from|that|under)\b|\s*\?|\s*$)`)
	// howManyWordEn finds what "how many …" counts when a verb in the past
	// tense, not an auxiliary, ends the noun phrase ("how many people attended").
	howManyWordEn = regexp.MustCompile(`(?i)\bhow many\s+((?:[\w/'-]+\s+){0,3}?[\w/'-]+?)\s+\w+ed\b`)
	// leadIn are the words that join a counted noun to 多少 (有多少, 共有多少).
	leadIn = []string{"一共有", "共有", "总共", "一共", "累计", "共", "有", "是", "为", "达到", "达"}
)

// subsetZhRe and subsetEnRe find a question about a part of a total it
// states: 22个国家级试点项目中|养老服务类的|有几个; of the 115 international
// standards, how many are in|the integrated circuit|field.
var (
	subsetZhRe = regexp.MustCompile(`(\d+|[两二三四五六七八九十百]+)(?:个|项|名|家|所|位)([^，,？?。]{1,20}?)(?:中|里|当中|之中)[，,]?\s*([^，,？?。]{0,4}?)([^，,？?。]{2,16}?)(?:的)?(?:有|占|是)?(?:多少|几)(个|项|名|家|所|位)?`)
	subsetEnRe = regexp.MustCompile(`\bof (?:the|its|these|those|[\w-]+'s) (\d+) ([\w\s/-]+?),? how many (?:of them )?(?:are|were|is|was|concern|cover)?\s*(?:in|for|about|on|from)?\s*(?:the )?([\w\s/-]+?)(?:\s+(?:field|sector|area|domain|industry|category))?\?`)
)

// timeTailRe finds a time phrase that ends a counted noun: 到2025年, 2021年底.
var timeTailRe = regexp.MustCompile(`(?:到|在|于|截至)?(?:19|20)\d{2}年(?:底|前|末)?$`)

// genericCounted are the nouns that name a figure, not what it counts.
var genericCounted = map[string]bool{"目标": true, "数量": true, "数目": true, "总数": true, "规模": true, "指标": true, "数字": true, "总量": true}

// countedNoun reads what a quantity question counts from its folded text.
func countedNoun(folded string) counted {
	c := countedNounOf(folded)
	c.money = moneyQ.MatchString(folded)
	return c
}

func countedNounOf(folded string) counted {
	share := shareQ.MatchString(folded)
	// "117个秘书处里，制造业领域的有多少个", "Of the 115 standards, how many are
	// in the integrated circuit field?": the part asked, not the whole.
	if m := subsetZhRe.FindStringSubmatch(folded); m != nil && !share {
		return counted{noun: strings.TrimSuffix(strings.TrimSuffix(m[4], "的"), "类"), unit: m[5], count: true, subset: true}
	}
	if m := subsetEnRe.FindStringSubmatch(folded); m != nil && !share {
		return counted{noun: m[3], count: true, subset: true}
	}
	// "how many group (association) standards": a gloss in brackets is
	// part of the noun.
	en := strings.Join(strings.Fields(strings.NewReplacer("(", " ", ")", " ").Replace(folded)), " ")
	if m := howManyEn.FindStringSubmatch(en); m != nil {
		return counted{noun: m[1], count: !share && strings.Contains(m[0], "how many"), share: share}
	}
	if m := howManyWordEn.FindStringSubmatch(en); m != nil {
		// "How many people attended…": no auxiliary verb ends the noun.
		return counted{noun: m[1], count: !share, share: share}
	}
	loc := howManyZh.FindStringSubmatchIndex(folded)
	if loc == nil {
		return counted{share: share}
	}
	c := counted{share: share}
	if loc[2] >= 0 {
		c.unit = folded[loc[2]:loc[3]]
		c.count = !share
	}
	// 多少个秘书处: the noun follows the measure word.
	after := []rune(folded[loc[1]:])
	n := 0
	for n < len(after) && (isWordRune(after[n]) || strings.ContainsRune("、“”\"'", after[n])) && !strings.ContainsRune("呢吗啊", after[n]) {
		n++
	}
	if n >= 2 {
		// 多少项高质量、高效益的“浙江标准”: the head noun ends the phrase.
		noun := string(after[:n])
		if i := strings.LastIndex(noun, "的"); i >= 0 && i+len("的") < len(noun) {
			noun = noun[i+len("的"):]
		}
		c.noun = strings.Trim(noun, "、“”\"'")
		if retrieval.HanRunes(c.noun) >= 2 || len(c.noun) >= 3 {
			return c
		}
	}
	// 国家标准有多少项: it comes before, after the last 的 or verb phrase.
	before := folded[:loc[0]]
	for _, w := range leadIn {
		before = strings.TrimSuffix(before, w)
	}
	// "比率到2025年达到多少": the time is no part of the noun.
	before = timeTailRe.ReplaceAllString(before, "")
	for _, w := range leadIn {
		before = strings.TrimSuffix(before, w)
	}
	if i := strings.LastIndex(before, "的"); i >= 0 {
		// "牵头制定国际标准的目标是多少项": a target, a number or a scale
		// of something counts the thing.
		if genericCounted[before[i+len("的"):]] {
			before = before[:i]
		} else {
			before = before[i+len("的"):]
		}
	}
	rs := []rune(before)
	start := len(rs)
	for start > 0 && isWordRune(rs[start-1]) && len(rs)-start < 8 {
		start--
	}
	c.noun = string(rs[start:])
	return c
}

func isWordRune(r rune) bool {
	return unicode.Is(unicode.Han, r) || r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '/')
}

// figureSplit cuts a sentence into the clauses a figure belongs to: at
// commas, semicolons, colons and the enumeration comma (22个国家级…、127个省级…).
var figureSplit = regexp.MustCompile(`[，,；;：:、。]`)

// minBinding is the share of the counted noun's terms that must stand next
// to a figure for it to count that noun: 标准 alone does not make 9项国际标准
// a count of 行业标准.
const minBinding = 0.5

// How far from a figure (in runes) the noun it counts is looked for.
const (
	bindBefore = 16
	bindAfter  = 16
)

// pickFigure chooses the figure of sentence that answers a quantity
// question: a count (a year only when wantYear), bound to what the
// question counts. When the question says what it counts, the figure must
// stand next to that noun (国家标准有155项, 25个市、县…开展省级试点): the share
// of the noun's terms in the phrase the figure belongs to decides first;
// then the question's terms in the figure's clause (weighted by idf, over
// folded text); then a measure word agreeing with the question's. Numbers
// the question itself states are not answers. It returns false when the
// sentence has no such figure.
func (an *Answerer) pickFigure(qFolded string, c counted, sentence string, idf map[string]float64, wantYear bool) (figure, bool) {
	simp := an.lang.ToSimplified(sentence)
	bounds := figureSplit.FindAllStringIndex(simp, -1)
	clauseOf := func(pos int) (int, int) {
		lo, hi := 0, len(simp)
		for _, b := range bounds {
			if b[1] <= pos {
				lo = b[1]
			} else if b[0] >= pos {
				hi = b[0]
				break
			}
		}
		return lo, hi
	}
	nounTerms := tokenSet(an.lang.Fold(c.noun))
	share := func(text string) float64 { return termShare(text, nounTerms) }
	if len(c.groups) > 0 {
		share = func(text string) float64 { return groupShare(text, c.groups) }
	}
	figs := figures(simp)
	best, bestScore, found := figure{}, -1.0, false
	for k, f := range figs {
		switch {
		case f.kind == figMarker || f.kind == figDatePart || f.kind == figCode:
			continue
		case f.kind == figYear && !wantYear, f.kind == figCount && wantYear:
			continue
		case containsNumber(qFolded, f.value):
			continue // the question's own figure (2025年的目标)
		case c.count && (f.unit == "%" || f.unit == "％"):
			continue // "how many items" is not answered by a share
		case c.share && f.unit != "%" && f.unit != "％":
			continue // "what share" is answered by a percentage
		case c.money && !strings.Contains(f.unit, "元"):
			continue // "how much money" is answered by a sum of money
		case c.subset && f.unit == "大":
			continue // 三大先导产业 counts kinds, not the part asked
		}
		var score float64
		if len(nounTerms) > 0 && !c.money { // a sum in 元 is what money counts
			before, after := phraseAround(simp, figs, k)
			sh := max(share(an.lang.Fold(before)), share(an.lang.Fold(after)))
			if sh < minBinding {
				continue // counts something else
			}
			score += 100 * sh
		}
		lo, hi := clauseOf(f.start)
		clause := an.lang.Fold(simp[lo:hi])
		score += weightIn(clause, idf)
		if c.unit != "" && an.lang.ToSimplified(f.unit) == c.unit {
			score += 0.5
		}
		if score > bestScore {
			best, bestScore, found = f, score, true
		}
	}
	return best, found
}

// phraseAround is the text a figure belongs to: before it, back to a
// clause boundary or the previous figure (国家标准有|155项); after it, up to a
// clause boundary (6个|秘书处), crossing an enumeration comma unless another
// figure follows it (25个|市、县(市、区)政府开展省级试点, but 22个|国家级试点项目、127个…).
func phraseAround(s string, figs []figure, k int) (before, after string) {
	f := figs[k]
	lo := 0
	if k > 0 {
		lo = figs[k-1].end
	}
	head := s[lo:f.start]
	if i := strings.LastIndexAny(head, "，,；;。：:"); i >= 0 {
		_, n := utf8.DecodeRuneInString(head[i:])
		head = head[i+n:]
	}
	hi := len(s)
	if k+1 < len(figs) {
		hi = figs[k+1].start
	}
	tail := s[f.end:hi]
	if i := strings.IndexAny(tail, "，,；;。：:"); i >= 0 {
		tail = tail[:i]
	}
	rb, ra := []rune(head), []rune(tail)
	return string(rb[max(0, len(rb)-bindBefore):]), string(ra[:min(len(ra), bindAfter)])
}

// groupShare is the share of groups with an alternative whose terms mostly
// occur in folded text.
func groupShare(folded string, groups [][]string) float64 {
	n := 0
	for _, g := range groups {
		for _, alt := range g {
			if ts := tokenSet(alt); len(ts) > 0 && termShare(folded, ts) > 0.5 {
				n++
				break
			}
		}
	}
	return float64(n) / float64(len(groups))
}

// termShare is the share of terms that occur in folded text.
func termShare(folded string, terms map[string]bool) float64 {
	n := 0
	for t := range terms {
		if strings.Contains(folded, t) {
			n++
		}
	}
	return float64(n) / float64(len(terms))
}

// tokenSet is the set of lexical terms of folded text.
func tokenSet(folded string) map[string]bool { return tokenSetOf(retrieval.Tokens(nil, folded)) }

// containsNumber reports whether text states the number v as a whole
// number, not as part of a longer one (7 is not in 117 or 2022-02-17's 17
// unless it stands alone).
func containsNumber(text, v string) bool {
	for i := 0; ; {
		j := strings.Index(text[i:], v)
		if j < 0 {
			return false
		}
		j += i
		end := j + len(v)
		before, _ := utf8.DecodeLastRuneInString(text[:j])
		after, _ := utf8.DecodeRuneInString(text[end:])
		if (j == 0 || !isNumberRune(before)) && (end == len(text) || !isNumberRune(after)) {
			return true
		}
		i = j + 1
	}
}

func isNumberRune(r rune) bool { return r >= '0' && r <= '9' || r == '.' || r == ',' }

// yearQ spots questions whose answer is a year or date.
var yearQ = regexp.MustCompile(`哪一年|哪年|年份|起止年|时间跨度|哪个时期|what period|which period|what years|time span|何年|哪些年|什么时候|啥时候|几时|何时|几月|哪天|哪一天|截止时间|截止日期|期限|时限|什么时间前|what year|which year|\bwhen\b|what date|deadline|by when|which day|what day`)

// whenClauseRe finds an English "when" that opens a clause of the question
// rather than asking: "When Zhejiang talks about X, what kind of…?".
var whenClauseRe = regexp.MustCompile(`\bwhen\b[^?]*,\s*(?:what|which|who|whom|how|where|why|does|do|did|is|are|can)\b|\bwhen\s+\w+ing\b`)

// asksDate reports whether a question (folded) asks for a date or year.
func asksDate(folded string) bool {
	if !yearQ.MatchString(folded) {
		return false
	}
	if whenClauseRe.MatchString(folded) {
		return yearQ.MatchString(whenClauseRe.ReplaceAllString(folded, ""))
	}
	return true
}

// listQ spots questions that ask for several things ("分为哪几个阶段").
var listQ = regexp.MustCompile(`哪几|哪些|有哪|which|what are`)

var yearSpanParts = regexp.MustCompile(`^((?:19|20)\d{2})年?(?:-|–|—|－|~|～|至|到)((?:19|20)\d{2})年?$`)

var dateParts = regexp.MustCompile(`^((?:19|20)\d{2})年(?:(\d{1,2})月(?:(\d{1,2})日)?)?$`)

// englishDate writes 2015年10月30日 as "30 October 2015", 2023年7月 as
// "July 2023", 2025年 as "2025" and 2007-2020年 as "2007–2020".
func englishDate(s string) (string, bool) {
	if m := yearSpanParts.FindStringSubmatch(s); m != nil {
		return m[1] + "–" + m[2], true
	}
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

// parenTailRe is a parenthetical ending an item: 基地(杭州).
var parenTailRe = regexp.MustCompile(`[(（][^()（）]{0,12}[)）]\s*$`)

// extremeQ spots a question that asks which of several figures is the
// largest or smallest ("哪一类数量最多", "which kind has the most").
var extremeQ = regexp.MustCompile(`(?:哪|which)[^？?]{0,24}(最多|最少|最大|最小|最高|最低|\bmost\b|\bfewest\b|\bleast\b|\blargest\b|\bsmallest\b|\bhighest\b|\blowest\b)`)

// extremeFigure answers "which of them is largest": of a sentence's counts
// in one unit (two or more), the largest or smallest, with the words that
// name it (浙江制造标准有377项).
func (an *Answerer) extremeFigure(qFolded string, c counted, sentence string) (figure, bool) {
	m := extremeQ.FindStringSubmatch(an.lang.ToSimplified(qFolded))
	if m == nil {
		return figure{}, false
	}
	smallest := strings.Contains("最少最小最低fewestleastsmallestlowest", m[1])
	simp := an.lang.ToSimplified(sentence)
	figs := figures(simp)
	var pool []int
	for k, f := range figs {
		if f.kind == figCount && f.unit != "" && (c.unit == "" || an.lang.ToSimplified(f.unit) == c.unit) {
			pool = append(pool, k)
		}
	}
	if len(pool) < 2 || figs[pool[0]].unit != figs[pool[len(pool)-1]].unit {
		return figure{}, false
	}
	value := func(k int) float64 { v, _ := strconv.ParseFloat(figs[k].value, 64); return v }
	best := pool[0]
	for _, k := range pool[1:] {
		if smallest && value(k) < value(best) || !smallest && value(k) > value(best) {
			best = k
		}
	}
	before, _ := phraseAround(simp, figs, best)
	f := figs[best]
	f.text = strings.TrimSpace(before) + f.text
	return f, true
}

// countNamed counts, for a "how many" question whose sentence states no
// number, the things it names of the kind asked: "设在杭州的ISO基地有几个？"
// and "ISO国际标准化会议基地(杭州)、ISO国际标准化培训基地(杭州)" make 2个. The
// kind is the counted noun's last two characters; its names must stand in
// an enumeration (、 和 及).
// listOfKindRe finds items listed before 等 and their kind: 人工智能、生物医药、
// 集成电路等|领域.
var listOfKindRe = regexp.MustCompile(`([^，,。；;：:“”、]{1,12}(?:、[^，,。；;：:“”、]{1,12})+)等(\p{Han}{2})`)

func (an *Answerer) countNamed(c counted, sentence string) (figure, bool) {
	head := []rune(an.lang.ToSimplified(c.noun))
	if len(head) < 2 || c.english != "" || c.subset {
		return figure{}, false
	}
	kind := string(head[len(head)-2:])
	if retrieval.HanRunes(kind) != 2 {
		return figure{}, false
	}
	// The longest run of 、-separated items that end with the kind (a
	// parenthetical and an 等… tail aside): ISO…会议基地(杭州)、ISO…培训基地(杭州)等.
	n, run := 0, 0
	for _, seg := range strings.Split(an.lang.ToSimplified(sentence), "、") {
		if i := strings.Index(seg, "等"); i >= 0 {
			seg = seg[:i]
		}
		seg = strings.TrimSpace(parenTailRe.ReplaceAllString(seg, ""))
		if strings.HasSuffix(seg, kind) {
			run++
			n = max(n, run)
		} else {
			run = 0
		}
	}
	if n < 2 {
		// "覆盖人工智能、生物医药、集成电路等领域": the items named before
		// 等 and the kind.
		prefix := string(head[:len(head)-2]) // 集成电路 of 集成电路领域: one item, not the kind
		for _, m := range listOfKindRe.FindAllStringSubmatch(an.lang.ToSimplified(sentence), -1) {
			if m[2] == kind && (c.unit == "" || c.unit == "个") && (prefix == "" || !strings.Contains(m[1], prefix)) {
				n = max(n, strings.Count(m[1], "、")+1)
			}
		}
	}
	if n < 2 {
		return figure{}, false
	}
	unit := c.unit
	if unit == "" {
		unit = "个"
	}
	text := strconv.Itoa(n) + unit
	return figure{text: text, value: strconv.Itoa(n), unit: unit, kind: figCount}, true
}

// weightIn sums the weights of the terms of idf that folded text holds, in
// the terms' order: a map's random order would make ties between two
// candidates fall differently from one run to the next.
func weightIn(folded string, idf map[string]float64) float64 {
	var sum float64
	for _, t := range slices.Sorted(maps.Keys(idf)) {
		if strings.Contains(folded, t) {
			sum += idf[t]
		}
	}
	return sum
}
