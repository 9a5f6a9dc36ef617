package scheduler

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/plan"
)

func occIDs(occs []Occurrence) []string {
	out := make([]string, len(occs))
	for i, o := range occs {
		out[i] = o.ID() + " " + o.DueDay.String()
	}
	return out
}

// TestOccurrencesAppendixKinds covers every timeline kind in the appendix.
func TestOccurrencesAppendixKinds(t *testing.T) {
	cal := testCalendar(t)
	tasks := appendixTasks(t)
	var s Schedules
	through := day(2025, 12, 31)
	tests := []struct {
		id   string
		kind plan.Kind
		want []string
	}{
		{"I.1", plan.KindYear, []string{"I.1@2024 2024-12-31"}},
		// Reports due the 16th of the period's last month, from the plan's
		// date (13/6/2024) on: Q1 is before it. 16/6/2024 is a Sunday.
		{"I.2", plan.KindRegulation, []string{"I.2@2024-H1 2024-06-17", "I.2@2024-Q3 2024-09-16", "I.2@2024-Y 2024-12-16"}},
		{"I.3", plan.KindOtherPlan, nil},
		{"I.6", plan.KindOtherPlan, nil},
		// Thường xuyên: monthly on the 25th; 25/8/2024 is a Sunday.
		{"I.4.1", plan.KindRecurring, []string{"I.4.1@2024-06 2024-06-25", "I.4.1@2024-07 2024-07-25", "I.4.1@2024-08 2024-08-26",
			"I.4.1@2024-09 2024-09-25", "I.4.1@2024-10 2024-10-25", "I.4.1@2024-11 2024-11-25", "I.4.1@2024-12 2024-12-25"}},
		{"III.2.3", plan.KindBlank, []string{"III.2.3@2024 2024-12-31"}},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			task := findTask(t, tasks, tt.id)
			if task.Timeline.Kind != tt.kind {
				t.Fatalf("kind = %s, want %s", task.Timeline.Kind, tt.kind)
			}
			got := occIDs(Occurrences(cal, plan60, task.Task, s.For(plan60.Code, task.Task), 16, through))
			if !slices.Equal(got, tt.want) {
				t.Errorf("occurrences =\n%v\nwant\n%v", got, tt.want)
			}
		})
	}
}

func TestOccurrencesOtherKinds(t *testing.T) {
	cal := testCalendar(t)
	p := PlanInfo{Code: "1/KH", Year: 2025, Start: day(2025, 1, 10)}
	mk := func(text string) plan.Task {
		return plan.Task{ID: "I.1", Section: "I", Timeline: plan.ParseTimeline(text)}
	}
	var s Schedules
	tests := []struct {
		text string
		rule *Rule
		want []string
	}{
		{"Trước ngày 15/12/2025", nil, []string{"I.1@2025 2025-12-15"}},
		{"Tháng 9/2025", nil, []string{"I.1@2025 2025-09-30"}},
		// 20/9/2025 is a Saturday: the deadline moves to Monday 22/9.
		{"Trước ngày 20/9/2025", nil, []string{"I.1@2025 2025-09-22"}},
		{"Quý III/2025", nil, []string{"I.1@2025 2025-09-30"}},
		{"6 tháng đầu năm", nil, []string{"I.1@2025 2025-06-30"}},
		{"Năm 2025", nil, []string{"I.1@2025 2025-12-31"}},
		{"Hằng quý", nil, []string{"I.1@2025-Q1 2025-03-25", "I.1@2025-Q2 2025-06-25", "I.1@2025-Q3 2025-09-25", "I.1@2025-Q4 2025-12-25"}},
		{"Thường xuyên", &Rule{Dates: days(t, "2025-03-01, 2025-10-15")}, []string{"I.1@2025-03-01 2025-03-03", "I.1@2025-10-15 2025-10-15"}},
		{"Theo Kế hoạch kiểm tra", &Rule{Due: "2025-11-28"}, []string{"I.1@2025 2025-11-28"}},
		{"Thường xuyên", &Rule{Cron: "CRON_TZ=Asia/Ho_Chi_Minh 0 9 1 */6 *"}, []string{"I.1@2025 2025-07-01"}},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			task := mk(tt.text)
			rule := s.For(plan60.Code, task)
			if tt.rule != nil {
				if err := tt.rule.Check(); err != nil {
					t.Fatal(err)
				}
				rule = *tt.rule
			}
			got := occIDs(Occurrences(cal, p, task, rule, 16, day(2025, 12, 31)))
			if !slices.Equal(got, tt.want) {
				t.Errorf("occurrences = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestOccurrencesHorizon(t *testing.T) {
	cal := testCalendar(t)
	task := findTask(t, appendixTasks(t), "I.4.1")
	var s Schedules
	got := occIDs(Occurrences(cal, plan60, task.Task, s.For(plan60.Code, task.Task), 16, day(2024, 8, 31)))
	if want := []string{"I.4.1@2024-06 2024-06-25", "I.4.1@2024-07 2024-07-25", "I.4.1@2024-08 2024-08-26"}; !slices.Equal(got, want) {
		t.Errorf("within horizon: %v", got)
	}
}

func TestRuleCheck(t *testing.T) {
	tests := []struct {
		rule Rule
		want string
	}{
		{Rule{Cron: "0 0 30 2 *"}, `cron "0 0 30 2 *": never fires`},
		{Rule{Cron: "CRON_TZ=UTC"}, `cron "CRON_TZ=UTC": malformed`},
		{Rule{Cron: "0 8 * *"}, `cron "0 8 * *": expected exactly 5 fields`},
		{Rule{Cron: "*/5 * * * *"}, "fires more than once a day"},
		{Rule{Due: "31/12/2024"}, "want timeline, end-of-year or a date"},
		{Rule{Due: "timeline", Unscheduled: true}, "set only one of"},
		{Rule{Reports: []Report{"q2"}}, `report "q2"`},
		{Rule{Cron: "CRON_TZ=Asia/Ho_Chi_Minh 0 8 * * 1-5"}, ""},
	}
	for _, tt := range tests {
		err := tt.rule.Check()
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%+v: %v", tt.rule, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%+v: err = %v, want %q", tt.rule, err, tt.want)
		}
	}
}

func TestScheduleOverrides(t *testing.T) {
	s := Schedules{
		Defaults: map[string]Rule{"recurring/month": {Cron: "0 8 1 * *"}},
		Sections: map[string]Rule{"II": {Due: "2024-10-31"}},
		Tasks:    map[string]Rule{"II.2": {Unscheduled: true}},
	}
	tests := []struct {
		task plan.Task
		want string
	}{
		{plan.Task{ID: "II.1", Section: "II", Timeline: plan.ParseTimeline("Trong năm 2024")}, "section II"},
		{plan.Task{ID: "II.2", Section: "II"}, "task II.2"},
		{plan.Task{ID: "I.1", Section: "I", Timeline: plan.ParseTimeline("Hằng tháng")}, "default recurring/month"},
		{plan.Task{ID: "I.2", Section: "I", Timeline: plan.ParseTimeline("Hằng quý")}, "built-in recurring/quarter"},
		{plan.Task{ID: "I.3", Section: "I", Timeline: plan.ParseTimeline("Theo quy định")}, "built-in regulation"},
	}
	for _, tt := range tests {
		if got := s.For(plan60.Code, tt.task).Source; got != tt.want {
			t.Errorf("%s: source %q, want %q", tt.task.ID, got, tt.want)
		}
	}
}

// TestOccurrenceMemoMatchesOccurrences: Sync's memo gives every task the
// occurrences Occurrences computes for it, across rules that differ only
// by one field and timelines that differ only by one number.
func TestOccurrenceMemoMatchesOccurrences(t *testing.T) {
	cal := testCalendar(t)
	p := PlanInfo{Code: "1/KH", Year: 2025, Start: day(2025, 1, 10)}
	other := PlanInfo{Code: "2/KH", Year: 2025, Start: day(2025, 3, 1)}
	mkRule := func(r Rule) Rule {
		if err := r.Check(); err != nil {
			t.Fatal(err)
		}
		return r
	}
	rs := []Rule{
		{}, // the task's own timeline, through Schedules.For's built-ins
		mkRule(Rule{Due: "timeline"}),
		mkRule(Rule{Due: "end-of-year"}),
		mkRule(Rule{Due: "2025-05-20"}),
		mkRule(Rule{Due: "2025-05-21"}),
		mkRule(Rule{Cron: "0 9 25 * *"}),
		mkRule(Rule{Cron: "0 9 26 * *"}),
		mkRule(Rule{Cron: "0 9 * * 1"}),
		mkRule(Rule{Dates: []calendar.Date{day(2025, 2, 3), day(2025, 6, 9)}}),
		mkRule(Rule{Dates: []calendar.Date{day(2025, 2, 3), day(2025, 6, 10)}}),
		mkRule(Rule{Reports: []Report{ReportQ1, ReportH1}}),
		mkRule(Rule{Reports: []Report{ReportQ1, ReportQ3}}),
		{Unscheduled: true},
	}
	texts := []string{"Trong năm 2025", "Quý I/2025", "Quý II/2025", "Tháng 3/2025", "Tháng 4/2025", "6 tháng đầu năm 2025",
		"6 tháng cuối năm 2025", "Trước ngày 15/4/2025", "Trước ngày 16/4/2025", "Trước ngày 15/5/2025", "Thường xuyên",
		"Hằng tháng", "Hằng quý", "Theo quy định", "Năm 2026", ""}
	var s Schedules
	for _, through := range []calendar.Date{day(2025, 12, 31), day(2025, 4, 30)} {
		memo := newOccurrenceMemo(cal, 16, through)
		n := 0
		for round := range 2 { // the second round reads what the first remembered
			for ri, r := range rs {
				for ti, text := range texts {
					for _, pi := range []PlanInfo{p, other} {
						n++
						task := plan.Task{ID: fmt.Sprintf("I.%d", n), Section: "I", Timeline: plan.ParseTimeline(text)}
						rule := r
						if rule.IsZero() {
							rule = s.For(pi.Code, task)
						}
						want := Occurrences(cal, pi, task, rule, 16, through)
						got := memo.of(pi, task, rule)
						if !slices.Equal(got, want) {
							t.Fatalf("round %d, rule %d, %q, plan %s, through %s:\n got %v\nwant %v", round, ri, texts[ti], pi.Code, through, occIDs(got), occIDs(want))
						}
					}
				}
			}
		}
	}
}

// TestKeyOrder: Sync plans tasks in the order of their assignments' keys
// ("I.10@…" before "I.1@…"), so that each chunk appends to the store.
func TestKeyOrder(t *testing.T) {
	ids := []string{"I.1", "I.10", "I.1.2", "I.2", "II.1", "I", "I.10.1", "I.100", "Ia", "I.1@", "I.1?", "I.1A", ""}
	for _, a := range ids {
		for _, b := range ids {
			if got, want := compareBefore(a, b, '@'), strings.Compare(a+"@", b+"@"); got != want {
				t.Errorf("compareBefore(%q, %q) = %d, want %d", a, b, got, want)
			}
		}
	}
	var tasks []Task
	for i, id := range ids {
		code := "1/KH"
		if i%3 == 0 {
			code = "2/KH"
		}
		tasks = append(tasks, Task{Plan: PlanInfo{Code: code}, Task: plan.Task{ID: id}})
	}
	var keys []string
	for _, tk := range inKeyOrder(tasks) {
		keys = append(keys, AssignmentKey(tk.Plan.Code, tk.ID+"@2025", "u1"))
	}
	if !slices.IsSorted(keys) {
		t.Errorf("tasks not in key order: %q", keys)
	}
}
