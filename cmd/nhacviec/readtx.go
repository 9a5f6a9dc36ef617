package main

import (
	"github.com/sct-langson/nhacviec/scheduler"
	"github.com/sct-langson/nhacviec/store"
)

// releaseEvery is how many assignments a long read reads between two
// store.DB.ReleaseMapped: read by key in another order than the file's,
// each may touch its own 4 KB page.
const releaseEvery = 1024

// releasingTx is a read transaction over every assignment (tasks, report)
// that gives back the database pages it has read every releaseEvery
// assignments: reading the whole file through bbolt's mapping would
// otherwise leave all of it in the process's resident set.
type releasingTx struct {
	scheduler.Tx
	db    *store.DB
	reads int
}

func (t *releasingTx) read() {
	t.reads++
	if t.reads%releaseEvery == 0 {
		_ = t.db.ReleaseMapped() // only memory accounting is at stake
	}
}

func (t *releasingTx) ForEachAssignment(plan string, fn func(scheduler.Assignment) error) error {
	return t.Tx.ForEachAssignment(plan, func(a scheduler.Assignment) error {
		t.read()
		return fn(a)
	})
}

func (t *releasingTx) Assignment(key string) (scheduler.Assignment, bool, error) {
	t.read()
	return t.Tx.Assignment(key)
}
