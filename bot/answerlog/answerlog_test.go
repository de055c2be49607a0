package answerlog

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
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
