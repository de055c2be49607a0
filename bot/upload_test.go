package bot

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/policybot/policybot/bot/bottest"
)

const uploadDoc = "# 苏州市数据要素行动方案\n\n2025年1月2日\n\n苏州市计划建设8个数据要素产业园。\n"

func TestUpload(t *testing.T) {
	docs := copySeeds(t)
	h := start(t, seedEngine(t, docs), func(o *Options, _ *bottest.Server) { o.MaxUploadBytes = 1 << 20 })
	adminChat := bottest.PrivateChat(admin)
	tests := []struct {
		name     string
		chat     bottest.Chat
		from     bottest.User
		doc      bottest.Document
		caption  string
		want     []string
		stored   string // file expected in docs afterwards, with uploadDoc
		download bool
	}{
		{name: "admin in private", chat: adminChat, from: admin, doc: bottest.Document{Name: "suzhou.md", Data: []byte(uploadDoc)},
			want: []string{"Added", "suzhou.md", "苏州市数据要素行动方案", "1 chunks", "1 added"}, stored: "suzhou.md", download: true},
		{name: "same file again", chat: adminChat, from: admin, doc: bottest.Document{Name: "suzhou.md", Data: []byte(uploadDoc)},
			want: []string{"exactly this content"}, download: true},
		{name: "different file, same name", chat: adminChat, from: admin, doc: bottest.Document{Name: "suzhou.md", Data: []byte(uploadDoc + "补充。\n")},
			want: []string{"/add replace"}, download: true},
		{name: "replace in a group", chat: group, from: admin, caption: "/add@policybot replace", doc: bottest.Document{Name: "suzhou.md", Data: []byte(uploadDoc + "补充。\n")},
			want: []string{"Replaced", "1 changed"}, download: true},
		{name: "path traversal", chat: adminChat, from: admin, doc: bottest.Document{Name: "../../outside.md", Data: []byte(uploadDoc)},
			want: []string{"Added", "outside.md"}, stored: "outside.md", download: true},
		{name: "hidden file", chat: adminChat, from: admin, doc: bottest.Document{Name: ".secret.md", Data: []byte(uploadDoc)},
			want: []string{"Added", "secret.md"}, stored: "secret.md", download: true},
		{name: "non-admin", chat: bottest.PrivateChat(staff), from: staff, doc: bottest.Document{Name: "x.md", Data: []byte(uploadDoc)},
			want: []string{"only admins"}},
		{name: "non-admin in group", chat: group, from: staff, caption: "/add", doc: bottest.Document{Name: "x.md", Data: []byte(uploadDoc)},
			want: []string{"only admins"}},
		{name: "unsupported type", chat: adminChat, from: admin, doc: bottest.Document{Name: "tool.exe", Data: []byte("MZ")},
			want: []string{"unsupported file type"}},
		{name: "too large", chat: adminChat, from: admin, doc: bottest.Document{Name: "big.txt", Data: []byte("x"), Size: 5 << 20},
			want: []string{"the limit is 1 MB"}},
		{name: "unreadable", chat: adminChat, from: admin, doc: bottest.Document{Name: "broken.docx", Data: []byte("not a zip")},
			want: []string{"Could not read broken.docx", "Nothing was stored"}, download: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := h.fake.Count("getFile")
			id := h.fake.Send(bottest.Message{Chat: tc.chat, From: tc.from, Document: &tc.doc, Caption: tc.caption})
			got := h.replyTo(t, id).Text()
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("reply lacks %q:\n%s", w, got)
				}
			}
			if err := checkHTML(got); err != nil {
				t.Errorf("reply: %v", err)
			}
			if downloaded := h.fake.Count("getFile") > before; downloaded != tc.download {
				t.Errorf("downloaded = %v, want %v", downloaded, tc.download)
			}
			if tc.stored != "" {
				raw, err := os.ReadFile(filepath.Join(docs, tc.stored))
				if err != nil || string(raw) != string(tc.doc.Data) {
					t.Errorf("stored %s = %q, %v", tc.stored, raw, err)
				}
			}
		})
	}
	// Nothing escaped the folder, and no hidden or temporary file is left.
	if _, err := os.Stat(filepath.Join(filepath.Dir(filepath.Dir(docs)), "outside.md")); err == nil {
		t.Errorf("an upload escaped the knowledge folder")
	}
	entries, _ := os.ReadDir(docs)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") || e.Name() == "x.md" || e.Name() == "broken.docx" || e.Name() == "tool.exe" {
			t.Errorf("unexpected file in the knowledge folder: %s", e.Name())
		}
	}
	q := h.fake.Send(bottest.Message{Chat: group, From: staff, Text: "@policybot 苏州市计划建设多少个数据要素产业园？"})
	if got := h.replyTo(t, q).Text(); !strings.Contains(got, "8个") {
		t.Errorf("answer from the uploaded document = %q", got)
	}
}

func TestUploadWithoutDocsDir(t *testing.T) {
	h := start(t, seedEngine(t, ""), nil)
	id := h.fake.Send(bottest.Message{Chat: bottest.PrivateChat(admin), From: admin, Document: &bottest.Document{Name: "a.md", Data: []byte(uploadDoc)}})
	if got := h.replyTo(t, id).Text(); !strings.Contains(got, "docs_dir") || !strings.Contains(got, "seed") {
		t.Errorf("upload without a knowledge folder = %q, want a hint to set docs_dir", got)
	}
	id = h.fake.Send(bottest.Message{Chat: bottest.PrivateChat(admin), From: admin, Text: "/remove 001_9709453190b7982c.txt"})
	if got := h.replyTo(t, id).Text(); !strings.Contains(got, "docs_dir") {
		t.Errorf("/remove without a knowledge folder = %q", got)
	}
}

func TestRemoveWithConfirm(t *testing.T) {
	docs := copySeeds(t)
	h := start(t, seedEngine(t, docs), nil)
	const name = "001_9709453190b7982c.txt"
	chat := bottest.PrivateChat(admin)

	id := h.fake.Send(bottest.Message{Chat: group, From: staff, Text: "/remove " + name})
	if got := h.replyTo(t, id).Text(); !strings.Contains(got, "admins only") {
		t.Errorf("non-admin /remove = %q", got)
	}
	for _, bad := range []string{"../etc/passwd", ".hidden", "nope.txt"} {
		id = h.fake.Send(bottest.Message{Chat: chat, From: admin, Text: "/remove " + bad})
		if got := h.replyTo(t, id).Text(); !strings.Contains(got, "not a file name") && !strings.Contains(got, "no file") {
			t.Errorf("/remove %s = %q, want a refusal", bad, got)
		}
	}

	// Cancel first, then confirm.
	id = h.fake.Send(bottest.Message{Chat: chat, From: admin, Text: "/remove " + name})
	ask := h.replyTo(t, id)
	b := ask.Buttons()
	if len(b) != 2 || !strings.HasPrefix(b[0].Data, "rm:yes:") || !strings.Contains(ask.Text(), "chunks") {
		t.Fatalf("confirmation = %q %+v", ask.Text(), b)
	}
	h.fake.Click(admin, chat, ask.ID, b[1].Data)
	h.fake.Next(t, "answerCallbackQuery")
	if e := h.fake.Next(t, "editMessageText"); !strings.Contains(e.Text(), "Cancelled") {
		t.Errorf("cancel edit = %q", e.Text())
	}
	if _, err := os.Stat(filepath.Join(docs, name)); err != nil {
		t.Fatalf("cancel removed the file: %v", err)
	}

	id = h.fake.Send(bottest.Message{Chat: chat, From: admin, Text: "/remove " + name})
	ask = h.replyTo(t, id)
	yes := ask.Buttons()[0].Data
	h.fake.Click(staff, chat, ask.ID, yes) // someone else pressing it
	if a := h.fake.Next(t, "answerCallbackQuery"); !strings.Contains(a.Form["text"], "Only the admin") {
		t.Errorf("stranger's confirm answered %q", a.Form["text"])
	}
	h.fake.Click(admin, chat, ask.ID, yes)
	if a := h.fake.Next(t, "answerCallbackQuery"); a.Form["text"] != "Removed." {
		t.Errorf("confirm answered %q", a.Form["text"])
	}
	e := h.fake.Next(t, "editMessageText")
	if !strings.Contains(e.Text(), "Removed") || !strings.Contains(e.Text(), "1 removed") {
		t.Errorf("removal report = %q", e.Text())
	}
	if _, err := os.Stat(filepath.Join(docs, name)); err == nil {
		t.Errorf("file still in the knowledge folder")
	}
	h.fake.Click(admin, chat, ask.ID, yes) // a second press
	if a := h.fake.Next(t, "answerCallbackQuery"); !strings.Contains(a.Form["text"], "expired") {
		t.Errorf("second confirm answered %q", a.Form["text"])
	}
	id = h.fake.Send(bottest.Message{Chat: chat, From: admin, Text: "/sources"})
	if got := h.replyTo(t, id).Text(); strings.Contains(got, name) || !strings.Contains(got, "4 documents") {
		t.Errorf("/sources after removal = %q", got)
	}
}
