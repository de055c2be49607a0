// Package llmtest is a fake OpenAI-compatible endpoint for tests: it reads
// requests and writes replies in the wire format (JSON and SSE streams),
// with its own types, independent of go-openai's.
package llmtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// Message is one chat message on the wire.
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// Chat is a chat completions request on the wire.
type Chat struct {
	Model               string    `json:"model"`
	Messages            []Message `json:"messages"`
	Stream              bool      `json:"stream"`
	MaxTokens           int       `json:"max_tokens"`
	MaxCompletionTokens int       `json:"max_completion_tokens"`
	Temperature         *float64  `json:"temperature"`
	StreamOptions       *struct {
		IncludeUsage bool `json:"include_usage"`
	} `json:"stream_options"`
}

// System is the request's system message.
func (c Chat) System() string { return c.Role("system") }

// User is the request's user message.
func (c Chat) User() string { return c.Role("user") }

// Role is the content of the first message with role r.
func (c Chat) Role(r string) string {
	for _, m := range c.Messages {
		if m.Role == r {
			return m.Content
		}
	}
	return ""
}

// IsRewrite tells policybot's query-rewrite call from an answer call.
func (c Chat) IsRewrite() bool { return strings.Contains(c.System(), "search terms") }

// DecodeChat reads a chat request, reporting a wrong path or body.
func DecodeChat(t testing.TB, r *http.Request) Chat {
	t.Helper()
	var c Chat
	if r.URL.Path != "/v1/chat/completions" {
		t.Errorf("chat request to %s, want /v1/chat/completions", r.URL.Path)
	}
	if err := json.NewDecoder(r.Body).Decode(&c); err != nil {
		t.Errorf("decode chat request: %v", err)
	}
	return c
}

// WriteChat answers a chat completion with text.
func WriteChat(w http.ResponseWriter, model, text string) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{
		"id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": model,
		"choices": []any{map[string]any{"index": 0, "finish_reason": "stop",
			"message": map[string]any{"role": "assistant", "content": text}}},
		"usage": map[string]any{"prompt_tokens": 120, "completion_tokens": 30, "total_tokens": 150},
	})
}

// WriteSSE streams text in pieces as chat.completion.chunk events, with a
// DeepSeek-style reasoning chunk first and a usage chunk last.
func WriteSSE(w http.ResponseWriter, model string, pieces []string) {
	w.Header().Set("Content-Type", "text/event-stream")
	fl, _ := w.(http.Flusher)
	event := func(v any) {
		b, _ := json.Marshal(v)
		fmt.Fprintf(w, "data: %s\n\n", b)
		if fl != nil {
			fl.Flush()
		}
	}
	chunk := func(delta map[string]any, finish any) map[string]any {
		return map[string]any{"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": model,
			"choices": []any{map[string]any{"index": 0, "delta": delta, "finish_reason": finish}}}
	}
	event(chunk(map[string]any{"role": "assistant", "reasoning_content": "THINKING: the user wants…"}, nil))
	for _, p := range pieces {
		event(chunk(map[string]any{"content": p}, nil))
	}
	event(chunk(map[string]any{}, "stop"))
	event(map[string]any{"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": model,
		"choices": []any{}, "usage": map[string]any{"prompt_tokens": 200, "completion_tokens": 40, "total_tokens": 240}})
	fmt.Fprint(w, "data: [DONE]\n\n")
}

// WriteAPIError answers with an OpenAI-style JSON error.
func WriteAPIError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": msg, "type": "server_error"}})
}

// Server runs handler as an OpenAI-compatible endpoint at URL+"/v1",
// closed when the test ends.
func Server(t testing.TB, handler http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	return srv
}
