package knowledge

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// frontMatter is the YAML front matter of a Markdown or HTML file.
type frontMatter struct {
	Title, Date, Author, URL string
}

// splitFrontMatter separates a leading "---" YAML block from the body. Only
// flat "key: value" pairs are read; lists and nested values are skipped.
func splitFrontMatter(s string) (frontMatter, string) {
	var fm frontMatter
	t := strings.TrimLeft(s, " \t\r\n\ufeff")
	if !strings.HasPrefix(t, "---") {
		return fm, s
	}
	rest := t[3:]
	nl := strings.IndexByte(rest, '\n')
	if nl < 0 || strings.TrimSpace(rest[:nl]) != "" {
		return fm, s
	}
	rest = rest[nl+1:]
	end := strings.Index(rest, "\n---")
	if end < 0 {
		return fm, s
	}
	block, body := rest[:end], rest[end+4:]
	if i := strings.IndexByte(body, '\n'); i >= 0 {
		body = body[i+1:]
	} else {
		body = ""
	}
	for _, line := range strings.Split(block, "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok || strings.HasPrefix(line, " ") {
			continue
		}
		v = strings.Trim(strings.TrimSpace(v), `'"`)
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "title":
			fm.Title = v
		case "date":
			fm.Date = v
		case "author":
			fm.Author = v
		case "url", "source", "link", "source_url":
			fm.URL = v
		}
	}
	return fm, body
}

// looksLikeHTML sniffs markup in a file whatever its extension.
func looksLikeHTML(s string) bool {
	head := strings.ToLower(s[:min(len(s), 4096)])
	for _, tag := range []string{"<html", "<body", "<div", "<p>", "<p ", "<!doctype"} {
		if strings.Contains(head, tag) {
			return true
		}
	}
	return false
}

// boilerClass marks elements whose class or id names site furniture. A
// class matches when one of its words is one of these (nav-bar, mainMenu,
// TRS_Editor's "editor"), and only when the element is furniture-sized: a
// container holding the page's article text with few links is kept whatever
// its name (TRS_Editor holds the article body of TRS CMS pages, the most
// common CMS of Chinese government sites).
var boilerClass = []string{"nav", "navbar", "navigation", "menu", "footer", "header", "breadcrumb", "crumb", "sidebar", "share",
	"comment", "comments", "related", "copyright", "editor", "appendqr", "qrcode", "advert", "ad", "ads", "banner", "toolbar"}

// articleRunes is the text above which a container with few links is taken
// for article text, not furniture, whatever its name; so is one holding
// most of the page's text.
const articleRunes = 200

// ErrHTMLTooDeep is returned for pages the HTML parser gives up on (nested
// deeper than it allows): they are declined rather than indexed as markup.
var ErrHTMLTooDeep = errors.New("HTML nested too deeply to parse")

// htmlText extracts the readable text of an HTML document: script, style,
// navigation, boilerplate containers and hidden elements are skipped, block
// elements end a line, table cells are separated and carry their column
// headers. It also returns the <title> and first <h1>. A page the parser
// cannot read is an error: its markup is never returned as text.
func htmlText(s string) (text, title, h1 string, err error) {
	doc, err := html.Parse(strings.NewReader(s))
	if err != nil {
		return "", "", "", fmt.Errorf("%w: %v", ErrHTMLTooDeep, err)
	}
	w := htmlWalker{}
	w.page, _ = textRunes(doc)
	w.walk(doc, &w.b)
	// Table rows end with a dangling separator.
	text = strings.ReplaceAll(w.b.String(), " | \n", "\n")
	return text, w.title, w.h1, nil
}

type htmlWalker struct {
	b         bytes.Buffer
	title, h1 string
	page      int // runes of text in the page
}

func (w *htmlWalker) walk(n *html.Node, b *bytes.Buffer) {
	if n.Type == html.ElementNode {
		switch n.DataAtom {
		case atom.Script, atom.Style, atom.Nav, atom.Footer, atom.Header, atom.Aside,
			atom.Noscript, atom.Iframe, atom.Form, atom.Button, atom.Select, atom.Svg, atom.Template:
			return
		case atom.Title:
			if w.title == "" {
				w.title = strings.TrimSpace(nodeText(n))
			}
			return
		case atom.Table:
			w.table(n, b)
			return
		}
		if hiddenNode(n) || (isBoilerNode(n) && !w.articleNode(n)) {
			return
		}
		if n.DataAtom == atom.H1 && w.h1 == "" {
			w.h1 = strings.TrimSpace(nodeText(n))
		}
	}
	if n.Type == html.TextNode {
		if p := n.Parent; p != nil && strings.TrimSpace(n.Data) == "" {
			switch p.DataAtom {
			case atom.Table, atom.Thead, atom.Tbody, atom.Tfoot, atom.Tr:
				return // indentation between cells
			}
		}
		b.WriteString(n.Data)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.walk(c, b)
	}
	if n.Type == html.ElementNode {
		switch n.DataAtom {
		case atom.Td, atom.Th:
			b.WriteString(" | ")
		case atom.P, atom.Div, atom.Br, atom.Li, atom.Tr, atom.Table, atom.Section, atom.Article,
			atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Blockquote, atom.Pre, atom.Dd, atom.Dt:
			b.WriteByte('\n')
		}
	}
}

// table writes a table a row a line, its cells separated by " | ", each
// cell of a data row after the first carrying its column's header (see
// renderTable). Rows of tables nested in a cell stay in that cell.
func (w *htmlWalker) table(t *html.Node, b *bytes.Buffer) {
	if hiddenNode(t) || (isBoilerNode(t) && !w.articleNode(t)) {
		return
	}
	var rows [][]tableCell
	var headers []bool
	pending := map[int]struct {
		left int
		text string
	}{} // grid column → rows still covered by a rowspan above
	var rowsOf func(n *html.Node)
	rowsOf = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode || hiddenNode(c) {
				continue
			}
			switch c.DataAtom {
			case atom.Thead, atom.Tbody, atom.Tfoot:
				rowsOf(c)
			case atom.Tr:
				var row []tableCell
				allTH, any := true, false
				col := 0
				addPending := func() {
					for {
						p, ok := pending[col]
						if !ok || p.left == 0 {
							return
						}
						row = append(row, tableCell{text: p.text, col: col, span: 1, merged: true})
						p.left--
						pending[col] = p
						col++
					}
				}
				for cell := c.FirstChild; cell != nil; cell = cell.NextSibling {
					if cell.Type != html.ElementNode || (cell.DataAtom != atom.Td && cell.DataAtom != atom.Th) || hiddenNode(cell) {
						continue
					}
					addPending()
					var cb bytes.Buffer
					for k := cell.FirstChild; k != nil; k = k.NextSibling {
						w.walk(k, &cb)
					}
					text := strings.Join(strings.Fields(strings.ReplaceAll(cb.String(), " | ", " ")), " ")
					span := min(max(1, atoiAttr(cell, "colspan")), 64)
					if rs := min(atoiAttr(cell, "rowspan"), 1000); rs > 1 {
						for g := col; g < col+span; g++ {
							pending[g] = struct {
								left int
								text string
							}{rs - 1, text}
						}
					}
					row = append(row, tableCell{text: text, col: col, span: span})
					col += span
					any = true
					allTH = allTH && cell.DataAtom == atom.Th
				}
				addPending()
				if any {
					rows = append(rows, row)
					headers = append(headers, allTH || n.DataAtom == atom.Thead)
				}
			}
		}
	}
	rowsOf(t)
	for _, line := range renderTable(rows, headers) {
		b.WriteString(line)
		b.WriteByte('\n')
	}
}

func atoiAttr(n *html.Node, key string) int {
	for _, a := range n.Attr {
		if a.Key == key {
			v, _ := strconv.Atoi(strings.TrimSpace(a.Val))
			return v
		}
	}
	return 0
}

// hiddenStyle matches inline styles that hide an element.
var hiddenStyle = regexp.MustCompile(`(?i)(^|;)\s*(display\s*:\s*none|visibility\s*:\s*hidden)`)

// hiddenNode reports an element a browser does not show: the hidden
// attribute, display:none or visibility:hidden inline, a hidden input.
func hiddenNode(n *html.Node) bool {
	for _, a := range n.Attr {
		switch a.Key {
		case "hidden":
			return true
		case "style":
			if hiddenStyle.MatchString(a.Val) {
				return true
			}
		case "aria-hidden":
			if strings.EqualFold(strings.TrimSpace(a.Val), "true") && n.DataAtom != atom.Div && n.DataAtom != atom.P {
				return true // icons and decorations; a block is kept
			}
		}
	}
	return false
}

// isBoilerNode reports an element whose class or id names site furniture,
// word by word: "side-nav" is the words side, nav; "mainNav" main, nav;
// "canvas" is no nav.
func isBoilerNode(n *html.Node) bool {
	for _, a := range n.Attr {
		if a.Key != "class" && a.Key != "id" {
			continue
		}
		for _, w := range classWords(a.Val) {
			if slices.Contains(boilerClass, w) {
				return true
			}
		}
	}
	return false
}

// classWords splits class names and ids into lower-case words at spaces,
// punctuation, digits and lower-to-upper case changes.
func classWords(v string) []string {
	var words []string
	var cur []rune
	prevLower := false
	flush := func() {
		if len(cur) > 0 {
			words = append(words, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	for _, r := range v {
		switch {
		case unicode.IsUpper(r):
			if prevLower {
				flush()
			}
			cur = append(cur, r)
			prevLower = false
		case unicode.IsLetter(r):
			cur = append(cur, r)
			prevLower = true
		default:
			flush()
			prevLower = false
		}
	}
	flush()
	return words
}

// articleNode reports a container that holds article text rather than
// furniture: few of its words in links, and either enough text or most of
// the page's.
func (w *htmlWalker) articleNode(n *html.Node) bool {
	all, linked := textRunes(n)
	return linked*3 < all && (all >= articleRunes || all*2 >= w.page)
}

// textRunes counts the runes of text under n, and those inside links.
func textRunes(n *html.Node) (all, linked int) {
	var walk func(*html.Node, bool)
	walk = func(n *html.Node, inLink bool) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Script, atom.Style, atom.Template, atom.Title:
				return
			case atom.A:
				inLink = true
			}
		}
		if n.Type == html.TextNode {
			k := utf8.RuneCountInString(strings.TrimSpace(n.Data))
			all += k
			if inLink {
				linked += k
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inLink)
		}
	}
	walk(n, false)
	return all, linked
}

func nodeText(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}
