package config

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/plan"
	"github.com/sct-langson/nhacviec/rules"
)

// Calendar is the working-day calendar section.
type Calendar struct {
	// WorkHours "07:30-17:00": no message goes out outside them.
	WorkHours string `yaml:"work_hours"`
	// Years are the official days off and worked Saturdays the government
	// announced, by year; other years use the statutory holidays.
	Years map[int]CalendarYear `yaml:"years"`
}

// CalendarYear is one year's official calendar.
type CalendarYear struct {
	DaysOff         string `yaml:"days_off"`         // "2024-01-01, 2024-02-08..2024-02-14"
	WorkedSaturdays string `yaml:"worked_saturdays"` // "2024-05-04"
	Through         string `yaml:"through"`          // last day announced, when part of the year is not
}

// Reminders is the reminder policy section.
type Reminders struct {
	At           string       `yaml:"at"`            // "08:00"
	Before       []int        `yaml:"before"`        // working days before the due day
	OnDueDay     *bool        `yaml:"on_due_day"`    // default true
	OverdueEvery *int         `yaml:"overdue_every"` // each person's rhythm of repeats, working days; 0 = never repeated
	Escalations  []Escalation `yaml:"escalations"`
	// Plans holds per-task overrides by plan code: {"60/KH-SCT": {tasks:
	// {I.2: …}}}. A task id means the task of that plan only.
	Plans map[string]PlanReminders `yaml:"plans"`
	// Tasks are per-task overrides by bare task id: every loaded plan's
	// task of that id. Kept for configs written for one plan; validate
	// refuses an id that several plans have, and warns otherwise.
	Tasks map[string]Override `yaml:"tasks"`
}

// PlanReminders are one plan's per-task reminder overrides.
type PlanReminders struct {
	Tasks map[string]Override `yaml:"tasks"` // by task id
}

// Escalation is one rung of the ladder.
type Escalation struct {
	After int      `yaml:"after"`
	To    []string `yaml:"to"`
}

// Override changes parts of the policy for one task.
type Override struct {
	Before       []int        `yaml:"before"`
	OnDueDay     *bool        `yaml:"on_due_day"`
	OverdueEvery *int         `yaml:"overdue_every"`
	Escalations  []Escalation `yaml:"escalations"`
}

// Schedules is the schedules section.
type Schedules struct {
	Defaults map[string]Rule `yaml:"defaults"` // by timeline kind or "recurring/<every>"
	Sections map[string]Rule `yaml:"sections"` // by Roman numeral
	// Plans holds per-task rules by plan code: {"60/KH-SCT": {tasks: {I.3:
	// {unscheduled: true}}}}. A task id means the task of that plan only.
	Plans map[string]PlanSchedules `yaml:"plans"`
	// Tasks are per-task rules by bare task id: every loaded plan's task of
	// that id (see Reminders.Tasks).
	Tasks map[string]Rule `yaml:"tasks"`
}

// PlanSchedules are one plan's per-task rules.
type PlanSchedules struct {
	Tasks map[string]Rule `yaml:"tasks"` // by task id
}

// Rule is one schedule as written in the config.
type Rule struct {
	Due         string   `yaml:"due"`
	Cron        string   `yaml:"cron"`
	Dates       string   `yaml:"dates"`
	Reports     []string `yaml:"reports"`
	Unscheduled bool     `yaml:"unscheduled"`
}

// Scheduling is what the scheduler plans with, built from the config.
type Scheduling struct {
	Calendar     *calendar.Calendar
	Schedules    rules.Schedules
	Policy       rules.Policy
	TaskPolicies map[string]rules.Policy
	ReportDay    rules.ReportDay
	Horizon      time.Duration
	// Weekly fires the office's weekly summary; nil when off.
	Weekly cron.Schedule
	// Checkins asks for progress before each periodic report.
	Checkins rules.Checkins
	// BareTaskRules are the per-task rules written by bare task id, with
	// where they are written: CheckPlans tells whether the loaded plans make
	// them ambiguous.
	BareTaskRules []BareTaskRule
}

// BareTaskRule is a per-task rule or override written by bare task id.
type BareTaskRule struct {
	Field string // "schedules.tasks.I.3"
	Line  int
	ID    string // "I.3"
}

func (c *Config) checkScheduling(v *validator) {
	s := Scheduling{Policy: rules.DefaultPolicy, TaskPolicies: map[string]rules.Policy{}}
	cc := calendar.Config{Location: c.Location, Years: map[int]calendar.Year{}}
	if c.Calendar.WorkHours != "" {
		from, to, ok := strings.Cut(c.Calendar.WorkHours, "-")
		start, err1 := calendar.ParseClock(strings.TrimSpace(from))
		end, err2 := calendar.ParseClock(strings.TrimSpace(to))
		if !ok || err1 != nil || err2 != nil {
			v.fail([]any{"calendar", "work_hours"}, "%q is not HH:MM-HH:MM", c.Calendar.WorkHours)
		}
		cc.WorkStart, cc.WorkEnd = start, end
	}
	for y, yr := range c.Calendar.Years {
		var cy calendar.Year
		var err error
		path := []any{"calendar", "years", fmt.Sprint(y)}
		if yr.DaysOff != "" {
			if cy.DaysOff, err = calendar.ParseDays(yr.DaysOff); err != nil {
				v.fail(append(path, "days_off"), "%v", err)
			}
		}
		if yr.WorkedSaturdays != "" {
			if cy.WorkedSaturdays, err = calendar.ParseDays(yr.WorkedSaturdays); err != nil {
				v.fail(append(path, "worked_saturdays"), "%v", err)
			}
			for _, d := range cy.WorkedSaturdays {
				if d.Weekday() != time.Saturday {
					v.fail(append(path, "worked_saturdays"), "%s is a %s, not a Saturday", d, d.Weekday())
				}
			}
		}
		if yr.Through != "" {
			if cy.Through, err = calendar.ParseDate(yr.Through); err != nil {
				v.fail(append(path, "through"), "%v", err)
			}
		}
		cc.Years[y] = cy
	}
	if len(v.errs) == 0 && cc.Location != nil {
		cal, err := calendar.New(cc)
		if err != nil {
			v.fail([]any{"calendar"}, "%v", err)
		}
		s.Calendar = cal
	}

	r := c.Reminders
	if r.At != "" {
		clock, err := calendar.ParseClock(r.At)
		if err != nil {
			v.fail([]any{"reminders", "at"}, "%q is not HH:MM", r.At)
		}
		s.Policy.At = clock
	}
	s.Policy = applyOverride(s.Policy, Override{Before: r.Before, OnDueDay: r.OnDueDay, OverdueEvery: r.OverdueEvery, Escalations: r.Escalations})
	checkPolicy(v, []any{"reminders"}, Override{Before: r.Before, OverdueEvery: r.OverdueEvery, Escalations: r.Escalations})
	for id, o := range r.Tasks {
		path := []any{"reminders", "tasks", id}
		checkPolicy(v, path, o)
		s.TaskPolicies[id] = applyOverride(s.Policy, o)
		s.BareTaskRules = append(s.BareTaskRules, BareTaskRule{Field: fieldPath(path...), Line: v.loc.line(path...), ID: id})
	}
	for code, pr := range r.Plans {
		for id, o := range pr.Tasks {
			checkPolicy(v, []any{"reminders", "plans", code, "tasks", id}, o)
			s.TaskPolicies[rules.TaskKey(code, id)] = applyOverride(s.Policy, o)
		}
	}
	for _, p := range append([]rules.Policy{s.Policy}, mapValues(s.TaskPolicies)...) {
		for i, e := range p.Escalations {
			for _, to := range e.To {
				switch to {
				case "head", "superior", "office", "leadership":
				default:
					if c.Directory != nil {
						if _, ok := c.Directory.Person(to); !ok {
							v.fail([]any{"reminders", "escalations", i, "to"}, "%q is not head, superior, office, leadership or a person id", to)
						}
					}
				}
			}
		}
	}

	// Data are cut off on the 14th and the province sends by the 20th; the
	// department's deadline must leave at least one working day after the
	// cut-off (Nghị định 09/2019, Điều 8).
	if d := c.Reports.DepartmentDay; d < 15 || d > 20 {
		v.fail([]any{"reports", "department_day"}, "%d must be between 15 and 20: after the data cut-off on the 14th, by the province's 20th", d)
	}
	s.ReportDay = rules.ReportDay(c.Reports.DepartmentDay)
	if c.Reports.Weekly != "off" {
		w, err := rules.ParseCron(c.Reports.Weekly)
		if err != nil {
			v.fail([]any{"reports", "weekly"}, "%v", err)
		}
		s.Weekly = w
	}
	if c.HorizonDays < 1 || c.HorizonDays > 1000 {
		v.fail([]any{"horizon_days"}, "%d is not between 1 and 1000", c.HorizonDays)
	}
	s.Horizon = time.Duration(c.HorizonDays) * 24 * time.Hour

	s.Schedules = rules.Schedules{
		Defaults: c.rules(v, []any{"schedules", "defaults"}, "default", c.Schedules.Defaults),
		Sections: c.rules(v, []any{"schedules", "sections"}, "section", c.Schedules.Sections),
		Tasks:    c.rules(v, []any{"schedules", "tasks"}, "task", c.Schedules.Tasks),
	}
	for id := range c.Schedules.Tasks {
		path := []any{"schedules", "tasks", id}
		s.BareTaskRules = append(s.BareTaskRules, BareTaskRule{Field: fieldPath(path...), Line: v.loc.line(path...), ID: id})
	}
	slices.SortFunc(s.BareTaskRules, func(a, b BareTaskRule) int { return a.Line - b.Line })
	for code, ps := range c.Schedules.Plans {
		for id, r := range c.rules(v, []any{"schedules", "plans", code, "tasks"}, "task "+code, ps.Tasks) {
			s.Schedules.Tasks[rules.TaskKey(code, id)] = r
		}
	}
	for k := range c.Schedules.Defaults {
		kind, every, _ := strings.Cut(k, "/")
		if !slices.Contains(plan.Kinds, plan.Kind(kind)) || every != "" && kind != string(plan.KindRecurring) {
			v.fail([]any{"schedules", "defaults", k}, "%q is not a timeline kind (%s) or recurring/<week|month|quarter|half-year|year>", k, kindList())
		}
	}
	if c.Office != "" && c.Directory != nil {
		if _, ok := c.Directory.Unit(c.Office); !ok {
			v.fail([]any{"office"}, "%q is not a unit", c.Office)
		}
	}
	c.Scheduling = s
}

// checkPolicy checks the parts of a reminder policy, pointing at the field.
func checkPolicy(v *validator, path []any, o Override) {
	for i, n := range o.Before {
		if n <= 0 {
			v.fail(append(slices.Clone(path), "before", i), "%d is not a positive number of working days", n)
		}
	}
	if o.OverdueEvery != nil && *o.OverdueEvery < 0 {
		v.fail(append(slices.Clone(path), "overdue_every"), "%d is negative", *o.OverdueEvery)
	}
	prev := 0
	for i, e := range o.Escalations {
		if e.After <= prev {
			v.fail(append(slices.Clone(path), "escalations", i, "after"), "%d must be greater than %d (the rung before)", e.After, prev)
		}
		if len(e.To) == 0 {
			v.fail(append(slices.Clone(path), "escalations", i, "to"), "no recipients")
		}
		prev = max(prev, e.After)
	}
}

func kindList() string {
	ks := make([]string, len(plan.Kinds))
	for i, k := range plan.Kinds {
		ks[i] = string(k)
	}
	return strings.Join(ks, ", ")
}

func mapValues[K comparable, V any](m map[K]V) []V {
	out := make([]V, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

func applyOverride(p rules.Policy, o Override) rules.Policy {
	if o.Before != nil {
		p.Before = o.Before
	}
	if o.OnDueDay != nil {
		p.OnDueDay = *o.OnDueDay
	}
	if o.OverdueEvery != nil {
		p.OverdueEvery = *o.OverdueEvery
	}
	if o.Escalations != nil {
		p.Escalations = make([]rules.Escalation, len(o.Escalations))
		for i, e := range o.Escalations {
			p.Escalations[i] = rules.Escalation{After: e.After, To: e.To}
		}
	}
	return p
}

// rules checks the rules written at the path prefix; source names them
// ("default", "section", "task", "task 60/KH-SCT").
func (c *Config) rules(v *validator, prefix []any, source string, in map[string]Rule) map[string]rules.Rule {
	out := make(map[string]rules.Rule, len(in))
	for k, r := range in {
		path := append(slices.Clip(prefix), k)
		sr := rules.Rule{Due: r.Due, Cron: r.Cron, Unscheduled: r.Unscheduled, Source: source + " " + k}
		if r.Dates != "" {
			ds, err := calendar.ParseDays(r.Dates)
			if err != nil {
				v.fail(append(path, "dates"), "%v", err)
			}
			sr.Dates = ds
		}
		for _, rep := range r.Reports {
			sr.Reports = append(sr.Reports, rules.Report(rep))
		}
		if sr.IsZero() {
			v.fail(path, "empty rule: set due, cron, dates, reports or unscheduled")
			continue
		}
		if err := sr.Check(); err != nil {
			v.fail(path, "%v", err)
		}
		out[k] = sr
	}
	return out
}

// BareRuleProblems checks the per-task rules written by bare task id
// against the plans to load (plan code → its task ids). An id that several
// plans have is an error: the rule would apply to each, though it was
// written for one. An id that one plan has is a warning naming where to
// write it; an id that no plan has, a warning too. Both name the file and
// line.
func (c *Config) BareRuleProblems(plans map[string][]string) (errs Errors, warnings []error) {
	owners := map[string][]string{}
	for code, ids := range plans {
		for _, id := range ids {
			owners[id] = append(owners[id], code)
		}
	}
	for _, r := range c.Scheduling.BareTaskRules {
		codes := owners[r.ID]
		slices.Sort(codes)
		section, _, _ := strings.Cut(r.Field, ".")
		e := &Error{File: c.Path, Line: r.Line, Field: r.Field}
		switch len(codes) {
		case 0:
			e.Msg = fmt.Sprintf("no plan has task %s: the rule applies to nothing", r.ID)
			warnings = append(warnings, e)
		case 1:
			e.Msg = fmt.Sprintf("a rule by bare task id applies to task %s of every plan; it is plan %s's: write it under %s.plans.%q.tasks", r.ID, codes[0], section, codes[0])
			warnings = append(warnings, e)
		default:
			e.Msg = fmt.Sprintf("task %s is in plans %s: write the rule under %s.plans.\"<plan>\".tasks for the plan it is meant for", r.ID, strings.Join(codes, " and "), section)
			errs = append(errs, e)
		}
	}
	return errs, warnings
}
