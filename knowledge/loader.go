package knowledge

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/policybot/policybot/knowledge/limits"
)

// Limits bound the reading of one knowledge file: its parse time, size,
// decompressed bytes, text, PDF pages, objects and text items, nesting and
// chunks (see package limits). The zero value means the defaults.
type Limits = limits.Limits

// LimitError is a file over one of its Limits; it names the limit's
// configuration key. It matches ErrLimit.
type LimitError = limits.Error

// ErrLimit is matched (errors.Is) by the error of a file over a limit.
var ErrLimit = limits.ErrLimit

// DefaultLimits returns the limits Load and Parse use by default.
func DefaultLimits() Limits { return limits.Default() }

// Loader reads knowledge files under limits: every parse has a deadline and
// caps on what it may decode, and a file over one is skipped with the limit
// named. The zero Loader uses DefaultLimits. Load, LoadFile and Parse are
// the zero Loader's.
type Loader struct {
	Limits Limits
}

// Load reads every supported file under fsys with the default limits (see
// Loader.Load).
func Load(ctx context.Context, fsys fs.FS) (Corpus, error) { return Loader{}.Load(ctx, fsys) }

// LoadFile reads one file of fsys with the default limits (see
// Loader.LoadFile).
func LoadFile(ctx context.Context, fsys fs.FS, p string) ([]Document, error) {
	return Loader{}.LoadFile(ctx, fsys, p)
}

// Parse turns the raw bytes of a file named name into documents, with the
// default limits (see Loader.Parse).
func Parse(ctx context.Context, name string, raw []byte) ([]Document, error) {
	return Loader{}.Parse(ctx, name, raw)
}

// Load reads every supported file under fsys. Files that cannot be read,
// are binary, empty, undecodable or over a limit are skipped and reported;
// so are files that are not regular files (FIFOs, devices, sockets) and
// symbolic links that lead out of fsys (or, in an fs.FS that cannot read
// links, any symbolic link). Hidden files and folders are ignored. Load
// returns an error only when ctx is done.
func (l Loader) Load(ctx context.Context, fsys fs.FS) (Corpus, error) {
	var c Corpus
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			c.Skipped = append(c.Skipped, Skip{p, err.Error()})
			return nil
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		if p != "." && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() || !Supported(p) {
			return nil
		}
		docs, err := l.loadEntry(ctx, fsys, p, d.Type())
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		if err != nil {
			c.Skipped = append(c.Skipped, Skip{p, err.Error()})
			return nil
		}
		c.Docs = append(c.Docs, docs...)
		return nil
	})
	if err != nil {
		return Corpus{}, fmt.Errorf("load knowledge: %w", err)
	}
	sortDocs(c.Docs)
	return c, nil
}

// LoadFile reads one file of fsys into documents (one, or many for
// .jsonl), with the checks of Load.
func (l Loader) LoadFile(ctx context.Context, fsys fs.FS, p string) ([]Document, error) {
	info, err := fs.Lstat(fsys, p)
	if err != nil {
		return nil, err
	}
	return l.loadEntry(ctx, fsys, p, info.Mode().Type())
}

// loadEntry reads the file p of type typ (a fs.FileMode type, as a
// directory entry tells it).
func (l Loader) loadEntry(ctx context.Context, fsys fs.FS, p string, typ fs.FileMode) ([]Document, error) {
	target := p
	if typ&fs.ModeSymlink != 0 {
		t, err := resolveInside(fsys, p)
		if err != nil {
			return nil, err
		}
		target = t
	} else if !typ.IsRegular() {
		return nil, notRegular(typ)
	}
	raw, err := l.read(fsys, target)
	if err != nil {
		return nil, err
	}
	return l.Parse(ctx, p, raw)
}

// read reads the regular file p, at most Limits.MaxFileBytes of it. The
// type and size are checked before opening (opening a FIFO blocks), and
// again on the open file, and the read itself is bounded (a device's size
// is 0).
func (l Loader) read(fsys fs.FS, p string) ([]byte, error) {
	lim := l.Limits.WithDefaults()
	check := func(info fs.FileInfo) error {
		if !info.Mode().IsRegular() {
			return notRegular(info.Mode().Type())
		}
		if info.Size() > lim.MaxFileBytes {
			return fmt.Errorf("file is %d MB: %w", info.Size()>>20, lim.Over(limits.FileBytes))
		}
		return nil
	}
	info, err := fs.Stat(fsys, p)
	if err != nil {
		return nil, err
	}
	if err := check(info); err != nil {
		return nil, err
	}
	f, err := fsys.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if info, err = f.Stat(); err != nil {
		return nil, err
	}
	if err := check(info); err != nil {
		return nil, err
	}
	raw, err := io.ReadAll(io.LimitReader(f, lim.MaxFileBytes+1))
	if err != nil {
		return nil, err
	}
	if int64(len(raw)) > lim.MaxFileBytes {
		return nil, lim.Over(limits.FileBytes)
	}
	return raw, nil
}

// notRegular explains why a file of type typ is not read.
func notRegular(typ fs.FileMode) error {
	var what string
	switch {
	case typ&fs.ModeDir != 0:
		what = "a directory"
	case typ&fs.ModeNamedPipe != 0:
		what = "a named pipe (FIFO)"
	case typ&fs.ModeSocket != 0:
		what = "a socket"
	case typ&fs.ModeCharDevice != 0:
		what = "a character device"
	case typ&fs.ModeDevice != 0:
		what = "a device"
	case typ&fs.ModeSymlink != 0:
		what = "a symbolic link"
	default:
		what = "not a regular file (" + typ.String() + ")"
		return errors.New(what)
	}
	return errors.New("not a regular file: " + what)
}

// maxLinks bounds the symbolic links followed to resolve one path.
const maxLinks = 40

// resolveInside resolves the symbolic links of p (a valid fs path) inside
// fsys and returns the path they lead to, or an error when they lead out of
// fsys: through "..", to an absolute path, or round in a loop. It reads
// links one path element at a time, as the kernel does, so a link to a
// directory that is itself a link out of fsys is caught.
func resolveInside(fsys fs.FS, p string) (string, error) {
	if _, ok := fsys.(fs.ReadLinkFS); !ok {
		return "", errors.New("a symbolic link, and this folder cannot tell where it points")
	}
	todo := strings.Split(p, "/")
	var done []string
	links := 0
	for len(todo) > 0 {
		elem := todo[0]
		todo = todo[1:]
		switch elem {
		case "", ".":
			continue
		case "..":
			if len(done) == 0 {
				return "", errors.New("a symbolic link to a file outside the knowledge folder")
			}
			done = done[:len(done)-1]
			continue
		}
		cur := path.Join(append(done, elem)...)
		info, err := fs.Lstat(fsys, cur)
		if err != nil {
			return "", fmt.Errorf("a symbolic link to a missing file: %w", err)
		}
		if info.Mode()&fs.ModeSymlink == 0 {
			done = append(done, elem)
			continue
		}
		if links++; links > maxLinks {
			return "", errors.New("symbolic links that loop")
		}
		target, err := fs.ReadLink(fsys, cur)
		if err != nil {
			return "", err
		}
		if path.IsAbs(target) || strings.Contains(target, "\\") || len(target) > 1 && target[1] == ':' {
			return "", errors.New("a symbolic link to an absolute path (only relative links inside the knowledge folder are followed)")
		}
		todo = append(strings.Split(target, "/"), todo...)
	}
	if len(done) == 0 {
		return "", errors.New("a symbolic link to the knowledge folder itself")
	}
	return path.Join(done...), nil
}

// Parse turns the raw bytes of a file named name into documents, under the
// loader's limits: it returns by the deadline (Limits.Timeout) whatever the
// bytes, never panics, and a file over a limit is an error matching
// ErrLimit that names it. When ctx is done it returns ctx's error.
func (l Loader) Parse(ctx context.Context, name string, raw []byte) ([]Document, error) {
	lim := l.Limits.WithDefaults()
	if int64(len(raw)) > lim.MaxFileBytes {
		return nil, lim.Over(limits.FileBytes)
	}
	timeout := lim.Over(limits.Timeout)
	pctx, cancel := context.WithTimeoutCause(ctx, lim.Timeout, timeout)
	defer cancel()
	type result struct {
		docs []Document
		err  error
	}
	// The parse runs in a goroutine so that a parser that misses the
	// deadline (every loop checks pctx, but x/net/html and encoding/xml do
	// not) cannot hold the caller past it; it is left to finish alone then,
	// and everything it does is bounded by the limits.
	done := make(chan result, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- result{nil, fmt.Errorf("cannot read %s: internal error: %v", path.Base(name), p)}
			}
		}()
		docs, err := l.parse(pctx, name, raw, lim)
		done <- result{docs, err}
	}()
	var r result
	select {
	case r = <-done:
	case <-pctx.Done():
		select {
		case r = <-done: // it noticed
		case <-time.After(parseGrace):
			r.err = context.Cause(pctx)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if r.err != nil && pctx.Err() != nil {
		return nil, timeout
	}
	return r.docs, r.err
}

// parseGrace is how long Parse waits, after the deadline, for a parser to
// notice it.
const parseGrace = 2 * time.Second

// checkDoc applies the limits on a finished document's text and chunks.
func checkDoc(d Document, lim Limits) error {
	if int64(len(d.Text)) > lim.MaxTextBytes {
		return fmt.Errorf("text of %d MB: %w", len(d.Text)>>20, lim.Over(limits.TextBytes))
	}
	// Every chunk holds at least one rune of its own, so only a text of
	// more runes than the limit can have more chunks.
	if utf8.RuneCountInString(d.Text) > lim.MaxChunks {
		if n := len(Chunks(d)); n > lim.MaxChunks {
			return fmt.Errorf("%d chunks: %w", n, lim.Over(limits.Chunks))
		}
	}
	return nil
}
