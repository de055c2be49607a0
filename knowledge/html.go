package knowledge

import (
	"bytes"
	"strings"

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

// boilerClass marks elements whose class or id names site furniture.
var boilerClass = []string{"nav", "menu", "footer", "header", "breadcrumb", "sidebar", "share",
	"comment", "related", "copyright", "editor", "appendqr", "qrcode", "advert", "banner", "toolbar"}

// htmlText extracts the readable text of an HTML document: script, style,
// navigation and boilerplate containers are skipped, block elements end a
// line, table cells are separated. It also returns the <title> and first <h1>.
func htmlText(s string) (text, title, h1 string) {
	doc, err := html.Parse(strings.NewReader(s))
	if err != nil { // nested deeper than x/net/html's 512 elements
		text, title := htmlFlatText(s)
		return text, title, ""
	}
	var b bytes.Buffer
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Script, atom.Style, atom.Nav, atom.Footer, atom.Header, atom.Aside,
				atom.Noscript, atom.Iframe, atom.Form, atom.Button, atom.Select, atom.Svg:
				return
			case atom.Title:
				title = strings.TrimSpace(nodeText(n))
				return
			}
			if isBoilerNode(n) {
				return
			}
			if n.DataAtom == atom.H1 && h1 == "" {
				h1 = strings.TrimSpace(nodeText(n))
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
			walk(c)
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
	walk(doc)
	// Table rows end with a dangling separator.
	text = strings.ReplaceAll(b.String(), " | \n", "\n")
	return text, title, h1
}

func isBoilerNode(n *html.Node) bool {
	for _, a := range n.Attr {
		if a.Key != "class" && a.Key != "id" {
			continue
		}
		v := strings.ToLower(a.Val)
		for _, c := range boilerClass {
			if strings.Contains(v, c) {
				return true
			}
		}
	}
	return false
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
