package bot

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/policybot/policybot/bot/answerlog"
	"github.com/policybot/policybot/bot/bottest"
	"github.com/policybot/policybot/bot/state"
	"github.com/policybot/policybot/knowledge"
	"github.com/policybot/policybot/retrieval"
	"github.com/policybot/policybot/retrieval/answer"
)

const (
	testToken = "123456:TEST-secret-token"
	botName   = "policybot"
	isoQ      = "上海承担了多少个ISO/IEC国际标准化技术组织秘书处？"
)

var (
	admin = bottest.User{ID: 100, FirstName: "Ada"}
	staff = bottest.User{ID: 200, FirstName: "Bo"}
	other = bottest.User{ID: 300, FirstName: "Cy"}
	group = bottest.Chat{ID: -1001, Type: "supergroup", Title: "Policy team"}
)

// clock is an injectable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)} }

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

// harness runs a Bot against the fake Bot API.
type harness struct {
	fake   *bottest.Server
	bot    *Bot
	clock  *clock
	logDir string
	waits  chan time.Duration
	logBuf *syncBuffer
	cancel context.CancelFunc // asks Run to stop
	stop   func() error       // cancels Run and waits for it
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// copySeeds copies the shipped seed documents into a new folder.
func copySeeds(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	seeds := knowledge.Seeds()
	err := fs.WalkDir(seeds, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		raw, err := fs.ReadFile(seeds, p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, p), raw, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// testKB is a real knowledge base: the retrieval engine, the answerer over
// it and the library of its folder.
type testKB struct {
	*retrieval.Engine
	*answer.Answerer
	lib *retrieval.Library
}

func (k *testKB) Reload(ctx context.Context) (retrieval.BuildStats, error) { return k.lib.Reload(ctx) }
func (k *testKB) UploadName(name string) (string, error)                   { return k.lib.UploadName(name) }
func (k *testKB) Add(ctx context.Context, name string, raw []byte, replace bool) (retrieval.Added, error) {
	return k.lib.Add(ctx, name, raw, replace)
}
func (k *testKB) Document(name string) (retrieval.DocInfo, error) { return k.lib.Document(name) }
func (k *testKB) Remove(ctx context.Context, name string) (retrieval.BuildStats, error) {
	return k.lib.Remove(ctx, name)
}

// engine is what start runs a bot on.
type engine interface {
	Knowledge
	Library
}

// seedEngine opens a real knowledge base on the folder docs ("": the
// shipped seeds, which refuse changes).
func seedEngine(t *testing.T, docs string) *testKB {
	t.Helper()
	opts := retrieval.Options{DataDir: t.TempDir()}
	if docs != "" {
		opts.Docs = os.DirFS(docs)
	}
	e, err := retrieval.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	return &testKB{Engine: e, Answerer: answer.New(e, answer.Options{}), lib: retrieval.NewLibrary(e, docs)}
}

// openState opens a state store at path (in a new folder when path is
// "") on clock c, closed when the test ends.
func openState(t *testing.T, path string, c *clock) *state.Store {
	t.Helper()
	if path == "" {
		path = filepath.Join(t.TempDir(), "state.db")
	}
	st, err := state.Open(context.Background(), path, state.Options{Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// start runs a bot on eng with test defaults, adjusted by tweak. Unless
// tweak sets one, the bot gets a new state store.
func start(t *testing.T, eng engine, tweak func(*Options, *bottest.Server)) *harness {
	t.Helper()
	return startOn(t, bottest.New(t, testToken, botName), eng, tweak)
}

// startOn is start on an existing fake Bot API: a bot restarted against
// the Telegram it was talking to.
func startOn(t *testing.T, fake *bottest.Server, eng engine, tweak func(*Options, *bottest.Server)) *harness {
	t.Helper()
	h := &harness{fake: fake, clock: newClock(), logDir: t.TempDir(),
		waits: make(chan time.Duration, 100), logBuf: &syncBuffer{}}
	w, err := answerlog.Open(h.logDir, 1<<20, 3)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	opts := Options{
		Token: testToken, APIURL: h.fake.URL,
		Admins: []int64{admin.ID}, Workers: 1, ShutdownGrace: 5 * time.Second,
		Offline: true, Log: w, Logger: slog.New(slog.NewTextHandler(h.logBuf, nil)),
		Now: h.clock.Now,
		Wait: func(ctx context.Context, d time.Duration) error {
			h.waits <- d
			return nil
		},
	}
	if tweak != nil {
		tweak(&opts, h.fake)
	}
	if opts.State == nil {
		opts.State = openState(t, "", h.clock)
	}
	ctx, cancel := context.WithCancel(context.Background())
	b, err := New(ctx, opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	h.bot = b
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx, eng, eng) }()
	h.cancel = cancel
	h.stop = sync.OnceValue(func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(30 * time.Second):
			return errors.New("Run did not return after cancel")
		}
	})
	t.Cleanup(func() {
		if err := h.stop(); err != nil {
			t.Errorf("Run: %v", err)
		}
		if strings.Contains(h.logBuf.String(), testToken) {
			t.Errorf("the bot token appears in the logs")
		}
	})
	return h
}

// replyTo waits for the bot's message quoting msg.
func (h *harness) replyTo(t *testing.T, msg int) bottest.Call {
	t.Helper()
	return h.fake.NextMatching(t, "sendMessage", func(c bottest.Call) bool { return c.ReplyTo() == msg && c.Status == 0 })
}

// barrier sends /help in chat and returns the sendMessage calls made before
// its reply. With one worker, every earlier update has been handled by then.
func (h *harness) barrier(t *testing.T, chat bottest.Chat, from bottest.User) []bottest.Call {
	t.Helper()
	id := h.fake.Send(bottest.Message{Chat: chat, From: from, Text: "/help"})
	var before []bottest.Call
	for {
		c := h.fake.Next(t, "sendMessage")
		if c.ReplyTo() == id {
			return before
		}
		before = append(before, c)
	}
}

// records reads the answer log.
func (h *harness) records(t *testing.T) *answerlog.Log {
	t.Helper()
	l, err := answerlog.Read(h.logDir, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// gatedEngine holds Reload until the test opens the gate.
type gatedEngine struct {
	*testKB
	started chan struct{}
	gate    chan struct{}
}

func (g *gatedEngine) Reload(ctx context.Context) (retrieval.BuildStats, error) {
	g.started <- struct{}{}
	select {
	case <-g.gate:
	case <-ctx.Done():
		return retrieval.BuildStats{}, ctx.Err()
	}
	return g.testKB.Reload(ctx)
}

// scriptedEngine answers with a fixed answer, recording questions; it can
// stream or panic.
type scriptedEngine struct {
	*testKB
	mu        sync.Mutex
	questions []answer.Question
	answer    func(q answer.Question) (answer.Answer, error)
}

func (s *scriptedEngine) Ask(ctx context.Context, q answer.Question) (answer.Answer, error) {
	s.mu.Lock()
	s.questions = append(s.questions, q)
	s.mu.Unlock()
	if s.answer != nil {
		return s.answer(q)
	}
	return s.testKB.Ask(ctx, q)
}

func (s *scriptedEngine) asked() []answer.Question {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]answer.Question(nil), s.questions...)
}

var errBoom = errors.New("boom")
