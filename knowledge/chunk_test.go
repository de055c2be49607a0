package knowledge

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// chunkMargin is how far past MaxChunk a chunk may run: the line breaks
// kept between the sentences of a chunk are not counted against MaxChunk.
const chunkMargin = 10

// sentenceEnders end a sentence; closers may follow them.
const (
	sentenceEnders = "。！？；!;?"
	closers        = "”’」』）)\""
)

// endsSentence reports whether s ends on a sentence boundary: a sentence
// ender, optionally followed by closing quotes and one parenthetical note
// such as "(市质量技监局牵头,2018年6月底前完成)".
func endsSentence(s string) bool {
	rs := []rune(strings.TrimSpace(s))
	// A trailing parenthetical note.
	if n := len(rs); n > 0 && (rs[n-1] == ')' || rs[n-1] == '）') {
		depth := 0
		for i := n - 1; i >= 0; i-- {
			switch rs[i] {
			case ')', '）':
				depth++
			case '(', '（':
				depth--
			}
			if depth == 0 {
				if i > 0 && strings.ContainsRune(sentenceEnders+closers, rs[i-1]) {
					rs = rs[:i]
				}
				break
			}
		}
	}
	for len(rs) > 0 && strings.ContainsRune(closers, rs[len(rs)-1]) {
		rs = rs[:len(rs)-1]
	}
	return len(rs) > 0 && strings.ContainsRune(sentenceEnders, rs[len(rs)-1])
}

// sentenceAround returns the length in runes of the sentence of text that
// spans offset at: from the sentence end or line break before it to the
// one after.
func sentenceAround(text []rune, at int) int {
	ends := func(i int) bool {
		r := text[i]
		return r == '\n' || strings.ContainsRune("。！？；!;", r) || (r == '?' && (i+1 == len(text) || text[i+1] == ' '))
	}
	from := at
	for from > 0 && !ends(from-1) {
		from--
	}
	to := at
	for to < len(text) && !ends(to) {
		to++
	}
	return to - from
}

func TestChunkInvariantsSeeds(t *testing.T) {
	c := seedCorpus(t)
	for _, d := range c.Docs {
		t.Run(d.ID, func(t *testing.T) {
			chunks := Chunks(d)
			if len(chunks) == 0 {
				t.Fatalf("Chunks(%s) = no chunks", d.ID)
			}
			checkChunkInvariants(t, d, chunks)
			if again := Chunks(d); !reflect.DeepEqual(again, chunks) {
				t.Errorf("Chunks(%s) differs between two calls", d.ID)
			}
		})
	}
}

// checkChunkInvariants checks what every chunking must hold: offsets that
// slice the document to the chunk's text (after a repeated lead-in), order
// without overlap, unique ids, sizes within MaxChunk, sentence-bounded ends,
// no lead-in cut from the list after it, and no text lost: every line of the
// document is in a chunk's text or is a heading named in the section path
// of the chunk after it.
func checkChunkInvariants(t *testing.T, d Document, chunks []Chunk) {
	t.Helper()
	text := []rune(d.Text)
	covered := make([]bool, len(text))
	ids := make(map[string]bool)
	prevEnd := 0
	for i, c := range chunks {
		if ids[c.ID] {
			t.Errorf("chunk %d: duplicate ID %q", i, c.ID)
		}
		ids[c.ID] = true
		if c.DocID != d.ID || c.Title != d.Title || c.Date != d.Date {
			t.Errorf("chunk %s: DocID, Title, Date = %q, %q, %q, want %q, %q, %q", c.ID, c.DocID, c.Title, c.Date, d.ID, d.Title, d.Date)
		}
		if c.Start < prevEnd || c.End <= c.Start || c.End > len(text) {
			t.Errorf("chunk %s: runes [%d,%d) out of order or range (previous end %d, text %d runes)", c.ID, c.Start, c.End, prevEnd, len(text))
			continue
		}
		prevEnd = c.End
		body := c.Text
		if c.Lead > 0 {
			rs := []rune(c.Text)
			if c.Lead > len(rs) {
				t.Errorf("chunk %s: Lead %d past its %d runes", c.ID, c.Lead, len(rs))
				continue
			}
			lead := strings.TrimSpace(string(rs[:c.Lead]))
			if !strings.Contains(string(text[:c.Start]), lead) || !endsLeadIn(lead) {
				t.Errorf("chunk %s: lead-in %q is no lead-in earlier in the document", c.ID, lead)
			}
			body = string(rs[c.Lead:])
		}
		if got := strings.TrimSpace(string(text[c.Start:c.End])); got != body {
			t.Errorf("chunk %s: Text = %q, want Document.Text[%d:%d] = %q", c.ID, body, c.Start, c.End, got)
		}
		if n := utf8.RuneCountInString(c.Text); n > MaxChunk+chunkMargin {
			t.Errorf("chunk %s: %d runes, want at most MaxChunk+%d = %d", c.ID, n, chunkMargin, MaxChunk+chunkMargin)
		}
		atLineEnd := c.End == len(text) || text[c.End] == '\n'
		// A sentence longer than MaxChunk is cut at a comma, else between
		// words, else hard at MaxChunk: then a chunk may end inside it.
		cutLong := !atLineEnd && sentenceAround(text, c.End) > MaxChunk &&
			(endsWithAny(c.Text, "，,、") || isSpace(text[c.End-1]) || isSpace(text[c.End]) || c.End-c.Start >= MaxChunk)
		if !atLineEnd && !endsSentence(c.Text) && !cutLong && utf8.RuneCountInString(c.Text) < MaxChunk {
			t.Errorf("chunk %s ends mid-sentence: …%q | %q…", c.ID, tail(c.Text, 12), string(text[c.End:min(len(text), c.End+12)]))
		}
		if endsLeadIn(c.Text) && c.End < len(text) {
			// A lead-in may end a chunk only when no item of its list follows.
			next, _, _ := strings.Cut(strings.TrimLeft(string(text[c.End:]), "\n"), "\n")
			if itemMarker.MatchString(next) && !headingOfNextChunk(chunks, c.End+1, next) {
				t.Errorf("chunk %s ends on a lead-in cut from its list: …%q | %q", c.ID, tail(c.Text, 20), next)
			}
		}
		for k := c.Start; k < c.End; k++ {
			covered[k] = true
		}
	}
	off := 0
	for _, line := range strings.Split(d.Text, "\n") {
		n := utf8.RuneCountInString(line)
		lost := false
		for k := off; k < off+n; k++ {
			if !covered[k] && !unicode.IsSpace(text[k]) {
				lost = true
			}
		}
		if lost {
			if !headingOfNextChunk(chunks, off, line) {
				t.Errorf("line at rune %d is in no chunk and is no section heading: %q", off, line)
			}
		}
		off += n + 1
	}
}

// headingOfNextChunk reports whether line, at rune offset off, is a heading
// in the section path of the first chunk after it (the path's labels have
// decorative spaces squeezed out and no closing punctuation).
func headingOfNextChunk(chunks []Chunk, off int, line string) bool {
	for _, c := range chunks {
		if c.Start <= off {
			continue
		}
		for _, s := range c.Section {
			if compact(line) == compact(s) {
				return true
			}
		}
		return false
	}
	return false
}

func tail(s string, n int) string {
	rs := []rune(s)
	return string(rs[max(0, len(rs)-n):])
}

func TestEndsSentence(t *testing.T) {
	// The checker itself must be able to fail.
	tests := []struct {
		in   string
		want bool
	}{
		{"完成。", true},
		{"他说：“好。”", true},
		{"建设信息平台。(市质量技监局牵头,2018年6月底前完成)", true},
		{"推进。（市商务委牵头）", true},
		{"标准化改革,", false},
		{"《行动计划》(以下简称行动计划)", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := endsSentence(tt.in); got != tt.want {
				t.Errorf("endsSentence(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestChunksSectionPaths(t *testing.T) {
	doc := strings.Join([]string{
		"关于推进标准化工作的实施方案",         // 0: untitled preamble
		"一、总体要求",                 // heading only
		"（一）基本原则",                // heading only
		"1.坚持创新。创新是标准化的第一动力。",    // 1.
		"(1)加强研制。加快制定先进标准。",      // (1) under 1.
		"一是推进试点。开展标准化试点。",        // 一是 under (1)
		"二是完善机制。建立工作机制。",         // sibling of 一是
		"2.坚持开放。积极参与国际标准化活动。",    // closes (1) and 二是
		"(二)主要目标",                // ASCII parens, sibling of （一）
		"到2025年，建成推动高质量发展的标准体系。", // body of (二)
		"二、重点任务",                 // closes everything
		"3.在全国率先建立标准化联席会议制度，率先设立标准化推进专项资金，率先颁布标准化条例。",         // long numbered paragraph
		"三是标准化影响力持续提升，截至2021年底累计牵头制定国际标准115项并主导制定国家标准4039项。",  // long 一是 paragraph
		"四、在全国实现四个率先，率先出台标准化发展战略纲要，率先建立标准化联席会议制度，并在此基础上形成合力。", // long 一、 line is body text
	}, "\n")
	d := Document{ID: "plan.txt", Title: "方案", Text: doc}
	chunks := Chunks(d)
	checkChunkInvariants(t, d, chunks)

	want := []struct {
		start   string // the chunk's text starts with this
		section string
	}{
		{"关于推进标准化工作的实施方案", ""},
		{"1.坚持创新。", "一、总体要求 › （一）基本原则 › 1.坚持创新"},
		{"(1)加强研制。", "一、总体要求 › （一）基本原则 › 1.坚持创新 › (1)加强研制"},
		{"一是推进试点。", "一、总体要求 › （一）基本原则 › 1.坚持创新 › (1)加强研制 › 一是推进试点"},
		{"二是完善机制。", "一、总体要求 › （一）基本原则 › 1.坚持创新 › (1)加强研制 › 二是完善机制"},
		{"2.坚持开放。", "一、总体要求 › （一）基本原则 › 2.坚持开放"},
		{"到2025年", "一、总体要求 › (二)主要目标"},
		{"3.在全国率先", "二、重点任务 › 3."},
		{"三是标准化影响力", "二、重点任务 › 3. › 三是"},
	}
	got := make([]string, len(chunks))
	for i, c := range chunks {
		got[i] = strings.Join(c.Section, " › ")
	}
	if len(chunks) != len(want) {
		t.Fatalf("Chunks(%q) = %d chunks with sections %q, want %d", d.ID, len(chunks), got, len(want))
	}
	for i, w := range want {
		t.Run(w.start, func(t *testing.T) {
			c := chunks[i]
			if !strings.HasPrefix(c.Text, w.start) {
				t.Errorf("chunk %d Text = %q, want it to start with %q", i, c.Text, w.start)
			}
			if got[i] != w.section {
				t.Errorf("chunk %d (%q) section = %q, want %q", i, w.start, got[i], w.section)
			}
		})
	}
	// The long 四、 line is body text of the 三是 paragraph's section, not a
	// heading of its own.
	last := chunks[len(chunks)-1]
	if !strings.Contains(last.Text, "四、在全国实现四个率先") {
		t.Errorf("last chunk %q lacks the long 四、 line", last.Text)
	}
}

func TestHeading(t *testing.T) {
	tests := []struct {
		line  string
		kind  headingKind
		label string
		only  bool
		ok    bool
	}{
		{"第一章 总则", kindChapter, "第一章 总则", true, true},
		{"第二节 标准制定", kindSection, "第二节 标准制定", true, true},
		{"第十二条", kindArticle, "第十二条", true, true},
		{"一、总体目标", kindHan, "一、总体目标", true, true},
		{"十一、附则", kindHan, "十一、附则", true, true},
		{"第一，更加聚焦创新引领。优化标准供给结构。", kindOrdinal, "第一，更加聚焦创新引领", false, true},
		{"（一）强化标准化统筹协调", kindParenHan, "（一）强化标准化统筹协调", true, true},
		{"(五)提升标准国际化水平", kindParenHan, "(五)提升标准国际化水平", true, true},
		{"(一)推進標準化與科技創新互融互促。", kindParenHan, "(一)推進標準化與科技創新互融互促", true, true},
		{"1.大力推进国际标准化。鼓励企业参与。", kindNumber, "1.大力推进国际标准化", false, true},
		{"12、加强宣传", kindNumber, "12、加强宣传", true, true},
		{"1．全角句点", kindNumber, "1．全角句点", true, true},
		{"（3）做好评估", kindParenNumber, "（3）做好评估", true, true},
		{"一是标准化制度体系不断健全。在全国实现“四个率先”。", kindShi, "一是标准化制度体系不断健全", false, true},
		{"2.在全国率先建立标准化联席会议制度，率先设立标准化推进专项资金，率先颁布标准化条例。", kindNumber, "2.", false, true},
		{"(2)在全国率先建立标准化联席会议制度，率先设立标准化推进专项资金，率先颁布标准化条例。", kindParenNumber, "(2)", false, true},
		{"二是在全国率先建立标准化联席会议制度，率先设立标准化推进专项资金，率先颁布标准化条例。", kindShi, "二是", false, true},
		// Not headings.
		{"一、在全国率先建立标准化联席会议制度，率先设立标准化推进专项资金，率先颁布标准化条例。", 0, "", false, false},
		{"2015年10月30日", 0, "", false, false},
		{"1.5倍的增长", 0, "", false, false},
		{"近年来，上海大力实施标准化战略。", 0, "", false, false},
		{"(市质量技监局牵头,2016年6月底前完成)", 0, "", false, false},
		{"", 0, "", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			kind, label, only, ok := heading(tt.line)
			if kind != tt.kind || label != tt.label || only != tt.only || ok != tt.ok {
				t.Errorf("heading(%q) = %v, %q, %v, %v, want %v, %q, %v, %v", tt.line, kind, label, only, ok, tt.kind, tt.label, tt.only, tt.ok)
			}
		})
	}
}

func TestChunksSizes(t *testing.T) {
	sentence := "标准化工作要服务科技创新中心建设并形成合力。" // 22 runes
	tests := []struct {
		name       string
		text       string
		wantChunks int
	}{
		{"one short sentence", "完善标准化工作体系。", 1},
		{"many short sentences in one paragraph", strings.Repeat(sentence, 40), 3},
		{"many short paragraphs", strings.Repeat(sentence+"\n", 40), 3},
		{"one sentence over MaxChunk, with commas", strings.Repeat("推进标准化工作，", 200) + "完成。", 3},
		{"one sentence over MaxChunk, no comma", strings.Repeat("标", 1500) + "。", 3},
		{"no sentence end at all", strings.Repeat("标准化", 50), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Document{ID: "sizes.txt", Text: tt.text}
			chunks := Chunks(d)
			checkChunkInvariants(t, d, chunks)
			if len(chunks) != tt.wantChunks {
				t.Errorf("Chunks(%q…) = %d chunks, want %d", tail(tt.text, 10), len(chunks), tt.wantChunks)
			}
			for _, c := range chunks[:max(0, len(chunks)-1)] {
				if n := utf8.RuneCountInString(c.Text); n < TargetChunk && !strings.Contains(tt.name, "over MaxChunk") {
					t.Errorf("chunk %s has %d runes, want at least TargetChunk = %d before the last", c.ID, n, TargetChunk)
				}
			}
			// The chunks together hold the whole text.
			var b strings.Builder
			for _, c := range chunks {
				b.WriteString(strings.ReplaceAll(c.Text, "\n", ""))
			}
			if got, want := b.String(), strings.ReplaceAll(tt.text, "\n", ""); got != want {
				t.Errorf("chunk texts joined = %d runes, want the %d runes of the text", utf8.RuneCountInString(got), utf8.RuneCountInString(want))
			}
		})
	}
}

func TestChunksIDsAndPages(t *testing.T) {
	sentence := strings.Repeat("标", 99) + "。" // 100 runes
	text := strings.Repeat(sentence, 4) + "\n" + strings.Repeat(sentence, 4)
	d := Document{ID: "dir/report.pdf", Title: "报告", Date: "2022-02-17", Text: text, PageStarts: []int{0, 401}}
	chunks := Chunks(d)
	checkChunkInvariants(t, d, chunks)
	wantIDs := []string{"dir/report.pdf#0", "dir/report.pdf#1", "dir/report.pdf#2"}
	wantPages := []int{1, 1, 2}
	// The second chunk starts on page 1 and runs onto page 2.
	wantStarts := []int{0, 300, 601}
	if len(chunks) != len(wantIDs) {
		t.Fatalf("Chunks(%q) = %d chunks, want %d", d.ID, len(chunks), len(wantIDs))
	}
	for i, c := range chunks {
		if c.ID != wantIDs[i] || c.Page != wantPages[i] || c.Start != wantStarts[i] {
			t.Errorf("chunk %d = ID %q page %d start %d, want %q page %d start %d", i, c.ID, c.Page, c.Start, wantIDs[i], wantPages[i], wantStarts[i])
		}
	}
}

func TestChunksEmpty(t *testing.T) {
	for _, text := range []string{"", "\n", " \n\u3000"} {
		t.Run(text, func(t *testing.T) {
			if got := Chunks(Document{ID: "e.txt", Text: text}); len(got) != 0 {
				t.Errorf("Chunks(%q) = %v, want no chunks", text, got)
			}
		})
	}
}

// A heading is a heading only when a body follows it: short list items,
// table of contents entries, a trailing heading line and a document that is
// only a heading are body text, in a chunk.
func TestChunksHeadingNeedsBody(t *testing.T) {
	tests := []struct {
		name     string
		text     string
		sections []string // of the chunks, in order
	}{
		{"short items are body", "一、申请条件\n（一）注册资本不低于600万元；\n（二）有固定的经营场所。",
			[]string{"一、申请条件"}},
		{"items without punctuation are body", "主要任务包括：\n1.参与制定国家标准\n2.参与制定行业标准\n之后的正文。",
			[]string{""}},
		{"trailing heading line", "正文第一段。\n二、附则", []string{""}},
		{"a salutation is no list lead-in for headings", "各有关单位：\n一、总体要求\n（一）指导思想\n坚持创新引领。", []string{"", "一、总体要求 › （一）指导思想"}},
		{"only a heading", "一、总体要求", []string{""}},
		{"heading over a deeper heading that is body", "一、总体要求\n（一）基本原则", []string{"一、总体要求"}},
		{"heading with a full stop over items", "（一）总体要求。\n1.坚持创新。创新是第一动力。", []string{"（一）总体要求 › 1.坚持创新"}},
		{"table of contents", "目　　录\n第一章　总　　则\n第二章　附　　则\n第一章　总　　则\n第一条　为了规范管理，制定本办法。\n第二章　附　　则\n第二条　本办法自公布之日起施行。",
			[]string{"第一章 总则 › 第一条", "第二章 附则 › 第二条"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Document{ID: "h.txt", Text: tt.text}
			chunks := Chunks(d)
			checkChunkInvariants(t, d, chunks)
			var got []string
			for _, c := range chunks {
				got = append(got, strings.Join(c.Section, " › "))
			}
			if !reflect.DeepEqual(got, tt.sections) {
				t.Errorf("Chunks(%q) sections = %q, want %q", tt.text, got, tt.sections)
			}
			var all strings.Builder
			for _, c := range chunks {
				all.WriteString(c.Text)
			}
			for _, line := range strings.Split(tt.text, "\n") {
				if strings.Contains(line, "600万元") || strings.Contains(line, "参与制定") || line == "二、附则" {
					if !strings.Contains(all.String(), line) {
						t.Errorf("Chunks(%q) lose %q", tt.text, line)
					}
				}
			}
		})
	}
	// The loaded .txt of three lines keeps the item searchable.
	docs, err := Parse(context.Background(), "条件.txt", []byte("一、申请条件\n（一）注册资本不低于600万元；\n（二）有固定的经营场所。\n"))
	if err != nil {
		t.Fatal(err)
	}
	chunks := Chunks(docs[0])
	if len(chunks) != 1 || !strings.Contains(chunks[0].Text, "注册资本不低于600万元") {
		t.Errorf("Chunks(条件.txt) = %+v, want one chunk holding 注册资本不低于600万元", chunks)
	}
}

func TestSentences(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"all enders", "第一句。第二句！第三句？第四句；第五句", []string{"第一句。", "第二句！", "第三句？", "第四句；", "第五句"}},
		{"no split at comma", "标准化工作，服务科技创新。", []string{"标准化工作，服务科技创新。"}},
		{"closing quote", "他说：“建设国际标准化高地。”随后离开。", []string{"他说：“建设国际标准化高地。”", "随后离开。"}},
		{"closing corner bracket", "所谓「標準」。下一句。", []string{"所谓「標準」。", "下一句。"}},
		{"trailing parenthetical", "建设全市标准化工作信息平台。(市质量技监局牵头,2018年6月底前完成)设立专项工作组。",
			[]string{"建设全市标准化工作信息平台。(市质量技监局牵头,2018年6月底前完成)", "设立专项工作组。"}},
		{"trailing full-width parenthetical", "推进试点。（市商务委牵头，持续推进）下一句。", []string{"推进试点。（市商务委牵头，持续推进）", "下一句。"}},
		{"nested parenthetical", "修订标准。(市水务局(市海洋局)牵头,持续推进)", []string{"修订标准。(市水务局(市海洋局)牵头,持续推进)"}},
		{"parenthetical over 80 runes stays apart", "完成。(" + strings.Repeat("长", 85) + ")", []string{"完成。", "(" + strings.Repeat("长", 85) + ")"}},
		{"unclosed parenthesis", "完成。(未闭合", []string{"完成。", "(未闭合"}},
		{"line breaks", "第一行\n第二行。\n\n  \n第三行", []string{"第一行", "第二行。", "第三行"}},
		{"ASCII enders", "Is it done? Yes; it is! Next", []string{"Is it done?", "Yes;", "it is!", "Next"}},
		{"ASCII question mark inside a word", "a?b c", []string{"a?b c"}},
		{"ASCII full stop does not split", "ISO/IEC 17025. Version 2.0", []string{"ISO/IEC 17025. Version 2.0"}},
		{"empty", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Sentences(tt.in); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Sentences(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSentencesLong(t *testing.T) {
	clause := "推进标准化工作，" // 8 runes
	in := strings.Repeat(clause, 100) + "完成。"
	got := Sentences(in)
	if strings.Join(got, "") != in {
		t.Fatalf("Sentences(long) joined = %d runes, want the %d runes of the input", utf8.RuneCountInString(strings.Join(got, "")), utf8.RuneCountInString(in))
	}
	if len(got) < 2 {
		t.Fatalf("Sentences(long) = %d pieces, want it cut", len(got))
	}
	for i, s := range got {
		if n := utf8.RuneCountInString(s); n > MaxChunk {
			t.Errorf("piece %d has %d runes, want at most MaxChunk = %d", i, n, MaxChunk)
		}
		if i < len(got)-1 && !strings.HasSuffix(s, "，") {
			t.Errorf("piece %d ends with %q, want a cut after a comma", i, tail(s, 3))
		}
	}
}

func TestChunksArticles(t *testing.T) {
	numerals := []string{"一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四"}
	item := func(i int) string {
		return "（" + numerals[i-1] + "）" + strings.Repeat("经营者应当如实记录并保存相关材料", 3) + "；"
	}
	var items []string
	for i := 1; i <= 14; i++ {
		items = append(items, item(i))
	}
	long := "第十条　事故报告应当包括下列内容：\n" + strings.Join(items, "\n") + "\n事故报告应当及时报送。"
	tests := []struct {
		name     string
		text     string
		sections []string
		leads    []int  // whether each chunk repeats a lead-in (1) or not (0)
		lead     string // the lead-in repeated
		contains string // text some chunk must hold whole
	}{
		{
			name:     "an article with its lead-in and items is one chunk",
			text:     "第二章　事故报告\n第十条　事故报告应当包括以下内容：\n（一）事故发生的时间、地点；\n（二）已经采取的措施；\n（三）其他有必要报告的情况。\n报告应当及时。",
			sections: []string{"第二章 事故报告 › 第十条"},
			leads:    []int{0},
			contains: "第十条　事故报告应当包括以下内容：\n（一）事故发生的时间、地点；\n（二）已经采取的措施；\n（三）其他有必要报告的情况。",
		},
		{
			name:     "a long article splits on items, repeating its lead-in",
			text:     "第二章　事故报告\n" + long,
			sections: []string{"第二章 事故报告 › 第十条", "第二章 事故报告 › 第十条 › （八）"},
			leads:    []int{0, 1},
			lead:     "第十条　事故报告应当包括下列内容：\n",
		},
		{
			name:     "short articles share a chunk within their chapter",
			text:     "第一章　总则\n第一条　为了规范管理，制定本办法。\n第二条　本办法适用于全省。\n第三条　省人民政府负责实施。\n第二章　附则\n第四条　本办法由省人民政府解释。\n第五条　本办法自公布之日起施行。",
			sections: []string{"第一章 总则 › 第一条至第三条", "第二章 附则 › 第四条、第五条"},
			leads:    []int{0, 0},
		},
		{
			name:     "a short preamble goes with the first article",
			text:     "某某管理办法\n（2020年1月1日省人民政府令第1号公布）\n第一章　总则\n第一条　为了规范管理，制定本办法。",
			sections: []string{"第一章 总则 › 第一条"},
			leads:    []int{0},
			contains: "某某管理办法",
		},
		{
			name:     "a second list in an article keeps its own lead-in",
			text:     "第四十八条　" + strings.Repeat("禁止生产经营假、劣种子。", 45) + "\n下列种子为假种子：\n（一）以非种子冒充种子或者以此种品种种子冒充其他品种种子的；\n（二）种子种类、品种与标签标注的内容不符或者没有标签的。",
			sections: []string{"第四十八条", "第四十八条 › （二）"},
			leads:    []int{0, 1},
			lead:     "下列种子为假种子：\n",
			contains: "下列种子为假种子：\n（一）以非种子冒充种子",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Document{ID: "reg.docx", Title: "规定", Text: tt.text}
			chunks := Chunks(d)
			checkChunkInvariants(t, d, chunks)
			var sections []string
			var leads []int
			for _, c := range chunks {
				sections = append(sections, strings.Join(c.Section, " › "))
				l := 0
				if c.Lead > 0 {
					l = 1
					if !strings.HasPrefix(c.Text, tt.lead) {
						t.Errorf("chunk %s starts %q, want the lead-in", c.ID, tail(c.Text[:min(len(c.Text), 60)], 20))
					}
				}
				leads = append(leads, l)
			}
			if !reflect.DeepEqual(sections, tt.sections) || !reflect.DeepEqual(leads, tt.leads) {
				t.Errorf("Chunks(%s) sections %q leads %v, want %q %v", tt.name, sections, leads, tt.sections, tt.leads)
			}
			if tt.contains != "" {
				found := false
				for _, c := range chunks {
					found = found || strings.Contains(c.Text, tt.contains)
				}
				if !found {
					t.Errorf("no chunk holds %q", tt.contains)
				}
			}
		})
	}
}

// TestChunksCutOverlongSentence: a sentence longer than MaxChunk is cut at
// its last comma that keeps the piece within MaxChunk, not hard in a word,
// and nothing of it is lost (found by FuzzChunks: the invariant had
// allowed a mid-sentence end only at MaxChunk itself).
func TestChunksCutOverlongSentence(t *testing.T) {
	long := strings.Repeat("N", 300) + "," + strings.Repeat("N", 400)
	for _, tc := range []struct{ name, text string }{
		{"plain", long},
		{"article", "第一条 " + long + "\n第二条 其他。"},
		{"section", "一、总体要求\n" + long},
		{"then a sentence", strings.Repeat("N", 550) + "，" + strings.Repeat("N", 100) + "。" + strings.Repeat("M", 100)},
		{"words", strings.Repeat("word ", 100) + "," + strings.Repeat("word ", 100)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := Document{ID: "a.txt", Title: "t", Text: cleanLines(tc.text)}
			chunks := Chunks(d)
			checkChunkInvariants(t, d, chunks)
			if len(chunks) < 2 {
				t.Fatalf("Chunks = %d chunks, want the overlong sentence in two", len(chunks))
			}
			if !endsWithAny(chunks[0].Text, "，,") {
				t.Errorf("first chunk ends …%q, want it cut at the comma", tail(chunks[0].Text, 12))
			}
		})
	}
	// With no comma, between words, not inside one.
	d := Document{ID: "a.txt", Title: "t", Text: strings.Repeat("word ", 200) + "end"}
	chunks := Chunks(d)
	checkChunkInvariants(t, d, chunks)
	if len(chunks) < 2 || !strings.HasSuffix(chunks[0].Text, "word") || !strings.HasPrefix(chunks[1].Text, "word") {
		t.Errorf("Chunks(200 words) = %d chunks, first ending …%q: want a cut between words", len(chunks), tail(chunks[0].Text, 12))
	}
}
