package scheduler

import (
	"math/rand/v2"
	"reflect"
	"sync"
	"testing"

	"github.com/sct-langson/nhacviec/notify"
)

// TestMemoLastAsComputed: the step sequence and the recipients found
// last, kept for the next question, are those computed afresh for every
// question, on random assignments of the real appendix (tasks with and
// without progress check-ins, a task policy of their own, units, due
// days, kinds and levels of steps) asked from several goroutines at once
// (Sync prepares its chunks on one while planning on another), the same
// assignment several times in a row as the units of an occurrence come.
func TestMemoLastAsComputed(t *testing.T) {
	tasks := appendixTasks(t)
	e := testEngine(t, NewMemStore())
	cfg := *e.state.Load().Config
	cfg.Checkins = DefaultCheckins
	strict := DefaultPolicy
	strict.Before = []int{3}
	cfg.TaskPolicies = map[string]Policy{"I.2": strict}
	byKey := map[string]*Task{}
	for i := range tasks {
		byKey[taskKey(tasks[i].Plan.Code, tasks[i].ID)] = &tasks[i]
	}
	s := &state{Config: &cfg, tasks: byKey}
	fresh := func() *state { return &state{Config: &cfg, tasks: byKey} }
	units := []string{"vp", "qlcn", "qltm"}
	kinds := []notify.Kind{notify.KindReminder, notify.KindDue, notify.KindOverdue, notify.KindEscalation}
	var wg sync.WaitGroup
	for g := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(g), 11))
			var a Assignment
			var st Step
			for n := range 1500 {
				if n%3 == 0 || rng.IntN(2) == 0 { // else the same again
					task := tasks[rng.IntN(len(tasks))]
					a = Assignment{Plan: task.Plan.Code, TaskID: task.ID, Unit: units[rng.IntN(len(units))],
						DueDay: day(2024, 9, 1).AddDays(rng.IntN(120)), State: StateOpen}
					st = Step{Kind: kinds[rng.IntN(len(kinds))], Level: 1 + rng.IntN(2)}
				}
				if got, want := s.steps(a), fresh().steps(a); !reflect.DeepEqual(got, want) {
					t.Errorf("steps of %s %s due %s: kept %v, afresh %v", a.TaskID, a.Unit, a.DueDay, got.fixed, want.fixed)
					return
				}
				if got, want := s.targets(a, st), fresh().findTargets(a, st); !reflect.DeepEqual(got, want) {
					t.Errorf("recipients of %s %s %s %d: kept %v, afresh %v", a.TaskID, a.Unit, st.Kind, st.Level, got, want)
					return
				}
			}
		}()
	}
	wg.Wait()
}
