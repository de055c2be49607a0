// Package answerlog is the reviewers' record of what the bot was asked and
// what it answered: one JSON line per question, feedback lines that refer to
// an answer by its record id, a size-rotated writer, and a reader that turns
// the log back into a report (text or self-contained HTML).
package answerlog

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Kinds of log line.
const (
	KindAnswer   = "answer"
	KindFeedback = "feedback"
)

// Vote is an asker's judgement of an answer.
type Vote string

const (
	VoteUp   Vote = "up"
	VoteDown Vote = "down"
)

// Chat is where a question was asked.
type Chat struct {
	ID    int64  `json:"id"`
	Type  string `json:"type"`
	Title string `json:"title,omitempty"`
}

// Chunk is a retrieved passage with its scores.
type Chunk struct {
	ID      string   `json:"id"`
	Doc     string   `json:"doc"`
	Title   string   `json:"title"`
	Section []string `json:"section,omitempty"`
	Page    int      `json:"page,omitempty"`
	Score   float64  `json:"score"`
	Lexical float64  `json:"lexical"`
	Vector  float64  `json:"vector"`
	Cited   bool     `json:"cited,omitempty"`
	// Excerpt is the start of the chunk's text, so reviewers can judge the
	// evidence without the index.
	Excerpt string `json:"excerpt"`
}

// Citation is a source the answer cites as [N].
type Citation struct {
	N     int    `json:"n"`
	Doc   string `json:"doc"`
	Title string `json:"title"`
	Chunk string `json:"chunk"`
	Page  int    `json:"page,omitempty"`
}

// Latency is the time spent per stage, in milliseconds.
type Latency struct {
	RetrieveMS float64 `json:"retrieve_ms"`
	AnswerMS   float64 `json:"answer_ms"`
	SendMS     float64 `json:"send_ms"`
	TotalMS    float64 `json:"total_ms"`
}

// Record is one question and the bot's answer.
type Record struct {
	Kind string    `json:"kind"`
	ID   string    `json:"id"`
	Time time.Time `json:"time"`
	Chat Chat      `json:"chat"`
	// Asker is the Telegram user id, or its keyed hash when configured.
	Asker string `json:"asker"`
	// Via says how the question reached the bot: private, mention, reply,
	// ask (the /ask command).
	Via      string `json:"via"`
	Question string `json:"question"`
	// FollowUpOf is the id of the answer record this question replies to,
	// when the reply resolved to one.
	FollowUpOf string `json:"follow_up_of,omitempty"`
	// Context is the thread's earlier questions the follow-up was resolved
	// with, oldest first.
	Context []string `json:"context,omitempty"`
	// Previous is the one earlier question logs before follow_up_of and
	// context recorded; it is read, never written.
	Previous         string     `json:"previous,omitempty"`
	Script           string     `json:"script"`
	Chunks           []Chunk    `json:"chunks"`
	Answer           string     `json:"answer"`
	Short            string     `json:"short,omitempty"`
	Answered         bool       `json:"answered"`
	Path             string     `json:"path"`
	Citations        []Citation `json:"citations,omitempty"`
	Model            string     `json:"model,omitempty"`
	PromptTokens     int        `json:"prompt_tokens,omitempty"`
	CompletionTokens int        `json:"completion_tokens,omitempty"`
	DroppedCitations []string   `json:"dropped_citations,omitempty"`
	Note             string     `json:"note,omitempty"`
	Latency          Latency    `json:"latency"`
	MessageIDs       []int      `json:"message_ids,omitempty"`
	// Error is set when no answer could be produced or sent.
	Error string `json:"error,omitempty"`
}

// Resolved returns the question as the bot understood it: the question,
// then the thread's earlier questions it continues, newest first
// ("那全国标委会秘书处呢？ ← 上海承担了多少个ISO/IEC秘书处？").
func (r Record) Resolved() string {
	return Resolve(r.Question, r.Thread())
}

// Thread is the record's earlier questions, oldest first (from Context,
// or Previous in old logs).
func (r Record) Thread() []string {
	if len(r.Context) > 0 {
		return r.Context
	}
	if r.Previous != "" {
		return []string{r.Previous}
	}
	return nil
}

// IsFollowUp reports whether the question was answered with a thread's
// context.
func (r Record) IsFollowUp() bool { return r.FollowUpOf != "" || len(r.Thread()) > 0 }

// Resolve joins a question and the earlier questions of its thread (oldest
// first) into one line, newest first after the question.
func Resolve(question string, context []string) string {
	parts := []string{strings.TrimSpace(question)}
	for i := len(context) - 1; i >= 0; i-- {
		parts = append(parts, strings.TrimSpace(context[i]))
	}
	return strings.Join(parts, " ← ")
}

// Feedback is a vote on an answer. An asker's latest vote on a record wins.
type Feedback struct {
	Kind   string    `json:"kind"`
	Time   time.Time `json:"time"`
	Record string    `json:"record"`
	Chat   int64     `json:"chat"`
	Asker  string    `json:"asker"`
	Vote   Vote      `json:"vote"`
}

// NewID returns a fresh record id: short enough for Telegram's 64-byte
// callback data.
func NewID() string {
	var b [9]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return hex.EncodeToString(b[:])
}

// Askers turns Telegram user ids into the form stored in logs: the id
// itself, or an HMAC-SHA256 of it under a key, so that reviewers can group
// an asker's questions without learning who asked.
type Askers struct {
	key []byte
}

// NewAskers returns an Askers that hashes ids with key, or keeps them
// readable when key is empty.
func NewAskers(key string) Askers { return Askers{key: []byte(key)} }

// ID returns the logged form of a user id.
func (a Askers) ID(user int64) string {
	id := strconv.FormatInt(user, 10)
	if len(a.key) == 0 {
		return id
	}
	m := hmac.New(sha256.New, a.key)
	m.Write([]byte(id))
	return "h:" + hex.EncodeToString(m.Sum(nil)[:10])
}

// FileName is the name of the live log file; rotations are
// answers.1.jsonl (newest) to answers.N.jsonl (oldest).
const FileName = "answers.jsonl"

func rotatedName(i int) string { return fmt.Sprintf("answers.%d.jsonl", i) }

// Writer appends JSON lines to dir/answers.jsonl and rotates the file when
// it would grow past MaxBytes, keeping MaxFiles files in all (the live one
// and MaxFiles-1 rotations). It is safe for concurrent use: each record is
// one Write of one whole line, under a lock.
//
// The rotation is our own rather than gopkg.in/natefinch/lumberjack.v2.
// Lumberjack's reader side could be handled (its backups are
// answers-<UTC time>.jsonl, which Files could sort by time), but its writer
// does not meet what the log needs:
//   - when the rename to the backup name fails, Write returns 0 and an error,
//     and so does every later Write, which retries the same rename: records
//     are lost until the cause goes away (checked with v2.2.1);
//   - it prunes and compresses in a goroutine that Close does not stop, so
//     pruning is not done when Write returns and the goroutine has no owner;
//   - MaxSize is whole megabytes, and MaxBackups 0 means "keep all", so
//     max_files 1 (only the live file) cannot be said;
//   - its backup names are not the answers.N.jsonl files already on disk,
//     which it would never prune.
//
// A rotation that fails here leaves the live file open (or reopens it) and
// the record is appended to it; the next Append that finds the file too big
// tries again. Nothing is deleted unless a slot is needed.
type Writer struct {
	dir      string
	maxBytes int64
	maxFiles int
	// rename and remove are os.Rename and os.Remove; tests replace them to
	// make a rotation fail.
	rename func(oldpath, newpath string) error
	remove func(name string) error

	mu     sync.Mutex
	f      *os.File // nil after a failed reopen; the next Append retries
	size   int64
	torn   bool // the last write was cut short: start the next on a new line
	closed bool
}

// Open opens (creating) the log in dir.
func Open(dir string, maxBytes int64, maxFiles int) (*Writer, error) {
	if maxBytes < 1 || maxFiles < 1 {
		return nil, errors.New("answer log: max size and file count must be ≥ 1")
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("answer log: %w", err)
	}
	w := &Writer{dir: dir, maxBytes: maxBytes, maxFiles: maxFiles, rename: os.Rename, remove: os.Remove}
	if err := w.open(); err != nil {
		return nil, fmt.Errorf("answer log: %w", err)
	}
	return w, nil
}

// Dir is the folder holding the log files.
func (w *Writer) Dir() string { return w.dir }

func (w *Writer) path(name string) string { return filepath.Join(w.dir, name) }

// open opens answers.jsonl for appending, creating it if need be.
func (w *Writer) open() error {
	f, err := os.OpenFile(w.path(FileName), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o640)
	if err != nil {
		return err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return err
	}
	w.f, w.size = f, st.Size()
	return nil
}

// Append writes v (a Record or Feedback) as one line. When the file is due
// for rotation and the rotation fails, the line is still appended to the
// live file and the rotation error is returned.
func (w *Writer) Append(v any) error {
	line, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("answer log: %w", err)
	}
	line = append(line, '\n')
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return errors.New("answer log: closed")
	}
	var rotErr error
	if w.f != nil && w.size > 0 && w.size+int64(len(line)) > w.maxBytes {
		rotErr = w.rotate()
	}
	if w.f == nil {
		// After a rotation this is the new file, or the old one when the
		// rename failed; after a failed reopen, a retry.
		if err := w.open(); err != nil {
			return fmt.Errorf("answer log: record lost: %w", errors.Join(rotErr, err))
		}
	}
	if w.torn && w.size > 0 {
		line = append([]byte{'\n'}, line...)
	}
	n, err := w.f.Write(line)
	w.size += int64(n)
	w.torn = err != nil && n > 0
	if err != nil {
		return fmt.Errorf("answer log: %w", errors.Join(rotErr, err))
	}
	if rotErr != nil {
		return fmt.Errorf("answer log: rotation failed, record kept in %s: %w", FileName, rotErr)
	}
	return nil
}

// rotate moves answers.jsonl to answers.1.jsonl, shifting older rotations
// up and dropping the oldest. It may leave w.f nil, for Append to reopen
// answers.jsonl: the new file, or the old one if the rename failed.
func (w *Writer) rotate() error {
	if w.maxFiles == 1 {
		// Only the live file is kept: empty it. With O_APPEND the next
		// write goes to the new end.
		if err := w.f.Truncate(0); err != nil {
			return err
		}
		w.size = 0
		return nil
	}
	if err := w.freeFirstSlot(); err != nil {
		return err // nothing renamed onto answers.1.jsonl; keep appending
	}
	err := w.f.Close()
	w.f = nil
	if err != nil {
		return err
	}
	return w.rename(w.path(FileName), w.path(rotatedName(1)))
}

// freeFirstSlot makes answers.1.jsonl free: it shifts rotations up as far as
// the first free slot, and only when every slot up to answers.(N-1).jsonl is
// taken does it remove the oldest. It stops at the first error, so nothing is
// renamed onto a file still in place, and a rotation that keeps failing does
// not drop one more old file at each retry.
func (w *Writer) freeFirstSlot() error {
	last := w.maxFiles - 1
	free := 0
	for i := 1; i <= last; i++ {
		if _, err := os.Lstat(w.path(rotatedName(i))); errors.Is(err, os.ErrNotExist) {
			free = i
			break
		}
	}
	if free == 0 {
		if err := w.remove(w.path(rotatedName(last))); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		free = last
	}
	for i := free - 1; i >= 1; i-- {
		if err := w.rename(w.path(rotatedName(i)), w.path(rotatedName(i+1))); err != nil {
			return err
		}
	}
	return nil
}

// Close closes the log file.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.closed = true
	if w.f == nil {
		return nil
	}
	err := w.f.Close()
	w.f = nil
	return err
}
