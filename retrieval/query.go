package retrieval

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/policybot/policybot/knowledge"
	"github.com/policybot/policybot/retrieval/lexicon"
)

// questionWords are the interrogative and filler phrases of a Chinese
// question, in folded form. They carry no evidence, so the question is
// split at them before its terms are taken: 上海承担了多少个秘书处 gives 上海承担,
// 秘书处, not the spurious bigrams 了多, 少个.
var questionWords = []string{
	"数量最多", "数量最少", "数量最大", "哪一类", "哪一种", "哪类", "哪种",
	"为什么", "是什么", "有哪些", "有多少", "是多少", "是哪个", "是哪些", "什么", "多少", "哪些", "哪个",
	"哪里", "哪儿", "哪一", "哪几", "如何", "怎么", "怎样", "是否", "有没有", "请问", "告诉我", "几个",
	"几项", "几家", "几年", "啥时候", "干啥", "叫啥", "是啥", "有啥", "为啥", "咋样", "咋", "啥", "几", "谁", "吗",
	"呢", "哪", "了", "的",
}

// quantityRe spots questions that ask for a number.
var quantityRe = regexp.MustCompile(`多少|几|多大|多高|多长|how many|how much|number of|what percentage|what share|how long|how large|count of`)

// englishStop are English words with no evidence value on their own.
var englishStop = map[string]bool{
	"a": true, "an": true, "the": true, "of": true, "in": true, "on": true, "at": true, "to": true, "for": true,
	"by": true, "with": true, "and": true, "or": true, "is": true, "are": true, "was": true, "were": true,
	"be": true, "been": true, "do": true, "does": true, "did": true, "what": true, "which": true, "who": true,
	"whom": true, "whose": true, "when": true, "where": true, "why": true, "how": true, "many": true,
	"much": true, "it": true, "its": true, "this": true, "that": true, "these": true, "those": true,
	"there": true, "has": true, "have": true, "had": true, "as": true, "from": true, "into": true,
	"about": true, "than": true, "their": true, "his": true, "her": true, "they": true, "he": true,
	"she": true, "we": true, "you": true, "i": true, "can": true, "will": true, "would": true,
	"should": true, "could": true, "not": true, "no": true, "any": true, "all": true, "some": true,
	"s": true,
}

// Query is an analysed question: what retrieval searches with and what an
// answerer checks the evidence against.
type Query struct {
	Text    string
	Folded  string // matching form (knowledge.Folder.Fold)
	Script  knowledge.Script
	Terms   []Term   // weighted lexical terms, sorted by text
	Core    []Term   // the question's own content terms (no expansions)
	Places  []string // places named in the question (Simplified)
	Missing []string // key words with no counterpart in the knowledge base
	// Unplaced are the English words whose Chinese translations the
	// knowledge base never uses (not names: those are Missing): like a
	// Chinese question's unknown bigrams, they count against the evidence.
	Unplaced []string
	Runs     []string // the question's Han runs between question words
	// Quoted are the names the question puts in quotes (folded): “浙江标准”,
	// "going global". Evidence must name them.
	Quoted   []string
	Quantity bool // asks for a number
	English  bool // mostly English: crosses into Chinese through the lexicon
	Expanded []Expansion
	// Phrases are search terms joining adjacent English words' translations
	// (see joinPhrases).
	Phrases []Term
}

// UnknownBigrams counts the question's bigrams that no chunk has and that
// stand next to another such bigram or make up a two-character run: an
// unknown word (火星基地, 北京承担), rather than one spurious bigram across a
// word boundary (年深 in 2015年深化).
func (q *Query) UnknownBigrams(ix *Index) int {
	unknown := func(b string) bool {
		return ix.lex.df(b) == 0 && !strings.ContainsAny(b, functionChars)
	}
	n := 0
	for _, run := range q.Runs {
		bs := tokens(nil, run)
		if len(bs) == 1 && hanRunes(run) == 2 && unknown(bs[0]) {
			n++
			continue
		}
		for i, b := range bs {
			if unknown(b) && (i > 0 && unknown(bs[i-1]) || i+1 < len(bs) && unknown(bs[i+1])) {
				n++
			}
		}
	}
	return n
}

// functionChars are characters of grammar rather than subject matter; a
// bigram holding one is more likely a word boundary than an unknown name.
const functionChars = "的了是在和与及或为分各把被将对从向于以而且并也都还就要会能可该此其这那之所等有个们着过到给让由"

// Expansion records how an English word of a question crossed into Chinese.
type Expansion struct {
	Source string   `json:"source"`
	Terms  []string `json:"terms"`
}

// Analyze folds the question, finds its terms, expands English words into
// Chinese terms that occur in the knowledge base, and notes the places it
// names.
func (e *Engine) Analyze(ix *Index, text string) *Query {
	q := &Query{Text: text, Folded: e.folder.Fold(text), Script: e.folder.DetectScript(text)}
	q.Quantity = quantityRe.MatchString(q.Folded)
	weights := make(map[string]float64)
	add := func(t string, w float64) {
		if w > weights[t] {
			weights[t] = w
		}
	}
	// The question's own terms, split at question words.
	split := q.Folded
	for _, w := range questionWords {
		split = strings.ReplaceAll(split, w, " ")
	}
	var latinWords []string
	for _, t := range tokens(nil, split) {
		if isASCIIWord(t) && !isDigits(t) {
			latinWords = append(latinWords, t)
			if englishStop[t] {
				continue
			}
		}
		add(t, 1)
	}
	for t, w := range weights {
		q.Core = append(q.Core, Term{t, w})
	}
	q.Runs = strings.FieldsFunc(split, func(r rune) bool { return !isHan(r) })
	q.Places = e.lang.Places(q.Folded)
	// English: cross into Chinese through the lexicon.
	if e.lex != nil && len(latinWords) > 0 && hanRunes(q.Folded) < len(latinWords) {
		q.English = true
		covered := make(map[string]bool) // English words the lexicon placed in the knowledge base
		var unplaced []string            // proper nouns it could not
		var absent []Expansion           // places it names that the knowledge base does not
		for _, ex := range e.lex.Expand(text) {
			if insideCode(latinWords, ex.Source) {
				continue // "gm" of GM2D is not the English word
			}
			used := e.expand(ix, ex, add)
			if len(used) == 0 {
				switch {
				case !e.inKB(ix, ex.Source) && len(ex.Terms) > 0 && !isAcronym(text, ex.Source):
					// A word the lexicon translates, capitalised or not
					// ("Outline" in a title), that the documents never use.
					q.Unplaced = append(q.Unplaced, ex.Source)
				case isProperNoun(text, ex.Source) && !e.inKB(ix, ex.Source):
					unplaced = append(unplaced, ex.Source)
				}
				// A place the knowledge base never mentions is still a place
				// the question is about, unless the word is part of a
				// person's name (the Tong of "Chen Tong" is not 通县).
				for _, t := range ex.Terms {
					if p := e.lang.placeOf(t); p != "" {
						absent = append(absent, Expansion{Source: ex.Source, Terms: []string{p}})
						break
					}
				}
				continue
			}
			for _, w := range strings.Fields(ex.Source) {
				covered[w] = true
			}
			q.Expanded = append(q.Expanded, Expansion{ex.Source, used})
			for _, t := range used {
				if p := e.lang.placeOf(t); p != "" {
					q.Places = appendNew(q.Places, p)
				}
			}
		}
		q.Phrases = e.joinPhrases(ix, q)
		// Romanised Chinese names: "Chen Xuejun" for 陈学军.
		names, unknown, places := e.names(ix, text, covered, add)
		q.Expanded = append(q.Expanded, names...)
		q.Missing = append(q.Missing, unknown...)
		for _, p := range places {
			q.Places = appendNew(q.Places, p)
		}
		for _, a := range absent {
			if !nameCovers(names, a.Source) {
				q.Places = appendNew(q.Places, a.Terms[0])
			}
		}
		for _, u := range unplaced {
			if !nameCovers(names, u) {
				q.Missing = append(q.Missing, u)
			}
		}
	}
	// A quoted name ("三新工程") the knowledge base has no words for is a
	// subject it does not cover; a numbered summary ("四地", for four aims
	// the text lists) is the asker's shorthand.
	for _, m := range quotedRe.FindAllStringSubmatch(q.Folded, -1) {
		name := strings.TrimSpace(m[1])
		if r, _ := utf8.DecodeRuneInString(name); strings.ContainsRune("一二两三四五六七八九十百千", r) {
			continue
		}
		if n := utf8.RuneCountInString(name); n >= 2 && (n <= 16 || hanRunes(name) == 0 && n <= 60) {
			q.Quoted = appendNew(q.Quoted, name)
		}
		if hanRunes(name) >= 2 && !ix.lex.hasAll(tokens(nil, name)) {
			q.Missing = appendNew(q.Missing, name)
		}
	}
	// Questions of the forms laws answer in fixed words: a definition is
	// "本法所称X，是指…", a purpose "为了…，制定本法".
	for _, f := range draftingFormulas {
		if f.asks.MatchString(q.Folded) {
			for _, t := range f.terms {
				add(t, formulaWeight)
			}
		}
	}
	q.Terms = make([]Term, 0, len(weights))
	for t, w := range weights {
		q.Terms = append(q.Terms, Term{t, w})
	}
	sort.Slice(q.Terms, func(i, j int) bool { return q.Terms[i].Text < q.Terms[j].Text })
	sort.Slice(q.Core, func(i, j int) bool { return q.Core[i].Text < q.Core[j].Text })
	return q
}

// phraseWeight is the weight of a bigram that joins the translations of
// two adjacent English words.
const phraseWeight = 0.5

// joinPhrases adds, for English words that stand next to each other
// ("standardization development strategy outline"), the bigram across
// their translations' boundary when the knowledge base has it (化发, 展战,
// 略纲 of 标准化发展战略纲要): the phrase written as one Chinese name ranks
// above its words scattered. They are search terms only: an answer covers
// the question's words, not these.
func (e *Engine) joinPhrases(ix *Index, q *Query) []Term {
	var out []Term
	seen := make(map[string]bool)
	for i := 1; i < len(q.Expanded); i++ {
		a, b := q.Expanded[i-1], q.Expanded[i]
		if !strings.Contains(q.Folded, a.Source+" "+b.Source) {
			continue
		}
		for _, x := range a.Terms[:min(len(a.Terms), 2)] {
			for _, y := range b.Terms[:min(len(b.Terms), 2)] {
				xr, yr := []rune(x), []rune(y)
				if len(xr) == 0 || len(yr) == 0 || !isHan(xr[len(xr)-1]) || !isHan(yr[0]) {
					continue
				}
				if bg := string(xr[len(xr)-1]) + string(yr[0]); ix.DF(bg) > 0 && !seen[bg] {
					seen[bg] = true
					out = append(out, Term{bg, phraseWeight})
				}
			}
		}
	}
	return out
}

// quotedRe finds a quoted name in a folded question: “…”, 「…」, "…".
var quotedRe = regexp.MustCompile(`[“「『"]([^”」』"]{1,60})[”」』"]`)

// draftingFormulas are the fixed wordings Chinese laws and regulations
// answer some questions in: what a term means (本法所称…是指), when it takes
// effect (自…起施行), whom it applies to (适用/应当遵守本法), and why it was
// made (its first article: 为了…，根据…，制定本法).
var draftingFormulas = []struct {
	asks  *regexp.Regexp
	terms []string // lexical terms (bigrams) of the formula
}{
	{regexp.MustCompile(`什么是|何为|是指什么|指什么|指的是什么|的定义|是什么意思|的含义|what is meant by|definition of|what does .+ mean`), []string{"所称", "是指"}},
	{regexp.MustCompile(`何时起|什么时候起|何时施行|何时实施|什么时候施行|什么时候实施|施行日期|实施日期|生效|开始实施|开始施行|come into (?:force|effect)|take effect|effective`), []string{"起施", "施行", "起实", "实施"}},
	{regexp.MustCompile(`适用于|适用范围|适用哪些|适用对象|apply to|applies to`), []string{"适用", "遵守"}},
	{regexp.MustCompile(`立法目的|制定目的|主要目的|目的是什么|宗旨|为什么制定|为何制定|purpose of the (?:law|regulation|measures)|why was .+ (?:enacted|adopted|made)`), []string{"为了", "制定", "定本"}},
}

// formulaWeight is the weight of a drafting formula's terms: enough to
// prefer the article that says it in those words, less than the
// question's own words.
const formulaWeight = 0.8

// maxExpansions bounds the Chinese terms one English word brings in.
const maxExpansions = 3

// expand adds the Chinese terms of one lexicon expansion that occur in the
// knowledge base, weighted by rank and by how informative they are there,
// and returns the terms used.
func (e *Engine) expand(ix *Index, ex lexicon.Expansion, add func(string, float64)) []string {
	var used []string
	rank := 0
	for _, term := range ex.Terms {
		if rank == maxExpansions {
			break
		}
		folded := e.folder.Fold(term)
		ts := tokens(nil, folded)
		if !ix.lex.hasAll(ts) {
			continue
		}
		// Rank decay, and a lower weight for one-character terms, which are
		// ambiguous in Chinese.
		w := 1 / float64(rank+1)
		if !ex.Exact {
			w *= 0.7
		}
		if hanRunes(folded) == 1 {
			w *= 0.5
		}
		for _, t := range ts {
			add(t, w)
		}
		used = append(used, folded)
		rank++
	}
	return used
}

// nameWeight is the weight of the bigrams a romanised name matches.
const nameWeight = 0.8

// names finds romanised Chinese names in an English question — runs of
// capitalised words that spell pinyin and that the lexicon does not know,
// such as "Chen Xuejun" or "Xiuzhou" — and adds the knowledge base's bigrams
// that read that way (陈学, 学军). A name of two or more syllables that
// nothing in the knowledge base reads as is returned as unknown.
func (e *Engine) names(ix *Index, text string, known map[string]bool, add func(string, float64)) (found []Expansion, unknown, places []string) {
	words := strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' })
	var run []string
	var syls []string
	flush := func() {
		defer func() { run, syls = nil, nil }()
		if len(syls) < 2 {
			return // one syllable alone is too ambiguous to look up
		}
		var terms []string
		for i := 0; i+1 < len(syls); i++ {
			for _, t := range ix.bigramsReadAs(e.py, syls[i], syls[i+1]) {
				add(t, nameWeight)
				terms = appendNew(terms, t)
			}
		}
		name := strings.Join(run, " ")
		if p := e.lang.romanPlace(name); p != "" {
			// A place: the question is about it whether or not the
			// knowledge base mentions it.
			places = appendNew(places, p)
			if len(terms) == 0 {
				return
			}
		}
		if len(terms) == 0 {
			unknown = append(unknown, name)
			return
		}
		found = append(found, Expansion{Source: name, Terms: terms})
	}
	for _, w := range words {
		w = strings.TrimSuffix(strings.TrimSuffix(w, "'s"), "'")
		lw := strings.ToLower(w)
		ss, ok := e.py.Split(lw)
		isName := ok && w != "" && unicode.IsUpper([]rune(w)[0]) && !englishStop[lw] && !known[lw] && !knownPrefix(known, lw)
		if !isName {
			flush()
			continue
		}
		run = append(run, w)
		syls = append(syls, ss...)
	}
	flush()
	return found, unknown, places
}

// nameCovers reports whether a found name includes every word of source.
func nameCovers(names []Expansion, source string) bool {
	for _, n := range names {
		all := true
		for _, w := range strings.Fields(source) {
			all = all && strings.Contains(strings.ToLower(n.Source), w)
		}
		if all {
			return true
		}
	}
	return false
}

// knownPrefix reports whether the lexicon matched an inflection of w
// (its base form "host" for "hosted").
func knownPrefix(known map[string]bool, w string) bool {
	for k := range known {
		if len(k) >= 3 && strings.HasPrefix(w, k) {
			return true
		}
	}
	return false
}

// inKB reports whether every term of an English word or phrase occurs in
// the knowledge base as it is (ISO, IEC, GM2D).
func (e *Engine) inKB(ix *Index, source string) bool {
	return ix.lex.hasAll(tokens(nil, e.folder.Fold(source)))
}

func appendNew(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// isAcronym reports whether word is written in capitals in the question
// (CPC, IEEE): a name, not a word to translate.
func isAcronym(text, word string) bool {
	for _, f := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) }) {
		if strings.EqualFold(f, word) && len(f) > 1 && strings.ToUpper(f) == f {
			return true
		}
	}
	return false
}

// isProperNoun reports whether word is capitalised in the question other
// than as its first word.
func isProperNoun(text, word string) bool {
	fields := strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' })
	for i, f := range fields {
		if i > 0 && strings.EqualFold(strings.TrimSuffix(f, "'s"), word) && unicode.IsUpper([]rune(f)[0]) {
			return true
		}
	}
	return false
}

// insideCode reports whether a word of source occurs in the question only
// inside a code that mixes letters and digits (the "gm" of GM2D).
func insideCode(words []string, source string) bool {
	for _, w := range strings.Fields(source) {
		inCode, alone := false, false
		for _, t := range words {
			switch {
			case strings.ContainsAny(t, "0123456789"):
				inCode = inCode || strings.Contains(t, w)
			case strings.HasPrefix(t, w[:min(len(w), 3)]):
				alone = true // the word itself, or an inflection of it
			}
		}
		if inCode && !alone {
			return true
		}
	}
	return false
}

func isASCIIWord(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// FollowUp reports whether q is short, with few content terms, so that it
// leans on the question it follows.
func (q *Query) FollowUp() bool {
	return utf8.RuneCountInString(q.Text) <= 20 || len(q.Core) <= 3
}

// Merge returns q with the previous question's terms added at half weight,
// and its places and kind where q has none: "那浙江呢？" after "上海…多少个…？"
// still asks how many.
func (q *Query) Merge(prev *Query) *Query {
	m := *q
	have := make(map[string]bool)
	for _, t := range q.Terms {
		have[t.Text] = true
	}
	m.Terms = append([]Term(nil), q.Terms...)
	for _, t := range prev.Terms {
		if !have[t.Text] {
			m.Terms = append(m.Terms, Term{t.Text, t.Weight * 0.5})
		}
	}
	sort.Slice(m.Terms, func(i, j int) bool { return m.Terms[i].Text < m.Terms[j].Text })
	if len(m.Places) == 0 {
		m.Places = prev.Places
	}
	m.Quantity = q.Quantity || prev.Quantity
	m.Expanded = append(append([]Expansion(nil), q.Expanded...), prev.Expanded...)
	return &m
}

// Fusion of search terms from elsewhere (an LLM's rewrite of the question).
const (
	// maxAddedTerms bounds the terms one AddTerms call adds.
	maxAddedTerms = 8
	// addedWeight is the weight of the first added term; later ones decay.
	// Exact lexicon expansions weigh 1.
	addedWeight = 0.8
)

// AddTerms fuses Chinese search terms from another source (source names it
// in q.Expanded) into q: only terms the knowledge base uses, each at most at
// addedWeight, decaying with rank. It reports whether any was used.
func (e *Engine) AddTerms(ix *Index, q *Query, terms []string, source string) bool {
	weights := make(map[string]float64, len(q.Terms))
	for _, t := range q.Terms {
		weights[t.Text] = t.Weight
	}
	var used []string
	seen := make(map[string]bool)
	rank := 0
	for _, term := range terms {
		if rank == maxAddedTerms {
			break
		}
		folded := e.folder.Fold(strings.TrimSpace(term))
		if hanRunes(folded) == 0 || seen[folded] {
			continue
		}
		seen[folded] = true
		ts := tokens(nil, folded)
		if !ix.lex.hasAll(ts) {
			continue
		}
		w := addedWeight / (1 + 0.25*float64(rank))
		if hanRunes(folded) == 1 {
			w *= 0.5 // one character is ambiguous in Chinese
		}
		for _, t := range ts {
			weights[t] = max(weights[t], w)
		}
		used = append(used, folded)
		rank++
	}
	if len(used) == 0 {
		return false
	}
	q.Terms = q.Terms[:0:0]
	for t, w := range weights {
		q.Terms = append(q.Terms, Term{t, w})
	}
	sort.Slice(q.Terms, func(i, j int) bool { return q.Terms[i].Text < q.Terms[j].Text })
	q.Expanded = append(q.Expanded, Expansion{Source: source, Terms: used})
	return true
}
