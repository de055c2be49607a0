package pdf

import (
	"bytes"
	"math"
	"strconv"
	"strings"
)

// operand is a PDF object read from a content stream or CMap. kind is
// 'n' number, 's' string, '/' name, 'a' array, 'd' dictionary (keys and
// values in arr), 'k' anything else.
type operand struct {
	kind byte
	num  float64
	str  string
	arr  []operand
}

// lexer tokenises content streams and CMaps. It never fails: bad input
// ends the stream or becomes junk operands that the interpreter ignores.
type lexer struct {
	b   []byte
	pos int
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

func isDelim(c byte) bool {
	return strings.IndexByte("()<>[]{}/%", c) >= 0
}

func (lx *lexer) skipSpace() {
	for lx.pos < len(lx.b) {
		c := lx.b[lx.pos]
		switch {
		case isSpace(c):
			lx.pos++
		case c == '%':
			for lx.pos < len(lx.b) && lx.b[lx.pos] != '\n' && lx.b[lx.pos] != '\r' {
				lx.pos++
			}
		default:
			return
		}
	}
}

// next reads an operand, or a keyword (operator) returned in kw. ok is false
// at the end of input. depth bounds the nesting of arrays and dictionaries.
func (lx *lexer) next(depth int) (op operand, kw string, ok bool) {
	lx.skipSpace()
	if lx.pos >= len(lx.b) {
		return op, "", false
	}
	c := lx.b[lx.pos]
	switch {
	case c == '(':
		lx.pos++
		return operand{kind: 's', str: lx.literal()}, "", true
	case c == '<' && lx.pos+1 < len(lx.b) && lx.b[lx.pos+1] == '<':
		lx.pos += 2
		return operand{kind: 'd', arr: lx.collect(">>", depth)}, "", true
	case c == '<':
		lx.pos++
		return operand{kind: 's', str: lx.hex()}, "", true
	case c == '[':
		lx.pos++
		return operand{kind: 'a', arr: lx.collect("]", depth)}, "", true
	case c == '/':
		lx.pos++
		return operand{kind: '/', str: lx.name()}, "", true
	case c == '>' || c == ']' || c == ')' || c == '{' || c == '}':
		lx.pos++
		if lx.pos < len(lx.b) && c == '>' && lx.b[lx.pos] == '>' {
			lx.pos++
			return op, ">>", true
		}
		return op, string(c), true
	}
	start := lx.pos
	for lx.pos < len(lx.b) && !isSpace(lx.b[lx.pos]) && !isDelim(lx.b[lx.pos]) {
		lx.pos++
	}
	word := string(lx.b[start:lx.pos])
	if c == '+' || c == '-' || c == '.' || c >= '0' && c <= '9' {
		if f, err := strconv.ParseFloat(word, 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			return operand{kind: 'n', num: f}, "", true
		}
		if f, ok := looseNumber(word); ok {
			return operand{kind: 'n', num: f}, "", true
		}
	}
	return op, word, true
}

// looseNumber reads numbers other readers accept, like "--5" or "1.2.3".
func looseNumber(w string) (float64, bool) {
	neg := false
	for len(w) > 0 && (w[0] == '-' || w[0] == '+') {
		neg = neg || w[0] == '-'
		w = w[1:]
	}
	if i := strings.IndexByte(w, '.'); i >= 0 {
		if j := strings.IndexByte(w[i+1:], '.'); j >= 0 {
			w = w[:i+1+j]
		}
	}
	f, err := strconv.ParseFloat(w, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, false
	}
	if neg {
		f = -f
	}
	return f, true
}

// collect reads operands up to the closing token, for arrays and
// dictionaries.
func (lx *lexer) collect(closing string, depth int) []operand {
	var out []operand
	for {
		if depth > 32 {
			// Too deep: skip to the closing token without nesting.
			i := bytes.Index(lx.b[lx.pos:], []byte(closing))
			if i < 0 {
				lx.pos = len(lx.b)
			} else {
				lx.pos += i + len(closing)
			}
			return out
		}
		lx.skipSpace()
		if lx.pos >= len(lx.b) {
			return out
		}
		if bytes.HasPrefix(lx.b[lx.pos:], []byte(closing)) {
			lx.pos += len(closing)
			return out
		}
		op, kw, ok := lx.next(depth + 1)
		if !ok {
			return out
		}
		if kw != "" {
			if kw == "]" || kw == ">>" {
				return out // mismatched closing: end here
			}
			op = operand{kind: 'k', str: kw}
		}
		if len(out) < 1<<16 {
			out = append(out, op)
		}
	}
}

func (lx *lexer) literal() string {
	var out []byte
	nest := 1
	for lx.pos < len(lx.b) {
		c := lx.b[lx.pos]
		lx.pos++
		switch c {
		case '(':
			nest++
		case ')':
			nest--
			if nest == 0 {
				return string(out)
			}
		case '\r':
			if lx.pos < len(lx.b) && lx.b[lx.pos] == '\n' {
				lx.pos++
			}
			c = '\n'
		case '\\':
			if lx.pos >= len(lx.b) {
				return string(out)
			}
			c = lx.b[lx.pos]
			lx.pos++
			switch c {
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case '\r':
				if lx.pos < len(lx.b) && lx.b[lx.pos] == '\n' {
					lx.pos++
				}
				continue
			case '\n':
				continue
			default:
				if c >= '0' && c <= '7' {
					v := int(c - '0')
					for k := 0; k < 2 && lx.pos < len(lx.b) && lx.b[lx.pos] >= '0' && lx.b[lx.pos] <= '7'; k++ {
						v = v*8 + int(lx.b[lx.pos]-'0')
						lx.pos++
					}
					c = byte(v)
				}
			}
		}
		out = append(out, c)
	}
	return string(out)
}

func (lx *lexer) hex() string {
	var out []byte
	var hi byte
	half := false
	for lx.pos < len(lx.b) {
		c := lx.b[lx.pos]
		lx.pos++
		var v byte
		switch {
		case c == '>':
			if half {
				out = append(out, hi<<4)
			}
			return string(out)
		case c >= '0' && c <= '9':
			v = c - '0'
		case c >= 'a' && c <= 'f':
			v = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			v = c - 'A' + 10
		default:
			continue
		}
		if half {
			out = append(out, hi<<4|v)
		} else {
			hi = v
		}
		half = !half
	}
	return string(out)
}

func (lx *lexer) name() string {
	var out []byte
	for lx.pos < len(lx.b) && !isSpace(lx.b[lx.pos]) && !isDelim(lx.b[lx.pos]) {
		c := lx.b[lx.pos]
		lx.pos++
		if c == '#' && lx.pos+1 < len(lx.b) {
			if v, err := strconv.ParseUint(string(lx.b[lx.pos:lx.pos+2]), 16, 8); err == nil {
				c = byte(v)
				lx.pos += 2
			}
		}
		out = append(out, c)
	}
	return string(out)
}

// skipInlineImage skips BI ... ID <binary> EI.
func (lx *lexer) skipInlineImage() {
	for {
		_, kw, ok := lx.next(0)
		if !ok {
			return
		}
		if kw == "ID" {
			break
		}
	}
	lx.pos++ // the single white-space byte after ID
	for i := lx.pos; i+1 < len(lx.b); i++ {
		if lx.b[i] == 'E' && lx.b[i+1] == 'I' && i > 0 && isSpace(lx.b[i-1]) &&
			(i+2 == len(lx.b) || isSpace(lx.b[i+2]) || isDelim(lx.b[i+2])) {
			lx.pos = i + 2
			return
		}
	}
	lx.pos = len(lx.b)
}

// key returns the value of /k in a dictionary operand.
func (o operand) key(k string) (operand, bool) {
	if o.kind != 'd' {
		return operand{}, false
	}
	for i := 0; i+1 < len(o.arr); i++ {
		if o.arr[i].kind == '/' && o.arr[i].str == k {
			return o.arr[i+1], true
		}
	}
	return operand{}, false
}
