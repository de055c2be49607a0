package knowledge

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestStripPinyin(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"toned syllables", "標(biāo)準(zhǔn)化", "標準化"},
		{"seed 000 sentence", "上海市政府發(fā)布《上海市標(biāo)準(zhǔn)化發(fā)展行動(dòng)計(jì)劃》", "上海市政府發布《上海市標準化發展行動計劃》"},
		{"full-width parentheses", "標（biāo）準（zhǔn）", "標準"},
		{"mixed parentheses", "標(biāo)準（zhǔn）化", "標準化"},
		{"untoned neutral syllable", "我的(de)标准", "我的标准"},
		{"ü with tone", "綠(lǜ)色", "綠色"},
		{"English abbreviation", "标准(ISO)", "标准(ISO)"},
		{"capitalised word", "标准(Draft)", "标准(Draft)"},
		{"Han ordinal", "(一)强化标准化统筹协调", "(一)强化标准化统筹协调"},
		{"Han ordinal after Han", "任务(一)", "任务(一)"},
		{"full-width Han ordinal", "（一）基本原则", "（一）基本原则"},
		{"digits", "第(1)项", "第(1)项"},
		{"year range", "纲要(2007-2020年)", "纲要(2007-2020年)"},
		{"Han parenthetical", "《行动计划》(以下简称行动计划)", "《行动计划》(以下简称行动计划)"},
		{"not after Han", "ISO (biāo) and (zhǔn)", "ISO (biāo) and (zhǔn)"},
		{"space before the parenthesis", "標 (biāo)", "標 (biāo)"},
		{"too long for a syllable", "标准(zhuangzhuang)", "标准(zhuangzhuang)"},
		{"no vowel", "标准(xyz)", "标准(xyz)"},
		{"unclosed", "標(biāo", "標(biāo"},
		{"empty parentheses", "标准()", "标准()"},
		{"no parentheses", "标准化", "标准化"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := StripPinyin(tt.in); got != tt.want {
				t.Errorf("StripPinyin(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestCleanLines(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"CRLF and CR", "第一行\r\n第二行\r第三行", "第一行\n第二行\n第三行"},
		{"trim ideographic space, NBSP, BOM and tabs", "\ufeff　　标准化\u00a0\t\n  第二段  ", "标准化\n第二段"},
		{"blank lines dropped", "甲\n\n\n  \n乙", "甲\n乙"},
		{"pinyin dropped", "標(biāo)準(zhǔn)化", "標準化"},
		{"orphan pinyin after mojibake", "領域?qū)?biāo)達標", "領域??達標"},
		{"editor credit", "正文。\n责任编辑：王翔 \n正文二。", "正文。\n正文二。"},
		{"Traditional editor credit", "正文。\n責任編輯：王翔", "正文。"},
		{"related links label", "正文。\n相关链接:\n正文二。", "正文。\n正文二。"},
		{"app promotion", "正文。\n海量资讯、精准解读，尽在新浪财经APP\n正文二。", "正文。\n正文二。"},
		{"print and close", "正文。\n【打印】【关闭】\n正文二。", "正文。\n正文二。"},
		{"bulleted share line", "正文。\n• 分享到微信\n正文二。", "正文。\n正文二。"},
		{"empty source label", "来源：\n正文。", "正文。"},
		{"source label with a source stays", "来源：新华社\n正文。", "来源：新华社\n正文。"},
		{"copyright, any case", "正文。\nCopyright 2022 Example\n正文二。", "正文。\n正文二。"},
		{"footer cuts the rest", "正文。\n相关文章:\n版权所有 ©2001-2003 上海投资网\n投资咨询热线:+0086 (21) 68868336", "正文。"},
		{"Traditional footer", "正文。\n相關詞條\n熱門詞條\n聯絡我們", "正文。"},
		{"word in the middle of a line stays", "本网站版权所有。", "本网站版权所有。"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cleanLines(tt.in); got != tt.want {
				t.Errorf("cleanLines(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestCleanLinesFooterOnlyNearEnd(t *testing.T) {
	// 联系我们 starts a footer only within the last lines of a document;
	// early on it is text.
	var lines []string
	lines = append(lines, "标题", "联系我们是本单位的职责之一。")
	for i := range 20 {
		lines = append(lines, fmt.Sprintf("第%d段正文。", i+1))
	}
	lines = append(lines, "联系我们", "电话：12345")
	got := cleanLines(strings.Join(lines, "\n"))
	want := strings.Join(lines[:len(lines)-2], "\n")
	if got != want {
		t.Errorf("cleanLines(…) = %q, want %q", got, want)
	}
}

func TestMojibake(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"question mark and exclamation after Han", "的模式和路徑?!奔闻d市市場監管局", []string{`line 1 col 7: "的模式和路徑?!奔闻d市市"`}},
		{"two question marks after Han", "重點制造領域??達標行動", []string{`line 1 col 7: "重點制造領域??達標行動"`}},
		{"question mark between Han", "标准?化", []string{`line 1 col 3: "标准?化"`}},
		{"replacement character", "标准\ufffd化", []string{"line 1 col 3: \"标准\ufffd化\""}},
		{"line numbers", "第一行正常。\n第二行正常。\n第三行有误?化", []string{`line 3 col 6: "第三行有误?化"`}},
		{"Chinese question mark", "是否完成？是的。", nil},
		{"ASCII question at line end", "是否完成?", nil},
		{"English question", "Is it done? Yes", nil},
		{"question mark between Latin", "ISO?IEC", nil},
		{"clean text", "上海市标准化发展行动计划", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mojibake(tt.in); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("mojibake(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestMojibakeCapped(t *testing.T) {
	got := mojibake(strings.Repeat("标准?化", 30))
	if len(got) != 21 || got[20] != "…more" {
		t.Errorf("mojibake(30 garbled places) = %d reports ending %q, want 20 and \"…more\"", len(got), got[len(got)-1])
	}
}
