package retrieval

import (
	"encoding/binary"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/policybot/policybot/retrieval/internal/segfile"
)

// postBuilder accumulates the postings of the chunks a build makes, each
// term's list varint-encoded as it grows.
type postBuilder struct {
	ids   map[string]int32
	terms []string
	post  [][]byte
	last  []int32
	df    []uint32
}

func (p *postBuilder) add(doc int32, terms []termTF) {
	for _, t := range terms {
		id, ok := p.ids[t.t]
		if !ok {
			id = int32(len(p.terms))
			s := strings.Clone(t.t) // t.t points into the chunk's folded text
			p.ids[s] = id
			p.terms = append(p.terms, s)
			p.post = append(p.post, nil)
			p.last = append(p.last, -1)
			p.df = append(p.df, 0)
		}
		p.post[id] = appendPosting(p.post[id], uint64(doc-p.last[id]), t.tf)
		p.last[id] = doc
		p.df[id]++
	}
}

type posting struct {
	doc int32
	tf  uint32
}

// writeTerms writes the postings, term table, terms and pinyin map: the
// terms of the chunks kept from prev (renumbered by oldToNew) merged, in
// byte order, with those of the chunks made now. It returns the number of
// terms.
func (b builder) writeTerms(sw *segfile.Writer, pb *postBuilder, prev *Index, oldToNew []int32, n int, py *pinyinBuilder) (int, error) {
	order := make([]int32, len(pb.terms))
	for i := range order {
		order[i] = int32(i)
	}
	sortTerms(order, pb.terms)
	prevTerms := 0
	if prev != nil {
		prevTerms = prev.lex.nTerms
	}
	if err := sw.Begin(secPostings); err != nil {
		return 0, err
	}
	var (
		entries  []byte
		blob     []byte
		postBase = sw.Offset()
		buf      []byte
		olds     []posting
		news     []posting
		count    int
	)
	emit := func(term []byte, df int, post []byte) error {
		if df == 0 {
			return nil
		}
		if uint64(len(blob))+uint64(len(term)) > math.MaxUint32 {
			return fmt.Errorf("vocabulary over 4 GB: over the index limit")
		}
		entries = binary.LittleEndian.AppendUint32(entries, uint32(len(blob)))
		entries = binary.LittleEndian.AppendUint32(entries, uint32(df))
		entries = binary.LittleEndian.AppendUint64(entries, uint64(sw.Offset()-postBase))
		blob = append(blob, term...)
		py.add(term, count)
		count++
		_, err := sw.Write(post)
		return err
	}
	// readOld decodes prev's postings of term i, renumbered, dropping chunks
	// that are gone.
	readOld := func(i int) ([]byte, error) {
		df, ps, err := prev.lex.postingsOf(i)
		if err != nil {
			return nil, err
		}
		olds = olds[:0]
		r := newPostingReader(ps, df, prev.n)
		for {
			doc, tf, ok := r.next()
			if !ok {
				break
			}
			if nd := oldToNew[doc]; nd >= 0 {
				olds = append(olds, posting{nd, tf})
			}
		}
		if r.err != nil {
			return nil, r.err
		}
		return prev.lex.term(i)
	}
	encode := func(ps []posting) []byte {
		buf = buf[:0]
		last := int32(-1)
		for _, p := range ps {
			buf = appendPosting(buf, uint64(p.doc-last), p.tf)
			last = p.doc
		}
		return buf
	}
	i, j := 0, 0
	for i < prevTerms || j < len(order) {
		var c int
		var oldTerm []byte
		if i < prevTerms {
			t, err := prev.lex.term(i)
			if err != nil {
				return 0, err
			}
			oldTerm = t
		}
		switch {
		case i >= prevTerms:
			c = 1
		case j >= len(order):
			c = -1
		default:
			c = compareBS(oldTerm, pb.terms[order[j]])
		}
		var err error
		switch {
		case c > 0: // only new chunks have it
			id := order[j]
			err = emit([]byte(pb.terms[id]), int(pb.df[id]), pb.post[id])
			pb.post[id] = nil
			j++
		case c < 0: // only kept chunks
			var term []byte
			if term, err = readOld(i); err == nil {
				err = emit(term, len(olds), encode(olds))
			}
			i++
		default: // both: merge by chunk number
			id := order[j]
			var term []byte
			if term, err = readOld(i); err != nil {
				break
			}
			news = news[:0]
			r := newPostingReader(pb.post[id], int(pb.df[id]), n)
			for {
				doc, tf, ok := r.next()
				if !ok {
					break
				}
				news = append(news, posting{doc, tf})
			}
			if r.err != nil {
				return 0, r.err
			}
			merged := make([]posting, 0, len(olds)+len(news))
			a, bb := 0, 0
			for a < len(olds) || bb < len(news) {
				if bb >= len(news) || a < len(olds) && olds[a].doc < news[bb].doc {
					merged = append(merged, olds[a])
					a++
				} else {
					merged = append(merged, news[bb])
					bb++
				}
			}
			err = emit(term, len(merged), encode(merged))
			pb.post[id] = nil
			i++
			j++
		}
		if err != nil {
			return 0, err
		}
	}
	if err := sw.End(); err != nil {
		return 0, err
	}
	entries = binary.LittleEndian.AppendUint32(entries, uint32(len(blob)))
	entries = binary.LittleEndian.AppendUint32(entries, 0)
	entries = binary.LittleEndian.AppendUint64(entries, uint64(sw.Offset()-postBase))
	if err := sw.Section(secTermOff, entries); err != nil {
		return 0, err
	}
	if err := sw.Section(secTerms, blob); err != nil {
		return 0, err
	}
	if err := sw.Section(secTermHash, termHash(entries, blob, count)); err != nil {
		return 0, err
	}
	return count, py.write(sw)
}

// termHash builds the termhash section: an open-addressing table, a power
// of two of at least twice the terms, of term number + 1 (0: empty) at
// fnv64a(term), probing forward.
func termHash(entries, blob []byte, count int) []byte {
	size := 1
	for size < 2*count {
		size <<= 1
	}
	table := make([]uint32, size)
	mask := uint64(size - 1)
	for i := range count {
		lo := binary.LittleEndian.Uint32(entries[i*termEntrySize:])
		hi := binary.LittleEndian.Uint32(entries[(i+1)*termEntrySize:])
		slot := fnv64aBytes(blob[lo:hi]) & mask
		for table[slot] != 0 {
			slot = (slot + 1) & mask
		}
		table[slot] = uint32(i + 1)
	}
	out := make([]byte, 4*size)
	for i, v := range table {
		binary.LittleEndian.PutUint32(out[4*i:], v)
	}
	return out
}

// sortTerms sorts term numbers by their terms, the halves on two cores.
func sortTerms(order []int32, terms []string) {
	cmp := func(a, b int32) int { return strings.Compare(terms[a], terms[b]) }
	if len(order) < 1<<14 || runtime.GOMAXPROCS(0) < 2 {
		slices.SortFunc(order, cmp)
		return
	}
	lo, hi := order[:len(order)/2], order[len(order)/2:]
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		slices.SortFunc(lo, cmp)
	}()
	slices.SortFunc(hi, cmp)
	wg.Wait()
	merged := make([]int32, 0, len(order))
	i, j := 0, 0
	for i < len(lo) && j < len(hi) {
		if cmp(lo[i], hi[j]) <= 0 {
			merged = append(merged, lo[i])
			i++
		} else {
			merged = append(merged, hi[j])
			j++
		}
	}
	merged = append(append(merged, lo[i:]...), hi[j:]...)
	copy(order, merged)
}
