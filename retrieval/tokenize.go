package retrieval

import (
	"unicode"
	"unicode/utf8"
)

// tokens splits folded text into the lexical terms both legs match on:
// overlapping bigrams of each Han run (a lone Han character stands as a
// unigram), and runs of ASCII letters and digits ("iso", "iec", "gm2d",
// "2015"). Everything else separates terms. It appends to dst.
func tokens(dst []string, folded string) []string {
	runStart := -1 // byte offset of the current Han run
	prev := -1     // byte offset of the previous Han rune in the run
	count := 0
	wordStart := -1
	endHan := func(end int) {
		if runStart >= 0 && count == 1 {
			dst = append(dst, folded[runStart:end])
		}
		runStart, prev, count = -1, -1, 0
	}
	endWord := func(end int) {
		if wordStart >= 0 {
			dst = append(dst, folded[wordStart:end])
		}
		wordStart = -1
	}
	for i, r := range folded {
		switch {
		case isHan(r):
			endWord(i)
			if runStart < 0 {
				runStart = i
			} else {
				dst = append(dst, folded[prev:i+utf8.RuneLen(r)])
			}
			prev = i
			count++
		case r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r >= 'A' && r <= 'Z'):
			endHan(i)
			if wordStart < 0 {
				wordStart = i
			}
		default:
			endHan(i)
			endWord(i)
		}
	}
	endHan(len(folded))
	endWord(len(folded))
	return dst
}

func isHan(r rune) bool {
	return r >= 0x4e00 && r <= 0x9fff || r >= 0x3400 && r <= 0x4dbf || (r > 0xffff && unicode.Is(unicode.Han, r))
}

// hanRunes counts Han characters.
func hanRunes(s string) int {
	n := 0
	for _, r := range s {
		if isHan(r) {
			n++
		}
	}
	return n
}

// Tokens is tokens, for answerers that match terms in sentences.
func Tokens(dst []string, folded string) []string { return tokens(dst, folded) }

// HanRunes counts the Han characters of s.
func HanRunes(s string) int { return hanRunes(s) }
