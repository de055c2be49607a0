package pdf

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// predefinedCMap describes a CMap named in a Type0 font's /Encoding: how
// codes split and, where the CMap is a charset encoding of Unicode (UCS2,
// UTF16, GBK, Big5, ...), how they decode. Identity CMaps map code to CID.
func predefinedCMap(name string) (split func(string) int, decode func(string) string, identity bool) {
	lead := func(lo, hi byte) func(string) int {
		return func(s string) int {
			if s[0] >= lo && s[0] <= hi {
				return 2
			}
			return 1
		}
	}
	charset := func(e encoding.Encoding) func(string) string {
		d := e.NewDecoder()
		return func(code string) string {
			s, err := d.String(code)
			if err != nil {
				return ""
			}
			return s
		}
	}
	switch {
	case name == "Identity-H" || name == "Identity-V":
		return nil, nil, true
	case strings.Contains(name, "UCS2"):
		return func(string) int { return 2 }, decodeUTF16, false
	case strings.Contains(name, "UTF16"):
		return func(s string) int {
			if len(s) >= 4 && s[0] >= 0xd8 && s[0] <= 0xdb {
				return 4
			}
			return 2
		}, decodeUTF16, false
	case strings.Contains(name, "UTF32"):
		return func(string) int { return 4 }, func(code string) string {
			if len(code) != 4 {
				return ""
			}
			r := rune(code[0])<<24 | rune(code[1])<<16 | rune(code[2])<<8 | rune(code[3])
			if !utf8.ValidRune(r) {
				return ""
			}
			return string(r)
		}, false
	case strings.Contains(name, "UTF8"):
		return func(s string) int {
				_, n := utf8.DecodeRuneInString(s)
				return n
			}, func(code string) string {
				if !utf8.ValidString(code) {
					return ""
				}
				return code
			}, false
	case strings.HasPrefix(name, "GB"):
		return func(s string) int {
			if s[0] < 0x81 || s[0] == 0xff {
				return 1
			}
			if len(s) >= 4 && s[1] >= '0' && s[1] <= '9' {
				return 4 // GB18030 four-byte
			}
			return 2
		}, charset(simplifiedchinese.GB18030), false
	case strings.HasPrefix(name, "B5") || strings.HasPrefix(name, "ETen") || strings.HasPrefix(name, "HK"):
		return lead(0x81, 0xfe), charset(traditionalchinese.Big5), false
	case strings.Contains(name, "RKSJ"):
		return func(s string) int {
			if c := s[0]; c >= 0x81 && c <= 0x9f || c >= 0xe0 && c <= 0xfc {
				return 2
			}
			return 1
		}, charset(japanese.ShiftJIS), false
	case name == "EUC-H" || name == "EUC-V":
		return lead(0x8e, 0xfe), charset(japanese.EUCJP), false
	case strings.HasPrefix(name, "KSC"):
		return lead(0x81, 0xfe), charset(korean.EUCKR), false
	}
	return nil, nil, false
}

// decodeUTF16 decodes big-endian UTF-16, "" for an odd length.
func decodeUTF16(code string) string {
	if len(code) == 0 || len(code)%2 != 0 {
		return ""
	}
	u := make([]uint16, len(code)/2)
	for i := range u {
		u[i] = uint16(code[2*i])<<8 | uint16(code[2*i+1])
	}
	return string(utf16.Decode(u))
}

// cmap is a parsed CMap: codespace ranges and code-to-text mappings
// (bfchar/bfrange of a ToUnicode CMap).
type cmap struct {
	space [4][][2]string // codespace ranges by code length - 1
	m     map[string]string
	limit int // of len(m), and a fourth of the work of filling it
	work  int // codes of ranges read: overlapping ranges add work, not codes
}

func (c *cmap) empty() bool {
	for _, r := range c.space {
		if len(r) > 0 {
			return false
		}
	}
	return true
}

// match returns the length of the code at the start of s, 0 if no range
// holds it.
func (c *cmap) match(s string) int {
	for n := 1; n <= 4 && n <= len(s); n++ {
	Ranges:
		for _, r := range c.space[n-1] {
			for i := 0; i < n; i++ {
				if s[i] < r[0][i] || s[i] > r[1][i] {
					continue Ranges
				}
			}
			return n
		}
	}
	return 0
}

// parseCMap reads a CMap program. It keeps whatever it understood, at most
// limit codes (and maxCMapEntries).
func parseCMap(b []byte, limit int) *cmap {
	c := &cmap{m: map[string]string{}, limit: min(limit, maxCMapEntries)}
	lx := lexer{b: b}
	var ops []operand
	for {
		op, kw, ok := lx.next(0)
		if !ok {
			return c
		}
		if kw == "" {
			if len(ops) < 1<<16 {
				ops = append(ops, op)
			}
			continue
		}
		switch kw {
		case "endcodespacerange":
			for i := 0; i+1 < len(ops); i += 2 {
				lo, hi := ops[i].str, ops[i+1].str
				if ops[i].kind == 's' && ops[i+1].kind == 's' && len(lo) == len(hi) && len(lo) >= 1 && len(lo) <= 4 {
					c.space[len(lo)-1] = append(c.space[len(lo)-1], [2]string{lo, hi})
				}
			}
		case "endbfchar":
			for i := 0; i+1 < len(ops) && len(c.m) < c.limit && c.work < 4*c.limit; i += 2 {
				c.work++
				if ops[i].kind == 's' && ops[i+1].kind == 's' {
					c.m[ops[i].str] = cmapText(ops[i+1].str)
				}
			}
		case "endbfrange":
			for i := 0; i+2 < len(ops); i += 3 {
				c.addRange(ops[i], ops[i+1], ops[i+2])
			}
		}
		ops = ops[:0]
	}
}

func (c *cmap) addRange(lo, hi, dst operand) {
	n := len(lo.str)
	if lo.kind != 's' || hi.kind != 's' || n == 0 || n > 4 || len(hi.str) != n {
		return
	}
	var a, b int
	for i := 0; i < n; i++ {
		a, b = a<<8|int(lo.str[i]), b<<8|int(hi.str[i])
	}
	b = min(b, a+0xffff)
	var base []rune
	if dst.kind == 's' {
		base = []rune(cmapText(dst.str))
	}
	for code := a; code <= b && len(c.m) < c.limit && c.work < 4*c.limit; code++ {
		c.work++
		key := make([]byte, n)
		for i, v := n-1, code; i >= 0; i, v = i-1, v>>8 {
			key[i] = byte(v)
		}
		switch dst.kind {
		case 's':
			if len(base) == 0 {
				return
			}
			r := append([]rune(nil), base...)
			r[len(r)-1] += rune(code - a)
			c.m[string(key)] = string(r)
		case 'a':
			if i := code - a; i < len(dst.arr) && dst.arr[i].kind == 's' {
				c.m[string(key)] = cmapText(dst.arr[i].str)
			}
		}
	}
}

// cmapText decodes a ToUnicode destination: UTF-16BE, or single bytes.
func cmapText(s string) string {
	if t := decodeUTF16(s); t != "" {
		return t
	}
	return latin1(s)
}
