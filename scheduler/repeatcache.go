package scheduler

import (
	"cmp"
	"errors"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/notify"
)

// changeFeed is a Tx that tells which assignments were written since an
// earlier point and reads the open ones due within a range of days: the
// MemStore. With it a round keeps the repeatables of the last one and
// looks again only at what may have changed (repeatCache); a store
// without it (the database, one round a working day) reads them all.
type changeFeed interface {
	// ChangedSince calls fn for each assignment written since mark, as
	// it is now, and returns the mark to ask with next; ok is false, and
	// fn not called, when fn is nil or mark is not the last one it
	// handed out (the caller reads everything again, then asks from
	// next).
	ChangedSince(mark uint64, fn func(id int32, a Assignment) error) (next uint64, ok bool, err error)
	// ForEachOpenBetween is ForEachOpen for the due days from through
	// through.
	ForEachOpenBetween(from, through calendar.Date, fn func(id int32, a Assignment) error) error
	// Both hand over of an assignment what a repeat depends on: key,
	// plan, task, occurrence, unit, state, due day, snooze and last step
	// (not its next step, done mark, last step's moment nor notes), and
	// its number in the store (id): from 0, few above the number of
	// assignments, the same for an assignment as long as the store
	// lives. The cache finds what it keeps by number, not by key (a
	// round looks at hundreds of thousands).
}

// repeatCache keeps a round's repeatables for the next round. A preview
// fires a round each working day, and a round at 500,000 assignments went
// through a quarter of a million open ones to find them again, most
// unchanged. An assignment's repeatable depends on the planning state (a
// new one starts afresh), on the assignment, and on the day and moment
// only through its due day (overdue, due today, coming due, beyond the
// reminders' reach) and its snooze; so from one round to the next only
// the assignments written since, those whose due day the days passed
// reached, those the reach took in and those snoozed can change, and only
// they are read again. The result is the one openRepeatables gives
// (TestRepeatCacheMatchesRebuild).
type repeatCache struct {
	mu    sync.Mutex
	s     *state // nil: nothing kept
	mark  uint64
	day   calendar.Date // of the last round
	now   time.Time     // of the last round
	reach calendar.Date // reminderReach(day)
	byID  []*repeatable // by the store's number (changeFeed)
	as    []*repeatable // by key, the dead ones still among them
	// snoozed are the open assignments within reach that a snooze kept
	// out at the last round: looked at again at every round.
	snoozed map[int32]string // number → key
	// counts are the repeatables of each recipient.
	counts map[string]int
	// rebuilds counts the rounds that read everything (for tests).
	rebuilds int
}

// repeats is state.repeats, kept from round to round when the store can
// say what changed.
func (c *repeatCache) repeats(s *state, tx Tx, now time.Time) (*repeatSet, []notify.Item, error) {
	feed, ok := tx.(changeFeed)
	if !ok {
		return s.repeats(tx, now)
	}
	done, err := s.recentDone(tx, now)
	if err != nil {
		return nil, nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.s == s && !now.Before(c.now) {
		err = c.update(s, feed, tx, now)
	} else {
		err = errStale
	}
	if err == errStale {
		err = c.rebuild(s, feed, tx, now)
	}
	if err != nil {
		c.s = nil
		return nil, nil, err
	}
	rep := &repeatSet{as: c.as}
	for id, n := range c.counts {
		if n > 0 {
			rep.ids = append(rep.ids, id)
		}
	}
	slices.Sort(rep.ids)
	return rep, done, nil
}

// forget drops what is kept: the next round reads everything again (after
// a failed transaction, whose writes a store may have kept or not).
func (c *repeatCache) forget() {
	c.mu.Lock()
	c.s = nil
	c.mu.Unlock()
}

// errStale says that the repeats kept are not those of the store's last
// answer: rebuild.
var errStale = errors.New("repeats kept are stale")

// rebuild reads the repeatables afresh.
func (c *repeatCache) rebuild(s *state, feed changeFeed, tx Tx, now time.Time) error {
	c.s, c.snoozed, c.counts = nil, map[int32]string{}, map[string]int{}
	c.rebuilds++
	mark, _, err := feed.ChangedSince(0, nil)
	if err != nil {
		return err
	}
	scan := func(through calendar.Date, fn func(int32, Assignment) error) error {
		return feed.ForEachOpenBetween(calendar.Date{}, through, fn)
	}
	as, err := s.openRepeatables(scan, now, func(id int32, key string) { c.snoozed[id] = key })
	if err != nil {
		return err
	}
	c.as, c.byID = as, c.byID[:0]
	for _, r := range as {
		c.set(r.id, r)
		c.count(r, 1)
	}
	c.s, c.mark, c.day, c.now = s, mark, s.today(now), now
	c.reach = s.reminderReach(c.day)
	return nil
}

// update looks again at what may have changed since the last round: the
// assignments written since, those due from the last round's day through
// today (overdue now, or due today), those the reach took in, and those a
// snooze kept out. Looking at one twice changes nothing the second time.
// errStale: the store cannot say what changed.
func (c *repeatCache) update(s *state, feed changeFeed, tx Tx, now time.Time) error {
	today := s.today(now)
	reach := s.reminderReach(today)
	var added []*repeatable
	look := func(id int32, a Assignment) error {
		key := a.Key
		old := c.get(id)
		_, wasSnoozed := c.snoozed[id]
		if old != nil && old.kind == notify.KindOverdue && a.State == StateOpen && a.DueDay == old.due &&
			a.DueDay.Before(today) && !a.SnoozedUntil.After(now) && !wasSnoozed {
			// Still overdue, open, unsnoozed: the same whatever its last
			// step (most writes between rounds are nags sent).
			return nil
		}
		delete(c.snoozed, id)
		var r *repeatable
		if a.State == StateOpen && !a.DueDay.After(reach) {
			if a.SnoozedUntil.After(now) {
				c.snoozed[id] = key
			}
			if kind, ok := s.repeatKind(a, today, now); ok {
				nr := s.newRepeatable(a, kind)
				nr.id = id
				r = &nr
			}
		}
		if old != nil && r != nil && sameRepeatable(old, r) {
			return nil
		}
		if old != nil {
			old.dead = true
			c.set(id, nil)
			c.count(old, -1)
		}
		if r != nil {
			c.set(id, r)
			c.count(r, 1)
			added = append(added, r)
		}
		return nil
	}
	// The scans first (Store's rule), then the point reads.
	mark, ok, err := feed.ChangedSince(c.mark, look)
	if err != nil || !ok {
		return cmp.Or(err, errStale)
	}
	if err := feed.ForEachOpenBetween(c.day, today, look); err != nil {
		return err
	}
	if reach.After(c.reach) {
		if err := feed.ForEachOpenBetween(c.reach.AddDays(1), reach, look); err != nil {
			return err
		}
	}
	ids := slices.SortedFunc(maps.Keys(c.snoozed), func(a, b int32) int { return strings.Compare(c.snoozed[a], c.snoozed[b]) })
	for _, id := range ids {
		k := c.snoozed[id]
		a, ok, err := tx.Assignment(k)
		if err != nil {
			return err
		}
		if !ok {
			a = Assignment{Key: k}
		}
		if err := look(id, a); err != nil {
			return err
		}
	}
	c.as = mergeRepeatables(c.as, added)
	c.mark, c.day, c.now, c.reach = mark, today, now, reach
	return nil
}

// get is the repeatable kept for the assignment numbered id, nil when none.
func (c *repeatCache) get(id int32) *repeatable {
	if id < 0 || int(id) >= len(c.byID) {
		return nil
	}
	return c.byID[id]
}

// set keeps r (nil: none) for the assignment numbered id.
func (c *repeatCache) set(id int32, r *repeatable) {
	if int(id) >= len(c.byID) {
		if r == nil {
			return
		}
		c.byID = append(c.byID, make([]*repeatable, int(id)+1-len(c.byID))...)
	}
	c.byID[id] = r
}

// count adds n to the counts of r's recipients.
func (c *repeatCache) count(r *repeatable, n int) {
	for _, t := range r.targets {
		c.counts[t.to.ID] += n
		if c.counts[t.to.ID] == 0 {
			delete(c.counts, t.to.ID)
		}
	}
}

// sameRepeatable reports whether a and b say the same (their recipients
// follow from the rest within one state).
func sameRepeatable(a, b *repeatable) bool {
	return a.key == b.key && a.plan == b.plan && a.taskID == b.taskID && a.occurrence == b.occurrence &&
		a.unit == b.unit && a.due == b.due && a.kind == b.kind
}

// mergeRepeatables returns the live ones of as (by key) with added, by key.
func mergeRepeatables(as, added []*repeatable) []*repeatable {
	slices.SortFunc(added, func(a, b *repeatable) int { return strings.Compare(a.key, b.key) })
	out := make([]*repeatable, 0, len(as)+len(added))
	i := 0
	for _, r := range as {
		if r.dead {
			continue
		}
		for i < len(added) && added[i].key < r.key {
			out = append(out, added[i])
			i++
		}
		out = append(out, r)
	}
	return append(out, added[i:]...)
}
