package knowledge

import (
	"bufio"
	"bytes"
	"embed"
	"fmt"
	"strings"
	"unicode/utf8"
)

//go:generate go run ./internal/openccgen -dir opencc

// The OpenCC dictionaries (Apache-2.0, see opencc/LICENSE) for Taiwan
// Traditional → Simplified with phrases (OpenCC's tw2sp) and Simplified →
// Traditional (s2t). opencc/VERSION records where they come from (a pinned
// Go module) and their sha256; go generate copies them from it again.
//
//go:embed opencc/*.txt
var openccFS embed.FS

// stage is one step of an OpenCC conversion chain: longest match first over
// the union of its dictionaries.
type stage struct {
	dict map[string]string
	// maxLen is, per first rune, the longest key (in runes) starting with it.
	maxLen map[rune]int
}

// Converter converts Chinese text between scripts with phrase-level
// dictionaries. It is safe for concurrent use.
type Converter struct {
	stages []stage
}

func newStage(files ...string) (stage, error) {
	s := stage{dict: make(map[string]string), maxLen: make(map[rune]int)}
	for _, name := range files {
		raw, err := openccFS.ReadFile("opencc/" + name + ".txt")
		if err != nil {
			return stage{}, fmt.Errorf("opencc dictionary %s: %w", name, err)
		}
		sc := bufio.NewScanner(bytes.NewReader(raw))
		for sc.Scan() {
			k, v, ok := strings.Cut(sc.Text(), "\t")
			if !ok || k == "" {
				continue
			}
			if i := strings.IndexByte(v, ' '); i >= 0 {
				v = v[:i]
			}
			if _, dup := s.dict[k]; dup {
				continue // earlier dictionaries of a stage win, as in OpenCC
			}
			s.dict[k] = v
			r, _ := utf8.DecodeRuneInString(k)
			if n := utf8.RuneCountInString(k); n > s.maxLen[r] {
				s.maxLen[r] = n
			}
		}
	}
	return s, nil
}

// NewFolder returns the Traditional (Taiwan wording included) → Simplified
// converter used for matching: 積體電路 → 集成电路, 人工智慧 → 人工智能.
func NewFolder() (*Converter, error) {
	a, err := newStage("TWPhrasesRev", "TWVariantsRevPhrases", "TWVariantsRev")
	if err != nil {
		return nil, err
	}
	b, err := newStage("TSPhrases", "TSCharacters")
	if err != nil {
		return nil, err
	}
	// A Taiwan variant mapped to a form the second stage leaves alone was
	// already Simplified: OpenCC's tw2sp turns 什么 into 什幺 that way.
	for k, v := range a.dict {
		if utf8.RuneCountInString(k) == 1 {
			if _, ok := b.dict[v]; !ok {
				delete(a.dict, k)
			}
		}
	}
	return &Converter{stages: []stage{a, b}}, nil
}

// NewTraditionalizer returns the Simplified → Traditional converter used to
// answer askers who write in Traditional script, with Taiwan's standard
// character forms (為, 秘, 裡).
func NewTraditionalizer() (*Converter, error) {
	a, err := newStage("STPhrases", "STCharacters")
	if err != nil {
		return nil, err
	}
	b, err := newStage("TWVariants")
	if err != nil {
		return nil, err
	}
	return &Converter{stages: []stage{a, b}}, nil
}

// Convert converts s through every stage.
func (c *Converter) Convert(s string) string {
	for _, st := range c.stages {
		s = st.convert(s)
	}
	return s
}

func (st stage) convert(s string) string {
	// Fast path: nothing to convert.
	i := 0
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if st.maxLen[r] > 0 {
			break
		}
		i += n
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		ml := st.maxLen[r]
		if ml == 0 {
			b.WriteString(s[i : i+n])
			i += n
			continue
		}
		// Byte ends of the next ml runes.
		matched := false
		ends := make([]int, 0, ml)
		j := i
		for k := 0; k < ml && j < len(s); k++ {
			_, w := utf8.DecodeRuneInString(s[j:])
			j += w
			ends = append(ends, j)
		}
		for k := len(ends) - 1; k >= 0; k-- {
			if v, ok := st.dict[s[i:ends[k]]]; ok {
				b.WriteString(v)
				i = ends[k]
				matched = true
				break
			}
		}
		if !matched {
			b.WriteString(s[i : i+n])
			i += n
		}
	}
	return b.String()
}
