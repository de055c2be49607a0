package answer

import (
	"strings"
	"testing"
)

func TestExtremeDeadlineQ(t *testing.T) {
	tests := []struct {
		q      string
		want   bool
		latest bool
	}{
		{"2015方案里给出的最晚完成期限是哪一年", true, true},
		{"最早到期的是哪项任务", true, false},
		{"which task has the latest deadline", true, true},
		{"what is the earliest deadline in the plan", true, false},
		{"which task is due first", true, false},
		{"last year, how many tasks were completed", false, false},
		{"what was finished first in 2015", false, false},
		{"最后一项任务是什么", false, false},
		{"调整联席会议成员最晚要在什么时候完成", false, false}, // one task's deadline
	}
	for _, tt := range tests {
		m := extremeDeadlineQ.FindString(tt.q)
		if (m != "") != tt.want || m != "" && latestRe.MatchString(m) != tt.latest {
			t.Errorf("extremeDeadlineQ(%q) = %q; want match %v, latest %v", tt.q, m, tt.want, tt.latest)
		}
	}
}

// End to end over the seeds: the plan's first and last deadlines, from its
// task notes.
func TestAskExtremeDeadline(t *testing.T) {
	an := seeds(t)
	tests := []struct{ q, want string }{
		{"上海2015年工作方案中最晚的完成期限是哪年？", "2020年底前"},
		{"上海2015年工作方案里哪项任务最早到期？", "2015年底前"},
		{"Which task of Shanghai's 2015 work plan has the earliest deadline?", "By the end of 2015"},
		{"上海2015年工作方案里哪些任务要在2019年底前完成？", "2019年底前"},
		{"Which tasks of Shanghai's 2015 work plan are due by the end of 2017?", "By the end of 2017"},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			a, err := an.Ask(t.Context(), Question{Text: tt.q})
			if err != nil {
				t.Fatal(err)
			}
			if !a.Answered || !strings.HasPrefix(an.lang.ToSimplified(a.Text), tt.want) || len(a.Citations) == 0 {
				t.Errorf("Ask(%q) = %q (%d citations); want it to lead with %q", tt.q, a.Text, len(a.Citations), tt.want)
			}
		})
	}
}

func TestDueByQ(t *testing.T) {
	tests := []struct{ q, want string }{
		{"哪几项要求2019年底前完成", "2019"},
		{"哪些任务2017年6月底前到期", "2017"},
		{"which tasks are due by the end of 2017", "2017"},
		{"what must be finished by 2020", "2020"},
		{"2019年发布了哪些标准", ""},
	}
	for _, tt := range tests {
		m := dueByQ.FindStringSubmatch(tt.q)
		got := ""
		if m != nil {
			got = m[1] + m[3] + m[4] + m[5]
		}
		if got != tt.want {
			t.Errorf("dueByQ(%q) = %q, want %q", tt.q, got, tt.want)
		}
	}
}
