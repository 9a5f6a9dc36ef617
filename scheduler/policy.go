package scheduler

import (
	"slices"
	"strconv"
	"time"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/notify"
)

// Step is one planned notification of an assignment.
type Step struct {
	Name  string      // "reminder-7", "due", "overdue-2", "escalation-1"
	Kind  notify.Kind // reminder, due, overdue, escalation
	At    time.Time   // the moment, on a working day within working hours
	Level int         // nag number or escalation level
	rank  int         // order of steps at the same moment
}

// after reports whether s comes after the step (at, rank).
func (s Step) after(at time.Time, rank int) bool {
	return s.At.After(at) || s.At.Equal(at) && s.rank > rank
}

// Steps computes the steps of one assignment: the news about it —
// reminders, the due day, the first working day overdue, escalations. The
// repeats of overdue items are not steps: they follow each person's rhythm
// (Engine.Fire).
type Steps struct {
	cal    *calendar.Calendar
	policy Policy
	due    time.Time // midnight of the due day
	fixed  []Step    // sorted by (At, rank)
}

// NewSteps returns the steps of an assignment due on day due.
func NewSteps(cal *calendar.Calendar, p Policy, due calendar.Date) Steps {
	s := Steps{cal: cal, policy: p, due: due.In(cal.Location())}
	s.fixed = make([]Step, 0, len(p.Before)+1+len(p.Escalations))
	for _, n := range p.Before {
		s.fixed = append(s.fixed, Step{Name: "reminder-" + strconv.Itoa(n), Kind: notify.KindReminder,
			At: s.at(cal.AddWorkingDays(s.due, -n)), Level: n, rank: 0})
	}
	if p.OnDueDay {
		s.fixed = append(s.fixed, Step{Name: "due", Kind: notify.KindDue, At: s.at(s.due), rank: 1})
	}
	if p.OverdueEvery > 0 {
		s.fixed = append(s.fixed, Step{Name: "overdue-1", Kind: notify.KindOverdue, At: s.at(cal.AddWorkingDays(s.due, 1)), Level: 1, rank: 2})
	}
	for i, e := range p.Escalations {
		s.fixed = append(s.fixed, Step{Name: "escalation-" + strconv.Itoa(i+1), Kind: notify.KindEscalation,
			At: s.at(cal.AddWorkingDays(s.due, e.After)), Level: i + 1, rank: 3})
	}
	slices.SortStableFunc(s.fixed, func(a, b Step) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return a.rank - b.rank
	})
	return s
}

func (s Steps) at(day time.Time) time.Time {
	return s.cal.NextWorkingMoment(s.cal.At(calendar.DateOf(day.In(s.cal.Location())), s.policy.At))
}

// Next returns the first step after the step (at, rank); the zero time and
// rank -1 ask for the first step of all. The zero Step means none is left.
func (s Steps) Next(at time.Time, rank int) Step {
	for _, c := range s.fixed {
		if c.after(at, rank) {
			return c
		}
	}
	return Step{}
}

// firstReminder is the earliest reminder step: the first news of an
// assignment. The zero Step when the policy has no reminder.
func (s Steps) firstReminder() Step {
	for _, c := range s.fixed {
		if c.Kind == notify.KindReminder {
			return c
		}
	}
	return Step{}
}

// Until returns every step after (at, rank) up to and including until:
// Next from (at, rank), then from each step it gives, so that of steps
// with the same moment and rank only the first comes. The steps are
// sorted: those after (at, rank) are the end of the list, and the result
// is a part of it, shared like it (no room to append into), unless some
// are alike.
func (s Steps) Until(at time.Time, rank int, until time.Time) []Step {
	i := 0
	for i < len(s.fixed) && !s.fixed[i].after(at, rank) {
		i++
	}
	j, alike := i, false
	for j < len(s.fixed) && !s.fixed[j].At.After(until) {
		if s.fixed[j].At.IsZero() {
			break
		}
		alike = alike || j > i && !s.fixed[j].after(s.fixed[j-1].At, s.fixed[j-1].rank)
		j++
	}
	if i == j {
		return nil
	}
	if !alike {
		return s.fixed[i:j:j]
	}
	out := []Step{s.fixed[i]}
	for _, st := range s.fixed[i+1 : j] {
		if last := out[len(out)-1]; st.after(last.At, last.rank) {
			out = append(out, st)
		}
	}
	return out
}
