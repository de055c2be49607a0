// Package kbgen generates synthetic knowledge bases and questions for
// benchmarks: real-looking policy passages made of the shipped seed
// documents' sentences, with seeded randomness, so that a run at any size is
// reproducible. BenchmarkBuild and BenchmarkSearch use it in memory;
// ./cmd/kbgen writes it as .jsonl files for measuring the policybot binary
// (see BENCHMARKS.md).
package kbgen

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"unicode/utf8"

	"github.com/policybot/policybot/knowledge"
)

// Pool returns the sentence pool: every sentence (of at least 6 characters)
// of every chunk of the shipped seed documents.
func Pool(ctx context.Context) ([]string, error) {
	corpus, err := knowledge.Load(ctx, knowledge.Seeds())
	if err != nil {
		return nil, err
	}
	var pool []string
	for _, d := range corpus.Docs {
		for _, c := range knowledge.Chunks(d) {
			for _, s := range knowledge.Sentences(c.Text) {
				if utf8.RuneCountInString(s) >= 6 {
					pool = append(pool, s)
				}
			}
		}
	}
	if len(pool) == 0 {
		return nil, fmt.Errorf("no sentences in the seed documents")
	}
	return pool, nil
}

// Synthetic names make generated documents distinguishable: a two-character
// place from an uncommon-character alphabet plus an administrative suffix,
// and an organisation type.
const nameRunes = "澄岚汀泓珂琮璟瑜舜禾稷穗芃苡荇蘅萱蓁汐沅洹淇湄溱澧濂灏炜烨焱煦熠珩琨瑾璞砚磐禹骁骞麟鹭鸿"

var (
	placeSuffix = []string{"市", "县", "区", "镇", "新区", "开发区"}
	orgTypes    = []string{"市场监督管理局", "发展和改革委员会", "标准化研究院", "科学技术局", "商务局",
		"质量协会", "产业园管理委员会", "经济和信息化局", "检验检测中心", "人民政府办公室"}
	topics = []string{"标准化", "质量提升", "数字化转型", "绿色低碳", "知识产权", "计量", "认证认可",
		"营商环境", "科技创新", "产业集群"}
)

// Docs generates documents until they hold at least n chunks (as
// knowledge.Chunks cuts them; most documents make one chunk, a long one
// two), calling yield with each; it stops early when yield returns false.
// Each document samples 3–8 sentences of the pool, has its digits re-drawn,
// and names a synthetic place and organisation in its title and first
// sentence. IDs are "bench/NNNNNNN" in generation order.
func Docs(pool []string, n int, seed uint64, yield func(knowledge.Document) bool) {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	names := []rune(nameRunes)
	place := func() string {
		return string(names[r.IntN(len(names))]) + string(names[r.IntN(len(names))]) +
			placeSuffix[r.IntN(len(placeSuffix))]
	}
	var sb strings.Builder
	for i, chunks := 0, 0; chunks < n; i++ {
		pl := place()
		org := pl + orgTypes[r.IntN(len(orgTypes))]
		topic := topics[r.IntN(len(topics))]
		num := r.IntN(900) + 100
		title := fmt.Sprintf("%s关于%s工作的通知（第%d号）", org, topic, num)

		sb.Reset()
		fmt.Fprintf(&sb, "%s于%d年%d月%d日印发第%d号文件，%s安排资金%d万元。", org,
			2000+r.IntN(26), 1+r.IntN(12), 1+r.IntN(28), num, place(), 10+r.IntN(99990))
		for range 3 + r.IntN(6) {
			s := pool[r.IntN(len(pool))]
			for _, c := range s { // re-draw digits so numbers differ between docs
				if c >= '0' && c <= '9' {
					c = '0' + rune(r.IntN(10))
				}
				sb.WriteRune(c)
			}
		}
		d := knowledge.Document{
			ID: fmt.Sprintf("bench/%07d", i), Title: title, Format: "jsonl",
			Hash: fmt.Sprintf("%016x", r.Uint64()), Text: sb.String(),
		}
		chunks += len(knowledge.Chunks(d))
		if !yield(d) {
			return
		}
	}
}

var (
	zhForms = []string{"%s是多少？", "%s是什么？", "%s有哪些？", "请问%s吗？", "哪些%s？", "%s有多少个？", "%s怎么办理？"}
	enForms = []string{"How many %s does %s lead?", "What %s has %s set up?", "Which %s did %s publish?",
		"How much funding does %s give to %s?"}
	enTopics = []string{"national standards", "international standards", "secretariats", "technical committees",
		"pilot projects", "enterprises", "industrial clusters", "quality awards", "standardization plans"}
	enPlaces = []string{"Zhejiang", "Shanghai", "Jiaxing", "Pinghu", "Haining", "Hangzhou", "Ningbo", "Tongxiang"}
)

// Questions returns n seeded questions: about 90% an 8–20 character span of
// a pool sentence with a Chinese question pattern (a third of them converted
// to Traditional by trad), about 10% English from templates.
func Questions(pool []string, trad *knowledge.Converter, n int, seed uint64) []string {
	r := rand.New(rand.NewPCG(seed, seed^0xda942042e4dd58b5))
	qs := make([]string, 0, n)
	for len(qs) < n {
		if r.IntN(10) == 0 {
			f := enForms[r.IntN(len(enForms))]
			t, p := enTopics[r.IntN(len(enTopics))], enPlaces[r.IntN(len(enPlaces))]
			if strings.HasPrefix(f, "How much") {
				qs = append(qs, fmt.Sprintf(f, p, t))
			} else {
				qs = append(qs, fmt.Sprintf(f, t, p))
			}
			continue
		}
		rs := []rune(pool[r.IntN(len(pool))])
		l := min(8+r.IntN(13), len(rs))
		start := r.IntN(len(rs) - l + 1)
		q := fmt.Sprintf(zhForms[r.IntN(len(zhForms))], strings.TrimSpace(string(rs[start:start+l])))
		if r.IntN(3) == 0 {
			q = trad.Convert(q)
		}
		qs = append(qs, q)
	}
	return qs
}
