//go:build unix

package retrieval

// Benchmarks of index build throughput and query latency at 1k, 10k and 100k
// chunks (issue 3). See BENCHMARKS.md for the command, the results and how
// to read each metric. Nothing here runs without -bench.

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/policybot/policybot/knowledge"
	"github.com/policybot/policybot/retrieval/internal/kbgen"
)

// benchSizes are the knowledge-base sizes benchmarked, in chunks.
var benchSizes = []int{1_000, 10_000, 100_000}

const (
	benchSeed      = 20260303 // seeds the corpus and question generators
	benchQuestions = 200      // questions per pass of BenchmarkSearch
	benchK         = 10       // results asked of Search
)

// benchSkip skips what would take too long under -short.
func benchSkip(b *testing.B, n int) {
	if n >= 100_000 && testing.Short() {
		b.Skip("100k chunks is skipped under -short")
	}
}

// BenchmarkBuild measures building an index the way production does
// (builder.build with the local HashEmbedder) from a seeded synthetic corpus.
// One op is one full build. Memory per chunk is measured around the last
// index built, which is kept alive while it is measured.
func BenchmarkBuild(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("chunks=%d", n), func(b *testing.B) {
			benchSkip(b, n)
			f := benchFixtureFor(b, n)
			bld := f.builder()
			ctx := context.Background()
			b.ReportAllocs()
			b.SetBytes(f.textBytes) // MB/s of document text

			before := benchMem()
			var ix *Index
			cpu0 := benchCPU()
			for b.Loop() {
				var err error
				if ix, _, err = buildDocs(ctx, bld, f.docs); err != nil {
					b.Fatal(err)
				}
			}
			cpu := benchCPU() - cpu0
			after := benchMem()
			chunks := ix.Len()
			runtime.KeepAlive(ix)

			perOp := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(float64(chunks), "chunks")
			b.ReportMetric(float64(chunks)/perOp, "chunks/s")
			b.ReportMetric(perOp*1e9/float64(chunks), "ns/chunk")
			b.ReportMetric(float64(cpu)/float64(b.N)/float64(chunks), "cpu-ns/chunk")
			b.ReportMetric(float64(after.heap-before.heap)/float64(chunks), "heapB/chunk")
			b.ReportMetric(float64(after.rss-before.rss)/float64(chunks), "rssB/chunk")
			f.keep(ix, before, after)
		})
	}
}

// BenchmarkSearch measures Engine.Search, the real query path (analysis,
// English expansion, BM25 leg, vector leg, fusion), over a fixed seeded set
// of questions. One op is one pass over all the questions; p50_ms and
// p95_ms are over every query of every pass.
func BenchmarkSearch(b *testing.B) {
	e := benchEngine(b)
	qs := benchQuestionSet(b)
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("chunks=%d", n), func(b *testing.B) {
			benchSkip(b, n)
			f := benchFixtureFor(b, n)
			ix := f.index(b)
			e.cur.Store(ix)
			defer e.cur.Store(nil)
			ctx := context.Background()
			// Warm up: the BM25 score scratch and the first GC cycles.
			for _, q := range qs[:20] {
				if _, err := e.Search(ctx, q, benchK); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()

			durs := make([]time.Duration, 0, 4*len(qs))
			empty := 0
			var m0, m1 runtime.MemStats
			runtime.ReadMemStats(&m0)
			cpu0 := benchCPU()
			for b.Loop() {
				for _, q := range qs {
					t := time.Now()
					ev, err := e.Search(ctx, q, benchK)
					durs = append(durs, time.Since(t))
					if err != nil {
						b.Fatal(err)
					}
					if len(ev) == 0 {
						empty++
					}
				}
			}
			cpu := benchCPU() - cpu0
			runtime.ReadMemStats(&m1)

			nq := float64(len(durs))
			slices.Sort(durs)
			b.ReportMetric(float64(ix.Len()), "chunks")
			b.ReportMetric(b.Elapsed().Seconds()*1e9/nq, "ns/query")
			b.ReportMetric(benchPercentile(durs, 0.50), "p50_ms")
			b.ReportMetric(benchPercentile(durs, 0.95), "p95_ms")
			b.ReportMetric(float64(cpu)/1e6/nq, "cpu-ms/query")
			b.ReportMetric(float64(m1.Mallocs-m0.Mallocs)/nq, "allocs/query")
			b.ReportMetric(float64(m1.TotalAlloc-m0.TotalAlloc)/nq, "B/query")
			b.ReportMetric(float64(empty)/nq, "empty/query")
			b.ReportMetric(f.heapPerChunk, "heapB/chunk")
			b.ReportMetric(f.rssPerChunk, "rssB/chunk")
		})
	}
}

// benchPercentile returns the p-quantile of sorted durations in ms (nearest
// rank).
func benchPercentile(sorted []time.Duration, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(p*float64(len(sorted))+0.5) - 1
	i = min(max(i, 0), len(sorted)-1)
	return float64(sorted[i]) / 1e6
}

// benchCPU is the CPU time (user and system, all threads) the process has
// used, in ns. Unlike wall time it does not grow when other processes hold
// the CPUs, though a busy machine still slows it somewhat (caches, SMT).
func benchCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchMemStat is the live heap and the resident set size of the process.
type benchMemStat struct{ heap, rss int64 }

// benchMem collects garbage, returns freed memory to the OS and reads the
// live heap (HeapAlloc) and VmRSS. RSS is approximate: it includes runtime
// overhead and whatever the scavenger has not returned yet.
func benchMem() benchMemStat {
	debug.FreeOSMemory() // a GC and a scavenge
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return benchMemStat{heap: int64(m.HeapAlloc), rss: benchRSS()}
}

// benchRSS reads VmRSS from /proc/self/status in bytes, or 0 where there is
// no procfs.
func benchRSS() int64 {
	fh, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// --- fixtures ---------------------------------------------------------------

// benchFixture is a generated corpus of about n chunks and, once built, its
// index, shared by the benchmarks of one process.
type benchFixture struct {
	n         int
	docs      []knowledge.Document
	textBytes int64
	fold      func(string) string

	mu           sync.Mutex
	ix           *Index
	heapPerChunk float64
	rssPerChunk  float64
}

var (
	benchFixturesMu sync.Mutex
	benchFixtures   = map[int]*benchFixture{}
)

func benchFixtureFor(b *testing.B, n int) *benchFixture {
	b.Helper()
	e := benchEngine(b)
	benchFixturesMu.Lock()
	defer benchFixturesMu.Unlock()
	if f := benchFixtures[n]; f != nil {
		return f
	}
	docs := benchDocs(benchPool(b), n, benchSeed+uint64(n))
	f := &benchFixture{n: n, docs: docs, fold: e.folder.Fold}
	for _, d := range docs {
		f.textBytes += int64(len(d.Text))
	}
	benchFixtures[n] = f
	return f
}

// builder is the production builder: local HashEmbedder at DefaultDim, the
// engine's folding.
func (f *benchFixture) builder() builder {
	return builder{fold: f.fold, embedder: NewHashEmbedder(DefaultDim, f.fold), py: testLang().py}
}

// keep caches a built index and its measured memory, if none is cached yet.
func (f *benchFixture) keep(ix *Index, before, after benchMemStat) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ix == nil {
		f.ix = ix
		f.heapPerChunk = float64(after.heap-before.heap) / float64(ix.Len())
		f.rssPerChunk = float64(after.rss-before.rss) / float64(ix.Len())
	}
}

// index returns the cached index, building (and measuring) it if needed.
func (f *benchFixture) index(b *testing.B) *Index {
	b.Helper()
	f.mu.Lock()
	ix := f.ix
	f.mu.Unlock()
	if ix != nil {
		return ix
	}
	before := benchMem()
	ix, _, err := buildDocs(context.Background(), f.builder(), f.docs)
	if err != nil {
		b.Fatal(err)
	}
	f.keep(ix, before, benchMem())
	return ix
}

var benchEngineOnce = sync.OnceValues(func() (*Engine, error) { return New(Options{Language: testLang()}) })

func benchEngine(b *testing.B) *Engine {
	b.Helper()
	e, err := benchEngineOnce()
	if err != nil {
		b.Fatal(err)
	}
	return e
}

// benchPool is the sentence pool: every sentence of every chunk of the
// shipped seed documents.
var benchPoolOnce = sync.OnceValues(func() ([]string, error) { return kbgen.Pool(context.Background()) })

func benchPool(b *testing.B) []string {
	b.Helper()
	pool, err := benchPoolOnce()
	if err != nil {
		b.Fatal(err)
	}
	return pool
}

// benchDocs generates documents (see kbgen.Docs) until they hold at least n
// chunks.
func benchDocs(pool []string, n int, seed uint64) []knowledge.Document {
	var docs []knowledge.Document
	kbgen.Docs(pool, n, seed, func(d knowledge.Document) bool {
		docs = append(docs, d)
		return true
	})
	return docs
}

// benchQuestionSet is the fixed question set (see kbgen.Questions).
var benchQuestionsOnce = sync.OnceValues(func() ([]string, error) {
	pool, err := benchPoolOnce()
	if err != nil {
		return nil, err
	}
	trad, err := knowledge.NewTraditionalizer()
	if err != nil {
		return nil, err
	}
	return kbgen.Questions(pool, trad, benchQuestions, benchSeed), nil
})

func benchQuestionSet(b *testing.B) []string {
	b.Helper()
	qs, err := benchQuestionsOnce()
	if err != nil {
		b.Fatal(err)
	}
	return qs
}

// BenchmarkLocalVector compares the two ways the local embedder's leg can
// get a lexical candidate's vector (issue 12): reading the stored vector
// from the index file, or recomputing the hashed vector from the chunk
// (fold, features, hash). One op scores 50 candidates, as a question does.
func BenchmarkLocalVector(b *testing.B) {
	f := benchFixtureFor(b, 10_000)
	ix := f.index(b)
	h := NewHashEmbedder(DefaultDim, f.fold)
	qv := make([]float32, DefaultDim)
	qv[0] = 1
	cands := make([]int, 50)
	for i := range cands {
		cands[i] = i * (ix.Len() / len(cands))
	}
	b.Run("stored", func(b *testing.B) {
		for b.Loop() {
			for _, c := range cands {
				if _, err := ix.dotLocal(qv, c); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("recomputed", func(b *testing.B) {
		var fs featureSet
		for b.Loop() {
			for _, c := range cands {
				ch, err := ix.chunk(c)
				if err != nil {
					b.Fatal(err)
				}
				fs.reset()
				fs.addText(f.fold(chunkMatchText(ch)), nil)
				dot(qv, h.vector(&fs, nil))
			}
		}
	})
}
