package retrieval

import (
	"io/fs"
	"syscall"
)

// statExtra returns a file's inode and change time, where the file system
// gives them.
func statExtra(info fs.FileInfo) (ino uint64, ctime int64) {
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		return st.Ino, st.Ctim.Nano()
	}
	return 0, 0
}
