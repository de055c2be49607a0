package pdf

import (
	"math"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// layout joins a page's items into lines: items are rotated so that the
// dominant text direction runs left to right, grouped into rows by
// baseline, ordered by x within a row. A space goes between items only
// where the gap says one was meant, never between CJK runs set close.
func layout(items []item) string {
	if len(items) == 0 {
		return ""
	}
	var votes [4]int
	for _, it := range items {
		votes[quadrant(it.dx, it.dy)] += utf8.RuneCountInString(it.text)
	}
	q := 0
	for i, v := range votes {
		if v > votes[q] {
			q = i
		}
	}
	rot := func(x, y float64) (float64, float64) {
		switch q {
		case 1:
			return y, -x
		case 2:
			return -x, -y
		case 3:
			return -y, x
		}
		return x, y
	}
	type placed struct {
		text         string
		x0, x1, y    float64
		size         float64
		estimated    bool
		first, lastR rune
	}
	ps := make([]placed, 0, len(items))
	for _, it := range items {
		x0, y := rot(it.x0, it.y0)
		x1, _ := rot(it.x1, it.y1)
		if x1 < x0 {
			x1 = x0
		}
		first, _ := utf8.DecodeRuneInString(it.text)
		last, _ := utf8.DecodeLastRuneInString(it.text)
		ps = append(ps, placed{it.text, x0, x1, y, math.Max(it.size, 1), it.estimated, first, last})
	}
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].y > ps[j].y })
	var rows [][]placed
	for _, p := range ps {
		if n := len(rows); n > 0 {
			ref := rows[n-1][0]
			if ref.y-p.y <= 0.5*math.Max(ref.size, p.size) {
				rows[n-1] = append(rows[n-1], p)
				continue
			}
		}
		rows = append(rows, []placed{p})
	}
	var out strings.Builder
	for _, row := range rows {
		sort.SliceStable(row, func(i, j int) bool { return row[i].x0 < row[j].x0 })
		var line strings.Builder
		var prev placed
		end := math.Inf(-1)
		for i, p := range row {
			if i > 0 {
				em := math.Max(prev.size, p.size)
				if p.text == prev.text && math.Abs(p.x0-prev.x0) < 0.3*em && math.Abs(p.y-prev.y) < 0.3*em {
					continue // drawn twice for a fake bold
				}
				if needSpace(prev.lastR, p.first, p.x0-end, em, prev.estimated) {
					line.WriteByte(' ')
				}
			}
			line.WriteString(p.text)
			end = math.Max(end, p.x1)
			prev = p
		}
		if s := strings.TrimSpace(line.String()); s != "" {
			if out.Len() > 0 {
				out.WriteByte('\n')
			}
			out.WriteString(s)
		}
	}
	return out.String()
}

// quadrant returns the direction of a baseline: 0 right, 1 up, 2 left,
// 3 down.
func quadrant(dx, dy float64) int {
	if math.Abs(dx) >= math.Abs(dy) {
		if dx >= 0 {
			return 0
		}
		return 2
	}
	if dy > 0 {
		return 1
	}
	return 3
}

// needSpace reports whether a gap between two runs stands for a space.
// CJK text has no spaces: runs of it are joined unless more than an em
// apart, as table cells are (justification and per-glyph placement leave
// far smaller gaps).
func needSpace(prev, next rune, gap, em float64, estimated bool) bool {
	if unicode.IsSpace(prev) || unicode.IsSpace(next) {
		return false
	}
	switch wp, wn := wide(prev), wide(next); {
	case wp || wn:
		return gap > em
	case estimated:
		return gap > 0.8*em
	}
	return gap > 0.2*em
}

// wide reports whether r is CJK: written without spaces between words.
func wide(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) ||
		(r >= 0x2e80 && r <= 0x2fdf) || (r >= 0x3000 && r <= 0x303f) ||
		(r >= 0xfe30 && r <= 0xfe4f) || (r >= 0xff00 && r <= 0xffef)
}
