package scheduler

import (
	"cmp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/sct-langson/nhacviec/notify"
)

// MemStore is a Store in memory, for preview and tests. Update is atomic
// only in the sense that it holds a lock: a failed fn leaves its writes.
type MemStore struct {
	mu          sync.Mutex
	assignments map[string]Assignment
	steps       map[string]StepRecord
	outbox      []*notify.Message
	// sorted caches the pending steps in time order until an assignment
	// changes.
	sorted []Pending
	dirty  bool
}

// NewMemStore returns an empty MemStore.
func NewMemStore() *MemStore {
	return &MemStore{assignments: map[string]Assignment{}, steps: map[string]StepRecord{}, dirty: true}
}

// Update runs fn with the lock held.
func (s *MemStore) Update(fn func(Tx) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return fn(memTx{s})
}

// View runs fn with the lock held.
func (s *MemStore) View(fn func(Tx) error) error { return s.Update(fn) }

// Outbox returns the enqueued messages.
func (s *MemStore) Outbox() []*notify.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.outbox)
}

type memTx struct{ s *MemStore }

func (t memTx) Assignment(key string) (Assignment, bool, error) {
	a, ok := t.s.assignments[key]
	return a, ok, nil
}

func (t memTx) PutAssignment(a Assignment) error {
	t.s.assignments[a.Key] = a
	t.s.dirty = true
	return nil
}

func (t memTx) ForEachAssignment(plan string, fn func(Assignment) error) error {
	keys := make([]string, 0, len(t.s.assignments))
	for k := range t.s.assignments {
		if plan == "" || strings.HasPrefix(k, plan+"|") {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		if err := fn(t.s.assignments[k]); err != nil {
			return err
		}
	}
	return nil
}

func (t memTx) pending() []Pending {
	if !t.s.dirty && t.s.sorted != nil {
		return t.s.sorted
	}
	out := make([]Pending, 0, len(t.s.assignments))
	for _, a := range t.s.assignments {
		if a.Next != nil {
			out = append(out, *a.Next)
		}
	}
	slices.SortFunc(out, func(a, b Pending) int {
		return cmp.Or(a.At.Compare(b.At), strings.Compare(a.Assignment, b.Assignment))
	})
	t.s.sorted, t.s.dirty = out, false
	return out
}

func (t memTx) Due(until time.Time, limit int) ([]Pending, error) {
	var out []Pending
	for _, p := range t.pending() {
		if p.At.After(until) || len(out) >= limit {
			break
		}
		out = append(out, p)
	}
	return out, nil
}

func (t memTx) NextDue() (Pending, bool, error) {
	p := t.pending()
	if len(p) == 0 {
		return Pending{}, false, nil
	}
	return p[0], true, nil
}

func (t memTx) StepRecorded(key string) (bool, error) {
	_, ok := t.s.steps[key]
	return ok, nil
}

func (t memTx) RecordStep(r StepRecord) error {
	t.s.steps[r.Key] = r
	return nil
}

func (t memTx) Enqueue(m *notify.Message) error {
	t.s.outbox = append(t.s.outbox, m)
	return nil
}
