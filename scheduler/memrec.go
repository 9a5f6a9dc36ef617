package scheduler

import (
	"strings"
	"time"
	"unsafe"

	"github.com/sct-langson/nhacviec/calendar"
)

// The MemStore keeps its assignments as records without pointers: a
// preview at 100,000 tasks holds 500,000 assignments, and as Assignment
// values (ten strings, four times, two slices and a pointer each) the
// garbage collector went through all of them at every cycle, 40 % of the
// preview's time. A record refers to its strings by position in an arena
// of byte chunks, and keeps its times as seconds, nanoseconds and an index
// into a small table of locations; the rare fields (who marked it done,
// notes, evidence) live beside it in a map.

// sref is a string kept in the arena: chunk, offset, length.
type sref struct{ chunk, off, n uint32 }

// tref is a time.Time without its pointer: the zero time when !set.
type tref struct {
	sec  int64
	nsec int32
	loc  uint16
	set  bool
}

// memRec is one assignment of the MemStore, without pointers.
type memRec struct {
	key, plan, task, occ, unit, state, lastStep sref
	due                                         calendar.Date
	doneAt, snoozed, lastStepAt                 tref
	lastStepRank                                int
	// next is the next step (Assignment.Next, whose Assignment is key)
	// when hasNext; stamp changes with it, for the due queue's entries.
	next     tref
	nextStep sref
	nextRank int
	hasNext  bool
	stamp    uint32
	// extra holds the rare fields (recExtra), 0 when they are all empty.
	extra int32
}

// recExtra are the fields of an assignment most assignments leave empty.
type recExtra struct {
	doneBy, doneVia, note string
	evidence              []Evidence
	notes                 []Note
}

// arenaChunk is the size of a chunk of the arena: strings never move once
// written, so a string handed out stays valid for ever.
const arenaChunk = 1 << 20

// arena holds the records' strings.
type arena struct {
	chunks [][]byte
	// interned are the strings many records share (plans, units, states,
	// step names), kept once.
	interned map[string]sref
	locs     []*time.Location
}

// str is the string of r: a view of the arena, no copy.
func (a *arena) str(r sref) string {
	if r.n == 0 {
		return ""
	}
	return unsafe.String(&a.chunks[r.chunk][r.off], int(r.n))
}

// add copies s into the arena.
func (a *arena) add(s string) sref {
	if s == "" {
		return sref{}
	}
	n := len(a.chunks)
	if n == 0 || len(a.chunks[n-1])+len(s) > cap(a.chunks[n-1]) {
		// 16 KiB first, then four times the one before up to arenaChunk:
		// a small plan's preview does not start with a megabyte.
		size := min(arenaChunk, 16<<10<<(2*min(n, 3)))
		a.chunks = append(a.chunks, make([]byte, 0, max(size, len(s))))
		n++
	}
	c := &a.chunks[n-1]
	off := len(*c)
	*c = append(*c, s...)
	return sref{chunk: uint32(n - 1), off: uint32(off), n: uint32(len(s))}
}

// intern keeps s once.
func (a *arena) intern(s string) sref {
	if s == "" {
		return sref{}
	}
	r, ok := a.interned[s]
	if !ok {
		r = a.add(s)
		if a.interned == nil {
			a.interned = map[string]sref{}
		}
		a.interned[a.str(r)] = r
	}
	return r
}

// within keeps s as a part of the string of key when it is one (a plan,
// task id, occurrence or unit in its assignment's key), else interned.
func (a *arena) within(key sref, s string) sref {
	if s == "" {
		return sref{}
	}
	if i := strings.Index(a.str(key), s); i >= 0 {
		return sref{chunk: key.chunk, off: key.off + uint32(i), n: uint32(len(s))}
	}
	return a.intern(s)
}

// time keeps t, its location in the table.
func (a *arena) time(t time.Time) tref {
	if t.IsZero() && t.Location() == time.UTC {
		return tref{}
	}
	loc := t.Location()
	i := 0
	for i < len(a.locs) && a.locs[i] != loc {
		i++
	}
	if i == len(a.locs) {
		a.locs = append(a.locs, loc)
	}
	return tref{sec: t.Unix(), nsec: int32(t.Nanosecond()), loc: uint16(i), set: true}
}

// at is the time of r, in its location.
func (a *arena) at(r tref) time.Time {
	if !r.set {
		return time.Time{}
	}
	return time.Unix(r.sec, int64(r.nsec)).In(a.locs[r.loc])
}

// sameTime reports whether r is t (instant and location).
func (a *arena) sameTime(r tref, t time.Time) bool {
	return r == a.time(t)
}
