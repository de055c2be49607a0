package pdf

import (
	"math"

	"github.com/policybot/policybot/knowledge/limits"

	"github.com/policybot/policybot/knowledge/pdf/internal/lpdf"
)

// font decodes the codes of one font to text and gives their widths.
type font struct {
	toUnicode *cmap
	split     func(s string) int       // length of the code s starts with; nil: codespace or fixedLen
	space     *cmap                    // codespace ranges, when split is nil
	fixedLen  int                      // code length otherwise
	decode    func(code string) string // text of a code without ToUnicode; "" when unknown
	cid       bool                     // a Type0 font
	identity  bool                     // CID = code (Identity-H/V), so W applies
	widths    map[int]float64          // code (simple) or CID (Type0) to width, glyph units
	defWidth  float64                  // DW of a CID font, MissingWidth of a simple one
	unit      float64                  // glyph units to text space: 0.001, or a Type3 FontMatrix
}

func (f *font) codeLen(s string) int {
	n := 0
	switch {
	case f.split != nil:
		n = f.split(s)
	case f.space != nil:
		n = f.space.match(s)
	}
	if n <= 0 {
		n = f.fixedLen
	}
	return max(1, min(n, len(s)))
}

func (f *font) text(code string) string {
	if f.toUnicode != nil {
		if s, ok := f.toUnicode.m[code]; ok {
			return s
		}
	}
	if f.decode != nil {
		if s := f.decode(code); s != "" {
			return s
		}
	}
	return "\uFFFD"
}

// width returns the advance of a code in text space units per unit of font
// size, and whether it had to be guessed from the text.
func (f *font) width(code, text string) (float64, bool) {
	c := 0
	for i := 0; i < len(code); i++ {
		c = c<<8 | int(code[i])
	}
	switch {
	case f.cid && f.identity:
		if w, ok := f.widths[c]; ok {
			return w * f.unit, false
		}
		return f.defWidth * f.unit, false
	case !f.cid:
		if w, ok := f.widths[c]; ok && w > 0 {
			return w * f.unit, false
		}
		if f.defWidth > 0 {
			return f.defWidth * f.unit, false
		}
	}
	est := 0.0
	for _, r := range text {
		if wide(r) {
			est++
		} else {
			est += 0.5
		}
	}
	if est == 0 {
		est = 0.5
	}
	return est, true
}

// loadFont reads a font dictionary. It does not fail: what it cannot
// read decodes to U+FFFD. The entries of its maps (codes, widths) count
// towards the file's limits.max_objects, in d.
func loadFont(v lpdf.Value, d *doc) (f *font) {
	f = &font{fixedLen: 1, unit: 0.001}
	defer func() {
		if recover() != nil && f.decode == nil && f.toUnicode == nil {
			f.decode = latin1
		}
		d.entries += len(f.widths)
		for _, c := range []*cmap{f.toUnicode, f.space} {
			if c != nil {
				d.entries += len(c.m)
			}
		}
		if d.entries > d.lim.MaxObjects {
			d.over(limits.Objects)
		}
	}()
	left := func() int { return max(0, d.lim.MaxObjects-d.entries) + 1 }
	if tu := v.Key("ToUnicode"); tu.Kind() == lpdf.Stream {
		if b, err := streamBytes(tu); err == nil || len(b) > 0 {
			f.toUnicode = parseCMap(b, left())
		}
	}
	if v.Key("Subtype").Name() == "Type0" {
		f.cid, f.fixedLen, f.defWidth = true, 2, 1000
		desc := v.Key("DescendantFonts").Index(0)
		if dw := desc.Key("DW"); dw.Kind() == lpdf.Integer || dw.Kind() == lpdf.Real {
			f.defWidth = dw.Float64()
		}
		f.widths = cidWidths(desc.Key("W"))
		enc := v.Key("Encoding")
		switch enc.Kind() {
		case lpdf.Name:
			f.split, f.decode, f.identity = predefinedCMap(enc.Name())
		case lpdf.Stream:
			if b, err := streamBytes(enc); len(b) > 0 || err == nil {
				f.space = parseCMap(b, left())
			}
		}
		if f.split == nil && (f.space == nil || f.space.empty()) && f.toUnicode != nil && !f.toUnicode.empty() {
			f.space = f.toUnicode
		}
		return f
	}
	// A simple font: one byte a code.
	if v.Key("Subtype").Name() == "Type3" {
		if m := v.Key("FontMatrix"); m.Len() == 6 && m.Index(0).Float64() != 0 {
			f.unit = math.Abs(m.Index(0).Float64())
		}
	}
	first := int(v.Key("FirstChar").Int64())
	ws := v.Key("Widths")
	f.widths = make(map[int]float64, ws.Len())
	for i := 0; i < ws.Len() && i < 256; i++ {
		f.widths[first+i] = ws.Index(i).Float64()
	}
	f.defWidth = v.Key("FontDescriptor").Key("MissingWidth").Float64()
	f.decode = simpleDecoder(v)
	return f
}

// simpleDecoder decodes one-byte codes with ledongthuc/pdf's tables
// (WinAnsi, MacRoman, Differences, PDFDoc).
func simpleDecoder(v lpdf.Value) (dec func(string) string) {
	defer func() {
		if recover() != nil {
			dec = latin1
		}
	}()
	enc := lpdf.Font{V: v}.Encoder()
	return func(code string) (s string) {
		defer func() {
			if recover() != nil {
				s = ""
			}
		}()
		return enc.Decode(code)
	}
}

func latin1(code string) string {
	r := make([]rune, len(code))
	for i := 0; i < len(code); i++ {
		r[i] = rune(code[i])
	}
	return string(r)
}

// maxWidths bounds the widths of one font, and the work of reading them
// (ranges that overlap add work, not widths).
const maxWidths = 1 << 17

// cidWidths reads a CID font's W array: c [w1 w2 ...] or cfirst clast w.
func cidWidths(w lpdf.Value) map[int]float64 {
	m := map[int]float64{}
	isNum := func(v lpdf.Value) bool { return v.Kind() == lpdf.Integer || v.Kind() == lpdf.Real }
	work := 0
	for i := 0; i < w.Len() && len(m) < maxWidths && work < 4*maxWidths; {
		c := w.Index(i)
		if !isNum(c) {
			break
		}
		first := int(c.Float64())
		next := w.Index(i + 1)
		if next.Kind() == lpdf.Array {
			for j := 0; j < next.Len() && j < 1<<16; j++ {
				m[first+j] = next.Index(j).Float64()
			}
			work += next.Len() + 1
			i += 2
			continue
		}
		width := w.Index(i + 2)
		if !isNum(next) || !isNum(width) {
			break
		}
		last := min(int(next.Float64()), first+1<<16)
		for cid := first; cid <= last; cid++ {
			m[cid] = width.Float64()
		}
		work += max(0, last-first) + 1
		i += 3
	}
	return m
}
