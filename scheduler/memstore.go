package scheduler

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

// MemStore is a Store in memory, for preview and tests. Update is atomic
// only in the sense that it holds a lock: a failed fn leaves its writes.
// Pending steps sit in a min-heap with lazy deletion: an entry no longer
// equal to its assignment's Next is dropped when it surfaces. The orders
// the scans promise are kept in sorted indices (memindex.go), sorted again
// only after a change of membership, not on every scan.
type MemStore struct {
	mu          sync.Mutex
	assignments map[string]Assignment
	keys        keyIndex  // every assignment key
	open        openIndex // open assignments by due day
	done        doneIndex // done assignments by done time
	steps       map[string]StepRecord
	outbox      []*notify.Message
	// lean keeps only what the engine reads (Lean): no outbox, and of the
	// step records only their keys, in stepKeys.
	lean        bool
	stepKeys    map[string]struct{}
	heap        pendingHeap
	completions map[string]time.Time
	rhythms     map[string]Rhythm
	marks       map[string]uint64 // memstore_sync.go
}

// NewMemStore returns an empty MemStore.
func NewMemStore() *MemStore {
	return &MemStore{assignments: map[string]Assignment{}, steps: map[string]StepRecord{}, completions: map[string]time.Time{}, rhythms: map[string]Rhythm{}}
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
// Fire returns) and RecordStep keeps the step's key, not its record (at
// 500,000 assignments the records of one catch-up morning are 250 MB).
// Call it before the first write.
func (s *MemStore) Lean() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lean, s.outbox, s.stepKeys = true, nil, map[string]struct{}{}
}

// Outbox returns the enqueued messages.
func (s *MemStore) Outbox() []*notify.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.outbox)
}

type pendingHeap []Pending

func (h pendingHeap) Len() int { return len(h) }
func (h pendingHeap) Less(i, j int) bool {
	return cmp.Or(h[i].At.Compare(h[j].At), strings.Compare(h[i].Assignment, h[j].Assignment)) < 0
}
func (h pendingHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *pendingHeap) Push(x any)   { *h = append(*h, x.(Pending)) }
func (h *pendingHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
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
	a, ok := t.s.assignments[key]
	return a, ok, nil
}

func (t memTx) PutAssignment(a Assignment) error {
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

func (t memTx) CreateAssignment(a Assignment) error { return t.PutAssignment(a) }

func (t memTx) ForEachAssignment(plan string, fn func(Assignment) error) error {
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

func (t memTx) ForEachOpen(through calendar.Date, fn func(Assignment) error) error {
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

func (t memTx) ForEachDoneSince(since time.Time, fn func(Assignment) error) error {
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
func (t memTx) valid(p Pending) bool {
	a, ok := t.s.assignments[p.Assignment]
	return ok && a.Next != nil && *a.Next == p
}

func (t memTx) Due(until time.Time, limit int) ([]Pending, error) {
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

func (t memTx) NextDue() (Pending, bool, error) {
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

func (t memTx) StepRecorded(key string) (bool, error) {
	if t.s.lean {
		_, ok := t.s.stepKeys[key]
		return ok, nil
	}
	_, ok := t.s.steps[key]
	return ok, nil
}

func (t memTx) RecordStep(r StepRecord) error {
	t.write()
	if t.s.lean {
		t.s.stepKeys[r.Key] = struct{}{}
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

func (t memTx) PutRhythm(id string, r Rhythm) error {
	t.write()
	t.s.rhythms[id] = r
	return nil
}
