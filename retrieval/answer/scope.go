package answer

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/policybot/policybot/knowledge"
	"github.com/policybot/policybot/retrieval"
)

// scope is what a question confines its answer to: the places, periods,
// documents and codes it names. Evidence that does not match them is not an
// answer, however well it covers the question's other words: Shanghai's
// figure does not answer a question about Mianyang, a total to the end of
// 2021 does not answer one about 2022, and the 2015 work plan does not
// answer one about the 2022 action plan.
type scope struct {
	places   []string // Simplified names
	years    []int    // the period the fact must be about ("during 2022", 2025年目标)
	docYears []int    // the year of the document asked about ("the 2022 action plan")
	docKinds []string // what kind of document it is: 行动计划, 方案 …
	titles   []string // 《…》 titles named, folded
	codes    []string // Latin codes and acronyms the evidence must hold: iso, iec, gm2d
	orgs     []string // organisations named, folded, without their place: 市场监管局, 国际电信联盟
	people   []string // people named with their post: 副市长陈学军
	// yearFigure is set for a quantity question about a year: its figure
	// must be that year's, stated with the year (a news page's date does
	// not make "近两年…21项" a 2022 figure), and not a running total
	// ("截至2021年底累计…") unless the question asks for one.
	yearFigure bool
	// docPlaces are the places each document of the evidence is about, by
	// ID: those its opening names (上海市人民政府办公厅印发…), for the
	// sentences and headings that name none.
	docPlaces map[string][]string
	// namedKinds are the kinds of document the question names, with or
	// without a year (浙江省试点工作方案, Zhejiang's work plan).
	namedKinds []string
	// fitting are the documents of the evidence whose title fits the
	// document the question names (its kind, place and year), when some
	// do: the others do not answer it ("浙江省试点工作方案里…" is not
	// answered from a news report about Jiaxing).
	fitting    map[string]bool
	cumulative bool // the question asks for a running total (截至, 累计, by the end of)
	plans      bool // the question names a five-year plan (十三五), which a sentence may name too
	// relative is a year the question names relative to now (去年, this
	// year): only a sentence that says the same answers, since the
	// documents' own dates are not now.
	relative string
	perYear  bool // it asks for a yearly figure (每年, annually)
	// months are the months the question names with their year, as the
	// documents write them: 2017年6月 (of "June 2017", 2017年6月底).
	months []string
}

// monthYearRe finds a month with its year in a folded question: 2017年6月,
// june 2017.
var monthYearRe = regexp.MustCompile(`((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月|\b(january|february|march|april|may|june|july|august|september|october|november|december)\s+(?:of\s+)?((?:19|20)\d{2})\b`)

var monthNumbers = map[string]int{"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6,
	"july": 7, "august": 8, "september": 9, "october": 10, "november": 11, "december": 12}

// monthsOf lists the months a question names, written 2017年6月.
func monthsOf(folded string) []string {
	var out []string
	for _, m := range monthYearRe.FindAllStringSubmatch(folded, -1) {
		if m[1] != "" {
			n, _ := strconv.Atoi(m[2])
			out = appendStr(out, fmt.Sprintf("%s年%d月", m[1], n))
			continue
		}
		out = appendStr(out, fmt.Sprintf("%s年%d月", m[4], monthNumbers[m[3]]))
	}
	return out
}

// perYearQ spots questions about a yearly figure.
var perYearQ = regexp.MustCompile(`每年|年均|每一年|逐年|每届|每次|每期|\bper session\b|\beach round\b|\bannual(?:ly)?\b|\bper year\b|\beach year\b|\ba year\b|\bevery year\b|\byearly\b`)

// cumulativeQ spots questions that ask for a running total.
var cumulativeQ = regexp.MustCompile(`到\s*(?:19|20)\d{2}|(?:19|20)\d{2}\s*年?前|\bby\s+(?:19|20)\d{2}|截至|截止|累计|总共|一共|共有|总计|为止|以来|年底|底前|so far|in total|\btotal\b|cumulative|by the end|by end|as of|up to|until|since`)

// cumulativeText spots a running total in a sentence (Simplified).
var cumulativeText = regexp.MustCompile(`截至|截止|累计|以来|为止`)

// targetText spots a target sentence: 到2025年, 2025年前.
var targetText = regexp.MustCompile(`到\s*(?:19|20)\d{2}|(?:19|20)\d{2}\s*年?(?:底)?前`)

// isRunningTotal reports whether a sentence (Simplified) states a running
// total to a date: 截至2021年底累计…; a target's 累计 (到2025年累计发布…) is
// the target itself.
func isRunningTotal(simp string) bool {
	if strings.Contains(simp, "截至") || strings.Contains(simp, "截止") {
		return true
	}
	return cumulativeText.MatchString(simp) && !targetText.MatchString(simp)
}

// miss says why a piece of evidence is out of the question's scope, for the
// decline: asked is what the question names, found what the evidence is
// about instead ("" when it says nothing).
type miss struct {
	kind         missKind
	asked, found string
	total        bool // the evidence gives a running total to the year asked, not the year's figure
}

type missKind int

const (
	missNone     missKind = iota // in scope; as a decline: the evidence covers too little
	missUnknown                  // names the knowledge base does not know
	missPlace                    // about another place
	missYear                     // about another period
	missDocument                 // from another document
	missCode                     // lacks a code or acronym the question names
	missFigure                   // no number for a how-many question, no name for a who-question
	missPremise                  // the evidence contradicts what the question takes for granted
)

func (k missKind) String() string {
	return [...]string{"coverage", "unknown", "place", "year", "document", "code", "figure", "premise"}[k]
}

var (
	// yearInTextRe finds years: 2022, 2022年; not inside longer numbers.
	yearInTextRe = regexp.MustCompile(`(?:^|[^\d.])((?:19|20)\d{2})(?:[^\d]|$)`)
	// yearRangeRe finds spans: 2021-2025年, 2015—2016, 2023至2025年.
	yearRangeRe = regexp.MustCompile(`((?:19|20)\d{2})\s*(?:年)?\s*(?:-|–|—|－|~|～|至|到)\s*((?:19|20)\d{2})`)
	// docNumberYearRe finds the year inside an issuing number: 〔2015〕.
	docNumberYearRe = regexp.MustCompile(`[〔\[［(（]((?:19|20)\d{2})[〕\]］)）]`)
	// askedNumberYearRe finds the year of an issuing number a question
	// names, its serial following (〔2015〕13号, [2015] No. 13), not a year
	// in brackets: "last year (2024)".
	askedNumberYearRe = regexp.MustCompile(`[〔\[［(（]((?:19|20)\d{2})[〕\]］)）]\s*(?:no\.?\s*|第\s*)?\d+`)
	// docYearRe finds a year attached to a document: 2022年行动计划, the
	// 2022 action plan.
	docYearRe = regexp.MustCompile(`((?:19|20)\d{2})\s*(?:年)?\s*(?:的|版|年度)?\s*(?:\p{Han}{2,3}?|[a-z]+(?:'s)?\s+)??(?:《)?\s*(` + docKindAlternatives + `)`)
	// fiveYearRe finds five-year plan periods: 十四五 (2021–2025).
	fiveYearRe = regexp.MustCompile(`十([一二三四五六七八九])五|(\d{2})(?:th|st|nd|rd) five[- ]year`)
	// titleRe finds a document title in 《》.
	titleRe = regexp.MustCompile(`《([^》]{2,60})》`)
)

// docKinds maps the ways questions name a kind of document to the words
// such a document's title uses.
var docKinds = []struct {
	asked string
	title []string
}{
	{"行动计划", []string{"行动计划"}},
	{"action plan", []string{"行动计划"}},
	{"工作方案", []string{"工作方案", "方案"}},
	{"实施方案", []string{"实施方案", "方案"}},
	{"work plan", []string{"工作方案", "方案"}},
	{"programme", []string{"方案", "计划"}},
	{"program", []string{"方案", "计划"}},
	{"scheme", []string{"方案"}},
	{"方案", []string{"方案"}},
	{"纲要", []string{"纲要"}},
	{"outline", []string{"纲要"}},
	{"规划", []string{"规划"}},
	{"计划", []string{"计划", "规划"}},
	{"plan", []string{"计划", "规划", "方案"}},
	{"通知", []string{"通知"}},
	{"notice", []string{"通知"}},
	{"意见", []string{"意见"}},
	{"opinions", []string{"意见"}},
	{"办法", []string{"办法"}},
	{"measures", []string{"办法", "措施"}},
}

// relativeYearRe finds a year named relative to now; relativeYearZh says
// it the way a document would.
var (
	relativeYearRe = regexp.MustCompile(`(去年|今年|前年|明年|last year|this year|next year|the year before last)`)
	relativeYearZh = map[string]string{"去年": "去年", "今年": "今年", "前年": "前年", "明年": "明年", "last year": "去年", "this year": "今年", "next year": "明年", "the year before last": "前年"}
)

// namedDocAfterRe finds what follows a kind of document that a question
// names as where the answer is: 里, 中, 提出, 要求, 的….
var namedDocAfterRe = regexp.MustCompile(`^(?:》)?\s*(?:里|中|上|内|提出|提到|要求|规定|明确|指出|说|称|写|的|对|把|将|在|为|有|是否|还|要|计划|打算|希望)`)

// namedKindRe finds the kinds of document a question names.
var namedKindRe = regexp.MustCompile(docKindAlternatives)

const docKindAlternatives = `行动计划|工作方案|实施方案|方案|纲要|规划|计划|通知|意见|办法|action plan|work plan|programme|program|scheme|outline|plan|notice|opinions|measures`

// scopeOf reads a question's scope.
func (an *Answerer) scopeOf(q *retrieval.Query) scope {
	var sc scope
	sc.places = slices.Clone(q.Places)
	f := q.Folded
	inDocNumber := make(map[int]bool)
	for _, m := range askedNumberYearRe.FindAllStringSubmatch(f, -1) {
		y, _ := strconv.Atoi(m[1])
		inDocNumber[y] = true
	}
	docYear := make(map[int]bool)
	for _, m := range docYearRe.FindAllStringSubmatch(f, -1) {
		y, _ := strconv.Atoi(m[1])
		docYear[y] = true
		sc.docYears = appendInt(sc.docYears, y)
		sc.docKinds = appendStr(sc.docKinds, m[2])
	}
	for _, y := range yearsIn(f) {
		if !docYear[y] && !inDocNumber[y] {
			sc.years = appendInt(sc.years, y)
		}
	}
	for _, m := range titleRe.FindAllStringSubmatch(f, -1) {
		sc.titles = append(sc.titles, strings.TrimSpace(m[1]))
	}
	for _, m := range namedKindRe.FindAllStringSubmatchIndex(f, -1) {
		// "试点工作方案里…", "方案提出…": the document the answer is in; not
		// "是什么配套方案？", a kind of thing the answer names.
		k, rest := f[m[0]:m[1]], f[m[1]:]
		if retrieval.HanRunes(k) == 0 || namedDocAfterRe.MatchString(rest) {
			sc.namedKinds = appendStr(sc.namedKinds, k)
		}
	}
	sc.cumulative = cumulativeQ.MatchString(f)
	sc.plans = fiveYearRe.MatchString(f)
	if m := relativeYearRe.FindStringSubmatch(f); m != nil {
		sc.relative = relativeYearZh[m[1]]
	}
	sc.months = monthsOf(f)
	// "每年评选多少个" asks a yearly figure, for any year.
	sc.perYear = q.Quantity && perYearQ.MatchString(f)
	sc.yearFigure = q.Quantity && (len(sc.years) > 0 || sc.perYear)
	sc.codes = codesOf(q)
	sc.orgs = an.orgsOf(q)
	sc.people = titleNamePairs(an.lang.ToSimplified(q.Folded))
	return sc
}

// orgRe finds the names of organisations: a run of Han characters ending
// in an institutional word (…联盟, …委员会, …监管局, …研究院, …人民政府).
var orgRe = regexp.MustCompile(`\p{Han}{1,12}?(?:联盟|委员会|标委会|协会|学会|研究院|研究所|研究中心|技术中心|服务中心|集团|公司|大学|学院|银行|办公厅|人民政府|政府|委|局)`)

// orgsOf lists the organisations a question names, each without a leading
// measure word or place (个国际电信联盟 → 国际电信联盟, 上海市市场监管局 →
// 市场监管局).
// genericOrgs are the words for a kind of body, which a level (市, 县,
// 国家) does not make the name of one.
var genericOrgs = map[string]bool{"政府": true, "人民政府": true, "部委": true, "委": true, "局": true, "委办局": true}

func (an *Answerer) orgsOf(q *retrieval.Query) []string {
	var out []string
	for _, run := range q.Runs {
		for _, m := range orgRe.FindAllString(run, -1) {
			m = strings.TrimLeft(m, "一二两三四五六七八九十几多个项家名所位类种批")
			// "开展省级试点的市县政府", "要跟国家部委": the name starts after
			// the last particle or preposition.
			if i := strings.LastIndexAny(m, "的跟和与同向对在把被让给及或由里将"); i >= 0 {
				_, n := utf8.DecodeRuneInString(m[i:])
				m = m[i+n:]
			}
			if genericOrgs[strings.TrimLeft(m, "国家各省市县区乡镇级")] {
				continue // 市县政府, 国家部委: a kind of body, not one body
			}
			for _, p := range an.lang.Places(m) {
				if i := strings.Index(m, p); i == 0 {
					m = m[len(p):]
					if r, n := utf8.DecodeRuneInString(m); strings.ContainsRune("省市县区", r) {
						m = m[n:] // one level: 嘉兴市|市场监管局
					}
				}
			}
			short := strings.HasSuffix(m, "委") || strings.HasSuffix(m, "局")
			if n := retrieval.HanRunes(m); n >= 3 && !(short && n < 4) {
				out = appendStr(out, m)
			}
		}
	}
	return out
}

// yearsIn lists the years folded text names: single years, every year of
// a range, and the years of a five-year plan period.
func yearsIn(f string) []int { return yearsOf(f, true) }

// sentenceYears are the years a sentence (folded) is about: those it
// states, or, when it states none, the spans of the five-year plans it names.
func sentenceYears(f string) []int { return yearsOf(f, false) }

// yearsOf lists the years of f; withPlans adds the five-year plan spans
// even when f states years of its own.
func yearsOf(f string, withPlans bool) []int {
	var ys []int
	for _, m := range yearRangeRe.FindAllStringSubmatch(f, -1) {
		a, _ := strconv.Atoi(m[1])
		b, _ := strconv.Atoi(m[2])
		for y := a; y <= b && b-a <= 30; y++ {
			ys = appendInt(ys, y)
		}
	}
	for _, m := range yearInTextRe.FindAllStringSubmatch(f, -1) {
		y, _ := strconv.Atoi(m[1])
		ys = appendInt(ys, y)
	}
	if len(ys) > 0 && !withPlans {
		// A sentence that states its years is about them: the 十三五 of
		// "纳入…“十三五”规划(2015年底前完成)" names a plan, not the time.
		return ys
	}
	for _, m := range fiveYearRe.FindAllStringSubmatch(f, -1) {
		var n int
		if m[1] != "" {
			d, _ := hanValue(m[1])
			n = 10 + d
		} else {
			n, _ = strconv.Atoi(m[2])
		}
		// The 3rd five-year plan began in 1966 (after 1953–57, 1958–62 and a
		// gap); each later one spans the next 5 years: 十四五 is 2021–2025.
		start := 1966 + 5*(n-3)
		if n < 3 {
			start = 1953 + 5*(n-1)
		}
		for y := start; y < start+5; y++ {
			ys = appendInt(ys, y)
		}
	}
	return ys
}

// codesOf lists the Latin codes and acronyms of a question (folded): every
// Latin word of a Chinese question, and the all-capital words of an English
// one (ISO, IEC, GM2D), which name organisations and standards that the
// evidence must name too.
//
// An acronym the lexicon translated (CPC → 中共) is a word like any other:
// the evidence holds its translation, not the letters.
func codesOf(q *retrieval.Query) []string {
	translated := make(map[string]bool)
	for _, ex := range q.Expanded {
		for _, w := range strings.Fields(ex.Source) {
			translated[w] = true
		}
	}
	var out []string
	for _, w := range strings.FieldsFunc(q.Text, func(r rune) bool { return r >= 0x80 || !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if len(w) < 2 || isDigitsOnly(w) {
			continue
		}
		if q.English && (strings.ToUpper(w) != w || len(w) > 8 || translated[strings.ToLower(w)]) {
			continue
		}
		if len(w) == 2 && strings.IndexAny(w, "0123456789") >= 0 {
			continue // 2D, 5G: Chinese text often writes them out (二维码)
		}
		if !q.English && len(w) >= 4 && strings.ToLower(w) == w && strings.IndexAny(w, "0123456789") < 0 {
			continue // "deadline是哪天": an English word, not a code
		}
		out = appendStr(out, strings.ToLower(w))
	}
	return out
}

func tokenSetOf(ts []string) map[string]bool {
	set := make(map[string]bool, len(ts))
	for _, t := range ts {
		set[t] = true
	}
	return set
}

func isDigitsOnly(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// check reports whether a candidate sentence of chunk c is inside the
// scope; when it is not, the miss says why.
func (an *Answerer) check(sc scope, sentence string, c knowledge.Chunk) miss {
	sf := an.lang.Fold(sentence)
	ctx := an.lang.Fold(c.Title + "\n" + strings.Join(c.Section, "\n"))
	// The chunk's whole text, folded once, when a code, organisation or
	// person needs it.
	chunkText := sync.OnceValue(func() string { return an.lang.Fold(c.Text) })
	for _, code := range sc.codes {
		if !hasWord(sf, code) && !hasWord(ctx, code) && !hasWord(chunkText(), code) {
			return miss{kind: missCode, asked: code}
		}
	}
	for _, org := range sc.orgs {
		ts := retrieval.Tokens(nil, org)
		if termShare(sf+"\n"+ctx+"\n"+chunkText(), tokenSetOf(ts)) < 0.6 {
			return miss{kind: missCode, asked: org}
		}
	}
	for _, p := range sc.people {
		// "副市长陈学军" asked, "副市长陈通…局长陈学军" found: a wrong premise.
		if !strings.Contains(sf, an.lang.Fold(p)) && !strings.Contains(chunkText(), an.lang.Fold(p)) {
			return miss{kind: missCode, asked: p}
		}
	}
	if m := an.checkPlaces(sc.places, sf, ctx, sc.docPlaces[c.DocID]); m.kind != missNone {
		return m
	}
	if len(sc.years) > 0 {
		own := sentenceYears(sf)
		if sc.plans {
			own = yearsIn(sf) // "the 13th Five-Year Plan" is matched by 十三五
		}
		ok := intersects(own, sc.years)
		if !ok && len(own) == 0 {
			ok = intersects(yearsIn(ctx), sc.years) || !sc.yearFigure && intersects(dateYears(c.Date), sc.years)
		}
		if ok && sc.yearFigure && !sc.cumulative && isRunningTotal(an.lang.ToSimplified(sentence)) {
			// "How many in 2021?" is not answered by the total to the end of 2021.
			return miss{kind: missYear, asked: strconv.Itoa(sc.years[0]), total: true}
		}
		if !ok {
			found := ""
			if len(own) > 0 {
				found = strconv.Itoa(own[0])
			}
			return miss{kind: missYear, asked: strconv.Itoa(sc.years[0]), found: found}
		}
	}
	if sc.relative != "" && !strings.Contains(an.lang.ToSimplified(sentence), sc.relative) {
		return miss{kind: missYear, asked: sc.relative} // "去年…多少项" is not answered by 近两年
	}
	if len(sc.months) > 0 {
		simp := strings.ReplaceAll(an.lang.ToSimplified(sentence), " ", "")
		for _, mo := range sc.months {
			if !strings.Contains(simp, mo) {
				// "due by June 2017" is not answered by a 2017年底 deadline.
				return miss{kind: missYear, asked: mo}
			}
		}
	}
	if sc.perYear && !sc.cumulative && isRunningTotal(an.lang.ToSimplified(sentence)) {
		// "How many a year?" is not answered by a running total.
		return miss{kind: missYear, total: true}
	}
	if sc.fitting != nil && !sc.fitting[c.DocID] {
		return miss{kind: missDocument}
	}
	title := an.lang.Fold(c.Title)
	if len(sc.docYears) > 0 {
		dy := append(dateYears(c.Date), yearsIn(title)...)
		if len(dy) > 0 && !intersects(dy, sc.docYears) {
			return miss{kind: missDocument, asked: strconv.Itoa(sc.docYears[0]) + " " + sc.docKinds[0], found: strconv.Itoa(dy[0])}
		}
	}
	// A title that names a kind of document (…工作方案) must name the kind
	// asked about; news titles and titles cut short name none, and the
	// chunk may then name it.
	if namesKind(title) {
		for _, k := range sc.docKinds {
			if !titleHasKind(title, k) {
				return miss{kind: missDocument, asked: k}
			}
		}
	}
	for _, t := range sc.titles {
		if !strings.Contains(title, t) && !strings.Contains(chunkText(), t) {
			return miss{kind: missDocument, asked: "《" + t + "》"}
		}
	}
	return miss{}
}

// checkPlaces matches the places a question names against the places a
// sentence is about: those it names itself, or when it names none, those
// of its section path and document title. A sentence about another place
// answers for that place only.
func (an *Answerer) checkPlaces(asked []string, sentence, ctx string, docPlaces []string) miss {
	if len(asked) == 0 {
		return miss{}
	}
	// "Jiaxing, in Zhejiang province": the wider place only locates the
	// narrower one, which the evidence must be about.
	var narrow []string
	for _, p := range asked {
		wider := false
		for _, o := range asked {
			wider = wider || o != p && an.lang.Within(o, p)
		}
		if !wider {
			narrow = append(narrow, p)
		}
	}
	asked = narrow
	about := an.lang.Places(sentence)
	if len(about) == 0 {
		about = an.lang.Places(ctx)
	}
	if len(about) == 0 {
		about = docPlaces
	}
	for _, p := range asked {
		if !slices.Contains(about, p) {
			m := miss{kind: missPlace, asked: p}
			if len(about) > 0 {
				m.found = about[0]
			}
			return m
		}
	}
	return miss{}
}

// withDocPlaces fills sc.docPlaces for the documents of the evidence: the
// places named in the title and first lines of each one's first chunk.
func (an *Answerer) withDocPlaces(sc *scope, docs *docReader, ev []retrieval.Evidence) {
	if len(sc.places) == 0 {
		return
	}
	sc.docPlaces = make(map[string][]string)
	for _, v := range firstOfEachDoc(ev) {
		id := v.Chunk.DocID
		sc.docPlaces[id] = nil
		first, ok, err := docs.opening(id)
		if err != nil || !ok {
			continue
		}
		opening := first.Text
		if rs := []rune(opening); len(rs) > 200 {
			opening = string(rs[:200])
		}
		sc.docPlaces[id] = an.lang.Places(an.lang.Fold(first.Title + "\n" + opening))
	}
}

// withFitting notes the documents of the evidence that fit the document
// the question names: a title naming its kind, and its place and year when
// it gives them. It runs after withDocPlaces.
func (an *Answerer) withFitting(sc *scope, ev []retrieval.Evidence) {
	if len(sc.namedKinds) == 0 || len(sc.titles) > 0 {
		return // a 《title》 named is matched as a title, wherever it is cited
	}
	allowed := make(map[string]bool) // document ID → not known not to fit
	some := false                    // a document surely fits
	for _, v := range firstOfEachDoc(ev) {
		id := v.Chunk.DocID
		title := an.lang.Fold(v.Chunk.Title)
		if strings.HasSuffix(title, "…") || !namesKind(title) {
			// A title cut short, or a news headline, may or may not be the
			// document; only a title that names a kind can tell.
			allowed[id] = strings.HasSuffix(title, "…")
			continue
		}
		fits := slices.ContainsFunc(sc.namedKinds, func(k string) bool { return titleHasKind(title, k) })
		if fits && len(sc.places) > 0 {
			fits = slices.ContainsFunc(sc.places, func(p string) bool {
				return strings.Contains(an.lang.ToSimplified(title), p) || slices.Contains(sc.docPlaces[id], p)
			})
		}
		sure := fits
		if fits && len(sc.docYears) > 0 {
			dy := append(dateYears(v.Chunk.Date), yearsIn(title)...)
			fits = len(dy) == 0 || intersects(dy, sc.docYears)
			sure = fits && len(dy) > 0
		}
		allowed[id] = fits
		some = some || sure
	}
	if some {
		sc.fitting = allowed
	}
}

// namesKind reports whether a title names a kind of document.
func namesKind(title string) bool {
	for _, k := range docKinds {
		for _, w := range k.title {
			if strings.HasSuffix(strings.TrimRight(title, "》」”\" "), w) || strings.Contains(title, w+"》") {
				return true
			}
		}
	}
	return false
}

func titleHasKind(title, asked string) bool {
	for _, k := range docKinds {
		if k.asked != asked {
			continue
		}
		for _, w := range k.title {
			if strings.Contains(title, w) {
				return true
			}
		}
		return false
	}
	return true
}

// dateYears is the year of a document date (2022-02-17), if any.
func dateYears(date string) []int {
	if len(date) >= 4 && isYearValue(date[:4]) {
		y, _ := strconv.Atoi(date[:4])
		return []int{y}
	}
	return nil
}

// hasWord reports whether folded text holds w as a whole Latin word.
func hasWord(text, w string) bool {
	for i := 0; ; {
		j := strings.Index(text[i:], w)
		if j < 0 {
			return false
		}
		j += i
		end := j + len(w)
		if (j == 0 || !isASCIIAlnum(text[j-1])) && (end == len(text) || !isASCIIAlnum(text[end])) {
			return true
		}
		i = j + 1
	}
}

func isASCIIAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c >= 'A' && c <= 'Z'
}

func intersects(a, b []int) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

func appendInt(s []int, v int) []int {
	if slices.Contains(s, v) {
		return s
	}
	return append(s, v)
}

func appendStr(s []string, v string) []string {
	if slices.Contains(s, v) {
		return s
	}
	return append(s, v)
}
