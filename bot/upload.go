package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"

	"github.com/policybot/policybot/knowledge"
)

// maxNameBytes bounds a stored file name.
const maxNameBytes = 120

// sanitizeName turns an uploaded file's name into a safe name for the
// knowledge folder: its last path element only, no control or reserved
// characters, no leading dot (hidden files are ignored by the loader).
func sanitizeName(name string) (string, error) {
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	var b strings.Builder
	for _, r := range name {
		switch {
		case r == utf8.RuneError, unicode.IsControl(r), strings.ContainsRune(`<>:"/\|?*`, r):
			b.WriteByte('_')
		case unicode.IsSpace(r):
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	name = strings.TrimLeft(strings.TrimSpace(b.String()), ". ")
	name = strings.Join(strings.Fields(name), " ")
	if len(name) > maxNameBytes {
		ext := path.Ext(name)
		if len(ext) > 16 {
			ext = ""
		}
		stem := name[:len(name)-len(ext)]
		for len(stem)+len(ext) > maxNameBytes {
			_, size := utf8.DecodeLastRuneInString(stem)
			stem = stem[:len(stem)-size]
		}
		name = strings.TrimSpace(stem) + ext
	}
	if strings.Trim(strings.TrimSuffix(name, path.Ext(name)), "_ ") == "" {
		return "", errors.New("the file has no usable name")
	}
	return name, nil
}

func supportedList() string { return ".txt, .md, .html, .htm, .pdf, .docx or .jsonl" }

// onUpload stores a document an admin sent, indexes it and reports.
func (b *Bot) onUpload(ctx context.Context, log *slog.Logger, m *models.Message, cmd command) {
	chat := m.Chat.ID
	if !b.isAdmin(ctx, log, m.Chat, m.From.ID) {
		log.Warn("admin command refused", "command", "upload", "asker", b.opts.Askers.ID(m.From.ID))
		b.say(ctx, log, chat, m.ID, "Sorry, only admins can add documents to the knowledge base.")
		return
	}
	if b.opts.DocsDir == "" {
		b.say(ctx, log, chat, m.ID, noDocsDir)
		return
	}
	doc := m.Document
	replace := strings.EqualFold(strings.TrimSpace(cmd.args), "replace")
	name, err := sanitizeName(doc.FileName)
	if err != nil {
		b.say(ctx, log, chat, m.ID, "Please send the document with a file name ending in "+supportedList()+".")
		return
	}
	if !knowledge.Supported(name) {
		b.say(ctx, log, chat, m.ID, fmt.Sprintf("%s: unsupported file type. I can index %s files.", name, supportedList()))
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
	docs, err := knowledge.Parse(ctx, name, raw)
	if err != nil {
		b.say(ctx, log, chat, m.ID, fmt.Sprintf("Could not read %s: %s. Nothing was stored.", name, errText(err)))
		return
	}

	b.filesMu.Lock()
	defer b.filesMu.Unlock()
	target := filepath.Join(b.opts.DocsDir, name)
	exists, same, err := sameFile(target, raw)
	switch {
	case err != nil:
		log.Error("upload: cannot read the existing file", "doc", name, "err", err)
		b.say(ctx, log, chat, m.ID, "Could not check the knowledge folder: "+errText(err))
		return
	case same:
		b.say(ctx, log, chat, m.ID, name+" is already in the knowledge base with exactly this content; nothing changed.")
		return
	case exists && !replace:
		b.say(ctx, log, chat, m.ID, fmt.Sprintf("A different %s is already in the knowledge folder. To overwrite it, send the file again with the caption /add replace.", name))
		return
	}
	var old []byte
	if exists {
		if old, err = os.ReadFile(target); err != nil {
			b.say(ctx, log, chat, m.ID, "Could not read the existing file: "+errText(err))
			return
		}
	}
	if err := writeAtomic(b.opts.DocsDir, name, raw); err != nil {
		log.Error("upload: cannot store", "doc", name, "err", err)
		b.say(ctx, log, chat, m.ID, "Could not store the file: "+errText(err))
		return
	}
	log.Info("document uploaded", "doc", name, "bytes", len(raw), "replaced", exists, "asker", b.opts.Askers.ID(m.From.ID))

	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), reloadTimeout)
	defer cancel()
	st, err := b.eng.Reload(rctx)
	if err != nil {
		log.Error("reload after upload failed: taking the file out again", "doc", name, "err", err)
		if exists {
			err2 := writeAtomic(b.opts.DocsDir, name, old)
			if err2 != nil {
				log.Error("could not restore the previous file", "doc", name, "err", err2)
			}
		} else if err2 := os.Remove(target); err2 != nil {
			log.Error("could not remove the uploaded file", "doc", name, "err", err2)
		}
		b.reply(ctx, log, chat, m.ID, append([]block{plain(name + " was not added: indexing failed.")}, reloadFailed(err, b.eng.Current())...))
		return
	}
	b.reply(ctx, log, chat, m.ID, uploadBlocks(name, exists, docs, st.String(), b.eng))
}

// uploadBlocks reports an indexed upload: title, chunks, warnings.
func uploadBlocks(name string, replaced bool, parsed []knowledge.Document, summary string, eng Engine) []block {
	verb := "Added"
	if replaced {
		verb = "Replaced"
	}
	ids := make(map[string]bool, len(parsed))
	for _, d := range parsed {
		ids[d.ID] = true
	}
	out := []block{{spans: []span{{"b", verb}, {"", " "}, {"code", name}}}}
	found := 0
	if ix := eng.Current(); ix != nil {
		for _, d := range ix.Docs() {
			if !ids[d.ID] {
				continue
			}
			found++
			meta := fmt.Sprintf(" · %s · %d chunks", d.Format, d.Chunks)
			if d.Pages > 0 {
				meta += fmt.Sprintf(" · %d pages", d.Pages)
			}
			out = append(out, block{spans: []span{{"", "«"}, {"b", nonEmpty(d.Title, d.ID)}, {"", "»" + meta}}, tight: true})
			for _, w := range d.Warnings {
				out = append(out, block{spans: []span{{"i", "⚠ " + w}}, tight: true})
			}
		}
		for _, s := range ix.Skipped() {
			if s.Path == name {
				out = append(out, block{spans: []span{{"i", "⚠ the loader skipped it: " + s.Reason}}, tight: true})
			}
		}
	}
	if found == 0 {
		out = append(out, block{spans: []span{{"i", "It is stored but not in the index; see /sources."}}, tight: true})
	}
	out = append(out, block{spans: []span{{"", "Index: " + summary}}, tight: true})
	return out
}

// writeAtomic writes dir/name through a hidden temporary file and a rename,
// so a reload never sees half a file.
func writeAtomic(dir, name string, raw []byte) error {
	f, err := os.CreateTemp(dir, ".upload-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(raw)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(dir, name))
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}
