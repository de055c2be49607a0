package knowledge

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSanitizeName(t *testing.T) {
	tests := []struct {
		in, want string
		bad      bool
	}{
		{in: "政策.pdf", want: "政策.pdf"},
		{in: "../../etc/passwd.txt", want: "passwd.txt"},
		{in: `..\..\windows\evil.md`, want: "evil.md"},
		{in: ".hidden.md", want: "hidden.md"},
		{in: "..", bad: true},
		{in: "/", bad: true},
		{in: ".md", want: "md"},
		{in: "__.txt", bad: true},
		{in: "a\x00b\tc d.txt", want: "a_b_c d.txt"},
		{in: "  名 称 : ?.docx ", want: "名 称 _ _.docx"},
		{in: strings.Repeat("长", 100) + ".pdf", want: strings.Repeat("长", 38) + ".pdf"},
	}
	for _, tc := range tests {
		got, err := sanitizeName(tc.in)
		if tc.bad {
			if err == nil {
				t.Errorf("sanitizeName(%q) = %q, want an error", tc.in, got)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("sanitizeName(%q) = %q, %v, want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestLibraryChanges(t *testing.T) {
	dir := t.TempDir()
	lib := NewLibrary(dir, Limits{})
	ctx := context.Background()
	doc := []byte("# 苏州市数据要素行动方案\n\n苏州市计划建设8个数据要素产业园。\n")

	ch, err := lib.Store(ctx, "a.md", doc, false)
	if err != nil || ch.Replaced || len(ch.Docs) != 1 {
		t.Fatalf("Store(new) = %+v, %v; want one parsed document, not a replacement", ch, err)
	}
	if _, err := lib.Store(ctx, "a.md", doc, false); !errors.Is(err, ErrUnchanged) {
		t.Errorf("Store(same) error = %v, want ErrUnchanged", err)
	}
	other := append([]byte(nil), doc...)
	other = append(other, "补充。\n"...)
	if _, err := lib.Store(ctx, "a.md", other, false); !errors.Is(err, ErrExists) {
		t.Errorf("Store(different, no replace) error = %v, want ErrExists", err)
	}
	ch, err = lib.Store(ctx, "a.md", other, true)
	if err != nil || !ch.Replaced {
		t.Fatalf("Store(replace) = %+v, %v", ch, err)
	}
	if err := ch.Undo(); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "a.md")); string(got) != string(doc) {
		t.Errorf("after undoing the replacement the file is %q, want the original", got)
	}
	if _, err := lib.Store(ctx, "b.docx", []byte("not a zip"), false); !errors.Is(err, ErrUnreadable) {
		t.Errorf("Store(broken docx) error = %v, want ErrUnreadable", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "b.docx")); err == nil {
		t.Error("an unreadable upload was stored")
	}
	for _, bad := range []string{"../etc/passwd", ".hidden", "", "nope.txt"} {
		if _, err := lib.Remove(bad); !errors.Is(err, ErrBadName) && !errors.Is(err, ErrNotFound) {
			t.Errorf("Remove(%q) error = %v, want ErrBadName or ErrNotFound", bad, err)
		}
	}
	ch, err = lib.Remove("a.md")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "a.md")); err == nil {
		t.Fatal("Remove left the file")
	}
	if err := ch.Undo(); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "a.md")); string(got) != string(doc) {
		t.Errorf("after undoing the removal the file is %q", got)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
	none := NewLibrary("", Limits{})
	if _, err := none.UploadName("a.md"); !errors.Is(err, ErrNoFolder) {
		t.Errorf("UploadName without a folder: %v, want ErrNoFolder", err)
	}
	if _, err := lib.UploadName("tool.exe"); !errors.Is(err, ErrUnsupported) {
		t.Errorf("UploadName(tool.exe): %v, want ErrUnsupported", err)
	}
}
