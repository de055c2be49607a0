package knowledge

import (
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/text/width"
)

// pinyinRe matches a pinyin annotation written after a Han character, as in
// 標(biāo)準(zhǔn): lowercase Latin letters with tone marks in parentheses. At
// least one tone mark or a known toneless syllable shape keeps English
// parentheticals such as "(ISO)" or "(pilot)" intact: they are uppercase or
// not directly after a Han character.
var pinyinRe = regexp.MustCompile(`(\p{Han})[(（]([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7})[)）]`)

// StripPinyin removes pinyin annotations after Han characters:
// 標(biāo)準(zhǔn) → 標準.
func StripPinyin(s string) string {
	if !strings.ContainsAny(s, "(（") {
		return s
	}
	return pinyinRe.ReplaceAllStringFunc(s, func(m string) string {
		sub := pinyinRe.FindStringSubmatch(m)
		if !isPinyin(sub[2]) {
			return m
		}
		return sub[1]
	})
}

// isPinyin reports whether a lowercase syllable looks like pinyin: it has a
// tone mark, or it is a plausible toneless syllable (vowel-bearing, ≤ 6
// letters) — good enough after a Han character.
func isPinyin(s string) bool {
	if strings.ContainsAny(s, "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü") {
		return true
	}
	return len(s) <= 6 && strings.ContainsAny(s, "aeiouv")
}

// Folder derives the matching form of text: pinyin annotations removed,
// Traditional → Simplified (with Taiwan phrases), full-width → half-width,
// lowercase, whitespace collapsed. It is safe for concurrent use.
type Folder struct {
	t2s *Converter
}

// NewTextFolder builds a Folder.
func NewTextFolder() (*Folder, error) {
	c, err := NewFolder()
	if err != nil {
		return nil, err
	}
	return &Folder{t2s: c}, nil
}

// Fold returns the folded form of s.
func (f *Folder) Fold(s string) string {
	s = StripPinyin(s)
	s = width.Fold.String(s)
	s = f.t2s.Convert(s)
	s = strings.ToLower(s)
	return collapseSpace(s)
}

// collapseSpace turns every run of white space into one ASCII space and trims.
func collapseSpace(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) || r == '\u3000' || r == '\u00a0' {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// Script is the writing system of a piece of text.
type Script int

const (
	ScriptUnknown Script = iota
	ScriptSimplified
	ScriptTraditional
	ScriptLatin
)

func (s Script) String() string {
	switch s {
	case ScriptSimplified:
		return "zh-Hans"
	case ScriptTraditional:
		return "zh-Hant"
	case ScriptLatin:
		return "en"
	}
	return "und"
}

// DetectScript tells Simplified from Traditional Chinese and from Latin-only
// text, by counting the Han characters that Traditional → Simplified folding
// changes.
func (f *Folder) DetectScript(s string) Script {
	han, latin := 0, 0
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Han, r):
			han++
		case r < 128 && unicode.IsLetter(r):
			latin++
		}
	}
	if han == 0 {
		if latin > 0 {
			return ScriptLatin
		}
		return ScriptUnknown
	}
	// Compare rune by rune the character-level conversion.
	trad := 0
	for _, r := range s {
		if !unicode.Is(unicode.Han, r) {
			continue
		}
		if f.t2s.Convert(string(r)) != string(r) {
			trad++
		}
	}
	if trad > 0 {
		return ScriptTraditional
	}
	return ScriptSimplified
}

// ToSimplified converts text to Simplified script (with Taiwan phrases),
// dropping pinyin annotations, but keeps width, case and spacing.
func (f *Folder) ToSimplified(s string) string {
	return f.t2s.Convert(StripPinyin(s))
}
