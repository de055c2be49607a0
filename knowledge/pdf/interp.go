package pdf

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/policybot/policybot/knowledge/limits"

	"github.com/policybot/policybot/knowledge/pdf/internal/lpdf"
)

// pageText lays out the text of one page. On a panic or a broken stream
// it returns what it read before, and the error. A file over its limits
// stops it; the caller finds the limit in d.
func pageText(ctx context.Context, ref pageRef, d *doc) (text string, warns []string, err error) {
	in := &interp{doc: d}
	defer func() {
		if p := recover(); p != nil {
			err = recovered(p)
		}
		if d.err == nil {
			text = layout(in.items)
		}
		warns = in.warns
	}()
	content, err := pageContents(ref.page.Key("Contents"))
	if err != nil {
		if len(content) == 0 {
			return "", nil, err
		}
		in.warns = append(in.warns, fmt.Sprintf("content stream: %v (text may be incomplete)", err))
		err = nil
	}
	in.run(ctx, content, ref.resources, matrix{1, 0, 0, 1, 0, 0}, 0)
	return "", nil, nil // text and warns are set by the deferred function
}

// matrix is a PDF transformation matrix [a b c d e f].
type matrix [6]float64

// mul returns m×n: the transform m followed by n.
func (m matrix) mul(n matrix) matrix {
	return matrix{
		m[0]*n[0] + m[1]*n[2], m[0]*n[1] + m[1]*n[3],
		m[2]*n[0] + m[3]*n[2], m[2]*n[1] + m[3]*n[3],
		m[4]*n[0] + m[5]*n[2] + n[4], m[4]*n[1] + m[5]*n[3] + n[5],
	}
}

func translate(tx, ty float64) matrix { return matrix{1, 0, 0, 1, tx, ty} }

// gstate is the part of the graphics state that positions text.
type gstate struct {
	ctm                               matrix
	font                              *font
	size, charSp, wordSp, scale, lead float64
	rise                              float64
}

// item is one shown string, in device space.
type item struct {
	text           string
	x0, y0, x1, y1 float64 // start and end of the baseline
	size           float64 // font size in device units
	dx, dy         float64 // baseline direction
	estimated      bool    // widths were guessed
}

// interp runs the content streams of a page, collecting text items.
type interp struct {
	doc   *doc
	items []item
	warns []string
	forms int
	plain *font
}

// font returns the page font resource named n.
func (in *interp) font(res lpdf.Value, n string) *font {
	v := res.Key("Font").Key(n)
	if v.Kind() != lpdf.Dict {
		if in.plain == nil {
			in.plain = &font{fixedLen: 1, unit: 0.001}
		}
		return in.plain
	}
	key := nodeKey(v)
	if f, ok := in.doc.fonts[key]; ok {
		return f
	}
	f := loadFont(v, in.doc)
	in.doc.fonts[key] = f
	return f
}

// checkEvery is how many operators run between checks of ctx.
const checkEvery = 1024

func (in *interp) run(ctx context.Context, content []byte, res lpdf.Value, ctm matrix, depth int) {
	gs := gstate{ctm: ctm, scale: 1}
	var stack []gstate
	tm, tlm := matrix{1, 0, 0, 1, 0, 0}, matrix{1, 0, 0, 1, 0, 0}
	fonts := map[string]*font{} // by resource name, for this stream
	lx := lexer{b: content}
	var ops []operand
	num := func(i int) float64 { return ops[i].num }
	nums := func(n int) bool {
		if len(ops) < n {
			return false
		}
		ops = ops[len(ops)-n:]
		for _, o := range ops {
			if o.kind != 'n' {
				return false
			}
		}
		return true
	}
	nextLine := func() {
		tlm = translate(0, -gs.lead).mul(tlm)
		tm = tlm
	}
	show := func(s string) {
		if gs.font == nil {
			gs.font = in.font(lpdf.Value{}, "")
		}
		tm = in.show(&gs, tm, s)
	}
	for n := 0; ; n++ {
		if in.doc.err != nil || n%checkEvery == 0 && ctx.Err() != nil {
			return
		}
		op, kw, ok := lx.next(0)
		if !ok {
			return
		}
		if kw == "" {
			if len(ops) >= 64 {
				ops = ops[:0]
			}
			ops = append(ops, op)
			continue
		}
		switch kw {
		case "true", "false", "null":
			ops = append(ops, operand{kind: 'k'})
			continue
		case "BI":
			lx.skipInlineImage()
		case "q":
			if len(stack) < 256 {
				stack = append(stack, gs)
			}
		case "Q":
			if n := len(stack); n > 0 {
				gs, stack = stack[n-1], stack[:n-1]
			}
		case "cm":
			if nums(6) {
				gs.ctm = matrix{num(0), num(1), num(2), num(3), num(4), num(5)}.mul(gs.ctm)
			}
		case "BT":
			tm, tlm = matrix{1, 0, 0, 1, 0, 0}, matrix{1, 0, 0, 1, 0, 0}
		case "Tc":
			if nums(1) {
				gs.charSp = num(0)
			}
		case "Tw":
			if nums(1) {
				gs.wordSp = num(0)
			}
		case "Tz":
			if nums(1) {
				gs.scale = num(0) / 100
			}
		case "TL":
			if nums(1) {
				gs.lead = num(0)
			}
		case "Ts":
			if nums(1) {
				gs.rise = num(0)
			}
		case "Tf":
			if len(ops) >= 2 && ops[len(ops)-2].kind == '/' && ops[len(ops)-1].kind == 'n' {
				n := ops[len(ops)-2].str
				if fonts[n] == nil {
					fonts[n] = in.font(res, n)
				}
				gs.font = fonts[n]
				gs.size = ops[len(ops)-1].num
			}
		case "Td", "TD":
			if nums(2) {
				if kw == "TD" {
					gs.lead = -num(1)
				}
				tlm = translate(num(0), num(1)).mul(tlm)
				tm = tlm
			}
		case "Tm":
			if nums(6) {
				tm = matrix{num(0), num(1), num(2), num(3), num(4), num(5)}
				tlm = tm
			}
		case "T*":
			nextLine()
		case "Tj", "'", "\"":
			if len(ops) == 0 || ops[len(ops)-1].kind != 's' {
				break
			}
			if kw == "\"" && len(ops) >= 3 && ops[len(ops)-3].kind == 'n' && ops[len(ops)-2].kind == 'n' {
				gs.wordSp, gs.charSp = ops[len(ops)-3].num, ops[len(ops)-2].num
			}
			if kw != "Tj" {
				nextLine()
			}
			show(ops[len(ops)-1].str)
		case "TJ":
			if len(ops) == 0 || ops[len(ops)-1].kind != 'a' {
				break
			}
			for _, e := range ops[len(ops)-1].arr {
				switch e.kind {
				case 's':
					show(e.str)
				case 'n':
					tm = translate(-e.num/1000*gs.size*gs.scale, 0).mul(tm)
				}
			}
		case "Do":
			if len(ops) > 0 && ops[len(ops)-1].kind == '/' {
				in.form(ctx, res.Key("XObject").Key(ops[len(ops)-1].str), res, gs.ctm, depth)
			}
		}
		ops = ops[:0]
	}
}

// form draws a form XObject. Its content is decoded once a document.
func (in *interp) form(ctx context.Context, x, res lpdf.Value, ctm matrix, depth int) {
	if x.Kind() != lpdf.Stream || x.Key("Subtype").Name() != "Form" || depth >= maxFormDepth || in.forms >= maxForms {
		return
	}
	in.forms++
	key := nodeKey(x)
	content, ok := in.doc.forms[key]
	if !ok {
		var err error
		content, err = streamBytes(x)
		if err != nil {
			in.warns = append(in.warns, fmt.Sprintf("form xobject: %v", err))
		}
		in.doc.forms[key] = content
	}
	m := matrix{1, 0, 0, 1, 0, 0}
	if a := x.Key("Matrix"); a.Len() == 6 {
		for i := range m {
			m[i] = a.Index(i).Float64()
		}
	}
	if r := x.Key("Resources"); r.Kind() == lpdf.Dict {
		res = r
	}
	in.run(ctx, content, res, m.mul(ctm), depth+1)
}

// show decodes and places the string s, returning the text matrix after it.
func (in *interp) show(gs *gstate, tm matrix, s string) matrix {
	f := gs.font
	start := matrix{gs.size * gs.scale, 0, 0, gs.size, 0, gs.rise}.mul(tm).mul(gs.ctm)
	var b strings.Builder
	estimated := false
	for len(s) > 0 {
		n := f.codeLen(s)
		code := s[:n]
		s = s[n:]
		t := f.text(code)
		w, est := f.width(code, t)
		estimated = estimated || est
		for _, r := range t {
			if r < ' ' || r == 0x7f {
				r = ' '
			}
			b.WriteRune(r)
		}
		tx := w*gs.size + gs.charSp
		if n == 1 && code[0] == ' ' {
			tx += gs.wordSp
		}
		tm = translate(tx*gs.scale, 0).mul(tm)
	}
	end := matrix{gs.size * gs.scale, 0, 0, gs.size, 0, gs.rise}.mul(tm).mul(gs.ctm)
	if b.Len() > 0 {
		if in.doc.items++; in.doc.items > in.doc.lim.MaxTextItems {
			in.doc.over(limits.TextItems)
			return tm
		}
		in.items = append(in.items, item{
			text: b.String(),
			x0:   start[4], y0: start[5], x1: end[4], y1: end[5],
			size:      math.Hypot(start[2], start[3]),
			dx:        start[0],
			dy:        start[1],
			estimated: estimated,
		})
	}
	return tm
}
