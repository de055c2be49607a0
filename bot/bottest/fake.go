// Package bottest is a fake Telegram Bot API for tests: an httptest server
// that speaks the methods policybot uses, queues updates for getUpdates
// (kept until a later getUpdates confirms them with its offset, as Telegram
// does, so a bot that dies before confirming gets them again),
// records every call for the test to wait on, serves file downloads, and
// can answer with 429s, 5xx errors or "method not found", fail a method
// until told otherwise, or revoke the token.
package bottest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
	"unicode/utf16"
)

// WaitTimeout bounds how long Next waits for a call before failing the test.
var WaitTimeout = 30 * time.Second

// User is a Telegram user.
type User struct {
	ID        int64
	FirstName string
	Username  string
	IsBot     bool
}

// Chat is a Telegram chat.
type Chat struct {
	ID    int64
	Type  string // private, group, supergroup
	Title string
}

// PrivateChat is the private chat with u.
func PrivateChat(u User) Chat { return Chat{ID: u.ID, Type: "private"} }

// Document is a file attached to a message.
type Document struct {
	Name string
	Data []byte
	Size int64 // reported size; default len(Data)
}

// Message is an incoming message to queue.
type Message struct {
	Chat Chat
	From User
	Text string
	// ReplyTo is the id of a message of the bot this one replies to.
	ReplyTo  int
	Document *Document
	Caption  string
}

// Failure is an error reply for the next call of a method.
type Failure struct {
	Status      int // HTTP and Bot API error code, e.g. 429, 502
	RetryAfter  int
	Description string
	// HTML answers with an HTML body, as a reverse proxy does.
	HTML bool
}

// Call is one recorded Bot API request.
type Call struct {
	Method string
	Form   map[string]string
	// Status is the error code the fake answered with, 0 for success.
	Status int
	// ID is the message id the fake gave a sent message.
	ID int
}

// Text is the text field of the call.
func (c Call) Text() string { return c.Form["text"] }

// ChatID is the chat_id field of the call.
func (c Call) ChatID() int64 {
	id, _ := strconv.ParseInt(c.Form["chat_id"], 10, 64)
	return id
}

// ReplyTo is the message id of reply_parameters, or 0.
func (c Call) ReplyTo() int {
	var rp struct {
		MessageID int `json:"message_id"`
	}
	if s := c.Form["reply_parameters"]; s != "" {
		if err := json.Unmarshal([]byte(s), &rp); err != nil {
			return -1
		}
	}
	return rp.MessageID
}

// Button is an inline keyboard button.
type Button struct {
	Text string `json:"text"`
	Data string `json:"callback_data"`
}

// Buttons lists the inline keyboard buttons of the call, row by row.
func (c Call) Buttons() []Button {
	var kb struct {
		Rows [][]Button `json:"inline_keyboard"`
	}
	if s := c.Form["reply_markup"]; s != "" {
		if err := json.Unmarshal([]byte(s), &kb); err != nil {
			return nil
		}
	}
	var out []Button
	for _, r := range kb.Rows {
		out = append(out, r...)
	}
	return out
}

// Server is the fake Bot API.
type Server struct {
	URL   string
	Token string
	Bot   User

	t       testing.TB
	srv     *httptest.Server
	closed  chan struct{}
	revoked chan struct{}
	revoke  sync.Once

	mu       sync.Mutex
	queue    []queued      // updates not yet confirmed, in order
	arrived  chan struct{} // closed when an update is queued
	nextUpd  int
	nextMsg  int
	calls    map[string]chan Call
	count    map[string]int
	failures map[string][]Failure
	down     map[string]Failure
	missing  map[string]bool
	files    map[string]Document
	members  map[[2]int64]string
	chats    map[int64]Chat
}

// New starts a fake Bot API for a bot with the given token and username.
func New(t testing.TB, token, username string) *Server {
	s := &Server{
		Token:    token,
		Bot:      User{ID: 999000111, FirstName: "Policy Bot", Username: username, IsBot: true},
		t:        t,
		closed:   make(chan struct{}),
		arrived:  make(chan struct{}),
		revoked:  make(chan struct{}),
		nextMsg:  1000,
		calls:    make(map[string]chan Call),
		count:    make(map[string]int),
		failures: make(map[string][]Failure),
		down:     make(map[string]Failure),
		missing:  make(map[string]bool),
		files:    make(map[string]Document),
		members:  make(map[[2]int64]string),
		chats:    make(map[int64]Chat),
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	t.Cleanup(s.Close)
	return s
}

// Close stops the server; long polls in progress return.
func (s *Server) Close() {
	select {
	case <-s.closed:
		return
	default:
	}
	close(s.closed)
	s.srv.Close()
}

func (s *Server) ch(method string) chan Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.calls[method]
	if c == nil {
		c = make(chan Call, 10000)
		s.calls[method] = c
	}
	return c
}

// Next waits for the next call of method and returns it.
func (s *Server) Next(t testing.TB, method string) Call {
	t.Helper()
	select {
	case c := <-s.ch(method):
		return c
	case <-time.After(WaitTimeout):
		t.Fatalf("fake Bot API: no %s call within %s", method, WaitTimeout)
		return Call{}
	}
}

// NextMatching waits for a call of method for which ok is true, skipping
// others.
func (s *Server) NextMatching(t testing.TB, method string, ok func(Call) bool) Call {
	t.Helper()
	deadline := time.After(WaitTimeout)
	for {
		select {
		case c := <-s.ch(method):
			if ok(c) {
				return c
			}
		case <-deadline:
			t.Fatalf("fake Bot API: no matching %s call within %s", method, WaitTimeout)
			return Call{}
		}
	}
}

// Pending returns the calls of method recorded and not yet taken by Next.
func (s *Server) Pending(method string) []Call {
	c := s.ch(method)
	var out []Call
	for {
		select {
		case x := <-c:
			out = append(out, x)
		default:
			return out
		}
	}
}

// Count is how many calls of method the server has seen.
func (s *Server) Count(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.count[method]
}

// Fail makes the next call of method fail with f (queued in order).
func (s *Server) Fail(method string, f Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures[method] = append(s.failures[method], f)
}

// Down makes every call of method fail with f, after any failures queued
// with Fail, until Up.
func (s *Server) Down(method string, f Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.down[method] = f
}

// Up ends Down for method.
func (s *Server) Up(method string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.down, method)
}

// Revoke makes the server refuse the bot's token from now on, as Telegram
// does after /revoke in @BotFather: every call, a long poll in progress
// included, gets 401 Unauthorized.
func (s *Server) Revoke() { s.revoke.Do(func() { close(s.revoked) }) }

func (s *Server) isRevoked() bool {
	select {
	case <-s.revoked:
		return true
	default:
		return false
	}
}

// Missing makes the server answer 404 Not Found for method.
func (s *Server) Missing(method string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.missing[method] = true
}

// SetMember sets a user's status in a chat for getChatMember
// (creator, administrator, member…); the default is member.
func (s *Server) SetMember(chat, user int64, status string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.members[[2]int64{chat, user}] = status
}

// Send queues an incoming message and returns its message id.
func (s *Server) Send(m Message) int {
	s.mu.Lock()
	s.nextMsg++
	id := s.nextMsg
	s.nextUpd++
	upd := s.nextUpd
	s.chats[m.Chat.ID] = m.Chat
	msg := s.messageJSON(id, m)
	s.mu.Unlock()
	s.push(upd, map[string]any{"update_id": upd, "message": msg})
	return id
}

// UpdateJSON is the JSON of an update carrying m, for posting to a webhook.
func (s *Server) UpdateJSON(m Message) []byte {
	s.mu.Lock()
	s.nextMsg++
	s.nextUpd++
	s.chats[m.Chat.ID] = m.Chat
	raw, err := json.Marshal(map[string]any{"update_id": s.nextUpd, "message": s.messageJSON(s.nextMsg, m)})
	s.mu.Unlock()
	if err != nil {
		s.t.Errorf("fake Bot API: %v", err)
	}
	return raw
}

// Click queues a callback query: from pressed the button with data under
// the bot's message msgID in chat. It returns the callback query id.
func (s *Server) Click(from User, chat Chat, msgID int, data string) string {
	s.mu.Lock()
	s.nextUpd++
	upd := s.nextUpd
	s.mu.Unlock()
	id := fmt.Sprintf("cq%d", upd)
	s.push(upd, map[string]any{"update_id": upd, "callback_query": map[string]any{
		"id": id, "from": userJSON(from), "chat_instance": "ci", "data": data,
		"message": map[string]any{"message_id": msgID, "date": time.Now().Unix(), "chat": chatJSON(chat), "from": userJSON(s.Bot), "text": "answer"},
	}})
	return id
}

// queued is an update waiting to be confirmed.
type queued struct {
	id  int
	raw json.RawMessage
}

func (s *Server) push(id int, v any) {
	raw, err := json.Marshal(v)
	if err != nil {
		s.t.Errorf("fake Bot API: %v", err)
		return
	}
	s.mu.Lock()
	s.queue = append(s.queue, queued{id, raw})
	close(s.arrived)
	s.arrived = make(chan struct{})
	s.mu.Unlock()
}

func userJSON(u User) map[string]any {
	m := map[string]any{"id": u.ID, "is_bot": u.IsBot, "first_name": nonEmpty(u.FirstName, "User")}
	if u.Username != "" {
		m["username"] = u.Username
	}
	return m
}

func chatJSON(c Chat) map[string]any {
	m := map[string]any{"id": c.ID, "type": c.Type}
	if c.Title != "" {
		m["title"] = c.Title
	}
	return m
}

func nonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// messageJSON builds a message; s.mu is held.
func (s *Server) messageJSON(id int, m Message) map[string]any {
	msg := map[string]any{"message_id": id, "date": time.Now().Unix(), "chat": chatJSON(m.Chat), "from": userJSON(m.From)}
	if m.Text != "" {
		msg["text"] = m.Text
		if e := Entities(m.Text); len(e) > 0 {
			msg["entities"] = e
		}
	}
	if m.ReplyTo != 0 {
		msg["reply_to_message"] = map[string]any{"message_id": m.ReplyTo, "date": time.Now().Unix(), "chat": chatJSON(m.Chat), "from": userJSON(s.Bot), "text": "earlier answer"}
	}
	if d := m.Document; d != nil {
		fid := fmt.Sprintf("file%d", id)
		s.files[fid] = *d
		size := d.Size
		if size == 0 {
			size = int64(len(d.Data))
		}
		msg["document"] = map[string]any{"file_id": fid, "file_unique_id": "u" + fid, "file_name": d.Name, "file_size": size}
		if m.Caption != "" {
			msg["caption"] = m.Caption
			if e := Entities(m.Caption); len(e) > 0 {
				msg["caption_entities"] = e
			}
		}
	}
	return msg
}

// Entity is a message entity as Telegram sends it.
type Entity struct {
	Type   string `json:"type"`
	Offset int    `json:"offset"`
	Length int    `json:"length"`
}

// Entities finds bot commands (/cmd, /cmd@bot) and @mentions in text the
// way Telegram reports them: offsets and lengths in UTF-16 code units.
func Entities(text string) []Entity {
	var out []Entity
	rs := []rune(text)
	off := 0 // UTF-16 offset of rs[i]
	for i := 0; i < len(rs); {
		r := rs[i]
		start := i == 0 || unicode.IsSpace(rs[i-1])
		if (r == '/' || r == '@') && start {
			j := i + 1
			for j < len(rs) && (isWord(rs[j]) || (r == '/' && rs[j] == '@')) {
				j++
			}
			if j > i+1 {
				n := len(utf16.Encode(rs[i:j]))
				typ := "bot_command"
				if r == '@' {
					typ = "mention"
				}
				out = append(out, Entity{Type: typ, Offset: off, Length: n})
				off += n
				i = j
				continue
			}
		}
		off += len(utf16.Encode([]rune{r}))
		i++
	}
	return out
}

func isWord(r rune) bool { return r == '_' || r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)) }

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if rest, ok := strings.CutPrefix(r.URL.Path, "/file/bot"+s.Token+"/"); ok {
		s.serveFile(w, rest)
		return
	}
	tail, ok := strings.CutPrefix(r.URL.Path, "/bot")
	token, method, ok2 := strings.Cut(tail, "/")
	if !ok || !ok2 {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodPost {
		s.t.Errorf("fake Bot API: %s %s, want POST", r.Method, method)
	}
	if token != s.Token || s.isRevoked() {
		writeUnauthorized(w)
		return
	}
	form := map[string]string{}
	if r.ContentLength != 0 {
		if err := r.ParseMultipartForm(32 << 20); err == nil {
			for k, v := range r.MultipartForm.Value {
				form[k] = v[0]
			}
		}
	}
	if method == "getUpdates" {
		s.mu.Lock()
		s.count[method]++
		s.mu.Unlock()
		s.getUpdates(w, r, form)
		return
	}
	call := Call{Method: method, Form: form}
	s.mu.Lock()
	s.count[method]++
	var fail *Failure
	if q := s.failures[method]; len(q) > 0 {
		fail = &q[0]
		s.failures[method] = q[1:]
	} else if f, ok := s.down[method]; ok {
		fail = &f
	}
	missing := s.missing[method]
	s.mu.Unlock()
	switch {
	case missing:
		call.Status = 404
		s.record(call)
		writeJSON(w, http.StatusNotFound, map[string]any{"ok": false, "error_code": 404, "description": "Not Found"})
		return
	case fail != nil:
		call.Status = fail.Status
		s.record(call)
		if fail.HTML {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(fail.Status)
			fmt.Fprintf(w, "<html><body><h1>%d</h1></body></html>", fail.Status)
			return
		}
		body := map[string]any{"ok": false, "error_code": fail.Status, "description": nonEmpty(fail.Description, http.StatusText(fail.Status))}
		if fail.RetryAfter > 0 {
			body["parameters"] = map[string]any{"retry_after": fail.RetryAfter}
		}
		writeJSON(w, fail.Status, body)
		return
	}
	result := s.result(&call)
	s.record(call)
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "result": result})
}

func (s *Server) record(c Call) {
	select {
	case s.ch(c.Method) <- c:
	default:
		s.t.Errorf("fake Bot API: too many unread %s calls", c.Method)
	}
}

// result is the successful reply to a call.
func (s *Server) result(c *Call) any {
	s.mu.Lock()
	defer s.mu.Unlock()
	chatID, _ := strconv.ParseInt(c.Form["chat_id"], 10, 64)
	chat := s.chats[chatID]
	if chat.ID == 0 {
		chat = Chat{ID: chatID, Type: "private"}
	}
	switch c.Method {
	case "getMe":
		u := userJSON(s.Bot)
		u["can_join_groups"] = true
		return u
	case "sendMessage":
		s.nextMsg++
		c.ID = s.nextMsg
		return map[string]any{"message_id": c.ID, "date": time.Now().Unix(), "chat": chatJSON(chat), "from": userJSON(s.Bot), "text": c.Form["text"]}
	case "editMessageText":
		c.ID, _ = strconv.Atoi(c.Form["message_id"])
		return map[string]any{"message_id": c.ID, "date": time.Now().Unix(), "chat": chatJSON(chat), "from": userJSON(s.Bot), "text": c.Form["text"]}
	case "getChatMember":
		user, _ := strconv.ParseInt(c.Form["user_id"], 10, 64)
		status := s.members[[2]int64{chatID, user}]
		if status == "" {
			status = "member"
		}
		return map[string]any{"status": status, "user": userJSON(User{ID: user})}
	case "getFile":
		fid := c.Form["file_id"]
		d, ok := s.files[fid]
		if !ok {
			s.t.Errorf("fake Bot API: getFile for unknown file %q", fid)
		}
		size := d.Size
		if size == 0 {
			size = int64(len(d.Data))
		}
		return map[string]any{"file_id": fid, "file_unique_id": "u" + fid, "file_size": size, "file_path": "documents/" + fid + ".bin"}
	default: // sendChatAction, answerCallbackQuery, setMyCommands, deleteWebhook, setWebhook
		return true
	}
}

func (s *Server) serveFile(w http.ResponseWriter, p string) {
	fid := strings.TrimSuffix(strings.TrimPrefix(p, "documents/"), ".bin")
	s.mu.Lock()
	d, ok := s.files[fid]
	s.count["download"]++
	s.mu.Unlock()
	if !ok {
		http.NotFound(w, nil)
		return
	}
	w.Write(d.Data)
}

// getUpdates answers as Telegram does: an offset confirms (and drops)
// every update before it; the rest, up to limit, are returned, waiting up to
// timeout seconds for one to arrive.
func (s *Server) getUpdates(w http.ResponseWriter, r *http.Request, form map[string]string) {
	wait := 50 * time.Second
	if n, err := strconv.Atoi(form["timeout"]); err == nil && n > 0 {
		wait = time.Duration(n) * time.Second
	}
	limit := 100
	if n, err := strconv.Atoi(form["limit"]); err == nil && n > 0 && n < limit {
		limit = n
	}
	offset, _ := strconv.Atoi(form["offset"])
	timeout := time.NewTimer(wait)
	defer timeout.Stop()
	for {
		s.mu.Lock()
		for len(s.queue) > 0 && s.queue[0].id < offset {
			s.queue = s.queue[1:]
		}
		batch := make([]json.RawMessage, 0, min(limit, len(s.queue)))
		for _, q := range s.queue[:min(limit, len(s.queue))] {
			batch = append(batch, q.raw)
		}
		arrived := s.arrived
		s.mu.Unlock()
		if len(batch) > 0 {
			writeJSON(w, http.StatusOK, map[string]any{"ok": true, "result": batch})
			return
		}
		select {
		case <-arrived:
			continue
		case <-r.Context().Done():
			return
		case <-s.revoked:
			writeUnauthorized(w)
			return
		case <-s.closed:
		case <-timeout.C:
		}
		writeJSON(w, http.StatusOK, map[string]any{"ok": true, "result": batch})
		return
	}
}

func writeUnauthorized(w http.ResponseWriter) {
	writeJSON(w, http.StatusUnauthorized, map[string]any{"ok": false, "error_code": 401, "description": "Unauthorized"})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
