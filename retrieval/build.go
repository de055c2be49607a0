package retrieval

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/policybot/policybot/knowledge"
	"github.com/policybot/policybot/retrieval/internal/segfile"
	"github.com/policybot/policybot/retrieval/pinyin"
	"github.com/policybot/policybot/retrieval/vectordb"
)

// builder holds what a build needs.
type builder struct {
	fold func(string) string
	// foldPlain, when set, is fold without Taiwan phrases: where the two
	// differ, a chunk holds the terms of both (see knowledge.Folder.FoldPlain).
	foldPlain func(string) string
	embedder  Embedder
	py        *pinyin.Table
	progress  func(done, total int)
}

// embedBatch is how many chunk texts go to the embedder per call.
const embedBatch = 64

// maxBuildBatch is how many documents are at most chunked, folded,
// tokenised and embedded at a time before they are written out: what bounds
// a build's working memory beyond the corpus itself. Small builds use
// smaller batches, so that writing one out overlaps chunking the next.
const maxBuildBatch = 512

// entry is one document of the new generation.
type entry struct {
	info      DocInfo
	file      int                 // in the new files table, or -1
	prevFirst int                 // first chunk in prev when its chunks are kept; -1 when chunked now
	doc       *knowledge.Document // to chunk, when prevFirst < 0
	text      *spillRef           // where doc's text is, when spilled
}

// build makes a new generation from what the scan found. Documents whose
// file fingerprint or content hash is unchanged from prev (same embedder)
// keep their chunks, vectors and postings; the rest are chunked, folded,
// tokenised and embedded, a batch at a time, and streamed into the new index
// file of the generation newGen makes (in a data directory, or in memory).
// When nothing changed it returns prev itself.
func (b builder) build(ctx context.Context, sc *folderScan, prev *Index, newGen func() (*generation, error)) (*Index, BuildStats, error) {
	start := time.Now()
	var st BuildStats
	if prev != nil && (prev.embedder != b.embedder.Name() || prev.dim != b.embedder.Dim()) {
		prev = nil
	}
	if prev != nil && sc.read == 0 && sameFiles(sc.files, prev.files) && sameSkips(prev.skipped, sc.skipped) {
		// Every file has the fingerprint it had: nothing to read or write.
		ids, err := prev.docIDs()
		if err != nil {
			return nil, st, err
		}
		st.Unchanged = ids
		st.Chunks, st.Took = prev.Len(), time.Since(start)
		return prev, st, nil
	}

	entries, st, err := b.plan(sc, prev, start)
	if err != nil {
		return nil, st, err
	}
	// Number the documents and note each file's.
	files := make([]fileRec, len(sc.files))
	copy(files, sc.files)
	for i := range files {
		files[i].docs = nil
	}
	for i, e := range entries {
		if e.file >= 0 {
			files[e.file].docs = append(files[e.file].docs, i)
		}
	}
	if prev != nil && len(st.Added)+len(st.Changed)+len(st.Removed) == 0 &&
		sameSkips(prev.skipped, sc.skipped) && sameFiles(files, prev.files) {
		st.Chunks, st.Took = prev.Len(), time.Since(start)
		return prev, st, nil
	}
	out, err := newGen()
	if err != nil {
		return nil, st, err
	}
	ix, err := b.write(ctx, sc, entries, files, prev, out, start, &st)
	if err != nil {
		return nil, st, err
	}
	st.Chunks = ix.Len()
	st.Took = time.Since(start)
	return ix, st, nil
}

// plan lists the new generation's documents in ID order, deciding for each
// whether its chunks are kept from prev, and fills the build statistics.
func (b builder) plan(sc *folderScan, prev *Index, start time.Time) ([]entry, BuildStats, error) {
	var st BuildStats
	var entries []entry
	var used []bool
	prevByID := make(map[string]int)
	if prev != nil {
		used = make([]bool, prev.nDocs)
		fresh := false
		for _, it := range sc.items {
			fresh = fresh || len(it.fresh) > 0
		}
		if fresh {
			ids, err := prev.docIDs()
			if err != nil {
				return nil, st, err
			}
			for i, id := range ids {
				prevByID[id] = i
			}
		}
	}
	kind := make(map[int]byte) // entry → 'a'dded, 'c'hanged, 'u'nchanged
	for _, it := range sc.items {
		for _, p := range it.prevDocs {
			r, err := prev.doc(p)
			if err != nil {
				return nil, st, err
			}
			used[p] = true
			kind[len(entries)] = 'u'
			entries = append(entries, entry{info: r.DocInfo, file: it.file, prevFirst: r.first})
		}
		for i := range it.fresh {
			d := &it.fresh[i]
			var ref *spillRef
			if it.texts != nil {
				ref = &it.texts[i]
			}
			info := DocInfo{ID: d.ID, Title: d.Title, Date: d.Date, Format: d.Format, Hash: d.Hash,
				Pages: d.Pages(), IndexedAt: start.UTC(), Warnings: d.Warnings}
			e := entry{info: info, file: it.file, prevFirst: -1, doc: d, text: ref}
			k := byte('a')
			if p, had := prevByID[d.ID]; had {
				r, err := prev.doc(p)
				if err != nil {
					return nil, st, err
				}
				used[p] = true
				k = 'c'
				if r.Hash == d.Hash {
					k = 'u'
					e.info.IndexedAt, e.info.Chunks = r.IndexedAt, r.Chunks
					e.prevFirst, e.doc, e.text = r.first, nil, nil
					d.Text = "" // its chunks are kept: the text is not needed
				}
			}
			kind[len(entries)] = k
			entries = append(entries, e)
		}
	}
	order := make([]int, len(entries))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return entries[order[i]].info.ID < entries[order[j]].info.ID })
	sorted := make([]entry, len(entries))
	for i, o := range order {
		sorted[i] = entries[o]
		id := entries[o].info.ID
		switch kind[o] {
		case 'a':
			st.Added = append(st.Added, id)
		case 'c':
			st.Changed = append(st.Changed, id)
		default:
			st.Unchanged = append(st.Unchanged, id)
		}
	}
	for p, u := range used {
		if !u {
			id, err := prev.docID(p)
			if err != nil {
				return nil, st, err
			}
			st.Removed = append(st.Removed, id)
		}
	}
	return sorted, st, nil
}

func sameFiles(a, b []fileRec) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := &a[i], &b[i]
		if x.path != y.path || x.fp != y.fp || x.trusted != y.trusted || x.skip != y.skip || len(x.docs) != len(y.docs) {
			return false
		}
		for j := range x.docs {
			if x.docs[j] != y.docs[j] {
				return false
			}
		}
	}
	return true
}

func sameSkips(a, b []knowledge.Skip) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// chunkOut is a chunk made by a build: its record, terms and vector.
type chunkOut struct {
	id    string
	rec   []byte
	terms []termTF
	n     uint32    // number of terms (BM25 document length)
	vec   []float32 // local embedder; a remote one's arrives after embedding
	text  string    // what a remote embedder embeds
}

type termTF struct {
	t  string
	tf uint32
}

// worker is one build goroutine's reusable memory.
type worker struct {
	toks  []string
	tf    map[string]uint32
	feats featureSet
	// the plain fold's terms (addPlain)
	plainToks []string
	plainTF   map[string]uint32
}

// addPlain adds the terms of a chunk's plain fold that its fold lacks (a
// Taiwan phrase read across a word boundary), each as often as the plain
// fold has it, and returns how many occurrences it added.
func (w *worker) addPlain(plain string) uint32 {
	if w.plainTF == nil {
		w.plainTF = make(map[string]uint32, 64)
	}
	clear(w.plainTF)
	w.plainToks = tokens(w.plainToks[:0], plain)
	for _, t := range w.plainToks {
		w.plainTF[t]++
	}
	var added uint32
	for t, n := range w.plainTF {
		if have := w.tf[t]; n > have {
			w.tf[t] = n
			added += n - have
		}
	}
	return added
}

// chunkDoc chunks, folds and tokenises one document, and embeds its chunks
// with the local embedder.
func (b builder) chunkDoc(w *worker, d knowledge.Document, local *HashEmbedder) []chunkOut {
	cs := knowledge.Chunks(d)
	out := make([]chunkOut, len(cs))
	if w.tf == nil {
		w.tf = make(map[string]uint32, 512)
	}
	for i, c := range cs {
		text := chunkMatchText(c)
		folded := b.fold(text)
		w.toks = tokens(w.toks[:0], folded)
		clear(w.tf)
		for _, t := range w.toks {
			w.tf[t]++
		}
		n := uint32(len(w.toks))
		if b.foldPlain != nil {
			if plain := b.foldPlain(text); plain != folded {
				n += w.addPlain(plain)
			}
		}
		terms := make([]termTF, 0, len(w.tf))
		for t, n := range w.tf {
			terms = append(terms, termTF{t, n})
		}
		o := chunkOut{id: c.ID, rec: appendChunk(nil, c), terms: terms, n: n}
		if local != nil {
			w.feats.reset()
			w.feats.addText(folded, w.toks)
			o.vec = local.vector(&w.feats, nil)
		} else {
			o.text = text
		}
		out[i] = o
	}
	return out
}

// write streams the new generation's index file and opens it.
func (b builder) write(ctx context.Context, sc *folderScan, entries []entry, files []fileRec,
	prev *Index, out *generation, start time.Time, st *BuildStats) (*Index, error) {
	if prev != nil {
		defer runtime.KeepAlive(prev)
	}
	idxW, err := out.create()
	if err != nil {
		return nil, err
	}
	vecTmp, err := out.temp("vectors")
	if err != nil {
		return nil, err
	}
	defer vecTmp.discard()
	docTmp, err := out.temp("docs")
	if err != nil {
		return nil, err
	}
	defer docTmp.discard()
	dw := bufio.NewWriterSize(docTmp, 1<<20)
	bw := bufio.NewWriterSize(idxW, 1<<20)
	sw := segfile.NewWriter(bw)
	vw := bufio.NewWriterSize(vecTmp, 1<<20)
	local, _ := b.embedder.(*HashEmbedder)
	dim := b.embedder.Dim()

	var (
		chunkOff []uint64
		docLen   []uint32
		ids      []string    // remote: chunk IDs, for the chromem-go collection
		rvecs    [][]float32 // remote: vectors
		oldToNew []int32
		pb       = postBuilder{ids: make(map[string]int32, 1<<16)}
		nDocs    int
		docOff   []byte // of each record, as the docs section is written to docTmp
		docLen64 int64
		idBlob   []byte
		idOff    []byte
		recBuf   []byte
		vbuf     = make([]byte, 4*dim)
	)
	if prev != nil {
		oldToNew = make([]int32, prev.n)
		for i := range oldToNew {
			oldToNew[i] = -1
		}
	}
	if err := sw.Begin(secChunks); err != nil {
		return nil, err
	}
	recBase := sw.Offset()
	writeVec := func(v []float32) error {
		for j, x := range v {
			binary.LittleEndian.PutUint32(vbuf[4*j:], math.Float32bits(x))
		}
		_, err := vw.Write(vbuf)
		return err
	}

	// doc returns an entry's document with its text.
	doc := func(e *entry) (knowledge.Document, error) {
		d := *e.doc
		var err error
		d.Text, err = sc.text(e.doc, e.text)
		return d, err
	}
	// A remote embedder reports progress over all the chunks to embed.
	total := 0
	if local == nil && b.progress != nil {
		for i := range entries {
			if entries[i].doc != nil {
				d, err := doc(&entries[i])
				if err != nil {
					return nil, err
				}
				total += len(knowledge.Chunks(d))
			}
		}
	}
	// Batches are chunked on every core while the previous batch is written
	// out (postings, records, vectors: one goroutine), so that the writing
	// overlaps the next batch's chunking.
	workers := make([]worker, runtime.GOMAXPROCS(0))
	type chunked struct {
		made [][]chunkOut
		errs []error
		done chan struct{}
	}
	chunkBatch := func(batch []entry) *chunked {
		c := &chunked{made: make([][]chunkOut, len(batch)), errs: make([]error, len(batch)), done: make(chan struct{})}
		var next atomic.Int64
		var wg sync.WaitGroup
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					j := int(next.Add(1) - 1)
					if j >= len(batch) {
						return
					}
					if batch[j].doc != nil {
						d, err := doc(&batch[j])
						if err != nil {
							c.errs[j] = err
							continue
						}
						c.made[j] = b.chunkDoc(&workers[w], d, local)
					}
				}
			}()
		}
		go func() {
			wg.Wait()
			close(c.done)
		}()
		return c
	}
	buildBatch := max(32, min(maxBuildBatch, len(entries)/16))
	var ahead *chunked
	defer func() {
		if ahead != nil {
			<-ahead.done // no goroutine outlives the build
		}
	}()
	if len(entries) > 0 {
		ahead = chunkBatch(entries[:min(buildBatch, len(entries))])
	}
	for lo := 0; lo < len(entries); lo += buildBatch {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		batch := entries[lo:min(lo+buildBatch, len(entries))]
		cur := ahead
		<-cur.done
		ahead = nil
		if hi := lo + buildBatch; hi < len(entries) {
			ahead = chunkBatch(entries[hi:min(hi+buildBatch, len(entries))])
		}
		made := cur.made
		for _, err := range cur.errs {
			if err != nil {
				return nil, err
			}
		}
		if local == nil {
			if err := b.embedRemote(ctx, made, &st.Embedded, total); err != nil {
				return nil, err
			}
		}
		for j := range batch {
			e := &batch[j]
			r := docRec{DocInfo: e.info, first: len(chunkOff), file: e.file}
			if e.prevFirst >= 0 {
				for i := e.prevFirst; i < e.prevFirst+e.info.Chunks; i++ {
					raw, err := prev.chunkRaw(i)
					if err != nil {
						return nil, err
					}
					oldToNew[i] = int32(len(chunkOff))
					chunkOff = append(chunkOff, uint64(sw.Offset()-recBase))
					if _, err := sw.Write(raw); err != nil {
						return nil, err
					}
					docLen = append(docLen, uint32(prev.lex.docLen[i]))
					if local != nil {
						vb, err := prev.vecRaw(i)
						if err != nil {
							return nil, err
						}
						if _, err := vw.Write(vb); err != nil {
							return nil, err
						}
					} else {
						v, err := prev.vector(ctx, i)
						if err != nil {
							return nil, err
						}
						id, err := prev.chunkID(i)
						if err != nil {
							return nil, err
						}
						ids, rvecs = append(ids, id), append(rvecs, v)
					}
				}
			} else {
				for _, c := range made[j] {
					pos := int32(len(chunkOff))
					chunkOff = append(chunkOff, uint64(sw.Offset()-recBase))
					if _, err := sw.Write(c.rec); err != nil {
						return nil, err
					}
					docLen = append(docLen, c.n)
					pb.add(pos, c.terms)
					if local != nil {
						if err := writeVec(c.vec); err != nil {
							return nil, err
						}
					} else {
						ids, rvecs = append(ids, c.id), append(rvecs, c.vec)
					}
				}
				r.Chunks = len(made[j])
				if local != nil {
					st.Embedded += len(made[j])
				}
			}
			recBuf = appendDoc(recBuf[:0], r)
			docOff = binary.LittleEndian.AppendUint64(docOff, uint64(docLen64))
			if _, err := dw.Write(recBuf); err != nil {
				return nil, err
			}
			docLen64 += int64(len(recBuf))
			idOff = binary.LittleEndian.AppendUint32(idOff, uint32(len(idBlob)))
			idBlob = append(idBlob, r.ID...)
			if len(idBlob) > math.MaxUint32 {
				return nil, fmt.Errorf("document IDs over 4 GB: over the index limit")
			}
			nDocs++
			if e.doc != nil {
				e.doc.Text = "" // chunked: the text is no longer needed
				e.doc = nil
			}
		}
	}
	if local != nil && b.progress != nil && st.Embedded > 0 {
		b.progress(st.Embedded, st.Embedded)
	}
	n := len(chunkOff)
	if n > math.MaxInt32 {
		return nil, fmt.Errorf("%d chunks: over the index limit", n)
	}
	chunkOff = append(chunkOff, uint64(sw.Offset()-recBase))
	if err := sw.End(); err != nil {
		return nil, err
	}
	u64 := make([]byte, 0, 8*len(chunkOff))
	for _, o := range chunkOff {
		u64 = binary.LittleEndian.AppendUint64(u64, o)
	}
	chunkOff = nil
	if err := sw.Section(secChunkOff, u64); err != nil {
		return nil, err
	}
	u32 := make([]byte, 0, 4*len(docLen))
	for _, l := range docLen {
		u32 = binary.LittleEndian.AppendUint32(u32, l)
	}
	if err := sw.Section(secDocLen, u32); err != nil {
		return nil, err
	}
	if err := vw.Flush(); err != nil {
		return nil, err
	}
	if err := sw.Begin(secVectors); err != nil {
		return nil, err
	}
	if local != nil {
		if err := vecTmp.copyTo(sw); err != nil {
			return nil, err
		}
	}
	if err := sw.End(); err != nil {
		return nil, err
	}
	py := newPinyinBuilder(b.py, out.dir == "")
	nTerms, err := b.writeTerms(sw, &pb, prev, oldToNew, n, py)
	if err != nil {
		return nil, err
	}

	// Documents and files.
	docOff = binary.LittleEndian.AppendUint64(docOff, uint64(docLen64))
	idOff = binary.LittleEndian.AppendUint32(idOff, uint32(len(idBlob)))
	if err := dw.Flush(); err != nil {
		return nil, err
	}
	if err := sw.Begin(secDocs); err != nil {
		return nil, err
	}
	if err := docTmp.copyTo(sw); err != nil {
		return nil, err
	}
	if err := sw.End(); err != nil {
		return nil, err
	}
	h := head{version: storeVersion, embedder: b.embedder.Name(), dim: dim, builtAt: start.UTC(), chunks: n,
		docs: nDocs, terms: nTerms, localVecs: local != nil, pinyin: py.version(), skipped: sc.skipped}
	for _, s := range []struct {
		name string
		b    []byte
	}{{secDocIDOff, idOff}, {secDocIDs, idBlob}, {secDocOff, docOff}, {secFiles, appendFiles(nil, files)}, {secHead, appendHead(nil, h)}} {
		if err := sw.Section(s.name, s.b); err != nil {
			return nil, err
		}
	}
	if err := sw.Close(storeVersion); err != nil {
		return nil, err
	}
	if err := bw.Flush(); err != nil {
		return nil, err
	}
	f, err := out.finish()
	if err != nil {
		return nil, err
	}
	ix, err := openIndex(f, out.path())
	if err != nil {
		return nil, fmt.Errorf("reopen the index just written: %w", err)
	}
	if local == nil {
		col, err := vectordb.New(ctx, ids, rvecs)
		if err != nil {
			return nil, err
		}
		ix.vectors = col
	}
	return ix, nil
}

// embedRemote sends the new chunks of a batch to a remote embedder, in
// batches of embedBatch, and stores the vectors in them.
func (b builder) embedRemote(ctx context.Context, made [][]chunkOut, done *int, total int) error {
	var refs []*chunkOut
	for _, cs := range made {
		for i := range cs {
			refs = append(refs, &cs[i])
		}
	}
	for i := 0; i < len(refs); i += embedBatch {
		batch := refs[i:min(i+embedBatch, len(refs))]
		texts := make([]string, len(batch))
		for j, c := range batch {
			texts[j] = c.text
		}
		vs, err := b.embedder.Embed(ctx, texts)
		if err != nil {
			return fmt.Errorf("embed chunks: %w", err)
		}
		if err := checkVectors(vs, len(batch), b.embedder.Dim()); err != nil {
			return fmt.Errorf("embedder %s: %w", b.embedder.Name(), err)
		}
		for j, c := range batch {
			c.vec = vs[j]
		}
		*done += len(batch)
		if b.progress != nil {
			b.progress(*done, total)
		}
	}
	return nil
}
