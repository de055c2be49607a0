package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestReview(t *testing.T) {
	dir := serveSession(t)
	htmlPath := filepath.Join(t.TempDir(), "review.html")
	tests := []struct {
		name string
		args []string
		want []string
		err  error
	}{
		{name: "text", args: []string{"--log", dir},
			want: []string{"Questions       5", "Answered        2", "decline rate 60.0%", "👍 1  👎 2 (33.3% positive; 3 of 5 answers rated)",
				"Latency (ms)    p50", "Declined questions (knowledge gaps): 2 distinct", "2× 火星殖民地的税率是多少？",
				"1× 那北京呢？ ← 🙂 上海承担了多少个ISO/IEC国际标准化技术组织秘书处？", "Follow-ups      1 (declined 1)",
				"Thumbs-down answers: 2", "Q: 上海设立了多少个市级标委会？", "Most-cited documents:"}},
		{name: "since the future", args: []string{"--log", dir, "--since", "2999-01-01"}, want: []string{"No questions"}},
		{name: "since a duration", args: []string{"--log", dir, "--since", "7d"}, want: []string{"Questions       5"}},
		{name: "bad since", args: []string{"--log", dir, "--since", "yesterday-ish"}, err: errUsage},
		{name: "html", args: []string{"--log", dir, "--html", htmlPath}, want: []string{"Questions       5"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, out, _ := serveApp(nil)
			err := runReview(context.Background(), a, tc.args)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Errorf("runReview(%v) = %v, want %v", tc.args, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("review lacks %q:\n%s", w, out.String())
				}
			}
		})
	}

	raw, err := os.ReadFile(htmlPath)
	if err != nil {
		t.Fatal(err)
	}
	page := string(raw)
	for _, want := range []string{"<svg", "Questions per day", "Decline rate per day", "Feedback per day", "火星殖民地的税率是多少？", "上海设立了多少个市级标委会？", "<rect",
		`那北京呢？ <span class="ctx">← 🙂 上海承担了多少个ISO/IEC国际标准化技术组织秘书处？</span>`} {
		if !strings.Contains(page, want) {
			t.Errorf("HTML report lacks %q", want)
		}
	}
	// Self-contained: nothing is fetched from elsewhere.
	external := regexp.MustCompile(`(?i)(src|href)\s*=\s*["']?\s*(https?:)?//|@import|url\(\s*["']?(https?:)?//|<script|<link`)
	if m := external.FindString(page); m != "" {
		t.Errorf("HTML report refers to an external asset: %q", m)
	}
	if os.Getenv("REVIEW_HTML_OUT") != "" {
		if err := os.WriteFile(os.Getenv("REVIEW_HTML_OUT"), raw, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
