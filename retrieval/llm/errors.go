package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	openai "github.com/sashabaranov/go-openai"
)

// describeCallError says what went wrong in words safe to log (no request
// body; the caller scrubs the key from what the server said) and whether
// one retry may help: timeouts, 408, 429, 5xx, broken connections and
// malformed replies may pass; other 4xx (a bad key, an unknown model, a
// request the server refuses) will not.
func describeCallError(err error) (msg string, retry bool) {
	var apiErr *openai.APIError
	var reqErr *openai.RequestError
	var synErr *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	var netErr net.Error
	status := 0
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "timed out", true
	case errors.As(err, &reqErr):
		// An error reply go-openai could not read as {"error":{"message":…}}:
		// {"error":"…"}, {"message":…}, {"detail":…}, HTML, plain text. It
		// wraps a half-decoded APIError without status or message, so it
		// is looked at first.
		status = reqErr.HTTPStatusCode
		msg = bodyMessage(reqErr.Body)
		if msg == "" {
			msg = http.StatusText(status)
		}
	case errors.As(err, &apiErr):
		status = apiErr.HTTPStatusCode
		msg = apiErr.Message
		if msg == "" {
			msg = strings.TrimSpace(fmt.Sprint(apiErr.Type, " ", nonNil(apiErr.Code)))
		}
	case errors.Is(err, errMalformed), errors.As(err, &synErr), errors.As(err, &typeErr),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, openai.ErrTooManyEmptyStreamMessages):
		return "malformed reply: " + shorten(err.Error(), 200), true
	case errors.As(err, &netErr) && netErr.Timeout():
		return "timed out", true
	case errors.As(err, new(*url.Error)):
		return shorten(err.Error(), 200), true // connection refused or reset
	default:
		return shorten(err.Error(), 200), false
	}
	if status == 0 {
		// An error event inside a stream ("overloaded"): worth one retry.
		return "error in stream: " + shorten(msg, 200), true
	}
	return fmt.Sprintf("HTTP %d: %s", status, shorten(msg, 200)), retryStatus(status)
}

// retryStatus reports whether a reply with this HTTP status is worth a
// second try.
func retryStatus(status int) bool {
	return status == http.StatusRequestTimeout || status == http.StatusTooManyRequests || status >= 500
}

func nonNil(v any) any {
	if v == nil {
		return ""
	}
	return v
}

// bodyMessage finds the message in an error reply's body, whatever shape
// the server gives it: OpenAI's {"error":{"message":…}}, {"error":"…"},
// vLLM's and others' {"message":…}, FastAPI's {"detail":…} (a string or a
// list of {"msg":…}), an HTML page's title or text, or plain text.
func bodyMessage(body []byte) string {
	body = []byte(strings.TrimSpace(string(body)))
	if len(body) == 0 {
		return ""
	}
	var v any
	if json.Unmarshal(body, &v) == nil {
		if m := jsonMessage(v, 0); m != "" {
			return m
		}
		return shorten(string(body), 200)
	}
	text := string(body)
	if htmlRe.MatchString(text) {
		if m := titleRe.FindStringSubmatch(text); m != nil && strings.TrimSpace(m[1]) != "" {
			return shorten(m[1], 200)
		}
		text = tagRe.ReplaceAllString(scriptRe.ReplaceAllString(text, " "), " ")
	}
	return shorten(text, 200)
}

var (
	htmlRe   = regexp.MustCompile(`(?is)^\s*(?:<!doctype|<html|<head|<body|<h\d|<p\b)`)
	titleRe  = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)
	scriptRe = regexp.MustCompile(`(?is)<(script|style)[^>]*>.*?</(?:script|style)>`)
	tagRe    = regexp.MustCompile(`(?s)<[^>]*>`)
)

// messageKeys are where error replies put their message, most telling first.
var messageKeys = []string{"error", "message", "detail", "msg", "error_description", "error_message", "title", "errors"}

func jsonMessage(v any, depth int) string {
	if depth > 4 {
		return ""
	}
	switch x := v.(type) {
	case string:
		return strings.TrimSpace(x)
	case map[string]any:
		for _, k := range messageKeys {
			if m := jsonMessage(x[k], depth+1); m != "" {
				if code, ok := x["code"].(string); ok && code != "" && k != "error" && !strings.Contains(m, code) {
					m += " (" + code + ")"
				}
				return m
			}
		}
	case []any:
		var parts []string
		for _, e := range x {
			if m := jsonMessage(e, depth+1); m != "" {
				parts = append(parts, m)
			}
		}
		return strings.Join(parts, "; ")
	}
	return ""
}
