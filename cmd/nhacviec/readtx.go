package main

import (
	"github.com/sct-langson/nhacviec/scheduler"
	"github.com/sct-langson/nhacviec/store"
)

// releasingTx is a read transaction over every assignment (tasks, report)
// that gives back the database pages it has read now and then
// (store.Releaser): reading the whole file through bbolt's mapping would
// otherwise leave all of it in the process's resident set.
type releasingTx struct {
	scheduler.Tx
	rel *store.Releaser
}

func newReleasingTx(tx scheduler.Tx, db *store.DB) *releasingTx {
	return &releasingTx{Tx: tx, rel: db.NewReleaser()}
}

func (t *releasingTx) ForEachAssignment(plan string, fn func(scheduler.Assignment) error) error {
	return t.Tx.ForEachAssignment(plan, func(a scheduler.Assignment) error {
		t.rel.Read()
		return fn(a)
	})
}

func (t *releasingTx) Assignment(key string) (scheduler.Assignment, bool, error) {
	t.rel.Read()
	return t.Tx.Assignment(key)
}

func (t *releasingTx) ForEachTaskAssignment(plan, task string, fn func(scheduler.Assignment) error) error {
	return t.Tx.ForEachTaskAssignment(plan, task, func(a scheduler.Assignment) error {
		t.rel.Read()
		return fn(a)
	})
}
