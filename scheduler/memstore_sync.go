package scheduler

import (
	"slices"
	"strings"
)

// The sync marks of a MemStore (see Store).

func (t memTx) ForEachTaskAssignment(plan, task string, fn func(Assignment) error) error {
	if err := t.scan(); err != nil {
		return err
	}
	for _, id := range t.s.keys.prefixed(t.s, plan+"|"+task+"@") {
		if err := fn(t.s.get(id)); err != nil {
			return err
		}
	}
	return nil
}

func (t memTx) SyncMark(plan, task string) (uint64, bool, error) {
	fp, ok := t.s.marks[plan+"|"+task]
	return fp, ok, nil
}

func (t memTx) PutSyncMark(plan, task string, fp uint64) error {
	t.write()
	if t.s.marks == nil {
		t.s.marks = map[string]uint64{}
	}
	t.s.marks[plan+"|"+task] = fp
	return nil
}

func (t memTx) DropSyncMark(plan, task string) error {
	t.write()
	delete(t.s.marks, plan+"|"+task)
	return nil
}

func (t memTx) ForEachSyncMark(plan string, fn func(task string, fp uint64) error) error {
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
