package main

import (
	"context"
	"fmt"
	"net/url"
	"path/filepath"
	"time"

	"github.com/policybot/policybot/bot"
	"github.com/policybot/policybot/bot/answerlog"
	"github.com/policybot/policybot/bot/state"
	"github.com/policybot/policybot/config"
	"github.com/policybot/policybot/retrieval"
)

// runServe runs the Telegram bot: it opens the state store, checks the
// token, opens the answer log and the knowledge base, then long-polls (or serves a webhook) until
// interrupted, letting answers in flight finish.
func runServe(ctx context.Context, a *app, args []string) error {
	var common commonFlags
	fs := newFlagSet(a, "serve", "")
	common.register(fs)
	webhook := fs.String("webhook-url", "", "public HTTPS URL for a webhook instead of long polling (env POLICYBOT_WEBHOOK_URL)")
	listen := fs.String("listen", "", "address the webhook server listens on (default :8080; env POLICYBOT_LISTEN)")
	offline := fs.Bool("offline", false, "answer extractively and embed locally even if an LLM is configured")
	watch := fs.Bool("watch", false, "reload when the knowledge folder changes (debounced; needs docs_dir)")
	if err := a.parse(fs, &common, args); err != nil {
		return err
	}
	if *webhook != "" {
		if u, err := url.Parse(*webhook); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return fmt.Errorf("%w: --webhook-url %q is not an http(s) URL", errUsage, *webhook)
		}
		a.cfg.Telegram.WebhookURL = *webhook
	}
	if *listen != "" {
		a.cfg.Telegram.Listen = *listen
	}
	if a.cfg.Telegram.WebhookURL != "" && a.cfg.Telegram.WebhookSecret == "" {
		a.log.Warn("webhook without a secret token: anyone who finds the URL can post updates; set POLICYBOT_WEBHOOK_SECRET")
	}
	if *watch {
		a.cfg.Telegram.Watch = true
	}
	if a.cfg.Telegram.Watch && a.cfg.DocsDir == "" {
		return fmt.Errorf("%w: --watch needs a knowledge folder (docs_dir or --docs)", errUsage)
	}

	statePath, err := statePath(a.cfg)
	if err != nil {
		return err
	}
	st, err := state.Open(ctx, statePath, state.Options{Keep: time.Duration(a.cfg.State.KeepDays) * 24 * time.Hour})
	if err != nil {
		return err
	}
	defer st.Close()

	opts := botOptions(a.cfg)
	opts.State = st
	opts.Logger = a.log
	opts.Offline = *offline
	if a.cfg.AnswerLog.HashUsers {
		opts.Askers = answerlog.NewAskers(a.cfg.AnswerLog.HashKey.Reveal())
	}
	b, err := bot.New(ctx, opts) // checks the token before the slower work
	if err != nil {
		return err
	}

	dir, err := answerLogDir(a.cfg)
	if err != nil {
		return err
	}
	w, err := answerlog.Open(dir, int64(a.cfg.AnswerLog.MaxMB)<<20, a.cfg.AnswerLog.MaxFiles)
	if err != nil {
		return err
	}
	defer w.Close()
	b.SetLog(w)

	eng, err := newEngine(ctx, a, *offline)
	if err != nil {
		return err
	}
	if a.cfg.DocsDir == "" {
		a.log.Info("serving the built-in seed documents; set docs_dir to manage a knowledge folder from Telegram")
	}
	a.log.Info("answer log", "dir", dir)
	a.log.Info("state store", "path", st.Path())
	if a.cfg.Telegram.Watch {
		watching := make(chan struct{})
		defer func() { <-watching }()
		go func() {
			defer close(watching)
			eng.Watch(ctx, watchEvery, func(st retrieval.BuildStats, err error) {
				if err != nil {
					a.log.Error("watch: reload failed; the previous index stays", "err", err)
					return
				}
				a.log.Info("watch: reloaded", "stats", st.String())
			})
		}()
	}
	return b.Run(ctx, eng, retrieval.NewLibrary(eng.Engine, a.cfg.DocsDir))
}

// botOptions fills the bot's options from the configuration. The bot token
// and webhook secret leave their Secret type here, for the one client that
// sends them.
func botOptions(c config.Config) bot.Options {
	t := c.Telegram
	return bot.Options{
		Token: t.Token.Reveal(), APIURL: t.APIURL, WebhookURL: t.WebhookURL, Listen: t.Listen, WebhookSecret: t.WebhookSecret.Reveal(),
		Admins: t.Admins, AllowedChats: t.AllowedChats, GroupAdmins: t.GroupAdmins,
		Workers: t.Workers, RatePerMinute: t.RatePerMinute, ShutdownGrace: t.ShutdownGrace.Duration,
		MaxUploadBytes: int64(t.MaxUploadMB) << 20,
	}
}

// watchEvery is how often --watch looks at the knowledge folder.
const watchEvery = 2 * time.Second

// answerLogDir is answer_log.dir, or logs/ under the data directory.
func answerLogDir(c config.Config) (string, error) {
	if c.AnswerLog.Dir != "" {
		return c.AnswerLog.Dir, nil
	}
	data, err := stateDir(c)
	if err != nil {
		return "", err
	}
	return filepath.Join(data, "logs"), nil
}

// statePath is state.path, or state.db in the data directory.
func statePath(c config.Config) (string, error) {
	if c.State.Path != "" {
		return c.State.Path, nil
	}
	data, err := stateDir(c)
	if err != nil {
		return "", err
	}
	return filepath.Join(data, "state.db"), nil
}

// stateDir is where the bot keeps what is not the index by default: the
// data directory, or policybot/ in the user cache dir.
func stateDir(c config.Config) (string, error) {
	if c.DataDir != "" {
		return c.DataDir, nil
	}
	return retrieval.DefaultDataDir()
}
