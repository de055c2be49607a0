package retrieval

import (
	"encoding/binary"
	"runtime"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/policybot/policybot/retrieval/internal/segfile"
	"github.com/policybot/policybot/retrieval/pinyin"
)

// readingsOf returns the keys ("chen tong") a term is read as when it is a
// Han bigram: the first two readings of each character, combined.
func readingsOf(py *pinyin.Table, t string) []string {
	a, n := utf8.DecodeRuneInString(t)
	if n == 0 || !isHan(a) {
		return nil
	}
	b, m := utf8.DecodeRuneInString(t[n:])
	if m == 0 || n+m != len(t) || !isHan(b) {
		return nil
	}
	var keys []string
	for _, x := range firstN(py.Readings(a), 2) {
		for _, y := range firstN(py.Readings(b), 2) {
			keys = append(keys, x+" "+y)
		}
	}
	return keys
}

func firstN(s []string, n int) []string { return s[:min(n, len(s))] }

// pinyinBuilder collects, while the term table is written, the Han bigrams
// each reading stands for. Syllables are numbered as they are met, so that
// a reading is a pair of numbers until the map is written.
type pinyinBuilder struct {
	py    *pinyin.Table
	off   bool // build no map (an index in memory reads the vocabulary when asked)
	syls  []string
	sylID map[string]uint32
	runes map[rune][]uint32 // the first two readings of a character, numbered
	terms map[uint64][]uint32
}

func newPinyinBuilder(py *pinyin.Table, off bool) *pinyinBuilder {
	return &pinyinBuilder{py: py, off: off, sylID: make(map[string]uint32), runes: make(map[rune][]uint32),
		terms: make(map[uint64][]uint32)}
}

// version is the pinyin table version to store: "" for no map.
func (p *pinyinBuilder) version() string {
	if p.off {
		return ""
	}
	return p.py.Version()
}

func (p *pinyinBuilder) readings(r rune) []uint32 {
	if ids, ok := p.runes[r]; ok {
		return ids
	}
	var ids []uint32
	for _, s := range firstN(p.py.Readings(r), 2) {
		id, ok := p.sylID[s]
		if !ok {
			id = uint32(len(p.syls))
			p.sylID[s] = id
			p.syls = append(p.syls, s)
		}
		ids = append(ids, id)
	}
	p.runes[r] = ids
	return ids
}

// add notes term number id, if it is a Han bigram.
func (p *pinyinBuilder) add(t []byte, id int) {
	if p.off {
		return
	}
	a, n := utf8.DecodeRune(t)
	if n == 0 || !isHan(a) {
		return
	}
	b, m := utf8.DecodeRune(t[n:])
	if m == 0 || n+m != len(t) || !isHan(b) {
		return
	}
	for _, x := range p.readings(a) {
		for _, y := range p.readings(b) {
			k := uint64(x)<<32 | uint64(y)
			p.terms[k] = append(p.terms[k], uint32(id))
		}
	}
}

// write writes the pyoff, pykeys and pylist sections.
func (p *pinyinBuilder) write(w *segfile.Writer) error {
	type reading struct {
		key   string
		terms []uint32
	}
	rs := make([]reading, 0, len(p.terms))
	for k, ts := range p.terms {
		rs = append(rs, reading{p.syls[k>>32] + " " + p.syls[uint32(k)], ts})
	}
	slices.SortFunc(rs, func(a, b reading) int { return strings.Compare(a.key, b.key) })
	off := make([]byte, 0, 8*(len(rs)+1))
	var blob []byte
	var list []byte
	n := 0
	for _, r := range rs {
		off = binary.LittleEndian.AppendUint32(off, uint32(len(blob)))
		off = binary.LittleEndian.AppendUint32(off, uint32(n))
		blob = append(blob, r.key...)
		for _, id := range r.terms {
			list = binary.LittleEndian.AppendUint32(list, id)
		}
		n += len(r.terms)
	}
	off = binary.LittleEndian.AppendUint32(off, uint32(len(blob)))
	off = binary.LittleEndian.AppendUint32(off, uint32(n))
	for _, s := range []struct {
		name string
		b    []byte
	}{{secPyOff, off}, {secPyKeys, blob}, {secPyList, list}} {
		if err := w.Section(s.name, s.b); err != nil {
			return err
		}
	}
	return nil
}

// pinyinMap is the stored reading → bigrams map of an index file.
type pinyinMap struct {
	f               *segfile.File
	off, keys, list segfile.Section
	nKeys           int
}

// lookup returns the numbers of the terms read as key.
func (m *pinyinMap) lookup(key string) ([]int, error) {
	defer runtime.KeepAlive(m.f)
	entry := func(i int) (klo, khi, llo, lhi uint32, err error) {
		b, err := m.f.Bytes(m.off, int64(i)*8, 16)
		if err != nil {
			return 0, 0, 0, 0, err
		}
		le := binary.LittleEndian
		klo, llo, khi, lhi = le.Uint32(b), le.Uint32(b[4:]), le.Uint32(b[8:]), le.Uint32(b[12:])
		if klo > khi || int64(khi) > m.keys.Len || llo > lhi || int64(lhi) > m.list.Len/4 {
			return 0, 0, 0, 0, errCorrupt("bad pinyin entry %d", i)
		}
		return klo, khi, llo, lhi, nil
	}
	lo, hi := 0, m.nKeys
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		klo, khi, llo, lhi, err := entry(mid)
		if err != nil {
			return nil, err
		}
		k, err := m.f.Bytes(m.keys, int64(klo), int64(khi-klo))
		if err != nil {
			return nil, err
		}
		switch c := compareBS(k, key); {
		case c < 0:
			lo = mid + 1
		case c > 0:
			hi = mid
		default:
			b, err := m.f.Bytes(m.list, int64(llo)*4, int64(lhi-llo)*4)
			if err != nil {
				return nil, err
			}
			ids := make([]int, 0, len(b)/4)
			for i := 0; i+4 <= len(b); i += 4 {
				ids = append(ids, int(binary.LittleEndian.Uint32(b[i:])))
			}
			return ids, nil
		}
	}
	return nil, nil
}

// bigramsReadAs returns the index's Han bigrams read as the two syllables,
// in term order: from the map stored with the index, or, when the index was
// built with another pinyin table or without a map (an index in memory),
// from a map built on first use.
func (ix *Index) bigramsReadAs(py *pinyin.Table, a, b string) []string {
	key := a + " " + b
	if ix.pinyin != "" && ix.pinyin == py.Version() {
		ids, err := ix.py.lookup(key)
		if err != nil {
			ix.bad(err)
			return nil
		}
		out := make([]string, 0, len(ids))
		for _, id := range ids {
			if id >= ix.lex.nTerms {
				ix.bad(errCorrupt("pinyin list names term %d of %d", id, ix.lex.nTerms))
				return nil
			}
			t, err := ix.lex.termString(id)
			if err != nil {
				ix.bad(err)
				return nil
			}
			out = append(out, t)
		}
		return out
	}
	ix.readAsOnce.Do(func() {
		ix.readAs = make(map[string][]string)
		for i := range ix.lex.nTerms {
			t, err := ix.lex.termString(i)
			if err != nil {
				ix.bad(err)
				return
			}
			for _, k := range readingsOf(py, t) {
				ix.readAs[k] = append(ix.readAs[k], t)
			}
		}
	})
	return ix.readAs[key]
}
