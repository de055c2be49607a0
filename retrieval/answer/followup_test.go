package answer

import (
	"context"
	"strings"
	"testing"
)

func TestFollowUpUsesThreadContext(t *testing.T) {
	e := seeds(t)
	const (
		iso      = "上海承担了多少个ISO/IEC秘书处？"
		national = "那全国标委会秘书处呢？"
	)
	tests := []struct {
		name     string
		context  []string
		q        string
		answered bool
		want     string
	}{
		{"one step", []string{"上海设立了多少个市级标委会？"}, national, true, "117"},
		{"english", []string{"How many ISO/IEC secretariats does Shanghai hold?"}, "And national technical committee secretariats?", true, "117"},
		{"place the documents lack", []string{"上海设立了多少个市级标委会？"}, "那北京呢？", false, ""},
		// The second step asks no "how many" itself, nor does the first
		// follow-up: it comes from the thread's first question.
		{"two steps keep how many", []string{iso, national}, "市级标委会呢？", true, "44个。依据"},
		{"three steps", []string{iso, national, "市级标委会呢？"}, "那ISO/IEC秘书处呢？", true, "6个。依据"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := e.Ask(context.Background(), Question{Text: tt.q, Context: tt.context})
			if err != nil {
				t.Fatal(err)
			}
			if a.Answered != tt.answered || !strings.Contains(a.Text, tt.want) {
				t.Errorf("Ask(%q after %q) = answered %v %q; want answered %v containing %q", tt.q, tt.context, a.Answered, a.Text, tt.answered, tt.want)
			}
		})
	}
}
