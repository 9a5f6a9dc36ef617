package scheduler

import (
	"cmp"
	"slices"
	"time"
)

// dueQueue holds the MemStore's pending steps in buckets by moment: steps
// fall on few moments (the rounds, the reminders' hours), and a catch-up
// morning has hundreds of thousands due at once. An entry is a record and
// the stamp of its next step then; an entry whose record's step has moved
// on since is stale and dropped when its bucket is read. A bucket is
// sorted by key when read, as Due promises (by moment, then key).
type dueQueue struct {
	moments []tref // of the buckets, in time order
	buckets map[tref]*bucket
}

type bucket struct {
	entries []queueEntry
	sorted  bool
}

type queueEntry struct {
	id    int32
	stamp uint32
}

// before orders moments (the location apart: the same instant is one
// moment).
func before(a, b tref) bool {
	return a.sec < b.sec || a.sec == b.sec && a.nsec < b.nsec
}

// moment is the bucket key of at: its instant, the location apart.
func moment(at tref) tref { return tref{sec: at.sec, nsec: at.nsec, set: true} }

func (q *dueQueue) push(at tref, id int32, stamp uint32) {
	at = moment(at)
	b := q.buckets[at]
	if b == nil {
		if q.buckets == nil {
			q.buckets = map[tref]*bucket{}
		}
		b = &bucket{sorted: true}
		q.buckets[at] = b
		i, _ := slices.BinarySearchFunc(q.moments, at, func(m, t tref) int {
			if before(m, t) {
				return -1
			}
			if before(t, m) {
				return 1
			}
			return 0
		})
		q.moments = slices.Insert(q.moments, i, at)
	}
	b.sorted = b.sorted && len(b.entries) == 0
	b.entries = append(b.entries, queueEntry{id, stamp})
}

// ready drops the stale entries of the bucket of moment m and sorts it;
// false (and the bucket gone) when nothing is left in it.
func (q *dueQueue) ready(s *MemStore, i int) bool {
	m := q.moments[i]
	b := q.buckets[m]
	b.entries = slices.DeleteFunc(b.entries, func(e queueEntry) bool { return !s.valid(e) })
	if len(b.entries) == 0 {
		delete(q.buckets, m)
		q.moments = slices.Delete(q.moments, i, i+1)
		return false
	}
	if !b.sorted {
		rank := s.keys.rank(s)
		slices.SortFunc(b.entries, func(a, b queueEntry) int { return cmp.Compare(rank[a.id], rank[b.id]) })
		b.sorted = true
	}
	return true
}

// due returns up to limit records whose next step is due by until, by
// moment then key.
func (q *dueQueue) due(s *MemStore, until time.Time, limit int) []int32 {
	end := tref{sec: until.Unix(), nsec: int32(until.Nanosecond())}
	var out []int32
	for i := 0; i < len(q.moments) && len(out) < limit && !before(end, q.moments[i]); {
		if !q.ready(s, i) {
			continue
		}
		for _, e := range q.buckets[q.moments[i]].entries {
			if len(out) == limit {
				break
			}
			out = append(out, e.id)
		}
		i++
	}
	return out
}

// first returns the record of the earliest pending step.
func (q *dueQueue) first(s *MemStore) (int32, bool) {
	for len(q.moments) > 0 {
		if q.ready(s, 0) {
			return q.buckets[q.moments[0]].entries[0].id, true
		}
	}
	return 0, false
}
