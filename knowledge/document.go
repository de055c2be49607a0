// Package knowledge turns policy documents into clean, normalised chunks with
// their source metadata, and manages the knowledge folder's life: load, chunk,
// fingerprint.
package knowledge

// Document is one source file (or one line of a .jsonl bulk file) after
// loading and cleaning.
type Document struct {
	// ID is stable: the slash-separated path within the knowledge folder, or
	// the "id" field of a .jsonl line.
	ID     string
	Title  string
	Date   string
	Author string
	URL    string
	// Format is the loader that read it: txt, md, html, pdf, docx, jsonl.
	Format string
	// Hash is the hex SHA-256 of the raw bytes the document came from.
	Hash string
	// Text is the cleaned original text, kept for quoting. Paragraphs are
	// separated by "\n".
	Text string
	// PageStarts holds, for paged formats (PDF), the rune offset in Text at
	// which each page begins; page n (1-based) starts at PageStarts[n-1].
	PageStarts []int
	// Warnings are problems found while loading that did not stop it, such as
	// mojibake, each naming its location.
	Warnings []string
}

// Pages reports the number of pages of a paged document, or 0.
func (d Document) Pages() int { return len(d.PageStarts) }

// PageAt returns the 1-based page holding rune offset off, or 0 for documents
// without pages.
func (d Document) PageAt(off int) int {
	p := 0
	for i, s := range d.PageStarts {
		if s <= off {
			p = i + 1
		}
	}
	return p
}

// Chunk is a retrievable passage of a document.
type Chunk struct {
	// ID is DocID + "#" + ordinal; stable while the document is unchanged.
	ID      string
	DocID   string
	Title   string
	Date    string
	Section []string // heading path, outermost first
	Page    int      // 1-based page of the chunk's start, 0 if unpaged
	Start   int      // rune offsets into Document.Text
	End     int
	// Lead is the number of runes at the start of Text that repeat a list's
	// lead-in from earlier in the document (a long article split on its
	// items), with the line break after it; Text[Lead:] is the trimmed
	// Document.Text[Start:End].
	Lead int
	Text string // original text, for quoting
}
