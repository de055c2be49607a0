package knowledge

import "testing"

func TestDetectScript(t *testing.T) {
	f := newTestFolder(t)
	tests := []struct {
		name string
		in   string
		want Script
	}{
		{"Simplified", "上海出台标准化发展行动计划", ScriptSimplified},
		{"Simplified with 著 and 么", "科技成果转化为标准的比例显著提高，为什么", ScriptSimplified},
		{"Traditional", "浙江省國家標準化創新發展試點工作方案", ScriptTraditional},
		{"Taiwan wording", "積體電路", ScriptTraditional},
		{"English", "How many ISO/IEC secretariats does Shanghai hold?", ScriptLatin},
		{"Simplified with Latin", "上海承担ISO/IEC秘书处几个？", ScriptSimplified},
		{"Traditional with Latin", "上海承擔ISO/IEC秘書處幾個？", ScriptTraditional},
		{"mixed: one Traditional character", "上海标准化发展行動计划", ScriptTraditional},
		{"shared characters only", "人工智能", ScriptSimplified},
		{"digits and punctuation", "2022 — 115!", ScriptUnknown},
		{"empty", "", ScriptUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := f.DetectScript(tt.in); got != tt.want {
				t.Errorf("DetectScript(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestScriptString(t *testing.T) {
	tests := []struct {
		s    Script
		want string
	}{
		{ScriptSimplified, "zh-Hans"},
		{ScriptTraditional, "zh-Hant"},
		{ScriptLatin, "en"},
		{ScriptUnknown, "und"},
		{Script(99), "und"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := tt.s.String(); got != tt.want {
				t.Errorf("Script(%d).String() = %q, want %q", int(tt.s), got, tt.want)
			}
		})
	}
}

func TestTraditionalizer(t *testing.T) {
	c, err := NewTraditionalizer()
	if err != nil {
		t.Fatalf("NewTraditionalizer() error: %v", err)
	}
	tests := []struct {
		in   string
		want string
	}{
		{"为", "為"},
		{"为标准化工作提供技术保障", "為標準化工作提供技術保障"},
		{"秘书处", "秘書處"},
		{"这里", "這裡"},
		{"什么", "什麼"},
		{"发展", "發展"},
		{"头发", "頭髮"},
		// Characters only: no Taiwan phrases, the asker's wording is kept.
		{"集成电路", "集成電路"},
		{"ISO/IEC 6个", "ISO/IEC 6個"},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := c.Convert(tt.in); got != tt.want {
				t.Errorf("Convert(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestFolderConverter(t *testing.T) {
	c, err := NewFolder()
	if err != nil {
		t.Fatalf("NewFolder() error: %v", err)
	}
	tests := []struct {
		in   string
		want string
	}{
		{"積體電路", "集成电路"},
		{"人工智慧", "人工智能"},
		{"網際網路", "互联网"},
		{"什么", "什么"},
		{"什麼", "什么"},
		{"頭髮", "头发"},
		{"發展", "发展"},
		// Longest match: 網路 alone is 网络, inside 網際網路 the phrase wins.
		{"網路", "网络"},
		{"ISO/IEC", "ISO/IEC"},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := c.Convert(tt.in); got != tt.want {
				t.Errorf("Convert(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
