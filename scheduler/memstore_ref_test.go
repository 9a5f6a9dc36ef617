package scheduler

// refStore is the MemStore as it was before its records lost their
// pointers (maps of Assignment values, a heap of Pending): the reference
// TestMemStoreAnswersAsBefore compares the compact one with.

import (
	"cmp"
	"container/heap"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/notify"
)

// refStore is a Store in memory, for preview and tests. Update is atomic
// only in the sense that it holds a lock: a failed fn leaves its writes.
// Pending steps sit in a min-heap with lazy deletion: an entry no longer
// equal to its assignment's Next is dropped when it surfaces. The orders
// the scans promise are kept in sorted indices (memindex.go), sorted again
// only after a change of membership, not on every scan.
type refStore struct {
	mu          sync.Mutex
	assignments map[string]Assignment
	keys        refKeyIndex  // every assignment key
	open        refOpenIndex // open assignments by due day
	done        refDoneIndex // done assignments by done time
	steps       map[string]StepRecord
	outbox      []*notify.Message
	// lean keeps only what the engine reads (Lean): no outbox, and of the
	// step records only their keys, in stepKeys.
	lean        bool
	stepKeys    map[string]struct{}
	heap        refHeap
	completions map[string]time.Time
	rhythms     map[string]Rhythm
	held        []StepRecord
	marks       map[string]uint64 // memstore_sync.go
}

// newRefStore returns an empty refStore.
func newRefStore() *refStore {
	return &refStore{assignments: map[string]Assignment{}, steps: map[string]StepRecord{}, completions: map[string]time.Time{}, rhythms: map[string]Rhythm{}}
}

// Update runs fn with the lock held. Like the database, it refuses a scan
// after a write (ErrReadAfterWrite), so that tests catch an engine that
// breaks the rule.
func (s *refStore) Update(fn func(Tx) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return fn(refTx{s: s, wrote: new(bool)})
}

// View runs fn with the lock held.
func (s *refStore) View(fn func(Tx) error) error { return s.Update(fn) }

// Lean makes the store keep only what the engine reads back, for a
// preview of a large plan: Enqueue keeps no message (a preview reads what
// Fire returns) and RecordStep keeps the step's key, not its record (at
// 500,000 assignments the records of one catch-up morning are 250 MB).
// Call it before the first write.
func (s *refStore) Lean() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lean, s.outbox, s.stepKeys = true, nil, map[string]struct{}{}
}

// Outbox returns the enqueued messages.
func (s *refStore) Outbox() []*notify.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.outbox)
}

type refHeap []Pending

func (h refHeap) Len() int { return len(h) }
func (h refHeap) Less(i, j int) bool {
	return cmp.Or(h[i].At.Compare(h[j].At), strings.Compare(h[i].Assignment, h[j].Assignment)) < 0
}
func (h refHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *refHeap) Push(x any)   { *h = append(*h, x.(Pending)) }
func (h *refHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

type refTx struct {
	s     *refStore
	wrote *bool // a write was made: scans are refused
}

func (t refTx) write() {
	if t.wrote != nil {
		*t.wrote = true
	}
}

func (t refTx) scan() error {
	if t.wrote != nil && *t.wrote {
		return ErrReadAfterWrite
	}
	return nil
}

func (t refTx) Assignment(key string) (Assignment, bool, error) {
	a, ok := t.s.assignments[key]
	return a, ok, nil
}

func (t refTx) PutAssignment(a Assignment) error {
	t.write()
	old, found := t.s.assignments[a.Key]
	t.s.assignments[a.Key] = a
	if !found {
		t.s.keys.add(a.Key)
	}
	t.s.open.update(old, found, a)
	t.s.done.update(old, found, a)
	wasDone := found && old.State == StateDone
	switch {
	case a.State == StateDone && !wasDone:
		t.s.completions[a.Key] = a.DoneAt
	case a.State != StateDone && wasDone:
		delete(t.s.completions, a.Key)
	}
	if a.Next != nil && !(found && old.Next != nil && *old.Next == *a.Next) {
		heap.Push(&t.s.heap, *a.Next)
	}
	return nil
}

func (t refTx) CreateAssignment(a Assignment) error { return t.PutAssignment(a) }

func (t refTx) ForEachAssignment(plan string, fn func(Assignment) error) error {
	if err := t.scan(); err != nil {
		return err
	}
	for _, k := range t.s.keys.of(plan) {
		if err := fn(t.s.assignments[k]); err != nil {
			return err
		}
	}
	return nil
}

func (t refTx) ForEachOpen(through calendar.Date, fn func(Assignment) error) error {
	if err := t.scan(); err != nil {
		return err
	}
	for _, e := range t.s.open.through(through) {
		if err := fn(t.s.assignments[e.key]); err != nil {
			return err
		}
	}
	return nil
}

func (t refTx) ForEachDoneSince(since time.Time, fn func(Assignment) error) error {
	if err := t.scan(); err != nil {
		return err
	}
	for _, e := range t.s.done.since(since) {
		if err := fn(t.s.assignments[e.key]); err != nil {
			return err
		}
	}
	return nil
}

// valid reports whether p is still its assignment's next step.
func (t refTx) valid(p Pending) bool {
	a, ok := t.s.assignments[p.Assignment]
	return ok && a.Next != nil && *a.Next == p
}

func (t refTx) Due(until time.Time, limit int) ([]Pending, error) {
	if err := t.scan(); err != nil {
		return nil, err
	}
	var out []Pending
	seen := map[string]bool{}
	h := &t.s.heap
	for h.Len() > 0 && len(out) < limit && !(*h)[0].At.After(until) {
		p := heap.Pop(h).(Pending)
		if !t.valid(p) || seen[p.Assignment] {
			continue
		}
		seen[p.Assignment] = true
		out = append(out, p)
	}
	for _, p := range out {
		heap.Push(h, p)
	}
	return out, nil
}

func (t refTx) NextDue() (Pending, bool, error) {
	if err := t.scan(); err != nil {
		return Pending{}, false, err
	}
	h := &t.s.heap
	for h.Len() > 0 {
		if p := (*h)[0]; t.valid(p) {
			return p, true, nil
		}
		heap.Pop(h)
	}
	return Pending{}, false, nil
}

func (t refTx) StepRecorded(key string) (bool, error) {
	if t.s.lean {
		_, ok := t.s.stepKeys[key]
		return ok, nil
	}
	_, ok := t.s.steps[key]
	return ok, nil
}

func (t refTx) RecordStep(r StepRecord) error {
	t.write()
	if t.s.lean {
		t.s.stepKeys[r.Key] = struct{}{}
		return nil
	}
	t.s.steps[r.Key] = r
	return nil
}

func (t refTx) Enqueue(m *notify.Message) error {
	if !t.s.lean {
		t.s.outbox = append(t.s.outbox, m)
	}
	return nil
}

func (t refTx) Completions(until time.Time) ([]string, error) {
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

func (t refTx) Reported(key string) error {
	t.write()
	delete(t.s.completions, key)
	return nil
}

func (t refTx) Rhythm(id string) (Rhythm, error) { return t.s.rhythms[id], nil }

func (t refTx) HoldSteps(steps []StepRecord) error {
	t.s.held = append(t.s.held, steps...)
	return nil
}

func (t refTx) HeldSteps() ([]StepRecord, error) { return slices.Clone(t.s.held), nil }

func (t refTx) DropHeld() error {
	t.s.held = nil
	return nil
}

func (t refTx) PutRhythm(id string, r Rhythm) error {
	t.write()
	t.s.rhythms[id] = r
	return nil
}

// The refStore's indices: each keeps its members in a map and a sorted
// list of them, sorted again on the first scan after a change. Planning
// adds every assignment then scans, and firing rewrites assignments
// without changing their membership, so a scan mostly finds the list
// ready.

// refKeyIndex is the sorted list of every assignment key.
type refKeyIndex struct {
	keys   []string
	sorted bool
}

func (x *refKeyIndex) add(k string) {
	x.sorted = len(x.keys) == 0 || x.sorted && x.keys[len(x.keys)-1] < k
	x.keys = append(x.keys, k)
}

// of returns the keys of plan ("" for all), in order.
func (x *refKeyIndex) of(plan string) []string {
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
func (x *refKeyIndex) prefixed(prefix string) []string {
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

// refOpenEntry is an open assignment in the index by due day.
type refOpenEntry struct {
	due calendar.Date
	key string
}

// refOpenIndex holds the open assignments by due day then key.
type refOpenIndex struct {
	members map[string]calendar.Date
	list    []refOpenEntry
	dirty   bool
}

// update follows a change of an assignment from old (when found) to a.
func (x *refOpenIndex) update(old Assignment, found bool, a Assignment) {
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
func (x *refOpenIndex) through(d calendar.Date) []refOpenEntry {
	if x.dirty {
		// A new list: a scan still reading the old one keeps it whole.
		x.list = make([]refOpenEntry, 0, len(x.members))
		for k, due := range x.members {
			x.list = append(x.list, refOpenEntry{due, k})
		}
		slices.SortFunc(x.list, func(a, b refOpenEntry) int {
			return cmp.Or(a.due.Compare(b.due), strings.Compare(a.key, b.key))
		})
		x.dirty = false
	}
	n, _ := slices.BinarySearchFunc(x.list, d, func(e refOpenEntry, d calendar.Date) int {
		if e.due.After(d) {
			return 1
		}
		return -1
	})
	return x.list[:n]
}

// refDoneEntry is a done assignment in the index by done time.
type refDoneEntry struct {
	at  time.Time
	key string
}

// refDoneIndex holds the done assignments by done time then key.
type refDoneIndex struct {
	members map[string]time.Time
	list    []refDoneEntry
	dirty   bool
}

// update follows a change of an assignment from old (when found) to a.
func (x *refDoneIndex) update(old Assignment, found bool, a Assignment) {
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
func (x *refDoneIndex) since(t time.Time) []refDoneEntry {
	if x.dirty {
		x.list = make([]refDoneEntry, 0, len(x.members))
		for k, at := range x.members {
			x.list = append(x.list, refDoneEntry{at, k})
		}
		slices.SortFunc(x.list, func(a, b refDoneEntry) int {
			return cmp.Or(a.at.Compare(b.at), strings.Compare(a.key, b.key))
		})
		x.dirty = false
	}
	i, _ := slices.BinarySearchFunc(x.list, t, func(e refDoneEntry, t time.Time) int {
		if e.at.Before(t) {
			return -1
		}
		return 1
	})
	return x.list[i:]
}

// The sync marks of a refStore (see Store).

func (t refTx) ForEachTaskAssignment(plan, task string, fn func(Assignment) error) error {
	if err := t.scan(); err != nil {
		return err
	}
	for _, k := range t.s.keys.prefixed(plan + "|" + task + "@") {
		if err := fn(t.s.assignments[k]); err != nil {
			return err
		}
	}
	return nil
}

func (t refTx) SyncMark(plan, task string) (uint64, bool, error) {
	fp, ok := t.s.marks[plan+"|"+task]
	return fp, ok, nil
}

func (t refTx) PutSyncMark(plan, task string, fp uint64) error {
	t.write()
	if t.s.marks == nil {
		t.s.marks = map[string]uint64{}
	}
	t.s.marks[plan+"|"+task] = fp
	return nil
}

func (t refTx) DropSyncMark(plan, task string) error {
	t.write()
	delete(t.s.marks, plan+"|"+task)
	return nil
}

func (t refTx) ForEachSyncMark(plan string, fn func(task string, fp uint64) error) error {
	if err := t.scan(); err != nil {
		return err
	}
	prefix := plan + "|"
	var tasks []string
	for k := range t.s.marks {
		if task, ok := strings.CutPrefix(k, prefix); ok && task != "" {
			tasks = append(tasks, task)
		}
	}
	slices.Sort(tasks)
	for _, task := range tasks {
		if err := fn(task, t.s.marks[prefix+task]); err != nil {
			return err
		}
	}
	return nil
}
