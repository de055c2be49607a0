package knowledge

import (
	"context"
	"strings"
	"testing"

	"github.com/policybot/policybot/knowledge/pdf/pdftest"
)

// A policy PDF as government sites publish it: a title line, the body
// wrapped at the page width, short headings such as （一）指导思想.
func testPolicyPDF(title string) []byte {
	b := pdftest.Builder{Title: title}
	b.Page(pdftest.Lines(16,
		"上海市标准化发展行动计划",
		"为贯彻落实《国家标准化发展纲要》，推动标准化工作高质",
		"量发展，制定本行动计划。",
		"一、总体要求",
		"（一）指导思想",
		"以习近平新时代中国特色社会主义思想为指导，全面贯彻",
		"落实党的二十大精神。",
		"（二）主要目标",
		"到2025年，承担国际标准化技术组织秘书处达到10个以上。",
	)...)
	return b.Bytes()
}

func TestParsePDFTitleAndHeadings(t *testing.T) {
	tests := []struct {
		name, meta, want string
	}{
		{"title from /Title", "上海市标准化发展行动计划（2023年版）", "上海市标准化发展行动计划（2023年版）"},
		{"a file name in /Title is cleaned", "Microsoft Word - 上海市标准化发展行动计划.docx", "上海市标准化发展行动计划"},
		{"no /Title: the first line, alone", "", "上海市标准化发展行动计划"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs, err := Parse(context.Background(), "plan.pdf", testPolicyPDF(tt.meta))
			if err != nil {
				t.Fatalf("Parse(plan.pdf) error %v", err)
			}
			d := docs[0]
			if d.Title != tt.want {
				t.Errorf("Parse(plan.pdf).Title = %q, want %q", d.Title, tt.want)
			}
			lines := strings.Split(d.Text, "\n")
			wantLines := []string{
				"上海市标准化发展行动计划",
				"为贯彻落实《国家标准化发展纲要》，推动标准化工作高质量发展，制定本行动计划。",
				"一、总体要求",
				"（一）指导思想",
				"以习近平新时代中国特色社会主义思想为指导，全面贯彻落实党的二十大精神。",
				"（二）主要目标",
				"到2025年，承担国际标准化技术组织秘书处达到10个以上。",
			}
			if strings.Join(lines, "\n") != strings.Join(wantLines, "\n") {
				t.Errorf("Parse(plan.pdf).Text =\n%s\nwant\n%s", d.Text, strings.Join(wantLines, "\n"))
			}
			chunks := Chunks(d)
			checkChunkInvariants(t, d, chunks)
			var sections []string
			for _, c := range chunks {
				sections = append(sections, strings.Join(c.Section, " › "))
			}
			want := []string{"", "一、总体要求 › （一）指导思想", "一、总体要求 › （二）主要目标"}
			if strings.Join(sections, "|") != strings.Join(want, "|") {
				t.Errorf("Chunks(plan.pdf) sections = %q, want %q", sections, want)
			}
		})
	}
}
