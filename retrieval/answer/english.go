package answer

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/policybot/policybot/retrieval"
)

// countedTerms is what a quantity question counts, as lexical terms: the
// Chinese noun of a Chinese question, or the Chinese terms an English
// noun phrase was expanded into, and its Latin codes.
func (an *Answerer) countedTerms(q *retrieval.Query) counted {
	c := countedNoun(q.Folded)
	if !q.English || c.noun == "" {
		return c
	}
	words := strings.Fields(strings.ReplaceAll(strings.TrimSuffix(strings.TrimPrefix(c.noun, "consecutive "), " in a row"), "-", " "))
	if len(words) == 1 && englishClassifiers[words[0]] != "" {
		// "How many items": the measure word, not a noun to bind.
		return counted{unit: englishClassifiers[words[0]], english: c.noun, count: c.count, share: c.share, money: c.money, subset: c.subset}
	}
	var zh []string
	var groups [][]string // one per English word or phrase: its alternatives
	for _, ex := range q.Expanded {
		inside := true
		for _, w := range strings.Fields(strings.ToLower(ex.Source)) {
			inside = inside && containsPrefix(words, w)
		}
		if inside {
			zh = append(zh, ex.Terms...)
			groups = append(groups, ex.Terms)
		}
	}
	for _, w := range words {
		if strings.IndexFunc(w, func(r rune) bool { return r >= 'a' && r <= 'z' }) >= 0 && strings.ContainsAny(w, "/") {
			zh = append(zh, w) // codes such as iso/iec
			groups = append(groups, []string{w})
		}
	}
	return counted{noun: strings.Join(zh, " "), unit: c.unit, english: c.noun, groups: groups, count: c.count, share: c.share, money: c.money, subset: c.subset}
}

// englishClassifiers are the English nouns that only count (how many
// items), with the Chinese measure word they stand for.
var englishClassifiers = map[string]string{
	"item": "项", "items": "项", "piece": "件", "pieces": "件", "time": "次", "times": "次",
	"batch": "批", "batches": "批", "session": "届", "sessions": "届",
	"year": "年", "years": "年", "month": "个月", "months": "个月",
}

// containsPrefix reports whether a word of ws starts with w (an inflection:
// "secretariats" for "secretariat").
func containsPrefix(ws []string, w string) bool {
	for _, x := range ws {
		if strings.HasPrefix(x, w) || strings.HasPrefix(w, x) && len(x) >= 3 {
			return true
		}
	}
	return false
}

// whoQ spots questions that ask for a person.
var whoQ = regexp.MustCompile(`是谁|谁是|哪位|什么人|\bwho\b|\bwhom\b`)

// roleQ spots who-questions about the holder of a post, answered by a
// person's name rather than an organisation.
var roleQ = regexp.MustCompile(`长|主任|书记|主席|记者|编辑|总工程师|\b(?:director|mayor|deputy|head|chief|chairman|chair|secretary|minister|reporter|editor|engineer|commissioner)\b`)

// titleNameRe finds a person named after a title: 局长陈学军、, 副市长陈通介绍.
var titleNameRe = regexp.MustCompile(`(副市长|市长|副局长|局长|副主任|主任|总工程师|副书记|书记|副部长|部长|副厅长|厅长|副院长|院长|副主席|主席|秘书长|处长|会长|理事长|董事长|总经理|记者|责任编辑|编辑)[\s：:]*(\p{Han}{2,3}?)(?:[、，,。；;：:\s(（]|以外|之外|外|介绍|表示|指出|强调|说|共同|出席|和|及|等|在|于|对|是|$)`)

// personName picks the person of a sentence (Simplified) that a who-question
// (folded) asks about: a name after a title. When the question names the
// post (市科委副主任), only a name after that title, with the question's
// words for the organisation just before it, answers; otherwise the name
// whose context best matches the question's terms.
func (an *Answerer) personName(sentence string, q *retrieval.Query, idf map[string]float64) string {
	question := q.Folded
	simp := an.lang.ToSimplified(sentence)
	role, org := askedRole(question)
	roles, orgGroups := englishPost(q)
	best, bestScore := "", -1.0
	for _, m := range titleNameRe.FindAllStringSubmatchIndex(simp, -1) {
		name := simp[m[4]:m[5]]
		if r, _ := utf8.DecodeRuneInString(name); !strings.ContainsRune(surnames, r) {
			continue // 研究院长三角: 院长 is not a title here
		}
		before := []rune(an.lang.Fold(simp[:m[2]]))
		near := string(before[max(0, len(before)-10):])
		if role != "" {
			if simp[m[2]:m[3]] != role {
				continue
			}
			if org != "" && termShare(near, tokenSet(org)) < 0.5 {
				continue
			}
		}
		if len(roles) > 0 {
			// "the director of the Development and Reform Commission": a
			// name after such a title, with the organisation before it.
			if !slices.Contains(roles, simp[m[2]:m[3]]) {
				continue
			}
			if len(orgGroups) > 0 && groupShare(near, orgGroups) == 0 {
				continue // not one word of the organisation next to the title
			}
		}
		ctx := an.lang.Fold(simp[max(0, m[0]-36):m[3]])
		score := weightIn(ctx, idf)
		if score > bestScore {
			best, bestScore = name, score
		}
	}
	return best
}

// englishPostRe finds the post an English who-question asks about, and the
// organisation after "of".
var englishPostRe = regexp.MustCompile(`\b(deputy director|vice director|director|director general|deputy mayor|vice mayor|mayor|chief engineer|deputy head|head|reporter|correspondent|editor)\b(?:\s+of\s+(?:the\s+)?([\w\s'-]+?))?(?:\s+(?:who|at|in|on|attend\w*|present\w*|spoke|said)\b|[?.,]|$)`)

// englishPosts maps an English post to the Chinese titles that hold it.
var englishPosts = map[string][]string{
	"director": {"局长", "主任"}, "director general": {"局长", "主任"}, "head": {"局长", "主任", "处长"},
	"deputy director": {"副局长", "副主任"}, "vice director": {"副局长", "副主任"}, "deputy head": {"副局长", "副主任"},
	"mayor": {"市长"}, "deputy mayor": {"副市长"}, "vice mayor": {"副市长"}, "chief engineer": {"总工程师"},
	"reporter": {"记者"}, "correspondent": {"记者", "通讯员"}, "editor": {"编辑", "责任编辑"},
}

// englishPost reads the post an English who-question names, as Chinese
// titles, and the Chinese alternatives of the organisation it names after
// "of", one group per English word or phrase.
func englishPost(q *retrieval.Query) (roles []string, org [][]string) {
	if !q.English {
		return nil, nil
	}
	m := englishPostRe.FindStringSubmatch(q.Folded)
	if m == nil {
		return nil, nil
	}
	roles = englishPosts[m[1]]
	for _, ex := range q.Expanded {
		if m[2] == "" || !strings.Contains(m[2], ex.Source) || len(q.Places) > 0 && slices.Contains(q.Places, ex.Terms[0]) {
			continue // the place is the scope check's
		}
		org = append(org, ex.Terms)
	}
	return roles, org
}

// askedRole reads the post a Chinese who-question names and the words for
// the organisation just before it: 出席的市科委副主任是谁 → 副主任, 科委.
func askedRole(question string) (role, org string) {
	loc := postRe.FindStringIndex(question)
	if loc == nil {
		return "", ""
	}
	role = question[loc[0]:loc[1]]
	before := []rune(question[:loc[0]])
	start := len(before)
	for start > 0 && len(before)-start < 5 && unicode.Is(unicode.Han, before[start-1]) && !strings.ContainsRune("的是了在和与", before[start-1]) {
		start--
	}
	org = string(before[start:])
	for _, w := range []string{"哪一位", "哪位", "哪个", "哪名"} {
		if i := strings.LastIndex(org, w); i >= 0 {
			org = org[i+len(w):] // "是哪位副市长": no organisation
		}
	}
	return role, strings.TrimLeft(org, "市省县区")
}

// postRe finds a post in a question.
var postRe = regexp.MustCompile(`副市长|市长|副局长|局长|副主任|主任|总工程师|副书记|书记|副部长|部长|副厅长|厅长|副院长|院长|副主席|主席|秘书长|处长|会长|理事长|董事长|总经理|责任编辑|记者|编辑`)

// titleNamePairs lists the title-and-name pairs text states: 副市长陈通.
func titleNamePairs(simp string) []string {
	var out []string
	for _, tn := range titledPeople(simp) {
		out = append(out, tn[0]+tn[1])
	}
	return out
}

// titledPeople lists the posts and names text states: {副市长, 陈通}.
func titledPeople(simp string) [][2]string {
	var out [][2]string
	for _, m := range titleNameRe.FindAllStringSubmatch(simp, -1) {
		if r, _ := utf8.DecodeRuneInString(m[2]); strings.ContainsRune(surnames, r) {
			out = append(out, [2]string{m[1], m[2]})
		}
	}
	return out
}

// surnames are the common Chinese surnames (the 120 most frequent, which
// cover about 90% of people), for telling a name after a title from other
// words.
const surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"

// englishLead is the English first words of an answer to an English
// question: the figure with what it counts ("6 ISO/IEC secretariats"), the
// date ("30 October 2015"), the document number, or the person's name in
// pinyin ("Chen Xuejun (陈学军)"). It is "" when short is.
func (an *Answerer) englishLead(q *retrieval.Query, short string) string {
	if short == "" {
		return ""
	}
	if d, ok := englishDate(short); ok {
		return d
	}
	if rankQ.MatchString(q.Folded) {
		return englishRank(short)
	}
	if whoQ.MatchString(q.Folded) {
		if py := an.lang.Romanize(short); py != "" {
			return py + " (" + short + ")"
		}
		return short
	}
	if strings.Contains(short, "、") || docNumberQ.MatchString(q.Folded) {
		return short
	}
	for _, f := range figures(short) {
		if f.kind != figCount {
			continue
		}
		v := f.value
		if u := englishUnit(f.unit); u != "" {
			v += u
		}
		if c := an.countedTerms(q); c.english != "" && !strings.HasSuffix(v, "%") {
			return v + " " + originalWords(q.Text, c.english)
		}
		return v
	}
	return short
}

// englishUnit writes the units that stay with a number in English.
func englishUnit(u string) string {
	switch u {
	case "%", "％":
		return "%"
	case "万元":
		return "0,000 yuan"
	case "亿元":
		return "00 million yuan"
	case "元":
		return " yuan"
	}
	return ""
}

// originalWords finds phrase (folded, lowercase) in text and returns it as
// the asker wrote it ("ISO/IEC secretariats").
func originalWords(text, phrase string) string {
	if i := strings.Index(strings.ToLower(text), phrase); i >= 0 && len(text) == len(strings.ToLower(text)) {
		return text[i : i+len(phrase)]
	}
	return phrase
}
