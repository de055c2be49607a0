package knowledge

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

const testDOCXContentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
</Types>`

const testDOCXRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="%s"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>
</Relationships>`

const testDOCXCore = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<dc:title> 关于推进标准化工作的实施意见 </dc:title><dc:creator>办公室</dc:creator>
</cp:coreProperties>`

// testDOCXDocument wraps body in a w:document with the usual namespaces.
func testDOCXDocument(body string) string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" xmlns:v="urn:schemas-microsoft-com:vml" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" mc:Ignorable="wps"><w:body>` +
		body + `<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>`
}

// testDOCXBody is a policy document: a heading, paragraphs split into runs,
// a 2×2 table, tabs, breaks, a text box (mc:Choice + mc:Fallback), a
// hyperlink, a field, and tracked deletions.
const testDOCXBody = `
<w:p><w:pPr><w:pStyle w:val="Heading1"/><w:tabs><w:tab w:val="left" w:pos="420"/></w:tabs></w:pPr><w:r><w:t>一、总体要求</w:t></w:r></w:p>
<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>上海承担</w:t></w:r><w:r><w:t xml:space="preserve">国际标准化技术组织</w:t></w:r><w:del><w:r><w:delText>删除的字</w:delText></w:r></w:del><w:r><w:t>秘书处6个。</w:t></w:r></w:p>
<w:p/>
<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid>
<w:tr><w:tc><w:p><w:r><w:t>项目</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>数量</w:t></w:r></w:p></w:tc></w:tr>
<w:tr><w:tc><w:tcPr><w:tcW w:w="0"/></w:tcPr><w:p><w:r><w:t>国际标准</w:t></w:r></w:p><w:p><w:r><w:t>（主导）</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>9</w:t></w:r></w:p></w:tc></w:tr>
</w:tbl>
<w:p><w:r><w:t>第一条</w:t></w:r><w:r><w:tab/><w:t>嘉兴主导的国际标准有9项。</w:t></w:r></w:p>
<w:p><w:r><w:t>第一行</w:t><w:br/><w:t>第二行</w:t></w:r></w:p>
<w:p><w:r><w:br w:type="page"/></w:r><w:r><w:t>二、主要任务</w:t></w:r></w:p>
<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx><w:txbxContent><w:p><w:r><w:t>文本框</w:t></w:r></w:p></w:txbxContent></wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict><v:textbox><w:txbxContent><w:p><w:r><w:t>文本框</w:t></w:r></w:p></w:txbxContent></v:textbox></w:pict></mc:Fallback></mc:AlternateContent></w:r><w:r><w:t>正文</w:t></w:r></w:p>
<w:p><w:hyperlink r:id="rId9"><w:r><w:t>链接文字</w:t></w:r></w:hyperlink><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>3</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>
`

const testDOCXText = "一、总体要求\n" +
	"上海承担国际标准化技术组织秘书处6个。\n" +
	"项目 | 数量\n" +
	"国际标准 （主导） | 数量：9\n" +
	"第一条\t嘉兴主导的国际标准有9项。\n" +
	"第一行\n第二行\n" +
	"二、主要任务\n" +
	"文本框\n正文\n" +
	"链接文字3"

// testDOCX zips parts (name to content) into a .docx.
func testDOCX(t *testing.T, parts map[string]string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	names := make([]string, 0, len(parts))
	for name := range parts {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		content := parts[name]
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(content)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestExtractDOCX(t *testing.T) {
	rels := func(target string) string { return strings.Replace(testDOCXRels, "%s", target, 1) }
	nested := `<w:tbl><w:tr><w:tc><w:p><w:r><w:t>外层</w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:p><w:r><w:t>内A</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>内B</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:tc><w:tc><w:p><w:r><w:t>右</w:t></w:r></w:p></w:tc></w:tr></w:tbl>`
	cases := []struct {
		name      string
		parts     map[string]string
		wantText  string
		wantTitle string
	}{
		{
			name: "policy document",
			parts: map[string]string{
				"[Content_Types].xml": testDOCXContentTypes,
				"_rels/.rels":         rels("word/document.xml"),
				"docProps/core.xml":   testDOCXCore,
				"word/document.xml":   testDOCXDocument(testDOCXBody),
			},
			wantText:  testDOCXText,
			wantTitle: "关于推进标准化工作的实施意见",
		},
		{
			name: "no core properties, no rels",
			parts: map[string]string{
				"[Content_Types].xml": testDOCXContentTypes,
				"word/document.xml":   testDOCXDocument(`<w:p><w:r><w:t>只有正文</w:t></w:r></w:p>`),
			},
			wantText: "只有正文",
		},
		{
			name: "main part named by the relationships",
			parts: map[string]string{
				"[Content_Types].xml": testDOCXContentTypes,
				"_rels/.rels":         rels("/word/document2.xml"),
				"word/document.xml":   testDOCXDocument(`<w:p><w:r><w:t>旧的</w:t></w:r></w:p>`),
				"word/document2.xml":  testDOCXDocument(`<w:p><w:r><w:t>新的</w:t></w:r></w:p>`),
			},
			wantText: "新的",
		},
		{
			name: "nested table",
			parts: map[string]string{
				"word/document.xml": testDOCXDocument(nested),
			},
			wantText: "外层 内A | 内B | 右",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			raw := testDOCX(t, c.parts)
			doc, err := extractDOCX(raw, Limits{})
			if err != nil {
				t.Fatalf("extractDOCX(%s) error %v", c.name, err)
			}
			text, title := doc.Text, doc.CoreTitle
			if text != c.wantText {
				t.Errorf("extractDOCX(%s) text = %q, want %q", c.name, text, c.wantText)
			}
			if title != c.wantTitle {
				t.Errorf("extractDOCX(%s) title = %q, want %q", c.name, title, c.wantTitle)
			}
		})
	}
}

func TestExtractDOCXErrors(t *testing.T) {
	good := testDOCX(t, map[string]string{"word/document.xml": testDOCXDocument(testDOCXBody)})
	cases := []struct {
		name string
		raw  []byte
		want string // in the error message
	}{
		{"not a zip", []byte("PK\x03\x04 this is not really a zip file"), "open docx"},
		{"empty", nil, "open docx"},
		{"truncated zip", good[:len(good)/2], "open docx"},
		{"no word/document.xml", testDOCX(t, map[string]string{"[Content_Types].xml": testDOCXContentTypes, "docProps/core.xml": testDOCXCore}), "no word/document.xml"},
		{"malformed XML", testDOCX(t, map[string]string{"word/document.xml": testDOCXDocument(`<w:p><w:r><w:t>未闭合</w:r></w:p>`)}), "parse docx"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc, err := extractDOCX(c.raw, Limits{})
			if err == nil {
				t.Fatalf("extractDOCX(%s) = %q, want an error", c.name, doc.Text)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("extractDOCX(%s) error %q, want it to contain %q", c.name, err, c.want)
			}
		})
	}
}

// testdata/docx/libreoffice.docx is LibreOffice's Word export of the same
// document as pdf/testdata (see pdf/testdata/README.md).
func TestExtractDOCXTestdata(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "docx", "libreoffice.docx"))
	if err != nil {
		t.Fatal(err)
	}
	const wantText = "一、总体要求\n" +
		"上海承担国际标准化技术组织秘书处6个。\n" +
		"为深入贯彻落实《国家标准化发展纲要》，推动标准化工作高质量发展，结合本市实际，制定本实施意见。\n" +
		"项目 | 数量\n" +
		"秘书处 | 数量：6\n" +
		"二、主要任务\n" +
		"嘉兴主导的国际标准有9项。\n" +
		"ISO 9001 质量管理体系与 GB/T 19001—2016 等同采用。"
	doc, err := extractDOCX(raw, Limits{})
	if err != nil {
		t.Fatalf("extractDOCX(libreoffice.docx) error %v", err)
	}
	text, title := doc.Text, doc.CoreTitle
	if text != wantText {
		t.Errorf("extractDOCX(libreoffice.docx) text = %q, want %q", text, wantText)
	}
	if want := "关于推进标准化工作的实施意见"; title != want {
		t.Errorf("extractDOCX(libreoffice.docx) title = %q, want %q", title, want)
	}
}

const testDOCXStyles = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:docDefaults><w:rPrDefault><w:rPr><w:sz w:val="21"/></w:rPr></w:rPrDefault></w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="a"><w:name w:val="Normal"/><w:rPr><w:sz w:val="32"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="a3"><w:name w:val="Title"/><w:basedOn w:val="a"/><w:pPr><w:jc w:val="center"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="2"><w:name w:val="heading 2"/><w:basedOn w:val="a"/><w:pPr><w:jc w:val="center"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="tiao"><w:name w:val="条"/><w:basedOn w:val="a"/><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>
</w:styles>`

// testDOCXNumbering numbers chapters 第%1章 (level 0) and articles 第%1条
// (level 1, counting on across chapters as Word's legal lists do), items
// （%3） and sub-items %4., all in Chinese counting but the last; list 2
// shares the definition and restarts at 1 (w:startOverride); list 3 is
// bullets.
const testDOCXNumbering = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:abstractNum w:abstractNumId="0">
<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="第%1章"/><w:suff w:val="space"/></w:lvl>
<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCountingThousand"/><w:lvlRestart w:val="0"/><w:lvlText w:val="第%2条"/></w:lvl>
<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%3）"/><w:suff w:val="nothing"/></w:lvl>
<w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%4."/><w:suff w:val="nothing"/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="1">
<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl>
</w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="0"/><w:lvlOverride w:ilvl="1"><w:startOverride w:val="1"/></w:lvlOverride></w:num>
<w:num w:numId="3"><w:abstractNumId w:val="1"/></w:num>
</w:numbering>`

// testDOCXPara is a paragraph with properties (pPr content) and one run.
func testDOCXPara(pPr, rPr, text string) string {
	return "<w:p><w:pPr>" + pPr + "</w:pPr><w:r><w:rPr>" + rPr + "</w:rPr><w:t xml:space=\"preserve\">" + text + "</w:t></w:r></w:p>"
}

func testDOCXNum(id, ilvl int) string {
	return fmt.Sprintf(`<w:numPr><w:ilvl w:val="%d"/><w:numId w:val="%d"/></w:numPr>`, ilvl, id)
}

// A regulation as Word writes it: a title over two centred paragraphs in a
// large size, a template's title in the core properties, chapters, articles
// and items numbered by Word (the numbers are in no text run), a table with
// a header row.
func testRegulationDOCX(t *testing.T) []byte {
	t.Helper()
	big := `<w:sz w:val="44"/>`
	center := `<w:jc w:val="center"/>`
	body := strings.Join([]string{
		testDOCXPara(center, big, "国务院关于预防煤矿生产安全事故"),
		testDOCXPara(center, big, "的特别规定"),
		testDOCXPara("", "", "（2005年9月3日中华人民共和国国务院令第446号公布）"),
		testDOCXPara(`<w:pStyle w:val="2"/>`+testDOCXNum(1, 0), "", "总则"),
		testDOCXPara(testDOCXNum(1, 1), "", "为了及时发现并排除煤矿安全生产隐患，制定本规定。"),
		testDOCXPara(`<w:pStyle w:val="tiao"/><w:numPr><w:ilvl w:val="1"/></w:numPr>`, "", "煤矿企业应当具备下列条件："),
		testDOCXPara(testDOCXNum(1, 2), "", "注册资本不低于600万元；"),
		testDOCXPara(testDOCXNum(1, 3), "", "其中货币出资不低于一半；"),
		testDOCXPara(testDOCXNum(1, 2), "", "有固定的生产场所。"),
		testDOCXPara(testDOCXNum(3, 0), "", "要点不编号"),
		testDOCXPara(`<w:pStyle w:val="2"/>`+testDOCXNum(1, 0), "", "罚则"),
		testDOCXPara(testDOCXNum(1, 1), "", "违反本规定的，依法处罚。"),
		testDOCXPara(`<w:numPr><w:ilvl w:val="0"/><w:numId w:val="0"/></w:numPr>`, "", "numId 0 是不编号。"),
		`<w:tbl><w:tr><w:trPr><w:tblHeader/></w:trPr><w:tc><w:p><w:r><w:t>项目</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>主导制定</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>参与制定</w:t></w:r></w:p></w:tc></w:tr>` +
			`<w:tr><w:tc><w:p><w:r><w:t>国家标准</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>20万元</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>10万元</w:t></w:r></w:p></w:tc></w:tr>` +
			`<w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>行业标准</w:t></w:r></w:p></w:tc><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>5万元</w:t></w:r></w:p></w:tc></w:tr>` +
			`<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc><w:tc><w:p/></w:tc><w:tc><w:p><w:r><w:t>2万元</w:t></w:r></w:p></w:tc></w:tr></w:tbl>`,
		testDOCXPara(`<w:pStyle w:val="tiao"/>`+testDOCXNum(2, 1), "", "另一列表从头编号。"),
	}, "\n")
	return testDOCX(t, map[string]string{
		"[Content_Types].xml": testDOCXContentTypes,
		"docProps/core.xml":   strings.Replace(testDOCXCore, "关于推进标准化工作的实施意见", "法规修改决定电子报备格式标准及示例", 1),
		"word/document.xml":   testDOCXDocument(body),
		"word/styles.xml":     testDOCXStyles,
		"word/numbering.xml":  testDOCXNumbering,
	})
}

func TestExtractDOCXRegulation(t *testing.T) {
	doc, err := extractDOCX(testRegulationDOCX(t), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Join([]string{
		"国务院关于预防煤矿生产安全事故的特别规定",
		"（2005年9月3日中华人民共和国国务院令第446号公布）",
		"第一章 总则",
		"第一条　为了及时发现并排除煤矿安全生产隐患，制定本规定。",
		"第二条　煤矿企业应当具备下列条件：",
		"（一）注册资本不低于600万元；",
		"1.其中货币出资不低于一半；",
		"（二）有固定的生产场所。",
		"要点不编号",
		"第二章 罚则",
		"第三条　违反本规定的，依法处罚。",
		"numId 0 是不编号。",
		"项目 | 主导制定 | 参与制定",
		"国家标准 | 主导制定：20万元 | 参与制定：10万元",
		"行业标准 | 主导制定：5万元",
		"行业标准 |  | 参与制定：2万元",
		"第一条　另一列表从头编号。",
	}, "\n")
	if doc.Text != want {
		t.Errorf("extractDOCX(regulation) text =\n%s\nwant\n%s", doc.Text, want)
	}
	if want := "国务院关于预防煤矿生产安全事故的特别规定"; doc.Title != want {
		t.Errorf("extractDOCX(regulation) title = %q, want %q (joined over its two paragraphs)", doc.Title, want)
	}
	if want := "法规修改决定电子报备格式标准及示例"; doc.CoreTitle != want {
		t.Errorf("extractDOCX(regulation) core title = %q, want %q", doc.CoreTitle, want)
	}

	// Loaded and chunked: the shown title wins over the template's, and
	// citations name the chapter and the article.
	docs, err := Parse(context.Background(), "docs/regulation.docx", testRegulationDOCX(t))
	if err != nil {
		t.Fatal(err)
	}
	d := docs[0]
	if d.Title != "国务院关于预防煤矿生产安全事故的特别规定" {
		t.Errorf("Parse(regulation.docx).Title = %q, want the title the document shows", d.Title)
	}
	chunks := Chunks(d)
	checkChunkInvariants(t, d, chunks)
	var sections []string
	for _, c := range chunks {
		sections = append(sections, strings.Join(c.Section, " › "))
	}
	wantSections := []string{"第一章 总则 › 第一条、第二条", "第二章 罚则 › 第三条、第一条"}
	if !slices.Equal(sections, wantSections) {
		t.Errorf("Chunks(regulation.docx) sections = %q, want %q", sections, wantSections)
	}
}

func TestDOCXFormatNumber(t *testing.T) {
	tests := []struct {
		n      int
		format string
		want   string
	}{
		{1, "chineseCounting", "一"}, {10, "chineseCounting", "十"}, {11, "chineseCounting", "十一"},
		{20, "chineseCountingThousand", "二十"}, {101, "chineseCountingThousand", "一百零一"},
		{110, "chineseCounting", "一百一十"}, {1234, "chineseCounting", "一千二百三十四"}, {2005, "chineseCounting", "二千零五"},
		{3, "chineseLegalSimplified", "叁"}, {12, "ideographDigital", "一二"}, {3, "ideographTraditional", "丙"},
		{5, "decimalEnclosedCircle", "⑤"}, {7, "decimalFullWidth", "７"}, {4, "decimalZero", "04"},
		{28, "upperLetter", "BB"}, {3, "lowerLetter", "c"}, {14, "upperRoman", "XIV"}, {9, "lowerRoman", "ix"},
		{12, "decimal", "12"}, {12, "unknownFormat", "12"},
	}
	for _, tt := range tests {
		if got := docxFormatNumber(tt.n, tt.format); got != tt.want {
			t.Errorf("docxFormatNumber(%d, %s) = %q, want %q", tt.n, tt.format, got, tt.want)
		}
	}
}

// Broken styles and numbering (loops, unknown ids, levels out of range)
// cost the numbers, never the text.
func TestExtractDOCXBrokenNumbering(t *testing.T) {
	styles := `<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:style w:type="paragraph" w:styleId="x"><w:basedOn w:val="y"/></w:style>
<w:style w:type="paragraph" w:styleId="y"><w:basedOn w:val="x"/></w:style></w:styles>`
	numbering := `<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="12"><w:lvlText w:val="%9%1"/></w:lvl><w:lvl w:ilvl="0"><w:lvlText w:val="%9-%1"/><w:start w:val="-5"/></w:lvl></w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num><w:num w:numId="2"><w:abstractNumId w:val="7"/></w:num></w:numbering>`
	body := testDOCXPara(`<w:pStyle w:val="x"/>`+testDOCXNum(1, 0), "", "甲") +
		testDOCXPara(testDOCXNum(2, 0), "", "乙") + testDOCXPara(testDOCXNum(1, 12), "", "丙") +
		testDOCXPara(testDOCXNum(9, 0), "", "丁")
	for name, parts := range map[string]map[string]string{
		"broken":    {"word/document.xml": testDOCXDocument(body), "word/styles.xml": styles, "word/numbering.xml": numbering},
		"malformed": {"word/document.xml": testDOCXDocument(body), "word/styles.xml": "<w:styles", "word/numbering.xml": "<<<"},
	} {
		t.Run(name, func(t *testing.T) {
			doc, err := extractDOCX(testDOCX(t, parts), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range []string{"甲", "乙", "丙", "丁"} {
				if !strings.Contains(doc.Text, s) {
					t.Errorf("extractDOCX(%s) text %q lacks %q", name, doc.Text, s)
				}
			}
		})
	}
}
