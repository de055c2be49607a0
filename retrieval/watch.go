package retrieval

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"time"

	"github.com/policybot/policybot/knowledge"
)

// fingerprint summarises the knowledge folder cheaply: the names, sizes and
// modification times of the files Load would read.
func (e *Engine) fingerprint() (string, error) {
	h := sha256.New()
	err := fs.WalkDir(e.docs, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != "." && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() || !knowledge.Supported(p) {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		writeWatchLine(h, p, info)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("scan knowledge folder: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// writeWatchLine adds a file to a folder fingerprint. fingerprint and
// scanFolder both write it, and must agree: a reload records the
// fingerprint that Watch compares with.
func writeWatchLine(w io.Writer, p string, info fs.FileInfo) {
	fmt.Fprintf(w, "%s\x00%d\x00%d\n", p, info.Size(), info.ModTime().UnixNano())
}

// Watch polls the knowledge folder every interval and reloads when it has
// changed and then stayed the same for one more interval (a debounce, so a
// copy in progress is not indexed half-way). report, if not nil, is told the
// outcome of each reload. Watch returns when ctx is done.
func (e *Engine) Watch(ctx context.Context, interval time.Duration, report func(BuildStats, error)) {
	pending := ""
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		fp, err := e.fingerprint()
		if err != nil {
			e.log.Warn("watch: cannot scan the knowledge folder", "err", err)
			continue
		}
		last := ""
		if p := e.seen.Load(); p != nil {
			last = *p
		}
		switch {
		case fp == last:
			pending = ""
		case fp != pending:
			pending = fp // changed: wait one interval for it to settle
		default:
			pending = ""
			st, err := e.Reload(ctx)
			if err != nil {
				e.log.Error("watch: reload failed; the previous index stays", "err", err)
			} else {
				e.log.Info("watch: reloaded", "stats", st.String())
			}
			if report != nil {
				report(st, err)
			}
		}
	}
}
