package answer

import (
	"slices"
	"testing"
)

func TestCheckCitations(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		n       int
		want    string
		order   []int
		dropped []string
	}{
		{"plain", "上海承担ISO/IEC秘书处6个[1]。", 3, "上海承担ISO/IEC秘书处6个[1]。", []int{1}, nil},
		{"renumbered in order of use", "A is 1 [3]. B is 2 [1]. C again [3].", 3, "A is 1 [1]. B is 2 [2]. C again [1].", []int{3, 1}, nil},
		{"list", "Both say so [1, 3].", 3, "Both say so [1][2].", []int{1, 3}, nil},
		{"list with Chinese comma", "两处都提到[2，3]。", 3, "两处都提到[1][2]。", []int{2, 3}, nil},
		{"range", "All three [1-3].", 3, "All three [1][2][3].", []int{1, 2, 3}, nil},
		{"adjacent and duplicate", "Claim [2][2] [1].", 2, "Claim [1][2].", []int{2, 1}, nil},
		{"full-width lenticular", "共6个【1】。", 2, "共6个[1]。", []int{1}, nil},
		{"full-width lenticular list", "共6个【1，2】。", 2, "共6个[1][2]。", []int{1, 2}, nil},
		{"parentheses", "It has 6 (2).", 2, "It has 6 [1].", []int{2}, nil},
		{"full-width parentheses", "共6个（2）。", 2, "共6个[1]。", []int{2}, nil},
		{"footnote", "It has 6[^1].", 2, "It has 6[1].", []int{1}, nil},
		{"source word", "According to source 2, it has 6.", 2, "According to [1], it has 6.", []int{2}, nil},
		{"sources list", "Sources 1 and 2 agree.", 2, "[1][2] agree.", []int{1, 2}, nil},
		{"bracketed source word", "It has 6 [Source 2].", 2, "It has 6 [1].", []int{2}, nil},
		{"Chinese source word", "共6个（来源1）。", 2, "共6个[1]。", []int{1}, nil},
		{"bare Chinese source word", "据来源2，共6个。", 2, "据[1]，共6个。", []int{2}, nil},
		{"Traditional source word", "共6個【來源 2】。", 2, "共6個[1]。", []int{2}, nil},
		{"out of range dropped", "It has 6 [1]. It has 7 [9].", 2, "It has 6 [1]. It has 7.", []int{1}, []string{"[9]"}},
		{"zero dropped", "It has 6 [0] and more [2].", 2, "It has 6 and more [1].", []int{2}, []string{"[0]"}},
		{"out of range within a list", "Both [1, 7].", 2, "Both [1].", []int{1}, []string{"[7]"}},
		{"only invalid", "Made up [5].", 2, "Made up.", nil, []string{"[5]"}},
		{"enumeration is not a citation", "(1) first point [1]\n(2) second point [2]", 2, "(1) first point [1]\n(2) second point [2]", []int{1, 2}, nil},
		{"year in parentheses is prose", "The plan (2021) says so [1].", 1, "The plan (2021) says so [1].", []int{1}, nil},
		{"source with a longer number is prose", "source 2021 says so [1].", 1, "source 2021 says so [1].", []int{1}, nil},
		{"no markers", "上海承担了6个秘书处。", 2, "上海承担了6个秘书处。", nil, nil},
		{"dropped before a valid one keeps the space", "It has 6 [9][1].", 2, "It has 6 [1].", []int{1}, []string{"[9]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := checkCitations(tt.text, tt.n)
			if got.Text != tt.want {
				t.Errorf("checkCitations(%q, %d).Text = %q, want %q", tt.text, tt.n, got.Text, tt.want)
			}
			if !slices.Equal(got.Order, tt.order) {
				t.Errorf("checkCitations(%q, %d).Order = %v, want %v", tt.text, tt.n, got.Order, tt.order)
			}
			if !slices.Equal(got.Dropped, tt.dropped) {
				t.Errorf("checkCitations(%q, %d).Dropped = %q, want %q", tt.text, tt.n, got.Dropped, tt.dropped)
			}
			// The rewritten markers are exactly 1..len(Order), in order of first use.
			nums := citedNumbers(got.Text)
			for i, k := range nums {
				if k != i+1 {
					t.Errorf("markers of %q are %v, want 1..%d in order", got.Text, nums, len(got.Order))
					break
				}
			}
			if len(nums) != len(got.Order) {
				t.Errorf("markers of %q are %v, want %d citations", got.Text, nums, len(got.Order))
			}
		})
	}
}

func TestSaysNotInSources(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"The provided sources do not contain information about Beijing.", true},
		{"The documents don't mention the budget.", true},
		{"This is not mentioned in the sources.", true},
		{"提供的资料中没有提及北京的情况。", true},
		{"來源中並未提到深圳的預算。", true},
		{"无法从所给文件中找到答案。", true},
		{"上海承担了6个秘书处。", false},
		{"The sources say Shanghai holds 6 secretariats.", false},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			if got := saysNotInSources(tt.text); got != tt.want {
				t.Errorf("saysNotInSources(%q) = %v, want %v", tt.text, got, tt.want)
			}
		})
	}
}
