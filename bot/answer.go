package bot

import (
	"context"
	"errors"
	"fmt"
	"html"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/go-telegram/bot/models"
	"golang.org/x/time/rate"

	"github.com/policybot/policybot/bot/answerlog"
	"github.com/policybot/policybot/retrieval"
	"github.com/policybot/policybot/retrieval/answer"
)

// typingEvery renews the "typing…" action, which Telegram shows for 5 s.
const typingEvery = 4500 * time.Millisecond

// keepTyping shows "typing…" until the returned stop is called.
func (b *Bot) keepTyping(ctx context.Context, chat int64) (stop func()) {
	b.api.typing(ctx, chat)
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(typingEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				b.api.typing(ctx, chat)
			}
		}
	}()
	return func() { cancel(); <-done }
}

// ask answers a question and logs it. A reply to one of the bot's answers
// is a follow-up: it is answered with the thread that answer continues.
func (b *Bot) ask(ctx context.Context, log *slog.Logger, m *models.Message, question, via string) {
	chat, user := m.Chat.ID, m.From.ID
	asker := b.opts.Askers.ID(user)
	if ok, notify := b.limiter.allow(user); !ok {
		if notify {
			b.say(ctx, log, chat, m.ID, fmt.Sprintf("You're asking faster than I can answer (%d questions a minute). Please wait a moment and ask again.", b.opts.RatePerMinute))
		}
		log.Info("rate limited", "asker", asker)
		return
	}
	start := b.opts.Now()
	private := m.Chat.Type == models.ChatTypePrivate
	rec := answerlog.Record{
		Kind: answerlog.KindAnswer, ID: answerlog.NewID(), Time: start.UTC(),
		Chat:  answerlog.Chat{ID: chat, Type: string(m.Chat.Type), Title: m.Chat.Title},
		Asker: asker, Via: via, Question: question,
	}
	if via == "reply" && m.ReplyToMessage != nil {
		parent, ok := b.sent.get(chat, m.ReplyToMessage.ID)
		var err error
		if !ok {
			parent, ok, err = b.opts.State.AnswerAt(ctx, chat, m.ReplyToMessage.ID)
		}
		switch {
		case err != nil:
			// Answer without the thread rather than not at all.
			log.Error("could not look up the answer replied to", "err", err)
		case ok:
			rec.FollowUpOf, rec.Context = parent.ID, threadContext(parent, asker)
		}
	}

	stopTyping := b.keepTyping(ctx, chat)
	q := answer.Question{Text: question, Context: rec.Context, Offline: b.opts.Offline}
	var st *streamer
	if private {
		st = &streamer{b: b, log: log, chat: chat, replyTo: m.ID}
		q.Stream = func(partial string) { st.update(ctx, partial) }
	}
	a, err := b.kb.Ask(ctx, q)
	stopTyping()
	answered := b.opts.Now()

	if err != nil {
		rec.Error = err.Error()
		msg := "Sorry, I couldn't answer that just now. Please try again in a moment."
		if errors.Is(err, retrieval.ErrNotReady) {
			msg = "The knowledge base is still loading. Please try again in a minute."
		}
		log.Error("answering failed", "err", err)
		b.say(ctx, log, chat, m.ID, msg)
		rec.Latency.TotalMS = ms(b.opts.Now().Sub(start))
		b.stats.add(rec)
		b.record(log, rec)
		return
	}
	fillRecord(&rec, a)

	// The answer is stored before its buttons go out, so that a vote
	// pressed at once (handled by another worker, or another process)
	// finds it; its messages are added once sent.
	if err := b.opts.State.SaveAnswer(ctx, rec); err != nil {
		log.Error("could not store the answer: votes on it are refused", "err", err)
	}
	kb := feedbackKeyboard(rec.ID)
	parts := paginate(answerBlocks(a), maxMessage)
	var sendErr error
	for i, part := range parts {
		var mk *keyboard
		if i == len(parts)-1 {
			mk = kb
		}
		var id int
		switch {
		case i == 0 && st != nil && st.msgID != 0:
			id = st.msgID
			sendErr = b.api.edit(ctx, chat, id, part, mk)
		case i == 0:
			id, sendErr = b.api.send(ctx, chat, part, m.ID, mk)
		default:
			id, sendErr = b.api.send(ctx, chat, part, 0, mk)
		}
		if sendErr != nil {
			break
		}
		rec.MessageIDs = append(rec.MessageIDs, id)
	}
	if sendErr != nil {
		rec.Error = "send: " + sendErr.Error()
		log.Warn("could not send the answer", "err", sendErr)
	}
	if len(rec.MessageIDs) > 0 {
		// What replies find the answer by: at once in this process (a
		// reply may come before the store's commit), durably in the store.
		b.sent.put(chat, rec)
		if err := b.opts.State.SaveAnswer(ctx, rec); err != nil {
			log.Error("could not store the answer's messages: replies to it will not be follow-ups", "err", err)
		}
	}
	end := b.opts.Now()
	rec.Latency = answerlog.Latency{RetrieveMS: a.Timings.RetrieveMS, AnswerMS: a.Timings.AnswerMS,
		SendMS: ms(end.Sub(answered)), TotalMS: ms(end.Sub(start))}
	b.stats.add(rec)
	b.record(log, rec)
}

// threadContext is the context of a follow-up to the answer parent, asked
// by asker. Threads are per asker: the asker of parent continues their
// thread (its context and question, the last answer.MaxContext of them);
// anyone else starts a thread of their own from parent's question alone,
// and inherits no one's earlier turns.
func threadContext(parent answerlog.Record, asker string) []string {
	if parent.Asker != asker {
		return []string{parent.Question}
	}
	thread := append(slices.Clone(parent.Context), parent.Question)
	return thread[max(0, len(thread)-answer.MaxContext):]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// excerptChars bounds the chunk text kept in the answer log.
const excerptChars = 240

// fillRecord copies an answer into its log record.
func fillRecord(rec *answerlog.Record, a answer.Answer) {
	rec.Script = a.Script
	rec.Answer, rec.Short, rec.Answered, rec.Path = a.Text, a.Short, a.Answered, string(a.Path)
	rec.Model, rec.PromptTokens, rec.CompletionTokens = a.Model, a.PromptTokens, a.CompletionTokens
	rec.DroppedCitations, rec.Note = a.DroppedCitations, a.Note
	cited := make(map[string]bool)
	for _, c := range a.Citations {
		rec.Citations = append(rec.Citations, answerlog.Citation{N: c.N, Doc: c.Doc, Title: c.Title, Chunk: c.Chunk, Page: c.Page})
		cited[c.Chunk] = true
	}
	rec.Chunks = make([]answerlog.Chunk, 0, len(a.Evidence))
	for _, e := range a.Evidence {
		c := e.Chunk
		rec.Chunks = append(rec.Chunks, answerlog.Chunk{ID: c.ID, Doc: c.DocID, Title: c.Title, Section: c.Section, Page: c.Page,
			Score: e.Score, Lexical: e.Lexical, Vector: e.Vector, Cited: cited[c.ID], Excerpt: clipRunes(c.Text, excerptChars)})
	}
}

// record appends to the answer log, if there is one.
func (b *Bot) record(log *slog.Logger, v any) {
	if b.opts.Log == nil {
		return
	}
	if err := b.opts.Log.Append(v); err != nil {
		log.Error("answer log", "err", err)
	}
}

func feedbackKeyboard(id string) *keyboard {
	return &keyboard{Rows: [][]button{{{Text: "👍", Data: "fb:up:" + id}, {Text: "👎", Data: "fb:down:" + id}}}}
}

// streamer shows an answer as an LLM writes it, in private chats: the first
// partial text is sent as a reply, later ones edit it, at most once per
// StreamEvery.
type streamer struct {
	b       *Bot
	log     *slog.Logger
	chat    int64
	replyTo int

	mu    sync.Mutex
	msgID int
	last  time.Time
	dead  bool
}

func (s *streamer) update(ctx context.Context, partial string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.b.opts.Now()
	if s.dead || strings.TrimSpace(partial) == "" || (s.msgID != 0 && now.Sub(s.last) < s.b.opts.StreamEvery) {
		return
	}
	text := html.EscapeString(clipRunes(partial, 3500)) + " …"
	if s.msgID == 0 {
		id, err := s.b.api.send(ctx, s.chat, text, s.replyTo, nil)
		if err != nil {
			s.log.Warn("streaming: could not send", "err", err)
			s.dead = true
			return
		}
		s.msgID = id
	} else if err := s.b.api.edit(ctx, s.chat, s.msgID, text, nil); err != nil {
		s.log.Warn("streaming: could not edit", "err", err)
	}
	s.last = now
}

// search shows the top evidence passages for a question.
func (b *Bot) search(ctx context.Context, log *slog.Logger, m *models.Message, question string) {
	if question == "" {
		b.say(ctx, log, m.Chat.ID, m.ID, "Give the words to search for after the command, e.g. /search 标准化 秘书处")
		return
	}
	if ok, notify := b.limiter.allow(m.From.ID); !ok {
		if notify {
			b.say(ctx, log, m.Chat.ID, m.ID, "You're asking faster than I can answer. Please wait a moment.")
		}
		return
	}
	b.api.typing(ctx, m.Chat.ID)
	ev, err := b.kb.Search(ctx, question, 5)
	if err != nil {
		log.Error("search failed", "err", err)
		b.say(ctx, log, m.Chat.ID, m.ID, "Sorry, the search failed. Please try again in a moment.")
		return
	}
	b.reply(ctx, log, m.Chat.ID, m.ID, searchBlocks(question, ev))
}

// callbackMessage is the chat and message a button was pressed under
// (0 for an inline message). Telegram sends messages older than 48 hours as
// inaccessible, with only their chat and id.
func callbackMessage(cq *models.CallbackQuery) (models.Chat, int) {
	switch m := cq.Message; {
	case m.Message != nil:
		return m.Message.Chat, m.Message.ID
	case m.InaccessibleMessage != nil:
		return m.InaccessibleMessage.Chat, m.InaccessibleMessage.MessageID
	}
	return models.Chat{}, 0
}

// onCallback handles button presses: feedback votes and removal
// confirmations. Every press is answered.
func (b *Bot) onCallback(ctx context.Context, log *slog.Logger, cq *models.CallbackQuery) {
	toast := ""
	defer func() {
		if err := b.api.answerCallback(ctx, cq.ID, toast); err != nil {
			log.Warn("could not answer the button press", "err", err)
		}
	}()
	chat, msgID := callbackMessage(cq)
	if chat.ID != 0 && !b.allowed(log, chat, cq.From.ID) {
		return
	}
	kind, rest, _ := strings.Cut(cq.Data, ":")
	switch kind {
	case "fb":
		vote, id, _ := strings.Cut(rest, ":")
		toast = b.vote(ctx, log, chat.ID, cq.From.ID, id, answerlog.Vote(vote))
	case "rm":
		toast = b.confirmRemoval(ctx, log, chat, msgID, cq.From.ID, rest)
	default:
		toast = "This button has expired."
	}
}

// Toasts for votes the store refuses or cannot take.
const (
	tooOldToRate = "This answer is too old to rate."
	voteFailed   = "Sorry, I couldn't record your vote. Please try again."
)

// vote records feedback: one vote per asker per answer, changeable. The
// vote is committed to the state store before the press is answered, and
// only votes on answers the store knows (in the chat they were sent to)
// count.
func (b *Bot) vote(ctx context.Context, log *slog.Logger, chat, user int64, id string, v answerlog.Vote) string {
	if id == "" || (v != answerlog.VoteUp && v != answerlog.VoteDown) {
		return "This button has expired."
	}
	asker := b.opts.Askers.ID(user)
	fb := answerlog.Feedback{Kind: answerlog.KindFeedback, Time: b.opts.Now().UTC(), Record: id, Chat: chat, Asker: asker, Vote: v}
	prev, known, err := b.opts.State.Vote(ctx, fb)
	switch {
	case err != nil:
		log.Error("could not store a vote", "err", err)
		return voteFailed
	case !known:
		log.Info("vote on an unknown answer refused", "record", clipRunes(id, 40), "asker", asker)
		return tooOldToRate
	case prev == v:
		return "You already voted " + voteEmoji(v) + "."
	}
	b.record(log, fb)
	if prev != "" {
		return "Changed your vote to " + voteEmoji(v) + "."
	}
	return "Thanks for the feedback " + voteEmoji(v)
}

func voteEmoji(v answerlog.Vote) string {
	if v == answerlog.VoteUp {
		return "👍"
	}
	return "👎"
}

// limiter keeps one token bucket (rate.Limiter) per asker: RatePerMinute
// questions a minute, up to RatePerMinute at once.
type limiter struct {
	perMinute int // 0 disables
	now       func() time.Time
	mu        sync.Mutex
	m         map[int64]*asker
	sweepAt   int       // map size at which idle askers are evicted
	swept     time.Time // last eviction
}

type asker struct {
	lim      *rate.Limiter
	notified bool
}

// limiterSweep is the map size at which the limiter first evicts idle
// askers. After a sweep the next one waits until the map has doubled, or a
// minute has passed, so a crowd of active askers costs amortised O(1) per
// question. The map holds about max(limiterSweep, 2 × askers seen in the
// last two minutes).
const limiterSweep = 10000

func newLimiter(perMinute int, now func() time.Time) *limiter {
	return &limiter{perMinute: perMinute, now: now, m: make(map[int64]*asker), sweepAt: limiterSweep}
}

// allow takes a token for user. When there is none, notify is true the
// first time, so the asker gets one notice, not one per message.
func (l *limiter) allow(user int64) (ok, notify bool) {
	if l.perMinute <= 0 {
		return true, false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	a := l.m[user]
	if a == nil {
		if n := len(l.m); n >= l.sweepAt || (n >= limiterSweep && now.Sub(l.swept) >= time.Minute) {
			l.evictIdle(now)
		}
		a = &asker{lim: rate.NewLimiter(rate.Limit(float64(l.perMinute)/60), l.perMinute)}
		l.m[user] = a
	}
	if a.lim.AllowN(now, 1) {
		a.notified = false
		return true, false
	}
	notify = !a.notified
	a.notified = true
	return false, notify
}

// evictIdle drops askers whose bucket has filled up again: a new bucket
// would be the same, so no asker's limit changes. Askers still short of
// tokens stay, however many there are.
func (l *limiter) evictIdle(now time.Time) {
	full := float64(l.perMinute)
	for user, a := range l.m {
		if a.lim.TokensAt(now) >= full {
			delete(l.m, user)
		}
	}
	l.sweepAt = max(limiterSweep, 2*len(l.m))
	l.swept = now
}

// stats are the question counters /stats reports, since the bot started.
// Votes are counted in the state store.
type stats struct {
	mu                                    sync.Mutex
	since                                 time.Time
	questions, answered, declined, failed int
	latencies                             []float64 // ring of recent totals
	next                                  int
}

const latencyWindow = 2000

func newStats(now time.Time) *stats { return &stats{since: now} }

func (s *stats) add(r answerlog.Record) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.questions++
	switch {
	case r.Error != "" && r.Answer == "":
		s.failed++
	case r.Answered:
		s.answered++
	default:
		s.declined++
	}
	if len(s.latencies) < latencyWindow {
		s.latencies = append(s.latencies, r.Latency.TotalMS)
	} else {
		s.latencies[s.next] = r.Latency.TotalMS
		s.next = (s.next + 1) % latencyWindow
	}
}

// blocks renders /stats: question counts and latency since the bot
// started, and feedback from the state store (every vote on the answers it
// remembers, across restarts; votesErr when it could not be read).
func (s *stats) blocks(ix retrieval.Status, up, down int, votesErr error) []block {
	s.mu.Lock()
	lat := append([]float64(nil), s.latencies...)
	q, a, d, f, since := s.questions, s.answered, s.declined, s.failed, s.since
	s.mu.Unlock()
	sort.Float64s(lat)
	p := func(x float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(x*float64(len(lat))))]
	}
	rate := 0.0
	if q > 0 {
		rate = 100 * float64(d) / float64(q)
	}
	lines := []string{
		fmt.Sprintf("Questions: %d (answered %d, declined %d = %.0f%%, failed %d)", q, a, d, rate, f),
		fmt.Sprintf("Feedback on all remembered answers: 👍 %d · 👎 %d", up, down),
		fmt.Sprintf("Latency: p50 %.0f ms · p95 %.0f ms", p(0.5), p(0.95)),
	}
	if votesErr != nil {
		lines[1] = "Feedback: unavailable (the state store could not be read)"
	}
	if ix.Ready {
		lines = append(lines, fmt.Sprintf("Index: %d documents, %d chunks, built %s", len(ix.Docs), ix.Chunks, ix.BuiltAt.UTC().Format("2006-01-02 15:04 UTC")))
	}
	return []block{
		{spans: []span{{"b", "Statistics"}, {"", " since " + since.UTC().Format("2006-01-02 15:04 UTC")}}},
		{spans: []span{{"", strings.Join(lines, "\n")}}, tight: true},
	}
}

// sentAnswers remembers the answers this process sent most recently, by
// message, so that a reply arriving before the store has committed an
// answer's messages still finds it. The store is the record; this only
// bridges that moment.
type sentAnswers struct {
	mu    sync.Mutex
	order [][2]int64
	m     map[[2]int64]answerlog.Record
}

const maxSentAnswers = 256

func (s *sentAnswers) put(chat int64, rec answerlog.Record) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = make(map[[2]int64]answerlog.Record)
	}
	for _, id := range rec.MessageIDs {
		k := [2]int64{chat, int64(id)}
		s.m[k] = rec
		s.order = append(s.order, k)
	}
	for len(s.order) > maxSentAnswers {
		delete(s.m, s.order[0])
		s.order = s.order[1:]
	}
}

func (s *sentAnswers) get(chat int64, msg int) (answerlog.Record, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.m[[2]int64{chat, int64(msg)}]
	return rec, ok
}
