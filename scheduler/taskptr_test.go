package scheduler

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/sct-langson/nhacviec/plan"
)

// TestTaskPtrAsMap: the task found by plan and id, the last one kept for
// the next question, is the state's task of that plan and id, or none,
// on random questions from several goroutines at once (a round makes its
// digests on every core): two plans with the same task ids, ids of no
// task, the same question again.
func TestTaskPtrAsMap(t *testing.T) {
	var tasks []Task
	for _, code := range []string{"60/KH-SCT", "12/KH-SCT"} {
		for i := range 30 {
			tasks = append(tasks, Task{Plan: PlanInfo{Code: code}, Task: plan.Task{ID: fmt.Sprintf("I.%d", i)}})
		}
	}
	s := &state{Config: &Config{}, tasks: map[string]*Task{}}
	for i := range tasks {
		s.tasks[taskKey(tasks[i].Plan.Code, tasks[i].ID)] = &tasks[i]
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(g), 3))
			for range 20000 {
				code := []string{"60/KH-SCT", "12/KH-SCT", "9/KH"}[rng.IntN(3)]
				id := fmt.Sprintf("I.%d", rng.IntN(35))
				got, want := s.taskPtr(code, id), s.tasks[taskKey(code, id)]
				if got != want {
					t.Errorf("task %s of %s: %v, want %v", id, code, got, want)
					return
				}
			}
		}()
	}
	wg.Wait()
}
