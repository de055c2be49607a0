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
)

// api wraps the go-telegram client with what it lacks: retries on 429 and
// 5xx, methods a server does not implement skipped after one log line, and
// the token scrubbed from every error.
type api struct {
	tg    *tgbot.Bot
	token string
	log   *slog.Logger
	wait  func(ctx context.Context, d time.Duration) error
	files *http.Client

	missingMu sync.Mutex
	missing   map[string]bool
}

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

// redactedError carries an error whose text had the token in it.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// scrub removes the bot token from err's text.
func scrub(err error, token string) error {
	if err == nil || token == "" || !strings.Contains(err.Error(), token) {
		return err
	}
	return &redactedError{msg: strings.ReplaceAll(err.Error(), token, "<token>"), err: err}
}

func (a *api) scrub(err error) error { return scrub(err, a.token) }

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
// that is logged once and later calls are skipped.
func (a *api) optional(ctx context.Context, method string, f func(ctx context.Context) error) {
	a.missingMu.Lock()
	skip := a.missing[method]
	a.missingMu.Unlock()
	if skip {
		return
	}
	err := a.call(ctx, method, f)
	switch {
	case err == nil:
	case isMissing(err):
		a.missingMu.Lock()
		first := !a.missing[method]
		a.missing[method] = true
		a.missingMu.Unlock()
		if first {
			a.log.Warn("the Bot API server does not implement this method: skipping it from now on", "method", method)
		}
	case ctx.Err() != nil:
	default:
		a.log.Warn("optional telegram call failed", "method", method, "err", err)
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

// typing shows the "typing…" chat action.
func (a *api) typing(ctx context.Context, chat int64) {
	a.optional(ctx, "sendChatAction", func(ctx context.Context) error {
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
