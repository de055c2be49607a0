package retrieval

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/policybot/policybot/knowledge"
	"github.com/policybot/policybot/retrieval/internal/segfile"
)

// The index file (index.bin in a generation directory, see store.go) is a
// segfile container with these sections. Integers are little-endian;
// "uvarint"/"varint" are encoding/binary's; a "str" is a uvarint length and
// the bytes.
//
//	head      uvarint format version, str embedder, uvarint dim, varint built-at (Unix ns),
//	          uvarint chunks, uvarint documents, uvarint terms, uvarint flags (1: local vectors),
//	          str pinyin table version, uvarint skipped files, then str path, str reason each
//	chunks    chunk records, in index order: str ID, str DocID, str Title, str Date,
//	          uvarint sections, str each, varint Page, varint Start, varint End, str Text
//	chunkoff  uint64 offset of each chunk record in chunks, and one past the last (chunks+1)
//	doclen    uint32 number of terms of each chunk (BM25 document length)
//	vectors   float32 × dim per chunk, for the local embedder (empty for a remote one, whose
//	          vectors are in vectors.gob.gz, a chromem-go export)
//	postings  per term, its chunks in increasing order: uvarint gap (the first counts from
//	          -1), then the term frequency as a byte (255: a uvarint follows)
//	termoff   per term in byte order, and one sentinel: uint32 offset in terms, uint32 document
//	          frequency, uint64 offset in postings (16 bytes)
//	terms     the terms' bytes, concatenated in byte order
//	termhash  uint32 term number + 1 (0: empty) per slot of an open-addressing table of a
//	          power-of-two size ≥ 2 × terms, at FNV-1a(term), probing forward
//	pyoff     per reading ("chen tong"), and one sentinel: uint32 offset in pykeys,
//	          uint32 offset in pylist (in entries)
//	pykeys    the readings, concatenated in byte order
//	pylist    uint32 term numbers of the Han bigrams that read so, in term order
//	docidoff  uint32 offset of each document's ID in docids, and one past the last
//	docids    the documents' IDs, concatenated (what an unchanged reload lists)
//	docoff    uint64 offset of each document record in docs, and one past the last
//	docs      document records in ID order: str ID, Title, Date, Format, Hash, uvarint pages,
//	          uvarint chunks, uvarint first chunk, varint indexed-at (Unix ns), uvarint warnings,
//	          str each, uvarint file+1 (0: none)
//	files     uvarint count; per knowledge file in walk order: str path, varint size,
//	          varint mtime (ns), uvarint inode, varint ctime (ns), uvarint flags (1: the
//	          fingerprint may be trusted), str skip reason (empty when loaded), uvarint
//	          documents, then uvarint document number gaps (the first from -1)
//
// Everything is read through segfile, which checks each 4 KiB block's CRC the
// first time it is read; the decoders below also check every length, offset
// and count, so a damaged file is an error, never a panic.
const (
	secHead     = "head"
	secChunks   = "chunks"
	secChunkOff = "chunkoff"
	secDocLen   = "doclen"
	secVectors  = "vectors"
	secPostings = "postings"
	secTermOff  = "termoff"
	secTerms    = "terms"
	secTermHash = "termhash"
	secPyOff    = "pyoff"
	secPyKeys   = "pykeys"
	secPyList   = "pylist"
	secDocOff   = "docoff"
	secDocIDOff = "docidoff"
	secDocIDs   = "docids"
	secDocs     = "docs"
	secFiles    = "files"

	termEntrySize = 16
	flagLocalVecs = 1
	flagTrusted   = 1
)

// errCorrupt marks damaged index data; it wraps segfile.ErrCorrupt.
func errCorrupt(format string, args ...any) error {
	return fmt.Errorf("%w: %s", segfile.ErrCorrupt, fmt.Sprintf(format, args...))
}

// IsCorrupt reports whether err is about a damaged index file.
func IsCorrupt(err error) bool { return errors.Is(err, segfile.ErrCorrupt) }

// dec reads the fields of a record, remembering the first error.
type dec struct {
	b   []byte
	err error
	// src, when set, is a copy of the whole record (of length n): str then
	// returns substrings of it instead of allocating each field.
	src string
}

func (d *dec) fail(what string) {
	if d.err == nil {
		d.err = errCorrupt("bad %s in record", what)
	}
	d.b = nil
}

func (d *dec) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail("number")
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *dec) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail("number")
		return 0
	}
	d.b = d.b[n:]
	return v
}

// int reads a uvarint that must fit an int32 (counts, offsets, pages).
func (d *dec) int() int {
	v := d.uvarint()
	if v > math.MaxInt32 {
		d.fail("count")
		return 0
	}
	return int(v)
}

// sint reads a varint that must fit an int32.
func (d *dec) sint() int {
	v := d.varint()
	if v > math.MaxInt32 || v < math.MinInt32 {
		d.fail("number")
		return 0
	}
	return int(v)
}

// count reads the length of a list whose entries take at least one byte
// each, so that a damaged count cannot ask for a huge allocation.
func (d *dec) count() int {
	n := d.int()
	if n > len(d.b) {
		d.fail("count")
		return 0
	}
	return n
}

func (d *dec) bytes() []byte {
	n := d.uvarint()
	if d.err != nil {
		return nil
	}
	if n > uint64(len(d.b)) {
		d.fail("length")
		return nil
	}
	b := d.b[:n]
	d.b = d.b[n:]
	return b
}

func (d *dec) str() string {
	if d.src == "" {
		return string(d.bytes())
	}
	b := d.bytes()
	end := len(d.src) - len(d.b) // b ends where the rest begins
	return d.src[end-len(b) : end]
}

// done checks that the record was read to its end.
func (d *dec) done() error {
	if d.err == nil && len(d.b) != 0 {
		d.err = errCorrupt("%d stray bytes after a record", len(d.b))
	}
	return d.err
}

func appendStr(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendChunk(b []byte, c knowledge.Chunk) []byte {
	b = appendStr(b, c.ID)
	b = appendStr(b, c.DocID)
	b = appendStr(b, c.Title)
	b = appendStr(b, c.Date)
	b = binary.AppendUvarint(b, uint64(len(c.Section)))
	for _, s := range c.Section {
		b = appendStr(b, s)
	}
	b = binary.AppendVarint(b, int64(c.Page))
	b = binary.AppendVarint(b, int64(c.Start))
	b = binary.AppendVarint(b, int64(c.End))
	return appendStr(b, c.Text)
}

func decodeChunk(b []byte) (knowledge.Chunk, error) {
	d := dec{b: b, src: string(b)} // one allocation for all the strings
	c := knowledge.Chunk{ID: d.str(), DocID: d.str(), Title: d.str(), Date: d.str()}
	if n := d.count(); n > 0 {
		c.Section = make([]string, n)
		for i := range c.Section {
			c.Section[i] = d.str()
		}
	}
	c.Page, c.Start, c.End = d.sint(), d.sint(), d.sint()
	c.Text = d.str()
	if err := d.done(); err != nil {
		return knowledge.Chunk{}, err
	}
	return c, nil
}

// docRec is a document as the index stores it.
type docRec struct {
	DocInfo
	first int // its first chunk
	file  int // its file in the files table, or -1
}

func appendDoc(b []byte, r docRec) []byte {
	for _, s := range []string{r.ID, r.Title, r.Date, r.Format, r.Hash} {
		b = appendStr(b, s)
	}
	b = binary.AppendUvarint(b, uint64(r.Pages))
	b = binary.AppendUvarint(b, uint64(r.Chunks))
	b = binary.AppendUvarint(b, uint64(r.first))
	b = binary.AppendVarint(b, r.IndexedAt.UnixNano())
	b = binary.AppendUvarint(b, uint64(len(r.Warnings)))
	for _, w := range r.Warnings {
		b = appendStr(b, w)
	}
	return binary.AppendUvarint(b, uint64(r.file+1))
}

func decodeDoc(b []byte) (docRec, error) {
	d := dec{b: b}
	var r docRec
	r.ID, r.Title, r.Date, r.Format, r.Hash = d.str(), d.str(), d.str(), d.str(), d.str()
	r.Pages, r.Chunks, r.first = d.int(), d.int(), d.int()
	r.IndexedAt = time.Unix(0, d.varint()).UTC()
	if n := d.count(); n > 0 {
		r.Warnings = make([]string, n)
		for i := range r.Warnings {
			r.Warnings[i] = d.str()
		}
	}
	r.file = d.int() - 1
	if err := d.done(); err != nil {
		return docRec{}, err
	}
	return r, nil
}

// fileRec is a knowledge file as the last build saw it: its fingerprint,
// and what it gave (documents, or the reason it was skipped).
type fileRec struct {
	path    string
	fp      fingerprint
	trusted bool   // fp was taken long enough after the last change to be relied on
	skip    string // why the file was skipped; "" when it loaded
	docs    []int  // its documents, by number in the index
}

func appendFiles(b []byte, files []fileRec) []byte {
	b = binary.AppendUvarint(b, uint64(len(files)))
	for _, f := range files {
		b = appendStr(b, f.path)
		b = binary.AppendVarint(b, f.fp.size)
		b = binary.AppendVarint(b, f.fp.mtime)
		b = binary.AppendUvarint(b, f.fp.ino)
		b = binary.AppendVarint(b, f.fp.ctime)
		flags := uint64(0)
		if f.trusted {
			flags |= flagTrusted
		}
		b = binary.AppendUvarint(b, flags)
		b = appendStr(b, f.skip)
		b = binary.AppendUvarint(b, uint64(len(f.docs)))
		prev := -1
		for _, d := range f.docs {
			b = binary.AppendUvarint(b, uint64(d-prev))
			prev = d
		}
	}
	return b
}

// decodeFiles reads the files table; nDocs bounds the document numbers.
func decodeFiles(b []byte, nDocs int) ([]fileRec, error) {
	d := dec{b: b}
	n := d.count()
	files := make([]fileRec, n)
	for i := range files {
		f := &files[i]
		f.path = d.str()
		f.fp = fingerprint{size: d.varint(), mtime: d.varint(), ino: d.uvarint(), ctime: d.varint()}
		f.trusted = d.uvarint()&flagTrusted != 0
		f.skip = d.str()
		if k := d.count(); k > 0 {
			f.docs = make([]int, k)
			prev := -1
			for j := range f.docs {
				gap := d.uvarint()
				if gap == 0 || gap > uint64(nDocs) || prev+int(gap) >= nDocs {
					d.fail("document number")
					break
				}
				prev += int(gap)
				f.docs[j] = prev
			}
		}
		if d.err != nil {
			break
		}
	}
	if err := d.done(); err != nil {
		return nil, err
	}
	return files, nil
}

// head is the index file's summary section.
type head struct {
	version   int
	embedder  string
	dim       int
	builtAt   time.Time
	chunks    int
	docs      int
	terms     int
	localVecs bool
	pinyin    string
	skipped   []knowledge.Skip
}

func appendHead(b []byte, h head) []byte {
	b = binary.AppendUvarint(b, uint64(h.version))
	b = appendStr(b, h.embedder)
	b = binary.AppendUvarint(b, uint64(h.dim))
	b = binary.AppendVarint(b, h.builtAt.UnixNano())
	b = binary.AppendUvarint(b, uint64(h.chunks))
	b = binary.AppendUvarint(b, uint64(h.docs))
	b = binary.AppendUvarint(b, uint64(h.terms))
	flags := uint64(0)
	if h.localVecs {
		flags |= flagLocalVecs
	}
	b = binary.AppendUvarint(b, flags)
	b = appendStr(b, h.pinyin)
	b = binary.AppendUvarint(b, uint64(len(h.skipped)))
	for _, s := range h.skipped {
		b = appendStr(b, s.Path)
		b = appendStr(b, s.Reason)
	}
	return b
}

func decodeHead(b []byte) (head, error) {
	d := dec{b: b}
	h := head{version: d.int(), embedder: d.str(), dim: d.int(), builtAt: time.Unix(0, d.varint()).UTC(),
		chunks: d.int(), docs: d.int(), terms: d.int()}
	h.localVecs = d.uvarint()&flagLocalVecs != 0
	h.pinyin = d.str()
	if n := d.count(); n > 0 {
		h.skipped = make([]knowledge.Skip, n)
		for i := range h.skipped {
			h.skipped[i] = knowledge.Skip{Path: d.str(), Reason: d.str()}
		}
	}
	if err := d.done(); err != nil {
		return head{}, err
	}
	return h, nil
}

// appendPosting appends one posting: the gap from the previous chunk in the
// list (≥ 1; the first counts from -1) as a uvarint, then the term
// frequency as one byte, or 255 and a uvarint for 255 and more.
func appendPosting(b []byte, gap uint64, tf uint32) []byte {
	b = binary.AppendUvarint(b, gap)
	if tf < 255 {
		return append(b, byte(tf))
	}
	return binary.AppendUvarint(append(b, 255), uint64(tf))
}

// decodePosting decodes the posting at the start of b that follows chunk
// doc (-1 for the first) in an index of n chunks, returning the chunk, the
// term frequency and the bytes read (0 if b does not start with a valid
// posting).
func decodePosting(b []byte, doc, n int64) (int64, uint32, int) {
	if len(b) >= 2 && b[0] < 0x80 && b[1] != 255 { // the common case
		gap := int64(b[0])
		if gap < 1 || gap > n-1-doc || b[1] == 0 {
			return 0, 0, 0
		}
		return doc + gap, uint32(b[1]), 2
	}
	g, k := binary.Uvarint(b)
	if k <= 0 || g < 1 || g > uint64(n-1-doc) || k >= len(b) || b[k] == 0 {
		return 0, 0, 0
	}
	doc += int64(g)
	if b[k] != 255 {
		return doc, uint32(b[k]), k + 1
	}
	t, j := binary.Uvarint(b[k+1:])
	if j <= 0 || t < 255 || t > math.MaxUint32 {
		return 0, 0, 0
	}
	return doc, uint32(t), k + 1 + j
}

// postingReader decodes a postings list, checking it as it goes.
type postingReader struct {
	b    []byte
	left int   // postings still to read
	doc  int64 // the last chunk read (-1 before the first)
	n    int64 // chunks in the index: every chunk number is below
	err  error
}

func newPostingReader(b []byte, df, n int) postingReader {
	return postingReader{b: b, left: df, doc: -1, n: int64(n)}
}

// next returns the next posting; ok is false at the end or on an error
// (then err is set).
func (r *postingReader) next() (doc int32, tf uint32, ok bool) {
	if r.left == 0 {
		if len(r.b) != 0 && r.err == nil {
			r.err = errCorrupt("%d stray bytes after a postings list", len(r.b))
		}
		return 0, 0, false
	}
	d, tf, k := decodePosting(r.b, r.doc, r.n)
	if k == 0 {
		if r.err == nil {
			r.err = errCorrupt("bad postings list")
		}
		r.left, r.b = 0, nil
		return 0, 0, false
	}
	r.doc, r.b = d, r.b[k:]
	r.left--
	return int32(d), tf, true
}
