package answer

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/policybot/policybot/knowledge"
	"github.com/policybot/policybot/retrieval"
)

// extremeDeadlineQ spots a question about a work plan's first or last
// deadline: "最晚完成期限是哪一年", "最早到期的是哪项任务", "which task has the
// latest deadline?"; not "X最晚要在什么时候完成", which asks X's deadline.
var extremeDeadlineQ = regexp.MustCompile(`(?:最晚|最迟|最后|最早|最先)的?(?:完成)?(?:期限|截止|到期)|(?:期限|截止时间|截止日期)最(?:晚|迟|早)|\b(?:latest|earliest)\b[^?,]{0,24}\b(?:deadlines?|due|finish|complet)|\b(?:first|last|final)\s+deadline|\bdue\s+(?:first|last)\b`)

// latestRe tells a last-deadline question from a first-deadline one.
var latestRe = regexp.MustCompile(`最晚|最迟|最后|latest|last|final`)

// deadlineRe finds a task's deadline in its note: 2020年底前完成, 2017年6月底前完成.
var deadlineRe = regexp.MustCompile(`((?:19|20)\d{2})年(?:(\d{1,2})月)?(底|上半年|年中)?前?完成`)

// deadline is a task and when its note says it is due.
type deadline struct {
	sentence string // the task's sentence with its note
	due      string // 2020年底前
	key      int    // year*100+month, for ordering
	ev       retrieval.Evidence
}

// extremeDeadline answers a first- or last-deadline question from the task
// notes of the work plan the evidence is from: the plan of the first
// evidence in scope that dates at least two tasks. The tasks sharing the
// extreme deadline are quoted, up to three.
func (an *Answerer) extremeDeadline(docs *docReader, q *retrieval.Query, ev []retrieval.Evidence, sc scope) (Answer, bool) {
	m := extremeDeadlineQ.FindString(an.lang.ToSimplified(q.Folded))
	if m == "" {
		return Answer{}, false
	}
	latest := latestRe.MatchString(m)
	seen := make(map[string]bool)
	for _, v := range ev[:min(len(ev), 5)] {
		if seen[v.Chunk.DocID] || an.check(sc, "", v.Chunk).kind != missNone {
			continue
		}
		seen[v.Chunk.DocID] = true
		chunks, err := docs.chunks(v.Chunk.DocID)
		if err != nil {
			continue
		}
		var all []deadline
		for _, c := range chunks {
			sents, notes, _ := sentencesInContext(c.Text)
			task := make(map[string]int) // a task's note → its sentence in all
			for i, s := range sents {
				simp := an.lang.ToSimplified(s + notes[i])
				note := taskNoteRe.FindString(simp)
				d := deadlineRe.FindStringSubmatch(note)
				if d == nil {
					continue
				}
				if k, ok := task[note]; ok {
					// Every sentence of a task carries its note: the
					// longest says the task.
					if len(simp) > len(all[k].sentence) {
						all[k].sentence = simp
					}
					continue
				}
				task[note] = len(all)
				year, _ := strconv.Atoi(d[1])
				month := 12
				switch {
				case d[2] != "":
					month, _ = strconv.Atoi(d[2])
				case d[3] == "上半年" || d[3] == "年中":
					month = 6
				}
				all = append(all, deadline{sentence: simp, due: strings.TrimSuffix(d[0], "完成"), key: year*100 + month, ev: retrieval.Evidence{Chunk: c, Score: v.Score}})
			}
		}
		if len(all) < 2 {
			continue
		}
		best := all[0].key
		for _, d := range all {
			if latest && d.key > best || !latest && d.key < best {
				best = d.key
			}
		}
		var picked []deadline
		for _, d := range all {
			if d.key == best && len(picked) < 3 {
				picked = append(picked, d)
			}
		}
		return an.deadlineAnswer(q, picked), true
	}
	return Answer{}, false
}

// deadlineAnswer leads with the deadline and quotes its tasks.
func (an *Answerer) deadlineAnswer(q *retrieval.Query, picked []deadline) Answer {
	due := picked[0].due
	var b strings.Builder
	if q.Script == knowledge.ScriptLatin {
		when := due[:4]
		if month := picked[0].key % 100; month != 12 {
			when = time.Month(month).String() + " " + when
		}
		fmt.Fprintf(&b, "By the end of %s. The source says: “%s” [1]", when, picked[0].sentence)
	} else {
		fmt.Fprintf(&b, "%s。依据：“%s”[1]", due, picked[0].sentence)
	}
	cites := []Citation{an.cite(1, picked[0].ev)}
	cited := map[string]int{picked[0].ev.Chunk.ID: 1}
	for _, d := range picked[1:] {
		n, ok := cited[d.ev.Chunk.ID]
		if !ok {
			n = len(cites) + 1
			cited[d.ev.Chunk.ID] = n
			cites = append(cites, an.cite(n, d.ev))
		}
		fmt.Fprintf(&b, "\n“%s”[%d]", d.sentence, n)
	}
	return Answer{Text: an.inScript(q.Script, b.String()), Short: an.inScript(q.Script, due), Answered: true, Citations: cites, Path: PathExtractive}
}
