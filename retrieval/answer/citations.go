package answer

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Citation markers an LLM writes, in the forms models actually use:
// [1], [1,3], [1-3], [1][2], [^1], 【1】, 〔1〕, (1), （1）, [source 1],
// "source 1", "sources 1 and 3", 来源1, 來源 2. Bracketed lists allow up to
// three digits (so an out-of-range [12] is found and dropped); parentheses
// and bare words only two, so "(2021)" or "source 2021" stay prose.
const (
	citeWord = `(?:sources?|refs?\.?|references?|来源|來源|资料|資料|出处|出處|文件)`
	citeList = `\d{1,3}(?:\s*(?:[,，、;；\-–~～]|and|&|和|及)\s*\d{1,3})*`
)

var (
	bracketMarkerRe = regexp.MustCompile(`(?i)[\[【〔［]\s*\^?\s*(?:` + citeWord + `\s*[:：#]?\s*)?(` + citeList + `)\s*[\]】〕］]`)
	parenMarkerRe   = regexp.MustCompile(`(?i)[(（]\s*(?:` + citeWord + `\s*[:：#]?\s*)?(\d{1,2}(?:\s*[,，、]\s*\d{1,2})*)\s*[)）]`)
	wordMarkerRe    = regexp.MustCompile(`(?i)(?:\bsources?\s*#?\s*|(?:来源|來源)\s*[:：]?\s*)(\d{1,2}(?:\s*(?:,|，|、|and|&|和)\s*\d{1,2})*)`)
	numOrRangeRe    = regexp.MustCompile(`(\d+)\s*[\-–~～]\s*(\d+)|(\d+)`)
	canonicalRe     = regexp.MustCompile(`\[(\d+)\]`)
)

// citeMarker is one citation marker found in an answer.
type citeMarker struct {
	start, end int // byte offsets in the text
	raw        string
	nums       []int // source numbers as written, in order
}

// findMarkers returns the citation markers of text in order, without
// overlaps.
func findMarkers(text string) []citeMarker {
	var ms []citeMarker
	taken := func(s, e int) bool {
		for _, m := range ms {
			if s < m.end && e > m.start {
				return true
			}
		}
		return false
	}
	add := func(re *regexp.Regexp, accept func(s, e int) bool) {
		for _, loc := range re.FindAllStringSubmatchIndex(text, -1) {
			s, e := loc[0], loc[1]
			if taken(s, e) || !accept(s, e) {
				continue
			}
			nums := parseNums(text[loc[2]:loc[3]])
			if len(nums) == 0 {
				continue
			}
			ms = append(ms, citeMarker{start: s, end: e, raw: text[s:e], nums: nums})
		}
	}
	always := func(int, int) bool { return true }
	add(bracketMarkerRe, always)
	// "(1)" at the start of a line is an enumeration, not a citation.
	add(parenMarkerRe, func(s, _ int) bool { return !atLineStart(text, s) })
	// "source 1" must not run on into more digits ("source 12a").
	add(wordMarkerRe, func(_, e int) bool {
		r, _ := utf8.DecodeRuneInString(text[e:])
		return e == len(text) || !unicode.IsDigit(r) && !unicode.IsLetter(r) || r > unicode.MaxASCII
	})
	sortMarkers(ms)
	return ms
}

func atLineStart(text string, i int) bool {
	for i > 0 {
		r, n := utf8.DecodeLastRuneInString(text[:i])
		if r == '\n' {
			return true
		}
		if !unicode.IsSpace(r) {
			return false
		}
		i -= n
	}
	return true
}

func sortMarkers(ms []citeMarker) {
	for i := 1; i < len(ms); i++ {
		for j := i; j > 0 && ms[j].start < ms[j-1].start; j-- {
			ms[j], ms[j-1] = ms[j-1], ms[j]
		}
	}
}

// parseNums reads "1, 3", "1-3", "2 and 4" into source numbers. A range
// wider than 20 is read as its two ends.
func parseNums(s string) []int {
	var out []int
	for _, m := range numOrRangeRe.FindAllStringSubmatch(s, -1) {
		if m[3] != "" {
			n, _ := strconv.Atoi(m[3])
			out = append(out, n)
			continue
		}
		a, _ := strconv.Atoi(m[1])
		b, _ := strconv.Atoi(m[2])
		if a <= b && b-a <= 20 {
			for n := a; n <= b; n++ {
				out = append(out, n)
			}
		} else {
			out = append(out, a, b)
		}
	}
	return out
}

// citationCheck is the result of checking an answer's citations against
// the n sources it was given.
type citationCheck struct {
	// Text is the answer with every marker rewritten as [k][m]… in the new
	// numbering, invalid markers removed.
	Text string
	// Order maps the new numbering to the sources given: the citation
	// numbered i+1 is source Order[i] (1-based).
	Order []int
	// Dropped are the markers (or numbers within them) that pointed
	// outside the sources, as written, e.g. "[9]", "source 0".
	Dropped []string
}

// checkCitations parses the citation markers of an answer written from n
// numbered sources, normalises them to [k], drops those that point outside
// 1..n and renumbers the rest in order of first use.
func checkCitations(text string, n int) citationCheck {
	var c citationCheck
	renum := make(map[int]int) // source number → new number
	var b strings.Builder
	last := 0
	prevEnd := -1        // end of the previous emitted marker in b
	var run map[int]bool // numbers emitted in the current run of adjacent markers
	for _, m := range findMarkers(text) {
		gap := text[last:m.start]
		adjacent := prevEnd >= 0 && strings.TrimSpace(gap) == ""
		var keep []int
		for _, num := range m.nums {
			if num < 1 || num > n {
				c.Dropped = append(c.Dropped, droppedLabel(m, num))
				continue
			}
			k, ok := renum[num]
			if !ok {
				c.Order = append(c.Order, num)
				k = len(c.Order)
				renum[num] = k
			}
			keep = append(keep, k)
		}
		if len(keep) == 0 {
			// Drop the marker and the space before it, unless words follow.
			rest := text[m.end:]
			r, _ := utf8.DecodeRuneInString(rest)
			if rest == "" || unicode.IsSpace(r) || unicode.IsPunct(r) && !strings.ContainsRune("[【〔［(（", r) {
				gap = strings.TrimRightFunc(gap, unicode.IsSpace)
			}
			b.WriteString(gap)
			last = m.end
			if !adjacent {
				prevEnd = -1
			}
			continue
		}
		if adjacent {
			// [1][1] or [1] [2]: one run, written without the gap.
		} else {
			b.WriteString(gap)
			run = make(map[int]bool)
		}
		for _, k := range keep {
			if !run[k] {
				fmt.Fprintf(&b, "[%d]", k)
				run[k] = true
			}
		}
		prevEnd = b.Len()
		last = m.end
	}
	b.WriteString(text[last:])
	c.Text = strings.TrimSpace(b.String())
	return c
}

func droppedLabel(m citeMarker, num int) string {
	if len(m.nums) == 1 {
		return strings.TrimSpace(m.raw)
	}
	return fmt.Sprintf("[%d]", num)
}

// citedNumbers lists the [k] numbers of a normalised answer, in order, each
// once.
func citedNumbers(text string) []int {
	var out []int
	seen := make(map[int]bool)
	for _, m := range canonicalRe.FindAllStringSubmatch(text, -1) {
		k, _ := strconv.Atoi(m[1])
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

// stripMarkers removes the canonical [k] markers, for checks on the prose.
func stripMarkers(text string) string { return canonicalRe.ReplaceAllString(text, " ") }
