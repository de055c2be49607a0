// Package norm holds the English tokenisation shared by the lexicon generator
// and the lexicon runtime, so that keys written by one are found by the other.
package norm

import "strings"

// Words splits s into lowercase ASCII words. Runs of letters and digits form
// words; apostrophes inside a word are kept only long enough to strip a
// possessive "'s" (or a trailing "'"), and every other rune separates words.
// Use Segments when punctuation must also end a phrase.
func Words(s string) []string {
	var out []string
	for _, seg := range Segments(s) {
		out = append(out, seg...)
	}
	return out
}

// Segments splits s into phrase segments of lowercase words. Words within a
// segment are separated by spaces, tabs or hyphens; any other non-letter rune
// (punctuation, slashes, CJK characters, digits, …) ends the segment, so that a
// phrase never spans it. Digits never form words. Possessive "'s" and a
// trailing apostrophe are removed ("shanghai's" -> "shanghai").
func Segments(s string) [][]string {
	var (
		segs [][]string
		cur  []string
		word strings.Builder
	)
	flushWord := func() {
		if word.Len() == 0 {
			return
		}
		w := word.String()
		word.Reset()
		w = trimPossessive(w)
		if w != "" {
			cur = append(cur, w)
		}
	}
	flushSeg := func() {
		flushWord()
		if len(cur) > 0 {
			segs = append(segs, cur)
			cur = nil
		}
	}
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z':
			word.WriteRune(r)
		case r >= 'A' && r <= 'Z':
			word.WriteRune(r + ('a' - 'A'))
		case r == '\'' || r == '\u2019':
			if word.Len() > 0 {
				word.WriteByte('\'')
			}
		case r == ' ' || r == '\t' || r == '-' || r == '\u00a0':
			flushWord()
		default:
			flushSeg()
		}
	}
	flushSeg()
	return segs
}

// trimPossessive removes a possessive "'s" or trailing apostrophe and any
// other apostrophe inside w ("don't" -> "dont").
func trimPossessive(w string) string {
	w = strings.TrimSuffix(w, "'s")
	w = strings.TrimRight(w, "'")
	if strings.IndexByte(w, '\'') >= 0 {
		w = strings.ReplaceAll(w, "'", "")
	}
	return w
}

// IsStop reports whether w (a lowercase word) is a stop word: a function or
// question word that never forms an expansion on its own and never starts or
// ends a phrase, though it may occur inside one ("made in zhejiang").
func IsStop(w string) bool {
	switch w {
	case "a", "an", "the", "this", "that", "these", "those", "there", "here",
		"what", "which", "who", "whom", "whose", "when", "where", "why", "how",
		"many", "much", "of", "in", "on", "at", "to", "for", "from", "by", "with",
		"into", "onto", "about", "as", "than", "then", "so", "if", "and", "or",
		"but", "nor", "not", "no", "yes", "is", "are", "was", "were", "be", "been",
		"being", "am", "do", "does", "did", "done", "doing", "has", "have", "had",
		"having", "get", "got", "gets", "it", "its", "he", "she", "his", "her",
		"him", "they", "them", "their", "we", "our", "us", "you", "your", "i",
		"me", "my", "can", "could", "will", "would", "shall", "should",
		"might", "must", "any", "some", "all", "each", "every", "also", "very",
		"just", "only", "too", "one", "ones", "sb", "sth", "etc", "according", "regarding", "want", "wants", "wanted", "intend", "intends":
		return true
	}
	return false
}
