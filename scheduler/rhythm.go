package scheduler

import (
	"slices"
	"strings"
	"time"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/notify"
)

// Rhythm is one recipient's digest rhythm, stored so that a restart keeps
// it: the working day of their last digest and the items it carried. A
// person's overdue items are repeated together, every Policy.OverdueEvery
// working days counted from their last digest; news (a reminder, a due
// day, a newly overdue item, an escalation, a completion for the office)
// goes at the next round and carries the repeats with it, restarting the
// rhythm. An item shown on one working day is not repeated the next unless
// there is news about it.
type Rhythm struct {
	LastDigest calendar.Date `json:"last_digest"`
	Shown      []string      `json:"shown,omitempty"` // item keys of the last digest
}

// roundAt is the moment of day d's round: the policy's time of day, moved
// to working time.
func (s *state) roundAt(d calendar.Date) time.Time {
	return s.Calendar.NextWorkingMoment(s.Calendar.At(d, s.Policy.At))
}

// today is the calendar day of t.
func (s *state) today(t time.Time) calendar.Date {
	return calendar.DateOf(t.In(s.Calendar.Location()))
}

// nextRound is the first round moment after now that has not run: today's
// when it has not run yet, else the next working day's.
func (s *state) nextRound(now time.Time, last calendar.Date) time.Time {
	d := s.today(now)
	if r := s.roundAt(d); last != d && s.today(r) == d && !r.Before(now) {
		return r
	}
	for {
		d = d.AddDays(1)
		if r := s.roundAt(d); s.today(r) == d {
			return r
		}
	}
}

// candidate is an overdue item to repeat to one recipient. Candidates
// share their assignment (a round lists hundreds for each of dozens of
// recipients); the item is built only for those a digest takes (item).
type candidate struct {
	to   *target // in the state's memo: shared
	a    *Assignment
	kind notify.Kind // overdue, or reminder when coming due
}

// key is the candidate's item key (itemKey).
func (c candidate) key() string {
	if c.to.copy { // as itemKey: a candidate is never an escalation
		plan, _, _ := strings.Cut(c.a.Key, "|")
		return "copy|" + plan + "|" + c.a.Occurrence
	}
	return c.a.Key
}

// item is the candidate's item at now.
func (s *state) candidateItem(now time.Time, c candidate) notify.Item {
	it := s.item(now, fired{a: *c.a, step: Step{Kind: c.kind}})
	it.Copy = c.to.copy
	return it
}

// repeats are what each recipient is reminded of, to repeat on their
// rhythm: the overdue items of open, unsnoozed assignments (to the lead
// unit, and as copies to the coordinating ones), and the items coming due
// whose first reminder has gone. It reads the store only: call it before
// writing in the transaction.
//
// done are the completions of the last recentDone, for the summaries of
// those who follow others' tasks (what changed since their last digest).
func (s *state) repeats(tx Tx, now time.Time) (*repeatSet, []notify.Item, error) {
	today := s.today(now)
	var done []notify.Item
	err := tx.ForEachDoneSince(now.Add(-recentDone), func(a Assignment) error {
		if !a.DoneAt.After(now) && now.Sub(a.DoneAt) < recentDone {
			it := s.item(now, fired{a: a, step: Step{Kind: notify.KindDone}})
			it.DoneAt, it.DoneBy = a.DoneAt, s.personName(a.DoneBy)
			done = append(done, it)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	// Only the open assignments within reach of a reminder can be
	// repeated: the store reads those, not every assignment.
	var list []Assignment // one allocation, not one per assignment
	err = tx.ForEachOpen(s.reminderReach(today), func(a Assignment) error {
		if a.SnoozedUntil.After(now) || !s.repeatable(a, today) {
			return nil
		}
		if _, ok := s.task(a.Plan, a.TaskID); !ok {
			return nil
		}
		list = append(list, a)
		return nil
	})
	as := make([]*Assignment, len(list))
	for i := range list {
		as[i] = &list[i]
	}
	// By key, as a digest has always listed them: the first of two copies
	// of an occurrence wins.
	slices.SortFunc(as, func(a, b *Assignment) int { return strings.Compare(a.Key, b.Key) })
	rep := &repeatSet{as: as, kinds: make([]notify.Kind, len(as)), targets: make([][]target, len(as))}
	ids := map[string]bool{}
	for i, a := range as {
		rep.kinds[i] = notify.KindOverdue
		if !a.DueDay.Before(today) {
			rep.kinds[i] = notify.KindReminder
		}
		rep.targets[i] = s.targets(*a, Step{Kind: rep.kinds[i]})
		for _, t := range rep.targets[i] {
			if !ids[t.to.ID] {
				ids[t.to.ID] = true
				rep.ids = append(rep.ids, t.to.ID)
			}
		}
	}
	slices.Sort(rep.ids)
	slices.SortStableFunc(done, func(a, b notify.Item) int { return a.DoneAt.Compare(b.DoneAt) })
	return rep, done, err
}

// repeatSet is what a round may repeat: the repeatable assignments by key,
// each with its kind of item and its recipients. A round at 500,000
// assignments has hundreds of thousands of them for every recipient
// together, and most recipients' rhythm is not due that day: their
// candidates are made only for the recipients a digest goes to.
type repeatSet struct {
	as      []*Assignment
	kinds   []notify.Kind // overdue, or reminder when coming due
	targets [][]target    // shared (memo)
	ids     []string      // every recipient of a candidate, sorted
}

// candidates are the candidates of the recipients for which need holds,
// each recipient's in key order.
func (r *repeatSet) candidates(need map[string]bool) map[string][]candidate {
	out := map[string][]candidate{}
	for i, a := range r.as {
		ts := r.targets[i]
		for j := range ts {
			if t := &ts[j]; need[t.to.ID] {
				out[t.to.ID] = append(out[t.to.ID], candidate{to: t, a: a, kind: r.kinds[i]})
			}
		}
	}
	return out
}

// recentDone is how far back a summary looks for completions: the week
// before a first digest, and any digest's gap within it.
const recentDone = 7 * 24 * time.Hour

// repeatable reports whether a is repeated on its readers' rhythm on day
// d: open and overdue, or coming due after its second reminder (the first
// is news of its own, weeks ahead; the due day is news too).
func (s *state) repeatable(a Assignment, d calendar.Date) bool {
	if a.State != StateOpen || s.policy(a.Plan, a.TaskID).OverdueEvery <= 0 {
		return false
	}
	if a.DueDay.Before(d) {
		return true
	}
	if a.DueDay == d || !strings.HasPrefix(a.LastStep, "reminder-") {
		return false
	}
	return a.LastStep != s.steps(a).firstReminder().Name
}

// itemKey identifies an item in a recipient's rhythm: the assignment, or
// the occurrence for a copy.
func itemKey(it notify.Item) string {
	if it.Kind == notify.KindEscalation {
		return "escalation|" + it.Assignment // about another unit: not the reader's own item
	}
	if it.Copy {
		plan, _, _ := strings.Cut(it.Assignment, "|")
		return "copy|" + plan + "|" + it.Occurrence
	}
	return it.Assignment
}

// due reports whether r's rhythm calls for a digest on day d.
func (s *state) rhythmDue(r Rhythm, d calendar.Date) bool {
	if r.LastDigest == (calendar.Date{}) {
		return true
	}
	every := s.Policy.OverdueEvery
	if every <= 0 {
		return false
	}
	return s.Calendar.WorkingDaysBetween(s.Calendar.At(r.LastDigest, s.Policy.At), s.Calendar.At(d, s.Policy.At)) >= every
}

// shownYesterday returns whether a key was in r's digest of the working
// day before d.
func (s *state) shownYesterday(r Rhythm, d calendar.Date) func(key string) bool {
	prev := calendar.DateOf(s.Calendar.AddWorkingDays(d.In(s.Calendar.Location()), -1))
	if r.LastDigest != prev || len(r.Shown) == 0 {
		return func(string) bool { return false }
	}
	if slices.IsSorted(r.Shown) { // as messages writes it
		return func(key string) bool { _, ok := slices.BinarySearch(r.Shown, key); return ok }
	}
	return func(key string) bool { return slices.Contains(r.Shown, key) }
}
