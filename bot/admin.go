package bot

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
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
		b.reply(ctx, log, m.Chat.ID, m.ID, b.stats.blocks(b.eng.Current()))
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
	st, err := b.eng.Reload(rctx)
	if err != nil {
		log.Error("reload failed", "err", err)
		b.reply(ctx, log, m.Chat.ID, m.ID, reloadFailed(err, b.eng.Current()))
		return
	}
	log.Info("reloaded", "stats", st.String())
	b.reply(ctx, log, m.Chat.ID, m.ID, reloadBlocks(st, b.eng.Current()))
}

func reloadFailed(err error, ix *retrieval.Index) []block {
	keep := "No index is loaded."
	if ix != nil {
		keep = fmt.Sprintf("The previous index (%d documents, %d chunks) is still serving.", len(ix.Docs()), ix.Len())
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

var errNoDocsDir = errors.New("no knowledge folder")

// noDocsDir is what admins are told when there is no folder to change.
const noDocsDir = "The bot is running on the built-in seed documents, so there is no knowledge folder to change. Set docs_dir in the config file (or POLICYBOT_DOCS) to a folder, restart, and try again."

// docPath checks a document name given by an admin: a path inside the
// knowledge folder, with no hidden part.
func (b *Bot) docPath(name string) (string, error) {
	if b.opts.DocsDir == "" {
		return "", errNoDocsDir
	}
	name = strings.TrimSpace(strings.ReplaceAll(name, "\\", "/"))
	if name == "" || !filepath.IsLocal(filepath.FromSlash(name)) {
		return "", fmt.Errorf("%q is not a file name in the knowledge folder", name)
	}
	for _, part := range strings.Split(name, "/") {
		if strings.HasPrefix(part, ".") {
			return "", fmt.Errorf("%q is not a file name in the knowledge folder", name)
		}
	}
	return filepath.Join(b.opts.DocsDir, filepath.FromSlash(name)), nil
}

// askRemoval shows a confirm button for /remove NAME.
func (b *Bot) askRemoval(ctx context.Context, log *slog.Logger, m *models.Message, name string) {
	if name == "" {
		b.say(ctx, log, m.Chat.ID, m.ID, "Usage: /remove NAME, where NAME is the file name /sources shows.")
		return
	}
	p, err := b.docPath(name)
	if errors.Is(err, errNoDocsDir) {
		b.say(ctx, log, m.Chat.ID, m.ID, noDocsDir)
		return
	}
	if err != nil {
		b.say(ctx, log, m.Chat.ID, m.ID, err.Error())
		return
	}
	if st, err := os.Stat(p); err != nil || !st.Mode().IsRegular() {
		b.say(ctx, log, m.Chat.ID, m.ID, fmt.Sprintf("There is no file %q in the knowledge folder. /sources lists the documents.", name))
		return
	}
	title, chunks := name, 0
	if ix := b.eng.Current(); ix != nil {
		for _, d := range ix.Docs() {
			if d.ID == filepath.ToSlash(name) {
				title, chunks = nonEmpty(d.Title, d.ID), d.Chunks
			}
		}
	}
	tok := newToken()
	b.pendMu.Lock()
	for k, r := range b.removals {
		if b.opts.Now().Sub(r.at) > removalTTL {
			delete(b.removals, k)
		}
	}
	b.removals[tok] = removal{name: filepath.ToSlash(name), user: m.From.ID, at: b.opts.Now()}
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
	b.filesMu.Lock()
	defer b.filesMu.Unlock()
	p, err := b.docPath(r.name)
	if err != nil {
		return err.Error()
	}
	old, err := os.ReadFile(p)
	if err != nil {
		b.editOrSay(ctx, log, chat.ID, msgID, []block{plain("Could not remove " + r.name + ": " + errText(err))})
		return "Failed."
	}
	if err := os.Remove(p); err != nil {
		b.editOrSay(ctx, log, chat.ID, msgID, []block{plain("Could not remove " + r.name + ": " + errText(err))})
		return "Failed."
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), reloadTimeout)
	defer cancel()
	st, err := b.eng.Reload(rctx)
	if err != nil {
		log.Error("reload after removal failed: restoring the file", "doc", r.name, "err", err)
		if werr := os.WriteFile(p, old, 0o644); werr != nil {
			log.Error("could not restore the removed file", "doc", r.name, "err", werr)
		}
		b.editOrSay(ctx, log, chat.ID, msgID, append([]block{plain(r.name + " was put back: the reload after removing it failed.")}, reloadFailed(err, b.eng.Current())...))
		return "Reload failed."
	}
	log.Info("document removed", "doc", r.name, "stats", st.String())
	b.editOrSay(ctx, log, chat.ID, msgID, append([]block{{spans: []span{{"", "Removed "}, {"code", r.name}, {"", "."}}}}, reloadBlocks(st, b.eng.Current())...))
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

// sameFile reports whether path holds exactly raw.
func sameFile(path string, raw []byte) (exists, same bool, err error) {
	old, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, false, nil
	}
	if err != nil {
		return false, false, err
	}
	return true, bytes.Equal(old, raw), nil
}
