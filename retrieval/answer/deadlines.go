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
	sentence string // the task's first sentence (after its heading), with its note
	due      string // 2020年底前
	key      int    // year*100+month, for ordering
	ev       retrieval.Evidence
}

// dueByQ finds the deadline a list question names: "哪几项要求2019年底前完成",
// "which tasks are due by the end of 2019".
var dueByQ = regexp.MustCompile(`((?:19|20)\d{2})年(?:(\d{1,2})月)?底?前?(?:完成|到期)|\bdue (?:by )?(?:the end of )?((?:19|20)\d{2})\b|\bby (?:the end of )?((?:19|20)\d{2})\b[^?]*\b(?:finish|complet|due)|\b(?:finish|complet)\w*\s+by (?:the end of )?((?:19|20)\d{2})\b`)

// taskHeadingRe finds a task's numbered heading standing as a sentence:
// "3.制定专项计划。".
var taskHeadingRe = regexp.MustCompile(`^\s*\d+[.．、]\p{Han}{2,20}[。.]?\s*$`)

// deadlines lists the dated tasks of a document: one per task note, with
// the task's first sentence that is not its heading.
func (an *Answerer) deadlines(chunks []knowledge.Chunk, score float64) []deadline {
	var all []deadline
	for _, c := range chunks {
		sents, notes, _ := sentencesInContext(c.Text)
		task := make(map[string]int) // a task's note → its place in all
		for i, s := range sents {
			simp := an.lang.ToSimplified(s + notes[i])
			note := taskNoteRe.FindString(simp)
			d := deadlineRe.FindStringSubmatch(note)
			if d == nil {
				continue
			}
			if k, ok := task[note]; ok {
				// Every sentence of a task carries its note: the first
				// after the heading says the task.
				if taskHeadingRe.MatchString(strings.TrimSuffix(all[k].sentence, note)) {
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
			all = append(all, deadline{sentence: simp, due: strings.TrimSuffix(d[0], "完成"), key: year*100 + month, ev: retrieval.Evidence{Chunk: c, Score: score}})
		}
	}
	return all
}

// extremeDeadline answers a first- or last-deadline question, or a list
// of the tasks due by a named deadline, from the task notes of the work
// plan the evidence is from: the plan of the first evidence in scope that
// dates at least two tasks. The tasks sharing the deadline are quoted, up
// to three (five for a list).
func (an *Answerer) extremeDeadline(docs *docReader, q *retrieval.Query, ev []retrieval.Evidence, sc scope) (Answer, bool) {
	simp := an.lang.ToSimplified(q.Folded)
	m := extremeDeadlineQ.FindString(simp)
	due := 0 // the deadline a list question names, year*100+month
	if m == "" {
		d := dueByQ.FindStringSubmatch(simp)
		if d == nil || !listQ.MatchString(q.Folded) {
			return Answer{}, false
		}
		year, _ := strconv.Atoi(d[1] + d[3] + d[4] + d[5])
		month := 12
		if d[2] != "" {
			month, _ = strconv.Atoi(d[2])
		}
		due = year*100 + month
	}
	latest := latestRe.MatchString(m)
	// The deadline asked is what the tasks are sorted by, not a scope.
	sc.years, sc.months, sc.yearFigure = nil, nil, false
	for _, v := range firstOfEachDoc(ev) {
		if an.check(sc, "", v.Chunk).kind != missNone {
			continue
		}
		chunks, err := docs.chunks(v.Chunk.DocID)
		if err != nil {
			continue
		}
		all := an.deadlines(chunks, v.Score)
		if len(all) < 2 {
			continue
		}
		best, most := due, 5
		if due == 0 {
			best, most = all[0].key, 3
			for _, d := range all {
				if latest && d.key > best || !latest && d.key < best {
					best = d.key
				}
			}
		}
		var picked []deadline
		for _, d := range all {
			if d.key == best && len(picked) < most {
				picked = append(picked, d)
			}
		}
		if len(picked) == 0 {
			return Answer{}, false // no task is due then: the other checks say why
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
