package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/policybot/policybot/knowledge/limits"

	"github.com/policybot/policybot/knowledge/pdf/internal/lpdf"
)

// open opens raw with the reader (internal/lpdf, a bounded copy of
// ledongthuc/pdf) under the limits, turning its panics into errors.
func open(raw []byte, lim limits.Limits) (r *lpdf.Reader, err error) {
	data := normalize(raw)
	defer func() {
		if p := recover(); p != nil {
			r, err = nil, openError(raw, recovered(p))
		}
	}()
	if err := checkXref(data, lim); err != nil {
		return nil, openError(raw, err)
	}
	r, err = lpdf.NewReaderLimits(bytes.NewReader(data), int64(len(data)), lpdf.Limits{
		MaxDepth: lim.MaxDepth, MaxObjects: lim.MaxObjects, MaxDecodedBytes: lim.MaxDecodedBytes,
	})
	if err != nil {
		return nil, openError(raw, err)
	}
	return r, nil
}

func openError(raw []byte, err error) error {
	if errors.Is(err, limits.ErrLimit) || errors.Is(err, lpdf.ErrLimit) {
		return err
	}
	if errors.Is(err, lpdf.ErrInvalidPassword) || bytes.Contains(raw, []byte("/Encrypt")) {
		return fmt.Errorf("open pdf: %w (%v)", ErrEncrypted, err)
	}
	return fmt.Errorf("open pdf: %w", err)
}

// checkXref looks for what made ledongthuc/pdf's NewReader hang or
// exhaust memory: an xref /Prev chain that loops, xref sections declaring
// billions of objects, object streams that /Extends others (a loop there
// never ends). internal/lpdf now bounds these itself; the check stays as a
// first line that needs no reader, and it tells a file larger than its
// limit (limits.max_objects) from a malformed one (more objects than bytes).
// It leaves other damage for NewReader to report.
func checkXref(data []byte, lim limits.Limits) error {
	if bytes.Contains(data, []byte("/Extends")) {
		return errors.New("object streams with /Extends are not supported")
	}
	limit := min(len(data)+1<<16, lim.MaxObjects)
	tooMany := func(desc string, a, b float64) error {
		if a+b > float64(lim.MaxObjects) && a+b <= float64(len(data)+1<<16) {
			return lim.Over(limits.Objects)
		}
		return fmt.Errorf("malformed PDF: %s %.0f-%.0f", desc, a, a+b)
	}
	tail := data[max(0, len(data)-1024):]
	i := bytes.LastIndex(tail, []byte("startxref"))
	if i < 0 {
		return nil
	}
	lx := lexer{b: tail, pos: i + len("startxref")}
	next, _, _ := lx.next(0) // offset of the next xref section
	seen := map[float64]bool{}
	for next.kind == 'n' && next.num > 0 && next.num < float64(len(data)) {
		if seen[next.num] || len(seen) > 256 {
			return errors.New("malformed PDF: xref /Prev chain loops")
		}
		seen[next.num] = true
		lx = lexer{b: data, pos: int(next.num)}
		var trailer operand
		op, kw, _ := lx.next(0)
		switch {
		case kw == "xref":
			for {
				start, kw, ok := lx.next(0)
				if !ok || kw != "" || start.kind != 'n' {
					if kw == "trailer" {
						trailer, _, _ = lx.next(0)
					}
					break
				}
				n, _, _ := lx.next(0)
				if start.num < 0 || n.num < 0 || start.num+n.num > float64(limit) {
					return tooMany("xref section of objects", start.num, n.num)
				}
				for k := 0; k < 3*int(n.num); k++ {
					if _, kw, ok := lx.next(0); !ok || kw == "trailer" {
						return nil
					}
				}
			}
		case op.kind == 'n':
			lx.next(0) // generation
			if _, kw, _ := lx.next(0); kw != "obj" {
				return nil
			}
			trailer, _, _ = lx.next(0)
			if size, ok := trailer.key("Size"); ok && (size.num < 0 || size.num > float64(limit)) {
				return tooMany("xref stream of objects", 0, size.num)
			}
			if index, ok := trailer.key("Index"); ok {
				for k := 0; k+1 < len(index.arr); k += 2 {
					if a, b := index.arr[k].num, index.arr[k+1].num; a < 0 || b < 0 || a+b > float64(limit) {
						return tooMany("xref stream section of objects", a, b)
					}
				}
			}
		}
		next, _ = trailer.key("Prev")
	}
	return nil
}

// normalize works around ledongthuc/pdf's strict checks that other
// readers accept: bytes after the last %%EOF, and a header other than
// "%PDF-1.[0-7]" followed by a newline (PDF 2.0, or a comment on the same
// line). Neither change moves any byte offset.
func normalize(raw []byte) []byte {
	if i := bytes.LastIndex(raw, []byte("%%EOF")); i >= 0 {
		raw = raw[:i+5]
	}
	if len(raw) > 9 && bytes.HasPrefix(raw, []byte("%PDF-")) &&
		(raw[5] != '1' || raw[6] != '.' || raw[7] < '0' || raw[7] > '7' || raw[8] != '\n' && raw[8] != '\r') {
		fixed := bytes.Clone(raw)
		copy(fixed, "%PDF-1.7\n")
		return fixed
	}
	return raw
}

// pageRef is a leaf of the page tree with its inherited resources.
type pageRef struct {
	page, resources lpdf.Value
}

// pageRefs walks the page tree (not trusting /Count) and reports whether
// the file is encrypted. More than maxPages pages is a limits error.
func pageRefs(r *lpdf.Reader, maxPages int) (refs []pageRef, encrypted bool, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = recovered(p)
		}
	}()
	trailer := r.Trailer()
	encrypted = !trailer.Key("Encrypt").IsNull()
	budget := 1 << 18
	seen := map[string]bool{} // inner nodes: a loop ends there
	var walk func(n, res lpdf.Value, depth int) bool
	walk = func(n, res lpdf.Value, depth int) bool {
		budget--
		if budget < 0 || depth > 64 || n.Kind() != lpdf.Dict {
			return true
		}
		if v := n.Key("Resources"); v.Kind() == lpdf.Dict {
			res = v
		}
		kids := n.Key("Kids")
		if n.Key("Type").Name() != "Page" && kids.Kind() == lpdf.Array {
			if key := nodeKey(n); seen[key] {
				return true
			} else {
				seen[key] = true
			}
			for i := 0; i < kids.Len(); i++ {
				if !walk(kids.Index(i), res, depth+1) {
					return false
				}
			}
			return true
		}
		if len(refs) >= maxPages {
			err = limits.Limits{MaxPages: maxPages}.Over(limits.Pages)
			return false
		}
		refs = append(refs, pageRef{page: n, resources: res})
		return true
	}
	walk(trailer.Key("Root").Key("Pages"), lpdf.Value{}, 0)
	return refs, encrypted, err
}

// nodeKey identifies an object: by its reference when it has one (a node
// referenced a million times is not formatted a million times), else by
// its text.
func nodeKey(v lpdf.Value) string {
	if id, gen, ok := v.Ref(); ok {
		return fmt.Sprintf("%d %d R", id, gen)
	}
	return v.String()
}

// pageContents returns the decoded bytes of a page's /Contents, a stream or
// an array of streams.
func pageContents(v lpdf.Value) ([]byte, error) {
	switch v.Kind() {
	case lpdf.Null:
		return nil, nil
	case lpdf.Stream:
		return streamBytes(v)
	case lpdf.Array:
		var all []byte
		var first error
		for i := 0; i < v.Len(); i++ {
			b, err := streamBytes(v.Index(i))
			if err != nil && first == nil {
				first = err
			}
			all = append(all, b...)
			all = append(all, '\n')
		}
		return all, first
	}
	return nil, fmt.Errorf("contents is a %v, not a stream", v.Kind())
}

// streamBytes decodes a stream, returning what could be read on error. The
// reader charges what it decodes to the file's limits.max_decoded_mb.
func streamBytes(v lpdf.Value) (b []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = recovered(p)
		}
	}()
	if v.Kind() != lpdf.Stream {
		return nil, errors.New("not a stream")
	}
	rc := v.Reader()
	defer rc.Close()
	return io.ReadAll(rc)
}
