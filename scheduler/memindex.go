package scheduler

import (
	"cmp"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/sct-langson/nhacviec/calendar"
)

// The MemStore's indices: each keeps a sorted list of record ids, sorted
// again on the first scan after a change of membership. Planning adds
// every assignment then scans, and firing rewrites assignments without
// changing their membership, so a scan mostly finds the list ready.

// keyIndex is the list of every record, by key.
type keyIndex struct {
	ids    []int32
	sorted bool
	// ranks are the records' places in key order (rank), made again
	// after a record is added.
	ranks []int32
	// next is where the last prefixed answer ended.
	next int
}

func (x *keyIndex) add(s *MemStore, id int32) {
	x.sorted = len(x.ids) == 0 || x.sorted && s.key(x.ids[len(x.ids)-1]) < s.key(id)
	x.ids = append(x.ids, id)
	x.ranks = x.ranks[:0]
}

// rank returns, by record, its place in key order: records compared by
// rank compare as their keys do, without reading them (the due queue
// sorts buckets of tens of thousands by key).
func (x *keyIndex) rank(s *MemStore) []int32 {
	if len(x.ranks) != len(x.ids) {
		x.sort(s)
		x.ranks = slices.Grow(x.ranks[:0], len(x.ids))[:len(x.ids)]
		for i, id := range x.ids {
			x.ranks[id] = int32(i)
		}
	}
	return x.ranks
}

func (x *keyIndex) sort(s *MemStore) {
	if !x.sorted {
		slices.SortFunc(x.ids, func(a, b int32) int { return strings.Compare(s.key(a), s.key(b)) })
		x.sorted = true
	}
}

// of returns the records of plan ("" for all), in key order.
func (x *keyIndex) of(s *MemStore, plan string) []int32 {
	if plan == "" {
		x.sort(s)
		return x.ids
	}
	return x.prefixed(s, plan+"|")
}

// prefixed returns the records whose key starts with prefix, in order.
// It looks first where the last answer ended: Sync asks for its tasks'
// assignments in key order, 100,000 questions at a preview's planning.
func (x *keyIndex) prefixed(s *MemStore, prefix string) []int32 {
	x.sort(s)
	i := x.next
	if i > len(x.ids) || i < len(x.ids) && s.key(x.ids[i]) < prefix || i > 0 && s.key(x.ids[i-1]) >= prefix {
		i, _ = slices.BinarySearchFunc(x.ids, prefix, func(id int32, p string) int { return strings.Compare(s.key(id), p) })
	}
	j := i
	for j < len(x.ids) && strings.HasPrefix(s.key(x.ids[j]), prefix) {
		j++
	}
	x.next = j
	return x.ids[i:j]
}

// openEntry is an open assignment in the index by due day.
type openEntry struct {
	due calendar.Date
	id  int32
}

// openIndex holds the open assignments by due day then key.
type openIndex struct {
	list  []openEntry
	dirty bool
}

// update follows a change of an assignment: open before, open now, and
// whether its due day moved.
func (x *openIndex) update(was, is, moved bool) {
	if was != is || is && moved {
		x.dirty = true
	}
}

// through returns the open assignments due on or before d, in order.
func (x *openIndex) through(s *MemStore, d calendar.Date) []openEntry {
	if x.dirty || x.list == nil && len(s.recs) > 0 {
		x.list = openByDue(s) // a new list: a scan still reading the old one keeps it whole
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

// openByDue lists the open records by due day then key: the records in
// key order, placed by due day (a counting sort). A preview's copy of
// 500,000 assignments was sorted by comparing keys, half a second; there
// are a few hundred due days.
func openByDue(s *MemStore) []openEntry {
	open := s.arena.intern(string(StateOpen))
	byKey := s.keys.of(s, "")
	at := map[calendar.Date]int{} // the count of each due day, then where its next record goes
	n := 0
	for _, id := range byKey {
		if r := &s.recs[id]; r.state == open {
			at[r.due]++
			n++
		}
	}
	days := slices.SortedFunc(maps.Keys(at), calendar.Date.Compare)
	next := 0
	for _, d := range days {
		at[d], next = next, next+at[d]
	}
	list := make([]openEntry, n)
	for _, id := range byKey {
		if r := &s.recs[id]; r.state == open {
			i := at[r.due]
			list[i], at[r.due] = openEntry{r.due, id}, i+1
		}
	}
	return list
}

// doneEntry is a done assignment in the index by done time.
type doneEntry struct {
	at time.Time
	id int32
}

// doneIndex holds the done assignments by done time then key.
type doneIndex struct {
	list  []doneEntry
	dirty bool
}

// update follows a change of an assignment: done before, done now, and
// whether its done time changed.
func (x *doneIndex) update(was, is, moved bool) {
	if was != is || is && moved {
		x.dirty = true
	}
}

// since returns the done assignments marked done at or after t, in order.
func (x *doneIndex) since(s *MemStore, t time.Time) []doneEntry {
	if x.dirty {
		done := s.arena.intern(string(StateDone))
		x.list = make([]doneEntry, 0, len(x.list))
		for id := range s.recs {
			if r := &s.recs[id]; r.state == done {
				x.list = append(x.list, doneEntry{s.arena.at(r.doneAt), int32(id)})
			}
		}
		slices.SortFunc(x.list, func(a, b doneEntry) int {
			return cmp.Or(a.at.Compare(b.at), strings.Compare(s.key(a.id), s.key(b.id)))
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

// stepSet is the lean store's record of the steps produced: a step key is
// its assignment's key, "#" and the step's name, kept as a bit of its
// assignment's record, the name's number (a policy has a few dozen names;
// the rest in a map of numbers): no string each, nothing for the garbage
// collector to go through. A key whose assignment is not stored is kept
// as it is.
type stepSet struct {
	names map[string]uint32
	bits  []uint64            // by record: the names numbered below 64
	byID  map[uint64]struct{} // record << 32 | name, the other names
	other map[string]struct{}
}

// split finds the record and name number of a step key; ok false when
// either is unknown (and add makes the name known).
func (x *stepSet) split(s *MemStore, key string, add bool) (id int32, name uint32, ok bool) {
	i := strings.LastIndexByte(key, '#')
	if i < 0 {
		return 0, 0, false
	}
	if id, ok = s.lookup(key[:i]); !ok {
		return 0, 0, false
	}
	if name, ok = x.names[key[i+1:]]; !ok {
		if !add {
			return 0, 0, false
		}
		if x.names == nil {
			x.names = map[string]uint32{}
		}
		name = uint32(len(x.names))
		x.names[strings.Clone(key[i+1:])] = name
	}
	return id, name, true
}

func (x *stepSet) add(s *MemStore, key string) {
	id, name, ok := x.split(s, key, true)
	switch {
	case ok && name < 64:
		if n := len(s.recs); len(x.bits) < n {
			x.bits = append(x.bits, make([]uint64, n-len(x.bits))...)
		}
		x.bits[id] |= 1 << name
	case ok:
		if x.byID == nil {
			x.byID = map[uint64]struct{}{}
		}
		x.byID[uint64(id)<<32|uint64(name)] = struct{}{}
	default:
		if x.other == nil {
			x.other = map[string]struct{}{}
		}
		x.other[strings.Clone(key)] = struct{}{}
	}
}

func (x *stepSet) has(s *MemStore, key string) bool {
	if id, name, ok := x.split(s, key, false); ok {
		if name < 64 {
			if int(id) < len(x.bits) && x.bits[id]&(1<<name) != 0 {
				return true
			}
		} else if _, ok := x.byID[uint64(id)<<32|uint64(name)]; ok {
			return true
		}
	}
	_, ok := x.other[key]
	return ok
}
