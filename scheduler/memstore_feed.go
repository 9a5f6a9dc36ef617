package scheduler

import (
	"slices"

	"github.com/sct-langson/nhacviec/calendar"
)

// changeLog is the MemStore's record of the assignments written, for the
// engine's rounds (changeFeed): off until first asked, then the records
// written since the last question.
type changeLog struct {
	on   bool
	base uint64 // the mark of ids[0]
	ids  []int32
}

// note records a write of record id.
func (l *changeLog) note(id int32) {
	if l.on {
		l.ids = append(l.ids, id)
	}
}

// ChangedSince implements changeFeed: the log is kept from the first
// question on, and emptied by each answer (one engine reads it).
func (t memTx) ChangedSince(mark uint64) ([]string, uint64, bool) {
	l := &t.s.log
	if !l.on || mark != l.base {
		l.on = true
		l.base += uint64(len(l.ids)) + 1 // never a mark handed out before
		l.ids = l.ids[:0]
		return nil, l.base, false
	}
	keys := make([]string, len(l.ids))
	for i, id := range l.ids {
		keys[i] = t.s.key(id)
	}
	l.base += uint64(len(l.ids))
	l.ids = l.ids[:0]
	return keys, l.base, true
}

// ForEachOpenBetween implements changeFeed.
func (t memTx) ForEachOpenBetween(from, through calendar.Date, fn func(Assignment) error) error {
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
		if err := fn(t.s.get(e.id)); err != nil {
			return err
		}
	}
	return nil
}
