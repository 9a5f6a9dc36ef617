package config

import (
	"os"
	"strings"
	"testing"

	"github.com/sct-langson/nhacviec/plan"
	"github.com/sct-langson/nhacviec/rules"
)

// exampleWith is the shipped example with its per-plan schedules replaced
// by yaml (indented as the keys under schedules:).
func exampleWith(t *testing.T, schedules, reminders string) *Config {
	t.Helper()
	data, err := os.ReadFile("../examples/nhacviec.yaml")
	if err != nil {
		t.Fatal(err)
	}
	src := string(data)
	for _, r := range []struct{ old, new string }{
		{"  plans:\n    \"60/KH-SCT\":\n      tasks:\n        I.3: {unscheduled: true}    # Theo Kế hoạch kiểm tra: set dates when issued\n        I.6: {unscheduled: true}    # Theo kế hoạch của Bộ Nội vụ\n", schedules + "\n"},
		{"  plans:                      # per task of a plan: any of before/on_due_day/overdue_every/escalations\n    \"60/KH-SCT\":\n      tasks:\n        I.2:\n          before: [5, 2, 1]\n", reminders},
	} {
		if !strings.Contains(src, r.old) {
			t.Fatalf("the example lacks %q", r.old)
		}
		src = strings.Replace(src, r.old, r.new, 1)
	}
	c, err := Parse([]byte(src), "nhacviec.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestTaskRulesScopedToPlan: a rule under plans."<code>".tasks applies to
// that plan's task only; two plans numbering their tasks alike keep their
// own rules; a rule by bare id applies to every plan's task.
func TestTaskRulesScopedToPlan(t *testing.T) {
	c := exampleWith(t, `  plans:
    "60/KH-SCT":
      tasks:
        I.3: {unscheduled: true}
    "12/KH-SCT":
      tasks:
        I.3: {due: "2025-09-30"}
  tasks:
    I.5: {due: "2024-10-15"}`, `  plans:
    "60/KH-SCT":
      tasks:
        I.2:
          before: [5, 2, 1]
  tasks:
    I.4:
      before: [10]
`)
	s := c.Scheduling
	i3 := plan.Task{ID: "I.3", Section: "I", Timeline: plan.Timeline{Kind: plan.KindQuarter, Text: "Quý III/2025", Year: 2025, Quarter: 3}}
	if r := s.Schedules.For("60/KH-SCT", i3); !r.Unscheduled || r.Source != "task 60/KH-SCT I.3" {
		t.Errorf("60/KH-SCT I.3: %+v", r)
	}
	if r := s.Schedules.For("12/KH-SCT", i3); r.Due != "2025-09-30" || r.Unscheduled {
		t.Errorf("12/KH-SCT I.3: %+v", r)
	}
	if r := s.Schedules.For("7/KH-SCT", i3); r.Unscheduled || r.Due != "timeline" {
		t.Errorf("a third plan's I.3 takes its kind's default: %+v", r)
	}
	i5 := plan.Task{ID: "I.5", Section: "I", Timeline: plan.Timeline{Kind: plan.KindYear}}
	for _, code := range []string{"60/KH-SCT", "12/KH-SCT"} {
		if r := s.Schedules.For(code, i5); r.Due != "2024-10-15" {
			t.Errorf("bare I.5 in %s: %+v", code, r)
		}
	}
	if p, ok := s.TaskPolicies[rules.TaskKey("60/KH-SCT", "I.2")]; !ok || len(p.Before) != 3 {
		t.Errorf("60/KH-SCT I.2 policy: %+v %v", p, ok)
	}
	if _, ok := s.TaskPolicies["I.2"]; ok {
		t.Error("the plan's I.2 policy leaks to every plan's I.2")
	}
	if p, ok := s.TaskPolicies["I.4"]; !ok || len(p.Before) != 1 {
		t.Errorf("bare I.4 policy: %+v %v", p, ok)
	}
}

// TestBareTaskRulesAgainstPlans: a bare id that several plans have is
// refused with its file and line; one that one plan has is a warning
// naming where to write it.
func TestBareTaskRulesAgainstPlans(t *testing.T) {
	c := exampleWith(t, `  tasks:
    I.3: {unscheduled: true}`, `  tasks:
    I.2:
      before: [5, 2, 1]
`)
	lineOf := func(s string) int {
		for _, r := range c.Scheduling.BareTaskRules {
			if r.Field == s {
				return r.Line
			}
		}
		return 0
	}
	if lineOf("schedules.tasks.I.3") == 0 || lineOf("reminders.tasks.I.2") == 0 {
		t.Fatalf("bare rules without lines: %+v", c.Scheduling.BareTaskRules)
	}
	ids := []string{"I.1", "I.2", "I.3"}
	errs, warnings := c.BareRuleProblems(map[string][]string{"60/KH-SCT": ids, "12/KH-SCT": ids})
	if len(errs) != 2 || len(warnings) != 0 {
		t.Fatalf("two plans with I.2 and I.3: errors %v, warnings %v", errs, warnings)
	}
	for _, e := range errs {
		msg := e.Error()
		if !strings.HasPrefix(msg, "nhacviec.yaml:") || !strings.Contains(msg, "is in plans 12/KH-SCT and 60/KH-SCT") {
			t.Errorf("ambiguous rule: %q", msg)
		}
	}
	if errs[0].Line != lineOf("reminders.tasks.I.2") || errs[1].Line != lineOf("schedules.tasks.I.3") {
		t.Errorf("errors at lines %d, %d", errs[0].Line, errs[1].Line)
	}
	errs, warnings = c.BareRuleProblems(map[string][]string{"60/KH-SCT": ids, "12/KH-SCT": {"I.1"}})
	if len(errs) != 0 || len(warnings) != 2 || !strings.Contains(warnings[1].Error(), `write it under schedules.plans."60/KH-SCT".tasks`) {
		t.Errorf("one plan with I.3: errors %v, warnings %v", errs, warnings)
	}
}
