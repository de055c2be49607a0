package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/policybot/policybot/retrieval"
	"github.com/policybot/policybot/retrieval/answer"
	"github.com/policybot/policybot/retrieval/llm/llmtest"
)

func testOptions(srv *httptest.Server) Options {
	return Options{BaseURL: srv.URL + "/v1", APIKey: "sk-test", ChatModel: "fake-model", EmbeddingModel: "fake-embed",
		Timeout: 2 * time.Second, RetryBackoff: 10 * time.Millisecond, MaxRetryWait: time.Second}
}

func newTestChat(t *testing.T, o Options) *Chat {
	t.Helper()
	g, err := NewChat(o)
	if err != nil {
		t.Fatalf("NewChat: %v", err)
	}
	return g
}

// A system and a user message; what they say is package answer's business.
const (
	testSystem = "You answer from the sources."
	testUser   = "<question>\n上海承担了多少个秘书处？\n</question>"
)

func TestCompleteRequestOnTheWire(t *testing.T) {
	tests := []struct {
		name, key, model string
		temperature      float64
		wantAuth         string
		wantTemp         float64 // 0: want no temperature
		wantMaxTokens    bool
	}{
		{"api key and temperature", "sk-test", "fake-model", 0.3, "Bearer sk-test", 0.3, true},
		{"no key sends no Authorization (Ollama)", "", "qwen2.5:7b", 0.3, "", 0.3, true},
		{"zero temperature is still sent", "sk-test", "deepseek-chat", 0, "Bearer sk-test", 1e-6, true},
		{"reasoning model gets max_completion_tokens and no temperature", "sk-test", "o3-mini", 0.3, "Bearer sk-test", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := llmtest.Server(t, func(w http.ResponseWriter, r *http.Request) {
				if got := r.Header.Get("Authorization"); got != tt.wantAuth {
					t.Errorf("Authorization = %q, want %q", got, tt.wantAuth)
				}
				c := llmtest.DecodeChat(t, r)
				if c.Model != tt.model {
					t.Errorf("model = %q, want %q", c.Model, tt.model)
				}
				switch {
				case tt.wantTemp == 0 && c.Temperature != nil:
					t.Errorf("temperature = %v, want none", *c.Temperature)
				case tt.wantTemp != 0 && (c.Temperature == nil || float32(*c.Temperature) != float32(tt.wantTemp)):
					t.Errorf("temperature = %v, want %v", c.Temperature, tt.wantTemp)
				}
				if tt.wantMaxTokens && c.MaxTokens != 800 || !tt.wantMaxTokens && (c.MaxTokens != 0 || c.MaxCompletionTokens == 0) {
					t.Errorf("max_tokens = %d, max_completion_tokens = %d", c.MaxTokens, c.MaxCompletionTokens)
				}
				if c.Stream {
					t.Errorf("stream = true for a plain Complete")
				}
				llmtest.WriteChat(w, tt.model, "上海承担ISO/IEC秘书处6个[1]。")
			})
			o := testOptions(srv)
			o.APIKey, o.ChatModel, o.Temperature = tt.key, tt.model, tt.temperature
			res, err := newTestChat(t, o).Complete(t.Context(), answer.ChatRequest{System: testSystem, User: testUser})
			if err != nil {
				t.Fatalf("Complete: %v", err)
			}
			want := answer.Reply{Text: "上海承担ISO/IEC秘书处6个[1]。", Model: tt.model, PromptTokens: 120, CompletionTokens: 30}
			if res != want {
				t.Errorf("Complete = %+v, want %+v", res, want)
			}
		})
	}
}

func TestCompleteFailures(t *testing.T) {
	tests := []struct {
		name      string
		handler   func(w http.ResponseWriter, r *http.Request, call int32)
		ctxLimit  time.Duration // 0: none beyond the call timeout
		wantErr   bool
		wantCalls int32
		minTook   time.Duration
		maxTook   time.Duration
	}{
		{"429 then success honours Retry-After", func(w http.ResponseWriter, r *http.Request, call int32) {
			if call == 1 {
				w.Header().Set("Retry-After", "0.3")
				llmtest.WriteAPIError(w, http.StatusTooManyRequests, "rate limited")
				return
			}
			llmtest.WriteChat(w, "fake-model", "ok [1]")
		}, 0, false, 2, 300 * time.Millisecond, 5 * time.Second},
		{"429 with a Retry-After beyond the deadline fails at once", func(w http.ResponseWriter, r *http.Request, call int32) {
			w.Header().Set("Retry-After", "1")
			llmtest.WriteAPIError(w, http.StatusTooManyRequests, "rate limited")
		}, 900 * time.Millisecond, true, 1, 0, 890 * time.Millisecond},
		{"429 twice", func(w http.ResponseWriter, r *http.Request, call int32) {
			w.Header().Set("Retry-After", "0")
			llmtest.WriteAPIError(w, http.StatusTooManyRequests, "rate limited")
		}, 0, true, 2, 0, 5 * time.Second},
		{"500 twice", func(w http.ResponseWriter, r *http.Request, call int32) {
			llmtest.WriteAPIError(w, http.StatusInternalServerError, "boom")
		}, 0, true, 2, 0, 5 * time.Second},
		{"502 HTML from a proxy", func(w http.ResponseWriter, r *http.Request, call int32) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadGateway)
			fmt.Fprint(w, "<html><body>Bad Gateway</body></html>")
		}, 0, true, 2, 0, 5 * time.Second},
		{"500 then success", func(w http.ResponseWriter, r *http.Request, call int32) {
			if call == 1 {
				llmtest.WriteAPIError(w, http.StatusInternalServerError, "boom")
				return
			}
			llmtest.WriteChat(w, "fake-model", "ok [1]")
		}, 0, false, 2, 0, 5 * time.Second},
		{"timeout", func(w http.ResponseWriter, r *http.Request, call int32) {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		}, 0, true, 2, 2 * 150 * time.Millisecond, 5 * time.Second},
		{"invalid JSON", func(w http.ResponseWriter, r *http.Request, call int32) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"choices": [{"message": {"content": "unterminated`)
		}, 0, true, 2, 0, 5 * time.Second},
		{"no choices", func(w http.ResponseWriter, r *http.Request, call int32) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"id":"x","object":"chat.completion","model":"fake-model","choices":[]}`)
		}, 0, true, 2, 0, 5 * time.Second},
		{"401 is not retried", func(w http.ResponseWriter, r *http.Request, call int32) {
			llmtest.WriteAPIError(w, http.StatusUnauthorized, "invalid api key")
		}, 0, true, 1, 0, 5 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int32
			srv := llmtest.Server(t, func(w http.ResponseWriter, r *http.Request) {
				llmtest.DecodeChat(t, r)
				tt.handler(w, r, calls.Add(1))
			})
			o := testOptions(srv)
			// Each call's deadline: short only where a call is meant to
			// time out, so that a loaded machine does not time out the others.
			o.Timeout = 3 * time.Second
			if tt.name == "timeout" {
				o.Timeout = 150 * time.Millisecond
			}
			g := newTestChat(t, o)
			ctx := t.Context()
			if tt.ctxLimit > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.ctxLimit)
				defer cancel()
			}
			start := time.Now()
			res, err := g.Complete(ctx, answer.ChatRequest{System: testSystem, User: testUser})
			took := time.Since(start)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Complete error = %v, want error %v", err, tt.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), "sk-test") {
				t.Errorf("error %q shows the API key", err)
			}
			if err != nil && res.Model != "fake-model" {
				t.Errorf("failed Complete model = %q, want fake-model for the log", res.Model)
			}
			if got := calls.Load(); got != tt.wantCalls {
				t.Errorf("calls = %d, want %d", got, tt.wantCalls)
			}
			if took < tt.minTook || took > tt.maxTook {
				t.Errorf("took %s, want %s..%s", took, tt.minTook, tt.maxTook)
			}
		})
	}
}

func TestCompleteStream(t *testing.T) {
	pieces := []string{"上海承担", "ISO/IEC秘书处", "6个[1]", "。"}
	srv := llmtest.Server(t, func(w http.ResponseWriter, r *http.Request) {
		c := llmtest.DecodeChat(t, r)
		if !c.Stream || c.StreamOptions == nil || !c.StreamOptions.IncludeUsage {
			t.Errorf("stream = %v, stream_options = %+v; want a stream with usage", c.Stream, c.StreamOptions)
		}
		if got := r.Header.Get("Accept"); got != "text/event-stream" {
			t.Errorf("Accept = %q, want text/event-stream", got)
		}
		llmtest.WriteSSE(w, "deepseek-reasoner", pieces)
	})
	var partials []string
	res, err := newTestChat(t, testOptions(srv)).Complete(t.Context(), answer.ChatRequest{
		System: testSystem, User: testUser,
		Stream: func(p string) { partials = append(partials, p) },
	})
	if err != nil {
		t.Fatalf("Complete: %v", err)
	}
	want := answer.Reply{Text: "上海承担ISO/IEC秘书处6个[1]。", Model: "deepseek-reasoner", PromptTokens: 200, CompletionTokens: 40}
	if res != want {
		t.Errorf("Complete = %+v, want %+v", res, want)
	}
	wantPartials := []string{"上海承担", "上海承担ISO/IEC秘书处", "上海承担ISO/IEC秘书处6个[1]", "上海承担ISO/IEC秘书处6个[1]。"}
	if !slices.Equal(partials, wantPartials) {
		t.Errorf("partials = %q, want %q (reasoning content must not show)", partials, wantPartials)
	}
}

func TestCompleteStreamFailures(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
	}{
		{"stream cut without content", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/event-stream")
			fmt.Fprint(w, "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"}}]}\n\n")
		}},
		{"invalid JSON event", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/event-stream")
			fmt.Fprint(w, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"half\n\n")
		}},
		{"stalled stream", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/event-stream")
			fmt.Fprint(w, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"上海\"}}]}\n\n")
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		}},
		{"error event", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/event-stream")
			fmt.Fprint(w, "data: {\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}\n\n")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int32
			srv := llmtest.Server(t, func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				llmtest.DecodeChat(t, r)
				tt.handler(w, r)
			})
			o := testOptions(srv)
			o.Timeout = 500 * time.Millisecond
			start := time.Now()
			_, err := newTestChat(t, o).Complete(t.Context(), answer.ChatRequest{System: testSystem, User: testUser, Stream: func(string) {}})
			if err == nil {
				t.Fatalf("Complete succeeded, want an error")
			}
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("took %s, want under 5s", took)
			}
			if got := calls.Load(); got != 2 {
				t.Errorf("calls = %d, want 2 (one retry)", got)
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name   string
		header map[string]string
		want   time.Duration
	}{
		{"seconds", map[string]string{"Retry-After": "2"}, 2 * time.Second},
		{"fraction", map[string]string{"Retry-After": "0.5"}, 500 * time.Millisecond},
		{"milliseconds header wins", map[string]string{"Retry-After": "2", "Retry-After-Ms": "150"}, 150 * time.Millisecond},
		{"HTTP date", map[string]string{"Retry-After": now.Add(3 * time.Second).Format(http.TimeFormat)}, 3 * time.Second},
		{"date in the past", map[string]string{"Retry-After": now.Add(-time.Minute).Format(http.TimeFormat)}, 0},
		{"garbage", map[string]string{"Retry-After": "soon"}, 0},
		{"absent", nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			for k, v := range tt.header {
				h.Set(k, v)
			}
			if got := parseRetryAfter(h, now); got != tt.want {
				t.Errorf("parseRetryAfter(%v) = %s, want %s", tt.header, got, tt.want)
			}
		})
	}
}

// fakeEmbeddings answers /v1/embeddings with vectors of dim floats, in
// reverse order (clients must read "index"), via mutate when set.
type fakeEmbeddings struct {
	t        *testing.T
	dim      int
	mutate   func(inputs []string, data []map[string]any) []map[string]any
	calls    atomic.Int32
	inflight atomic.Int32
	peak     atomic.Int32
	delay    time.Duration
	// down, when not 0, makes every call fail with that HTTP status.
	down  atomic.Int32
	mu    sync.Mutex
	sizes []int
}

func (f *fakeEmbeddings) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/v1/embeddings" {
		f.t.Errorf("embeddings request to %s, want /v1/embeddings", r.URL.Path)
	}
	n := f.inflight.Add(1)
	defer f.inflight.Add(-1)
	for {
		p := f.peak.Load()
		if n <= p || f.peak.CompareAndSwap(p, n) {
			break
		}
	}
	f.calls.Add(1)
	if status := int(f.down.Load()); status != 0 {
		llmtest.WriteAPIError(w, status, "embedding service unavailable")
		return
	}
	var req struct {
		Input []string `json:"input"`
		Model string   `json:"model"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		if r.Context().Err() != nil || errors.Is(err, io.ErrUnexpectedEOF) {
			return // the client gave up on this batch (another one failed first)
		}
		f.t.Errorf("decode embeddings request: %v", err)
		return
	}
	if req.Model != "fake-embed" {
		f.t.Errorf("embedding model = %q, want fake-embed", req.Model)
	}
	f.mu.Lock()
	f.sizes = append(f.sizes, len(req.Input))
	f.mu.Unlock()
	if f.delay > 0 {
		time.Sleep(f.delay) // lets concurrent batches overlap; bounded and short
	}
	var data []map[string]any
	for i := len(req.Input) - 1; i >= 0; i-- {
		v := make([]float64, f.dim)
		for j := range v {
			v[j] = float64((len(req.Input[i])+j)%7) + 1
		}
		data = append(data, map[string]any{"object": "embedding", "index": i, "embedding": v})
	}
	if f.mutate != nil {
		data = f.mutate(req.Input, data)
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"object": "list", "model": req.Model, "data": data,
		"usage": map[string]any{"prompt_tokens": 1, "total_tokens": 1}})
}

func newTestEmbedder(t *testing.T, srv *httptest.Server, mod func(*Options)) *Embedder {
	t.Helper()
	o := testOptions(srv)
	if mod != nil {
		mod(&o)
	}
	e, err := NewEmbedder(o)
	if err != nil {
		t.Fatalf("NewEmbedder: %v", err)
	}
	return e
}

func TestEmbedderBatchesAndConcurrency(t *testing.T) {
	f := &fakeEmbeddings{t: t, dim: 8, delay: 20 * time.Millisecond}
	srv := llmtest.Server(t, f.ServeHTTP)
	e := newTestEmbedder(t, srv, func(o *Options) { o.EmbedBatch, o.EmbedConcurrency = 3, 2 })
	if got := e.Name(); got != "openai:fake-embed" {
		t.Errorf("Name = %q, want openai:fake-embed", got)
	}
	if got := e.Dim(); got != 8 {
		t.Fatalf("Dim = %d, want 8 (probed)", got)
	}
	texts := make([]string, 10)
	for i := range texts {
		texts[i] = strings.Repeat("字", i+1)
	}
	vs, err := e.Embed(t.Context(), texts)
	if err != nil {
		t.Fatalf("Embed: %v", err)
	}
	if len(vs) != len(texts) {
		t.Fatalf("Embed returned %d vectors for %d texts", len(vs), len(texts))
	}
	// Each vector is its own text's (the fake replies in reverse order).
	want, _ := e.Embed(t.Context(), texts[3:4])
	if !slices.Equal(vs[3], want[0]) {
		t.Errorf("vector 3 = %v, want %v", vs[3], want[0])
	}
	f.mu.Lock()
	sizes := slices.Clone(f.sizes)
	f.mu.Unlock()
	// probe (1), then 10 texts in batches of 3, then the single re-embed.
	slices.Sort(sizes)
	if wantSizes := []int{1, 1, 1, 3, 3, 3}; !slices.Equal(sizes, wantSizes) {
		t.Errorf("batch sizes = %v, want %v", sizes, wantSizes)
	}
	if p := f.peak.Load(); p > 2 {
		t.Errorf("peak concurrent calls = %d, want ≤ 2", p)
	}
	if e.Dim() != 8 || f.calls.Load() != 6 {
		t.Errorf("calls = %d after Dim again, want 6 (the dimension is probed once)", f.calls.Load())
	}
}

func TestEmbedderRejectsBadReplies(t *testing.T) {
	tests := []struct {
		name    string
		dim     int // configured; 0 probes
		mutate  func(inputs []string, data []map[string]any) []map[string]any
		wantErr string
	}{
		{"wrong count", 4, func(in []string, d []map[string]any) []map[string]any { return d[:len(d)-1] },
			"got 1 vectors for 2 texts"},
		{"wrong dimension", 4, func(in []string, d []map[string]any) []map[string]any {
			d[0]["embedding"] = []float64{1, 2, 3}
			return d
		}, "has dimension 3, want 4"},
		{"dimension changed since the probe", 0, func(in []string, d []map[string]any) []map[string]any {
			if len(in) > 1 {
				for _, x := range d {
					x["embedding"] = []float64{1, 2}
				}
			}
			return d
		}, "has dimension 2, want 4"},
		{"duplicate index", 4, func(in []string, d []map[string]any) []map[string]any {
			d[1]["index"] = d[0]["index"]
			return d
		}, "want each of 0..1 once"},
		{"zero vector", 4, func(in []string, d []map[string]any) []map[string]any {
			d[0]["embedding"] = []float64{0, 0, 0, 0}
			return d
		}, "all zeros"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeEmbeddings{t: t, dim: 4, mutate: tt.mutate}
			srv := llmtest.Server(t, f.ServeHTTP)
			e := newTestEmbedder(t, srv, func(o *Options) { o.EmbedDim = tt.dim })
			_, err := e.Embed(t.Context(), []string{"上海", "浙江"})
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Embed error = %v, want one saying %q", err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), "fake-embed") {
				t.Errorf("Embed error = %q, want it to name the model", err)
			}
		})
	}
}

func TestEmbedderFailures(t *testing.T) {
	var calls atomic.Int32
	srv := llmtest.Server(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		llmtest.WriteAPIError(w, http.StatusServiceUnavailable, "loading model")
	})
	e := newTestEmbedder(t, srv, nil)
	if d := e.Dim(); d != 0 {
		t.Errorf("Dim = %d with a failing endpoint, want 0", d)
	}
	_, err := e.Embed(t.Context(), []string{"上海"})
	if err == nil || !strings.Contains(err.Error(), "HTTP 503") {
		t.Errorf("Embed error = %v, want the HTTP 503", err)
	}
	if got := calls.Load(); got != 2 {
		t.Errorf("calls = %d, want 2 (one probe, retried once; the failure is remembered)", got)
	}
}

func TestOptionsValidation(t *testing.T) {
	tests := []struct {
		name string
		o    Options
		gen  bool
	}{
		{"bad URL", Options{BaseURL: "localhost:11434", ChatModel: "m"}, true},
		{"no chat model", Options{BaseURL: "http://localhost:11434/v1"}, true},
		{"no embedding model", Options{BaseURL: "http://localhost:11434/v1", ChatModel: "m"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			if tt.gen {
				_, err = NewChat(tt.o)
			} else {
				_, err = NewEmbedder(tt.o)
			}
			if err == nil {
				t.Errorf("constructor accepted %+v", tt.o)
			}
		})
	}
}

func TestEngineWithEmbedder(t *testing.T) {
	tests := []struct {
		name    string
		mutate  func(inputs []string, data []map[string]any) []map[string]any
		wantErr string
	}{
		{"builds and answers", nil, ""},
		{"wrong count fails the build clearly", func(in []string, d []map[string]any) []map[string]any {
			if len(in) > 1 {
				return d[1:]
			}
			return d
		}, "vectors for"},
		{"wrong dimension fails the build clearly", func(in []string, d []map[string]any) []map[string]any {
			if len(in) > 1 {
				d[0]["embedding"] = []float64{1, 2, 3}
			}
			return d
		}, "has dimension 3, want 16"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeEmbeddings{t: t, dim: 16, mutate: tt.mutate}
			srv := llmtest.Server(t, f.ServeHTTP)
			emb := newTestEmbedder(t, srv, func(o *Options) { o.EmbedBatch = 50 })
			e, err := retrieval.New(retrieval.Options{DataDir: t.TempDir(), Embedder: emb})
			if err != nil {
				t.Fatal(err)
			}
			_, err = e.Open(t.Context())
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), "fake-embed") {
					t.Fatalf("Open error = %v, want one naming the model and saying %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			a, err := answer.New(e, answer.Options{}).Ask(t.Context(), answer.Question{Text: "上海承担了多少个ISO/IEC国际标准化技术组织秘书处？"})
			if err != nil || !a.Answered {
				t.Fatalf("Ask = %+v, %v; want an answer", a, err)
			}
			if f.calls.Load() < 3 {
				t.Errorf("embedding calls = %d, want the probe, the chunks and the question", f.calls.Load())
			}
		})
	}
}
