package gazetteer

import (
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
)

var (
	loadOnce sync.Once
	shared   *Gazetteer
	loadErr  error
)

func load(t testing.TB) *Gazetteer {
	t.Helper()
	loadOnce.Do(func() { shared, loadErr = New() })
	if loadErr != nil {
		t.Fatalf("New() error = %v", loadErr)
	}
	return shared
}

// found renders mentions as "text=full@parent", the first place of each.
func found(ms []Mention) []string {
	out := []string{}
	for _, m := range ms {
		p := m.Places[0]
		out = append(out, m.Text+"="+p.Full+"@"+p.Parent)
	}
	return out
}

func TestFind(t *testing.T) {
	g := load(t)
	tests := []struct {
		name, text string
		want       []string
	}{
		// Places the knowledge base and its questions name.
		{"bare prefecture city", "绵阳承担了多少个ISO/IEC秘书处？", []string{"绵阳=绵阳市@四川"}},
		{"suffixed prefecture city", "遵义市在国家标准化试点中排第几？", []string{"遵义市=遵义市@贵州"}},
		{"county-level city and district", "瑞安市和嘉兴市秀洲区的试点", []string{"瑞安市=瑞安市@温州", "嘉兴市=嘉兴市@浙江", "秀洲区=秀洲区@嘉兴"}},
		{"bare county-level names", "平湖、海宁、桐乡和秀洲各承担了几项", []string{"平湖=平湖市@嘉兴", "海宁=海宁市@嘉兴", "桐乡=桐乡市@嘉兴", "秀洲=秀洲区@嘉兴"}},
		{"municipality", "上海主导制定的国际标准有多少项？", []string{"上海=上海市@"}},
		{"province before a verb", "浙江主导的国际标准", []string{"浙江=浙江省@"}},
		{"province with suffix", "浙江省市场监督管理局", []string{"浙江省=浙江省@"}},
		{"capital", "北京是首都", []string{"北京=北京市@"}},
		{"chain of divisions", "浙江省嘉兴市南湖区", []string{"浙江省=浙江省@", "嘉兴市=嘉兴市@浙江", "南湖区=南湖区@嘉兴"}},
		{"district after its city", "嘉兴南湖", []string{"嘉兴=嘉兴市@浙江", "南湖=南湖区@嘉兴"}},
		{"autonomous region", "内蒙古自治区和广西壮族自治区", []string{"内蒙古自治区=内蒙古自治区@", "广西壮族自治区=广西壮族自治区@"}},
		{"autonomous prefecture, colloquial", "延边州的标准化", []string{"延边州=延边朝鲜族自治州@吉林"}},
		{"SAR", "香港特别行政区与澳门", []string{"香港特别行政区=香港特别行政区@", "澳门=澳门特别行政区@"}},
		{"new area", "雄安新区和浦东新区", []string{"雄安新区=雄安新区@保定", "浦东新区=浦东新区@上海"}},
		{"crossing a word", "以上海为龙头", []string{"上海=上海市@"}},
		{"namesake ordered by context", "西安市长安区", []string{"西安市=西安市@陕西", "长安区=长安区@西安"}},
		{"longest first", "长沙市", []string{"长沙市=长沙市@湖南"}},
		{"left to right", "聚焦上海城市的特点", []string{"上海=上海市@"}},
		{"conjunction before a name", "嘉善和平湖", []string{"嘉善=嘉善县@嘉兴", "平湖=平湖市@嘉兴"}},
		{"word before a name, no word after", "支持平湖开展试点", []string{"平湖=平湖市@嘉兴"}},

		// Regions and the country are not places.
		{"Yangtze delta", "长三角一体化发展", nil},
		{"delta with provinces", "长三角地区的上海、江苏、浙江和安徽", []string{"上海=上海市@", "江苏=江苏省@", "浙江=浙江省@", "安徽=安徽省@"}},
		{"country", "中国标准化研究院", nil},
		{"nation", "全国专业标准化技术委员会", nil},

		// Names that are common words stand only with a suffix.
		{"east", "东方的标准化经验", nil},
		{"east with suffix", "海南省东方市", []string{"海南省=海南省@", "东方市=东方市@海南"}},
		{"Sun Yat-sen University", "中山大学的研究", nil},
		{"Zhongshan with suffix", "中山市", []string{"中山市=中山市@广东"}},
		{"boast", "不要夸海口", nil},
		{"estuary", "海口", nil},
		{"Haikou with suffix", "海口市", []string{"海口市=海口市@海南"}},
		{"peace", "和平发展", nil},
		{"Heping district", "天津市和平区", []string{"天津市=天津市@", "和平区=和平区@天津"}},
		{"Xinhua", "新华社报道", nil},
		{"Jiangnan region", "江南水乡", nil},
		{"Chengguan", "城关镇", nil},
		{"Chang'an", "长安自古繁华", nil},
		{"sunrise industry", "朝阳产业", nil},
		{"sunshine", "日照时间", nil},
		{"generic town part", "城东和城西", nil},

		// Streets and words that contain a place name.
		{"Nanjing Road", "南京路步行街", nil},
		{"Beijing East Road", "北京东路", nil},
		{"Chang'an Avenue", "长安街", nil},
		{"sandwich", "三明治", nil},
		{"health insurance", "健康保险", nil},
		{"big city", "大城市", nil},
		{"San Francisco", "旧金山", nil},
		{"maximise", "最大化", nil},
		{"coastal cities", "沿海城市", nil},
		{"Dzungar", "准噶尔盆地", nil},
		{"ten million years", "千万年", nil},
		{"aerospace and so on", "航空航天等未来产业", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := found(g.Find(tt.text))
			if tt.want == nil {
				tt.want = []string{}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Find(%q) = %v, want %v", tt.text, got, tt.want)
			}
		})
	}
}

func TestFindOffsets(t *testing.T) {
	g := load(t)
	text := "ISO在绵阳市😀和秀洲"
	ms := g.Find(text)
	if len(ms) != 2 {
		t.Fatalf("Find(%q) = %v, want 2 mentions", text, found(ms))
	}
	for _, m := range ms {
		if text[m.Start:m.End] != m.Text {
			t.Errorf("Find(%q): text[%d:%d] = %q, want %q", text, m.Start, m.End, text[m.Start:m.End], m.Text)
		}
	}
	if ms[0].Start != 6 || ms[0].End != 15 {
		t.Errorf("Find(%q)[0] at %d:%d, want 6:15", text, ms[0].Start, ms[0].End)
	}
}

func TestLookup(t *testing.T) {
	g := load(t)
	tests := []struct {
		name  string
		query string
		want  []string // Full@Parent of each place
	}{
		{"bare", "绵阳", []string{"绵阳市@四川"}},
		{"full", "绵阳市", []string{"绵阳市@四川"}},
		{"province and city", "吉林", []string{"吉林省@"}},
		{"city named like its province", "吉林市", []string{"吉林市@吉林"}},
		{"namesakes", "朝阳区", []string{"朝阳区@北京", "朝阳区@汕头", "朝阳区@长春"}},
		{"common word", "和平", nil},
		{"one character", "和", nil},
		{"country", "中国", nil},
		{"nation", "全国", nil},
		{"region", "长三角", nil},
		{"trap", "三明治", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, p := range g.Lookup(tt.query) {
				got = append(got, p.Full+"@"+p.Parent)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Lookup(%q) = %v, want %v", tt.query, got, tt.want)
			}
		})
	}
}

func TestPlaceFields(t *testing.T) {
	g := load(t)
	tests := []struct {
		query string
		want  Place
	}{
		{"绵阳", Place{Name: "绵阳", Full: "绵阳市", Stem: "绵阳", Trad: []string{"綿陽"}, Pinyin: "mian yang",
			English: []string{"Mianyang"}, Level: PrefectureCity, Parent: "四川", Province: "四川"}},
		{"瑞安", Place{Name: "瑞安", Full: "瑞安市", Stem: "瑞安", Trad: []string{"瑞安"}, Pinyin: "rui an",
			English: []string{"Rui'an"}, Level: CountyCity, Parent: "温州", Province: "浙江"}},
		{"秀洲区", Place{Name: "秀洲", Full: "秀洲区", Stem: "秀洲", Trad: []string{"秀洲"}, Pinyin: "xiu zhou",
			English: []string{"Xiuzhou"}, Level: District, Parent: "嘉兴", Province: "浙江"}},
		{"浙江", Place{Name: "浙江", Full: "浙江省", Stem: "浙江", Trad: []string{"浙江"}, Pinyin: "zhe jiang",
			English: []string{"Zhejiang"}, Level: Province}},
		{"上海市", Place{Name: "上海", Full: "上海市", Stem: "上海", Trad: []string{"上海"}, Pinyin: "shang hai",
			English: []string{"Shanghai"}, Level: Municipality}},
		{"东方市", Place{Name: "东方市", Full: "东方市", Stem: "东方", Trad: []string{"東方市"}, Pinyin: "dong fang shi",
			English: []string{"Dongfang"}, Level: City, Parent: "海南", Province: "海南"}},
		{"延边", Place{Name: "延边", Full: "延边朝鲜族自治州", Stem: "延边", Forms: []string{"延边州"}, Trad: []string{"延邊"},
			Pinyin: "yan bian", English: []string{"Yanbian"}, Level: AutonomousPrefecture, Parent: "吉林", Province: "吉林"}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			ps := g.Lookup(tt.query)
			if len(ps) != 1 {
				t.Fatalf("Lookup(%q) = %d places, want 1", tt.query, len(ps))
			}
			got := ps[0]
			got.parent = tt.want.parent
			if !equalPlace(got, tt.want) {
				t.Errorf("Lookup(%q) = %+v, want %+v", tt.query, got, tt.want)
			}
		})
	}
}

func equalPlace(a, b Place) bool {
	return a.Name == b.Name && a.Full == b.Full && a.Stem == b.Stem && slices.Equal(a.Forms, b.Forms) &&
		slices.Equal(a.Trad, b.Trad) && a.Pinyin == b.Pinyin && slices.Equal(a.English, b.English) &&
		a.Level == b.Level && a.Parent == b.Parent && a.Province == b.Province
}

func TestParent(t *testing.T) {
	g := load(t)
	p := g.Lookup("瑞安")[0]
	var chain []string
	for ok := true; ok; p, ok = g.Parent(p) {
		chain = append(chain, p.Full)
	}
	if want := []string{"瑞安市", "温州市", "浙江省"}; !slices.Equal(chain, want) {
		t.Errorf("parents of 瑞安 = %v, want %v", chain, want)
	}
	if q, ok := g.Parent(Place{}); ok {
		t.Errorf("Parent(Place{}) = %s, true; want false", q.Full)
	}
}

func TestByPinyin(t *testing.T) {
	g := load(t)
	tests := []struct {
		query string
		want  string // Full of the first place, "" for none
	}{
		{"mian yang", "绵阳市"},
		{"Mianyang", "绵阳市"},
		{"mian2 yang2", "绵阳市"},
		{"Rui'an", "瑞安市"},
		{"Xiuzhou District", "秀洲区"},
		{"Jiaxing City", "嘉兴市"},
		{"Zunyi", "遵义市"},
		{"dongfang", "东方市"},
		{"Xi'an", "西安市"},
		{"Lüliang", "吕梁市"},
		{"Lvliang", "吕梁市"},
		{"Luliang", "吕梁市"},
		{"meeting", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			got := ""
			if ps := g.ByPinyin(tt.query); len(ps) > 0 {
				got = ps[0].Full
			}
			if got != tt.want {
				t.Errorf("ByPinyin(%q)[0] = %q, want %q", tt.query, got, tt.want)
			}
		})
	}
}

func TestByEnglish(t *testing.T) {
	g := load(t)
	tests := []struct {
		query string
		want  string
	}{
		{"Hong Kong", "香港特别行政区"},
		{"Macau", "澳门特别行政区"},
		{"Inner Mongolia", "内蒙古自治区"},
		{"Tibet", "西藏自治区"},
		{"Hohhot", "呼和浩特市"},
		{"Urumqi", "乌鲁木齐市"},
		{"Ürümqi", "乌鲁木齐市"},
		{"Zhejiang Province", "浙江省"},
		{"Rui'an", "瑞安市"},
		{"China", ""},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			got := ""
			if ps := g.ByEnglish(tt.query); len(ps) > 0 {
				got = ps[0].Full
			}
			if got != tt.want {
				t.Errorf("ByEnglish(%q)[0] = %q, want %q", tt.query, got, tt.want)
			}
		})
	}
}

// TestData checks invariants of the generated data.
func TestData(t *testing.T) {
	g := load(t)
	byLevel := make(map[Level]int)
	tiers := make(map[int]int)
	for _, p := range g.All() {
		byLevel[p.Level]++
		tiers[p.Level.Tier()]++
		if p.Level.Tier() == 0 {
			t.Errorf("%s: level %v", p.Full, p.Level)
		}
		if !strings.HasPrefix(p.Name, p.Stem) || !strings.HasPrefix(p.Full, p.Stem) {
			t.Errorf("%s: name %q or full %q does not start with stem %q", p.Full, p.Name, p.Full, p.Stem)
		}
		parent, ok := g.Parent(p)
		switch {
		case p.Level.Tier() == 1 && ok:
			t.Errorf("%s: province-level with parent %s", p.Full, parent.Full)
		case p.Level.Tier() > 1 && !ok:
			t.Errorf("%s: no parent", p.Full)
		case ok && parent.Level.Tier() >= p.Level.Tier():
			t.Errorf("%s (%v): parent %s (%v) is not of a higher tier", p.Full, p.Level, parent.Full, parent.Level)
		}
		// Every place is found by each of its names, as one mention.
		for _, f := range p.forms() {
			ms := g.Find(f)
			if len(ms) != 1 || ms[0].Text != f || !slices.ContainsFunc(ms[0].Places, func(q Place) bool { return q.Full == p.Full && q.Parent == p.Parent }) {
				t.Errorf("Find(%q) = %v, want the place %s@%s", f, found(ms), p.Full, p.Parent)
			}
		}
	}
	if tiers[1] != 34 {
		t.Errorf("%d province-level divisions, want 34", tiers[1])
	}
	if tiers[2] < 330 || tiers[3] < 2500 {
		t.Errorf("tiers = %v, want at least 330 prefecture-level and 2500 county-level places", tiers)
	}
	for l := Province; l <= ForestryDistrict; l++ {
		t.Logf("%-22s %5d", l, byLevel[l])
	}
	t.Logf("%-22s %5d", "total", g.Len())
}

func TestLevelString(t *testing.T) {
	for l, want := range map[Level]string{Province: "province", PrefectureCity: "prefecture-city", District: "district", Level(99): "Level(99)"} {
		if got := l.String(); got != want {
			t.Errorf("Level(%d).String() = %q, want %q", int(l), got, want)
		}
	}
}

func TestConcurrentFind(t *testing.T) {
	g := load(t)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				if ms := g.Find(sentence300); len(ms) == 0 {
					t.Errorf("Find(sentence300) found nothing")
					return
				}
			}
		})
	}
	wg.Wait()
}

// sentence300 is a 300-character policy sentence naming several places.
var sentence300 = func() string {
	s := "为贯彻落实《国家标准化发展纲要》，浙江省市场监督管理局会同嘉兴市、绵阳市和遵义市有关部门，" +
		"在秀洲区、平湖市、海宁市、桐乡市及瑞安市开展国际标准化组织技术委员会秘书处承担情况调查，" +
		"重点梳理上海、北京等地在长三角一体化背景下主导制定国际标准、参与国际标准化活动的经验做法，" +
		"推动标准化与科技创新、产业升级、对外贸易协同发展，为全国标准化试点示范工作提供可复制可推广的经验。"
	for len([]rune(s)) < 300 {
		s += "加强标准化人才培养和国际交流合作。"
	}
	return string([]rune(s)[:300])
}()

// BenchmarkNew reports, besides the time and allocations of New, the heap
// a loaded Gazetteer keeps (heap-B).
func BenchmarkNew(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := New(); err != nil {
			b.Fatal(err)
		}
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	g, err := New()
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(g)
	b.ReportMetric(float64(after.HeapAlloc)-float64(before.HeapAlloc), "heap-B")
}

// BenchmarkNewRoman is New followed by the first ByPinyin, which builds
// the pinyin and English indexes.
func BenchmarkNewRoman(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		g, err := New()
		if err != nil {
			b.Fatal(err)
		}
		g.ByPinyin("mianyang")
	}
}

func BenchmarkFind300(b *testing.B) {
	g := load(b)
	b.ReportAllocs()
	b.SetBytes(int64(len(sentence300)))
	for b.Loop() {
		g.Find(sentence300)
	}
}

func BenchmarkLookup(b *testing.B) {
	g := load(b)
	b.ReportAllocs()
	for b.Loop() {
		g.Lookup("绵阳")
	}
}
