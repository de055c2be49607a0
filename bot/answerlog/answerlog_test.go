package answerlog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

var t0 = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

func rec(id string, at time.Time, q string, answered bool, ms float64, docs ...string) Record {
	r := Record{Kind: KindAnswer, ID: id, Time: at, Chat: Chat{ID: -1, Type: "group", Title: "t"}, Asker: "1",
		Question: q, Answer: "答：" + q, Answered: answered, Path: "extractive", Latency: Latency{RetrieveMS: ms / 2, TotalMS: ms},
		Chunks: []Chunk{{ID: "a#1", Doc: "a", Title: "A doc", Score: 0.5, Cited: true, Excerpt: "证据 <b>"}}}
	if !answered {
		r.Path = "declined"
	}
	for i, d := range docs {
		r.Citations = append(r.Citations, Citation{N: i + 1, Doc: d, Title: "T " + d})
	}
	return r
}

func TestWriterRotates(t *testing.T) {
	dir := t.TempDir()
	w, err := Open(dir, 600, 3)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		if err := w.Append(rec(fmt.Sprint(i), t0.Add(time.Duration(i)*time.Minute), "问题", true, 10)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	files, err := Files(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"answers.2.jsonl", "answers.1.jsonl", "answers.jsonl"}
	if len(files) != len(want) {
		t.Fatalf("files = %v, want %v", files, want)
	}
	for i, f := range files {
		if filepath.Base(f) != want[i] {
			t.Errorf("file %d = %s, want %s", i, filepath.Base(f), want[i])
		}
		st, err := os.Stat(f)
		if err != nil || st.Size() > 600 {
			t.Errorf("%s: size %d, err %v; want ≤ 600", f, st.Size(), err)
		}
	}
	l, err := Read(dir, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Records) == 0 || l.Records[len(l.Records)-1].ID != "19" {
		t.Fatalf("records end with %+v, want the newest (19) last", l.Records[len(l.Records)-1:])
	}
	for i := 1; i < len(l.Records); i++ {
		if l.Records[i].Time.Before(l.Records[i-1].Time) {
			t.Errorf("records out of order at %d", i)
		}
	}
}

func TestSummarize(t *testing.T) {
	dir := t.TempDir()
	w, err := Open(dir, 1<<20, 2)
	if err != nil {
		t.Fatal(err)
	}
	lines := []any{
		rec("a", t0, "上海秘书处几个？", true, 100, "d1"),
		rec("b", t0.Add(time.Hour), "火星税率？", false, 50),
		rec("c", t0.AddDate(0, 0, 2), "火星税率？", false, 70),
		rec("d", t0.AddDate(0, 0, 2), "北京标委会？", true, 300, "d1", "d2"),
		Feedback{Kind: KindFeedback, Time: t0, Record: "a", Asker: "1", Vote: VoteUp},
		Feedback{Kind: KindFeedback, Time: t0, Record: "d", Asker: "1", Vote: VoteUp},
		Feedback{Kind: KindFeedback, Time: t0, Record: "d", Asker: "1", Vote: VoteDown}, // changed
		Feedback{Kind: KindFeedback, Time: t0, Record: "d", Asker: "2", Vote: VoteDown},
	}
	for _, l := range lines {
		if err := w.Append(l); err != nil {
			t.Fatal(err)
		}
	}
	w.Close()
	os.WriteFile(filepath.Join(dir, "answers.1.jsonl"), []byte("not json\n"), 0o644)

	l, err := Read(dir, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	r := Summarize(l)
	checks := []struct {
		name      string
		got, want any
	}{
		{"questions", r.Questions, 4},
		{"declined", r.Declined, 2},
		{"decline rate", r.DeclineRate(), 0.5},
		{"up", r.Up, 1},
		{"down", r.Down, 2},
		{"rated", r.Rated, 2},
		{"p50", r.Latency.P50, 70.0},
		{"p95", r.Latency.P95, 300.0},
		{"gaps", len(r.Gaps), 1},
		{"gap count", r.Gaps[0].Count, 2},
		{"thumbs down", len(r.ThumbsDown), 1},
		{"most cited", r.Cited[0].Doc, "d1"},
		{"most cited count", r.Cited[0].Count, 2},
		{"days incl. quiet one", len(r.Days), 3},
		{"bad lines", r.BadLines, 1},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}

	since, err := Read(dir, t0.AddDate(0, 0, 1))
	if err != nil {
		t.Fatal(err)
	}
	if len(since.Records) != 2 || len(since.Votes) != 1 {
		t.Errorf("since: %d records, %d voted, want 2 and 1", len(since.Records), len(since.Votes))
	}

	var text, page bytes.Buffer
	if err := r.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteHTML(&page, t0); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), "2× 火星税率？") {
		t.Errorf("text report:\n%s", text.String())
	}
	h := page.String()
	if !strings.Contains(h, "证据 &lt;b&gt;") || strings.Contains(h, "证据 <b>") {
		t.Errorf("HTML report does not escape evidence")
	}
	if n := strings.Count(h, "<svg"); n != 3 {
		t.Errorf("HTML report has %d charts, want 3", n)
	}
	if strings.Contains(h, "http://") || strings.Contains(h, "https://") {
		t.Errorf("HTML report refers to a URL")
	}
}

func TestParseSince(t *testing.T) {
	now := time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Time
		bad  bool
	}{
		{in: "", want: time.Time{}},
		{in: "2025-03-01", want: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)},
		{in: "2025-03-01T08:00:00+08:00", want: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)},
		{in: "7d", want: now.AddDate(0, 0, -7)},
		{in: "36h", want: now.Add(-36 * time.Hour)},
		{in: "soon", bad: true},
	}
	for _, tc := range tests {
		got, err := ParseSince(tc.in, now)
		if (err != nil) != tc.bad || !got.Equal(tc.want) {
			t.Errorf("ParseSince(%q) = %v, %v, want %v (error %v)", tc.in, got, err, tc.want, tc.bad)
		}
	}
}

func TestAskersHash(t *testing.T) {
	plain, keyed := NewAskers(""), NewAskers("k")
	if plain.ID(42) != "42" {
		t.Errorf("plain ID = %q", plain.ID(42))
	}
	h := keyed.ID(42)
	if !strings.HasPrefix(h, "h:") || strings.Contains(h, "42") || h != keyed.ID(42) || h == NewAskers("other").ID(42) {
		t.Errorf("keyed ID = %q: want a stable keyed hash", h)
	}
}

// readIDs returns the ids of the records Read finds in dir, oldest first.
func readIDs(t *testing.T, dir string) []string {
	t.Helper()
	l, err := Read(dir, time.Time{})
	if err != nil {
		t.Fatalf("Read(%s): %v", dir, err)
	}
	if l.Bad != 0 {
		t.Errorf("Read(%s): %d unreadable lines, want 0", dir, l.Bad)
	}
	ids := make([]string, len(l.Records))
	for i, r := range l.Records {
		ids[i] = r.ID
	}
	return ids
}

func names(files []string) []string {
	out := make([]string, len(files))
	for i, f := range files {
		out[i] = filepath.Base(f)
	}
	return out
}

func TestWriterKeepsAppendingWhenRotationFails(t *testing.T) {
	errInjected := errors.New("injected")
	failRenameTo := func(target string) func(*Writer) {
		return func(w *Writer) {
			w.rename = func(old, new string) error {
				if filepath.Base(new) == target {
					return &os.LinkError{Op: "rename", Old: old, New: new, Err: errInjected}
				}
				return os.Rename(old, new)
			}
		}
	}
	tests := []struct {
		name     string
		maxFiles int
		// rotated is how many records are written, rotating normally,
		// before the failure starts.
		rotated int
		// fail makes rotations fail; heal undoes it.
		fail, heal func(t *testing.T, w *Writer)
		injected   bool
		// want are the log files once healed and rotated once more.
		want []string
	}{
		{
			name:     "live file cannot be renamed",
			maxFiles: 3,
			fail:     func(t *testing.T, w *Writer) { failRenameTo(rotatedName(1))(w) },
			heal:     func(t *testing.T, w *Writer) { w.rename = os.Rename },
			injected: true,
			want:     []string{"answers.1.jsonl", "answers.jsonl"},
		},
		{
			name:     "older rotation cannot be shifted",
			maxFiles: 4,
			rotated:  3,
			fail:     func(t *testing.T, w *Writer) { failRenameTo(rotatedName(2))(w) },
			heal:     func(t *testing.T, w *Writer) { w.rename = os.Rename },
			injected: true,
			want:     []string{"answers.2.jsonl", "answers.1.jsonl", "answers.jsonl"},
		},
		{
			name:     "oldest rotation cannot be removed",
			maxFiles: 2,
			rotated:  3,
			fail: func(t *testing.T, w *Writer) {
				w.remove = func(name string) error { return &os.PathError{Op: "remove", Path: name, Err: errInjected} }
			},
			heal:     func(t *testing.T, w *Writer) { w.remove = os.Remove },
			injected: true,
			want:     []string{"answers.1.jsonl", "answers.jsonl"},
		},
		{
			// A real failure: os.Remove refuses a folder that is not
			// empty, even for root, so the oldest slot cannot be freed.
			name:     "oldest slot is a folder",
			maxFiles: 2,
			fail: func(t *testing.T, w *Writer) {
				if err := os.MkdirAll(filepath.Join(w.Dir(), rotatedName(1), "x"), 0o750); err != nil {
					t.Fatal(err)
				}
			},
			heal: func(t *testing.T, w *Writer) {
				if err := os.RemoveAll(filepath.Join(w.Dir(), rotatedName(1))); err != nil {
					t.Fatal(err)
				}
			},
			want: []string{"answers.1.jsonl", "answers.jsonl"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			one, err := json.Marshal(rec("00", t0, "问题", true, 10))
			if err != nil {
				t.Fatal(err)
			}
			// Two records fit in a file, three do not.
			w, err := Open(dir, int64(2*(len(one)+1)), tc.maxFiles)
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			n := 0
			appendRec := func() error {
				r := rec(fmt.Sprintf("%02d", n), t0.Add(time.Duration(n)*time.Minute), "问题", true, 10)
				n++
				return w.Append(r)
			}
			for range tc.rotated {
				if err := appendRec(); err != nil {
					t.Fatalf("append %d before the failure: %v", n-1, err)
				}
			}
			before := readIDs(t, dir)

			tc.fail(t, w)
			failed := 0
			for range 5 {
				err := appendRec()
				if err == nil {
					continue
				}
				failed++
				if !strings.Contains(err.Error(), "rotation failed") {
					t.Errorf("append %d: error %q, want a rotation failure with the record kept", n-1, err)
				}
				if tc.injected && !errors.Is(err, errInjected) {
					t.Errorf("append %d: error %v does not wrap the cause", n-1, err)
				}
			}
			if failed == 0 {
				t.Fatal("no rotation failed; the test does not test anything")
			}
			during := readIDs(t, dir)
			if !slices.Equal(during[:len(before)], before) || len(during) != n {
				t.Fatalf("while rotation fails, records = %v, want %d records starting with %v", during, n, before)
			}

			tc.heal(t, w)
			if err := appendRec(); err != nil {
				t.Fatalf("append after the cause is gone: %v", err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			files, err := Files(dir)
			if err != nil {
				t.Fatal(err)
			}
			if got := names(files); !slices.Equal(got, tc.want) {
				t.Errorf("files = %v, want %v", got, tc.want)
			}
			after := readIDs(t, dir)
			if len(after) < len(during)-len(before)+1 || after[len(after)-1] != fmt.Sprintf("%02d", n-1) {
				t.Errorf("after healing, records = %v; want every record since the failure and the newest last", after)
			}
			for i, id := range during[len(before):] {
				if !slices.Contains(after, id) {
					t.Errorf("record %s, written while rotation failed (%d), is gone after rotation", id, i)
				}
			}
		})
	}
}

// TestWriterConcurrentAppendsStayWholeLines appends from many goroutines
// while rotations happen and some fail: every record must be read back
// whole, once.
func TestWriterConcurrentAppendsStayWholeLines(t *testing.T) {
	dir := t.TempDir()
	w, err := Open(dir, 4000, 1000)
	if err != nil {
		t.Fatal(err)
	}
	calls := 0 // rename runs under w.mu
	w.rename = func(old, new string) error {
		calls++
		if calls%3 == 0 {
			return errors.New("injected")
		}
		return os.Rename(old, new)
	}
	const writers, each = 8, 50
	var wg sync.WaitGroup
	for g := range writers {
		wg.Go(func() {
			for i := range each {
				r := rec(fmt.Sprintf("%d-%d", g, i), t0, strings.Repeat("问", 1+i%7), true, 10)
				if err := w.Append(r); err != nil && !strings.Contains(err.Error(), "rotation failed") {
					t.Errorf("Append(%s): %v", r.ID, err)
				}
			}
		})
	}
	wg.Wait()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	ids := readIDs(t, dir)
	seen := make(map[string]int)
	for _, id := range ids {
		seen[id]++
	}
	if len(ids) != writers*each || len(seen) != writers*each {
		t.Errorf("read %d records (%d distinct), want %d", len(ids), len(seen), writers*each)
	}
	files, err := Files(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 3 {
		t.Errorf("files = %v: want several rotations", names(files))
	}
}

func TestWriterSingleFileIsEmptiedInPlace(t *testing.T) {
	dir := t.TempDir()
	w, err := Open(dir, 600, 1)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		if err := w.Append(rec(fmt.Sprint(i), t0.Add(time.Duration(i)*time.Minute), "问题", true, 10)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	files, err := Files(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := names(files); !slices.Equal(got, []string{FileName}) {
		t.Errorf("files = %v, want only %s", got, FileName)
	}
	if st, err := os.Stat(files[0]); err != nil || st.Size() > 600 {
		t.Errorf("%s: %v, %v; want ≤ 600 bytes", files[0], st, err)
	}
	if ids := readIDs(t, dir); len(ids) == 0 || ids[len(ids)-1] != "19" {
		t.Errorf("records = %v, want the newest (19) last", ids)
	}
}

func TestAppendAfterCloseFails(t *testing.T) {
	w, err := Open(t.TempDir(), 600, 2)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Append(rec("x", t0, "q", true, 1)); err == nil {
		t.Error("Append after Close = nil, want an error")
	}
}

func TestSummarizeMarksFollowUps(t *testing.T) {
	const (
		iso      = "上海承担了多少个ISO/IEC秘书处？"
		zhejiang = "浙江共确定多少个市县开展省级试点？"
		national = "那全国标委会秘书处呢？"
	)
	follow := func(id string, at time.Time, q string, of string, context ...string) Record {
		r := rec(id, at, q, false, 10)
		r.Via, r.FollowUpOf, r.Context = "reply", of, context
		return r
	}
	old := rec("e", t0.Add(4*time.Minute), national, false, 10)
	old.Previous = zhejiang // written before follow_up_of and context
	l := &Log{Records: []Record{
		rec("a", t0, iso, true, 10),
		follow("b", t0.Add(time.Minute), national, "a", iso),
		follow("c", t0.Add(2*time.Minute), national, "a", iso),
		follow("d", t0.Add(3*time.Minute), "市级标委会呢？", "b", iso, national),
		old,
		rec("f", t0.Add(5*time.Minute), national, false, 10), // a fresh question, not a follow-up
	}}
	r := Summarize(l)
	if r.FollowUps != 4 || r.FollowUpsDeclined != 4 {
		t.Errorf("follow-ups = %d (declined %d), want 4 (4)", r.FollowUps, r.FollowUpsDeclined)
	}
	got := map[string]int{}
	for _, g := range r.Gaps {
		got[g.Resolved()] = g.Count
	}
	want := map[string]int{
		national + " ← " + iso:                2,
		"市级标委会呢？ ← " + national + " ← " + iso: 1,
		national + " ← " + zhejiang:           1,
		national:                              1,
	}
	if len(got) != len(want) {
		t.Errorf("gaps = %v, want %v", got, want)
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("gap %q = %d, want %d (all: %v)", k, got[k], n, got)
		}
	}
	var text, page bytes.Buffer
	if err := r.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteHTML(&page, t0); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"Follow-ups      4 (declined 4)", "2× 那全国标委会秘书处呢？ ← 上海承担了多少个ISO/IEC秘书处？"} {
		if !strings.Contains(text.String(), w) {
			t.Errorf("text report lacks %q:\n%s", w, text.String())
		}
	}
	for _, w := range []string{"follow-ups (4 declined)", `市级标委会呢？ <span class="ctx">← 那全国标委会秘书处呢？</span> <span class="ctx">← 上海承担了多少个ISO/IEC秘书处？</span>`} {
		if !strings.Contains(page.String(), w) {
			t.Errorf("HTML report lacks %q", w)
		}
	}
}

func TestFollowUpRecordRoundTrip(t *testing.T) {
	dir := t.TempDir()
	w, err := Open(dir, 1<<20, 2)
	if err != nil {
		t.Fatal(err)
	}
	r := rec("b", t0, "那全国标委会秘书处呢？", true, 10)
	r.FollowUpOf, r.Context = "a", []string{"上海承担了多少个ISO/IEC秘书处？"}
	if err := w.Append(r); err != nil {
		t.Fatal(err)
	}
	w.Close()
	raw, err := os.ReadFile(filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{`"follow_up_of":"a"`, `"context":["上海承担了多少个ISO/IEC秘书处？"]`} {
		if !bytes.Contains(raw, []byte(k)) {
			t.Errorf("log line lacks %s: %s", k, raw)
		}
	}
	if bytes.Contains(raw, []byte(`"previous"`)) {
		t.Errorf("log line writes previous: %s", raw)
	}
	l, err := Read(dir, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if got := l.Records[0]; got.FollowUpOf != "a" || !slices.Equal(got.Context, r.Context) {
		t.Errorf("read back %+v", got)
	}
}
