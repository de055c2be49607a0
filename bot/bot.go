// Package bot is policybot's Telegram front end: it decides when to speak,
// asks the retrieval engine, renders cited answers as Telegram HTML, runs
// the admin commands (reload, stats, document upload and removal) and writes
// the answer-quality log. No go-telegram type leaves this package.
package bot

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/policybot/policybot/bot/answerlog"
	"github.com/policybot/policybot/config/redact"
	"github.com/policybot/policybot/retrieval"
	"github.com/policybot/policybot/retrieval/answer"
)

// Knowledge is what askers reach: answers, evidence, and what the index in
// service holds.
type Knowledge interface {
	Ask(ctx context.Context, q answer.Question) (answer.Answer, error)
	Search(ctx context.Context, question string, k int) ([]retrieval.Evidence, error)
	Status() retrieval.Status
}

// Library is what admins change: the documents of the knowledge folder
// and the index built from them (see retrieval.Library).
type Library interface {
	Reload(ctx context.Context) (retrieval.BuildStats, error)
	UploadName(name string) (string, error)
	Add(ctx context.Context, name string, raw []byte, replace bool) (retrieval.Added, error)
	Document(name string) (retrieval.DocInfo, error)
	Remove(ctx context.Context, name string) (retrieval.BuildStats, error)
}

// Recorder stores answer-log lines (answerlog.Record, answerlog.Feedback).
type Recorder interface {
	Append(v any) error
}

// State is the bot's durable memory (see bot/state): the answer record
// behind each message the bot sent, with the thread of questions it
// answered, and askers' votes. Each method has committed its change to
// stable storage when it returns, so a vote acknowledged is never lost, and
// the state is shared by every process serving the bot.
type State interface {
	// SaveAnswer stores an answer record (id, chat, asker, question,
	// FollowUpOf, Context) under each of its MessageIDs.
	SaveAnswer(ctx context.Context, rec answerlog.Record) error
	// AnswerAt returns the record of the answer sent as message msg of
	// chat, with what SaveAnswer stored; ok is false when there is none.
	AnswerAt(ctx context.Context, chat int64, msg int) (rec answerlog.Record, ok bool, err error)
	// Vote stores fb.Asker's vote on the answer fb.Record of chat fb.Chat,
	// replacing an earlier one. prev is the vote it replaced ("" for a
	// first vote, fb.Vote when nothing changed); known is false, and
	// nothing is stored, when there is no such answer (never sent, or
	// forgotten).
	Vote(ctx context.Context, fb answerlog.Feedback) (prev answerlog.Vote, known bool, err error)
	// Votes counts every asker's current vote on every answer remembered.
	Votes(ctx context.Context) (up, down int, err error)
}

// Options configure a Bot. Zero values take the defaults noted.
type Options struct {
	// Token is the bot token; it never appears in logs or errors.
	Token  string
	APIURL string // default https://api.telegram.org
	// WebhookURL switches from long polling to a webhook served on Listen
	// (or Listener, when set), checking WebhookSecret on every request.
	WebhookURL    string
	Listen        string
	Listener      net.Listener
	WebhookSecret string

	Admins       []int64
	AllowedChats []int64
	// GroupAdmins also counts the administrators of the allowed groups as
	// admins (checked with getChatMember).
	GroupAdmins bool

	Workers       int           // default 4
	RatePerMinute int           // per asker; 0 disables
	ShutdownGrace time.Duration // default 20s
	AnswerTimeout time.Duration // per update; default 3m
	PollTimeout   time.Duration // long-poll wait; default 50s

	MaxUploadBytes int64 // default 20 MB

	// Offline forces extractive answers.
	Offline bool
	// State is where answers, threads and votes are kept (required).
	State State
	// Log receives the answer-quality log; nil keeps none.
	Log    Recorder
	Askers answerlog.Askers
	Logger *slog.Logger

	// StreamEvery is the least time between edits of a streamed answer;
	// default 1s.
	StreamEvery time.Duration
	// Now and Wait are the clock and the retry wait; tests inject them.
	Now  func() time.Time
	Wait func(ctx context.Context, d time.Duration) error
}

// Bot is a running Telegram bot.
type Bot struct {
	sent sentAnswers // recent answers by message, ahead of the store
	opts Options
	log  *slog.Logger
	api  *api
	tg   *tgbot.Bot
	id   int64
	name string // username, without @
	kb   Knowledge
	lib  Library

	jobs    chan *models.Update
	limiter *limiter
	stats   *stats
	admins  *adminCache

	quietMu sync.Mutex
	quiet   map[int64]bool // chats outside the allowlist, logged once

	pendMu   sync.Mutex
	removals map[string]removal

	// revoked is closed when the Bot API refuses the token mid-run.
	revoked    chan struct{}
	revokeOnce sync.Once
}

// ErrNoToken is returned when no bot token is configured.
var ErrNoToken = errors.New("no Telegram bot token: set TELEGRAM_BOT_TOKEN or telegram.token in the config file")

// errNoState is returned when Options has no State.
var errNoState = errors.New("bot: no state store (Options.State)")

// ErrTokenRevoked is returned by Run when the Bot API stops accepting the
// token (401 Unauthorized) while the bot runs.
var ErrTokenRevoked = errors.New("telegram no longer accepts the bot token (401 Unauthorized): it was revoked or replaced in @BotFather; set the new one in TELEGRAM_BOT_TOKEN")

// New connects to the Bot API and checks the token with getMe. Its errors
// are one line and never contain the token.
func New(ctx context.Context, opts Options) (*Bot, error) {
	token := strings.TrimSpace(opts.Token)
	if token == "" {
		return nil, ErrNoToken
	}
	if opts.State == nil {
		return nil, errNoState
	}
	if opts.APIURL == "" {
		opts.APIURL = "https://api.telegram.org"
	}
	opts.APIURL = strings.TrimRight(opts.APIURL, "/")
	if opts.Workers < 1 {
		opts.Workers = 4
	}
	if opts.ShutdownGrace <= 0 {
		opts.ShutdownGrace = 20 * time.Second
	}
	if opts.AnswerTimeout <= 0 {
		opts.AnswerTimeout = 3 * time.Minute
	}
	if opts.PollTimeout <= 0 {
		opts.PollTimeout = 50 * time.Second
	}
	if opts.MaxUploadBytes <= 0 {
		opts.MaxUploadBytes = 20 << 20
	}
	if opts.StreamEvery <= 0 {
		opts.StreamEvery = time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Wait == nil {
		opts.Wait = sleep
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	b := &Bot{
		opts:     opts,
		log:      opts.Logger,
		jobs:     make(chan *models.Update, opts.Workers*4),
		limiter:  newLimiter(opts.RatePerMinute, opts.Now),
		stats:    newStats(opts.Now()),
		admins:   newAdminCache(opts.Now),
		quiet:    make(map[int64]bool),
		removals: make(map[string]removal),
		revoked:  make(chan struct{}),
	}
	secrets := redact.New(token, tokenSecret(token), opts.WebhookSecret)
	client := &http.Client{Timeout: opts.PollTimeout + 15*time.Second}
	tg, err := tgbot.New(token,
		tgbot.WithSkipGetMe(),
		tgbot.WithServerURL(opts.APIURL),
		tgbot.WithHTTPClient(opts.PollTimeout, statusClient{client}),
		tgbot.WithNotAsyncHandlers(),
		tgbot.WithWorkers(1),
		tgbot.WithAllowedUpdates(tgbot.AllowedUpdates{"message", "callback_query"}),
		tgbot.WithDefaultHandler(b.enqueue),
		tgbot.WithErrorsHandler(func(err error) {
			if unauthorized(err) {
				b.revoke() // Run returns ErrTokenRevoked: reported there, not here
				return
			}
			b.log.Warn("telegram", "err", secrets.Error(err))
		}),
	)
	if err != nil {
		return nil, fmt.Errorf("telegram client: %w", secrets.Error(err))
	}
	b.tg = tg
	b.api = &api{tg: tg, secrets: secrets, log: b.log, wait: opts.Wait, now: opts.Now, revoked: b.revoke,
		missing: make(map[string]bool), resting: make(map[string]time.Time),
		files: &http.Client{Timeout: 2 * time.Minute}}

	var me *models.User
	err = b.api.call(ctx, "getMe", func(ctx context.Context) error {
		var err error
		me, err = tg.GetMe(ctx)
		return err
	})
	switch {
	case errors.Is(err, tgbot.ErrorUnauthorized) || isMissing(err):
		return nil, errors.New("telegram rejected the bot token (getMe: unauthorized); check TELEGRAM_BOT_TOKEN")
	case err != nil:
		return nil, fmt.Errorf("cannot reach the Telegram Bot API at %s: %w", opts.APIURL, oneLine(err))
	case me == nil || me.Username == "":
		return nil, errors.New("getMe returned no bot username")
	}
	b.id, b.name = me.ID, me.Username
	return b, nil
}

// tokenSecret is the part of a bot token after the colon: the bot id
// before it is public, the rest is the secret.
func tokenSecret(token string) string {
	_, after, _ := strings.Cut(token, ":")
	return after
}

// revoke records that the Bot API refused the token.
func (b *Bot) revoke() { b.revokeOnce.Do(func() { close(b.revoked) }) }

// oneLine keeps the last, most specific part of a long error chain.
func oneLine(err error) error {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		return uerr.Err
	}
	return err
}

// Username is the bot's @name, without the @.
func (b *Bot) Username() string { return b.name }

// commandList is what setMyCommands registers.
var commandList = []models.BotCommand{
	{Command: "ask", Description: "Ask a question about the policy documents"},
	{Command: "search", Description: "Show the best-matching passages"},
	{Command: "sources", Description: "List the documents in the knowledge base"},
	{Command: "help", Description: "How to ask, and privacy mode"},
	{Command: "reload", Description: "Admin: rebuild the index from the knowledge folder"},
	{Command: "stats", Description: "Admin: answer and feedback statistics"},
	{Command: "remove", Description: "Admin: remove a document (/remove NAME)"},
}

// Run serves updates until ctx ends, answering from kb and changing lib for
// admins, then stops taking updates and lets answers in flight finish for
// up to ShutdownGrace.
//
// If the Bot API stops accepting the token (a 401 to getUpdates or to any
// call), Run stops as it does when ctx ends and returns ErrTokenRevoked.
func (b *Bot) Run(ctx context.Context, kb Knowledge, lib Library) error {
	b.kb, b.lib = kb, lib
	// run ends with ctx, or when the token is refused.
	ctx, stop := context.WithCancelCause(ctx)
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		select {
		case <-b.revoked:
			stop(ErrTokenRevoked)
		case <-ctx.Done():
		}
	}()
	defer func() { stop(nil); <-watched }()

	b.api.bestEffort(ctx, "setMyCommands", func(ctx context.Context) error {
		_, err := b.tg.SetMyCommands(ctx, &tgbot.SetMyCommandsParams{Commands: commandList})
		return err
	})

	// Answers run on a context that outlives ctx by the shutdown grace.
	work, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWork()
	var workers sync.WaitGroup
	for range b.opts.Workers {
		workers.Go(func() {
			for upd := range b.jobs {
				b.handle(work, upd)
			}
		})
	}

	var err error
	if b.opts.WebhookURL != "" {
		err = b.runWebhook(ctx)
	} else {
		b.api.optional(ctx, "deleteWebhook", func(ctx context.Context) error {
			_, err := b.tg.DeleteWebhook(ctx, &tgbot.DeleteWebhookParams{})
			return err
		})
		b.log.Info("polling for updates", "bot", "@"+b.name)
		b.tg.Start(ctx) // returns once its poller and dispatcher have stopped
	}
	close(b.jobs)
	grace := time.AfterFunc(b.opts.ShutdownGrace, stopWork)
	workers.Wait()
	grace.Stop()
	if cause := context.Cause(ctx); errors.Is(cause, ErrTokenRevoked) {
		return cause
	}
	b.log.Info("bot stopped")
	return err
}

// runWebhook registers the webhook and serves it until ctx ends.
func (b *Bot) runWebhook(ctx context.Context) error {
	u, err := url.Parse(b.opts.WebhookURL)
	if err != nil {
		return fmt.Errorf("webhook url: %w", err)
	}
	ln := b.opts.Listener
	if ln == nil {
		ln, err = net.Listen("tcp", b.opts.Listen)
		if err != nil {
			return fmt.Errorf("webhook listen: %w", err)
		}
	}
	path := u.Path
	if path == "" {
		path = "/"
	}
	secret := b.opts.WebhookSecret
	intake := b.tg.WebhookHandler()
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+path, func(w http.ResponseWriter, r *http.Request) {
		got := r.Header.Get("X-Telegram-Bot-Api-Secret-Token")
		if secret != "" && subtle.ConstantTimeCompare([]byte(got), []byte(secret)) != 1 {
			b.log.Warn("webhook request with a wrong secret token", "remote", r.RemoteAddr)
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, 4<<20)
		intake(w, r)
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	err = b.api.call(ctx, "setWebhook", func(ctx context.Context) error {
		_, err := b.tg.SetWebhook(ctx, &tgbot.SetWebhookParams{URL: b.opts.WebhookURL, SecretToken: secret,
			AllowedUpdates: []string{"message", "callback_query"}})
		return err
	})
	if err != nil {
		ln.Close()
		return err
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	b.log.Info("serving webhook", "bot", "@"+b.name, "addr", ln.Addr().String(), "path", path)
	dispatch := make(chan struct{})
	go func() {
		b.tg.StartWebhook(ctx)
		close(dispatch)
	}()
	select {
	case <-ctx.Done():
	case err = <-serveErr:
	}
	shut, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if serr := srv.Shutdown(shut); serr != nil && err == nil {
		err = serr
	}
	<-dispatch
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	if err != nil {
		return fmt.Errorf("webhook server: %w", err)
	}
	return nil
}

// enqueue hands an update to the worker pool; it blocks when the pool is
// busy, which holds back the poller.
func (b *Bot) enqueue(ctx context.Context, _ *tgbot.Bot, upd *models.Update) {
	select {
	case b.jobs <- upd:
	case <-ctx.Done():
	}
}

// handle processes one update, recovering from panics.
func (b *Bot) handle(ctx context.Context, upd *models.Update) {
	ctx, cancel := context.WithTimeout(ctx, b.opts.AnswerTimeout)
	defer cancel()
	log := b.log.With("update_id", upd.ID)
	var chat int64
	var replyTo int
	switch {
	case upd.Message != nil:
		chat, replyTo = upd.Message.Chat.ID, upd.Message.ID
	case upd.CallbackQuery != nil:
		c, _ := callbackMessage(upd.CallbackQuery)
		chat = c.ID
	}
	if chat != 0 {
		log = log.With("chat_id", chat)
	}
	defer func() {
		if p := recover(); p != nil {
			log.Error("handler panicked", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			if upd.Message != nil {
				if _, err := b.api.send(ctx, chat, "Sorry, something went wrong while handling that. Please try again.", replyTo, nil); err != nil {
					log.Warn("could not tell the asker about the failure", "err", err)
				}
			}
		}
	}()
	switch {
	case upd.CallbackQuery != nil:
		b.onCallback(ctx, log, upd.CallbackQuery)
	case upd.Message != nil:
		b.onMessage(ctx, log, upd.Message)
	}
}

// allowed applies the chat allowlist. Admins' private chats are always
// allowed, so they can upload documents.
func (b *Bot) allowed(log *slog.Logger, chat models.Chat, user int64) bool {
	if len(b.opts.AllowedChats) == 0 {
		return true
	}
	for _, id := range b.opts.AllowedChats {
		if id == chat.ID {
			return true
		}
	}
	if chat.Type == models.ChatTypePrivate && b.configAdmin(user) {
		return true
	}
	b.quietMu.Lock()
	first := !b.quiet[chat.ID]
	b.quiet[chat.ID] = true
	b.quietMu.Unlock()
	if first {
		log.Info("ignoring a chat outside the allowlist", "chat_type", string(chat.Type), "chat_title", chat.Title)
	}
	return false
}

func (b *Bot) configAdmin(user int64) bool {
	for _, id := range b.opts.Admins {
		if id == user {
			return true
		}
	}
	return false
}

// reply sends rendered blocks as one or more messages, quoting the first.
func (b *Bot) reply(ctx context.Context, log *slog.Logger, chat int64, replyTo int, blocks []block) {
	for i, part := range paginate(blocks, maxMessage) {
		q := replyTo
		if i > 0 {
			q = 0
		}
		if _, err := b.api.send(ctx, chat, part, q, nil); err != nil {
			log.Warn("could not send reply", "err", err)
			return
		}
	}
}

// say sends a short plain-text reply.
func (b *Bot) say(ctx context.Context, log *slog.Logger, chat int64, replyTo int, text string) {
	b.reply(ctx, log, chat, replyTo, []block{plain(text)})
}

// SetLog sets where answer-log lines go; call it before Run.
func (b *Bot) SetLog(r Recorder) { b.opts.Log = r }
