package bot

import (
	"fmt"
	"html"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/policybot/policybot/retrieval"
	"github.com/policybot/policybot/retrieval/answer"
)

// maxMessage is Telegram's limit on a message's text. It counts the text
// after entity parsing; measuring the HTML source instead is conservative.
const maxMessage = 4096

// span is text with at most one formatting tag around it.
type span struct {
	tag  string // "", "b", "i", "code", "blockquote"
	text string
}

func (s span) render() string {
	if s.tag == "" {
		return html.EscapeString(s.text)
	}
	return "<" + s.tag + ">" + html.EscapeString(s.text) + "</" + s.tag + ">"
}

// block is a paragraph: spans kept together when they fit a message.
type block struct {
	spans []span
	// tight joins the block to the previous one with a single newline
	// instead of a blank line.
	tight bool
}

func (b block) render() string {
	var s strings.Builder
	for _, sp := range b.spans {
		s.WriteString(sp.render())
	}
	return s.String()
}

func plain(text string) block { return block{spans: []span{{"", text}}} }

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// paginate renders blocks into messages of at most limit UTF-16 units,
// breaking between blocks where it can, and inside a block only between
// spans or inside a span's text, so every message is valid HTML.
func paginate(blocks []block, limit int) []string {
	var msgs []string
	var cur strings.Builder
	curLen := 0
	flush := func() {
		if s := strings.TrimSpace(cur.String()); s != "" {
			msgs = append(msgs, s)
		}
		cur.Reset()
		curLen = 0
	}
	for _, b := range blocks {
		sep := "\n\n"
		if b.tight {
			sep = "\n"
		}
		r := b.render()
		n := utf16Len(r)
		if curLen > 0 && curLen+len(sep)+n <= limit {
			cur.WriteString(sep)
			cur.WriteString(r)
			curLen += len(sep) + n
			continue
		}
		if n <= limit {
			flush()
			cur.WriteString(r)
			curLen = n
			continue
		}
		flush()
		msgs = append(msgs, splitBlock(b, limit)...)
	}
	flush()
	return msgs
}

// splitBlock cuts a block too long for one message into messages, each of
// its pieces wrapped in the tag of the span it came from.
func splitBlock(b block, limit int) []string {
	var out []string
	var cur strings.Builder
	curLen := 0
	for _, sp := range b.spans {
		text := sp.text
		for text != "" {
			wrap := 0
			if sp.tag != "" {
				wrap = 2*len(sp.tag) + 5
			}
			room := limit - curLen - wrap
			if room < limit/4 && curLen > 0 {
				out = append(out, strings.TrimSpace(cur.String()))
				cur.Reset()
				curLen = 0
				continue
			}
			head, rest := cutText(text, room)
			piece := span{sp.tag, head}.render()
			cur.WriteString(piece)
			curLen += utf16Len(piece)
			text = rest
			if rest != "" {
				out = append(out, strings.TrimSpace(cur.String()))
				cur.Reset()
				curLen = 0
			}
		}
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		out = append(out, s)
	}
	return out
}

// cutText returns the longest head of s whose escaped form fits room UTF-16
// units, cut after a line break, a sentence end or a space when one falls
// in its second half.
func cutText(s string, room int) (head, rest string) {
	n, end := 0, 0
	for i, r := range s {
		w := utf16Len(html.EscapeString(string(r)))
		if n+w > room {
			break
		}
		n += w
		end = i + utf8.RuneLen(r)
	}
	if end >= len(s) {
		return s, ""
	}
	if end == 0 { // room smaller than one character: take one anyway
		_, size := utf8.DecodeRuneInString(s)
		return s[:size], s[size:]
	}
	cut := end
	for _, seps := range []string{"\n", "。！？!?；;", "，,、 "} {
		if i := lastAny(s[:end], seps); i > end/2 {
			cut = i
			break
		}
	}
	return s[:cut], s[cut:]
}

// lastAny returns the byte offset just after the last rune of s that is in
// chars, or -1.
func lastAny(s, chars string) int {
	best := -1
	for i, r := range s {
		if strings.ContainsRune(chars, r) {
			best = i + utf8.RuneLen(r)
		}
	}
	return best
}

var markerRe = regexp.MustCompile(`\[(\d+)\]`)

// citedNumbers lists the [n] markers a text uses.
func citedNumbers(text string) map[int]bool {
	out := make(map[int]bool)
	for _, m := range markerRe.FindAllStringSubmatch(text, -1) {
		if n, err := strconv.Atoi(m[1]); err == nil {
			out[n] = true
		}
	}
	return out
}

// answerBlocks renders an answer: its text with [n] markers, an optional
// note, and the sources it cites (none when it declined).
func answerBlocks(a answer.Answer) []block {
	var out []block
	for i, para := range paragraphs(a.Text) {
		if i == 0 && a.Answered && a.Short != "" && strings.HasPrefix(para, a.Short) {
			out = append(out, block{spans: []span{{"b", a.Short}, {"", para[len(a.Short):]}}})
			continue
		}
		out = append(out, plain(para))
	}
	if a.Note != "" {
		out = append(out, block{spans: []span{{"i", a.Note}}})
	}
	if !a.Answered {
		return out
	}
	used := citedNumbers(a.Text)
	first := true
	for _, c := range a.Citations {
		if !used[c.N] {
			continue
		}
		if first {
			out = append(out, block{spans: []span{{"b", sourcesHeading(a.Script)}}})
			first = false
		}
		out = append(out, citationBlock(c))
	}
	return out
}

func sourcesHeading(script string) string {
	switch script {
	case "en":
		return "Sources"
	case "zh-Hant":
		return "來源"
	}
	return "来源 Sources"
}

func citationBlock(c answer.Citation) block {
	spans := []span{{"", fmt.Sprintf("[%d] ", c.N)}, {"b", nonEmpty(c.Title, c.Doc)}}
	var meta []string
	if c.Section != "" {
		meta = append(meta, c.Section)
	}
	if c.Date != "" {
		meta = append(meta, c.Date)
	}
	if c.Page > 0 {
		meta = append(meta, fmt.Sprintf("p. %d", c.Page))
	}
	if len(meta) > 0 {
		spans = append(spans, span{"", " · " + strings.Join(meta, " · ")})
	}
	return block{spans: spans, tight: true}
}

func nonEmpty(s ...string) string {
	for _, v := range s {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

// paragraphs splits text on blank lines, and on single newlines, keeping no
// empty paragraph.
func paragraphs(text string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// excerptRunes bounds a passage shown by /search.
const excerptRunes = 320

func clipRunes(s string, n int) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// searchBlocks renders the evidence for /search.
func searchBlocks(question string, ev []retrieval.Evidence) []block {
	if len(ev) == 0 {
		return []block{plain("No passage in the knowledge base matches: " + question)}
	}
	out := []block{{spans: []span{{"b", "Top passages"}, {"", " for: " + question}}}}
	for i, e := range ev {
		c := e.Chunk
		head := []span{{"b", fmt.Sprintf("%d. %s", i+1, nonEmpty(c.Title, c.DocID))}}
		var meta []string
		if len(c.Section) > 0 {
			meta = append(meta, strings.Join(c.Section, " › "))
		}
		if c.Date != "" {
			meta = append(meta, c.Date)
		}
		if c.Page > 0 {
			meta = append(meta, fmt.Sprintf("p. %d", c.Page))
		}
		meta = append(meta, fmt.Sprintf("score %.3f", e.Score))
		head = append(head, span{"", " · " + strings.Join(meta, " · ")})
		out = append(out, block{spans: head})
		out = append(out, block{spans: []span{{"blockquote", clipRunes(c.Text, excerptRunes)}}, tight: true})
	}
	return out
}

// sourcesBlocks renders /sources: each document's title, format, pages,
// chunks and indexing time, and the files that could not be loaded.
func sourcesBlocks(st retrieval.Status) []block {
	if !st.Ready {
		return []block{plain("The knowledge base is not loaded yet.")}
	}
	docs := st.Docs
	out := []block{{spans: []span{{"b", fmt.Sprintf("%d documents, %d passages", len(docs), st.Chunks)}, {"", fmt.Sprintf(" (index built %s)", st.BuiltAt.UTC().Format("2006-01-02 15:04 UTC"))}}}}
	for _, d := range docs {
		meta := []string{d.Format}
		if d.Pages > 0 {
			meta = append(meta, fmt.Sprintf("%d pages", d.Pages))
		}
		meta = append(meta, fmt.Sprintf("%d chunks", d.Chunks))
		if d.Date != "" {
			meta = append(meta, "dated "+d.Date)
		}
		meta = append(meta, "indexed "+d.IndexedAt.UTC().Format("2006-01-02 15:04"))
		spans := []span{{"", "• "}, {"b", nonEmpty(d.Title, d.ID)}, {"", "\n  " + strings.Join(meta, " · ") + " · "}, {"code", d.ID}}
		if len(d.Warnings) > 0 {
			spans = append(spans, span{"i", fmt.Sprintf(" (%d warnings)", len(d.Warnings))})
		}
		out = append(out, block{spans: spans})
	}
	if sk := st.Skipped; len(sk) > 0 {
		out = append(out, block{spans: []span{{"b", "Not loaded"}}})
		for _, s := range sk {
			out = append(out, block{spans: []span{{"", "• "}, {"code", s.Path}, {"", ": " + s.Reason}}, tight: true})
		}
	}
	return out
}

// reloadBlocks reports a successful rebuild.
func reloadBlocks(st retrieval.BuildStats, ix retrieval.Status) []block {
	out := []block{{spans: []span{{"b", "Reloaded"}, {"", fmt.Sprintf(" in %s: %d added, %d changed, %d removed, %d unchanged; %d chunks (%d embedded).",
		st.Took.Round(time.Millisecond), len(st.Added), len(st.Changed), len(st.Removed), len(st.Unchanged), st.Chunks, st.Embedded)}}}}
	for _, l := range []struct {
		name string
		ids  []string
	}{{"Added", st.Added}, {"Changed", st.Changed}, {"Removed", st.Removed}} {
		if len(l.ids) == 0 {
			continue
		}
		out = append(out, block{spans: []span{{"", l.name + ": "}, {"code", strings.Join(l.ids, ", ")}}, tight: true})
	}
	if len(ix.Skipped) > 0 {
		out = append(out, block{spans: []span{{"i", fmt.Sprintf("%d files could not be loaded; see /sources.", len(ix.Skipped))}}})
	}
	return out
}
