package redact

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"strings"
	"testing"
)

const (
	apiKey = "sk-test-0123456789abcdef"
	token  = "123456:AAH-bot+token/with=odd"
)

func TestString(t *testing.T) {
	s := New(apiKey, token, "", "ab", "  "+apiKey+"  ")
	tests := []struct {
		name, in, want string
	}{
		{"plain", "HTTP 401: Incorrect API key provided: " + apiKey + ".", "HTTP 401: Incorrect API key provided: [redacted]."},
		{"twice", apiKey + " " + apiKey, "[redacted] [redacted]"},
		{"URL-escaped in a query", "https://x/?key=" + url.QueryEscape(token), "https://x/?key=[redacted]"},
		{"in a path", "https://api.telegram.org/bot" + token + "/getMe", "https://api.telegram.org/bot[redacted]/getMe"},
		{"short values are not secrets", "ab cd", "ab cd"},
		{"clean", "nothing here", "nothing here"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := s.String(tt.in); got != tt.want {
				t.Errorf("String(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	var none *Secrets
	if got := none.String(apiKey); got != apiKey || !none.Empty() {
		t.Errorf("nil Secrets changed %q to %q", apiKey, got)
	}
}

func TestErrorKeepsTheChain(t *testing.T) {
	s := New(apiKey)
	base := fmt.Errorf("chat: key %s refused: %w", apiKey, fs.ErrPermission)
	err := s.Error(base)
	if strings.Contains(err.Error(), apiKey) {
		t.Errorf("Error() = %q, shows the key", err)
	}
	if !errors.Is(err, fs.ErrPermission) {
		t.Errorf("errors.Is(%v, fs.ErrPermission) = false after scrubbing", err)
	}
	clean := errors.New("clean")
	if got := s.Error(clean); got != clean {
		t.Errorf("Error(clean) = %v, want the same error", got)
	}
	if s.Error(nil) != nil {
		t.Errorf("Error(nil) != nil")
	}
}

type keyed struct {
	Name string
	Key  string
}

type stringer struct{}

func (stringer) String() string { return "bearer " + apiKey }

type valuer struct{}

func (valuer) LogValue() slog.Value {
	return slog.GroupValue(slog.String("auth", "Bearer "+apiKey), slog.Int("n", 1))
}

func TestHandler(t *testing.T) {
	for _, format := range []string{"text", "json"} {
		t.Run(format, func(t *testing.T) {
			var buf bytes.Buffer
			var next slog.Handler = slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})
			if format == "json" {
				next = slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})
			}
			log := slog.New(NewHandler(next, New(apiKey, token)))
			echo := fmt.Errorf("chat fake: HTTP 401: Incorrect API key provided: %s", apiKey)
			log.Warn("endpoint said "+apiKey, "err", echo, "url", "https://api.telegram.org/bot"+token+"/getUpdates")
			log.With("token", token).WithGroup("llm").Info("nested",
				slog.Group("req", slog.String("auth", apiKey), slog.Group("deeper", slog.Any("err", echo))),
				"struct", keyed{Name: "n", Key: apiKey}, "map", map[string]string{"k": apiKey},
				"stringer", stringer{}, "valuer", valuer{}, "bytes", []byte(apiKey), apiKey, "as a key")
			log.Debug("no secret", "n", 42, "err", errors.New("plain"))
			out := buf.String()
			for _, secret := range []string{apiKey, token} {
				if strings.Contains(out, secret) {
					t.Errorf("log output shows %q:\n%s", secret, out)
				}
			}
			for _, want := range []string{"HTTP 401: Incorrect API key provided: [redacted]", "bot[redacted]/getUpdates", "no secret", "plain", "42"} {
				if !strings.Contains(out, want) {
					t.Errorf("log output lacks %q:\n%s", want, out)
				}
			}
			if n := strings.Count(out, "\n"); n != 3 {
				t.Errorf("wrote %d lines, want 3:\n%s", n, out)
			}
		})
	}
}

func TestHandlerLevel(t *testing.T) {
	h := NewHandler(slog.NewTextHandler(&bytes.Buffer{}, &slog.HandlerOptions{Level: slog.LevelWarn}), New(apiKey))
	if h.Enabled(context.Background(), slog.LevelInfo) || !h.Enabled(context.Background(), slog.LevelError) {
		t.Errorf("Enabled does not follow the wrapped handler's level")
	}
}
