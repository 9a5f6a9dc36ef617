package scheduler

import (
	"fmt"
	"strings"
	"time"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/plan"
)

// Occurrence is one period of a task with one due day: "I.4.1@2024-09".
type Occurrence struct {
	Plan   string        // plan code
	TaskID string        // "I.4.1"
	Period string        // "2024-09", "2024-Q1", "2024"
	DueDay calendar.Date // the deadline, already moved to a working day
}

// ID is the occurrence's id: "I.4.1@2024-09".
func (o Occurrence) ID() string { return o.TaskID + "@" + o.Period }

// PlanInfo is what occurrences need of a plan.
type PlanInfo struct {
	Code  string
	Year  int
	Start calendar.Date // date of issue: recurring occurrences start here
}

// end is the last day of the plan year.
func (p PlanInfo) end() calendar.Date {
	return calendar.Date{Year: p.Year, Month: time.December, Day: 31}
}

// Occurrences lists the occurrences of t under rule r with a due day up to
// through (the horizon), in due order. Single-deadline schedules have one
// occurrence labelled by the year, so that changing the deadline keeps the
// occurrence (and its state).
func Occurrences(cal *calendar.Calendar, p PlanInfo, t plan.Task, r Rule, report ReportDay, through calendar.Date) []Occurrence {
	mk := func(period string, d calendar.Date) Occurrence {
		due := calendar.DateOf(cal.Deadline(d.In(cal.Location())))
		return Occurrence{Plan: p.Code, TaskID: t.ID, Period: period, DueDay: due}
	}
	var out []Occurrence
	add := func(period string, d calendar.Date) {
		o := mk(period, d)
		if !o.DueDay.After(through) {
			out = append(out, o)
		}
	}
	year := p.Year
	if t.Timeline.Year != 0 {
		year = t.Timeline.Year
	}
	switch {
	case r.Unscheduled:
	case r.Due == "timeline":
		add(fmt.Sprint(year), timelineDue(t.Timeline, year))
	case r.Due == "end-of-year":
		add(fmt.Sprint(p.Year), p.end())
	case r.Due != "":
		d, _ := calendar.ParseDate(r.Due)
		add(fmt.Sprint(p.Year), d)
	case len(r.Dates) > 0:
		for _, d := range r.Dates {
			add(d.String(), d)
		}
	case len(r.Reports) > 0:
		for _, rep := range r.Reports {
			d := calendar.Date{Year: p.Year, Month: rep.Month(), Day: int(report)}
			if !d.Before(p.Start) {
				add(rep.Label(p.Year), d)
			}
		}
	case r.Schedule() != nil:
		loc := cal.Location()
		from := p.Start.In(loc).Add(-time.Nanosecond)
		end := p.end().AddDays(1).In(loc)
		var fires []calendar.Date
		for t := r.Schedule().Next(from); !t.IsZero() && t.Before(end) && len(fires) < maxFires; t = r.Schedule().Next(t) {
			fires = append(fires, calendar.DateOf(t.In(loc)))
		}
		label := periodLabeler(fires)
		for _, d := range fires {
			add(label(d), d)
		}
	}
	return out
}

// occurrenceMemo computes the occurrences of many tasks that share a rule
// and a timeline once: they differ only by the task's id. A plan of
// 100,000 tasks has a few hundred distinct (rule, timeline) pairs, and a
// cron rule's firings cost far more than copying them.
type occurrenceMemo struct {
	cal     *calendar.Calendar
	report  ReportDay
	through calendar.Date
	m       map[occurrenceKey][]Occurrence // TaskID left empty
}

// occurrenceKey is what Occurrences reads besides the task's id: the plan,
// the rule's content and the timeline's fields.
type occurrenceKey struct {
	plan                          PlanInfo
	rule                          string
	kind                          plan.Kind
	year, half, quarter, month, d int
}

func newOccurrenceMemo(cal *calendar.Calendar, report ReportDay, through calendar.Date) *occurrenceMemo {
	return &occurrenceMemo{cal: cal, report: report, through: through, m: map[occurrenceKey][]Occurrence{}}
}

// of is Occurrences(cal, p, t, r, report, through).
func (m *occurrenceMemo) of(p PlanInfo, t plan.Task, r Rule) []Occurrence {
	tl := t.Timeline
	k := occurrenceKey{plan: p, rule: ruleKey(r), kind: tl.Kind, year: tl.Year, half: tl.Half, quarter: tl.Quarter, month: tl.Month, d: tl.Day}
	occs, ok := m.m[k]
	if !ok {
		occs = Occurrences(m.cal, p, plan.Task{Timeline: tl}, r, m.report, m.through)
		m.m[k] = occs
	}
	out := make([]Occurrence, len(occs))
	for i, o := range occs {
		o.TaskID = t.ID
		out[i] = o
	}
	return out
}

// ruleKey is the part of r that decides occurrences, as a string.
func ruleKey(r Rule) string {
	if r.Unscheduled {
		return "u"
	}
	if len(r.Dates) == 0 && len(r.Reports) == 0 {
		if r.Cron == "" {
			return "d" + r.Due
		}
		return "c" + r.Cron + "\x00" + r.Due
	}
	var b strings.Builder
	b.WriteString("l" + r.Cron + "\x00" + r.Due)
	for _, d := range r.Dates {
		b.WriteString("\x00" + d.String())
	}
	for _, rep := range r.Reports {
		b.WriteString("\x01" + string(rep))
	}
	return b.String()
}

// maxFires bounds the occurrences of one recurring task in a year; Check
// refuses specs firing more than daily, so it is never reached in practice.
const maxFires = 400

// timelineDue is the day a timeline phrase names as its deadline.
func timelineDue(tl plan.Timeline, year int) calendar.Date {
	switch tl.Kind {
	case plan.KindDate:
		return calendar.Date{Year: year, Month: time.Month(tl.Month), Day: tl.Day}
	case plan.KindMonth:
		return lastDay(year, time.Month(tl.Month))
	case plan.KindQuarter:
		return lastDay(year, time.Month(3*tl.Quarter))
	case plan.KindHalf:
		return lastDay(year, time.Month(6*tl.Half))
	}
	return calendar.Date{Year: year, Month: time.December, Day: 31}
}

func lastDay(y int, m time.Month) calendar.Date {
	return calendar.DateOf(time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC))
}

// periodLabeler picks the coarsest period label that tells the firings
// apart: the year, the quarter, the month, the ISO week, else the day.
func periodLabeler(fires []calendar.Date) func(calendar.Date) string {
	labelers := []func(calendar.Date) string{
		func(d calendar.Date) string { return fmt.Sprint(d.Year) },
		func(d calendar.Date) string { return fmt.Sprintf("%d-Q%d", d.Year, (int(d.Month)+2)/3) },
		func(d calendar.Date) string { return fmt.Sprintf("%d-%02d", d.Year, d.Month) },
		func(d calendar.Date) string {
			y, w := d.In(time.UTC).ISOWeek()
			return fmt.Sprintf("%d-W%02d", y, w)
		},
	}
	for _, l := range labelers {
		seen := map[string]bool{}
		unique := true
		for _, d := range fires {
			if seen[l(d)] {
				unique = false
				break
			}
			seen[l(d)] = true
		}
		if unique {
			return l
		}
	}
	return calendar.Date.String
}
