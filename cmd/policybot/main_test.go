package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCLI runs policybot with args and stdin, with only env set in the
// environment.
func runCLI(t *testing.T, env map[string]string, stdin string, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	getenv := func(k string) string { return env[k] }
	err := run(context.Background(), args, strings.NewReader(stdin), &out, &errOut, getenv)
	return out.String(), errOut.String(), err
}

func TestAskJSONLinesContract(t *testing.T) {
	data := t.TempDir()
	stdin := "上海设立了多少个市级标委会？\n\nHow many ISO/IEC secretariats does Shanghai hold?\n北京承担了多少个ISO/IEC秘书处？\n"
	out, stderr, err := runCLI(t, nil, stdin, "ask", "--json", "--data", data)
	if err != nil {
		t.Fatalf("ask --json: %v\n%s", err, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 {
		t.Fatalf("ask --json wrote %d lines for 4 input lines:\n%s", len(lines), out)
	}
	type reply struct {
		Answer    string `json:"answer"`
		Answered  bool   `json:"answered"`
		Citations []struct {
			N       int     `json:"n"`
			Doc     string  `json:"doc"`
			Title   string  `json:"title"`
			Section string  `json:"section"`
			Text    string  `json:"text"`
			Score   float64 `json:"score"`
		} `json:"citations"`
		Timings struct {
			TotalMS float64 `json:"total_ms"`
		} `json:"timings"`
	}
	want := []struct {
		answered bool
		contains string
	}{{true, "44"}, {false, ""}, {true, "6"}, {false, ""}}
	for i, line := range lines {
		var r reply
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("line %d is not JSON: %v: %s", i+1, err, line)
		}
		if r.Answered != want[i].answered || !strings.Contains(r.Answer, want[i].contains) {
			t.Errorf("line %d = answered %v %q, want answered %v containing %q", i+1, r.Answered, r.Answer, want[i].answered, want[i].contains)
		}
		if r.Answered && (len(r.Citations) == 0 || r.Citations[0].N != 1 || r.Citations[0].Doc == "" || r.Citations[0].Text == "" || r.Citations[0].Title == "") {
			t.Errorf("line %d citations = %+v, want n, doc, title and text", i+1, r.Citations)
		}
		if !r.Answered && len(r.Citations) != 0 {
			t.Errorf("line %d declined but cites %d sources", i+1, len(r.Citations))
		}
	}
}

func TestAskForPeople(t *testing.T) {
	out, stderr, err := runCLI(t, nil, "", "ask", "--data", t.TempDir(), "上海承擔全國標委會秘書處多少個？")
	if err != nil {
		t.Fatalf("ask: %v\n%s", err, stderr)
	}
	for _, want := range []string{"117個", "Sources:", "[1]"} {
		if !strings.Contains(out, want) {
			t.Errorf("ask output lacks %q:\n%s", want, out)
		}
	}
}

func TestSearchJSONFromStdin(t *testing.T) {
	out, stderr, err := runCLI(t, nil, "ISO/IEC秘书处\n嘉興試點類型\n", "search", "--json", "--k", "3", "--data", t.TempDir())
	if err != nil {
		t.Fatalf("search: %v\n%s", err, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("search wrote %d lines, want 2", len(lines))
	}
	for i, line := range lines {
		var r searchLine
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		if len(r.Results) == 0 || len(r.Results) > 3 || r.Results[0].Doc == "" || r.Results[0].Text == "" {
			t.Errorf("line %d = %+v, want 1..3 ranked results with doc and text", i+1, r)
		}
		for j := 1; j < len(r.Results); j++ {
			if r.Results[j].Score > r.Results[j-1].Score {
				t.Errorf("line %d results not in rank order: %v", i+1, r.Results)
			}
		}
	}
}

func TestEvalRetrievalOnFixture(t *testing.T) {
	out, stderr, err := runCLI(t, nil, "", "eval", "--passages", "testdata/passages.jsonl", "--qa", "testdata/retrieval-qa.jsonl", "--json", "--min", "0.8")
	if err != nil {
		t.Fatalf("eval --passages: %v\n%s%s", err, out, stderr)
	}
	var r retrievalReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("eval --json output: %v\n%s", err, out)
	}
	if r.Passages != 4 || r.Questions != 6 || r.Hit1 < 0.8 || r.Hit5 != 1 {
		t.Errorf("eval = %+v, want 4 passages, 6 questions, hit@1 ≥ 0.8 and hit@5 = 1", r)
	}
}

func TestEvalMinFails(t *testing.T) {
	_, _, err := runCLI(t, nil, "", "eval", "--passages", "testdata/passages.jsonl", "--qa", "testdata/retrieval-qa.jsonl", "--min", "1.01")
	if !errors.Is(err, errBelowMin) || exitCode(context.Background(), err, &bytes.Buffer{}) != 1 {
		t.Errorf("eval --min 1.01 = %v, want errBelowMin and exit 1", err)
	}
}

func TestIndexReportsChanges(t *testing.T) {
	docs, data := t.TempDir(), t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(docs, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a.txt", "杭州软件企业共有936家。")
	write("broken.txt", "\x00\x01binary")
	_, stderr, err := runCLI(t, nil, "", "index", "--docs", docs, "--data", data)
	if err != nil {
		t.Fatalf("index: %v\n%s", err, stderr)
	}
	if !strings.Contains(stderr, "1 added") || !strings.Contains(stderr, "skipped broken.txt") {
		t.Errorf("first index stderr = %q, want 1 added and broken.txt skipped by name", stderr)
	}
	write("a.txt", "杭州软件企业共有1000家。")
	_, stderr, err = runCLI(t, nil, "", "index", "--docs", docs, "--data", data)
	if err != nil || !strings.Contains(stderr, "1 changed") {
		t.Errorf("second index: %v, stderr %q; want 1 changed", err, stderr)
	}
}

func TestConfigPrecedence(t *testing.T) {
	dir := t.TempDir()
	cfgFile := filepath.Join(dir, "policybot.json")
	os.MkdirAll(filepath.Join(dir, "fromfile"), 0o755)
	os.MkdirAll(filepath.Join(dir, "fromenv"), 0o755)
	os.MkdirAll(filepath.Join(dir, "fromflag"), 0o755)
	os.WriteFile(cfgFile, []byte(`{"docs_dir": "`+filepath.Join(dir, "fromfile")+`", "log_level": "warn"}`), 0o644)
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"file", map[string]string{"POLICYBOT_CONFIG": cfgFile}, nil, "fromfile"},
		{"env over file", map[string]string{"POLICYBOT_CONFIG": cfgFile, "POLICYBOT_DOCS": filepath.Join(dir, "fromenv")}, nil, "fromenv"},
		{"flag over env", map[string]string{"POLICYBOT_CONFIG": cfgFile, "POLICYBOT_DOCS": filepath.Join(dir, "fromenv")}, []string{"--docs", filepath.Join(dir, "fromflag")}, "fromflag"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := &app{stderr: &bytes.Buffer{}, getenv: func(k string) string { return tt.env[k] }}
			var common commonFlags
			fs := newFlagSet(a, "x", "")
			common.register(fs)
			if err := a.parse(fs, &common, tt.args); err != nil {
				t.Fatal(err)
			}
			if filepath.Base(a.cfg.DocsDir) != tt.want || a.cfg.LogLevel != "warn" {
				t.Errorf("docs_dir = %s, log_level %s; want %s and warn from the file", a.cfg.DocsDir, a.cfg.LogLevel, tt.want)
			}
		})
	}
}

func TestBadInvocations(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"docs_dir": 5`), 0o644)
	unknown := filepath.Join(dir, "unknown.json")
	os.WriteFile(unknown, []byte(`{"doc_dir": "x"}`), 0o644)
	tests := []struct {
		name string
		env  map[string]string
		args []string
		code int
		msg  string
	}{
		{"no command", nil, nil, 2, "no command"},
		{"unknown command", nil, []string{"frobnicate"}, 2, "unknown command"},
		{"unknown flag", nil, []string{"ask", "--nope"}, 2, "nope"},
		{"malformed config", nil, []string{"ask", "--config", bad, "q"}, 1, "bad.json"},
		{"misspelt key", nil, []string{"ask", "--config", unknown, "q"}, 1, "doc_dir"},
		{"missing docs folder", nil, []string{"ask", "--docs", filepath.Join(dir, "nope"), "q"}, 1, "docs_dir"},
		{"bad env id list", map[string]string{"POLICYBOT_ADMINS": "12,abc"}, []string{"ask", "q"}, 1, "POLICYBOT_ADMINS"},
		{"eval without qa", nil, []string{"eval"}, 2, "--qa"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, err := runCLI(t, tt.env, "", tt.args...)
			var msg bytes.Buffer
			code := exitCode(context.Background(), err, &msg)
			if code != tt.code || !strings.Contains(msg.String()+stderr, tt.msg) {
				t.Errorf("%v: exit %d, message %q; want exit %d mentioning %q", tt.args, code, msg.String(), tt.code, tt.msg)
			}
		})
	}
}
