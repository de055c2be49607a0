// Package redact keeps secrets out of logs and error messages: a set of
// secret strings replaced by [redacted] wherever they occur, an error
// wrapper that scrubs an error's text and keeps its chain for errors.Is and
// errors.As, and a slog.Handler that scrubs every record before it is
// written (message, attribute keys and values, nested groups, errors).
//
// Secrets echoed back by remote services (an endpoint's "Incorrect API key
// provided: sk-…", a URL holding the bot token) are scrubbed like any other
// text: the handler looks at what is logged, not at where it came from.
package redact

import (
	"net/url"
	"slices"
	"strings"
)

// Mask replaces a secret.
const Mask = "[redacted]"

// MinLen is the shortest secret scrubbed: a shorter one would mask ordinary
// words, and protects nothing.
const MinLen = 4

// Secrets is a set of secret strings. The zero value and nil hold none;
// both are safe to use.
type Secrets struct {
	list []string // longest first
	r    *strings.Replacer
}

// New returns the set of the given secrets, with their URL-escaped forms.
// Empty and very short values (under MinLen bytes) are ignored.
func New(secrets ...string) *Secrets {
	seen := make(map[string]bool)
	var list []string
	add := func(v string) {
		if len(v) >= MinLen && !seen[v] {
			seen[v] = true
			list = append(list, v)
		}
	}
	for _, s := range secrets {
		s = strings.TrimSpace(s)
		add(s)
		add(url.QueryEscape(s))
		add(url.PathEscape(s))
	}
	// Longer first, so a secret containing another is masked whole.
	slices.SortFunc(list, func(a, b string) int { return len(b) - len(a) })
	s := &Secrets{list: list}
	if len(list) > 0 {
		pairs := make([]string, 0, 2*len(list))
		for _, v := range list {
			pairs = append(pairs, v, Mask)
		}
		s.r = strings.NewReplacer(pairs...)
	}
	return s
}

// Empty reports whether the set holds no secret.
func (s *Secrets) Empty() bool { return s == nil || len(s.list) == 0 }

// Contains reports whether text holds one of the secrets.
func (s *Secrets) Contains(text string) bool {
	if s.Empty() {
		return false
	}
	for _, v := range s.list {
		if strings.Contains(text, v) {
			return true
		}
	}
	return false
}

// String returns text with every secret replaced by Mask.
func (s *Secrets) String(text string) string {
	if !s.Contains(text) {
		return text
	}
	return s.r.Replace(text)
}

// Error returns err with the secrets scrubbed from its text; errors.Is and
// errors.As still see the chain beneath. An error without a secret is
// returned as it is.
func (s *Secrets) Error(err error) error {
	if err == nil || !s.Contains(err.Error()) {
		return err
	}
	return &scrubbed{msg: s.r.Replace(err.Error()), err: err}
}

// scrubbed is an error whose text had a secret in it.
type scrubbed struct {
	msg string
	err error
}

func (e *scrubbed) Error() string { return e.msg }
func (e *scrubbed) Unwrap() error { return e.err }
