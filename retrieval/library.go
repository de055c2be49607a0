package retrieval

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/policybot/policybot/knowledge"
)

// The errors of Library's changes (see package knowledge).
var (
	ErrNoFolder    = knowledge.ErrNoFolder
	ErrBadName     = knowledge.ErrBadName
	ErrUnsupported = knowledge.ErrUnsupported
	ErrUnreadable  = knowledge.ErrUnreadable
	ErrExists      = knowledge.ErrExists
	ErrUnchanged   = knowledge.ErrUnchanged
	ErrNotFound    = knowledge.ErrNotFound
)

// SupportedTypes lists the document types the knowledge base reads.
const SupportedTypes = knowledge.SupportedTypes

// ReloadError is a change to the folder that was undone because the
// reload after it failed; the index in service is the previous one.
type ReloadError struct {
	Err error
}

func (e *ReloadError) Error() string { return "reindex: " + e.Err.Error() }
func (e *ReloadError) Unwrap() error { return e.Err }

// Library is the knowledge base as admins manage it: documents added,
// replaced and removed in the knowledge folder, each followed by a reload,
// and undone when that reload fails, so the folder always matches the index
// in service. Changes are serialised.
type Library struct {
	eng   *Engine
	files *knowledge.Library
	log   *slog.Logger
	mu    sync.Mutex
}

// NewLibrary manages the folder dir ("" for the built-in seeds, which
// refuse changes) whose index eng serves.
func NewLibrary(eng *Engine, dir string) *Library {
	return &Library{eng: eng, files: knowledge.NewLibrary(dir, eng.loader.Limits), log: eng.log}
}

// Added reports a stored document.
type Added struct {
	Name     string
	Replaced bool
	Stats    BuildStats
	// Docs are the stored file's documents as indexed; empty when the
	// loader skipped it (Skipped says why).
	Docs    []DocInfo
	Skipped string
}

// UploadName is the name an uploaded file is stored under (see
// knowledge.Library.UploadName).
func (l *Library) UploadName(name string) (string, error) { return l.files.UploadName(name) }

// Add stores a document (named by UploadName) and reindexes.
func (l *Library) Add(ctx context.Context, name string, raw []byte, replace bool) (Added, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	ch, err := l.files.Store(ctx, name, raw, replace)
	if err != nil {
		return Added{}, err
	}
	st, err := l.reload(ctx, ch)
	if err != nil {
		return Added{}, err
	}
	out := Added{Name: name, Replaced: ch.Replaced, Stats: st}
	ids := make(map[string]bool, len(ch.Docs))
	for _, d := range ch.Docs {
		ids[d.ID] = true
	}
	if ix := l.eng.Current(); ix != nil {
		for _, d := range ix.Docs() {
			if ids[d.ID] {
				out.Docs = append(out.Docs, d)
			}
		}
		for _, s := range ix.Skipped() {
			if s.Path == name {
				out.Skipped = s.Reason
			}
		}
	}
	return out, nil
}

// Document returns the stored document name as indexed (a bare DocInfo
// when it is not in the index). Errors are ErrNoFolder, ErrBadName or
// ErrNotFound.
func (l *Library) Document(name string) (DocInfo, error) {
	clean, err := l.files.Check(name)
	if err != nil {
		return DocInfo{}, err
	}
	if ix := l.eng.Current(); ix != nil {
		for _, d := range ix.Docs() {
			if d.ID == clean {
				return d, nil
			}
		}
	}
	return DocInfo{ID: clean}, nil
}

// Remove deletes a stored document and reindexes.
func (l *Library) Remove(ctx context.Context, name string) (BuildStats, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	ch, err := l.files.Remove(name)
	if err != nil {
		return BuildStats{}, err
	}
	return l.reload(ctx, ch)
}

// Reload rebuilds the index from the folder (see Engine.Reload).
func (l *Library) Reload(ctx context.Context) (BuildStats, error) { return l.eng.Reload(ctx) }

// reloadTimeout bounds the reindex after a change; it runs to the end even
// when the admin's request is cancelled, so folder and index agree.
const reloadTimeout = 30 * time.Minute

// reload reindexes after a change, undoing the change if that fails.
func (l *Library) reload(ctx context.Context, ch knowledge.Change) (BuildStats, error) {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), reloadTimeout)
	defer cancel()
	st, err := l.eng.Reload(rctx)
	if err == nil {
		return st, nil
	}
	if uerr := ch.Undo(); uerr != nil {
		l.log.Error("could not undo a change after a failed reload", "doc", ch.Name, "err", uerr)
		err = errors.Join(err, fmt.Errorf("undo: %w", uerr))
	}
	return st, &ReloadError{Err: err}
}

// Status describes the index in service.
type Status struct {
	Ready   bool // an index is loaded
	Docs    []DocInfo
	Chunks  int
	Skipped []knowledge.Skip
	BuiltAt time.Time
}

// Status describes the index in service.
func (e *Engine) Status() Status {
	ix := e.Current()
	if ix == nil {
		return Status{}
	}
	return Status{Ready: true, Docs: ix.Docs(), Chunks: ix.Len(), Skipped: ix.skipped, BuiltAt: ix.builtAt}
}
