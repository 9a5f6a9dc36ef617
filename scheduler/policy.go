package scheduler

import (
	"slices"
	"strconv"
	"time"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/notify"
)

// Escalation is one rung of the ladder: After working days overdue, To
// these recipients ("superior", "office", "leadership", "head", or a person
// id).
type Escalation struct {
	After int
	To    []string
}

// Policy says when an assignment's steps happen.
type Policy struct {
	At           calendar.Clock // time of day of every step
	Before       []int          // reminders, working days before the due day
	OnDueDay     bool           // a "due" step on the due day
	OverdueEvery int            // nag every N working days while overdue; 0: never
	Escalations  []Escalation
}

// DefaultPolicy is used when the config says nothing.
var DefaultPolicy = Policy{
	At:           calendar.NewClock(8, 0),
	Before:       []int{30, 7, 3, 1},
	OnDueDay:     true,
	OverdueEvery: 3,
	Escalations: []Escalation{
		{After: 3, To: []string{"superior", "office"}},
		{After: 10, To: []string{"leadership"}},
	},
}

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

// Steps computes the steps of one assignment. The sequence is unbounded
// (overdue nags repeat until done), so it is walked with Next; the finite
// steps (reminders, due, escalations) are computed once, in order.
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
	var best Step
	found := false
	for _, c := range s.fixed {
		if c.after(at, rank) {
			best, found = c, true
			break
		}
	}
	if every := s.policy.OverdueEvery; every > 0 {
		// The first nag after (at, rank): k working days overdue with k a
		// multiple of every.
		k := 1
		if !at.IsZero() && at.After(s.due) {
			k = max(1, s.cal.WorkingDaysBetween(s.due, at)/every)
		}
		for ; ; k++ {
			at2 := s.at(s.cal.AddWorkingDays(s.due, k*every))
			if st := (Step{At: at2, rank: 2}); st.after(at, rank) {
				if !found || at2.Before(best.At) || at2.Equal(best.At) && 2 < best.rank {
					best = Step{Name: "overdue-" + strconv.Itoa(k), Kind: notify.KindOverdue, At: at2, Level: k, rank: 2}
				}
				break
			}
		}
	}
	return best
}

// Until returns every step after (at, rank) up to and including until.
func (s Steps) Until(at time.Time, rank int, until time.Time) []Step {
	var out []Step
	for {
		st := s.Next(at, rank)
		if st.At.IsZero() || st.At.After(until) {
			return out
		}
		out = append(out, st)
		at, rank = st.At, st.rank
	}
}
