package knowledge

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// htmlFlatText is the text of an HTML document that html.Parse refuses
// (it stops at 512 nested elements), read token by token instead of as a
// tree: script, style and the other hidden elements are skipped (an
// unclosed one to the end), block elements end a line. It returns the
// <title>. Without it, such a file's raw markup, scripts included, was
// indexed as its text.
func htmlFlatText(s string) (text, title string) {
	z := html.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	var hidden atom.Atom // the hidden element being skipped, 0 if none
	inTitle := false
	for {
		switch z.Next() {
		case html.ErrorToken:
			return b.String(), strings.TrimSpace(title)
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			switch {
			case hidden != 0:
			case a == atom.Script || a == atom.Style || a == atom.Noscript || a == atom.Template ||
				a == atom.Iframe || a == atom.Svg || a == atom.Textarea || a == atom.Select:
				hidden = a
			case a == atom.Title:
				inTitle = true
			case a == atom.Td || a == atom.Th:
				b.WriteString(" | ")
			case blockAtom(a):
				b.WriteByte('\n')
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			switch {
			case hidden != 0:
				if a == hidden {
					hidden = 0
				}
			case a == atom.Title:
				inTitle = false
			case blockAtom(a):
				b.WriteByte('\n')
			}
		case html.TextToken:
			switch {
			case hidden != 0:
			case inTitle:
				title += string(z.Text())
			default:
				b.Write(z.Text())
			}
		}
	}
}

func blockAtom(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Div, atom.Br, atom.Li, atom.Tr, atom.Table, atom.Section, atom.Article,
		atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Blockquote, atom.Pre, atom.Dd, atom.Dt:
		return true
	}
	return false
}
