package scheduler

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/notify"
)

// MemStore is a Store in memory, for preview and tests. Update is atomic
// only in the sense that it holds a lock: a failed fn leaves its writes.
// Assignments are records without pointers (memrec.go); the pending steps
// wait in a queue of buckets by moment (memqueue.go), and the orders the
// scans promise are kept in sorted indices (memindex.go), sorted again
// only after a change of membership, not on every scan.
type MemStore struct {
	mu     sync.Mutex
	arena  arena
	recs   []memRec
	ids    map[string]int32 // key → record; the keys are views of the arena
	extras []recExtra       // memRec.extra-1
	keys   keyIndex         // every assignment, by key
	open   openIndex        // open assignments by due day
	done   doneIndex        // done assignments by done time
	queue  dueQueue
	steps  map[string]StepRecord
	outbox []*notify.Message
	// lean keeps only what the engine reads (Lean): no outbox, and of the
	// step records only their keys (stepKeys).
	lean        bool
	stepKeys    stepSet
	completions map[string]time.Time
	rhythms     map[string]Rhythm
	held        [][]StepRecord    // HoldSteps' lists, in order
	marks       map[string]uint64 // memstore_sync.go
	log         changeLog         // memstore_feed.go
	// last is the record last looked up by key (lookup): firing a step
	// reads, checks, records and writes one assignment, by its key each time.
	last struct {
		key string // a view of the arena
		id  int32
	}
	// ahead are the records of the last Due answer and where the next
	// look-up is expected among them: the engine reads them in that order,
	// then records the steps it fired in that order again, and a look-up
	// in ids (500,000 keys at 100,000 tasks) cost a microsecond of cache
	// misses for each of a month's million steps, twice.
	ahead struct {
		ids []int32
		i   int
	}
}

// aheadWindow is how many of the records ahead a look-up tries (from the
// one expected, on from the first after the last) before the map: a
// record that fired no step is passed over.
const aheadWindow = 8

// lookup is the record of key.
func (s *MemStore) lookup(key string) (int32, bool) {
	if s.last.key == key && key != "" {
		return s.last.id, true
	}
	if a := &s.ahead; len(a.ids) > 0 {
		for k := range min(aheadWindow, len(a.ids)) {
			j := (a.i + k) % len(a.ids)
			if id := a.ids[j]; s.key(id) == key {
				a.i = j + 1
				s.last.key, s.last.id = s.key(id), id
				return id, true
			}
		}
	}
	id, ok := s.ids[key]
	if ok {
		s.last.key, s.last.id = s.key(id), id
	}
	return id, ok
}

// NewMemStore returns an empty MemStore.
func NewMemStore() *MemStore {
	return &MemStore{ids: map[string]int32{}, steps: map[string]StepRecord{}, completions: map[string]time.Time{}, rhythms: map[string]Rhythm{}}
}

// Update runs fn with the lock held. Like the database, it refuses a scan
// after a write (ErrReadAfterWrite), so that tests catch an engine that
// breaks the rule.
func (s *MemStore) Update(fn func(Tx) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return fn(memTx{s: s, wrote: new(bool)})
}

// View runs fn with the lock held.
func (s *MemStore) View(fn func(Tx) error) error { return s.Update(fn) }

// Lean makes the store keep only what the engine reads back, for a
// preview of a large plan: Enqueue keeps no message (a preview reads what
// Fire returns) and RecordStep keeps that the step was recorded, not its
// record (at 500,000 assignments the records of one catch-up morning are
// 250 MB). Call it before the first write.
func (s *MemStore) Lean() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lean, s.outbox = true, nil
}

// Reserve makes room for n more assignments, for a caller that knows how
// many it will put (a preview's copy of a database): the records then
// grow once, not by a quarter at a time through every size up to
// hundreds of megabytes, each copied and its pages touched anew.
func (s *MemStore) Reserve(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n <= 0 {
		return
	}
	s.recs = slices.Grow(s.recs, n)
	s.keys.ids = slices.Grow(s.keys.ids, n)
	if len(s.ids) == 0 {
		s.ids = make(map[string]int32, n)
	}
}

// Outbox returns the enqueued messages.
func (s *MemStore) Outbox() []*notify.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.outbox)
}

// key is the key of record id.
func (s *MemStore) key(id int32) string { return s.arena.str(s.recs[id].key) }

// get is record id as an Assignment. Its strings are views of the arena.
func (s *MemStore) get(id int32) Assignment {
	r := &s.recs[id]
	ar := &s.arena
	a := Assignment{
		Key: ar.str(r.key), Plan: ar.str(r.plan), TaskID: ar.str(r.task), Occurrence: ar.str(r.occ), Unit: ar.str(r.unit),
		DueDay: r.due, State: State(ar.str(r.state)),
		DoneAt: ar.at(r.doneAt), SnoozedUntil: ar.at(r.snoozed),
		LastStep: ar.str(r.lastStep), LastStepAt: ar.at(r.lastStepAt), LastStepRank: r.lastStepRank,
	}
	if r.extra > 0 {
		x := &s.extras[r.extra-1]
		a.DoneBy, a.DoneVia, a.Note = x.doneBy, x.doneVia, x.note
		a.Evidence, a.Notes = slices.Clone(x.evidence), slices.Clone(x.notes)
	}
	if r.hasNext {
		a.Next = s.pending(id)
	}
	return a
}

// getLean is record id as an Assignment with what a repeat depends on (the
// change feed's): key, plan, task, occurrence, unit, state, due day,
// snooze and last step; not its next step, done mark, last step's moment
// or notes.
func (s *MemStore) getLean(id int32) Assignment {
	r := &s.recs[id]
	ar := &s.arena
	return Assignment{
		Key: ar.str(r.key), Plan: ar.str(r.plan), TaskID: ar.str(r.task), Occurrence: ar.str(r.occ), Unit: ar.str(r.unit),
		DueDay: r.due, State: State(ar.str(r.state)), SnoozedUntil: ar.at(r.snoozed), LastStep: ar.str(r.lastStep),
	}
}

// pending is record id's next step, for an Assignment's Next.
func (s *MemStore) pending(id int32) *Pending {
	p := s.pendingOf(id)
	return &p
}

// pendingOf is record id's next step as a value: Due hands over a round's
// hundreds of thousands, not one allocation each.
func (s *MemStore) pendingOf(id int32) Pending {
	r := &s.recs[id]
	return Pending{At: s.arena.at(r.next), Assignment: s.arena.str(r.key), Step: s.arena.str(r.nextStep), Rank: r.nextRank}
}

// put stores a, new or over its record, and keeps the indices.
func (s *MemStore) put(a Assignment) error {
	if a.Next != nil && a.Next.Assignment != a.Key {
		return fmt.Errorf("memory store: the next step of %s names assignment %s", a.Key, a.Next.Assignment)
	}
	id, found := s.lookup(a.Key)
	var r memRec
	if found {
		r = s.recs[id]
	} else {
		id = int32(len(s.recs))
		r.key = s.arena.add(a.Key)
		s.ids[s.arena.str(r.key)] = id
		s.recs = append(s.recs, memRec{})
		s.keys.add(s, id)
	}
	old := r
	ar := &s.arena
	// A rewrite mostly keeps the strings it read (views of the arena:
	// compared without reading them).
	keep := func(r sref, s string, find func(string) sref) sref {
		if found && ar.str(r) == s {
			return r
		}
		return find(s)
	}
	within := func(s string) sref { return ar.within(r.key, s) }
	r.plan, r.task = keep(r.plan, a.Plan, within), keep(r.task, a.TaskID, within)
	r.occ, r.unit = keep(r.occ, a.Occurrence, within), keep(r.unit, a.Unit, within)
	r.state, r.due = keep(r.state, string(a.State), ar.intern), a.DueDay
	r.doneAt, r.snoozed = ar.time(a.DoneAt), ar.time(a.SnoozedUntil)
	r.lastStep, r.lastStepAt, r.lastStepRank = keep(r.lastStep, a.LastStep, ar.intern), ar.time(a.LastStepAt), a.LastStepRank
	if a.DoneBy != "" || a.DoneVia != "" || a.Note != "" || len(a.Evidence) > 0 || len(a.Notes) > 0 {
		x := recExtra{doneBy: a.DoneBy, doneVia: a.DoneVia, note: a.Note, evidence: slices.Clone(a.Evidence), notes: slices.Clone(a.Notes)}
		if r.extra == 0 {
			s.extras = append(s.extras, x)
			r.extra = int32(len(s.extras))
		} else {
			s.extras[r.extra-1] = x
		}
	} else if r.extra > 0 {
		s.extras[r.extra-1] = recExtra{}
		r.extra = 0
	}
	r.hasNext = a.Next != nil
	if r.hasNext {
		next, step := ar.time(a.Next.At), keep(old.nextStep, a.Next.Step, ar.intern)
		if !(found && old.hasNext && old.next == next && old.nextStep == step && old.nextRank == a.Next.Rank) {
			r.next, r.nextStep, r.nextRank = next, step, a.Next.Rank
			r.stamp++
			s.queue.push(next, id, r.stamp)
		}
	} else if old.hasNext {
		r.stamp++ // the queue's entries are stale
	}
	s.recs[id] = r
	s.log.note(id)
	wasOpen, wasDone := found && ar.str(old.state) == string(StateOpen), found && ar.str(old.state) == string(StateDone)
	isOpen, isDone := a.State == StateOpen, a.State == StateDone
	s.open.update(wasOpen, isOpen, old.due != r.due)
	s.done.update(wasDone, isDone, old.doneAt != r.doneAt)
	switch {
	case isDone && !wasDone:
		s.completions[a.Key] = a.DoneAt
	case !isDone && wasDone:
		delete(s.completions, a.Key)
	}
	return nil
}

// valid reports whether a queue entry is still its record's next step.
func (s *MemStore) valid(e queueEntry) bool {
	r := &s.recs[e.id]
	return r.hasNext && r.stamp == e.stamp
}

type memTx struct {
	s     *MemStore
	wrote *bool // a write was made: scans are refused
}

func (t memTx) write() {
	if t.wrote != nil {
		*t.wrote = true
	}
}

func (t memTx) scan() error {
	if t.wrote != nil && *t.wrote {
		return ErrReadAfterWrite
	}
	return nil
}

func (t memTx) Assignment(key string) (Assignment, bool, error) {
	id, ok := t.s.lookup(key)
	if !ok {
		return Assignment{}, false, nil
	}
	return t.s.get(id), true, nil
}

func (t memTx) PutAssignment(a Assignment) error {
	t.write()
	return t.s.put(a)
}

func (t memTx) CreateAssignment(a Assignment) error { return t.PutAssignment(a) }

func (t memTx) ForEachAssignment(plan string, fn func(Assignment) error) error {
	if err := t.scan(); err != nil {
		return err
	}
	for _, id := range t.s.keys.of(t.s, plan) {
		if err := fn(t.s.get(id)); err != nil {
			return err
		}
	}
	return nil
}

func (t memTx) ForEachOpen(through calendar.Date, fn func(Assignment) error) error {
	if err := t.scan(); err != nil {
		return err
	}
	for _, e := range t.s.open.through(t.s, through) {
		if err := fn(t.s.get(e.id)); err != nil {
			return err
		}
	}
	return nil
}

func (t memTx) ForEachDoneSince(since time.Time, fn func(Assignment) error) error {
	if err := t.scan(); err != nil {
		return err
	}
	for _, e := range t.s.done.since(t.s, since) {
		if err := fn(t.s.get(e.id)); err != nil {
			return err
		}
	}
	return nil
}

func (t memTx) Due(until time.Time, limit int) ([]Pending, error) {
	if err := t.scan(); err != nil {
		return nil, err
	}
	ids := t.s.queue.due(t.s, until, limit)
	t.s.ahead.ids, t.s.ahead.i = ids, 0
	var out []Pending
	if len(ids) > 0 {
		out = make([]Pending, 0, len(ids))
	}
	for _, id := range ids {
		out = append(out, t.s.pendingOf(id))
	}
	return out, nil
}

func (t memTx) NextDue() (Pending, bool, error) {
	if err := t.scan(); err != nil {
		return Pending{}, false, err
	}
	id, ok := t.s.queue.first(t.s)
	if !ok {
		return Pending{}, false, nil
	}
	return t.s.pendingOf(id), true, nil
}

func (t memTx) StepRecorded(key string) (bool, error) {
	if t.s.lean {
		return t.s.stepKeys.has(t.s, key), nil
	}
	_, ok := t.s.steps[key]
	return ok, nil
}

func (t memTx) RecordStep(r StepRecord) error {
	t.write()
	if t.s.lean {
		t.s.stepKeys.add(t.s, r.Key)
		return nil
	}
	t.s.steps[r.Key] = r
	return nil
}

func (t memTx) Enqueue(m *notify.Message) error {
	if !t.s.lean {
		t.s.outbox = append(t.s.outbox, m)
	}
	return nil
}

func (t memTx) Completions(until time.Time) ([]string, error) {
	if err := t.scan(); err != nil {
		return nil, err
	}
	var keys []string
	for k, at := range t.s.completions {
		if !at.After(until) {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b string) int {
		return cmp.Or(t.s.completions[a].Compare(t.s.completions[b]), strings.Compare(a, b))
	})
	return keys, nil
}

func (t memTx) Reported(key string) error {
	t.write()
	delete(t.s.completions, key)
	return nil
}

func (t memTx) Rhythm(id string) (Rhythm, error) { return t.s.rhythms[id], nil }

func (t memTx) HoldSteps(steps []StepRecord) error {
	t.write()
	t.s.held = append(t.s.held, steps) // kept as they are (a catch-up's first round holds hundreds of thousands)
	return nil
}

func (t memTx) HeldSteps() ([]StepRecord, error) {
	if err := t.scan(); err != nil {
		return nil, err
	}
	return slices.Concat(t.s.held...), nil
}

func (t memTx) DropHeld() error {
	t.write()
	t.s.held = nil
	return nil
}

func (t memTx) PutRhythm(id string, r Rhythm) error {
	t.write()
	t.s.rhythms[id] = r
	return nil
}
