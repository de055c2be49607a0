package state

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/policybot/policybot/bot/answerlog"
)

var t0 = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

// clock is an injectable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// open opens a store; without a clock it gets one stopped at t0.
func open(t *testing.T, path string, opts Options) *Store {
	t.Helper()
	if opts.Now == nil {
		opts.Now = (&clock{t: t0}).Now
	}
	s, err := Open(context.Background(), path, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func answer(id string, chat int64, asker, q string, at time.Time, msgs ...int) answerlog.Record {
	return answerlog.Record{Kind: answerlog.KindAnswer, ID: id, Time: at, Chat: answerlog.Chat{ID: chat, Type: "supergroup"},
		Asker: asker, Question: q, Answered: true, MessageIDs: msgs}
}

func vote(s *Store, record string, chat int64, asker string, v answerlog.Vote) (answerlog.Vote, bool, error) {
	return s.Vote(context.Background(), answerlog.Feedback{Kind: answerlog.KindFeedback, Time: t0, Record: record, Chat: chat, Asker: asker, Vote: v})
}

func TestAnswersByMessage(t *testing.T) {
	ctx := context.Background()
	s := open(t, filepath.Join(t.TempDir(), "state.db"), Options{})
	root := answer("r1", -100, "7", "上海承担了多少个ISO/IEC秘书处？", t0, 1001, 1002)
	follow := answer("r2", -100, "7", "那全国标委会秘书处呢？", t0.Add(time.Minute), 1004)
	follow.FollowUpOf, follow.Context = "r1", []string{root.Question}
	for _, r := range []answerlog.Record{root, follow} {
		if err := s.SaveAnswer(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name string
		chat int64
		msg  int
		want *answerlog.Record
	}{
		{"first part", -100, 1001, &root},
		{"second part", -100, 1002, &root},
		{"follow-up", -100, 1004, &follow},
		{"not an answer", -100, 1003, nil},
		{"same id in another chat", -200, 1001, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok, err := s.AnswerAt(ctx, tc.chat, tc.msg)
			if err != nil {
				t.Fatal(err)
			}
			if tc.want == nil {
				if ok {
					t.Errorf("AnswerAt(%d, %d) = %+v, want none", tc.chat, tc.msg, got)
				}
				return
			}
			w := *tc.want
			if !ok || got.ID != w.ID || got.Asker != w.Asker || got.Question != w.Question || got.FollowUpOf != w.FollowUpOf ||
				!slices.Equal(got.Context, w.Context) || got.Chat.ID != w.Chat.ID || !got.Time.Equal(w.Time) || !got.Answered {
				t.Errorf("AnswerAt(%d, %d) = %+v, %v; want %+v", tc.chat, tc.msg, got, ok, w)
			}
		})
	}
}

func TestVotes(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "state.db"), Options{})
	if err := s.SaveAnswer(context.Background(), answer("r1", -100, "7", "问题", t0, 1001)); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name     string
		record   string
		chat     int64
		asker    string
		vote     answerlog.Vote
		prev     answerlog.Vote
		known    bool
		up, down int
	}{
		{"first vote", "r1", -100, "7", answerlog.VoteUp, "", true, 1, 0},
		{"same vote again", "r1", -100, "7", answerlog.VoteUp, answerlog.VoteUp, true, 1, 0},
		{"another asker", "r1", -100, "8", answerlog.VoteUp, "", true, 2, 0},
		{"changed", "r1", -100, "7", answerlog.VoteDown, answerlog.VoteUp, true, 1, 1},
		{"unknown answer", "000000000000000000", -100, "7", answerlog.VoteUp, "", false, 1, 1},
		{"answer of another chat", "r1", 7, "7", answerlog.VoteUp, "", false, 1, 1},
	}
	for _, st := range steps {
		prev, known, err := vote(s, st.record, st.chat, st.asker, st.vote)
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		up, down, err := s.Votes(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if prev != st.prev || known != st.known || up != st.up || down != st.down {
			t.Errorf("%s: Vote = %q, %v; totals 👍 %d 👎 %d; want %q, %v; 👍 %d 👎 %d", st.name, prev, known, up, down, st.prev, st.known, st.up, st.down)
		}
	}
	if _, _, err := vote(s, "r1", -100, "7", "sideways"); err == nil {
		t.Errorf("a vote that is neither up nor down was accepted")
	}
}

func TestReopenedStoreRemembers(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sub", "state.db")
	s, err := Open(ctx, path, Options{Now: (&clock{t: t0}).Now})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SaveAnswer(ctx, answer("r1", -100, "7", "问题", t0, 1001)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := vote(s, "r1", -100, "7", answerlog.VoteUp); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open(t, path, Options{})
	if rec, ok, err := s.AnswerAt(ctx, -100, 1001); err != nil || !ok || rec.ID != "r1" {
		t.Errorf("after reopening, AnswerAt = %+v, %v, %v", rec, ok, err)
	}
	prev, known, err := vote(s, "r1", -100, "7", answerlog.VoteUp)
	if err != nil || !known || prev != answerlog.VoteUp {
		t.Errorf("after reopening, the same vote = %q, %v, %v; want already up", prev, known, err)
	}
	if up, down, _ := s.Votes(ctx); up != 1 || down != 0 {
		t.Errorf("after reopening, totals 👍 %d 👎 %d, want 1 and 0", up, down)
	}
}

func TestOldAnswersAreForgotten(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: t0}
	path := filepath.Join(t.TempDir(), "state.db")
	s := open(t, path, Options{Keep: 48 * time.Hour, Now: c.Now})
	for _, r := range []answerlog.Record{answer("old", -100, "7", "旧", t0, 1001), answer("new", -100, "7", "新", t0.Add(47*time.Hour), 1002)} {
		if err := s.SaveAnswer(ctx, r); err != nil {
			t.Fatal(err)
		}
		if _, _, err := vote(s, r.ID, -100, "7", answerlog.VoteUp); err != nil {
			t.Fatal(err)
		}
	}
	c.Advance(49 * time.Hour) // the old answer is past Keep, the new one not
	if err := s.SaveAnswer(ctx, answer("newest", -100, "7", "最新", c.Now(), 1003)); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.AnswerAt(ctx, -100, 1001); ok {
		t.Errorf("an answer older than Keep is still found")
	}
	if _, ok, _ := s.AnswerAt(ctx, -100, 1002); !ok {
		t.Errorf("an answer younger than Keep was forgotten")
	}
	if _, known, _ := vote(s, "old", -100, "8", answerlog.VoteUp); known {
		t.Errorf("a forgotten answer can still be rated")
	}
	if up, _, _ := s.Votes(ctx); up != 1 {
		t.Errorf("totals count %d votes, want 1 (the forgotten answer's vote leaves them)", up)
	}
}

func TestNewerSchemaIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	s := open(t, path, Options{})
	if _, err := s.db.Exec("PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, err := Open(context.Background(), path, Options{Now: (&clock{t: t0}).Now})
	if err == nil || !strings.Contains(err.Error(), "newer policybot") {
		t.Errorf("Open of a newer schema = %v, want a refusal", err)
	}
}

// childEnv makes the test binary a second process voting into a store
// (see TestMain).
const childEnv = "POLICYBOT_STATE_TEST_CHILD"

// votesEach is how many votes each process casts in TestTwoProcesses.
const votesEach = 150

func TestMain(m *testing.M) {
	if path := os.Getenv(childEnv); path != "" {
		if err := child(path); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// child opens the store, says "ready", waits for a line on stdin, then
// casts votesEach votes as asker "child" on answers c0…, each in its own
// transaction, as the bot does.
func child(path string) error {
	ctx := context.Background()
	s, err := Open(ctx, path, Options{})
	if err != nil {
		return err
	}
	defer s.Close()
	fmt.Println("ready")
	if _, err := bufio.NewReader(os.Stdin).ReadString('\n'); err != nil {
		return err
	}
	for i := range votesEach {
		id := fmt.Sprintf("c%d", i)
		if err := s.SaveAnswer(ctx, answer(id, -100, "child", "问题", time.Now(), 5000+i)); err != nil {
			return err
		}
		if _, known, err := vote(s, id, -100, "child", answerlog.VoteDown); err != nil || !known {
			return fmt.Errorf("vote %s: known %v, %v", id, known, err)
		}
		// Both processes vote on a shared answer too.
		if _, _, err := vote(s, "shared", -100, fmt.Sprintf("child-%d", i), answerlog.VoteUp); err != nil {
			return err
		}
	}
	return nil
}

// TestTwoProcesses has a second process (this test binary again) hold the
// same store open and write to it while this one does: what bbolt's
// exclusive file lock would refuse. Every vote of both lands, none fails.
func TestTwoProcesses(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "state.db")
	// The child runs on the real clock, and forgets answers older than
	// Keep when it opens the store: these answers are from now.
	now := time.Now()
	s := open(t, path, Options{Now: time.Now})
	if err := s.SaveAnswer(ctx, answer("shared", -100, "7", "共同", now, 1)); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+path)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if line, err := bufio.NewReader(stdout).ReadString('\n'); err != nil || line != "ready\n" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("child did not open the store: %q, %v; stderr: %s", line, err, stderr.String())
	}
	fmt.Fprintln(stdin, "go") // both processes have the store open: write at once
	var errs []error
	for i := range votesEach {
		id := fmt.Sprintf("p%d", i)
		if err := s.SaveAnswer(ctx, answer(id, -100, "parent", "问题", now, 8000+i)); err != nil {
			errs = append(errs, err)
		}
		if _, _, err := vote(s, id, -100, "parent", answerlog.VoteUp); err != nil {
			errs = append(errs, err)
		}
		if _, _, err := vote(s, "shared", -100, fmt.Sprintf("parent-%d", i), answerlog.VoteDown); err != nil {
			errs = append(errs, err)
		}
		if _, _, err := s.Votes(ctx); err != nil { // a reader among the writers
			errs = append(errs, err)
		}
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("child: %v; stderr: %s", err, stderr.String())
	}
	if len(errs) > 0 {
		t.Fatalf("%d writes failed while another process wrote, first: %v", len(errs), errs[0])
	}
	up, down, err := s.Votes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if up != 2*votesEach || down != 2*votesEach {
		t.Errorf("totals 👍 %d 👎 %d, want %d each", up, down, 2*votesEach)
	}
	var shared int
	if err := s.db.QueryRow("SELECT COUNT(*) FROM votes WHERE answer = 'shared'").Scan(&shared); err != nil {
		t.Fatal(err)
	}
	if shared != 2*votesEach {
		t.Errorf("the shared answer has %d votes, want %d", shared, 2*votesEach)
	}
}

// TestWALAndSyncedCommits checks what the durability rests on: every
// connection is in WAL mode with synchronous=FULL, foreign keys on.
func TestWALAndSyncedCommits(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "state.db"), Options{})
	ctx := context.Background()
	// Hold several connections at once so the pool opens more than one.
	var conns []*sql.Conn
	for range 3 {
		c, err := s.db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	for i, c := range conns {
		var mode string
		var sync, fk int
		if err := c.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
			t.Fatal(err)
		}
		if err := c.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync); err != nil {
			t.Fatal(err)
		}
		if err := c.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil {
			t.Fatal(err)
		}
		if mode != "wal" || sync != 2 || fk != 1 {
			t.Errorf("connection %d: journal_mode %s, synchronous %d, foreign_keys %d; want wal, 2 (FULL), 1", i, mode, sync, fk)
		}
		c.Close()
	}
}
