// Package segfile is the container format of policybot's index files: named
// sections of bytes, written in one streaming pass, with a CRC-32C for every
// 4 KiB block, read through a memory map (or from memory) and checked lazily,
// block by block, the first time each block is read.
//
// Layout (all integers little-endian):
//
//	data       sections, each starting at a multiple of 8 (zero padding)
//	crc table  one uint32 CRC-32C per BlockSize bytes of data (the last block may be short)
//	directory  uint32 count, then per section: uint8 name length, name, uint64 offset, uint64 length
//	trailer    TrailerSize bytes: magic "PBSEG\x00\x00\x01", uint64 data length, uint32 block size,
//	           uint32 CRC of the crc table, uint32 directory length, uint32 CRC of the directory,
//	           uint32 application version, uint32 CRC of the trailer's first 36 bytes
//
// A file that is truncated, padded, or whose trailer, directory or crc table
// does not check is rejected by Open. A block whose CRC does not match is
// reported by Bytes as ErrCorrupt when it is first read; it is never handed
// out. Readers never panic or read out of range on a bad file.
package segfile

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"runtime"
	"sync/atomic"
)

// BlockSize is the unit of checksumming.
const BlockSize = 4096

// TrailerSize is the size of the fixed trailer at the end of a file.
const TrailerSize = 40

const magic = "PBSEG\x00\x00\x01"

// ErrCorrupt is wrapped by every error about a file's contents.
var ErrCorrupt = errors.New("index file is corrupt")

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func corrupt(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, args...))
}

// Writer streams sections into w. Sections are written one at a time:
// Begin, any number of Writes, End; or Section for one in memory. Close
// writes the crc table, directory and trailer.
type Writer struct {
	w       io.Writer
	off     int64  // data bytes written
	crc     uint32 // CRC of the current block so far
	crcs    []uint32
	dir     []entry
	open    bool
	names   map[string]bool
	err     error
	scratch [8]byte
}

type entry struct {
	name     string
	off, len int64
}

// NewWriter returns a Writer to w. w should be buffered.
func NewWriter(w io.Writer) *Writer {
	return &Writer{w: w, names: make(map[string]bool)}
}

// Offset is the number of data bytes written so far.
func (w *Writer) Offset() int64 { return w.off }

func (w *Writer) data(p []byte) error {
	if w.err != nil {
		return w.err
	}
	for len(p) > 0 {
		room := BlockSize - int(w.off%BlockSize)
		n := min(room, len(p))
		if _, err := w.w.Write(p[:n]); err != nil {
			w.err = err
			return err
		}
		w.crc = crc32.Update(w.crc, castagnoli, p[:n])
		w.off += int64(n)
		p = p[n:]
		if w.off%BlockSize == 0 {
			w.crcs = append(w.crcs, w.crc)
			w.crc = 0
		}
	}
	return nil
}

// Begin starts a section. Names are unique, 1–255 bytes.
func (w *Writer) Begin(name string) error {
	if w.err != nil {
		return w.err
	}
	if w.open {
		return errors.New("segfile: Begin inside a section")
	}
	if len(name) == 0 || len(name) > 255 || w.names[name] {
		return fmt.Errorf("segfile: bad or duplicate section name %q", name)
	}
	if pad := (8 - w.off%8) % 8; pad > 0 {
		var zero [8]byte
		if err := w.data(zero[:pad]); err != nil {
			return err
		}
	}
	w.names[name] = true
	w.dir = append(w.dir, entry{name: name, off: w.off})
	w.open = true
	return nil
}

// Write appends to the open section.
func (w *Writer) Write(p []byte) (int, error) {
	if !w.open {
		return 0, errors.New("segfile: Write outside a section")
	}
	if err := w.data(p); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Uint64 appends v, little-endian, to the open section.
func (w *Writer) Uint64(v uint64) error {
	binary.LittleEndian.PutUint64(w.scratch[:], v)
	_, err := w.Write(w.scratch[:8])
	return err
}

// Uint32 appends v, little-endian, to the open section.
func (w *Writer) Uint32(v uint32) error {
	binary.LittleEndian.PutUint32(w.scratch[:], v)
	_, err := w.Write(w.scratch[:4])
	return err
}

// End closes the open section.
func (w *Writer) End() error {
	if w.err != nil {
		return w.err
	}
	if !w.open {
		return errors.New("segfile: End outside a section")
	}
	e := &w.dir[len(w.dir)-1]
	e.len = w.off - e.off
	w.open = false
	return nil
}

// Section writes a whole section.
func (w *Writer) Section(name string, p []byte) error {
	if err := w.Begin(name); err != nil {
		return err
	}
	if _, err := w.Write(p); err != nil {
		return err
	}
	return w.End()
}

// Close writes the crc table, the directory and the trailer, with version
// as the application's format version. It does not close the underlying
// writer.
func (w *Writer) Close(version uint32) error {
	if w.err != nil {
		return w.err
	}
	if w.open {
		return errors.New("segfile: Close inside a section")
	}
	crcs := w.crcs
	if w.off%BlockSize != 0 {
		crcs = append(crcs, w.crc)
	}
	table := make([]byte, 4*len(crcs))
	for i, c := range crcs {
		binary.LittleEndian.PutUint32(table[4*i:], c)
	}
	dir := binary.LittleEndian.AppendUint32(nil, uint32(len(w.dir)))
	for _, e := range w.dir {
		dir = append(dir, byte(len(e.name)))
		dir = append(dir, e.name...)
		dir = binary.LittleEndian.AppendUint64(dir, uint64(e.off))
		dir = binary.LittleEndian.AppendUint64(dir, uint64(e.len))
	}
	tr := make([]byte, 0, TrailerSize)
	tr = append(tr, magic...)
	tr = binary.LittleEndian.AppendUint64(tr, uint64(w.off))
	tr = binary.LittleEndian.AppendUint32(tr, BlockSize)
	tr = binary.LittleEndian.AppendUint32(tr, crc32.Checksum(table, castagnoli))
	tr = binary.LittleEndian.AppendUint32(tr, uint32(len(dir)))
	tr = binary.LittleEndian.AppendUint32(tr, crc32.Checksum(dir, castagnoli))
	tr = binary.LittleEndian.AppendUint32(tr, version)
	tr = binary.LittleEndian.AppendUint32(tr, crc32.Checksum(tr, castagnoli))
	for _, p := range [][]byte{table, dir, tr} {
		if _, err := w.w.Write(p); err != nil {
			w.err = err
			return err
		}
	}
	w.err = errors.New("segfile: writer closed")
	return nil
}

// Section locates a section within a File's data.
type Section struct {
	Off, Len int64
}

// File is an opened index file. Its methods are safe for concurrent use.
//
// Slices returned by Bytes point into the file's memory map: they are valid
// only while the File is reachable (keep its owner alive with
// runtime.KeepAlive while using them) and must not be retained or written.
type File struct {
	data     []byte // the whole file
	dataLen  int64
	crcs     []byte // the crc table
	verified []uint32
	secs     map[string]Section
	version  uint32
	noVerify bool
	mapped   bool
	path     string // of a mapped file, for VerifyAll
	cleanup  runtime.Cleanup
	closed   atomic.Bool
}

// Open opens a file written by Writer, memory-mapping it where the system
// allows and reading it into memory otherwise.
func Open(path string) (*File, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return nil, err
	}
	size := st.Size()
	if size < TrailerSize || size > math.MaxInt {
		return nil, corrupt("%s: size %d", path, size)
	}
	data, err := mmap(fh, int(size))
	mapped := err == nil
	if !mapped {
		data = make([]byte, size)
		if _, err := io.ReadFull(fh, data); err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
	}
	f, err := parse(data, false)
	if err != nil {
		if mapped {
			munmap(data)
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if mapped {
		f.mapped, f.path = true, path
		f.cleanup = runtime.AddCleanup(f, func(d []byte) { munmap(d) }, data)
	}
	return f, nil
}

// FromBytes opens a file held in memory.
func FromBytes(b []byte) (*File, error) { return parse(b, false) }

// FromBytesUnverified opens a file held in memory without checking any
// checksum, so that a fuzzer's mutations reach the section decoders. Only
// the structure (sizes, offsets) is checked.
func FromBytesUnverified(b []byte) (*File, error) { return parse(b, true) }

func parse(b []byte, noVerify bool) (*File, error) {
	size := int64(len(b))
	if size < TrailerSize {
		return nil, corrupt("file of %d bytes is shorter than its trailer", size)
	}
	tr := b[size-TrailerSize:]
	if string(tr[:8]) != magic {
		return nil, corrupt("bad magic (not an index file, or truncated)")
	}
	le := binary.LittleEndian
	if !noVerify && crc32.Checksum(tr[:36], castagnoli) != le.Uint32(tr[36:]) {
		return nil, corrupt("trailer checksum mismatch")
	}
	dataLen := le.Uint64(tr[8:])
	if le.Uint32(tr[16:]) != BlockSize {
		return nil, corrupt("block size %d", le.Uint32(tr[16:]))
	}
	dirLen := uint64(le.Uint32(tr[24:]))
	rest := uint64(size - TrailerSize)
	if dataLen > rest {
		return nil, corrupt("data length %d past the end", dataLen)
	}
	nblocks := (dataLen + BlockSize - 1) / BlockSize
	if nblocks*4 > rest-dataLen || dirLen != rest-dataLen-nblocks*4 {
		return nil, corrupt("sizes do not add up (truncated or padded)")
	}
	crcs := b[dataLen : dataLen+nblocks*4]
	dir := b[dataLen+nblocks*4 : rest]
	if !noVerify {
		if crc32.Checksum(crcs, castagnoli) != le.Uint32(tr[20:]) {
			return nil, corrupt("block checksum table mismatch")
		}
		if crc32.Checksum(dir, castagnoli) != le.Uint32(tr[28:]) {
			return nil, corrupt("directory checksum mismatch")
		}
	}
	f := &File{data: b, dataLen: int64(dataLen), crcs: crcs, verified: make([]uint32, (nblocks+31)/32),
		secs: make(map[string]Section), version: le.Uint32(tr[32:]), noVerify: noVerify}
	if len(dir) < 4 {
		return nil, corrupt("short directory")
	}
	n := le.Uint32(dir)
	dir = dir[4:]
	for i := uint32(0); i < n; i++ {
		if len(dir) < 1 || len(dir) < 1+int(dir[0])+16 {
			return nil, corrupt("short directory entry %d", i)
		}
		nl := int(dir[0])
		name := string(dir[1 : 1+nl])
		off, ln := le.Uint64(dir[1+nl:]), le.Uint64(dir[9+nl:])
		dir = dir[17+nl:]
		if off > dataLen || ln > dataLen-off {
			return nil, corrupt("section %q out of range", name)
		}
		if _, dup := f.secs[name]; dup || nl == 0 {
			return nil, corrupt("bad or duplicate section name %q", name)
		}
		f.secs[name] = Section{Off: int64(off), Len: int64(ln)}
	}
	if len(dir) != 0 {
		return nil, corrupt("%d stray bytes after the directory", len(dir))
	}
	return f, nil
}

// Version is the application version written by Close.
func (f *File) Version() uint32 { return f.version }

// Size is the file's size in bytes.
func (f *File) Size() int64 { return int64(len(f.data)) }

// Mapped reports whether the file is memory-mapped (rather than read).
func (f *File) Mapped() bool { return f.mapped }

// Section returns the named section.
func (f *File) Section(name string) (Section, bool) {
	s, ok := f.secs[name]
	return s, ok
}

// Bytes returns n bytes at off within section s, after checking the CRC of
// every block they touch that has not been checked yet. An out-of-range
// request or a failed check is an ErrCorrupt error.
func (f *File) Bytes(s Section, off, n int64) ([]byte, error) {
	if off < 0 || n < 0 || off > s.Len || n > s.Len-off || s.Off < 0 || s.Len > f.dataLen-s.Off {
		return nil, corrupt("read of %d bytes at %d past a section of %d", n, off, s.Len)
	}
	if f.closed.Load() {
		return nil, errors.New("segfile: file is closed")
	}
	lo := s.Off + off
	if n > 0 && !f.noVerify {
		if err := f.verify(lo/BlockSize, (lo+n-1)/BlockSize); err != nil {
			return nil, err
		}
	}
	return f.data[lo : lo+n : lo+n], nil
}

func (f *File) verify(first, last int64) error {
	for b := first; b <= last; b++ {
		word, bit := &f.verified[b/32], uint32(1)<<(b%32)
		if atomic.LoadUint32(word)&bit != 0 {
			continue
		}
		lo, hi := b*BlockSize, min((b+1)*BlockSize, f.dataLen)
		want := binary.LittleEndian.Uint32(f.crcs[4*b:])
		if crc32.Checksum(f.data[lo:hi], castagnoli) != want {
			return corrupt("checksum mismatch in block %d (bytes %d–%d)", b, lo, hi)
		}
		atomic.OrUint32(word, bit)
	}
	return nil
}

// VerifyAll checks every block. A mapped file is read with read(2) for it,
// so that the check does not map the whole file into the process.
func (f *File) VerifyAll() error {
	if f.dataLen == 0 || f.noVerify {
		return nil
	}
	if !f.mapped {
		return f.verify(0, (f.dataLen-1)/BlockSize)
	}
	fh, err := os.Open(f.path)
	if err != nil {
		return err
	}
	defer fh.Close()
	buf := make([]byte, 256*BlockSize)
	for off := int64(0); off < f.dataLen; off += int64(len(buf)) {
		n := min(int64(len(buf)), f.dataLen-off)
		if _, err := fh.ReadAt(buf[:n], off); err != nil {
			return fmt.Errorf("verify %s: %w", f.path, err)
		}
		for lo := int64(0); lo < n; lo += BlockSize {
			b := (off + lo) / BlockSize
			hi := min(lo+BlockSize, n)
			if crc32.Checksum(buf[lo:hi], castagnoli) != binary.LittleEndian.Uint32(f.crcs[4*b:]) {
				return corrupt("checksum mismatch in block %d (bytes %d–%d)", b, off+lo, off+hi)
			}
			atomic.OrUint32(&f.verified[b/32], uint32(1)<<(b%32))
		}
	}
	return nil
}

// Close releases the memory map now instead of when the File is collected.
// No slice from Bytes may be used afterwards.
func (f *File) Close() error {
	if f.closed.Swap(true) || !f.mapped {
		return nil
	}
	f.cleanup.Stop()
	return munmap(f.data)
}
