package pdf

import (
	"context"
	"testing"

	"github.com/policybot/policybot/knowledge/pdf/pdftest"
)

func TestExtractDocumentTitle(t *testing.T) {
	tests := []struct {
		name, title string
	}{
		{"UTF-16 title", "上海市标准化发展行动计划"},
		{"no title", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := pdftest.Builder{Title: tt.title}
			b.Page(pdftest.Lines(16, "上海市标准化发展行动计划", "为贯彻落实纲要，制定本计划。")...)
			doc, err := ExtractDocument(context.Background(), b.Bytes(), WithPDFToText(""))
			if err != nil {
				t.Fatalf("ExtractDocument(%s) error %v", tt.name, err)
			}
			if doc.Title != tt.title {
				t.Errorf("ExtractDocument(%s).Title = %q, want %q", tt.name, doc.Title, tt.title)
			}
			if want := "上海市标准化发展行动计划\n为贯彻落实纲要，制定本计划。"; len(doc.Pages) != 1 || doc.Pages[0] != want {
				t.Errorf("ExtractDocument(%s).Pages = %q, want [%q]", tt.name, doc.Pages, want)
			}
			// Extract gives the same pages, without the title.
			pages, _, err := Extract(context.Background(), b.Bytes(), WithPDFToText(""))
			if err != nil || len(pages) != 1 || pages[0] != doc.Pages[0] {
				t.Errorf("Extract(%s) = %q, %v, want the pages of ExtractDocument", tt.name, pages, err)
			}
		})
	}
}
