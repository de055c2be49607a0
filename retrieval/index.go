package retrieval

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/policybot/policybot/knowledge"
	"github.com/policybot/policybot/retrieval/internal/segfile"
	"github.com/policybot/policybot/retrieval/vectordb"
)

// DocInfo describes an indexed document.
type DocInfo struct {
	ID        string    `json:"id"`
	Title     string    `json:"title"`
	Date      string    `json:"date,omitempty"`
	Format    string    `json:"format"`
	Hash      string    `json:"hash"`
	Pages     int       `json:"pages,omitempty"`
	Chunks    int       `json:"chunks"`
	IndexedAt time.Time `json:"indexed_at"`
	Warnings  []string  `json:"warnings,omitempty"`
}

// Index is one immutable generation of the knowledge base: chunks, their
// lexical index and their vectors. It reads them in place from its index
// file (memory-mapped; see format.go), so opening one costs the same at
// any size and a question touches only the postings, chunks and vectors it
// needs. Queries may run on it concurrently; a reload builds a new Index
// and swaps it in.
type Index struct {
	file     *segfile.File
	dir      string // generation directory; "" for an index in memory
	n        int    // chunks
	nDocs    int
	lex      *lexIndex
	py       pinyinMap
	chunkOff segfile.Section
	chunks   segfile.Section
	vecs     segfile.Section // local vectors; empty for a remote embedder
	docOff   segfile.Section
	docIDOff segfile.Section
	docIDSec segfile.Section
	docs     segfile.Section
	files    []fileRec
	skipped  []knowledge.Skip
	embedder string
	dim      int
	local    bool // vectors are in the index file (local embedder)
	builtAt  time.Time
	pinyin   string // version of the pinyin table the stored map was built with

	// vectors is the chromem-go collection of a remote embedder's vectors,
	// loaded from vectors.gob.gz on first use.
	vectorsOnce sync.Once
	vectors     *vectordb.Collection
	vectorsErr  error

	// byID maps chunk IDs to positions, for the remote vector leg; built on
	// first use.
	byIDOnce sync.Once
	byID     map[string]int32
	byIDErr  error
	// docByID maps document IDs to positions, for questions about a
	// document's structure; built on first use.
	docByIDOnce sync.Once
	docByID     map[string]int
	docByIDErr  error

	// readAs is the pinyin → bigram map when the stored one was built from
	// another pinyin table; built on first use.
	readAsOnce sync.Once
	readAs     map[string][]string

	// damage is the first error found reading the index file after it was
	// opened (a block whose checksum fails); see Err.
	damage atomic.Pointer[error]
}

// Len is the number of chunks.
func (ix *Index) Len() int { return ix.n }

// Skipped lists the files the last build could not load.
func (ix *Index) Skipped() []knowledge.Skip { return ix.skipped }

// BuiltAt is when this generation was built.
func (ix *Index) BuiltAt() time.Time { return ix.builtAt }

// Err reports damage found in the index file since it was opened (nil if
// none). Such an index answers what it still can; the next reload rebuilds
// it from the documents instead of reusing it.
func (ix *Index) Err() error {
	if p := ix.damage.Load(); p != nil {
		return *p
	}
	return nil
}

// bad records damage, and marks the generation on disk so that the next
// start rebuilds it.
func (ix *Index) bad(err error) {
	if ix.damage.CompareAndSwap(nil, &err) {
		markDamaged(ix.dir, err)
	}
}

// openIndex reads an index file's summary and what queries need at once
// (the document lengths and the files table); the rest stays in the file.
func openIndex(f *segfile.File, dir string) (*Index, error) {
	if f.Version() != storeVersion {
		return nil, fmt.Errorf("index format %d, this policybot reads %d", f.Version(), storeVersion)
	}
	sec := func(name string) (segfile.Section, error) {
		s, ok := f.Section(name)
		if !ok {
			return s, errCorrupt("no %s section", name)
		}
		return s, nil
	}
	whole := func(name string) ([]byte, error) {
		s, err := sec(name)
		if err != nil {
			return nil, err
		}
		return f.Bytes(s, 0, s.Len)
	}
	defer runtime.KeepAlive(f)
	hb, err := whole(secHead)
	if err != nil {
		return nil, err
	}
	h, err := decodeHead(hb)
	if err != nil {
		return nil, err
	}
	if h.version != storeVersion {
		return nil, errCorrupt("head says format %d", h.version)
	}
	ix := &Index{file: f, dir: dir, n: h.chunks, nDocs: h.docs, skipped: h.skipped, embedder: h.embedder,
		dim: h.dim, local: h.localVecs, builtAt: h.builtAt, pinyin: h.pinyin}
	lx := &lexIndex{f: f, n: h.chunks, nTerms: h.terms, bad: ix.bad}
	ix.lex = lx
	names := []struct {
		name string
		dst  *segfile.Section
		size int64 // expected length, or -1
	}{
		{secChunks, &ix.chunks, -1},
		{secChunkOff, &ix.chunkOff, 8 * (int64(h.chunks) + 1)},
		{secVectors, &ix.vecs, -1},
		{secPostings, &lx.postings, -1},
		{secTermOff, &lx.termOff, termEntrySize * (int64(h.terms) + 1)},
		{secTerms, &lx.terms, -1},
		{secTermHash, &lx.termHash, -1},
		{secPyOff, &ix.py.off, -1},
		{secPyKeys, &ix.py.keys, -1},
		{secPyList, &ix.py.list, -1},
		{secDocOff, &ix.docOff, 8 * (int64(h.docs) + 1)},
		{secDocIDOff, &ix.docIDOff, 4 * (int64(h.docs) + 1)},
		{secDocIDs, &ix.docIDSec, -1},
		{secDocs, &ix.docs, -1},
	}
	for _, s := range names {
		if *s.dst, err = sec(s.name); err != nil {
			return nil, err
		}
		if s.size >= 0 && s.dst.Len != s.size {
			return nil, errCorrupt("section %s has %d bytes, want %d", s.name, s.dst.Len, s.size)
		}
	}
	if h.dim <= 0 || h.dim > 1<<16 {
		return nil, errCorrupt("vector dimension %d", h.dim)
	}
	if want := int64(0); h.localVecs {
		want = 4 * int64(h.dim) * int64(h.chunks)
		if ix.vecs.Len != want {
			return nil, errCorrupt("vectors section has %d bytes, want %d", ix.vecs.Len, want)
		}
	}
	if n := lx.termHash.Len / 4; lx.termHash.Len%4 != 0 || n == 0 || n&(n-1) != 0 || n < int64(h.terms) {
		return nil, errCorrupt("term hash table of %d bytes", lx.termHash.Len)
	}
	if ix.py.off.Len < 8 || ix.py.off.Len%8 != 0 {
		return nil, errCorrupt("pinyin table of %d bytes", ix.py.off.Len)
	}
	ix.py.f, ix.py.nKeys = f, int(ix.py.off.Len/8-1)

	// Document lengths, for every query.
	dl, err := whole(secDocLen)
	if err != nil {
		return nil, err
	}
	if int64(len(dl)) != 4*int64(h.chunks) {
		return nil, errCorrupt("doclen section has %d bytes for %d chunks", len(dl), h.chunks)
	}
	lx.docLen = make([]float32, h.chunks)
	var total float64
	for i := range lx.docLen {
		n := binary.LittleEndian.Uint32(dl[4*i:])
		lx.docLen[i] = float32(n)
		total += float64(n)
	}
	if h.chunks > 0 {
		lx.avgLen = float32(total / float64(h.chunks))
	}
	lx.norm = make([]float32, h.chunks)
	for i, dl := range lx.docLen {
		lx.norm[i] = bm25K1 * (1 - bm25B + bm25B*dl/lx.avgLen)
	}
	fb, err := whole(secFiles)
	if err != nil {
		return nil, err
	}
	if ix.files, err = decodeFiles(fb, h.docs); err != nil {
		return nil, err
	}
	return ix, nil
}

// chunkRange returns chunk i's record bounds.
func (ix *Index) chunkRange(i int) (int64, int64, error) {
	if i < 0 || i >= ix.n {
		return 0, 0, errCorrupt("chunk %d of %d", i, ix.n)
	}
	b, err := ix.file.Bytes(ix.chunkOff, int64(i)*8, 16)
	if err != nil {
		return 0, 0, err
	}
	lo, hi := binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint64(b[8:])
	if lo > hi || hi > uint64(ix.chunks.Len) {
		return 0, 0, errCorrupt("bad offset of chunk %d", i)
	}
	return int64(lo), int64(hi), nil
}

// chunkRaw returns chunk i's encoded record (valid while ix is reachable).
func (ix *Index) chunkRaw(i int) ([]byte, error) {
	lo, hi, err := ix.chunkRange(i)
	if err != nil {
		return nil, err
	}
	return ix.file.Bytes(ix.chunks, lo, hi-lo)
}

// chunk decodes chunk i.
func (ix *Index) chunk(i int) (knowledge.Chunk, error) {
	defer runtime.KeepAlive(ix)
	b, err := ix.chunkRaw(i)
	if err != nil {
		return knowledge.Chunk{}, err
	}
	return decodeChunk(b)
}

// chunkID decodes only chunk i's ID (the record's first field).
func (ix *Index) chunkID(i int) (string, error) {
	defer runtime.KeepAlive(ix)
	b, err := ix.chunkRaw(i)
	if err != nil {
		return "", err
	}
	d := dec{b: b}
	id := d.str()
	return id, d.err
}

// Chunk returns chunk i (0 ≤ i < Len) of the index.
func (ix *Index) Chunk(i int) (knowledge.Chunk, error) { return ix.chunk(i) }

// vecRaw returns chunk i's local vector, little-endian float32s (valid
// while ix is reachable).
func (ix *Index) vecRaw(i int) ([]byte, error) {
	if !ix.local || i < 0 || i >= ix.n {
		return nil, errCorrupt("no local vector %d", i)
	}
	sz := 4 * int64(ix.dim)
	return ix.file.Bytes(ix.vecs, int64(i)*sz, sz)
}

// littleEndian reports whether float32s in memory are laid out as in the
// index file, so that vectors can be read in place.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// dotLocal is the cosine similarity of the normalised query vector qv and
// chunk i's stored local vector, summed in the same order as dot.
func (ix *Index) dotLocal(qv []float32, i int) (float32, error) {
	defer runtime.KeepAlive(ix)
	b, err := ix.vecRaw(i)
	if err != nil {
		return 0, err
	}
	if littleEndian && len(b) >= 4 && uintptr(unsafe.Pointer(&b[0]))%4 == 0 {
		// The vector in place: the file's little-endian float32s.
		return dot(qv, unsafe.Slice((*float32)(unsafe.Pointer(&b[0])), len(b)/4)), nil
	}
	var s float32
	for j := range min(len(qv), len(b)/4) {
		s += qv[j] * math.Float32frombits(binary.LittleEndian.Uint32(b[4*j:]))
	}
	return s, nil
}

// vector returns chunk i's stored vector: from the index file for the local
// embedder, from the chromem-go collection for a remote one.
func (ix *Index) vector(ctx context.Context, i int) ([]float32, error) {
	if ix.local {
		defer runtime.KeepAlive(ix)
		b, err := ix.vecRaw(i)
		if err != nil {
			return nil, err
		}
		v := make([]float32, ix.dim)
		for j := range v {
			v[j] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*j:]))
		}
		return v, nil
	}
	col, err := ix.collection()
	if err != nil {
		return nil, err
	}
	id, err := ix.chunkID(i)
	if err != nil {
		return nil, err
	}
	return col.Vector(ctx, id)
}

// collection returns the chromem-go collection of a remote embedder's
// vectors, loading it on first use.
func (ix *Index) collection() (*vectordb.Collection, error) {
	ix.vectorsOnce.Do(func() {
		if ix.vectors != nil {
			return
		}
		if ix.dir == "" {
			ix.vectorsErr = fmt.Errorf("index has no vector collection")
			return
		}
		col, err := vectordb.Load(vectorsPath(ix.dir), ix.n == 0)
		if err == nil && col.Count() != ix.n {
			err = errCorrupt("%d vectors for %d chunks", col.Count(), ix.n)
		}
		ix.vectors, ix.vectorsErr = col, err
	})
	return ix.vectors, ix.vectorsErr
}

// position returns the position of the chunk with ID id.
func (ix *Index) position(id string) (int32, bool, error) {
	ix.byIDOnce.Do(func() {
		m := make(map[string]int32, ix.n)
		for i := range ix.n {
			cid, err := ix.chunkID(i)
			if err != nil {
				ix.byIDErr = err
				return
			}
			m[cid] = int32(i)
		}
		ix.byID = m
	})
	if ix.byIDErr != nil {
		return 0, false, ix.byIDErr
	}
	p, ok := ix.byID[id]
	return p, ok, nil
}

// DocumentChunks returns the chunks of the document with ID docID, in
// document order: what a question about its structure (its parts, their
// headings) reads. It finds the document by a linear scan of the
// document IDs, once per call.
//
// At most max chunks are returned (all when max < 0): a question reads a
// document's structure within a bound, however long the document.
func (ix *Index) DocumentChunks(docID string, max int) ([]knowledge.Chunk, error) {
	return ix.documentChunks(docID, max)
}

// DocumentOpening returns the first chunk of the document with ID docID
// (its title and opening lines), or false.
func (ix *Index) DocumentOpening(docID string) (knowledge.Chunk, bool, error) {
	cs, err := ix.documentChunks(docID, 1)
	if err != nil || len(cs) == 0 {
		return knowledge.Chunk{}, false, err
	}
	return cs[0], true, nil
}

// documentChunks returns the first max chunks (all when max < 0) of the
// document with ID docID.
func (ix *Index) documentChunks(docID string, max int) ([]knowledge.Chunk, error) {
	defer runtime.KeepAlive(ix)
	i, ok, err := ix.docPosition(docID)
	if err != nil || !ok {
		return nil, err
	}
	r, err := ix.doc(i)
	if err != nil {
		return nil, err
	}
	n := r.Chunks
	if max >= 0 {
		n = min(n, max)
	}
	out := make([]knowledge.Chunk, 0, n)
	for k := r.first; k < r.first+n; k++ {
		c, err := ix.chunk(k)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// docPosition returns the position of the document with ID docID, from a
// map built at the first call.
func (ix *Index) docPosition(docID string) (int, bool, error) {
	ix.docByIDOnce.Do(func() {
		ids, err := ix.docIDs()
		if err != nil {
			ix.docByIDErr = err
			return
		}
		ix.docByID = make(map[string]int, len(ids))
		for i, id := range ids {
			ix.docByID[id] = i
		}
	})
	if ix.docByIDErr != nil {
		return 0, false, ix.docByIDErr
	}
	i, ok := ix.docByID[docID]
	return i, ok, nil
}

// docRaw returns document i's encoded record (valid while ix is reachable).
func (ix *Index) docRaw(i int) ([]byte, error) {
	if i < 0 || i >= ix.nDocs {
		return nil, errCorrupt("document %d of %d", i, ix.nDocs)
	}
	b, err := ix.file.Bytes(ix.docOff, int64(i)*8, 16)
	if err != nil {
		return nil, err
	}
	lo, hi := binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint64(b[8:])
	if lo > hi || hi > uint64(ix.docs.Len) {
		return nil, errCorrupt("bad offset of document %d", i)
	}
	return ix.file.Bytes(ix.docs, int64(lo), int64(hi-lo))
}

// doc decodes document i's record.
func (ix *Index) doc(i int) (docRec, error) {
	defer runtime.KeepAlive(ix)
	b, err := ix.docRaw(i)
	if err != nil {
		return docRec{}, err
	}
	r, err := decodeDoc(b)
	if err != nil {
		return docRec{}, err
	}
	if r.first > ix.n || r.Chunks > ix.n-r.first || r.file >= len(ix.files) {
		return docRec{}, errCorrupt("document %d: chunks %d+%d of %d", i, r.first, r.Chunks, ix.n)
	}
	return r, nil
}

// docID returns document i's ID.
func (ix *Index) docID(i int) (string, error) {
	defer runtime.KeepAlive(ix)
	if i < 0 || i >= ix.nDocs {
		return "", errCorrupt("document %d of %d", i, ix.nDocs)
	}
	b, err := ix.file.Bytes(ix.docIDOff, int64(i)*4, 8)
	if err != nil {
		return "", err
	}
	lo, hi := binary.LittleEndian.Uint32(b), binary.LittleEndian.Uint32(b[4:])
	if lo > hi || int64(hi) > ix.docIDSec.Len {
		return "", errCorrupt("bad offset of document ID %d", i)
	}
	id, err := ix.file.Bytes(ix.docIDSec, int64(lo), int64(hi-lo))
	return string(id), err
}

// docIDs returns every document's ID, in index order: substrings of one
// copy of the docids section.
func (ix *Index) docIDs() ([]string, error) {
	defer runtime.KeepAlive(ix)
	off, err := ix.file.Bytes(ix.docIDOff, 0, ix.docIDOff.Len)
	if err != nil {
		return nil, err
	}
	blob, err := ix.file.Bytes(ix.docIDSec, 0, ix.docIDSec.Len)
	if err != nil {
		return nil, err
	}
	all := string(blob)
	ids := make([]string, ix.nDocs)
	lo := binary.LittleEndian.Uint32(off)
	for i := range ids {
		hi := binary.LittleEndian.Uint32(off[4*i+4:])
		if lo > hi || int(hi) > len(all) {
			return nil, errCorrupt("bad offset of document ID %d", i)
		}
		ids[i], lo = all[lo:hi], hi
	}
	return ids, nil
}

// Docs lists the indexed documents (decoded from the index file at each
// call). Damage is recorded (see Err) and ends the list early.
func (ix *Index) Docs() []DocInfo {
	out := make([]DocInfo, 0, ix.nDocs)
	for i := range ix.nDocs {
		r, err := ix.doc(i)
		if err != nil {
			ix.bad(err)
			break
		}
		out = append(out, r.DocInfo)
	}
	return out
}

// chunkMatchText is what a chunk is matched on: its title and section path
// as context, then its text.
func chunkMatchText(c knowledge.Chunk) string {
	var b strings.Builder
	b.WriteString(c.Title)
	b.WriteByte('\n')
	for _, s := range c.Section {
		b.WriteString(s)
		b.WriteByte('\n')
	}
	b.WriteString(c.Text)
	return b.String()
}

// BuildStats reports what a build did.
type BuildStats struct {
	Added, Changed, Removed, Unchanged []string
	Chunks                             int
	Embedded                           int // chunks sent to the embedder
	Took                               time.Duration
}

func (s BuildStats) String() string {
	return fmt.Sprintf("%d added, %d changed, %d removed, %d unchanged; %d chunks (%d embedded) in %s",
		len(s.Added), len(s.Changed), len(s.Removed), len(s.Unchanged), s.Chunks, s.Embedded, s.Took.Round(time.Millisecond))
}

// checkVectors rejects a reply with the wrong number or size of vectors, or
// a zero vector.
func checkVectors(vs [][]float32, n, dim int) error {
	if len(vs) != n {
		return fmt.Errorf("got %d vectors for %d texts", len(vs), n)
	}
	for i, v := range vs {
		if len(v) != dim {
			return fmt.Errorf("vector %d has dimension %d, want %d", i, len(v), dim)
		}
		if !Normalize(v) {
			return fmt.Errorf("vector %d is zero", i)
		}
	}
	return nil
}

// parallel splits 0..n-1 into one contiguous share per GOMAXPROCS
// goroutine, runs fn on each share and waits for them.
func parallel(n int, fn func(lo, hi int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	per := (n + workers - 1) / workers
	for w := range workers {
		lo, hi := w*per, min(n, (w+1)*per)
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(lo, hi)
		}()
	}
	wg.Wait()
}
