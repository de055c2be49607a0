package pdf

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// testFakePDFToText writes a shell script standing in for pdftotext.
func testFakePDFToText(t *testing.T, body string) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("needs /bin/sh")
	}
	p := filepath.Join(t.TempDir(), "pdftotext")
	script := "#!/bin/sh\n[ \"$1 $2 $3 $4 $5\" = \"-l 5000 -layout -enc UTF-8\" ] || { echo \"bad args: $*\" >&2; exit 2; }\nshift 2\n[ -f \"$4\" ] || { echo \"no input file\" >&2; exit 2; }\n" + body
	if err := os.WriteFile(p, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestExtractFallback(t *testing.T) {
	undecodable := testGB1PDF("国家标准")
	cases := []struct {
		name      string
		raw       []byte
		script    string
		want      []string
		warnMatch string // a warning must contain it
	}{
		{
			name:      "undecodable text goes to pdftotext",
			raw:       undecodable,
			script:    "printf '  国 家 标准  \\n\\n第二行   \\f假页二\\f'\n",
			want:      []string{"国家标准\n第二行", "假页二"},
			warnMatch: "text taken from pdftotext",
		},
		{
			name:      "pdftotext failing keeps the library text",
			raw:       undecodable,
			script:    "echo 'Syntax Error: boom' >&2; exit 1\n",
			want:      []string{"\uFFFD\uFFFD\uFFFD\uFFFD"},
			warnMatch: "Syntax Error: boom",
		},
		{
			name:   "decodable text does not run pdftotext",
			raw:    testTwoPagePDF(),
			script: "printf 'WRONG\\f'\n",
			want:   []string{testPage1, testPage2},
		},
		{
			name:      "unreadable file goes to pdftotext",
			raw:       []byte("%PDF-1.4\nbroken beyond the library\n"),
			script:    "printf '修复的文字\\f'\n",
			want:      []string{"修复的文字"},
			warnMatch: "text taken from pdftotext",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			bin := testFakePDFToText(t, c.script)
			pages, warns, err := Extract(context.Background(), c.raw, WithPDFToText(bin))
			if err != nil {
				t.Fatalf("Extract(%s) error %v", c.name, err)
			}
			if strings.Join(pages, "\f") != strings.Join(c.want, "\f") {
				t.Errorf("Extract(%s) = %q, want %q", c.name, pages, c.want)
			}
			found := c.warnMatch == ""
			for _, w := range warns {
				found = found || strings.Contains(w, c.warnMatch)
			}
			if !found {
				t.Errorf("Extract(%s) warnings %q, want one containing %q", c.name, warns, c.warnMatch)
			}
		})
	}
}

func TestTidyLayout(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"spaces between CJK", "  国 家 标 准  \n", "国家标准"},
		{"column gap kept", "项目     数量", "项目     数量"},
		{"Latin kept", "ISO 9001 标准", "ISO 9001 标准"},
		{"blank lines dropped", "一\n\n   \n二", "一\n二"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := tidyLayout(c.in); got != c.want {
				t.Errorf("tidyLayout(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}
