package lexicon

import (
	"strings"
	"sync"
	"testing"
)

func newLexicon(t testing.TB) *Lexicon {
	t.Helper()
	l, err := New()
	if err != nil {
		t.Fatalf("New() error: %v", err)
	}
	return l
}

// find returns the expansion of exps whose Source is src.
func find(exps []Expansion, src string) (Expansion, bool) {
	for _, e := range exps {
		if e.Source == src {
			return e, true
		}
	}
	return Expansion{}, false
}

func TestExpand(t *testing.T) {
	l := newLexicon(t)
	tests := []struct {
		name      string
		q         string
		source    string // expansion expected with this Source
		term      string // ... containing this term
		first     bool   // ... as its best term
		exact     bool   // ... and this Exact
		notSource []string
	}{
		{name: "word of a gloss", q: "What did the Rhine flow into?", source: "rhine", term: "莱茵河", exact: false},
		{name: "proper noun head", q: "Where is Warsaw?", source: "warsaw", term: "华沙", first: true, exact: true},
		{name: "plural", q: "secretariats", source: "secretariat", term: "秘书处", first: true, exact: true},
		{name: "phrase with plural", q: "How many national standards were issued?", source: "national standard", term: "国家标准", first: true, exact: true,
			notSource: []string{"national", "standard"}},
		{name: "glossary first", q: "pilot", source: "pilot", term: "试点", first: true, exact: true},
		{name: "glossary merged with cedict", q: "secretariat", source: "secretariat", term: "书记处", exact: true},
		{name: "case insensitive", q: "SHANGHAI", source: "shanghai", term: "上海", first: true, exact: true},
		{name: "possessive", q: "Shanghai's budget", source: "shanghai", term: "上海", first: true, exact: true},
		{name: "possessive in phrase", q: "Shanghai's standards", source: "shanghai standard", term: "上海标准", first: true, exact: true},
		{name: "past tense", q: "Which meeting did Shanghai host? It hosted two.", source: "host", term: "举办", first: true, exact: true},
		{name: "ing form", q: "What type of pilot is Pinghu running?", source: "run", term: "开展", first: true, exact: true},
		{name: "ies plural", q: "Which industries?", source: "industry", term: "产业", first: true, exact: true},
		{name: "es plural", q: "integrated circuits", source: "integrated circuit", term: "集成电路", first: true, exact: true},
		{name: "stop word inside phrase", q: "products Made in Zhejiang", source: "made in zhejiang", term: "浙江制造", first: true, exact: true},
		{name: "quoted phrase", q: `the "Zhejiang Made" brand`, source: "zhejiang made", term: "浙江制造", first: true, exact: true},
		{name: "verb phrase inflected", q: "enterprises leading the drafting", source: "lead the drafting", term: "牵头制定", first: true, exact: true},
		{name: "hyphenated", q: "the vice-mayor", source: "vice mayor", term: "副市长", first: true, exact: true},
		{name: "longest match first", q: "IEC General Meeting", source: "general meeting", term: "大会", first: true, exact: true,
			notSource: []string{"general", "meeting"}},
		{name: "hold", q: "How many ISO/IEC secretariats does Shanghai hold?", source: "hold", term: "承担", first: true, exact: true},
		{name: "acronym", q: "ISO/IEC", source: "iec", term: "国际电工委员会", first: true, exact: true},
		{name: "place", q: "Jiaxing and Pinghu", source: "pinghu", term: "平湖", first: true, exact: true},
		{name: "exact base form over word of a gloss", q: "Who received the award?", source: "receive", term: "受到", exact: true,
			notSource: []string{"received"}},
		{name: "cedict only", q: "Which river flows through Poland?", source: "poland", term: "波兰", first: true, exact: true},
		{name: "mixed with CJK and digits", q: "上海市 budget 2023年", source: "budget", term: "预算", first: true, exact: true},
		{name: "punctuation ends phrase", q: "national, standard", source: "standard", term: "标准", first: true, exact: true,
			notSource: []string{"national standard"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := l.Expand(tt.q)
			e, ok := find(got, tt.source)
			if !ok {
				t.Fatalf("Expand(%q) = %v, want an expansion with Source %q", tt.q, got, tt.source)
			}
			if !contains(e.Terms, tt.term) {
				t.Errorf("Expand(%q)[%q].Terms = %v, want it to contain %s", tt.q, tt.source, e.Terms, tt.term)
			}
			if tt.first && e.Terms[0] != tt.term {
				t.Errorf("Expand(%q)[%q].Terms = %v, want %s first", tt.q, tt.source, e.Terms, tt.term)
			}
			if e.Exact != tt.exact {
				t.Errorf("Expand(%q)[%q].Exact = %v, want %v", tt.q, tt.source, e.Exact, tt.exact)
			}
			for _, src := range tt.notSource {
				if _, ok := find(got, src); ok {
					t.Errorf("Expand(%q) = %v, want no expansion with Source %q", tt.q, got, src)
				}
			}
		})
	}
}

func TestExpandNone(t *testing.T) {
	l := newLexicon(t)
	for _, tt := range []struct{ name, q string }{
		{"empty", ""},
		{"blank", " \t\n"},
		{"punctuation", "?!…/,"},
		{"stop words", "What is it that they did, and how many of them were there?"},
		{"CJK only", "上海市承担了多少个秘书处？"},
		{"CJK and digits", "2023年嘉兴市平湖市标准化试点"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := l.Expand(tt.q); len(got) != 0 {
				t.Errorf("Expand(%q) = %v, want none", tt.q, got)
			}
		})
	}
}

func TestExpandSources(t *testing.T) {
	l := newLexicon(t)
	for _, tt := range []struct {
		name, q string
		want    []string
	}{
		{"iso question", "How many ISO/IEC secretariats does Shanghai hold?",
			[]string{"iso", "iec", "secretariat", "shanghai", "hold"}},
		{"pilot question", "What type of pilot is Pinghu running?",
			[]string{"type", "pilot", "pinghu", "run"}},
		{"repeated span reported once", "Shanghai, Shanghai and shanghai",
			[]string{"shanghai"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := l.Expand(tt.q)
			var srcs []string
			for _, e := range got {
				srcs = append(srcs, e.Source)
				if len(e.Terms) == 0 {
					t.Errorf("Expand(%q)[%q].Terms is empty", tt.q, e.Source)
				}
			}
			if strings.Join(srcs, "|") != strings.Join(tt.want, "|") {
				t.Errorf("Expand(%q) sources = %q, want %q", tt.q, srcs, tt.want)
			}
		})
	}
}

func TestVariants(t *testing.T) {
	for _, tt := range []struct {
		w    string
		want string // a base form that must be among the variants
	}{
		{"secretariats", "secretariat"},
		{"industries", "industry"},
		{"processes", "process"},
		{"types", "type"},
		{"hosted", "host"},
		{"designated", "designate"},
		{"planned", "plan"},
		{"applied", "apply"},
		{"holding", "hold"},
		{"making", "make"},
		{"running", "run"},
		{"standard", "standard"},
	} {
		t.Run(tt.w, func(t *testing.T) {
			got := variants(tt.w)
			if got[0] != tt.w || !contains(got, tt.want) {
				t.Errorf("variants(%q) = %v, want %q first and %q among them", tt.w, got, tt.w, tt.want)
			}
		})
	}
	for _, w := range []string{"status", "analysis", "process", "go"} {
		t.Run("keeps "+w, func(t *testing.T) {
			if got := variants(w); len(got) != 1 || got[0] != w {
				t.Errorf("variants(%q) = %v, want [%s]", w, got, w)
			}
		})
	}
}

func TestParseGlossaryErrors(t *testing.T) {
	for _, tt := range []struct{ name, src string }{
		{"no tab", "secretariat 秘书处\n"},
		{"leading stop word", "the standard\t标准\n"},
		{"trailing stop word", "take on\t承担\n"},
		{"too long", "one two three four five\t一二三四五\n"},
		{"punctuation in key", "iso/iec\t国际标准\n"},
		{"non-Chinese term", "standard\tbiaozhun\n"},
		{"empty term", "standard\t标准,\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if g, err := parseGlossary(tt.src); err == nil {
				t.Errorf("parseGlossary(%q) = %v, want an error", tt.src, g)
			}
		})
	}
	g, err := parseGlossary("# comment\n\nNational Standards\t国家标准\nnational standards\t国标,国家标准\n")
	if err != nil {
		t.Fatalf("parseGlossary: %v", err)
	}
	if got := strings.Join(g["national standards"], ","); got != "国家标准,国标" {
		t.Errorf(`parseGlossary(...)["national standards"] = %q, want "国家标准,国标"`, got)
	}
}

func TestExpandConcurrent(t *testing.T) {
	l := newLexicon(t)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				if got := l.Expand("Which IEC General Meeting did Shanghai host?"); len(got) != 4 {
					t.Errorf("Expand = %v, want 4 expansions", got)
					return
				}
			}
		})
	}
	wg.Wait()
}

func BenchmarkNew(b *testing.B) {
	for b.Loop() {
		if _, err := New(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkExpand(b *testing.B) {
	l := newLexicon(b)
	qs := []string{
		"How many ISO/IEC secretariats does Shanghai hold?",
		"What type of pilot is Pinghu running?",
		"Which IEC General Meeting did Shanghai host?",
	}
	for i := 0; b.Loop(); i++ {
		l.Expand(qs[i%len(qs)])
	}
}
