package llm

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/policybot/policybot/retrieval"
	"github.com/policybot/policybot/retrieval/answer"
	"github.com/policybot/policybot/retrieval/llm/llmtest"
)

// syncBuffer is a log destination safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestErrorStatusesAndRetries(t *testing.T) {
	tests := []struct {
		status    int
		wantCalls int32
	}{
		{http.StatusBadRequest, 1},
		{http.StatusUnauthorized, 1},
		{http.StatusForbidden, 1},
		{http.StatusNotFound, 1},
		{http.StatusUnprocessableEntity, 1},
		{http.StatusRequestTimeout, 2},
		{http.StatusTooManyRequests, 2},
		{http.StatusInternalServerError, 2},
		{http.StatusBadGateway, 2},
		{http.StatusServiceUnavailable, 2},
	}
	// Each status with the standard error body and with {"error":"…"},
	// which go-openai cannot read.
	bodies := []struct {
		name  string
		write func(w http.ResponseWriter, status int)
	}{
		{"openai body", func(w http.ResponseWriter, status int) { llmtest.WriteAPIError(w, status, "the reason") }},
		{"error string body", func(w http.ResponseWriter, status int) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			fmt.Fprint(w, `{"error":"the reason"}`)
		}},
	}
	for _, body := range bodies {
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s %d", body.name, tt.status), func(t *testing.T) {
				var calls atomic.Int32
				srv := llmtest.Server(t, func(w http.ResponseWriter, r *http.Request) {
					calls.Add(1)
					llmtest.DecodeChat(t, r)
					body.write(w, tt.status)
				})
				_, err := newTestChat(t, testOptions(srv)).Complete(t.Context(), answer.ChatRequest{System: testSystem, User: testUser})
				want := fmt.Sprintf("HTTP %d: the reason", tt.status)
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Errorf("Complete error = %v, want one saying %q", err, want)
				}
				if got := calls.Load(); got != tt.wantCalls {
					t.Errorf("calls = %d, want %d", got, tt.wantCalls)
				}
			})
		}
	}
}

func TestNonStandardErrorBodies(t *testing.T) {
	tests := []struct {
		name, contentType, body string
		status                  int
		want                    string
		wantCalls               int32
	}{
		{"error as a string", "application/json", `{"error":"model not loaded"}`, 400, "HTTP 400: model not loaded", 1},
		{"top-level message (vLLM)", "application/json", `{"object":"error","message":"The model does not exist.","type":"NotFoundError","code":404}`, 404, "HTTP 404: The model does not exist.", 1},
		{"detail string (FastAPI)", "application/json", `{"detail":"Not authenticated"}`, 401, "HTTP 401: Not authenticated", 1},
		{"detail list (FastAPI validation)", "application/json", `{"detail":[{"loc":["body","model"],"msg":"field required","type":"missing"}]}`, 422, "HTTP 422: field required", 1},
		{"message list", "application/json", `{"error":{"message":["max_tokens too large","bad temperature"]}}`, 400, "HTTP 400: max_tokens too large, bad temperature", 1},
		{"message as a number", "application/json", `{"error":{"message":42,"code":"weird"}}`, 400, `HTTP 400: {"error":{"message":42,"code":"weird"}}`, 1},
		{"unknown JSON", "application/json", `{"status":"nope"}`, 400, `HTTP 400: {"status":"nope"}`, 1},
		{"HTML page", "text/html", "<html><head><title>403 Forbidden</title></head><body><h1>Forbidden</h1></body></html>", 403, "HTTP 403: 403 Forbidden", 1},
		{"HTML without title", "text/html", "<html><body><h1>Bad Gateway</h1><p>nginx</p></body></html>", 502, "HTTP 502: Bad Gateway nginx", 2},
		{"plain text", "text/plain", "upstream connect error or disconnect/reset before headers", 503, "HTTP 503: upstream connect error or disconnect/reset before headers", 2},
		{"empty body", "", "", 400, "HTTP 400: Bad Request", 1},
		{"error string on a 500", "application/json", `{"error":"CUDA out of memory"}`, 500, "HTTP 500: CUDA out of memory", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int32
			srv := llmtest.Server(t, func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				if tt.contentType != "" {
					w.Header().Set("Content-Type", tt.contentType)
				}
				w.WriteHeader(tt.status)
				fmt.Fprint(w, tt.body)
			})
			_, err := newTestChat(t, testOptions(srv)).Complete(t.Context(), answer.ChatRequest{System: testSystem, User: testUser})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Complete error = %v, want one saying %q", err, tt.want)
			}
			if got := calls.Load(); got != tt.wantCalls {
				t.Errorf("calls = %d, want %d", got, tt.wantCalls)
			}
		})
	}
}

// echoedKey is a key the fake endpoint refuses and quotes back, as OpenAI
// and many proxies do.
const echoedKey = "sk-proj-Echoed0123456789abcdefXYZ"

func TestEchoedKeyIsScrubbed(t *testing.T) {
	var calls atomic.Int32
	srv := llmtest.Server(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		key := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		if key != echoedKey {
			t.Errorf("Authorization key = %q, want the configured key", key)
		}
		msg := "Incorrect API key provided: " + key + ". You can find your API key at https://platform.openai.com/account/api-keys."
		if strings.HasSuffix(r.URL.Path, "/embeddings") {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprintf(w, `{"error":%q}`, msg) // the non-standard shape, too
			return
		}
		llmtest.WriteAPIError(w, http.StatusUnauthorized, msg)
	})
	var logs syncBuffer
	// A plain handler: the scrubbing under test is the client's own, at
	// the source, not the process logger's.
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	o := testOptions(srv)
	o.APIKey, o.Logger = echoedKey, logger
	chat := newTestChat(t, o)
	emb, err := NewEmbedder(o)
	if err != nil {
		t.Fatal(err)
	}

	var errs []error
	_, err = chat.Complete(t.Context(), answer.ChatRequest{System: testSystem, User: testUser})
	errs = append(errs, err)
	_, err = chat.Complete(t.Context(), answer.ChatRequest{System: testSystem, User: testUser, Stream: func(string) {}})
	errs = append(errs, err)
	if d := emb.Dim(); d != 0 {
		t.Errorf("Dim = %d, want 0 with a refused key", d)
	}
	_, err = emb.Embed(t.Context(), []string{"上海"})
	errs = append(errs, err)

	// And through the answerer, which logs what the client returns.
	e, err := retrieval.New(retrieval.Options{DataDir: t.TempDir(), Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Open(t.Context()); err != nil {
		t.Fatal(err)
	}
	a, err := answer.New(e, answer.Options{Chat: chat, Logger: logger}).Ask(t.Context(), answer.Question{Text: "How many ISO/IEC secretariats does Shanghai hold?"})
	if err != nil || !a.Answered || a.Note == "" {
		t.Errorf("Ask = %+v, %v; want the extractive answer with a note", a, err)
	}

	for i, err := range errs {
		if err == nil {
			t.Errorf("call %d succeeded with a refused key", i)
			continue
		}
		if strings.Contains(err.Error(), echoedKey) {
			t.Errorf("error %q shows the API key", err)
		}
		if !strings.Contains(err.Error(), "HTTP 401: Incorrect API key provided: [redacted]") {
			t.Errorf("error %q lost the status or the server's message", err)
		}
	}
	out := logs.String()
	if strings.Contains(out, echoedKey) {
		t.Errorf("the API key appears in the log:\n%s", out)
	}
	if !strings.Contains(out, "Incorrect API key provided: [redacted]") {
		t.Errorf("the log lacks the server's (scrubbed) message:\n%s", out)
	}
	if got := calls.Load(); got != 5 {
		t.Errorf("calls = %d, want 5: each failure once, no retries of a 401 (chat, stream, probe, rewrite, answer)", got)
	}
}

func TestEmbedderFailsFastWhileDown(t *testing.T) {
	f := &fakeEmbeddings{t: t, dim: 8}
	srv := llmtest.Server(t, f.ServeHTTP)
	var logs syncBuffer
	e := newTestEmbedder(t, srv, func(o *Options) {
		o.EmbedDim = 8 // known, as from a stored index: no probe
		o.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	})
	f.down.Store(http.StatusServiceUnavailable)
	_, err := e.Embed(t.Context(), []string{"上海"})
	if err == nil || !strings.Contains(err.Error(), "HTTP 503") {
		t.Fatalf("Embed error = %v, want the 503", err)
	}
	if got := f.calls.Load(); got != 2 {
		t.Errorf("calls = %d after the first failure, want 2 (one retry)", got)
	}
	for range 5 {
		_, err = e.Embed(t.Context(), []string{"浙江"})
		if err == nil || !strings.Contains(err.Error(), "HTTP 503") || !strings.Contains(err.Error(), "next try in") {
			t.Errorf("Embed while down = %v, want the remembered 503", err)
		}
	}
	if got := f.calls.Load(); got != 2 {
		t.Errorf("calls = %d, want still 2: a recent failure is remembered, not retried per question", got)
	}
	for range 3 {
		if d := e.Dim(); d != 8 {
			t.Errorf("Dim = %d while down, want the known 8", d)
		}
	}
	if strings.Contains(logs.String(), "WARN") {
		t.Errorf("Dim logged with a known dimension:\n%s", logs.String())
	}
}

func TestDimProbeFailureLoggedOnce(t *testing.T) {
	f := &fakeEmbeddings{t: t, dim: 8}
	f.down.Store(http.StatusBadGateway)
	srv := llmtest.Server(t, f.ServeHTTP)
	var logs syncBuffer
	e := newTestEmbedder(t, srv, func(o *Options) { o.Logger = slog.New(slog.NewTextHandler(&logs, nil)) })
	for range 4 {
		if d := e.Dim(); d != 0 {
			t.Errorf("Dim = %d, want 0 while the probe fails", d)
		}
	}
	if n := strings.Count(logs.String(), "embedding model unavailable"); n != 1 {
		t.Errorf("logged the failed probe %d times, want once:\n%s", n, logs.String())
	}
}

// hungChat is an endpoint that accepts chat calls and never answers (or
// streams a sentence and stalls), counting them and the streamed ones.
func hungChat(t *testing.T, streamFirst bool) (calls, streams *atomic.Int32, o Options) {
	calls, streams = new(atomic.Int32), new(atomic.Int32)
	srv := llmtest.Server(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		c := llmtest.DecodeChat(t, r)
		if streamFirst && c.Stream {
			streams.Add(1)
			w.Header().Set("Content-Type", "text/event-stream")
			fmt.Fprint(w, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"上海承担ISO/IEC秘书处6个[1]。\"}}]}\n\n")
			w.(http.Flusher).Flush()
		}
		<-r.Context().Done()
	})
	o = testOptions(srv)
	o.Timeout = time.Minute // the default: without a budget, 2 minutes and more
	return calls, streams, o
}

func TestAnswerBudget(t *testing.T) {
	e, err := retrieval.New(retrieval.Options{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Open(t.Context()); err != nil {
		t.Fatal(err)
	}
	const budget = 1500 * time.Millisecond
	tests := []struct {
		name, question string
		stream         bool
		wantNote       string
		maxCalls       int32
	}{
		{"hung answer call", "上海承担了多少个ISO/IEC国际标准化技术组织秘书处？", false, "暂时无法生成完整回答，以下为摘录式回答。", 1},
		{"hung rewrite and answer", "How many ISO/IEC secretariats does Shanghai hold?", false, "The full answer is unavailable right now; this is the extractive answer.", 2},
		{"stalled stream", "上海承担了多少个ISO/IEC国际标准化技术组织秘书处？", true, "暂时无法生成完整回答，以下为摘录式回答。", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls, streams, o := hungChat(t, tt.stream)
			var logs syncBuffer
			an := answer.New(e, answer.Options{Chat: newTestChat(t, o), Budget: budget, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
			q := answer.Question{Text: tt.question}
			if tt.stream {
				q.Stream = func(string) {}
			}
			start := time.Now()
			a, err := an.Ask(t.Context(), q)
			took := time.Since(start)
			if err != nil {
				t.Fatalf("Ask: %v", err)
			}
			if !a.Answered || a.Path != answer.PathExtractive || !strings.Contains(a.Text, "6") || a.Note != tt.wantNote {
				t.Errorf("Ask = %q (path %s, note %q), want the extractive answer with 6 and the note %q", a.Text, a.Path, a.Note, tt.wantNote)
			}
			// The budget is the bound under test; the slack is for a slow CI box.
			if took > budget+3*time.Second {
				t.Errorf("Ask took %s with a %s budget", took, budget)
			}
			if got := calls.Load(); got < 1 || got > tt.maxCalls {
				t.Errorf("chat calls = %d, want 1..%d (no retry once the budget is spent)", got, tt.maxCalls)
			}
			if tt.stream && streams.Load() != 1 {
				t.Errorf("streamed calls = %d, want the one that stalled", streams.Load())
			}
			if !strings.Contains(logs.String(), "answer budget is spent") {
				t.Errorf("the log does not say the budget was spent:\n%s", logs.String())
			}
		})
	}
}

func TestAnswerBudgetLeavesTheCallerInCharge(t *testing.T) {
	e, err := retrieval.New(retrieval.Options{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Open(t.Context()); err != nil {
		t.Fatal(err)
	}
	_, _, o := hungChat(t, false)
	an := answer.New(e, answer.Options{Chat: newTestChat(t, o), Budget: time.Hour})
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	a, err := an.Ask(ctx, answer.Question{Text: "上海承担了多少个ISO/IEC国际标准化技术组织秘书处？"})
	if err != nil || !a.Answered || a.Note == "" {
		t.Errorf("Ask under a caller's deadline = %+v, %v; want the extractive answer with a note", a, err)
	}
}
