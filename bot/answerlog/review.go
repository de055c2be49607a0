package answerlog

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"
)

// Log is what a log folder holds: answer records, oldest first, and each
// record's resolved feedback.
type Log struct {
	Records []Record
	// Votes maps a record id to its askers' latest votes.
	Votes map[string]map[string]Vote
	// Bad counts lines that could not be decoded.
	Bad int
}

// Files lists the log files of dir, oldest first.
func Files(dir string) ([]string, error) {
	matches, err := filepath.Glob(filepath.Join(dir, "answers.*.jsonl"))
	if err != nil {
		return nil, err
	}
	num := func(p string) int {
		var n int
		fmt.Sscanf(strings.TrimSuffix(strings.TrimPrefix(filepath.Base(p), "answers."), ".jsonl"), "%d", &n)
		return n
	}
	// Only files: a rotation slot taken by something else (a folder, say)
	// is what makes a rotation fail, and must not stop the review.
	matches = slices.DeleteFunc(matches, func(p string) bool {
		st, err := os.Stat(p)
		return err != nil || !st.Mode().IsRegular()
	})
	sort.Slice(matches, func(i, j int) bool { return num(matches[i]) > num(matches[j]) })
	live := filepath.Join(dir, FileName)
	if st, err := os.Stat(live); err == nil && st.Mode().IsRegular() {
		matches = append(matches, live)
	}
	if len(matches) == 0 {
		return nil, fmt.Errorf("no answer log in %s", dir)
	}
	return matches, nil
}

// Read loads the log files of dir; records before since (if not zero) are
// left out, feedback on them too.
func Read(dir string, since time.Time) (*Log, error) {
	files, err := Files(dir)
	if err != nil {
		return nil, err
	}
	l := &Log{Votes: make(map[string]map[string]Vote)}
	for _, p := range files {
		f, err := os.Open(p)
		if err != nil {
			return nil, err
		}
		err = l.read(f, since)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", p, err)
		}
	}
	keep := make(map[string]bool, len(l.Records))
	for _, r := range l.Records {
		keep[r.ID] = true
	}
	for id := range l.Votes {
		if !keep[id] {
			delete(l.Votes, id)
		}
	}
	return l, nil
}

func (l *Log) read(r io.Reader, since time.Time) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		line := sc.Bytes()
		if len(strings.TrimSpace(string(line))) == 0 {
			continue
		}
		var head struct {
			Kind string `json:"kind"`
		}
		if err := json.Unmarshal(line, &head); err != nil {
			l.Bad++
			continue
		}
		switch head.Kind {
		case KindAnswer:
			var rec Record
			if err := json.Unmarshal(line, &rec); err != nil {
				l.Bad++
				continue
			}
			if !since.IsZero() && rec.Time.Before(since) {
				continue
			}
			l.Records = append(l.Records, rec)
		case KindFeedback:
			var fb Feedback
			if err := json.Unmarshal(line, &fb); err != nil || (fb.Vote != VoteUp && fb.Vote != VoteDown) {
				l.Bad++
				continue
			}
			m := l.Votes[fb.Record]
			if m == nil {
				m = make(map[string]Vote)
				l.Votes[fb.Record] = m
			}
			m[fb.Asker] = fb.Vote
		default:
			l.Bad++
		}
	}
	return sc.Err()
}

// Report is the summary reviewers read.
type Report struct {
	From, To  time.Time
	Questions int
	// FollowUps are questions answered with a thread's context; of them,
	// FollowUpsDeclined were declined.
	FollowUps         int
	FollowUpsDeclined int
	Answered          int
	Declined          int
	Failed            int
	Up, Down          int
	Rated             int // answers with at least one vote
	Paths             map[string]int
	Latency           Percentiles // total
	Retrieve          Percentiles
	Gaps              []Gap
	ThumbsDown        []Judged
	Cited             []DocCount
	Days              []Day
	BadLines          int
}

// Percentiles of a latency, in milliseconds.
type Percentiles struct{ P50, P90, P95, P99, Max float64 }

// Gap is a declined question, a hint at what the knowledge base lacks. A
// follow-up is a gap with its thread: the same words after other questions
// are another gap.
type Gap struct {
	Question string
	// Context is the thread's earlier questions, oldest first, for a
	// follow-up.
	Context []string
	Count   int
	Last    time.Time
}

// Resolved is the question with the thread it continues
// ("那全国标委会秘书处呢？ ← 上海承担了多少个ISO/IEC秘书处？").
func (g Gap) Resolved() string { return Resolve(g.Question, g.Context) }

// Judged is an answer someone voted down, with its evidence.
type Judged struct {
	Record Record
	Up     int
	Down   int
}

// DocCount is how often a document was cited.
type DocCount struct {
	Doc, Title string
	Count      int
}

// Day is one day of activity.
type Day struct {
	Date                                 time.Time
	Questions, Declined, Up, Down, Fails int
}

// DeclineRate is the share of questions declined.
func (r *Report) DeclineRate() float64 {
	if r.Questions == 0 {
		return 0
	}
	return float64(r.Declined) / float64(r.Questions)
}

// FeedbackRatio is the share of votes that are 👍.
func (r *Report) FeedbackRatio() float64 {
	if r.Up+r.Down == 0 {
		return 0
	}
	return float64(r.Up) / float64(r.Up+r.Down)
}

// Summarize builds the report of a log.
func Summarize(l *Log) *Report {
	rep := &Report{Paths: make(map[string]int), BadLines: l.Bad}
	var total, retrieve []float64
	gaps := make(map[string]*Gap)
	cited := make(map[string]*DocCount)
	days := make(map[time.Time]*Day)
	day := func(t time.Time) *Day {
		k := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		d := days[k]
		if d == nil {
			d = &Day{Date: k}
			days[k] = d
		}
		return d
	}
	for _, r := range l.Records {
		t := r.Time.UTC()
		if rep.From.IsZero() || t.Before(rep.From) {
			rep.From = t
		}
		if t.After(rep.To) {
			rep.To = t
		}
		rep.Questions++
		d := day(t)
		d.Questions++
		rep.Paths[r.Path]++
		follow := r.IsFollowUp()
		if follow {
			rep.FollowUps++
		}
		switch {
		case r.Error != "" && r.Answer == "":
			rep.Failed++
			d.Fails++
		case r.Answered:
			rep.Answered++
		default:
			rep.Declined++
			d.Declined++
			if follow {
				rep.FollowUpsDeclined++
			}
			key := r.Resolved()
			g := gaps[key]
			if g == nil {
				g = &Gap{Question: strings.TrimSpace(r.Question), Context: r.Thread()}
				gaps[key] = g
			}
			g.Count++
			if t.After(g.Last) {
				g.Last = t
			}
		}
		if r.Latency.TotalMS > 0 {
			total = append(total, r.Latency.TotalMS)
			retrieve = append(retrieve, r.Latency.RetrieveMS)
		}
		seen := make(map[string]bool)
		for _, c := range r.Citations {
			if seen[c.Doc] {
				continue
			}
			seen[c.Doc] = true
			dc := cited[c.Doc]
			if dc == nil {
				dc = &DocCount{Doc: c.Doc, Title: c.Title}
				cited[c.Doc] = dc
			}
			dc.Count++
		}
		up, down := 0, 0
		for _, v := range l.Votes[r.ID] {
			if v == VoteUp {
				up++
			} else {
				down++
			}
		}
		rep.Up += up
		rep.Down += down
		d.Up += up
		d.Down += down
		if up+down > 0 {
			rep.Rated++
		}
		if down > 0 {
			rep.ThumbsDown = append(rep.ThumbsDown, Judged{Record: r, Up: up, Down: down})
		}
	}
	rep.Latency = percentiles(total)
	rep.Retrieve = percentiles(retrieve)
	for _, g := range gaps {
		rep.Gaps = append(rep.Gaps, *g)
	}
	sort.Slice(rep.Gaps, func(i, j int) bool {
		if rep.Gaps[i].Count != rep.Gaps[j].Count {
			return rep.Gaps[i].Count > rep.Gaps[j].Count
		}
		return rep.Gaps[i].Last.After(rep.Gaps[j].Last)
	})
	for _, c := range cited {
		rep.Cited = append(rep.Cited, *c)
	}
	sort.Slice(rep.Cited, func(i, j int) bool {
		if rep.Cited[i].Count != rep.Cited[j].Count {
			return rep.Cited[i].Count > rep.Cited[j].Count
		}
		return rep.Cited[i].Doc < rep.Cited[j].Doc
	})
	sort.Slice(rep.ThumbsDown, func(i, j int) bool {
		return rep.ThumbsDown[i].Record.Time.After(rep.ThumbsDown[j].Record.Time)
	})
	// Every day between the first and last, so charts show quiet days.
	if len(days) > 0 {
		first := day(rep.From).Date
		last := day(rep.To).Date
		for t := first; !t.After(last); t = t.AddDate(0, 0, 1) {
			rep.Days = append(rep.Days, *day(t))
		}
	}
	return rep
}

func percentiles(v []float64) Percentiles {
	if len(v) == 0 {
		return Percentiles{}
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	at := func(p float64) float64 {
		i := int(math.Ceil(p*float64(len(s)))) - 1
		return s[max(0, min(i, len(s)-1))]
	}
	return Percentiles{P50: at(0.50), P90: at(0.90), P95: at(0.95), P99: at(0.99), Max: s[len(s)-1]}
}

// ParseSince reads a --since value: a date (2006-01-02), an RFC 3339 time,
// or a duration back from now such as 36h or 7d.
func ParseSince(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation("2006-01-02", s, time.UTC); err == nil {
		return t, nil
	}
	if n, ok := strings.CutSuffix(s, "d"); ok {
		var days int
		if _, err := fmt.Sscanf(n, "%d", &days); err == nil && days >= 0 {
			return now.AddDate(0, 0, -days), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	return time.Time{}, errors.New("want a date (2006-01-02), an RFC 3339 time, or a duration such as 7d or 36h")
}
