// Package llm is policybot's client of OpenAI-compatible endpoints (OpenAI,
// DeepSeek, Qwen, Ollama, vLLM), through go-openai: chat completions for
// package answer and embeddings for package retrieval. Every call has a
// deadline and one retry for transient failures. No go-openai type leaves
// this package.
package llm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/policybot/policybot/config/redact"
	"github.com/policybot/policybot/retrieval"
	"github.com/policybot/policybot/retrieval/answer"
)

// Options configure the clients of an OpenAI-compatible endpoint
// (OpenAI, DeepSeek, Qwen/DashScope, Ollama, vLLM, …).
type Options struct {
	// BaseURL is the API root, ending in /v1 for most servers.
	BaseURL string
	// APIKey is sent as a bearer token; empty sends no Authorization
	// header (Ollama, a local vLLM).
	APIKey         string
	ChatModel      string
	EmbeddingModel string
	// Timeout is the deadline of each call (each attempt, streamed body
	// included). Default 60s.
	Timeout time.Duration
	// Temperature of answers; 0 is sent as a tiny positive value, since
	// go-openai omits a zero temperature and servers then use their default.
	Temperature float64
	// MaxTokens bounds an answer. Default 800.
	MaxTokens int
	// EmbedBatch texts go in one embeddings call (default 64), with at most
	// EmbedConcurrency calls at once (default 2).
	EmbedBatch       int
	EmbedConcurrency int
	// EmbedDim is the embedding dimension; 0 discovers it with a probe call.
	EmbedDim int
	// RetryBackoff is the wait before the one retry (default 500ms), unless
	// the server's Retry-After asks for longer.
	RetryBackoff time.Duration
	// MaxRetryWait is the longest Retry-After honoured (default 20s); a
	// longer one fails the call at once.
	MaxRetryWait time.Duration
	// HTTPClient, if set, carries the calls; its Transport is wrapped to
	// read Retry-After. Leave its Timeout zero: it would cut streams.
	HTTPClient *http.Client
	Logger     *slog.Logger
}

func (o Options) withDefaults() (Options, error) {
	u, err := url.Parse(o.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return o, fmt.Errorf("LLM base URL %q is not an http(s) URL", o.BaseURL)
	}
	if o.Timeout <= 0 {
		o.Timeout = 60 * time.Second
	}
	if o.MaxTokens <= 0 {
		o.MaxTokens = 800
	}
	if o.EmbedBatch <= 0 {
		o.EmbedBatch = 64
	}
	if o.EmbedConcurrency <= 0 {
		o.EmbedConcurrency = 2
	}
	if o.RetryBackoff <= 0 {
		o.RetryBackoff = 500 * time.Millisecond
	}
	if o.MaxRetryWait <= 0 {
		o.MaxRetryWait = 20 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o, nil
}

// caller makes calls to one endpoint, each under a deadline, retried once.
// Its errors never hold the API key, even when the server echoes it.
type caller struct {
	client  *openai.Client
	opts    Options
	secrets *redact.Secrets
}

func newCaller(o Options) *caller {
	cfg := openai.DefaultConfig(o.APIKey)
	cfg.BaseURL = strings.TrimRight(o.BaseURL, "/")
	var hc http.Client
	if o.HTTPClient != nil {
		hc = *o.HTTPClient
	}
	base := hc.Transport
	if base == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		// A server that accepts the connection and never answers must not
		// hold a question: headers come within the call's timeout.
		t.ResponseHeaderTimeout = o.Timeout
		base = t
	}
	hc.Transport = retryAfterTransport{base: base}
	cfg.HTTPClient = &hc
	return &caller{client: openai.NewClientWithConfig(cfg), opts: o, secrets: redact.New(o.APIKey)}
}

// retryHint carries a reply's Retry-After from the transport to the retry
// loop, through the request's context.
type retryHint struct{ wait atomic.Int64 }

type retryHintKey struct{}

// retryAfterTransport records the Retry-After of 429 and 503 replies, which
// go-openai does not expose.
type retryAfterTransport struct{ base http.RoundTripper }

func (t retryAfterTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	if h, ok := req.Context().Value(retryHintKey{}).(*retryHint); ok &&
		(resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		h.wait.Store(int64(parseRetryAfter(resp.Header, time.Now())))
	}
	return resp, err
}

// parseRetryAfter reads retry-after-ms (OpenAI) or Retry-After, in seconds
// or as an HTTP date; 0 when absent or unreadable.
func parseRetryAfter(h http.Header, now time.Time) time.Duration {
	if v := strings.TrimSpace(h.Get("Retry-After-Ms")); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms > 0 {
			return time.Duration(ms * float64(time.Millisecond))
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil {
		if s <= 0 {
			return 0
		}
		return time.Duration(s * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// errMalformed marks a reply that does not have what the API promises.
var errMalformed = errors.New("malformed reply")

// do runs fn under the call deadline and retries it once, after a backoff
// (or the server's Retry-After), when it timed out, was rate limited, met a
// 5xx or a malformed reply. It gives up at once when the caller's context
// has no time left for the wait.
func (c *caller) do(ctx context.Context, op string, fn func(ctx context.Context) error) error {
	var last error
	for attempt := 1; ; attempt++ {
		hint := &retryHint{}
		actx, cancel := context.WithTimeout(context.WithValue(ctx, retryHintKey{}, hint), c.opts.Timeout)
		err := fn(actx)
		cancel()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("%s: %w", op, context.Cause(ctx))
		}
		msg, retry := c.describe(err)
		last = fmt.Errorf("%s: %s", op, msg)
		if !retry || attempt == 2 {
			return last
		}
		wait := c.opts.RetryBackoff + rand.N(c.opts.RetryBackoff/2+1)
		if ra := time.Duration(hint.wait.Load()); ra > 0 {
			if ra > c.opts.MaxRetryWait {
				return fmt.Errorf("%s; the server asks to retry after %s", last, ra.Round(time.Second))
			}
			wait = max(wait, ra)
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			return fmt.Errorf("%s; no time left to retry", last)
		}
		c.opts.Logger.Debug("retrying LLM call", "op", op, "err", msg, "wait", wait)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("%s: %w", last, context.Cause(ctx))
		case <-t.C:
		}
	}
}

// once runs fn under the call deadline, one attempt, with errors described
// as do describes them.
func (c *caller) once(ctx context.Context, op string, fn func(ctx context.Context) error) error {
	actx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	if err := fn(actx); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("%s: %w", op, context.Cause(ctx))
		}
		msg, _ := c.describe(err)
		return fmt.Errorf("%s: %s", op, msg)
	}
	return nil
}

// describe is describeCallError with the API key scrubbed from the text:
// servers echo a wrong key in their message ("Incorrect API key provided:
// sk-…").
func (c *caller) describe(err error) (string, bool) {
	msg, retry := describeCallError(err)
	return c.secrets.String(msg), retry
}

func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// Chat writes grounded answers with the chat completions API of
// an OpenAI-compatible endpoint.
type Chat struct {
	c     *caller
	model string
}

// NewChat returns the chat client of opts.ChatModel on opts.BaseURL.
func NewChat(opts Options) (*Chat, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(o.ChatModel) == "" {
		return nil, errors.New("LLM chat model is not set")
	}
	return &Chat{c: newCaller(o), model: o.ChatModel}, nil
}

// reasoningModel reports the model names for which go-openai checks
// parameters as for OpenAI's reasoning models: they take
// max_completion_tokens and no temperature.
func reasoningModel(m string) bool {
	for _, p := range []string{"o1", "o3", "o4", "gpt-5", "gpt-6"} {
		if strings.HasPrefix(m, p) {
			return true
		}
	}
	return false
}

func (g *Chat) request(system, user string, maxTokens int) openai.ChatCompletionRequest {
	r := openai.ChatCompletionRequest{
		Model: g.model,
		Messages: []openai.ChatCompletionMessage{
			{Role: openai.ChatMessageRoleSystem, Content: system},
			{Role: openai.ChatMessageRoleUser, Content: user},
		},
	}
	if reasoningModel(g.model) {
		// Reasoning tokens count against the bound: leave room for them.
		r.MaxCompletionTokens = 4 * maxTokens
		return r
	}
	//lint:ignore SA1019 max_tokens is what DeepSeek, Qwen, Ollama and vLLM read; o-series models take the branch above.
	r.MaxTokens = maxTokens
	r.Temperature = float32(g.c.opts.Temperature)
	if r.Temperature <= 0 {
		r.Temperature = 1e-6 // greedy on vLLM (< 1e-5); a zero would be omitted
	}
	return r
}

// Complete sends req and returns the model's reply, streamed through
// req.Stream when it is set. It retries once after a transient failure
// unless req.Once.
func (g *Chat) Complete(ctx context.Context, req answer.ChatRequest) (answer.Reply, error) {
	maxTokens := req.MaxTokens
	if maxTokens <= 0 {
		maxTokens = g.c.opts.MaxTokens
	}
	creq := g.request(req.System, req.User, maxTokens)
	var res answer.Reply
	call := func(ctx context.Context) error {
		var err error
		if req.Stream != nil {
			res, err = g.stream(ctx, creq, req.Stream)
		} else {
			res, err = g.complete(ctx, creq)
		}
		return err
	}
	var err error
	if req.Once {
		err = g.c.once(ctx, "chat "+g.model, call)
	} else {
		err = g.c.do(ctx, "chat "+g.model, call)
	}
	if res.Model == "" {
		res.Model = g.model
	}
	if err != nil {
		return answer.Reply{Model: res.Model}, err
	}
	return res, nil
}

func (g *Chat) complete(ctx context.Context, creq openai.ChatCompletionRequest) (answer.Reply, error) {
	resp, err := g.c.client.CreateChatCompletion(ctx, creq)
	if err != nil {
		return answer.Reply{}, err
	}
	res := answer.Reply{Model: resp.Model, PromptTokens: resp.Usage.PromptTokens, CompletionTokens: resp.Usage.CompletionTokens}
	if len(resp.Choices) == 0 {
		return res, fmt.Errorf("%w: no choices", errMalformed)
	}
	// DeepSeek's reasoning_content is the model's scratchpad, not the answer.
	res.Text = strings.TrimSpace(resp.Choices[0].Message.Content)
	if res.Text == "" {
		return res, fmt.Errorf("%w: empty answer (finish reason %q)", errMalformed, resp.Choices[0].FinishReason)
	}
	return res, nil
}

func (g *Chat) stream(ctx context.Context, creq openai.ChatCompletionRequest, partial func(string)) (answer.Reply, error) {
	creq.StreamOptions = &openai.StreamOptions{IncludeUsage: true}
	s, err := g.c.client.CreateChatCompletionStream(ctx, creq)
	if err != nil {
		return answer.Reply{}, err
	}
	defer s.Close()
	var res answer.Reply
	var b strings.Builder
	for {
		chunk, err := s.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return res, err
		}
		if chunk.Model != "" {
			res.Model = chunk.Model
		}
		if chunk.Usage != nil {
			res.PromptTokens, res.CompletionTokens = chunk.Usage.PromptTokens, chunk.Usage.CompletionTokens
		}
		for _, c := range chunk.Choices {
			// Delta.ReasoningContent (DeepSeek) is not part of the answer.
			if c.Index == 0 && c.Delta.Content != "" {
				b.WriteString(c.Delta.Content)
				partial(b.String())
			}
		}
	}
	res.Text = strings.TrimSpace(b.String())
	if res.Text == "" {
		return res, fmt.Errorf("%w: empty stream", errMalformed)
	}
	return res, nil
}

// Embedder embeds texts with the embeddings API of an
// OpenAI-compatible endpoint, in batches with a cap on concurrent calls,
// checking the count and dimension of every reply. After a failed call it
// fails fast for a while (retryDownAfter) instead of making every question
// wait for an endpoint that is down.
type Embedder struct {
	c     *caller
	model string

	mu       sync.Mutex // held during the probe
	dim      int
	probeErr error
	probedAt time.Time

	downMu  sync.Mutex
	downErr error
	downAt  time.Time
}

// retryDownAfter is how long a failed dimension probe or embeddings call is
// remembered before the endpoint is tried again.
const retryDownAfter = 30 * time.Second

// NewEmbedder returns an Embedder for opts.EmbeddingModel. Its
// dimension is opts.EmbedDim, or found by a probe call on first use.
func NewEmbedder(opts Options) (*Embedder, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(o.EmbeddingModel) == "" {
		return nil, errors.New("LLM embedding model is not set")
	}
	if o.EmbedDim < 0 {
		return nil, fmt.Errorf("embedding dimension %d: want ≥ 0", o.EmbedDim)
	}
	return &Embedder{c: newCaller(o), model: o.EmbeddingModel, dim: o.EmbedDim}, nil
}

// Name identifies the model: an index built with another is rebuilt.
func (e *Embedder) Name() string { return "openai:" + e.model }

// Dim is the model's dimension, probed on first use; 0 when the probe
// fails (Embed then reports why). A failed probe is logged once, not at
// every call while it is remembered.
func (e *Embedder) Dim() int {
	// Dim has no context: the probe runs under the call timeout.
	d, fresh, err := e.probe(context.Background())
	if err != nil {
		if fresh {
			e.c.opts.Logger.Warn("embedding model unavailable", "model", e.model, "err", err)
		}
		return 0
	}
	return d
}

// Probe returns the model's dimension, embedding one short text to find it
// if it is not known yet.
func (e *Embedder) Probe(ctx context.Context) (int, error) {
	d, _, err := e.probe(ctx)
	return d, err
}

// probe is Probe; fresh reports an error from a call just made rather than
// one remembered.
func (e *Embedder) probe(ctx context.Context) (dim int, fresh bool, err error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.dim > 0 {
		return e.dim, false, nil
	}
	if e.probeErr != nil && time.Since(e.probedAt) < retryDownAfter {
		return 0, false, e.probeErr
	}
	vs, err := e.batch(ctx, []string{"dimension probe 维度探测"}, 0)
	e.probedAt = time.Now()
	if err != nil {
		e.probeErr = fmt.Errorf("probe the dimension of %s: %w", e.Name(), err)
		return 0, true, e.probeErr
	}
	e.dim, e.probeErr = len(vs[0]), nil
	return e.dim, false, nil
}

// unavailable returns the remembered failure of a recent call, if any.
func (e *Embedder) unavailable() error {
	e.downMu.Lock()
	defer e.downMu.Unlock()
	if e.downErr == nil {
		return nil
	}
	ago := time.Since(e.downAt)
	if ago >= retryDownAfter {
		return nil
	}
	return fmt.Errorf("%w (failed %s ago; next try in %s)", e.downErr,
		ago.Round(time.Second), (retryDownAfter - ago).Round(time.Second))
}

// remember records the outcome of a call for unavailable: err nil clears
// it. A call its caller cancelled says nothing about the endpoint.
func (e *Embedder) remember(ctx context.Context, err error) {
	if err != nil && errors.Is(ctx.Err(), context.Canceled) {
		return
	}
	e.downMu.Lock()
	defer e.downMu.Unlock()
	e.downErr, e.downAt = err, time.Now()
}

// Embed returns one L2-normalised vector per text, in order.
func (e *Embedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	if len(texts) == 0 {
		return nil, nil
	}
	if err := e.unavailable(); err != nil {
		return nil, err
	}
	dim, err := e.Probe(ctx)
	if err != nil {
		return nil, err
	}
	out, err := e.embed(ctx, texts, dim)
	e.remember(ctx, err)
	return out, err
}

func (e *Embedder) embed(parent context.Context, texts []string, dim int) ([][]float32, error) {
	out := make([][]float32, len(texts))
	ctx, cancel := context.WithCancelCause(parent)
	defer cancel(nil)
	sem := make(chan struct{}, e.c.opts.EmbedConcurrency)
	var wg sync.WaitGroup
	size := e.c.opts.EmbedBatch
loop:
	for start := 0; start < len(texts); start += size {
		end := min(start+size, len(texts))
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			break loop
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			vs, err := e.batch(ctx, texts[start:end], dim)
			if err != nil {
				cancel(err)
				return
			}
			copy(out[start:end], vs)
		}()
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return nil, err
	}
	return out, nil
}

// batch embeds texts in one call (retried once) and checks the reply: one
// vector per text, each of dimension dim (any, when dim is 0), non-zero.
func (e *Embedder) batch(ctx context.Context, texts []string, dim int) ([][]float32, error) {
	in := make([]string, len(texts))
	for i, t := range texts {
		if in[i] = strings.TrimSpace(t); in[i] == "" {
			in[i] = " " // the API rejects empty inputs
		}
	}
	var resp openai.EmbeddingResponse
	err := e.c.do(ctx, "embeddings "+e.model, func(ctx context.Context) error {
		var err error
		resp, err = e.c.client.CreateEmbeddings(ctx, openai.EmbeddingRequestStrings{Input: in, Model: openai.EmbeddingModel(e.model)})
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(resp.Data) != len(texts) {
		return nil, fmt.Errorf("embeddings %s: got %d vectors for %d texts", e.model, len(resp.Data), len(texts))
	}
	out := make([][]float32, len(texts))
	for i, d := range resp.Data {
		if d.Index < 0 || d.Index >= len(texts) || out[d.Index] != nil {
			return nil, fmt.Errorf("embeddings %s: reply item %d has index %d, want each of 0..%d once", e.model, i, d.Index, len(texts)-1)
		}
		v := d.Embedding
		if len(v) == 0 || dim > 0 && len(v) != dim {
			return nil, fmt.Errorf("embeddings %s: vector %d has dimension %d, want %d (the model's dimension)", e.model, d.Index, len(v), dim)
		}
		if !retrieval.Normalize(v) {
			return nil, fmt.Errorf("embeddings %s: vector %d is all zeros", e.model, d.Index)
		}
		out[d.Index] = v
	}
	return out, nil
}
