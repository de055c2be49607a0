package lpdf

// policybot: this file and every change marked "policybot:" bound what a
// hostile file can make the reader do. Upstream, each of these crashed the
// process, looped forever or allocated without limit:
//
//   - readObject recursed once per nested array or dictionary: a file of
//     3,000,000 "[" overflowed the goroutine stack (a fatal error, not a
//     panic). Nesting is now limited to Limits.MaxDepth, in the file, in
//     object streams and in CMaps alike.
//   - resolve recursed through object streams: two objects declared to be
//     in each other's object stream (148 bytes) overflowed the stack. The
//     chain is limited to maxResolveDepth.
//   - readArray at the end of an object stream or CMap appended io.EOF
//     forever, and readHexString spun forever on an unclosed "<".
//   - the xref W array, /Size, /Index and table entries could make the
//     reader allocate gigabytes; /Prev chains could loop. They are limited
//     to Limits.MaxObjects entries and maxPrevChain sections.
//   - a PNG predictor's /Columns allocated whatever it said.
//   - every object in an object stream decompressed the whole stream again
//     (quadratic); object streams are now decoded once and kept, and small
//     objects are kept parsed (a form drawn a thousand times was parsed a
//     thousand times).
//   - decompression had no bound: every filter's output, and every byte
//     parsed as an object, is charged to Limits.MaxDecodedBytes.
//   - CMap operators allocated as many entries as the file's counts said;
//     Page and Outline walked loops in the page and outline trees forever.

import (
	"errors"
	"fmt"
	"io"
)

// Limits bound the work of one Reader. Zero fields take the defaults.
type Limits struct {
	// MaxDepth bounds the nesting of arrays and dictionaries.
	MaxDepth int
	// MaxObjects bounds the objects an xref may declare.
	MaxObjects int
	// MaxDecodedBytes bounds the bytes all streams decode to and all
	// objects parse from, in total, counted each time they are read.
	MaxDecodedBytes int64
}

// Defaults of Limits.
const (
	DefaultMaxDepth        = 100
	DefaultMaxObjects      = 1 << 20
	DefaultMaxDecodedBytes = 128 << 20

	maxResolveDepth = 16  // object streams found through object streams
	maxPrevChain    = 256 // xref sections linked by /Prev
	maxColumns      = 1 << 20
	maxOutline      = 1 << 14 // outline entries

	maxCachedObject  = 4096    // bytes of file: objects up to this size are kept parsed
	maxCachedObjects = 1 << 16 // objects kept parsed
)

func (l Limits) withDefaults() Limits {
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	if l.MaxObjects <= 0 {
		l.MaxObjects = DefaultMaxObjects
	}
	if l.MaxDecodedBytes <= 0 {
		l.MaxDecodedBytes = DefaultMaxDecodedBytes
	}
	return l
}

// ErrLimit is matched (errors.Is) by every *LimitError.
var ErrLimit = errors.New("limit exceeded")

// LimitError reports a limit of Limits that a file went over. The reader
// panics with it (like with its other errors) or returns it from a stream's
// Read; Reader.LimitErr keeps the first one.
type LimitError struct {
	What string // "nesting depth", "objects", "decoded bytes"
	Max  int64
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("pdf %s over the limit of %d", e.What, e.Max)
}

func (e *LimitError) Is(target error) bool { return target == ErrLimit }

// LimitErr returns the first limit the file went over, or nil.
func (r *Reader) LimitErr() error {
	if r.limitErr == nil {
		return nil
	}
	return r.limitErr
}

// over records and returns a limit error.
func (r *Reader) over(what string, max int64) *LimitError {
	e := &LimitError{What: what, Max: max}
	if r != nil && r.limitErr == nil {
		r.limitErr = e
	}
	return e
}

// charge counts n decoded or parsed bytes.
func (r *Reader) charge(n int64) error {
	if r == nil {
		return nil
	}
	r.decoded += n
	if r.decoded > r.limits.MaxDecodedBytes {
		return r.over("decoded bytes", r.limits.MaxDecodedBytes)
	}
	return nil
}

// Decoded reports the bytes decoded and parsed so far.
func (r *Reader) Decoded() int64 { return r.decoded }

// budgetReader charges what it reads to its Reader.
type budgetReader struct {
	r  *Reader
	rd io.Reader
}

func (b *budgetReader) Read(p []byte) (int, error) {
	if err := b.r.charge(0); err != nil {
		return 0, err
	}
	n, err := b.rd.Read(p)
	if cerr := b.r.charge(int64(n)); cerr != nil {
		return n, cerr
	}
	return n, err
}

// Ref returns the object number and generation of v when v was read as an
// indirect object (through a reference), for telling objects apart
// without formatting them.
func (v Value) Ref() (id uint32, gen uint16, ok bool) {
	return v.ptr.id, v.ptr.gen, v.ref
}

// objStm is a decoded object stream: its data and where each object
// starts in it.
type objStm struct {
	data []byte
	offs map[uint32]int64
}
