package bot

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/policybot/policybot/bot/answerlog"
	"github.com/policybot/policybot/bot/bottest"
	"github.com/policybot/policybot/retrieval/answer"
)

// The questions of issue 14, as staff asked them.
const (
	isoShort  = "上海承担了多少个ISO/IEC秘书处？"
	zhejiangQ = "浙江共确定多少个市县开展省级试点？"
	nationalQ = "那全国标委会秘书处呢？"
	cityQ     = "市级标委会呢？"
)

// ask sends text from who in chat (replying to msg when it is not 0) and
// returns the bot's reply.
func (h *harness) ask(t *testing.T, chat bottest.Chat, who bottest.User, text string, msg int) bottest.Call {
	t.Helper()
	return h.replyTo(t, h.fake.Send(bottest.Message{Chat: chat, From: who, Text: text, ReplyTo: msg}))
}

// lastQuestion is the question the engine was asked last.
func (s *scriptedEngine) lastQuestion(t *testing.T) answer.Question {
	t.Helper()
	qs := s.asked()
	if len(qs) == 0 {
		t.Fatal("the engine was asked nothing")
	}
	return qs[len(qs)-1]
}

// record finds the answer-log record whose answer is message msg.
func record(t *testing.T, l *answerlog.Log, msg int) answerlog.Record {
	t.Helper()
	for _, r := range l.Records {
		if slices.Contains(r.MessageIDs, msg) {
			return r
		}
	}
	t.Fatalf("no log record for message %d", msg)
	return answerlog.Record{}
}

func TestFollowUpRepliesToTheAnswerNotTheLatestQuestion(t *testing.T) {
	eng := &scriptedEngine{testKB: seedEngine(t, "")}
	h := start(t, eng, nil)
	m1 := h.ask(t, group, staff, "@policybot "+isoShort, 0)
	h.ask(t, group, staff, "@policybot "+zhejiangQ, 0)
	// Staff scroll up and reply to the older answer.
	got := h.ask(t, group, staff, nationalQ, m1.ID)
	if q := eng.lastQuestion(t); !slices.Equal(q.Context, []string{isoShort}) {
		t.Errorf("reply to the ISO answer asked with context %q, want [%q]", q.Context, isoShort)
	}
	if text := got.Text(); !strings.Contains(text, "<b>117个</b>") {
		t.Errorf("follow-up answer = %q, want it to lead with 117个", text)
	}
	h.barrier(t, group, staff)
	l := h.records(t)
	first, follow := record(t, l, m1.ID), record(t, l, got.ID)
	if follow.FollowUpOf != first.ID || !slices.Equal(follow.Context, []string{isoShort}) || follow.Via != "reply" {
		t.Errorf("follow-up logged as follow_up_of %q, context %q, via %s; want %q, [%q], reply", follow.FollowUpOf, follow.Context, follow.Via, first.ID, isoShort)
	}
	if first.FollowUpOf != "" || first.Context != nil {
		t.Errorf("a fresh question is logged as a follow-up: %q %q", first.FollowUpOf, first.Context)
	}
}

func TestFollowUpThreadKeepsHowMany(t *testing.T) {
	eng := &scriptedEngine{testKB: seedEngine(t, "")}
	h := start(t, eng, nil)
	m1 := h.ask(t, group, staff, "@policybot "+isoShort, 0)
	m2 := h.ask(t, group, staff, nationalQ, m1.ID)
	m3 := h.ask(t, group, staff, cityQ, m2.ID)
	if q := eng.lastQuestion(t); !slices.Equal(q.Context, []string{isoShort, nationalQ}) {
		t.Errorf("second follow-up asked with context %q, want [%q %q]", q.Context, isoShort, nationalQ)
	}
	if text := m3.Text(); !strings.Contains(text, "<b>44个</b>") {
		t.Errorf("second follow-up = %q, want it to lead with 44个 (the thread's how many)", text)
	}
	// The thread keeps its last answer.MaxContext questions.
	h.ask(t, group, staff, "那ISO/IEC秘书处呢？", m3.ID)
	if q := eng.lastQuestion(t); !slices.Equal(q.Context, []string{isoShort, nationalQ, cityQ}) {
		t.Errorf("third follow-up context = %q", q.Context)
	}
}

func TestFollowUpThreadIsBounded(t *testing.T) {
	eng := &scriptedEngine{testKB: seedEngine(t, "")}
	h := start(t, eng, nil)
	prev := h.ask(t, group, staff, "@policybot "+isoShort, 0)
	asked := []string{isoShort}
	for _, q := range []string{nationalQ, cityQ, "那ISO/IEC秘书处呢？", nationalQ} {
		prev = h.ask(t, group, staff, q, prev.ID)
		want := asked[max(0, len(asked)-answer.MaxContext):]
		if got := eng.lastQuestion(t).Context; !slices.Equal(got, want) {
			t.Errorf("after %d turns, context = %q, want %q", len(asked), got, want)
		}
		asked = append(asked, q)
	}
}

func TestAnotherAskersReplyStartsFromThatAnswer(t *testing.T) {
	eng := &scriptedEngine{testKB: seedEngine(t, "")}
	h := start(t, eng, nil)
	m1 := h.ask(t, group, staff, "@policybot "+isoShort, 0)
	m2 := h.ask(t, group, staff, nationalQ, m1.ID)         // staff's thread: [iso]
	h.ask(t, group, staff, "@policybot "+zhejiangQ, 0)     // staff's latest question
	h.ask(t, group, other, "@policybot 上海设立了多少个市级标委会？", 0) // other's own latest

	tests := []struct {
		name string
		who  bottest.User
		to   bottest.Call
		q    string
		want []string
	}{
		// Not staff's earlier turn (iso), staff's latest (Zhejiang) or
		// other's own latest question: only the answer's question.
		{"other replies to staff's follow-up", other, m2, cityQ, []string{nationalQ}},
		{"other replies to staff's first answer", other, m1, nationalQ, []string{isoShort}},
		{"staff continues their own thread", staff, m2, cityQ, []string{isoShort, nationalQ}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := h.ask(t, group, tc.who, tc.q, tc.to.ID)
			if q := eng.lastQuestion(t); !slices.Equal(q.Context, tc.want) {
				t.Errorf("context = %q, want %q", q.Context, tc.want)
			}
			if tc.name == "other replies to staff's first answer" && !strings.Contains(got.Text(), "<b>117个</b>") {
				t.Errorf("answer = %q, want 117个", got.Text())
			}
		})
	}
	// Other's reply started other's thread: replying to that answer
	// continues it.
	o := h.ask(t, group, other, nationalQ, m1.ID)
	h.ask(t, group, other, cityQ, o.ID)
	if q := eng.lastQuestion(t); !slices.Equal(q.Context, []string{isoShort, nationalQ}) {
		t.Errorf("other's own thread context = %q", q.Context)
	}
	// Message ids belong to their chat: the same id replied to in a
	// private chat is no answer there.
	h.ask(t, bottest.PrivateChat(other), other, cityQ, m2.ID)
	if q := eng.lastQuestion(t); q.Context != nil {
		t.Errorf("a reply in a private chat took context %q from a group answer", q.Context)
	}
}

// restartable is a bot whose state store and answer log outlive it, on one
// fake Bot API, so a test can stop it and start another.
type restartable struct {
	fake     *bottest.Server
	eng      engine
	state    string // state store file
	log      *answerlog.Writer
	logDir   string
	clock    *clock
	restarts int
}

func newRestartable(t *testing.T, eng engine) *restartable {
	t.Helper()
	r := &restartable{fake: bottest.New(t, testToken, botName), eng: eng,
		state: filepath.Join(t.TempDir(), "state.db"), logDir: t.TempDir(), clock: newClock()}
	w, err := answerlog.Open(r.logDir, 1<<20, 3)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	r.log = w
	return r
}

// start opens the state store afresh and starts a bot on it; stop the
// previous one first.
func (r *restartable) start(t *testing.T) *harness {
	t.Helper()
	st := openState(t, r.state, r.clock)
	h := startOn(t, r.fake, r.eng, func(o *Options, _ *bottest.Server) { o.State, o.Log = st, r.log })
	t.Cleanup(func() { st.Close() })
	return h
}

// stats asks /stats as admin.
func (h *harness) statsText(t *testing.T) string {
	t.Helper()
	return h.ask(t, group, admin, "/stats", 0).Text()
}

func TestVoteAfterRestartIsCountedOnce(t *testing.T) {
	eng := &scriptedEngine{testKB: seedEngine(t, "")}
	r := newRestartable(t, eng)
	h := r.start(t)
	m1 := h.ask(t, group, staff, "@policybot "+isoShort, 0)
	up, down := m1.Buttons()[0].Data, m1.Buttons()[1].Data
	click := func(h *harness, who bottest.User, data, want string) {
		t.Helper()
		id := h.fake.Click(who, group, m1.ID, data)
		got := h.fake.NextMatching(t, "answerCallbackQuery", func(c bottest.Call) bool { return c.Form["callback_query_id"] == id })
		if !strings.Contains(got.Form["text"], want) {
			t.Errorf("click %s by %d: toast %q, want %q", data, who.ID, got.Form["text"], want)
		}
	}
	click(h, staff, up, "Thanks")
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}

	h = r.start(t) // a restart: a new bot, the store reopened
	click(h, staff, up, "already voted")
	if got := h.statsText(t); !strings.Contains(got, "👍 1 · 👎 0") {
		t.Errorf("/stats after the repeated vote = %q, want 👍 1 · 👎 0", got)
	}
	click(h, other, down, "Thanks")
	click(h, staff, down, "Changed your vote")
	if got := h.statsText(t); !strings.Contains(got, "👍 0 · 👎 2") {
		t.Errorf("/stats = %q, want 👍 0 · 👎 2", got)
	}
	// The thread survives the restart too.
	h.ask(t, group, staff, nationalQ, m1.ID)
	if q := eng.lastQuestion(t); !slices.Equal(q.Context, []string{isoShort}) {
		t.Errorf("follow-up after a restart asked with context %q", q.Context)
	}
	h.barrier(t, group, staff)

	raw, err := os.ReadFile(filepath.Join(r.logDir, answerlog.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(raw), `"kind":"feedback"`); n != 3 {
		t.Errorf("answer log has %d feedback lines, want 3 (the repeated vote writes none):\n%s", n, raw)
	}
	l, err := answerlog.Read(r.logDir, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	rec := record(t, l, m1.ID)
	if v := l.Votes[rec.ID]; len(v) != 2 || v["200"] != answerlog.VoteDown || v["300"] != answerlog.VoteDown {
		t.Errorf("votes in the log = %v", v)
	}
}

func TestUnknownCallbackDataIsRefused(t *testing.T) {
	h := start(t, seedEngine(t, ""), nil)
	m1 := h.ask(t, group, staff, "@policybot "+isoShort, 0)
	record := strings.TrimPrefix(m1.Buttons()[0].Data, "fb:up:")
	elsewhere := bottest.Chat{ID: -2002, Type: "supergroup", Title: "Elsewhere"}
	tests := []struct {
		name string
		chat bottest.Chat
		data string
		want string
	}{
		{"answer never sent", group, "fb:up:000000000000000000", "too old to rate"},
		{"empty record", group, "fb:down:", "expired"},
		{"not a vote", group, "fb:sideways:" + record, "expired"},
		{"an answer of another chat", elsewhere, "fb:up:" + record, "too old to rate"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id := h.fake.Click(staff, tc.chat, m1.ID, tc.data)
			got := h.fake.NextMatching(t, "answerCallbackQuery", func(c bottest.Call) bool { return c.Form["callback_query_id"] == id })
			if !strings.Contains(got.Form["text"], tc.want) {
				t.Errorf("toast = %q, want %q", got.Form["text"], tc.want)
			}
		})
	}
	if got := h.statsText(t); !strings.Contains(got, "👍 0 · 👎 0") {
		t.Errorf("/stats = %q, want no votes counted", got)
	}
	h.barrier(t, group, staff)
	if l := h.records(t); len(l.Votes) != 0 {
		t.Errorf("refused votes reached the answer log: %v", l.Votes)
	}
}

// TestVoteAtOnceIsCounted presses 👍 the moment each answer arrives, while
// the worker that sent it may still be finishing: another worker takes the
// press, and the answer is already stored.
func TestVoteAtOnceIsCounted(t *testing.T) {
	h := start(t, seedEngine(t, ""), func(o *Options, _ *bottest.Server) { o.Workers = 4 })
	const n = 10
	for i := range n {
		ans := h.ask(t, group, staff, "@policybot "+isoShort, 0)
		id := h.fake.Click(staff, group, ans.ID, ans.Buttons()[0].Data)
		got := h.fake.NextMatching(t, "answerCallbackQuery", func(c bottest.Call) bool { return c.Form["callback_query_id"] == id })
		if !strings.Contains(got.Form["text"], "Thanks") {
			t.Errorf("press %d right after the answer: toast %q, want thanks", i, got.Form["text"])
		}
	}
	if got := h.statsText(t); !strings.Contains(got, fmt.Sprintf("👍 %d · 👎 0", n)) {
		t.Errorf("/stats = %q, want %d 👍", got, n)
	}
}
