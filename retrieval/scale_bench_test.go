//go:build unix

package retrieval_test

// Benchmarks of a large knowledge base kept on disk (issue 12): building
// the index (wall time and peak RSS, in a child process), loading a saved
// index, refreshing an unchanged folder, and answering questions end to end
// (Answerer.Ask) with the memory an engine then holds. See BENCHMARKS.md.
//
// Fixtures are generated .jsonl folders (kbgen, the BenchmarkBuild corpus)
// and their indexes, kept under $POLICYBOT_BENCH_DIR (default
// $TMPDIR/policybot-bench) and reused by later runs. 100k is skipped under
// -short; 1M runs only with POLICYBOT_BENCH_1M=1.

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
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
	"github.com/policybot/policybot/retrieval"
	"github.com/policybot/policybot/retrieval/answer"
	"github.com/policybot/policybot/retrieval/internal/kbgen"
)

var scaleSizes = []int{10_000, 100_000, 1_000_000}

const (
	scaleSeed      = 20260303 // BenchmarkBuild's: the corpus of n chunks uses scaleSeed+n
	scaleQuestions = 200
	childEnv       = "POLICYBOT_BENCH_CHILD" // "docs\x1fdata": the child process indexes docs into data
)

func scaleSkip(b *testing.B, n int) {
	switch {
	case n >= 1_000_000 && os.Getenv("POLICYBOT_BENCH_1M") == "":
		b.Skip("1M chunks runs only with POLICYBOT_BENCH_1M=1")
	case n >= 100_000 && testing.Short():
		b.Skip("100k chunks is skipped under -short")
	}
}

func scaleDir() string {
	if d := os.Getenv("POLICYBOT_BENCH_DIR"); d != "" {
		return d
	}
	return filepath.Join(os.TempDir(), "policybot-bench")
}

// TestBenchChild is the child process of the scale benchmarks: it builds or
// refreshes an index as policybot index does, and prints its statistics.
func TestBenchChild(t *testing.T) {
	spec := os.Getenv(childEnv)
	if spec == "" {
		t.Skip("only run by the scale benchmarks")
	}
	docs, data, _ := strings.Cut(spec, "\x1f")
	e, err := retrieval.New(retrieval.Options{Docs: os.DirFS(docs), DataDir: data})
	if err != nil {
		t.Fatal(err)
	}
	st, err := e.Open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	json.NewEncoder(os.Stdout).Encode(map[string]any{"chunks": st.Chunks, "embedded": st.Embedded, "took_ms": st.Took.Milliseconds()})
}

// childRun indexes docs into data in a child process and returns its wall
// time and peak RSS.
func childRun(b *testing.B, docs, data string) (time.Duration, int64) {
	b.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestBenchChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"="+docs+"\x1f"+data)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	wall := time.Since(start)
	if err != nil {
		b.Fatalf("index child: %v\n%s", err, out)
	}
	ru, _ := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	var peak int64
	if ru != nil {
		peak = ru.Maxrss << 10 // KiB on Linux
	}
	return wall, peak
}

// scaleFixture returns a generated knowledge folder of n chunks and a data
// directory holding its index, making them on first use.
func scaleFixture(b *testing.B, n int) (docs, data string) {
	b.Helper()
	scaleMu.Lock()
	defer scaleMu.Unlock()
	docs = filepath.Join(scaleDir(), fmt.Sprintf("kb-%d", n))
	data = filepath.Join(scaleDir(), fmt.Sprintf("data-%d", n))
	if _, err := os.Stat(filepath.Join(docs, ".complete")); err != nil {
		os.RemoveAll(docs)
		if err := writeKB(docs, n); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := os.Stat(filepath.Join(data, "CURRENT")); err != nil {
		childRun(b, docs, data)
	}
	childRun(b, docs, data) // settle: a no-op unless the format or the folder changed
	return docs, data
}

var scaleMu sync.Mutex

// writeKB writes the generated corpus of n chunks as .jsonl files of 1,000
// passages, like kbgen's command.
func writeKB(dir string, n int) error {
	pool, err := kbgen.Pool(context.Background())
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var (
		f    *os.File
		w    *bufio.Writer
		i    int
		werr error
	)
	closeFile := func() error {
		if f == nil {
			return nil
		}
		if err := w.Flush(); err != nil {
			return err
		}
		return f.Close()
	}
	kbgen.Docs(pool, n, scaleSeed+uint64(n), func(d knowledge.Document) bool {
		if i%1000 == 0 {
			if werr = closeFile(); werr != nil {
				return false
			}
			if f, werr = os.Create(filepath.Join(dir, fmt.Sprintf("part-%05d.jsonl", i/1000))); werr != nil {
				return false
			}
			w = bufio.NewWriterSize(f, 1<<20)
		}
		i++
		line, _ := json.Marshal(map[string]string{"id": d.ID, "title": d.Title, "text": d.Text})
		_, werr = w.Write(append(line, '\n'))
		return werr == nil
	})
	if werr != nil {
		return werr
	}
	if err := closeFile(); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, ".complete"), nil, 0o644)
}

// indexBytes is the size of the index file in service under data.
func indexBytes(b *testing.B, data string) int64 {
	b.Helper()
	cur, err := os.ReadFile(filepath.Join(data, "CURRENT"))
	if err != nil {
		b.Fatal(err)
	}
	var total int64
	ents, _ := os.ReadDir(filepath.Join(data, strings.TrimSpace(string(cur))))
	for _, e := range ents {
		if info, err := e.Info(); err == nil {
			total += info.Size()
		}
	}
	return total
}

var scaleLang = sync.OnceValues(retrieval.LoadLanguage)

func lang(b *testing.B) *retrieval.Language {
	b.Helper()
	l, err := scaleLang()
	if err != nil {
		b.Fatal(err)
	}
	return l
}

// memStat is the live heap and resident set of the process, after a GC and
// a scavenge.
type memStat struct{ heap, rss int64 }

func readMem() memStat {
	debug.FreeOSMemory()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return memStat{heap: int64(m.HeapAlloc), rss: vmRSS()}
}

func vmRSS() int64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkIndex builds the index of a generated folder from scratch, as
// policybot index does, in a child process: wall time and peak RSS.
func BenchmarkIndex(b *testing.B) {
	for _, n := range scaleSizes {
		b.Run(fmt.Sprintf("chunks=%d", n), func(b *testing.B) {
			scaleSkip(b, n)
			docs, _ := scaleFixture(b, n)
			var peak int64
			var data string
			for b.Loop() {
				data = b.TempDir()
				_, p := childRun(b, docs, data)
				peak = max(peak, p)
			}
			disk := indexBytes(b, data)
			perOp := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(float64(peak)/(1<<20), "peakRSS-MB")
			b.ReportMetric(float64(peak)/float64(n), "peakRSS-B/chunk")
			b.ReportMetric(float64(n)/perOp, "chunks/s")
			b.ReportMetric(float64(disk)/float64(n), "disk-B/chunk")
		})
	}
}

// BenchmarkLoad opens a saved index and refreshes it from its unchanged
// folder, as every policybot ask does: one op is New + Open. Memory is
// what the last engine opened holds, per chunk.
func BenchmarkLoad(b *testing.B) {
	for _, n := range scaleSizes {
		b.Run(fmt.Sprintf("chunks=%d", n), func(b *testing.B) {
			scaleSkip(b, n)
			docs, data := scaleFixture(b, n)
			l := lang(b)
			ctx := context.Background()
			before := readMem()
			var e *retrieval.Engine
			b.ReportAllocs()
			for b.Loop() {
				var err error
				if e, err = retrieval.New(retrieval.Options{Docs: os.DirFS(docs), DataDir: data, Language: l}); err != nil {
					b.Fatal(err)
				}
				st, err := e.Open(ctx)
				if err != nil || st.Embedded != 0 || len(st.Added)+len(st.Changed)+len(st.Removed) != 0 {
					b.Fatalf("open: %s, %v; want the saved index unchanged", st, err)
				}
			}
			after := readMem()
			chunks := e.Current().Len()
			runtime.KeepAlive(e)
			b.ReportMetric(float64(chunks), "chunks")
			b.ReportMetric(b.Elapsed().Seconds()*1e3/float64(b.N), "ms/load")
			b.ReportMetric(float64(after.heap-before.heap)/float64(chunks), "heapB/chunk")
			b.ReportMetric(float64(after.rss-before.rss)/float64(chunks), "rssB/chunk")
			b.ReportMetric(float64(indexBytes(b, data))/float64(chunks), "disk-B/chunk")
		})
	}
}

// BenchmarkRefresh reloads an open engine from its unchanged folder (what
// /reload and serve --watch do when nothing changed): one op is Reload.
func BenchmarkRefresh(b *testing.B) {
	for _, n := range scaleSizes {
		b.Run(fmt.Sprintf("chunks=%d", n), func(b *testing.B) {
			scaleSkip(b, n)
			docs, data := scaleFixture(b, n)
			e, err := retrieval.New(retrieval.Options{Docs: os.DirFS(docs), DataDir: data, Language: lang(b)})
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			if _, err := e.Open(ctx); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				st, err := e.Reload(ctx)
				if err != nil || st.Embedded != 0 || len(st.Unchanged) == 0 {
					b.Fatalf("reload: %s, %v", st, err)
				}
			}
			b.ReportMetric(b.Elapsed().Seconds()*1e3/float64(b.N), "ms/refresh")
		})
	}
}

// BenchmarkAsk answers seeded questions end to end (analysis, search,
// extractive answer) from an index opened from disk, as serve does; one op
// is a pass over the questions. rssB/chunk and heapB/chunk are what the
// process holds for the engine after all the questions (serve's resident
// memory per chunk), measured from before the engine was opened.
func BenchmarkAsk(b *testing.B) {
	pool, err := kbgen.Pool(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	trad, err := knowledge.NewTraditionalizer()
	if err != nil {
		b.Fatal(err)
	}
	qs := kbgen.Questions(pool, trad, scaleQuestions, scaleSeed)
	sizes := append([]int{0}, scaleSizes...) // 0: the shipped seeds
	for _, n := range sizes {
		name := fmt.Sprintf("chunks=%d", n)
		if n == 0 {
			name = "seeds"
		}
		b.Run(name, func(b *testing.B) {
			scaleSkip(b, n)
			opts := retrieval.Options{Language: lang(b), DataDir: b.TempDir()}
			if n > 0 {
				docs, data := scaleFixture(b, n)
				opts.Docs, opts.DataDir = os.DirFS(docs), data
			}
			ctx := context.Background()
			before := readMem()
			e, err := retrieval.New(opts)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := e.Open(ctx); err != nil {
				b.Fatal(err)
			}
			an := answer.New(e, answer.Options{})
			ask := func(q string) answer.Answer {
				a, err := an.Ask(ctx, answer.Question{Text: q, Offline: true})
				if err != nil {
					b.Fatal(err)
				}
				return a
			}
			loaded := readMem()
			for _, q := range qs[:20] { // warm up
				ask(q)
			}
			b.ReportAllocs()
			durs := make([]time.Duration, 0, 4*len(qs))
			answered := 0
			var m0, m1 runtime.MemStats
			runtime.ReadMemStats(&m0)
			cpu0 := cpuTime()
			for b.Loop() {
				for _, q := range qs {
					t := time.Now()
					a := ask(q)
					durs = append(durs, time.Since(t))
					if a.Answered {
						answered++
					}
				}
			}
			cpu := cpuTime() - cpu0
			runtime.ReadMemStats(&m1)
			after := readMem()
			chunks := e.Current().Len()
			runtime.KeepAlive(e)
			nq := float64(len(durs))
			slices.Sort(durs)
			pct := func(p float64) float64 {
				i := min(max(int(p*nq+0.5)-1, 0), len(durs)-1)
				return float64(durs[i]) / 1e6
			}
			b.ReportMetric(float64(chunks), "chunks")
			b.ReportMetric(pct(0.50), "p50_ms")
			b.ReportMetric(pct(0.95), "p95_ms")
			b.ReportMetric(float64(cpu)/1e6/nq, "cpu-ms/q")
			b.ReportMetric(float64(m1.Mallocs-m0.Mallocs)/nq, "allocs/q")
			b.ReportMetric(float64(answered)/nq, "answered/q")
			b.ReportMetric(float64(loaded.rss-before.rss)/float64(chunks), "load-rssB/chunk")
			b.ReportMetric(float64(after.rss-before.rss)/float64(chunks), "rssB/chunk")
			b.ReportMetric(float64(after.heap-before.heap)/float64(chunks), "heapB/chunk")
		})
	}
}
