package redact

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
)

// Handler is a slog.Handler that replaces every secret of a set in what it
// passes on: the message, attribute keys and string values, values of
// nested groups, LogValuers (resolved first), errors, Stringers and other
// values as the text and JSON handlers would format them.
type Handler struct {
	next    slog.Handler
	secrets *Secrets
}

// NewHandler wraps next so that no secret of s reaches it.
func NewHandler(next slog.Handler, s *Secrets) *Handler {
	return &Handler{next: next, secrets: s}
}

// Enabled reports whether next handles records at level l.
func (h *Handler) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

// Handle scrubs r and passes it on.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	if h.secrets.Empty() {
		return h.next.Handle(ctx, r)
	}
	out := slog.NewRecord(r.Time, r.Level, h.secrets.String(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.attr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

// WithAttrs scrubs attrs before next keeps them.
func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		clean[i] = h.attr(a)
	}
	return &Handler{next: h.next.WithAttrs(clean), secrets: h.secrets}
}

// WithGroup opens a group in next.
func (h *Handler) WithGroup(name string) slog.Handler {
	return &Handler{next: h.next.WithGroup(h.secrets.String(name)), secrets: h.secrets}
}

func (h *Handler) attr(a slog.Attr) slog.Attr {
	a.Key = h.secrets.String(a.Key)
	a.Value = h.value(a.Value)
	return a
}

func (h *Handler) value(v slog.Value) slog.Value {
	v = v.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.StringValue(h.secrets.String(v.String()))
	case slog.KindGroup:
		attrs := v.Group()
		clean := make([]slog.Attr, len(attrs))
		for i, a := range attrs {
			clean[i] = h.attr(a)
		}
		return slog.GroupValue(clean...)
	case slog.KindAny:
		return h.any(v)
	}
	return v
}

// any scrubs a value of kind Any. A value whose text holds no secret keeps
// its type (the JSON handler marshals it as it is); one that does becomes
// its scrubbed text.
func (h *Handler) any(v slog.Value) slog.Value {
	switch x := v.Any().(type) {
	case error:
		if text := x.Error(); h.secrets.Contains(text) {
			return slog.StringValue(h.secrets.String(text))
		}
		return v
	case fmt.Stringer:
		if text := x.String(); h.secrets.Contains(text) {
			return slog.StringValue(h.secrets.String(text))
		}
		return v
	case []byte:
		if h.secrets.Contains(string(x)) {
			return slog.StringValue(h.secrets.String(string(x)))
		}
		return v
	default:
		// What the text handler prints, and what the JSON handler writes.
		text := fmt.Sprintf("%+v", x)
		if h.secrets.Contains(text) {
			return slog.StringValue(h.secrets.String(text))
		}
		if raw, err := json.Marshal(x); err == nil && h.secrets.Contains(string(raw)) {
			return slog.StringValue(h.secrets.String(string(raw)))
		}
		return v
	}
}
