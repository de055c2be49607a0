package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/policybot/policybot/bot"
	"github.com/policybot/policybot/bot/bottest"
	"github.com/policybot/policybot/knowledge"
	"github.com/policybot/policybot/retrieval"
	"github.com/policybot/policybot/retrieval/answer"
)

// fakeEmbeddings is an OpenAI-compatible embeddings endpoint with
// deterministic vectors (hashed characters), which can be taken down.
type fakeEmbeddings struct {
	t     *testing.T
	dim   int
	down  atomic.Bool
	calls atomic.Int32
}

func (f *fakeEmbeddings) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.calls.Add(1)
	if r.URL.Path != "/v1/embeddings" {
		f.t.Errorf("request to %s, want /v1/embeddings", r.URL.Path)
	}
	if f.down.Load() {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(`{"error":{"message":"embedding service is down for maintenance","type":"server_error"}}`))
		return
	}
	var req struct {
		Input []string `json:"input"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		f.t.Errorf("decode embeddings request: %v", err)
		return
	}
	data := make([]map[string]any, len(req.Input))
	for i, text := range req.Input {
		v := make([]float64, f.dim)
		v[0] = 1
		for _, c := range text {
			h := fnv.New32a()
			h.Write([]byte(string(c)))
			v[h.Sum32()%uint32(f.dim)]++
		}
		data[i] = map[string]any{"object": "embedding", "index": i, "embedding": v}
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"object": "list", "model": "fake-embed", "data": data})
}

// copySeedDocs copies the shipped seed documents into a new folder.
func copySeedDocs(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	seeds := knowledge.Seeds()
	err := fs.WalkDir(seeds, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		raw, err := fs.ReadFile(seeds, p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, p), raw, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestEmbeddingsOutageAtStart builds an index with remote embeddings, then
// takes the endpoint down: ask still answers from the stored index, with
// the lexical leg, and says so in one warning (two when documents changed
// and the refresh failed too), without rebuilding or discarding the index.
func TestEmbeddingsOutageAtStart(t *testing.T) {
	tests := []struct {
		name         string
		change       func(docs string) // while the endpoint is down
		wantWarnings []string
	}{
		{"unchanged documents", func(string) {}, []string{"vector search failed: answering from the lexical leg"}},
		{"a document added while down", func(docs string) {
			if err := os.WriteFile(filepath.Join(docs, "new.md"), []byte("# 新规\n\n杭州市设立12个服务站。\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, []string{"could not refresh the index: answering from the stored one", "vector search failed: answering from the lexical leg"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeEmbeddings{t: t, dim: 16}
			srv := httptest.NewServer(f)
			defer srv.Close()
			docs, data := copySeedDocs(t), t.TempDir()
			env := map[string]string{"POLICYBOT_LLM_BASE_URL": srv.URL + "/v1", "POLICYBOT_EMBED_MODEL": "fake-embed",
				"POLICYBOT_LLM_TIMEOUT": "2s", "POLICYBOT_DOCS": docs, "POLICYBOT_DATA": data}
			if _, stderr, err := runCLI(t, env, "", "index"); err != nil {
				t.Fatalf("index: %v\n%s", err, stderr)
			}
			if name, dim, ok := retrieval.StoredEmbedder(data); !ok || name != "openai:fake-embed" || dim != 16 {
				t.Fatalf("StoredEmbedder = %q, %d, %v; want openai:fake-embed, 16", name, dim, ok)
			}
			// What the index in service holds: its embedder and dimension,
			// documents and chunks. (A generation may be written again with
			// the same content, to record files whose fingerprints became
			// trustworthy; that is not a rebuild.)
			manifest := func() string {
				cur, err := os.ReadFile(filepath.Join(data, "CURRENT"))
				if err != nil {
					t.Fatal(err)
				}
				raw, err := os.ReadFile(filepath.Join(data, strings.TrimSpace(string(cur)), "manifest.json"))
				if err != nil {
					t.Fatal(err)
				}
				var m struct {
					Embedder     string
					Dim          int
					Docs, Chunks int
				}
				if err := json.Unmarshal(raw, &m); err != nil {
					t.Fatal(err)
				}
				return fmt.Sprintf("%s/%d: %d documents, %d chunks", m.Embedder, m.Dim, m.Docs, m.Chunks)
			}
			before := manifest()

			f.down.Store(true)
			f.calls.Store(0)
			tt.change(docs)
			out, stderr, err := runCLI(t, env, "", "ask", "--json", "上海承担了多少个ISO/IEC国际标准化技术组织秘书处？")
			if err != nil {
				t.Fatalf("ask with the embeddings endpoint down: %v\n%s", err, stderr)
			}
			var a answer.Answer
			if err := json.Unmarshal([]byte(out), &a); err != nil {
				t.Fatalf("ask --json: %v\n%s", err, out)
			}
			if !a.Answered || !strings.Contains(a.Text, "6") || len(a.Citations) == 0 {
				t.Errorf("answer = %+v, want 6 with its source", a)
			}
			var warnings []string
			for _, line := range strings.Split(strings.TrimSpace(stderr), "\n") {
				if strings.Contains(line, "level=WARN") || strings.Contains(line, "level=ERROR") {
					warnings = append(warnings, line)
				}
			}
			if len(warnings) != len(tt.wantWarnings) {
				t.Fatalf("%d warnings, want %d:\n%s", len(warnings), len(tt.wantWarnings), stderr)
			}
			for i, w := range tt.wantWarnings {
				if !strings.Contains(warnings[i], w) || !strings.Contains(warnings[i], "HTTP 503: embedding service is down for maintenance") {
					t.Errorf("warning %d = %s\nwant %q with the endpoint's status and message", i, warnings[i], w)
				}
			}
			for _, bad := range []string{"rebuilding", "dim=0"} {
				if strings.Contains(stderr, bad) {
					t.Errorf("log says %q:\n%s", bad, stderr)
				}
			}
			if after := manifest(); after != before {
				t.Errorf("the index in service changed from %s to %s during the outage", before, after)
			}
			if got := f.calls.Load(); got > 4 {
				t.Errorf("%d embeddings calls during the outage, want at most 4 (refresh and question, each retried once)", got)
			}
		})
	}
}

// TestLoggerScrubsConfiguredSecrets: whatever reaches the one logger —
// an endpoint's echo of the key, a URL with the token, an error value in a
// group — is written with the configuration's secrets masked.
func TestLoggerScrubsConfiguredSecrets(t *testing.T) {
	secrets := map[string]string{
		"TELEGRAM_BOT_TOKEN":       "777111:AAF-logger-test-token-half",
		"POLICYBOT_WEBHOOK_SECRET": "webhook-secret-value",
		"POLICYBOT_LLM_API_KEY":    "sk-logger-test-key-0123456789",
	}
	a, _, stderr := serveApp(secrets)
	var common commonFlags
	flags := newFlagSet(a, "test", "")
	common.register(flags)
	if err := a.parse(flags, &common, []string{"--data", t.TempDir()}); err != nil {
		t.Fatal(err)
	}
	key, token := secrets["POLICYBOT_LLM_API_KEY"], secrets["TELEGRAM_BOT_TOKEN"]
	a.log.Warn("endpoint said: Incorrect API key provided: "+key,
		"url", "https://api.telegram.org/bot"+token+"/getUpdates",
		"half", strings.SplitN(token, ":", 2)[1],
		"err", &os.PathError{Op: "open", Path: "/x/" + secrets["POLICYBOT_WEBHOOK_SECRET"], Err: fs.ErrNotExist})
	a.log.WithGroup("llm").Info("nested", "req", map[string]string{"auth": "Bearer " + key})
	out := stderr.String()
	for name, v := range secrets {
		if strings.Contains(out, v) {
			t.Errorf("%s appears in the log:\n%s", name, out)
		}
	}
	if strings.Count(out, "[redacted]") < 5 {
		t.Errorf("log = %s, want every secret masked as [redacted]", out)
	}
}

// TestEchoedKeyNotInCLIOutput: an endpoint that refuses the key and quotes
// it back costs the LLM answer, not the answer, and the key is nowhere in
// what the process writes.
func TestEchoedKeyNotInCLIOutput(t *testing.T) {
	const key = "sk-cli-echo-test-abcdef0123456789"
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{
			"message": "Incorrect API key provided: " + strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "), "type": "invalid_request_error", "code": "invalid_api_key"}})
	}))
	defer srv.Close()
	env := map[string]string{"POLICYBOT_LLM_BASE_URL": srv.URL + "/v1", "POLICYBOT_LLM_MODEL": "fake-model",
		"POLICYBOT_LLM_API_KEY": key, "POLICYBOT_LOG_LEVEL": "debug"}
	out, stderr, err := runCLI(t, env, "", "ask", "上海承担了多少个ISO/IEC国际标准化技术组织秘书处？")
	if err != nil {
		t.Fatalf("ask: %v\n%s", err, stderr)
	}
	if !strings.Contains(out, "6") {
		t.Errorf("ask output = %q, want the extractive answer", out)
	}
	if strings.Contains(out+stderr, key) {
		t.Errorf("the key appears in the output:\n%s\n%s", out, stderr)
	}
	if !strings.Contains(stderr, "HTTP 401: Incorrect API key provided: [redacted]") {
		t.Errorf("the log lacks the endpoint's status and (scrubbed) message:\n%s", stderr)
	}
	if got := calls.Load(); got != 1 {
		t.Errorf("calls = %d, want 1 (a 401 is not retried)", got)
	}
}

// TestServeStopsOnRevokedToken: a token revoked while serve runs stops it
// with a one-line error and exit code 1, not a poll every 5 s forever.
func TestServeStopsOnRevokedToken(t *testing.T) {
	fake := bottest.New(t, serveToken, "policybot")
	a, _, stderr := serveApp(map[string]string{"TELEGRAM_BOT_TOKEN": serveToken, "TELEGRAM_API_URL": fake.URL})
	done := make(chan error, 1)
	go func() { done <- runServe(t.Context(), a, []string{"--offline", "--data", t.TempDir()}) }()
	fake.Next(t, "deleteWebhook") // polling is about to start
	fake.Revoke()
	var err error
	select {
	case err = <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("serve kept running with a revoked token")
	}
	if !errors.Is(err, bot.ErrTokenRevoked) {
		t.Fatalf("serve = %v, want bot.ErrTokenRevoked", err)
	}
	var msg bytes.Buffer
	if code := exitCode(t.Context(), err, &msg); code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
	if out := msg.String(); !strings.Contains(out, "revoked") || strings.Count(out, "\n") != 1 || strings.Contains(out, serveToken) {
		t.Errorf("exit message = %q, want one line saying the token was revoked, without it", out)
	}
	if strings.Contains(stderr.String(), serveToken) || strings.Contains(stderr.String(), "serve-test-token") {
		t.Errorf("the token appears in serve's log:\n%s", stderr.String())
	}
}
