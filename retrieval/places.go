package retrieval

import (
	"strings"
)

// labelSuffixes turn a place name into the name of a label, brand or
// model rather than a reference to the place: 浙江制造 (a quality mark),
// 上海标准, 浙江品牌. A place followed by one of them is not the place a
// sentence is about.
var labelSuffixes = []string{"制造", "标准", "品牌", "精品", "模式", "经验", "名品", "好品"}

// Places lists the places folded text names (package gazetteer: whole
// names of China's administrative divisions, not inside other words),
// each once by its usual name (绵阳 for 绵阳市), in order of first mention,
// leaving out those used as a label (浙江制造).
func (l *Language) Places(folded string) []string {
	var out []string
	for _, m := range l.gaz.Find(folded) {
		if len(m.Places) == 0 {
			continue
		}
		rest := folded[m.End:]
		label := false
		for _, s := range labelSuffixes {
			// 上海标准 is a label; 江苏省标准化 is the province's standardization.
			label = label || strings.HasPrefix(rest, s) && !strings.HasPrefix(rest, "标准化")
		}
		if !label {
			out = appendNew(out, m.Places[0].Name)
		}
	}
	return out
}

// placeOf returns the place a term names (嘉兴 for 嘉兴市), or "".
func (l *Language) placeOf(term string) string {
	if ps := l.gaz.Lookup(term); len(ps) > 0 {
		return ps[0].Name
	}
	return ""
}

// romanPlace returns the place an English or pinyin name is ("Mianyang",
// "Rui'an", "Inner Mongolia"), or "".
func (l *Language) romanPlace(name string) string {
	ps := l.gaz.ByEnglish(name)
	if len(ps) == 0 {
		ps = l.gaz.ByPinyin(name)
	}
	if len(ps) == 0 {
		return ""
	}
	return ps[0].Name
}

// Within reports whether place child lies inside place parent (秀洲 in
// 嘉兴, 嘉兴 in 浙江), by the gazetteer's parents.
func (l *Language) Within(child, parent string) bool {
	for _, p := range l.gaz.Lookup(child) {
		if p.Parent == parent || p.Province == parent {
			return true
		}
		if pp, ok := l.gaz.Parent(p); ok && (pp.Parent == parent || pp.Province == parent) {
			return true
		}
	}
	return false
}
