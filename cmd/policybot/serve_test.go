package main

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/policybot/policybot/bot/bottest"
)

const serveToken = "424242:serve-test-token"

// lockedBuffer is a bytes.Buffer safe for the bot's concurrent logging.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func serveApp(env map[string]string) (*app, *lockedBuffer, *lockedBuffer) {
	out, errs := &lockedBuffer{}, &lockedBuffer{}
	return &app{stdin: strings.NewReader(""), stdout: out, stderr: errs,
		getenv: func(k string) string { return env[k] }}, out, errs
}

func TestServeTokenErrors(t *testing.T) {
	fake := bottest.New(t, serveToken, "policybot")
	tests := []struct {
		name, token, want string
	}{
		{"missing", "", "no Telegram bot token"},
		{"rejected", "424242:wrong", "rejected the bot token"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, _, _ := serveApp(map[string]string{"TELEGRAM_BOT_TOKEN": tc.token, "TELEGRAM_API_URL": fake.URL})
			err := runServe(context.Background(), a, []string{"--data", t.TempDir()})
			if err == nil {
				t.Fatal("serve started")
			}
			if msg := err.Error(); !strings.Contains(msg, tc.want) || strings.Contains(msg, "\n") || (tc.token != "" && strings.Contains(msg, tc.token)) {
				t.Errorf("serve error = %q, want one line with %q and no token", msg, tc.want)
			}
		})
	}
}

// serveSession runs `policybot serve` against the fake Bot API, asks
// questions (answered, declined, a declined follow-up, thumbs up and down)
// and stops it. It
// returns the answer log folder it produced.
func serveSession(t *testing.T) string {
	t.Helper()
	fake := bottest.New(t, serveToken, "policybot")
	logDir := t.TempDir()
	a, _, stderr := serveApp(map[string]string{
		"TELEGRAM_BOT_TOKEN":   serveToken,
		"TELEGRAM_API_URL":     fake.URL,
		"POLICYBOT_ADMINS":     "100",
		"POLICYBOT_ANSWER_LOG": logDir,
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- runServe(ctx, a, []string{"--offline", "--data", t.TempDir()}) }()

	group := bottest.Chat{ID: -100, Type: "supergroup", Title: "政策组"}
	staff := bottest.User{ID: 7, FirstName: "Staff"}
	var askReply func(text string, to int) bottest.Call
	ask := func(text string) bottest.Call {
		return askReply(text, 0)
	}
	askReply = func(text string, to int) bottest.Call {
		id := fake.Send(bottest.Message{Chat: group, From: staff, Text: text, ReplyTo: to})
		return fake.NextMatching(t, "sendMessage", func(c bottest.Call) bool { return c.ReplyTo() == id })
	}
	good := ask("🙂 @policybot 上海承担了多少个ISO/IEC国际标准化技术组织秘书处？")
	if !strings.Contains(good.Text(), "6个") || !strings.Contains(good.Text(), "来源") {
		t.Errorf("answer = %q, want 6 and its source", good.Text())
	}
	declined := ask("/ask 火星殖民地的税率是多少？")
	other := ask("@policybot 上海设立了多少个市级标委会？")
	ask("/ask 火星殖民地的税率是多少？")
	// A follow-up to the first answer, about a place the documents lack.
	if got := askReply("那北京呢？", good.ID); strings.Contains(got.Text(), "来源") {
		t.Errorf("follow-up about Beijing = %q, want a decline", got.Text())
	}
	for _, v := range []struct {
		msg  bottest.Call
		vote int
	}{{good, 0}, {declined, 1}, {other, 1}} {
		fake.Click(staff, group, v.msg.ID, v.msg.Buttons()[v.vote].Data)
		fake.Next(t, "answerCallbackQuery")
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}
	if strings.Contains(stderr.String(), serveToken) {
		t.Errorf("token in serve's log output")
	}
	return logDir
}

func TestServeAnswersAndLogs(t *testing.T) {
	dir := serveSession(t)
	a, out, _ := serveApp(nil)
	if err := runReview(context.Background(), a, []string{"--log", dir}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Questions       5", "Declined        3 (decline rate 60.0%)", "Follow-ups      1 (declined 1)", "👍 1  👎 2"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("review of the serve log lacks %q:\n%s", want, out.String())
		}
	}
}
