package bot

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"unicode/utf16"

	"github.com/go-telegram/bot/models"
)

// entityText returns the part of text an entity covers. Telegram counts
// entity offsets and lengths in UTF-16 code units.
func entityText(u []uint16, off, length int) (string, bool) {
	if off < 0 || length < 0 || off+length > len(u) {
		return "", false
	}
	return string(utf16.Decode(u[off : off+length])), true
}

// command is a bot command found in a message.
type command struct {
	name string // without the slash, lowercased
	args string
}

// parseCommand finds the command a message gives this bot: a bot_command
// entity at the start of the text, or anywhere when it names this bot
// (/ask@BotName). A command for another bot is reported as foreign.
func parseCommand(text string, ents []models.MessageEntity, me string) (cmd command, foreign bool) {
	u := utf16.Encode([]rune(text))
	for _, e := range ents {
		if e.Type != models.MessageEntityTypeBotCommand {
			continue
		}
		raw, ok := entityText(u, e.Offset, e.Length)
		if !ok || !strings.HasPrefix(raw, "/") {
			continue
		}
		name, target, addressed := strings.Cut(raw[1:], "@")
		if addressed && !strings.EqualFold(target, me) {
			if e.Offset == 0 {
				return command{}, true
			}
			continue
		}
		if e.Offset != 0 && !addressed {
			continue
		}
		rest := string(utf16.Decode(u[e.Offset+e.Length:]))
		return command{name: strings.ToLower(name), args: strings.TrimSpace(rest)}, false
	}
	return command{}, false
}

// mentions reports whether the entities mention the bot (@name or a
// text_mention of its user id), and returns the text with those mentions
// taken out.
func mentions(text string, ents []models.MessageEntity, me string, id int64) (bool, string) {
	u := utf16.Encode([]rune(text))
	var cut [][2]int
	for _, e := range ents {
		switch e.Type {
		case models.MessageEntityTypeMention:
			s, ok := entityText(u, e.Offset, e.Length)
			if ok && strings.EqualFold(s, "@"+me) {
				cut = append(cut, [2]int{e.Offset, e.Offset + e.Length})
			}
		case models.MessageEntityTypeTextMention:
			if e.User != nil && e.User.ID == id {
				if _, ok := entityText(u, e.Offset, e.Length); ok {
					cut = append(cut, [2]int{e.Offset, e.Offset + e.Length})
				}
			}
		}
	}
	if len(cut) == 0 {
		return false, text
	}
	var out []uint16
	prev := 0
	for _, c := range cut {
		if c[0] < prev {
			continue
		}
		out = append(out, u[prev:c[0]]...)
		out = append(out, ' ')
		prev = c[1]
	}
	out = append(out, u[prev:]...)
	return true, strings.Join(strings.Fields(string(utf16.Decode(out))), " ")
}

// onMessage decides whether and how to answer a message.
func (b *Bot) onMessage(ctx context.Context, log *slog.Logger, m *models.Message) {
	if m.From == nil || m.From.IsBot {
		return
	}
	if m.Chat.Type == models.ChatTypeChannel || !b.allowed(log, m.Chat, m.From.ID) {
		return
	}
	private := m.Chat.Type == models.ChatTypePrivate
	text, ents := m.Text, m.Entities
	if m.Document != nil {
		text, ents = m.Caption, m.CaptionEntities
	}
	cmd, foreign := parseCommand(text, ents, b.name)
	if foreign {
		return
	}
	if m.Document != nil {
		if private || cmd.name == "add" {
			b.onUpload(ctx, log, m, cmd)
		}
		return
	}
	switch cmd.name {
	case "":
	case "start", "help":
		b.reply(ctx, log, m.Chat.ID, m.ID, helpBlocks(b.name, b.opts.RatePerMinute))
		return
	case "ask":
		if cmd.args == "" {
			b.say(ctx, log, m.Chat.ID, m.ID, "Ask a question after the command, e.g. /ask 上海承担了多少个国际标准化技术组织秘书处？")
			return
		}
		b.ask(ctx, log, m, cmd.args, "ask")
		return
	case "search":
		b.search(ctx, log, m, cmd.args)
		return
	case "sources":
		b.reply(ctx, log, m.Chat.ID, m.ID, sourcesBlocks(b.kb.Status()))
		return
	case "reload", "stats", "remove", "add":
		b.admin(ctx, log, m, cmd)
		return
	default:
		if private {
			b.say(ctx, log, m.Chat.ID, m.ID, fmt.Sprintf("I don't know /%s. Send /help for what I can do.", cmd.name))
		}
		return
	}
	if strings.TrimSpace(text) == "" {
		return
	}
	replyToMe := m.ReplyToMessage != nil && m.ReplyToMessage.From != nil && m.ReplyToMessage.From.ID == b.id
	if private {
		via := "private"
		if replyToMe {
			via = "reply"
		}
		b.ask(ctx, log, m, text, via)
		return
	}
	mentioned, question := mentions(text, ents, b.name, b.id)
	switch {
	case mentioned && question == "":
		b.say(ctx, log, m.Chat.ID, m.ID, "Yes? Ask me a question after the mention, or send /help.")
	case mentioned:
		via := "mention"
		if replyToMe {
			via = "reply"
		}
		b.ask(ctx, log, m, question, via)
	case replyToMe:
		b.ask(ctx, log, m, question, "reply")
	}
}

// helpBlocks explains when the bot speaks, its commands and privacy mode.
func helpBlocks(name string, rate int) []block {
	bl := func(s ...span) block { return block{spans: s} }
	out := []block{
		bl(span{"b", "policybot"}, span{"", " answers questions about the policy documents in its knowledge base, quoting them and citing each source [n]. It declines rather than guess when the documents do not say."}),
		bl(span{"b", "How to ask"}),
		{spans: []span{{"", "• In a private chat: just send your question."}}, tight: true},
		{spans: []span{{"", "• In a group: mention @" + name + " with your question, reply to one of my messages, or use /ask your question."}}, tight: true},
		{spans: []span{{"", "• Reply to one of my answers to ask a follow-up (e.g. 那全国标委会呢？): I read it with the question that answer was for, and with your earlier questions when you keep replying in your own thread."}}, tight: true},
		bl(span{"b", "Commands"}),
		{spans: []span{{"", "/ask QUESTION: an answer with cited sources\n/search QUESTION: the best-matching passages, no answer\n/sources: the documents I know\n/help: this message"}}, tight: true},
		{spans: []span{{"i", "Admins: /reload, /stats, /remove NAME, and sending a document (in a group with the caption /add; /add replace overwrites a file of the same name)."}}, tight: true},
		bl(span{"b", "Privacy mode"}),
		{spans: []span{{"", "Telegram gives bots privacy mode in groups by default. With it on, I see commands and replies to my messages, but a plain @mention may not reach me. If mentions go unanswered, use /ask or reply to me, or ask the group owner to make me a group admin, or the bot's owner to turn privacy mode off in @BotFather (/setprivacy → Disable)."}}, tight: true},
		bl(span{"", "Rate my answers with 👍 or 👎: reviewers read them to improve the knowledge base."}),
	}
	if rate > 0 {
		out = append(out, block{spans: []span{{"i", fmt.Sprintf("Each person can ask %d questions a minute.", rate)}}, tight: true})
	}
	return out
}
