package knowledge

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// StripPinyin removes pinyin annotations after Han characters:
// 標(biāo)準(zhǔn) → 標準. An annotation is a parenthesised run of 1–7
// lowercase Latin letters (tone marks allowed) right after a Han character
// that looks like a pinyin syllable; English parentheticals such as "(ISO)"
// stay.
func StripPinyin(s string) string {
	if !strings.Contains(s, "(") && !strings.Contains(s, "（") {
		return s
	}
	var b strings.Builder
	last := 0 // bytes of s before last are written or dropped
	prevHan := false
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if prevHan && (r == '(' || r == '（') {
			if end, ok := pinyinAnnotation(s[i+n:]); ok {
				b.WriteString(s[last:i])
				i += n + end
				last = i
				continue // prevHan stays: 標(biāo)準(zhǔn)
			}
		}
		prevHan = unicode.Is(unicode.Han, r)
		i += n
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// pinyinSyllable matches a toneless pinyin syllable, so that (de) goes but
// (draft) stays.
var pinyinSyllable = regexp.MustCompile(`^(?:[bpmfdtnlgkhjqxrzcsyw]|zh|ch|sh)?(?:a|o|e|ai|ei|ao|ou|an|en|ang|eng|ong|er|i|ia|ie|iao|iu|ian|in|iang|ing|iong|u|ua|uo|uai|ui|uan|un|uang|ueng|v|ve|ue|ü|üe)$`)

// pinyinAnnotation reports whether s starts with "syllable)" and returns the
// byte length including the closing parenthesis.
func pinyinAnnotation(s string) (int, bool) {
	letters := 0
	tone := false
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z':
			letters++
		case strings.ContainsRune("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü", r):
			letters++
			tone = true
		case r == ')' || r == '）':
			if letters == 0 {
				return 0, false
			}
			syl := s[:i]
			if tone || pinyinSyllable.MatchString(syl) {
				return i + utf8.RuneLen(r), true
			}
			return 0, false
		default:
			return 0, false
		}
		if letters > 7 {
			return 0, false
		}
	}
	return 0, false
}

// Folder derives the matching form of text: pinyin annotations removed,
// Traditional → Simplified (with Taiwan phrases), full-width → half-width,
// lowercase, whitespace collapsed. It is safe for concurrent use.
type Folder struct {
	t2s   *Converter // with Taiwan phrases, for matching
	plain *Converter // character and phrase level only, for display
}

// NewTextFolder builds a Folder.
func NewTextFolder() (*Folder, error) {
	c, err := NewFolder()
	if err != nil {
		return nil, err
	}
	b, err := newStage("TSPhrases", "TSCharacters")
	if err != nil {
		return nil, err
	}
	return &Folder{t2s: c, plain: &Converter{stages: []stage{b}}}, nil
}

// Fold returns the folded form of s. It is idempotent, Fold(Fold(s)) ==
// Fold(s) (FuzzFold): width and case are folded before pinyin annotations
// are dropped, so an annotation is judged as the result shows it. "準(A)"
// folds to "准", since "准(a)" would lose "(a)" on a second pass.
func (f *Folder) Fold(s string) string { return fold(s, f.t2s) }

// FoldPlain is Fold without Taiwan wording: Traditional → Simplified
// character by character and phrase by phrase only. Where a Taiwan phrase
// matches across a word boundary (標準數|位列 read as 數位, "digital", so
// 数字列), FoldPlain keeps the words (标准数位列); an index holds the terms
// of both.
func (f *Folder) FoldPlain(s string) string { return fold(s, f.plain) }

// fold folds width and case, drops pinyin annotations, converts script
// with c and collapses white space.
func fold(s string, c *Converter) string {
	s = width.Fold.String(s)
	s = strings.Map(unicode.ToLower, s)
	s = StripPinyin(s)
	s = c.Convert(s)
	return lowerCollapse(s)
}

// lowerCollapse lowercases s and turns every run of white space into one
// ASCII space, trimmed, in one pass.
func lowerCollapse(s string) string {
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
		switch {
		case r < utf8.RuneSelf:
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			b.WriteByte(byte(r))
		case unicode.IsUpper(r):
			b.WriteRune(unicode.ToLower(r))
		default:
			b.WriteRune(r)
		}
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

// ToSimplified converts text to Simplified script for display, dropping
// pinyin annotations. Unlike Fold it keeps Taiwan wording (a quote must not
// change the source's words), width, case and spacing.
func (f *Folder) ToSimplified(s string) string {
	return f.plain.Convert(StripPinyin(s))
}
