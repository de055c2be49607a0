package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/policybot/policybot/config/redact"
)

// api wraps the go-telegram client with what it lacks: retries on 429 and
// 5xx for the calls an answer needs, best-effort auxiliary calls (typing,
// command registration) that never hold an answer up, methods a server
// does not implement skipped after one log line, a revoked token reported
// to the bot, and the secrets scrubbed from every error.
type api struct {
	tg      *tgbot.Bot
	secrets *redact.Secrets // the token, its secret half, the webhook secret
	log     *slog.Logger
	wait    func(ctx context.Context, d time.Duration) error
	now     func() time.Time
	files   *http.Client
	// revoked is told when the Bot API refuses the token (401).
	revoked func()

	missingMu sync.Mutex
	missing   map[string]bool
	resting   map[string]time.Time // best-effort methods skipped until then
}

// Best-effort calls: one attempt, bounded, and after a failure the method
// rests for a while instead of costing every answer a round trip.
const (
	auxTimeout = 3 * time.Second
	auxRest    = 30 * time.Second
)

// Retry policy for Bot API calls.
const (
	maxAttempts   = 5
	firstBackoff  = 500 * time.Millisecond
	maxRetryAfter = 5 * time.Minute
)

// statusError is an HTTP status the Bot API answered without a JSON body
// (a proxy's 502, an emulator's plain 404).
type statusError struct{ code int }

func (e *statusError) Error() string {
	return fmt.Sprintf("HTTP %d %s", e.code, http.StatusText(e.code))
}

// statusClient turns 5xx replies, and 404s without a JSON body, into
// errors the retry logic can recognise with errors.As.
type statusClient struct{ c *http.Client }

func (s statusClient) Do(req *http.Request) (*http.Response, error) {
	resp, err := s.c.Do(req)
	if err != nil {
		return nil, err
	}
	json := strings.Contains(resp.Header.Get("Content-Type"), "json")
	if resp.StatusCode >= 500 || (resp.StatusCode == http.StatusNotFound && !json) {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		return nil, &statusError{resp.StatusCode}
	}
	return resp, nil
}

// scrub removes the secrets from err's text.
func (a *api) scrub(err error) error { return a.secrets.Error(err) }

// unauthorized reports whether err is the Bot API refusing the token.
func unauthorized(err error) bool { return errors.Is(err, tgbot.ErrorUnauthorized) }

// noteRevoked tells the bot when err says the token is refused.
func (a *api) noteRevoked(err error) {
	if unauthorized(err) && a.revoked != nil {
		a.revoked()
	}
}

// retryable reports how long to wait before trying a failed call again.
func retryable(err error, attempt int) (time.Duration, bool) {
	var tooMany *tgbot.TooManyRequestsError
	if errors.As(err, &tooMany) {
		d := time.Duration(max(tooMany.RetryAfter, 1)) * time.Second
		return d, d <= maxRetryAfter
	}
	var status *statusError
	if errors.As(err, &status) && status.code >= 500 {
		return firstBackoff << attempt, true
	}
	return 0, false
}

// call runs one Bot API method, retrying after a 429's retry_after and
// backing off on 5xx replies.
func (a *api) call(ctx context.Context, method string, f func(ctx context.Context) error) error {
	var err error
	for attempt := 0; attempt < maxAttempts; attempt++ {
		err = f(ctx)
		if err == nil {
			return nil
		}
		d, ok := retryable(err, attempt)
		if !ok || attempt == maxAttempts-1 {
			a.noteRevoked(err)
			break
		}
		a.log.Warn("telegram call failed: retrying", "method", method, "wait", d, "err", a.scrub(err))
		if werr := a.wait(ctx, d); werr != nil {
			return fmt.Errorf("%s: %w", method, werr)
		}
	}
	return fmt.Errorf("%s: %w", method, a.scrub(err))
}

// isMissing reports whether err says the server does not know a method.
func isMissing(err error) bool {
	var status *statusError
	return errors.Is(err, tgbot.ErrorNotFound) || errors.As(err, &status) && status.code == http.StatusNotFound
}

// optional runs a method the bot can do without: if the server lacks it,
// that is logged once and later calls are skipped. Other failures are
// retried as call retries them.
func (a *api) optional(ctx context.Context, method string, f func(ctx context.Context) error) {
	if a.isMissing(method) {
		return
	}
	err := a.call(ctx, method, f)
	switch {
	case err == nil:
	case isMissing(err):
		a.markMissing(method)
	case ctx.Err() != nil:
	default:
		a.log.Warn("optional telegram call failed", "method", method, "err", err)
	}
}

func (a *api) isMissing(method string) bool {
	a.missingMu.Lock()
	defer a.missingMu.Unlock()
	return a.missing[method]
}

func (a *api) markMissing(method string) {
	a.missingMu.Lock()
	first := !a.missing[method]
	a.missing[method] = true
	a.missingMu.Unlock()
	if first {
		a.log.Warn("the Bot API server does not implement this method: skipping it from now on", "method", method)
	}
}

// bestEffort runs an auxiliary call — the typing indicator, a reaction,
// command registration — that must never hold up an answer: one attempt
// under auxTimeout, no retries and no waits. After a failure the method
// rests for auxRest (or the server's retry_after, if longer), so a Bot API
// that answers it with 5xx costs one round trip, not one per answer; the
// failure is logged once until the method works again. A method the server
// lacks is skipped for good, as optional does.
func (a *api) bestEffort(ctx context.Context, method string, f func(ctx context.Context) error) {
	a.missingMu.Lock()
	skip := a.missing[method] || a.now().Before(a.resting[method])
	a.missingMu.Unlock()
	if skip {
		return
	}
	cctx, cancel := context.WithTimeout(ctx, auxTimeout)
	err := f(cctx)
	cancel()
	switch {
	case err == nil:
		a.missingMu.Lock()
		_, was := a.resting[method]
		delete(a.resting, method)
		a.missingMu.Unlock()
		if was {
			a.log.Info("telegram call works again", "method", method)
		}
	case isMissing(err):
		a.markMissing(method)
	case ctx.Err() != nil: // the caller stopped, not the server
	default:
		a.noteRevoked(err)
		rest := auxRest
		var tooMany *tgbot.TooManyRequestsError
		if errors.As(err, &tooMany) {
			rest = max(rest, time.Duration(tooMany.RetryAfter)*time.Second)
		}
		a.missingMu.Lock()
		_, was := a.resting[method]
		a.resting[method] = a.now().Add(rest)
		a.missingMu.Unlock()
		if !was {
			a.log.Warn("best-effort telegram call failed: skipping it for a while", "method", method,
				"rest", rest, "err", fmt.Errorf("%s: %w", method, a.scrub(err)))
		}
	}
}

// sleep waits for d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// keyboard is an inline keyboard of callback buttons. It is sent instead of
// models.InlineKeyboardMarkup, whose buttons always carry an empty copy_text.
type keyboard struct {
	Rows [][]button `json:"inline_keyboard"`
}

type button struct {
	Text string `json:"text"`
	Data string `json:"callback_data"`
}

// send sends one HTML message, quoting replyTo when it is not 0, and
// returns its message id.
func (a *api) send(ctx context.Context, chat int64, text string, replyTo int, kb *keyboard) (int, error) {
	p := &tgbot.SendMessageParams{
		ChatID:             chat,
		Text:               text,
		ParseMode:          models.ParseModeHTML,
		LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: tgbot.True()},
	}
	if replyTo != 0 {
		p.ReplyParameters = &models.ReplyParameters{MessageID: replyTo, AllowSendingWithoutReply: true}
	}
	if kb != nil {
		p.ReplyMarkup = kb
	}
	var id int
	err := a.call(ctx, "sendMessage", func(ctx context.Context) error {
		m, err := a.tg.SendMessage(ctx, p)
		if err == nil && m != nil {
			id = m.ID
		}
		return err
	})
	return id, err
}

// edit replaces the text of a message; "message is not modified" is fine.
func (a *api) edit(ctx context.Context, chat int64, msg int, text string, kb *keyboard) error {
	p := &tgbot.EditMessageTextParams{
		ChatID:             chat,
		MessageID:          msg,
		Text:               text,
		ParseMode:          models.ParseModeHTML,
		LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: tgbot.True()},
	}
	if kb != nil {
		p.ReplyMarkup = kb
	}
	err := a.call(ctx, "editMessageText", func(ctx context.Context) error {
		_, err := a.tg.EditMessageText(ctx, p)
		return err
	})
	if err != nil && errors.Is(err, tgbot.ErrorBadRequest) && strings.Contains(err.Error(), "message is not modified") {
		return nil
	}
	return err
}

// typing shows the "typing…" chat action, best effort.
func (a *api) typing(ctx context.Context, chat int64) {
	a.bestEffort(ctx, "sendChatAction", func(ctx context.Context) error {
		_, err := a.tg.SendChatAction(ctx, &tgbot.SendChatActionParams{ChatID: chat, Action: models.ChatActionTyping})
		return err
	})
}

// answerCallback acknowledges a button press, with an optional toast.
func (a *api) answerCallback(ctx context.Context, id, text string) error {
	return a.call(ctx, "answerCallbackQuery", func(ctx context.Context) error {
		_, err := a.tg.AnswerCallbackQuery(ctx, &tgbot.AnswerCallbackQueryParams{CallbackQueryID: id, Text: text})
		return err
	})
}

// download fetches a file a user sent, up to limit bytes.
func (a *api) download(ctx context.Context, fileID string, limit int64) ([]byte, error) {
	var f *models.File
	err := a.call(ctx, "getFile", func(ctx context.Context) error {
		var err error
		f, err = a.tg.GetFile(ctx, &tgbot.GetFileParams{FileID: fileID})
		return err
	})
	if err != nil {
		return nil, err
	}
	if f.FilePath == "" {
		return nil, errors.New("getFile: no file path in the reply")
	}
	if f.FileSize > limit {
		return nil, fmt.Errorf("file is %d bytes, over the %d byte limit", f.FileSize, limit)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.tg.FileDownloadLink(f), nil)
	if err != nil {
		return nil, fmt.Errorf("download: %w", a.scrub(err))
	}
	resp, err := a.files.Do(req)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err // the URL holds the token
		}
		return nil, fmt.Errorf("download: %w", a.scrub(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("download: %w", &statusError{resp.StatusCode})
	}
	raw, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("download: %w", a.scrub(err))
	}
	if int64(len(raw)) > limit {
		return nil, fmt.Errorf("file is over the %d byte limit", limit)
	}
	return raw, nil
}
