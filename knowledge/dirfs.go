package knowledge

import (
	"io/fs"
	"os"
	"syscall"
)

// DirFS returns the knowledge folder dir as an fs.FS that reads it the way
// Load needs: every open, stat and directory read goes through an os.Root
// of dir, so no path or symbolic link can reach outside it (the kernel
// resolves each one inside the folder, which closes the race between
// Load's own check of a link and the read), and files are opened without
// blocking, so a FIFO swapped in cannot stall a reload. It implements
// fs.ReadDirFS, fs.StatFS and fs.ReadLinkFS.
func DirFS(dir string) fs.FS { return rootFS(dir) }

type rootFS string

// with runs f on a fresh os.Root of the folder: a Root holds a descriptor
// of the directory it was opened on, and the folder may be replaced
// between reloads.
func with[T any](d rootFS, op, name string, f func(*os.Root) (T, error)) (T, error) {
	var zero T
	if !fs.ValidPath(name) {
		return zero, &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	r, err := os.OpenRoot(string(d))
	if err != nil {
		return zero, &fs.PathError{Op: op, Path: name, Err: err}
	}
	defer r.Close()
	return f(r)
}

func (d rootFS) Open(name string) (fs.File, error) {
	return with(d, "open", name, func(r *os.Root) (fs.File, error) {
		f, err := r.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
		if err != nil {
			return nil, err
		}
		return f, nil
	})
}

func (d rootFS) ReadDir(name string) ([]fs.DirEntry, error) {
	return with(d, "readdir", name, func(r *os.Root) ([]fs.DirEntry, error) {
		return fs.ReadDir(r.FS(), name)
	})
}

func (d rootFS) Stat(name string) (fs.FileInfo, error) {
	return with(d, "stat", name, func(r *os.Root) (fs.FileInfo, error) { return r.Stat(name) })
}

func (d rootFS) Lstat(name string) (fs.FileInfo, error) {
	return with(d, "lstat", name, func(r *os.Root) (fs.FileInfo, error) { return r.Lstat(name) })
}

func (d rootFS) ReadLink(name string) (string, error) {
	return with(d, "readlink", name, func(r *os.Root) (string, error) { return r.Readlink(name) })
}
