package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/policybot/policybot/retrieval"
)

// reloadTimeout bounds a rebuild started from Telegram.
const reloadTimeout = 30 * time.Minute

// adminCache remembers getChatMember answers for a few minutes.
type adminCache struct {
	now func() time.Time
	mu  sync.Mutex
	m   map[[2]int64]cachedRole
}

type cachedRole struct {
	admin bool
	at    time.Time
}

const adminCacheTTL = 5 * time.Minute

func newAdminCache(now func() time.Time) *adminCache {
	return &adminCache{now: now, m: make(map[[2]int64]cachedRole)}
}

// isAdmin reports whether user may run admin commands: a configured admin,
// or with GroupAdmins an administrator of an allowed group (the current one
// in a group; any allowed group in a private chat).
func (b *Bot) isAdmin(ctx context.Context, log *slog.Logger, chat models.Chat, user int64) bool {
	if b.configAdmin(user) {
		return true
	}
	if !b.opts.GroupAdmins || len(b.opts.AllowedChats) == 0 {
		return false
	}
	for _, g := range b.opts.AllowedChats {
		if g >= 0 || (chat.Type != models.ChatTypePrivate && g != chat.ID) {
			continue // group and supergroup ids are negative
		}
		if b.groupAdmin(ctx, log, g, user) {
			return true
		}
	}
	return false
}

func (b *Bot) groupAdmin(ctx context.Context, log *slog.Logger, group, user int64) bool {
	key := [2]int64{group, user}
	c := b.admins
	c.mu.Lock()
	r, ok := c.m[key]
	c.mu.Unlock()
	if ok && c.now().Sub(r.at) < adminCacheTTL {
		return r.admin
	}
	var member *models.ChatMember
	err := b.api.call(ctx, "getChatMember", func(ctx context.Context) error {
		var err error
		member, err = b.tg.GetChatMember(ctx, &tgbot.GetChatMemberParams{ChatID: group, UserID: user})
		return err
	})
	if err != nil {
		log.Warn("could not check group membership", "group", group, "err", err)
		return false
	}
	admin := member.Type == models.ChatMemberTypeOwner || member.Type == models.ChatMemberTypeAdministrator
	c.mu.Lock()
	c.m[key] = cachedRole{admin, c.now()}
	c.mu.Unlock()
	return admin
}

// admin runs the admin-only commands, refusing (and logging) anyone else.
func (b *Bot) admin(ctx context.Context, log *slog.Logger, m *models.Message, cmd command) {
	if !b.isAdmin(ctx, log, m.Chat, m.From.ID) {
		log.Warn("admin command refused", "command", cmd.name, "asker", b.opts.Askers.ID(m.From.ID))
		b.say(ctx, log, m.Chat.ID, m.ID, "Sorry, /"+cmd.name+" is for admins only.")
		return
	}
	switch cmd.name {
	case "reload":
		b.reload(ctx, log, m)
	case "stats":
		up, down, err := b.opts.State.Votes(ctx)
		if err != nil {
			log.Error("could not count votes", "err", err)
		}
		b.reply(ctx, log, m.Chat.ID, m.ID, b.stats.blocks(b.kb.Status(), up, down, err))
	case "remove":
		b.askRemoval(ctx, log, m, cmd.args)
	case "add":
		b.say(ctx, log, m.Chat.ID, m.ID, "Send the document as a file with the caption /add (or /add replace to overwrite a file of the same name).")
	}
}

// reload rebuilds the index; the old one serves until the new one is
// swapped in, and stays if the rebuild fails.
func (b *Bot) reload(ctx context.Context, log *slog.Logger, m *models.Message) {
	b.say(ctx, log, m.Chat.ID, m.ID, "Reloading the knowledge base… questions are still answered from the current index meanwhile.")
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), reloadTimeout)
	defer cancel()
	st, err := b.lib.Reload(rctx)
	if err != nil {
		log.Error("reload failed", "err", err)
		b.reply(ctx, log, m.Chat.ID, m.ID, reloadFailed(err, b.kb.Status()))
		return
	}
	log.Info("reloaded", "stats", st.String())
	b.reply(ctx, log, m.Chat.ID, m.ID, reloadBlocks(st, b.kb.Status()))
}

func reloadFailed(err error, st retrieval.Status) []block {
	keep := "No index is loaded."
	if st.Ready {
		keep = fmt.Sprintf("The previous index (%d documents, %d chunks) is still serving.", len(st.Docs), st.Chunks)
	}
	return []block{
		{spans: []span{{"b", "Reload failed."}, {"", " " + keep}}},
		{spans: []span{{"", "Reason: "}, {"code", err.Error()}}, tight: true},
	}
}

// removal is a /remove waiting for its confirm button.
type removal struct {
	name string
	user int64
	at   time.Time
}

const removalTTL = 10 * time.Minute

func newToken() string {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b[:])
}

// noDocsDir is what admins are told when there is no folder to change.
const noDocsDir = "The bot is running on the built-in seed documents, so there is no knowledge folder to change. Set docs_dir in the config file (or POLICYBOT_DOCS) to a folder, restart, and try again."

// askRemoval shows a confirm button for /remove NAME.
func (b *Bot) askRemoval(ctx context.Context, log *slog.Logger, m *models.Message, name string) {
	if name == "" {
		b.say(ctx, log, m.Chat.ID, m.ID, "Usage: /remove NAME, where NAME is the file name /sources shows.")
		return
	}
	doc, err := b.lib.Document(name)
	switch {
	case errors.Is(err, retrieval.ErrNoFolder):
		b.say(ctx, log, m.Chat.ID, m.ID, noDocsDir)
		return
	case errors.Is(err, retrieval.ErrNotFound):
		b.say(ctx, log, m.Chat.ID, m.ID, fmt.Sprintf("There is no file %q in the knowledge folder. /sources lists the documents.", name))
		return
	case err != nil:
		b.say(ctx, log, m.Chat.ID, m.ID, err.Error())
		return
	}
	title, chunks := nonEmpty(doc.Title, doc.ID), doc.Chunks
	tok := newToken()
	b.pendMu.Lock()
	for k, r := range b.removals {
		if b.opts.Now().Sub(r.at) > removalTTL {
			delete(b.removals, k)
		}
	}
	b.removals[tok] = removal{name: doc.ID, user: m.From.ID, at: b.opts.Now()}
	b.pendMu.Unlock()
	kb := &keyboard{Rows: [][]button{{{Text: "🗑 Remove", Data: "rm:yes:" + tok}, {Text: "Cancel", Data: "rm:no:" + tok}}}}
	text := block{spans: []span{{"", "Remove "}, {"code", name}, {"", fmt.Sprintf(" («%s», %d chunks) from the knowledge base?", title, chunks)}}}.render()
	if _, err := b.api.send(ctx, m.Chat.ID, text, m.ID, kb); err != nil {
		log.Warn("could not send the removal confirmation", "err", err)
	}
}

// confirmRemoval handles the confirm and cancel buttons of /remove.
func (b *Bot) confirmRemoval(ctx context.Context, log *slog.Logger, chat models.Chat, msgID int, user int64, data string) string {
	answer, tok, _ := strings.Cut(data, ":")
	b.pendMu.Lock()
	r, ok := b.removals[tok]
	if ok && r.user == user {
		delete(b.removals, tok)
	}
	b.pendMu.Unlock()
	switch {
	case !ok || b.opts.Now().Sub(r.at) > removalTTL:
		return "This confirmation has expired; send /remove again."
	case r.user != user:
		return "Only the admin who asked can confirm this."
	case !b.isAdmin(ctx, log, chat, user):
		log.Warn("admin command refused", "command", "remove", "asker", b.opts.Askers.ID(user))
		return "Only admins can remove documents."
	case answer != "yes":
		b.editOrSay(ctx, log, chat.ID, msgID, []block{plain("Cancelled: " + r.name + " stays.")})
		return "Cancelled."
	}
	st, err := b.lib.Remove(ctx, r.name)
	var rerr *retrieval.ReloadError
	switch {
	case errors.As(err, &rerr):
		log.Error("reload after removal failed: the file was restored", "doc", r.name, "err", err)
		b.editOrSay(ctx, log, chat.ID, msgID, append([]block{plain(r.name + " was put back: the reload after removing it failed.")}, reloadFailed(rerr.Err, b.kb.Status())...))
		return "Reload failed."
	case err != nil:
		b.editOrSay(ctx, log, chat.ID, msgID, []block{plain("Could not remove " + r.name + ": " + errText(err))})
		return "Failed."
	}
	log.Info("document removed", "doc", r.name, "stats", st.String())
	b.editOrSay(ctx, log, chat.ID, msgID, append([]block{{spans: []span{{"", "Removed "}, {"code", r.name}, {"", "."}}}}, reloadBlocks(st, b.kb.Status())...))
	return "Removed."
}

// editOrSay replaces a bot message's text, or sends a new message.
func (b *Bot) editOrSay(ctx context.Context, log *slog.Logger, chat int64, msgID int, blocks []block) {
	parts := paginate(blocks, maxMessage)
	if msgID != 0 && len(parts) == 1 {
		if err := b.api.edit(ctx, chat, msgID, parts[0], &keyboard{Rows: [][]button{}}); err == nil {
			return
		} else {
			log.Warn("could not edit message", "err", err)
		}
	}
	b.reply(ctx, log, chat, 0, blocks)
}

// errText is an error for an admin: without the folder's absolute path.
func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return filepath.Base(pe.Path) + ": " + pe.Err.Error()
	}
	return err.Error()
}
