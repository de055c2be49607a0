package retrieval

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/policybot/policybot/knowledge"
	"github.com/policybot/policybot/retrieval/internal/kbgen"
	"github.com/policybot/policybot/retrieval/internal/segfile"
)

// dumpIndex renders everything a query can read from an index: chunks,
// document lengths, vectors, every term's postings, the pinyin map and the
// documents (without their indexing times).
func dumpIndex(t *testing.T, ix *Index) string {
	t.Helper()
	var b strings.Builder
	for i := range ix.Len() {
		c, err := ix.Chunk(i)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "chunk %d %+v len %g\n", i, c, ix.lex.docLen[i])
		if ix.local {
			v, err := ix.vecRaw(i)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "  vec %s\n", hex.EncodeToString(v))
		}
	}
	for i := range ix.lex.nTerms {
		term, err := ix.lex.termString(i)
		if err != nil {
			t.Fatal(err)
		}
		df, ps, err := ix.lex.postingsOf(i)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "term %q df %d:", term, df)
		r := newPostingReader(ps, df, ix.n)
		for {
			d, tf, ok := r.next()
			if !ok {
				break
			}
			fmt.Fprintf(&b, " %d×%d", d, tf)
		}
		if r.err != nil {
			t.Fatal(r.err)
		}
		b.WriteByte('\n')
		for _, k := range readingsOf(testLang().py, term) {
			got := ix.bigramsReadAs(testLang().py, strings.Fields(k)[0], strings.Fields(k)[1])
			fmt.Fprintf(&b, "  reads %s: %v\n", k, got)
		}
	}
	for _, d := range ix.Docs() {
		d.IndexedAt = time.Time{}
		fmt.Fprintf(&b, "doc %+v\n", d)
	}
	if err := ix.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// generatedFolder is a knowledge folder of generated documents: n .txt files
// and a .jsonl file of n more.
func generatedFolder(t *testing.T, n int) fstest.MapFS {
	t.Helper()
	pool, err := kbgen.Pool(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	docs := fstest.MapFS{}
	var jsonl bytes.Buffer
	i := 0
	kbgen.Docs(pool, 2*n, 7, func(d knowledge.Document) bool {
		if i%2 == 0 {
			docs[fmt.Sprintf("dept%d/doc%04d.txt", i%5, i)] = &fstest.MapFile{Data: []byte(d.Title + "\n一、总体要求\n" + d.Text + "\n")}
		} else {
			line, _ := json.Marshal(map[string]string{"id": fmt.Sprintf("bulk/%04d", i), "title": d.Title, "text": d.Text})
			jsonl.Write(append(line, '\n'))
		}
		i++
		return true
	})
	docs["bulk.jsonl"] = &fstest.MapFile{Data: jsonl.Bytes()}
	return docs
}

// TestIncrementalBuildEqualsFullBuild: a reload that keeps some documents,
// changes, removes and adds others, merging the kept chunks' postings,
// makes the same index as building the final folder from scratch.
func TestIncrementalBuildEqualsFullBuild(t *testing.T) {
	// Most texts go through the spill file.
	defer func(n int) { spillAfter = n }(spillAfter)
	spillAfter = 2000
	docs := generatedFolder(t, 120)
	e, err := New(Options{Language: testLang(), Docs: docs, DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	// Change, remove and add documents, in files and in the bulk file.
	docs["dept0/doc0000.txt"] = &fstest.MapFile{Data: []byte("第一号通知\n嘉兴市新建标准化试点45个。\n")}
	delete(docs, "dept2/doc0002.txt")
	docs["dept9/new.txt"] = &fstest.MapFile{Data: []byte("新文件\n宁波港口集装箱吞吐量达到3530万标准箱。\n")}
	lines := strings.Split(strings.TrimSpace(string(docs["bulk.jsonl"].Data)), "\n")
	lines[3] = `{"id":"bulk/0007","title":"改过的","text":"杭州软件企业共有936家。"}`
	lines = append(lines[:10], lines[12:]...)
	docs["bulk.jsonl"] = &fstest.MapFile{Data: []byte(strings.Join(lines, "\n") + "\n")}
	st, err := e.Reload(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Added) != 1 || len(st.Changed) != 2 || len(st.Removed) != 3 || st.Embedded == st.Chunks {
		t.Errorf("reload = %s, want 1 added, 2 changed, 3 removed, most chunks kept", st)
	}
	full, err := New(Options{Language: testLang(), Docs: docs})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := full.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	got, want := dumpIndex(t, e.Current()), dumpIndex(t, full.Current())
	if got != want {
		gl, wl := strings.Split(got, "\n"), strings.Split(want, "\n")
		for i := range min(len(gl), len(wl)) {
			if gl[i] != wl[i] {
				t.Fatalf("incremental and full builds differ at line %d:\n got %.300s\nwant %.300s", i, gl[i], wl[i])
			}
		}
		t.Fatalf("incremental build has %d lines, full build %d", len(gl), len(wl))
	}
}

// TestUnchangedFilesAreNotRead: files whose fingerprint is unchanged (and
// was taken outside the racy window) are not read again; a file rewritten
// with the same size keeps nothing stale.
func TestUnchangedFilesAreNotRead(t *testing.T) {
	dir := t.TempDir()
	old := time.Now().Add(-time.Hour)
	write := func(name, text string, mtime time.Time) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
	write("a.txt", "杭州软件企业共有936家。", old)
	write("b.txt", "宁波港口集装箱吞吐量达到3530万标准箱。", old)
	write("c.bin.txt", "\x00\x01binary", old) // skipped, and remembered as skipped
	data := t.TempDir()
	// The clock runs a second ahead, so that files written now have settled
	// (their ctime is now).
	later := time.Now().Add(time.Second)
	open := func() (*Engine, BuildStats) {
		t.Helper()
		e, err := New(Options{Language: testLang(), Docs: os.DirFS(dir), DataDir: data})
		if err != nil {
			t.Fatal(err)
		}
		e.now = func() time.Time { return later }
		st, err := e.Open(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return e, st
	}
	e, _ := open()
	sc, err := scanFolder(context.Background(), e.loader, e.docs, e.Current(), later, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sc.read != 0 || len(sc.skipped) != 1 {
		t.Errorf("rescan of an unchanged folder read %d files, skipped %v; want none read, c.bin.txt skipped", sc.read, sc.skipped)
	}
	// Same size, new content, a new mtime: read again, and changed.
	write("a.txt", "杭州软件企业共有937家。", old.Add(time.Minute))
	e, st := open()
	if len(st.Changed) != 1 || st.Changed[0] != "a.txt" || len(st.Unchanged) != 1 {
		t.Errorf("after rewriting a.txt: %s, want a.txt changed, b.txt unchanged", st)
	}
	if a, _ := topEvidence(e, "杭州软件企业共有多少家？"); !strings.Contains(a, "937") {
		t.Errorf("top evidence %q, want the new 937", a)
	}
	// Just written: the fingerprint is not trusted, so the file is read
	// (and hashed) at every start until it has settled.
	write("b.txt", "宁波港口集装箱吞吐量达到3531万标准箱。", later)
	open()
	e, _ = open()
	sc, _ = scanFolder(context.Background(), e.loader, e.docs, e.Current(), later, nil)
	if sc.read != 1 {
		t.Errorf("a file modified just now: read %d files, want 1 (its fingerprint is not trusted yet)", sc.read)
	}
}

func TestTrustworthy(t *testing.T) {
	now := time.Unix(1_800_000_000, 500_000_000)
	ns := func(d time.Duration) int64 { return now.Add(d).UnixNano() }
	tests := []struct {
		name string
		fp   fingerprint
		want bool
	}{
		{"no mtime", fingerprint{size: 3}, false},
		{"an hour ago", fingerprint{mtime: ns(-time.Hour) + 7}, true},
		{"just now", fingerprint{mtime: ns(-10 * time.Millisecond)}, false},
		{"in the future", fingerprint{mtime: ns(time.Hour)}, false},
		{"whole second, 1 s ago", fingerprint{mtime: now.Add(-time.Second).Truncate(time.Second).UnixNano()}, false},
		{"whole second, 3 s ago", fingerprint{mtime: now.Add(-3 * time.Second).Truncate(time.Second).UnixNano()}, true},
		{"old mtime, changed just now", fingerprint{mtime: ns(-time.Hour) + 7, ctime: ns(-time.Millisecond)}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := trustworthy(tt.fp, now); got != tt.want {
				t.Errorf("trustworthy(%+v) = %v, want %v", tt.fp, got, tt.want)
			}
		})
	}
}

// indexPath is the index file of the generation in service under data.
func indexPath(t *testing.T, data string) string {
	t.Helper()
	cur, err := os.ReadFile(filepath.Join(data, currentFile))
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(data, strings.TrimSpace(string(cur)), indexFile)
}

// flipInSection flips a byte in the middle of a section of the index file.
func flipInSection(t *testing.T, path, section string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := segfile.FromBytes(raw)
	if err != nil {
		t.Fatal(err)
	}
	s, ok := f.Section(section)
	if !ok || s.Len == 0 {
		t.Fatalf("no section %s", section)
	}
	raw[s.Off+s.Len/2] ^= 0x40
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestDamageFoundByAQuestionRebuilds: a bad block in the postings is not
// read at start; the question that reads it fails (never a wrong answer or
// a panic), the generation is marked damaged, and the next start rebuilds
// it with a message.
func TestDamageFoundByAQuestionRebuilds(t *testing.T) {
	data := t.TempDir()
	docs := generatedFolder(t, 100)
	e, _ := New(Options{Language: testLang(), Docs: docs, DataDir: data})
	if _, err := e.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	flipInSection(t, indexPath(t, data), secPostings)
	pool, err := kbgen.Pool(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	trad, err := knowledge.NewTraditionalizer()
	if err != nil {
		t.Fatal(err)
	}

	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	e2, _ := New(Options{Language: testLang(), Docs: docs, DataDir: data, Logger: log})
	if _, err := e2.Open(context.Background()); err != nil {
		t.Fatalf("Open: %v", err)
	}
	var failed bool
	for _, q := range kbgen.Questions(pool, trad, 200, 1) {
		if _, err := e2.Search(context.Background(), q, 3); err != nil {
			if !IsCorrupt(err) {
				t.Errorf("Search(%q) error = %v, want a corruption error", q, err)
			}
			failed = true
		}
	}
	if !failed {
		t.Fatal("no question ran into the damaged postings")
	}
	if !strings.Contains(logs.String(), "damaged") {
		t.Errorf("log %q does not report the damage", logs.String())
	}
	logs.Reset()
	e3, _ := New(Options{Language: testLang(), Docs: docs, DataDir: data, Logger: log})
	st, err := e3.Open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.Embedded == 0 || !strings.Contains(logs.String(), "rebuilding") {
		t.Errorf("damaged index not rebuilt with a message: %s; log %q", st, logs.String())
	}
	for _, q := range kbgen.Questions(pool, trad, 200, 1) {
		if _, err := e3.Search(context.Background(), q, 3); err != nil {
			t.Fatalf("after the rebuild, Search(%q): %v", q, err)
		}
	}
}

// TestVerifyIndexFindsDamageAtOpen: with VerifyIndex (policybot index),
// damage anywhere in the file is found at start and rebuilt.
func TestVerifyIndexFindsDamageAtOpen(t *testing.T) {
	for _, sec := range []string{secChunks, secVectors, secPostings, secDocs} {
		t.Run(sec, func(t *testing.T) {
			data := t.TempDir()
			e, _ := New(Options{Language: testLang(), Docs: twoScripts(), DataDir: data})
			if _, err := e.Open(context.Background()); err != nil {
				t.Fatal(err)
			}
			flipInSection(t, indexPath(t, data), sec)
			var logs bytes.Buffer
			e2, _ := New(Options{Language: testLang(), Docs: twoScripts(), DataDir: data, VerifyIndex: true,
				Logger: slog.New(slog.NewTextHandler(&logs, nil))})
			st, err := e2.Open(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if st.Embedded == 0 || !strings.Contains(logs.String(), "rebuilding") {
				t.Errorf("damage in %s not rebuilt at open: %s; log %q", sec, st, logs.String())
			}
		})
	}
}

// TestOldFormatRebuilds: an index of the previous format (gob files and a
// version-1 manifest) is rebuilt with a message.
func TestOldFormatRebuilds(t *testing.T) {
	data := t.TempDir()
	gen := filepath.Join(data, "gen-20260101T000000.000000000")
	if err := os.MkdirAll(gen, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(gen, manifestFile), []byte(`{"version":1,"embedder":"local-hash-ngram-v1-256","dim":256,"chunks":3}`), 0o644)
	os.WriteFile(filepath.Join(data, currentFile), []byte("gen-20260101T000000.000000000\n"), 0o644)
	var logs bytes.Buffer
	e, _ := New(Options{Language: testLang(), Docs: twoScripts(), DataDir: data, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	st, err := e.Open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.Embedded == 0 || !strings.Contains(logs.String(), "index format 1") {
		t.Errorf("old format: %s; log %q", st, logs.String())
	}
}

// TestOtherAnalysisRebuilds: an index whose chunks were cut and folded by
// another analysis version is rebuilt from the documents at open, not
// served with terms the questions no longer produce.
func TestOtherAnalysisRebuilds(t *testing.T) {
	data := t.TempDir()
	e, _ := New(Options{Language: testLang(), Docs: twoScripts(), DataDir: data})
	if _, err := e.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	gen := e.Current().dir
	path := filepath.Join(gen, manifestFile)
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	old := strings.Replace(string(raw), fmt.Sprintf(`"analysis": %d`, analysisVersion), `"analysis": 1`, 1)
	if old == string(raw) {
		t.Fatalf("manifest has no analysis version: %s", raw)
	}
	if err := os.WriteFile(path, []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	e2, _ := New(Options{Language: testLang(), Docs: twoScripts(), DataDir: data, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	st, err := e2.Open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.Embedded == 0 || !strings.Contains(logs.String(), "another version of policybot") {
		t.Errorf("other analysis version: %s, log %q; want a rebuild", st, logs.String())
	}
}

// TestStoredPinyinMapMatchesVocabulary: the map stored with the index
// gives, for every reading, what a scan of the vocabulary gives.
func TestStoredPinyinMapMatchesVocabulary(t *testing.T) {
	e, err := New(Options{Language: testLang(), DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	ix := e.Current()
	py := testLang().py
	if ix.pinyin != py.Version() {
		t.Fatalf("stored index has pinyin map %q, want %q", ix.pinyin, py.Version())
	}
	want := make(map[string][]string)
	for i := range ix.lex.nTerms {
		term, err := ix.lex.termString(i)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range readingsOf(py, term) {
			want[k] = append(want[k], term)
		}
	}
	if len(want) < 100 {
		t.Fatalf("only %d readings in the seed vocabulary", len(want))
	}
	for k, terms := range want {
		a, b, _ := strings.Cut(k, " ")
		if got := ix.bigramsReadAs(py, a, b); !slices.Equal(got, terms) {
			t.Errorf("bigramsReadAs(%s) = %v, want %v", k, got, terms)
		}
	}
	if got := ix.bigramsReadAs(py, "zzz", "qqq"); len(got) != 0 {
		t.Errorf("bigramsReadAs(zzz qqq) = %v, want none", got)
	}
}

// A huge CURRENT (damage, or an attack) is an unusable index, rebuilt with
// a short message: it is not read whole, nor logged whole.
func TestHugeIndexPointerRebuilds(t *testing.T) {
	dir := t.TempDir()
	docs := fstest.MapFS{"a.txt": {Data: []byte("杭州软件企业共有936家。")}}
	e, _ := New(Options{Language: testLang(), Docs: docs, DataDir: dir})
	if _, err := e.Open(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, currentFile), bytes.Repeat([]byte("g"), 10<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	e2, _ := New(Options{Language: testLang(), Docs: docs, DataDir: dir, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if _, err := e2.Open(t.Context()); err != nil {
		t.Fatalf("Open with a huge index pointer: %v", err)
	}
	if !strings.Contains(logs.String(), "rebuilding") || logs.Len() > 4096 {
		t.Errorf("log (%d bytes) = %.300q; want a short message that the index is rebuilt", logs.Len(), logs.String())
	}
}
