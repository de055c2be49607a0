package knowledge

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// yearLabel is a column header naming a year: 2025年, 2025年目标, 2021.
var yearLabel = regexp.MustCompile(`^(19|20)\d{2}(年[^\d]*)?$`)

// tableCell is a cell of a table read from DOCX or HTML.
type tableCell struct {
	text   string
	col    int // first grid column
	span   int // grid columns covered
	merged bool
}

// renderTable writes a table a row a line, cells separated by " | ". When
// the table has header rows (marked as such, or a first row of short
// labels) and at least two columns, each non-empty cell after the first of
// a later row carries its column's header, "参与制定：10万元", so that a row
// reads right alone, in a chunk of its own. A cell continuing a vertical
// merge repeats the text above it. header marks the rows that repeat as
// headers.
func renderTable(rows [][]tableCell, header []bool) []string {
	nHeader := 0
	for nHeader < len(rows)-1 && nHeader < len(header) && header[nHeader] {
		nHeader++
	}
	if nHeader == 0 && len(rows) > 1 && headerRow(rows[0]) {
		nHeader = 1
	}
	heads := map[int]string{} // grid column → header text
	above := map[int]string{} // grid column → text of the cell above
	var lines []string
	for i, row := range rows {
		var cells []string
		empty := true
		for k, c := range row {
			text := strings.TrimSpace(c.text)
			if c.merged && text == "" {
				text = above[c.col]
			}
			for g := c.col; g < c.col+max(1, c.span); g++ {
				above[g] = text
			}
			if text != "" {
				empty = false
			}
			if i < nHeader {
				for g := c.col; g < c.col+max(1, c.span); g++ {
					switch {
					case heads[g] == "":
						heads[g] = text
					case text != "" && !strings.Contains(heads[g], text):
						heads[g] += " " + text
					}
				}
			} else if h := heads[c.col]; k > 0 && h != "" && text != "" && text != h {
				text = h + "：" + text
			}
			cells = append(cells, text)
		}
		if !empty {
			lines = append(lines, strings.Join(cells, " | "))
		}
	}
	return lines
}

// headerRow reports whether a table's first row reads as column headers:
// at least two cells that are short labels, none a sentence or a figure
// (years, as in 2025年目标, are labels).
func headerRow(row []tableCell) bool {
	if len(row) < 2 {
		return false
	}
	labels := 0
	for _, c := range row {
		t := strings.TrimSpace(c.text)
		n := utf8.RuneCountInString(t)
		if n > 20 || strings.ContainsAny(t, "。；") || (isFigure(t) && !yearLabel.MatchString(t)) {
			return false
		}
		if n > 0 {
			labels++
		}
	}
	return labels >= 2
}

// isFigure reports text with a digit: an amount or a count, not a label.
func isFigure(s string) bool {
	return strings.ContainsAny(s, "0123456789")
}
