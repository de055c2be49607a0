package pinyin

import (
	"slices"
	"testing"
)

func TestSplit(t *testing.T) {
	tab, err := New()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		word string
		want []string // nil: not pinyin
	}{
		{"Xuejun", []string{"xue", "jun"}},
		{"hangzhou", []string{"hang", "zhou"}},
		{"Xiuzhou", []string{"xiu", "zhou"}},
		{"xi'an", []string{"xi", "an"}},
		{"Chen", []string{"chen"}},
		{"world", nil},
		{"carolina", nil}, // would need the erhua "r" and a bare "o"
		{"marlee", nil},
		{"lunar", nil},
		{"Panthers", nil},
		{"", nil},
	}
	for _, tt := range tests {
		got, ok := tab.Split(tt.word)
		if ok != (tt.want != nil) || !slices.Equal(got, tt.want) {
			t.Errorf("Split(%q) = %v, %v; want %v", tt.word, got, ok, tt.want)
		}
	}
}

func TestReadings(t *testing.T) {
	tab, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for r, want := range map[rune]string{'陈': "chen", '长': "chang", '行': "xing", '绿': "lv"} {
		if got := tab.Readings(r); !slices.Contains(got, want) {
			t.Errorf("Readings(%c) = %v, want it to hold %s", r, got, want)
		}
	}
	if got := tab.Readings('a'); got != nil {
		t.Errorf("Readings('a') = %v, want nil", got)
	}
}
