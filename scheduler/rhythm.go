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
// Its key is kept beside: a digest looks at every candidate's key, and a
// recipient's candidates are a few of the repeatables, far apart (a cache
// miss each, millions in a month's preview at 100,000 tasks).
type candidate struct {
	to  *target // in the state's memo: shared
	a   *repeatable
	key string // its item key (itemKey): the copy's when to is one
}

// newCandidate is a's candidate for target t (one of a.targets).
func newCandidate(t *target, a *repeatable) candidate {
	if t.copy { // as itemKey: a candidate is never an escalation
		return candidate{to: t, a: a, key: a.copyKey}
	}
	return candidate{to: t, a: a, key: a.key}
}

// repeatable is what a repeat reads of its open assignment: a round at
// 500,000 assignments holds hundreds of thousands of them, and the whole
// Assignment was three times the size. It carries its kind of item and
// its recipients; a round's repeatables are kept from one round to the
// next when the store can say what changed (repeatCache), and one that
// left is marked dead until the next round drops it.
type repeatable struct {
	key, plan, taskID, occurrence, unit string
	due                                 calendar.Date
	kind                                notify.Kind // overdue, or reminder when coming due
	targets                             []target    // shared (memo)
	// copyKey is the item key of a copy of it, when a target is one.
	copyKey string
	// unitName and dueAt are its item's unit and due moment (item).
	unitName string
	dueAt    time.Time
	dead     bool
	// id is its assignment's number in a changeFeed store, else -1.
	id int32
}

// assignment is r as the open Assignment it was read from, for item,
// targets and leadStates (which read no other field).
func (r *repeatable) assignment() Assignment {
	return Assignment{Key: r.key, Plan: r.plan, TaskID: r.taskID, Occurrence: r.occurrence, Unit: r.unit,
		DueDay: r.due, State: StateOpen}
}

// item is the candidate's item at now: state.item of its assignment, from
// what its repeatable keeps (a round makes hundreds of thousands).
func (s *state) candidateItem(now time.Time, c candidate) notify.Item {
	a := c.a
	it := notify.Item{Kind: a.kind, Assignment: a.key, TaskID: a.taskID, Occurrence: a.occurrence, Unit: a.unitName, Due: a.dueAt, Copy: c.to.copy}
	if s.Detail == DetailItems {
		return it
	}
	it = s.itemDetail(now, fired{a: a.assignment(), step: Step{Kind: a.kind}}, it)
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
	done, err := s.recentDone(tx, now)
	if err != nil {
		return nil, nil, err
	}
	scan := func(through calendar.Date, fn func(int32, Assignment) error) error {
		return tx.ForEachOpen(through, func(a Assignment) error { return fn(-1, a) })
	}
	as, err := s.openRepeatables(scan, now, nil)
	if err != nil {
		return nil, nil, err
	}
	return newRepeatSet(as), done, nil
}

// recentDone are the completions of the last recentDone before now, in
// order of their done marks.
func (s *state) recentDone(tx Tx, now time.Time) ([]notify.Item, error) {
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
		return nil, err
	}
	slices.SortStableFunc(done, func(a, b notify.Item) int { return a.DoneAt.Compare(b.DoneAt) })
	return done, nil
}

// openRepeatables reads the repeatables of the open assignments within
// reach of a reminder (scan: Tx.ForEachOpen or as it, with the store's
// number of each, changeFeed's, or -1), by key. snoozed, when not nil, is
// told of every open assignment left out for its snooze (repeatCache
// looks at those again each round).
func (s *state) openRepeatables(scan func(through calendar.Date, fn func(int32, Assignment) error) error, now time.Time, snoozed func(id int32, key string)) ([]*repeatable, error) {
	today := s.today(now)
	// Only the open assignments within reach of a reminder can be
	// repeated: the store reads those, not every assignment. They are
	// kept in chunks that never move (no copy as the list grows), in
	// order of due day then key.
	const chunk = 4096
	var chunks [][]repeatable
	var as []*repeatable
	sorted := true // by key already: one due day only
	err := scan(s.reminderReach(today), func(id int32, a Assignment) error {
		if a.SnoozedUntil.After(now) && snoozed != nil {
			snoozed(id, a.Key)
		}
		kind, ok := s.repeatKind(a, today, now)
		if !ok {
			return nil
		}
		if n := len(chunks); n == 0 || len(chunks[n-1]) == cap(chunks[n-1]) {
			// Growing as the list does, up to a chunk: a small plan's
			// round has a few dozen.
			chunks = append(chunks, make([]repeatable, 0, min(chunk, max(64, len(as)))))
		}
		c := &chunks[len(chunks)-1]
		*c = append(*c, s.newRepeatable(a, kind))
		r := &(*c)[len(*c)-1]
		r.id = id
		if n := len(as); n > 0 && as[n-1].key > r.key {
			sorted = false
		}
		as = append(as, r)
		return nil
	})
	// By key, as a digest has always listed them: the first of two copies
	// of an occurrence wins.
	if !sorted {
		sortByKey(as)
		// Laid out again in that order: a round goes through them by key
		// (each recipient's candidates, then their items), and a quarter
		// of a million scattered over the due days cost a cache miss each.
		laid := make([]repeatable, len(as))
		for i, r := range as {
			laid[i] = *r
			as[i] = &laid[i]
		}
	}
	return as, err
}

// repeatKind says whether open assignment a is repeated at a round on day
// today at now, and as what kind of item.
func (s *state) repeatKind(a Assignment, today calendar.Date, now time.Time) (notify.Kind, bool) {
	if a.SnoozedUntil.After(now) || !s.repeatable(a, today) {
		return "", false
	}
	if s.taskPtr(a.Plan, a.TaskID) == nil {
		return "", false
	}
	if !a.DueDay.Before(today) {
		return notify.KindReminder, true
	}
	return notify.KindOverdue, true
}

// newRepeatable is the repeatable of a as an item of kind, with its
// recipients.
func (s *state) newRepeatable(a Assignment, kind notify.Kind) repeatable {
	r := repeatable{key: a.Key, plan: a.Plan, taskID: a.TaskID, occurrence: a.Occurrence, unit: a.Unit, due: a.DueDay, kind: kind,
		unitName: s.unitName(a.Unit), dueAt: s.dueAt(a.DueDay)}
	r.targets = s.targets(r.assignment(), Step{Kind: kind})
	if slices.ContainsFunc(r.targets, func(t target) bool { return t.copy }) {
		plan, _, _ := strings.Cut(r.key, "|")
		r.copyKey = "copy|" + plan + "|" + r.occurrence
	}
	return r
}

// newRepeatSet is the repeat set of as (by key): with every recipient.
func newRepeatSet(as []*repeatable) *repeatSet {
	rep := &repeatSet{as: as}
	ids := map[string]bool{}
	for _, r := range as {
		for _, t := range r.targets {
			if !ids[t.to.ID] {
				ids[t.to.ID] = true
				rep.ids = append(rep.ids, t.to.ID)
			}
		}
	}
	slices.Sort(rep.ids)
	return rep
}

// sortByKey sorts as by key. They come as runs sorted by key, one per due
// day (ForEachOpen's order): merged pairwise, a few passes over the list
// instead of a sort's log n.
func sortByKey(as []*repeatable) {
	mergeRuns(as, func(a, b *repeatable) bool { return a.key < b.key })
}

// mergeRuns sorts xs by less, stably, merging its ascending runs pairwise:
// a few passes for a list made of a few sorted runs, instead of a sort's
// log n.
func mergeRuns[T any](xs []T, less func(a, b T) bool) {
	if len(xs) < 2 {
		return
	}
	var runs []int // the start of each run, then len(xs)
	for i := range xs {
		if i == 0 || less(xs[i], xs[i-1]) {
			runs = append(runs, i)
		}
	}
	runs = append(runs, len(xs))
	if len(runs) == 2 {
		return
	}
	buf := make([]T, len(xs))
	src, dst := xs, buf
	for len(runs) > 2 {
		next := runs[:0:0]
		for i := 0; i+1 < len(runs); i += 2 {
			lo, mid, hi := runs[i], runs[i+1], len(xs)
			if i+2 < len(runs) {
				hi = runs[i+2]
			}
			next = append(next, lo)
			a, b, k := lo, mid, lo
			for a < mid && b < hi {
				if less(src[b], src[a]) { // ties: the earlier run first
					dst[k], b = src[b], b+1
				} else {
					dst[k], a = src[a], a+1
				}
				k++
			}
			k += copy(dst[k:], src[a:mid])
			copy(dst[k:], src[b:hi])
		}
		next = append(next, len(xs))
		runs = next
		src, dst = dst, src
	}
	if &src[0] != &xs[0] {
		copy(xs, src)
	}
}

// repeatSet is what a round may repeat: the repeatable assignments by key,
// each with its kind of item and its recipients. A round at 500,000
// assignments has hundreds of thousands of them for every recipient
// together, and most recipients' rhythm is not due that day: their
// candidates are made only for the recipients a digest goes to.
type repeatSet struct {
	as  []*repeatable
	ids []string // every recipient of a candidate, sorted
}

// candidates are the candidates of the recipients for which need holds,
// each recipient's in key order.
func (r *repeatSet) candidates(need map[string]bool) map[string][]candidate {
	// Recipient lists are shared (the targets memo): a few hundred for a
	// quarter of a million repeatables. Which of a list's targets are
	// needed, and where their candidates go, is found once per list.
	type pick struct {
		j    int // in the list
		list int // in lists
	}
	type list struct {
		first *target
		n     int
	}
	picks := map[list][]pick{}
	var counts []int
	var ids []string
	index := map[string]int{}
	of := make([][]pick, len(r.as)) // counted first: each list made once to size
	for k, a := range r.as {
		ts := a.targets
		if len(ts) == 0 {
			continue
		}
		ps, ok := picks[list{&ts[0], len(ts)}]
		if !ok {
			ps = []pick{}
			for j := range ts {
				id := ts[j].to.ID
				if !need[id] {
					continue
				}
				i, ok := index[id]
				if !ok {
					i = len(counts)
					index[id] = i
					counts, ids = append(counts, 0), append(ids, id)
				}
				ps = append(ps, pick{j, i})
			}
			picks[list{&ts[0], len(ts)}] = ps
		}
		of[k] = ps
		for _, p := range ps {
			counts[p.list]++
		}
	}
	lists := make([][]candidate, len(counts))
	for i, n := range counts {
		lists[i] = make([]candidate, 0, n)
	}
	for k, a := range r.as {
		for _, p := range of[k] {
			lists[p.list] = append(lists[p.list], newCandidate(&a.targets[p.j], a))
		}
	}
	out := make(map[string][]candidate, len(lists))
	for i, id := range ids {
		out[id] = lists[i]
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
	return a.LastStep != s.firstReminder(a)
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

// shownYesterday are the keys of r's digest of the working day before d,
// sorted; none when its last digest was on another day.
func (s *state) shownYesterday(r Rhythm, d calendar.Date) []string {
	prev := calendar.DateOf(s.Calendar.AddWorkingDays(d.In(s.Calendar.Location()), -1))
	if r.LastDigest != prev || len(r.Shown) == 0 {
		return nil
	}
	if !slices.IsSorted(r.Shown) { // messages writes them sorted
		return slices.Sorted(slices.Values(r.Shown))
	}
	return r.Shown
}

// sortedLookup returns whether a key is in sorted. The keys asked come
// mostly in order (the candidates by key): each search starts from where
// the last one ended and gallops forward, and falls back to the whole
// list for a key before it.
func sortedLookup(sorted []string) func(key string) bool {
	at := 0
	return func(key string) bool {
		if at > 0 && key <= sorted[at-1] {
			at = 0
		}
		lo, step := at, 1
		for lo+step <= len(sorted) && sorted[lo+step-1] < key {
			lo += step
			step *= 2
		}
		i, ok := slices.BinarySearch(sorted[lo:min(lo+step, len(sorted))], key)
		at = lo + i
		return ok
	}
}
