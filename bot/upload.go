package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/go-telegram/bot/models"

	"github.com/policybot/policybot/retrieval"
)

// onUpload stores a document an admin sent, indexes it and reports.
func (b *Bot) onUpload(ctx context.Context, log *slog.Logger, m *models.Message, cmd command) {
	chat := m.Chat.ID
	if !b.isAdmin(ctx, log, m.Chat, m.From.ID) {
		log.Warn("admin command refused", "command", "upload", "asker", b.opts.Askers.ID(m.From.ID))
		b.say(ctx, log, chat, m.ID, "Sorry, only admins can add documents to the knowledge base.")
		return
	}
	doc := m.Document
	replace := strings.EqualFold(strings.TrimSpace(cmd.args), "replace")
	name, err := b.lib.UploadName(doc.FileName)
	switch {
	case errors.Is(err, retrieval.ErrNoFolder):
		b.say(ctx, log, chat, m.ID, noDocsDir)
		return
	case errors.Is(err, retrieval.ErrUnsupported):
		b.say(ctx, log, chat, m.ID, fmt.Sprintf("%s: unsupported file type. I can index %s files.", name, retrieval.SupportedTypes))
		return
	case err != nil:
		b.say(ctx, log, chat, m.ID, "Please send the document with a file name ending in "+retrieval.SupportedTypes+".")
		return
	}
	if doc.FileSize > b.opts.MaxUploadBytes {
		b.say(ctx, log, chat, m.ID, fmt.Sprintf("%s is %.1f MB; the limit is %d MB.", name, float64(doc.FileSize)/(1<<20), b.opts.MaxUploadBytes>>20))
		return
	}
	b.api.typing(ctx, chat)
	raw, err := b.api.download(ctx, doc.FileID, b.opts.MaxUploadBytes)
	if err != nil {
		log.Warn("upload download failed", "err", err)
		b.say(ctx, log, chat, m.ID, fmt.Sprintf("Could not download %s from Telegram: %s", name, errText(err)))
		return
	}
	added, err := b.lib.Add(ctx, name, raw, replace)
	var rerr *retrieval.ReloadError
	switch {
	case errors.Is(err, retrieval.ErrUnreadable):
		b.say(ctx, log, chat, m.ID, fmt.Sprintf("Could not read %s: %s. Nothing was stored.", name, errText(err)))
	case errors.Is(err, retrieval.ErrUnchanged):
		b.say(ctx, log, chat, m.ID, name+" is already in the knowledge base with exactly this content; nothing changed.")
	case errors.Is(err, retrieval.ErrExists):
		b.say(ctx, log, chat, m.ID, fmt.Sprintf("A different %s is already in the knowledge folder. To overwrite it, send the file again with the caption /add replace.", name))
	case errors.As(err, &rerr):
		log.Error("reload after upload failed: the file was taken out again", "doc", name, "err", err)
		b.reply(ctx, log, chat, m.ID, append([]block{plain(name + " was not added: indexing failed.")}, reloadFailed(rerr.Err, b.kb.Status())...))
	case err != nil:
		log.Error("upload: cannot store", "doc", name, "err", err)
		b.say(ctx, log, chat, m.ID, "Could not store the file: "+errText(err))
	default:
		log.Info("document uploaded", "doc", name, "bytes", len(raw), "replaced", added.Replaced, "asker", b.opts.Askers.ID(m.From.ID))
		b.reply(ctx, log, chat, m.ID, uploadBlocks(added))
	}
}

// uploadBlocks reports an indexed upload: title, chunks, warnings.
func uploadBlocks(a retrieval.Added) []block {
	verb := "Added"
	if a.Replaced {
		verb = "Replaced"
	}
	out := []block{{spans: []span{{"b", verb}, {"", " "}, {"code", a.Name}}}}
	for _, d := range a.Docs {
		meta := fmt.Sprintf(" · %s · %d chunks", d.Format, d.Chunks)
		if d.Pages > 0 {
			meta += fmt.Sprintf(" · %d pages", d.Pages)
		}
		out = append(out, block{spans: []span{{"", "«"}, {"b", nonEmpty(d.Title, d.ID)}, {"", "»" + meta}}, tight: true})
		for _, w := range d.Warnings {
			out = append(out, block{spans: []span{{"i", "⚠ " + w}}, tight: true})
		}
	}
	if a.Skipped != "" {
		out = append(out, block{spans: []span{{"i", "⚠ the loader skipped it: " + a.Skipped}}, tight: true})
	}
	if len(a.Docs) == 0 {
		out = append(out, block{spans: []span{{"i", "It is stored but not in the index; see /sources."}}, tight: true})
	}
	out = append(out, block{spans: []span{{"", "Index: " + a.Stats.String()}}, tight: true})
	return out
}
