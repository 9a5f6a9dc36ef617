package scheduler

import (
	"slices"
	"strings"
	"time"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/rules"
)

// Checkins says who is asked for progress before each periodic report (an
// alias of rules.Checkins, which the config builds).
type Checkins = rules.Checkins

// DefaultCheckins asks the lead units of "Trong năm" tasks 5 working days
// before each cut-off.
var DefaultCheckins = rules.DefaultCheckins

// checkinSuffix names the second request of a period.
const checkinSuffix = "-again"

// cutoff is the data cut-off of report r of year y: the 14th of the
// period's last month.
func cutoff(r Report, y int) calendar.Date {
	return calendar.Date{Year: y, Month: r.Month(), Day: 14}
}

// checkinSteps are a's progress requests: for each report whose cut-off
// falls after the plan's issue and before a's due day, the request and
// the second request.
func (s *state) checkinSteps(a Assignment) []Step {
	c := s.Checkins
	start, ok := s.checkinStart(a)
	if !ok {
		return nil
	}
	cal, pol := s.Calendar, s.policy(a.Plan, a.TaskID)
	loc := cal.Location()
	var out []Step
	for y := start.Year; y <= a.DueDay.Year; y++ {
		for _, r := range Reports {
			cut := cutoff(r, y)
			if !cut.Before(a.DueDay) {
				continue
			}
			// The last working day up to the cut-off, and Before working
			// days earlier.
			last := calendar.DateOf(cal.AddWorkingDays(cut.AddDays(1).In(loc), -1))
			first := calendar.DateOf(cal.AddWorkingDays(last.In(loc), -c.Before))
			if first.Before(start) {
				continue
			}
			name := "checkin-" + r.Label(y)
			at := func(d calendar.Date) time.Time { return cal.NextWorkingMoment(cal.At(d, pol.At)) }
			out = append(out,
				Step{Name: name, Kind: notify.KindCheckin, At: at(first), Level: 1, rank: 4},
				Step{Name: name + checkinSuffix, Kind: notify.KindCheckin, At: at(last), Level: 2, rank: 4})
		}
	}
	return out
}

// checkinStart is the start of a's plan when a is asked for progress.
func (s *state) checkinStart(a Assignment) (calendar.Date, bool) {
	c := s.Checkins
	if c.Before <= 0 {
		return calendar.Date{}, false
	}
	t := s.taskPtr(a.Plan, a.TaskID)
	if t == nil || !c.Kinds[t.Timeline.Kind] || c.Off[a.TaskID] {
		return calendar.Date{}, false
	}
	return t.Plan.Start, true
}

// with adds steps to s, in order.
func (s Steps) with(extra []Step) Steps {
	if len(extra) == 0 {
		return s
	}
	s.fixed = append(slices.Clone(s.fixed), extra...)
	slices.SortStableFunc(s.fixed, func(a, b Step) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return a.rank - b.rank
	})
	return s
}

// answered reports whether a's second progress request st is moot: a note
// came since the first request.
func (s *state) answered(a Assignment, st Step) bool {
	first, ok := strings.CutSuffix(st.Name, checkinSuffix)
	if !ok {
		return false
	}
	for _, c := range s.checkinSteps(a) {
		if c.Name != first {
			continue
		}
		for _, n := range a.Notes {
			if !n.At.Before(c.At) {
				return true
			}
		}
	}
	return false
}

// checkinReport is the report label of a check-in step: "2024-Q3".
func checkinReport(name string) string {
	name = strings.TrimSuffix(strings.TrimPrefix(name, "checkin-"), checkinSuffix)
	return name
}

func atoiYear(s string) int {
	y := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0
		}
		y = y*10 + int(r-'0')
	}
	return y
}
