package answer

import (
	"context"
	"strings"
	"testing"
)

func TestFollowUpUsesPreviousQuestion(t *testing.T) {
	e := seeds(t)
	tests := []struct {
		prev, q  string
		answered bool
		want     string
	}{
		{"上海设立了多少个市级标委会？", "那全国标委会秘书处呢？", true, "117"},
		{"How many ISO/IEC secretariats does Shanghai hold?", "And national technical committee secretariats?", true, "117"},
		{"上海设立了多少个市级标委会？", "那北京呢？", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			a, err := e.Ask(context.Background(), Question{Text: tt.q, Previous: tt.prev})
			if err != nil {
				t.Fatal(err)
			}
			if a.Answered != tt.answered || !strings.Contains(a.Text, tt.want) {
				t.Errorf("Ask(%q after %q) = answered %v %q; want answered %v containing %q", tt.q, tt.prev, a.Answered, a.Text, tt.answered, tt.want)
			}
		})
	}
}
