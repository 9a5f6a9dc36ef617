package bot

import (
	"testing"

	"github.com/sct-langson/nhacviec/scheduler"
	"github.com/sct-langson/nhacviec/store"
)

// scanCounter is a Changer whose transactions count the reads of every
// assignment (ForEachAssignment).
type scanCounter struct {
	db    *store.DB
	scans int
}

type countingTx struct {
	scheduler.Tx
	scans *int
}

func (t countingTx) ForEachAssignment(plan string, fn func(scheduler.Assignment) error) error {
	*t.scans++
	return t.Tx.ForEachAssignment(plan, fn)
}

func (c *scanCounter) ApplyChange(fn func(tx scheduler.Tx, audit func(store.AuditEntry) error) error) error {
	return c.db.ApplyChange(func(tx scheduler.Tx, audit func(store.AuditEntry) error) error {
		return fn(countingTx{Tx: tx, scans: &c.scans}, audit)
	})
}

// TestCLIReadsTheTaskByKey: `nhacviec done` (run by the daemon for the
// CLI) finds a task's assignments by their keys in the engine's plans,
// without reading every assignment (526,480 at 100,000 tasks, in the write
// transaction); before the engine's first plan it still finds them, by
// reading every assignment.
func TestCLIReadsTheTaskByKey(t *testing.T) {
	e := newEnv(t, nil)
	now := e.clock.Now()
	c := &scanCounter{db: e.db}
	a, err := Complete(c, e.eng, "III.2.1", "", "quantri", "", now)
	if err != nil || a.Key != kIII21 || a.State != scheduler.StateDone {
		t.Fatalf("done III.2.1: %s %s, %v", a.Key, a.State, err)
	}
	if a, err = Reopen(c, e.eng, "i.5", "qltm", "quantri", now); err == nil {
		t.Fatalf("undo of an open assignment: %s %s", a.Key, a.State)
	}
	if c.scans != 0 {
		t.Errorf("the planned engine's CLI read every assignment %d times", c.scans)
	}

	e.restart() // a new engine, before its first plan
	c = &scanCounter{db: e.db}
	a, err = Complete(c, e.eng, "III.2.2.1", "", "quantri", "", now)
	if err != nil || a.Key != kIII221 || a.State != scheduler.StateDone {
		t.Fatalf("done III.2.2.1 before the first plan: %s %s, %v", a.Key, a.State, err)
	}
	if c.scans != 1 {
		t.Errorf("before the first plan, every assignment read %d times, want once", c.scans)
	}
}
