package retrieval

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/policybot/policybot/retrieval/internal/segfile"
)

// generation is where a build writes: a new generation directory, or
// memory when dir is "".
type generation struct {
	dir   string
	store *store
	name  string

	buf  *bytes.Buffer
	file *os.File
}

func (g *generation) path() string { return g.dir }

// tempSection holds a section (the local vectors, the document records)
// while the chunks are written, in a file of the generation or in memory.
type tempSection struct {
	buf  *bytes.Buffer
	file *os.File
}

func (v *tempSection) Write(p []byte) (int, error) {
	if v.file != nil {
		return v.file.Write(p)
	}
	return v.buf.Write(p)
}

func (v *tempSection) copyTo(w io.Writer) error {
	if v.file == nil {
		_, err := w.Write(v.buf.Bytes())
		return err
	}
	if _, err := v.file.Seek(0, io.SeekStart); err != nil {
		return err
	}
	_, err := io.CopyBuffer(w, v.file, make([]byte, 1<<20))
	return err
}

func (v *tempSection) discard() {
	if v.file != nil {
		v.file.Close()
		os.Remove(v.file.Name())
	}
}

// create opens the index file.
func (g *generation) create() (io.Writer, error) {
	if g.dir == "" {
		g.buf = new(bytes.Buffer)
		return g.buf, nil
	}
	f, err := os.Create(filepath.Join(g.dir, indexFile))
	if err != nil {
		return nil, fmt.Errorf("write index: %w", err)
	}
	g.file = f
	return f, nil
}

// temp makes a temporary section.
func (g *generation) temp(name string) (*tempSection, error) {
	if g.dir == "" {
		return &tempSection{buf: new(bytes.Buffer)}, nil
	}
	f, err := os.CreateTemp(g.dir, name+"-*.tmp")
	if err != nil {
		return nil, fmt.Errorf("write index: %w", err)
	}
	return &tempSection{file: f}, nil
}

// finish syncs and reopens the index file.
func (g *generation) finish() (*segfile.File, error) {
	if g.dir == "" {
		return segfile.FromBytes(g.buf.Bytes())
	}
	path := g.file.Name()
	if err := g.file.Sync(); err != nil {
		g.file.Close()
		return nil, fmt.Errorf("write index: %w", err)
	}
	if err := g.file.Close(); err != nil {
		return nil, fmt.Errorf("write index: %w", err)
	}
	if err := g.store.injected(indexFile); err != nil {
		return nil, err
	}
	return segfile.Open(path)
}
