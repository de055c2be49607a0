package limits

import (
	"errors"
	"testing"
	"time"
)

func TestWithDefaults(t *testing.T) {
	got := Limits{MaxPages: 7, MaxDepth: -1}.WithDefaults()
	want := Default()
	want.MaxPages = 7
	if got != want {
		t.Errorf("WithDefaults() = %+v, want %+v", got, want)
	}
}

func TestErrorMessages(t *testing.T) {
	l := Default()
	tests := []struct {
		key  Key
		want string
	}{
		{Timeout, "over a limit: took longer than 1m0s (limits.parse_timeout)"},
		{FileBytes, "over a limit: file larger than 64 MB (limits.max_file_mb)"},
		{DecodedBytes, "over a limit: decompresses to more than 128 MB (limits.max_decoded_mb)"},
		{TextBytes, "over a limit: more than 16 MB of text (limits.max_text_mb)"},
		{Pages, "over a limit: more than 5000 pages (limits.max_pages)"},
		{Objects, "over a limit: more than 1000000 objects (limits.max_objects)"},
		{TextItems, "over a limit: more than 1000000 text items (limits.max_text_items)"},
		{Depth, "over a limit: nested deeper than 100 (limits.max_depth)"},
		{Chunks, "over a limit: more than 20000 chunks (limits.max_chunks)"},
	}
	for _, tt := range tests {
		t.Run(string(tt.key), func(t *testing.T) {
			err := l.Over(tt.key)
			if err.Error() != tt.want {
				t.Errorf("Over(%s) = %q, want %q", tt.key, err, tt.want)
			}
			if !errors.Is(err, ErrLimit) {
				t.Errorf("errors.Is(Over(%s), ErrLimit) = false", tt.key)
			}
		})
	}
	if got := (Limits{Timeout: 90 * time.Second}).Over(Timeout).Timeout; got != 90*time.Second {
		t.Errorf("Over(Timeout).Timeout = %v, want 1m30s", got)
	}
}
