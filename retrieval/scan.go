package retrieval

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/policybot/policybot/knowledge"
)

// fingerprint is what a reload compares to decide, without reading a file,
// that it is unchanged: its size, modification time, inode and change time
// (the last two where the file system has them; 0 otherwise).
type fingerprint struct {
	size, mtime int64
	ino         uint64
	ctime       int64
}

func fingerprintOf(info fs.FileInfo) fingerprint {
	fp := fingerprint{size: info.Size()}
	if mt := info.ModTime(); !mt.IsZero() {
		fp.mtime = mt.UnixNano()
	}
	fp.ino, fp.ctime = statExtra(info)
	return fp
}

// racyWindow is how long after its last change a file's fingerprint is
// trusted: a change within the file system's timestamp granularity of the
// previous one may leave size and times as they were. Whole-second
// timestamps (FAT, some network file systems) get two seconds.
const racyWindow = 100 * time.Millisecond

// trustworthy reports whether a fingerprint taken at now can later stand for
// the file's content. One without a modification time (embedded seeds, test
// file systems) never can: such files are always read and hashed.
func trustworthy(fp fingerprint, now time.Time) bool {
	if fp.mtime == 0 {
		return false
	}
	w := int64(racyWindow)
	if fp.mtime%int64(time.Second) == 0 {
		w = int64(2 * time.Second)
	}
	t := now.UnixNano()
	return t-fp.mtime >= w && (fp.ctime == 0 || t-fp.ctime >= w)
}

// folderScan is what a reload found in the knowledge folder.
type folderScan struct {
	files   []fileRec // loaded and skipped files, in walk order (docs: as in prev, for reused files)
	items   []scanItem
	skipped []knowledge.Skip
	read    int    // files read and parsed (their fingerprint was new or not trusted)
	watch   string // the folder fingerprint Watch compares; "" if a file could not be stat'ed
	spill   *textSpill
	held    int // bytes of text kept in memory
}

// spillAfter is how much document text a scan keeps in memory before it
// spills the rest to a file (with a data directory).
var spillAfter = 32 << 20 // a variable for tests

// text returns a fresh document's text, from memory or the spill.
func (s *folderScan) text(d *knowledge.Document, ref *spillRef) (string, error) {
	if ref == nil || ref.off < 0 {
		return d.Text, nil
	}
	return s.spill.get(*ref)
}

// scanItem is one loaded file's documents: reused from the previous index
// (the file's fingerprint is unchanged) or loaded now.
type scanItem struct {
	file     int                  // in folderScan.files
	prevDocs []int                // documents of prev, when reused
	fresh    []knowledge.Document // documents loaded now
	// texts locates the fresh documents' texts in the scan's spill (their
	// Text is then empty); nil when they are kept in memory.
	texts []spillRef
}

// docCount is the number of documents the scan found.
func (s *folderScan) docCount() int {
	n := 0
	for _, it := range s.items {
		n += len(it.prevDocs) + len(it.fresh)
	}
	return n
}

// scanFolder walks the knowledge folder as knowledge.Loader.Load does (same files,
// same skips, same order) but reads and hashes only the files whose
// fingerprint differs from the one prev recorded, or could not be trusted
// then; the others keep the documents (or the skip) prev has for them. The
// texts of the documents read go to spill when it is not nil.
func scanFolder(ctx context.Context, loader knowledge.Loader, fsys fs.FS, prev *Index, now time.Time, spill *textSpill) (*folderScan, error) {
	prevFiles := make(map[string]*fileRec)
	if prev != nil {
		for i := range prev.files {
			prevFiles[prev.files[i].path] = &prev.files[i]
		}
	}
	s := &folderScan{spill: spill}
	watch := sha256.New()
	watchOK := true
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			s.skipped = append(s.skipped, knowledge.Skip{Path: p, Reason: err.Error()})
			watchOK = false
			return nil
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		if p != "." && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() || !knowledge.Supported(p) {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			watchOK = false
			s.skipped = append(s.skipped, knowledge.Skip{Path: p, Reason: err.Error()})
			return nil
		}
		writeWatchLine(watch, p, info)
		fp := fingerprintOf(info)
		rec := fileRec{path: p, fp: fp, trusted: trustworthy(fp, now)}
		if old := prevFiles[p]; old != nil && old.trusted && old.fp == fp {
			rec.skip, rec.docs = old.skip, old.docs
			if old.skip != "" {
				s.skipped = append(s.skipped, knowledge.Skip{Path: p, Reason: old.skip})
			} else {
				s.items = append(s.items, scanItem{file: len(s.files), prevDocs: old.docs})
			}
			s.files = append(s.files, rec)
			return nil
		}
		s.read++
		docs, err := loader.LoadFile(ctx, fsys, p)
		if err != nil {
			if ctxErr := ctx.Err(); ctxErr != nil {
				return ctxErr
			}
			rec.skip = err.Error()
			s.skipped = append(s.skipped, knowledge.Skip{Path: p, Reason: rec.skip})
		} else {
			it := scanItem{file: len(s.files), fresh: docs}
			if spill != nil {
				it.texts = make([]spillRef, len(docs))
				for i := range docs {
					if s.held+len(docs[i].Text) <= spillAfter {
						s.held += len(docs[i].Text)
						it.texts[i] = spillRef{off: -1} // kept in memory
						continue
					}
					if it.texts[i], err = spill.put(docs[i].Text); err != nil {
						return err
					}
					docs[i].Text = ""
				}
			}
			s.items = append(s.items, it)
		}
		s.files = append(s.files, rec)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load knowledge: %w", err)
	}
	if watchOK {
		s.watch = hex.EncodeToString(watch.Sum(nil))
	}
	return s, nil
}
