package retrieval

import "context"

// Generator writes an answer with an LLM from the numbered evidence. The
// OpenAI-compatible implementation lives in openai.go.
type Generator interface {
	Generate(ctx context.Context, req GenerateRequest) (GenerateResult, error)
}

// GenerateRequest is what the LLM is given.
type GenerateRequest struct {
	Question string
	Script   string // zh-Hans, zh-Hant, en
	Sources  []Evidence
	Stream   func(partial string)
}

// GenerateResult is the LLM's raw reply.
type GenerateResult struct {
	Text             string
	Model            string
	PromptTokens     int
	CompletionTokens int
}

// generate runs the LLM path; on any failure it returns the extractive
// answer with a note. (Filled in by the LLM work: citation checking,
// declines, fallback.)
func (e *Engine) generate(ctx context.Context, q *query, ev []Evidence, fallback Answer, stream func(string)) Answer {
	return fallback
}

// rewrite asks the LLM for Chinese search terms for an English (or mixed)
// question and adds them to the query, fused with the offline expansion.
// (Filled in by the LLM work.)
func (e *Engine) rewrite(ctx context.Context, ix *Index, q *query) {}
