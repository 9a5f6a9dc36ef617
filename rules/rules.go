// Package rules holds what the config says about time, in the words both
// the config and the scheduler use: schedule rules (due dates, cron specs,
// explicit dates, the reporting calendar), the choice of a task's rule, and
// reminder policies. It knows neither the config file nor the engine: the
// config builds these values, the scheduler plans with them.
package rules

import (
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/plan"
)

// Report is one of the four periodic CCHC reports (Nghị định 09/2019/NĐ-CP).
type Report string

// The periodic reports.
const (
	ReportQ1   Report = "q1"   // quarter I, data to 14/3, province sends by 20/3
	ReportH1   Report = "h1"   // six months, to 14/6, by 20/6
	ReportQ3   Report = "q3"   // quarter III, to 14/9, by 20/9
	ReportYear Report = "year" // annual, 15/12 of the year before to 14/12, by 20/12
)

// Reports lists the reports in calendar order.
var Reports = []Report{ReportQ1, ReportH1, ReportQ3, ReportYear}

// Month is the last month of the report's period.
func (r Report) Month() time.Month {
	switch r {
	case ReportQ1:
		return time.March
	case ReportH1:
		return time.June
	case ReportQ3:
		return time.September
	default:
		return time.December
	}
}

// Label is the report's part of an occurrence id: "2024-Q1", "2024-H1",
// "2024-Q3", "2024-Y".
func (r Report) Label(year int) string {
	return fmt.Sprintf("%d-%s", year, map[Report]string{ReportQ1: "Q1", ReportH1: "H1", ReportQ3: "Q3", ReportYear: "Y"}[r])
}

// Rule is a schedule as the config writes it, before it meets a task. Exactly
// one of its ways is set; the zero Rule means "no opinion" (fall through).
type Rule struct {
	// Due "timeline" takes the date the timeline phrase names (end of the
	// year, month, quarter or half; the date itself); "end-of-year" the end
	// of the plan year; a date "2024-11-29" that day.
	Due string
	// Cron is a robfig/cron spec (5 fields, descriptors, CRON_TZ=): each
	// firing is the due moment of one occurrence.
	Cron string
	// Dates are explicit due dates, one occurrence each.
	Dates []calendar.Date
	// Reports is the periodic reporting calendar: one occurrence per report.
	Reports []Report
	// Unscheduled keeps the task visibly without dates (until the admin sets
	// them).
	Unscheduled bool
	// Source says where the rule comes from, for validate and logs.
	Source string

	cron cron.Schedule
}

// Schedule is the parsed cron spec, set by Check; nil for other ways.
func (r Rule) Schedule() cron.Schedule { return r.cron }

// IsZero reports whether the rule says nothing.
func (r Rule) IsZero() bool {
	return r.Due == "" && r.Cron == "" && len(r.Dates) == 0 && len(r.Reports) == 0 && !r.Unscheduled
}

// cronParser accepts standard 5-field specs, descriptors and CRON_TZ=.
var cronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// ParseCron parses a spec once and rejects specs that never fire (such as
// "0 0 30 2 *"). robfig/cron panics on some malformed zones ("CRON_TZ=UTC"
// without a space): that is turned into an error too.
func ParseCron(spec string) (s cron.Schedule, err error) {
	defer func() {
		if r := recover(); r != nil {
			s, err = nil, fmt.Errorf("cron %q: malformed", spec)
		}
	}()
	s, err = cronParser.Parse(spec)
	if err != nil {
		return nil, fmt.Errorf("cron %q: %w", spec, err)
	}
	probe := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	if s.Next(probe).IsZero() {
		return nil, fmt.Errorf("cron %q: never fires", spec)
	}
	return s, nil
}

// Check validates the rule and parses its cron spec.
func (r *Rule) Check() error {
	ways := 0
	for _, set := range []bool{r.Due != "", r.Cron != "", len(r.Dates) > 0, len(r.Reports) > 0, r.Unscheduled} {
		if set {
			ways++
		}
	}
	if ways > 1 {
		return fmt.Errorf("set only one of due, cron, dates, reports, unscheduled")
	}
	switch {
	case r.Due != "" && r.Due != "timeline" && r.Due != "end-of-year":
		if _, err := calendar.ParseDate(r.Due); err != nil {
			return fmt.Errorf("due %q: want timeline, end-of-year or a date YYYY-MM-DD", r.Due)
		}
	case r.Cron != "":
		s, err := ParseCron(r.Cron)
		if err != nil {
			return err
		}
		// Occurrences are days: a spec firing more than once a day would
		// make several occurrences of one day.
		t := s.Next(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC))
		for range 5 {
			next := s.Next(t)
			if next.Sub(t) < 23*time.Hour {
				return fmt.Errorf("cron %q fires more than once a day", r.Cron)
			}
			t = next
		}
		r.cron = s
	}
	for _, rep := range r.Reports {
		switch rep {
		case ReportQ1, ReportH1, ReportQ3, ReportYear:
		default:
			return fmt.Errorf("report %q: want q1, h1, q3 or year", rep)
		}
	}
	return nil
}

// Schedules chooses the rule of each task: the task's own, else its
// section's, else the default for its timeline kind (kind/period first for
// recurring tasks, e.g. "recurring/month"), else the built-in default.
type Schedules struct {
	Defaults map[string]Rule // by timeline kind, or "recurring/<every>"
	Sections map[string]Rule // by Roman numeral
	Tasks    map[string]Rule // by task id
}

// builtin are the defaults when the config says nothing.
var builtin = map[string]Rule{
	string(plan.KindYear):       {Due: "timeline"},
	string(plan.KindDate):       {Due: "timeline"},
	string(plan.KindMonth):      {Due: "timeline"},
	string(plan.KindQuarter):    {Due: "timeline"},
	string(plan.KindHalf):       {Due: "timeline"},
	string(plan.KindRegulation): {Reports: Reports},
	string(plan.KindOtherPlan):  {Unscheduled: true},
	string(plan.KindUnknown):    {Unscheduled: true},
	string(plan.KindBlank):      {Due: "end-of-year"},
	"recurring":                 {Cron: "0 8 25 * *"},
	"recurring/week":            {Cron: "0 8 * * 5"},
	"recurring/month":           {Cron: "0 8 25 * *"},
	"recurring/quarter":         {Cron: "0 8 25 3,6,9,12 *"},
	"recurring/half-year":       {Cron: "0 8 25 6,12 *"},
	"recurring/year":            {Cron: "0 8 15 12 *"},
}

// The built-in rules are checked (their cron specs parsed) once, not at
// every For: a sync of 100,000 tasks parsed them 100,000 times.
func init() {
	for k, r := range builtin {
		if err := r.Check(); err != nil {
			panic(fmt.Sprintf("built-in rule %s: %v", k, err))
		}
		builtin[k] = r
	}
}

// TaskKey is the key of a per-task rule or policy that belongs to one
// plan's task; a bare task id is the key of one that applies to the task
// of that id in every plan.
func TaskKey(plan, id string) string { return plan + "|" + id }

// For returns the rule that applies to task t of the plan planCode: its
// plan's rule for it, else a rule written by its bare id, else its
// section's, else the default for its timeline kind.
func (s Schedules) For(planCode string, t plan.Task) Rule {
	if r, ok := s.Tasks[TaskKey(planCode, t.ID)]; ok && !r.IsZero() {
		return withSource(r, "task "+planCode+" "+t.ID)
	}
	if r, ok := s.Tasks[t.ID]; ok && !r.IsZero() {
		return withSource(r, "task "+t.ID)
	}
	if r, ok := s.Sections[t.Section]; ok && !r.IsZero() {
		return withSource(r, "section "+t.Section)
	}
	keys := []string{string(t.Timeline.Kind)}
	if t.Timeline.Kind == plan.KindRecurring && t.Timeline.Every != "" {
		keys = []string{"recurring/" + string(t.Timeline.Every), "recurring"}
	}
	for _, k := range keys {
		if r, ok := s.Defaults[k]; ok && !r.IsZero() {
			return withSource(r, "default "+k)
		}
	}
	for _, k := range keys {
		if r, ok := builtin[k]; ok {
			return withSource(r, "built-in "+k)
		}
	}
	return Rule{Unscheduled: true, Source: "built-in"}
}

func withSource(r Rule, src string) Rule {
	if r.Source == "" {
		r.Source = src
	}
	if r.Cron != "" && r.cron == nil {
		_ = r.Check()
	}
	return r
}

// Describe writes the rule for people: "due 2024-12-31", "cron 0 8 25 * *".
func (r Rule) Describe() string {
	switch {
	case r.Unscheduled:
		return "unscheduled"
	case r.Cron != "":
		return "cron " + r.Cron
	case len(r.Dates) > 0:
		ds := make([]string, len(r.Dates))
		for i, d := range r.Dates {
			ds[i] = d.String()
		}
		return "dates " + strings.Join(ds, ", ")
	case len(r.Reports) > 0:
		rs := make([]string, len(r.Reports))
		for i, rep := range r.Reports {
			rs[i] = string(rep)
		}
		return "reports " + strings.Join(rs, ", ")
	default:
		return "due " + r.Due
	}
}
