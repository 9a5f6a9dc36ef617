package bot

import (
	"sync/atomic"
	"testing"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/org"
	"github.com/sct-langson/nhacviec/scheduler"
)

// countingEngine counts the reads of the engine's current state.
type countingEngine struct {
	eng         *scheduler.Engine
	pins, reads atomic.Int32
}

func (c *countingEngine) NextFor(a scheduler.Assignment) *scheduler.Pending {
	c.reads.Add(1)
	return c.eng.NextFor(a)
}

func (c *countingEngine) Calendar() *calendar.Calendar {
	c.reads.Add(1)
	return c.eng.Calendar()
}

func (c *countingEngine) Task(plan, id string) (scheduler.Task, bool) {
	c.reads.Add(1)
	return c.eng.Task(plan, id)
}

func (c *countingEngine) Plans() []string {
	c.reads.Add(1)
	return c.eng.Plans()
}

func (c *countingEngine) Pin() scheduler.Pinned {
	c.pins.Add(1)
	return c.eng.Pin()
}

// TestUpdateReadsOneState: an update reads the directory once and the
// engine's state once, at its start, however many people, units and next
// steps it looks at: a reload in the middle of it cannot mix two configs.
func TestUpdateReadsOneState(t *testing.T) {
	var dirs atomic.Int32
	var eng *countingEngine
	e := newEnv(t, func(c *Config) {
		d := c.Directory
		c.Directory = func() *org.Directory { dirs.Add(1); return d() }
		eng = &countingEngine{eng: c.Engine.(*scheduler.Engine)}
		c.Engine = eng
	})
	for _, text := range []string{"/xong III.2.1 Đã rà soát", "/hoan III.2.2.1 3", "/viec", "/huy III.2.1"} {
		dirs.Store(0)
		eng.pins.Store(0)
		eng.reads.Store(0)
		e.srv.PushText(userAn.ID, userAn, text)
		e.poll()
		if n, p, r := dirs.Load(), eng.pins.Load(), eng.reads.Load(); n != 1 || p != 1 || r != 0 {
			t.Errorf("%s: %d reads of the directory, %d pins and %d unpinned reads of the engine; want 1, 1, 0", text, n, p, r)
		}
	}
	if a := e.assignment(kIII21); a.State != scheduler.StateOpen {
		t.Errorf("III.2.1 after done and undo: %+v", a)
	}
	if a := e.assignment(kIII221); a.SnoozedUntil.IsZero() {
		t.Errorf("III.2.2.1 not snoozed: %+v", a)
	}
}
