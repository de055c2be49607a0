package knowledge

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzChunks checks the chunking invariants on any text: no panic, every
// line in a chunk or named as a heading of the next one, offsets that slice
// the text, sizes bounded.
func FuzzChunks(f *testing.F) {
	for _, s := range []string{
		"",
		"一、总体要求\n（一）基本原则\n1.坚持创新。创新是第一动力。",
		"第一章　总则\n第一条　为了规范管理，制定本办法。\n第二条　应当具备下列条件：\n（一）注册资本不低于600万元；\n（二）有固定场所。",
		"目录\n第一章 总则\n第二章 附则\n第一章 总则\n第一条 正文。",
		"主要任务：\n1.参与制定国家标准\n2.参与制定行业标准",
		"第十条　事故报告应当包括下列内容：\n" + strings.Repeat("（一）事故发生的时间、地点、单位概况以及特种设备种类；\n", 30),
		strings.Repeat("标准化", 400),
		"第一条\n\n第二条：\n（一）",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if !utf8.ValidString(text) {
			return
		}
		d := Document{ID: "f.txt", Text: cleanLines(text)}
		checkChunkInvariants(t, d, Chunks(d))
	})
}

// FuzzDOCXParagraphs feeds arbitrary body XML (with styles and numbering)
// to the DOCX reader: errors are fine, panics are not.
func FuzzDOCXParagraphs(f *testing.F) {
	f.Add(testDOCXBody)
	f.Add(`<w:p><w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>条</w:t></w:r></w:p>`)
	f.Add(`<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="3"/><w:vMerge/></w:tcPr><w:p><w:r><w:t>甲</w:t></w:r></w:p></w:tc></w:tr></w:tbl>`)
	st := parseDOCXStyles([]byte(testDOCXStyles))
	num := parseDOCXNumbering([]byte(testDOCXNumbering))
	f.Fuzz(func(t *testing.T, body string) {
		paras, err := docxParagraphs([]byte(testDOCXDocument(body)), st, num)
		if err != nil {
			return
		}
		docxAssemble(paras, st)
	})
}

// FuzzHTML feeds arbitrary pages to the HTML loader.
func FuzzHTML(f *testing.F) {
	f.Add(samplePage)
	f.Add(trsPage)
	f.Add(`<table><tr><th colspan="99999">a</th></tr><tr><td rowspan="-1">b</td><td rowspan="99999">c</td></tr></table>`)
	f.Add(`<div style="display:none">x</div><template>y</template><p hidden>z</p>`)
	f.Fuzz(func(t *testing.T, page string) {
		docs, err := Parse(context.Background(), "f.html", []byte(page))
		if err != nil {
			return
		}
		for _, d := range docs {
			checkChunkInvariants(t, d, Chunks(d))
		}
	})
}
