package scheduler

import (
	"slices"

	"github.com/sct-langson/nhacviec/calendar"
)

// changeLog is the MemStore's record of the assignments written, for the
// engine's rounds (changeFeed): off until first asked, then each record
// written since the last answer, once.
type changeLog struct {
	on  bool
	gen uint64 // the mark handed out last
	ids []int32
	in  []uint64 // by record: the gen in which it was logged
}

// note records a write of record id.
func (l *changeLog) note(id int32) {
	if !l.on {
		return
	}
	if int(id) >= len(l.in) {
		l.in = append(l.in, make([]uint64, int(id)+1-len(l.in))...)
	}
	if l.in[id] != l.gen {
		l.in[id] = l.gen
		l.ids = append(l.ids, id)
	}
}

// ChangedSince implements changeFeed: the log is kept from the first
// question on, and emptied by each answer (one engine reads it).
func (t memTx) ChangedSince(mark uint64, fn func(int32, Assignment) error) (uint64, bool, error) {
	l := &t.s.log
	ok := l.on && mark == l.gen && fn != nil
	if ok {
		for _, id := range l.ids {
			if err := fn(id, t.s.getLean(id)); err != nil {
				return 0, false, err
			}
		}
	}
	l.on = true
	l.gen++
	l.ids = l.ids[:0]
	return l.gen, ok, nil
}

// ForEachOpenBetween implements changeFeed.
func (t memTx) ForEachOpenBetween(from, through calendar.Date, fn func(int32, Assignment) error) error {
	if err := t.scan(); err != nil {
		return err
	}
	list := t.s.open.through(t.s, through)
	i, _ := slices.BinarySearchFunc(list, from, func(e openEntry, d calendar.Date) int {
		if e.due.Before(d) {
			return -1
		}
		return 1
	})
	for _, e := range list[i:] {
		if err := fn(e.id, t.s.getLean(e.id)); err != nil {
			return err
		}
	}
	return nil
}
