// Package state is the bot's durable memory, in one SQLite file: which
// answer record each message the bot sent carries, the thread of questions
// behind each answer, and askers' votes (one per asker per answer). Every
// change is committed, and the write-ahead log synced, before a method
// returns, so a vote the bot has acknowledged survives kill -9 or a power
// cut.
//
// Why SQLite (modernc.org/sqlite, pure Go) rather than bbolt: bbolt takes an
// exclusive flock on its file for as long as it is open, so a second process
// cannot open it at all — not a new `policybot serve` starting while the old
// one drains its answers (telegram.shutdown_grace), not a tool or a second
// bot reading the votes. Sharing a bbolt file would mean opening and closing
// it (and its mmap) around every operation. SQLite in WAL mode lets any
// number of processes read while one writes, and writers queue on the file
// lock (busy_timeout) instead of failing. What it costs, measured on this
// machine (2 cores, ext4): the driver makes policybot 6.5 MB bigger
// (20.5 → 27.0 MB; bbolt would add about 1.3 MB), opening a store takes
// 1–3 ms (bbolt 0.1–0.5 ms), and a synced commit 0.05–0.2 ms, as with
// bbolt. The schema is plain SQL, so a shared
// database (PostgreSQL) can back the same interface when the bot runs as
// several replicas.
package state

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/policybot/policybot/bot/answerlog"
)

// schemaVersion is PRAGMA user_version of a current store.
const schemaVersion = 1

// schema creates the tables of a new store.
//
//	answers          one row per answer the bot sent (the answer log's record id)
//	answer_messages  the messages an answer was sent as, by (chat, message id)
//	votes            one vote per asker per answer; changing it replaces it
//
// Deleting an answer (when it is older than Options.Keep) deletes its
// messages and votes.
const schema = `
CREATE TABLE answers (
	id           TEXT PRIMARY KEY,   -- answer log record id
	chat         INTEGER NOT NULL,
	asker        TEXT NOT NULL,      -- as logged: the user id, or its keyed hash
	question     TEXT NOT NULL,
	context      TEXT NOT NULL,      -- JSON array: the thread's earlier questions, oldest first
	follow_up_of TEXT NOT NULL,      -- record id replied to, or ''
	answered     INTEGER NOT NULL,   -- 1 answered, 0 declined
	created_ms   INTEGER NOT NULL    -- Unix milliseconds
);
CREATE INDEX answers_created ON answers (created_ms);
CREATE TABLE answer_messages (
	chat    INTEGER NOT NULL,
	message INTEGER NOT NULL,
	answer  TEXT NOT NULL REFERENCES answers (id) ON DELETE CASCADE,
	PRIMARY KEY (chat, message)
);
CREATE INDEX answer_messages_answer ON answer_messages (answer);
CREATE TABLE votes (
	answer   TEXT NOT NULL REFERENCES answers (id) ON DELETE CASCADE,
	asker    TEXT NOT NULL,
	vote     TEXT NOT NULL CHECK (vote IN ('up', 'down')),
	voted_ms INTEGER NOT NULL,
	PRIMARY KEY (answer, asker)
);
`

// Options configure a Store. Zero values take the defaults noted.
type Options struct {
	// Keep is how long answers are remembered: older ones can no longer be
	// followed up or rated, and their votes leave the totals. Default 90
	// days.
	Keep time.Duration
	// BusyTimeout is how long a write waits for another process's write.
	// Default 10s.
	BusyTimeout time.Duration
	// Now is the clock; tests inject one.
	Now func() time.Time
}

// DefaultKeep is how long answers are remembered by default.
const DefaultKeep = 90 * 24 * time.Hour

// pruneEvery is how often SaveAnswer forgets answers older than Keep.
const pruneEvery = time.Hour

// Store is the bot's state in a SQLite file. It is safe for concurrent use,
// and for use by several processes on one machine.
type Store struct {
	db   *sql.DB
	path string
	keep time.Duration
	now  func() time.Time

	pruneMu sync.Mutex
	pruned  time.Time
}

// Open opens (creating) the store at path and forgets answers older than
// Keep.
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	if opts.Keep <= 0 {
		opts.Keep = DefaultKeep
	}
	if opts.BusyTimeout <= 0 {
		opts.BusyTimeout = 10 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("state store: %w", err)
	}
	// Every connection: WAL (readers do not block the writer, across
	// processes), a synced WAL at each commit, foreign keys, and
	// transactions that take the write lock when they begin, so two
	// processes voting at once queue instead of one failing on upgrade.
	q := url.Values{}
	q.Set("_busy_timeout", fmt.Sprint(opts.BusyTimeout.Milliseconds()))
	q.Set("_journal_mode", "WAL")
	q.Set("_synchronous", "FULL")
	q.Set("_foreign_keys", "1")
	q.Set("_txlock", "immediate")
	if strings.ContainsRune(path, '?') {
		return nil, fmt.Errorf("state store %q: the path must not contain '?'", path)
	}
	db, err := sql.Open("sqlite", path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("state store %s: %w", path, err)
	}
	s := &Store{db: db, path: path, keep: opts.Keep, now: opts.Now}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("state store %s: %w", path, err)
	}
	if err := s.prune(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("state store %s: %w", path, err)
	}
	return s, nil
}

// Path is the store's file.
func (s *Store) Path() string { return s.path }

// Close closes the store.
func (s *Store) Close() error { return s.db.Close() }

// migrate creates the schema of a new file and refuses one from a newer
// policybot.
func (s *Store) migrate(ctx context.Context) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var v int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return fmt.Errorf("not a policybot state file: %w", err)
	}
	switch {
	case v == schemaVersion:
		return nil
	case v > schemaVersion:
		return fmt.Errorf("written by a newer policybot (schema %d, this one knows %d)", v, schemaVersion)
	}
	if _, err := tx.ExecContext(ctx, schema); err != nil {
		return fmt.Errorf("create schema: %w", err)
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", schemaVersion)); err != nil {
		return err
	}
	return tx.Commit()
}

// prune forgets answers older than Keep, with their messages and votes.
func (s *Store) prune(ctx context.Context) error {
	now := s.now()
	if _, err := s.db.ExecContext(ctx, "DELETE FROM answers WHERE created_ms < ?", now.Add(-s.keep).UnixMilli()); err != nil {
		return fmt.Errorf("forget old answers: %w", err)
	}
	s.pruneMu.Lock()
	s.pruned = now
	s.pruneMu.Unlock()
	return nil
}

// SaveAnswer stores an answer record's id, chat, asker, question, thread
// (Context, FollowUpOf) and the messages it was sent as (MessageIDs).
func (s *Store) SaveAnswer(ctx context.Context, rec answerlog.Record) error {
	if rec.ID == "" {
		return errors.New("state store: answer without a record id")
	}
	s.pruneMu.Lock()
	due := s.now().Sub(s.pruned) >= pruneEvery
	s.pruneMu.Unlock()
	if due {
		if err := s.prune(ctx); err != nil {
			return err
		}
	}
	earlier := rec.Context
	if earlier == nil {
		earlier = []string{}
	}
	thread, err := json.Marshal(earlier)
	if err != nil {
		return fmt.Errorf("state store: %w", err)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("state store: %w", err)
	}
	defer tx.Rollback()
	_, err = tx.ExecContext(ctx, `INSERT INTO answers (id, chat, asker, question, context, follow_up_of, answered, created_ms)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET question = excluded.question, context = excluded.context,
			follow_up_of = excluded.follow_up_of, answered = excluded.answered`,
		rec.ID, rec.Chat.ID, rec.Asker, rec.Question, string(thread), rec.FollowUpOf, rec.Answered, rec.Time.UnixMilli())
	if err != nil {
		return fmt.Errorf("state store: save answer: %w", err)
	}
	for _, m := range rec.MessageIDs {
		_, err := tx.ExecContext(ctx, `INSERT INTO answer_messages (chat, message, answer) VALUES (?, ?, ?)
			ON CONFLICT (chat, message) DO UPDATE SET answer = excluded.answer`, rec.Chat.ID, m, rec.ID)
		if err != nil {
			return fmt.Errorf("state store: save answer message: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("state store: save answer: %w", err)
	}
	return nil
}

// AnswerAt returns the answer record sent as message msg of chat, with the
// fields SaveAnswer stores (MessageIDs left out); ok is false when the
// message carries no answer the store remembers.
func (s *Store) AnswerAt(ctx context.Context, chat int64, msg int) (rec answerlog.Record, ok bool, err error) {
	var thread string
	var created int64
	err = s.db.QueryRowContext(ctx, `SELECT a.id, a.asker, a.question, a.context, a.follow_up_of, a.answered, a.created_ms
		FROM answer_messages m JOIN answers a ON a.id = m.answer
		WHERE m.chat = ? AND m.message = ?`, chat, msg).
		Scan(&rec.ID, &rec.Asker, &rec.Question, &thread, &rec.FollowUpOf, &rec.Answered, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return answerlog.Record{}, false, nil
	}
	if err != nil {
		return answerlog.Record{}, false, fmt.Errorf("state store: find answer: %w", err)
	}
	if err := json.Unmarshal([]byte(thread), &rec.Context); err != nil {
		return answerlog.Record{}, false, fmt.Errorf("state store: answer %s context: %w", rec.ID, err)
	}
	if len(rec.Context) == 0 {
		rec.Context = nil
	}
	rec.Kind = answerlog.KindAnswer
	rec.Chat = answerlog.Chat{ID: chat}
	rec.Time = time.UnixMilli(created).UTC()
	return rec, true, nil
}

// Vote records fb.Asker's vote fb.Vote on the answer fb.Record asked in
// chat fb.Chat, replacing an earlier one. It returns the vote it replaced
// ("" if none; fb.Vote itself when it was already cast, and nothing
// changed). known is false, and nothing is stored, when the store has no
// such answer in that chat: never sent, or forgotten.
func (s *Store) Vote(ctx context.Context, fb answerlog.Feedback) (prev answerlog.Vote, known bool, err error) {
	if fb.Vote != answerlog.VoteUp && fb.Vote != answerlog.VoteDown {
		return "", false, fmt.Errorf("state store: vote %q", fb.Vote)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return "", false, fmt.Errorf("state store: %w", err)
	}
	defer tx.Rollback()
	var one int
	err = tx.QueryRowContext(ctx, "SELECT 1 FROM answers WHERE id = ? AND chat = ?", fb.Record, fb.Chat).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("state store: find answer: %w", err)
	}
	err = tx.QueryRowContext(ctx, "SELECT vote FROM votes WHERE answer = ? AND asker = ?", fb.Record, fb.Asker).Scan(&prev)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return "", false, fmt.Errorf("state store: find vote: %w", err)
	case prev == fb.Vote:
		return prev, true, nil
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO votes (answer, asker, vote, voted_ms) VALUES (?, ?, ?, ?)
		ON CONFLICT (answer, asker) DO UPDATE SET vote = excluded.vote, voted_ms = excluded.voted_ms`,
		fb.Record, fb.Asker, string(fb.Vote), fb.Time.UnixMilli())
	if err != nil {
		return "", false, fmt.Errorf("state store: save vote: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return "", false, fmt.Errorf("state store: save vote: %w", err)
	}
	return prev, true, nil
}

// Votes counts the stored votes: each asker's current vote on each answer
// remembered.
func (s *Store) Votes(ctx context.Context) (up, down int, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT
		COALESCE(SUM(vote = 'up'), 0), COALESCE(SUM(vote = 'down'), 0) FROM votes`).Scan(&up, &down)
	if err != nil {
		return 0, 0, fmt.Errorf("state store: count votes: %w", err)
	}
	return up, down, nil
}

// VoteOf returns asker's vote on the answer record id, or "".
func (s *Store) VoteOf(ctx context.Context, record, asker string) (answerlog.Vote, error) {
	var v answerlog.Vote
	err := s.db.QueryRowContext(ctx, "SELECT vote FROM votes WHERE answer = ? AND asker = ?", record, asker).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("state store: find vote: %w", err)
	}
	return v, nil
}
