package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/policybot/policybot/bot/answerlog"
	"github.com/policybot/policybot/bot/bottest"
	"github.com/policybot/policybot/bot/state"
)

// mainEnv makes the test binary run policybot's main instead of the tests:
// the child process of TestServeKilledBetweenVotesLosesNeither.
const mainEnv = "POLICYBOT_TEST_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(mainEnv) == "1" {
		main() // os.Args are policybot's: serve --offline …
	}
	os.Exit(m.Run())
}

// TestServeKilledBetweenVotesLosesNeither runs `policybot serve` as a
// child process against the fake Bot API, kills it with SIGKILL right after
// a vote is acknowledged, starts it again, votes again, kills it again, and
// finds both votes in the state store and the answer log.
func TestServeKilledBetweenVotesLosesNeither(t *testing.T) {
	if testing.Short() {
		t.Skip("starts policybot serve twice")
	}
	fake := bottest.New(t, serveToken, "policybot")
	data, logDir := t.TempDir(), t.TempDir()
	statePath := filepath.Join(t.TempDir(), "state.db")
	// One worker: the answer's log line is written before the vote is
	// handled (with more, a kill in the milliseconds between sending an
	// answer and logging it loses that line, not the vote).
	config := filepath.Join(t.TempDir(), "policybot.json")
	if err := os.WriteFile(config, []byte(`{"telegram": {"workers": 1}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), mainEnv+"=1",
		"TELEGRAM_BOT_TOKEN="+serveToken, "TELEGRAM_API_URL="+fake.URL,
		"POLICYBOT_ANSWER_LOG="+logDir, "POLICYBOT_STATE="+statePath,
		"POLICYBOT_ADMINS=100", "POLICYBOT_CONFIG="+config, "POLICYBOT_DOCS=")
	serve := func() (*exec.Cmd, *lockedBuffer) {
		t.Helper()
		cmd := exec.Command(os.Args[0], "serve", "--offline", "--data", data)
		cmd.Env = env
		stderr := &lockedBuffer{}
		cmd.Stdout, cmd.Stderr = stderr, stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if cmd.ProcessState == nil {
				cmd.Process.Kill()
				cmd.Wait()
			}
		})
		return cmd, stderr
	}
	kill := func(cmd *exec.Cmd, stderr *lockedBuffer) {
		t.Helper()
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		err := cmd.Wait()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
			t.Fatalf("serve ended with %v, want killed by SIGKILL; its output:\n%s", err, stderr)
		}
	}
	group := bottest.Chat{ID: -100, Type: "supergroup", Title: "政策组"}
	staff, other := bottest.User{ID: 7, FirstName: "Staff"}, bottest.User{ID: 8, FirstName: "Other"}
	click := func(who bottest.User, msg int, data, want string, stderr *lockedBuffer) {
		t.Helper()
		id := fake.Click(who, group, msg, data)
		// A press the killed process had not confirmed comes again: wait
		// for this one's answer.
		got := fake.NextMatching(t, "answerCallbackQuery", func(c bottest.Call) bool { return c.Form["callback_query_id"] == id })
		if !strings.Contains(got.Form["text"], want) {
			t.Fatalf("vote %s by %d: toast %q, want %q; serve's output:\n%s", data, who.ID, got.Form["text"], want, stderr)
		}
	}

	cmd, stderr := serve()
	q := fake.Send(bottest.Message{Chat: group, From: staff, Text: "@policybot 上海承担了多少个ISO/IEC秘书处？"})
	ans := fake.NextMatching(t, "sendMessage", func(c bottest.Call) bool { return c.ReplyTo() == q })
	if !strings.Contains(ans.Text(), "6个") || len(ans.Buttons()) != 2 {
		t.Fatalf("answer = %q with buttons %v; serve's output:\n%s", ans.Text(), ans.Buttons(), stderr)
	}
	up, down := ans.Buttons()[0].Data, ans.Buttons()[1].Data
	click(staff, ans.ID, up, "Thanks", stderr) // acknowledged: committed
	kill(cmd, stderr)

	cmd, stderr = serve()
	click(other, ans.ID, down, "Thanks", stderr)
	kill(cmd, stderr)

	cmd, stderr = serve()
	click(staff, ans.ID, up, "already voted", stderr)
	kill(cmd, stderr)

	st, err := state.Open(context.Background(), statePath, state.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	record := strings.TrimPrefix(up, "fb:up:")
	for _, w := range []struct {
		asker string
		vote  answerlog.Vote
	}{{"7", answerlog.VoteUp}, {"8", answerlog.VoteDown}} {
		if v, err := st.VoteOf(context.Background(), record, w.asker); err != nil || v != w.vote {
			t.Errorf("stored vote of %s = %q, %v; want %q", w.asker, v, err, w.vote)
		}
	}
	if n, m, err := st.Votes(context.Background()); n != 1 || m != 1 || err != nil {
		t.Errorf("stored totals 👍 %d 👎 %d (%v), want 1 and 1", n, m, err)
	}
	a, out, _ := serveApp(nil)
	if err := runReview(context.Background(), a, []string{"--log", logDir}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "👍 1  👎 1") {
		t.Errorf("review of the killed processes' log:\n%s", out)
	}
}
