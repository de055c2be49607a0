package knowledge

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Errors of a Library, for callers to tell apart with errors.Is.
var (
	// ErrNoFolder: the knowledge base is the built-in seeds, which cannot
	// be changed.
	ErrNoFolder = errors.New("no knowledge folder")
	// ErrBadName: not a usable document name.
	ErrBadName = errors.New("not a usable document name")
	// ErrUnsupported: a file type the loader does not read.
	ErrUnsupported = errors.New("unsupported file type")
	// ErrUnreadable: the file does not parse as its type says.
	ErrUnreadable = errors.New("unreadable document")
	// ErrExists: a different document of that name is stored.
	ErrExists = errors.New("a different document of that name exists")
	// ErrUnchanged: the document is stored with exactly this content.
	ErrUnchanged = errors.New("the document is stored with exactly this content")
	// ErrNotFound: no document of that name is stored.
	ErrNotFound = errors.New("no such document")
)

// UnreadableError is a document that does not parse as its type says; it
// matches ErrUnreadable.
type UnreadableError struct{ Err error }

func (e *UnreadableError) Error() string        { return e.Err.Error() }
func (e *UnreadableError) Unwrap() error        { return e.Err }
func (e *UnreadableError) Is(target error) bool { return target == ErrUnreadable }

// SupportedTypes lists the file extensions the loader reads, for messages.
const SupportedTypes = ".txt, .md, .html, .htm, .pdf, .docx or .jsonl"

// Library is a knowledge folder as admins change it: documents stored,
// replaced and removed by name, each change atomic and undoable. A Library
// on no folder (dir "") refuses every change with ErrNoFolder. It does not
// serialise changes: its caller does.
type Library struct {
	dir    string
	loader Loader
}

// NewLibrary returns the Library of the folder dir ("" for none), whose
// documents are checked under lim (the zero Limits: the defaults), as Load
// reads them.
func NewLibrary(dir string, lim Limits) *Library {
	return &Library{dir: dir, loader: Loader{Limits: lim}}
}

// Change is a stored or removed document; Undo puts the folder back as it
// was before the change.
type Change struct {
	Name     string
	Replaced bool       // a document of that name was overwritten
	Docs     []Document // what the stored file parses to (none for a removal)
	undo     func() error
}

// Undo reverts the change.
func (c Change) Undo() error {
	if c.undo == nil {
		return nil
	}
	return c.undo()
}

// maxNameBytes bounds a stored file name.
const maxNameBytes = 120

// UploadName turns an uploaded file's name into a safe name for the
// knowledge folder: its last path element only, no control or reserved
// characters, no leading dot (hidden files are ignored by the loader), and
// a supported type. Errors are ErrNoFolder, ErrBadName or ErrUnsupported.
func (l *Library) UploadName(name string) (string, error) {
	if l.dir == "" {
		return "", ErrNoFolder
	}
	name, err := sanitizeName(name)
	if err != nil {
		return "", err
	}
	if !Supported(name) {
		return name, fmt.Errorf("%s: %w", name, ErrUnsupported)
	}
	return name, nil
}

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
		return "", fmt.Errorf("the file has no usable name: %w", ErrBadName)
	}
	return name, nil
}

// Store writes raw as the document name (from UploadName) after checking
// that it parses. A different document of that name is overwritten only
// with replace (else ErrExists); the same content is ErrUnchanged; a file
// that does not parse is ErrUnreadable and nothing is written.
func (l *Library) Store(ctx context.Context, name string, raw []byte, replace bool) (Change, error) {
	if l.dir == "" {
		return Change{}, ErrNoFolder
	}
	docs, err := l.loader.Parse(ctx, name, raw)
	if err != nil {
		return Change{}, &UnreadableError{Err: err}
	}
	target := filepath.Join(l.dir, name)
	old, err := os.ReadFile(target)
	exists := err == nil
	switch {
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return Change{}, fmt.Errorf("read the stored %s: %w", name, err)
	case exists && bytes.Equal(old, raw):
		return Change{}, ErrUnchanged
	case exists && !replace:
		return Change{}, ErrExists
	}
	if err := writeAtomic(l.dir, name, raw); err != nil {
		return Change{}, fmt.Errorf("store %s: %w", name, err)
	}
	undo := func() error { return os.Remove(target) }
	if exists {
		undo = func() error { return writeAtomic(l.dir, name, old) }
	}
	return Change{Name: name, Replaced: exists, Docs: docs, undo: undo}, nil
}

// Check reports whether name (as /sources shows it: a slash-separated path
// inside the folder) is a stored document, returning its cleaned form.
// Errors are ErrNoFolder, ErrBadName or ErrNotFound.
func (l *Library) Check(name string) (string, error) {
	_, clean, err := l.path(name)
	return clean, err
}

// Remove deletes the document name (see Check).
func (l *Library) Remove(name string) (Change, error) {
	p, clean, err := l.path(name)
	if err != nil {
		return Change{}, err
	}
	old, err := os.ReadFile(p)
	if err != nil {
		return Change{}, fmt.Errorf("remove %s: %w", clean, err)
	}
	if err := os.Remove(p); err != nil {
		return Change{}, fmt.Errorf("remove %s: %w", clean, err)
	}
	return Change{Name: clean, undo: func() error { return writeAtomic(filepath.Dir(p), filepath.Base(p), old) }}, nil
}

// path checks a document name given by an admin: a regular file inside
// the folder, with no hidden part.
func (l *Library) path(name string) (full, clean string, err error) {
	if l.dir == "" {
		return "", "", ErrNoFolder
	}
	clean = strings.TrimSpace(strings.ReplaceAll(name, "\\", "/"))
	if clean == "" || !filepath.IsLocal(filepath.FromSlash(clean)) {
		return "", "", fmt.Errorf("%q is not a file name in the knowledge folder: %w", name, ErrBadName)
	}
	for _, part := range strings.Split(clean, "/") {
		if strings.HasPrefix(part, ".") {
			return "", "", fmt.Errorf("%q is not a file name in the knowledge folder: %w", name, ErrBadName)
		}
	}
	full = filepath.Join(l.dir, filepath.FromSlash(clean))
	if st, err := os.Stat(full); err != nil || !st.Mode().IsRegular() {
		return "", "", fmt.Errorf("%q: %w", clean, ErrNotFound)
	}
	return full, clean, nil
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
