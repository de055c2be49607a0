package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSupports(t *testing.T) {
	c := "第七条　计量标准器具的使用，必须具备下列条件：（一）经计量检定合格；（二）具有正常工作所需要的环境条件。"
	cl := []clause{{clauseNorm(c), bigramSet(clauseNorm(c))}}
	tests := []struct {
		name, text string
		want       bool
	}{
		{"the clause, line breaks and spacing aside", "第七条 计量标准器具的使用，必须具备下列条件：\n（一）经计量检定合格；\n（二）具有正常工作所需要的环境条件。", true},
		{"full-width and half-width punctuation", "第七条计量标准器具的使用,必须具备下列条件:(一)经计量检定合格;(二)具有正常工作所需要的环境条件.", true},
		{"most of its bigrams (split across chunks)", "第七条　计量标准器具的使用，必须具备下列条件：\n（一）经计量检定合格；", true},
		{"only the lead-in", "第七条　计量标准器具的使用，必须具备下列条件：", false},
		{"another article", "第八条　计量检定必须按照国家计量检定系统表进行。", false},
	}
	for _, tt := range tests {
		if got := supports(cl, tt.text); got != tt.want {
			t.Errorf("supports(%s) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// eval --docs DIR --qa FILE with questions carrying their clauses scores
// clause retrieval over the folder.
func TestEvalClauses(t *testing.T) {
	docs := t.TempDir()
	reg := strings.Join([]string{
		"计量管理办法",
		"第一章　总则",
		"第一条　为了加强计量监督管理，制定本办法。",
		"第二条　计量标准器具的使用，必须具备下列条件：",
		"（一）经计量检定合格；",
		"（二）具有正常工作所需要的环境条件；",
		"（三）具有称职的保存、维护、使用人员。",
		"第二章　罚则",
		"第三条　违反本办法第二条规定的，责令改正，处以罚款。",
	}, "\n")
	if err := os.WriteFile(filepath.Join(docs, "计量管理办法.txt"), []byte(reg), 0o644); err != nil {
		t.Fatal(err)
	}
	qa := filepath.Join(t.TempDir(), "qa.jsonl")
	lines := []string{
		`{"id":"q1","question":"计量标准器具的使用必须具备哪些条件？","document":"计量管理办法","clauses":["第二条　计量标准器具的使用，必须具备下列条件：（一）经计量检定合格；（二）具有正常工作所需要的环境条件；（三）具有称职的保存、维护、使用人员。"]}`,
		`{"id":"q2","question":"违反第二条会怎样处罚？","document":"计量管理办法","clauses":["第三条　违反本办法第二条规定的，责令改正，处以罚款。"]}`,
	}
	if err := os.WriteFile(qa, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	out, stderr, err := runCLI(t, nil, "", "eval", "--docs", docs, "--qa", qa, "--json", "--min", "0.5")
	if err != nil {
		t.Fatalf("eval --docs --qa: %v\n%s%s", err, out, stderr)
	}
	var r clauseReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("eval --json output: %v\n%s", err, out)
	}
	if r.Documents != 1 || r.Questions != 2 || r.Hit5 != 1 || r.Hit20 != 1 || r.LeadInOnly != 0 || len(r.Skipped) != 0 {
		t.Errorf("eval = %+v, want 1 document, 2 questions, hit@5 = 1, no lead-in-only chunk", r)
	}
	out, _, err = runCLI(t, nil, "", "eval", "--docs", docs, "--qa", qa)
	if err != nil || !strings.Contains(out, "clause hit@1") || !strings.Contains(out, "documents 1, skipped 0") {
		t.Errorf("eval text report = %v\n%s", err, out)
	}
}
