package bot

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/policybot/policybot/bot/bottest"
)

// TestTypingServerErrorNeverDelaysAnswers: with sendChatAction answering
// 500, many askers at once are all answered, the typing call is tried once
// (per worker, before the failure is known) and never retried, no retry
// wait is ever taken, and the failure is logged once.
func TestTypingServerErrorNeverDelaysAnswers(t *testing.T) {
	const workers, askers = 4, 40
	h := start(t, seedEngine(t, ""), func(o *Options, f *bottest.Server) {
		o.Workers = workers
		f.Down("sendChatAction", bottest.Failure{Status: 500})
	})
	waiting := make(map[int]bool)
	for i := range askers {
		u := bottest.User{ID: int64(5000 + i), FirstName: "Asker"}
		waiting[h.fake.Send(bottest.Message{Chat: group, From: u, Text: "@policybot " + isoQ})] = true
	}
	for len(waiting) > 0 {
		c := h.fake.Next(t, "sendMessage")
		if !waiting[c.ReplyTo()] || c.Status != 0 || !strings.Contains(c.Text(), "6个") {
			t.Errorf("unexpected sendMessage: status %d, reply to %d, %q", c.Status, c.ReplyTo(), c.Text())
			continue
		}
		delete(waiting, c.ReplyTo())
	}
	if n := h.fake.Count("sendChatAction"); n < 1 || n > workers {
		t.Errorf("sendChatAction called %d times for %d answers, want 1..%d: one try, then it rests", n, askers, workers)
	}
	for _, c := range h.fake.Pending("sendChatAction") {
		if c.Status != 500 {
			t.Errorf("sendChatAction answered %d, want the injected 500", c.Status)
		}
	}
	if n := len(h.waits); n != 0 {
		t.Errorf("the bot waited %d times to retry, want never: typing is best effort", n)
	}
	if n := strings.Count(h.logBuf.String(), "best-effort telegram call failed"); n != 1 {
		t.Errorf("the failing typing call was logged %d times, want once:\n%s", n, h.logBuf.String())
	}

	// After the rest, one answer tries again; the method works again.
	h.fake.Up("sendChatAction")
	h.clock.Advance(auxRest + time.Second)
	before := h.fake.Count("sendChatAction")
	q := h.fake.Send(bottest.Message{Chat: group, From: staff, Text: "@policybot " + isoQ})
	h.replyTo(t, q)
	if c := h.fake.Next(t, "sendChatAction"); c.Status != 0 || h.fake.Count("sendChatAction") != before+1 {
		t.Errorf("after the rest: sendChatAction status %d, %d calls; want one successful call", c.Status, h.fake.Count("sendChatAction")-before)
	}
	if !strings.Contains(h.logBuf.String(), "telegram call works again") {
		t.Errorf("the recovery was not logged")
	}
}

func TestAuxiliaryCallsAreBestEffort(t *testing.T) {
	tests := []struct {
		name   string
		method string
		fail   bottest.Failure
	}{
		{"setMyCommands behind a proxy's 502", "setMyCommands", bottest.Failure{Status: 502, HTML: true}},
		{"setMyCommands 500", "setMyCommands", bottest.Failure{Status: 500}},
		{"setMyCommands rate limited", "setMyCommands", bottest.Failure{Status: 429, RetryAfter: 30}},
		{"typing rate limited", "sendChatAction", bottest.Failure{Status: 429, RetryAfter: 120}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := start(t, seedEngine(t, ""), func(_ *Options, f *bottest.Server) { f.Down(tc.method, tc.fail) })
			for range 3 {
				q := h.fake.Send(bottest.Message{Chat: bottest.PrivateChat(staff), From: staff, Text: isoQ})
				if got := h.replyTo(t, q).Text(); !strings.Contains(got, "6个") {
					t.Errorf("answer = %q", got)
				}
			}
			if n := h.fake.Count(tc.method); n != 1 {
				t.Errorf("%s called %d times, want once", tc.method, n)
			}
			if n := len(h.waits); n != 0 {
				t.Errorf("the bot waited %d times to retry %s, want never", n, tc.method)
			}
		})
	}
}

// runBot runs a bot outside the harness, for tests in which Run is meant
// to fail; it returns Run's result channel and the log.
func runBot(t *testing.T, fake *bottest.Server, tweak func(*Options)) (<-chan error, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	opts := Options{Token: testToken, APIURL: fake.URL, Workers: 1, Offline: true,
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Wait:   func(context.Context, time.Duration) error { return nil },
		State:  openState(t, "", newClock())}
	if tweak != nil {
		tweak(&opts)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	b, err := New(ctx, opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	eng := seedEngine(t, "")
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx, eng, eng) }()
	return done, logs
}

func waitRun(t *testing.T, done <-chan error) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not stop after the token was revoked")
		return nil
	}
}

func checkRevoked(t *testing.T, err error, logs *syncBuffer) {
	t.Helper()
	if !errors.Is(err, ErrTokenRevoked) {
		t.Errorf("Run = %v, want ErrTokenRevoked", err)
	}
	if err != nil && (strings.Contains(err.Error(), testToken) || strings.Contains(err.Error(), "\n")) {
		t.Errorf("Run error %q: want one line without the token", err)
	}
	out := logs.String()
	if strings.Contains(out, testToken) || strings.Contains(out, tokenSecret(testToken)) {
		t.Errorf("the token appears in the log:\n%s", out)
	}
	if strings.Contains(out, "Unauthorized") && strings.Count(out, "Unauthorized") > 2 {
		t.Errorf("the refused token was logged again and again:\n%s", out)
	}
}

func TestRevokedTokenStopsPolling(t *testing.T) {
	fake := bottest.New(t, testToken, botName)
	done, logs := runBot(t, fake, nil)
	q := fake.Send(bottest.Message{Chat: bottest.PrivateChat(staff), From: staff, Text: isoQ})
	fake.NextMatching(t, "sendMessage", func(c bottest.Call) bool { return c.ReplyTo() == q })
	fake.Revoke() // the long poll in progress gets 401, as every call after it
	checkRevoked(t, waitRun(t, done), logs)
}

func TestRevokedTokenStopsWebhook(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	fake := bottest.New(t, testToken, botName)
	done, logs := runBot(t, fake, func(o *Options) {
		o.WebhookURL, o.Listener = "https://bot.example.org/tg/hook", ln
	})
	fake.Next(t, "setWebhook")
	fake.Revoke()
	// Webhook updates still arrive; the reply is refused with 401.
	body := fake.UpdateJSON(bottest.Message{Chat: bottest.PrivateChat(staff), From: staff, Text: isoQ})
	resp, err := http.Post("http://"+ln.Addr().String()+"/tg/hook", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	checkRevoked(t, waitRun(t, done), logs)
}
