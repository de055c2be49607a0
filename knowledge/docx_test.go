package knowledge

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
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
	"国际标准 （主导） | 9\n" +
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
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "docProps/core.xml", "word/document.xml", "word/document2.xml"} {
		content, ok := parts[name]
		if !ok {
			continue
		}
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
			text, title, err := extractDOCX(raw, Limits{})
			if err != nil {
				t.Fatalf("extractDOCX(%s) error %v", c.name, err)
			}
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
			text, _, err := extractDOCX(c.raw, Limits{})
			if err == nil {
				t.Fatalf("extractDOCX(%s) = %q, want an error", c.name, text)
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
		"秘书处 | 6\n" +
		"二、主要任务\n" +
		"嘉兴主导的国际标准有9项。\n" +
		"ISO 9001 质量管理体系与 GB/T 19001—2016 等同采用。"
	text, title, err := extractDOCX(raw, Limits{})
	if err != nil {
		t.Fatalf("extractDOCX(libreoffice.docx) error %v", err)
	}
	if text != wantText {
		t.Errorf("extractDOCX(libreoffice.docx) text = %q, want %q", text, wantText)
	}
	if want := "关于推进标准化工作的实施意见"; title != want {
		t.Errorf("extractDOCX(libreoffice.docx) title = %q, want %q", title, want)
	}
}
