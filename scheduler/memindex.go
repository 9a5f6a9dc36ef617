package scheduler

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/sct-langson/nhacviec/calendar"
)

// The MemStore's indices: each keeps its members in a map and a sorted
// list of them, sorted again on the first scan after a change. Planning
// adds every assignment then scans, and firing rewrites assignments
// without changing their membership, so a scan mostly finds the list
// ready.

// keyIndex is the sorted list of every assignment key.
type keyIndex struct {
	keys   []string
	sorted bool
}

func (x *keyIndex) add(k string) {
	x.sorted = len(x.keys) == 0 || x.sorted && x.keys[len(x.keys)-1] < k
	x.keys = append(x.keys, k)
}

// of returns the keys of plan ("" for all), in order.
func (x *keyIndex) of(plan string) []string {
	if !x.sorted {
		slices.Sort(x.keys)
		x.sorted = true
	}
	if plan == "" {
		return x.keys
	}
	return x.prefixed(plan + "|")
}

// prefixed returns the keys that start with prefix, in order.
func (x *keyIndex) prefixed(prefix string) []string {
	if !x.sorted {
		slices.Sort(x.keys)
		x.sorted = true
	}
	i, _ := slices.BinarySearch(x.keys, prefix)
	j := i
	for j < len(x.keys) && strings.HasPrefix(x.keys[j], prefix) {
		j++
	}
	return x.keys[i:j]
}

// openEntry is an open assignment in the index by due day.
type openEntry struct {
	due calendar.Date
	key string
}

// openIndex holds the open assignments by due day then key.
type openIndex struct {
	members map[string]calendar.Date
	list    []openEntry
	dirty   bool
}

// update follows a change of an assignment from old (when found) to a.
func (x *openIndex) update(old Assignment, found bool, a Assignment) {
	was := found && old.State == StateOpen
	is := a.State == StateOpen
	if was == is && (!is || old.DueDay == a.DueDay) {
		return
	}
	if x.members == nil {
		x.members = map[string]calendar.Date{}
	}
	if is {
		x.members[a.Key] = a.DueDay
	} else {
		delete(x.members, a.Key)
	}
	x.dirty = true
}

// through returns the open assignments due on or before d, in order.
func (x *openIndex) through(d calendar.Date) []openEntry {
	if x.dirty {
		// A new list: a scan still reading the old one keeps it whole.
		x.list = make([]openEntry, 0, len(x.members))
		for k, due := range x.members {
			x.list = append(x.list, openEntry{due, k})
		}
		slices.SortFunc(x.list, func(a, b openEntry) int {
			return cmp.Or(a.due.Compare(b.due), strings.Compare(a.key, b.key))
		})
		x.dirty = false
	}
	n, _ := slices.BinarySearchFunc(x.list, d, func(e openEntry, d calendar.Date) int {
		if e.due.After(d) {
			return 1
		}
		return -1
	})
	return x.list[:n]
}

// doneEntry is a done assignment in the index by done time.
type doneEntry struct {
	at  time.Time
	key string
}

// doneIndex holds the done assignments by done time then key.
type doneIndex struct {
	members map[string]time.Time
	list    []doneEntry
	dirty   bool
}

// update follows a change of an assignment from old (when found) to a.
func (x *doneIndex) update(old Assignment, found bool, a Assignment) {
	was := found && old.State == StateDone
	is := a.State == StateDone
	if was == is && (!is || old.DoneAt.Equal(a.DoneAt)) {
		return
	}
	if x.members == nil {
		x.members = map[string]time.Time{}
	}
	if is {
		x.members[a.Key] = a.DoneAt
	} else {
		delete(x.members, a.Key)
	}
	x.dirty = true
}

// since returns the done assignments marked done at or after t, in order.
func (x *doneIndex) since(t time.Time) []doneEntry {
	if x.dirty {
		x.list = make([]doneEntry, 0, len(x.members))
		for k, at := range x.members {
			x.list = append(x.list, doneEntry{at, k})
		}
		slices.SortFunc(x.list, func(a, b doneEntry) int {
			return cmp.Or(a.at.Compare(b.at), strings.Compare(a.key, b.key))
		})
		x.dirty = false
	}
	i, _ := slices.BinarySearchFunc(x.list, t, func(e doneEntry, t time.Time) int {
		if e.at.Before(t) {
			return -1
		}
		return 1
	})
	return x.list[i:]
}
