package knowledge

import (
	"sync"
	"testing"
)

func newTestFolder(t *testing.T) *Folder {
	t.Helper()
	f, err := NewTextFolder()
	if err != nil {
		t.Fatalf("NewTextFolder() error: %v", err)
	}
	return f
}

func TestFolderFold(t *testing.T) {
	f := newTestFolder(t)
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"Taiwan phrase: integrated circuit", "積體電路", "集成电路"},
		{"Taiwan phrase: artificial intelligence", "人工智慧", "人工智能"},
		{"Taiwan phrase: internet", "網際網路", "互联网"},
		{"Taiwan phrase: software", "軟體", "软件"},
		{"Taiwan phrase: information", "資訊", "信息"},
		{"Taiwan phrases in a seed 004 sentence", "開展人工智慧、量子信息等未來科技制高點領域技術標準研究,加快積體電路、半導體", "开展人工智能、量子信息等未来科技制高点领域技术标准研究,加快集成电路、半导体"},
		{"characters", "標準化發展行動計劃", "标准化发展行动计划"},
		{"pinyin dropped", "標(biāo)準(zhǔn)化", "标准化"},
		{"pinyin judged after case folding", "0ā準(A)0", "0ā准0"},
		{"pinyin judged after width folding", "標（ｂｉāｏ）準", "标准"},
		{"English parenthetical stays", "標準(ISO)", "标准(iso)"},
		{"full width letters and digits", "ＩＳＯ／ＩＥＣ１２３", "iso/iec123"},
		{"full width parentheses", "（一）", "(一)"},
		{"Chinese punctuation stays", "标准。", "标准。"},
		{"lower case", "ISO/IEC GM2D", "iso/iec gm2d"},
		{"whitespace collapsed and trimmed", "  上海\t\n 标准\u3000\u00a0化  ", "上海 标准 化"},
		{"Simplified stays", "集成电路和人工智能", "集成电路和人工智能"},
		{"什么 stays 什么", "什么", "什么"},
		{"document number", "沪府办发〔2015〕45号", "沪府办发〔2015〕45号"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := f.Fold(tt.in); got != tt.want {
				t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestFolderFoldIdempotent(t *testing.T) {
	f := newTestFolder(t)
	// 0ā準(A)0 is issue 13's: "(A)" was kept as "(a)", which the second
	// pass took for pinyin.
	for _, s := range []string{"積體電路與人工智慧", "ＩＳＯ／ＩＥＣ１２３", "標(biāo)準(zhǔn)化 發展", "什么", "0ā準(A)0", "標（ｂｉāｏ）準", "準(A)(B)"} {
		t.Run(s, func(t *testing.T) {
			once := f.Fold(s)
			if twice := f.Fold(once); twice != once {
				t.Errorf("Fold(Fold(%q)) = %q, want %q", s, twice, once)
			}
		})
	}
}

func TestFolderToSimplified(t *testing.T) {
	f := newTestFolder(t)
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"Taiwan wording kept, characters converted", "積體電路", "积体电路"},
		{"人工智慧 keeps its wording", "人工智慧", "人工智慧"},
		{"網際網路 keeps its wording", "網際網路", "网际网路"},
		{"characters", "標準化發展行動計劃", "标准化发展行动计划"},
		{"pinyin dropped", "標(biāo)準(zhǔn)化", "标准化"},
		{"width, case and spacing kept", "ＩＳＯ／ＩＥＣ  Abc\t標準", "ＩＳＯ／ＩＥＣ  Abc\t标准"},
		{"Simplified stays", "集成电路", "集成电路"},
		{"什么 stays 什么", "什么", "什么"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := f.ToSimplified(tt.in); got != tt.want {
				t.Errorf("ToSimplified(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestFolderConcurrent lets the race detector check that a Folder is safe
// for concurrent use, as documented.
func TestFolderConcurrent(t *testing.T) {
	f := newTestFolder(t)
	want := f.Fold("積體電路與人工智慧")
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for range 8 {
		wg.Go(func() {
			for range 50 {
				if got := f.Fold("積體電路與人工智慧"); got != want {
					errs <- got
					return
				}
				f.ToSimplified("網際網路")
				f.DetectScript("標準化")
			}
		})
	}
	wg.Wait()
	close(errs)
	for got := range errs {
		t.Errorf("concurrent Fold = %q, want %q", got, want)
	}
}
