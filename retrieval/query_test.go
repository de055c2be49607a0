package retrieval

import (
	"slices"
	"strings"
	"testing"
)

func TestAddTermsWeights(t *testing.T) {
	e, err := New(Options{Language: testLang()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Open(t.Context()); err != nil {
		t.Fatal(err)
	}
	ix := e.Current()
	q := e.Analyze(ix, "How many secretariats does Shanghai hold?")
	before := make(map[string]float64)
	for _, qt := range q.Terms {
		before[qt.Text] = qt.Weight
	}
	if !e.AddTerms(ix, q, []string{"秘书处", "子虚乌有", "上海", "hello"}, "test") {
		t.Error("AddTerms used none of the terms")
	}
	after := make(map[string]float64)
	for _, qt := range q.Terms {
		after[qt.Text] = qt.Weight
	}
	if !slices.IsSortedFunc(q.Terms, func(a, b Term) int { return strings.Compare(a.Text, b.Text) }) {
		t.Errorf("terms are not sorted: %v", q.Terms)
	}
	for _, term := range []string{"秘书", "书处", "上海"} {
		if after[term] < before[term] || after[term] == 0 || after[term] > addedWeight+1e-9 && after[term] != before[term] {
			t.Errorf("weight of %s = %g (before %g), want max(before, ≤ %g)", term, after[term], before[term], addedWeight)
		}
	}
	for _, term := range []string{"子虚", "乌有"} {
		if _, ok := after[term]; ok {
			t.Errorf("term %s, absent from the index, was added", term)
		}
	}
}

// TestAskWithLLMOtherPlace: asked about 北京, a model that answers with
// 上海's figure and cites 上海's source is not shipped as grounded.
