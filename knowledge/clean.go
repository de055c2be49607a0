package knowledge

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// boilerplateLine matches whole lines that are site furniture rather than
// policy text: editor credits, copyright footers, link lists, app promotions.
var boilerplateLine = regexp.MustCompile(`^(责任编辑|責任編輯|编辑[:：]|編輯[:：]|相关链接|相關連結|相关阅读|相關閱讀|相关新闻|版权所有|版權所有|copyright|©|\(c\)|主办单位|主辦單位|网站地图|扫一扫|掃一掃|分享到|打印本页|关闭窗口|【打印】|【关闭】|海量资讯|点击进入专题|返回顶部|上一篇|下一篇|来源[:：]\s*$|文章附件[:：]\s*$)`)

// footerLine starts the site footer: it and every line after it are dropped
// when it appears near the end of a document.
var footerLine = regexp.MustCompile(`^(版权所有|版權所有|copyright|©|相关文章|相關文章|相关词条|相關詞條|热门词条|熱門詞條|联系我们|聯絡我們|聯繫我們|关于我们|關於我們|免责声明|免責聲明)`)

// orphanPinyin is a pinyin annotation whose character was lost to an
// encoding error, as in 領域?qū)?biāo)達標: the annotation goes, the "?" that
// marks the loss stays.
var orphanPinyin = regexp.MustCompile(`\?[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7}\)`)

// cleanLines normalises a document's text: control characters are dropped
// (see dropControls), pinyin annotations are dropped, each line is
// trimmed, boilerplate lines and blank lines are removed.
func cleanLines(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = dropControls(s)
	s = StripPinyin(s)
	s = orphanPinyin.ReplaceAllString(s, "?")
	var out []string
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimFunc(line, func(r rune) bool {
			return unicode.IsSpace(r) || r == '\u3000' || r == '\u00a0' || r == '\ufeff'
		})
		if line == "" || isBoilerplate(line) {
			continue
		}
		out = append(out, line)
	}
	// Cut a footer that starts within the last lines.
	for i := max(0, len(out)-12); i < len(out); i++ {
		if footerLine.MatchString(strings.ToLower(out[i])) {
			out = out[:i]
			break
		}
	}
	return strings.Join(out, "\n")
}

// dropControls removes the control characters a document's text may carry
// but no policy text means: C0 and C1 controls other than tab and newline
// (a form feed or vertical tab becomes a newline), DEL, and the
// bidirectional embedding, override and isolate controls. Printed by
// search or in a reply, an escape sequence could rewrite the terminal and
// an override reverse what follows.
func dropControls(s string) string {
	isControl := func(r rune) bool {
		return r < 0x20 && r != '\t' && r != '\n' || r >= 0x7f && r <= 0x9f ||
			r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069
	}
	if strings.IndexFunc(s, isControl) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\f' || r == '\v':
			return '\n'
		case isControl(r):
			return -1
		}
		return r
	}, s)
}

func isBoilerplate(line string) bool {
	l := strings.ToLower(strings.TrimLeft(line, "•·*-|> \t"))
	return boilerplateLine.MatchString(l)
}

// mojibake reports places in text where characters were lost or garbled in
// an earlier encoding round-trip: U+FFFD, and ASCII '?' wedged between Han
// characters or Chinese punctuation, where no question mark belongs.
func mojibake(text string) []string {
	var found []string
	for ln, line := range strings.Split(text, "\n") {
		rs := []rune(line)
		for i, r := range rs {
			bad := r == utf8.RuneError || (r == '?' && i > 0 && i+1 < len(rs) && isCJK(rs[i-1]) && rs[i+1] == '?')
			if r == '?' && i > 0 && i+1 < len(rs) && isCJK(rs[i-1]) && (isCJK(rs[i+1]) || rs[i+1] == '!') {
				bad = true
			}
			if !bad {
				continue
			}
			lo, hi := max(0, i-6), min(len(rs), i+7)
			found = append(found, fmt.Sprintf("line %d col %d: %q", ln+1, i+1, string(rs[lo:hi])))
			if len(found) >= 20 {
				return append(found, "…more")
			}
		}
	}
	return found
}

// isCJK reports Han characters and CJK punctuation.
func isCJK(r rune) bool {
	return unicode.Is(unicode.Han, r) || (r >= 0x3000 && r <= 0x303f) || (r >= 0xff00 && r <= 0xffef)
}

// compact keeps the letters and digits of s, lower-cased: text compared
// across line breaks, spacing and punctuation.
func compact(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsNumber(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}
