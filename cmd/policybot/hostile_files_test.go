//go:build unix

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/policybot/policybot/config"
	"github.com/policybot/policybot/internal/hostile"
	"github.com/policybot/policybot/knowledge"
)

// TestHostileFolder runs the real index, ask and search over a folder of
// one good document and the hostile files of issue 13 (smaller, with the
// limits scaled down to match): index finishes, names every skipped file
// with its reason, on lines of its own; the good document answers; the
// file a symlink leaks and the text of scripts cannot be found.
//
// To measure the full-size folder (about 70 MB, the sizes of issue 13,
// default limits) with the built binary:
//
//	POLICYBOT_HOSTILE_DIR=/tmp/hostile POLICYBOT_HOSTILE_FULL=1 go test -run TestHostileFolder ./cmd/policybot/
//	go build -o /tmp/policybot ./cmd/policybot
//	/usr/bin/time -v /tmp/policybot index --docs /tmp/hostile/docs --data /tmp/hostile/data
func TestHostileFolder(t *testing.T) {
	root := t.TempDir()
	full := os.Getenv("POLICYBOT_HOSTILE_FULL") != ""
	if d := os.Getenv("POLICYBOT_HOSTILE_DIR"); d != "" {
		root = d
		if err := os.RemoveAll(root); err != nil {
			t.Fatal(err)
		}
	}
	docs, outside, data := filepath.Join(root, "docs"), filepath.Join(root, "outside"), filepath.Join(root, "data")
	for _, d := range []string{docs, outside} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	folder, err := hostile.WriteFolder(docs, outside, full)
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"--docs", docs, "--data", data}
	if folder.Config != "" {
		cfg := filepath.Join(root, "policybot.json")
		if err := os.WriteFile(cfg, []byte(folder.Config), 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, "--config", cfg)
	}

	_, stderr, err := runCLI(t, nil, "", append([]string{"index", "--offline"}, args...)...)
	if err != nil {
		t.Fatalf("index: %v\n%s", err, stderr)
	}
	t.Logf("index:\n%s", stderr)
	if strings.ContainsAny(stderr, "\x1b\u202e") {
		t.Errorf("index output holds a raw escape character:\n%q", stderr)
	}
	lines := strings.Split(stderr, "\n")
	for name, reason := range folder.Skips {
		prefix := "skipped " + printable(name) + ": "
		found := false
		for _, l := range lines {
			if strings.HasPrefix(l, prefix) {
				found = true
				if !strings.Contains(l, reason) {
					t.Errorf("index: %q, want the reason to mention %q", l, reason)
				}
			}
		}
		if !found {
			t.Errorf("index does not report %q as skipped (want a line starting %q):\n%s", name, prefix, stderr)
		}
	}
	for _, l := range lines {
		if strings.HasPrefix(l, "skipped forged.pdf") {
			t.Errorf("a file name forged a line of the index summary: %q", l)
		}
	}
	if want := "index: 5 documents"; !strings.Contains(stderr, want) {
		t.Errorf("index summary lacks %q (the %d good files):\n%s", want, len(folder.Loaded), stderr)
	}

	out, stderr, err := runCLI(t, nil, "", append([]string{"ask", "--json", "--offline"}, append(args, folder.Question)...)...)
	if err != nil {
		t.Fatalf("ask: %v\n%s", err, stderr)
	}
	var ans struct {
		Answer    string `json:"answer"`
		Answered  bool   `json:"answered"`
		Citations []struct {
			Doc string `json:"doc"`
		} `json:"citations"`
	}
	if err := json.Unmarshal([]byte(out), &ans); err != nil {
		t.Fatalf("ask --json: %v: %s", err, out)
	}
	if !ans.Answered || !strings.Contains(ans.Answer, folder.Answer) || len(ans.Citations) == 0 || ans.Citations[0].Doc != folder.Good {
		t.Errorf("ask(%q) = %+v, want an answer with %q citing %s", folder.Question, ans, folder.Answer, folder.Good)
	}

	// One search process for all the questions: each opening of the
	// knowledge base reads the folder again.
	questions := []string{folder.OutsideToken, "机密 令牌 不得外传", folder.ScriptToken, "alert document.write", "浙江省标准化条例"}
	out, stderr, err = runCLI(t, nil, strings.Join(questions, "\n")+"\n", append([]string{"search", "--json", "--k", "50", "--offline"}, args...)...)
	if err != nil {
		t.Fatalf("search: %v\n%s", err, stderr)
	}
	results := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var r searchLine
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("search --json: %v: %s", err, line)
		}
		for _, res := range r.Results {
			results[r.Question] = append(results[r.Question], res.Doc+": "+res.Text)
		}
	}
	for _, q := range questions[:4] {
		for _, text := range results[q] {
			if strings.Contains(strings.ToLower(text), folder.OutsideToken) || strings.Contains(strings.ToLower(text), folder.ScriptToken) ||
				strings.Contains(text, "机密") || strings.Contains(text, "alert") {
				t.Errorf("search %q found hidden text: %q", q, text)
			}
		}
	}
	if got := results["浙江省标准化条例"]; len(got) == 0 || !strings.HasPrefix(got[0], "utf16-le-bom.txt: ") {
		t.Errorf("search for the UTF-16 document = %q, want it first", got)
	}
}

// TestIndexPrintsNamesSafely: names and reasons with line breaks, escapes
// or bidirectional overrides are quoted; plain ones, Chinese included, are
// not.
func TestIndexPrintsNamesSafely(t *testing.T) {
	tests := []struct{ in, want string }{
		{"政策/上海.pdf", "政策/上海.pdf"},
		{"a b.txt", "a b.txt"},
		{"evil\nskipped x.pdf", `"evil\nskipped x.pdf"`},
		{"\x1b[31mred.txt", `"\x1b[31mred.txt"`},
		{"gnp.\u202etxt", `"gnp.\u202etxt"`},
		{"bad\xffutf8.txt", `"bad\xffutf8.txt"`},
	}
	for _, tt := range tests {
		if got := printable(tt.in); got != tt.want {
			t.Errorf("printable(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

// TestLimitsDefaultsAgree: the limits configuration defaults to the
// loader's own defaults.
func TestLimitsDefaultsAgree(t *testing.T) {
	if got, want := loaderLimits(config.Default().Limits), knowledge.DefaultLimits(); got != want {
		t.Errorf("loaderLimits(config.Default().Limits) = %+v, want knowledge.DefaultLimits() = %+v", got, want)
	}
}
