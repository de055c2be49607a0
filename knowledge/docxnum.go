package knowledge

import (
	"encoding/xml"
	"strconv"
	"strings"
)

// docxStyles holds what the paragraph styles of word/styles.xml say about
// numbering, alignment, size and titles.
type docxStyles struct {
	byID        map[string]docxStyle
	defaultSize int // w:docDefaults, in half-points
}

type docxStyle struct {
	name, basedOn string
	numID, ilvl   string
	hasNum        bool
	jc            string
	size          int
}

type docxVal struct {
	Val string `xml:"val,attr"`
}

func parseDOCXStyles(b []byte) docxStyles {
	var doc struct {
		Defaults struct {
			Size *docxVal `xml:"rPrDefault>rPr>sz"`
		} `xml:"docDefaults"`
		Styles []struct {
			Type    string   `xml:"type,attr"`
			ID      string   `xml:"styleId,attr"`
			Name    *docxVal `xml:"name"`
			BasedOn *docxVal `xml:"basedOn"`
			PPr     struct {
				NumPr *struct {
					NumID *docxVal `xml:"numId"`
					Ilvl  *docxVal `xml:"ilvl"`
				} `xml:"numPr"`
				Jc *docxVal `xml:"jc"`
			} `xml:"pPr"`
			Size *docxVal `xml:"rPr>sz"`
		} `xml:"style"`
	}
	st := docxStyles{byID: map[string]docxStyle{}}
	if xml.Unmarshal(b, &doc) != nil {
		return st
	}
	if doc.Defaults.Size != nil {
		st.defaultSize, _ = strconv.Atoi(doc.Defaults.Size.Val)
	}
	for _, s := range doc.Styles {
		if s.Type != "" && s.Type != "paragraph" {
			continue
		}
		var ds docxStyle
		if s.Name != nil {
			ds.name = strings.ToLower(s.Name.Val)
		}
		if s.BasedOn != nil {
			ds.basedOn = s.BasedOn.Val
		}
		if np := s.PPr.NumPr; np != nil {
			ds.hasNum = true
			if np.NumID != nil {
				ds.numID = np.NumID.Val
			}
			if np.Ilvl != nil {
				ds.ilvl = np.Ilvl.Val
			}
		}
		if s.PPr.Jc != nil {
			ds.jc = s.PPr.Jc.Val
		}
		if s.Size != nil {
			ds.size, _ = strconv.Atoi(s.Size.Val)
		}
		st.byID[s.ID] = ds
	}
	return st
}

// chain calls f on a style and the styles it is based on, nearest first,
// until f returns true.
func (st docxStyles) chain(id string, f func(docxStyle) bool) {
	for range 16 { // basedOn loops in broken files
		s, ok := st.byID[id]
		if !ok || f(s) {
			return
		}
		id = s.basedOn
	}
}

func (st docxStyles) size(id string) int {
	size := st.defaultSize
	st.chain(id, func(s docxStyle) bool {
		if s.size > 0 {
			size = s.size
			return true
		}
		return false
	})
	return size
}

func (st docxStyles) centered(id string) bool {
	jc := ""
	st.chain(id, func(s docxStyle) bool {
		jc = s.jc
		return jc != ""
	})
	return jc == "center"
}

func (st docxStyles) numbering(id string) (numID, ilvl string) {
	st.chain(id, func(s docxStyle) bool {
		if s.hasNum {
			numID, ilvl = s.numID, s.ilvl
			return true
		}
		return false
	})
	return numID, ilvl
}

// isTitle reports a Title style (title, 标题; not the numbered heading
// styles).
func (st docxStyles) isTitle(id string) bool {
	if s, ok := st.byID[id]; ok {
		return s.name == "title" || s.name == "标题"
	}
	return strings.EqualFold(id, "Title")
}

// docxNumbering is word/numbering.xml: list definitions and the numbering
// instances that use them.
type docxNumbering struct {
	abstract map[string]map[int]docxLevel // abstractNumId → ilvl → level
	nums     map[string]docxNum
}

type docxLevel struct {
	start   int
	format  string // w:numFmt
	text    string // w:lvlText, "第%1条"
	suffix  string // w:suff: tab (default), space, nothing
	legal   bool   // w:isLgl: all levels as decimal
	restart int    // w:lvlRestart: -1 after any higher level (default), 0 never, k after level k-1
	present bool
}

type docxNum struct {
	abstract  string
	overrides map[int]docxLevel // w:lvlOverride: a start, or a whole level
}

type docxLvlXML struct {
	Ilvl    string   `xml:"ilvl,attr"`
	Start   *docxVal `xml:"start"`
	NumFmt  *docxVal `xml:"numFmt"`
	LvlText *docxVal `xml:"lvlText"`
	Suff    *docxVal `xml:"suff"`
	IsLgl   *docxVal `xml:"isLgl"`
	Restart *docxVal `xml:"lvlRestart"`
}

func (l docxLvlXML) level() docxLevel {
	lv := docxLevel{start: 1, format: "decimal", suffix: "tab", restart: -1, present: true}
	if l.Restart != nil {
		if n, err := strconv.Atoi(l.Restart.Val); err == nil && n >= 0 {
			lv.restart = n
		}
	}
	if l.Start != nil {
		if n, err := strconv.Atoi(l.Start.Val); err == nil {
			lv.start = n
		}
	}
	if l.NumFmt != nil {
		lv.format = l.NumFmt.Val
	}
	if l.LvlText != nil {
		lv.text = l.LvlText.Val
	}
	if l.Suff != nil {
		lv.suffix = l.Suff.Val
	}
	lv.legal = l.IsLgl != nil && l.IsLgl.Val != "0" && l.IsLgl.Val != "false"
	return lv
}

func parseDOCXNumbering(b []byte) *docxNumbering {
	var doc struct {
		Abstract []struct {
			ID     string       `xml:"abstractNumId,attr"`
			Levels []docxLvlXML `xml:"lvl"`
		} `xml:"abstractNum"`
		Nums []struct {
			ID       string   `xml:"numId,attr"`
			Abstract *docxVal `xml:"abstractNumId"`
			Override []struct {
				Ilvl  string      `xml:"ilvl,attr"`
				Start *docxVal    `xml:"startOverride"`
				Level *docxLvlXML `xml:"lvl"`
			} `xml:"lvlOverride"`
		} `xml:"num"`
	}
	if xml.Unmarshal(b, &doc) != nil {
		return nil
	}
	n := &docxNumbering{abstract: map[string]map[int]docxLevel{}, nums: map[string]docxNum{}}
	for _, a := range doc.Abstract {
		levels := map[int]docxLevel{}
		for _, l := range a.Levels {
			if i, err := strconv.Atoi(l.Ilvl); err == nil && i >= 0 && i < 9 {
				levels[i] = l.level()
			}
		}
		n.abstract[a.ID] = levels
	}
	for _, x := range doc.Nums {
		if x.Abstract == nil {
			continue
		}
		num := docxNum{abstract: x.Abstract.Val, overrides: map[int]docxLevel{}}
		for _, o := range x.Override {
			i, err := strconv.Atoi(o.Ilvl)
			if err != nil || i < 0 || i >= 9 {
				continue
			}
			var lv docxLevel // present only when the override holds a whole level
			if o.Level != nil {
				lv = o.Level.level()
			}
			if o.Start != nil {
				if s, err := strconv.Atoi(o.Start.Val); err == nil {
					lv.start = s
				}
			}
			if o.Level != nil || o.Start != nil {
				num.overrides[i] = lv
			}
		}
		n.nums[x.ID] = num
	}
	return n
}

// docxCounters renders the automatic numbers of paragraphs in document
// order. Numbering instances that share a list definition continue one
// count, as Word does, unless an instance restarts it with a start
// override.
type docxCounters struct {
	num     *docxNumbering
	counts  map[string]*[9]int // abstractNumId → current value per level
	started map[string]bool    // numIds whose overrides took effect
}

func newDOCXCounters(num *docxNumbering) *docxCounters {
	return &docxCounters{num: num, counts: map[string]*[9]int{}, started: map[string]bool{}}
}

// level returns the definition of level ilvl of numbering instance numID.
func (c *docxCounters) level(numID string, ilvl int) (docxLevel, bool) {
	num, ok := c.num.nums[numID]
	if !ok {
		return docxLevel{}, false
	}
	lv, ok := c.num.abstract[num.abstract][ilvl]
	if o, has := num.overrides[ilvl]; has {
		if o.present {
			return o, true
		}
		lv.start = o.start
	}
	return lv, ok
}

// next advances the count of a numbered paragraph and returns its label
// with its suffix ("第三条　", "1. "), or "" for none.
func (c *docxCounters) next(numID, ilvlS string) string {
	if c.num == nil || numID == "" || numID == "0" {
		return ""
	}
	ilvl, err := strconv.Atoi(ilvlS)
	if ilvlS == "" {
		ilvl, err = 0, nil
	}
	if err != nil || ilvl < 0 || ilvl >= 9 {
		return ""
	}
	num, ok := c.num.nums[numID]
	if !ok {
		return ""
	}
	lv, ok := c.level(numID, ilvl)
	if !ok {
		return ""
	}
	counts := c.counts[num.abstract]
	if counts == nil {
		counts = &[9]int{}
		for i := range counts {
			if l, ok := c.level(numID, i); ok {
				counts[i] = l.start - 1
			}
		}
		c.counts[num.abstract] = counts
	}
	if !c.started[numID] {
		c.started[numID] = true
		for i, o := range num.overrides {
			counts[i] = o.start - 1
		}
	}
	counts[ilvl]++
	for i := ilvl + 1; i < 9; i++ { // deeper levels restart, unless told otherwise
		if l, ok := c.level(numID, i); ok && (l.restart < 0 || (l.restart > 0 && ilvl <= l.restart-1)) {
			counts[i] = l.start - 1
		}
	}
	if lv.format == "bullet" || lv.format == "none" || lv.text == "" {
		return ""
	}
	var b strings.Builder
	t := lv.text
	for i := 0; i < len(t); i++ {
		if t[i] == '%' && i+1 < len(t) && t[i+1] >= '1' && t[i+1] <= '9' {
			k := int(t[i+1] - '1')
			format := lv.format
			if k != ilvl {
				if l, ok := c.level(numID, k); ok {
					format = l.format
				}
			}
			if lv.legal {
				format = "decimal"
			}
			b.WriteString(docxFormatNumber(counts[k], format))
			i++
			continue
		}
		b.WriteByte(t[i])
	}
	label := b.String()
	if strings.TrimSpace(label) == "" {
		return ""
	}
	switch lv.suffix {
	case "nothing":
	case "space":
		label += " "
	default: // tab
		if r := []rune(label); isCJK(r[len(r)-1]) {
			label += "　"
		} else {
			label += " "
		}
	}
	return label
}

// docxFormatNumber writes n in a w:numFmt.
func docxFormatNumber(n int, format string) string {
	switch format {
	case "chineseCounting", "chineseCountingThousand", "taiwaneseCounting", "taiwaneseCountingThousand",
		"japaneseCounting", "ideographLegalTraditional":
		return hanCount(n, []rune("零一二三四五六七八九"), []rune("十百千万"))
	case "chineseLegalSimplified":
		return hanCount(n, []rune("零壹贰叁肆伍陆柒捌玖"), []rune("拾佰仟万"))
	case "ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand":
		digits := []rune("〇一二三四五六七八九")
		var b strings.Builder
		for _, d := range strconv.Itoa(n) {
			if d >= '0' && d <= '9' {
				b.WriteRune(digits[d-'0'])
			}
		}
		return b.String()
	case "ideographTraditional":
		if n >= 1 && n <= 10 {
			return string([]rune("甲乙丙丁戊己庚辛壬癸")[n-1])
		}
	case "ideographZodiac":
		if n >= 1 && n <= 12 {
			return string([]rune("子丑寅卯辰巳午未申酉戌亥")[n-1])
		}
	case "decimalEnclosedCircle", "decimalEnclosedCircleChinese":
		if n >= 1 && n <= 20 {
			return string(rune('①' + n - 1))
		}
	case "decimalEnclosedParen":
		return "(" + strconv.Itoa(n) + ")"
	case "decimalFullWidth", "decimalFullWidth2":
		var b strings.Builder
		for _, d := range strconv.Itoa(n) {
			b.WriteRune(d - '0' + '０')
		}
		return b.String()
	case "decimalZero":
		if n < 10 && n >= 0 {
			return "0" + strconv.Itoa(n)
		}
	case "upperLetter", "lowerLetter":
		if n >= 1 {
			s := strings.Repeat(string(rune('A'+(n-1)%26)), (n-1)/26+1)
			if format == "lowerLetter" {
				s = strings.ToLower(s)
			}
			return s
		}
	case "upperRoman", "lowerRoman":
		if n >= 1 && n < 4000 {
			s := roman(n)
			if format == "lowerRoman" {
				s = strings.ToLower(s)
			}
			return s
		}
	}
	return strconv.Itoa(n)
}

// hanCount writes n (0 ≤ n < 100000) in Chinese counting: 十一, 二十,
// 一百零一, 一千二百三十四. digits are 0-9, units 十百千万.
func hanCount(n int, digits, units []rune) string {
	if n < 0 || n >= 100000 {
		return strconv.Itoa(n)
	}
	if n == 0 {
		return string(digits[0])
	}
	var b []rune
	place := []int{10000, 1000, 100, 10, 1}
	unitOf := map[int]rune{10000: units[3], 1000: units[2], 100: units[1], 10: units[0]}
	zero := false
	for _, p := range place {
		d := n / p % 10
		if d == 0 {
			if len(b) > 0 {
				zero = true
			}
			continue
		}
		if zero {
			b = append(b, digits[0])
			zero = false
		}
		if !(p == 10 && d == 1 && len(b) == 0) { // 十一, not 一十一
			b = append(b, digits[d])
		}
		if p > 1 {
			b = append(b, unitOf[p])
		}
	}
	return string(b)
}

func roman(n int) string {
	vals := []int{1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1}
	syms := []string{"M", "CM", "D", "CD", "C", "XC", "L", "XL", "X", "IX", "V", "IV", "I"}
	var b strings.Builder
	for i, v := range vals {
		for n >= v {
			b.WriteString(syms[i])
			n -= v
		}
	}
	return b.String()
}
