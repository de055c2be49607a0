//go:build !unix

package segfile

import (
	"errors"
	"os"
)

func mmap(*os.File, int) ([]byte, error) { return nil, errors.New("no mmap on this system") }

func munmap([]byte) error { return nil }
