package norm

import (
	"fmt"
	"testing"
)

func TestSegments(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want string
	}{
		{"", "[]"},
		{"How many ISO/IEC secretariats?", "[[how many iso] [iec secretariats]]"},
		{"Shanghai's vice-mayor", "[[shanghai vice mayor]]"},
		{"the states' rights", "[[the states rights]]"},
		{"don't", "[[dont]]"},
		{"上海市 budget 2023年 plan", "[[budget] [plan]]"},
		{`"Zhejiang Made"`, "[[zhejiang made]]"},
		{"GB/T 1.1", "[[gb] [t]]"},
	} {
		t.Run(tt.in, func(t *testing.T) {
			if got := fmt.Sprint(Segments(tt.in)); got != tt.want {
				t.Errorf("Segments(%q) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

func TestIsStop(t *testing.T) {
	for _, tt := range []struct {
		w    string
		want bool
	}{
		{"the", true}, {"how", true}, {"many", true}, {"does", true}, {"of", true},
		{"standard", false}, {"may", false}, {"up", false}, {"", false},
	} {
		t.Run(tt.w, func(t *testing.T) {
			if got := IsStop(tt.w); got != tt.want {
				t.Errorf("IsStop(%q) = %v, want %v", tt.w, got, tt.want)
			}
		})
	}
}
