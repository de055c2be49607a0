package bot

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-telegram/bot/models"

	"github.com/policybot/policybot/knowledge"
	"github.com/policybot/policybot/retrieval"
	"github.com/policybot/policybot/retrieval/answer"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// golden compares got with testdata/name, rewriting it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func TestRenderGolden(t *testing.T) {
	tests := []struct {
		name   string
		blocks []block
	}{
		{"answer_escaped_cited_only", answerBlocks(answer.Answer{
			Text:     "6个。依据：“上海承担国际标准化技术组织ISO/IEC秘书处6个 <b>&</b>”[1]\n“另见 a<b 且 c>d”[3]",
			Short:    "6个",
			Answered: true, Script: "zh-Hans", Path: answer.PathExtractive,
			Citations: []answer.Citation{
				{N: 1, Doc: "a.txt", Title: `《上海市标准化发展行动计划》<script>alert("x")</script>`, Section: "一、总体要求 › 二是", Date: "2022-02-17"},
				{N: 2, Doc: "b.txt", Title: "Retrieved but not cited"},
				{N: 3, Doc: "c.pdf", Title: "R&D 政策 'quoted'", Page: 12},
			},
		})},
		{"answer_english", answerBlocks(answer.Answer{
			Text: "6. The source says: “Shanghai hosts 6 ISO/IEC secretariats” [1]", Short: "6", Answered: true, Script: "en",
			Citations: []answer.Citation{{N: 1, Doc: "a.txt", Title: "Action plan", Date: "2022-02-17"}},
			Note:      "The LLM was unavailable; this answer quotes the documents.",
		})},
		{"answer_declined", answerBlocks(answer.Answer{
			Text: "知识库中没有找到“火星<税率>”的依据，无法回答。", Answered: false, Path: answer.PathDeclined,
			Citations: []answer.Citation{{N: 1, Doc: "a.txt", Title: "Should not show"}},
		})},
		{"search", searchBlocks("秘书处 <x>", []retrieval.Evidence{
			{Chunk: knowledge.Chunk{ID: "a.txt#1", DocID: "a.txt", Title: "行动计划 & 纲要", Section: []string{"一", "二"}, Date: "2022-02-17", Text: "上海承担国际标准化技术组织ISO/IEC秘书处6个 <i>x</i>"}, Score: 0.0321},
			{Chunk: knowledge.Chunk{ID: "b.pdf#3", DocID: "b.pdf", Title: "", Page: 4, Text: strings.Repeat("长文本", 200)}, Score: 0.01},
		})},
		{"help", helpBlocks("policybot", 6)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			parts := paginate(tc.blocks, maxMessage)
			for i, p := range parts {
				if err := checkHTML(p); err != nil {
					t.Errorf("part %d: %v", i+1, err)
				}
			}
			golden(t, tc.name+".golden", strings.Join(parts, "\n\n=== message break ===\n\n")+"\n")
		})
	}
}

func TestPaginateKeepsEveryCharacter(t *testing.T) {
	tests := []struct {
		name  string
		spans []span
		limit int
	}{
		{"plain sentences", []span{{"", strings.Repeat("标准化工作。", 300)}}, 500},
		{"escaped text", []span{{"", strings.Repeat("a<b & c>d ", 200)}}, 300},
		{"tagged spans", []span{{"b", strings.Repeat("粗体", 300)}, {"", " 中间 "}, {"blockquote", strings.Repeat("引用文字，", 200)}}, 400},
		{"emoji", []span{{"i", strings.Repeat("🙂👍🏽", 400)}}, 301},
		{"no break points", []span{{"code", strings.Repeat("x", 5000)}}, 4096},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			parts := paginate([]block{{spans: tc.spans}}, tc.limit)
			if len(parts) < 2 {
				t.Errorf("got %d parts, want a split", len(parts))
			}
			var want, got strings.Builder
			for _, s := range tc.spans {
				want.WriteString(s.text)
			}
			for i, p := range parts {
				if n := utf16Len(p); n > tc.limit {
					t.Errorf("part %d is %d UTF-16 units, over %d", i+1, n, tc.limit)
				}
				if err := checkHTML(p); err != nil {
					t.Errorf("part %d: %v", i+1, err)
				}
				got.WriteString(stripTags(p))
			}
			if strings.Join(strings.Fields(got.String()), "") != strings.Join(strings.Fields(want.String()), "") {
				t.Errorf("text changed by splitting")
			}
		})
	}
}

// stripTags undoes rendering: tags out, entities decoded.
func stripTags(s string) string {
	var b strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
		case r == '>':
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&", "&#34;", `"`, "&#39;", "'").Replace(b.String())
}

func TestParseCommandAndMentions(t *testing.T) {
	ent := func(typ models.MessageEntityType, text, part string) models.MessageEntity {
		i := strings.Index(text, part)
		return models.MessageEntity{Type: typ, Offset: utf16Len(text[:i]), Length: utf16Len(part)}
	}
	tests := []struct {
		name      string
		text      string
		ents      func(string) []models.MessageEntity
		cmd, args string
		foreign   bool
		mentioned bool
		stripped  string
	}{
		{name: "plain command", text: "/ask 问题", ents: func(s string) []models.MessageEntity {
			return []models.MessageEntity{ent(models.MessageEntityTypeBotCommand, s, "/ask")}
		}, cmd: "ask", args: "问题"},
		{name: "addressed command", text: "/Ask@PolicyBot 问题", ents: func(s string) []models.MessageEntity {
			return []models.MessageEntity{ent(models.MessageEntityTypeBotCommand, s, "/Ask@PolicyBot")}
		}, cmd: "ask", args: "问题"},
		{name: "other bot", text: "/ask@otherbot 问题", ents: func(s string) []models.MessageEntity {
			return []models.MessageEntity{ent(models.MessageEntityTypeBotCommand, s, "/ask@otherbot")}
		}, foreign: true},
		{name: "unaddressed command after text", text: "看 /ask 问题", ents: func(s string) []models.MessageEntity {
			return []models.MessageEntity{ent(models.MessageEntityTypeBotCommand, s, "/ask")}
		}, stripped: "看 /ask 问题"},
		{name: "mention after emoji", text: "👨‍👩‍👧🙂 你好 @policybot 秘书处？", ents: func(s string) []models.MessageEntity {
			return []models.MessageEntity{ent(models.MessageEntityTypeMention, s, "@policybot")}
		}, mentioned: true, stripped: "👨‍👩‍👧🙂 你好 秘书处？"},
		{name: "text mention", text: "𠀀𠀁 Policy Bot 你好", ents: func(s string) []models.MessageEntity {
			e := ent(models.MessageEntityTypeTextMention, s, "Policy Bot")
			e.User = &models.User{ID: 42}
			return []models.MessageEntity{e}
		}, mentioned: true, stripped: "𠀀𠀁 你好"},
		{name: "someone else", text: "🙂 @policybot_fan hi", ents: func(s string) []models.MessageEntity {
			return []models.MessageEntity{ent(models.MessageEntityTypeMention, s, "@policybot_fan")}
		}, stripped: "🙂 @policybot_fan hi"},
		{name: "bad offsets", text: "hi", ents: func(string) []models.MessageEntity {
			return []models.MessageEntity{{Type: models.MessageEntityTypeMention, Offset: 5, Length: 10}}
		}, stripped: "hi"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ents := tc.ents(tc.text)
			cmd, foreign := parseCommand(tc.text, ents, "policybot")
			if cmd.name != tc.cmd || cmd.args != tc.args || foreign != tc.foreign {
				t.Errorf("parseCommand(%q) = %+v, %v, want %q %q %v", tc.text, cmd, foreign, tc.cmd, tc.args, tc.foreign)
			}
			if tc.cmd != "" || tc.foreign {
				return
			}
			m, rest := mentions(tc.text, ents, "policybot", 42)
			if m != tc.mentioned || rest != tc.stripped {
				t.Errorf("mentions(%q) = %v, %q, want %v, %q", tc.text, m, rest, tc.mentioned, tc.stripped)
			}
		})
	}
}
