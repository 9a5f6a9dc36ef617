package rules

import (
	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/plan"
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
	At       calendar.Clock // time of day of every step
	Before   []int          // reminders, working days before the due day
	OnDueDay bool           // a "due" step on the due day
	// OverdueEvery is the rhythm, in working days, at which a person's
	// overdue items are repeated together (counted from that person's last
	// digest); the first working day overdue is news of its own. 0: an
	// overdue item is never repeated nor announced.
	OverdueEvery int
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

// ReportDay is the day of the period's last month by which the department
// sends its report (Nghị định 09: data to the 14th, the province sends by
// the 20th; the department earlier, as the province sets).
type ReportDay int

// Checkins says who is asked for progress before each periodic report's
// data cut-off (the 14th of March, June, September and December; Bộ Nội
// vụ 581/BNV-CCHC): every lead unit of an open task of these timeline
// kinds, Before working days ahead, and once more on the last working day
// up to the cut-off when it has not answered (a progress note) since.
type Checkins struct {
	Before int                // working days before the cut-off; 0: no check-ins
	Kinds  map[plan.Kind]bool // timeline kinds asked
	Off    map[string]bool    // task ids never asked
}

// DefaultCheckins asks the lead units of "Trong năm" tasks 5 working days
// before each cut-off.
var DefaultCheckins = Checkins{Before: 5, Kinds: map[plan.Kind]bool{plan.KindYear: true}}
