package retrieval

import (
	"fmt"
	"os"
	"sync"
)

// textSpill holds the text of the documents a reload has read until the
// build chunks them, in a temporary file rather than in memory: documents
// are indexed in ID order, which is known only once the whole folder has
// been read, so without it a build of a large folder would hold every
// document's text at once.
type textSpill struct {
	dir  string
	mu   sync.Mutex // guards f, off and writes
	f    *os.File   // created by the first put
	off  int64
	name string // to remove at Close, if it could not be removed at once
}

// spillRef locates one text in the spill.
type spillRef struct {
	off int64
	n   int
}

// newTextSpill returns a spill whose file is created in dir when the first
// text is put. The file is removed at once where the system allows removing
// an open file, else by Close.
func newTextSpill(dir string) *textSpill { return &textSpill{dir: dir} }

// put stores a text.
func (s *textSpill) put(text string) (spillRef, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f == nil {
		if err := os.MkdirAll(s.dir, 0o755); err != nil {
			return spillRef{}, fmt.Errorf("create data directory: %w", err)
		}
		f, err := os.CreateTemp(s.dir, "spill-*.tmp")
		if err != nil {
			return spillRef{}, fmt.Errorf("spill document text: %w", err)
		}
		s.f = f
		if os.Remove(f.Name()) != nil {
			s.name = f.Name()
		}
	}
	if _, err := s.f.WriteAt([]byte(text), s.off); err != nil {
		return spillRef{}, fmt.Errorf("spill document text: %w", err)
	}
	r := spillRef{off: s.off, n: len(text)}
	s.off += int64(len(text))
	return r, nil
}

// get reads a text back; it may run concurrently with other gets.
func (s *textSpill) get(r spillRef) (string, error) {
	b := make([]byte, r.n)
	if _, err := s.f.ReadAt(b, r.off); err != nil {
		return "", fmt.Errorf("read spilled document text: %w", err)
	}
	return string(b), nil
}

// Close removes the spill.
func (s *textSpill) Close() error {
	if s == nil || s.f == nil {
		return nil
	}
	err := s.f.Close()
	if s.name != "" {
		os.Remove(s.name)
	}
	return err
}
