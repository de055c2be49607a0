package bot

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/policybot/policybot/bot/answerlog"
	"github.com/policybot/policybot/bot/bottest"
	"github.com/policybot/policybot/retrieval/answer"
)

var telegramTags = map[string]bool{"b": true, "strong": true, "i": true, "em": true, "u": true, "ins": true,
	"s": true, "strike": true, "del": true, "a": true, "code": true, "pre": true, "blockquote": true, "tg-spoiler": true}

var entityRe = regexp.MustCompile(`^&(lt|gt|amp|quot|#\d+);`)

// checkHTML reports why s is not a valid Telegram HTML message.
func checkHTML(s string) error {
	if n := utf16Len(s); n > maxMessage || n == 0 {
		return fmt.Errorf("length %d UTF-16 units, want 1..%d", n, maxMessage)
	}
	for i := 0; i < len(s); i++ {
		if s[i] == '&' && !entityRe.MatchString(s[i:]) {
			return fmt.Errorf("bare & or unsupported entity at %q", s[i:min(len(s), i+10)])
		}
	}
	z := html.NewTokenizer(strings.NewReader(s))
	var stack []string
	for {
		switch z.Next() {
		case html.ErrorToken:
			if z.Err() != io.EOF {
				return z.Err()
			}
			if len(stack) > 0 {
				return fmt.Errorf("unclosed tags %v", stack)
			}
			return nil
		case html.StartTagToken:
			name, _ := z.TagName()
			if !telegramTags[string(name)] {
				return fmt.Errorf("tag <%s> is not supported by Telegram", name)
			}
			stack = append(stack, string(name))
		case html.EndTagToken:
			name, _ := z.TagName()
			if len(stack) == 0 || stack[len(stack)-1] != string(name) {
				return fmt.Errorf("</%s> does not close %v", name, stack)
			}
			stack = stack[:len(stack)-1]
		case html.SelfClosingTagToken, html.CommentToken, html.DoctypeToken:
			return fmt.Errorf("unexpected token %q", z.Raw())
		}
	}
}

func TestGroupRules(t *testing.T) {
	eng := seedEngine(t, "")
	h := start(t, eng, nil)
	otherBot := bottest.User{ID: 555, FirstName: "Helper", Username: "helper_bot", IsBot: true}
	tests := []struct {
		name   string
		msg    bottest.Message
		answer bool
	}{
		{"mention", bottest.Message{Text: "@policybot " + isoQ}, true},
		{"mention after emoji and CJK", bottest.Message{Text: "🙂🎉 各位好，请问 @policybot " + isoQ}, true},
		{"mention with other case", bottest.Message{Text: "@PolicyBot " + isoQ}, true},
		{"ask command", bottest.Message{Text: "/ask " + isoQ}, true},
		{"ask addressed to the bot", bottest.Message{Text: "/ask@policybot " + isoQ}, true},
		{"ask after CJK text", bottest.Message{Text: "请问 /ask@policybot " + isoQ}, true},
		{"not mentioned", bottest.Message{Text: isoQ}, false},
		{"another bot's command", bottest.Message{Text: "/ask@helper_bot " + isoQ}, false},
		{"mention of someone else", bottest.Message{Text: "@policybot_fan " + isoQ}, false},
		{"from a bot", bottest.Message{From: otherBot, Text: "@policybot " + isoQ}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := tc.msg
			m.Chat = group
			if m.From.ID == 0 {
				m.From = staff
			}
			id := h.fake.Send(m)
			before := h.barrier(t, group, staff)
			var got []bottest.Call
			for _, c := range before {
				if c.ReplyTo() == id {
					got = append(got, c)
				}
			}
			if !tc.answer {
				if len(got) != 0 {
					t.Errorf("bot answered %q: %q", m.Text, got[0].Text())
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("got %d quoted replies to %q, want 1 (all sent: %v)", len(got), m.Text, before)
			}
			c := got[0]
			text := c.Text()
			if !strings.Contains(text, "<b>6个</b>") || !strings.Contains(text, "[1]") {
				t.Errorf("reply lacks the figure 6 with a [1] marker:\n%s", text)
			}
			if !strings.Contains(text, "来源") || !strings.Contains(text, "上海") {
				t.Errorf("reply lacks a sources block:\n%s", text)
			}
			if c.Form["parse_mode"] != "HTML" {
				t.Errorf("parse_mode = %q, want HTML", c.Form["parse_mode"])
			}
			if err := checkHTML(text); err != nil {
				t.Errorf("reply is not valid Telegram HTML: %v", err)
			}
			b := c.Buttons()
			if len(b) != 2 || b[0].Text != "👍" || b[1].Text != "👎" || !strings.HasPrefix(b[0].Data, "fb:up:") {
				t.Errorf("buttons = %+v, want 👍 and 👎 feedback buttons", b)
			}
			if strings.Contains(c.Form["reply_markup"], "copy_text") {
				t.Errorf("reply_markup carries copy_text: %s", c.Form["reply_markup"])
			}
		})
	}
	if n := h.fake.Count("sendChatAction"); n == 0 {
		t.Errorf("no typing action was sent")
	}
	if n := h.fake.Count("setMyCommands"); n != 1 {
		t.Errorf("setMyCommands called %d times, want 1", n)
	}
}

func TestReloadAdminOnlyAndSwapsWhileAnswering(t *testing.T) {
	docs := copySeeds(t)
	eng := &gatedEngine{testKB: seedEngine(t, docs), started: make(chan struct{}, 1), gate: make(chan struct{})}
	h := start(t, eng, func(o *Options, _ *bottest.Server) { o.Workers = 2 })

	id := h.fake.Send(bottest.Message{Chat: group, From: staff, Text: "/reload"})
	if got := h.replyTo(t, id).Text(); !strings.Contains(got, "admins only") {
		t.Errorf("non-admin /reload reply = %q, want a refusal", got)
	}
	if !strings.Contains(h.logBuf.String(), "admin command refused") {
		t.Errorf("refused /reload was not logged")
	}
	select {
	case <-eng.started:
		t.Fatal("a non-admin started a reload")
	default:
	}

	newDoc := "# 测试新规\n\n2025年3月1日\n\n杭州市规定每个街道设立12个低空飞行服务站。\n"
	if err := os.WriteFile(filepath.Join(docs, "hangzhou.md"), []byte(newDoc), 0o644); err != nil {
		t.Fatal(err)
	}
	id = h.fake.Send(bottest.Message{Chat: group, From: admin, Text: "/reload@policybot"})
	<-eng.started // the rebuild is under way and held
	q := h.fake.Send(bottest.Message{Chat: group, From: staff, Text: "@policybot " + isoQ})
	if got := h.replyTo(t, q).Text(); !strings.Contains(got, "6个") {
		t.Errorf("answer during reload = %q, want the old index to answer", got)
	}
	close(eng.gate)
	got := h.fake.NextMatching(t, "sendMessage", func(c bottest.Call) bool {
		return c.ReplyTo() == id && strings.Contains(c.Text(), "Reloaded")
	}).Text()
	for _, want := range []string{"1 added", "0 changed", "0 removed", "hangzhou.md", "chunks"} {
		if !strings.Contains(got, want) {
			t.Errorf("reload report lacks %q:\n%s", want, got)
		}
	}
	q = h.fake.Send(bottest.Message{Chat: group, From: staff, Text: "@policybot 杭州市每个街道设立多少个低空飞行服务站？"})
	if got := h.replyTo(t, q).Text(); !strings.Contains(got, "12") || !strings.Contains(got, "测试新规") {
		t.Errorf("answer after reload = %q, want the new document's figure", got)
	}
}

func TestFailedReloadKeepsOldIndex(t *testing.T) {
	docs := copySeeds(t)
	eng := seedEngine(t, docs)
	h := start(t, eng, nil)
	entries, err := os.ReadDir(docs)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if err := os.Remove(filepath.Join(docs, e.Name())); err != nil {
			t.Fatal(err)
		}
	}
	id := h.fake.Send(bottest.Message{Chat: bottest.PrivateChat(admin), From: admin, Text: "/reload"})
	got := h.fake.NextMatching(t, "sendMessage", func(c bottest.Call) bool {
		return c.ReplyTo() == id && strings.Contains(c.Text(), "Reload failed")
	}).Text()
	if !strings.Contains(got, "still serving") || !strings.Contains(got, "no loadable documents") {
		t.Errorf("failed reload report = %q, want the reason and that the old index serves", got)
	}
	q := h.fake.Send(bottest.Message{Chat: group, From: staff, Text: "@policybot " + isoQ})
	if got := h.replyTo(t, q).Text(); !strings.Contains(got, "6个") {
		t.Errorf("answer after failed reload = %q, want the old index to answer", got)
	}
}

func TestFeedbackRecorded(t *testing.T) {
	h := start(t, seedEngine(t, ""), nil)
	chat := bottest.PrivateChat(staff)
	q := h.fake.Send(bottest.Message{Chat: chat, From: staff, Text: isoQ})
	ans := h.replyTo(t, q)
	buttons := ans.Buttons()
	if len(buttons) != 2 {
		t.Fatalf("answer buttons = %+v", buttons)
	}
	up, down := buttons[0].Data, buttons[1].Data
	record := strings.TrimPrefix(up, "fb:up:")

	clicks := []struct {
		who   bottest.User
		data  string
		toast string
	}{
		{staff, up, "Thanks"},
		{staff, up, "already voted"},
		{other, up, "Thanks"},
		{staff, down, "Changed your vote"},
		{staff, "fb:sideways:" + record, "expired"},
	}
	for _, c := range clicks {
		cq := h.fake.Click(c.who, chat, ans.ID, c.data)
		got := h.fake.Next(t, "answerCallbackQuery")
		if got.Form["callback_query_id"] != cq || !strings.Contains(got.Form["text"], c.toast) {
			t.Errorf("click %s by %d: answerCallbackQuery %v, want id %s with %q", c.data, c.who.ID, got.Form, cq, c.toast)
		}
	}
	l := h.records(t)
	if len(l.Records) != 1 || l.Records[0].ID != record {
		t.Fatalf("log records = %+v, want one with id %s", l.Records, record)
	}
	r := l.Records[0]
	if !r.Answered || r.Path != "extractive" || r.Question != isoQ || r.Chat.Type != "private" || len(r.Chunks) == 0 || r.Script != "zh-Hans" {
		t.Errorf("record = %+v", r)
	}
	if r.Latency.TotalMS <= 0 && r.Latency.RetrieveMS <= 0 {
		t.Errorf("record has no latency: %+v", r.Latency)
	}
	votes := l.Votes[record]
	if votes["200"] != answerlog.VoteDown || votes["300"] != answerlog.VoteUp || len(votes) != 2 {
		t.Errorf("votes = %v, want staff 👎 (changed) and other 👍", votes)
	}
}

func TestRetriesAfterRateLimitAndServerErrors(t *testing.T) {
	tests := []struct {
		name string
		fail bottest.Failure
		wait time.Duration
	}{
		{"429 retry_after", bottest.Failure{Status: 429, RetryAfter: 1, Description: "Too Many Requests: retry after 1"}, time.Second},
		{"502 from a proxy", bottest.Failure{Status: 502, HTML: true}, firstBackoff},
		{"500 JSON", bottest.Failure{Status: 500}, firstBackoff},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := start(t, seedEngine(t, ""), nil)
			h.fake.Fail("sendMessage", tc.fail)
			q := h.fake.Send(bottest.Message{Chat: group, From: staff, Text: "/ask " + isoQ})
			first := h.fake.Next(t, "sendMessage")
			if first.Status != tc.fail.Status || first.ReplyTo() != q {
				t.Errorf("first sendMessage status %d, want the injected %d", first.Status, tc.fail.Status)
			}
			if d := <-h.waits; d != tc.wait {
				t.Errorf("waited %s before retrying, want %s", d, tc.wait)
			}
			second := h.fake.Next(t, "sendMessage")
			if second.Status != 0 || second.ReplyTo() != q || !strings.Contains(second.Text(), "6个") {
				t.Errorf("retried sendMessage = %d %q", second.Status, second.Text())
			}
			if strings.Contains(h.logBuf.String(), testToken) {
				t.Errorf("token in logs")
			}
		})
	}
}

func TestLongAnswerSplitIntoValidHTML(t *testing.T) {
	long := longAnswer()
	eng := &scriptedEngine{testKB: seedEngine(t, ""), answer: func(answer.Question) (answer.Answer, error) { return long, nil }}
	h := start(t, eng, nil)
	q := h.fake.Send(bottest.Message{Chat: group, From: staff, Text: "@policybot 长问题"})
	first := h.replyTo(t, q)
	parts := []bottest.Call{first}
	for len(parts[len(parts)-1].Buttons()) == 0 {
		parts = append(parts, h.fake.Next(t, "sendMessage"))
	}
	if len(parts) < 3 {
		t.Fatalf("long answer sent as %d messages, want it split in ≥ 3", len(parts))
	}
	var texts []string
	for i, p := range parts {
		if err := checkHTML(p.Text()); err != nil {
			t.Errorf("part %d is not valid Telegram HTML: %v\n%s", i+1, err, p.Text())
		}
		if i > 0 && p.ReplyTo() != 0 {
			t.Errorf("part %d quotes message %d; only the first should", i+1, p.ReplyTo())
		}
		texts = append(texts, p.Text())
	}
	golden(t, "long_answer_split.golden", strings.Join(texts, "\n\n=== message break ===\n\n"))
}

// longAnswer is an LLM-style answer longer than one Telegram message, with
// markup-like text that must be escaped.
func longAnswer() answer.Answer {
	var b strings.Builder
	for i := 1; i <= 14; i++ {
		fmt.Fprintf(&b, "第%d条：上海将建设国际标准化高地，推动<标准>与\"产业\"协同发展 & 数字化转型，", i)
		b.WriteString(strings.Repeat("完善标准体系，提升标准供给质量，加强标准实施监督。", 9))
		fmt.Fprintf(&b, "[%d]\n\n", i%2+1)
	}
	b.WriteString(strings.Repeat("一段没有换行的很长的段落，用于检验在句子边界拆分。", 200) + "[1]")
	return answer.Answer{Text: b.String(), Answered: true, Path: answer.PathLLM, Script: "zh-Hans",
		Citations: []answer.Citation{
			{N: 1, Doc: "a.txt", Title: "上海市标准化发展行动计划 <2022>", Section: "一、总体要求", Date: "2022-02-17"},
			{N: 2, Doc: "b.pdf", Title: "国家标准化发展纲要", Page: 3},
			{N: 3, Doc: "c.txt", Title: "Never cited"},
		}}
}

func TestStreamingEditsAtMostOncePerSecond(t *testing.T) {
	var h *harness
	eng := &scriptedEngine{testKB: seedEngine(t, "")}
	eng.answer = func(q answer.Question) (answer.Answer, error) {
		if q.Stream != nil {
			for i, s := range []string{"上海", "上海承担", "上海承担国际", "上海承担国际标准化", "上海承担国际标准化技术组织"} {
				q.Stream(s)
				if i%2 == 1 {
					h.clock.Advance(1100 * time.Millisecond)
				}
			}
		}
		return answer.Answer{Text: "上海承担国际标准化技术组织秘书处6个[1]", Answered: true, Path: answer.PathLLM, Script: "zh-Hans",
			Citations: []answer.Citation{{N: 1, Doc: "a.txt", Title: "行动计划"}}}, nil
	}
	h = start(t, eng, nil)
	chat := bottest.PrivateChat(staff)
	q := h.fake.Send(bottest.Message{Chat: chat, From: staff, Text: "秘书处？"})
	first := h.replyTo(t, q)
	if first.Text() != "上海 …" {
		t.Errorf("first streamed message = %q", first.Text())
	}
	var edits []bottest.Call
	for {
		e := h.fake.Next(t, "editMessageText")
		edits = append(edits, e)
		if len(e.Buttons()) > 0 {
			break
		}
	}
	// Partials at t=0 (sent), 0, +1.1s (edit), +1.1s, +2.2s (edit), then the final edit.
	if len(edits) != 3 {
		t.Errorf("got %d edits, want 2 throttled partial edits and the final one: %v", len(edits), edits)
	}
	final := edits[len(edits)-1]
	if final.Form["message_id"] != fmt.Sprint(first.ID) || !strings.Contains(final.Text(), "行动计划") {
		t.Errorf("final edit = %v, want the full answer with sources in message %d", final.Form, first.ID)
	}
	// Groups get the final message only.
	q = h.fake.Send(bottest.Message{Chat: group, From: staff, Text: "/ask 秘书处？"})
	if got := h.replyTo(t, q); !strings.Contains(got.Text(), "行动计划") || len(got.Buttons()) != 2 {
		t.Errorf("group answer = %q", got.Text())
	}
	if n := len(h.fake.Pending("editMessageText")); n != 0 {
		t.Errorf("group answer was streamed with %d edits", n)
	}
}

func TestRateLimitNotice(t *testing.T) {
	h := start(t, seedEngine(t, ""), func(o *Options, _ *bottest.Server) { o.RatePerMinute = 2 })
	chat := bottest.PrivateChat(staff)
	for i := range 2 {
		q := h.fake.Send(bottest.Message{Chat: chat, From: staff, Text: isoQ})
		if got := h.replyTo(t, q).Text(); !strings.Contains(got, "6个") {
			t.Errorf("question %d = %q", i, got)
		}
	}
	q := h.fake.Send(bottest.Message{Chat: chat, From: staff, Text: isoQ})
	if got := h.replyTo(t, q).Text(); !strings.Contains(got, "faster than I can answer") {
		t.Errorf("third question in a minute = %q, want a rate-limit notice", got)
	}
	silent := h.fake.Send(bottest.Message{Chat: chat, From: staff, Text: isoQ})
	for _, c := range h.barrier(t, chat, staff) {
		if c.ReplyTo() == silent {
			t.Errorf("second over-limit message got a reply %q; one notice is enough", c.Text())
		}
	}
	h.clock.Advance(time.Minute)
	q = h.fake.Send(bottest.Message{Chat: chat, From: staff, Text: isoQ})
	if got := h.replyTo(t, q).Text(); !strings.Contains(got, "6个") {
		t.Errorf("after a minute = %q, want an answer", got)
	}
}

func TestPanicIsRecovered(t *testing.T) {
	eng := &scriptedEngine{testKB: seedEngine(t, "")}
	eng.answer = func(q answer.Question) (answer.Answer, error) {
		if strings.Contains(q.Text, "panic") {
			panic("engine exploded")
		}
		return eng.testKB.Ask(context.Background(), q)
	}
	h := start(t, eng, nil)
	chat := bottest.PrivateChat(staff)
	q := h.fake.Send(bottest.Message{Chat: chat, From: staff, Text: "please panic"})
	if got := h.replyTo(t, q).Text(); !strings.Contains(got, "something went wrong") || strings.Contains(got, "exploded") {
		t.Errorf("reply after panic = %q, want a safe apology", got)
	}
	q = h.fake.Send(bottest.Message{Chat: chat, From: staff, Text: isoQ})
	if got := h.replyTo(t, q).Text(); !strings.Contains(got, "6个") {
		t.Errorf("answer after a panic = %q", got)
	}
	if !strings.Contains(h.logBuf.String(), "handler panicked") {
		t.Errorf("panic not logged")
	}
}

func TestEngineErrorIsNotShown(t *testing.T) {
	eng := &scriptedEngine{testKB: seedEngine(t, ""), answer: func(answer.Question) (answer.Answer, error) {
		return answer.Answer{}, fmt.Errorf("llm: dial tcp 10.0.0.1: %w", errBoom)
	}}
	h := start(t, eng, nil)
	q := h.fake.Send(bottest.Message{Chat: bottest.PrivateChat(staff), From: staff, Text: isoQ})
	if got := h.replyTo(t, q).Text(); strings.Contains(got, "boom") || strings.Contains(got, "dial") {
		t.Errorf("asker sees the error text: %q", got)
	}
	h.barrier(t, bottest.PrivateChat(staff), staff) // the log line is written after the reply
	if l := h.records(t); len(l.Records) != 1 || !strings.Contains(l.Records[0].Error, "boom") {
		t.Errorf("failed question not logged with its cause: %+v", l.Records)
	}
}

func TestMissingMethodsAreSkipped(t *testing.T) {
	h := start(t, seedEngine(t, ""), func(_ *Options, f *bottest.Server) {
		f.Missing("setMyCommands")
		f.Missing("sendChatAction")
		f.Missing("deleteWebhook")
	})
	chat := bottest.PrivateChat(staff)
	for range 2 {
		q := h.fake.Send(bottest.Message{Chat: chat, From: staff, Text: isoQ})
		if got := h.replyTo(t, q).Text(); !strings.Contains(got, "6个") {
			t.Errorf("answer = %q", got)
		}
	}
	if n := h.fake.Count("sendChatAction"); n != 1 {
		t.Errorf("sendChatAction tried %d times, want once and then skipped", n)
	}
	if n := strings.Count(h.logBuf.String(), "does not implement this method"); n != 3 {
		t.Errorf("missing methods logged %d times, want 3 (once each)", n)
	}
}

func TestAllowlistAndGroupAdmins(t *testing.T) {
	h := start(t, seedEngine(t, ""), func(o *Options, f *bottest.Server) {
		o.AllowedChats = []int64{group.ID}
		o.GroupAdmins = true
		f.SetMember(group.ID, other.ID, "administrator")
	})
	elsewhere := bottest.Chat{ID: -2002, Type: "group", Title: "Elsewhere"}
	for range 2 {
		h.fake.Send(bottest.Message{Chat: elsewhere, From: staff, Text: "@policybot " + isoQ})
	}
	if calls := h.barrier(t, group, staff); len(calls) != 0 {
		t.Errorf("bot spoke in a chat outside the allowlist: %v", calls)
	}
	if n := strings.Count(h.logBuf.String(), "outside the allowlist"); n != 1 {
		t.Errorf("chat outside the allowlist logged %d times, want once", n)
	}
	tests := []struct {
		name string
		user bottest.User
		want string
	}{
		{"group administrator", other, "Statistics"},
		{"configured admin", admin, "Statistics"},
		{"member", staff, "admins only"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q := h.fake.Send(bottest.Message{Chat: group, From: tc.user, Text: "/stats"})
			if got := h.replyTo(t, q).Text(); !strings.Contains(got, tc.want) {
				t.Errorf("/stats by %s = %q, want %q", tc.name, got, tc.want)
			}
		})
	}
	if h.fake.Count("getChatMember") == 0 {
		t.Errorf("group administrators were not checked with getChatMember")
	}
}

func TestSourcesAndSearch(t *testing.T) {
	h := start(t, seedEngine(t, ""), nil)
	chat := bottest.PrivateChat(staff)
	q := h.fake.Send(bottest.Message{Chat: chat, From: staff, Text: "/sources"})
	got := h.replyTo(t, q).Text()
	for _, want := range []string{"5 documents", "txt", "chunks", "indexed", "<code>001_9709453190b7982c.txt</code>"} {
		if !strings.Contains(got, want) {
			t.Errorf("/sources lacks %q:\n%s", want, got)
		}
	}
	q = h.fake.Send(bottest.Message{Chat: chat, From: staff, Text: "/search 国际标准化 秘书处"})
	got = h.replyTo(t, q).Text()
	if !strings.Contains(got, "<blockquote>") || !strings.Contains(got, "1. ") || strings.Contains(got, "依据") {
		t.Errorf("/search = %q, want passages without a synthesised answer", got)
	}
	if err := checkHTML(got); err != nil {
		t.Errorf("/search reply: %v", err)
	}
}

func TestDeclinedAnswerHasNoSources(t *testing.T) {
	h := start(t, seedEngine(t, ""), nil)
	q := h.fake.Send(bottest.Message{Chat: bottest.PrivateChat(staff), From: staff, Text: "火星殖民地的税率是多少？"})
	got := h.replyTo(t, q).Text()
	if strings.Contains(got, "来源") || strings.Contains(got, "[1]") {
		t.Errorf("declined answer shows sources: %q", got)
	}
	h.barrier(t, bottest.PrivateChat(staff), staff)
	if l := h.records(t); len(l.Records) != 1 || l.Records[0].Answered || l.Records[0].Path != "declined" {
		t.Errorf("declined question logged as %+v", l.Records)
	}
}

func TestTokenCheck(t *testing.T) {
	fake := bottest.New(t, testToken, botName)
	dead, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadURL := "http://" + dead.Addr().String()
	dead.Close()
	st := openState(t, "", newClock())
	tests := []struct {
		name, token, url, want string
	}{
		{"rejected", "123456:WRONG-token", fake.URL, "rejected the bot token"},
		{"missing", "", fake.URL, "no Telegram bot token"},
		{"unreachable", testToken, deadURL, "cannot reach the Telegram Bot API"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(context.Background(), Options{Token: tc.token, APIURL: tc.url, State: st, Wait: func(context.Context, time.Duration) error { return nil }})
			if err == nil {
				t.Fatal("New succeeded")
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.want) || strings.Contains(msg, "\n") {
				t.Errorf("error = %q, want one line with %q", msg, tc.want)
			}
			if tc.token != "" && strings.Contains(msg, tc.token) {
				t.Errorf("error contains the token: %q", msg)
			}
		})
	}
}

func TestWebhookChecksSecret(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h := start(t, seedEngine(t, ""), func(o *Options, _ *bottest.Server) {
		o.WebhookURL = "https://bot.example.org/tg/hook"
		o.Listener = ln
		o.WebhookSecret = "s3cret"
	})
	set := h.fake.Next(t, "setWebhook")
	if set.Form["url"] != "https://bot.example.org/tg/hook" || set.Form["secret_token"] != "s3cret" {
		t.Errorf("setWebhook form = %v", set.Form)
	}
	post := func(secret string, body []byte) int {
		req, err := http.NewRequest(http.MethodPost, "http://"+ln.Addr().String()+"/tg/hook", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		if secret != "" {
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	chat := bottest.PrivateChat(staff)
	forged := h.fake.UpdateJSON(bottest.Message{Chat: chat, From: staff, Text: "forged " + isoQ})
	for _, secret := range []string{"", "wrong"} {
		if code := post(secret, forged); code != http.StatusForbidden {
			t.Errorf("webhook with secret %q: HTTP %d, want 403", secret, code)
		}
	}
	real := h.fake.UpdateJSON(bottest.Message{Chat: chat, From: staff, Text: isoQ})
	if code := post("s3cret", real); code != http.StatusOK {
		t.Errorf("webhook with the right secret: HTTP %d", code)
	}
	got := h.fake.Next(t, "sendMessage")
	if !strings.Contains(got.Text(), "6个") {
		t.Errorf("webhook answer = %q", got.Text())
	}
	if n := h.fake.Count("getUpdates"); n != 0 {
		t.Errorf("webhook mode polled getUpdates %d times", n)
	}
}

func TestShutdownLetsAnswersInFlightFinish(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	eng := &scriptedEngine{testKB: seedEngine(t, "")}
	eng.answer = func(q answer.Question) (answer.Answer, error) {
		close(started)
		<-release
		return eng.testKB.Ask(context.Background(), q)
	}
	h := start(t, eng, nil)
	q := h.fake.Send(bottest.Message{Chat: group, From: staff, Text: "/ask " + isoQ})
	<-started
	h.cancel() // SIGINT: the root context ends while the answer is being written
	close(release)
	if got := h.replyTo(t, q).Text(); !strings.Contains(got, "6个") {
		t.Errorf("answer in flight at shutdown = %q", got)
	}
	if err := h.stop(); err != nil {
		t.Errorf("Run: %v", err)
	}
}
